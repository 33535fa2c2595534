//! The calls every architecture has, by their linux-raw-sys numbers (which
//! differ per architecture; the entries do not). The calls only one
//! architecture has, and clone (its argument order differs), are in that
//! architecture's table beside this one.

use linux_raw_sys::general::{F_OFD_SETLKW, F_SETLKW, TIMER_ABSTIME};

use super::{Syscall, call, i, u};
use crate::signal::RestartKind;
use crate::strace::spec::Arg::*;
use crate::strace::spec::{AT, OPEN, Ret, f, ipc};
use crate::strace::spec::{PRCTL, fcntl_argc, futex_argc, mremap_argc, openat_argc, prctl_argc};
use crate::sys::process_vm::{self, Direction};
use crate::sys::{
    cputime, epoll, eventfd, fs, futex, ipc as sysv, itimer, misc, mm, net, pidfd, poll, prctl,
    rseq, sched, signal, signalfd, task, time, timerfd,
};
use crate::uaccess::{UserPtr, UserSlice};

#[rustfmt::skip]
pub static CALLS: &[Syscall] = &[
    call!(__NR_read, [Fd, OutBuf, Ulong], |_, a| fs::sys_read(i(a[0]), UserSlice::new(a[1], a[2]))).restart(RestartKind::Sys),
    call!(__NR_write, [Fd, InBuf(2), Ulong], |_, a| fs::sys_write(i(a[0]), UserSlice::new(a[1], a[2]))).restart(RestartKind::Sys),
    call!(__NR_readv, [Fd, OutIov(2), Uint], |_, a| fs::sys_readv(i(a[0]), UserPtr::new(a[1]), i(a[2]))).restart(RestartKind::Sys),
    call!(__NR_writev, [Fd, InIov(2), Uint], |_, a| fs::sys_writev(i(a[0]), UserPtr::new(a[1]), i(a[2]))).restart(RestartKind::Sys),
    call!(__NR_pread64, [Fd, OutBuf, Ulong, Long], |_, a| fs::sys_pread64(i(a[0]), UserSlice::new(a[1], a[2]), a[3] as i64)).restart(RestartKind::Sys),
    call!(__NR_pwrite64, [Fd, InBuf(2), Ulong, Long], |_, a| fs::sys_pwrite64(i(a[0]), UserSlice::new(a[1], a[2]), a[3] as i64)).restart(RestartKind::Sys),
    call!(__NR_sendfile, |_, a| fs::sys_sendfile(i(a[0]), i(a[1]), UserPtr::new(a[2]), a[3])),
    call!(__NR_openat, [DirFd, Path, OPEN, Mode], |_, a| fs::sys_openat(i(a[0]), a[1], u(a[2]), u(a[3]))).argc(openat_argc).restart(RestartKind::Sys),
    call!(__NR_close, [Fd], |_, a| fs::sys_close(i(a[0]))),
    call!(__NR_close_range, [Uint, Uint, Flags(&f::CLOSE_RANGE)], |_, a| fs::sys_close_range(u(a[0]), u(a[1]), u(a[2]))),
    call!(__NR_lseek, [Fd, Long, Enum(&f::SEEK)], |_, a| fs::sys_lseek(i(a[0]), a[1] as i64, u(a[2]))),
    call!(__NR_fstat, [Fd, OutStat], |_, a| fs::sys_fstat(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_statfs, [Path, Ptr], |_, a| fs::sys_statfs(a[0], UserPtr::new(a[1]))),
    call!(__NR_getpeername, [Fd, Ptr, InInt], |_, a| net::sys_socket_name(i(a[0]))),
    call!(__NR_getsockname, [Fd, Ptr, InInt], |_, a| net::sys_socket_name(i(a[0]))),
    call!(__NR_fstatfs, [Fd, Ptr], |_, a| fs::sys_fstatfs(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_newfstatat, [DirFd, Path, OutStat, AT], |_, a| fs::sys_newfstatat(i(a[0]), a[1], UserPtr::new(a[2]), u(a[3]))),
    call!(__NR_statx, [DirFd, Path, Flags(&f::AT_STATX), Flags(&f::STATX_MASK), OutStatx], |_, a| fs::sys_statx(i(a[0]), a[1], u(a[2]), u(a[3]), UserPtr::new(a[4]))),
    call!(__NR_getdents64, [Fd, OutDirents, Ulong], |_, a| fs::sys_getdents64(i(a[0]), UserSlice::new(a[1], a[2]))),
    call!(__NR_mkdirat, [DirFd, Path, Mode], |_, a| fs::sys_mkdirat(i(a[0]), a[1], u(a[2]))),
    call!(__NR_unlinkat, [DirFd, Path, AT], |_, a| fs::sys_unlinkat(i(a[0]), a[1], u(a[2]))),
    call!(__NR_renameat2, [DirFd, Path, DirFd, Path, Flags(&f::RENAME)], |_, a| fs::sys_renameat2(i(a[0]), a[1], i(a[2]), a[3], u(a[4]))),
    call!(__NR_linkat, [DirFd, Path, DirFd, Path, AT], |_, a| fs::sys_linkat(i(a[0]), a[1], i(a[2]), a[3], u(a[4]))),
    call!(__NR_symlinkat, [Path, DirFd, Path], |_, a| fs::sys_symlinkat(a[0], i(a[1]), a[2])),
    call!(__NR_readlinkat, [DirFd, Path, OutBuf, Ulong], |_, a| fs::sys_readlinkat(i(a[0]), a[1], UserSlice::new(a[2], a[3]))),
    call!(__NR_faccessat, [DirFd, Path, Flags(&f::ACCESS)], |_, a| fs::sys_faccessat(i(a[0]), a[1], u(a[2]), 0)),
    call!(__NR_faccessat2, [DirFd, Path, Flags(&f::ACCESS), Flags(&f::AT_ACCESS)], |_, a| fs::sys_faccessat(i(a[0]), a[1], u(a[2]), u(a[3]))),
    call!(__NR_fchmodat, [DirFd, Path, Mode], |_, a| fs::sys_fchmodat(i(a[0]), a[1], u(a[2]))),
    call!(__NR_fchmod, [Fd, Mode], |_, a| fs::sys_fchmod(i(a[0]), u(a[1]))),
    call!(__NR_fchown, |_, a| fs::sys_fchown(i(a[0]), u(a[1]), u(a[2]))),
    call!(__NR_fchownat, |_, a| fs::sys_fchownat(i(a[0]), a[1], u(a[2]), u(a[3]), u(a[4]))),
    call!(__NR_utimensat, |_, a| fs::sys_utimensat(i(a[0]), a[1], UserPtr::new(a[2]), u(a[3]))),
    call!(__NR_fcntl, [Fd, Enum(&f::FCNTL), FcntlValue], |_, a| fs::sys_fcntl(i(a[0]), u(a[1]), a[2])).argc(fcntl_argc).ret(Ret::Fcntl).restart_by(fcntl_restart),
    call!(__NR_flock, |_, a| fs::sys_flock(i(a[0]), u(a[1]))).restart(RestartKind::Sys),
    call!(__NR_dup, [Fd], |_, a| fs::sys_dup(i(a[0]))),
    call!(__NR_dup3, [Fd, Fd, Flags(&f::FD_OPEN)], |_, a| fs::sys_dup3(i(a[0]), i(a[1]), u(a[2]))),
    call!(__NR_pipe2, [OutFds, Flags(&f::FD_OPEN)], |_, a| fs::sys_pipe2(UserPtr::new(a[0]), u(a[1]))),
    call!(__NR_eventfd2, [Uint, Flags(&f::FD_OPEN)], |_, a| eventfd::sys_eventfd2(u(a[0]), u(a[1]))),
    call!(__NR_timerfd_create, [Int, Flags(&f::FD_OPEN)], |_, a| timerfd::sys_timerfd_create(i(a[0]), u(a[1]))),
    call!(__NR_timerfd_settime, [Fd, Hex, Ptr, Ptr], |_, a| timerfd::sys_timerfd_settime(i(a[0]), u(a[1]), UserPtr::new(a[2]), UserPtr::new(a[3]))),
    call!(__NR_timerfd_gettime, [Fd, Ptr], |_, a| timerfd::sys_timerfd_gettime(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_signalfd4, [Fd, Sigset(2), Ulong, Flags(&f::FD_OPEN)], |_, a| signalfd::sys_signalfd4(i(a[0]), UserPtr::new(a[1]), a[2], u(a[3]))),
    call!(__NR_ioctl, [Fd, Enum(&f::IOCTL), Ptr], |_, a| fs::sys_ioctl(i(a[0]), u(a[1]), a[2])).restart(RestartKind::Sys),
    call!(__NR_getcwd, [OutPath, Ulong], |_, a| fs::sys_getcwd(UserSlice::new(a[0], a[1]))),
    call!(__NR_chdir, [Path], |_, a| fs::sys_chdir(a[0])),
    call!(__NR_fchdir, [Fd], |_, a| fs::sys_fchdir(i(a[0]))),
    call!(__NR_umask, [Mode], |_, a| fs::sys_umask(u(a[0]))).ret(Ret::Octal),
    call!(__NR_ftruncate, [Fd, Long], |_, a| fs::sys_ftruncate(i(a[0]), a[1] as i64)),
    call!(__NR_fsync, [Fd], |_, a| fs::sys_fsync(i(a[0]))),
    call!(__NR_fdatasync, [Fd], |_, a| fs::sys_fsync(i(a[0]))),
    call!(__NR_fadvise64, [Fd, Long, Long, Enum(&f::FADV)], |_, a| fs::sys_fadvise64(i(a[0]), a[1] as i64, a[2] as i64, u(a[3]))),
    call!(__NR_brk, [Ptr], |_, a| mm::sys_brk(a[0])).ret(Ret::Hex),
    call!(__NR_mmap, [Ptr, Ulong, Flags(&f::PROT), Flags(&f::MAP), Fd, Hex], |_, a| mm::sys_mmap(a[0], a[1], u(a[2]), u(a[3]), i(a[4]), a[5] as i64)).ret(Ret::Hex),
    call!(__NR_munmap, [Ptr, Ulong], |_, a| mm::sys_munmap(a[0], a[1])),
    call!(__NR_mprotect, [Ptr, Ulong, Flags(&f::PROT)], |_, a| mm::sys_mprotect(a[0], a[1], u(a[2]))),
    call!(__NR_mremap, [Ptr, Ulong, Ulong, Flags(&f::MREMAP), Ptr], |_, a| mm::sys_mremap(a[0], a[1], a[2], u(a[3]), a[4])).argc(mremap_argc).ret(Ret::Hex),
    call!(__NR_madvise, [Ptr, Ulong, Enum(&f::MADV)], |_, a| mm::sys_madvise(a[0], a[1], u(a[2]))),
    call!(__NR_msync, [Ptr, Ulong, Flags(&f::MS)], |_, a| mm::sys_msync(a[0], a[1], u(a[2]))),
    call!(__NR_mincore, |_, a| mm::sys_mincore(a[0], a[1], UserPtr::new(a[2]))),
    call!(__NR_mlock, |_, a| mm::sys_mlock(a[0], a[1])),
    call!(__NR_mlock2, |_, a| mm::sys_mlock2(a[0], a[1], u(a[2]))),
    call!(__NR_munlock, |_, a| mm::sys_munlock(a[0], a[1])),
    call!(__NR_mlockall, |_, a| mm::sys_mlockall(u(a[0]))),
    call!(__NR_munlockall, |_, _| mm::sys_munlockall()),
    call!(__NR_clone3, [CloneArgs, Ulong], |uctx, a| task::sys_clone3(uctx, UserSlice::new(a[0], a[1]))),
    call!(__NR_execve, [Path, Argv, Envp], |uctx, a| task::sys_execve(uctx, a[0], a[1], a[2])).ret(Ret::Exec).replaces_context(),
    call!(__NR_exit, [Int], |_, a| task::sys_exit(i(a[0]))).ret(Ret::NoReturn),
    call!(__NR_exit_group, [Int], |_, a| task::sys_exit_group(i(a[0]))).ret(Ret::NoReturn),
    call!(__NR_wait4, [Int, OutWaitStatus, Flags(&f::WAIT), OutRusage], |_, a| task::sys_wait4(i(a[0]), UserPtr::new(a[1]), u(a[2]), UserPtr::new(a[3]))).restart(RestartKind::Sys),
    call!(__NR_waitid, |_, a| task::sys_waitid(i(a[0]), i(a[1]), UserPtr::new(a[2]), u(a[3]), UserPtr::new(a[4]))).restart(RestartKind::Sys),
    call!(__NR_getpid, [], |_, _| task::sys_getpid()),
    call!(__NR_getppid, [], |_, _| task::sys_getppid()),
    call!(__NR_gettid, [], |_, _| task::sys_gettid()),
    call!(__NR_set_tid_address, [Ptr], |_, a| task::sys_set_tid_address(a[0])),
    call!(__NR_getpgid, [Int], |_, a| task::sys_getpgid(i(a[0]))),
    call!(__NR_setpgid, [Int, Int], |_, a| task::sys_setpgid(i(a[0]), i(a[1]))),
    call!(__NR_getsid, [Int], |_, a| task::sys_getsid(i(a[0]))),
    call!(__NR_setsid, [], |_, _| task::sys_setsid()),
    call!(__NR_kill, [Int, Signal], |_, a| signal::sys_kill(i(a[0]), i(a[1]))),
    call!(__NR_tgkill, [Int, Int, Signal], |_, a| signal::sys_tgkill(i(a[0]), i(a[1]), i(a[2]))),
    call!(__NR_tkill, [Int, Signal], |_, a| signal::sys_tkill(i(a[0]), i(a[1]))),
    call!(__NR_rt_sigaction, [Signal, Sigaction, OutSigaction, Ulong], |_, a| signal::sys_rt_sigaction(i(a[0]), UserPtr::new(a[1]), UserPtr::new(a[2]), a[3])),
    call!(__NR_rt_sigprocmask, [Enum(&f::SIG_HOW), Sigset(3), OutSigset(3), Ulong], |_, a| signal::sys_rt_sigprocmask(i(a[0]), UserPtr::new(a[1]), UserPtr::new(a[2]), a[3])),
    call!(__NR_rt_sigpending, [OutSigset(1), Ulong], |_, a| signal::sys_rt_sigpending(UserSlice::new(a[0], a[1]))),
    call!(__NR_rt_sigsuspend, [Sigset(1), Ulong], |_, a| signal::sys_rt_sigsuspend(UserPtr::new(a[0]), a[1])),
    call!(__NR_rt_sigtimedwait, |_, a| signal::sys_rt_sigtimedwait(UserPtr::new(a[0]), UserPtr::new(a[1]), UserPtr::new(a[2]), a[3])),
    call!(__NR_rt_sigqueueinfo, |_, a| signal::sys_rt_sigqueueinfo(i(a[0]), i(a[1]), UserPtr::new(a[2]))),
    call!(__NR_rt_tgsigqueueinfo, |_, a| signal::sys_rt_tgsigqueueinfo(i(a[0]), i(a[1]), i(a[2]), UserPtr::new(a[3]))),
    call!(__NR_process_vm_readv, |_, a| process_vm::sys_process_vm_rw(i(a[0]), UserPtr::new(a[1]), i(a[2]), UserPtr::new(a[3]), i(a[4]), a[5], Direction::Read)),
    call!(__NR_process_vm_writev, |_, a| process_vm::sys_process_vm_rw(i(a[0]), UserPtr::new(a[1]), i(a[2]), UserPtr::new(a[3]), i(a[4]), a[5], Direction::Write)),
    call!(__NR_pidfd_open, |_, a| pidfd::sys_pidfd_open(i(a[0]), u(a[1]))),
    call!(__NR_pidfd_send_signal, |_, a| pidfd::sys_pidfd_send_signal(i(a[0]), i(a[1]), UserPtr::new(a[2]), u(a[3]))),
    call!(__NR_pidfd_getfd, |_, a| pidfd::sys_pidfd_getfd(i(a[0]), i(a[1]), u(a[2]))),
    call!(__NR_rt_sigreturn, |uctx, _| signal::sys_rt_sigreturn(uctx)),
    call!(__NR_sigaltstack, |uctx, a| signal::sys_sigaltstack(uctx, UserPtr::new(a[0]), UserPtr::new(a[1]))),
    call!(__NR_restart_syscall, |_, _| signal::sys_restart_syscall()).restart(RestartKind::Block),
    call!(__NR_getuid, [], |_, _| Ok(0)),
    call!(__NR_geteuid, [], |_, _| Ok(0)),
    call!(__NR_getgid, [], |_, _| Ok(0)),
    call!(__NR_getegid, [], |_, _| Ok(0)),
    call!(__NR_setuid, [Int], |_, _| Ok(0)),
    call!(__NR_setgid, [Int], |_, _| Ok(0)),
    call!(__NR_setreuid, [Int, Int], |_, _| Ok(0)),
    call!(__NR_setregid, [Int, Int], |_, _| Ok(0)),
    call!(__NR_getresuid, [OutInt, OutInt, OutInt], |_, a| misc::sys_getresid(UserPtr::new(a[0]), UserPtr::new(a[1]), UserPtr::new(a[2]))),
    call!(__NR_getresgid, [OutInt, OutInt, OutInt], |_, a| misc::sys_getresid(UserPtr::new(a[0]), UserPtr::new(a[1]), UserPtr::new(a[2]))),
    call!(__NR_getgroups, [Int, OutGroups], |_, a| misc::sys_getgroups(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_futex, [Ptr, FutexOp, Uint, FutexRest], |_, a| futex::sys_futex(a[0], u(a[1]), u(a[2]), a[3], a[4], u(a[5]))).argc(futex_argc).restart_by(futex_restart),
    call!(__NR_set_robust_list, [Ptr, Ulong], |_, a| futex::sys_set_robust_list(a[0], a[1])),
    call!(__NR_get_robust_list, |_, a| futex::sys_get_robust_list(i(a[0]), UserPtr::new(a[1]), UserPtr::new(a[2]))),
    call!(__NR_rseq, [Ptr, Hex, Int, Hex], |_, a| rseq::sys_rseq(a[0], u(a[1]), i(a[2]), u(a[3]))),
    call!(__NR_setitimer, |_, a| itimer::sys_setitimer(i(a[0]), UserPtr::new(a[1]), UserPtr::new(a[2]))),
    call!(__NR_getitimer, |_, a| itimer::sys_getitimer(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_clock_gettime, [Enum(&f::CLOCK), OutTimespec], |_, a| time::sys_clock_gettime(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_clock_getres, [Enum(&f::CLOCK), OutTimespec], |_, a| time::sys_clock_getres(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_gettimeofday, [OutTimeval, Ptr], |_, a| time::sys_gettimeofday(UserPtr::new(a[0]), UserPtr::new(a[1]))),
    call!(__NR_nanosleep, [Timespec, Ptr], |_, a| time::sys_nanosleep(UserPtr::new(a[0]), UserPtr::new(a[1]))).restart(RestartKind::Block),
    call!(__NR_clock_nanosleep, [Enum(&f::CLOCK), Flags(&f::TIMER), Timespec, Ptr], |_, a| time::sys_clock_nanosleep(i(a[0]), u(a[1]), UserPtr::new(a[2]), UserPtr::new(a[3]))).restart_by(clock_nanosleep_restart),
    call!(__NR_getrandom, [OutHex, Ulong, Flags(&f::GRND)], |_, a| misc::sys_getrandom(UserSlice::new(a[0], a[1]), u(a[2]))),
    call!(__NR_uname, [OutUtsname], |_, a| misc::sys_uname(UserPtr::new(a[0]))),
    call!(__NR_prctl, [Enum(&PRCTL), PrctlValue, PrctlRest, PrctlRest, PrctlRest], |_, a| prctl::sys_prctl(i(a[0]), a[1], a[2], a[3], a[4])).argc(prctl_argc).ret(Ret::Prctl),
    call!(__NR_sysinfo, [OutSysinfo], |_, a| misc::sys_sysinfo(UserPtr::new(a[0]))),
    call!(__NR_epoll_create1, |_, a| epoll::sys_epoll_create1(u(a[0]))),
    call!(__NR_epoll_ctl, |_, a| epoll::sys_epoll_ctl(i(a[0]), u(a[1]), i(a[2]), UserPtr::new(a[3]))),
    call!(__NR_epoll_pwait, |_, a| epoll::sys_epoll_pwait(i(a[0]), UserPtr::new(a[1]), i(a[2]), i(a[3]), UserPtr::new(a[4]), a[5])),
    call!(__NR_epoll_pwait2, |_, a| epoll::sys_epoll_pwait2(i(a[0]), UserPtr::new(a[1]), i(a[2]), UserPtr::new(a[3]), UserPtr::new(a[4]), a[5])),
    call!(__NR_ppoll, [PollFds(1), Uint, Timespec, Sigset(4), Ulong], |_, a| poll::sys_ppoll(UserPtr::new(a[0]), a[1], UserPtr::new(a[2]), UserPtr::new(a[3]), a[4])).ret(Ret::Ppoll).restart(RestartKind::NoHand),
    call!(__NR_pselect6, [Int, FdSet(0), FdSet(0), FdSet(0), Timespec, PselectSigmask], |_, a| poll::sys_pselect6(i(a[0]), UserPtr::new(a[1]), UserPtr::new(a[2]), UserPtr::new(a[3]), UserPtr::new(a[4]), UserPtr::new(a[5]))).ret(Ret::Pselect),
    call!(__NR_prlimit64, [Int, Enum(&f::RLIMIT), Rlimit, OutRlimit], |_, a| misc::sys_prlimit64(i(a[0]), u(a[1]), UserPtr::new(a[2]), UserPtr::new(a[3]))),
    call!(__NR_getrlimit, [Enum(&f::RLIMIT), OutRlimit], |_, a| misc::sys_prlimit64(0, u(a[0]), UserPtr::new(0), UserPtr::new(a[1]))),
    call!(__NR_setrlimit, [Enum(&f::RLIMIT), Rlimit], |_, a| misc::sys_prlimit64(0, u(a[0]), UserPtr::new(a[1]), UserPtr::new(0))),
    call!(__NR_sched_yield, [], |_, _| misc::sys_sched_yield()),
    call!(__NR_getrusage, [Int, OutRusage], |_, a| cputime::sys_getrusage(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_times, [Ptr], |_, a| cputime::sys_times(UserPtr::new(a[0]))),
    call!(__NR_sched_setaffinity, [Int, Uint, Ptr], |_, a| sched::sys_sched_setaffinity(i(a[0]), UserSlice::new(a[2], u(a[1]) as usize))),
    call!(__NR_sched_getaffinity, [Int, Uint, Ptr], |_, a| sched::sys_sched_getaffinity(i(a[0]), UserSlice::new(a[2], u(a[1]) as usize))),
    call!(__NR_getcpu, [Ptr, Ptr, Ptr], |_, a| sched::sys_getcpu(UserPtr::new(a[0]), UserPtr::new(a[1]))),
    call!(__NR_sched_get_priority_max, [Int], |_, a| sched::sys_sched_get_priority_max(i(a[0]))),
    call!(__NR_sched_get_priority_min, [Int], |_, a| sched::sys_sched_get_priority_min(i(a[0]))),
    call!(__NR_sched_setscheduler, [Int, Int, Ptr], |_, a| sched::sys_sched_setscheduler(i(a[0]), i(a[1]), UserPtr::new(a[2]))),
    call!(__NR_sched_getscheduler, [Int], |_, a| sched::sys_sched_getscheduler(i(a[0]))),
    call!(__NR_sched_setparam, [Int, Ptr], |_, a| sched::sys_sched_setparam(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_sched_getparam, [Int, Ptr], |_, a| sched::sys_sched_getparam(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_sched_rr_get_interval, [Int, Ptr], |_, a| sched::sys_sched_rr_get_interval(i(a[0]), UserPtr::new(a[1]))),
    call!(__NR_getpriority, [Int, Int], |_, a| sched::sys_getpriority(i(a[0]), i(a[1]))),
    call!(__NR_setpriority, [Int, Int, Int], |_, a| sched::sys_setpriority(i(a[0]), i(a[1]), i(a[2]))),
    call!(__NR_membarrier, [Int, Hex, Int], |_, a| sched::sys_membarrier(i(a[0]), u(a[1]), i(a[2]))),
    call!(__NR_shmget, [IpcKey, Ulong, IpcGet], |_, a| sysv::sys_shmget(i(a[0]), a[1], i(a[2]))),
    call!(__NR_shmat, [Int, Ptr, Flags(&ipc::SHMAT)], |_, a| sysv::sys_shmat(i(a[0]), a[1], i(a[2]))).ret(Ret::Hex),
    call!(__NR_shmdt, [Ptr], |_, a| sysv::sys_shmdt(a[0])),
    call!(__NR_shmctl, [Int, Enum(&ipc::SHMCTL), IpcCtl(ipc::Family::Shm)], |_, a| sysv::sys_shmctl(i(a[0]), i(a[1]), a[2])),
    call!(__NR_semget, [IpcKey, Int, IpcGet], |_, a| sysv::sys_semget(i(a[0]), i(a[1]), i(a[2]))),
    call!(__NR_semop, [Int, Sembufs(2), Uint], |_, a| sysv::sys_semop(i(a[0]), UserPtr::new(a[1]), u(a[2]))),
    call!(__NR_semtimedop, [Int, Sembufs(2), Uint, Timespec], |_, a| sysv::sys_semtimedop(i(a[0]), UserPtr::new(a[1]), u(a[2]), UserPtr::new(a[3]))),
    call!(__NR_semctl, [Int, Int, Enum(&ipc::SEMCTL), IpcCtl(ipc::Family::Sem)], |_, a| sysv::sys_semctl(i(a[0]), i(a[1]), i(a[2]), a[3])),
    call!(__NR_msgget, [IpcKey, IpcGet], |_, a| sysv::sys_msgget(i(a[0]), i(a[1]))),
    call!(__NR_msgsnd, [Int, MsgIn(2), Ulong, Flags(&ipc::MSG)], |_, a| sysv::sys_msgsnd(i(a[0]), UserPtr::new(a[1]), a[2], i(a[3]))).restart(RestartKind::NoHand),
    call!(__NR_msgrcv, [Int, MsgOut, Ulong, Long, Flags(&ipc::MSG)], |_, a| sysv::sys_msgrcv(i(a[0]), UserPtr::new(a[1]), a[2], a[3] as i64, i(a[4]))).restart(RestartKind::NoHand),
    call!(__NR_msgctl, [Int, Enum(&ipc::MSGCTL), IpcCtl(ipc::Family::Msg)], |_, a| sysv::sys_msgctl(i(a[0]), i(a[1]), a[2])),
];

/// fcntl sleeps (and restarts) only for a blocking lock.
fn fcntl_restart(a: &[usize; 6]) -> Option<RestartKind> {
    matches!(a[1] as u32, F_SETLKW | F_OFD_SETLKW).then_some(RestartKind::Sys)
}

/// A futex wait with a timeout resumes with what is left of it.
fn futex_restart(a: &[usize; 6]) -> Option<RestartKind> {
    Some(if a[3] == 0 {
        RestartKind::Sys
    } else {
        RestartKind::Block
    })
}

/// An absolute sleep restarts as it was; a relative one with what is left.
fn clock_nanosleep_restart(a: &[usize; 6]) -> Option<RestartKind> {
    Some(if a[1] as u32 & TIMER_ABSTIME != 0 {
        RestartKind::NoHand
    } else {
        RestartKind::Block
    })
}
