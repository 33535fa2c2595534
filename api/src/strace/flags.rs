//! Symbolic constants as strace prints them: bit sets (`O_WRONLY|O_CREAT`)
//! and enumerations (`SEEK_SET`), one table per argument type, in strace's
//! order. Values come from linux-raw-sys, so each architecture gets its own.

use alloc::string::String;
use core::fmt::Write;

use linux_raw_sys::general as g;
use linux_raw_sys::ioctl as io;

/// `(value, name)` pairs from constants of the same name.
macro_rules! named {
    ($($m:ident :: $c:ident),* $(,)?) => {
        &[$(($m::$c as u64, stringify!($c))),*]
    };
}

/// Names of the values of one argument; unknown values print as
/// `0x5 /* SEEK_??? */`.
pub struct Enum {
    pub items: &'static [(u64, &'static str)],
    pub unknown: &'static str,
}

impl Enum {
    pub fn name(&self, v: u64) -> Option<&'static str> {
        self.items.iter().find(|(x, _)| *x == v).map(|(_, n)| *n)
    }

    pub fn fmt(&self, out: &mut String, v: u64) {
        match self.name(v) {
            Some(n) => out.push_str(n),
            None => unknown(out, v, self.unknown),
        }
    }
}

/// A bit set. An optional leading field (open's access mode, mmap's type)
/// is named first; then every known bit (or group of bits) in table order,
/// then the unknown rest in hex.
pub struct Flags {
    pub field: Option<(u64, &'static Enum)>,
    pub bits: &'static [(u64, &'static str)],
    /// How 0 is shown when there is no field ("0", "PROT_NONE", "F_OK").
    pub zero: &'static str,
    pub unknown: &'static str,
}

impl Flags {
    pub fn fmt(&self, out: &mut String, v: u64) {
        let start = out.len();
        let mut rest = v;
        if let Some((mask, names)) = self.field {
            names.fmt(out, v & mask);
            rest &= !mask;
        } else if v == 0 {
            out.push_str(self.zero);
            return;
        }
        for &(bits, name) in self.bits {
            if bits != 0 && rest & bits == bits {
                sep(out, start);
                out.push_str(name);
                rest &= !bits;
            }
        }
        if rest != 0 {
            if out.len() == start {
                unknown(out, rest, self.unknown);
            } else {
                let _ = write!(out, "|{rest:#x}");
            }
        }
    }
}

fn sep(out: &mut String, start: usize) {
    if out.len() > start {
        out.push('|');
    }
}

fn unknown(out: &mut String, v: u64, what: &str) {
    let _ = write!(out, "{v:#x} /* {what} */");
}

const fn flags(bits: &'static [(u64, &'static str)], unknown: &'static str) -> Flags {
    Flags {
        field: None,
        bits,
        zero: "0",
        unknown,
    }
}

// ---- files --------------------------------------------------------------

static ACCMODE: Enum = Enum {
    items: &[
        (0, "O_RDONLY"),
        (1, "O_WRONLY"),
        (2, "O_RDWR"),
        (3, "O_ACCMODE"),
    ],
    unknown: "O_???",
};

const OPEN_BITS: &[(u64, &str)] = named![
    g::O_CREAT,
    g::O_EXCL,
    g::O_NOCTTY,
    g::O_TRUNC,
    g::O_APPEND,
    g::O_NONBLOCK,
    g::O_SYNC,
    g::O_DSYNC,
    g::O_DIRECT,
    g::O_LARGEFILE,
    g::O_NOFOLLOW,
    g::O_NOATIME,
    g::O_CLOEXEC,
    g::O_PATH,
    g::O_TMPFILE,
    g::O_DIRECTORY,
    g::FASYNC,
];

/// open/openat/F_SETFL/F_GETFL: `O_RDWR|O_CREAT|O_CLOEXEC`.
pub static OPEN: Flags = Flags {
    field: Some((3, &ACCMODE)),
    bits: OPEN_BITS,
    zero: "O_RDONLY",
    unknown: "O_???",
};
/// pipe2/dup3/eventfd-style flags: the open bits without an access mode.
pub static FD_OPEN: Flags = flags(OPEN_BITS, "O_???");
pub static FD: Flags = flags(named![g::FD_CLOEXEC], "FD_???");

pub static AT: Flags = flags(
    named![
        g::AT_SYMLINK_NOFOLLOW,
        g::AT_REMOVEDIR,
        g::AT_SYMLINK_FOLLOW,
        g::AT_NO_AUTOMOUNT,
        g::AT_EMPTY_PATH
    ],
    "AT_???",
);
pub static AT_ACCESS: Flags = flags(
    named![g::AT_SYMLINK_NOFOLLOW, g::AT_EACCESS, g::AT_EMPTY_PATH],
    "AT_???",
);

static STATX_SYNC: Enum = Enum {
    items: &[
        (g::AT_STATX_SYNC_AS_STAT as u64, "AT_STATX_SYNC_AS_STAT"),
        (g::AT_STATX_FORCE_SYNC as u64, "AT_STATX_FORCE_SYNC"),
        (g::AT_STATX_DONT_SYNC as u64, "AT_STATX_DONT_SYNC"),
        (
            (g::AT_STATX_FORCE_SYNC | g::AT_STATX_DONT_SYNC) as u64,
            "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC",
        ),
    ],
    unknown: "AT_STATX_???",
};
/// statx's flags: the sync type first, then the AT_ bits.
pub static AT_STATX: Flags = Flags {
    field: Some((
        (g::AT_STATX_FORCE_SYNC | g::AT_STATX_DONT_SYNC) as u64,
        &STATX_SYNC,
    )),
    bits: named![g::AT_SYMLINK_NOFOLLOW, g::AT_NO_AUTOMOUNT, g::AT_EMPTY_PATH],
    zero: "",
    unknown: "AT_???",
};

pub static STATX_MASK: Flags = flags(
    named![
        g::STATX_ALL,
        g::STATX_BASIC_STATS,
        g::STATX_TYPE,
        g::STATX_MODE,
        g::STATX_NLINK,
        g::STATX_UID,
        g::STATX_GID,
        g::STATX_ATIME,
        g::STATX_MTIME,
        g::STATX_CTIME,
        g::STATX_INO,
        g::STATX_SIZE,
        g::STATX_BLOCKS,
        g::STATX_BTIME,
        g::STATX_MNT_ID,
        g::STATX_DIOALIGN,
    ],
    "STATX_???",
);

pub static STATX_ATTR: Flags = flags(
    named![
        g::STATX_ATTR_COMPRESSED,
        g::STATX_ATTR_IMMUTABLE,
        g::STATX_ATTR_APPEND,
        g::STATX_ATTR_NODUMP,
        g::STATX_ATTR_ENCRYPTED,
        g::STATX_ATTR_AUTOMOUNT,
        g::STATX_ATTR_MOUNT_ROOT,
        g::STATX_ATTR_VERITY,
        g::STATX_ATTR_DAX,
    ],
    "STATX_ATTR_???",
);

pub static ACCESS: Flags = Flags {
    field: None,
    bits: named![g::R_OK, g::W_OK, g::X_OK],
    zero: "F_OK",
    unknown: "?_OK",
};

pub static RENAME: Flags = flags(
    named![g::RENAME_NOREPLACE, g::RENAME_EXCHANGE, g::RENAME_WHITEOUT],
    "RENAME_???",
);
pub static CLOSE_RANGE: Flags = flags(
    &[(2, "CLOSE_RANGE_UNSHARE"), (4, "CLOSE_RANGE_CLOEXEC")],
    "CLOSE_RANGE_???",
);

pub static SEEK: Enum = Enum {
    items: named![
        g::SEEK_SET,
        g::SEEK_CUR,
        g::SEEK_END,
        g::SEEK_DATA,
        g::SEEK_HOLE
    ],
    unknown: "SEEK_???",
};

pub static FCNTL: Enum = Enum {
    items: named![
        g::F_DUPFD,
        g::F_GETFD,
        g::F_SETFD,
        g::F_GETFL,
        g::F_SETFL,
        g::F_GETLK,
        g::F_SETLK,
        g::F_SETLKW,
        g::F_SETOWN,
        g::F_GETOWN,
        g::F_SETSIG,
        g::F_GETSIG,
        g::F_SETOWN_EX,
        g::F_GETOWN_EX,
        g::F_OFD_GETLK,
        g::F_OFD_SETLK,
        g::F_OFD_SETLKW,
        g::F_SETLEASE,
        g::F_GETLEASE,
        g::F_NOTIFY,
        g::F_DUPFD_CLOEXEC,
        g::F_SETPIPE_SZ,
        g::F_GETPIPE_SZ,
        g::F_ADD_SEALS,
        g::F_GET_SEALS,
    ],
    unknown: "F_???",
};

pub static IOCTL: Enum = Enum {
    items: named![
        io::TCGETS,
        io::TCSETS,
        io::TCSETSW,
        io::TCSETSF,
        io::TCFLSH,
        io::TIOCSCTTY,
        io::TIOCGPGRP,
        io::TIOCSPGRP,
        io::TIOCOUTQ,
        io::TIOCGWINSZ,
        io::TIOCSWINSZ,
        io::FIONREAD,
        io::TIOCNOTTY,
        io::TIOCGSID,
        io::FIONBIO,
        io::FIONCLEX,
        io::FIOCLEX,
    ],
    unknown: "_IOC_???",
};

/// File types of `st_mode`.
pub static S_IFMT: Enum = Enum {
    items: named![
        g::S_IFREG,
        g::S_IFDIR,
        g::S_IFCHR,
        g::S_IFBLK,
        g::S_IFIFO,
        g::S_IFLNK,
        g::S_IFSOCK
    ],
    unknown: "S_IF???",
};

// ---- memory -------------------------------------------------------------

pub static PROT: Flags = Flags {
    field: None,
    bits: named![
        g::PROT_READ,
        g::PROT_WRITE,
        g::PROT_EXEC,
        g::PROT_SEM,
        g::PROT_GROWSDOWN,
        g::PROT_GROWSUP
    ],
    zero: "PROT_NONE",
    unknown: "PROT_???",
};

static MAP_TYPE: Enum = Enum {
    items: &[
        (0, "MAP_FILE"),
        (g::MAP_SHARED as u64, "MAP_SHARED"),
        (g::MAP_PRIVATE as u64, "MAP_PRIVATE"),
        (g::MAP_SHARED_VALIDATE as u64, "MAP_SHARED_VALIDATE"),
    ],
    unknown: "MAP_???",
};

pub static MAP: Flags = Flags {
    field: Some((g::MAP_TYPE as u64, &MAP_TYPE)),
    bits: named![
        g::MAP_FIXED,
        g::MAP_ANONYMOUS,
        g::MAP_NORESERVE,
        g::MAP_POPULATE,
        g::MAP_NONBLOCK,
        g::MAP_GROWSDOWN,
        g::MAP_DENYWRITE,
        g::MAP_EXECUTABLE,
        g::MAP_LOCKED,
        g::MAP_STACK,
        g::MAP_HUGETLB,
        g::MAP_SYNC,
        g::MAP_FIXED_NOREPLACE,
        g::MAP_UNINITIALIZED,
    ],
    zero: "",
    unknown: "MAP_???",
};

pub static MS: Flags = flags(named![g::MS_ASYNC, g::MS_SYNC, g::MS_INVALIDATE], "MS_???");

pub static MREMAP: Flags = flags(
    named![g::MREMAP_MAYMOVE, g::MREMAP_FIXED, g::MREMAP_DONTUNMAP],
    "MREMAP_???",
);

pub static MADV: Enum = Enum {
    items: named![
        g::MADV_NORMAL,
        g::MADV_RANDOM,
        g::MADV_SEQUENTIAL,
        g::MADV_WILLNEED,
        g::MADV_DONTNEED,
        g::MADV_FREE,
        g::MADV_REMOVE,
        g::MADV_DONTFORK,
        g::MADV_DOFORK,
        g::MADV_MERGEABLE,
        g::MADV_UNMERGEABLE,
        g::MADV_HUGEPAGE,
        g::MADV_NOHUGEPAGE,
        g::MADV_DONTDUMP,
        g::MADV_DODUMP,
        g::MADV_WIPEONFORK,
        g::MADV_KEEPONFORK,
        g::MADV_COLD,
        g::MADV_PAGEOUT,
        g::MADV_POPULATE_READ,
        g::MADV_POPULATE_WRITE,
        g::MADV_HWPOISON,
    ],
    unknown: "MADV_???",
};

// ---- processes ----------------------------------------------------------

/// clone's flags without the exit signal in the low byte.
pub static CLONE: Flags = flags(
    named![
        g::CLONE_VM,
        g::CLONE_FS,
        g::CLONE_FILES,
        g::CLONE_SIGHAND,
        g::CLONE_PIDFD,
        g::CLONE_PTRACE,
        g::CLONE_VFORK,
        g::CLONE_PARENT,
        g::CLONE_THREAD,
        g::CLONE_NEWNS,
        g::CLONE_SYSVSEM,
        g::CLONE_SETTLS,
        g::CLONE_PARENT_SETTID,
        g::CLONE_CHILD_CLEARTID,
        g::CLONE_DETACHED,
        g::CLONE_UNTRACED,
        g::CLONE_CHILD_SETTID,
        g::CLONE_NEWCGROUP,
        g::CLONE_NEWUTS,
        g::CLONE_NEWIPC,
        g::CLONE_NEWUSER,
        g::CLONE_NEWPID,
        g::CLONE_NEWNET,
        g::CLONE_IO,
        g::CLONE_CLEAR_SIGHAND,
        g::CLONE_INTO_CGROUP,
    ],
    "CLONE_???",
);

pub static WAIT: Flags = flags(
    named![
        g::WNOHANG,
        g::WEXITED,
        g::WSTOPPED,
        g::WCONTINUED,
        g::WNOWAIT,
        g::__WCLONE,
        g::__WALL,
        g::__WNOTHREAD,
    ],
    "W???",
);

pub static RLIMIT: Enum = Enum {
    items: named![
        g::RLIMIT_CPU,
        g::RLIMIT_FSIZE,
        g::RLIMIT_DATA,
        g::RLIMIT_STACK,
        g::RLIMIT_CORE,
        g::RLIMIT_RSS,
        g::RLIMIT_NPROC,
        g::RLIMIT_NOFILE,
        g::RLIMIT_MEMLOCK,
        g::RLIMIT_AS,
        g::RLIMIT_LOCKS,
        g::RLIMIT_SIGPENDING,
        g::RLIMIT_MSGQUEUE,
        g::RLIMIT_NICE,
        g::RLIMIT_RTPRIO,
        g::RLIMIT_RTTIME,
    ],
    unknown: "RLIMIT_???",
};

pub static FADV: Enum = Enum {
    items: named![
        g::POSIX_FADV_NORMAL,
        g::POSIX_FADV_RANDOM,
        g::POSIX_FADV_SEQUENTIAL,
        g::POSIX_FADV_WILLNEED,
        g::POSIX_FADV_DONTNEED,
        g::POSIX_FADV_NOREUSE,
    ],
    unknown: "POSIX_FADV_???",
};

pub static GRND: Flags = flags(
    named![g::GRND_NONBLOCK, g::GRND_RANDOM, g::GRND_INSECURE],
    "GRND_???",
);

// ---- signals ------------------------------------------------------------

pub static SIG_HOW: Enum = Enum {
    items: named![g::SIG_BLOCK, g::SIG_UNBLOCK, g::SIG_SETMASK],
    unknown: "SIG_???",
};

/// sa_flags without SA_RESTORER, which only some architectures have (see
/// `arch::SA_RESTORER`).
pub static SA: Flags = flags(
    named![
        g::SA_ONSTACK,
        g::SA_RESTART,
        g::SA_NODEFER,
        g::SA_RESETHAND,
        g::SA_SIGINFO,
        g::SA_NOCLDSTOP,
        g::SA_NOCLDWAIT,
    ],
    "SA_???",
);

/// Signal names without the SIG prefix, 1..=31 (asm-generic numbering,
/// shared by x86_64 and riscv64).
const SIGNALS: [&str; 31] = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
];

/// `SIGCHLD`, `SIGRTMIN`, `SIGRT_3`; false for a number that is no signal.
pub fn signal(out: &mut String, sig: u64, prefix: bool) -> bool {
    let p = if prefix { "SIG" } else { "" };
    match sig {
        1..=31 => {
            let _ = write!(out, "{p}{}", SIGNALS[sig as usize - 1]);
        }
        32 => {
            let _ = write!(out, "{p}RTMIN");
        }
        33..=64 => {
            let _ = write!(out, "{p}RT_{}", sig - 32);
        }
        _ => return false,
    }
    true
}

// ---- poll ---------------------------------------------------------------

pub static POLL: Flags = flags(
    named![
        g::POLLIN,
        g::POLLPRI,
        g::POLLOUT,
        g::POLLERR,
        g::POLLHUP,
        g::POLLNVAL,
        g::POLLRDNORM,
        g::POLLRDBAND,
        g::POLLWRNORM,
        g::POLLWRBAND,
        g::POLLMSG,
        g::POLLREMOVE,
        g::POLLRDHUP,
    ],
    "POLL???",
);

// ---- time, futex --------------------------------------------------------

pub static CLOCK: Enum = Enum {
    items: named![
        g::CLOCK_REALTIME,
        g::CLOCK_MONOTONIC,
        g::CLOCK_PROCESS_CPUTIME_ID,
        g::CLOCK_THREAD_CPUTIME_ID,
        g::CLOCK_MONOTONIC_RAW,
        g::CLOCK_REALTIME_COARSE,
        g::CLOCK_MONOTONIC_COARSE,
        g::CLOCK_BOOTTIME,
        g::CLOCK_REALTIME_ALARM,
        g::CLOCK_BOOTTIME_ALARM,
        g::CLOCK_SGI_CYCLE,
        g::CLOCK_TAI,
    ],
    unknown: "CLOCK_???",
};

pub static TIMER: Flags = flags(named![g::TIMER_ABSTIME], "TIMER_???");

pub static FUTEX_OP: Enum = Enum {
    items: named![
        g::FUTEX_WAIT,
        g::FUTEX_WAKE,
        g::FUTEX_FD,
        g::FUTEX_REQUEUE,
        g::FUTEX_CMP_REQUEUE,
        g::FUTEX_WAKE_OP,
        g::FUTEX_LOCK_PI,
        g::FUTEX_UNLOCK_PI,
        g::FUTEX_TRYLOCK_PI,
        g::FUTEX_WAIT_BITSET,
        g::FUTEX_WAKE_BITSET,
        g::FUTEX_WAIT_REQUEUE_PI,
        g::FUTEX_CMP_REQUEUE_PI,
        g::FUTEX_LOCK_PI2,
    ],
    unknown: "FUTEX_???",
};

/// `FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME`.
pub fn futex_op(out: &mut String, op: u32) {
    let cmd = op & !(g::FUTEX_CLOCK_REALTIME | g::FUTEX_PRIVATE_FLAG);
    match FUTEX_OP.name(cmd as u64) {
        Some(n) => {
            out.push_str(n);
            if op & g::FUTEX_PRIVATE_FLAG != 0 {
                out.push_str("_PRIVATE");
            }
            if op & g::FUTEX_CLOCK_REALTIME != 0 {
                out.push_str("|FUTEX_CLOCK_REALTIME");
            }
        }
        None => unknown(out, op as u64, FUTEX_OP.unknown),
    }
}
