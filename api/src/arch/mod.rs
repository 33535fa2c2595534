//! What differs between the architectures, one file each: the user address
//! space, the ELF machine and the auxv capabilities, the TLS register,
//! clone's argument order and the syscalls only one architecture has.
//! Handlers elsewhere stay free of `cfg(target_arch)`.

#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "riscv64", path = "riscv64.rs")]
mod imp;

pub use imp::*;
