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

/// An errno that says why: the Linux rule a handler applied when it
/// refused its input, logged at debug level (`LOG=debug`), so that a
/// program's unexpected EINVAL can be traced to its cause.
pub trait Because {
    fn because(self, why: &str) -> Self;
}

impl Because for Errno {
    fn because(self, why: &str) -> Self {
        log::debug!("{}: {why}", self.as_str());
        self
    }
}

/// Encodes a handler result in the register convention (`-errno` on failure).
pub fn encode(r: SysResult) -> usize {
    match r {
        Ok(v) => v as usize,
        Err(e) => -(e.code() as isize) as usize,
    }
}
