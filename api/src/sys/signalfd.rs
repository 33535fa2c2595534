//! signalfd4 (and x86_64's signalfd): pending signals read from an fd.

use alloc::sync::Arc;

use linux_raw_sys::general::{O_CLOEXEC, O_NONBLOCK, O_RDWR};

use super::fs::{get_file, install};
use crate::errno::{Errno, SysResult};
use crate::file::{FileKind, SignalFd};
use crate::uaccess::UserPtr;

/// The size of the kernel's sigset_t, the only mask size accepted.
const SIGSET_SIZE: usize = 8;

/// A new signalfd for `fd` -1, else a new mask for the signalfd open as
/// `fd` (its flags then do nothing); the fd either way. Checks in Linux's
/// order: flags, mask size, the mask's address, the fd.
pub fn sys_signalfd4(fd: i32, mask: UserPtr<u64>, size: usize, flags: u32) -> SysResult {
    if flags & !(O_CLOEXEC | O_NONBLOCK) != 0 || size != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let mask = mask.read()?;
    if fd == -1 {
        let file = Arc::new(SignalFd::new(mask));
        let fd = install(file, O_RDWR | (flags & O_NONBLOCK), flags & O_CLOEXEC != 0)?;
        return Ok(fd as isize);
    }
    let file = get_file(fd)?;
    match file.file.kind() {
        FileKind::Signal(s) => s.set_mask(mask),
        _ => return Err(Errno::EINVAL),
    }
    Ok(fd as isize)
}
