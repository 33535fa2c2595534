//! TLB shootdown. A change that removes a translation, narrows its rights
//! or points it at another frame is flushed from this CPU by the page-table
//! code; other CPUs running threads of the same address space may still
//! cache the old entry, so they must drop it before the old frame is freed
//! or the old rights stop mattering. How to reach them (IPIs) is the
//! kernel's business: it installs [`set_remote_flush`]. Without it there is
//! no other CPU to reach.

use core::sync::atomic::{AtomicUsize, Ordering};

use memory_addr::PhysAddr;

static REMOTE_FLUSH: AtomicUsize = AtomicUsize::new(0);

/// Installs `f(root)`: flush, on every other CPU that may hold translations
/// of the page table rooted at `root`, its whole TLB, and return when done.
pub fn set_remote_flush(f: fn(usize)) {
    REMOTE_FLUSH.store(f as usize, Ordering::Release);
}

/// Flushes the translations of `root` from the other CPUs.
pub(crate) fn flush_others(root: PhysAddr) {
    let f = REMOTE_FLUSH.load(Ordering::Acquire);
    if f != 0 {
        // SAFETY: only `set_remote_flush` stores here, always a `fn(usize)`.
        let f: fn(usize) = unsafe { core::mem::transmute(f) };
        f(root.as_usize());
    }
}
