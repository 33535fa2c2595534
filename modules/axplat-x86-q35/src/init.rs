//! The platform's initialization steps, called by the runtime.

use axplat::init::InitIf;

struct InitIfImpl;

#[impl_plat_interface]
impl InitIf for InitIfImpl {
    /// On the boot stack and page tables: traps, console, clocks, then the memory map from the
    /// multiboot information at physical address `mbi`.
    fn init_early(_cpu_id: usize, mbi: usize) {
        axcpu::init::init_trap();
        #[cfg(feature = "fp-simd")]
        crate::xstate::enable();
        crate::console::init();
        crate::time::init_early();
        crate::mem::init(mbi);
    }

    #[cfg(feature = "smp")]
    fn init_early_secondary(_cpu_id: usize) {
        axcpu::init::init_trap();
        #[cfg(feature = "fp-simd")]
        crate::xstate::enable();
    }

    /// On the kernel page table: the interrupt controllers and the timer.
    fn init_later(_cpu_id: usize, _arg: usize) {
        crate::apic::init_primary();
        crate::time::init_primary();
    }

    #[cfg(feature = "smp")]
    fn init_later_secondary(_cpu_id: usize) {
        crate::apic::init_secondary();
    }
}
