//! setitimer, getitimer and alarm over the process's interval timers.

use core::time::Duration;

use alloc::sync::Arc;

use linux_raw_sys::general::{ITIMER_PROF, ITIMER_REAL, ITIMER_VIRTUAL};

use crate::errno::{Errno, SysResult};
use crate::task::cputime::UsageSnapshot;
use crate::task::itimer::{CpuTimer, ItimerValue};
use crate::task::{Process, cputime, current_process};
use crate::uaccess::{Pod, UserPtr};

/// `struct itimerval`: two `struct timeval`s.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct Itimerval {
    interval: [i64; 2],
    value: [i64; 2],
}

// SAFETY: four integers, no padding.
unsafe impl Pod for Itimerval {}

fn duration(tv: [i64; 2]) -> SysResult<Duration> {
    let [sec, usec] = tv;
    if sec < 0 || !(0..1_000_000).contains(&usec) {
        return Err(Errno::EINVAL);
    }
    Ok(Duration::new(sec as u64, usec as u32 * 1000))
}

/// A duration as a timeval, rounding partial microseconds up.
fn timeval(d: Duration) -> [i64; 2] {
    [d.as_secs() as i64, d.subsec_nanos().div_ceil(1000) as i64]
}

fn to_user(v: ItimerValue) -> Itimerval {
    Itimerval {
        interval: timeval(v.interval),
        value: timeval(v.value),
    }
}

/// Reads (`new` None) or sets one of `proc`'s timers; the old setting.
fn access(proc: &Arc<Process>, which: i32, new: Option<ItimerValue>) -> SysResult<ItimerValue> {
    let timers = &proc.itimer_cpu;
    match which as u32 {
        ITIMER_REAL => {
            let real = &proc.itimer_real;
            Ok(new.map_or_else(|| real.get(), |v| real.set(proc, v)))
        }
        ITIMER_VIRTUAL => Ok(access_cpu(proc, &timers.virt, |u| u.utime_ns, new)),
        ITIMER_PROF => Ok(access_cpu(proc, &timers.prof, |u| u.cpu_ns(), new)),
        _ => Err(Errno::EINVAL),
    }
}

/// [`access`] for a timer on the CPU clock that `clock` reads.
fn access_cpu(
    proc: &Process,
    timer: &CpuTimer,
    clock: fn(&UsageSnapshot) -> u64,
    new: Option<ItimerValue>,
) -> ItimerValue {
    // The caller's running stretch counts in its process's CPU time.
    crate::task::with_current_thread(cputime::sync_current);
    let now = clock(&proc.self_usage());
    new.map_or_else(|| timer.get(now), |v| timer.set(now, v))
}

pub fn sys_getitimer(which: i32, curr: UserPtr<Itimerval>) -> SysResult {
    let proc = current_process();
    let v = access(&proc, which, None)?;
    curr.write(&to_user(v))?;
    Ok(0)
}

/// A NULL `new` disarms the timer, as Linux still accepts.
pub fn sys_setitimer(which: i32, new: UserPtr<Itimerval>, old: UserPtr<Itimerval>) -> SysResult {
    let new = if new.is_null() {
        Itimerval::default()
    } else {
        new.read()?
    };
    let new = ItimerValue {
        value: duration(new.value)?,
        interval: duration(new.interval)?,
    };
    let proc = current_process();
    let prev = access(&proc, which, Some(new))?;
    if !old.is_null() {
        old.write(&to_user(prev))?;
    }
    Ok(0)
}

/// alarm(2), a syscall on x86_64 only (elsewhere libc uses setitimer): the
/// seconds left of the previous alarm, rounded to nearest, and never 0 for
/// an alarm still pending (Linux's alarm_setitimer).
#[cfg(target_arch = "x86_64")]
pub fn sys_alarm(seconds: u32) -> SysResult {
    let proc = current_process();
    let new = ItimerValue {
        value: Duration::from_secs(seconds.into()),
        interval: Duration::ZERO,
    };
    let prev = proc.itimer_real.set(&proc, new).value;
    let mut secs = prev.as_secs();
    let nanos = prev.subsec_nanos();
    if (secs == 0 && nanos != 0) || nanos >= 500_000_000 {
        secs += 1;
    }
    Ok(secs as isize)
}
