//! eventfd2 (and x86_64's eventfd): a counter as an fd.

use alloc::sync::Arc;

use linux_raw_sys::general::{O_CLOEXEC, O_NONBLOCK, O_RDWR};

use super::fs::install;
use crate::errno::{Errno, SysResult};
use crate::file::EventFd;

/// EFD_SEMAPHORE: each read takes one from the counter.
const EFD_SEMAPHORE: u32 = 1;

pub fn sys_eventfd2(initial: u32, flags: u32) -> SysResult {
    if flags & !(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE) != 0 {
        return Err(Errno::EINVAL);
    }
    let file = Arc::new(EventFd::new(initial, flags & EFD_SEMAPHORE != 0));
    let fd = install(file, O_RDWR | (flags & O_NONBLOCK), flags & O_CLOEXEC != 0)?;
    Ok(fd as isize)
}
