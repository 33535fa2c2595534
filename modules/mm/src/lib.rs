//! User address spaces.
//!
//! [`vma`] is the pure bookkeeping of virtual memory areas (host-tested);
//! [`aspace`] binds it to the hardware page table with demand paging and
//! copy-on-write frames (kernel only).
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod vma;

#[cfg(target_os = "none")]
mod frame;
#[cfg(target_os = "none")]
pub mod aspace;

pub use vma::{Prot, Vma, VmaSet};

/// Size of a base page.
pub const PAGE_SIZE: usize = 4096;

/// Rounds `x` down to a page boundary.
pub const fn page_floor(x: usize) -> usize {
    x & !(PAGE_SIZE - 1)
}

/// Rounds `x` up to a page boundary (saturating at the top of the address space).
pub const fn page_ceil(x: usize) -> usize {
    match x.checked_add(PAGE_SIZE - 1) {
        Some(v) => v & !(PAGE_SIZE - 1),
        None => usize::MAX & !(PAGE_SIZE - 1),
    }
}
