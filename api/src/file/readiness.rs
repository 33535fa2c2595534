//! One wait queue for "some file's readiness may have changed", which
//! poll and select sleep on. Files whose state changes without a wakeup of
//! their own (the UART console) are re-checked on a short period instead.

use core::time::Duration;

use crate::task::wait::{WaitError, WaitQueue};

static READINESS: WaitQueue = WaitQueue::new();

/// How long a poller sleeps before re-checking files that cannot wake it.
const RECHECK_PERIOD: Duration = Duration::from_millis(10);

/// Wakes every poller so it re-checks its files.
pub fn notify_readiness() {
    READINESS.notify_all();
}

/// Sleeps until a readiness notification, `timeout` (if shorter than the
/// re-check period), or the re-check period; `Interrupted` on a signal.
pub fn wait_readiness(timeout: Option<Duration>) -> Result<(), WaitError> {
    let period = timeout.map_or(RECHECK_PERIOD, |t| t.min(RECHECK_PERIOD));
    let deadline = axhal::time::monotonic_time().saturating_add(period);
    match READINESS.wait_if(Some(deadline), || true) {
        Ok(_) | Err(WaitError::TimedOut) => Ok(()),
        Err(e) => Err(e),
    }
}
