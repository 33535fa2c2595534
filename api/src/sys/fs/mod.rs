//! File and directory syscalls: I/O on fds (`io`), calls that name files by
//! path (`path`), metadata (`stat`), directories and the cwd (`dir`).

mod dir;
mod io;
mod lock;
mod path;
mod stat;

use alloc::sync::Arc;

pub use dir::*;
pub use io::*;
pub use lock::*;
pub use path::*;
pub use stat::*;

use crate::errno::SysResult;
use crate::file::{FileLike, OpenFile};
use crate::task::current_process;

pub const AT_FDCWD: i32 = -100;

/// The open file behind `fd`.
pub fn get_file(fd: i32) -> SysResult<Arc<OpenFile>> {
    current_process().fds.lock().get(fd)
}

/// Installs a file in the caller's table.
pub fn install(file: Arc<dyn FileLike>, status: u32, cloexec: bool) -> SysResult<i32> {
    install_open(OpenFile::new(file, status), cloexec)
}

/// Installs an open file description (maybe another process's) in the
/// caller's table, at its lowest free fd below RLIMIT_NOFILE.
pub fn install_open(file: Arc<OpenFile>, cloexec: bool) -> SysResult<i32> {
    let proc = current_process();
    let limit = proc.nofile_limit();
    proc.fds.lock().add(file, cloexec, limit)
}
