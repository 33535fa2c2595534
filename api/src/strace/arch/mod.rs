//! Per-architecture facts: syscall numbers and names (from linux-raw-sys's
//! `__NR_*` constants, one table per architecture) and the few argument
//! layouts that differ. Everything else in the tracer is shared.

use linux_raw_sys::general as nr;

/// `pub fn name(sysno) -> Option<&str>` over a list of `__NR_*` constants.
macro_rules! syscall_names {
    ($($nr:ident),* $(,)?) => {
        /// The syscall's name, as strace prints it.
        pub fn name(sysno: usize) -> Option<&'static str> {
            let n = u32::try_from(sysno).ok()?;
            #[allow(unreachable_patterns)] // aliases (__NR_fstatat/__NR_newfstatat)
            match n {
                $(super::nr::$nr => stringify!($nr).strip_prefix("__NR_"),)*
                _ => None,
            }
        }
    };
}
use syscall_names;

#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "riscv64", path = "riscv64.rs")]
mod table;

pub use table::*;
