//! Multiboot entry, the switch to long mode and the boot page tables (`boot.S`), and the AP
//! real-mode trampoline (`ap_start.S`, copied to low memory by [`crate::mp`]).

use core::arch::global_asm;

use x86_64::registers::control::{Cr0Flags, Cr4Flags};
use x86_64::registers::model_specific::EferFlags;
use x86_64::structures::gdt::DescriptorFlags;
use x86_64::structures::paging::PageTableFlags;

use crate::boot_map::{self, GIB, PAGE_2M};
use crate::config::plat::{
    BOOT_STACK_SIZE, KERNEL_BASE_PADDR, KERNEL_BASE_VADDR, PHYS_MEMORY_SIZE, PHYS_VIRT_OFFSET,
};

/// Multiboot header flags: bit 1 asks for the memory map, bit 16 says the header carries the
/// load addresses (so the loader need not parse the ELF).
const MULTIBOOT_HEADER_FLAGS: u32 = (1 << 1) | (1 << 16);
/// Magic of the multiboot header.
const MULTIBOOT_HEADER_MAGIC: u32 = 0x1BAD_B002;
/// What a multiboot loader leaves in EAX.
pub const MULTIBOOT_BOOTLOADER_MAGIC: usize = 0x2BAD_B002;

/// GiB mapped by the boot tables, at 0 and at `PHYS_VIRT_OFFSET`.
pub const BOOT_MAP_GIB: usize = boot_map::boot_map_gib(PHYS_MEMORY_SIZE);
/// End of the physical memory the boot tables map.
pub const BOOT_MAP_END: usize = BOOT_MAP_GIB * GIB;

/// Index of the PML4 entry of the linear map.
const PML4_LINEAR_INDEX: usize = (PHYS_VIRT_OFFSET >> 39) & 0x1ff;

// The identity and the linear map share one PDPT: the linear map must start on a PML4 entry of
// its own, and the kernel image must be reached through it.
const _: () = assert!(PHYS_VIRT_OFFSET.is_multiple_of(GIB * 512) && PML4_LINEAR_INDEX != 0);
const _: () = assert!(KERNEL_BASE_VADDR - KERNEL_BASE_PADDR == PHYS_VIRT_OFFSET);
const _: () = assert!(BOOT_MAP_GIB <= boot_map::MAX_GIB);

/// Selectors of the boot GDT (the same layout in the AP trampoline's GDT).
const SEL_CODE32: u16 = 0x08;
const SEL_CODE64: u16 = 0x10;
const SEL_DATA: u16 = 0x18;

/// Entries of the page directories: 2 MiB pages (`HUGE_PAGE` in a PD entry).
const PD_ENTRY_FLAGS: u64 = PageTableFlags::PRESENT.bits()
    | PageTableFlags::WRITABLE.bits()
    | PageTableFlags::HUGE_PAGE.bits();
/// Entries that point to the next level table.
const TABLE_FLAGS: u64 = PageTableFlags::PRESENT.bits() | PageTableFlags::WRITABLE.bits();

const CR0: u64 = Cr0Flags::PROTECTED_MODE_ENABLE.bits()
    | Cr0Flags::MONITOR_COPROCESSOR.bits()
    | Cr0Flags::NUMERIC_ERROR.bits()
    | Cr0Flags::WRITE_PROTECT.bits()
    | Cr0Flags::PAGING.bits();
const CR4: u64 = Cr4Flags::PHYSICAL_ADDRESS_EXTENSION.bits()
    | Cr4Flags::PAGE_GLOBAL.bits()
    | if cfg!(feature = "fp-simd") {
        Cr4Flags::OSFXSR.bits() | Cr4Flags::OSXMMEXCPT_ENABLE.bits()
    } else {
        0
    };
const EFER: u64 = EferFlags::LONG_MODE_ENABLE.bits() | EferFlags::NO_EXECUTE_ENABLE.bits();

/// Physical page the AP trampoline is copied to (below 1 MiB, reserved from the allocator).
pub const AP_START_PAGE: usize = 0x6000;
/// Offsets in the start page of the hand-off slots the trampoline reads: the AP's stack top and
/// its 32-bit entry (both physical addresses).
pub const AP_STACK_SLOT: usize = 0xff0;
pub const AP_ENTRY_SLOT: usize = 0xff8;

#[unsafe(link_section = ".bss.stack")]
static mut BOOT_STACK: [u8; BOOT_STACK_SIZE] = [0; BOOT_STACK_SIZE];

global_asm!(
    include_str!("boot.S"),
    include_str!("ap_start.S"),
    mb_hdr_magic = const MULTIBOOT_HEADER_MAGIC,
    mb_hdr_flags = const MULTIBOOT_HEADER_FLAGS,
    entry = sym rust_entry,
    entry_secondary = sym rust_entry_secondary,
    offset = const PHYS_VIRT_OFFSET,
    boot_stack = sym BOOT_STACK,
    boot_stack_size = const BOOT_STACK_SIZE,
    map_gib = const BOOT_MAP_GIB,
    page_2m = const PAGE_2M,
    pml4_linear = const PML4_LINEAR_INDEX,
    pd_flags = const PD_ENTRY_FLAGS,
    table_flags = const TABLE_FLAGS,
    gdt_code32 = const DescriptorFlags::KERNEL_CODE32.bits(),
    gdt_code64 = const DescriptorFlags::KERNEL_CODE64.bits(),
    gdt_data = const DescriptorFlags::KERNEL_DATA.bits(),
    sel_code32 = const SEL_CODE32,
    sel_code64 = const SEL_CODE64,
    sel_data = const SEL_DATA,
    cr0 = const CR0,
    cr4 = const CR4,
    efer_msr = const x86::msr::IA32_EFER,
    efer = const EFER,
    start_page = const AP_START_PAGE,
    stack_slot = const AP_STACK_SLOT,
    entry_slot = const AP_ENTRY_SLOT,
);

/// First Rust code of the bootstrap CPU, on the boot stack and the boot page tables.
extern "C" fn rust_entry(magic: usize, mbi: usize) {
    if magic == MULTIBOOT_BOOTLOADER_MAGIC {
        axplat::call_main(crate::current_cpu_id(), mbi);
    }
    // Not loaded by a multiboot loader: nothing tells us where the RAM is. `boot.S` halts.
}

/// First Rust code of an application processor, on the stack `mp::start_secondary_cpu` gave it.
extern "C" fn rust_entry_secondary() {
    #[cfg(feature = "smp")]
    axplat::call_secondary_main(crate::current_cpu_id());
}
