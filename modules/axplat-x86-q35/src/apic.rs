//! Local APIC (one per CPU, xAPIC or x2APIC) and the IOAPIC, through the `x2apic` crate.
//!
//! IRQ numbers are interrupt vectors: the local APIC timer and IPIs use the vectors of the
//! config (`timer-irq`, `ipi-irq`), IOAPIC pin `n` is routed to vector `IOAPIC_VECTOR_BASE + n`.

use core::sync::atomic::{AtomicBool, Ordering};

use axplat::mem::{pa, phys_to_virt};
use kspin::SpinNoIrq;
use lazyinit::LazyInit;
use x2apic::ioapic::{IoApic, IrqFlags, IrqMode, RedirectionTableEntry};
use x2apic::lapic::{LocalApic, LocalApicBuilder, xapic_base};
use x86_64::instructions::interrupts::without_interrupts;
use x86_64::instructions::port::Port;

use crate::config::devices::TIMER_IRQ;

const SPURIOUS_VECTOR: usize = 0xf1;
const ERROR_VECTOR: usize = 0xf2;

/// Vector of IOAPIC pin 0 (the first vector after the CPU exceptions).
#[cfg_attr(not(feature = "irq"), allow(dead_code))]
pub const IOAPIC_VECTOR_BASE: usize = 0x20;
/// q35's IOAPIC.
const IOAPIC_PADDR: usize = 0xfec0_0000;

/// This CPU's local APIC. Only its own CPU touches it, with interrupts off ([`with_local_apic`]).
#[percpu::def_percpu]
static LOCAL_APIC: Option<LocalApic> = None;

static X2APIC: AtomicBool = AtomicBool::new(false);

#[cfg_attr(not(feature = "irq"), allow(dead_code))]
struct IoApicState {
    ioapic: IoApic,
    pins: usize,
}

// SAFETY: `IoApic` is a handle to the MMIO registers of the one IOAPIC; the spin lock around
// it makes every access exclusive, from whichever CPU.
unsafe impl Send for IoApicState {}

static IO_APIC: LazyInit<SpinNoIrq<IoApicState>> = LazyInit::new();

/// Runs `f` on this CPU's local APIC, with interrupts off. `f` must not call this again.
///
/// Panics if this CPU's local APIC is not initialized yet.
#[cfg_attr(not(any(feature = "smp", feature = "irq")), allow(dead_code))]
pub fn with_local_apic<R>(f: impl FnOnce(&mut LocalApic) -> R) -> R {
    without_interrupts(|| {
        // SAFETY: per-CPU data of the running CPU; with interrupts off nothing else on this
        // CPU can hold a reference to it, and other CPUs never touch it.
        let lapic = unsafe { LOCAL_APIC.current_ref_mut_raw() };
        f(lapic.as_mut().expect("local APIC not initialized"))
    })
}

/// The destination field of an IPI to the CPU with APIC ID `apic_id`.
#[cfg_attr(not(any(feature = "smp", feature = "irq")), allow(dead_code))]
pub fn raw_apic_id(apic_id: usize) -> u32 {
    if X2APIC.load(Ordering::Relaxed) {
        apic_id as u32
    } else {
        (apic_id as u32) << 24
    }
}

fn cpu_has_x2apic() -> bool {
    raw_cpuid::CpuId::new()
        .get_feature_info()
        .is_some_and(|info| info.has_x2apic())
}

/// Builds and enables the running CPU's local APIC.
fn enable_local_apic() {
    let mut builder = LocalApicBuilder::new();
    builder
        .timer_vector(TIMER_IRQ)
        .error_vector(ERROR_VECTOR)
        .spurious_vector(SPURIOUS_VECTOR)
        .timer_mode(x2apic::lapic::TimerMode::OneShot)
        .timer_divide(x2apic::lapic::TimerDivide::Div1)
        .timer_initial(0);
    if !X2APIC.load(Ordering::Relaxed) {
        // SAFETY: reads the IA32_APIC_BASE MSR, present on every x86_64 CPU.
        let base = unsafe { xapic_base() } as usize;
        builder.set_xapic_base(phys_to_virt(pa!(base)).as_usize() as u64);
    }
    let mut lapic = builder.build().expect("local APIC builder");
    // SAFETY: the registers are this CPU's local APIC (the xAPIC page is mapped by the kernel
    // page table as MMIO); enabling it with the timer stopped (initial count 0) and masked
    // LINT pins raises nothing yet.
    unsafe { lapic.enable() };
    without_interrupts(|| {
        // SAFETY: as in `with_local_apic`; this is the first and only reference.
        unsafe { *LOCAL_APIC.current_ref_mut_raw() = Some(lapic) };
    });
}

/// Masks the legacy 8259 PICs; every pin of the IOAPIC is routed to its vector, masked.
fn init_ioapic() {
    // SAFETY: writing the interrupt masks of the two 8259s masks all their inputs.
    unsafe {
        Port::<u8>::new(0x21).write(0xff);
        Port::<u8>::new(0xa1).write(0xff);
    }

    // SAFETY: the IOAPIC registers of q35 are at IOAPIC_PADDR (in the MMIO ranges, so mapped).
    let mut ioapic = unsafe { IoApic::new(phys_to_virt(pa!(IOAPIC_PADDR)).as_usize() as u64) };
    // SAFETY: register accesses of the IOAPIC we own here (not shared yet).
    let pins = unsafe { ioapic.max_table_entry() } as usize + 1;
    for pin in 0..pins {
        let mut entry = RedirectionTableEntry::default();
        entry.set_vector((IOAPIC_VECTOR_BASE + pin) as u8);
        entry.set_mode(IrqMode::Fixed);
        entry.set_flags(IrqFlags::MASKED);
        entry.set_dest(0); // the BSP (physical destination mode)
        // SAFETY: as above.
        unsafe { ioapic.set_table_entry(pin as u8, entry) };
    }
    info!("IOAPIC: {pins} pins at vectors {IOAPIC_VECTOR_BASE:#x}..");
    IO_APIC.init_once(SpinNoIrq::new(IoApicState { ioapic, pins }));
}

/// Masks or unmasks the IOAPIC pin of `vector`; vectors of no pin (local APIC ones) are ignored.
#[cfg(feature = "irq")]
pub fn set_enable(vector: usize, enabled: bool) {
    let Some(pin) = vector.checked_sub(IOAPIC_VECTOR_BASE) else {
        return;
    };
    let mut state = IO_APIC.lock();
    if pin >= state.pins {
        return;
    }
    // SAFETY: the pin exists; its redirection entry was set up in `init_ioapic`.
    unsafe {
        if enabled {
            state.ioapic.enable_irq(pin as u8);
        } else {
            state.ioapic.disable_irq(pin as u8);
        }
    }
}

pub fn init_primary() {
    let x2apic = cpu_has_x2apic();
    X2APIC.store(x2apic, Ordering::Relaxed);
    info!(
        "Local APIC in {} mode",
        if x2apic { "x2APIC" } else { "xAPIC" }
    );
    enable_local_apic();
    init_ioapic();
}

#[cfg(feature = "smp")]
pub fn init_secondary() {
    enable_local_apic();
}

#[cfg(feature = "irq")]
mod irq_impl {
    use axplat::irq::{HandlerTable, IpiTarget, IrqHandler, IrqIf};
    use x2apic::lapic::IpiAllShorthand;

    use super::{raw_apic_id, with_local_apic};

    /// One handler slot per vector.
    static HANDLERS: HandlerTable<256> = HandlerTable::new();

    struct IrqIfImpl;

    #[impl_plat_interface]
    impl IrqIf for IrqIfImpl {
        fn set_enable(vector: usize, enabled: bool) {
            super::set_enable(vector, enabled);
        }

        fn register(vector: usize, handler: IrqHandler) -> bool {
            if HANDLERS.register_handler(vector, handler) {
                super::set_enable(vector, true);
                true
            } else {
                warn!("IRQ {vector:#x}: a handler is registered already");
                false
            }
        }

        fn unregister(vector: usize) -> Option<IrqHandler> {
            super::set_enable(vector, false);
            HANDLERS.unregister_handler(vector)
        }

        fn handle(vector: usize) -> Option<usize> {
            if vector == super::SPURIOUS_VECTOR {
                return None; // no EOI for a spurious interrupt
            }
            if !HANDLERS.handle(vector) {
                warn!("unhandled IRQ {vector:#x}");
            }
            // SAFETY: ends the interrupt being handled on this CPU.
            with_local_apic(|lapic| unsafe { lapic.end_of_interrupt() });
            Some(vector)
        }

        fn send_ipi(vector: usize, target: IpiTarget) {
            // SAFETY: sending an IPI with a vector that has a handler slot.
            with_local_apic(|lapic| unsafe {
                match target {
                    IpiTarget::Current { .. } => lapic.send_ipi_self(vector as u8),
                    IpiTarget::Other { cpu_id } => {
                        lapic.send_ipi(vector as u8, raw_apic_id(cpu_id))
                    }
                    IpiTarget::AllExceptCurrent { .. } => {
                        lapic.send_ipi_all(vector as u8, IpiAllShorthand::AllExcludingSelf)
                    }
                }
            });
        }
    }
}
