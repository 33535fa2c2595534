//! x86_64's own calls: the legacy ones (the pre-*at family, fork, poll,
//! ...) routed to the handlers of their modern forms, arch_prctl, and
//! clone with x86_64's argument order.

use axhal::uspace::UserContext;
use linux_raw_sys::general::{AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW};

use super::{Syscall, call, i, u};
use crate::arch::USER_END;
use crate::errno::{Errno, SysResult};
use crate::signal::RestartKind;
use crate::strace::spec::Arg::*;
use crate::strace::spec::{ARCH_PRCTL, OPEN, Ret, f, open_argc};
use crate::sys::task::clone_flags::{CLONE_VFORK, CLONE_VM};
use crate::sys::{epoll, eventfd, fs, itimer, poll, signal, signalfd, task, time};
use crate::uaccess::{UserPtr, UserSlice, write_val};

const CWD: i32 = fs::AT_FDCWD;
const SIGCHLD: u64 = crate::signal::SIGCHLD as u64;

#[rustfmt::skip]
pub static CALLS: &[Syscall] = &[
    // clone(flags, stack, parent_tid, child_tid, tls); CLONE_PIDFD's fd
    // goes to parent_tid.
    call!(__NR_clone, [Clone], |uctx, a| task::sys_clone(uctx, a[0] as u64, a[1], UserPtr::new(a[2]), a[3], a[4], UserPtr::new(a[2]))),
    call!(__NR_open, [Path, OPEN, Mode], |_, a| fs::sys_openat(CWD, a[0], u(a[1]), u(a[2]))).argc(open_argc).restart(RestartKind::Sys),
    call!(__NR_creat, [Path, Mode], |_, a| fs::sys_openat(CWD, a[0], 0o1101, u(a[1]))).restart(RestartKind::Sys),
    call!(__NR_stat, [Path, OutStat], |_, a| fs::sys_newfstatat(CWD, a[0], UserPtr::new(a[1]), 0)),
    call!(__NR_lstat, [Path, OutStat], |_, a| fs::sys_newfstatat(CWD, a[0], UserPtr::new(a[1]), AT_SYMLINK_NOFOLLOW)),
    call!(__NR_access, [Path, Flags(&f::ACCESS)], |_, a| fs::sys_faccessat(CWD, a[0], u(a[1]), 0)),
    call!(__NR_readlink, [Path, OutBuf, Ulong], |_, a| fs::sys_readlinkat(CWD, a[0], UserSlice::new(a[1], a[2]))),
    call!(__NR_mkdir, [Path, Mode], |_, a| fs::sys_mkdirat(CWD, a[0], u(a[1]))),
    call!(__NR_rmdir, [Path], |_, a| fs::sys_unlinkat(CWD, a[0], AT_REMOVEDIR)),
    call!(__NR_unlink, [Path], |_, a| fs::sys_unlinkat(CWD, a[0], 0)),
    call!(__NR_rename, [Path, Path], |_, a| fs::sys_renameat2(CWD, a[0], CWD, a[1], 0)),
    call!(__NR_link, [Path, Path], |_, a| fs::sys_linkat(CWD, a[0], CWD, a[1], 0)),
    call!(__NR_symlink, [Path, Path], |_, a| fs::sys_symlinkat(a[0], CWD, a[1])),
    call!(__NR_chmod, [Path, Mode], |_, a| fs::sys_fchmodat(CWD, a[0], u(a[1]))),
    call!(__NR_chown, |_, a| fs::sys_fchownat(CWD, a[0], u(a[1]), u(a[2]), 0)),
    call!(__NR_lchown, |_, a| fs::sys_fchownat(CWD, a[0], u(a[1]), u(a[2]), AT_SYMLINK_NOFOLLOW)),
    call!(__NR_time, |_, a| time::sys_time(UserPtr::new(a[0]))),
    call!(__NR_pipe, [OutFds], |_, a| fs::sys_pipe2(UserPtr::new(a[0]), 0)),
    call!(__NR_eventfd, [Uint], |_, a| eventfd::sys_eventfd2(u(a[0]), 0)),
    call!(__NR_signalfd, [Fd, Sigset(2), Ulong], |_, a| signalfd::sys_signalfd4(i(a[0]), UserPtr::new(a[1]), a[2], 0)),
    call!(__NR_dup2, [Fd, Fd], |_, a| fs::sys_dup2(i(a[0]), i(a[1]))),
    call!(__NR_fork, [], |uctx, _| task::sys_clone(uctx, SIGCHLD, 0, UserPtr::new(0), 0, 0, UserPtr::new(0))),
    call!(__NR_vfork, [], |uctx, _| task::sys_clone(uctx, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, UserPtr::new(0), 0, 0, UserPtr::new(0))),
    call!(__NR_getpgrp, [], |_, _| task::sys_getpgid(0)),
    call!(__NR_arch_prctl, [Enum(&ARCH_PRCTL), Ptr], |uctx, a| sys_arch_prctl(uctx, i(a[0]), a[1])),
    call!(__NR_epoll_create, |_, a| epoll::sys_epoll_create(i(a[0]))),
    call!(__NR_epoll_wait, |_, a| epoll::sys_epoll_wait(i(a[0]), UserPtr::new(a[1]), i(a[2]), i(a[3]))),
    call!(__NR_poll, [PollFds(1), Uint, Int], |_, a| poll::sys_poll(UserPtr::new(a[0]), a[1], i(a[2]))).ret(Ret::Poll).restart(RestartKind::NoHand),
    call!(__NR_select, [Int, FdSet(0), FdSet(0), FdSet(0), Timeval], |_, a| poll::sys_select(i(a[0]), UserPtr::new(a[1]), UserPtr::new(a[2]), UserPtr::new(a[3]), UserPtr::new(a[4]))).ret(Ret::Select).restart(RestartKind::NoHand),
    call!(__NR_pause, |_, _| signal::sys_pause()).restart(RestartKind::NoHand),
    call!(__NR_alarm, |_, a| itimer::sys_alarm(a[0] as u32)),
];

/// arch_prctl(2): the FS and GS bases.
fn sys_arch_prctl(uctx: &mut UserContext, code: i32, addr: usize) -> SysResult {
    const ARCH_SET_GS: i32 = 0x1001;
    const ARCH_SET_FS: i32 = 0x1002;
    const ARCH_GET_FS: i32 = 0x1003;
    const ARCH_GET_GS: i32 = 0x1004;
    match code {
        ARCH_SET_FS | ARCH_SET_GS if addr >= USER_END => return Err(Errno::EPERM),
        ARCH_SET_FS => uctx.set_tls(addr),
        ARCH_SET_GS => uctx.gs_base = addr as u64,
        ARCH_GET_FS => write_val(addr, &uctx.tls())?,
        ARCH_GET_GS => write_val(addr, &(uctx.gs_base as usize))?,
        _ => return Err(Errno::EINVAL),
    }
    Ok(0)
}
