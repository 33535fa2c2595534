//! Readiness by registration. A source of events (a pipe, a terminal, a
//! process that may exit, later a socket) owns a [`PollSet`]; whoever waits
//! for its state to change (a task sleeping in poll or select, an epoll
//! instance, a future on another CPU) registers its [`Waker`] there, and
//! the source wakes the set at the moment its state changes. Nothing is
//! re-checked on a period.
//!
//! A waker is woken once and then forgotten: a waiter that is still
//! interested looks at the state again and registers again, which is also
//! how it sees exactly what changed.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use core::task::Waker;

use kspin::SpinNoIrq;

/// How many distinct wakers a set keeps. A waiter that gave up (its poll
/// timed out) leaves its waker behind until the next wake-up; past this
/// many, the oldest is woken early instead of kept, so a source nobody
/// changes cannot gather wakers without bound. Waking early is harmless:
/// a waiter always re-checks.
pub const CAPACITY: usize = 64;

/// The wakers waiting for one source's readiness to change.
pub struct PollSet {
    // IRQ-safe: a device may wake its set from its interrupt handler.
    wakers: SpinNoIrq<Vec<Waker>>,
}

impl Default for PollSet {
    fn default() -> Self {
        Self::new()
    }
}

impl PollSet {
    pub const fn new() -> Self {
        Self {
            wakers: SpinNoIrq::new(Vec::new()),
        }
    }

    /// Registers `waker` for the next change; registering the same waker
    /// again (a waiter that polls twice) keeps one entry.
    pub fn register(&self, waker: &Waker) {
        let evicted = {
            let mut wakers = self.wakers.lock();
            if wakers.iter().any(|w| w.will_wake(waker)) {
                return;
            }
            let evicted = (wakers.len() >= CAPACITY).then(|| wakers.remove(0));
            wakers.push(waker.clone());
            evicted
        };
        if let Some(w) = evicted {
            w.wake();
        }
    }

    /// Wakes every registered waker and forgets them; how many there were.
    /// Wakers run after the set's lock is released, so a waker may
    /// register again at once.
    pub fn wake(&self) -> usize {
        let wakers = core::mem::take(&mut *self.wakers.lock());
        let n = wakers.len();
        for w in wakers {
            w.wake();
        }
        n
    }

    /// Whether anyone is registered.
    pub fn is_empty(&self) -> bool {
        self.wakers.lock().is_empty()
    }
}

impl Drop for PollSet {
    /// A source that goes away wakes its waiters: they see it gone.
    fn drop(&mut self) {
        self.wake();
    }
}

#[cfg(test)]
mod tests;
