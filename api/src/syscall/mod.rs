//! The top of the Linux personality: the syscall table, the dispatcher and
//! the loop every user thread goes round (`run`).
//!
//! Each architecture has one table, declared in one place: the calls every
//! architecture has (`table`, numbers from linux-raw-sys, so the same line
//! serves each) and the calls only it has (`arch`). An entry names the
//! number, how strace shows the call, its handler and how the call goes on
//! after a signal interrupted it. Adding a syscall is one entry plus its
//! handler in `sys/`.

mod run;
mod table;

#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "riscv64", path = "riscv64.rs")]
mod arch;

use axhal::uspace::UserContext;

pub use run::spawn_user_thread;

use crate::errno::{Errno, SysResult, encode};
use crate::signal::{RestartKind, SyscallRestart};
use crate::strace::spec::{Arg, Ret, Spec};

/// A handler: the user context (clone, execve and sigreturn use it) and the
/// six argument registers.
pub type Handler = fn(&mut UserContext, [usize; 6]) -> SysResult;

/// How a call that failed with EINTR goes on once the signal that
/// interrupted it is handled (Linux's ERESTARTSYS and friends).
#[derive(Clone, Copy)]
enum Restart {
    /// The EINTR stands (rt_sigtimedwait, and calls that never block).
    Never,
    Always(RestartKind),
    /// Depends on the arguments (a futex wait with a timeout, ...).
    By(fn(&[usize; 6]) -> Option<RestartKind>),
}

/// One entry of the table.
#[derive(Clone, Copy)]
pub struct Syscall {
    nr: u32,
    handler: Handler,
    restart: Restart,
    /// A successful call replaced the whole user context (execve): its
    /// "return value" is the new program's first argument register.
    replaces_context: bool,
    /// How strace shows the call; None: six raw registers.
    trace: Option<Spec>,
}

impl Syscall {
    pub const fn new(nr: u32, handler: Handler) -> Self {
        Self {
            nr,
            handler,
            restart: Restart::Never,
            replaces_context: false,
            trace: None,
        }
    }

    /// Shown by strace with these argument kinds.
    pub const fn traced(self, args: &'static [Arg]) -> Self {
        Self {
            trace: Some(Spec::new(args)),
            ..self
        }
    }

    /// strace shows the result this way.
    pub const fn ret(self, ret: Ret) -> Self {
        match self.trace {
            Some(spec) => Self {
                trace: Some(spec.ret(ret)),
                ..self
            },
            None => panic!("ret() on a call without argument kinds"),
        }
    }

    /// strace shows as many arguments as `argc` says.
    pub const fn argc(self, argc: fn(&[usize; 6]) -> usize) -> Self {
        match self.trace {
            Some(spec) => Self {
                trace: Some(spec.argc(argc)),
                ..self
            },
            None => panic!("argc() on a call without argument kinds"),
        }
    }

    pub const fn restart(self, kind: RestartKind) -> Self {
        Self {
            restart: Restart::Always(kind),
            ..self
        }
    }

    pub const fn restart_by(self, by: fn(&[usize; 6]) -> Option<RestartKind>) -> Self {
        Self {
            restart: Restart::By(by),
            ..self
        }
    }

    pub const fn replaces_context(self) -> Self {
        Self {
            replaces_context: true,
            ..self
        }
    }

    fn restart_kind(&self, a: &[usize; 6]) -> Option<RestartKind> {
        match self.restart {
            Restart::Never => None,
            Restart::Always(kind) => Some(kind),
            Restart::By(by) => by(a),
        }
    }
}

/// An entry: `call!(__NR_read, [Fd, OutBuf, Ulong], |_, a| ...)`, or
/// without the argument kinds for a call strace shows raw.
macro_rules! call {
    ($nr:ident, [$($arg:expr),* $(,)?], $handler:expr) => {
        $crate::syscall::Syscall::new(linux_raw_sys::general::$nr, $handler).traced(&[$($arg),*])
    };
    ($nr:ident, $handler:expr) => {
        $crate::syscall::Syscall::new(linux_raw_sys::general::$nr, $handler)
    };
}
use call;

/// Argument registers as C's `int` and `unsigned int`.
const fn i(x: usize) -> i32 {
    x as i32
}
const fn u(x: usize) -> u32 {
    x as u32
}

/// Above every syscall number of both architectures (462 in Linux 6.x).
const NR_LIMIT: usize = 512;

/// The table indexed by number. Built at compile time: a number given
/// twice or out of range fails the build.
static BY_NUMBER: [Option<&Syscall>; NR_LIMIT] = index(&[table::CALLS, arch::CALLS]);

const fn index(tables: &[&'static [Syscall]]) -> [Option<&'static Syscall>; NR_LIMIT] {
    let mut by_number = [None; NR_LIMIT];
    let mut t = 0;
    while t < tables.len() {
        let mut e = 0;
        while e < tables[t].len() {
            let call = &tables[t][e];
            let nr = call.nr as usize;
            assert!(nr < NR_LIMIT, "syscall number out of range");
            assert!(by_number[nr].is_none(), "syscall number given twice");
            by_number[nr] = Some(call);
            e += 1;
        }
        t += 1;
    }
    by_number
}

fn lookup(sysno: usize) -> Option<&'static Syscall> {
    BY_NUMBER.get(sysno).copied().flatten()
}

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
    let call = lookup(sysno);
    let trace = if crate::strace::enabled() {
        crate::strace::enter(sysno, call.and_then(|c| c.trace.as_ref()), &a)
    } else {
        None
    };
    let result = match call {
        Some(call) => (call.handler)(uctx, a),
        None => unimplemented(sysno),
    };
    if let Some(traced) = trace {
        traced.exit(&result);
    }
    if !(call.is_some_and(|c| c.replaces_context) && result.is_ok()) {
        uctx.set_retval(encode(result));
    }
    if result != Err(Errno::EINTR) {
        return None;
    }
    Some(SyscallRestart {
        kind: call?.restart_kind(&a)?,
        sysno,
        arg0: a[0],
    })
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
