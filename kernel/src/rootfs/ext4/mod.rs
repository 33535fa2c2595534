//! ext4 (lwext4) as an `axfs_ng_vfs` filesystem on a `blockdev` device.
//! axfs-ng has its own such glue, but it only takes axdriver's concrete
//! device type; this one takes any `BlockDevice`.

mod disk;
mod inode;

use alloc::sync::Arc;
use core::cell::OnceCell;

use axfs_ng_vfs::{
    DirEntry, DirNode, Filesystem, FilesystemOps, Reference, StatFs, VfsError, VfsResult,
    path::MAX_NAME_LEN,
};
use blockdev::BlockDevice;
use kspin::{SpinNoPreempt, SpinNoPreemptGuard};
use lwext4_rust::{Ext4Error, FsConfig, InodeType, SystemHal, ffi::EXT4_ROOT_INO};

use self::{disk::Ext4Disk, inode::Inode};

/// lwext4's block cache, in blocks.
const CONFIG: FsConfig = FsConfig { bcache_size: 256 };

/// ext4's magic number, as statfs reports it.
const EXT4_SUPER_MAGIC: u64 = 0xef53;

/// lwext4's clock: none, so it leaves timestamps to the VFS (as axfs-ng
/// does without its `times` feature).
struct NoClock;

impl SystemHal for NoClock {
    fn now() -> Option<core::time::Duration> {
        None
    }
}

type Lwext4 = lwext4_rust::Ext4Filesystem<NoClock, Ext4Disk>;

pub struct Ext4Fs {
    // lwext4 is not reentrant: one call into it at a time.
    inner: SpinNoPreempt<Lwext4>,
    root: OnceCell<DirEntry>,
}

// SAFETY: lwext4's state holds raw pointers, which makes it neither Send
// nor Sync; every access to it goes through `inner`'s lock, and `root` is
// written once in `mount` before the filesystem is shared.
unsafe impl Send for Ext4Fs {}
// SAFETY: as for Send.
unsafe impl Sync for Ext4Fs {}

impl Ext4Fs {
    pub fn mount(dev: Arc<dyn BlockDevice>) -> VfsResult<Filesystem> {
        let lwext4 = Lwext4::new(Ext4Disk::new(dev)?, CONFIG).map_err(vfs_err)?;
        let fs = Arc::new(Self {
            inner: SpinNoPreempt::new(lwext4),
            root: OnceCell::new(),
        });
        let root = DirEntry::new_dir(
            |this| DirNode::new(Inode::new(fs.clone(), EXT4_ROOT_INO, Some(this))),
            Reference::root(),
        );
        let _ = fs.root.set(root);
        Ok(Filesystem::new(fs))
    }

    fn lock(&self) -> SpinNoPreemptGuard<'_, Lwext4> {
        self.inner.lock()
    }
}

impl FilesystemOps for Ext4Fs {
    fn name(&self) -> &str {
        "ext4"
    }

    fn root_dir(&self) -> DirEntry {
        self.root.get().expect("set at mount").clone()
    }

    fn stat(&self) -> VfsResult<StatFs> {
        let st = self.lock().stat().map_err(vfs_err)?;
        Ok(StatFs {
            fs_type: EXT4_SUPER_MAGIC as _,
            block_size: st.block_size as _,
            blocks: st.blocks_count,
            blocks_free: st.free_blocks_count,
            blocks_available: st.free_blocks_count,
            file_count: st.inodes_count as _,
            free_file_count: st.free_inodes_count as _,
            name_length: MAX_NAME_LEN as _,
            fragment_size: 0,
            mount_flags: 0,
        })
    }

    fn flush(&self) -> VfsResult<()> {
        self.lock().flush().map_err(vfs_err)
    }
}

/// lwext4's errors are Linux errno values.
fn vfs_err(err: Ext4Error) -> VfsError {
    let errno = axerrno::LinuxError::try_from(err.code).unwrap_or(axerrno::LinuxError::EIO);
    VfsError::from(errno).canonicalize()
}

fn node_type(ty: InodeType) -> axfs_ng_vfs::NodeType {
    use axfs_ng_vfs::NodeType as N;
    match ty {
        InodeType::RegularFile => N::RegularFile,
        InodeType::Directory => N::Directory,
        InodeType::CharacterDevice => N::CharacterDevice,
        InodeType::BlockDevice => N::BlockDevice,
        InodeType::Fifo => N::Fifo,
        InodeType::Socket => N::Socket,
        InodeType::Symlink => N::Symlink,
        InodeType::Unknown => N::Unknown,
    }
}

fn inode_type(ty: axfs_ng_vfs::NodeType) -> VfsResult<InodeType> {
    use axfs_ng_vfs::NodeType as N;
    Ok(match ty {
        N::RegularFile => InodeType::RegularFile,
        N::Directory => InodeType::Directory,
        N::CharacterDevice => InodeType::CharacterDevice,
        N::BlockDevice => InodeType::BlockDevice,
        N::Fifo => InodeType::Fifo,
        N::Socket => InodeType::Socket,
        N::Symlink => InodeType::Symlink,
        N::Unknown => return Err(VfsError::InvalidData),
    })
}
