//! Signals as Linux has them: per-process actions and shared pending queue,
//! per-thread masks, pending queues and alternate stacks; generation
//! ([`send`]), delivery on the way back to user mode with per-arch handler
//! frames ([`deliver`], `x86_64.rs`, `riscv64.rs`), and job control (stop and
//! continue) as far as wait4 reports it.

mod altstack;
mod deliver;
mod info;
mod pending;
mod send;

#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "riscv64", path = "riscv64.rs")]
mod arch;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use axsync::Mutex;
use kspin::SpinNoIrq;

pub use altstack::{AltStack, StackT};
pub use arch::{UserSigAction, fault_signal, page_fault_signal, setup_exec};
pub(crate) use deliver::dequeue;
pub use deliver::{RestartKind, SyscallRestart, handle_signals, sigreturn};
pub use info::{SigInfo, SignalfdSiginfo, code};
use pending::PendingQueue;
pub use send::{
    Target, discard_pending, exit_autoreaps, force_fault, notify_parent_exit, send_signal,
    send_to_thread,
};

use crate::task::wait::WaitQueue;

pub const SIGQUIT: usize = 3;
pub const SIGILL: usize = 4;
pub const SIGTRAP: usize = 5;
pub const SIGABRT: usize = 6;
pub const SIGBUS: usize = 7;
pub const SIGFPE: usize = 8;
pub const SIGKILL: usize = 9;
pub const SIGSEGV: usize = 11;
pub const SIGPIPE: usize = 13;
pub const SIGALRM: usize = 14;
pub const SIGCHLD: usize = 17;
pub const SIGCONT: usize = 18;
pub const SIGSTOP: usize = 19;
pub const SIGTSTP: usize = 20;
pub const SIGTTIN: usize = 21;
pub const SIGTTOU: usize = 22;
pub const SIGURG: usize = 23;
pub const SIGXCPU: usize = 24;
pub const SIGXFSZ: usize = 25;
pub const SIGVTALRM: usize = 26;
pub const SIGPROF: usize = 27;
pub const SIGWINCH: usize = 28;
pub const SIGSYS: usize = 31;
/// The first real-time signal; those from here on are queued, not merged.
pub const SIGRTMIN: usize = 32;
pub const NSIG: usize = 64;

pub const SIG_DFL: usize = 0;
pub const SIG_IGN: usize = 1;

pub const SA_NOCLDSTOP: u64 = 0x1;
pub const SA_NOCLDWAIT: u64 = 0x2;
pub const SA_ONSTACK: u64 = 0x0800_0000;
pub const SA_RESTART: u64 = 0x1000_0000;
pub const SA_NODEFER: u64 = 0x4000_0000;
pub const SA_RESETHAND: u64 = 0x8000_0000;

pub const fn bit(sig: usize) -> u64 {
    1 << (sig - 1)
}

/// Signals that cannot be blocked, caught or ignored.
pub const UNBLOCKABLE: u64 = bit(SIGKILL) | bit(SIGSTOP);
/// Signals raised by faults, delivered before others (Linux's SYNCHRONOUS_MASK).
const SYNCHRONOUS: u64 =
    bit(SIGSEGV) | bit(SIGBUS) | bit(SIGILL) | bit(SIGTRAP) | bit(SIGFPE) | bit(SIGSYS);
const STOP_SIGNALS: u64 = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);

/// Whether `sig` is a valid signal number (1..=64).
pub fn valid(sig: i32) -> bool {
    (1..=NSIG as i32).contains(&sig)
}

/// A signal's action, in the kernel's own form (the user layout of
/// rt_sigaction is per arch: [`UserSigAction`]).
#[derive(Clone, Copy, Default)]
pub struct SigAction {
    pub handler: usize,
    pub flags: u64,
    /// x86_64's SA_RESTORER trampoline (riscv64 has none).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub restorer: usize,
    pub mask: u64,
}

#[derive(Clone)]
pub struct SignalActions(pub [SigAction; NSIG]);

impl Default for SignalActions {
    fn default() -> Self {
        Self([SigAction::default(); NSIG])
    }
}

impl SignalActions {
    pub fn get(&self, sig: usize) -> SigAction {
        self.0[sig - 1]
    }

    /// execve: handled signals return to default, ignored ones stay ignored.
    pub fn reset_for_exec(&mut self) {
        for a in self.0.iter_mut() {
            if a.handler != SIG_IGN {
                *a = SigAction::default();
            }
        }
    }
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
        _ => DefaultAction::Terminate,
    }
}

/// Whether a signal with this action is thrown away (Linux's sig_handler_ignored).
pub fn action_ignores(action: &SigAction, sig: usize) -> bool {
    action.handler == SIG_IGN
        || (action.handler == SIG_DFL
            && matches!(
                default_action(sig),
                DefaultAction::Ignore | DefaultAction::Continue
            ))
}

/// The fault behind a synchronous signal, for the arch's signal context
/// (x86_64: trapno, error code, cr2; riscv64's context has no such fields).
#[derive(Clone, Copy, Default, Debug)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub struct TrapInfo {
    pub trapno: u64,
    pub err: u64,
    pub addr: u64,
}

/// What a call interrupted with ERESTART_RESTARTBLOCK needs to go on
/// through restart_syscall.
#[derive(Clone, Copy)]
pub enum RestartBlock {
    /// A relative nanosleep or clock_nanosleep.
    Sleep {
        /// The clock of `deadline`: CLOCK_MONOTONIC, or a CPU-time clock.
        clock: i32,
        /// When the sleep ends, on `clock`.
        deadline: core::time::Duration,
        /// Where the time left goes (NULL: nowhere).
        rem: crate::uaccess::UserPtr<linux_raw_sys::general::timespec>,
    },
    /// A futex wait given a timeout (Linux's futex_wait_restart): it goes
    /// on until the same monotonic deadline (None: one too far to come).
    FutexWait {
        addr: usize,
        val: u32,
        bitset: u32,
        private: bool,
        deadline: Option<core::time::Duration>,
    },
}

struct ThreadSigState {
    /// The mask to put back once rt_sigsuspend's temporary mask has served.
    saved_mask: Option<u64>,
    altstack: AltStack,
    trap: TrapInfo,
    restart: Option<RestartBlock>,
}

/// Per-thread signal state.
pub struct ThreadSignal {
    blocked: AtomicU64,
    /// The mask rt_sigtimedwait lifted while it sleeps: its signals still
    /// count as blocked for the rule that ignored signals are discarded.
    real_blocked: AtomicU64,
    pending: PendingQueue,
    /// Whether `saved_mask` holds a mask to put back.
    mask_saved: AtomicBool,
    state: SpinNoIrq<ThreadSigState>,
}

impl ThreadSignal {
    pub fn new(blocked: u64, altstack: AltStack) -> Self {
        Self {
            blocked: AtomicU64::new(blocked & !UNBLOCKABLE),
            real_blocked: AtomicU64::new(0),
            pending: PendingQueue::new(),
            mask_saved: AtomicBool::new(false),
            state: SpinNoIrq::new(ThreadSigState {
                saved_mask: None,
                altstack,
                trap: TrapInfo::default(),
                restart: None,
            }),
        }
    }

    pub fn blocked(&self) -> u64 {
        self.blocked.load(Ordering::Acquire)
    }

    /// Sets the mask (SIGKILL and SIGSTOP are never blocked).
    pub fn set_blocked(&self, mask: u64) {
        self.blocked.store(mask & !UNBLOCKABLE, Ordering::Release);
    }

    /// rt_sigtimedwait: sets the mask to sleep with, and the one it lifted.
    pub fn set_waiting(&self, real_blocked: u64, blocked: u64) {
        self.real_blocked.store(real_blocked, Ordering::Release);
        self.set_blocked(blocked);
    }

    /// Whether `sig` is blocked, or was before rt_sigtimedwait lifted it.
    fn blocks(&self, sig: usize) -> bool {
        (self.blocked() | self.real_blocked.load(Ordering::Acquire)) & bit(sig) != 0
    }

    /// Signals pending for this thread alone.
    pub fn pending_set(&self) -> u64 {
        self.pending.set()
    }

    pub fn altstack(&self) -> AltStack {
        self.state.lock().altstack
    }

    pub fn set_altstack(&self, a: AltStack) {
        self.state.lock().altstack = a;
    }

    /// Remembers the mask that rt_sigsuspend replaced, to restore once a
    /// handler frame has saved it (or when no handler runs).
    pub fn save_mask(&self, mask: u64) {
        self.state.lock().saved_mask = Some(mask);
        self.mask_saved.store(true, Ordering::Release);
    }

    /// Takes the mask that [`save_mask`](Self::save_mask) kept, if any.
    fn take_saved_mask(&self) -> Option<u64> {
        if !self.mask_saved.swap(false, Ordering::AcqRel) {
            return None;
        }
        self.state.lock().saved_mask.take()
    }

    pub fn set_restart_block(&self, r: Option<RestartBlock>) {
        self.state.lock().restart = r;
    }

    pub fn take_restart_block(&self) -> Option<RestartBlock> {
        self.state.lock().restart.take()
    }
}

/// Job-control state of a process, as its parent's wait4 sees it.
#[derive(Default)]
struct JobState {
    stopped: bool,
    /// A change not yet reported to wait4 (WUNTRACED / WCONTINUED).
    report: Option<JobReport>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum JobReport {
    Stopped(usize),
    Continued,
}

/// Per-process signal state.
pub struct ProcessSignal {
    /// Shared by the processes of a CLONE_SIGHAND group.
    pub actions: Arc<Mutex<SignalActions>>,
    shared: PendingQueue,
    job: SpinNoIrq<JobState>,
    /// `job.stopped`, readable without the lock.
    stopped: AtomicBool,
    /// Threads of a stopped process sleep here until SIGCONT or SIGKILL.
    stop_wq: WaitQueue,
    /// Readers and pollers of signalfds, woken whenever a signal is queued
    /// for the process or one of its threads (Linux's signalfd_wqh).
    signalfds: pollset::PollSet,
}

impl ProcessSignal {
    pub fn new(actions: Arc<Mutex<SignalActions>>) -> Self {
        Self {
            actions,
            shared: PendingQueue::new(),
            job: SpinNoIrq::new(JobState::default()),
            stopped: AtomicBool::new(false),
            stop_wq: WaitQueue::new(),
            signalfds: pollset::PollSet::new(),
        }
    }

    /// Where signalfds register to hear of new pending signals.
    pub fn signalfd_pollers(&self) -> &pollset::PollSet {
        &self.signalfds
    }

    pub fn action(&self, sig: usize) -> SigAction {
        self.actions.lock().get(sig)
    }

    /// Signals pending for the whole process.
    pub fn pending_set(&self) -> u64 {
        self.shared.set()
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// The wait4 status of an unreported stop (WUNTRACED) or continue
    /// (WCONTINUED), consumed when `take` is set.
    pub fn job_status(&self, untraced: bool, continued: bool, take: bool) -> Option<i32> {
        let mut job = self.job.lock();
        let status = match job.report? {
            JobReport::Stopped(sig) if untraced => ((sig as i32) << 8) | 0x7f,
            JobReport::Continued if continued => 0xffff,
            _ => return None,
        };
        if take {
            job.report = None;
        }
        Some(status)
    }
}

/// Whether `t` has a signal to act on: blocking calls return EINTR (or are
/// restarted) so that it is delivered.
pub fn has_pending(t: &crate::task::Thread) -> bool {
    let p = &t.process;
    let pending = t.signal.pending_set() | p.signal.pending_set();
    pending & !t.signal.blocked() != 0 || p.exiting.load(Ordering::Acquire) || p.signal.is_stopped()
}

/// Whether rt_sigsuspend, ppoll or pselect6 left a mask to put back on the
/// way to user mode. Lock-free, like [`has_pending`]: together they tell
/// the run loop, after every syscall and interrupt, whether it has signal
/// work to do.
pub fn mask_to_restore(t: &crate::task::Thread) -> bool {
    t.signal.mask_saved.load(Ordering::Acquire)
}

/// Whether a pending signal will kill `t`'s process once acted on: SIGKILL,
/// or an unblocked one whose action is a default that terminates. Linux
/// turns those into a group kill when they are sent (sig_fatal), so even
/// killable waits (vfork's parent) end for them.
pub fn fatal_pending(t: &crate::task::Thread) -> bool {
    let p = &t.process;
    let pending = (t.signal.pending_set() | p.signal.pending_set()) & !t.signal.blocked();
    (1..=64).filter(|&sig| pending & bit(sig) != 0).any(|sig| {
        sig == SIGKILL
            || (p.signal.action(sig).handler == SIG_DFL
                && matches!(
                    default_action(sig),
                    DefaultAction::Terminate | DefaultAction::CoreDump
                ))
    }) || p.exiting.load(Ordering::Acquire)
}
