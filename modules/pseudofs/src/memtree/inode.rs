//! A node of an in-memory tree: metadata plus its content.

use alloc::sync::Arc;
use core::{any::Any, task::Context, time::Duration};

use axfs_ng_vfs::{
    DeviceId, FileNodeOps, FilesystemOps, Metadata, MetadataUpdate, NodeFlags, NodeOps,
    NodePermission, NodeType, VfsError, VfsResult,
};
use axpoll::{IoEvents, Pollable};
use spin::Mutex;

use super::{Children, MemFsInfo};
use crate::{DeviceOps, common::BLOCK_SIZE, sparse::SparseBytes, time::now};

/// Linux tmpfs reports a directory's size as 20 bytes per entry plus 40 for
/// `.` and `..`; `du` and some tests look at it.
const DIR_ENTRY_SIZE: u64 = 20;

pub(crate) enum Content {
    Dir(Mutex<Children>),
    /// Regular file data or a symlink target.
    Data(Mutex<SparseBytes>),
    Device(Arc<dyn DeviceOps>),
    /// FIFO, socket, or device node without a driver: the kernel interprets
    /// these by type (and `rdev`), the filesystem only stores them.
    Special,
}

impl Content {
    pub fn for_type(node_type: NodeType) -> VfsResult<Self> {
        Ok(match node_type {
            NodeType::Directory => Self::Dir(Mutex::new(Children::new())),
            NodeType::RegularFile | NodeType::Symlink => Self::Data(Mutex::default()),
            NodeType::Fifo
            | NodeType::Socket
            | NodeType::CharacterDevice
            | NodeType::BlockDevice => Self::Special,
            NodeType::Unknown => return Err(VfsError::InvalidInput),
        })
    }
}

struct Meta {
    mode: NodePermission,
    uid: u32,
    gid: u32,
    nlink: u64,
    rdev: DeviceId,
    atime: Duration,
    mtime: Duration,
    ctime: Duration,
}

pub(crate) struct Inode {
    pub(super) fs: Arc<MemFsInfo>,
    pub(crate) ino: u64,
    pub(crate) node_type: NodeType,
    meta: Mutex<Meta>,
    pub(super) content: Content,
}

impl Inode {
    pub fn new(
        fs: &Arc<MemFsInfo>,
        node_type: NodeType,
        mode: NodePermission,
        rdev: DeviceId,
        content: Content,
    ) -> Arc<Self> {
        let time = now();
        Arc::new(Self {
            ino: fs.alloc_ino(),
            fs: fs.clone(),
            node_type,
            meta: Mutex::new(Meta {
                mode,
                uid: 0,
                gid: 0,
                nlink: if node_type == NodeType::Directory {
                    2
                } else {
                    1
                },
                rdev,
                atime: time,
                mtime: time,
                ctime: time,
            }),
            content,
        })
    }

    pub fn is_dir(&self) -> bool {
        self.node_type == NodeType::Directory
    }

    pub fn children(&self) -> VfsResult<&Mutex<Children>> {
        match &self.content {
            Content::Dir(children) => Ok(children),
            _ => Err(VfsError::NotADirectory),
        }
    }

    pub fn device(&self) -> Option<&Arc<dyn DeviceOps>> {
        match &self.content {
            Content::Device(ops) => Some(ops),
            _ => None,
        }
    }

    fn data(&self) -> VfsResult<&Mutex<SparseBytes>> {
        match &self.content {
            Content::Data(data) => Ok(data),
            Content::Dir(_) => Err(VfsError::IsADirectory),
            // No driver is bound to this node (Linux: ENXIO/ENODEV on open).
            Content::Device(_) | Content::Special => Err(VfsError::NoSuchDevice),
        }
    }

    pub fn nlink(&self) -> u64 {
        self.meta.lock().nlink
    }

    /// Adds `delta` to the link count (a child directory's `..`, or a name).
    pub fn add_links(&self, delta: i64) {
        let mut meta = self.meta.lock();
        meta.nlink = meta.nlink.saturating_add_signed(delta);
        meta.ctime = now();
    }

    /// The node was removed from the tree for good.
    pub fn drop_all_links(&self) {
        let mut meta = self.meta.lock();
        meta.nlink = 0;
        meta.ctime = now();
    }

    pub fn set_rdev(&self, rdev: DeviceId) {
        self.meta.lock().rdev = rdev;
    }

    /// Metadata changed: ctime moves.
    pub fn touch_changed(&self) {
        self.meta.lock().ctime = now();
    }

    /// Content changed: mtime and ctime move, as on Linux.
    pub fn touch_modified(&self) {
        let time = now();
        let mut meta = self.meta.lock();
        meta.mtime = time;
        meta.ctime = time;
    }

    /// Replaces a symlink's target.
    fn replace_data(&self, bytes: &[u8]) -> VfsResult<()> {
        let mut data = self.data()?.lock();
        data.set_len(0, &self.fs.usage)?;
        data.write_at(bytes, 0, &self.fs.usage)?;
        Ok(())
    }
}

impl Drop for Inode {
    fn drop(&mut self) {
        if let Content::Data(data) = &mut self.content {
            data.get_mut().release(&self.fs.usage);
        }
        self.fs.free_ino();
    }
}

impl NodeOps for Inode {
    fn inode(&self) -> u64 {
        self.ino
    }

    fn metadata(&self) -> VfsResult<Metadata> {
        let (size, blocks) = match &self.content {
            Content::Data(data) => {
                let data = data.lock();
                (data.len(), data.pages() * (BLOCK_SIZE as u64 / 512))
            }
            Content::Dir(children) => (DIR_ENTRY_SIZE * (children.lock().len() as u64 + 2), 0),
            Content::Device(_) | Content::Special => (0, 0),
        };
        let meta = self.meta.lock();
        Ok(Metadata {
            device: 0,
            inode: self.ino,
            nlink: meta.nlink,
            mode: meta.mode,
            node_type: self.node_type,
            uid: meta.uid,
            gid: meta.gid,
            size,
            block_size: BLOCK_SIZE as u64,
            blocks,
            rdev: meta.rdev,
            atime: meta.atime,
            mtime: meta.mtime,
            ctime: meta.ctime,
        })
    }

    fn update_metadata(&self, update: MetadataUpdate) -> VfsResult<()> {
        let mut meta = self.meta.lock();
        if let Some(mode) = update.mode {
            meta.mode = mode;
        }
        if let Some((uid, gid)) = update.owner {
            meta.uid = uid;
            meta.gid = gid;
        }
        if let Some(atime) = update.atime {
            meta.atime = atime;
        }
        if let Some(mtime) = update.mtime {
            meta.mtime = mtime;
        }
        meta.ctime = now();
        Ok(())
    }

    fn filesystem(&self) -> &dyn FilesystemOps {
        &*self.fs
    }

    fn len(&self) -> VfsResult<u64> {
        match &self.content {
            Content::Data(data) => Ok(data.lock().len()),
            Content::Device(ops) => Ok(ops.size()),
            _ => self.metadata().map(|meta| meta.size),
        }
    }

    fn sync(&self, _data_only: bool) -> VfsResult<()> {
        Ok(())
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }

    fn flags(&self) -> NodeFlags {
        match &self.content {
            Content::Device(ops) => ops.flags(),
            Content::Data(_) if self.fs.page_cache => NodeFlags::empty(),
            _ => NodeFlags::NON_CACHEABLE,
        }
    }
}

impl FileNodeOps for Inode {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> VfsResult<usize> {
        if let Some(ops) = self.device() {
            return ops.read_at(buf, offset);
        }
        Ok(self.data()?.lock().read_at(buf, offset))
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> VfsResult<usize> {
        if let Some(ops) = self.device() {
            return ops.write_at(buf, offset);
        }
        let written = self.data()?.lock().write_at(buf, offset, &self.fs.usage)?;
        self.touch_modified();
        Ok(written)
    }

    fn append(&self, buf: &[u8]) -> VfsResult<(usize, u64)> {
        if let Some(ops) = self.device() {
            let end = ops.size();
            return ops.write_at(buf, end).map(|n| (n, end + n as u64));
        }
        let mut data = self.data()?.lock();
        let end = data.len();
        let written = data.write_at(buf, end, &self.fs.usage)?;
        drop(data);
        self.touch_modified();
        Ok((written, end + written as u64))
    }

    fn set_len(&self, len: u64) -> VfsResult<()> {
        match &self.content {
            Content::Data(data) => {
                data.lock().set_len(len, &self.fs.usage)?;
                self.touch_modified();
                Ok(())
            }
            // O_TRUNC on a device node is ignored, as on Linux.
            Content::Device(_) | Content::Special => Ok(()),
            Content::Dir(_) => Err(VfsError::IsADirectory),
        }
    }

    fn set_symlink(&self, target: &str) -> VfsResult<()> {
        if self.node_type != NodeType::Symlink {
            return Err(VfsError::InvalidInput);
        }
        self.replace_data(target.as_bytes())
    }

    fn ioctl(&self, cmd: u32, arg: usize) -> VfsResult<usize> {
        match self.device() {
            Some(ops) => ops.ioctl(cmd, arg),
            None => Err(VfsError::NotATty),
        }
    }
}

impl Pollable for Inode {
    fn poll(&self) -> IoEvents {
        match self.device() {
            Some(ops) => ops.poll(),
            None => IoEvents::IN | IoEvents::OUT,
        }
    }

    fn register(&self, context: &mut Context<'_>, events: IoEvents) {
        if let Some(ops) = self.device() {
            ops.register(context, events);
        }
    }
}
