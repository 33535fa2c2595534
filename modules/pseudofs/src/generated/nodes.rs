//! VFS nodes of a generated tree, built from [`Gen`] descriptions on lookup.

use alloc::{string::String, sync::Arc};
use core::{any::Any, task::Context, time::Duration};

use axfs_ng_vfs::{
    DeviceId, DirEntry, DirEntrySink, DirNode, DirNodeOps, FileNode, FileNodeOps, FilesystemOps,
    Metadata, MetadataUpdate, NodeFlags, NodeOps, NodePermission, NodeType, Reference, VfsError,
    VfsResult, WeakDirEntry,
};
use axpoll::{IoEvents, Pollable};
use spin::Mutex;

use super::{Gen, GenFs, GenKind, LinkFn, ListFn, ReadFn, WriteFn};
use crate::{
    DeviceOps,
    common::{child_reference, emit_dots, parent_ino},
    time::now,
};

/// Inode number of `name` under the directory numbered `parent` (FNV-1a of
/// both), so the same path always gets the same number.
fn child_ino(parent: u64, name: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let bytes = parent.to_le_bytes().into_iter().chain(name.bytes());
    let hash = bytes.fold(OFFSET, |hash, byte| {
        (hash ^ byte as u64).wrapping_mul(PRIME)
    });
    // Keep clear of 0 (invalid) and the root's number.
    if hash <= super::ROOT_INO {
        hash + 2
    } else {
        hash
    }
}

/// Creates the VFS entry for `node`.
pub(super) fn build_entry(fs: &Arc<GenFs>, node: &Gen, ino: u64, reference: Reference) -> DirEntry {
    let base = Base::new(fs, node, ino);
    match &node.kind {
        GenKind::Dir(list) => dir_entry(base, Source::Dynamic(list.clone()), reference),
        GenKind::StaticDir(entries) => dir_entry(base, Source::Static(entries.clone()), reference),
        GenKind::File { read, write } => {
            let file = GenFile {
                base,
                read: read.clone(),
                write: write.clone(),
                snapshot: Mutex::new(None),
            };
            DirEntry::new_file(
                FileNode::new(Arc::new(file)),
                NodeType::RegularFile,
                reference,
            )
        }
        GenKind::Symlink(target) => {
            let link = GenLink::new(base, target);
            DirEntry::new_file(FileNode::new(Arc::new(link)), NodeType::Symlink, reference)
        }
        GenKind::Custom(ops) => {
            let custom = GenCustom {
                base,
                ops: ops.clone(),
            };
            DirEntry::new_file(
                FileNode::new(Arc::new(custom)),
                NodeType::RegularFile,
                reference,
            )
        }
    }
}

fn dir_entry(base: Base, source: Source, reference: Reference) -> DirEntry {
    DirEntry::new_dir(
        |this| DirNode::new(Arc::new(GenDir { base, source, this })),
        reference,
    )
}

/// What every generated node has.
struct Base {
    fs: Arc<GenFs>,
    ino: u64,
    mode: NodePermission,
    owner: (u32, u32),
    /// Creation time of this node, reported as all three timestamps.
    time: Duration,
}

impl Base {
    fn new(fs: &Arc<GenFs>, node: &Gen, ino: u64) -> Self {
        Self {
            fs: fs.clone(),
            ino,
            mode: NodePermission::from_bits_truncate(node.mode.unwrap_or(node.default_mode())),
            owner: node.owner,
            time: now(),
        }
    }

    fn metadata(&self, node_type: NodeType, nlink: u64) -> Metadata {
        Metadata {
            device: 0,
            inode: self.ino,
            nlink,
            mode: self.mode,
            node_type,
            uid: self.owner.0,
            gid: self.owner.1,
            size: 0,
            block_size: self.fs.block_size as u64,
            blocks: 0,
            rdev: DeviceId::default(),
            atime: self.time,
            mtime: self.time,
            ctime: self.time,
        }
    }

    /// Timestamps are accepted and ignored (the VFS sets them on close);
    /// ownership and mode come from the generator.
    fn update_metadata(&self, update: MetadataUpdate) -> VfsResult<()> {
        if update.mode.is_some() || update.owner.is_some() {
            return Err(VfsError::OperationNotPermitted);
        }
        Ok(())
    }
}

/// The `NodeOps` methods that only depend on [`Base`].
macro_rules! base_node_ops {
    () => {
        fn inode(&self) -> u64 {
            self.base.ino
        }

        fn update_metadata(&self, update: MetadataUpdate) -> VfsResult<()> {
            self.base.update_metadata(update)
        }

        fn filesystem(&self) -> &dyn FilesystemOps {
            &*self.base.fs
        }

        fn sync(&self, _data_only: bool) -> VfsResult<()> {
            Ok(())
        }

        fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
            self
        }
    };
}

/// Readiness of nodes whose data is always there.
macro_rules! always_ready {
    ($ty:ty) => {
        impl Pollable for $ty {
            fn poll(&self) -> IoEvents {
                IoEvents::IN | IoEvents::OUT
            }

            fn register(&self, _context: &mut Context<'_>, _events: IoEvents) {}
        }
    };
}

enum Source {
    Dynamic(ListFn),
    Static(Arc<[(String, Gen)]>),
}

struct GenDir {
    base: Base,
    source: Source,
    this: WeakDirEntry,
}

impl GenDir {
    fn entries(&self) -> Arc<[(String, Gen)]> {
        match &self.source {
            Source::Dynamic(list) => list().into(),
            Source::Static(entries) => entries.clone(),
        }
    }
}

impl NodeOps for GenDir {
    base_node_ops!();

    fn metadata(&self) -> VfsResult<Metadata> {
        // `..` of every subdirectory counts, as everywhere on Linux (find(1)
        // relies on it). For a dynamic directory this runs its generator.
        let subdirs = self
            .entries()
            .iter()
            .filter(|(_, node)| node.node_type() == NodeType::Directory)
            .count();
        Ok(self.base.metadata(NodeType::Directory, 2 + subdirs as u64))
    }
}

impl DirNodeOps for GenDir {
    fn read_dir(&self, offset: u64, sink: &mut dyn DirEntrySink) -> VfsResult<usize> {
        let ino = self.base.ino;
        let (mut count, more) = emit_dots(offset, sink, ino, parent_ino(&self.this, ino));
        if !more {
            return Ok(count);
        }
        // Offsets are list positions: an entry that disappears between two
        // `getdents` calls may make the reader skip one, as in Linux procfs.
        let skip = offset.saturating_sub(2) as usize;
        for (index, (name, node)) in self.entries().iter().enumerate().skip(skip) {
            if !sink.accept(
                name,
                child_ino(ino, name),
                node.node_type(),
                index as u64 + 3,
            ) {
                break;
            }
            count += 1;
        }
        Ok(count)
    }

    fn lookup(&self, name: &str) -> VfsResult<DirEntry> {
        let entries = self.entries();
        let (_, node) = entries
            .iter()
            .find(|(entry, _)| entry == name)
            .ok_or(VfsError::NotFound)?;
        let ino = child_ino(self.base.ino, name);
        Ok(build_entry(
            &self.base.fs,
            node,
            ino,
            child_reference(&self.this, name),
        ))
    }

    fn is_cacheable(&self) -> bool {
        matches!(self.source, Source::Static(_))
    }

    /// Linux: `open(O_CREAT)` without a create operation gives EACCES, `mkdir`
    /// and `mknod` give EPERM.
    fn create(
        &self,
        _name: &str,
        node_type: NodeType,
        _perm: NodePermission,
    ) -> VfsResult<DirEntry> {
        Err(match node_type {
            NodeType::RegularFile => VfsError::PermissionDenied,
            _ => VfsError::OperationNotPermitted,
        })
    }

    fn link(&self, _name: &str, _node: &DirEntry) -> VfsResult<DirEntry> {
        Err(VfsError::OperationNotPermitted)
    }

    fn unlink(&self, _name: &str) -> VfsResult<()> {
        Err(VfsError::OperationNotPermitted)
    }

    fn rename(&self, _src_name: &str, _dst_dir: &DirNode, _dst_name: &str) -> VfsResult<()> {
        Err(VfsError::OperationNotPermitted)
    }
}

struct GenFile {
    base: Base,
    read: ReadFn,
    write: Option<WriteFn>,
    /// Contents produced by the last read at offset 0.
    snapshot: Mutex<Option<Arc<[u8]>>>,
}

impl GenFile {
    fn writer(&self) -> VfsResult<&WriteFn> {
        self.write.as_ref().ok_or(VfsError::PermissionDenied)
    }
}

impl NodeOps for GenFile {
    base_node_ops!();

    fn metadata(&self) -> VfsResult<Metadata> {
        Ok(self.base.metadata(NodeType::RegularFile, 1))
    }

    /// Size 0 would make a page cache read nothing: always go to the node.
    fn flags(&self) -> NodeFlags {
        NodeFlags::NON_CACHEABLE
    }
}

impl FileNodeOps for GenFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> VfsResult<usize> {
        let kept = if offset == 0 {
            None
        } else {
            self.snapshot.lock().clone()
        };
        // The generator runs with no lock held: it may take kernel locks.
        let data = kept.unwrap_or_else(|| {
            let fresh: Arc<[u8]> = (self.read)().into();
            *self.snapshot.lock() = Some(fresh.clone());
            fresh
        });
        Ok(copy_from(&data, buf, offset))
    }

    fn write_at(&self, buf: &[u8], _offset: u64) -> VfsResult<usize> {
        self.writer()?(buf)?;
        *self.snapshot.lock() = None;
        Ok(buf.len())
    }

    fn append(&self, buf: &[u8]) -> VfsResult<(usize, u64)> {
        self.write_at(buf, 0).map(|written| (written, 0))
    }

    /// `O_TRUNC` (as in `echo 1 > knob`) is accepted on writable files.
    fn set_len(&self, _len: u64) -> VfsResult<()> {
        self.writer().map(drop)
    }

    fn set_symlink(&self, _target: &str) -> VfsResult<()> {
        Err(VfsError::InvalidInput)
    }
}

always_ready!(GenFile);

fn copy_from(data: &[u8], buf: &mut [u8], offset: u64) -> usize {
    let Some(rest) = usize::try_from(offset)
        .ok()
        .and_then(|start| data.get(start..))
    else {
        return 0;
    };
    let len = rest.len().min(buf.len());
    buf[..len].copy_from_slice(&rest[..len]);
    len
}

/// A symlink; its target is computed once, when the path is looked up.
struct GenLink {
    base: Base,
    target: String,
}

impl GenLink {
    fn new(base: Base, target: &LinkFn) -> Self {
        Self {
            base,
            target: target(),
        }
    }
}

impl NodeOps for GenLink {
    base_node_ops!();

    fn metadata(&self) -> VfsResult<Metadata> {
        Ok(self.base.metadata(NodeType::Symlink, 1))
    }

    /// `stat` says 0 like Linux procfs, but `read_link` sizes its buffer by
    /// `len`.
    fn len(&self) -> VfsResult<u64> {
        Ok(self.target.len() as u64)
    }

    fn flags(&self) -> NodeFlags {
        NodeFlags::NON_CACHEABLE
    }
}

impl FileNodeOps for GenLink {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> VfsResult<usize> {
        Ok(copy_from(self.target.as_bytes(), buf, offset))
    }

    fn write_at(&self, _buf: &[u8], _offset: u64) -> VfsResult<usize> {
        Err(VfsError::PermissionDenied)
    }

    fn append(&self, _buf: &[u8]) -> VfsResult<(usize, u64)> {
        Err(VfsError::PermissionDenied)
    }

    fn set_len(&self, _len: u64) -> VfsResult<()> {
        Err(VfsError::PermissionDenied)
    }

    fn set_symlink(&self, _target: &str) -> VfsResult<()> {
        Err(VfsError::OperationNotPermitted)
    }
}

always_ready!(GenLink);

/// A file whose behaviour is entirely the caller's.
struct GenCustom {
    base: Base,
    ops: Arc<dyn DeviceOps>,
}

impl NodeOps for GenCustom {
    base_node_ops!();

    fn metadata(&self) -> VfsResult<Metadata> {
        Ok(self.base.metadata(NodeType::RegularFile, 1))
    }

    fn len(&self) -> VfsResult<u64> {
        Ok(self.ops.size())
    }

    fn flags(&self) -> NodeFlags {
        self.ops.flags()
    }
}

impl FileNodeOps for GenCustom {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> VfsResult<usize> {
        self.ops.read_at(buf, offset)
    }

    fn write_at(&self, buf: &[u8], offset: u64) -> VfsResult<usize> {
        self.ops.write_at(buf, offset)
    }

    fn append(&self, buf: &[u8]) -> VfsResult<(usize, u64)> {
        let end = self.ops.size();
        self.ops.write_at(buf, end).map(|n| (n, end + n as u64))
    }

    fn set_len(&self, _len: u64) -> VfsResult<()> {
        Ok(())
    }

    fn set_symlink(&self, _target: &str) -> VfsResult<()> {
        Err(VfsError::InvalidInput)
    }

    fn ioctl(&self, cmd: u32, arg: usize) -> VfsResult<usize> {
        self.ops.ioctl(cmd, arg)
    }
}

impl Pollable for GenCustom {
    fn poll(&self) -> IoEvents {
        self.ops.poll()
    }

    fn register(&self, context: &mut Context<'_>, events: IoEvents) {
        self.ops.register(context, events);
    }
}
