//! Generated filesystems (procfs, sysfs): trees described by closures over
//! live kernel state.
//!
//! Nothing is stored. A dynamic directory calls its closure on every
//! `readdir` and `lookup` (and is not cached by the VFS), so `/proc/<pid>`
//! appears and disappears with the process. A file calls its closure when
//! read at offset 0 and serves later offsets from that snapshot, so a
//! sequential `read` loop sees one consistent text. Sizes are 0, as in Linux
//! procfs. Inode numbers are a hash of the path, so they are stable.

mod nodes;

use alloc::{
    string::String,
    sync::{Arc, Weak},
    vec::Vec,
};

use axfs_ng_vfs::{DirEntry, Filesystem, FilesystemOps, NodeType, Reference, StatFs, VfsResult};

use crate::{
    DeviceOps,
    common::{BLOCK_SIZE, NAME_MAX},
};

/// Produces a file's contents.
pub type ReadFn = Arc<dyn Fn() -> Vec<u8> + Send + Sync>;
/// Consumes one `write` to a file. Writes larger than the VFS's copy buffer
/// arrive in several calls, which is fine for the short values of knobs.
pub type WriteFn = Arc<dyn Fn(&[u8]) -> VfsResult<()> + Send + Sync>;
/// Lists a directory: names and their nodes.
pub type ListFn = Arc<dyn Fn() -> Vec<(String, Gen)> + Send + Sync>;
/// Produces a symlink's target.
pub type LinkFn = Arc<dyn Fn() -> String + Send + Sync>;

/// A node of a generated tree, built with the constructors below.
#[derive(Clone)]
pub struct Gen {
    kind: GenKind,
    mode: Option<u16>,
    owner: (u32, u32),
}

#[derive(Clone)]
enum GenKind {
    File {
        read: ReadFn,
        write: Option<WriteFn>,
    },
    Dir(ListFn),
    StaticDir(Arc<[(String, Gen)]>),
    Symlink(LinkFn),
    Custom(Arc<dyn DeviceOps>),
}

impl Gen {
    fn new(kind: GenKind) -> Self {
        Self {
            kind,
            mode: None,
            owner: (0, 0),
        }
    }

    /// A read-only file (mode 0444).
    pub fn file(read: impl Fn() -> Vec<u8> + Send + Sync + 'static) -> Self {
        Self::new(GenKind::File {
            read: Arc::new(read),
            write: None,
        })
    }

    /// A writable file (mode 0644), e.g. a `/proc/sys` knob or a sysfs
    /// attribute. An error from `write` is returned by the `write` call.
    pub fn rw_file(
        read: impl Fn() -> Vec<u8> + Send + Sync + 'static,
        write: impl Fn(&[u8]) -> VfsResult<()> + Send + Sync + 'static,
    ) -> Self {
        Self::new(GenKind::File {
            read: Arc::new(read),
            write: Some(Arc::new(write)),
        })
    }

    /// A directory whose entries are listed anew on every `readdir`/`lookup`
    /// (mode 0555). Its entries are never kept, so nothing can be mounted on
    /// them (the directory itself can hold a mount if its parent is static).
    pub fn dir(list: impl Fn() -> Vec<(String, Gen)> + Send + Sync + 'static) -> Self {
        Self::new(GenKind::Dir(Arc::new(list)))
    }

    /// A directory with fixed entries (mode 0555). The VFS caches its
    /// entries, so they can be mount points (e.g. `/sys/kernel/debug`).
    pub fn static_dir<S: Into<String>>(entries: impl IntoIterator<Item = (S, Gen)>) -> Self {
        let entries: Vec<(String, Gen)> = entries
            .into_iter()
            .map(|(name, node)| (name.into(), node))
            .collect();
        Self::new(GenKind::StaticDir(entries.into()))
    }

    /// A symlink whose target is computed at each lookup (e.g. `/proc/self`).
    pub fn symlink(target: impl Fn() -> String + Send + Sync + 'static) -> Self {
        Self::new(GenKind::Symlink(Arc::new(target)))
    }

    /// A regular file (mode 0444) whose I/O, poll and ioctl are handled by
    /// `ops`, for stream-like files such as `trace_pipe` or `/proc/kmsg`.
    pub fn custom(ops: Arc<dyn DeviceOps>) -> Self {
        Self::new(GenKind::Custom(ops))
    }

    /// Overrides the permission bits.
    pub fn mode(mut self, mode: u16) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Sets the owner (default root), e.g. `/proc/<pid>` belongs to the
    /// process's user.
    pub fn owner(mut self, uid: u32, gid: u32) -> Self {
        self.owner = (uid, gid);
        self
    }

    pub fn node_type(&self) -> NodeType {
        match self.kind {
            GenKind::Dir(_) | GenKind::StaticDir(_) => NodeType::Directory,
            GenKind::Symlink(_) => NodeType::Symlink,
            GenKind::File { .. } | GenKind::Custom(_) => NodeType::RegularFile,
        }
    }

    fn default_mode(&self) -> u16 {
        match &self.kind {
            GenKind::File { write: Some(_), .. } => 0o644,
            GenKind::File { write: None, .. } | GenKind::Custom(_) => 0o444,
            GenKind::Dir(_) | GenKind::StaticDir(_) => 0o555,
            GenKind::Symlink(_) => 0o777,
        }
    }
}

/// A generated filesystem named `name` (e.g. `"proc"`, `"sysfs"`) with
/// `statfs` magic 0; see [`generated_fs_with_magic`].
///
/// # Panics
/// If `root` is not a directory.
pub fn generated_fs(name: &'static str, root: Gen) -> Filesystem {
    generated_fs_with_magic(name, 0, root)
}

/// A generated filesystem whose `statfs` reports `magic` (e.g.
/// [`magic::PROC_SUPER_MAGIC`](crate::magic::PROC_SUPER_MAGIC)).
///
/// # Panics
/// If `root` is not a directory.
pub fn generated_fs_with_magic(name: &'static str, magic: u32, root: Gen) -> Filesystem {
    generated_fs_with_block_size(name, magic, BLOCK_SIZE as u32, root)
}

/// [`generated_fs_with_magic`] whose nodes report `block_size` as their
/// `st_blksize` (procfs: 1024, its superblock's block size on Linux, which
/// sizes stdio's buffers for /proc files).
pub fn generated_fs_with_block_size(
    name: &'static str,
    magic: u32,
    block_size: u32,
    root: Gen,
) -> Filesystem {
    assert_eq!(
        root.node_type(),
        NodeType::Directory,
        "the root of a generated filesystem must be a directory"
    );
    Filesystem::new(Arc::new_cyclic(|this| GenFs {
        name,
        magic,
        block_size,
        root,
        this: this.clone(),
    }))
}

/// Inode number of the root; children hash from it.
const ROOT_INO: u64 = 1;

/// Nodes point here; it holds only closures, never nodes, so nothing cycles.
pub(crate) struct GenFs {
    name: &'static str,
    magic: u32,
    /// `st_blksize` of every node.
    pub(crate) block_size: u32,
    root: Gen,
    this: Weak<GenFs>,
}

impl FilesystemOps for GenFs {
    fn name(&self) -> &str {
        self.name
    }

    /// A fresh root entry per call (once per mount): there is no state to share.
    fn root_dir(&self) -> DirEntry {
        // `self` is only ever reached through an `Arc`, so this cannot fail.
        let this = self.this.upgrade().expect("GenFs outside of its Arc");
        nodes::build_entry(&this, &self.root, ROOT_INO, Reference::root())
    }

    fn stat(&self) -> VfsResult<StatFs> {
        Ok(StatFs {
            fs_type: self.magic,
            block_size: BLOCK_SIZE as u32,
            blocks: 0,
            blocks_free: 0,
            blocks_available: 0,
            file_count: 0,
            free_file_count: 0,
            name_length: NAME_MAX,
            fragment_size: BLOCK_SIZE as u32,
            mount_flags: 0,
        })
    }
}
