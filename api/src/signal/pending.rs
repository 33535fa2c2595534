//! A pending-signal queue: standard signals are pending at most once,
//! real-time signals queue every instance (up to a bound), each with its
//! siginfo.

use alloc::collections::VecDeque;

use super::{SIGRTMIN, SYNCHRONOUS, SigInfo, bit};

/// Queued real-time signals per queue (Linux bounds them by RLIMIT_SIGPENDING).
const MAX_QUEUED_RT: usize = 1024;

pub struct SigPending {
    set: u64,
    queue: VecDeque<SigInfo>,
}

impl Default for SigPending {
    fn default() -> Self {
        Self::new()
    }
}

impl SigPending {
    pub const fn new() -> Self {
        Self {
            set: 0,
            queue: VecDeque::new(),
        }
    }

    /// The pending signals as a set.
    pub fn set(&self) -> u64 {
        self.set
    }

    /// Queues `info`; false when a real-time signal finds the queue full.
    pub fn push(&mut self, info: SigInfo) -> bool {
        let sig = info.sig();
        if sig < SIGRTMIN {
            if self.set & bit(sig) != 0 {
                return true; // merged with the pending instance
            }
        } else if self.queue.iter().filter(|i| i.sig() >= SIGRTMIN).count() >= MAX_QUEUED_RT {
            return false;
        }
        self.set |= bit(sig);
        self.queue.push_back(info);
        true
    }

    /// Takes the oldest instance of `sig`.
    pub fn take(&mut self, sig: usize) -> Option<SigInfo> {
        let at = self.queue.iter().position(|i| i.sig() == sig)?;
        let info = self.queue.remove(at)?;
        if !self.queue.iter().any(|i| i.sig() == sig) {
            self.set &= !bit(sig);
        }
        Some(info)
    }

    /// Takes the signal to deliver first among those in `allowed`.
    pub fn take_next(&mut self, allowed: u64) -> Option<SigInfo> {
        let sig = next_signal(self.set & allowed)?;
        self.take(sig)
    }

    /// Throws away every pending instance of the signals in `mask`.
    pub fn discard(&mut self, mask: u64) {
        if self.set & mask != 0 {
            self.queue.retain(|i| mask & bit(i.sig()) == 0);
            self.set &= !mask;
        }
    }
}

/// The signal of `set` that goes first: a synchronous (fault) signal, else
/// the lowest-numbered one.
fn next_signal(set: u64) -> Option<usize> {
    let first = if set & SYNCHRONOUS != 0 {
        set & SYNCHRONOUS
    } else {
        set
    };
    (first != 0).then(|| first.trailing_zeros() as usize + 1)
}

/// A pending-signal queue behind its lock, its set of signals mirrored in
/// an atomic: the way back to user mode, taken after every syscall and
/// interrupt, learns without a lock that nothing is pending.
pub struct PendingQueue {
    queue: kspin::SpinNoIrq<SigPending>,
    set: core::sync::atomic::AtomicU64,
}

impl Default for PendingQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl PendingQueue {
    pub const fn new() -> Self {
        Self {
            queue: kspin::SpinNoIrq::new(SigPending::new()),
            set: core::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Runs `f` on the queue, then updates the mirrored set.
    pub fn with<R>(&self, f: impl FnOnce(&mut SigPending) -> R) -> R {
        let mut queue = self.queue.lock();
        let r = f(&mut queue);
        self.set
            .store(queue.set(), core::sync::atomic::Ordering::Release);
        r
    }

    /// The pending signals as a set.
    pub fn set(&self) -> u64 {
        self.set.load(core::sync::atomic::Ordering::Acquire)
    }
}
