//! Pipes: a bounded byte ring shared by a read end and a write end.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::sync::Arc;
use core::task::Waker;

use axsync::Mutex;
use pollset::PollSet;

use super::{FileKind, FileLike, Kstat, events};
use crate::errno::{Errno, SysResult};
use crate::task::wait::WaitQueue;

/// Linux's default pipe capacity.
const PIPE_DEF_CAPACITY: usize = 65536;
/// Writes up to this size are atomic (POSIX PIPE_BUF).
const PIPE_BUF: usize = 4096;

struct Shared {
    buf: Mutex<VecDeque<u8>>,
    readers: Mutex<usize>,
    writers: Mutex<usize>,
    /// Woken whenever data, space, or an end changes: blocked readers and
    /// writers, and the pollers of either end.
    wq: WaitQueue,
    pollers: PollSet,
    ino: u64,
    /// Bytes the pipe holds at most (F_GETPIPE_SZ / F_SETPIPE_SZ).
    capacity: core::sync::atomic::AtomicUsize,
}

impl Shared {
    fn capacity(&self) -> usize {
        self.capacity.load(core::sync::atomic::Ordering::Relaxed)
    }

    /// Wakes the pipe's own waiters and pollers after data, space or an end changed.
    fn changed(&self) {
        self.wq.notify_all();
        self.pollers.wake();
    }
}

pub struct PipeEnd {
    shared: Arc<Shared>,
    is_reader: bool,
}

/// Creates a pipe, returning (read end, write end).
pub fn new_pipe() -> (Arc<PipeEnd>, Arc<PipeEnd>) {
    let shared = Arc::new(Shared {
        buf: Mutex::new(VecDeque::new()),
        readers: Mutex::new(1),
        writers: Mutex::new(1),
        wq: WaitQueue::new(),
        pollers: PollSet::new(),
        ino: super::anon_ino(),
        capacity: core::sync::atomic::AtomicUsize::new(PIPE_DEF_CAPACITY),
    });
    (
        Arc::new(PipeEnd {
            shared: shared.clone(),
            is_reader: true,
        }),
        Arc::new(PipeEnd {
            shared,
            is_reader: false,
        }),
    )
}

impl PipeEnd {
    /// A new end of the same pipe, as opening `/proc/<pid>/fd/N` of a pipe
    /// opens its inode again: the read end for O_RDONLY, the write end for
    /// O_WRONLY (O_RDWR, a FIFO's both ends on Linux, keeps this end's side).
    pub fn reopen(&self, access: u32) -> Arc<PipeEnd> {
        use linux_raw_sys::general::{O_RDONLY, O_WRONLY};
        let is_reader = match access {
            O_RDONLY => true,
            O_WRONLY => false,
            _ => self.is_reader,
        };
        let count = if is_reader {
            &self.shared.readers
        } else {
            &self.shared.writers
        };
        *count.lock() += 1;
        self.shared.changed();
        Arc::new(PipeEnd {
            shared: self.shared.clone(),
            is_reader,
        })
    }

    /// F_GETPIPE_SZ.
    pub fn capacity(&self) -> usize {
        self.shared.capacity()
    }

    /// F_SETPIPE_SZ as Linux's pipe_set_size: the size is rounded up to a
    /// power-of-two number of pages; it may not drop below what the pipe
    /// holds (EBUSY). Callers are root, so /proc/sys/fs/pipe-max-size does
    /// not apply; sizes past 2^31 are EINVAL.
    pub fn set_capacity(&self, size: usize) -> SysResult<usize> {
        const PAGE: usize = 4096;
        if size > 1 << 31 {
            return Err(Errno::EINVAL);
        }
        let size = size.max(PAGE).next_power_of_two();
        let buf = self.shared.buf.lock();
        if buf.len() > size {
            return Err(Errno::EBUSY);
        }
        self.shared
            .capacity
            .store(size, core::sync::atomic::Ordering::Relaxed);
        drop(buf);
        self.shared.changed();
        Ok(size)
    }
}

impl Drop for PipeEnd {
    fn drop(&mut self) {
        let count = if self.is_reader {
            &self.shared.readers
        } else {
            &self.shared.writers
        };
        *count.lock() -= 1;
        self.shared.changed();
    }
}

impl FileLike for PipeEnd {
    fn read(&self, buf: &mut [u8], nonblock: bool) -> SysResult<usize> {
        super::read_through_read_to(self, buf, nonblock)
    }

    /// Hands up to `len` buffered bytes to `out` in one piece, straight
    /// from the pipe's buffer; they leave the pipe only if `out` succeeds
    /// (a read that faults consumes nothing, as on Linux).
    fn read_to(
        &self,
        len: usize,
        nonblock: bool,
        out: &mut dyn FnMut(&[u8]) -> SysResult<()>,
    ) -> SysResult<usize> {
        if !self.is_reader {
            return Err(Errno::EBADF);
        }
        if len == 0 {
            return Ok(0);
        }
        loop {
            {
                let mut buf = self.shared.buf.lock();
                if !buf.is_empty() {
                    let n = len.min(buf.len());
                    out(&buf.make_contiguous()[..n])?;
                    buf.drain(..n);
                    drop(buf);
                    self.shared.changed();
                    return Ok(n);
                }
                if *self.shared.writers.lock() == 0 {
                    return Ok(0);
                }
            }
            if nonblock {
                return Err(Errno::EAGAIN);
            }
            self.shared.wq.wait_until(|| {
                !self.shared.buf.lock().is_empty() || *self.shared.writers.lock() == 0
            })?;
        }
    }

    fn write(&self, data: &[u8], nonblock: bool) -> SysResult<usize> {
        if self.is_reader {
            return Err(Errno::EBADF);
        }
        let mut written = 0;
        while written < data.len() {
            if *self.shared.readers.lock() == 0 {
                let t = crate::task::current_thread();
                crate::signal::send_to_thread(&t, crate::signal::SIGPIPE);
                return if written > 0 {
                    Ok(written)
                } else {
                    Err(Errno::EPIPE)
                };
            }
            {
                let mut buf = self.shared.buf.lock();
                let space = self.shared.capacity() - buf.len();
                let left = data.len() - written;
                // Small writes are atomic: wait until they fit entirely.
                if space > 0 && (left > PIPE_BUF || space >= left) {
                    let n = space.min(left);
                    buf.extend(&data[written..written + n]);
                    written += n;
                    drop(buf);
                    self.shared.changed();
                    continue;
                }
            }
            if nonblock {
                return if written > 0 {
                    Ok(written)
                } else {
                    Err(Errno::EAGAIN)
                };
            }
            let room = self.shared.wq.wait_until(|| {
                self.shared.capacity() - self.shared.buf.lock().len()
                    >= (data.len() - written).min(PIPE_BUF)
                    || *self.shared.readers.lock() == 0
            });
            // Interrupted after a partial write: report what was written.
            if let Err(e) = room {
                return if written > 0 {
                    Ok(written)
                } else {
                    Err(e.into())
                };
            }
        }
        Ok(written)
    }

    fn stat(&self) -> SysResult<Kstat> {
        Ok(Kstat {
            dev: 0xc,
            ino: self.shared.ino,
            mode: 0o010600, // S_IFIFO | rw-------
            nlink: 1,
            blksize: 4096,
            ..Default::default()
        })
    }

    fn poll(&self) -> u16 {
        let buf_len = self.shared.buf.lock().len();
        if self.is_reader {
            let mut ev = 0;
            if buf_len > 0 {
                ev |= events::POLLIN;
            }
            if *self.shared.writers.lock() == 0 {
                ev |= events::POLLHUP;
            }
            ev
        } else {
            // Like Linux: room to write is reported even without readers.
            let mut ev = 0;
            if self.shared.capacity() - buf_len >= PIPE_BUF {
                ev |= events::POLLOUT;
            }
            if *self.shared.readers.lock() == 0 {
                ev |= events::POLLERR;
            }
            ev
        }
    }

    fn register(&self, waker: &Waker, _events: u16) {
        self.shared.pollers.register(waker);
    }

    fn ioctl(&self, cmd: u32, arg: usize) -> SysResult<isize> {
        if cmd == linux_raw_sys::ioctl::FIONREAD {
            let n = self.shared.buf.lock().len() as i32;
            crate::uaccess::write_val(arg, &n)?;
            return Ok(0);
        }
        Err(Errno::ENOTTY)
    }

    fn path(&self) -> String {
        alloc::format!("pipe:[{}]", self.shared.ino)
    }

    fn kind(&self) -> FileKind<'_> {
        FileKind::Pipe(self)
    }
}
