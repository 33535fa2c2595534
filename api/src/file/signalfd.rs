//! A signalfd: reading it takes the caller's pending signals of its mask
//! as `signalfd_siginfo` records instead of delivering them, as Linux's
//! fs/signalfd.c. Like Linux it has no state of its own but the mask: it
//! reads and polls the pending queues of whichever thread uses it.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::future::poll_fn;
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Poll, Waker};

use super::{FileKind, FileLike, Kstat, anon_inode_stat, events};
use crate::errno::{Errno, SysResult};
use crate::signal::{self, SigInfo, SignalfdSiginfo, UNBLOCKABLE};
use crate::task::current_thread;
use crate::task::wait::{self, WaitError};

const RECORD: usize = core::mem::size_of::<SignalfdSiginfo>();

pub struct SignalFd {
    /// The signals it takes (never SIGKILL or SIGSTOP).
    mask: AtomicU64,
}

impl SignalFd {
    pub fn new(mask: u64) -> Self {
        Self {
            mask: AtomicU64::new(mask & !UNBLOCKABLE),
        }
    }

    /// signalfd4 on an existing signalfd: a new mask, which may make
    /// signals readable at once.
    pub fn set_mask(&self, mask: u64) {
        self.mask.store(mask & !UNBLOCKABLE, Ordering::Release);
        current_thread().process.signal.signalfd_pollers().wake();
    }

    fn mask(&self) -> u64 {
        self.mask.load(Ordering::Acquire)
    }

    /// Takes a pending signal of the mask: the caller's own first, then
    /// the process's (the order of delivery, Linux's dequeue_signal).
    fn dequeue(&self) -> Option<SigInfo> {
        signal::dequeue(&current_thread(), self.mask())
    }

    /// Waits for a signal of the mask; EINTR (or a restart) when a signal
    /// outside it is to be delivered first.
    fn dequeue_wait(&self) -> SysResult<SigInfo> {
        let t = current_thread();
        let pollers = t.process.signal.signalfd_pollers();
        let waited = wait::block(
            None,
            poll_fn(|cx| {
                pollers.register(cx.waker());
                self.dequeue().map_or(Poll::Pending, Poll::Ready)
            }),
        );
        match waited {
            Ok(info) => Ok(info),
            // A signal of the mask that is not blocked interrupts the wait
            // too; Linux looks for one to read before giving up.
            Err(WaitError::Interrupted) => self.dequeue().ok_or(Errno::EINTR),
            Err(e) => Err(e.into()),
        }
    }
}

impl FileLike for SignalFd {
    fn read(&self, buf: &mut [u8], nonblock: bool) -> SysResult<usize> {
        super::read_through_read_to(self, buf, nonblock)
    }

    /// As many records as fit and are pending, waiting only for the first.
    /// Signals leave their queue before the copy: a read that faults
    /// loses them, as on Linux.
    fn read_to(
        &self,
        len: usize,
        nonblock: bool,
        out: &mut dyn FnMut(&[u8]) -> SysResult<()>,
    ) -> SysResult<usize> {
        let max = len / RECORD;
        if max == 0 {
            return Err(Errno::EINVAL);
        }
        let first = match self.dequeue() {
            Some(info) => info,
            None if nonblock => return Err(Errno::EAGAIN),
            None => self.dequeue_wait()?,
        };
        let mut data = Vec::with_capacity(RECORD);
        let mut next = Some(first);
        while let Some(info) = next {
            data.extend_from_slice(info.to_signalfd().as_bytes());
            next = if data.len() < max * RECORD {
                self.dequeue()
            } else {
                None
            };
        }
        out(&data)?;
        Ok(data.len())
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

    /// Readable while the calling thread or its process has a signal of
    /// the mask pending.
    fn poll(&self) -> u16 {
        let t = current_thread();
        let pending = t.signal.pending_set() | t.process.signal.pending_set();
        if pending & self.mask() != 0 {
            events::POLLIN
        } else {
            0
        }
    }

    fn register(&self, waker: &Waker, _events: u16) {
        current_thread()
            .process
            .signal
            .signalfd_pollers()
            .register(waker);
    }

    fn fdinfo(&self) -> String {
        format!("sigmask:\t{:016x}\n", self.mask())
    }

    fn path(&self) -> String {
        "anon_inode:[signalfd]".into()
    }

    fn kind(&self) -> FileKind<'_> {
        FileKind::Signal(self)
    }
}
