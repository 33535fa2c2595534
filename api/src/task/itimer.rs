//! ITIMER_REAL: the per-process interval timer behind setitimer(2) and
//! alarm(2), which sends SIGALRM to the process when it expires and then
//! rearms itself with its interval. Kept across execve, not inherited by
//! fork (a new process starts disarmed).

use alloc::sync::{Arc, Weak};
use core::time::Duration;

use super::Process;
use super::timer::{self, TimerKey};
use crate::signal::{SIGALRM, SigInfo, Target, code, send_signal};

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
