//! Physical memory: RAM from the multiboot memory map, the fixed MMIO ranges of the config, and
//! the linear map at `PHYS_VIRT_OFFSET`.

use axplat::mem::{MemIf, PhysAddr, RawRange, VirtAddr, pa, va};
use heapless::Vec;
use lazyinit::LazyInit;
use multiboot::information::{MemoryManagement, MemoryType, Multiboot, PAddr};

use crate::boot::BOOT_MAP_END;
use crate::boot_map::clip_range;
use crate::config::devices::MMIO_RANGES;
use crate::config::plat::{KERNEL_ASPACE_BASE, KERNEL_ASPACE_SIZE, PHYS_VIRT_OFFSET};

const MAX_RAM_RANGES: usize = 16;

static RAM_RANGES: LazyInit<Vec<RawRange, MAX_RAM_RANGES>> = LazyInit::new();

/// Linux's `COMMAND_LINE_SIZE` on x86: longer command lines are cut.
const MAX_CMDLINE: usize = 2048;

/// The loader's command line, copied out before the allocator may reuse its memory.
static CMDLINE: LazyInit<Vec<u8, MAX_CMDLINE>> = LazyInit::new();

/// The multiboot command line (empty if the loader gave none). QEMU and GRUB put the kernel
/// image's path first.
pub fn cmdline() -> &'static [u8] {
    CMDLINE.get().map_or(&[], |c| c.as_slice())
}

/// Reads the multiboot information at physical address `mbi`, still on the boot page tables.
///
/// RAM beyond the boot map is left out: the allocator may touch any RAM before the kernel page
/// table is in place (raise `phys-memory-size` in the config to use more).
pub fn init(mbi: usize) {
    let mut access = BootMemAccess;
    // SAFETY: `mbi` is the multiboot information the loader passed in EBX, in mapped low memory.
    let info = unsafe { Multiboot::from_ptr(mbi as PAddr, &mut access) }
        .expect("no multiboot information");
    let mut ranges = Vec::new();
    let regions = info
        .memory_regions()
        .expect("no memory map in the multiboot information");
    for region in regions.filter(|r| r.memory_type() == MemoryType::Available) {
        let (start, size) = (region.base_address() as usize, region.length() as usize);
        let Some(range) = clip_range(start, size, BOOT_MAP_END) else {
            warn!(
                "RAM [{start:#x}, {:#x}) is beyond the boot map, unused",
                start + size
            );
            continue;
        };
        if range.1 < size {
            warn!("RAM above {BOOT_MAP_END:#x} is beyond the boot map, unused");
        }
        if ranges.push(range).is_err() {
            warn!("more than {MAX_RAM_RANGES} RAM ranges, [{start:#x}, ..) unused");
        }
    }
    RAM_RANGES.init_once(ranges);

    let line = info.command_line().map_or(&[][..], str::as_bytes);
    let kept = &line[..line.len().min(MAX_CMDLINE)];
    if kept.len() < line.len() {
        warn!("command line longer than {MAX_CMDLINE} bytes, cut");
    }
    CMDLINE.init_once(Vec::from_slice(kept).unwrap_or_default());
}

/// Lets the `multiboot` crate read the information through the linear map.
struct BootMemAccess;

impl MemoryManagement for BootMemAccess {
    unsafe fn paddr_to_slice(&self, addr: PAddr, size: usize) -> Option<&'static [u8]> {
        let ptr = MemIfImpl::phys_to_virt(pa!(addr as usize)).as_ptr();
        // SAFETY: the crate asks for parts of the multiboot information, which the boot map
        // covers (it lies below 4 GiB) and nothing writes while it is read.
        Some(unsafe { core::slice::from_raw_parts(ptr, size) })
    }

    unsafe fn allocate(&mut self, _length: usize) -> Option<(PAddr, &mut [u8])> {
        None
    }

    unsafe fn deallocate(&mut self, _addr: PAddr) {}
}

struct MemIfImpl;

#[impl_plat_interface]
impl MemIf for MemIfImpl {
    fn phys_ram_ranges() -> &'static [RawRange] {
        RAM_RANGES.as_slice()
    }

    /// The first MiB: firmware data, and the AP start page.
    fn reserved_phys_ram_ranges() -> &'static [RawRange] {
        &[(0, 0x10_0000)]
    }

    fn mmio_ranges() -> &'static [RawRange] {
        &MMIO_RANGES
    }

    fn phys_to_virt(paddr: PhysAddr) -> VirtAddr {
        va!(paddr.as_usize() + PHYS_VIRT_OFFSET)
    }

    fn virt_to_phys(vaddr: VirtAddr) -> PhysAddr {
        pa!(vaddr.as_usize() - PHYS_VIRT_OFFSET)
    }

    fn kernel_aspace() -> (VirtAddr, usize) {
        (va!(KERNEL_ASPACE_BASE), KERNEL_ASPACE_SIZE)
    }
}
