//! epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait and
//! epoll_pwait2 over `file::Epoll`, with Linux's checks in Linux's order.

use alloc::sync::Arc;
use core::mem::offset_of;
use core::time::Duration;

use linux_raw_sys::general::{
    EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, O_RDWR, epoll_event,
};

use super::fs::{get_file, install};
use super::poll::{deadline_after, read_sigmask, with_sigmask};
use crate::errno::{Because, Errno, SysResult};
use crate::file::{Ctl, EPOLLET, EPOLLEXCLUSIVE, EPOLLWAKEUP, Epoll, FileKind, OpenFile, Ready};
use crate::sys::time::read_ts;
use crate::uaccess::{UserPtr, UserSlice};

/// The events EPOLLEXCLUSIVE may be combined with (Linux's
/// EPOLLEXCLUSIVE_OK_BITS): IN, OUT, ERR, HUP, WAKEUP, ET.
const EXCLUSIVE_OK_BITS: u32 =
    0x001 | 0x004 | 0x008 | 0x010 | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;
/// How deep epoll instances may nest (EP_MAX_NESTS).
const MAX_NESTS: usize = 4;

fn create(cloexec: bool) -> SysResult {
    let fd = install(Epoll::new(), O_RDWR, cloexec)?;
    Ok(fd as isize)
}

#[cfg(target_arch = "x86_64")]
pub fn sys_epoll_create(size: i32) -> SysResult {
    if size <= 0 {
        return Err(Errno::EINVAL.because("epoll_create: size must be positive"));
    }
    create(false)
}

pub fn sys_epoll_create1(flags: u32) -> SysResult {
    if flags & !EPOLL_CLOEXEC != 0 {
        return Err(Errno::EINVAL.because("epoll_create1: unknown flags"));
    }
    create(flags != 0)
}

fn as_epoll(f: &OpenFile) -> Option<&Epoll> {
    match f.file.kind() {
        FileKind::Epoll(ep) => Some(ep),
        _ => None,
    }
}

/// Whether `target` is `ep` or reaches it through instances it watches,
/// or the chain from `target` down is deeper than epoll allows; either way
/// adding `target` to `ep` is refused with ELOOP.
fn makes_loop(ep: &Epoll, target: &Epoll, depth: usize) -> bool {
    if core::ptr::eq(ep, target) || depth >= MAX_NESTS {
        return true;
    }
    target
        .watched_instances()
        .iter()
        .any(|inner| as_epoll(inner).is_some_and(|inner| makes_loop(ep, inner, depth + 1)))
}

pub fn sys_epoll_ctl(epfd: i32, op: u32, fd: i32, event: UserPtr<epoll_event>) -> SysResult {
    let (events, data) = if op != EPOLL_CTL_DEL {
        let e = event.read()?;
        (e.events, e.data)
    } else {
        (0, 0)
    };
    let epfile = get_file(epfd)?;
    let target = get_file(fd)?;
    // Regular files and directories cannot be polled (no f_op->poll).
    if matches!(
        target.file.kind(),
        FileKind::Regular(_) | FileKind::Directory(_)
    ) {
        return Err(Errno::EPERM.because("epoll_ctl: the file cannot be polled"));
    }
    let ep = match as_epoll(&epfile) {
        Some(ep) if !Arc::ptr_eq(&epfile, &target) => ep,
        _ => return Err(Errno::EINVAL.because("epoll_ctl: epfd is not another epoll instance")),
    };
    if op != EPOLL_CTL_DEL && events & EPOLLEXCLUSIVE != 0 {
        if op == EPOLL_CTL_MOD {
            return Err(Errno::EINVAL.because("epoll_ctl: EPOLLEXCLUSIVE with EPOLL_CTL_MOD"));
        }
        if op == EPOLL_CTL_ADD && (as_epoll(&target).is_some() || events & !EXCLUSIVE_OK_BITS != 0)
        {
            return Err(Errno::EINVAL.because("epoll_ctl: EPOLLEXCLUSIVE with other flags"));
        }
    }
    let ctl = match op {
        EPOLL_CTL_ADD => {
            if let Some(inner) = as_epoll(&target)
                && makes_loop(ep, inner, 0)
            {
                return Err(Errno::ELOOP);
            }
            Ctl::Add(events, data)
        }
        EPOLL_CTL_MOD => {
            if ep.is_exclusive(fd, &target) == Some(true) {
                return Err(Errno::EINVAL.because("epoll_ctl: MOD of an EPOLLEXCLUSIVE watch"));
            }
            Ctl::Modify(events, data)
        }
        EPOLL_CTL_DEL => Ctl::Delete,
        _ => return Err(Errno::EINVAL.because("epoll_ctl: unknown op")),
    };
    ep.control(fd, &target, ctl)?;
    Ok(0)
}

/// Writes the ready events, field by field (the padding of riscv64's
/// struct is left alone, as Linux's epoll_put_uevent does).
fn write_events(events: UserPtr<epoll_event>, ready: &[Ready]) -> SysResult<()> {
    for (i, r) in ready.iter().enumerate() {
        let at = events.at(i);
        at.field(offset_of!(epoll_event, events)).write(&r.events)?;
        at.field(offset_of!(epoll_event, data)).write(&r.data)?;
    }
    Ok(())
}

/// The common part of the waits: Linux's do_epoll_wait.
fn wait(
    epfd: i32,
    events: UserPtr<epoll_event>,
    maxevents: i32,
    deadline: Option<Duration>,
) -> SysResult {
    let size = size_of::<epoll_event>();
    let max_events = i32::MAX as usize / size;
    if maxevents <= 0 || maxevents as usize > max_events {
        return Err(Errno::EINVAL.because("epoll_wait: maxevents out of range"));
    }
    UserSlice::new(events.addr(), maxevents as usize * size).check()?;
    let epfile = get_file(epfd)?;
    let ep =
        as_epoll(&epfile).ok_or_else(|| Errno::EINVAL.because("epoll_wait: not an epoll fd"))?;
    let ready = ep.wait(maxevents as usize, deadline)?;
    write_events(events, &ready)?;
    Ok(ready.len() as isize)
}

/// A timeout in ms (negative: forever) as a monotonic deadline.
fn ms_deadline(timeout: i32) -> Option<Duration> {
    deadline_after((timeout >= 0).then(|| Duration::from_millis(timeout as u64)))
}

#[cfg(target_arch = "x86_64")]
pub fn sys_epoll_wait(
    epfd: i32,
    events: UserPtr<epoll_event>,
    maxevents: i32,
    timeout: i32,
) -> SysResult {
    wait(epfd, events, maxevents, ms_deadline(timeout))
}

pub fn sys_epoll_pwait(
    epfd: i32,
    events: UserPtr<epoll_event>,
    maxevents: i32,
    timeout: i32,
    sigmask: UserPtr<u64>,
    sigsetsize: usize,
) -> SysResult {
    let mask = read_sigmask(sigmask, sigsetsize)?;
    let deadline = ms_deadline(timeout);
    with_sigmask(mask, || wait(epfd, events, maxevents, deadline))
}

pub fn sys_epoll_pwait2(
    epfd: i32,
    events: UserPtr<epoll_event>,
    maxevents: i32,
    timeout: UserPtr<linux_raw_sys::general::timespec>,
    sigmask: UserPtr<u64>,
    sigsetsize: usize,
) -> SysResult {
    let timeout = if timeout.is_null() {
        None
    } else {
        Some(read_ts(timeout)?)
    };
    let mask = read_sigmask(sigmask, sigsetsize)?;
    let deadline = deadline_after(timeout);
    with_sigmask(mask, || wait(epfd, events, maxevents, deadline))
}
