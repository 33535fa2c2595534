//! Syscall tracing: with STRACE=1 at build time the kernel prints every
//! syscall as `strace -f` does, one line per call when it completes:
//!
//! ```text
//! [pid     5] openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
//! [pid     5] read(3, "root:x:0:0:root:/root:/bin/sh\nnob"..., 4096) = 83
//! [pid     5] exit_group(0)                     = ?
//! [pid     5] +++ exited with 0 +++
//! ```
//!
//! Names come from the per-arch number tables (`arch`), argument kinds and
//! result forms from the syscall table's entries (`spec` names what they are
//! made of), their decoders from `args`, `structs`, `flags` and `text`. Arguments the call reads are
//! decoded before it runs, memory it writes after it; user memory is read
//! with the fault-tolerant copy only, so a bad pointer prints as an address.

mod arch;
mod args;
mod calls;
mod errno;
pub mod flags;
pub mod ipc;
mod structs;
mod table;
mod text;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use args::Ctx;
use table::{Ret, Spec};

/// What the syscall table's entries describe their calls with.
pub mod spec {
    #[cfg(target_arch = "x86_64")]
    pub use super::arch::ARCH_PRCTL;
    pub use super::args::Arg;
    #[cfg(target_arch = "x86_64")]
    pub use super::calls::open_argc;
    pub use super::calls::{PRCTL, fcntl_argc, futex_argc, mremap_argc, openat_argc, prctl_argc};
    pub use super::flags as f;
    pub use super::ipc;
    pub use super::table::{Ret, Spec};

    pub const OPEN: Arg = Arg::Flags(&f::OPEN);
    pub const AT: Arg = Arg::Flags(&f::AT);
}

use crate::errno::SysResult;

/// strace aligns results at this column.
const RESULT_COLUMN: usize = 40;

/// Whether the kernel was built with STRACE=1.
pub fn enabled() -> bool {
    matches!(option_env!("KERNEL_STRACE"), Some("1"))
}

/// The syscall's name on this architecture.
pub fn name(sysno: usize) -> Option<&'static str> {
    arch::name(sysno)
}

/// A call being traced: what was decoded before it ran.
pub struct Pending {
    sysno: usize,
    a: [usize; 6],
    spec: Option<&'static Spec>,
    /// The arguments shown before the call; `None` for those shown after.
    before: Vec<Option<String>>,
}

/// Decodes the arguments a syscall reads, before it runs, as its `spec`
/// says. A call that does not return (exit) is printed now and yields
/// nothing to finish.
pub fn enter(sysno: usize, spec: Option<&'static Spec>, a: &[usize; 6]) -> Option<Pending> {
    let ctx = Ctx { a, ret: None };
    let before = spec.map_or_else(Vec::new, |s| {
        (0..s.count(a))
            .map(|i| {
                let arg = s.args[i];
                (!arg.at_exit(a)).then(|| {
                    let mut t = String::new();
                    arg.fmt(&mut t, i, &ctx);
                    t
                })
            })
            .collect()
    });
    let call = Pending {
        sysno,
        a: *a,
        spec,
        before,
    };
    if spec.is_some_and(|s| s.ret == Ret::NoReturn) {
        call.print(None);
        return None;
    }
    Some(call)
}

impl Pending {
    /// Decodes what the call wrote and prints its line.
    pub fn exit(self, result: &SysResult) {
        self.print(Some(result));
    }

    fn print(&self, result: Option<&SysResult>) {
        let mut line = prefix(crate::task::current_thread().tid);
        match name(self.sysno) {
            Some(n) => line.push_str(n),
            None => {
                let _ = write!(line, "syscall_{:#x}", self.sysno);
            }
        }
        line.push('(');
        self.args(&mut line, result);
        line.push(')');
        while line.len() < RESULT_COLUMN - 1 {
            line.push(' ');
        }
        line.push_str(" = ");
        match result {
            None => line.push('?'),
            Some(r) => self.result(&mut line, r),
        }
        axlog::ax_println!("{}", line);
    }

    fn args(&self, out: &mut String, result: Option<&SysResult>) {
        let Some(spec) = self.spec else {
            // Unknown to the table: the raw registers, as strace's printargs.
            for (i, v) in self.a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                text::hex(out, *v as u64);
            }
            return;
        };
        let ctx = Ctx {
            a: &self.a,
            ret: result.and_then(|r| r.as_ref().ok().copied()),
        };
        for (i, shown) in self.before.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match shown {
                Some(t) => out.push_str(t),
                None => spec.args[i].fmt(out, i, &ctx),
            }
        }
    }

    fn result(&self, out: &mut String, r: &SysResult) {
        let v = match r {
            Ok(v) => *v,
            Err(e) => {
                let code = e.code();
                // The kernel-internal restart codes never reach the program:
                // strace shows them as `? ERESTARTSYS (...)`.
                let minus = if code >= 512 { "?" } else { "-1" };
                match errno::describe(code) {
                    Some((name, text)) => {
                        let _ = write!(out, "{minus} {name} ({text})");
                    }
                    None => {
                        let _ = write!(out, "{minus} (errno {code})");
                    }
                }
                return;
            }
        };
        match self.spec.map_or(Ret::Int, |s| s.ret) {
            Ret::Int | Ret::NoReturn => {
                let _ = write!(out, "{v}");
            }
            Ret::Hex => text::hex(out, v as u64),
            Ret::Octal => text::octal(out, v as u64),
            Ret::Exec => out.push('0'),
            Ret::Fcntl => calls::fcntl_result(out, self.a[1] as u32, v),
            Ret::Prctl => calls::prctl_result(out, &self.a, v),
            Ret::Poll => calls::poll_result(out, &self.a, v, None),
            Ret::Ppoll => calls::poll_result(out, &self.a, v, Some(2)),
            Ret::Select => calls::select_result(out, &self.a, v, false),
            Ret::Pselect => calls::select_result(out, &self.a, v, true),
        }
    }
}

/// `[pid   123] `, as `strace -f` marks each line.
fn prefix(tid: i32) -> String {
    alloc::format!("[pid {tid:5}] ")
}

/// Prints strace's line for the end of thread `tid`, with its process's
/// wait `status` (a thread's own exit(2) code is not kept: a thread leaving
/// a live process shows its process's status so far, normally 0).
pub fn thread_exit(tid: i32, status: i32) {
    let mut line = prefix(tid);
    let sig = (status & 0x7f) as u64;
    if sig == 0 {
        let _ = write!(line, "+++ exited with {} +++", (status >> 8) & 0xff);
    } else {
        line.push_str("+++ killed by ");
        structs::signal_or_number(&mut line, sig);
        if status & 0x80 != 0 {
            line.push_str(" (core dumped)");
        }
        line.push_str(" +++");
    }
    axlog::ax_println!("{}", line);
}
