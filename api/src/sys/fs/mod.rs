//! File and directory syscalls: I/O on fds (`io`), calls that name files by
//! path (`path`), metadata (`stat`), directories and the cwd (`dir`).

mod dir;
mod io;
mod lock;
mod path;
mod stat;

pub use dir::*;
pub use io::*;
pub use lock::*;
pub use path::*;
pub use stat::*;

pub use crate::file::{get_file, install, install_open};

pub const AT_FDCWD: i32 = -100;
