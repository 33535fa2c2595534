//! timerfd_create, timerfd_settime, timerfd_gettime.

use core::time::Duration;

use linux_raw_sys::general::{self as uapi, O_CLOEXEC, O_NONBLOCK, O_RDWR};

use super::fs::{get_file, install};
use super::time::ts;
use crate::errno::{Errno, SysResult};
use crate::file::{FileKind, TimerClock, TimerFd, TimerSpec};
use crate::uaccess::UserPtr;

const TFD_TIMER_ABSTIME: u32 = 1;
/// Accepted; it would make reads fail with ECANCELED when the wall clock
/// is set, which it cannot be here.
const TFD_TIMER_CANCEL_ON_SET: u32 = 2;

/// The clocks a timerfd may count on. The _ALARM ones need
/// CAP_WAKE_ALARM, which root has; they differ only in waking a suspended
/// system, and this one never suspends.
fn clock_of(clockid: i32) -> Option<TimerClock> {
    match clockid as u32 {
        uapi::CLOCK_REALTIME | uapi::CLOCK_REALTIME_ALARM => Some(TimerClock::Realtime),
        uapi::CLOCK_MONOTONIC | uapi::CLOCK_BOOTTIME | uapi::CLOCK_BOOTTIME_ALARM => {
            Some(TimerClock::Monotonic)
        }
        _ => None,
    }
}

pub fn sys_timerfd_create(clockid: i32, flags: u32) -> SysResult {
    let clock = clock_of(clockid).ok_or(Errno::EINVAL)?;
    if flags & !(O_CLOEXEC | O_NONBLOCK) != 0 {
        return Err(Errno::EINVAL);
    }
    let file = TimerFd::new(clockid, clock);
    let fd = install(file, O_RDWR | (flags & O_NONBLOCK), flags & O_CLOEXEC != 0)?;
    Ok(fd as isize)
}

/// Runs `f` on the timerfd open as `fd`: EBADF if none is open, EINVAL if
/// it is another kind of file.
fn with_timerfd<R>(fd: i32, f: impl FnOnce(&TimerFd) -> R) -> SysResult<R> {
    let file = get_file(fd)?;
    match file.file.kind() {
        FileKind::Timer(t) => Ok(f(t)),
        _ => Err(Errno::EINVAL),
    }
}

/// A timespec as a duration: EINVAL unless it is a valid, non-negative one.
fn duration(t: &uapi::timespec) -> SysResult<Duration> {
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return Err(Errno::EINVAL);
    }
    Ok(Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

fn itimerspec(spec: TimerSpec) -> uapi::itimerspec {
    uapi::itimerspec {
        it_interval: ts(spec.interval),
        it_value: ts(spec.value),
    }
}

/// As Linux: the new setting is read (EFAULT) and checked (EINVAL) before
/// the fd is looked at; the old one is written after the timer is set.
pub fn sys_timerfd_settime(
    fd: i32,
    flags: u32,
    new: UserPtr<uapi::itimerspec>,
    old: UserPtr<uapi::itimerspec>,
) -> SysResult {
    let new = new.read()?;
    if flags & !(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) != 0 {
        return Err(Errno::EINVAL);
    }
    let spec = TimerSpec {
        value: duration(&new.it_value)?,
        interval: duration(&new.it_interval)?,
    };
    let prev = with_timerfd(fd, |t| t.set(spec, flags & TFD_TIMER_ABSTIME != 0, flags))?;
    if !old.is_null() {
        old.write(&itimerspec(prev))?;
    }
    Ok(0)
}

pub fn sys_timerfd_gettime(fd: i32, curr: UserPtr<uapi::itimerspec>) -> SysResult {
    let spec = with_timerfd(fd, |t| t.get())?;
    curr.write(&itimerspec(spec))?;
    Ok(0)
}
