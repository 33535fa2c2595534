//! One wait queue for "some file's readiness may have changed", which
//! poll and select sleep on. Files whose state changes without a wakeup of
//! their own (the UART console) are re-checked on a short period instead.

use core::time::Duration;

use axtask::WaitQueue;

static READINESS: WaitQueue = WaitQueue::new();

/// How long a poller sleeps before re-checking files that cannot wake it.
const RECHECK_PERIOD: Duration = Duration::from_millis(10);

/// Wakes every poller so it re-checks its files.
pub fn notify_readiness() {
    READINESS.notify_all(false);
}

/// Sleeps until a readiness notification, `timeout` (if shorter than the
/// re-check period), or the re-check period.
pub fn wait_readiness(timeout: Option<Duration>) {
    let period = timeout.map_or(RECHECK_PERIOD, |t| t.min(RECHECK_PERIOD));
    READINESS.wait_timeout(period);
}
