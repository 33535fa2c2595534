//! Kernel timers: a callback runs at a monotonic deadline, in the timer
//! task, unless cancelled first. One task serves every timer, sleeping
//! until the earliest deadline or until the set of timers changes.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;

use super::wait::WaitQueue;

/// A timer's place in the queue; what [`cancel`] takes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct TimerKey {
    deadline: Duration,
    id: u64,
}

type Callback = Box<dyn FnOnce() + Send>;

static TIMERS: spin::Mutex<BTreeMap<TimerKey, Callback>> = spin::Mutex::new(BTreeMap::new());
static CHANGED: WaitQueue = WaitQueue::new();
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
static STARTED: spin::Once = spin::Once::new();

/// Runs `f` at the monotonic time `deadline` (at once if it has passed).
pub fn arm(deadline: Duration, f: impl FnOnce() + Send + 'static) -> TimerKey {
    STARTED.call_once(|| super::spawn_kernel_task(serve, "timers"));
    let key = TimerKey {
        deadline,
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
    };
    TIMERS.lock().insert(key, Box::new(f));
    CHANGED.notify_all();
    key
}

/// Cancels a timer; false if it has already run (or is running).
pub fn cancel(key: TimerKey) -> bool {
    TIMERS.lock().remove(&key).is_some()
}

/// The body of the timer task.
fn serve() {
    loop {
        let first = TIMERS.lock().first_key_value().map(|(k, _)| *k);
        let now = axhal::time::monotonic_time();
        match first {
            Some(key) if key.deadline <= now => {
                let due = TIMERS.lock().remove(&key);
                if let Some(f) = due {
                    f();
                }
            }
            // Sleep until the deadline, or until a new timer may come first.
            _ => {
                let deadline = first.map(|k| k.deadline);
                let unchanged = || TIMERS.lock().first_key_value().map(|(k, _)| *k) == first;
                let _ = CHANGED.wait_if(deadline, unchanged);
            }
        }
    }
}
