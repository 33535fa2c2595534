//! Syscall dispatch. Numbers come from linux-raw-sys's per-architecture
//! tables; the calls only one architecture has (x86_64's pre-*at family,
//! fork, arch_prctl, ...) are in that architecture's `arch` table.

use axhal::uspace::UserContext;
use linux_raw_sys::general as nr;

use crate::errno::{Errno, SysResult, encode};
use crate::signal::{RestartKind, SyscallRestart};
use crate::sys::{
    cputime, fs, futex, ipc, itimer, misc, mm, net, pidfd, poll, prctl, rseq, sched, signal, task,
    time,
};

/// Handles the syscall the user context trapped with, writing the result.
/// A call that a signal interrupted comes back with how to restart it.
pub fn handle(uctx: &mut UserContext) -> Option<SyscallRestart> {
    let sysno = uctx.sysno();
    let a = [
        uctx.arg0(),
        uctx.arg1(),
        uctx.arg2(),
        uctx.arg3(),
        uctx.arg4(),
        uctx.arg5(),
    ];
    let trace = if crate::strace::enabled() {
        crate::strace::enter(sysno, &a)
    } else {
        None
    };
    let result = dispatch(uctx, sysno, a);
    if let Some(call) = trace {
        call.exit(&result);
    }
    // execve replaced the whole context: its "return value" is the new
    // program's first argument register, which must stay as set.
    if !(sysno == nr::__NR_execve as usize && result.is_ok()) {
        uctx.set_retval(encode(result));
    }
    let kind = if result == Err(Errno::EINTR) {
        restart_kind(sysno, &a)?
    } else {
        return None;
    };
    Some(SyscallRestart {
        kind,
        sysno,
        arg0: a[0],
    })
}

/// How a call that failed with EINTR goes on when the signal that
/// interrupted it is handled (Linux's ERESTARTSYS and friends); None: the
/// EINTR stands (rt_sigtimedwait, and calls that never block).
fn restart_kind(sysno: usize, a: &[usize; 6]) -> Option<RestartKind> {
    use RestartKind::*;
    match sysno as u32 {
        nr::__NR_read
        | nr::__NR_write
        | nr::__NR_readv
        | nr::__NR_writev
        | nr::__NR_pread64
        | nr::__NR_pwrite64
        | nr::__NR_openat
        | nr::__NR_ioctl
        | nr::__NR_wait4
        | nr::__NR_flock
        | nr::__NR_waitid => Some(Sys),
        nr::__NR_fcntl
            if matches!(
                a[1] as u32,
                linux_raw_sys::general::F_SETLKW | linux_raw_sys::general::F_OFD_SETLKW
            ) =>
        {
            Some(Sys)
        }
        // A wait with a timeout resumes with what is left of it.
        nr::__NR_futex if a[3] == 0 => Some(Sys),
        // msgsnd and msgrcv restart only when no handler ran; semop and
        // semtimedop never restart (their EINTR stands, as on Linux).
        nr::__NR_rt_sigsuspend
        | nr::__NR_ppoll
        | nr::__NR_pselect6
        | nr::__NR_epoll_pwait
        | nr::__NR_msgsnd
        | nr::__NR_msgrcv => Some(NoHand),
        nr::__NR_clock_nanosleep if a[1] as u32 & linux_raw_sys::general::TIMER_ABSTIME != 0 => {
            Some(NoHand)
        }
        nr::__NR_nanosleep
        | nr::__NR_clock_nanosleep
        | nr::__NR_futex
        | nr::__NR_restart_syscall => Some(Block),
        _ => crate::arch::restart_kind(sysno),
    }
}

fn dispatch(uctx: &mut UserContext, sysno: usize, a: [usize; 6]) -> SysResult {
    let (i, u) = (|x: usize| x as i32, |x: usize| x as u32);
    match sysno as u32 {
        nr::__NR_read => fs::sys_read(i(a[0]), a[1], a[2]),
        nr::__NR_write => fs::sys_write(i(a[0]), a[1], a[2]),
        nr::__NR_readv => fs::sys_readv(i(a[0]), a[1], i(a[2])),
        nr::__NR_writev => fs::sys_writev(i(a[0]), a[1], i(a[2])),
        nr::__NR_pread64 => fs::sys_pread64(i(a[0]), a[1], a[2], a[3] as i64),
        nr::__NR_pwrite64 => fs::sys_pwrite64(i(a[0]), a[1], a[2], a[3] as i64),
        nr::__NR_sendfile => fs::sys_sendfile(i(a[0]), i(a[1]), a[2], a[3]),
        nr::__NR_openat => fs::sys_openat(i(a[0]), a[1], u(a[2]), u(a[3])),
        nr::__NR_close => fs::sys_close(i(a[0])),
        nr::__NR_close_range => fs::sys_close_range(u(a[0]), u(a[1]), u(a[2])),
        nr::__NR_lseek => fs::sys_lseek(i(a[0]), a[1] as i64, u(a[2])),
        nr::__NR_fstat => fs::sys_fstat(i(a[0]), a[1]),
        nr::__NR_statfs => fs::sys_statfs(a[0], a[1]),
        nr::__NR_getpeername | nr::__NR_getsockname => net::sys_socket_name(i(a[0])),
        nr::__NR_fstatfs => fs::sys_fstatfs(i(a[0]), a[1]),
        nr::__NR_newfstatat => fs::sys_newfstatat(i(a[0]), a[1], a[2], u(a[3])),
        nr::__NR_statx => fs::sys_statx(i(a[0]), a[1], u(a[2]), u(a[3]), a[4]),
        nr::__NR_getdents64 => fs::sys_getdents64(i(a[0]), a[1], a[2]),
        nr::__NR_mkdirat => fs::sys_mkdirat(i(a[0]), a[1], u(a[2])),
        nr::__NR_unlinkat => fs::sys_unlinkat(i(a[0]), a[1], u(a[2])),
        nr::__NR_renameat2 => fs::sys_renameat2(i(a[0]), a[1], i(a[2]), a[3], u(a[4])),
        nr::__NR_linkat => fs::sys_linkat(i(a[0]), a[1], i(a[2]), a[3], u(a[4])),
        nr::__NR_symlinkat => fs::sys_symlinkat(a[0], i(a[1]), a[2]),
        nr::__NR_readlinkat => fs::sys_readlinkat(i(a[0]), a[1], a[2], a[3] as isize),
        nr::__NR_faccessat => fs::sys_faccessat(i(a[0]), a[1], u(a[2]), 0),
        nr::__NR_faccessat2 => fs::sys_faccessat(i(a[0]), a[1], u(a[2]), u(a[3])),
        nr::__NR_fchmodat => fs::sys_fchmodat(i(a[0]), a[1], u(a[2])),
        nr::__NR_fchmod => fs::sys_fchmod(i(a[0]), u(a[1])),
        nr::__NR_fchown => fs::sys_fchown(i(a[0]), u(a[1]), u(a[2])),
        nr::__NR_fchownat => fs::sys_fchownat(i(a[0]), a[1], u(a[2]), u(a[3]), u(a[4])),
        nr::__NR_utimensat => fs::sys_utimensat(i(a[0]), a[1], a[2], u(a[3])),
        nr::__NR_fcntl => fs::sys_fcntl(i(a[0]), u(a[1]), a[2]),
        nr::__NR_flock => fs::sys_flock(i(a[0]), u(a[1])),
        nr::__NR_dup => fs::sys_dup(i(a[0])),
        nr::__NR_dup3 => fs::sys_dup3(i(a[0]), i(a[1]), u(a[2])),
        nr::__NR_pipe2 => fs::sys_pipe2(a[0], u(a[1])),
        nr::__NR_ioctl => fs::sys_ioctl(i(a[0]), u(a[1]), a[2]),
        nr::__NR_getcwd => fs::sys_getcwd(a[0], a[1]),
        nr::__NR_chdir => fs::sys_chdir(a[0]),
        nr::__NR_fchdir => fs::sys_fchdir(i(a[0])),
        nr::__NR_umask => fs::sys_umask(u(a[0])),
        nr::__NR_ftruncate => fs::sys_ftruncate(i(a[0]), a[1] as i64),
        nr::__NR_fsync | nr::__NR_fdatasync => fs::sys_fsync(i(a[0])),
        nr::__NR_fadvise64 => fs::sys_fadvise64(i(a[0]), a[1] as i64, a[2] as i64, u(a[3])),
        nr::__NR_brk => mm::sys_brk(a[0]),
        nr::__NR_mmap => mm::sys_mmap(a[0], a[1], u(a[2]), u(a[3]), i(a[4]), a[5] as i64),
        nr::__NR_munmap => mm::sys_munmap(a[0], a[1]),
        nr::__NR_mprotect => mm::sys_mprotect(a[0], a[1], u(a[2])),
        nr::__NR_mremap => mm::sys_mremap(a[0], a[1], a[2], u(a[3]), a[4]),
        nr::__NR_madvise => mm::sys_madvise(a[0], a[1], u(a[2])),
        nr::__NR_msync => mm::sys_msync(a[0], a[1], u(a[2])),
        nr::__NR_mincore => mm::sys_mincore(a[0], a[1], a[2]),
        nr::__NR_mlock => mm::sys_mlock(a[0], a[1]),
        nr::__NR_mlock2 => mm::sys_mlock2(a[0], a[1], u(a[2])),
        nr::__NR_munlock => mm::sys_munlock(a[0], a[1]),
        nr::__NR_mlockall => mm::sys_mlockall(u(a[0])),
        nr::__NR_munlockall => mm::sys_munlockall(),
        nr::__NR_clone => crate::arch::sys_clone(uctx, a),
        nr::__NR_clone3 => task::sys_clone3(uctx, a[0], a[1]),
        nr::__NR_execve => task::sys_execve(uctx, a[0], a[1], a[2]),
        nr::__NR_exit => task::sys_exit(i(a[0])),
        nr::__NR_exit_group => task::sys_exit_group(i(a[0])),
        nr::__NR_wait4 => task::sys_wait4(i(a[0]), a[1], u(a[2]), a[3]),
        nr::__NR_waitid => task::sys_waitid(i(a[0]), i(a[1]), a[2], u(a[3]), a[4]),
        nr::__NR_getpid => task::sys_getpid(),
        nr::__NR_getppid => task::sys_getppid(),
        nr::__NR_gettid => task::sys_gettid(),
        nr::__NR_set_tid_address => task::sys_set_tid_address(a[0]),
        nr::__NR_getpgid => task::sys_getpgid(i(a[0])),
        nr::__NR_setpgid => task::sys_setpgid(i(a[0]), i(a[1])),
        nr::__NR_getsid => task::sys_getsid(i(a[0])),
        nr::__NR_setsid => task::sys_setsid(),
        nr::__NR_kill => signal::sys_kill(i(a[0]), i(a[1])),
        nr::__NR_tgkill => signal::sys_tgkill(i(a[0]), i(a[1]), i(a[2])),
        nr::__NR_tkill => signal::sys_tkill(i(a[0]), i(a[1])),
        nr::__NR_rt_sigaction => signal::sys_rt_sigaction(i(a[0]), a[1], a[2], a[3]),
        nr::__NR_rt_sigprocmask => signal::sys_rt_sigprocmask(i(a[0]), a[1], a[2], a[3]),
        nr::__NR_rt_sigpending => signal::sys_rt_sigpending(a[0], a[1]),
        nr::__NR_rt_sigsuspend => signal::sys_rt_sigsuspend(a[0], a[1]),
        nr::__NR_rt_sigtimedwait => signal::sys_rt_sigtimedwait(a[0], a[1], a[2], a[3]),
        nr::__NR_rt_sigqueueinfo => signal::sys_rt_sigqueueinfo(i(a[0]), i(a[1]), a[2]),
        nr::__NR_rt_tgsigqueueinfo => {
            signal::sys_rt_tgsigqueueinfo(i(a[0]), i(a[1]), i(a[2]), a[3])
        }
        nr::__NR_pidfd_open => pidfd::sys_pidfd_open(i(a[0]), u(a[1])),
        nr::__NR_pidfd_send_signal => pidfd::sys_pidfd_send_signal(i(a[0]), i(a[1]), a[2], u(a[3])),
        nr::__NR_pidfd_getfd => pidfd::sys_pidfd_getfd(i(a[0]), i(a[1]), u(a[2])),
        nr::__NR_rt_sigreturn => signal::sys_rt_sigreturn(uctx),
        nr::__NR_sigaltstack => signal::sys_sigaltstack(uctx, a[0], a[1]),
        nr::__NR_restart_syscall => signal::sys_restart_syscall(),
        nr::__NR_getuid | nr::__NR_geteuid | nr::__NR_getgid | nr::__NR_getegid => Ok(0),
        nr::__NR_setuid | nr::__NR_setgid | nr::__NR_setreuid | nr::__NR_setregid => Ok(0),
        nr::__NR_getresuid | nr::__NR_getresgid => misc::sys_getresid(a[0], a[1], a[2]),
        nr::__NR_getgroups => misc::sys_getgroups(i(a[0]), a[1]),
        nr::__NR_futex => futex::sys_futex(a[0], u(a[1]), u(a[2]), a[3], a[4], u(a[5])),
        nr::__NR_set_robust_list => futex::sys_set_robust_list(a[0], a[1]),
        nr::__NR_get_robust_list => futex::sys_get_robust_list(i(a[0]), a[1], a[2]),
        nr::__NR_rseq => rseq::sys_rseq(a[0], u(a[1]), i(a[2]), u(a[3])),
        nr::__NR_setitimer => itimer::sys_setitimer(i(a[0]), a[1], a[2]),
        nr::__NR_getitimer => itimer::sys_getitimer(i(a[0]), a[1]),
        nr::__NR_clock_gettime => time::sys_clock_gettime(i(a[0]), a[1]),
        nr::__NR_clock_getres => time::sys_clock_getres(i(a[0]), a[1]),
        nr::__NR_gettimeofday => time::sys_gettimeofday(a[0], a[1]),
        nr::__NR_nanosleep => time::sys_nanosleep(a[0], a[1]),
        nr::__NR_clock_nanosleep => time::sys_clock_nanosleep(i(a[0]), u(a[1]), a[2], a[3]),
        nr::__NR_getrandom => misc::sys_getrandom(a[0], a[1], u(a[2])),
        nr::__NR_uname => misc::sys_uname(a[0]),
        nr::__NR_prctl => prctl::sys_prctl(i(a[0]), a[1], a[2], a[3], a[4]),
        nr::__NR_sysinfo => misc::sys_sysinfo(a[0]),
        nr::__NR_ppoll => poll::sys_ppoll(a[0], a[1], a[2], a[3], a[4]),
        nr::__NR_pselect6 => poll::sys_pselect6(i(a[0]), a[1], a[2], a[3], a[4], a[5]),
        nr::__NR_prlimit64 => misc::sys_prlimit64(i(a[0]), u(a[1]), a[2], a[3]),
        // struct rlimit is struct rlimit64 on 64-bit arches.
        nr::__NR_getrlimit => misc::sys_prlimit64(0, u(a[0]), 0, a[1]),
        nr::__NR_setrlimit => misc::sys_prlimit64(0, u(a[0]), a[1], 0),
        nr::__NR_sched_yield => misc::sys_sched_yield(),
        nr::__NR_getrusage => cputime::sys_getrusage(i(a[0]), a[1]),
        nr::__NR_times => cputime::sys_times(a[0]),
        nr::__NR_sched_setaffinity => sched::sys_sched_setaffinity(i(a[0]), u(a[1]), a[2]),
        nr::__NR_sched_getaffinity => sched::sys_sched_getaffinity(i(a[0]), u(a[1]), a[2]),
        nr::__NR_getcpu => sched::sys_getcpu(a[0], a[1]),
        nr::__NR_sched_get_priority_max => sched::sys_sched_get_priority_max(i(a[0])),
        nr::__NR_sched_get_priority_min => sched::sys_sched_get_priority_min(i(a[0])),
        nr::__NR_sched_setscheduler => sched::sys_sched_setscheduler(i(a[0]), i(a[1]), a[2]),
        nr::__NR_sched_getscheduler => sched::sys_sched_getscheduler(i(a[0])),
        nr::__NR_sched_setparam => sched::sys_sched_setparam(i(a[0]), a[1]),
        nr::__NR_sched_getparam => sched::sys_sched_getparam(i(a[0]), a[1]),
        nr::__NR_sched_rr_get_interval => sched::sys_sched_rr_get_interval(i(a[0]), a[1]),
        nr::__NR_getpriority => sched::sys_getpriority(i(a[0]), i(a[1])),
        nr::__NR_setpriority => sched::sys_setpriority(i(a[0]), i(a[1]), i(a[2])),
        nr::__NR_membarrier => sched::sys_membarrier(i(a[0]), u(a[1]), i(a[2])),
        nr::__NR_shmget => ipc::sys_shmget(i(a[0]), a[1], i(a[2])),
        nr::__NR_shmat => ipc::sys_shmat(i(a[0]), a[1], i(a[2])),
        nr::__NR_shmdt => ipc::sys_shmdt(a[0]),
        nr::__NR_shmctl => ipc::sys_shmctl(i(a[0]), i(a[1]), a[2]),
        nr::__NR_semget => ipc::sys_semget(i(a[0]), i(a[1]), i(a[2])),
        nr::__NR_semop => ipc::sys_semop(i(a[0]), a[1], u(a[2])),
        nr::__NR_semtimedop => ipc::sys_semtimedop(i(a[0]), a[1], u(a[2]), a[3]),
        nr::__NR_semctl => ipc::sys_semctl(i(a[0]), i(a[1]), i(a[2]), a[3]),
        nr::__NR_msgget => ipc::sys_msgget(i(a[0]), i(a[1])),
        nr::__NR_msgsnd => ipc::sys_msgsnd(i(a[0]), a[1], a[2], i(a[3])),
        nr::__NR_msgrcv => ipc::sys_msgrcv(i(a[0]), a[1], a[2], a[3] as i64, i(a[4])),
        nr::__NR_msgctl => ipc::sys_msgctl(i(a[0]), i(a[1]), a[2]),
        _ => crate::arch::dispatch(uctx, sysno, a).unwrap_or_else(|| unimplemented(sysno)),
    }
}

/// ENOSYS, logged once per syscall number.
fn unimplemented(sysno: usize) -> SysResult {
    static SEEN: spin::Mutex<alloc::collections::BTreeSet<usize>> =
        spin::Mutex::new(alloc::collections::BTreeSet::new());
    if SEEN.lock().insert(sysno) {
        log::warn!(
            "unimplemented syscall {sysno} ({}): ENOSYS",
            crate::strace::name(sysno).unwrap_or("?")
        );
    }
    Err(Errno::ENOSYS)
}
