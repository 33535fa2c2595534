//! The timer interrupt, programmed for each CPU's next event: the periodic
//! scheduler tick or, when sooner, the earliest deadline a wait on that CPU
//! has. The runtime's own handler only knows the periodic tick, so a 100 µs
//! sleep used to end at the next 10 ms tick; with this one it ends at its
//! deadline (the wait's timer fires in the scheduler's timer wheel, which
//! the handler runs on every timer interrupt).

use alloc::collections::BTreeSet;
use core::sync::atomic::{AtomicU64, Ordering};

use axconfig::plat::MAX_CPU_NUM;
use axhal::percpu::this_cpu_id;
use axhal::time::{NANOS_PER_SEC, monotonic_time_nanos, set_oneshot_timer};
use kspin::SpinNoIrq;

/// The scheduler's periodic tick.
const TICK_NS: u64 = NANOS_PER_SEC / axconfig::TICKS_PER_SEC as u64;

/// One CPU's timer events.
struct CpuEvents {
    /// The next periodic tick (monotonic ns).
    next_tick: u64,
    /// Deadlines of the waits that registered on this CPU: (deadline, id).
    deadlines: BTreeSet<(u64, u64)>,
    /// What the hardware timer is set to.
    programmed: u64,
}

impl CpuEvents {
    const fn new() -> Self {
        Self {
            next_tick: 0,
            deadlines: BTreeSet::new(),
            programmed: 0,
        }
    }

    /// Sets the hardware timer for the earliest event. Must run on the CPU
    /// these events belong to (the timer is per CPU).
    fn program(&mut self) {
        let first = self.deadlines.first().map_or(u64::MAX, |&(d, _)| d);
        self.programmed = self.next_tick.min(first);
        set_oneshot_timer(self.programmed);
    }
}

static EVENTS: [SpinNoIrq<CpuEvents>; MAX_CPU_NUM] =
    [const { SpinNoIrq::new(CpuEvents::new()) }; MAX_CPU_NUM];
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// Replaces the runtime's timer interrupt handler with [`on_timer_irq`].
/// A CPU whose timer fired in the moment without a handler is left
/// unarmed: [`ensure_armed`], which every IPI runs, arms it again, and the
/// caller kicks the other CPUs.
pub fn init() {
    let irq = axhal::time::irq_num();
    let _irqs_off = kernel_guard::IrqSave::new();
    axhal::irq::unregister(irq);
    if !axhal::irq::register(irq, on_timer_irq) {
        log::warn!("tick: cannot take the timer interrupt: timers fire on ticks only");
        return;
    }
    EVENTS[this_cpu_id()].lock().program();
}

/// Arms this CPU's timer if its programmed event has passed without an
/// interrupt having re-armed it (see [`init`]).
pub fn ensure_armed() {
    let now = monotonic_time_nanos();
    let mut ev = EVENTS[this_cpu_id()].lock();
    if ev.programmed < now.saturating_sub(TICK_NS) {
        ev.next_tick = now + TICK_NS;
        ev.program();
    }
}

/// The timer interrupt: advance the periodic tick if it is due, forget the
/// deadlines that have come, program the next event, then let the
/// scheduler run its timer wheel (waking the waits whose time has come)
/// and its time slice accounting.
fn on_timer_irq() {
    let now = monotonic_time_nanos();
    {
        let mut ev = EVENTS[this_cpu_id()].lock();
        if now >= ev.next_tick {
            // Keep the tick's phase unless it fell far behind.
            ev.next_tick = (ev.next_tick + TICK_NS).max(now + TICK_NS / 2);
        }
        let later = ev.deadlines.split_off(&(now + 1, 0));
        ev.deadlines = later;
        ev.program();
    }
    axtask::on_timer_tick();
}

/// A deadline registered with [`at_deadline`]; dropping it withdraws it.
pub struct DeadlineGuard {
    cpu: usize,
    key: (u64, u64),
}

impl Drop for DeadlineGuard {
    fn drop(&mut self) {
        // No re-programming: an interrupt that finds nothing due is harmless.
        EVENTS[self.cpu].lock().deadlines.remove(&self.key);
    }
}

/// Makes this CPU's timer interrupt fire at the monotonic `deadline_ns`
/// (if it is sooner than its next event), for a wait whose timer is in this
/// CPU's timer wheel. Call it on the CPU that then registers the wait.
pub fn at_deadline(deadline_ns: u64) -> DeadlineGuard {
    let _pinned = kernel_guard::NoPreemptIrqSave::new();
    let cpu = this_cpu_id();
    let key = (deadline_ns, NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let mut ev = EVENTS[cpu].lock();
    ev.deadlines.insert(key);
    if deadline_ns < ev.programmed {
        ev.program();
    }
    DeadlineGuard { cpu, key }
}
