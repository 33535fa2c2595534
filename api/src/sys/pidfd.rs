//! pidfd_open, pidfd_send_signal and pidfd_getfd; CLONE_PIDFD and
//! waitid(P_PIDFD) find their pidfds here too.

use alloc::sync::Arc;
use alloc::vec;

use linux_raw_sys::general::{O_NONBLOCK, O_RDWR};

use super::signal::{check_claim, kill_all, processes_in_group, send_specific};
use crate::errno::{Errno, SysResult};
use crate::file::{OpenFile, PidFd};
use crate::signal::{SigInfo, code};
use crate::task::{Process, current_process, find_process, find_thread};
use crate::uaccess::read_val;

/// pidfd_open's flag for a pidfd naming one thread (Linux 6.9).
const PIDFD_THREAD: u32 = linux_raw_sys::general::O_EXCL;

/// pidfd_send_signal's scopes (Linux 6.9): the thread with the pidfd's pid,
/// its thread group, or the process group with that id.
const PIDFD_SIGNAL_THREAD: u32 = 1 << 0;
const PIDFD_SIGNAL_THREAD_GROUP: u32 = 1 << 1;
const PIDFD_SIGNAL_PROCESS_GROUP: u32 = 1 << 2;

/// The pidfd open as `fd`, and whether it is nonblocking; EBADF when `fd`
/// is not open or is no pidfd.
pub fn pidfd_at(fd: i32) -> SysResult<(Arc<PidFd>, bool)> {
    let file = super::fs::get_file(fd)?;
    let nonblock = file.nonblocking();
    let any: Arc<dyn core::any::Any + Send + Sync> = file.file.clone();
    let pidfd = any.downcast::<PidFd>().map_err(|_| Errno::EBADF)?;
    Ok((pidfd, nonblock))
}

/// Installs a pidfd for `process` in the caller's table (always
/// close-on-exec, as Linux makes them).
pub fn install_pidfd(process: Arc<Process>, nonblock: bool) -> SysResult<i32> {
    let status = O_RDWR | if nonblock { O_NONBLOCK } else { 0 };
    super::fs::install(PidFd::new(process), status, true)
}

/// Removes a pidfd `install_pidfd` put at `fd` (a clone that failed after).
pub fn uninstall_pidfd(fd: i32) {
    let _ = current_process().fds.lock().remove(fd);
}

pub fn sys_pidfd_open(pid: i32, flags: u32) -> SysResult {
    if flags & !(O_NONBLOCK | PIDFD_THREAD) != 0 || pid <= 0 {
        return Err(Errno::EINVAL);
    }
    if flags & PIDFD_THREAD != 0 {
        // A pidfd naming a single thread is not supported.
        log::debug!("pidfd_open: PIDFD_THREAD is not supported -> EINVAL");
        return Err(Errno::EINVAL);
    }
    match find_process(pid) {
        Some(p) => install_pidfd(p, flags & O_NONBLOCK != 0).map(|fd| fd as isize),
        // A thread that is not its group's leader names no process.
        None if find_thread(pid).is_some() => Err(Errno::ENOENT),
        None => Err(Errno::ESRCH),
    }
}

/// Linux's do_pidfd_send_signal: the scope comes from `flags` (the whole
/// process by default); a siginfo from user space must carry `sig`, and
/// only a thread signalling itself may pretend to be kill() or the kernel.
pub fn sys_pidfd_send_signal(fd: i32, sig: i32, uinfo: usize, flags: u32) -> SysResult {
    const SCOPES: u32 =
        PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP;
    if flags & !SCOPES != 0 || flags.count_ones() > 1 {
        return Err(Errno::EINVAL);
    }
    let (pidfd, _) = pidfd_at(fd)?;
    let pid = pidfd.process().pid;
    let info = if uinfo != 0 {
        let info: SigInfo = read_val(uinfo)?;
        if info.signo != sig {
            return Err(Errno::EINVAL);
        }
        check_claim(&info, pid)?;
        if flags == PIDFD_SIGNAL_PROCESS_GROUP && (info.code >= 0 || info.code == code::SI_TKILL) {
            return Err(Errno::EPERM);
        }
        info
    } else {
        let si_code = if flags == PIDFD_SIGNAL_THREAD {
            code::SI_TKILL
        } else {
            code::SI_USER
        };
        SigInfo::from_process(sig as usize, si_code, current_process().pid)
    };
    match flags {
        // The group whose id is the pid, which may outlive its leader.
        PIDFD_SIGNAL_PROCESS_GROUP => kill_all(processes_in_group(pid), sig, info),
        PIDFD_SIGNAL_THREAD => {
            pidfd.live_process()?;
            send_specific(pid, pid, sig, info)
        }
        _ => kill_all(vec![pidfd.live_process()?.clone()], sig, info),
    }
}

/// pidfd_getfd(2): a copy of another process's open file, close-on-exec.
/// A process that is exiting or gone has no files to give (ESRCH).
pub fn sys_pidfd_getfd(fd: i32, target_fd: i32, flags: u32) -> SysResult {
    if flags != 0 {
        return Err(Errno::EINVAL);
    }
    let (pidfd, _) = pidfd_at(fd)?;
    let target = pidfd.live_process()?;
    let leader_running = find_thread(target.pid).is_some();
    if !leader_running || target.exiting.load(core::sync::atomic::Ordering::Acquire) {
        return Err(Errno::ESRCH);
    }
    let file: Arc<OpenFile> = target.fds.lock().get(target_fd)?;
    let me = current_process();
    let limit = me.nofile_limit();
    let new_fd = me.fds.lock().add(file, true, limit)?;
    Ok(new_fd as isize)
}
