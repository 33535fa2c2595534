//! The one blocking primitive of the personality: waits that a signal
//! interrupts (EINTR, or a restart decided at signal delivery) and that may
//! carry a deadline.
//!
//! A sender queues a signal, then calls [`interrupt`] on the threads that may
//! take it; a waiter parked in [`block`] wakes, sees the signal pending and
//! returns [`WaitError::Interrupted`]. Spurious interrupts (a process-wide
//! signal another thread took first) are absorbed here.

use alloc::sync::Arc;
use alloc::task::Wake;
use core::convert::Infallible;
use core::future::{Future, poll_fn};
use core::pin::{Pin, pin};
use core::task::{Context, Poll, Waker};
use core::time::Duration;

use event_listener::{Event, listener};

use crate::errno::Errno;

/// Why a wait ended before its condition held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitError {
    /// A signal is pending for the caller.
    Interrupted,
    /// The deadline passed.
    TimedOut,
}

impl From<WaitError> for Errno {
    fn from(e: WaitError) -> Self {
        match e {
            WaitError::Interrupted => Errno::EINTR,
            WaitError::TimedOut => Errno::ETIMEDOUT,
        }
    }
}

/// The waker of a task blocked in [`block_on`]: the scheduler's waker puts
/// the task on some CPU's run queue; if that is another CPU, it may be
/// halted until its next tick, so it is kicked to run the task now.
struct KickingWaker {
    inner: Waker,
    task: axtask::WeakAxTaskRef,
}

impl Wake for KickingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.inner.wake_by_ref();
        if let Some(task) = self.task.upgrade() {
            super::ipi::kick(task.cpu_id() as usize);
        }
    }
}

/// Blocks the current task until `fut` resolves: the scheduler's
/// `block_on`, with wake-ups that reach another CPU at once.
fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let mut kicking: Option<Waker> = None;
    axtask::future::block_on(poll_fn(|cx| {
        let waker = kicking.get_or_insert_with(|| {
            Waker::from(Arc::new(KickingWaker {
                inner: cx.waker().clone(),
                task: Arc::downgrade(&axtask::current()),
            }))
        });
        fut.as_mut().poll(&mut Context::from_waker(waker))
    }))
}

/// Runs `fut` to completion on the current task unless a signal becomes
/// pending for it or the monotonic `deadline` passes first.
pub fn block<F: Future>(deadline: Option<Duration>, fut: F) -> Result<F::Output, WaitError> {
    if super::signal_pending() {
        return Err(WaitError::Interrupted);
    }
    let curr = axtask::current();
    let mut fut = pin!(fut);
    let mut timer = deadline.map(|d| super::tick::Deadline::new(d.as_nanos() as u64));
    let waiter = poll_fn(|cx| {
        // The interrupt flag is sticky: one left over from a signal that
        // was already handled (or taken by another thread) is consumed and
        // the waker registered again.
        while curr.poll_interrupt(cx).is_ready() {
            if super::signal_pending() {
                return Poll::Ready(Err(WaitError::Interrupted));
            }
        }
        // What was waited for wins over a deadline that passed meanwhile.
        if let Poll::Ready(out) = fut.as_mut().poll(cx) {
            return Poll::Ready(Ok(out));
        }
        match timer.as_mut().map(|t| Pin::new(t).poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(Err(WaitError::TimedOut)),
            _ => Poll::Pending,
        }
    });
    block_on(waiter)
}

/// Sleeps until the monotonic `deadline`; `Interrupted` on a signal.
pub fn sleep_until(deadline: Duration) -> Result<(), WaitError> {
    match block(Some(deadline), core::future::pending::<Infallible>()) {
        Err(WaitError::TimedOut) => Ok(()),
        Err(e) => Err(e),
        Ok(never) => match never {},
    }
}

/// Blocks until a signal is pending for the caller or `deadline` passes.
pub fn wait_for_signal(deadline: Option<Duration>) -> WaitError {
    match block(deadline, core::future::pending::<Infallible>()) {
        Err(e) => e,
        Ok(never) => match never {},
    }
}

/// Wakes a thread parked in [`block`] so it notices a new signal; one
/// running on another CPU is kicked into the kernel, where it checks.
pub fn interrupt(task: &axtask::AxTaskRef) {
    task.interrupt();
    if task.state() == axtask::TaskState::Running {
        super::ipi::kick(task.cpu_id() as usize);
    }
}

/// Tasks waiting for a condition that other tasks change, then notify.
pub struct WaitQueue {
    event: Event,
}

impl Default for WaitQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl WaitQueue {
    pub const fn new() -> Self {
        Self {
            event: Event::new(),
        }
    }

    /// Wakes every waiter (each re-checks its condition).
    pub fn notify_all(&self) {
        self.event.notify(usize::MAX);
    }

    /// A future that resolves once `cond` holds, re-checked on each notify.
    async fn until(&self, mut cond: impl FnMut() -> bool) {
        loop {
            if cond() {
                return;
            }
            listener!(self.event => waiter);
            // A notify between the check above and the listener's creation
            // would be lost: check again now that it is registered.
            if cond() {
                return;
            }
            waiter.await;
        }
    }

    /// Sleeps until notified if `check` (run once the caller is queued, so
    /// that no notify is missed) holds; returns whether it did.
    pub fn wait_if(
        &self,
        deadline: Option<Duration>,
        check: impl FnOnce() -> bool,
    ) -> Result<bool, WaitError> {
        block(deadline, async {
            listener!(self.event => waiter);
            if !check() {
                return false;
            }
            waiter.await;
            true
        })
    }

    /// A blocking read's loop: `take` until it yields, sleeping until
    /// `ready` holds between tries; EAGAIN at once when `nonblock`, EINTR
    /// when a signal comes.
    pub fn take_or_wait<T>(
        &self,
        nonblock: bool,
        mut take: impl FnMut() -> Option<T>,
        mut ready: impl FnMut() -> bool,
    ) -> Result<T, Errno> {
        loop {
            if let Some(v) = take() {
                return Ok(v);
            }
            if nonblock {
                return Err(Errno::EAGAIN);
            }
            self.wait_until(&mut ready)?;
        }
    }

    /// Blocks until `cond` holds; EINTR when a signal comes first.
    pub fn wait_until(&self, cond: impl FnMut() -> bool) -> Result<(), WaitError> {
        self.wait_until_deadline(None, cond)
    }

    /// Blocks until `cond` holds, a signal comes or the monotonic
    /// `deadline` passes.
    pub fn wait_until_deadline(
        &self,
        deadline: Option<Duration>,
        cond: impl FnMut() -> bool,
    ) -> Result<(), WaitError> {
        block(deadline, self.until(cond))
    }

    /// Blocks until `cond` holds or a signal that kills the caller is
    /// pending (Linux's TASK_KILLABLE: others wait); whether `cond` held.
    pub fn wait_killable(&self, mut cond: impl FnMut() -> bool) -> bool {
        let curr = axtask::current();
        let mut until = pin!(self.until(&mut cond));
        block_on(poll_fn(|cx| {
            while curr.poll_interrupt(cx).is_ready() {
                if super::fatal_signal_pending() {
                    return Poll::Ready(false);
                }
            }
            until.as_mut().poll(cx).map(|()| true)
        }))
    }

    /// Blocks until `cond` holds, whatever signals arrive (a stopped
    /// process). `cond` must include the ways out such a wait has.
    pub fn wait_uninterruptible(&self, cond: impl FnMut() -> bool) {
        block_on(self.until(cond))
    }
}
