//! poll, ppoll, select and pselect6 over the files' readiness bits: a
//! waiting caller registers its waker on every file it watches and sleeps
//! until one of them changes, a signal comes or the timeout passes.

use alloc::vec;
use alloc::vec::Vec;
use core::future::poll_fn;
use core::task::{Poll, Waker};
use core::time::Duration;

use linux_raw_sys::general::timespec;

use crate::errno::{Errno, SysResult};
use crate::file::events;
use crate::sys::time::{read_ts, ts};
use crate::task::wait::{WaitError, block};
use crate::task::{current_process, current_thread};
use crate::uaccess::{Pod, UserPtr, UserSlice};

#[repr(C)]
#[derive(Clone, Copy)]
pub struct PollFd {
    fd: i32,
    events: i16,
    revents: i16,
}
// SAFETY: three integers, no padding.
unsafe impl Pod for PollFd {}

/// Readiness of `fd` as poll reports it: POLLNVAL for a closed fd, and the
/// RDNORM/WRNORM twins Linux's drivers set alongside IN/OUT. With a
/// waiter, its waker is registered for those events first.
fn readiness(fd: i32, waiter: Option<(&Waker, u16)>) -> u16 {
    let Ok(file) = current_process().fds.lock().get(fd) else {
        return events::POLLNVAL;
    };
    if let Some((waker, wanted)) = waiter {
        file.file.register(waker, wanted);
    }
    let mut ev = file.file.poll();
    if ev & events::POLLIN != 0 {
        ev |= events::POLLRDNORM;
    }
    if ev & events::POLLOUT != 0 {
        ev |= events::POLLWRNORM;
    }
    ev
}

/// Runs `check` until it reports ready, the deadline passes, or a signal
/// arrives (EINTR). `check` returns how many entries are ready; when given
/// a waker, it registers it on each file before looking at it. The first
/// look registers nothing: most calls find something ready, or do not wait.
fn wait_ready(
    deadline: Option<Duration>,
    mut check: impl FnMut(Option<&Waker>) -> usize,
) -> SysResult<usize> {
    let ready = check(None);
    if ready > 0 || deadline.is_some_and(|d| axhal::time::monotonic_time() >= d) {
        return Ok(ready);
    }
    let changed = poll_fn(|cx| match check(Some(cx.waker())) {
        0 => Poll::Pending,
        n => Poll::Ready(n),
    });
    match block(deadline, changed) {
        Ok(n) => Ok(n),
        Err(WaitError::TimedOut) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

/// Converts a relative timeout into a deadline (None = forever).
pub(crate) fn deadline_after(timeout: Option<Duration>) -> Option<Duration> {
    timeout.map(|t| axhal::time::monotonic_time().saturating_add(t))
}

/// Writes back how much of a timespec timeout is left, as Linux does for
/// ppoll and pselect6.
fn write_remaining(tsp: UserPtr<timespec>, deadline: Option<Duration>) -> SysResult<()> {
    if let (true, Some(d)) = (!tsp.is_null(), deadline) {
        let left = d.saturating_sub(axhal::time::monotonic_time());
        tsp.write(&ts(left))?;
    }
    Ok(())
}

/// Runs `f` with `mask` as the signal mask (ppoll/pselect6's sigmask). When
/// a signal interrupts it, the mask stays until the signal's handler frame
/// has saved the old one, as Linux does, so that the signal it let through
/// is delivered.
pub(crate) fn with_sigmask<R>(mask: Option<u64>, f: impl FnOnce() -> SysResult<R>) -> SysResult<R> {
    let Some(mask) = mask else { return f() };
    let t = current_thread();
    let old = t.signal.blocked();
    t.signal.set_blocked(mask);
    let r = f();
    if r.as_ref().err() == Some(&Errno::EINTR) {
        t.signal.save_mask(old);
    } else {
        t.signal.set_blocked(old);
    }
    r
}

fn do_poll(fds: UserPtr<PollFd>, nfds: usize, deadline: Option<Duration>) -> SysResult<usize> {
    if nfds > current_process().nofile_limit() {
        return Err(Errno::EINVAL);
    }
    let mut polled = vec![
        PollFd {
            fd: 0,
            events: 0,
            revents: 0
        };
        nfds
    ];
    for (i, p) in polled.iter_mut().enumerate() {
        *p = fds.at(i).read()?;
    }
    let ready = wait_ready(deadline, |waker| {
        let mut count = 0;
        for p in polled.iter_mut() {
            p.revents = 0;
            if p.fd < 0 {
                continue;
            }
            // Errors and hangups are reported whether asked for or not.
            let always = events::POLLERR | events::POLLHUP | events::POLLNVAL;
            let wanted = p.events as u16 | always;
            let ev = readiness(p.fd, waker.map(|w| (w, wanted))) & wanted;
            p.revents = ev as i16;
            count += (ev != 0) as usize;
        }
        count
    })?;
    for (i, p) in polled.iter().enumerate() {
        fds.at(i)
            .field(core::mem::offset_of!(PollFd, revents))
            .write(&(p.revents as u16))?;
    }
    Ok(ready)
}

/// poll(2) (x86_64 only; riscv64 has ppoll alone): timeout in ms, <0 = forever.
#[cfg(target_arch = "x86_64")]
pub fn sys_poll(fds: UserPtr<PollFd>, nfds: usize, timeout_ms: i32) -> SysResult {
    let timeout = (timeout_ms >= 0).then(|| Duration::from_millis(timeout_ms as u64));
    do_poll(fds, nfds, deadline_after(timeout)).map(|n| n as isize)
}

pub(crate) fn read_sigmask(set: UserPtr<u64>, size: usize) -> SysResult<Option<u64>> {
    if set.is_null() {
        return Ok(None);
    }
    if size != 8 {
        return Err(Errno::EINVAL);
    }
    set.read().map(Some)
}

fn read_timeout(tsp: UserPtr<timespec>) -> SysResult<Option<Duration>> {
    if tsp.is_null() {
        Ok(None)
    } else {
        read_ts(tsp).map(Some)
    }
}

pub fn sys_ppoll(
    fds: UserPtr<PollFd>,
    nfds: usize,
    tsp: UserPtr<timespec>,
    sigmask: UserPtr<u64>,
    sigsetsize: usize,
) -> SysResult {
    let deadline = deadline_after(read_timeout(tsp)?);
    let mask = read_sigmask(sigmask, sigsetsize)?;
    let r = with_sigmask(mask, || do_poll(fds, nfds, deadline));
    write_remaining(tsp, deadline)?;
    r.map(|n| n as isize)
}

/// The three fd_set bitmaps of select (arrays of 64-bit words).
struct FdSets {
    nfds: usize,
    ptrs: [UserPtr<u64>; 3],
    sets: [Vec<u64>; 3],
}

impl FdSets {
    fn read(nfds: usize, ptrs: [UserPtr<u64>; 3]) -> SysResult<Self> {
        let words = nfds.div_ceil(64);
        let mut sets: [Vec<u64>; 3] = Default::default();
        for (set, &ptr) in sets.iter_mut().zip(&ptrs) {
            *set = vec![0u64; words];
            if !ptr.is_null() {
                let bytes = UserSlice::new(ptr.addr(), words * 8).copy_in()?;
                for (w, chunk) in set.iter_mut().zip(bytes.chunks(8)) {
                    *w = u64::from_le_bytes(chunk.try_into().unwrap());
                }
                // Bits at or past nfds are not looked at.
                if !nfds.is_multiple_of(64) {
                    set[words - 1] &= (1 << (nfds % 64)) - 1;
                }
            }
        }
        Ok(Self { nfds, ptrs, sets })
    }

    fn write(&self, results: &[Vec<u64>; 3]) -> SysResult<()> {
        for (set, &ptr) in results.iter().zip(&self.ptrs) {
            if !ptr.is_null() {
                let bytes: Vec<u8> = set.iter().flat_map(|w| w.to_le_bytes()).collect();
                UserSlice::new(ptr.addr(), bytes.len()).copy_out(&bytes)?;
            }
        }
        Ok(())
    }
}

fn do_select(nfds: i32, ptrs: [UserPtr<u64>; 3], deadline: Option<Duration>) -> SysResult<usize> {
    let nfds = usize::try_from(nfds).map_err(|_| Errno::EINVAL)?;
    // Like Linux, look no further than the fd table's size (a power of two,
    // at least 64): bits past it are ignored rather than EBADF.
    let open_end = current_process()
        .fds
        .lock()
        .fds()
        .map(|(fd, _)| fd as usize + 1)
        .max()
        .unwrap_or(0);
    let nfds = nfds.min(open_end.next_power_of_two().max(64));
    let sets = FdSets::read(nfds, ptrs)?;
    // Any fd in a set that is not open is EBADF, checked before waiting.
    for fd in 0..sets.nfds {
        let asked = sets.sets.iter().any(|s| s[fd / 64] & (1 << (fd % 64)) != 0);
        if asked && readiness(fd as i32, None) == events::POLLNVAL {
            return Err(Errno::EBADF);
        }
    }
    let in_ev = events::POLLIN | events::POLLHUP | events::POLLERR;
    let out_ev = events::POLLOUT | events::POLLERR;
    let want = [in_ev, out_ev, events::POLLPRI];
    let mut results: [Vec<u64>; 3] = Default::default();
    let ready = wait_ready(deadline, |waker| {
        let mut count = 0;
        for (result, set) in results.iter_mut().zip(&sets.sets) {
            *result = vec![0; set.len()];
        }
        for fd in 0..sets.nfds {
            let (word, bit) = (fd / 64, 1u64 << (fd % 64));
            if !sets.sets.iter().any(|s| s[word] & bit != 0) {
                continue;
            }
            let wanted = (0..3)
                .filter(|&k| sets.sets[k][word] & bit != 0)
                .fold(0, |acc, k| acc | want[k]);
            let ev = readiness(fd as i32, waker.map(|w| (w, wanted)));
            for k in 0..3 {
                if sets.sets[k][word] & bit != 0 && ev & want[k] != 0 {
                    results[k][word] |= bit;
                    count += 1;
                }
            }
        }
        count
    })?;
    sets.write(&results)?;
    Ok(ready)
}

/// select(2) (x86_64 only): the timeout is a timeval, updated with the time left.
#[cfg(target_arch = "x86_64")]
pub fn sys_select(
    nfds: i32,
    r: UserPtr<u64>,
    w: UserPtr<u64>,
    e: UserPtr<u64>,
    tvp: UserPtr<linux_raw_sys::general::timeval>,
) -> SysResult {
    use linux_raw_sys::general::timeval;
    let timeout = if tvp.is_null() {
        None
    } else {
        let tv = tvp.read()?;
        // Linux carries whole seconds of tv_usec into tv_sec, then rejects
        // what is still negative.
        let sec = tv.tv_sec.saturating_add(tv.tv_usec / 1_000_000);
        let usec = tv.tv_usec % 1_000_000;
        if sec < 0 || usec < 0 {
            return Err(Errno::EINVAL);
        }
        Some(Duration::new(sec as u64, usec as u32 * 1000))
    };
    let deadline = deadline_after(timeout);
    let r = do_select(nfds, [r, w, e], deadline);
    if let (true, Some(d)) = (!tvp.is_null(), deadline) {
        let left = d.saturating_sub(axhal::time::monotonic_time());
        tvp.write(&timeval {
            tv_sec: left.as_secs() as _,
            tv_usec: left.subsec_micros() as _,
        })?;
    }
    r.map(|n| n as isize)
}

/// pselect6: the sixth argument points at `{ const sigset_t *ss; size_t ss_len; }`.
pub fn sys_pselect6(
    nfds: i32,
    r: UserPtr<u64>,
    w: UserPtr<u64>,
    e: UserPtr<u64>,
    tsp: UserPtr<timespec>,
    sig: UserPtr<[usize; 2]>,
) -> SysResult {
    let deadline = deadline_after(read_timeout(tsp)?);
    let mask = if sig.is_null() {
        None
    } else {
        let [set, size] = sig.read()?;
        read_sigmask(UserPtr::new(set), size)?
    };
    let r = with_sigmask(mask, || do_select(nfds, [r, w, e], deadline));
    write_remaining(tsp, deadline)?;
    r.map(|n| n as isize)
}
