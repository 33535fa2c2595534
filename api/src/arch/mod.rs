//! What differs between the architectures, one file each: the user address
//! space, the ELF machine and the auxv capabilities, the TLS register and
//! the trap-time quirks. It names nothing above it: the syscalls only one
//! architecture has are in `syscall`'s per-architecture table. Handlers
//! elsewhere stay free of `cfg(target_arch)`.

#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "riscv64", path = "riscv64.rs")]
mod imp;

pub use imp::*;
