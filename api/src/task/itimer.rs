//! The per-process interval timers of setitimer(2): ITIMER_REAL (also
//! alarm(2)) on the monotonic clock sends SIGALRM; ITIMER_VIRTUAL and
//! ITIMER_PROF on the process's CPU time send SIGVTALRM and SIGPROF. Each
//! rearms itself with its interval. Kept across execve, not inherited by
//! fork (a new process starts disarmed).

use alloc::sync::{Arc, Weak};
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use super::Process;
use super::timer::{self, TimerKey};
use crate::signal::{SIGALRM, SIGPROF, SIGVTALRM, SigInfo, Target, code, send_signal};

/// What getitimer reports: time to the next expiry (zero: disarmed) and
/// the interval.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ItimerValue {
    pub value: Duration,
    pub interval: Duration,
}

#[derive(Default)]
struct Armed {
    key: Option<TimerKey>,
    deadline: Duration,
    interval: Duration,
}

/// A process's real-time interval timer.
#[derive(Default)]
pub struct RealTimer {
    state: spin::Mutex<Armed>,
}

/// Linux reports at least 1 µs left while a timer is armed.
const MIN_LEFT: Duration = Duration::from_micros(1);

impl RealTimer {
    fn current(a: &Armed) -> ItimerValue {
        let value = match a.key {
            None => Duration::ZERO,
            Some(_) => a
                .deadline
                .saturating_sub(axhal::time::monotonic_time())
                .max(MIN_LEFT),
        };
        ItimerValue {
            value,
            interval: a.interval,
        }
    }

    pub fn get(&self) -> ItimerValue {
        Self::current(&self.state.lock())
    }

    /// Arms `proc`'s timer with `new` (a zero value disarms it); returns
    /// the previous setting.
    pub fn set(&self, proc: &Arc<Process>, new: ItimerValue) -> ItimerValue {
        let mut a = self.state.lock();
        let old = Self::current(&a);
        if let Some(key) = a.key.take() {
            timer::cancel(key);
        }
        a.interval = new.interval;
        if !new.value.is_zero() {
            let deadline = axhal::time::monotonic_time() + new.value;
            arm(&mut a, Arc::downgrade(proc), deadline);
        }
        old
    }
}

fn arm(a: &mut Armed, proc: Weak<Process>, deadline: Duration) {
    a.deadline = deadline;
    let p = proc.clone();
    let key = timer::arm(deadline, move || expire(p));
    a.key = Some(key);
}

/// Runs in the timer task when the timer expires.
fn expire(proc: Weak<Process>) {
    let Some(p) = proc.upgrade() else {
        return;
    };
    {
        let mut a = p.itimer_real.state.lock();
        a.key = None;
        if !a.interval.is_zero() {
            // Skip the periods that passed unseen, as Linux's hrtimer_forward.
            let now = axhal::time::monotonic_time();
            let mut next = a.deadline + a.interval;
            if next <= now {
                let behind = (now - a.deadline).as_nanos() / a.interval.as_nanos();
                next = a.deadline + a.interval * (behind as u32 + 1);
            }
            arm(&mut a, proc, next);
        }
    }
    // From the kernel, as Linux's it_real_fn: SI_KERNEL, no sender.
    let _ = send_signal(
        Target::Process(&p),
        SigInfo::from_process(SIGALRM, code::SI_KERNEL, 0),
    );
}

/// ITIMER_VIRTUAL (the process's user time) or ITIMER_PROF (its user and
/// system time): the expiry is a reading of that CPU clock. It is checked
/// whenever a thread of the process comes back from user mode, so it fires
/// with the accounting's granularity (a timer tick for a busy loop), as
/// Linux's tick-driven CPU timers do.
#[derive(Default)]
pub struct CpuTimer {
    state: spin::Mutex<CpuArmed>,
    /// Whether `state` holds an expiry: lets the hot path skip the lock.
    armed: AtomicBool,
}

#[derive(Default)]
struct CpuArmed {
    /// CPU time (ns) at which the timer fires; 0: disarmed.
    expires: u64,
    interval: u64,
}

/// The scheduler tick, in ns.
const TICK_NS: u64 = 1_000_000_000 / axconfig::TICKS_PER_SEC as u64;

fn nanos(d: Duration) -> u64 {
    d.as_nanos().min(u64::MAX as u128) as u64
}

impl CpuTimer {
    fn value(a: &CpuArmed, now: u64) -> ItimerValue {
        let left = match a.expires {
            0 => Duration::ZERO,
            // Due but not yet seen by a check: about to fire.
            e if e <= now => MIN_LEFT,
            e => Duration::from_nanos(e - now),
        };
        ItimerValue {
            value: left,
            interval: Duration::from_nanos(a.interval),
        }
    }

    /// The setting, given the clock's reading `now`.
    pub fn get(&self, now: u64) -> ItimerValue {
        Self::value(&self.state.lock(), now)
    }

    /// Arms the timer (a zero value disarms it); returns the previous setting.
    pub fn set(&self, now: u64, new: ItimerValue) -> ItimerValue {
        let mut a = self.state.lock();
        let old = Self::value(&a, now);
        // Linux adds a tick: the timer is seen at the tick after the value.
        a.expires = match nanos(new.value) {
            0 => 0,
            v => now.saturating_add(v).saturating_add(TICK_NS),
        };
        a.interval = nanos(new.interval);
        self.armed.store(a.expires != 0, Ordering::Release);
        old
    }

    /// Whether the clock reading `now` reached the expiry; rearms with the
    /// interval (from the old expiry, as Linux) or disarms.
    fn expired(&self, now: u64) -> bool {
        if !self.armed.load(Ordering::Acquire) {
            return false;
        }
        let mut a = self.state.lock();
        if a.expires == 0 || a.expires > now {
            return false;
        }
        a.expires = match a.interval {
            0 => 0,
            i => a.expires.saturating_add(i).max(now + 1),
        };
        self.armed.store(a.expires != 0, Ordering::Release);
        true
    }
}

/// A process's CPU-time interval timers.
#[derive(Default)]
pub struct CpuTimers {
    pub virt: CpuTimer,
    pub prof: CpuTimer,
}

/// Sends SIGVTALRM / SIGPROF for the CPU timers of `p` that are due; the
/// run loop calls it each time a thread of `p` leaves user mode.
pub fn check_cpu_timers(p: &Arc<Process>) {
    let timers = &p.itimer_cpu;
    if !timers.virt.armed.load(Ordering::Relaxed) && !timers.prof.armed.load(Ordering::Relaxed) {
        return;
    }
    let usage = p.self_usage();
    for (timer, now, sig) in [
        (&timers.virt, usage.utime_ns, SIGVTALRM),
        (&timers.prof, usage.cpu_ns(), SIGPROF),
    ] {
        if timer.expired(now) {
            let _ = send_signal(
                Target::Process(p),
                SigInfo::from_process(sig, code::SI_KERNEL, 0),
            );
        }
    }
}
