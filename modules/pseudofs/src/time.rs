//! The clock used for atime/mtime/ctime.
//!
//! The crate cannot read a clock itself (it also builds on the host), so the
//! kernel installs one at boot. Until then every timestamp is zero.

use core::time::Duration;

use spin::RwLock;

static TIME_SOURCE: RwLock<fn() -> Duration> = RwLock::new(zero);

fn zero() -> Duration {
    Duration::ZERO
}

/// Installs the wall clock used for node timestamps (e.g. `axhal::time::wall_time`).
///
/// Meant to be called once at boot; a later call replaces the clock.
pub fn set_time_source(now: fn() -> Duration) {
    *TIME_SOURCE.write() = now;
}

/// The current time according to the installed clock.
pub(crate) fn now() -> Duration {
    (*TIME_SOURCE.read())()
}
