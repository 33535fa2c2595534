//! Socket calls. No socket family exists yet (socket(2) is still ENOSYS), so
//! no fd is a socket: the calls that only look a socket up answer what Linux
//! answers for any other file (bash asks getpeername(0) whether its stdin is
//! a network connection, and takes any other error for "yes").

use super::fs::get_file;
use crate::errno::{Errno, SysResult};

/// getpeername, getsockname: Linux's sockfd_lookup comes first (EBADF, then
/// ENOTSOCK), before the address arguments are touched.
pub fn sys_socket_name(fd: i32) -> SysResult {
    get_file(fd)?;
    Err(Errno::ENOTSOCK)
}
