//! How each syscall is shown: its arguments' kinds and its result's form,
//! by name (the names come from the per-arch number tables, so one table
//! serves every architecture). A call missing here is shown with six raw
//! arguments.

use super::args::Arg::{self, *};
use super::calls::{self, fcntl_argc, futex_argc, mremap_argc, open_argc, openat_argc, prctl_argc};
use super::flags as f;
use super::ipc;

/// How a result is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ret {
    /// Signed decimal.
    Int,
    /// Hex (addresses: brk, mmap).
    Hex,
    /// `022` (umask).
    Octal,
    /// `0`: execve's success, whatever register the new program starts with.
    Exec,
    /// `?`: the call does not return (exit); the line is printed before it.
    NoReturn,
    /// fcntl's F_GETFD/F_GETFL results with their flags spelled out.
    Fcntl,
    /// PR_GET_DUMPABLE's `1 (SUID_DUMP_USER)`.
    Prctl,
    /// The ready fds after the count (`0 (Timeout)`), and for ppoll and
    /// pselect6 the time left.
    Poll,
    Ppoll,
    Select,
    Pselect,
}

pub struct Spec {
    pub name: &'static str,
    pub args: &'static [Arg],
    pub ret: Ret,
    /// The number of arguments shown, when it depends on their values.
    pub argc: Option<fn(&[usize; 6]) -> usize>,
}

impl Spec {
    const fn ret(self, ret: Ret) -> Self {
        Self { ret, ..self }
    }

    const fn argc(self, argc: fn(&[usize; 6]) -> usize) -> Self {
        Self {
            argc: Some(argc),
            ..self
        }
    }

    /// How many arguments this call shows.
    pub fn count(&self, a: &[usize; 6]) -> usize {
        self.argc
            .map_or(self.args.len(), |f| f(a))
            .min(self.args.len())
    }
}

const fn s(name: &'static str, args: &'static [Arg]) -> Spec {
    Spec {
        name,
        args,
        ret: Ret::Int,
        argc: None,
    }
}

const OPEN: Arg = Flags(&f::OPEN);
const AT: Arg = Flags(&f::AT);

static SPECS: &[Spec] = &[
    // files: data
    s("read", &[Fd, OutBuf, Ulong]),
    s("write", &[Fd, InBuf(2), Ulong]),
    s("pread64", &[Fd, OutBuf, Ulong, Long]),
    s("pwrite64", &[Fd, InBuf(2), Ulong, Long]),
    s("readv", &[Fd, OutIov(2), Uint]),
    s("writev", &[Fd, InIov(2), Uint]),
    s("lseek", &[Fd, Long, Enum(&f::SEEK)]),
    s("getdents64", &[Fd, OutDirents, Ulong]),
    s("ioctl", &[Fd, Enum(&f::IOCTL), Ptr]),
    s("fcntl", &[Fd, Enum(&f::FCNTL), FcntlValue])
        .argc(fcntl_argc)
        .ret(Ret::Fcntl),
    s("ftruncate", &[Fd, Long]),
    s("truncate", &[Path, Long]),
    s("fsync", &[Fd]),
    s("fdatasync", &[Fd]),
    s("fadvise64", &[Fd, Long, Long, Enum(&f::FADV)]),
    s("statfs", &[Path, Ptr]),
    s("fstatfs", &[Fd, Ptr]),
    s("getpeername", &[Fd, Ptr, InInt]),
    s("getsockname", &[Fd, Ptr, InInt]),
    // files: descriptors
    s("openat", &[DirFd, Path, OPEN, Mode]).argc(openat_argc),
    s("open", &[Path, OPEN, Mode]).argc(open_argc),
    s("creat", &[Path, Mode]),
    s("close", &[Fd]),
    s("close_range", &[Uint, Uint, Flags(&f::CLOSE_RANGE)]),
    s("dup", &[Fd]),
    s("dup2", &[Fd, Fd]),
    s("dup3", &[Fd, Fd, Flags(&f::FD_OPEN)]),
    s("pipe", &[OutFds]),
    s("pipe2", &[OutFds, Flags(&f::FD_OPEN)]),
    // files: names and metadata
    s("fstat", &[Fd, OutStat]),
    s("stat", &[Path, OutStat]),
    s("lstat", &[Path, OutStat]),
    s("newfstatat", &[DirFd, Path, OutStat, AT]),
    s(
        "statx",
        &[
            DirFd,
            Path,
            Flags(&f::AT_STATX),
            Flags(&f::STATX_MASK),
            OutStatx,
        ],
    ),
    s("faccessat", &[DirFd, Path, Flags(&f::ACCESS)]),
    s(
        "faccessat2",
        &[DirFd, Path, Flags(&f::ACCESS), Flags(&f::AT_ACCESS)],
    ),
    s("access", &[Path, Flags(&f::ACCESS)]),
    s("mkdirat", &[DirFd, Path, Mode]),
    s("mkdir", &[Path, Mode]),
    s("unlinkat", &[DirFd, Path, AT]),
    s("unlink", &[Path]),
    s("rmdir", &[Path]),
    s("renameat2", &[DirFd, Path, DirFd, Path, Flags(&f::RENAME)]),
    s("renameat", &[DirFd, Path, DirFd, Path]),
    s("rename", &[Path, Path]),
    s("linkat", &[DirFd, Path, DirFd, Path, AT]),
    s("link", &[Path, Path]),
    s("symlinkat", &[Path, DirFd, Path]),
    s("symlink", &[Path, Path]),
    s("readlinkat", &[DirFd, Path, OutBuf, Ulong]),
    s("readlink", &[Path, OutBuf, Ulong]),
    s("fchmodat", &[DirFd, Path, Mode]),
    s("chmod", &[Path, Mode]),
    s("fchmod", &[Fd, Mode]),
    s("getcwd", &[OutPath, Ulong]),
    s("chdir", &[Path]),
    s("fchdir", &[Fd]),
    s("umask", &[Mode]).ret(Ret::Octal),
    // memory
    s("brk", &[Ptr]).ret(Ret::Hex),
    s(
        "mmap",
        &[Ptr, Ulong, Flags(&f::PROT), Flags(&f::MAP), Fd, Hex],
    )
    .ret(Ret::Hex),
    s("munmap", &[Ptr, Ulong]),
    s("mprotect", &[Ptr, Ulong, Flags(&f::PROT)]),
    s("mremap", &[Ptr, Ulong, Ulong, Flags(&f::MREMAP), Ptr])
        .argc(mremap_argc)
        .ret(Ret::Hex),
    s("madvise", &[Ptr, Ulong, Enum(&f::MADV)]),
    s("msync", &[Ptr, Ulong, Flags(&f::MS)]),
    // processes
    s("clone", &[Clone]),
    s("clone3", &[CloneArgs, Ulong]),
    s("fork", &[]),
    s("vfork", &[]),
    s("execve", &[Path, Argv, Envp]).ret(Ret::Exec),
    s("exit", &[Int]).ret(Ret::NoReturn),
    s("exit_group", &[Int]).ret(Ret::NoReturn),
    s("wait4", &[Int, OutWaitStatus, Flags(&f::WAIT), OutRusage]),
    s("getpid", &[]),
    s("getppid", &[]),
    s("gettid", &[]),
    s("getuid", &[]),
    s("geteuid", &[]),
    s("getgid", &[]),
    s("getegid", &[]),
    s("setuid", &[Int]),
    s("setgid", &[Int]),
    s("setreuid", &[Int, Int]),
    s("setregid", &[Int, Int]),
    s("getresuid", &[OutInt, OutInt, OutInt]),
    s("getresgid", &[OutInt, OutInt, OutInt]),
    s("getgroups", &[Int, OutGroups]),
    s("getpgid", &[Int]),
    s("setpgid", &[Int, Int]),
    s("getpgrp", &[]),
    s("getsid", &[Int]),
    s("setsid", &[]),
    s("set_tid_address", &[Ptr]),
    s("set_robust_list", &[Ptr, Ulong]),
    s("rseq", &[Ptr, Hex, Int, Hex]),
    s("arch_prctl", &[Enum(&super::arch::ARCH_PRCTL), Ptr]),
    s("prlimit64", &[Int, Enum(&f::RLIMIT), Rlimit, OutRlimit]),
    s("getrlimit", &[Enum(&f::RLIMIT), OutRlimit]),
    s("setrlimit", &[Enum(&f::RLIMIT), Rlimit]),
    s("sched_yield", &[]),
    s("getrusage", &[Int, OutRusage]),
    s("times", &[Ptr]),
    s("sched_setaffinity", &[Int, Uint, Ptr]),
    s("sched_getaffinity", &[Int, Uint, Ptr]),
    s("getcpu", &[Ptr, Ptr, Ptr]),
    s("sched_get_priority_max", &[Int]),
    s("sched_get_priority_min", &[Int]),
    s("sched_setscheduler", &[Int, Int, Ptr]),
    s("sched_getscheduler", &[Int]),
    s("sched_setparam", &[Int, Ptr]),
    s("sched_getparam", &[Int, Ptr]),
    s("sched_rr_get_interval", &[Int, Ptr]),
    s("getpriority", &[Int, Int]),
    s("setpriority", &[Int, Int, Int]),
    s("membarrier", &[Int, Hex, Int]),
    s(
        "prctl",
        &[
            Enum(&calls::PRCTL),
            PrctlValue,
            PrctlRest,
            PrctlRest,
            PrctlRest,
        ],
    )
    .argc(prctl_argc)
    .ret(Ret::Prctl),
    // signals
    s("kill", &[Int, Signal]),
    s("tkill", &[Int, Signal]),
    s("tgkill", &[Int, Int, Signal]),
    s("rt_sigaction", &[Signal, Sigaction, OutSigaction, Ulong]),
    s(
        "rt_sigprocmask",
        &[Enum(&f::SIG_HOW), Sigset(3), OutSigset(3), Ulong],
    ),
    s("rt_sigpending", &[OutSigset(1), Ulong]),
    s("rt_sigsuspend", &[Sigset(1), Ulong]),
    // readiness
    s("poll", &[PollFds(1), Uint, Int]).ret(Ret::Poll),
    s("ppoll", &[PollFds(1), Uint, Timespec, Sigset(4), Ulong]).ret(Ret::Ppoll),
    s("select", &[Int, FdSet(0), FdSet(0), FdSet(0), Timeval]).ret(Ret::Select),
    s(
        "pselect6",
        &[Int, FdSet(0), FdSet(0), FdSet(0), Timespec, PselectSigmask],
    )
    .ret(Ret::Pselect),
    // time, futex, misc
    s("clock_gettime", &[Enum(&f::CLOCK), OutTimespec]),
    s("clock_getres", &[Enum(&f::CLOCK), OutTimespec]),
    s(
        "clock_nanosleep",
        &[Enum(&f::CLOCK), Flags(&f::TIMER), Timespec, Ptr],
    ),
    s("nanosleep", &[Timespec, Ptr]),
    s("gettimeofday", &[OutTimeval, Ptr]),
    s("futex", &[Ptr, FutexOp, Uint, FutexRest]).argc(futex_argc),
    // System V IPC
    s("shmget", &[IpcKey, Ulong, IpcGet]),
    s("shmat", &[Int, Ptr, Flags(&ipc::SHMAT)]).ret(Ret::Hex),
    s("shmdt", &[Ptr]),
    s(
        "shmctl",
        &[Int, Enum(&ipc::SHMCTL), IpcCtl(ipc::Family::Shm)],
    ),
    s("semget", &[IpcKey, Int, IpcGet]),
    s("semop", &[Int, Sembufs(2), Uint]),
    s("semtimedop", &[Int, Sembufs(2), Uint, Timespec]),
    s(
        "semctl",
        &[Int, Int, Enum(&ipc::SEMCTL), IpcCtl(ipc::Family::Sem)],
    ),
    s("msgget", &[IpcKey, IpcGet]),
    s("msgsnd", &[Int, MsgIn(2), Ulong, Flags(&ipc::MSG)]),
    s("msgrcv", &[Int, MsgOut, Ulong, Long, Flags(&ipc::MSG)]),
    s(
        "msgctl",
        &[Int, Enum(&ipc::MSGCTL), IpcCtl(ipc::Family::Msg)],
    ),
    s("getrandom", &[OutHex, Ulong, Flags(&f::GRND)]),
    s("uname", &[OutUtsname]),
    s("sysinfo", &[OutSysinfo]),
    s("sethostname", &[Str, Ulong]),
];

/// The spec of the syscall called `name`.
pub fn find(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}
