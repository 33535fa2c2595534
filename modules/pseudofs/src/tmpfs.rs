//! tmpfs: a writable in-memory filesystem for `/tmp` and `/dev/shm`.

use alloc::sync::Arc;

use axfs_ng_vfs::Filesystem;

use crate::{
    magic,
    memtree::{MemFs, MemFsConfig},
};

/// Options of [`tmpfs_with`].
#[derive(Debug, Clone)]
pub struct TmpfsOptions {
    /// Name reported by [`Filesystem::name`].
    ///
    /// Must not be `"tmpfs"`: axfs-ng 0.3.0-preview.3 treats a filesystem of
    /// that exact name as page-cache-only storage (`CachedFile` zero-fills
    /// pages and never writes them back), which would bypass the data kept
    /// here. Show `tmpfs` in `/proc/mounts` from the mount table instead.
    pub name: &'static str,
    /// `statfs` `f_type`.
    pub magic: u32,
    /// Permission bits of the root directory.
    pub root_mode: u16,
    /// Size limit (Linux `size=`); writes past it fail with `StorageFull`.
    pub max_bytes: Option<u64>,
    /// Let axfs-ng's page cache sit in front of regular files (as for ext4),
    /// which is what file-backed shared `mmap` builds on. Without it every
    /// read and write reaches the node directly, which keeps hard links and
    /// renamed-while-open files coherent at all times.
    pub page_cache: bool,
}

impl Default for TmpfsOptions {
    fn default() -> Self {
        Self {
            name: "ramfs",
            magic: magic::TMPFS_MAGIC,
            // World-writable and sticky, like a fresh /tmp or /dev/shm.
            root_mode: 0o1777,
            max_bytes: None,
            page_cache: true,
        }
    }
}

/// A new, empty tmpfs with default [`TmpfsOptions`].
pub fn tmpfs() -> Filesystem {
    tmpfs_with(TmpfsOptions::default())
}

/// A new, empty tmpfs.
pub fn tmpfs_with(options: TmpfsOptions) -> Filesystem {
    debug_assert_ne!(options.name, "tmpfs", "see TmpfsOptions::name");
    let fs: Arc<MemFs> = MemFs::new(MemFsConfig {
        name: options.name,
        magic: options.magic,
        root_mode: options.root_mode,
        max_bytes: options.max_bytes,
        page_cache: options.page_cache,
    });
    Filesystem::new(fs)
}
