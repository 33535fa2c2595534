//! Signal syscalls: actions and masks, sending (kill, tgkill, sigqueue),
//! waiting (sigsuspend, sigtimedwait, pause), alternate stacks, sigreturn.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;
use core::time::Duration;

use axhal::uspace::UserContext;

use crate::errno::{Errno, SysResult};
use crate::signal::{
    self, RestartBlock, SigAction, SigInfo, StackT, Target, UNBLOCKABLE, UserSigAction, bit, code,
    send_signal,
};
use crate::task::wait::{self, WaitError};
use crate::task::{self, Process, current_process, current_thread, find_process, find_thread};
use crate::uaccess::{UserPtr, UserSlice};

/// The only sigset size the kernel knows (64 signals).
const SIGSET_SIZE: usize = 8;

fn check_sigset_size(size: usize) -> SysResult<()> {
    if size == SIGSET_SIZE {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

pub fn sys_rt_sigaction(
    sig: i32,
    act: UserPtr<UserSigAction>,
    old: UserPtr<UserSigAction>,
    sigsetsize: usize,
) -> SysResult {
    check_sigset_size(sigsetsize)?;
    let new: Option<SigAction> = if !act.is_null() {
        Some(act.read()?.into())
    } else {
        None
    };
    if !signal::valid(sig) || (new.is_some() && bit(sig as usize) & UNBLOCKABLE != 0) {
        return Err(Errno::EINVAL);
    }
    let sig = sig as usize;
    let proc = current_process();
    let prev = {
        let mut actions = proc.signal.actions.lock();
        let prev = actions.get(sig);
        if let Some(mut a) = new {
            a.mask &= !UNBLOCKABLE;
            actions.0[sig - 1] = a;
        }
        prev
    };
    // POSIX: setting an action that ignores a signal discards its pending
    // instances, blocked or not.
    if new.is_some() && signal::action_ignores(&proc.signal.action(sig), sig) {
        signal::discard_pending(&proc, bit(sig));
    }
    if !old.is_null() {
        old.write(&UserSigAction::from(prev))?;
    }
    Ok(0)
}

pub fn sys_rt_sigprocmask(
    how: i32,
    set: UserPtr<u64>,
    old: UserPtr<u64>,
    sigsetsize: usize,
) -> SysResult {
    const SIG_BLOCK: i32 = 0;
    const SIG_UNBLOCK: i32 = 1;
    const SIG_SETMASK: i32 = 2;
    check_sigset_size(sigsetsize)?;
    let t = current_thread();
    let cur = t.signal.blocked();
    if !set.is_null() {
        let n = set.read()?;
        let n = match how {
            SIG_BLOCK => cur | n,
            SIG_UNBLOCK => cur & !n,
            SIG_SETMASK => n,
            _ => return Err(Errno::EINVAL),
        };
        t.signal.set_blocked(n);
    }
    if !old.is_null() {
        old.write(&cur)?;
    }
    Ok(0)
}

pub fn sys_rt_sigpending(set: UserSlice) -> SysResult {
    if set.len > SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let t = current_thread();
    let pending = (t.signal.pending_set() | t.process.signal.pending_set()) & t.signal.blocked();
    set.copy_out(&pending.to_ne_bytes())?;
    Ok(0)
}

/// Waits for a signal with `mask` as the signal mask, which stays in force
/// until the handler frame has saved the old one.
pub fn sys_rt_sigsuspend(mask: UserPtr<u64>, sigsetsize: usize) -> SysResult {
    check_sigset_size(sigsetsize)?;
    let mask = mask.read()?;
    let t = current_thread();
    t.signal.save_mask(t.signal.blocked());
    t.signal.set_blocked(mask);
    wait::wait_for_signal(None);
    Err(Errno::EINTR)
}

/// pause(2): sleeps until a signal handler has run (or the process ends).
#[cfg(target_arch = "x86_64")]
pub fn sys_pause() -> SysResult {
    wait::wait_for_signal(None);
    Err(Errno::EINTR)
}

fn read_timeout(ptr: UserPtr<linux_raw_sys::general::timespec>) -> SysResult<Duration> {
    let t = ptr.read()?;
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return Err(Errno::EINVAL);
    }
    Ok(Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

/// Takes a pending signal of `set`, waiting up to `timeout` for one.
pub fn sys_rt_sigtimedwait(
    set: UserPtr<u64>,
    info: UserPtr<SigInfo>,
    timeout: UserPtr<linux_raw_sys::general::timespec>,
    sigsetsize: usize,
) -> SysResult {
    check_sigset_size(sigsetsize)?;
    let set = set.read()? & !UNBLOCKABLE;
    let timeout = if !timeout.is_null() {
        Some(read_timeout(timeout)?)
    } else {
        None
    };
    let t = current_thread();
    let mut got = signal::dequeue(&t, set);
    let mut why = WaitError::TimedOut;
    if got.is_none() && timeout != Some(Duration::ZERO) {
        let deadline = timeout.and_then(|d| axhal::time::monotonic_time().checked_add(d));
        // The awaited signals are let through while we sleep.
        let blocked = t.signal.blocked();
        t.signal.set_waiting(blocked, blocked & !set);
        why = wait::wait_for_signal(deadline);
        t.signal.set_waiting(0, blocked);
        got = signal::dequeue(&t, set);
    }
    match got {
        Some(si) => {
            if !info.is_null() {
                info.write(&si)?;
            }
            Ok(si.signo as isize)
        }
        None if why == WaitError::Interrupted => Err(Errno::EINTR),
        None => Err(Errno::EAGAIN),
    }
}

/// The permission check of kill(2) (Linux's check_kill_permission): every
/// process runs as root here, so only the signal number can be wrong.
fn check_kill(sig: i32) -> SysResult<()> {
    if sig == 0 || signal::valid(sig) {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

/// Sends to each process of a group as kill(2) does: success if any
/// delivery succeeded, else the last error (ESRCH for none).
pub(super) fn kill_all(targets: Vec<Arc<Process>>, sig: i32, info: SigInfo) -> SysResult {
    let mut result = Err(Errno::ESRCH);
    let mut success = false;
    for p in &targets {
        result = check_kill(sig).and_then(|_| {
            if sig != 0 {
                send_signal(Target::Process(p), info)
            } else {
                Ok(())
            }
        });
        success |= result.is_ok();
    }
    if success { Ok(0) } else { result.map(|_| 0) }
}

pub fn sys_kill(pid: i32, sig: i32) -> SysResult {
    let me = current_process();
    let info = SigInfo::from_process(sig as usize, code::SI_USER, me.pid);
    kill_info(&me, pid, sig, info)
}

/// The processes of process group `pgid`.
pub(super) fn processes_in_group(pgid: i32) -> Vec<Arc<Process>> {
    task::all_processes()
        .into_iter()
        .filter(|p| p.pgid.load(Ordering::Relaxed) == pgid)
        .collect()
}

fn kill_info(me: &Arc<Process>, pid: i32, sig: i32, info: SigInfo) -> SysResult {
    let in_group = processes_in_group;
    match pid {
        p if p > 0 => kill_all(find_process(p).into_iter().collect(), sig, info),
        0 => kill_all(in_group(me.pgid.load(Ordering::Relaxed)), sig, info),
        -1 => {
            let all: Vec<_> = task::all_processes()
                .into_iter()
                .filter(|p| p.pid > 1 && p.pid != me.pid)
                .collect();
            kill_all(all, sig, info)
        }
        i32::MIN => Err(Errno::ESRCH),
        p => kill_all(in_group(-p), sig, info),
    }
}

/// Sends to the thread `tid` (of process `tgid` when positive).
pub(super) fn send_specific(tgid: i32, tid: i32, sig: i32, info: SigInfo) -> SysResult {
    match find_thread(tid) {
        Some(t) if tgid <= 0 || t.process.pid == tgid => {
            check_kill(sig)?;
            if sig != 0 {
                send_signal(Target::Thread(&t), info)?;
            }
            Ok(0)
        }
        Some(_) => Err(Errno::ESRCH),
        // The leader of a process whose threads live on, or a zombie not yet
        // reaped: it exists, but takes no signal.
        None => match find_process(tid) {
            Some(p) if tgid <= 0 || p.pid == tgid => check_kill(sig).map(|_| 0),
            _ => Err(Errno::ESRCH),
        },
    }
}

pub fn sys_tgkill(tgid: i32, tid: i32, sig: i32) -> SysResult {
    if tgid <= 0 || tid <= 0 {
        return Err(Errno::EINVAL);
    }
    send_specific(
        tgid,
        tid,
        sig,
        SigInfo::from_process(sig as usize, code::SI_TKILL, current_process().pid),
    )
}

pub fn sys_tkill(tid: i32, sig: i32) -> SysResult {
    if tid <= 0 {
        return Err(Errno::EINVAL);
    }
    send_specific(
        0,
        tid,
        sig,
        SigInfo::from_process(sig as usize, code::SI_TKILL, current_process().pid),
    )
}

/// A siginfo from user space; only the kernel may claim to be the kernel
/// or kill()/tgkill() when the target is another thread.
fn user_siginfo(target_tid: i32, sig: i32, uinfo: UserPtr<SigInfo>) -> SysResult<SigInfo> {
    let info = uinfo.read()?.with_signo(sig as usize);
    check_claim(&info, target_tid)?;
    Ok(info)
}

/// EPERM when a siginfo from user space claims to come from kill(),
/// tgkill() or the kernel and its target is not the calling thread.
pub(super) fn check_claim(info: &SigInfo, target_tid: i32) -> SysResult<()> {
    if (info.code >= 0 || info.code == code::SI_TKILL) && current_thread().tid != target_tid {
        return Err(Errno::EPERM);
    }
    Ok(())
}

pub fn sys_rt_sigqueueinfo(pid: i32, sig: i32, uinfo: UserPtr<SigInfo>) -> SysResult {
    let info = user_siginfo(pid, sig, uinfo)?;
    if pid <= 0 {
        return Err(Errno::ESRCH);
    }
    kill_info(&current_process(), pid, sig, info)
}

pub fn sys_rt_tgsigqueueinfo(tgid: i32, tid: i32, sig: i32, uinfo: UserPtr<SigInfo>) -> SysResult {
    if tgid <= 0 || tid <= 0 {
        return Err(Errno::EINVAL);
    }
    let info = user_siginfo(tid, sig, uinfo)?;
    send_specific(tgid, tid, sig, info)
}

pub fn sys_sigaltstack(uctx: &UserContext, ss: UserPtr<StackT>, old: UserPtr<StackT>) -> SysResult {
    let new = if !ss.is_null() {
        Some(ss.read()?)
    } else {
        None
    };
    let t = current_thread();
    let cur = t.signal.altstack();
    let sp = uctx.sp();
    if let Some(n) = new {
        t.signal.set_altstack(cur.change(sp, &n)?);
    }
    if !old.is_null() {
        old.write(&cur.report(sp))?;
    }
    Ok(0)
}

pub fn sys_rt_sigreturn(uctx: &mut UserContext) -> SysResult {
    Ok(signal::sigreturn(uctx))
}

/// restart_syscall(2): goes on with a call a signal interrupted when no
/// handler ran (a relative sleep, a timed futex wait); EINTR when there is
/// none.
pub fn sys_restart_syscall() -> SysResult {
    match current_thread().signal.take_restart_block() {
        Some(RestartBlock::Sleep {
            clock,
            deadline,
            rem,
        }) => super::time::resume_sleep(clock, deadline, rem),
        Some(RestartBlock::FutexWait {
            addr,
            val,
            bitset,
            private,
            deadline,
        }) => super::futex::timed_wait(addr, private, val, bitset, deadline),
        None => Err(Errno::EINTR),
    }
}
