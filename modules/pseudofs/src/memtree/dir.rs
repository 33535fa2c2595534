//! Directory operations of an in-memory tree.
//!
//! Locking: every namespace change takes the filesystem-wide `ns_lock` first,
//! so at most one thread ever holds more than one directory lock; lookups and
//! `readdir` take a single directory lock. That makes cross-directory rename
//! deadlock-free without lock ordering.

use alloc::sync::Arc;
use core::any::Any;

use axfs_ng_vfs::{
    DeviceId, DirEntry, DirEntrySink, DirNode, DirNodeOps, FileNode, FilesystemOps, Metadata,
    MetadataUpdate, NodeFlags, NodeOps, NodePermission, NodeType, Reference, VfsError, VfsResult,
    WeakDirEntry,
};

use super::{Content, Inode};
use crate::common::{child_reference, emit_dots, parent_ino};

/// How many entries `readdir` copies out per directory-lock hold; the sink is
/// always fed with no lock held (it may copy to user memory and fault).
const READDIR_BATCH: usize = 32;

/// Wraps `inode` in a new VFS entry.
pub(crate) fn entry_for(inode: Arc<Inode>, reference: Reference) -> DirEntry {
    if inode.is_dir() {
        DirEntry::new_dir(
            |this| DirNode::new(Arc::new(MemDir { inode, this })),
            reference,
        )
    } else {
        let node_type = inode.node_type;
        DirEntry::new_file(FileNode::new(inode), node_type, reference)
    }
}

/// The directory view of an [`Inode`]; one per VFS entry, since it needs the
/// entry itself to parent the entries it creates.
pub(crate) struct MemDir {
    pub(crate) inode: Arc<Inode>,
    this: WeakDirEntry,
}

impl MemDir {
    /// Creates a child with explicit content; `create` and device registration
    /// both end up here.
    pub fn create_node(
        &self,
        name: &str,
        node_type: NodeType,
        mode: NodePermission,
        rdev: DeviceId,
        content: Content,
    ) -> VfsResult<DirEntry> {
        let fs = &self.inode.fs;
        let _ns = fs.ns_lock.lock();
        let mut children = self.inode.children()?.lock();
        if children.get(name).is_some() {
            return Err(VfsError::AlreadyExists);
        }
        // Symlink permissions are meaningless; Linux always shows 0777.
        let mode = if node_type == NodeType::Symlink {
            NodePermission::from_bits_truncate(0o777)
        } else {
            mode
        };
        let inode = Inode::new(fs, node_type, mode, rdev, content);
        children.insert(name, inode.clone());
        drop(children);
        if inode.is_dir() {
            self.inode.add_links(1);
        }
        self.inode.touch_modified();
        Ok(entry_for(inode, child_reference(&self.this, name)))
    }

    /// Accounts for `old` losing the name it had in `parent`.
    fn unlinked(parent: &Inode, old: &Inode) {
        if old.is_dir() {
            old.drop_all_links();
            parent.add_links(-1);
        } else {
            old.add_links(-1);
        }
    }
}

impl NodeOps for MemDir {
    fn inode(&self) -> u64 {
        self.inode.ino
    }

    fn metadata(&self) -> VfsResult<Metadata> {
        self.inode.metadata()
    }

    fn update_metadata(&self, update: MetadataUpdate) -> VfsResult<()> {
        self.inode.update_metadata(update)
    }

    fn filesystem(&self) -> &dyn FilesystemOps {
        self.inode.filesystem()
    }

    fn sync(&self, _data_only: bool) -> VfsResult<()> {
        Ok(())
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }

    fn flags(&self) -> NodeFlags {
        NodeFlags::empty()
    }
}

impl DirNodeOps for MemDir {
    fn read_dir(&self, offset: u64, sink: &mut dyn DirEntrySink) -> VfsResult<usize> {
        let ino = self.inode.ino;
        let (mut count, more) = emit_dots(offset, sink, ino, parent_ino(&self.this, ino));
        if !more {
            return Ok(count);
        }
        let mut next = offset;
        loop {
            let batch = self
                .inode
                .children()?
                .lock()
                .batch_from(next, READDIR_BATCH);
            if batch.is_empty() {
                return Ok(count);
            }
            for (name, ino, node_type, offset) in batch {
                if !sink.accept(&name, ino, node_type, offset) {
                    return Ok(count);
                }
                count += 1;
                next = offset;
            }
        }
    }

    fn lookup(&self, name: &str) -> VfsResult<DirEntry> {
        let inode = self.inode.children()?.lock().get(name).cloned();
        let inode = inode.ok_or(VfsError::NotFound)?;
        Ok(entry_for(inode, child_reference(&self.this, name)))
    }

    fn create(
        &self,
        name: &str,
        node_type: NodeType,
        permission: NodePermission,
    ) -> VfsResult<DirEntry> {
        let content = Content::for_type(node_type)?;
        self.create_node(name, node_type, permission, DeviceId::default(), content)
    }

    fn link(&self, name: &str, node: &DirEntry) -> VfsResult<DirEntry> {
        let target = node.downcast::<Inode>().map_err(|_| {
            if node.is_dir() {
                // Hard links to directories are refused (Linux: EPERM).
                VfsError::OperationNotPermitted
            } else {
                VfsError::CrossesDevices
            }
        })?;
        if !Arc::ptr_eq(&target.fs, &self.inode.fs) {
            return Err(VfsError::CrossesDevices);
        }
        let _ns = self.inode.fs.ns_lock.lock();
        // A removed file can not get a name back (Linux: ENOENT, O_TMPFILE aside).
        if target.nlink() == 0 {
            return Err(VfsError::NotFound);
        }
        let mut children = self.inode.children()?.lock();
        if children.get(name).is_some() {
            return Err(VfsError::AlreadyExists);
        }
        children.insert(name, target.clone());
        drop(children);
        target.add_links(1);
        self.inode.touch_modified();
        Ok(entry_for(target, child_reference(&self.this, name)))
    }

    fn unlink(&self, name: &str) -> VfsResult<()> {
        let _ns = self.inode.fs.ns_lock.lock();
        let mut children = self.inode.children()?.lock();
        let child = children.get(name).ok_or(VfsError::NotFound)?;
        if let Ok(grandchildren) = child.children()
            && !grandchildren.lock().is_empty()
        {
            return Err(VfsError::DirectoryNotEmpty);
        }
        let child = children.remove(name).ok_or(VfsError::NotFound)?;
        drop(children);
        Self::unlinked(&self.inode, &child);
        self.inode.touch_modified();
        Ok(())
    }

    fn rename(&self, src_name: &str, dst_dir: &DirNode, dst_name: &str) -> VfsResult<()> {
        let dst = dst_dir
            .downcast::<MemDir>()
            .map_err(|_| VfsError::CrossesDevices)?;
        if !Arc::ptr_eq(&dst.inode.fs, &self.inode.fs) {
            return Err(VfsError::CrossesDevices);
        }
        let _ns = self.inode.fs.ns_lock.lock();
        let (src_children, dst_children) = (self.inode.children()?, dst.inode.children()?);

        let src = src_children.lock().get(src_name).cloned();
        let src = src.ok_or(VfsError::NotFound)?;
        let old = dst_children.lock().get(dst_name).cloned();
        if let Some(old) = &old {
            // Same inode (same name, or two hard links): nothing to do (POSIX).
            if Arc::ptr_eq(old, &src) {
                return Ok(());
            }
            match (src.is_dir(), old.is_dir()) {
                (true, false) => return Err(VfsError::NotADirectory),
                (false, true) => return Err(VfsError::IsADirectory),
                (true, true) if !old.children()?.lock().is_empty() => {
                    return Err(VfsError::DirectoryNotEmpty);
                }
                _ => {}
            }
        }

        // The destination name is replaced in one step, so it never vanishes
        // for a concurrent lookup; the source name goes away afterwards.
        let same_dir = Arc::ptr_eq(&self.inode, &dst.inode);
        if same_dir {
            let mut children = src_children.lock();
            children.remove(src_name);
            children.insert(dst_name, src.clone());
        } else {
            dst_children.lock().insert(dst_name, src.clone());
            src_children.lock().remove(src_name);
        }

        if let Some(old) = &old {
            Self::unlinked(&dst.inode, old);
        }
        if src.is_dir() && !same_dir {
            self.inode.add_links(-1);
            dst.inode.add_links(1);
        }
        src.touch_changed(); // As on Linux, a rename changes the ctime.
        self.inode.touch_modified();
        if !same_dir {
            dst.inode.touch_modified();
        }
        Ok(())
    }
}
