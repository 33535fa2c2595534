//! Starting application processors: copy the trampoline to the start page, then INIT-SIPI-SIPI.

use axplat::mem::{pa, phys_to_virt, va, virt_to_phys};
use axplat::time::{Duration, busy_wait};

use crate::boot::{AP_ENTRY_SLOT, AP_STACK_SLOT, AP_START_PAGE};

unsafe extern "C" {
    /// The real-mode trampoline (ap_start.S), copied to the start page.
    fn ap_trampoline_start();
    fn ap_trampoline_end();
    /// Where the trampoline jumps in 32-bit protected mode (boot.S).
    fn ap_entry32();
}

/// Writes the trampoline and the AP's hand-off slots to the start page.
fn prepare_start_page(stack_top_paddr: usize) {
    let code_start = ap_trampoline_start as *const () as usize;
    let code_len = ap_trampoline_end as *const () as usize - code_start;
    assert!(
        code_len <= AP_STACK_SLOT,
        "AP trampoline does not fit in its page"
    );
    let entry_paddr = virt_to_phys(va!(ap_entry32 as *const () as usize)).as_usize();
    // The trampoline reads 32-bit values: both addresses must be below 4 GiB.
    let stack_top = u32::try_from(stack_top_paddr).expect("AP stack above 4 GiB");
    let entry = u32::try_from(entry_paddr).expect("kernel image above 4 GiB");

    let page = phys_to_virt(pa!(AP_START_PAGE)).as_mut_ptr();
    // SAFETY: the start page is reserved low memory (below 1 MiB, never handed to the
    // allocator), mapped by the kernel page table, and only the BSP writes it, before the AP
    // starts; the copy and the slots stay within the page.
    unsafe {
        core::ptr::copy_nonoverlapping(code_start as *const u8, page, code_len);
        page.add(AP_STACK_SLOT)
            .cast::<u32>()
            .write_volatile(stack_top);
        page.add(AP_ENTRY_SLOT).cast::<u32>().write_volatile(entry);
    }
}

/// Starts the CPU with APIC ID `apic_id` on the stack whose top is at `stack_top_paddr`.
pub fn start_secondary_cpu(apic_id: usize, stack_top_paddr: usize) {
    prepare_start_page(stack_top_paddr);
    let dest = crate::apic::raw_apic_id(apic_id);
    let vector = (AP_START_PAGE >> 12) as u8;

    // The INIT-SIPI-SIPI sequence (Intel SDM Vol. 3, "MP Initialization Protocol").
    // SAFETY: INIT resets the target CPU, which is not running yet (the runtime starts each
    // CPU once); the STARTUP IPIs start it at the start page, prepared above.
    crate::apic::with_local_apic(|lapic| unsafe { lapic.send_init_ipi(dest) });
    busy_wait(Duration::from_millis(10));
    for _ in 0..2 {
        // SAFETY: as above.
        crate::apic::with_local_apic(|lapic| unsafe { lapic.send_sipi(vector, dest) });
        busy_wait(Duration::from_micros(200));
    }
}
