//! Which page-table entries map the frames of evictable page sources.
//!
//! A shared file mapping maps the file's page-cache frames in place, so that
//! stores through the mapping and read/write(2) see each other at once. The
//! cache may drop a frame (eviction, truncation, sync); before it does, it
//! calls [`evict_shared`], which clears every entry that maps the frame, in
//! any address space. One lock serialises all writers of such entries: the
//! owner of the address space (fault, unmap, protect, ...) and the evictor,
//! which does not hold the address space's own lock.
//!
//! Lock order: address space, then the source's own lock (page cache), then
//! this one.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use kspin::{SpinNoIrq, SpinNoIrqGuard};
use memory_addr::PhysAddr;

/// One entry mapping a source's page: `(source, offset, page-table root, address)`.
pub type Mapper = (u64, u64, usize, usize);

static MAPPERS: SpinNoIrq<BTreeSet<Mapper>> = SpinNoIrq::new(BTreeSet::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh identity for an evictable page source.
pub fn new_source_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// Takes the lock that writers of tracked entries hold.
pub fn lock() -> SpinNoIrqGuard<'static, BTreeSet<Mapper>> {
    MAPPERS.lock()
}

/// Unmaps the page at `offset` of source `id` from every address space that
/// maps it. The source calls this before it drops the page's frame.
pub fn evict_shared(id: u64, offset: u64) {
    let mut mappers = lock();
    let hits: Vec<Mapper> = mappers
        .range((id, offset, 0, 0)..=(id, offset, usize::MAX, usize::MAX))
        .copied()
        .collect();
    for m in &hits {
        mappers.remove(m);
        // SAFETY: an address space removes its entries from this set, under
        // this lock, before its page table goes away; we hold the lock.
        unsafe { crate::hw::clear_entry(PhysAddr::from(m.2), m.3) };
    }
    // Not under the lock (other CPUs wait for it with IRQs off). A space
    // torn down meanwhile is flushed for nothing: its root is loaded nowhere.
    drop(mappers);
    let mut roots: Vec<usize> = hits.iter().map(|m| m.2).collect();
    roots.sort_unstable();
    roots.dedup();
    for root in roots {
        crate::tlb::flush_others(PhysAddr::from(root));
    }
}
