//! The timer interrupt, programmed for each CPU's next event: the periodic
//! scheduler tick or, when sooner, the earliest [`Deadline`] registered on
//! that CPU. The runtime's own handler only knows the periodic tick, so a
//! 100 µs sleep used to end at the next 10 ms tick; with this one it ends
//! at its deadline.

use alloc::collections::BTreeMap;
use core::pin::Pin;
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Context, Poll, Waker};

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
    /// Deadlines of the waits that registered on this CPU, by (deadline,
    /// id), with the waker to wake then.
    deadlines: BTreeMap<(u64, u64), Waker>,
    /// What the hardware timer is set to.
    programmed: u64,
}

impl CpuEvents {
    const fn new() -> Self {
        Self {
            next_tick: 0,
            deadlines: BTreeMap::new(),
            programmed: 0,
        }
    }

    /// Sets the hardware timer for the earliest event. Must run on the CPU
    /// these events belong to (the timer is per CPU).
    fn program(&mut self) {
        let first = self
            .deadlines
            .first_key_value()
            .map_or(u64::MAX, |(&(d, _), _)| d);
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

/// The timer interrupt: advance the periodic tick if it is due, take the
/// deadlines that have come, program the next event, wake the waiters of
/// those deadlines, then let the scheduler run its own timer wheel and its
/// time slice accounting.
fn on_timer_irq() {
    let now = monotonic_time_nanos();
    let due = {
        let mut ev = EVENTS[this_cpu_id()].lock();
        if now >= ev.next_tick {
            // Keep the tick's phase unless it fell far behind.
            ev.next_tick = (ev.next_tick + TICK_NS).max(now + TICK_NS / 2);
        }
        let later = ev.deadlines.split_off(&(now + 1, 0));
        let due = core::mem::replace(&mut ev.deadlines, later);
        ev.program();
        due
    };
    for waker in due.into_values() {
        waker.wake();
    }
    axtask::on_timer_tick();
}

/// A future that completes at a monotonic deadline (ns). It is woken by
/// the timer interrupt of the CPU that first polled it, whose timer it
/// programs; polling it from another CPU later (a task that migrated) still
/// finds it there.
pub struct Deadline {
    at: u64,
    /// Where it waits: the CPU and its key there, once registered.
    slot: Option<(usize, (u64, u64))>,
}

impl Deadline {
    pub fn new(at_ns: u64) -> Self {
        Self {
            at: at_ns,
            slot: None,
        }
    }
}

impl Future for Deadline {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if monotonic_time_nanos() >= self.at {
            return Poll::Ready(());
        }
        if let Some((cpu, key)) = self.slot {
            // Gone from its CPU's set: the interrupt found it due.
            return match EVENTS[cpu].lock().deadlines.get_mut(&key) {
                Some(waker) if waker.will_wake(cx.waker()) => Poll::Pending,
                Some(waker) => {
                    waker.clone_from(cx.waker());
                    Poll::Pending
                }
                None => Poll::Ready(()),
            };
        }
        let _pinned = kernel_guard::NoPreemptIrqSave::new();
        let cpu = this_cpu_id();
        let key = (self.at, NEXT_ID.fetch_add(1, Ordering::Relaxed));
        let mut ev = EVENTS[cpu].lock();
        ev.deadlines.insert(key, cx.waker().clone());
        if self.at < ev.programmed {
            ev.program();
        }
        self.slot = Some((cpu, key));
        Poll::Pending
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        // No re-programming: an interrupt that finds nothing due is harmless.
        if let Some((cpu, key)) = self.slot {
            EVENTS[cpu].lock().deadlines.remove(&key);
        }
    }
}
