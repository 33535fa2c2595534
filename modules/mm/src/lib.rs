//! User address spaces.
//!
//! [`vma`] is the pure bookkeeping of virtual memory areas and [`walk`] the
//! sparse page-table walk (both host-tested); [`aspace`] binds them to the
//! hardware page table with demand paging, copy-on-write frames and shared
//! pages lent by their sources, [`rmap`] tracks the lent pages (kernel only).
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod user_range;
pub mod vma;
pub mod walk;

#[cfg(target_os = "none")]
pub mod aspace;
#[cfg(target_os = "none")]
mod frame;
#[cfg(target_os = "none")]
mod hw;
#[cfg(target_os = "none")]
pub mod rmap;
#[cfg(target_os = "none")]
pub mod shmem;
#[cfg(target_os = "none")]
pub mod tlb;

pub use vma::{Prot, Vma, VmaSet};

/// Size of a base page.
pub const PAGE_SIZE: usize = 4096;

/// Makes this CPU's instruction fetches see the stores made so far, after
/// the kernel wrote code into a frame that user space may execute. RISC-V
/// does not keep instruction fetches coherent with stores without `fence.i`
/// (x86 does); it acts on the local hart only, so the kernel also calls this
/// whenever a hart switches to a user page table.
pub fn sync_icache() {
    #[cfg(all(target_os = "none", target_arch = "riscv64"))]
    // SAFETY: `fence.i` only orders instruction fetches after earlier stores;
    // it touches no memory or register.
    unsafe {
        core::arch::asm!("fence.i")
    };
}

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
