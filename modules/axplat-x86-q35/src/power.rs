//! CPU start-up and power-off.

use axplat::power::PowerIf;
use x86_64::instructions::port::Port;

/// q35's ACPI PM1a control register (PM base 0x600 set by the firmware, + 4).
const PM1A_CNT: u16 = 0x604;
/// SLP_EN with SLP_TYP 0: the S5 (soft off) state in QEMU's ACPI tables.
const PM1A_SLEEP_S5: u16 = 1 << 13;

struct PowerImpl;

#[impl_plat_interface]
impl PowerIf for PowerImpl {
    /// Starts CPU `cpu_id` (its APIC ID) on the stack whose top is at `stack_top_paddr`.
    #[cfg(feature = "smp")]
    fn cpu_boot(cpu_id: usize, stack_top_paddr: usize) {
        crate::mp::start_secondary_cpu(cpu_id, stack_top_paddr);
    }

    fn system_off() -> ! {
        info!("Shutting down...");
        // SAFETY: entering S5 through the PM1a control register powers the machine off.
        unsafe { Port::<u16>::new(PM1A_CNT).write(PM1A_SLEEP_S5) };
        warn!("ACPI power-off did not take effect; halting");
        loop {
            axcpu::asm::disable_irqs();
            axcpu::asm::halt();
        }
    }

    fn cpu_num() -> usize {
        crate::config::plat::MAX_CPU_NUM
    }
}
