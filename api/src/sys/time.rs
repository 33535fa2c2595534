//! Clocks and sleeping.

use core::time::Duration;

use linux_raw_sys::general as uapi;

use super::cputime::CpuClock;
use crate::errno::{Errno, SysResult};
use crate::signal::RestartBlock;
use crate::task::{current_thread, wait};
use crate::uaccess::UserPtr;

pub(crate) fn ts(d: Duration) -> uapi::timespec {
    uapi::timespec {
        tv_sec: d.as_secs() as _,
        tv_nsec: d.subsec_nanos() as _,
    }
}

pub(crate) fn read_ts(ptr: UserPtr<uapi::timespec>) -> SysResult<Duration> {
    let t = ptr.read()?;
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return Err(Errno::EINVAL);
    }
    Ok(Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

fn clock_now(clock: i32) -> SysResult<Duration> {
    if let Some(cpu) = CpuClock::decode(clock, true) {
        return Ok(cpu?.now());
    }
    match clock as u32 {
        uapi::CLOCK_REALTIME | uapi::CLOCK_REALTIME_COARSE | uapi::CLOCK_TAI => {
            Ok(axhal::time::wall_time())
        }
        uapi::CLOCK_MONOTONIC
        | uapi::CLOCK_MONOTONIC_RAW
        | uapi::CLOCK_MONOTONIC_COARSE
        | uapi::CLOCK_BOOTTIME => Ok(axhal::time::monotonic_time()),
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_clock_gettime(clock: i32, tp: UserPtr<uapi::timespec>) -> SysResult {
    let now = clock_now(clock)?;
    tp.write(&ts(now))?;
    Ok(0)
}

pub fn sys_clock_getres(clock: i32, tp: UserPtr<uapi::timespec>) -> SysResult {
    let res = match CpuClock::decode(clock, false) {
        Some(cpu) => cpu?.resolution(),
        None => clock_now(clock).map(|_| Duration::from_nanos(1))?,
    };
    if !tp.is_null() {
        tp.write(&ts(res))?;
    }
    Ok(0)
}

pub fn sys_gettimeofday(tv: UserPtr<uapi::timeval>, tz: UserPtr<uapi::timezone>) -> SysResult {
    if !tv.is_null() {
        let now = axhal::time::wall_time();
        tv.write(&uapi::timeval {
            tv_sec: now.as_secs() as _,
            tv_usec: now.subsec_micros() as _,
        })?;
    }
    if !tz.is_null() {
        // No settimeofday: the kernel's timezone stays UTC, all zeros.
        tz.write(&uapi::timezone {
            tz_minuteswest: 0,
            tz_dsttime: 0,
        })?;
    }
    Ok(0)
}

/// time(2): seconds since the epoch, also stored at `tloc` when non-NULL.
#[cfg(target_arch = "x86_64")]
pub fn sys_time(tloc: UserPtr<i64>) -> SysResult {
    let now = axhal::time::wall_time().as_secs() as i64;
    if !tloc.is_null() {
        tloc.write(&now)?;
    }
    Ok(now as isize)
}

/// Sleeps until the monotonic `deadline`. On a signal, the time left goes
/// to `rem` and the call fails with EINTR; if no handler runs, it goes on
/// through restart_syscall (Linux's ERESTART_RESTARTBLOCK).
fn sleep_to(deadline: Duration, rem: UserPtr<uapi::timespec>) -> SysResult {
    if wait::sleep_until(deadline).is_ok() {
        return Ok(0);
    }
    let left = deadline.saturating_sub(axhal::time::monotonic_time());
    interrupted(uapi::CLOCK_MONOTONIC as i32, deadline, left, rem)
}

/// EINTR from a relative sleep on `clock` until `deadline` with `left` to
/// go: reports it at `rem` and keeps what restart_syscall needs.
fn interrupted(
    clock: i32,
    deadline: Duration,
    left: Duration,
    rem: UserPtr<uapi::timespec>,
) -> SysResult {
    if !rem.is_null() {
        rem.write(&ts(left))?;
    }
    current_thread()
        .signal
        .set_restart_block(Some(RestartBlock::Sleep {
            clock,
            deadline,
            rem,
        }));
    Err(Errno::EINTR)
}

/// restart_syscall's continuation of an interrupted sleep on `clock`.
pub fn resume_sleep(clock: i32, deadline: Duration, rem: UserPtr<uapi::timespec>) -> SysResult {
    match CpuClock::decode(clock, false) {
        Some(cpu) => cpu_sleep_until(&cpu?, deadline, rem),
        None => sleep_to(deadline, rem),
    }
}

/// `now + d` on the monotonic clock; "never" when that overflows.
fn deadline_after(d: Duration) -> Duration {
    axhal::time::monotonic_time()
        .checked_add(d)
        .unwrap_or(Duration::MAX)
}

pub fn sys_nanosleep(req: UserPtr<uapi::timespec>, rem: UserPtr<uapi::timespec>) -> SysResult {
    sleep_to(deadline_after(read_ts(req)?), rem)
}

/// Clocks clock_nanosleep cannot sleep on (Linux: no `nsleep` in their
/// k_clock): EOPNOTSUPP rather than EINVAL. The alarm clocks are among
/// them since there is no wake-up RTC (as on a Linux without one).
fn no_nsleep(clock: i32) -> bool {
    const CLOCKFD_MASK: i32 = 7;
    const CLOCKFD: i32 = 3;
    match clock as u32 {
        uapi::CLOCK_MONOTONIC_RAW
        | uapi::CLOCK_REALTIME_COARSE
        | uapi::CLOCK_MONOTONIC_COARSE
        | uapi::CLOCK_THREAD_CPUTIME_ID
        | uapi::CLOCK_REALTIME_ALARM
        | uapi::CLOCK_BOOTTIME_ALARM => true,
        _ => clock < 0 && clock & CLOCKFD_MASK == CLOCKFD,
    }
}

/// clock_nanosleep(2), errors in Linux's order: unknown clock (EINVAL), a
/// clock without sleeping (EOPNOTSUPP), the request (EFAULT, EINVAL), then
/// the CPU clock's own checks. Flags other than TIMER_ABSTIME are ignored.
/// An absolute sleep is restarted with the same arguments (no time left to
/// report); a relative one through restart_syscall.
pub fn sys_clock_nanosleep(
    clock: i32,
    flags: u32,
    req: UserPtr<uapi::timespec>,
    rem: UserPtr<uapi::timespec>,
) -> SysResult {
    if no_nsleep(clock) {
        return Err(Errno::EOPNOTSUPP);
    }
    let cpu = CpuClock::decode(clock, false);
    if cpu.is_none() {
        clock_now(clock)?;
    }
    let d = read_ts(req)?;
    let abs = flags & uapi::TIMER_ABSTIME != 0;
    if let Some(cpu) = cpu {
        // Linux refuses the caller's own thread clock before looking it up.
        if matches!(&cpu, Ok(c) if c.is_own_thread()) {
            return Err(Errno::EINVAL);
        }
        let cpu = cpu?;
        let deadline = if abs { d } else { cpu.now().saturating_add(d) };
        return cpu_sleep_until(&cpu, deadline, if abs { UserPtr::new(0) } else { rem });
    }
    if abs {
        let left = d.saturating_sub(clock_now(clock)?);
        wait::sleep_until(deadline_after(left))?;
        return Ok(0);
    }
    sleep_to(deadline_after(d), rem)
}

/// Sleeps until CPU clock `cpu` reads `deadline` (it may never: a process
/// whose only thread sleeps uses no CPU). The clock advances at most one
/// second per second on each CPU, so no wake-up comes before it can.
fn cpu_sleep_until(cpu: &CpuClock, deadline: Duration, rem: UserPtr<uapi::timespec>) -> SysResult {
    let cpus = axhal::cpu_num().max(1) as u32;
    loop {
        let now = cpu.now();
        if now >= deadline {
            return Ok(0);
        }
        let step = ((deadline - now) / cpus).max(Duration::from_millis(1));
        if wait::sleep_until(deadline_after(step)).is_err() {
            let left = deadline.saturating_sub(cpu.now());
            return interrupted(cpu.id(), deadline, left, rem);
        }
    }
}
