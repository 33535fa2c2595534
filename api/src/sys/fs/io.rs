//! I/O on file descriptors: read/write and their vector and positional
//! forms, seeking, fd table calls (close, dup, fcntl), pipes and ioctl.

use alloc::vec::Vec;

use linux_raw_sys::general as uapi;

use super::{get_file, install};
use crate::errno::{Because, Errno, SysResult};
use crate::file::{FileKind, IoContext, OpenFile, new_pipe};
use crate::task::current_process;
use crate::uaccess::{UserPtr, UserSlice};

/// Linux's MAX_RW_COUNT: the most one call transfers.
const MAX_RW_COUNT: usize = 0x7fff_f000;

pub fn sys_read(fd: i32, buf: UserSlice) -> SysResult {
    Ok(IoContext::current().read(fd, buf)? as isize)
}

pub fn sys_write(fd: i32, buf: UserSlice) -> SysResult {
    Ok(IoContext::current().write(fd, buf)? as isize)
}

/// The iovec array of readv/writev, as Linux's import_iovec takes it: every
/// length checked as it is copied in (EINVAL), then every buffer checked to
/// lie in user space (EFAULT), so a bad one fails the call before anything
/// is transferred.
pub fn read_iovecs(iov: UserPtr<uapi::iovec>, cnt: i32) -> SysResult<Vec<UserSlice>> {
    read_iovec_array(iov, cnt)?
        .into_iter()
        .map(UserSlice::check)
        .collect()
}

/// The iovec array alone: its count at most IOV_MAX (1024) and each length
/// a valid `ssize_t` (EINVAL), the buffers not checked.
pub fn read_iovec_array(iov: UserPtr<uapi::iovec>, cnt: i32) -> SysResult<Vec<UserSlice>> {
    if !(0..=1024).contains(&cnt) {
        return Err(Errno::EINVAL.because("more than IOV_MAX (1024) iovecs"));
    }
    let mut bufs = Vec::with_capacity(cnt as usize);
    for i in 0..cnt as usize {
        let v = iov.at(i).read()?;
        if isize::try_from(v.iov_len).is_err() {
            return Err(Errno::EINVAL.because("an iovec length above SSIZE_MAX"));
        }
        bufs.push(UserSlice::new(v.iov_base as usize, v.iov_len as usize));
    }
    Ok(bufs)
}

pub fn sys_readv(fd: i32, iov: UserPtr<uapi::iovec>, cnt: i32) -> SysResult {
    let ctx = IoContext::current();
    ctx.file(fd)?;
    Ok(ctx.vectored(fd, &read_iovecs(iov, cnt)?, IoContext::read)? as isize)
}

pub fn sys_writev(fd: i32, iov: UserPtr<uapi::iovec>, cnt: i32) -> SysResult {
    let ctx = IoContext::current();
    ctx.file(fd)?;
    Ok(ctx.vectored(fd, &read_iovecs(iov, cnt)?, IoContext::write)? as isize)
}

pub fn sys_pread64(fd: i32, buf: UserSlice, off: i64) -> SysResult {
    Ok(IoContext::current().pread(fd, buf, off)? as isize)
}

pub fn sys_pwrite64(fd: i32, buf: UserSlice, off: i64) -> SysResult {
    Ok(IoContext::current().pwrite(fd, buf, off)? as isize)
}

/// sendfile(2): copies up to `count` bytes from `in_fd` to `out_fd`, reading
/// at `*offset` when given (which then advances instead of the position).
pub fn sys_sendfile(out_fd: i32, in_fd: i32, offset: UserPtr<i64>, count: usize) -> SysResult {
    let start = if offset.is_null() {
        None
    } else {
        Some(offset.read()?)
    };
    let input = get_file(in_fd)?;
    if !input.readable() {
        return Err(Errno::EBADF);
    }
    let mut pos = match start {
        // Positional reads need a file with positions (Linux's FMODE_PREAD).
        Some(_) if input.file.read_at(&mut [], 0) == Err(Errno::ESPIPE) => {
            return Err(Errno::ESPIPE);
        }
        Some(p) => Some(u64::try_from(p).map_err(|_| Errno::EINVAL)?),
        // The input's own position; None for streams (pipes).
        None => input.file.seek(0, uapi::SEEK_CUR).ok(),
    };
    let output = get_file(out_fd)?;
    if !output.writable() {
        return Err(Errno::EBADF);
    }
    // Linux splices only into files written at their position.
    if output.status() & uapi::O_APPEND != 0 {
        return Err(Errno::EINVAL);
    }
    let result = copy_file_data(&input, &output, &mut pos, count.min(MAX_RW_COUNT));
    match (start, pos) {
        (Some(_), Some(p)) => offset.write(&(p as i64))?,
        (None, Some(p)) => {
            input.file.seek(p as i64, uapi::SEEK_SET)?;
        }
        _ => {}
    }
    result
}

/// The copy loop of sendfile: reads at `pos` (advancing it by what was
/// written) or from the stream, until `count`, EOF or a short write. An
/// error after some progress ends the copy with the progress.
fn copy_file_data(
    input: &OpenFile,
    output: &OpenFile,
    pos: &mut Option<u64>,
    count: usize,
) -> SysResult {
    let mut buf = alloc::vec![0u8; count.min(64 * 1024)];
    let mut total = 0;
    while total < count {
        let want = (count - total).min(buf.len());
        let step = match *pos {
            Some(p) => input.file.read_at(&mut buf[..want], p),
            None => input.file.read(&mut buf[..want], input.nonblocking()),
        }
        .and_then(|n| {
            if n == 0 {
                Ok((0, 0))
            } else {
                output.write(&buf[..n]).map(|w| (n, w))
            }
        });
        let (read, written) = match step {
            Ok(rw) => rw,
            Err(e) if total == 0 => return Err(e),
            Err(_) => break,
        };
        total += written;
        if let Some(p) = pos {
            *p += written as u64;
        }
        if read == 0 || written < read {
            break;
        }
    }
    Ok(total as isize)
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
    current_process().fds.lock().close_range(
        first as usize,
        last as usize,
        flags & CLOSE_RANGE_CLOEXEC != 0,
    );
    Ok(0)
}

pub fn sys_lseek(fd: i32, off: i64, whence: u32) -> SysResult {
    let f = get_file(fd)?;
    Ok(f.file.seek(off, whence)? as isize)
}

pub fn sys_fcntl(fd: i32, cmd: u32, arg: usize) -> SysResult {
    let proc = current_process();
    let f = get_file(fd)?;
    let limit = proc.nofile_limit();
    match cmd {
        uapi::F_DUPFD | uapi::F_DUPFD_CLOEXEC => {
            if arg >= limit {
                return Err(Errno::EINVAL);
            }
            Ok(proc
                .fds
                .lock()
                .add_from(arg, f, cmd == uapi::F_DUPFD_CLOEXEC, limit)? as isize)
        }
        uapi::F_GETFD => Ok(proc.fds.lock().cloexec(fd)? as isize),
        uapi::F_SETFD => {
            proc.fds
                .lock()
                .set_cloexec(fd, arg & uapi::FD_CLOEXEC as usize != 0)?;
            Ok(0)
        }
        uapi::F_GETFL => Ok(f.status() as isize),
        uapi::F_SETFL => {
            f.set_status(arg as u32);
            Ok(0)
        }
        uapi::F_GETLK
        | uapi::F_SETLK
        | uapi::F_SETLKW
        | uapi::F_OFD_GETLK
        | uapi::F_OFD_SETLK
        | uapi::F_OFD_SETLKW => super::fcntl_lock(fd, &f, cmd, UserPtr::new(arg)),
        uapi::F_GETPIPE_SZ | uapi::F_SETPIPE_SZ => {
            // Only pipes have a size to report or set (Linux's pipe_fcntl).
            let FileKind::Pipe(pipe) = f.file.kind() else {
                return Err(Errno::EBADF);
            };
            let size = if cmd == uapi::F_GETPIPE_SZ {
                pipe.capacity()
            } else {
                pipe.set_capacity(arg)?
            };
            Ok(size as isize)
        }
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_dup(fd: i32) -> SysResult {
    let proc = current_process();
    let f = get_file(fd)?;
    let limit = proc.nofile_limit();
    Ok(proc.fds.lock().add(f, false, limit)? as isize)
}

pub fn sys_dup3(old: i32, new: i32, flags: u32) -> SysResult {
    if flags & !uapi::O_CLOEXEC != 0 || old == new {
        return Err(Errno::EINVAL);
    }
    let proc = current_process();
    let f = get_file(old)?;
    let limit = proc.nofile_limit();
    if new < 0 || new as usize >= limit {
        return Err(Errno::EBADF);
    }
    let old_file = proc
        .fds
        .lock()
        .set(new as usize, f, flags & uapi::O_CLOEXEC != 0);
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

pub fn sys_pipe2(fds: UserPtr<[i32; 2]>, flags: u32) -> SysResult {
    if flags & !(uapi::O_CLOEXEC | uapi::O_NONBLOCK | uapi::O_DIRECT) != 0 {
        return Err(Errno::EINVAL);
    }
    UserSlice::new(fds.addr(), size_of::<[i32; 2]>()).check()?;
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
    if let Err(e) = fds.write(&[rfd, wfd]) {
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
            let on = UserPtr::<i32>::new(arg).read()?;
            let st = f.status();
            f.set_status(if on != 0 {
                st | uapi::O_NONBLOCK
            } else {
                st & !uapi::O_NONBLOCK
            });
            Ok(0)
        }
        linux_raw_sys::ioctl::FIOCLEX => current_process()
            .fds
            .lock()
            .set_cloexec(fd, true)
            .map(|_| 0),
        linux_raw_sys::ioctl::FIONCLEX => current_process()
            .fds
            .lock()
            .set_cloexec(fd, false)
            .map(|_| 0),
        _ => f.file.ioctl(cmd, arg),
    }
}

pub fn sys_ftruncate(fd: i32, len: i64) -> SysResult {
    let f = get_file(fd)?;
    if len < 0 || !f.writable() {
        return Err(Errno::EINVAL);
    }
    let FileKind::Regular(rf) = f.file.kind() else {
        return Err(Errno::EINVAL);
    };
    rf.set_len(len as u64)?;
    Ok(0)
}

/// fadvise64: the page cache takes no hints, so only Linux's checks remain
/// (generic_fadvise): a pipe is ESPIPE, a negative length or an unknown
/// advice EINVAL.
pub fn sys_fadvise64(fd: i32, _offset: i64, len: i64, advice: u32) -> SysResult {
    let f = get_file(fd)?;
    if let FileKind::Pipe(_) = f.file.kind() {
        return Err(Errno::ESPIPE);
    }
    if len < 0 || advice > uapi::POSIX_FADV_NOREUSE {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

pub fn sys_fsync(fd: i32) -> SysResult {
    get_file(fd)?;
    Ok(0)
}
