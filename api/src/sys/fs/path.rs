//! Path lookup, and the calls that name files by path: open, mkdir, unlink,
//! rename, link, symlink, readlink and access.
//!
//! Two lookups serve every call, as in Linux's namei: [`lookup_at`] finds
//! the node a whole path names, [`parent_at`] the directory that holds (or
//! is to hold) its last component. The VFS's own path helpers lose trailing
//! slashes and treat `.`/`..` at the end as names, so they are not used for
//! the last component.

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;

use axfs_ng::FsContext;
use axfs_ng_vfs::{DirNode, Location, NodeType};
use linux_raw_sys::general as uapi;

use super::dir::{note_moved, note_removed};
use super::{AT_FDCWD, get_file, install};
use crate::errno::{Errno, SysResult, VfsResultExt};
use crate::file::{FileKind, open_location, perm};
use crate::task::current_process;
use crate::uaccess::{PATH_MAX, UserSlice, read_cstr, read_path};

/// Symlinks followed in one lookup at most (Linux's MAXSYMLINKS).
const MAX_SYMLINKS: usize = 40;

/// The context for resolving `path` relative to `dirfd` (the *at rule).
pub fn dir_context(dirfd: i32, path: &str) -> SysResult<FsContext> {
    let ctx = current_process().fs.lock().clone();
    if path.starts_with('/') || dirfd == AT_FDCWD {
        return Ok(ctx);
    }
    let f = get_file(dirfd)?;
    let FileKind::Directory(dir) = f.file.kind() else {
        return Err(Errno::ENOTDIR);
    };
    ctx.with_current_dir(dir.loc.clone()).sys()
}

/// Whether a last component is an ordinary name, not `.`, `..` or the
/// empty one of `/` (Linux's LAST_NORM).
fn is_plain_name(name: &str) -> bool {
    !matches!(name, "" | "." | "..")
}

/// The last component of `path` and whether slashes follow it, which asks
/// for a directory ("a/b/" → ("b", true)); "/" has an empty last component.
fn split_last(path: &str) -> (&str, bool) {
    let trimmed = path.trim_end_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or("");
    (last, trimmed.len() != path.len())
}

/// Looks up `path` in `ctx`, following a final symlink when `follow`. A
/// trailing slash, `.` or `..` at the end asks for a directory: a final
/// symlink is then followed and anything else is ENOTDIR.
pub fn lookup_in(ctx: &FsContext, path: &str, follow: bool) -> SysResult<Location> {
    let (last, slash) = split_last(path);
    let want_dir = slash || !is_plain_name(last);
    let loc = if follow || want_dir {
        ctx.resolve(path)
    } else {
        ctx.resolve_no_follow(path)
    }
    .sys()?;
    if want_dir && !loc.is_dir() {
        return Err(Errno::ENOTDIR);
    }
    Ok(loc)
}

/// [`lookup_in`] relative to `dirfd`.
pub fn lookup_at(dirfd: i32, path: &str, follow: bool) -> SysResult<Location> {
    lookup_in(&dir_context(dirfd, path)?, path, follow)
}

/// The node an *at call names with its `flags`: the path relative to
/// `dirfd`, or with AT_EMPTY_PATH and an empty path `dirfd` itself (None
/// when that file has no node, as pipes).
pub fn node_at(dirfd: i32, path: usize, flags: u32) -> SysResult<Option<Location>> {
    let p = read_cstr(path, PATH_MAX)?;
    if p.is_empty() {
        if flags & uapi::AT_EMPTY_PATH == 0 {
            return Err(Errno::ENOENT);
        }
        return fd_node(dirfd);
    }
    lookup_at(dirfd, &p, flags & uapi::AT_SYMLINK_NOFOLLOW == 0).map(Some)
}

/// The node behind `dirfd` (the cwd for AT_FDCWD); None for files that have
/// none, as pipes.
pub fn fd_node(dirfd: i32) -> SysResult<Option<Location>> {
    if dirfd == AT_FDCWD {
        return Ok(Some(current_process().fs.lock().current_dir().clone()));
    }
    Ok(get_file(dirfd)?.file.location().cloned())
}

/// Where the last component of a path lives (Linux's filename_parentat).
pub struct Parent {
    pub dir: Location,
    /// The last component: may be "", "." or "..", see [`is_plain_name`].
    pub name: String,
    /// Slashes follow the last component.
    pub slash: bool,
}

impl Parent {
    /// The node the last component names now, not following a symlink.
    pub fn child(&self) -> SysResult<Location> {
        if self.name.is_empty() {
            return Ok(self.dir.clone());
        }
        self.dir.lookup_no_follow(&self.name).sys()
    }

    fn dir_node(&self) -> SysResult<&DirNode> {
        self.dir.entry().as_dir().sys()
    }
}

/// Resolves all but the last component of `path` in `ctx`.
pub fn parent_in(ctx: &FsContext, path: &str) -> SysResult<Parent> {
    let (name, slash) = split_last(path);
    let trimmed = path.trim_end_matches('/');
    let head = match trimmed.rfind('/') {
        Some(i) => &trimmed[..=i],
        // Only slashes: the last component is the root's empty name.
        None if trimmed.is_empty() => "/",
        None => "",
    };
    let dir = if head.is_empty() {
        ctx.current_dir().clone()
    } else {
        ctx.resolve(head).sys()?
    };
    dir.check_is_dir().sys()?;
    Ok(Parent {
        dir,
        name: String::from(name),
        slash,
    })
}

/// [`parent_in`] relative to `dirfd`.
pub fn parent_at(dirfd: i32, path: &str) -> SysResult<Parent> {
    parent_in(&dir_context(dirfd, path)?, path)
}

/// Creates `name` in `dir` with the full `mode`: some filesystems (ext4
/// here) keep only the rwx bits at creation, so set-id and sticky bits are
/// applied afterwards.
fn create_node(dir: &Location, name: &str, node_type: NodeType, mode: u32) -> SysResult<Location> {
    let loc = dir.create(name, node_type, perm(mode)).sys()?;
    if mode & 0o7000 != 0 {
        let update = axfs_ng_vfs::MetadataUpdate {
            mode: Some(perm(mode)),
            ..Default::default()
        };
        loc.update_metadata(update).sys()?;
    }
    Ok(loc)
}

fn umask() -> u32 {
    current_process()
        .umask
        .load(core::sync::atomic::Ordering::Relaxed)
}

/// O_CREAT: the node the last component of `path` names, a new regular
/// file if it is missing. A symlink there is followed (without O_EXCL and
/// O_NOFOLLOW) and a missing target is created, as Linux does.
fn open_create(ctx: &FsContext, path: &str, flags: u32, mode: u32) -> SysResult<Location> {
    let mut at = parent_in(ctx, path)?;
    if !is_plain_name(&at.name) {
        // "/", "." and "..": an existing directory, refused by check_open.
        return at.child();
    }
    if at.slash {
        return Err(Errno::EISDIR);
    }
    for _ in 0..=MAX_SYMLINKS {
        let loc = match at.child() {
            Err(Errno::ENOENT) => {
                return create_node(&at.dir, &at.name, NodeType::RegularFile, mode);
            }
            other => other?,
        };
        if flags & uapi::O_EXCL != 0 {
            return Err(Errno::EEXIST);
        }
        if loc.node_type() != NodeType::Symlink || flags & uapi::O_NOFOLLOW != 0 {
            return Ok(loc);
        }
        let target = loc.read_link().sys()?;
        if target.is_empty() {
            return Err(Errno::ENOENT);
        }
        let link_ctx = ctx.with_current_dir(at.dir.clone()).sys()?;
        at = parent_in(&link_ctx, &target)?;
        if !is_plain_name(&at.name) || at.slash {
            return lookup_in(&link_ctx, &target, true);
        }
    }
    Err(Errno::ELOOP)
}

/// The checks open(2) makes on the node it found.
fn check_open(loc: &Location, flags: u32) -> SysResult<()> {
    if flags & uapi::O_PATH != 0 {
        return if flags & uapi::O_DIRECTORY != 0 && !loc.is_dir() {
            Err(Errno::ENOTDIR)
        } else {
            Ok(())
        };
    }
    if loc.node_type() == NodeType::Symlink {
        // Only reachable with O_NOFOLLOW.
        return Err(Errno::ELOOP);
    }
    if loc.is_dir() {
        let writes = flags & uapi::O_ACCMODE != uapi::O_RDONLY
            || flags & (uapi::O_CREAT | uapi::O_TRUNC) != 0;
        if writes {
            return Err(Errno::EISDIR);
        }
    } else if flags & uapi::O_DIRECTORY != 0 {
        return Err(Errno::ENOTDIR);
    }
    Ok(())
}

pub fn sys_openat(dirfd: i32, path: usize, flags: u32, mode: u32) -> SysResult {
    let path = read_path(path)?;
    // O_PATH keeps only these flags (Linux's O_PATH_FLAGS).
    let flags = if flags & uapi::O_PATH != 0 {
        flags & (uapi::O_PATH | uapi::O_DIRECTORY | uapi::O_NOFOLLOW | uapi::O_CLOEXEC)
    } else {
        flags
    };
    if flags & uapi::O_ACCMODE == uapi::O_ACCMODE {
        return Err(Errno::EINVAL);
    }
    // Unnamed temporary files: what Linux says for filesystems without them.
    if flags & uapi::O_TMPFILE == uapi::O_TMPFILE {
        return Err(Errno::EOPNOTSUPP);
    }
    if let Some(file) = crate::mounts::fd_link_file(&path).and_then(|f| reopen_pipe(&f, flags)) {
        let status = flags & !(uapi::O_CREAT | uapi::O_EXCL | uapi::O_NOCTTY | uapi::O_CLOEXEC);
        return Ok(install(file, status, flags & uapi::O_CLOEXEC != 0)? as isize);
    }
    let ctx = dir_context(dirfd, &path)?;
    let loc = if flags & uapi::O_CREAT != 0 {
        open_create(&ctx, &path, flags, mode & !umask() & 0o7777)?
    } else {
        lookup_in(&ctx, &path, flags & uapi::O_NOFOLLOW == 0)?
    };
    check_open(&loc, flags)?;
    let file = open_location(loc, flags)?;
    let status =
        flags & !(uapi::O_CREAT | uapi::O_EXCL | uapi::O_NOCTTY | uapi::O_TRUNC | uapi::O_CLOEXEC);
    Ok(install(file, status, flags & uapi::O_CLOEXEC != 0)? as isize)
}

/// Opens again a pipe reached through its /proc fd link (a "magic" link:
/// Linux opens the pipe's inode, not the link's text `pipe:[N]`); None for
/// other files, which the link's text names.
fn reopen_pipe(file: &crate::file::OpenFile, flags: u32) -> Option<Arc<dyn crate::file::FileLike>> {
    let FileKind::Pipe(pipe) = file.file.kind() else {
        return None;
    };
    Some(if flags & uapi::O_PATH != 0 {
        file.file.clone()
    } else {
        pipe.reopen(flags & uapi::O_ACCMODE)
    })
}

pub fn sys_mkdirat(dirfd: i32, path: usize, mode: u32) -> SysResult {
    let p = read_path(path)?;
    let at = parent_at(dirfd, &p)?;
    // "/", "." and ".." exist; so does any node there, dangling symlinks too.
    if !is_plain_name(&at.name) || at.child().is_ok() {
        return Err(Errno::EEXIST);
    }
    // Linux keeps the permission and sticky bits; set-gid comes only from a
    // set-gid parent, whose group the new directory inherits.
    let mut mode = mode & !umask() & 0o1777;
    let parent = at.dir.metadata().sys()?;
    if parent.mode.bits() as u32 & uapi::S_ISGID != 0 {
        mode |= uapi::S_ISGID;
    }
    let loc = create_node(&at.dir, &at.name, NodeType::Directory, mode)?;
    if mode & uapi::S_ISGID != 0 {
        let meta = loc.metadata().sys()?;
        let update = axfs_ng_vfs::MetadataUpdate {
            owner: Some((meta.uid, parent.gid)),
            ..Default::default()
        };
        loc.update_metadata(update).sys()?;
    }
    Ok(0)
}

pub fn sys_unlinkat(dirfd: i32, path: usize, flags: u32) -> SysResult {
    if flags & !uapi::AT_REMOVEDIR != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path)?;
    let at = parent_at(dirfd, &p)?;
    if flags & uapi::AT_REMOVEDIR != 0 {
        match at.name.as_str() {
            "." => return Err(Errno::EINVAL),
            ".." => return Err(Errno::ENOTEMPTY),
            "" => return Err(Errno::EBUSY),
            _ => {}
        }
        let loc = at.child()?;
        if loc.is_root_of_mount() {
            return Err(Errno::EBUSY);
        }
        at.dir_node()?.unlink(&at.name, true).sys()?;
        note_removed(&loc);
        return Ok(0);
    }
    if !is_plain_name(&at.name) {
        return Err(Errno::EISDIR);
    }
    let loc = at.child()?;
    if loc.is_dir() {
        return Err(Errno::EISDIR);
    }
    if at.slash {
        return Err(Errno::ENOTDIR);
    }
    at.dir_node()?.unlink(&at.name, false).sys()?;
    Ok(0)
}

/// Whether directory `dir` is `loc` or one of its ancestors (same mount).
fn is_ancestor(dir: &Location, loc: &Location) -> bool {
    let same = |a: &Location, b: &Location| {
        a.inode() == b.inode() && Arc::ptr_eq(a.mountpoint(), b.mountpoint())
    };
    let mut cur = Some(loc.clone());
    while let Some(c) = cur {
        if same(&c, dir) {
            return true;
        }
        if c.is_root_of_mount() {
            return false;
        }
        cur = c.parent();
    }
    false
}

/// A name in `dir` that nothing uses, for the middle step of an exchange.
fn unused_name(dir: &Location) -> String {
    static NEXT: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);
    loop {
        let n = NEXT.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        let name = format!(".rename-exchange-{n}");
        if dir.lookup_no_follow(&name).is_err() {
            return name;
        }
    }
}

/// RENAME_EXCHANGE, which the VFS lacks: three renames through an unused
/// name next to the source, undone step by step if one fails. Unlike
/// Linux's, the exchange is not atomic for concurrent lookups.
fn exchange(old: &Parent, new: &Parent) -> SysResult<()> {
    let (odir, ndir) = (old.dir_node()?, new.dir_node()?);
    let tmp = unused_name(&old.dir);
    odir.rename(&old.name, odir, &tmp).sys()?;
    if let Err(e) = ndir.rename(&new.name, odir, &old.name) {
        let _ = odir.rename(&tmp, odir, &old.name);
        return Err(e).sys();
    }
    if let Err(e) = odir.rename(&tmp, ndir, &new.name) {
        let _ = odir.rename(&old.name, ndir, &new.name);
        let _ = odir.rename(&tmp, odir, &old.name);
        return Err(e).sys();
    }
    Ok(())
}

/// The checks of Linux's do_renameat2 and vfs_rename once both parents are
/// known; Ok(false) when there is nothing to do (the same inode twice).
fn check_rename(old: &Parent, new: &Parent, flags: u32) -> SysResult<bool> {
    const RENAME_NOREPLACE: u32 = 1;
    const RENAME_EXCHANGE: u32 = 2;
    let exchange = flags & RENAME_EXCHANGE != 0;
    if !Arc::ptr_eq(old.dir.mountpoint(), new.dir.mountpoint()) {
        return Err(Errno::EXDEV);
    }
    if !is_plain_name(&old.name) {
        return Err(Errno::EBUSY);
    }
    if !is_plain_name(&new.name) {
        return Err(if flags & RENAME_NOREPLACE != 0 {
            Errno::EEXIST
        } else {
            Errno::EBUSY
        });
    }
    let src = old.child()?;
    let dst = new.child().ok();
    if !src.is_dir() && (old.slash || (!exchange && new.slash)) {
        return Err(Errno::ENOTDIR);
    }
    if exchange {
        let dst = dst.as_ref().ok_or(Errno::ENOENT)?;
        if !dst.is_dir() && new.slash {
            return Err(Errno::ENOTDIR);
        }
    }
    if flags & RENAME_NOREPLACE != 0 && dst.is_some() {
        return Err(Errno::EEXIST);
    }
    // A directory cannot move below itself, nor replace an ancestor of the source.
    if src.is_dir() && is_ancestor(&src, &new.dir) {
        return Err(Errno::EINVAL);
    }
    let Some(dst) = dst else {
        return Ok(true);
    };
    if dst.is_dir() && is_ancestor(&dst, &old.dir) {
        return Err(if exchange {
            Errno::EINVAL
        } else {
            Errno::ENOTEMPTY
        });
    }
    if dst.inode() == src.inode() {
        return Ok(false);
    }
    // A name that is a mountpoint looks up to the root of the mount on it.
    if dst.is_root_of_mount() || src.is_root_of_mount() {
        return Err(Errno::EBUSY);
    }
    if !exchange {
        match (src.is_dir(), dst.is_dir()) {
            (true, false) => return Err(Errno::ENOTDIR),
            (false, true) => return Err(Errno::EISDIR),
            _ => {}
        }
    }
    Ok(true)
}

pub fn sys_renameat2(
    olddirfd: i32,
    old: usize,
    newdirfd: i32,
    new: usize,
    flags: u32,
) -> SysResult {
    const RENAME_NOREPLACE: u32 = 1;
    const RENAME_EXCHANGE: u32 = 2;
    // RENAME_WHITEOUT (for overlayfs) is refused too: no filesystem of ours has whiteouts.
    if flags & !(RENAME_NOREPLACE | RENAME_EXCHANGE) != 0
        || flags & (RENAME_NOREPLACE | RENAME_EXCHANGE) == RENAME_NOREPLACE | RENAME_EXCHANGE
    {
        return Err(Errno::EINVAL);
    }
    let o = read_path(old)?;
    let n = read_path(new)?;
    let old = parent_at(olddirfd, &o)?;
    let new = parent_at(newdirfd, &n)?;
    if !check_rename(&old, &new, flags)? {
        return Ok(0);
    }
    let (src, dst) = (old.child()?, new.child().ok());
    if flags & RENAME_EXCHANGE != 0 {
        exchange(&old, &new)?;
    } else {
        old.dir_node()?
            .rename(&old.name, new.dir_node()?, &new.name)
            .sys()?;
    }
    if src.is_dir() {
        note_moved(&src, &new.dir, &new.name);
    }
    match dst.filter(|d| d.is_dir()) {
        Some(dst) if flags & RENAME_EXCHANGE != 0 => note_moved(&dst, &old.dir, &old.name),
        Some(dst) => note_removed(&dst),
        None => {}
    }
    Ok(0)
}

pub fn sys_linkat(olddirfd: i32, old: usize, newdirfd: i32, new: usize, flags: u32) -> SysResult {
    if flags & !(uapi::AT_SYMLINK_FOLLOW | uapi::AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let follow = if flags & uapi::AT_SYMLINK_FOLLOW != 0 {
        0
    } else {
        uapi::AT_SYMLINK_NOFOLLOW
    };
    let target =
        node_at(olddirfd, old, follow | (flags & uapi::AT_EMPTY_PATH))?.ok_or(Errno::ENOENT)?;
    let n = read_path(new)?;
    let at = parent_at(newdirfd, &n)?;
    if !is_plain_name(&at.name) || at.child().is_ok() {
        return Err(Errno::EEXIST);
    }
    if at.slash {
        return Err(Errno::ENOENT);
    }
    if target.is_dir() {
        return Err(Errno::EPERM);
    }
    at.dir.link(&at.name, &target).sys()?;
    Ok(0)
}

pub fn sys_symlinkat(target: usize, newdirfd: i32, linkpath: usize) -> SysResult {
    let t = read_path(target)?;
    let l = read_path(linkpath)?;
    let ctx = dir_context(newdirfd, &l)?;
    ctx.symlink(&t, &l).sys()?;
    Ok(0)
}

pub fn sys_readlinkat(dirfd: i32, path: usize, buf: UserSlice) -> SysResult {
    if buf.len as isize <= 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_cstr(path, PATH_MAX)?;
    // An empty path reads the symlink `dirfd` itself is (O_PATH|O_NOFOLLOW).
    let loc = if p.is_empty() {
        fd_node(dirfd)?.ok_or(Errno::ENOENT)?
    } else {
        lookup_at(dirfd, &p, false)?
    };
    if loc.node_type() != NodeType::Symlink {
        return Err(if p.is_empty() {
            Errno::ENOENT
        } else {
            Errno::EINVAL
        });
    }
    let target = loc.read_link().sys()?;
    let n = target.len().min(buf.len);
    buf.copy_out(target.as_bytes())?;
    Ok(n as isize)
}

pub fn sys_faccessat(dirfd: i32, path: usize, mode: u32, flags: u32) -> SysResult {
    if mode & !7 != 0
        || flags & !(uapi::AT_EACCESS | uapi::AT_SYMLINK_NOFOLLOW | uapi::AT_EMPTY_PATH) != 0
    {
        return Err(Errno::EINVAL);
    }
    let k = super::stat_at(
        dirfd,
        path,
        flags & (uapi::AT_SYMLINK_NOFOLLOW | uapi::AT_EMPTY_PATH),
    )?;
    // We run everything as root: only execute needs some x bit (on non-dirs).
    if mode & 1 != 0 && k.mode & 0o170000 != 0o040000 && k.mode & 0o111 == 0 {
        return Err(Errno::EACCES);
    }
    Ok(0)
}
