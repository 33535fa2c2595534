//! Files and directories of the mounted filesystems (ext4, tmpfs, devfs, procfs).

use alloc::string::String;
use alloc::sync::Arc;

use axfs_ng::{FileBackend, OpenOptions};
use axfs_ng_vfs::{Location, Metadata, NodeFlags, NodePermission, NodeType};
use axsync::Mutex;
use linux_raw_sys::general as uapi;
use mm::aspace::{PageSource, Source};

use super::{Console, ConsoleNode, FileKind, FileLike, FilePages, Kstat, SharedFile};
use crate::errno::{Errno, SysResult, VfsResultExt};
use crate::uaccess::write_val;

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
    loc.absolute_path()
        .map(|p| String::from(p.as_str()))
        .unwrap_or_default()
}

/// The new position for lseek(2) from the current one and the file size.
/// There is no sparse-file knowledge: all of `[0, size)` is data and the
/// only hole is the implicit one at the end, as Linux's generic llseek says.
fn seek_target(pos: u64, size: u64, offset: i64, whence: u32) -> SysResult<u64> {
    let base = match whence {
        uapi::SEEK_SET => 0,
        uapi::SEEK_CUR => pos,
        uapi::SEEK_END => size,
        uapi::SEEK_DATA | uapi::SEEK_HOLE => {
            // Linux compares unsigned: a negative offset is past the end too.
            let offset = u64::try_from(offset).map_err(|_| Errno::ENXIO)?;
            if offset >= size {
                return Err(Errno::ENXIO);
            }
            return Ok(if whence == uapi::SEEK_DATA {
                offset
            } else {
                size
            });
        }
        _ => return Err(Errno::EINVAL),
    };
    base.checked_add_signed(offset)
        .filter(|&p| i64::try_from(p).is_ok())
        .ok_or(Errno::EINVAL)
}

/// A regular file or device node opened through the VFS.
///
/// The position is ours, not `axfs_ng::File`'s, so that a read whose copy to
/// user memory fails leaves it alone and O_APPEND can change after open.
pub struct RegularFile {
    inner: axfs_ng::File,
    /// `None` for stream-like nodes, which ignore positions.
    pos: Option<Mutex<u64>>,
    path: String,
}

impl RegularFile {
    fn new(inner: axfs_ng::File) -> Self {
        let inner = super::pages::on_shared_cache(inner);
        let stream = inner.location().flags().contains(NodeFlags::STREAM);
        let path = path_of(inner.location());
        Self {
            inner,
            pos: (!stream).then(|| Mutex::new(0)),
            path,
        }
    }

    pub fn location(&self) -> &Location {
        self.inner.location()
    }

    fn size(&self) -> SysResult<u64> {
        self.location().len().sys()
    }

    /// Sets the file size (ftruncate, O_TRUNC), through the page cache.
    pub fn set_len(&self, len: u64) -> SysResult<()> {
        self.inner.backend().sys()?.set_len(len).sys()
    }

    /// Grows the file to `offset` before a write that starts past its end,
    /// so that the gap reads back as zeros. axfs-ng's page cache fills a page
    /// from the file into an uninitialised frame, and its write path extends
    /// the file over that page's stale tail (another program's memory, once
    /// frames get reused); its set_len clears the tail.
    fn fill_gap(&self, offset: u64) -> SysResult<()> {
        if offset > self.size()? {
            self.set_len(offset)?;
        }
        Ok(())
    }

    /// Reads at the position into `buf`; the position moves past the data
    /// only once `commit` (the copy to user memory) has accepted it.
    fn read_committed(
        &self,
        buf: &mut [u8],
        commit: impl FnOnce(&[u8]) -> SysResult<()>,
    ) -> SysResult<usize> {
        let Some(pos) = &self.pos else {
            let n = self.inner.read_at(&mut *buf, 0).sys()?;
            commit(&buf[..n])?;
            return Ok(n);
        };
        let mut pos = pos.lock();
        let n = self.inner.read_at(&mut *buf, *pos).sys()?;
        commit(&buf[..n])?;
        *pos += n as u64;
        Ok(n)
    }

    /// FIONREAD: the bytes from the position to the end, as an int (Linux
    /// computes `i_size - f_pos`, negative past the end).
    fn bytes_left(&self, arg: usize) -> SysResult<isize> {
        let pos = self.pos.as_ref().map_or(0, |p| *p.lock());
        let left = self.size()? as i64 - pos as i64;
        write_val(arg, &(left as i32))?;
        Ok(0)
    }

    /// The open file, whose page cache mmap maps.
    pub fn file(&self) -> &axfs_ng::File {
        &self.inner
    }
}

impl FileLike for RegularFile {
    fn read(&self, buf: &mut [u8], _nonblock: bool) -> SysResult<usize> {
        self.read_committed(buf, |_| Ok(()))
    }
    fn read_to(
        &self,
        len: usize,
        _nonblock: bool,
        out: &mut dyn FnMut(&[u8]) -> SysResult<()>,
    ) -> SysResult<usize> {
        let mut kbuf = alloc::vec![0u8; len];
        self.read_committed(&mut kbuf, out)
    }
    fn write(&self, buf: &[u8], _nonblock: bool) -> SysResult<usize> {
        let Some(pos) = &self.pos else {
            return self.inner.write_at(buf, 0).sys();
        };
        let mut pos = pos.lock();
        self.fill_gap(*pos)?;
        let n = self.inner.write_at(buf, *pos).sys()?;
        *pos += n as u64;
        Ok(n)
    }
    fn append(&self, buf: &[u8]) -> SysResult<(usize, u64)> {
        if self.pos.is_none() {
            return self.inner.write_at(buf, 0).sys().map(|n| (n, 0));
        }
        self.inner
            .access(axfs_ng::FileFlags::WRITE)
            .sys()?
            .append(buf)
            .sys()
    }
    fn read_at(&self, buf: &mut [u8], offset: u64) -> SysResult<usize> {
        self.inner.read_at(buf, offset).sys()
    }
    fn write_at(&self, buf: &[u8], offset: u64) -> SysResult<usize> {
        if self.pos.is_some() {
            self.fill_gap(offset)?;
        }
        self.inner.write_at(buf, offset).sys()
    }
    fn seek(&self, offset: i64, whence: u32) -> SysResult<u64> {
        let Some(pos) = &self.pos else {
            return Ok(0);
        };
        let mut pos = pos.lock();
        *pos = seek_target(*pos, self.size()?, offset, whence)?;
        Ok(*pos)
    }
    fn stat(&self) -> SysResult<Kstat> {
        Ok(kstat_of(&self.location().metadata().sys()?))
    }
    fn ioctl(&self, cmd: u32, arg: usize) -> SysResult<isize> {
        if cmd == linux_raw_sys::ioctl::FIONREAD
            && self.location().node_type() == NodeType::RegularFile
        {
            return self.bytes_left(arg);
        }
        self.location()
            .ioctl(cmd, arg)
            .map(|v| v as isize)
            .map_err(|_| Errno::ENOTTY)
    }
    fn location(&self) -> Option<&Location> {
        Some(self.inner.location())
    }
    fn path(&self) -> String {
        self.path.clone()
    }
    /// Pages of a regular file come from the open file's page cache: shared
    /// mappings map the cache's frames, private ones copy them. /dev/zero
    /// maps anonymous memory; other devices and uncached (pseudo) files
    /// cannot be mapped.
    fn mmap(&self, shared: bool, offset: u64) -> SysResult<Source> {
        /// /dev/zero's device number.
        const DEV_ZERO: (u32, u32) = (1, 5);
        let meta = self.location().metadata().sys()?;
        match meta.node_type {
            NodeType::RegularFile => {}
            NodeType::CharacterDevice if (meta.rdev.major(), meta.rdev.minor()) == DEV_ZERO => {
                return Ok(Source::Anonymous);
            }
            _ => return Err(Errno::ENODEV),
        }
        let backend = self.file().backend().sys()?;
        let FileBackend::Cached(cache) = backend else {
            return Err(Errno::ENODEV);
        };
        let pages: Arc<dyn PageSource> = if shared {
            SharedFile::new(cache.clone())
        } else {
            Arc::new(FilePages(axfs_ng::File::new(
                backend.clone(),
                axfs_ng::FileFlags::READ,
            )))
        };
        Ok(Source::File {
            file: pages,
            offset,
        })
    }
    fn kind(&self) -> FileKind<'_> {
        FileKind::Regular(self)
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
    fn location(&self) -> Option<&Location> {
        Some(&self.loc)
    }
    fn path(&self) -> String {
        path_of(&self.loc)
    }
    fn kind(&self) -> FileKind<'_> {
        FileKind::Directory(self)
    }
}

/// Device numbers of the terminals, which we serve with the console driver.
const TTY_MAJOR: u32 = 4;
const TTYAUX_MAJOR: u32 = 5;

/// Opens the node at `loc`, found and checked by openat, with open(2) `flags`.
pub fn open_location(loc: Location, flags: u32) -> SysResult<Arc<dyn FileLike>> {
    if loc.is_dir() {
        return Ok(Arc::new(Directory {
            loc,
            offset: Mutex::new(0),
        }));
    }
    let meta = loc.metadata().sys()?;
    if meta.node_type == NodeType::CharacterDevice
        && matches!(meta.rdev.major(), TTY_MAJOR | TTYAUX_MAJOR)
        && flags & uapi::O_PATH == 0
    {
        match (meta.rdev.major(), meta.rdev.minor()) {
            // /dev/tty: the caller's controlling terminal.
            (TTYAUX_MAJOR, 0) if !Console::is_current_ctty() => return Err(Errno::ENXIO),
            // The serial line itself (not /dev/console, which never is one).
            (TTY_MAJOR, _) => Console::open_line(flags & uapi::O_NOCTTY != 0),
            _ => {}
        }
        return Ok(ConsoleNode::open(loc));
    }
    let acc = flags & uapi::O_ACCMODE;
    let file = OpenOptions::new()
        .read(acc != uapi::O_WRONLY)
        .write(acc != uapi::O_RDONLY)
        .path(flags & uapi::O_PATH != 0)
        .open_loc(loc)
        .sys()?
        .into_file()
        .sys()?;
    let file = RegularFile::new(file);
    if flags & uapi::O_TRUNC != 0
        && flags & uapi::O_PATH == 0
        && meta.node_type == NodeType::RegularFile
    {
        file.set_len(0)?;
    }
    Ok(Arc::new(file))
}

/// Default permission for new nodes when the caller passes none.
pub fn perm(mode: u32) -> NodePermission {
    NodePermission::from_bits_truncate(mode as u16)
}
