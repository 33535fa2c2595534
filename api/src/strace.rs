//! Syscall tracing (STRACE=1 at build time): one line per syscall in
//! strace's shape, `name(args) = result`. Arguments are shown raw for now.

use alloc::string::String;
use core::fmt::Write;

use crate::errno::SysResult;

pub fn enabled() -> bool {
    option_env!("KERNEL_STRACE").is_some_and(|v| v == "1")
}

/// The syscall's name, or `syscall_<n>` when we don't know it.
pub fn name(sysno: usize) -> String {
    alloc::format!("syscall_{sysno}")
}

pub fn log(sysno: usize, a: &[usize; 6], result: &SysResult) {
    let pid = crate::task::current_thread().tid;
    let mut line = String::new();
    let _ = write!(line, "[strace] {pid} {}({:#x}, {:#x}, {:#x}) = ", name(sysno), a[0], a[1], a[2]);
    match result {
        Ok(v) => {
            let _ = write!(line, "{v}");
        }
        Err(e) => {
            let _ = write!(line, "-1 {} ({})", e.as_str(), e);
        }
    }
    axlog::ax_println!("{}", line);
}
