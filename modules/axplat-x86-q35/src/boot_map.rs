//! What the early boot page tables map (pure arithmetic, tested on the host).
//!
//! From the multiboot entry until axmm switches to the kernel's own page table, every CPU runs
//! on static boot tables that map the low physical memory twice, at 0 (identity, for the code
//! that enables paging) and at `PHYS_VIRT_OFFSET` (the linear map), with 2 MiB pages only: 1 GiB
//! pages need the `pdpe1gb` CPU feature, which not every CPU model has.
//!
//! The boot map must hold the kernel image, the multiboot information and all RAM the allocator
//! may touch before the switch. The whole 32-bit space is mapped (RAM below the PCI hole, the
//! hole's LAPIC, IOAPIC, HPET and PCI windows); q35 firmware puts RAM that does not fit below the
//! hole at 4 GiB and up, so RAM of `ram_size` bytes ends below `4 GiB + ram_size`.

/// One GiB: the span of one page directory (512 entries of 2 MiB).
pub const GIB: usize = 1 << 30;

/// Size of the pages the boot tables use.
pub const PAGE_2M: usize = 2 << 20;

/// One page directory pointer table covers 512 GiB; the boot tables use one.
pub const MAX_GIB: usize = 512;

/// The 32-bit physical address space, always mapped.
const LOW_4G: usize = 4 * GIB;

/// Number of GiB the boot tables map (one page directory each) for `ram_size` bytes of RAM.
pub const fn boot_map_gib(ram_size: usize) -> usize {
    let gib = LOW_4G.saturating_add(ram_size).div_ceil(GIB);
    if gib > MAX_GIB { MAX_GIB } else { gib }
}

/// The part of the RAM range `(start, size)` below `limit`, or `None` if nothing is left.
pub const fn clip_range(start: usize, size: usize, limit: usize) -> Option<(usize, usize)> {
    if start >= limit || size == 0 {
        return None;
    }
    let end = start.saturating_add(size);
    let end = if end > limit { limit } else { end };
    Some((start, end - start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_4g_plus_ram() {
        assert_eq!(boot_map_gib(0), 4);
        assert_eq!(boot_map_gib(128 << 20), 5);
        assert_eq!(boot_map_gib(GIB), 5);
        assert_eq!(boot_map_gib(GIB + 1), 6);
        assert_eq!(boot_map_gib(16 * GIB), 20);
    }

    #[test]
    fn capped_at_one_pdpt() {
        assert_eq!(boot_map_gib(508 * GIB), 512);
        assert_eq!(boot_map_gib(1 << 40), MAX_GIB);
        assert_eq!(boot_map_gib(usize::MAX), MAX_GIB);
    }

    #[test]
    fn clips_ram_to_the_map() {
        let limit = 5 * GIB;
        assert_eq!(
            clip_range(0x10_0000, 0x100, limit),
            Some((0x10_0000, 0x100))
        );
        assert_eq!(clip_range(4 * GIB, 2 * GIB, limit), Some((4 * GIB, GIB)));
        assert_eq!(clip_range(5 * GIB, GIB, limit), None);
        assert_eq!(clip_range(0, 0, limit), None);
        assert_eq!(
            clip_range(usize::MAX - 1, 10, usize::MAX),
            Some((usize::MAX - 1, 1))
        );
    }
}
