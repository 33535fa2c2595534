//! process_vm_readv(2) and process_vm_writev(2): copies between the
//! caller's memory and another process's, which is reached through its
//! address space (`UserSpace::Of`), not the CPU's.

use alloc::collections::VecDeque;

use mm::PAGE_SIZE;

use super::fs::{read_iovec_array, read_iovecs};
use crate::errno::{Because, Errno, SysResult};
use crate::task::{find_process, find_thread};
use crate::uaccess::{UserPtr, UserSlice, UserSpace};

/// Which way the bytes go.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the other process into the caller (process_vm_readv).
    Read,
    /// From the caller into the other process (process_vm_writev).
    Write,
}

pub fn sys_process_vm_rw(
    pid: i32,
    local_iov: UserPtr<linux_raw_sys::general::iovec>,
    local_cnt: i32,
    remote_iov: UserPtr<linux_raw_sys::general::iovec>,
    remote_cnt: i32,
    flags: usize,
    dir: Direction,
) -> SysResult {
    if flags != 0 {
        return Err(Errno::EINVAL.because("process_vm_readv/writev: flags must be 0"));
    }
    // As Linux: the local buffers are checked like readv's, the remote ones
    // only when they are reached; nothing to copy is 0 before the pid is
    // looked up.
    let local = read_iovecs(local_iov, local_cnt)?;
    let remote = read_iovec_array(remote_iov, remote_cnt)?;
    if local.iter().all(|b| b.is_empty()) {
        return Ok(0);
    }
    let target = find_thread(pid)
        .map(|t| t.process.clone())
        .or_else(|| find_process(pid))
        .filter(|p| !p.live_threads().is_empty())
        .ok_or(Errno::ESRCH)?;
    let theirs = UserSpace::Of(target.aspace());
    let copied = copy(&local, &remote, |l, r| match dir {
        Direction::Read => UserSpace::Current.copy_out(l, &theirs.copy_in(r)?),
        Direction::Write => theirs.copy_out(r, &UserSpace::Current.copy_in(l)?),
    });
    match copied {
        (0, Some(e)) => Err(e),
        (n, _) => Ok(n as isize),
    }
}

/// Walks both buffer lists together, a piece at a time (never across a page
/// of the remote side, so a fault there ends the copy at the page before
/// it, as Linux's page-by-page copy does), until either ends or `step`
/// fails. Returns the bytes copied and the error that stopped it, if any.
fn copy(
    local: &[UserSlice],
    remote: &[UserSlice],
    mut step: impl FnMut(UserSlice, UserSlice) -> SysResult<()>,
) -> (usize, Option<Errno>) {
    let nonempty = |bufs: &[UserSlice]| -> VecDeque<UserSlice> {
        bufs.iter().copied().filter(|b| !b.is_empty()).collect()
    };
    let (mut local, mut remote) = (nonempty(local), nonempty(remote));
    let mut total = 0;
    while let (Some(&l), Some(&r)) = (local.front(), remote.front()) {
        let n = l.len.min(r.len).min(PAGE_SIZE - r.addr % PAGE_SIZE);
        if let Err(e) = step(l.take(n), r.take(n)) {
            return (total, Some(e));
        }
        total += n;
        for bufs in [&mut local, &mut remote] {
            let b = bufs.pop_front().unwrap();
            if b.len > n {
                bufs.push_front(UserSlice::new(b.addr + n, b.len - n));
            }
        }
    }
    (total, None)
}
