//! Argument kinds: what one syscall argument is and how strace shows it.
//! Kinds that describe memory the call writes are shown after the call (and
//! as a bare address when it failed); all others before it, so that strings
//! are read before the call can change or unmap them (execve).

use alloc::string::String;
use core::fmt::Write;

use linux_raw_sys::general as uapi;

use super::calls;
use super::flags::{self, Enum, Flags};
use super::structs::{self, IovData};
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
    /// select's timeout (x86_64's legacy select only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Timeval,
    OutTimeval,
    Rlimit,
    OutRlimit,
    /// A signal set; its size is argument n.
    Sigset(usize),
    OutSigset(usize),
    Sigaction,
    OutSigaction,
    OutRusage,
    OutStat,
    OutStatx,
    OutUtsname,
    OutSysinfo,
    /// pipe's `[3, 4]`.
    OutFds,
    /// An int the call stores: `[0]` (getresuid).
    OutInt,
    /// An int the call reads (a socket address length): `[16]`.
    InInt,
    /// getgroups' list, as many gids as the result: `[0, 4]`.
    OutGroups,
    /// wait4's status.
    OutWaitStatus,
    /// getdents64's buffer: `/* N entries */`.
    OutDirents,
    Argv,
    Envp,
    /// poll's array of `struct pollfd`; their count is argument n.
    PollFds(usize),
    /// select's fd sets; their size in bits is argument n.
    FdSet(usize),
    /// pselect6's `{sigmask=[], sigsetsize=8}`.
    PselectSigmask,
    /// fcntl's third argument, typed by the command.
    FcntlValue,
    /// prctl's second argument, typed by the option (read or written).
    PrctlValue,
    /// prctl's further arguments.
    PrctlRest,
    /// futex's operation, and its arguments after `val`.
    FutexOp,
    FutexRest,
    /// clone's whole argument list, as named fields.
    Clone,
    /// clone3's `struct clone_args`.
    CloneArgs,
    /// A System V IPC key: `IPC_PRIVATE` or hex.
    IpcKey,
    /// The flags of shmget, semget and msgget: names, then the mode.
    IpcGet,
    /// semop's operations; their count is argument n.
    Sembufs(usize),
    /// msgsnd's message; its text length is argument n.
    MsgIn(usize),
    /// msgrcv's message, shown after the call (the buffer's size is
    /// argument 2).
    MsgOut,
    /// The buffer of shmctl, semctl or msgctl, decoded by command.
    IpcCtl(super::ipc::Family),
}

/// What a decoder sees: the raw arguments and, after the call, the result
/// (`None` before the call and when it failed).
pub struct Ctx<'a> {
    pub a: &'a [usize; 6],
    pub ret: Option<isize>,
}

use Arg::*;

impl Arg {
    /// Whether this argument is shown after the call (`a`: the arguments).
    pub fn at_exit(self, a: &[usize; 6]) -> bool {
        (matches!(self, PrctlValue) && calls::prctl_arg_out(a))
            || matches!(self, IpcCtl(f) if f.at_exit(a))
            || matches!(
                self,
                OutBuf
                    | OutHex
                    | OutPath
                    | OutIov(_)
                    | OutTimespec
                    | OutTimeval
                    | OutRlimit
                    | OutSigset(_)
                    | OutSigaction
                    | OutRusage
                    | OutStat
                    | OutStatx
                    | OutUtsname
                    | OutSysinfo
                    | OutFds
                    | OutInt
                    | OutGroups
                    | OutWaitStatus
                    | OutDirents
                    | Clone
                    | CloneArgs
                    | MsgOut
            )
    }

    /// Appends argument `i` of the call in `c`.
    pub fn fmt(self, out: &mut String, i: usize, c: &Ctx) {
        let v = c.a[i];
        if self.at_exit(c.a) && c.ret.is_none() && !matches!(self, Clone | CloneArgs | OutIov(_)) {
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
            Mode => text::octal(out, v as u16 as u64),
            Signal => structs::signal_or_number(out, v as u32 as u64),
            Path => text::path(out, v),
            Flags(f) => f.fmt(out, v as u32 as u64),
            Enum(e) => e.fmt(out, v as u32 as u64),
            InBuf(n) => text::buffer(out, v, c.a[n], false),
            OutBuf => text::buffer(out, v, ret, false),
            OutHex => text::buffer(out, v, ret, true),
            OutPath => text::path_out(out, v, ret),
            InIov(n) => structs::iovecs(out, v, c.a[n] as u32 as usize, IovData::Each),
            OutIov(n) => {
                let data = c.ret.map_or(IovData::None, |_| IovData::Filled(ret));
                structs::iovecs(out, v, c.a[n] as u32 as usize, data)
            }
            Timespec | OutTimespec => structs::timespec(out, v),
            Timeval | OutTimeval => structs::timeval(out, v),
            Rlimit | OutRlimit => structs::rlimit(out, v),
            Sigset(n) | OutSigset(n) => structs::sigset(out, v, c.a[n]),
            Sigaction | OutSigaction => structs::sigaction(out, v),
            OutRusage => structs::rusage(out, v),
            OutStat => structs::stat(out, v),
            OutStatx => structs::statx(out, v),
            OutUtsname => structs::utsname(out, v),
            OutSysinfo => structs::sysinfo(out, v),
            OutFds => structs::fd_pair(out, v),
            OutInt | InInt => structs::int_ref(out, v),
            OutGroups if c.a[0] == 0 => ptr(out, v),
            OutGroups => structs::u32_list(out, v, ret),
            OutWaitStatus if ret == 0 => ptr(out, v),
            OutWaitStatus => structs::wait_status(out, v),
            OutDirents => structs::dirents(out, v, ret),
            Argv => structs::argv(out, v),
            Envp => structs::envp(out, v),
            PollFds(n) => calls::pollfds_in(out, v, c.a[n]),
            FdSet(n) => calls::fd_set_in(out, v, c.a[n]),
            PselectSigmask => calls::pselect_sigmask(out, v),
            FcntlValue => calls::fcntl_arg(out, c.a[1] as u32, v),
            PrctlValue => calls::prctl_arg(out, c.a),
            PrctlRest => calls::prctl_rest(out, c.a, v),
            FutexOp => flags::futex_op(out, v as u32),
            FutexRest => calls::futex_rest(out, c.a),
            Clone => calls::clone(out, c),
            CloneArgs => {
                structs::clone_args(out, v);
                calls::clone3_result(out, v, c.ret);
            }
            IpcKey => super::ipc::key(out, v as i32),
            IpcGet => super::ipc::get_flags(out, &super::ipc::GET, v as u32),
            Sembufs(n) => super::ipc::sembufs(out, v, c.a[n] as u32 as usize),
            MsgIn(n) => super::ipc::msgbuf(out, v, c.a[n]),
            MsgOut => super::ipc::msgbuf(out, v, c.a[2]),
            IpcCtl(f) => super::ipc::ctl_buf(out, f, c.a),
        }
    }
}

pub fn num(out: &mut String, v: impl core::fmt::Display) {
    let _ = write!(out, "{v}");
}
