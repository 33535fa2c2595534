//! Files and directories of the mounted filesystems (ext4, tmpfs, devfs, procfs).

use alloc::string::String;
use alloc::sync::Arc;
use core::any::Any;

use axfs_ng::{FsContext, OpenOptions, OpenResult};
use axfs_ng_vfs::{Location, Metadata, NodePermission, NodeType};
use axio::{Seek, SeekFrom};
use linux_raw_sys::general as uapi;
use spin::Mutex;

use super::{Console, FileLike, Kstat};
use crate::errno::{Errno, SysResult, VfsResultExt};

pub fn kstat_of(m: &Metadata) -> Kstat {
    Kstat {
        dev: m.device,
        ino: m.inode,
        mode: ((m.node_type as u32) << 12) | m.mode.bits() as u32,
        nlink: m.nlink as u32,
        uid: m.uid,
        gid: m.gid,
        rdev: m.rdev.0,
        size: m.size,
        blksize: m.block_size as u32,
        blocks: m.blocks,
        atime: m.atime,
        mtime: m.mtime,
        ctime: m.ctime,
    }
}

fn path_of(loc: &Location) -> String {
    loc.absolute_path().map(|p| String::from(p.as_str())).unwrap_or_default()
}

/// A regular file or device node opened through the VFS.
pub struct RegularFile {
    inner: axfs_ng::File,
    path: String,
}

impl RegularFile {
    pub fn location(&self) -> &Location {
        self.inner.location()
    }
}

impl FileLike for RegularFile {
    fn read(&self, buf: &mut [u8], _nonblock: bool) -> SysResult<usize> {
        self.inner.read(buf).map_err(crate::errno::from_ax)
    }
    fn write(&self, buf: &[u8], _nonblock: bool) -> SysResult<usize> {
        self.inner.write(buf).map_err(crate::errno::from_ax)
    }
    fn read_at(&self, buf: &mut [u8], offset: u64) -> SysResult<usize> {
        self.inner.read_at(buf, offset).sys()
    }
    fn write_at(&self, buf: &[u8], offset: u64) -> SysResult<usize> {
        self.inner.write_at(buf, offset).sys()
    }
    fn seek(&self, offset: i64, whence: u32) -> SysResult<u64> {
        let pos = match whence {
            uapi::SEEK_SET => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::EINVAL)?),
            uapi::SEEK_CUR => SeekFrom::Current(offset),
            uapi::SEEK_END => SeekFrom::End(offset),
            _ => return Err(Errno::EINVAL),
        };
        (&self.inner).seek(pos).map_err(|_| Errno::EINVAL)
    }
    fn stat(&self) -> SysResult<Kstat> {
        Ok(kstat_of(&self.location().metadata().sys()?))
    }
    fn ioctl(&self, cmd: u32, arg: usize) -> SysResult<isize> {
        self.location().ioctl(cmd, arg).map(|v| v as isize).map_err(|_| Errno::ENOTTY)
    }
    fn path(&self) -> String {
        self.path.clone()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// An open directory: getdents64 walks it from a saved offset.
pub struct Directory {
    pub loc: Location,
    pub offset: Mutex<u64>,
}

impl FileLike for Directory {
    fn read(&self, _buf: &mut [u8], _nonblock: bool) -> SysResult<usize> {
        Err(Errno::EISDIR)
    }
    fn write(&self, _buf: &[u8], _nonblock: bool) -> SysResult<usize> {
        Err(Errno::EBADF)
    }
    fn read_at(&self, _buf: &mut [u8], _offset: u64) -> SysResult<usize> {
        Err(Errno::EISDIR)
    }
    fn seek(&self, offset: i64, whence: u32) -> SysResult<u64> {
        let mut cur = self.offset.lock();
        match whence {
            uapi::SEEK_SET if offset >= 0 => *cur = offset as u64,
            uapi::SEEK_CUR => *cur = cur.checked_add_signed(offset).ok_or(Errno::EINVAL)?,
            _ => return Err(Errno::EINVAL),
        }
        Ok(*cur)
    }
    fn stat(&self) -> SysResult<Kstat> {
        Ok(kstat_of(&self.loc.metadata().sys()?))
    }
    fn path(&self) -> String {
        path_of(&self.loc)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Device numbers of the terminals, which we serve with the console driver.
const TTY_MAJOR: u32 = 4;
const TTYAUX_MAJOR: u32 = 5;

/// Opens `path` relative to `ctx` with open(2) `flags` and creation `mode`.
pub fn open_path(ctx: &FsContext, path: &str, flags: u32, mode: u32) -> SysResult<Arc<dyn FileLike>> {
    let acc = flags & uapi::O_ACCMODE;
    let mut opts = OpenOptions::new();
    opts.read(acc != uapi::O_WRONLY)
        .write(acc != uapi::O_RDONLY)
        .create(flags & uapi::O_CREAT != 0)
        .create_new(flags & uapi::O_CREAT != 0 && flags & uapi::O_EXCL != 0)
        .truncate(flags & uapi::O_TRUNC != 0 && acc != uapi::O_RDONLY)
        .append(flags & uapi::O_APPEND != 0)
        .directory(flags & uapi::O_DIRECTORY != 0)
        .no_follow(flags & uapi::O_NOFOLLOW != 0)
        .path(flags & uapi::O_PATH != 0)
        .node_type(NodeType::RegularFile)
        .mode(mode & 0o7777);
    if acc == 3 {
        return Err(Errno::EINVAL);
    }
    match opts.open(ctx, path).sys()? {
        OpenResult::Dir(loc) => {
            if acc != uapi::O_RDONLY && flags & uapi::O_PATH == 0 {
                return Err(Errno::EISDIR);
            }
            Ok(Arc::new(Directory { loc, offset: Mutex::new(0) }))
        }
        OpenResult::File(f) => {
            let meta = f.location().metadata().sys()?;
            if flags & uapi::O_NOFOLLOW != 0 && meta.node_type == NodeType::Symlink && flags & uapi::O_PATH == 0 {
                return Err(Errno::ELOOP);
            }
            if meta.node_type == NodeType::CharacterDevice
                && matches!(meta.rdev.major(), TTY_MAJOR | TTYAUX_MAJOR)
            {
                return Ok(Console::shared());
            }
            let path = path_of(f.location());
            Ok(Arc::new(RegularFile { inner: f, path }))
        }
    }
}

/// Default permission for new nodes when the caller passes none.
pub fn perm(mode: u32) -> NodePermission {
    NodePermission::from_bits_truncate(mode as u16)
}
