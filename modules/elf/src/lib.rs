//! What the kernel needs from an ELF file to start a program, and the initial
//! stack the System V ABI prescribes. Pure logic, tested on the host.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod parse;
mod stack;

pub use parse::{ElfError, ElfInfo, Segment, parse};
pub use stack::{StackImage, auxv, build_stack};
