//! riscv64's own calls: only clone, whose argument order differs.

use super::{Syscall, call};
use crate::strace::spec::Arg::*;
use crate::sys::task;
use crate::uaccess::UserPtr;

#[rustfmt::skip]
pub static CALLS: &[Syscall] = &[
    // clone(flags, stack, parent_tid, tls, child_tid), the order glibc's
    // clone.S passes them in on riscv64. CLONE_PIDFD's fd goes to parent_tid.
    call!(__NR_clone, [Clone], |uctx, a| task::sys_clone(uctx, a[0] as u64, a[1], UserPtr::new(a[2]), a[4], a[3], UserPtr::new(a[2]))),
];
