//! Time: the TSC is the clock, the local APIC timer in one-shot mode the timer interrupt.
//!
//! Both frequencies are measured at boot rather than assumed: under TCG the guest TSC runs at
//! the host's TSC rate, which no CPUID leaf reports.

use core::arch::x86_64::_rdtsc;
use core::sync::atomic::{AtomicU64, Ordering};

use axplat::time::TimeIf;
use int_ratio::Ratio;
use lazyinit::LazyInit;
use raw_cpuid::CpuId;

use crate::config::devices::TIMER_FREQUENCY;
use crate::freq::TickScale;

/// Conversions between TSC ticks (counted from boot) and nanoseconds.
struct Clock {
    tsc_at_boot: u64,
    ticks_to_nanos: TickScale,
    nanos_to_ticks: Ratio,
}

static CLOCK: LazyInit<Clock> = LazyInit::new();

/// Wall time at monotonic time 0, in nanoseconds since the epoch (from the RTC).
static EPOCH_OFFSET_NANOS: AtomicU64 = AtomicU64::new(0);

/// Nanoseconds to local APIC timer ticks (divide by 1).
#[cfg(feature = "irq")]
static NANOS_TO_LAPIC_TICKS: LazyInit<Ratio> = LazyInit::new();

pub(crate) fn rdtsc() -> u64 {
    // SAFETY: reading the time-stamp counter has no side effects.
    unsafe { _rdtsc() }
}

/// The TSC frequency in kHz and where it comes from.
fn tsc_khz() -> (u64, &'static str) {
    let cpuid = CpuId::new();
    if let Some(hz) = cpuid.get_tsc_info().and_then(|info| info.tsc_frequency()) {
        return (hz / 1000, "CPUID 0x15");
    }
    if let Some(khz) = cpuid
        .get_hypervisor_info()
        .and_then(|hv| hv.tsc_frequency())
        && khz > 0
    {
        return (khz as u64, "hypervisor CPUID");
    }
    if let Some(khz) = crate::pit::tsc_khz() {
        return (khz, "measured with the PIT");
    }
    if let Some(info) = cpuid.get_processor_frequency_info()
        && info.processor_base_frequency() > 0
    {
        return (info.processor_base_frequency() as u64 * 1000, "CPUID 0x16");
    }
    (TIMER_FREQUENCY as u64 / 1000, "config default")
}

pub fn init_early() {
    let (khz, source) = tsc_khz();
    axplat::console_println!("TSC: {}.{:03} MHz ({source})", khz / 1000, khz % 1000);
    let khz = khz as u32; // at most 20 GHz (checked by the PIT path, true of the others)
    CLOCK.init_once(Clock {
        tsc_at_boot: rdtsc(),
        ticks_to_nanos: TickScale::from_khz(khz as u64),
        nanos_to_ticks: Ratio::new(khz, 1_000_000),
    });

    #[cfg(feature = "rtc")]
    {
        let epoch_secs = x86_rtc::Rtc::new().get_unix_timestamp();
        let now = axplat::time::monotonic_time_nanos();
        EPOCH_OFFSET_NANOS.store(
            (epoch_secs * axplat::time::NANOS_PER_SEC).saturating_sub(now),
            Ordering::Relaxed,
        );
    }
}

/// The local APIC timer frequency in kHz: from the hypervisor's CPUID leaf, or measured
/// against the TSC over 10 ms.
#[cfg(feature = "irq")]
fn lapic_timer_khz() -> u64 {
    use axplat::time::{Duration, busy_wait};

    if let Some(khz) = CpuId::new()
        .get_hypervisor_info()
        .and_then(|hv| hv.apic_frequency())
        && khz > 0
    {
        return khz as u64;
    }
    let (counted, nanos) = crate::apic::with_local_apic(|lapic| {
        // SAFETY: the timer of this CPU's local APIC; it is stopped again (initial count 0)
        // before interrupts can be taken.
        unsafe {
            lapic.set_timer_initial(u32::MAX);
            let start = TimeIfImpl::current_ticks();
            busy_wait(Duration::from_millis(10));
            let left = lapic.timer_current();
            let end = TimeIfImpl::current_ticks();
            lapic.set_timer_initial(0);
            (u32::MAX - left, TimeIfImpl::ticks_to_nanos(end - start))
        }
    });
    let khz = crate::freq::khz_from_nanos(counted as u64, nanos);
    if (1_000..=10_000_000).contains(&khz) {
        khz
    } else {
        // QEMU's and KVM's emulated APIC bus clock.
        warn!("local APIC timer measured at {khz} kHz, assuming 1 GHz");
        1_000_000
    }
}

pub fn init_primary() {
    #[cfg(feature = "irq")]
    {
        let khz = lapic_timer_khz();
        info!("local APIC timer: {khz} kHz");
        NANOS_TO_LAPIC_TICKS.init_once(Ratio::new(khz as u32, 1_000_000));
        // The runtime arms each next tick from the timer interrupt, but on the primary CPU it
        // waits for a first one: raise it now (it stays pending until IRQs are enabled).
        TimeIfImpl::set_oneshot_timer(0);
    }
}

/// The monotonic clock as user space can read it itself (the vDSO):
/// nanoseconds since boot = `scale.nanos(rdtsc() - tsc_at_boot)`, and the
/// wall clock that plus `epoch_offset_nanos`.
#[derive(Clone, Copy, Debug)]
pub struct TscClock {
    pub tsc_at_boot: u64,
    pub scale: TickScale,
    pub epoch_offset_nanos: u64,
}

/// The clock's parameters, once the clock is set up.
pub fn tsc_clock() -> Option<TscClock> {
    let clock = CLOCK.get()?;
    Some(TscClock {
        tsc_at_boot: clock.tsc_at_boot,
        scale: clock.ticks_to_nanos,
        epoch_offset_nanos: EPOCH_OFFSET_NANOS.load(Ordering::Relaxed),
    })
}

struct TimeIfImpl;

#[impl_plat_interface]
impl TimeIf for TimeIfImpl {
    fn current_ticks() -> u64 {
        rdtsc().wrapping_sub(CLOCK.tsc_at_boot)
    }

    fn ticks_to_nanos(ticks: u64) -> u64 {
        CLOCK.ticks_to_nanos.nanos(ticks)
    }

    fn nanos_to_ticks(nanos: u64) -> u64 {
        CLOCK.nanos_to_ticks.mul_trunc(nanos)
    }

    fn epochoffset_nanos() -> u64 {
        EPOCH_OFFSET_NANOS.load(Ordering::Relaxed)
    }

    #[cfg(feature = "irq")]
    fn irq_num() -> usize {
        crate::config::devices::TIMER_IRQ
    }

    /// Arms this CPU's local APIC timer for `deadline_ns` (monotonic). Deadlines beyond the
    /// counter's range fire early, at its maximum; the caller re-arms.
    #[cfg(feature = "irq")]
    fn set_oneshot_timer(deadline_ns: u64) {
        let now_ns = Self::ticks_to_nanos(Self::current_ticks());
        let ticks = NANOS_TO_LAPIC_TICKS.mul_trunc(deadline_ns.saturating_sub(now_ns));
        let initial = ticks.clamp(1, u32::MAX as u64) as u32;
        // SAFETY: programs the timer of this CPU's local APIC.
        crate::apic::with_local_apic(|lapic| unsafe { lapic.set_timer_initial(initial) });
    }
}
