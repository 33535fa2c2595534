//! pidfd_open, pidfd_send_signal and pidfd_getfd; CLONE_PIDFD and
//! waitid(P_PIDFD) find their pidfds here too.

use alloc::sync::Arc;
use alloc::vec;

use linux_raw_sys::general::{O_NONBLOCK, O_RDWR};

use super::signal::{check_claim, kill_all, processes_in_group, send_specific};
use crate::errno::{Errno, SysResult};
use crate::file::{OpenFile, PidFd};
use crate::signal::{SigInfo, code};
use crate::task::{Process, current_process, current_thread, find_process, find_thread};
use crate::uaccess::UserPtr;

/// pidfd_open's flag for a pidfd naming one thread (Linux 6.9).
const PIDFD_THREAD: u32 = linux_raw_sys::general::O_EXCL;

/// pidfd_send_signal's scopes (Linux 6.9): the thread with the pidfd's pid,
/// its thread group, or the process group with that id.
const PIDFD_SIGNAL_THREAD: u32 = 1 << 0;
const PIDFD_SIGNAL_THREAD_GROUP: u32 = 1 << 1;
const PIDFD_SIGNAL_PROCESS_GROUP: u32 = 1 << 2;

/// pidfd_send_signal's stand-ins for a pidfd of the caller (Linux 6.15).
const PIDFD_SELF_THREAD: i32 = -10000;
const PIDFD_SELF_THREAD_GROUP: i32 = -10001;

/// The pidfd open as `fd`, and whether it is nonblocking; EBADF when `fd`
/// is not open or is no pidfd.
pub fn pidfd_at(fd: i32) -> SysResult<(Arc<PidFd>, bool)> {
    let file = super::fs::get_file(fd)?;
    let nonblock = file.nonblocking();
    let any: Arc<dyn core::any::Any + Send + Sync> = file.file.clone();
    let pidfd = any.downcast::<PidFd>().map_err(|_| Errno::EBADF)?;
    Ok((pidfd, nonblock))
}

/// Installs a pidfd for `process` (or its thread `thread`) in the caller's
/// table, always close-on-exec as Linux makes them.
pub fn install_pidfd(process: Arc<Process>, thread: Option<i32>, nonblock: bool) -> SysResult<i32> {
    let mut status = O_RDWR;
    if thread.is_some() {
        status |= PIDFD_THREAD;
    }
    if nonblock {
        status |= O_NONBLOCK;
    }
    super::fs::install(PidFd::new(process, thread), status, true)
}

/// Removes a pidfd `install_pidfd` put at `fd` (a clone that failed after).
pub fn uninstall_pidfd(fd: i32) {
    let _ = current_process().fds.lock().remove(fd);
}

pub fn sys_pidfd_open(pid: i32, flags: u32) -> SysResult {
    if flags & !(O_NONBLOCK | PIDFD_THREAD) != 0 || pid <= 0 {
        return Err(Errno::EINVAL);
    }
    let nonblock = flags & O_NONBLOCK != 0;
    let fd = if flags & PIDFD_THREAD != 0 {
        // Any thread; a leader that exited before the rest of its group
        // still has its pid until the group is reaped.
        match find_thread(pid) {
            Some(t) => install_pidfd(t.process.clone(), Some(pid), nonblock)?,
            None => {
                let p = find_process(pid).ok_or(Errno::ESRCH)?;
                install_pidfd(p, Some(pid), nonblock)?
            }
        }
    } else {
        match find_process(pid) {
            Some(p) => install_pidfd(p, None, nonblock)?,
            // A thread that is not its group's leader names no process.
            None if find_thread(pid).is_some() => return Err(Errno::ENOENT),
            None => return Err(Errno::ESRCH),
        }
    };
    Ok(fd as isize)
}

/// What pidfd_send_signal aims at: the process, the pid the pidfd names,
/// and whether that is one thread.
struct SignalTarget {
    process: Arc<Process>,
    pid: i32,
    thread: bool,
    /// The pidfd, to tell whether its pid was released (None: the caller).
    pidfd: Option<Arc<PidFd>>,
}

impl SignalTarget {
    fn of(fd: i32) -> SysResult<Self> {
        match fd {
            PIDFD_SELF_THREAD | PIDFD_SELF_THREAD_GROUP => {
                let me = current_thread();
                let thread = fd == PIDFD_SELF_THREAD;
                Ok(Self {
                    pid: if thread { me.tid } else { me.process.pid },
                    process: me.process.clone(),
                    thread,
                    pidfd: None,
                })
            }
            _ => {
                let (pidfd, _) = pidfd_at(fd)?;
                Ok(Self {
                    process: pidfd.process().clone(),
                    pid: pidfd.pid(),
                    thread: pidfd.is_thread(),
                    pidfd: Some(pidfd),
                })
            }
        }
    }

    fn live(&self) -> SysResult<()> {
        match &self.pidfd {
            Some(p) => p.live_process().map(|_| ()),
            None => Ok(()),
        }
    }
}

/// Linux's pidfd_send_signal: the scope comes from `flags`, by default the
/// thread or process the pidfd names; a siginfo from user space must carry
/// `sig`, and only a thread signalling itself may pretend to be kill(),
/// tgkill() or the kernel.
pub fn sys_pidfd_send_signal(fd: i32, sig: i32, uinfo: UserPtr<SigInfo>, flags: u32) -> SysResult {
    const SCOPES: u32 =
        PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP;
    if flags & !SCOPES != 0 || flags.count_ones() > 1 {
        return Err(Errno::EINVAL);
    }
    let target = SignalTarget::of(fd)?;
    let scope = match flags {
        0 if target.thread => PIDFD_SIGNAL_THREAD,
        0 => PIDFD_SIGNAL_THREAD_GROUP,
        f => f,
    };
    let info = if !uinfo.is_null() {
        let info = uinfo.read()?;
        if info.signo != sig {
            return Err(Errno::EINVAL);
        }
        check_claim(&info, target.pid)?;
        if scope == PIDFD_SIGNAL_PROCESS_GROUP && (info.code >= 0 || info.code == code::SI_TKILL) {
            return Err(Errno::EPERM);
        }
        info
    } else {
        let si_code = if scope == PIDFD_SIGNAL_THREAD {
            code::SI_TKILL
        } else {
            code::SI_USER
        };
        SigInfo::from_process(sig as usize, si_code, current_process().pid)
    };
    match scope {
        // The group whose id is the pid, which may outlive its leader.
        PIDFD_SIGNAL_PROCESS_GROUP => kill_all(processes_in_group(target.pid), sig, info),
        PIDFD_SIGNAL_THREAD => {
            target.live()?;
            send_specific(target.process.pid, target.pid, sig, info)
        }
        _ => {
            target.live()?;
            kill_all(vec![target.process], sig, info)
        }
    }
}

/// pidfd_getfd(2): a copy of another process's open file, close-on-exec.
/// What is exiting or gone has no files to give (ESRCH).
pub fn sys_pidfd_getfd(fd: i32, target_fd: i32, flags: u32) -> SysResult {
    if flags != 0 {
        return Err(Errno::EINVAL);
    }
    let (pidfd, _) = pidfd_at(fd)?;
    let target = pidfd.live_process()?;
    let running = find_thread(pidfd.pid()).is_some();
    if !running || target.exiting.load(core::sync::atomic::Ordering::Acquire) {
        return Err(Errno::ESRCH);
    }
    let file: Arc<OpenFile> = target.fds.lock().get(target_fd)?;
    Ok(super::fs::install_open(file, true)? as isize)
}
