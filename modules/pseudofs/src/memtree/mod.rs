//! An in-memory tree of nodes: the common core of tmpfs and devfs.

mod children;
mod dir;
mod inode;

use alloc::sync::{Arc, Weak};
use core::sync::atomic::{AtomicU64, Ordering};

use axfs_ng_vfs::{
    DeviceId, DirEntry, FilesystemOps, NodePermission, NodeType, Reference, StatFs, VfsResult,
};
use spin::{Mutex, Once};

pub(crate) use children::Children;
pub(crate) use dir::{MemDir, entry_for};
pub(crate) use inode::{Content, Inode};

use crate::{
    common::{BLOCK_SIZE, NAME_MAX},
    sparse::Usage,
};

/// What `statfs` reports as free when no size limit was set: Linux would show
/// half of RAM, which this crate does not know.
const NOMINAL_FREE_PAGES: u64 = 1 << 18;
const NOMINAL_FREE_INODES: u64 = 1 << 20;

/// Construction parameters of an in-memory tree.
pub(crate) struct MemFsConfig {
    pub name: &'static str,
    pub magic: u32,
    pub root_mode: u16,
    pub max_bytes: Option<u64>,
    pub page_cache: bool,
}

/// Filesystem-wide state every node points to.
///
/// Nodes hold this rather than [`MemFs`] so the tree does not own itself: the
/// root entry is owned by `MemFs` and by mounts, and everything is freed when
/// the last of them goes.
pub(crate) struct MemFsInfo {
    name: &'static str,
    magic: u32,
    pub(crate) page_cache: bool,
    pub(crate) usage: Usage,
    next_ino: AtomicU64,
    live_inodes: AtomicU64,
    /// Serializes namespace changes (see `dir.rs`).
    pub(crate) ns_lock: Mutex<()>,
    root: Once<Weak<Inode>>,
    this: Weak<MemFsInfo>,
}

impl MemFsInfo {
    pub fn alloc_ino(&self) -> u64 {
        self.live_inodes.fetch_add(1, Ordering::Relaxed);
        self.next_ino.fetch_add(1, Ordering::Relaxed)
    }

    pub fn free_ino(&self) {
        self.live_inodes.fetch_sub(1, Ordering::Relaxed);
    }

    fn arc(&self) -> Arc<Self> {
        // `self` is only ever reached through an `Arc`, so this cannot fail.
        self.this.upgrade().expect("MemFsInfo outside of its Arc")
    }

    fn new_root(self: &Arc<Self>, mode: NodePermission) -> Arc<Inode> {
        let content = Content::Dir(Mutex::new(Children::new()));
        Inode::new(
            self,
            NodeType::Directory,
            mode,
            DeviceId::default(),
            content,
        )
    }
}

impl FilesystemOps for MemFsInfo {
    fn name(&self) -> &str {
        self.name
    }

    /// Only reached through a node (`node.filesystem().root_dir()`); mounts use
    /// [`MemFs::root_dir`]. Gives a fresh entry on the same root inode, or an
    /// empty directory once the tree is gone.
    fn root_dir(&self) -> DirEntry {
        let this = self.arc();
        let root = self.root.get().and_then(Weak::upgrade);
        let root = root.unwrap_or_else(|| this.new_root(NodePermission::from_bits_truncate(0o755)));
        entry_for(root, Reference::root())
    }

    fn stat(&self) -> VfsResult<StatFs> {
        let used = self.usage.pages();
        let blocks = self.usage.max_pages().unwrap_or(used + NOMINAL_FREE_PAGES);
        let free = blocks.saturating_sub(used);
        let files = self.live_inodes.load(Ordering::Relaxed);
        Ok(StatFs {
            fs_type: self.magic,
            block_size: BLOCK_SIZE as u32,
            blocks,
            blocks_free: free,
            blocks_available: free,
            file_count: files + NOMINAL_FREE_INODES,
            free_file_count: NOMINAL_FREE_INODES,
            name_length: NAME_MAX,
            fragment_size: BLOCK_SIZE as u32,
            mount_flags: 0,
        })
    }
}

/// The [`FilesystemOps`] handed to the VFS: the info plus the root entry.
pub(crate) struct MemFs {
    info: Arc<MemFsInfo>,
    root: DirEntry,
}

impl MemFs {
    pub fn new(config: MemFsConfig) -> Arc<Self> {
        let info = Arc::new_cyclic(|this| MemFsInfo {
            name: config.name,
            magic: config.magic,
            page_cache: config.page_cache,
            usage: Usage::new(config.max_bytes),
            next_ino: AtomicU64::new(1),
            live_inodes: AtomicU64::new(0),
            ns_lock: Mutex::new(()),
            root: Once::new(),
            this: this.clone(),
        });
        let root = info.new_root(NodePermission::from_bits_truncate(config.root_mode));
        info.root.call_once(|| Arc::downgrade(&root));
        let root = entry_for(root, Reference::root());
        Arc::new(Self { info, root })
    }

    pub fn root(&self) -> &DirEntry {
        &self.root
    }
}

impl FilesystemOps for MemFs {
    fn name(&self) -> &str {
        self.info.name()
    }

    fn root_dir(&self) -> DirEntry {
        self.root.clone()
    }

    fn stat(&self) -> VfsResult<StatFs> {
        self.info.stat()
    }
}
