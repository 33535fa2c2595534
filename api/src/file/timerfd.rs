//! A timerfd: a timer on a clock whose expirations read(2) counts, as
//! Linux's fs/timerfd.c. Expirations are counted lazily from the clock when
//! the timer is looked at (read, poll, gettime, settime); a kernel timer
//! (`task::timer`) at the next expiry wakes whoever sleeps on it. As on
//! Linux, once the timer has expired that kernel timer is not re-armed
//! until a read consumes the count: a readable timerfd has nobody to wake.
//!
//! TFD_TIMER_CANCEL_ON_SET is accepted and shown in fdinfo, but the
//! realtime clock cannot be set here, so a read never fails with ECANCELED.

use alloc::format;
use alloc::string::String;
use alloc::sync::{Arc, Weak};
use core::task::Waker;
use core::time::Duration;

use axsync::Mutex;
use pollset::PollSet;

use super::{FileKind, FileLike, Kstat, anon_inode_stat, events};
use crate::errno::{Errno, SysResult};
use crate::task::timer::{self, TimerKey};
use crate::task::wait::WaitQueue;

/// The clock a timerfd counts on.
#[derive(Clone, Copy)]
pub enum TimerClock {
    /// CLOCK_REALTIME (and its _ALARM form): the wall clock.
    Realtime,
    /// CLOCK_MONOTONIC, CLOCK_BOOTTIME (and its _ALARM form): the system
    /// never suspends, so boot time is monotonic time.
    Monotonic,
}

impl TimerClock {
    fn now(self) -> Duration {
        match self {
            TimerClock::Realtime => axhal::time::wall_time(),
            TimerClock::Monotonic => axhal::time::monotonic_time(),
        }
    }

    /// The monotonic time at which this clock reads `at`, as of now.
    fn to_monotonic(self, at: Duration) -> Duration {
        let mono = axhal::time::monotonic_time();
        match self {
            TimerClock::Realtime => mono + at.saturating_sub(self.now()),
            TimerClock::Monotonic => at,
        }
    }
}

/// A timer setting: the time left to the next expiry (zero when disarmed)
/// and the period.
#[derive(Clone, Copy, Default)]
pub struct TimerSpec {
    pub value: Duration,
    pub interval: Duration,
}

struct State {
    /// The next expiry on the timer's clock; None when disarmed.
    expiry: Option<Duration>,
    interval: Duration,
    /// Expirations not yet read.
    ticks: u64,
    /// TFD_TIMER_ABSTIME and TFD_TIMER_CANCEL_ON_SET as last set.
    flags: u32,
    /// The kernel timer that wakes sleepers at `expiry`, and its number:
    /// a callback that lost the race with a cancel finds a newer number
    /// and does nothing.
    wake_timer: Option<(TimerKey, u64)>,
    armed: u64,
}

impl State {
    /// Counts the expirations up to `now` and moves `expiry` past it.
    fn advance(&mut self, now: Duration) {
        let Some(expiry) = self.expiry.filter(|&e| e <= now) else {
            return;
        };
        if self.interval.is_zero() {
            self.ticks += 1;
            self.expiry = None;
            return;
        }
        let periods = ((now - expiry).as_nanos() / self.interval.as_nanos()) as u64 + 1;
        self.ticks = self.ticks.saturating_add(periods);
        self.expiry = u32::try_from(periods)
            .ok()
            .and_then(|p| self.interval.checked_mul(p))
            .and_then(|d| expiry.checked_add(d));
    }

    fn spec(&self, now: Duration) -> TimerSpec {
        TimerSpec {
            value: self
                .expiry
                .map_or(Duration::ZERO, |e| e.saturating_sub(now)),
            interval: self.interval,
        }
    }
}

pub struct TimerFd {
    clockid: i32,
    clock: TimerClock,
    state: Mutex<State>,
    /// Blocked readers.
    wq: WaitQueue,
    pollers: PollSet,
    /// Itself, for the kernel timer's callback (which must not keep it alive).
    me: Weak<TimerFd>,
}

impl TimerFd {
    /// A disarmed timer; `clockid` is what fdinfo shows.
    pub fn new(clockid: i32, clock: TimerClock) -> Arc<Self> {
        Arc::new_cyclic(|me| Self {
            clockid,
            clock,
            state: Mutex::new(State {
                expiry: None,
                interval: Duration::ZERO,
                ticks: 0,
                flags: 0,
                wake_timer: None,
                armed: 0,
            }),
            wq: WaitQueue::new(),
            pollers: PollSet::new(),
            me: me.clone(),
        })
    }

    /// The state with the expirations up to now counted.
    fn current(&self) -> axsync::MutexGuard<'_, State> {
        let mut st = self.state.lock();
        st.advance(self.clock.now());
        st
    }

    /// Arms the kernel timer for the next expiry if a sleeper may need it:
    /// the timer is armed and nothing is left to read.
    fn arm_wake_timer(&self, st: &mut State) {
        let (None, Some(expiry), 0) = (st.wake_timer, st.expiry, st.ticks) else {
            return;
        };
        let me = self.me.clone();
        st.armed += 1;
        let number = st.armed;
        let key = timer::arm(self.clock.to_monotonic(expiry), move || {
            if let Some(t) = me.upgrade() {
                t.fire(number);
            }
        });
        st.wake_timer = Some((key, number));
    }

    /// The kernel timer's callback: count, wake, and arm again if the
    /// clock says the expiry has not come yet (the wall clock went back).
    fn fire(&self, number: u64) {
        let expired = {
            let mut st = self.current();
            if st.wake_timer.is_none_or(|(_, n)| n != number) {
                return;
            }
            st.wake_timer = None;
            self.arm_wake_timer(&mut st);
            st.ticks > 0
        };
        if expired {
            self.wq.notify_all();
            self.pollers.wake();
        }
    }

    /// timerfd_settime: the new setting (`absolute`: `spec.value` is a time
    /// on the clock) replaces the old, which is returned; unread
    /// expirations are dropped.
    pub fn set(&self, spec: TimerSpec, absolute: bool, flags: u32) -> TimerSpec {
        let now = self.clock.now();
        let old = {
            let mut st = self.current();
            let old = st.spec(now);
            if let Some((key, _)) = st.wake_timer.take() {
                timer::cancel(key);
            }
            st.ticks = 0;
            st.flags = flags;
            st.interval = spec.interval;
            st.expiry = match (spec.value.is_zero(), absolute) {
                (true, _) => None,
                (false, true) => Some(spec.value),
                (false, false) => now.checked_add(spec.value),
            };
            self.arm_wake_timer(&mut st);
            old
        };
        self.pollers.wake();
        old
    }

    /// timerfd_gettime.
    pub fn get(&self) -> TimerSpec {
        self.current().spec(self.clock.now())
    }

    /// Takes the expiration count if it is not zero.
    fn take_ticks(&self) -> Option<u64> {
        let mut st = self.current();
        if st.ticks == 0 {
            return None;
        }
        let ticks = core::mem::take(&mut st.ticks);
        self.arm_wake_timer(&mut st);
        Some(ticks)
    }
}

impl Drop for TimerFd {
    fn drop(&mut self) {
        if let Some((key, _)) = self.state.get_mut().wake_timer {
            timer::cancel(key);
        }
    }
}

impl FileLike for TimerFd {
    fn read(&self, buf: &mut [u8], nonblock: bool) -> SysResult<usize> {
        super::read_through_read_to(self, buf, nonblock)
    }

    fn read_to(
        &self,
        len: usize,
        nonblock: bool,
        out: &mut dyn FnMut(&[u8]) -> SysResult<()>,
    ) -> SysResult<usize> {
        if len < 8 {
            return Err(Errno::EINVAL);
        }
        let ticks =
            self.wq
                .take_or_wait(nonblock, || self.take_ticks(), || self.current().ticks > 0)?;
        out(&ticks.to_ne_bytes())?;
        Ok(8)
    }

    /// No write operation: Linux's vfs_write answers EINVAL.
    fn write(&self, _buf: &[u8], _nonblock: bool) -> SysResult<usize> {
        Err(Errno::EINVAL)
    }

    /// Linux's noop_llseek: the position stays 0.
    fn seek(&self, _offset: i64, _whence: u32) -> SysResult<u64> {
        Ok(0)
    }

    fn stat(&self) -> SysResult<Kstat> {
        Ok(anon_inode_stat())
    }

    fn poll(&self) -> u16 {
        if self.current().ticks > 0 {
            events::POLLIN
        } else {
            0
        }
    }

    fn register(&self, waker: &Waker, _events: u16) {
        self.pollers.register(waker);
    }

    fn fdinfo(&self) -> String {
        let st = self.current();
        let spec = st.spec(self.clock.now());
        format!(
            "clockid: {}\nticks: {}\nsettime flags: 0{:o}\nit_value: ({}, {})\nit_interval: ({}, {})\n",
            self.clockid,
            st.ticks,
            st.flags,
            spec.value.as_secs(),
            spec.value.subsec_nanos(),
            spec.interval.as_secs(),
            spec.interval.subsec_nanos()
        )
    }

    fn path(&self) -> String {
        "anon_inode:[timerfd]".into()
    }

    fn kind(&self) -> FileKind<'_> {
        FileKind::Timer(self)
    }
}
