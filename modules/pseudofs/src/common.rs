//! Small helpers shared by every filesystem in this crate.

use alloc::borrow::ToOwned;

use axfs_ng_vfs::{DirEntrySink, NodeType, Reference, VfsError, VfsResult, WeakDirEntry};

/// Block size reported in metadata and `statfs`, and the page size of file data.
pub(crate) const BLOCK_SIZE: usize = 4096;

/// Longest name accepted, as reported by `statfs`.
pub(crate) const NAME_MAX: u32 = 255;

/// The reference a child of the directory `this` is created with.
pub(crate) fn child_reference(this: &WeakDirEntry, name: &str) -> Reference {
    Reference::new(this.upgrade(), name.to_owned())
}

/// Inode number of the parent of the directory `this` (its own for a mount root,
/// where `..` is resolved by the VFS anyway).
pub(crate) fn parent_ino(this: &WeakDirEntry, own: u64) -> u64 {
    this.upgrade()
        .and_then(|entry| entry.parent())
        .map_or(own, |parent| parent.inode())
}

/// Emits `.` (offset 0) and `..` (offset 1) as needed for a read starting at
/// `offset`. Children start at offset 2.
///
/// Returns how many entries were accepted and whether the sink wants more.
pub(crate) fn emit_dots(
    offset: u64,
    sink: &mut dyn DirEntrySink,
    ino: u64,
    parent_ino: u64,
) -> (usize, bool) {
    let mut count = 0;
    if offset == 0 {
        if !sink.accept(".", ino, NodeType::Directory, 1) {
            return (count, false);
        }
        count += 1;
    }
    if offset <= 1 {
        if !sink.accept("..", parent_ino, NodeType::Directory, 2) {
            return (count, false);
        }
        count += 1;
    }
    (count, true)
}

/// Checks a name created without going through the VFS (which checks its own).
pub(crate) fn check_name(name: &str) -> VfsResult<()> {
    if name.len() > NAME_MAX as usize {
        return Err(VfsError::NameTooLong);
    }
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']) {
        return Err(VfsError::InvalidInput);
    }
    Ok(())
}
