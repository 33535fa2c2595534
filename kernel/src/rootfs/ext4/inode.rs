//! One ext4 inode as a VFS node: a file or a directory.

use alloc::{borrow::ToOwned, sync::Arc};
use core::{any::Any, task::Context};

use axfs_ng_vfs::{
    DeviceId, DirEntry, DirEntrySink, DirNode, DirNodeOps, FileNode, FileNodeOps, FilesystemOps,
    Metadata, MetadataUpdate, NodeFlags, NodeOps, NodePermission, NodeType, Reference, VfsError,
    VfsResult, WeakDirEntry,
};
use axpoll::{IoEvents, Pollable};
use lwext4_rust::FileAttr;

use super::{Ext4Fs, Lwext4, inode_type, node_type, vfs_err};

pub struct Inode {
    fs: Arc<Ext4Fs>,
    ino: u32,
    /// A directory's own entry, the parent of the entries it makes.
    this: Option<WeakDirEntry>,
}

impl Inode {
    pub fn new(fs: Arc<Ext4Fs>, ino: u32, this: Option<WeakDirEntry>) -> Arc<Self> {
        Arc::new(Self { fs, ino, this })
    }

    /// The VFS entry `name` in this directory for inode `ino`.
    fn entry(&self, name: &str, ino: u32, ty: NodeType) -> DirEntry {
        let reference = Reference::new(
            self.this.as_ref().and_then(WeakDirEntry::upgrade),
            name.to_owned(),
        );
        if ty == NodeType::Directory {
            DirEntry::new_dir(
                |this| DirNode::new(Inode::new(self.fs.clone(), ino, Some(this))),
                reference,
            )
        } else {
            DirEntry::new_file(
                FileNode::new(Inode::new(self.fs.clone(), ino, None)),
                ty,
                reference,
            )
        }
    }

    fn lookup_in(&self, fs: &mut Lwext4, name: &str) -> VfsResult<DirEntry> {
        let mut found = fs.lookup(self.ino, name).map_err(vfs_err)?;
        let entry = found.entry();
        Ok(self.entry(name, entry.ino(), node_type(entry.inode_type())))
    }

    fn touch_ctime(fs: &mut Lwext4, ino: u32) -> VfsResult<()> {
        fs.with_inode_ref(ino, |inode| {
            inode.update_ctime();
            Ok(())
        })
        .map_err(vfs_err)
    }

    fn size(fs: &mut Lwext4, ino: u32) -> VfsResult<u64> {
        fs.with_inode_ref(ino, |inode| Ok(inode.size()))
            .map_err(vfs_err)
    }
}

impl NodeOps for Inode {
    fn inode(&self) -> u64 {
        self.ino.into()
    }

    fn metadata(&self) -> VfsResult<Metadata> {
        let mut attr = FileAttr::default();
        self.fs
            .lock()
            .get_attr(self.ino, &mut attr)
            .map_err(vfs_err)?;
        Ok(Metadata {
            inode: self.ino.into(),
            device: attr.device,
            nlink: attr.nlink,
            mode: NodePermission::from_bits_truncate(attr.mode as u16),
            node_type: node_type(attr.node_type),
            uid: attr.uid,
            gid: attr.gid,
            size: attr.size,
            block_size: attr.block_size,
            blocks: attr.blocks,
            rdev: DeviceId::default(),
            atime: attr.atime,
            mtime: attr.mtime,
            ctime: attr.ctime,
        })
    }

    fn update_metadata(&self, update: MetadataUpdate) -> VfsResult<()> {
        self.fs
            .lock()
            .with_inode_ref(self.ino, |inode| {
                if let Some(mode) = update.mode {
                    // Only the permission bits: the type stays.
                    inode.set_mode((inode.mode() & !0o7777) | u32::from(mode.bits()));
                }
                if let Some((uid, gid)) = update.owner {
                    inode.set_owner(uid as _, gid as _);
                }
                if let Some(atime) = update.atime {
                    inode.set_atime(&atime);
                }
                if let Some(mtime) = update.mtime {
                    inode.set_mtime(&mtime);
                }
                inode.update_ctime();
                Ok(())
            })
            .map_err(vfs_err)
    }

    fn len(&self) -> VfsResult<u64> {
        Self::size(&mut self.fs.lock(), self.ino)
    }

    fn filesystem(&self) -> &dyn FilesystemOps {
        &*self.fs
    }

    fn sync(&self, _data_only: bool) -> VfsResult<()> {
        Ok(())
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }

    fn flags(&self) -> NodeFlags {
        NodeFlags::BLOCKING
    }
}

impl FileNodeOps for Inode {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> VfsResult<usize> {
        self.fs
            .lock()
            .read_at(self.ino, buf, offset)
            .map_err(vfs_err)
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> VfsResult<usize> {
        self.fs
            .lock()
            .write_at(self.ino, buf, offset)
            .map_err(vfs_err)
    }

    fn append(&self, buf: &[u8]) -> VfsResult<(usize, u64)> {
        let mut fs = self.fs.lock();
        let end = Self::size(&mut fs, self.ino)?;
        let written = fs.write_at(self.ino, buf, end).map_err(vfs_err)?;
        Ok((written, end + written as u64))
    }

    fn set_len(&self, len: u64) -> VfsResult<()> {
        self.fs.lock().set_len(self.ino, len).map_err(vfs_err)
    }

    fn set_symlink(&self, target: &str) -> VfsResult<()> {
        self.fs
            .lock()
            .set_symlink(self.ino, target.as_bytes())
            .map_err(vfs_err)
    }
}

impl Pollable for Inode {
    /// A disk file is always ready.
    fn poll(&self) -> IoEvents {
        IoEvents::IN | IoEvents::OUT
    }

    fn register(&self, _context: &mut Context<'_>, _events: IoEvents) {}
}

impl DirNodeOps for Inode {
    fn read_dir(&self, offset: u64, sink: &mut dyn DirEntrySink) -> VfsResult<usize> {
        let mut fs = self.fs.lock();
        let mut reader = fs.read_dir(self.ino, offset).map_err(vfs_err)?;
        let mut count = 0;
        while let Some(entry) = reader.current() {
            let name = core::str::from_utf8(entry.name())
                .map_err(|_| VfsError::InvalidData)?
                .to_owned();
            let ino = u64::from(entry.ino());
            let ty = node_type(entry.inode_type());
            reader.step().map_err(vfs_err)?;
            // The offset given with an entry is where reading resumes after it.
            if !sink.accept(&name, ino, ty, reader.offset()) {
                break;
            }
            count += 1;
        }
        Ok(count)
    }

    fn lookup(&self, name: &str) -> VfsResult<DirEntry> {
        self.lookup_in(&mut self.fs.lock(), name)
    }

    fn create(
        &self,
        name: &str,
        node_type: NodeType,
        permission: NodePermission,
    ) -> VfsResult<DirEntry> {
        let ty = inode_type(node_type)?;
        let mut fs = self.fs.lock();
        if fs.lookup(self.ino, name).is_ok() {
            return Err(VfsError::AlreadyExists);
        }
        let ino = fs
            .create(self.ino, name, ty, permission.bits().into())
            .map_err(vfs_err)?;
        Self::touch_ctime(&mut fs, ino)?;
        Ok(self.entry(name, ino, node_type))
    }

    fn link(&self, name: &str, node: &DirEntry) -> VfsResult<DirEntry> {
        let target = u32::try_from(node.inode()).map_err(|_| VfsError::InvalidInput)?;
        let mut fs = self.fs.lock();
        fs.link(self.ino, name, target).map_err(vfs_err)?;
        Self::touch_ctime(&mut fs, target)?;
        self.lookup_in(&mut fs, name)
    }

    fn unlink(&self, name: &str) -> VfsResult<()> {
        self.fs.lock().unlink(self.ino, name).map_err(vfs_err)
    }

    fn rename(&self, src_name: &str, dst_dir: &DirNode, dst_name: &str) -> VfsResult<()> {
        let dst: Arc<Self> = dst_dir.downcast().map_err(|_| VfsError::InvalidInput)?;
        self.fs
            .lock()
            .rename(self.ino, src_name, dst.ino, dst_name)
            .map_err(vfs_err)
    }
}
