//! fcntl's record locks (F_GETLK/F_SETLK/F_SETLKW and the F_OFD_ variants)
//! and flock(): argument checks in Linux's order over [`crate::file::lock`].

use linux_raw_sys::general as uapi;

use super::get_file;
use crate::errno::{Errno, SysResult};
use crate::file::OpenFile;
use crate::file::lock::{self, Kind, OFFSET_MAX, Owner};
use crate::task::current_process;
use crate::uaccess::UserPtr;

// SAFETY: struct flock is plain integers (every bit pattern is valid); its
// padding is only ever copied back to the user it came from.

/// A `struct flock` resolved against the file: `start..=end`, or None for
/// F_UNLCK. Mirrors Linux's flock_to_posix_lock.
fn resolve(f: &OpenFile, l: &uapi::flock) -> SysResult<(Option<Kind>, i64, i64)> {
    let base: i64 = match l.l_whence as u32 {
        uapi::SEEK_SET => 0,
        uapi::SEEK_CUR => f.file.seek(0, uapi::SEEK_CUR)? as i64,
        uapi::SEEK_END => f.file.stat()?.size as i64,
        _ => return Err(Errno::EINVAL),
    };
    if l.l_start > OFFSET_MAX - base {
        return Err(Errno::EOVERFLOW);
    }
    let mut start = base + l.l_start;
    if start < 0 {
        return Err(Errno::EINVAL);
    }
    let end = if l.l_len > 0 {
        if l.l_len - 1 > OFFSET_MAX - start {
            return Err(Errno::EOVERFLOW);
        }
        start + l.l_len - 1
    } else if l.l_len < 0 {
        let end = start - 1;
        start += l.l_len;
        if start < 0 {
            return Err(Errno::EINVAL);
        }
        end
    } else {
        OFFSET_MAX
    };
    let kind = match l.l_type as u32 {
        uapi::F_RDLCK => Some(Kind::Read),
        uapi::F_WRLCK => Some(Kind::Write),
        uapi::F_UNLCK => None,
        _ => return Err(Errno::EINVAL),
    };
    Ok((kind, start, end))
}

/// fcntl(fd, F_*LK*, struct flock *).
pub fn fcntl_lock(fd: i32, f: &OpenFile, cmd: u32, arg: UserPtr<uapi::flock>) -> SysResult {
    if f.status() & uapi::O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    let mut l = arg.read()?;
    let ofd = matches!(
        cmd,
        uapi::F_OFD_GETLK | uapi::F_OFD_SETLK | uapi::F_OFD_SETLKW
    );
    let getlk = matches!(cmd, uapi::F_GETLK | uapi::F_OFD_GETLK);
    if getlk && !matches!(l.l_type as u32, uapi::F_RDLCK | uapi::F_WRLCK) {
        return Err(Errno::EINVAL);
    }
    let (kind, start, end) = resolve(f, &l)?;
    match kind {
        Some(Kind::Read) if !getlk && !f.readable() => return Err(Errno::EBADF),
        Some(Kind::Write) if !getlk && !f.writable() => return Err(Errno::EBADF),
        _ => {}
    }
    if ofd && l.l_pid != 0 {
        return Err(Errno::EINVAL);
    }
    let proc = current_process();
    let owner = if ofd {
        f.lock_owner()
    } else {
        proc.fds.lock().posix_lock_owner()
    };
    let key = f.lock_key()?;
    if getlk {
        match lock::test(key, owner, kind.unwrap_or(Kind::Read), start, end) {
            None => l.l_type = uapi::F_UNLCK as _,
            Some(c) => {
                l.l_type = match c.kind {
                    Kind::Read => uapi::F_RDLCK,
                    Kind::Write => uapi::F_WRLCK,
                } as _;
                l.l_whence = uapi::SEEK_SET as _;
                l.l_start = c.start;
                l.l_len = if c.end == OFFSET_MAX {
                    0
                } else {
                    c.end - c.start + 1
                };
                l.l_pid = match c.owner {
                    Owner::Table(_) => c.pid,
                    Owner::Description(_) => -1,
                };
            }
        }
        arg.write(&l)?;
        return Ok(0);
    }
    let wait = matches!(cmd, uapi::F_SETLKW | uapi::F_OFD_SETLKW);
    lock::set_range(key, owner, kind, start, end, proc.pid, wait)?;
    // A close of the fd that raced with a blocking lock already dropped the
    // owner's locks on the file; Linux drops the new one too (EBADF).
    if !ofd && kind.is_some() && !proc.fds.lock().get(fd).is_ok_and(|g| core::ptr::eq(&*g, f)) {
        lock::release_file(key, owner);
        return Err(Errno::EBADF);
    }
    Ok(0)
}

/// flock(fd, operation). Linux checks the operation before the fd.
pub fn sys_flock(fd: i32, op: u32) -> SysResult {
    let kind = match op & !uapi::LOCK_NB {
        uapi::LOCK_SH => Some(Kind::Read),
        uapi::LOCK_EX => Some(Kind::Write),
        uapi::LOCK_UN => None,
        _ => return Err(Errno::EINVAL),
    };
    let f = get_file(fd)?;
    if f.status() & uapi::O_PATH != 0 {
        return Err(Errno::EBADF);
    }
    lock::set_flock(f.lock_key()?, f.lock_owner(), kind, op & uapi::LOCK_NB == 0)?;
    Ok(0)
}
