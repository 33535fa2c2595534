//! An eventfd: a 64-bit counter that write(2) adds to and read(2) takes
//! (all of it, or one with EFD_SEMAPHORE), as Linux's fs/eventfd.c.

use alloc::format;
use alloc::string::String;
use core::sync::atomic::{AtomicU32, Ordering};
use core::task::Waker;

use axsync::Mutex;
use pollset::PollSet;

use super::{FileLike, Kstat, anon_inode_stat, events};
use crate::errno::{Errno, SysResult};
use crate::task::wait::WaitQueue;

/// The counter never reaches this: a write that would is EINVAL (the value
/// itself) or waits (a sum past it).
const OVERFLOW: u64 = u64::MAX;

pub struct EventFd {
    count: Mutex<u64>,
    semaphore: bool,
    /// The number fdinfo shows as `eventfd-id`.
    id: u32,
    /// Blocked readers and writers.
    wq: WaitQueue,
    pollers: PollSet,
}

impl EventFd {
    pub fn new(initial: u32, semaphore: bool) -> Self {
        Self {
            count: Mutex::new(initial as u64),
            semaphore,
            id: {
                static NEXT_ID: AtomicU32 = AtomicU32::new(0);
                NEXT_ID.fetch_add(1, Ordering::Relaxed)
            },
            wq: WaitQueue::new(),
            pollers: PollSet::new(),
        }
    }

    fn changed(&self) {
        self.wq.notify_all();
        self.pollers.wake();
    }

    /// Takes what a read returns, if the counter is not zero.
    fn take(&self) -> Option<u64> {
        let mut count = self.count.lock();
        if *count == 0 {
            return None;
        }
        let n = if self.semaphore { 1 } else { *count };
        *count -= n;
        Some(n)
    }

    /// Adds `n` if the sum stays below [`OVERFLOW`].
    fn add(&self, n: u64) -> bool {
        let mut count = self.count.lock();
        if OVERFLOW - *count <= n {
            return false;
        }
        *count += n;
        true
    }
}

impl FileLike for EventFd {
    fn read(&self, buf: &mut [u8], nonblock: bool) -> SysResult<usize> {
        super::read_through_read_to(self, buf, nonblock)
    }

    /// As Linux, the value leaves the counter before it is copied out: a
    /// read that faults loses it.
    fn read_to(
        &self,
        len: usize,
        nonblock: bool,
        out: &mut dyn FnMut(&[u8]) -> SysResult<()>,
    ) -> SysResult<usize> {
        if len < 8 {
            return Err(Errno::EINVAL);
        }
        let n = self
            .wq
            .take_or_wait(nonblock, || self.take(), || *self.count.lock() != 0)?;
        self.changed();
        out(&n.to_ne_bytes())?;
        Ok(8)
    }

    /// Exactly 8 bytes (Linux 6.18 refuses longer writes too).
    fn write(&self, buf: &[u8], nonblock: bool) -> SysResult<usize> {
        let Ok(bytes) = <[u8; 8]>::try_from(buf) else {
            return Err(Errno::EINVAL);
        };
        let n = u64::from_ne_bytes(bytes);
        if n == OVERFLOW {
            return Err(Errno::EINVAL);
        }
        while !self.add(n) {
            if nonblock {
                return Err(Errno::EAGAIN);
            }
            self.wq.wait_until(|| OVERFLOW - *self.count.lock() > n)?;
        }
        self.changed();
        Ok(8)
    }

    /// Linux's noop_llseek: the position stays 0.
    fn seek(&self, _offset: i64, _whence: u32) -> SysResult<u64> {
        Ok(0)
    }

    fn stat(&self) -> SysResult<Kstat> {
        Ok(anon_inode_stat())
    }

    fn poll(&self) -> u16 {
        let count = *self.count.lock();
        let mut ev = 0;
        if count > 0 {
            ev |= events::POLLIN;
        }
        if count == OVERFLOW {
            ev |= events::POLLERR;
        }
        if OVERFLOW - 1 > count {
            ev |= events::POLLOUT;
        }
        ev
    }

    fn register(&self, waker: &Waker, _events: u16) {
        self.pollers.register(waker);
    }

    fn fdinfo(&self) -> String {
        format!(
            "eventfd-count: {:16x}\neventfd-id: {}\neventfd-semaphore: {}\n",
            *self.count.lock(),
            self.id,
            self.semaphore as u8
        )
    }

    fn path(&self) -> String {
        "anon_inode:[eventfd]".into()
    }
}
