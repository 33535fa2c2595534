//! devfs: the in-memory tree of tmpfs with driver-backed device nodes.
//!
//! It stays writable like Linux's devtmpfs, so `mkdir /dev/shm`, `mknod` and
//! `ln -s` work, and devices can be registered after mounting with
//! [`add_device`] (e.g. a new `/dev/pts/N`). Removing one is an ordinary
//! unlink through the VFS, which also drops the VFS's cached entry.

use alloc::{string::String, sync::Arc, vec::Vec};

use axfs_ng_vfs::{DeviceId, DirEntry, Filesystem, NodePermission, NodeType, VfsError, VfsResult};

use crate::{
    DeviceOps,
    common::check_name,
    magic,
    memtree::{Content, Inode, MemDir, MemFs, MemFsConfig},
};

/// A device node to create in a devfs.
#[derive(Clone)]
pub struct DeviceEntry {
    /// Path relative to the directory it is added to; missing intermediate
    /// directories (such as `pts` in `pts/0`) are created with mode 0755.
    pub name: String,
    /// [`NodeType::CharacterDevice`] or [`NodeType::BlockDevice`].
    pub node_type: NodeType,
    /// Device number, reported as `st_rdev`.
    pub rdev: DeviceId,
    pub mode: NodePermission,
    pub ops: Arc<dyn DeviceOps>,
}

impl DeviceEntry {
    /// A character device, mode 0666 (like `/dev/null`).
    pub fn char(name: impl Into<String>, major: u32, minor: u32, ops: Arc<dyn DeviceOps>) -> Self {
        Self::new(name, NodeType::CharacterDevice, major, minor, 0o666, ops)
    }

    /// A block device, mode 0660 (like `/dev/vda`).
    pub fn block(name: impl Into<String>, major: u32, minor: u32, ops: Arc<dyn DeviceOps>) -> Self {
        Self::new(name, NodeType::BlockDevice, major, minor, 0o660, ops)
    }

    fn new(
        name: impl Into<String>,
        node_type: NodeType,
        major: u32,
        minor: u32,
        mode: u16,
        ops: Arc<dyn DeviceOps>,
    ) -> Self {
        Self {
            name: name.into(),
            node_type,
            rdev: DeviceId::new(major, minor),
            mode: NodePermission::from_bits_truncate(mode),
            ops,
        }
    }

    /// Overrides the permission bits (e.g. 0620 for a tty).
    pub fn with_mode(mut self, mode: u16) -> Self {
        self.mode = NodePermission::from_bits_truncate(mode);
        self
    }
}

/// Builds a devfs: devices, symlinks and plain directories.
///
/// ```ignore
/// let dev = DevfsBuilder::new()
///     .device(DeviceEntry::char("null", 1, 3, Arc::new(NullDev)))
///     .symlink("fd", "/proc/self/fd")
///     .dir("shm", 0o1777)
///     .build()?;
/// ```
#[derive(Default)]
pub struct DevfsBuilder {
    devices: Vec<DeviceEntry>,
    symlinks: Vec<(String, String)>,
    dirs: Vec<(String, u16)>,
}

impl DevfsBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn device(mut self, entry: DeviceEntry) -> Self {
        self.devices.push(entry);
        self
    }

    /// A symlink `name -> target`; the target is stored verbatim.
    pub fn symlink(mut self, name: impl Into<String>, target: impl Into<String>) -> Self {
        self.symlinks.push((name.into(), target.into()));
        self
    }

    /// An empty directory (e.g. `shm` with 0o1777, to mount a tmpfs on).
    pub fn dir(mut self, name: impl Into<String>, mode: u16) -> Self {
        self.dirs.push((name.into(), mode));
        self
    }

    /// Fails if a name is invalid or given twice.
    pub fn build(self) -> VfsResult<Filesystem> {
        let fs = MemFs::new(MemFsConfig {
            name: "devtmpfs",
            // Linux's devtmpfs is a tmpfs instance and reports its magic.
            magic: magic::TMPFS_MAGIC,
            root_mode: 0o755,
            max_bytes: None,
            page_cache: true,
        });
        let root = fs.root();
        for (name, mode) in &self.dirs {
            let (parent, leaf) = parent_of(root, name)?;
            parent.as_dir()?.create(
                leaf,
                NodeType::Directory,
                NodePermission::from_bits_truncate(*mode),
            )?;
        }
        for (name, target) in &self.symlinks {
            let (parent, leaf) = parent_of(root, name)?;
            let link =
                parent
                    .as_dir()?
                    .create(leaf, NodeType::Symlink, NodePermission::default())?;
            link.as_file()?.set_symlink(target)?;
        }
        for entry in self.devices {
            add_device(root, entry)?;
        }
        Ok(Filesystem::new(fs))
    }
}

/// A devfs holding `devices` (no symlinks or extra directories; see
/// [`DevfsBuilder`] for those).
pub fn devfs(devices: Vec<DeviceEntry>) -> VfsResult<Filesystem> {
    devices
        .into_iter()
        .fold(DevfsBuilder::new(), DevfsBuilder::device)
        .build()
}

/// Adds a device node under `dir`, a directory of a devfs or tmpfs from this
/// crate (e.g. `location.entry()` of `/dev` after mounting). Returns the new
/// entry, already known to the VFS's lookup cache.
pub fn add_device(dir: &DirEntry, entry: DeviceEntry) -> VfsResult<DirEntry> {
    if !matches!(
        entry.node_type,
        NodeType::CharacterDevice | NodeType::BlockDevice
    ) {
        return Err(VfsError::InvalidInput);
    }
    let (parent, leaf) = parent_of(dir, &entry.name)?;
    check_name(leaf)?;
    let node = mem_dir(&parent)?;
    let content = Content::Device(entry.ops);
    node.create_node(leaf, entry.node_type, entry.mode, entry.rdev, content)?;
    // Created behind the VFS's back; looking it up puts it in the VFS cache.
    parent.as_dir()?.lookup(leaf)
}

/// The driver behind a device node created by [`add_device`].
pub fn device_of(entry: &DirEntry) -> Option<Arc<dyn DeviceOps>> {
    entry.downcast::<Inode>().ok()?.device().cloned()
}

/// Sets `st_rdev` of a node of this crate's tmpfs/devfs, for `mknod`
/// (the VFS `create` call has no device number).
pub fn set_rdev(entry: &DirEntry, rdev: DeviceId) -> VfsResult<()> {
    entry.downcast::<Inode>()?.set_rdev(rdev);
    Ok(())
}

fn mem_dir(entry: &DirEntry) -> VfsResult<Arc<MemDir>> {
    entry.as_dir()?.downcast::<MemDir>()
}

/// Splits `path` into its parent directory under `dir` (created as needed,
/// mode 0755) and its last component.
fn parent_of<'a>(dir: &DirEntry, path: &'a str) -> VfsResult<(DirEntry, &'a str)> {
    let mut components = path.split('/').filter(|c| !c.is_empty());
    let mut leaf = components.next().ok_or(VfsError::InvalidInput)?;
    let mut parent = dir.clone();
    for next in components {
        let node = parent.as_dir()?;
        parent = match node.lookup(leaf) {
            Ok(found) => found,
            Err(err) if err == VfsError::NotFound => node.create(
                leaf,
                NodeType::Directory,
                NodePermission::from_bits_truncate(0o755),
            )?,
            Err(err) => return Err(err),
        };
        leaf = next;
    }
    Ok((parent, leaf))
}
