//! Physical frames for user memory, reference-counted so that copy-on-write
//! and shared mappings can hand one frame to several page tables.

use alloc::collections::BTreeMap;

use axalloc::{UsageKind, global_allocator};
use axhal::mem::{phys_to_virt, virt_to_phys};
use kspin::SpinNoIrq;
use memory_addr::PhysAddr;

use crate::PAGE_SIZE;

/// Reference counts of every user frame currently mapped somewhere.
static REFS: SpinNoIrq<BTreeMap<usize, usize>> = SpinNoIrq::new(BTreeMap::new());

/// Allocates a frame with one reference; its bytes are whatever the page
/// held before, for a caller that overwrites all of them.
pub fn alloc() -> Option<PhysAddr> {
    let vaddr = global_allocator()
        .alloc_pages(1, PAGE_SIZE, UsageKind::VirtMem)
        .ok()?;
    let paddr = virt_to_phys(vaddr.into());
    REFS.lock().insert(paddr.as_usize(), 1);
    Some(paddr)
}

/// Allocates a zeroed frame with one reference.
pub fn alloc_zeroed() -> Option<PhysAddr> {
    let paddr = alloc()?;
    bytes_mut(paddr).fill(0);
    Some(paddr)
}

/// Adds a reference to a frame.
pub fn get(paddr: PhysAddr) {
    *REFS.lock().entry(paddr.as_usize()).or_insert(0) += 1;
}

/// Drops a reference; the frame is freed when the last one goes.
pub fn put(paddr: PhysAddr) {
    let mut refs = REFS.lock();
    let Some(count) = refs.get_mut(&paddr.as_usize()) else {
        log::warn!("mm: put on untracked frame {paddr:#x}");
        return;
    };
    *count -= 1;
    if *count == 0 {
        refs.remove(&paddr.as_usize());
        drop(refs);
        global_allocator().dealloc_pages(phys_to_virt(paddr).as_usize(), 1, UsageKind::VirtMem);
    }
}

/// Number of page tables sharing the frame.
pub fn count(paddr: PhysAddr) -> usize {
    REFS.lock().get(&paddr.as_usize()).copied().unwrap_or(0)
}

/// The frame's bytes through the kernel's linear mapping.
pub fn bytes_mut(paddr: PhysAddr) -> &'static mut [u8] {
    // SAFETY: user frames live in the linear mapping and are page-sized; the
    // caller holds the address-space lock, which serialises writers.
    unsafe { core::slice::from_raw_parts_mut(phys_to_virt(paddr).as_mut_ptr(), PAGE_SIZE) }
}
