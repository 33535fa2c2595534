//! Signal state: per-process actions, per-thread masks and pending sets, and
//! default actions. Handler frames (rt_sigreturn) are not built yet: a signal
//! whose action is a handler is logged and dropped.

use alloc::sync::Arc;
use core::sync::atomic::Ordering;

use crate::task::{Process, Thread};

pub const SIGHUP: usize = 1;
pub const SIGINT: usize = 2;
pub const SIGQUIT: usize = 3;
pub const SIGILL: usize = 4;
pub const SIGTRAP: usize = 5;
pub const SIGABRT: usize = 6;
pub const SIGBUS: usize = 7;
pub const SIGFPE: usize = 8;
pub const SIGKILL: usize = 9;
pub const SIGSEGV: usize = 11;
pub const SIGPIPE: usize = 13;
pub const SIGCHLD: usize = 17;
pub const SIGCONT: usize = 18;
pub const SIGSTOP: usize = 19;
pub const SIGTSTP: usize = 20;
pub const SIGTTIN: usize = 21;
pub const SIGTTOU: usize = 22;
pub const SIGURG: usize = 23;
pub const SIGXCPU: usize = 24;
pub const SIGXFSZ: usize = 25;
pub const SIGSYS: usize = 31;
pub const SIGWINCH: usize = 28;
pub const NSIG: usize = 64;

pub const SIG_DFL: usize = 0;
pub const SIG_IGN: usize = 1;

/// The kernel's `struct sigaction` as rt_sigaction passes it.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct SigAction {
    pub handler: usize,
    pub flags: u64,
    pub restorer: usize,
    pub mask: u64,
}
unsafe impl crate::uaccess::Pod for SigAction {}

#[derive(Clone)]
pub struct SignalActions(pub [SigAction; NSIG]);

impl Default for SignalActions {
    fn default() -> Self {
        Self([SigAction::default(); NSIG])
    }
}

impl SignalActions {
    /// execve: handled signals return to default, ignored ones stay ignored.
    pub fn reset_for_exec(&mut self) {
        for a in self.0.iter_mut() {
            if a.handler != SIG_IGN {
                *a = SigAction::default();
            }
        }
    }
}

pub const fn bit(sig: usize) -> u64 {
    1 << (sig - 1)
}

/// What a signal does when its action is SIG_DFL.
#[derive(PartialEq, Eq)]
pub enum DefaultAction {
    Terminate,
    CoreDump,
    Ignore,
    Stop,
    Continue,
}

pub fn default_action(sig: usize) -> DefaultAction {
    match sig {
        SIGCHLD | SIGURG | SIGWINCH => DefaultAction::Ignore,
        SIGCONT => DefaultAction::Continue,
        SIGSTOP | SIGTSTP | SIGTTIN | SIGTTOU => DefaultAction::Stop,
        SIGQUIT | SIGILL | SIGTRAP | SIGABRT | SIGBUS | SIGFPE | SIGSEGV | SIGXCPU | SIGXFSZ
        | SIGSYS => DefaultAction::CoreDump,
        32..=64 => DefaultAction::Terminate,
        _ => DefaultAction::Terminate,
    }
}

pub fn send_to_thread(t: &Thread, sig: usize) {
    t.sig_pending.fetch_or(bit(sig), Ordering::AcqRel);
    t.process.child_wq.notify_all(false);
}

pub fn send_to_process(p: &Arc<Process>, sig: usize) {
    p.sig_pending.fetch_or(bit(sig), Ordering::AcqRel);
    p.child_wq.notify_all(false);
}

/// Takes the lowest-numbered deliverable signal of the current thread.
fn take_pending(t: &Thread) -> Option<usize> {
    let mask = t.sigmask.load(Ordering::Acquire) & !(bit(SIGKILL) | bit(SIGSTOP));
    for src in [&t.sig_pending, &t.process.sig_pending] {
        let set = src.load(Ordering::Acquire) & !mask;
        if set != 0 {
            let sig = set.trailing_zeros() as usize + 1;
            src.fetch_and(!bit(sig), Ordering::AcqRel);
            return Some(sig);
        }
    }
    None
}

/// Acts on pending signals before returning to user mode.
pub fn handle_pending(t: &Thread) {
    while let Some(sig) = take_pending(t) {
        let action = t.process.sig_actions.lock().0[sig - 1];
        match action.handler {
            SIG_IGN => {}
            SIG_DFL => match default_action(sig) {
                DefaultAction::Terminate => crate::task::do_exit_group(sig as i32 & 0x7f),
                DefaultAction::CoreDump => crate::task::do_exit_group((sig as i32 & 0x7f) | 0x80),
                DefaultAction::Ignore | DefaultAction::Stop | DefaultAction::Continue => {}
            },
            _ if sig == SIGKILL => crate::task::do_exit_group(SIGKILL as i32),
            handler => log::debug!("signal {sig}: handler {handler:#x} not delivered (no frames yet)"),
        }
    }
}
