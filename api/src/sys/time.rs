//! Clocks and sleeping.

use core::time::Duration;

use linux_raw_sys::general as uapi;

use crate::errno::{Errno, SysResult};
use crate::signal::RestartBlock;
use crate::task::{current_thread, wait};
use crate::uaccess::{Pod, read_val, write_val};

unsafe impl Pod for uapi::timespec {}
unsafe impl Pod for uapi::timeval {}
unsafe impl Pod for uapi::timezone {}

pub(crate) fn ts(d: Duration) -> uapi::timespec {
    uapi::timespec {
        tv_sec: d.as_secs() as _,
        tv_nsec: d.subsec_nanos() as _,
    }
}

pub(crate) fn read_ts(addr: usize) -> SysResult<Duration> {
    let t: uapi::timespec = read_val(addr)?;
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return Err(Errno::EINVAL);
    }
    Ok(Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

fn clock_now(clock: i32) -> SysResult<Duration> {
    match clock as u32 {
        uapi::CLOCK_REALTIME | uapi::CLOCK_REALTIME_COARSE | uapi::CLOCK_TAI => {
            Ok(axhal::time::wall_time())
        }
        uapi::CLOCK_MONOTONIC
        | uapi::CLOCK_MONOTONIC_RAW
        | uapi::CLOCK_MONOTONIC_COARSE
        | uapi::CLOCK_BOOTTIME => Ok(axhal::time::monotonic_time()),
        // No per-task CPU accounting yet: report time since boot.
        uapi::CLOCK_PROCESS_CPUTIME_ID | uapi::CLOCK_THREAD_CPUTIME_ID => {
            Ok(axhal::time::monotonic_time())
        }
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_clock_gettime(clock: i32, tp: usize) -> SysResult {
    let now = clock_now(clock)?;
    write_val(tp, &ts(now))?;
    Ok(0)
}

pub fn sys_clock_getres(clock: i32, tp: usize) -> SysResult {
    clock_now(clock)?;
    if tp != 0 {
        write_val(tp, &ts(Duration::from_nanos(1)))?;
    }
    Ok(0)
}

pub fn sys_gettimeofday(tv: usize, tz: usize) -> SysResult {
    if tv != 0 {
        let now = axhal::time::wall_time();
        write_val(
            tv,
            &uapi::timeval {
                tv_sec: now.as_secs() as _,
                tv_usec: now.subsec_micros() as _,
            },
        )?;
    }
    if tz != 0 {
        // No settimeofday: the kernel's timezone stays UTC, all zeros.
        write_val(
            tz,
            &uapi::timezone {
                tz_minuteswest: 0,
                tz_dsttime: 0,
            },
        )?;
    }
    Ok(0)
}

/// time(2): seconds since the epoch, also stored at `tloc` when non-NULL.
#[cfg(target_arch = "x86_64")]
pub fn sys_time(tloc: usize) -> SysResult {
    let now = axhal::time::wall_time().as_secs() as i64;
    if tloc != 0 {
        write_val(tloc, &now)?;
    }
    Ok(now as isize)
}

/// Sleeps until the monotonic `deadline`. On a signal, the time left goes
/// to `rem` and the call fails with EINTR; if no handler runs, it goes on
/// through restart_syscall (Linux's ERESTART_RESTARTBLOCK).
fn sleep_to(deadline: Duration, rem: usize) -> SysResult {
    if wait::sleep_until(deadline).is_ok() {
        return Ok(0);
    }
    if rem != 0 {
        write_val(
            rem,
            &ts(deadline.saturating_sub(axhal::time::monotonic_time())),
        )?;
    }
    current_thread()
        .signal
        .set_restart_block(Some(RestartBlock { deadline, rem }));
    Err(Errno::EINTR)
}

/// restart_syscall's continuation of an interrupted sleep.
pub fn resume_sleep(r: RestartBlock) -> SysResult {
    sleep_to(r.deadline, r.rem)
}

/// `now + d` on the monotonic clock; "never" when that overflows.
fn deadline_after(d: Duration) -> Duration {
    axhal::time::monotonic_time()
        .checked_add(d)
        .unwrap_or(Duration::MAX)
}

pub fn sys_nanosleep(req: usize, rem: usize) -> SysResult {
    sleep_to(deadline_after(read_ts(req)?), rem)
}

/// An absolute sleep is restarted with the same arguments (no time left to
/// report); a relative one as nanosleep.
pub fn sys_clock_nanosleep(clock: i32, flags: u32, req: usize, rem: usize) -> SysResult {
    let now = clock_now(clock)?;
    let d = read_ts(req)?;
    if flags & uapi::TIMER_ABSTIME != 0 {
        wait::sleep_until(deadline_after(d.saturating_sub(now)))?;
        return Ok(0);
    }
    sleep_to(deadline_after(d), rem)
}
