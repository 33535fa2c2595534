//! Linux error numbers and conversions from the VFS's error kinds.

use axerrno::AxError;
pub use axerrno::LinuxError as Errno;

/// What a syscall handler returns: the non-negative result or an errno.
pub type SysResult<T = isize> = Result<T, Errno>;

/// Maps a VFS/ArceOS error to the errno Linux would report for it.
pub fn from_ax(e: AxError) -> Errno {
    Errno::from(e)
}

/// `?`-friendly conversion for VFS results.
pub trait VfsResultExt<T> {
    fn sys(self) -> SysResult<T>;
}

impl<T> VfsResultExt<T> for Result<T, AxError> {
    fn sys(self) -> SysResult<T> {
        self.map_err(from_ax)
    }
}

/// Encodes a handler result in the register convention (`-errno` on failure).
pub fn encode(r: SysResult) -> usize {
    match r {
        Ok(v) => v as usize,
        Err(e) => -(e.code() as isize) as usize,
    }
}
