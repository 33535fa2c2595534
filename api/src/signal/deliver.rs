//! Delivery: on its way back to user mode a thread takes its pending
//! signals one by one and acts on each (default action or a handler frame),
//! restarting or failing with EINTR the syscall they interrupted.

use alloc::sync::Arc;
use core::sync::atomic::Ordering;

use axhal::uspace::UserContext;

use super::altstack::{AltStack, SS_AUTODISARM};
use super::send::{force_fault, stop_process};
use super::{
    DefaultAction, SA_NODEFER, SA_RESETHAND, SA_RESTART, SIG_DFL, SIG_IGN, SIGSEGV, SIGSTOP,
    SigAction, SigInfo, StackT, TrapInfo, arch, bit, code, default_action,
};
use crate::task::{Process, Thread, current_thread};

/// How a syscall that failed with EINTR is resumed (Linux's ERESTART* codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartKind {
    /// ERESTARTSYS: restarted unless a handler without SA_RESTART runs.
    Sys,
    /// ERESTARTNOHAND: restarted only when no handler runs.
    NoHand,
    /// ERESTART_RESTARTBLOCK: as NoHand, but resumed through restart_syscall
    /// with the state the call left in the thread's restart block.
    Block,
}

/// A syscall interrupted by a signal, with what is needed to issue it again.
#[derive(Clone, Copy, Debug)]
pub struct SyscallRestart {
    pub kind: RestartKind,
    pub sysno: usize,
    pub arg0: usize,
}

/// What an arch's frame builder needs to know.
pub struct Frame<'a> {
    pub sig: usize,
    pub info: &'a SigInfo,
    pub action: &'a SigAction,
    /// The mask to restore at sigreturn.
    pub mask: u64,
    pub altstack: AltStack,
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub trap: TrapInfo,
}

/// What rt_sigreturn found in a frame besides the registers.
pub struct Restored {
    pub mask: u64,
    pub stack: StackT,
}

/// Takes the next signal `t` may receive among `allowed`: its own first,
/// then the process's.
pub(crate) fn dequeue(t: &Thread, allowed: u64) -> Option<SigInfo> {
    let own = t.signal.pending.with(|q| q.take_next(allowed));
    own.or_else(|| t.process.signal.shared.with(|q| q.take_next(allowed)))
}

/// The action for `sig`, resetting a one-shot (SA_RESETHAND) handler.
fn take_action(t: &Thread, sig: usize) -> SigAction {
    let mut actions = t.process.signal.actions.lock();
    let action = actions.get(sig);
    if action.handler > SIG_IGN && action.flags & SA_RESETHAND != 0 {
        actions.0[sig - 1].handler = SIG_DFL;
    }
    action
}

/// Acts on the current thread's pending signals before it returns to user
/// mode; `restart` describes the syscall it is returning from if that
/// failed with EINTR. Returns when the thread may go on, or must exit (a
/// fatal signal: the caller checks `exiting`).
pub fn handle_signals(uctx: &mut UserContext, mut restart: Option<SyscallRestart>) {
    let t = current_thread();
    let p = &t.process;
    loop {
        if p.exiting.load(Ordering::Acquire) {
            return;
        }
        if p.signal.is_stopped() {
            p.signal.stop_wq.wait_uninterruptible(|| {
                !p.signal.is_stopped() || p.exiting.load(Ordering::Acquire)
            });
            continue;
        }
        let Some(info) = dequeue(&t, !t.signal.blocked()) else {
            break;
        };
        let sig = info.sig();
        let action = take_action(&t, sig);
        match action.handler {
            SIG_IGN => {}
            SIG_DFL => match default_action(sig) {
                DefaultAction::Ignore | DefaultAction::Continue => {}
                // Job-control stops of an orphaned process group would
                // never be continued by a shell: Linux discards them.
                DefaultAction::Stop if sig != SIGSTOP && pgrp_orphaned(p) => {}
                DefaultAction::Stop => stop_process(p, sig),
                // The caller ends the thread once it sees `exiting`.
                DefaultAction::Terminate => crate::task::start_group_exit(p, sig as i32),
                DefaultAction::CoreDump => crate::task::start_group_exit(p, core_status(p, sig)),
            },
            _ => {
                if let Some(r) = restart.take() {
                    let again = r.kind == RestartKind::Sys && action.flags & SA_RESTART != 0;
                    if again {
                        arch::restart_syscall(uctx, &r, false);
                    }
                }
                run_handler(&t, uctx, &info, &action);
            }
        }
    }
    // No handler ran: the interrupted call goes on as if nothing happened.
    if let Some(r) = restart {
        arch::restart_syscall(uctx, &r, r.kind == RestartKind::Block);
    }
    if let Some(mask) = t.signal.take_saved_mask() {
        t.signal.set_blocked(mask);
    }
}

/// The wait status of a death by a core-dumping signal: Linux sets the core
/// bit (0x80) only when a dump was written, which RLIMIT_CORE 0 prevents.
fn core_status(p: &crate::task::Process, sig: usize) -> i32 {
    let core = if p
        .rlimits
        .lock()
        .get(linux_raw_sys::general::RLIMIT_CORE)
        .is_some_and(|l| l.cur != 0)
    {
        0x80
    } else {
        0
    };
    sig as i32 | core
}

/// Builds the handler frame for `info` and blocks what the handler runs with.
fn run_handler(t: &Arc<Thread>, uctx: &mut UserContext, info: &SigInfo, action: &SigAction) {
    let sig = info.sig();
    let blocked = t.signal.blocked();
    let mask = t.signal.take_saved_mask().unwrap_or(blocked);
    let (altstack, trap) = {
        let st = t.signal.state.lock();
        (st.altstack, st.trap)
    };
    let frame = Frame {
        sig,
        info,
        action,
        mask,
        altstack,
        trap,
    };
    if let Err(e) = arch::setup_frame(uctx, &frame) {
        log::debug!(
            "tid {}: no room for the frame of signal {sig} ({e:?}): SIGSEGV",
            t.tid
        );
        // Linux's force_sigsegv: a SIGSEGV handler that cannot run is dropped.
        if sig == SIGSEGV {
            t.process.signal.actions.lock().0[SIGSEGV - 1].handler = SIG_DFL;
        }
        force_fault(t, SigInfo::from_process(SIGSEGV, code::SI_KERNEL, 0), trap);
        return;
    }
    let mut new = blocked | action.mask;
    if action.flags & SA_NODEFER == 0 {
        new |= bit(sig);
    }
    t.signal.set_blocked(new);
    if altstack.flags & SS_AUTODISARM != 0 {
        t.signal.set_altstack(AltStack::disabled());
    }
}

/// rt_sigreturn: puts back the context saved by the frame on the user stack;
/// returns the restored return-value register. A bad frame raises SIGSEGV.
pub fn sigreturn(uctx: &mut UserContext) -> isize {
    let t = current_thread();
    // Linux puts the alternate stack back as sigaltstack would from the
    // stack the handler returned on (x86_64, checked on 6.18): a handler on
    // the alternate stack that changed it keeps its change (EPERM).
    let handler_sp = uctx.sp();
    match arch::restore_frame(uctx) {
        Ok(r) => {
            t.signal.set_blocked(r.mask);
            // Linux's restore_altstack ignores every error but EFAULT.
            if let Ok(a) = t.signal.altstack().change(handler_sp, &r.stack) {
                t.signal.set_altstack(a);
            }
            t.signal.set_restart_block(None);
            uctx.retval() as isize
        }
        Err(_) => {
            log::debug!(
                "tid {}: bad signal frame at sp {:#x}: SIGSEGV",
                t.tid,
                uctx.sp()
            );
            force_fault(
                &t,
                SigInfo::from_process(SIGSEGV, code::SI_KERNEL, 0),
                TrapInfo::default(),
            );
            0
        }
    }
}

/// Whether `p`'s process group is orphaned: no member has a parent in
/// another group of the same session (init does not count as such a
/// parent), as Linux's will_become_orphaned_pgrp.
fn pgrp_orphaned(p: &Process) -> bool {
    let pgid = p.pgid.load(Ordering::Relaxed);
    !crate::task::all_processes()
        .iter()
        .filter(|m| m.pgid.load(Ordering::Relaxed) == pgid && !m.zombie.load(Ordering::Acquire))
        .any(|m| {
            m.parent().is_some_and(|parent| {
                parent.pid != 1
                    && parent.pgid.load(Ordering::Relaxed) != pgid
                    && parent.sid.load(Ordering::Relaxed) == m.sid.load(Ordering::Relaxed)
            })
        })
}
