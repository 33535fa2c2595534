//! File and directory syscalls.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use axfs_ng::FsContext;
use axfs_ng_vfs::{NodeType, path::Path};
use linux_raw_sys::general as uapi;

use crate::errno::{Errno, SysResult, VfsResultExt};
use crate::file::{Directory, FileLike, Kstat, OpenFile, new_pipe, open_path};
use crate::task::current_process;
use crate::uaccess::{Pod, copy_from_user, copy_to_user, read_path, read_val, write_val};

pub const AT_FDCWD: i32 = -100;

unsafe impl Pod for uapi::stat {}
unsafe impl Pod for uapi::statx {}
unsafe impl Pod for uapi::iovec {}

/// The open file behind `fd`.
pub fn get_file(fd: i32) -> SysResult<Arc<OpenFile>> {
    current_process().fds.lock().get(fd)
}

/// Installs a file in the caller's table.
pub fn install(file: Arc<dyn FileLike>, status: u32, cloexec: bool) -> SysResult<i32> {
    let proc = current_process();
    let limit = proc.nofile_limit.load(core::sync::atomic::Ordering::Relaxed);
    proc.fds.lock().add(OpenFile::new(file, status), cloexec, limit)
}

/// The context for resolving `path` relative to `dirfd` (the *at rule).
pub fn dir_context(dirfd: i32, path: &str) -> SysResult<FsContext> {
    let ctx = current_process().fs.lock().clone();
    if path.starts_with('/') || dirfd == AT_FDCWD {
        return Ok(ctx);
    }
    let f = get_file(dirfd)?;
    let dir = f.file.as_any().downcast_ref::<Directory>().ok_or(Errno::ENOTDIR)?;
    ctx.with_current_dir(dir.loc.clone()).sys()
}

fn is_nonblock(f: &OpenFile) -> bool {
    f.nonblocking()
}

pub fn sys_read(fd: i32, buf: usize, len: usize) -> SysResult {
    let f = get_file(fd)?;
    if !f.readable() {
        return Err(Errno::EBADF);
    }
    let mut kbuf = alloc::vec![0u8; len.min(1 << 20)];
    crate::uaccess::check_user_buffer(buf, kbuf.len())?;
    let n = f.file.read(&mut kbuf, is_nonblock(&f))?;
    copy_to_user(buf, &kbuf[..n])?;
    Ok(n as isize)
}

pub fn sys_write(fd: i32, buf: usize, len: usize) -> SysResult {
    let f = get_file(fd)?;
    if !f.writable() {
        return Err(Errno::EBADF);
    }
    let mut kbuf = alloc::vec![0u8; len.min(1 << 20)];
    copy_from_user(&mut kbuf, buf)?;
    Ok(f.file.write(&kbuf, is_nonblock(&f))? as isize)
}

fn read_iovecs(iov: usize, cnt: i32) -> SysResult<Vec<uapi::iovec>> {
    if !(0..=1024).contains(&cnt) {
        return Err(Errno::EINVAL);
    }
    (0..cnt as usize)
        .map(|i| read_val::<uapi::iovec>(iov + i * core::mem::size_of::<uapi::iovec>()))
        .collect()
}

/// Runs `op` on each non-empty iovec in turn, stopping after a short transfer.
fn for_each_iovec(fd: i32, iov: usize, cnt: i32, op: fn(i32, usize, usize) -> SysResult) -> SysResult {
    get_file(fd)?;
    let mut total = 0isize;
    for v in read_iovecs(iov, cnt)? {
        if v.iov_len == 0 {
            continue;
        }
        let n = op(fd, v.iov_base as usize, v.iov_len as usize)?;
        total += n;
        if (n as usize) < v.iov_len as usize {
            break;
        }
    }
    Ok(total)
}

pub fn sys_readv(fd: i32, iov: usize, cnt: i32) -> SysResult {
    for_each_iovec(fd, iov, cnt, sys_read)
}

pub fn sys_writev(fd: i32, iov: usize, cnt: i32) -> SysResult {
    for_each_iovec(fd, iov, cnt, sys_write)
}

pub fn sys_pread64(fd: i32, buf: usize, len: usize, off: i64) -> SysResult {
    let f = get_file(fd)?;
    if !f.readable() {
        return Err(Errno::EBADF);
    }
    if off < 0 {
        return Err(Errno::EINVAL);
    }
    let mut kbuf = alloc::vec![0u8; len.min(1 << 20)];
    crate::uaccess::check_user_buffer(buf, kbuf.len())?;
    let n = f.file.read_at(&mut kbuf, off as u64)?;
    copy_to_user(buf, &kbuf[..n])?;
    Ok(n as isize)
}

pub fn sys_pwrite64(fd: i32, buf: usize, len: usize, off: i64) -> SysResult {
    let f = get_file(fd)?;
    if !f.writable() {
        return Err(Errno::EBADF);
    }
    if off < 0 {
        return Err(Errno::EINVAL);
    }
    let mut kbuf = alloc::vec![0u8; len.min(1 << 20)];
    copy_from_user(&mut kbuf, buf)?;
    Ok(f.file.write_at(&kbuf, off as u64)? as isize)
}

pub fn sys_openat(dirfd: i32, path: usize, flags: u32, mode: u32) -> SysResult {
    let path = read_path(path)?;
    let ctx = dir_context(dirfd, &path)?;
    let umask = current_process().umask.load(core::sync::atomic::Ordering::Relaxed);
    let file = open_path(&ctx, &path, flags, mode & !umask)?;
    let status = flags & !(uapi::O_CREAT | uapi::O_EXCL | uapi::O_NOCTTY | uapi::O_TRUNC | uapi::O_CLOEXEC);
    Ok(install(file, status, flags & uapi::O_CLOEXEC != 0)? as isize)
}

pub fn sys_close(fd: i32) -> SysResult {
    current_process().fds.lock().remove(fd)?;
    Ok(0)
}

pub fn sys_close_range(first: u32, last: u32, flags: u32) -> SysResult {
    const CLOSE_RANGE_UNSHARE: u32 = 2;
    const CLOSE_RANGE_CLOEXEC: u32 = 4;
    if flags & !(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) != 0 || first > last {
        return Err(Errno::EINVAL);
    }
    current_process()
        .fds
        .lock()
        .close_range(first as usize, last as usize, flags & CLOSE_RANGE_CLOEXEC != 0);
    Ok(0)
}

pub fn sys_lseek(fd: i32, off: i64, whence: u32) -> SysResult {
    let f = get_file(fd)?;
    Ok(f.file.seek(off, whence)? as isize)
}

fn to_stat(k: &Kstat) -> uapi::stat {
    // SAFETY: `stat` is plain integers; all-zero is a valid value.
    let mut st: uapi::stat = unsafe { core::mem::zeroed() };
    st.st_dev = k.dev as _;
    st.st_ino = k.ino as _;
    st.st_nlink = k.nlink as _;
    st.st_mode = k.mode as _;
    st.st_uid = k.uid as _;
    st.st_gid = k.gid as _;
    st.st_rdev = k.rdev as _;
    st.st_size = k.size as _;
    st.st_blksize = k.blksize as _;
    st.st_blocks = k.blocks as _;
    st.st_atime = k.atime.as_secs() as _;
    st.st_atime_nsec = k.atime.subsec_nanos() as _;
    st.st_mtime = k.mtime.as_secs() as _;
    st.st_mtime_nsec = k.mtime.subsec_nanos() as _;
    st.st_ctime = k.ctime.as_secs() as _;
    st.st_ctime_nsec = k.ctime.subsec_nanos() as _;
    st
}

pub fn sys_fstat(fd: i32, buf: usize) -> SysResult {
    let k = get_file(fd)?.file.stat()?;
    write_val(buf, &to_stat(&k))?;
    Ok(0)
}

/// Stats `path` relative to `dirfd` with the AT_* `flags` of the *stat calls.
fn stat_at(dirfd: i32, path: usize, flags: u32) -> SysResult<Kstat> {
    let valid = uapi::AT_SYMLINK_NOFOLLOW | uapi::AT_EMPTY_PATH | uapi::AT_NO_AUTOMOUNT | 0x6000;
    if flags & !valid != 0 {
        return Err(Errno::EINVAL);
    }
    let p = crate::uaccess::read_cstr(path, crate::uaccess::PATH_MAX)?;
    if p.is_empty() {
        if flags & uapi::AT_EMPTY_PATH == 0 {
            return Err(Errno::ENOENT);
        }
        if dirfd == AT_FDCWD {
            let ctx = current_process().fs.lock().clone();
            return Ok(crate::file::kstat_of_loc(ctx.current_dir())?);
        }
        return get_file(dirfd)?.file.stat();
    }
    let ctx = dir_context(dirfd, &p)?;
    let loc = if flags & uapi::AT_SYMLINK_NOFOLLOW != 0 {
        ctx.resolve_no_follow(&p)
    } else {
        ctx.resolve(&p)
    }
    .sys()?;
    crate::file::kstat_of_loc(&loc)
}

pub fn sys_newfstatat(dirfd: i32, path: usize, buf: usize, flags: u32) -> SysResult {
    let k = stat_at(dirfd, path, flags)?;
    write_val(buf, &to_stat(&k))?;
    Ok(0)
}

pub fn sys_statx(dirfd: i32, path: usize, flags: u32, mask: u32, buf: usize) -> SysResult {
    if mask & uapi::STATX__RESERVED != 0 {
        return Err(Errno::EINVAL);
    }
    let k = stat_at(dirfd, path, flags & !0x6000)?;
    // SAFETY: plain integers; zero is valid.
    let mut sx: uapi::statx = unsafe { core::mem::zeroed() };
    sx.stx_mask = uapi::STATX_BASIC_STATS;
    sx.stx_blksize = k.blksize;
    sx.stx_nlink = k.nlink;
    sx.stx_uid = k.uid;
    sx.stx_gid = k.gid;
    sx.stx_mode = k.mode as u16;
    sx.stx_ino = k.ino;
    sx.stx_size = k.size;
    sx.stx_blocks = k.blocks;
    let ts = |d: core::time::Duration| uapi::statx_timestamp {
        tv_sec: d.as_secs() as i64,
        tv_nsec: d.subsec_nanos(),
        __reserved: 0,
    };
    sx.stx_atime = ts(k.atime);
    sx.stx_mtime = ts(k.mtime);
    sx.stx_ctime = ts(k.ctime);
    let dev = axfs_ng_vfs::DeviceId(k.dev);
    let rdev = axfs_ng_vfs::DeviceId(k.rdev);
    sx.stx_dev_major = dev.major();
    sx.stx_dev_minor = dev.minor();
    sx.stx_rdev_major = rdev.major();
    sx.stx_rdev_minor = rdev.minor();
    write_val(buf, &sx)?;
    Ok(0)
}

pub fn sys_getdents64(fd: i32, buf: usize, len: usize) -> SysResult {
    let f = get_file(fd)?;
    let dir = f.file.as_any().downcast_ref::<Directory>().ok_or(Errno::ENOTDIR)?;
    let mut out: Vec<u8> = Vec::new();
    let cap = len.min(1 << 20);
    let mut offset = dir.offset.lock();
    let mut too_small = false;
    struct Sink<'a> {
        out: &'a mut Vec<u8>,
        cap: usize,
        next: u64,
        too_small: &'a mut bool,
    }
    impl axfs_ng_vfs::DirEntrySink for Sink<'_> {
        fn accept(&mut self, name: &str, ino: u64, node_type: NodeType, offset: u64) -> bool {
            let reclen = (19 + name.len() + 1).next_multiple_of(8);
            if self.out.len() + reclen > self.cap {
                if self.out.is_empty() {
                    *self.too_small = true;
                }
                return false;
            }
            let d_type = match node_type {
                NodeType::Fifo => 1,
                NodeType::CharacterDevice => 2,
                NodeType::Directory => 4,
                NodeType::BlockDevice => 6,
                NodeType::RegularFile => 8,
                NodeType::Symlink => 10,
                NodeType::Socket => 12,
                NodeType::Unknown => 0,
            };
            let start = self.out.len();
            self.out.resize(start + reclen, 0);
            let rec = &mut self.out[start..];
            rec[0..8].copy_from_slice(&ino.to_le_bytes());
            rec[8..16].copy_from_slice(&(offset as i64).to_le_bytes());
            rec[16..18].copy_from_slice(&(reclen as u16).to_le_bytes());
            rec[18] = d_type;
            rec[19..19 + name.len()].copy_from_slice(name.as_bytes());
            self.next = offset;
            true
        }
    }
    let mut sink = Sink { out: &mut out, cap, next: *offset, too_small: &mut too_small };
    dir.loc.read_dir(*offset, &mut sink).sys()?;
    let next = sink.next;
    if too_small {
        return Err(Errno::EINVAL);
    }
    copy_to_user(buf, &out)?;
    *offset = next;
    Ok(out.len() as isize)
}

pub fn sys_mkdirat(dirfd: i32, path: usize, mode: u32) -> SysResult {
    let p = read_path(path)?;
    let ctx = dir_context(dirfd, &p)?;
    // Any existing node (also "/" and dangling symlinks) is EEXIST; the VFS
    // would reject "/" as having no parent.
    if ctx.resolve_no_follow(&p).is_ok() {
        return Err(Errno::EEXIST);
    }
    let umask = current_process().umask.load(core::sync::atomic::Ordering::Relaxed);
    ctx.create_dir(&p, crate::file::perm(mode & !umask & 0o7777)).sys()?;
    Ok(0)
}

pub fn sys_unlinkat(dirfd: i32, path: usize, flags: u32) -> SysResult {
    if flags & !uapi::AT_REMOVEDIR != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path)?;
    let ctx = dir_context(dirfd, &p)?;
    if flags & uapi::AT_REMOVEDIR != 0 {
        if p.trim_end_matches('/').ends_with("/.") || p == "." {
            return Err(Errno::EINVAL);
        }
        ctx.remove_dir(&p).sys()?;
    } else {
        if p.ends_with('/') {
            let loc = ctx.resolve_no_follow(&p).sys()?;
            return Err(if loc.is_dir() { Errno::EISDIR } else { Errno::ENOTDIR });
        }
        let loc = ctx.resolve_no_follow(&p).sys()?;
        if loc.is_dir() {
            return Err(Errno::EISDIR);
        }
        ctx.remove_file(&p).sys()?;
    }
    Ok(0)
}

pub fn sys_renameat2(olddirfd: i32, old: usize, newdirfd: i32, new: usize, flags: u32) -> SysResult {
    const RENAME_NOREPLACE: u32 = 1;
    if flags & !RENAME_NOREPLACE != 0 {
        return Err(Errno::EINVAL);
    }
    let o = read_path(old)?;
    let n = read_path(new)?;
    let octx = dir_context(olddirfd, &o)?;
    let nctx = dir_context(newdirfd, &n)?;
    let (odir, oname) = octx.resolve_parent(Path::new(&o)).sys()?;
    let (ndir, nname) = nctx.resolve_parent(Path::new(&n)).sys()?;
    if flags & RENAME_NOREPLACE != 0 && ndir.lookup_no_follow(&nname).is_ok() {
        return Err(Errno::EEXIST);
    }
    odir.rename(&oname, &ndir, &nname).sys()?;
    Ok(0)
}

pub fn sys_linkat(olddirfd: i32, old: usize, newdirfd: i32, new: usize, flags: u32) -> SysResult {
    if flags & !(uapi::AT_SYMLINK_FOLLOW | uapi::AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let o = read_path(old)?;
    let n = read_path(new)?;
    let octx = dir_context(olddirfd, &o)?;
    let nctx = dir_context(newdirfd, &n)?;
    let target = if flags & uapi::AT_SYMLINK_FOLLOW != 0 { octx.resolve(&o) } else { octx.resolve_no_follow(&o) }.sys()?;
    if target.is_dir() {
        return Err(Errno::EPERM);
    }
    let (ndir, nname) = nctx.resolve_parent(Path::new(&n)).sys()?;
    ndir.link(&nname, &target).sys()?;
    Ok(0)
}

pub fn sys_symlinkat(target: usize, newdirfd: i32, linkpath: usize) -> SysResult {
    let t = read_path(target)?;
    let l = read_path(linkpath)?;
    let ctx = dir_context(newdirfd, &l)?;
    ctx.symlink(&t, &l).sys()?;
    Ok(0)
}

pub fn sys_readlinkat(dirfd: i32, path: usize, buf: usize, size: isize) -> SysResult {
    if size <= 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path)?;
    let ctx = dir_context(dirfd, &p)?;
    let loc = ctx.resolve_no_follow(&p).sys()?;
    if loc.node_type() != NodeType::Symlink {
        return Err(Errno::EINVAL);
    }
    let target = loc.read_link().sys()?;
    let n = target.len().min(size as usize);
    copy_to_user(buf, &target.as_bytes()[..n])?;
    Ok(n as isize)
}

pub fn sys_faccessat(dirfd: i32, path: usize, mode: u32, flags: u32) -> SysResult {
    if mode & !7 != 0 || flags & !(uapi::AT_EACCESS | uapi::AT_SYMLINK_NOFOLLOW | uapi::AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let k = stat_at(dirfd, path, flags & (uapi::AT_SYMLINK_NOFOLLOW | uapi::AT_EMPTY_PATH))?;
    // We run everything as root: only execute needs some x bit (on non-dirs).
    if mode & 1 != 0 && k.mode & 0o170000 != 0o040000 && k.mode & 0o111 == 0 {
        return Err(Errno::EACCES);
    }
    Ok(0)
}

pub fn sys_fcntl(fd: i32, cmd: u32, arg: usize) -> SysResult {
    let proc = current_process();
    let f = get_file(fd)?;
    let limit = proc.nofile_limit.load(core::sync::atomic::Ordering::Relaxed);
    match cmd {
        uapi::F_DUPFD | uapi::F_DUPFD_CLOEXEC => {
            if arg >= limit {
                return Err(Errno::EINVAL);
            }
            Ok(proc.fds.lock().add_from(arg, f, cmd == uapi::F_DUPFD_CLOEXEC, limit)? as isize)
        }
        uapi::F_GETFD => Ok(proc.fds.lock().cloexec(fd)? as isize),
        uapi::F_SETFD => {
            proc.fds.lock().set_cloexec(fd, arg & uapi::FD_CLOEXEC as usize != 0)?;
            Ok(0)
        }
        uapi::F_GETFL => Ok(f.status() as isize),
        uapi::F_SETFL => {
            f.set_status(arg as u32);
            Ok(0)
        }
        uapi::F_GETLK | uapi::F_SETLK | uapi::F_SETLKW => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_dup(fd: i32) -> SysResult {
    let proc = current_process();
    let f = get_file(fd)?;
    let limit = proc.nofile_limit.load(core::sync::atomic::Ordering::Relaxed);
    Ok(proc.fds.lock().add(f, false, limit)? as isize)
}

pub fn sys_dup3(old: i32, new: i32, flags: u32) -> SysResult {
    if flags & !uapi::O_CLOEXEC != 0 || old == new {
        return Err(Errno::EINVAL);
    }
    let proc = current_process();
    let f = get_file(old)?;
    let limit = proc.nofile_limit.load(core::sync::atomic::Ordering::Relaxed);
    if new < 0 || new as usize >= limit {
        return Err(Errno::EBADF);
    }
    let old_file = proc.fds.lock().set(new as usize, f, flags & uapi::O_CLOEXEC != 0);
    drop(old_file);
    Ok(new as isize)
}

#[cfg(target_arch = "x86_64")]
pub fn sys_dup2(old: i32, new: i32) -> SysResult {
    if old == new {
        get_file(old)?;
        return Ok(new as isize);
    }
    sys_dup3(old, new, 0)
}

pub fn sys_pipe2(fds: usize, flags: u32) -> SysResult {
    if flags & !(uapi::O_CLOEXEC | uapi::O_NONBLOCK | uapi::O_DIRECT) != 0 {
        return Err(Errno::EINVAL);
    }
    crate::uaccess::check_user_buffer(fds, 8)?;
    let (r, w) = new_pipe();
    let cloexec = flags & uapi::O_CLOEXEC != 0;
    let st = flags & uapi::O_NONBLOCK;
    let rfd = install(r, uapi::O_RDONLY | st, cloexec)?;
    let wfd = match install(w, uapi::O_WRONLY | st, cloexec) {
        Ok(fd) => fd,
        Err(e) => {
            let _ = sys_close(rfd);
            return Err(e);
        }
    };
    if let Err(e) = write_val(fds, &[rfd, wfd]) {
        let _ = sys_close(rfd);
        let _ = sys_close(wfd);
        return Err(e);
    }
    Ok(0)
}

pub fn sys_ioctl(fd: i32, cmd: u32, arg: usize) -> SysResult {
    let f = get_file(fd)?;
    match cmd {
        linux_raw_sys::ioctl::FIONBIO => {
            let on: i32 = read_val(arg)?;
            let st = f.status();
            f.set_status(if on != 0 { st | uapi::O_NONBLOCK } else { st & !uapi::O_NONBLOCK });
            Ok(0)
        }
        linux_raw_sys::ioctl::FIOCLEX => current_process().fds.lock().set_cloexec(fd, true).map(|_| 0),
        linux_raw_sys::ioctl::FIONCLEX => current_process().fds.lock().set_cloexec(fd, false).map(|_| 0),
        _ => f.file.ioctl(cmd, arg),
    }
}

pub fn sys_getcwd(buf: usize, size: usize) -> SysResult {
    let ctx = current_process().fs.lock().clone();
    let path = ctx.current_dir().absolute_path().sys()?;
    let mut bytes: Vec<u8> = String::from(path.as_str()).into_bytes();
    bytes.push(0);
    if size < bytes.len() {
        return Err(Errno::ERANGE);
    }
    copy_to_user(buf, &bytes)?;
    Ok(bytes.len() as isize)
}

pub fn sys_chdir(path: usize) -> SysResult {
    let p = read_path(path)?;
    let proc = current_process();
    let mut fs = proc.fs.lock();
    let loc = fs.resolve(&p).sys()?;
    loc.check_is_dir().sys()?;
    fs.set_current_dir(loc).sys()?;
    Ok(0)
}

pub fn sys_fchdir(fd: i32) -> SysResult {
    let f = get_file(fd)?;
    let dir = f.file.as_any().downcast_ref::<Directory>().ok_or(Errno::ENOTDIR)?;
    current_process().fs.lock().set_current_dir(dir.loc.clone()).sys()?;
    Ok(0)
}

pub fn sys_umask(mask: u32) -> SysResult {
    Ok(current_process().umask.swap(mask & 0o777, core::sync::atomic::Ordering::Relaxed) as isize)
}

pub fn sys_fchmodat(dirfd: i32, path: usize, mode: u32) -> SysResult {
    let p = read_path(path)?;
    let ctx = dir_context(dirfd, &p)?;
    let loc = ctx.resolve(&p).sys()?;
    let update = axfs_ng_vfs::MetadataUpdate { mode: Some(crate::file::perm(mode & 0o7777)), ..Default::default() };
    loc.update_metadata(update).sys()?;
    Ok(0)
}

pub fn sys_ftruncate(fd: i32, len: i64) -> SysResult {
    let f = get_file(fd)?;
    if len < 0 {
        return Err(Errno::EINVAL);
    }
    if !f.writable() {
        return Err(Errno::EINVAL);
    }
    let rf = f.file.as_any().downcast_ref::<crate::file::RegularFile>().ok_or(Errno::EINVAL)?;
    rf.location().entry().as_file().sys()?.set_len(len as u64).sys()?;
    Ok(0)
}

pub fn sys_fsync(fd: i32) -> SysResult {
    get_file(fd)?;
    Ok(0)
}

