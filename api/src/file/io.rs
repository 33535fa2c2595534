//! The IO context of a transfer: which fd table the fd is looked up in and
//! whose memory the bytes come from or go to. A syscall uses its caller's
//! (`current`); work done for a process elsewhere, such as a kernel
//! coroutine on the IO core, uses that process's (`of`). The file
//! operations below are the same either way.

use alloc::sync::Arc;

use axsync::Mutex;

use super::{FdTable, OpenFile};
use crate::errno::{Errno, SysResult};
use crate::task::{Process, with_current_thread};
use crate::uaccess::{UserSlice, UserSpace};

/// Bytes moved by one read or write call at most; more is a short transfer,
/// which callers must handle anyway.
pub const MAX_IO: usize = 1 << 20;

pub struct IoContext {
    fds: Arc<Mutex<FdTable>>,
    space: UserSpace,
}

impl IoContext {
    /// The calling thread's: its process's fd table and the address space
    /// it runs in.
    pub fn current() -> Self {
        with_current_thread(|t| Self {
            fds: t.process.fds.clone(),
            space: UserSpace::Current,
        })
    }

    /// Process `p`'s, for IO done on its behalf from another task or CPU.
    #[allow(dead_code)] // the io_uring IO core's; nothing runs it yet
    pub fn of(p: &Process) -> Self {
        Self {
            fds: p.fds.clone(),
            space: UserSpace::Of(p.aspace()),
        }
    }

    pub fn file(&self, fd: i32) -> SysResult<Arc<OpenFile>> {
        self.fds.lock().get(fd)
    }

    fn readable(&self, fd: i32) -> SysResult<Arc<OpenFile>> {
        let f = self.file(fd)?;
        if !f.readable() {
            return Err(Errno::EBADF);
        }
        Ok(f)
    }

    fn writable(&self, fd: i32) -> SysResult<Arc<OpenFile>> {
        let f = self.file(fd)?;
        if !f.writable() {
            return Err(Errno::EBADF);
        }
        Ok(f)
    }

    /// read(2) into `buf`.
    pub fn read(&self, fd: i32, buf: UserSlice) -> SysResult<usize> {
        let f = self.readable(fd)?;
        let buf = buf.take(MAX_IO).check()?;
        f.file.read_to(buf.len, f.nonblocking(), &mut |data| {
            self.space.copy_out(buf, data)
        })
    }

    /// write(2) from `buf`.
    pub fn write(&self, fd: i32, buf: UserSlice) -> SysResult<usize> {
        let f = self.writable(fd)?;
        let data = self.space.copy_in(buf.take(MAX_IO))?;
        f.write(&data)
    }

    /// pread64(2): into `buf` from offset `off`, the position left alone.
    pub fn pread(&self, fd: i32, buf: UserSlice, off: i64) -> SysResult<usize> {
        let f = self.readable(fd)?;
        if off < 0 {
            return Err(Errno::EINVAL);
        }
        let buf = buf.take(MAX_IO).check()?;
        let mut kbuf = alloc::vec![0u8; buf.len];
        let n = f.file.read_at(&mut kbuf, off as u64)?;
        self.space.copy_out(buf, &kbuf[..n])?;
        Ok(n)
    }

    /// pwrite64(2): from `buf` at offset `off`.
    pub fn pwrite(&self, fd: i32, buf: UserSlice, off: i64) -> SysResult<usize> {
        let f = self.writable(fd)?;
        if off < 0 {
            return Err(Errno::EINVAL);
        }
        let data = self.space.copy_in(buf.take(MAX_IO))?;
        f.write_at(&data, off as u64)
    }

    /// readv(2) and writev(2): `op` on each non-empty buffer in turn,
    /// stopping after a short transfer; an error after some progress ends
    /// the call with the progress.
    pub fn vectored(
        &self,
        fd: i32,
        bufs: &[UserSlice],
        op: fn(&Self, i32, UserSlice) -> SysResult<usize>,
    ) -> SysResult<usize> {
        let mut total = 0;
        for &buf in bufs.iter().filter(|b| !b.is_empty()) {
            match op(self, fd, buf) {
                Ok(n) => {
                    total += n;
                    if n < buf.len {
                        break;
                    }
                }
                Err(e) if total == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(total)
    }
}
