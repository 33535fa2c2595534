//! File metadata: the stat family, and changing modes, owners and times.

use core::time::Duration;

use axfs_ng_vfs::{Location, MetadataUpdate};
use linux_raw_sys::general as uapi;

use super::{AT_FDCWD, get_file, lookup_at, node_at};
use crate::errno::{Errno, SysResult, VfsResultExt};
use crate::file::{Kstat, kstat_of_loc, perm};
use crate::uaccess::{UserPtr, read_path};

fn empty_statfs() -> uapi::statfs {
    // SAFETY: a plain C structure of integers, for which zero is valid.
    unsafe { core::mem::zeroed() }
}

/// struct statfs of the filesystem holding `loc` (Linux's vfs_statfs): the
/// filesystem's counts, and the flags of its mount with ST_VALID.
fn statfs_of(loc: &Location) -> SysResult<uapi::statfs> {
    let fs = loc.filesystem();
    let st = fs.stat().sys()?;
    let dev = loc.metadata().sys()?.device;
    let mut out = empty_statfs();
    out.f_type = st.fs_type as _;
    out.f_bsize = st.block_size as _;
    out.f_blocks = st.blocks as _;
    out.f_bfree = st.blocks_free as _;
    out.f_bavail = st.blocks_available as _;
    out.f_files = st.file_count as _;
    out.f_ffree = st.free_file_count as _;
    out.f_fsid.val = [dev as u32 as _, (dev >> 32) as u32 as _];
    out.f_namelen = st.name_length as _;
    out.f_frsize = st.fragment_size as _;
    out.f_flags = crate::mounts::statfs_flags(fs.name()) as _;
    Ok(out)
}

pub fn sys_statfs(path: usize, buf: UserPtr<uapi::statfs>) -> SysResult {
    let p = read_path(path)?;
    let st = statfs_of(&lookup_at(AT_FDCWD, &p, true)?)?;
    buf.write(&st)?;
    Ok(0)
}

pub fn sys_fstatfs(fd: i32, buf: UserPtr<uapi::statfs>) -> SysResult {
    let f = get_file(fd)?;
    let st = match f.file.location() {
        Some(loc) => statfs_of(loc)?,
        // A pipe is on Linux's internal pipefs (simple_statfs).
        None if matches!(f.file.kind(), crate::file::FileKind::Pipe(_)) => {
            const PIPEFS_MAGIC: u32 = 0x5049_5045;
            let mut st = empty_statfs();
            st.f_type = PIPEFS_MAGIC as _;
            st.f_bsize = 4096;
            st.f_frsize = 4096;
            st.f_namelen = 255;
            st.f_flags = 0x20; // ST_VALID
            st
        }
        // The console: its node is on /dev's devtmpfs.
        None => statfs_of(&lookup_at(AT_FDCWD, "/dev", true)?)?,
    };
    buf.write(&st)?;
    Ok(0)
}

/// statx's AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC: how fresh network
/// filesystems must be, meaningless here.
const AT_STATX_SYNC_TYPE: u32 = 0x6000;

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

pub fn sys_fstat(fd: i32, buf: UserPtr<uapi::stat>) -> SysResult {
    let k = get_file(fd)?.file.stat()?;
    buf.write(&to_stat(&k))?;
    Ok(0)
}

/// Stats `path` relative to `dirfd` with the AT_* `flags` of the *stat calls.
pub(super) fn stat_at(dirfd: i32, path: usize, flags: u32) -> SysResult<Kstat> {
    let valid = uapi::AT_SYMLINK_NOFOLLOW
        | uapi::AT_EMPTY_PATH
        | uapi::AT_NO_AUTOMOUNT
        | AT_STATX_SYNC_TYPE;
    if flags & !valid != 0 {
        return Err(Errno::EINVAL);
    }
    match node_at(dirfd, path, flags)? {
        Some(loc) => kstat_of_loc(&loc),
        // AT_EMPTY_PATH on a file with no node (a pipe): its own stat.
        None => get_file(dirfd)?.file.stat(),
    }
}

pub fn sys_newfstatat(dirfd: i32, path: usize, buf: UserPtr<uapi::stat>, flags: u32) -> SysResult {
    let k = stat_at(dirfd, path, flags)?;
    buf.write(&to_stat(&k))?;
    Ok(0)
}

pub fn sys_statx(
    dirfd: i32,
    path: usize,
    flags: u32,
    mask: u32,
    buf: UserPtr<uapi::statx>,
) -> SysResult {
    if mask & uapi::STATX__RESERVED != 0 || flags & AT_STATX_SYNC_TYPE == AT_STATX_SYNC_TYPE {
        return Err(Errno::EINVAL);
    }
    let k = stat_at(dirfd, path, flags)?;
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
    let ts = |d: Duration| uapi::statx_timestamp {
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
    buf.write(&sx)?;
    Ok(0)
}

/// The node an fd-based change (fchmod, fchown, futimens) applies to. O_PATH
/// fds are refused with EBADF as Linux's fdget does; files without a node
/// (pipes, the console) give None, and the change is accepted with nothing
/// to keep it, as their Linux inodes are not visible anywhere else either.
fn fd_target(fd: i32) -> SysResult<Option<Location>> {
    let f = get_file(fd)?;
    if f.status() & uapi::O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    Ok(f.file.location().cloned())
}

fn update(loc: Option<Location>, update: MetadataUpdate) -> SysResult {
    if let Some(loc) = loc {
        loc.update_metadata(update).sys()?;
    }
    Ok(0)
}

fn chmod(loc: Option<Location>, mode: u32) -> SysResult {
    update(
        loc,
        MetadataUpdate {
            mode: Some(perm(mode & 0o7777)),
            ..Default::default()
        },
    )
}

pub fn sys_fchmod(fd: i32, mode: u32) -> SysResult {
    chmod(fd_target(fd)?, mode)
}

pub fn sys_fchmodat(dirfd: i32, path: usize, mode: u32) -> SysResult {
    let p = read_path(path)?;
    chmod(Some(lookup_at(dirfd, &p, true)?), mode)
}

/// chown's new owner, with -1 keeping an id. As in Linux, a non-directory
/// loses set-uid, and set-gid when group-executable (a plain set-gid bit
/// means mandatory locking and stays).
fn chown(loc: Option<Location>, uid: u32, gid: u32) -> SysResult {
    let Some(loc) = loc else {
        return Ok(0);
    };
    let meta = loc.metadata().sys()?;
    let owner = (
        if uid == u32::MAX { meta.uid } else { uid },
        if gid == u32::MAX { meta.gid } else { gid },
    );
    let mut mode = meta.mode.bits() as u32;
    if !loc.is_dir() {
        mode &= !uapi::S_ISUID;
        if mode & uapi::S_IXGRP != 0 {
            mode &= !uapi::S_ISGID;
        }
    }
    update(
        Some(loc),
        MetadataUpdate {
            owner: Some(owner),
            mode: Some(perm(mode)),
            ..Default::default()
        },
    )
}

pub fn sys_fchown(fd: i32, uid: u32, gid: u32) -> SysResult {
    chown(fd_target(fd)?, uid, gid)
}

pub fn sys_fchownat(dirfd: i32, path: usize, uid: u32, gid: u32, flags: u32) -> SysResult {
    if flags & !(uapi::AT_SYMLINK_NOFOLLOW | uapi::AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    chown(node_at(dirfd, path, flags)?, uid, gid)
}

/// A time of utimensat: None leaves it (UTIME_OMIT).
fn utime(t: &uapi::timespec, now: Duration) -> SysResult<Option<Duration>> {
    const UTIME_NOW: i64 = (1 << 30) - 1;
    const UTIME_OMIT: i64 = (1 << 30) - 2;
    match t.tv_nsec {
        UTIME_OMIT => Ok(None),
        UTIME_NOW => Ok(Some(now)),
        0..=999_999_999 => {
            let secs = u64::try_from(t.tv_sec).unwrap_or(0);
            Ok(Some(Duration::new(secs, t.tv_nsec as u32)))
        }
        _ => Err(Errno::EINVAL),
    }
}

/// utimensat(2); futimens(fd, times) is utimensat(fd, NULL, times, 0).
pub fn sys_utimensat(
    dirfd: i32,
    path: usize,
    times: UserPtr<[uapi::timespec; 2]>,
    flags: u32,
) -> SysResult {
    let now = axhal::time::wall_time();
    let (atime, mtime) = if times.is_null() {
        (Some(now), Some(now))
    } else {
        let t = times.read()?;
        let (atime, mtime) = (utime(&t[0], now), utime(&t[1], now));
        // Linux returns before any lookup when both are UTIME_OMIT.
        if matches!((&atime, &mtime), (Ok(None), Ok(None))) {
            return Ok(0);
        }
        (atime?, mtime?)
    };
    let loc = if path == 0 && dirfd != AT_FDCWD {
        if flags != 0 {
            return Err(Errno::EINVAL);
        }
        fd_target(dirfd)?
    } else {
        if flags & !(uapi::AT_SYMLINK_NOFOLLOW | uapi::AT_EMPTY_PATH) != 0 {
            return Err(Errno::EINVAL);
        }
        node_at(dirfd, path, flags)?
    };
    update(
        loc,
        MetadataUpdate {
            atime,
            mtime,
            ..Default::default()
        },
    )
}
