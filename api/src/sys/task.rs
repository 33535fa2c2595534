//! Process syscalls: clone (fork, vfork, threads), execve, exit, wait4, ids.

use alloc::sync::Arc;
use core::sync::atomic::Ordering;

use axhal::uspace::UserContext;
use axsync::Mutex;
use mm::aspace::AddrSpace;

use crate::errno::{Because, Errno, SysResult};
use crate::signal::{AltStack, SigInfo, ThreadSignal};
use crate::sys::cputime::RusageBytes;
use crate::task::{self, Process, Thread, current_process, current_thread, find_process};
use crate::uaccess::{UserPtr, UserSlice, read_path, read_str_array};

pub mod clone_flags {
    pub const CSIGNAL: u64 = 0xff;
    pub const CLONE_VM: u64 = 0x100;
    pub const CLONE_FS: u64 = 0x200;
    pub const CLONE_FILES: u64 = 0x400;
    pub const CLONE_SIGHAND: u64 = 0x800;
    pub const CLONE_PIDFD: u64 = 0x1000;
    pub const CLONE_VFORK: u64 = 0x4000;
    pub const CLONE_PARENT: u64 = 0x8000;
    pub const CLONE_THREAD: u64 = 0x10000;
    pub const CLONE_SETTLS: u64 = 0x80000;
    /// Ignored by clone(2), refused by clone3 and with CLONE_PIDFD.
    pub const CLONE_DETACHED: u64 = 0x40_0000;
    pub const CLONE_PARENT_SETTID: u64 = 0x100000;
    pub const CLONE_CHILD_CLEARTID: u64 = 0x200000;
    pub const CLONE_CHILD_SETTID: u64 = 0x1000000;
    pub const CLONE_NEWNS: u64 = 0x20000;
    pub const CLONE_NEWUSER: u64 = 0x1000_0000;
    /// clone3 only: reset the child's signal handlers (not SIG_IGN) to SIG_DFL.
    pub const CLONE_CLEAR_SIGHAND: u64 = 0x1_0000_0000;
    /// clone3 only: start the child in the cgroup given by `cgroup` (an fd).
    pub const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;
    /// The CLONE_NEW* flags (mount, cgroup, uts, ipc, user, pid, net);
    /// CLONE_NEWTIME (0x80) shares its bit with CSIGNAL in clone(2).
    pub const CLONE_NEW_ANY: u64 =
        0x20000 | 0x0200_0000 | 0x0400_0000 | 0x0800_0000 | 0x1000_0000 | 0x2000_0000 | 0x4000_0000;
}
use clone_flags::*;

/// The flag combinations copy_process rejects, in its order.
fn check_clone_flags(flags: u64) -> SysResult<()> {
    let has = |f: u64| flags & f != 0;
    if has(CLONE_NEWNS | CLONE_NEWUSER) && has(CLONE_FS) {
        return Err(Errno::EINVAL.because("clone: a new mount or user namespace with CLONE_FS"));
    }
    if has(CLONE_THREAD) && !has(CLONE_SIGHAND) {
        return Err(Errno::EINVAL.because("clone: CLONE_THREAD without CLONE_SIGHAND"));
    }
    if has(CLONE_SIGHAND) && !has(CLONE_VM) {
        return Err(Errno::EINVAL.because("clone: CLONE_SIGHAND without CLONE_VM"));
    }
    // Like a Linux built without namespace support (CONFIG_*_NS=n).
    if has(CLONE_NEW_ANY) {
        return Err(Errno::EINVAL.because("clone: namespaces are not supported"));
    }
    if has(CLONE_PIDFD) && has(CLONE_DETACHED) {
        return Err(Errno::EINVAL.because("clone: CLONE_PIDFD with CLONE_DETACHED"));
    }
    Ok(())
}

/// clone(2) with the arguments already put in a common order; `pidfd` is
/// where CLONE_PIDFD stores the child's pidfd.
pub fn sys_clone(
    uctx: &UserContext,
    flags: u64,
    stack: usize,
    ptid: UserPtr<i32>,
    ctid: usize,
    tls: usize,
    pidfd: UserPtr<i32>,
) -> SysResult {
    // clone(2) passes both in parent_tid; clone3 may too.
    if flags & CLONE_PIDFD != 0 && flags & CLONE_PARENT_SETTID != 0 && pidfd.addr() == ptid.addr() {
        return Err(Errno::EINVAL.because("clone: the pidfd and the parent tid at one address"));
    }
    check_clone_flags(flags)?;
    let parent_thread = current_thread();
    let parent = parent_thread.process.clone();

    let mut child_ctx = *uctx;
    child_ctx.set_retval(0);
    if stack != 0 {
        child_ctx.set_sp(stack);
    }
    if flags & CLONE_SETTLS != 0 {
        crate::arch::set_tls(&mut child_ctx, tls);
    }

    let tid = task::alloc_pid();
    let process = if flags & CLONE_THREAD != 0 {
        parent.clone()
    } else {
        let aspace = if flags & CLONE_VM != 0 {
            parent.aspace()
        } else {
            let forked = parent.aspace().lock().fork().map_err(|_| Errno::ENOMEM)?;
            // The copied System V attachments are new attaches (shm_open).
            crate::sys::ipc::shm_forked(&forked);
            Arc::new(Mutex::new(forked))
        };
        let fds = if flags & CLONE_FILES != 0 {
            parent.fds.clone()
        } else {
            Arc::new(Mutex::new(parent.fds.lock().clone()))
        };
        let fs = if flags & CLONE_FS != 0 {
            parent.fs.clone()
        } else {
            Arc::new(Mutex::new(parent.fs.lock().clone()))
        };
        let sig = if flags & CLONE_SIGHAND != 0 {
            parent.signal.actions.clone()
        } else {
            let mut actions = parent.signal.actions.lock().clone();
            if flags & CLONE_CLEAR_SIGHAND != 0 {
                actions.reset_for_exec();
            }
            Arc::new(Mutex::new(actions))
        };
        let real_parent = if flags & CLONE_PARENT != 0 {
            parent.parent().unwrap_or(parent.clone())
        } else {
            parent.clone()
        };
        let child = Process::new(tid, Arc::downgrade(&real_parent), aspace, fds, fs, sig);
        *child.brk.lock() = *parent.brk.lock();
        *child.exe.lock() = parent.exe.lock().clone();
        *child.comm.lock() = parent.comm.lock().clone();
        *child.strings.lock() = *parent.strings.lock();
        *child.auxv.lock() = parent.auxv.lock().clone();
        // The child is not running yet: plain copies of the atomics.
        macro_rules! inherit {
            ($($field:ident),*) => {
                $(child.$field.store(parent.$field.load(Ordering::Relaxed), Ordering::Relaxed);)*
            };
        }
        inherit!(no_new_privs, dumpable, umask, pgid, sid, ctty);
        *child.rlimits.lock() = parent.rlimits.lock().clone();
        child
            .exit_signal
            .store((flags & CSIGNAL) as usize, Ordering::Relaxed);
        if flags & CLONE_PARENT == 0 {
            child
                .parent_thread
                .store(parent_thread.tid, Ordering::Relaxed);
        }
        if flags & CLONE_PIDFD != 0
            && let Err(e) = give_pidfd(&child, None, pidfd)
        {
            // As Linux: no child when its pidfd cannot be handed over.
            task::unregister_process(tid);
            return Err(e);
        }
        real_parent.children.lock().push(child.clone());
        child
    };

    // A thread sharing the memory but not the stack of its parent starts
    // without an alternate stack (vfork children run on the parent's).
    let altstack = if flags & (CLONE_VM | CLONE_VFORK) == CLONE_VM {
        AltStack::disabled()
    } else {
        parent_thread.signal.altstack()
    };
    let clear_tid = if flags & CLONE_CHILD_CLEARTID != 0 {
        ctid
    } else {
        0
    };
    let signal = ThreadSignal::new(parent_thread.signal.blocked(), altstack);
    let thread = Thread::new(
        tid,
        process.clone(),
        clear_tid,
        signal,
        parent_thread.comm.lock().clone(),
    );
    // A new thread's pidfd names the thread (Linux 6.9's PIDFD_THREAD).
    if flags & (CLONE_THREAD | CLONE_PIDFD) == CLONE_THREAD | CLONE_PIDFD
        && let Err(e) = give_pidfd(&process, Some(tid), pidfd)
    {
        thread.unregister();
        return Err(e);
    }
    // A copy of the memory keeps the rseq area; shared memory does not.
    if flags & CLONE_VM == 0 {
        thread.rseq.inherit(&parent_thread.rseq);
    }
    if flags & CLONE_PARENT_SETTID != 0 {
        // Linux ignores a fault here: the child exists either way.
        let _ = ptid.write(&tid);
    }
    if flags & CLONE_CHILD_SETTID != 0 {
        // The child shares memory (threads, vfork) or has a COW copy: write
        // through whichever space the child will run in.
        let bytes = tid.to_ne_bytes();
        let _ = process.aspace().lock().write_bytes(ctid, &bytes);
    }
    let vfork_done = (flags & CLONE_VFORK != 0).then(|| process.clone());
    let name = parent.exe.lock().clone();
    crate::syscall::spawn_user_thread(thread, child_ctx, name, task::FpStart::Inherit);
    if let Some(child) = vfork_done {
        // The parent sleeps until the child execs or exits, or until it is
        // killed: then it dies on the way out and the child runs on.
        parent
            .child_wq
            .wait_killable(|| child.vfork_released.load(Ordering::Acquire));
    }
    Ok(tid as isize)
}

/// Installs a pidfd for the new `child` (or its new thread `thread`) in
/// the caller's table and stores its number at `at`.
fn give_pidfd(child: &Arc<Process>, thread: Option<i32>, at: UserPtr<i32>) -> SysResult<()> {
    let fd = super::pidfd::install_pidfd(child.clone(), thread, false)?;
    at.write(&fd)
        .inspect_err(|_| super::pidfd::uninstall_pidfd(fd))
}

/// clone3's `struct clone_args` (v2, 88 bytes; v0 ends after `tls`).
struct CloneArgs {
    flags: u64,
    pidfd: u64,
    child_tid: u64,
    parent_tid: u64,
    exit_signal: u64,
    stack: u64,
    stack_size: u64,
    tls: u64,
    set_tid: u64,
    set_tid_size: u64,
    cgroup: u64,
}

pub fn sys_clone3(uctx: &UserContext, args: UserSlice) -> SysResult {
    let a = read_clone_args(args)?;
    check_clone3_args(&a)?;
    if a.set_tid_size != 0 {
        // Choosing the child's pid (checkpoint/restore) is not supported.
        log::debug!("clone3: set_tid is not supported -> EINVAL");
        return Err(Errno::EINVAL);
    }
    if a.flags & CLONE_INTO_CGROUP != 0 {
        // No cgroup2 filesystem here: no fd can name a cgroup directory,
        // which Linux answers with EBADF.
        return Err(Errno::EBADF);
    }
    let stack = if a.stack != 0 {
        (a.stack + a.stack_size) as usize
    } else {
        0
    };
    sys_clone(
        uctx,
        a.flags | a.exit_signal,
        stack,
        UserPtr::new(a.parent_tid as usize),
        a.child_tid as usize,
        a.tls as usize,
        UserPtr::new(a.pidfd as usize),
    )
}

/// copy_clone_args_from_user: the size checks (a larger struct from a newer
/// ABI is accepted when its unknown tail is zero) and the field checks.
fn read_clone_args(args: UserSlice) -> SysResult<CloneArgs> {
    let size = args.len;
    const VER0: usize = 64;
    const PAGE_SIZE: usize = 4096;
    if size > PAGE_SIZE {
        return Err(Errno::E2BIG);
    }
    if size < VER0 {
        return Err(Errno::EINVAL);
    }
    const KNOWN: usize = 88;
    let mut buf = [0u8; KNOWN];
    let known = args.take(KNOWN).copy_in()?;
    buf[..known.len()].copy_from_slice(&known);
    let mut at = KNOWN;
    while at < size {
        let n = (size - at).min(64);
        let tail = UserSlice::new(args.addr + at, n).copy_in()?;
        if tail.iter().any(|&b| b != 0) {
            return Err(Errno::E2BIG);
        }
        at += n;
    }
    // The i-th u64 of the (zero-extended) struct.
    let word = |i: usize| u64::from_ne_bytes(buf[i * 8..i * 8 + 8].try_into().unwrap());
    let a = CloneArgs {
        flags: word(0),
        pidfd: word(1),
        child_tid: word(2),
        parent_tid: word(3),
        exit_signal: word(4),
        stack: word(5),
        stack_size: word(6),
        tls: word(7),
        set_tid: word(8),
        set_tid_size: word(9),
        cgroup: word(10),
    };
    const MAX_PID_NS_LEVEL: u64 = 32;
    if a.set_tid_size > MAX_PID_NS_LEVEL || (a.set_tid == 0) != (a.set_tid_size == 0) {
        return Err(Errno::EINVAL);
    }
    if a.exit_signal & !CSIGNAL != 0 || a.exit_signal > 64 {
        return Err(Errno::EINVAL);
    }
    if a.flags & CLONE_INTO_CGROUP != 0 && (a.cgroup > i32::MAX as u64 || size < KNOWN) {
        return Err(Errno::EINVAL);
    }
    Ok(a)
}

/// clone3_args_valid: flags clone3 accepts and combinations it refuses
/// before copy_process's own checks.
fn check_clone3_args(a: &CloneArgs) -> SysResult<()> {
    const CLONE_LEGACY_FLAGS: u64 = 0xffff_ffff;
    const CLONE_NEWTIME: u64 = 0x80;
    let bad = a.flags & !(CLONE_LEGACY_FLAGS | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP) != 0
        || a.flags & (CLONE_DETACHED | (CSIGNAL & !CLONE_NEWTIME)) != 0
        || a.flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND) == CLONE_SIGHAND | CLONE_CLEAR_SIGHAND
        || (a.flags & (CLONE_THREAD | CLONE_PARENT) != 0 && a.exit_signal != 0)
        || (a.stack == 0) != (a.stack_size == 0);
    if bad { Err(Errno::EINVAL) } else { Ok(()) }
}

pub fn sys_execve(uctx: &mut UserContext, path: usize, argv: usize, envp: usize) -> SysResult {
    let path = read_path(path)?;
    let argv = read_str_array(argv)?;
    let envp = read_str_array(envp)?;
    let proc = current_process();
    let ctx = proc.fs.lock().clone();
    let mut aspace = AddrSpace::new().map_err(|_| Errno::ENOMEM)?;
    let stack_limit = proc.rlimits.lock().stack().cur;
    let img = task::load_program(&mut aspace, &ctx, &path, argv, &envp, stack_limit)?;

    // Past the point of no return: the old image is gone, and with it the
    // robust locks this thread held (Linux's exec_mm_release).
    let t = current_thread();
    crate::futex::exit_robust_list(&t);
    proc.replace_aspace(Arc::new(Mutex::new(aspace)));
    proc.fds.lock().close_on_exec();
    proc.signal.actions.lock().reset_for_exec();
    t.signal.set_altstack(t.signal.altstack().for_exec());
    t.rseq.set(None);
    *proc.brk.lock() = task::Brk {
        start: img.brk_start,
        end: img.brk_start,
    };
    // Linux names the process after the path given to execve (a symlink's or
    // a script's own name), not the file it resolved to.
    let name = crate::sys::prctl::comm_of(path.rsplit('/').next().unwrap_or("").as_bytes());
    *proc.exe.lock() = img.exe_path;
    *current_thread().comm.lock() = name.clone();
    *proc.comm.lock() = name;
    proc.dumpable.store(1, Ordering::Relaxed);
    *proc.strings.lock() = img.strings;
    *proc.auxv.lock() = img.auxv;
    proc.release_vfork_parent();
    task::reset_fp_state();
    *uctx = UserContext::new(img.entry, memory_addr::VirtAddr::from(img.sp), 0);
    Ok(0)
}

pub fn sys_exit(code: i32) -> ! {
    let t = current_thread();
    if t.process.live_threads.load(Ordering::Acquire) == 1 {
        t.process
            .exit_status
            .store((code & 0xff) << 8, Ordering::Release);
    }
    drop(t); // exit_current_thread does not return
    task::exit_current_thread()
}

pub fn sys_exit_group(code: i32) -> ! {
    task::do_exit_group((code & 0xff) << 8)
}

pub fn sys_wait4(
    pid: i32,
    status: UserPtr<i32>,
    options: u32,
    rusage: UserPtr<RusageBytes>,
) -> SysResult {
    if options & !(wait::WNOHANG | wait::WUNTRACED | wait::WCONTINUED | wait::KERNEL_FLAGS) != 0 {
        return Err(Errno::EINVAL);
    }
    let who = match pid {
        i32::MIN => return Err(Errno::ESRCH), // -INT_MIN is no pgid
        -1 => wait::Who::Any,
        0 => wait::Who::Pgid(current_process().pgid.load(Ordering::Relaxed)),
        p if p > 0 => wait::Who::Pid(p),
        p => wait::Who::Pgid(-p),
    };
    let report = |c: &Process, st: i32| -> SysResult {
        if !status.is_null() {
            status.write(&st)?;
        }
        if !rusage.is_null() {
            crate::sys::cputime::write_child_rusage(rusage, c)?;
        }
        Ok(c.pid as isize)
    };
    match wait::wait_child(who, options | wait::WEXITED)? {
        Some(r) => report(&r.child, r.wstatus),
        None => Ok(0),
    }
}

pub fn sys_waitid(
    idtype: i32,
    id: i32,
    infop: UserPtr<SigInfo>,
    options: u32,
    rusage: UserPtr<RusageBytes>,
) -> SysResult {
    let result = waitid_child(idtype, id, options);
    let child = result.as_ref().ok().and_then(|c| c.as_ref());
    if let Some(c) = child
        && !rusage.is_null()
    {
        crate::sys::cputime::write_child_rusage(rusage, &c.child)?;
    }
    // As Linux: the siginfo fields are written whatever the outcome, zero
    // when nothing was reported (WNOHANG, or an error).
    if !infop.is_null() {
        let info = child.map_or([0i32; 6], |c| {
            [
                crate::signal::SIGCHLD as i32,
                0,
                c.code,
                c.child.pid,
                0,
                c.status,
            ]
        });
        // si_signo, si_errno, si_code, then (past the union's alignment)
        // si_pid, si_uid, si_status; Linux writes these six and no more.
        let [signo, errno, code, pid, uid, status] = info;
        UserSlice::new(infop.addr(), size_of::<SigInfo>()).check()?;
        infop.field(0).write(&[signo, errno, code])?;
        infop.field(16).write(&[pid, uid, status])?;
    }
    result.map(|_| 0)
}

/// waitid's checks and wait (Linux's kernel_waitid).
fn waitid_child(idtype: i32, id: i32, options: u32) -> SysResult<Option<wait::Report>> {
    const P_ALL: i32 = 0;
    const P_PID: i32 = 1;
    const P_PGID: i32 = 2;
    const P_PIDFD: i32 = 3;
    use wait::*;
    let known = WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | KERNEL_FLAGS;
    if options & !known != 0 || options & (WEXITED | WSTOPPED | WCONTINUED) == 0 {
        return Err(Errno::EINVAL);
    }
    let who = match idtype {
        P_ALL => Who::Any,
        P_PID if id > 0 => Who::Pid(id),
        P_PGID if id > 0 => Who::Pgid(id),
        P_PGID if id == 0 => Who::Pgid(current_process().pgid.load(Ordering::Relaxed)),
        P_PIDFD if id >= 0 => {
            // The pid it names (a thread's tid is no child's pid). A
            // nonblocking pidfd makes the wait WNOHANG, and a wait that
            // would block fails with EAGAIN.
            let (pidfd, nonblock) = super::pidfd::pidfd_at(id)?;
            let who = Who::Pid(pidfd.pid());
            if !nonblock || options & WNOHANG != 0 {
                return wait_child(who, options);
            }
            return wait_child(who, options | WNOHANG)?
                .map(Some)
                .ok_or(Errno::EAGAIN);
        }
        _ => return Err(Errno::EINVAL),
    };
    wait_child(who, options)
}

/// The child selection and reaping shared by wait4 and waitid (Linux's
/// do_wait).
mod wait {
    use alloc::sync::Arc;
    use core::sync::atomic::Ordering;

    use crate::errno::{Errno, SysResult};
    use crate::signal::{SIGCHLD, SIGCONT, code};
    use crate::task::{self, Process, current_process};

    pub const WNOHANG: u32 = 1;
    pub const WUNTRACED: u32 = 2;
    pub const WSTOPPED: u32 = WUNTRACED;
    pub const WEXITED: u32 = 4;
    pub const WCONTINUED: u32 = 8;
    pub const WNOWAIT: u32 = 0x0100_0000;
    const WNOTHREAD: u32 = 0x2000_0000;
    const WALL: u32 = 0x4000_0000;
    const WCLONE: u32 = 0x8000_0000;
    /// The __W* flags both calls accept.
    pub const KERNEL_FLAGS: u32 = WNOTHREAD | WALL | WCLONE;

    /// Which children a wait is about.
    #[derive(Clone, Copy)]
    pub enum Who {
        Any,
        Pid(i32),
        Pgid(i32),
    }

    /// A state change of a child, as reported.
    pub struct Report {
        pub child: Arc<Process>,
        /// CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED or CLD_CONTINUED.
        pub code: i32,
        /// waitid's si_status: the exit code or the signal.
        pub status: i32,
        /// wait4's status word.
        pub wstatus: i32,
    }

    enum Scan {
        Found(Report),
        /// Eligible children, nothing to report yet.
        Pending,
        NoChild,
    }

    fn eligible(c: &Process, who: Who, options: u32) -> bool {
        let selected = match who {
            Who::Any => true,
            Who::Pid(p) => c.pid == p,
            Who::Pgid(g) => c.pgid.load(Ordering::Relaxed) == g,
        };
        // Without __WALL, __WCLONE picks the children whose exit signal is
        // not SIGCHLD ("clone" children), and only those.
        let clone_child = c.exit_signal.load(Ordering::Relaxed) != SIGCHLD;
        selected && (options & WALL != 0 || clone_child == (options & WCLONE != 0))
    }

    fn exit_report(c: &Arc<Process>) -> Report {
        let st = c.exit_status.load(Ordering::Acquire);
        let (code, status) = match st & 0x7f {
            0 => (code::CLD_EXITED, (st >> 8) & 0xff),
            s if st & 0x80 != 0 => (code::CLD_DUMPED, s),
            s => (code::CLD_KILLED, s),
        };
        Report {
            child: c.clone(),
            code,
            status,
            wstatus: st,
        }
    }

    /// Looks at the eligible children in order, as Linux's
    /// wait_consider_task: a zombie (with WEXITED), else an unreported stop
    /// (WSTOPPED) or continue (WCONTINUED). With `commit`, the report is
    /// consumed (the zombie reaped) unless WNOWAIT.
    fn scan(me: &Process, who: Who, options: u32, commit: bool) -> Scan {
        let consume = commit && options & WNOWAIT == 0;
        let mut children = me.children.lock();
        let mut any = false;
        for (i, c) in children.iter().enumerate() {
            if !eligible(c, who, options) {
                continue;
            }
            if c.zombie.load(Ordering::Acquire) {
                // A zombie counts only for waits that take exits.
                if options & WEXITED == 0 {
                    continue;
                }
                let report = exit_report(c);
                if consume {
                    children.remove(i);
                    drop(children);
                    task::unregister_process(report.child.pid);
                    me.add_reaped_child(&report.child);
                }
                return Scan::Found(report);
            }
            any = true;
            let untraced = options & WSTOPPED != 0;
            let continued = options & WCONTINUED != 0;
            if let Some(wstatus) = c.signal.job_status(untraced, continued, consume) {
                let (code, status) = if wstatus == 0xffff {
                    (code::CLD_CONTINUED, SIGCONT as i32)
                } else {
                    (code::CLD_STOPPED, (wstatus >> 8) & 0xff)
                };
                return Scan::Found(Report {
                    child: c.clone(),
                    code,
                    status,
                    wstatus,
                });
            }
        }
        if any { Scan::Pending } else { Scan::NoChild }
    }

    /// Waits for a state change of a child `who` selects; None when
    /// WNOHANG and nothing is ready; ECHILD when no child is eligible.
    pub fn wait_child(who: Who, options: u32) -> SysResult<Option<Report>> {
        let me: Arc<Process> = current_process();
        loop {
            match scan(&me, who, options, true) {
                Scan::Found(r) => return Ok(Some(r)),
                Scan::NoChild => return Err(Errno::ECHILD),
                Scan::Pending if options & WNOHANG != 0 => return Ok(None),
                Scan::Pending => {}
            }
            // Also wakes when the last eligible child is gone (reaped at
            // once because SIGCHLD is ignored): then ECHILD.
            me.child_wq
                .wait_until(|| !matches!(scan(&me, who, options, false), Scan::Pending))?;
        }
    }
}

pub fn sys_getpid() -> SysResult {
    Ok(current_process().pid as isize)
}

pub fn sys_getppid() -> SysResult {
    Ok(crate::task::with_current_thread(|t| t.process.ppid()) as isize)
}

pub fn sys_gettid() -> SysResult {
    Ok(current_thread().tid as isize)
}

pub fn sys_set_tid_address(addr: usize) -> SysResult {
    let t = current_thread();
    t.clear_child_tid.store(addr, Ordering::Release);
    Ok(t.tid as isize)
}

pub fn sys_getpgid(pid: i32) -> SysResult {
    let p = if pid == 0 {
        current_process()
    } else {
        find_process(pid).ok_or(Errno::ESRCH)?
    };
    Ok(p.pgid.load(Ordering::Relaxed) as isize)
}

pub fn sys_setpgid(pid: i32, pgid: i32) -> SysResult {
    if pgid < 0 {
        return Err(Errno::EINVAL);
    }
    let p = if pid == 0 {
        current_process()
    } else {
        find_process(pid).ok_or(Errno::ESRCH)?
    };
    p.pgid
        .store(if pgid == 0 { p.pid } else { pgid }, Ordering::Relaxed);
    Ok(0)
}

pub fn sys_getsid(pid: i32) -> SysResult {
    let p = if pid == 0 {
        current_process()
    } else {
        find_process(pid).ok_or(Errno::ESRCH)?
    };
    Ok(p.sid.load(Ordering::Relaxed) as isize)
}

pub fn sys_setsid() -> SysResult {
    let p = current_process();
    if p.pgid.load(Ordering::Relaxed) == p.pid {
        return Err(Errno::EPERM);
    }
    p.sid.store(p.pid, Ordering::Relaxed);
    p.pgid.store(p.pid, Ordering::Relaxed);
    // A new session starts without a controlling terminal.
    p.ctty.store(false, Ordering::Release);
    Ok(p.pid as isize)
}
