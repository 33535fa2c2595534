//! Mounting a filesystem at a path below an existing location.

use alloc::sync::Arc;

use axfs_ng_vfs::{
    Filesystem, Location, Mountpoint, NodePermission, NodeType, VfsError, VfsResult,
};

/// Mounts `fs` at `path` (taken relative to `root`, leading `/` optional),
/// creating missing directories with mode 0755. Symlinks on the way are not
/// followed.
///
/// Fails with `InvalidInput` if the directory is generated anew on every
/// lookup (an entry of a [`Gen::dir`](crate::Gen::dir)), since the mount
/// would never be found again; use a
/// [`Gen::static_dir`](crate::Gen::static_dir) as the parent there.
pub fn mount_at(root: &Location, path: &str, fs: &Filesystem) -> VfsResult<Arc<Mountpoint>> {
    let mut dir = root.clone();
    for name in path.split('/').filter(|c| !c.is_empty()) {
        dir = match dir.lookup_no_follow(name) {
            Ok(found) => found,
            Err(err) if err == VfsError::NotFound => dir.create(
                name,
                NodeType::Directory,
                NodePermission::from_bits_truncate(0o755),
            )?,
            Err(err) => return Err(err),
        };
        dir.check_is_dir()?;
    }
    let mountpoint = dir.mount(fs)?;
    if let Some(parent) = dir.parent() {
        let seen = parent.lookup_no_follow(dir.name())?;
        if !Arc::ptr_eq(seen.mountpoint(), &mountpoint) {
            mountpoint.root_location().unmount()?;
            return Err(VfsError::InvalidInput);
        }
    }
    Ok(mountpoint)
}
