//! Generation: queueing a signal for a thread or a process, the job-control
//! effects Linux applies at that moment, and waking whoever may take it.

use alloc::sync::Arc;
use core::sync::atomic::Ordering;

use super::{
    JobReport, SA_NOCLDSTOP, SA_NOCLDWAIT, SIG_DFL, SIG_IGN, SIGCHLD, SIGCONT, SIGKILL,
    STOP_SIGNALS, SigInfo, TrapInfo, UNBLOCKABLE, action_ignores, bit, code,
};
use crate::errno::{Errno, SysResult};
use crate::task::{Process, Thread};

/// Who a signal is sent to.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    /// One thread (tgkill, faults): only it may take the signal.
    Thread(&'a Arc<Thread>),
    /// A process (kill): any thread that does not block it.
    Process(&'a Arc<Process>),
}

impl Target<'_> {
    fn process(&self) -> &Arc<Process> {
        match self {
            Target::Thread(t) => &t.process,
            Target::Process(p) => p,
        }
    }

    /// Whether the target blocks `sig` (a process: when some thread does).
    fn blocks(&self, sig: usize) -> bool {
        match self {
            Target::Thread(t) => t.signal.blocks(sig),
            Target::Process(p) => p.live_threads().iter().any(|t| t.signal.blocks(sig)),
        }
    }
}

/// Sends `info` to `target` (Linux's send_signal). EAGAIN when a real-time
/// signal finds the queue full.
pub fn send_signal(target: Target, info: SigInfo) -> SysResult<()> {
    send(target, info, false)
}

/// A signal from the kernel to the current thread (SIGPIPE).
pub fn send_to_thread(t: &Arc<Thread>, sig: usize) {
    let _ = send_signal(
        Target::Thread(t),
        SigInfo::from_process(sig, code::SI_USER, t.process.pid),
    );
}

fn send(target: Target, info: SigInfo, forced: bool) -> SysResult<()> {
    let sig = info.sig();
    let p = target.process();
    // A dying process takes nothing more.
    if p.zombie.load(Ordering::Acquire) || p.exiting.load(Ordering::Acquire) {
        return Ok(());
    }
    prepare(p, sig);
    if !forced && ignored(&target, sig) {
        return Ok(());
    }
    let queued = match target {
        Target::Thread(t) => t.signal.pending.with(|q| q.push(info)),
        Target::Process(p) => p.signal.shared.with(|q| q.push(info)),
    };
    if !queued {
        return Err(Errno::EAGAIN);
    }
    p.signal.signalfds.wake();
    let wakes = |t: &Thread| sig == SIGKILL || t.signal.blocked() & bit(sig) == 0;
    match target {
        Target::Thread(t) => {
            if wakes(t) {
                t.interrupt();
            }
        }
        Target::Process(p) => p
            .live_threads()
            .iter()
            .filter(|t| wakes(t))
            .for_each(|t| t.interrupt()),
    }
    Ok(())
}

/// Whether a signal is thrown away when generated (Linux's sig_ignored):
/// blocked signals are kept, as they may be unblocked or waited for; init
/// gets no signal it has not asked for.
fn ignored(target: &Target, sig: usize) -> bool {
    let p = target.process();
    let action = p.signal.action(sig);
    if p.pid == 1 && action.handler == SIG_DFL {
        return true;
    }
    if UNBLOCKABLE & bit(sig) != 0 || target.blocks(sig) {
        return false;
    }
    action_ignores(&action, sig)
}

/// Job control at generation time: a stop signal cancels a pending SIGCONT
/// and the other way round; SIGCONT and SIGKILL resume a stopped process.
fn prepare(p: &Arc<Process>, sig: usize) {
    if STOP_SIGNALS & bit(sig) != 0 {
        discard_pending(p, bit(SIGCONT));
    } else if sig == SIGCONT || sig == SIGKILL {
        if sig == SIGCONT {
            discard_pending(p, STOP_SIGNALS);
        }
        resume(p, sig == SIGCONT);
    }
}

/// Throws away the pending instances of the signals in `mask`, the
/// process's and its threads'.
pub fn discard_pending(p: &Process, mask: u64) {
    p.signal.shared.with(|q| q.discard(mask));
    for t in p.live_threads() {
        t.signal.pending.with(|q| q.discard(mask));
    }
}

fn resume(p: &Arc<Process>, report: bool) {
    {
        let mut job = p.signal.job.lock();
        if !job.stopped {
            return;
        }
        job.stopped = false;
        p.signal.stopped.store(false, Ordering::Release);
        if report {
            job.report = Some(JobReport::Continued);
        }
    }
    p.signal.stop_wq.notify_all();
    if report {
        notify_parent_job(p, code::CLD_CONTINUED, SIGCONT);
    }
}

/// Default action of a stop signal: the whole process stops (its other
/// threads notice when they next pass through signal handling) and the
/// parent hears of it.
pub(super) fn stop_process(p: &Arc<Process>, sig: usize) {
    {
        let mut job = p.signal.job.lock();
        if job.stopped {
            return;
        }
        job.stopped = true;
        p.signal.stopped.store(true, Ordering::Release);
        job.report = Some(JobReport::Stopped(sig));
    }
    for t in p.live_threads() {
        t.interrupt();
    }
    notify_parent_job(p, code::CLD_STOPPED, sig);
}

/// SIGCHLD for a stop or continue, unless the parent set SA_NOCLDSTOP.
fn notify_parent_job(p: &Process, why: i32, sig: usize) {
    let Some(parent) = p.parent() else { return };
    if parent.signal.action(SIGCHLD).flags & SA_NOCLDSTOP == 0 {
        let _ = send_signal(
            Target::Process(&parent),
            SigInfo::child(SIGCHLD, why, p.pid, sig as i32),
        );
    }
    parent.child_wq.notify_all();
}

/// Whether nobody will wait for `child` once it dies: its exit signal is
/// SIGCHLD and `parent` ignores SIGCHLD or set SA_NOCLDWAIT, so it is
/// reaped at once (Linux's do_notify_parent decides so).
pub fn exit_autoreaps(child: &Process, parent: &Process) -> bool {
    if child.exit_signal.load(Ordering::Relaxed) != SIGCHLD {
        return false;
    }
    let action = parent.signal.action(SIGCHLD);
    action.handler == SIG_IGN || action.flags & SA_NOCLDWAIT != 0
}

/// Tells `parent` that `child` died (Linux's do_notify_parent): its exit
/// signal with CLD_EXITED, CLD_KILLED or CLD_DUMPED, none when SIGCHLD is
/// ignored.
pub fn notify_parent_exit(child: &Process, parent: &Arc<Process>) {
    let status = child.exit_status.load(Ordering::Acquire);
    let (why, st) = match status & 0x7f {
        0 => (code::CLD_EXITED, (status >> 8) & 0xff),
        s if status & 0x80 != 0 => (code::CLD_DUMPED, s),
        s => (code::CLD_KILLED, s),
    };
    let sig = child.exit_signal.load(Ordering::Relaxed);
    if sig == SIGCHLD && parent.signal.action(SIGCHLD).handler == SIG_IGN {
        return;
    }
    if super::valid(sig as i32) {
        let _ = send_signal(
            Target::Process(parent),
            SigInfo::child(sig, why, child.pid, st),
        );
    }
}

/// A signal raised by a fault of `t` (Linux's force_sig_info): if blocked
/// or ignored, the action reverts to default and the signal is unblocked,
/// since the faulting instruction cannot simply be resumed.
pub fn force_fault(t: &Arc<Thread>, info: SigInfo, trap: TrapInfo) {
    let sig = info.sig();
    {
        let mut actions = t.process.signal.actions.lock();
        let blocked = t.signal.blocked() & bit(sig) != 0;
        if blocked || actions.0[sig - 1].handler == SIG_IGN {
            actions.0[sig - 1].handler = SIG_DFL;
            t.signal.set_blocked(t.signal.blocked() & !bit(sig));
        }
    }
    t.signal.state.lock().trap = trap;
    let _ = send(Target::Thread(t), info, true);
}
