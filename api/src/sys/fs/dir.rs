//! Directories: reading them (getdents64), the working directory and umask.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use axfs_ng_vfs::{Location, NodeType};

use super::{AT_FDCWD, get_file, lookup_at};
use crate::errno::{Errno, SysResult, VfsResultExt};
use crate::file::{Directory, FileKind, OpenFile};
use crate::task::current_process;
use crate::uaccess::{PATH_MAX, UserSlice, read_path};

/// Whether the directory at `loc` has been removed (rmdir leaves no link).
fn is_removed(loc: &Location) -> SysResult<bool> {
    Ok(loc.metadata().sys()?.nlink == 0)
}

/// Collects linux_dirent64 records up to a byte budget.
struct DirentSink {
    out: Vec<u8>,
    cap: usize,
    /// The offset after the last record taken.
    next: u64,
    /// The first record did not fit: the buffer is too small (EINVAL).
    too_small: bool,
}

fn d_type(node_type: NodeType) -> u8 {
    match node_type {
        NodeType::Fifo => 1,
        NodeType::CharacterDevice => 2,
        NodeType::Directory => 4,
        NodeType::BlockDevice => 6,
        NodeType::RegularFile => 8,
        NodeType::Symlink => 10,
        NodeType::Socket => 12,
        NodeType::Unknown => 0,
    }
}

impl axfs_ng_vfs::DirEntrySink for DirentSink {
    fn accept(&mut self, name: &str, ino: u64, node_type: NodeType, offset: u64) -> bool {
        // d_ino, d_off, d_reclen, d_type, then the name and its NUL.
        let reclen = (19 + name.len() + 1).next_multiple_of(8);
        if self.out.len() + reclen > self.cap {
            self.too_small = self.out.is_empty();
            return false;
        }
        let start = self.out.len();
        self.out.resize(start + reclen, 0);
        let rec = &mut self.out[start..];
        rec[0..8].copy_from_slice(&ino.to_le_bytes());
        rec[8..16].copy_from_slice(&(offset as i64).to_le_bytes());
        rec[16..18].copy_from_slice(&(reclen as u16).to_le_bytes());
        rec[18] = d_type(node_type);
        rec[19..19 + name.len()].copy_from_slice(name.as_bytes());
        self.next = offset;
        true
    }
}

/// The directory an fd refers to; ENOTDIR for any other file.
fn directory_of(f: &OpenFile) -> SysResult<&Directory> {
    match f.file.kind() {
        FileKind::Directory(dir) => Ok(dir),
        _ => Err(Errno::ENOTDIR),
    }
}

pub fn sys_getdents64(fd: i32, buf: UserSlice) -> SysResult {
    let f = get_file(fd)?;
    let dir = directory_of(&f)?;
    // Linux: a removed directory reads as gone (IS_DEADDIR).
    if is_removed(&dir.loc)? {
        return Err(Errno::ENOENT);
    }
    let mut offset = dir.offset.lock();
    let mut sink = DirentSink {
        out: Vec::new(),
        cap: buf.len.min(1 << 20),
        next: *offset,
        too_small: false,
    };
    dir.loc.read_dir(*offset, &mut sink).sys()?;
    if sink.too_small {
        return Err(Errno::EINVAL);
    }
    buf.copy_out(&sink.out)?;
    *offset = sink.next;
    Ok(sink.out.len() as isize)
}

/// Where renamed directories are now, by (mount, inode). The VFS keeps
/// each entry's parent and name from its lookup and only drops renamed
/// entries from its cache, so entries still held (by a cwd or an open fd)
/// keep the old place; rename records the new one here for getcwd.
static MOVED: spin::Mutex<BTreeMap<(usize, u64), (Location, String)>> =
    spin::Mutex::new(BTreeMap::new());

fn node_key(loc: &Location) -> (usize, u64) {
    (Arc::as_ptr(loc.mountpoint()) as usize, loc.inode())
}

/// Records that the directory `dir` is now `name` in `parent`.
pub(super) fn note_moved(dir: &Location, parent: &Location, name: &str) {
    let place = (parent.clone(), String::from(name));
    let old = MOVED.lock().insert(node_key(dir), place);
    drop(old);
}

/// Forgets a removed directory, whose inode number may be reused.
pub(super) fn note_removed(dir: &Location) {
    let old = MOVED.lock().remove(&node_key(dir));
    drop(old);
}

/// The parent of directory `loc` and the name it was last given there.
fn recorded_place(loc: &Location) -> SysResult<(Location, String)> {
    if let Some(place) = MOVED.lock().get(&node_key(loc)) {
        return Ok(place.clone());
    }
    let parent = loc.parent().ok_or(Errno::ENOENT)?;
    Ok((parent, String::from(loc.entry().name())))
}

/// The name `child` has in `parent` now: `name` (where it was last seen)
/// unless a rename made it stale, then the one found by inode number.
fn current_name(parent: &Location, child: &Location, name: String) -> SysResult<String> {
    let ino = child.inode();
    let dir = parent.entry().as_dir().sys()?;
    if dir.lookup(&name).is_ok_and(|e| e.inode() == ino) {
        return Ok(name);
    }
    let mut found = None;
    parent
        .read_dir(0, &mut |n: &str, i: u64, _: NodeType, _: u64| {
            if i == ino && n != "." && n != ".." {
                found = Some(String::from(n));
                return false;
            }
            true
        })
        .sys()?;
    Ok(found.unwrap_or(name))
}

/// The absolute path of directory `loc` as the namespace stands now
/// (ENOENT once removed, as Linux's getcwd; ENAMETOOLONG past PATH_MAX).
fn current_path(loc: &Location) -> SysResult<String> {
    if is_removed(loc)? {
        return Err(Errno::ENOENT);
    }
    let mut names = Vec::new();
    let mut len = 0;
    let mut cur = loc.clone();
    loop {
        // The root of a mount stands for the directory it is mounted on.
        while cur.is_root_of_mount() {
            match cur.mountpoint().location() {
                Some(under) => cur = under,
                None => return Ok(join_path(&names)),
            }
        }
        let (parent, name) = recorded_place(&cur)?;
        let name = current_name(&parent, &cur, name)?;
        len += name.len() + 1;
        if len >= PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        names.push(name);
        cur = parent;
    }
}

/// "/" followed by `names` from the last to the first.
fn join_path(names: &[String]) -> String {
    if names.is_empty() {
        return String::from("/");
    }
    names
        .iter()
        .rev()
        .fold(String::new(), |path, name| path + "/" + name)
}

pub fn sys_getcwd(buf: UserSlice) -> SysResult {
    let cwd = current_process().fs.lock().current_dir().clone();
    let mut bytes = current_path(&cwd)?.into_bytes();
    bytes.push(0);
    if buf.len < bytes.len() {
        return Err(Errno::ERANGE);
    }
    buf.copy_out(&bytes)?;
    Ok(bytes.len() as isize)
}

pub fn sys_chdir(path: usize) -> SysResult {
    let p = read_path(path)?;
    let loc = lookup_at(AT_FDCWD, &p, true)?;
    current_process().fs.lock().set_current_dir(loc).sys()?;
    Ok(0)
}

pub fn sys_fchdir(fd: i32) -> SysResult {
    let f = get_file(fd)?;
    let dir = directory_of(&f)?;
    current_process()
        .fs
        .lock()
        .set_current_dir(dir.loc.clone())
        .sys()?;
    Ok(0)
}

pub fn sys_umask(mask: u32) -> SysResult {
    Ok(current_process()
        .umask
        .swap(mask & 0o777, core::sync::atomic::Ordering::Relaxed) as isize)
}
