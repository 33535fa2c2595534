//! Argument kinds: what one syscall argument is and how strace shows it.
//! Kinds that describe memory the call writes are shown after the call (and
//! as a bare address when it failed); all others before it, so that strings
//! are read before the call can change or unmap them (execve).

use alloc::string::String;
use core::fmt::Write;

use linux_raw_sys::general as uapi;

use super::flags::{self, Enum, Flags};
use super::structs;
use super::text::{self, ptr};

/// One argument of a syscall.
#[derive(Clone, Copy)]
pub enum Arg {
    /// `int`, signed decimal.
    Int,
    /// `unsigned int`, decimal.
    Uint,
    /// `long`/`off_t`, signed decimal.
    Long,
    /// `size_t`/`unsigned long`, decimal.
    Ulong,
    /// Hex, `0` for zero (rseq's length and signature, mmap's offset).
    Hex,
    /// An address: `NULL` or hex.
    Ptr,
    /// A file descriptor.
    Fd,
    /// A directory fd of the *at calls: `AT_FDCWD` or a number.
    DirFd,
    /// A file mode, `0644`.
    Mode,
    /// A signal number, `SIGCHLD`.
    Signal,
    /// A NUL-terminated string, cut at 32 bytes.
    Str,
    /// A path, whole.
    Path,
    Flags(&'static Flags),
    Enum(&'static Enum),
    /// Bytes the call reads; their count is argument n.
    InBuf(usize),
    /// Bytes the call writes; their count is the result.
    OutBuf,
    /// Like OutBuf, all bytes in hex (getrandom).
    OutHex,
    /// A path the call writes; its length is the result (readlink, getcwd).
    OutPath,
    /// iovecs the call reads; their count is argument n.
    InIov(usize),
    /// iovecs the call fills with the result's bytes; count is argument n.
    OutIov(usize),
    Timespec,
    OutTimespec,
    OutTimeval,
    Rlimit,
    OutRlimit,
    Sigset,
    OutSigset,
    Sigaction,
    OutSigaction,
    OutStat,
    OutStatx,
    OutUtsname,
    /// pipe's `[3, 4]`.
    OutFds,
    /// wait4's status.
    OutWaitStatus,
    /// getdents64's buffer: `/* N entries */`.
    OutDirents,
    Argv,
    Envp,
    /// fcntl's third argument, typed by the command.
    FcntlArg,
    /// futex's operation, its fourth (timeout or val2) and sixth (val3).
    FutexOp,
    FutexArg3,
    FutexVal3,
    /// clone's whole argument list, as named fields.
    Clone,
    /// clone3's `struct clone_args`.
    CloneArgs,
}

/// What a decoder sees: the raw arguments and, after the call, the result
/// (`None` before the call and when it failed).
pub struct Ctx<'a> {
    pub a: &'a [usize; 6],
    pub ret: Option<isize>,
}

use Arg::*;

impl Arg {
    /// Whether this argument is shown after the call.
    pub fn at_exit(self) -> bool {
        matches!(
            self,
            OutBuf
                | OutHex
                | OutPath
                | OutIov(_)
                | OutTimespec
                | OutTimeval
                | OutRlimit
                | OutSigset
                | OutSigaction
                | OutStat
                | OutStatx
                | OutUtsname
                | OutFds
                | OutWaitStatus
                | OutDirents
                | Clone
                | CloneArgs
        )
    }

    /// Appends argument `i` of the call in `c`.
    pub fn fmt(self, out: &mut String, i: usize, c: &Ctx) {
        let v = c.a[i];
        if self.at_exit() && c.ret.is_none() && !matches!(self, Clone | CloneArgs) {
            return ptr(out, v);
        }
        let ret = c.ret.unwrap_or(0).max(0) as usize;
        match self {
            Int | Fd => num(out, v as i32),
            Uint => num(out, v as u32),
            Long => num(out, v as isize),
            Ulong => num(out, v),
            Hex => text::hex(out, v as u64),
            Ptr => ptr(out, v),
            DirFd if v as i32 == uapi::AT_FDCWD => out.push_str("AT_FDCWD"),
            DirFd => num(out, v as i32),
            Mode => text::octal(out, v as u32 as u64),
            Signal => structs::signal_or_number(out, v as u32 as u64),
            Str => text::string(out, v),
            Path => text::path(out, v),
            Flags(f) => f.fmt(out, v as u32 as u64),
            Enum(e) => e.fmt(out, v as u32 as u64),
            InBuf(n) => text::buffer(out, v, c.a[n], false),
            OutBuf => text::buffer(out, v, ret, false),
            OutHex => text::buffer(out, v, ret, true),
            OutPath => text::path_out(out, v, ret),
            InIov(n) => structs::iovecs(out, v, c.a[n], None),
            OutIov(n) => structs::iovecs(out, v, c.a[n], Some(ret)),
            Timespec | OutTimespec => structs::timespec(out, v),
            OutTimeval => structs::timeval(out, v),
            Rlimit | OutRlimit => structs::rlimit(out, v),
            Sigset | OutSigset => structs::sigset(out, v),
            Sigaction | OutSigaction => structs::sigaction(out, v),
            OutStat => structs::stat(out, v),
            OutStatx => structs::statx(out, v),
            OutUtsname => structs::utsname(out, v),
            OutFds => structs::fd_pair(out, v),
            OutWaitStatus if ret == 0 => ptr(out, v),
            OutWaitStatus => structs::wait_status(out, v),
            OutDirents => structs::dirents(out, v, ret),
            Argv => structs::argv(out, v),
            Envp => structs::envp(out, v),
            FcntlArg => fcntl_arg(out, c.a[1] as u32, v),
            FutexOp => flags::futex_op(out, v as u32),
            FutexArg3 if futex_waits(c.a) => structs::timespec(out, v),
            FutexArg3 => num(out, v as u32),
            FutexVal3 if v as u32 == uapi::FUTEX_BITSET_MATCH_ANY => {
                out.push_str("FUTEX_BITSET_MATCH_ANY")
            }
            FutexVal3 => {
                let _ = write!(out, "{:#x}", v as u32);
            }
            Clone => clone(out, c),
            CloneArgs => {
                structs::clone_args(out, v);
                clone3_result(out, v, c.ret);
            }
        }
    }
}

fn num(out: &mut String, v: impl core::fmt::Display) {
    let _ = write!(out, "{v}");
}

fn fcntl_arg(out: &mut String, cmd: u32, v: usize) {
    match cmd {
        uapi::F_SETFD => flags::FD.fmt(out, v as u32 as u64),
        uapi::F_SETFL => flags::OPEN.fmt(out, v as u32 as u64),
        uapi::F_GETLK
        | uapi::F_SETLK
        | uapi::F_SETLKW
        | uapi::F_OFD_GETLK
        | uapi::F_OFD_SETLK
        | uapi::F_OFD_SETLKW
        | uapi::F_GETOWN_EX
        | uapi::F_SETOWN_EX => ptr(out, v),
        _ => num(out, v as u32),
    }
}

/// fcntl commands that take no third argument.
pub fn fcntl_argc(a: &[usize; 6]) -> usize {
    match a[1] as u32 {
        uapi::F_GETFD
        | uapi::F_GETFL
        | uapi::F_GETOWN
        | uapi::F_GETSIG
        | uapi::F_GETLEASE
        | uapi::F_GETPIPE_SZ
        | uapi::F_GET_SEALS => 2,
        _ => 3,
    }
}

fn futex_cmd(a: &[usize; 6]) -> u32 {
    a[1] as u32 & !(uapi::FUTEX_PRIVATE_FLAG | uapi::FUTEX_CLOCK_REALTIME)
}

/// Whether the futex operation's fourth argument is a timeout.
fn futex_waits(a: &[usize; 6]) -> bool {
    matches!(
        futex_cmd(a),
        uapi::FUTEX_WAIT
            | uapi::FUTEX_LOCK_PI
            | uapi::FUTEX_WAIT_BITSET
            | uapi::FUTEX_WAIT_REQUEUE_PI
    )
}

/// How many arguments strace shows for a futex operation.
pub fn futex_argc(a: &[usize; 6]) -> usize {
    match futex_cmd(a) {
        uapi::FUTEX_UNLOCK_PI | uapi::FUTEX_TRYLOCK_PI => 2,
        uapi::FUTEX_WAKE | uapi::FUTEX_FD => 3,
        uapi::FUTEX_WAIT | uapi::FUTEX_LOCK_PI => 4,
        uapi::FUTEX_REQUEUE | uapi::FUTEX_WAIT_REQUEUE_PI => 5,
        _ => 6,
    }
}

/// open and openat show the mode only when the flags create a file.
fn creates(flags: usize) -> bool {
    let f = flags as u32;
    f & uapi::O_CREAT != 0 || f & uapi::__O_TMPFILE != 0
}

pub fn openat_argc(a: &[usize; 6]) -> usize {
    if creates(a[2]) { 4 } else { 3 }
}

pub fn open_argc(a: &[usize; 6]) -> usize {
    if creates(a[1]) { 3 } else { 2 }
}

/// mremap shows the new address only with MREMAP_FIXED.
pub fn mremap_argc(a: &[usize; 6]) -> usize {
    if a[3] as u32 & uapi::MREMAP_FIXED != 0 {
        5
    } else {
        4
    }
}

/// clone(2) as strace names its fields:
/// `child_stack=NULL, flags=CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x...`.
fn clone(out: &mut String, c: &Ctx) {
    use super::arch::{CLONE_CTID, CLONE_FLAGS, CLONE_PTID, CLONE_STACK, CLONE_TLS};
    let a = c.a;
    let fl = a[CLONE_FLAGS] as u64;
    out.push_str("child_stack=");
    ptr(out, a[CLONE_STACK]);
    out.push_str(", flags=");
    structs::clone_flags(out, fl & !0xff, fl & 0xff);
    let has = |f: u32| fl & f as u64 != 0;
    if has(uapi::CLONE_PARENT_SETTID) {
        out.push_str(", parent_tid=");
        parent_tid(out, a[CLONE_PTID], c.ret);
    }
    if has(uapi::CLONE_SETTLS) {
        out.push_str(", tls=");
        ptr(out, a[CLONE_TLS]);
    }
    if has(uapi::CLONE_CHILD_SETTID | uapi::CLONE_CHILD_CLEARTID) {
        out.push_str(", child_tidptr=");
        ptr(out, a[CLONE_CTID]);
    }
}

/// `[1234]` once the call stored the child's tid, else the address.
fn parent_tid(out: &mut String, addr: usize, ret: Option<isize>) {
    match ret.and_then(|_| crate::uaccess::read_val::<i32>(addr).ok()) {
        Some(tid) => {
            let _ = write!(out, "[{tid}]");
        }
        None => ptr(out, addr),
    }
}

/// clone3's ` => {parent_tid=[1234]}` after a successful call.
fn clone3_result(out: &mut String, args: usize, ret: Option<isize>) {
    let Some(_) = ret else { return };
    let Ok([flags, _, _, ptid]) = crate::uaccess::read_val::<[u64; 4]>(args) else {
        return;
    };
    if flags & uapi::CLONE_PARENT_SETTID as u64 != 0 {
        out.push_str(" => {parent_tid=");
        parent_tid(out, ptid as usize, ret);
        out.push('}');
    }
}
