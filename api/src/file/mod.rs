//! Everything that is an fd: one trait object per open file description.

mod console;
mod epoll;
mod eventfd;
mod fd_table;
mod fs;
mod io;
pub mod lock;
mod pages;
mod pidfd;
mod pipe;
mod serial;
mod signalfd;
mod timerfd;

use alloc::string::String;
use alloc::sync::Arc;
use core::any::Any;
use core::sync::atomic::{AtomicU32, Ordering};
use core::task::Waker;

pub use console::{Console, ConsoleNode};
pub use epoll::{Ctl, EPOLLET, EPOLLEXCLUSIVE, EPOLLWAKEUP, Epoll, Ready};
pub use fd_table::{FdTable, get_file, install, install_open};
pub use fs::{Directory, RegularFile, kstat_of, open_location, perm};
pub use io::IoContext;

/// Metadata of a VFS location as a Kstat.
pub fn kstat_of_loc(loc: &axfs_ng_vfs::Location) -> crate::errno::SysResult<Kstat> {
    use crate::errno::VfsResultExt;
    Ok(kstat_of(&loc.metadata().sys()?))
}
pub use eventfd::EventFd;
pub use pages::{FilePages, SharedFile};
pub use pidfd::PidFd;
pub use pipe::{PipeEnd, new_pipe};
pub use signalfd::SignalFd;
pub use timerfd::{TimerClock, TimerFd, TimerSpec};

use crate::errno::{Errno, SysResult};

/// A fresh inode number for a file that lives on no filesystem (pipes,
/// pidfds).
pub fn anon_ino() -> u64 {
    static NEXT_INO: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(1000);
    NEXT_INO.fetch_add(1, Ordering::Relaxed)
}

/// The metadata of Linux's anonymous inode, the one inode behind every
/// epoll instance, eventfd, timerfd and signalfd: rw for the owner, no file
/// type.
pub fn anon_inode_stat() -> Kstat {
    static INO: spin::Once<u64> = spin::Once::new();
    Kstat::anonymous(0x10, *INO.call_once(anon_ino), 0o600)
}

/// File metadata, independent of the per-arch `struct stat` layout.
#[derive(Debug, Clone, Default)]
pub struct Kstat {
    pub dev: u64,
    pub ino: u64,
    /// File type and permission bits, as in `st_mode`.
    pub mode: u32,
    pub nlink: u32,
    pub uid: u32,
    pub gid: u32,
    pub rdev: u64,
    pub size: u64,
    pub blksize: u32,
    pub blocks: u64,
    pub atime: core::time::Duration,
    pub mtime: core::time::Duration,
    pub ctime: core::time::Duration,
}

impl Kstat {
    /// An inode of no filesystem (an epoll instance, a pidfd, an eventfd):
    /// permission bits without a file type, as Linux shows them, on the
    /// pseudo device `dev`.
    pub fn anonymous(dev: u64, ino: u64, mode: u32) -> Self {
        Self {
            dev,
            ino,
            mode,
            nlink: 1,
            blksize: 4096,
            ..Default::default()
        }
    }
}

/// Readiness bits, as in `poll(2)`.
pub mod events {
    pub const POLLIN: u16 = 0x1;
    pub const POLLPRI: u16 = 0x2;
    pub const POLLOUT: u16 = 0x4;
    pub const POLLERR: u16 = 0x8;
    pub const POLLHUP: u16 = 0x10;
    pub const POLLNVAL: u16 = 0x20;
    pub const POLLRDNORM: u16 = 0x40;
    pub const POLLWRNORM: u16 = 0x100;
}

/// The operations of an open file. Methods that a kind of file does not
/// support keep the default, which fails the way Linux does for it.
pub trait FileLike: Send + Sync + Any {
    /// Reads at the current position (or from the stream).
    fn read(&self, buf: &mut [u8], nonblock: bool) -> SysResult<usize>;
    /// read(2): reads up to `len` bytes and hands them to `out`, the copy to
    /// user memory. Files with a position advance it only if `out` succeeds:
    /// a read that fails with EFAULT consumes nothing (Linux leaves f_pos).
    fn read_to(
        &self,
        len: usize,
        nonblock: bool,
        out: &mut dyn FnMut(&[u8]) -> SysResult<()>,
    ) -> SysResult<usize> {
        let mut kbuf = alloc::vec![0u8; len];
        let n = self.read(&mut kbuf, nonblock)?;
        out(&kbuf[..n])?;
        Ok(n)
    }
    /// Writes at the current position (or to the stream).
    fn write(&self, buf: &[u8], nonblock: bool) -> SysResult<usize>;
    /// Writes at the end of the file, as O_APPEND does, leaving the position
    /// alone; returns the bytes written and the new end. Files without an
    /// end (pipes, terminals) fail with ESPIPE and are written as streams.
    fn append(&self, _buf: &[u8]) -> SysResult<(usize, u64)> {
        Err(Errno::ESPIPE)
    }
    fn read_at(&self, _buf: &mut [u8], _offset: u64) -> SysResult<usize> {
        Err(Errno::ESPIPE)
    }
    fn write_at(&self, _buf: &[u8], _offset: u64) -> SysResult<usize> {
        Err(Errno::ESPIPE)
    }
    /// `whence` as for lseek; returns the new offset.
    fn seek(&self, _offset: i64, _whence: u32) -> SysResult<u64> {
        Err(Errno::ESPIPE)
    }
    fn stat(&self) -> SysResult<Kstat>;
    fn ioctl(&self, _cmd: u32, _arg: usize) -> SysResult<isize> {
        Err(Errno::ENOTTY)
    }
    /// Current readiness (`events::*` bits).
    fn poll(&self) -> u16 {
        events::POLLIN | events::POLLOUT
    }
    /// Registers `waker` to be woken once the readiness for `events` (or
    /// an error or hang-up) may have changed; a waiter registers, then
    /// calls [`poll`](Self::poll), so no change is missed. Files whose
    /// readiness never changes (regular files, directories) keep this
    /// default, which registers nothing.
    fn register(&self, _waker: &Waker, _events: u16) {}
    /// The filesystem node behind the file, if it has one (fchmod, fchown,
    /// futimens and the AT_EMPTY_PATH calls act on it).
    fn location(&self) -> Option<&axfs_ng_vfs::Location> {
        None
    }
    /// The path shown in /proc/<pid>/fd.
    fn path(&self) -> String;
    /// Lines of /proc/<pid>/fdinfo/N particular to this kind of file.
    fn fdinfo(&self) -> String {
        String::new()
    }
    /// What mmap(2) maps for this file from `offset`: shared or private
    /// pages of a source the memory manager can map (a page cache, later a
    /// ring buffer or a bpf map). Files that cannot be mapped (pipes,
    /// terminals, directories) keep this default, Linux's ENODEV.
    fn mmap(&self, _shared: bool, _offset: u64) -> SysResult<mm::aspace::Source> {
        Err(Errno::ENODEV)
    }
    /// Which kind of file this is, for the calls that act on one kind only.
    fn kind(&self) -> FileKind<'_> {
        FileKind::Other
    }
}

/// `FileLike::read` for a file whose reads are written as `read_to`: the
/// bytes go into a kernel buffer.
pub(crate) fn read_through_read_to(
    file: &dyn FileLike,
    buf: &mut [u8],
    nonblock: bool,
) -> SysResult<usize> {
    file.read_to(buf.len(), nonblock, &mut |data| {
        buf[..data.len()].copy_from_slice(data);
        Ok(())
    })
}

/// Typed access to an fd's file for the calls that act on one kind only
/// (ftruncate on a regular file, F_SETPIPE_SZ on a pipe, a dirfd), in place
/// of downcasts at the call sites.
pub enum FileKind<'a> {
    Regular(&'a RegularFile),
    Directory(&'a Directory),
    Pipe(&'a PipeEnd),
    Epoll(&'a Epoll),
    /// signalfd4 on an existing fd updates its mask.
    Signal(&'a SignalFd),
    /// timerfd_settime and timerfd_gettime.
    Timer(&'a TimerFd),
    /// Any other kind: none of those calls applies to it.
    Other,
}

/// An open file description: the file plus its status flags (O_APPEND,
/// O_NONBLOCK, access mode), which `dup`ed fds share.
pub struct OpenFile {
    pub file: Arc<dyn FileLike>,
    status: AtomicU32,
    /// Whether an OFD or flock lock was taken through this description:
    /// only then does its end look for locks to drop.
    locked: core::sync::atomic::AtomicBool,
}

impl Drop for OpenFile {
    fn drop(&mut self) {
        if *self.locked.get_mut() {
            lock::release_owner(lock::Owner::Description(self.lock_id()));
        }
    }
}

/// Status flags that F_SETFL may change.
const SETFL_MASK: u32 = linux_raw_sys::general::O_APPEND
    | linux_raw_sys::general::O_NONBLOCK
    | linux_raw_sys::general::FASYNC
    | linux_raw_sys::general::O_DIRECT
    | linux_raw_sys::general::O_NOATIME;

impl OpenFile {
    pub fn new(file: Arc<dyn FileLike>, status: u32) -> Arc<Self> {
        Arc::new(Self {
            file,
            status: AtomicU32::new(status),
            locked: core::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The file's identity in the lock table.
    pub fn lock_key(&self) -> SysResult<lock::FileKey> {
        let st = self.file.stat()?;
        Ok((st.dev, st.ino))
    }

    /// This description as the owner of OFD and flock locks; the caller is
    /// about to take one.
    pub fn lock_owner(&self) -> lock::Owner {
        self.locked.store(true, Ordering::Relaxed);
        lock::Owner::Description(self.lock_id())
    }

    fn lock_id(&self) -> usize {
        self as *const Self as usize
    }

    pub fn status(&self) -> u32 {
        self.status.load(Ordering::Relaxed)
    }

    pub fn set_status(&self, flags: u32) {
        let keep = self.status() & !SETFL_MASK;
        self.status
            .store(keep | (flags & SETFL_MASK), Ordering::Relaxed);
    }

    fn appending(&self) -> bool {
        self.status() & linux_raw_sys::general::O_APPEND != 0
    }

    /// write(2): at the position, or under O_APPEND at the end of the file,
    /// the position then following the data.
    pub fn write(&self, buf: &[u8]) -> SysResult<usize> {
        if self.appending() {
            match self.file.append(buf) {
                Ok((n, end)) => {
                    self.file
                        .seek(end as i64, linux_raw_sys::general::SEEK_SET)?;
                    return Ok(n);
                }
                Err(Errno::ESPIPE) => {}
                Err(e) => return Err(e),
            }
        }
        self.file.write(buf, self.nonblocking())
    }

    /// pwrite(2): at `offset`, except that under O_APPEND Linux writes at the
    /// end of the file whatever the offset (a documented quirk).
    pub fn write_at(&self, buf: &[u8], offset: u64) -> SysResult<usize> {
        if self.appending() {
            return self.file.append(buf).map(|(n, _)| n);
        }
        self.file.write_at(buf, offset)
    }

    pub fn nonblocking(&self) -> bool {
        self.status() & linux_raw_sys::general::O_NONBLOCK != 0
    }

    fn access_mode(&self) -> u32 {
        self.status() & linux_raw_sys::general::O_ACCMODE
    }

    pub fn readable(&self) -> bool {
        self.status() & linux_raw_sys::general::O_PATH == 0
            && self.access_mode() != linux_raw_sys::general::O_WRONLY
    }

    pub fn writable(&self) -> bool {
        self.status() & linux_raw_sys::general::O_PATH == 0
            && self.access_mode() != linux_raw_sys::general::O_RDONLY
    }
}
