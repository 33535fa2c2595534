//! TLB shootdown. A change that removes a translation, narrows its rights
//! or points it at another frame is flushed from this CPU by the page-table
//! code; other CPUs running threads of the same address space may still
//! cache the old entry, so they must drop it before the old frame is freed
//! or the old rights stop mattering. How to reach them (IPIs) is the
//! kernel's business: it installs [`set_remote_flush`]. Without it there is
//! no other CPU to reach.
//!
//! A CPU may also keep a page table loaded after the thread that used it
//! was switched out (switching tables costs a TLB flush). Before a table
//! is freed, [`set_retire`]'s hook makes every CPU let go of it.

use core::sync::atomic::{AtomicUsize, Ordering};

use memory_addr::PhysAddr;

static REMOTE_FLUSH: AtomicUsize = AtomicUsize::new(0);

/// Installs `f(root)`: flush, on every other CPU that may hold translations
/// of the page table rooted at `root`, its whole TLB, and return when done.
pub fn set_remote_flush(f: fn(usize)) {
    REMOTE_FLUSH.store(f as usize, Ordering::Release);
}

static RETIRE: AtomicUsize = AtomicUsize::new(0);

/// Installs `f(root)`: make every CPU (this one too) stop using the page
/// table rooted at `root`, which is about to be freed; return when done.
pub fn set_retire(f: fn(usize)) {
    RETIRE.store(f as usize, Ordering::Release);
}

/// Calls the hook stored in `slot`, if one is installed, with `root`.
fn call_hook(slot: &AtomicUsize, root: PhysAddr) {
    let f = slot.load(Ordering::Acquire);
    if f != 0 {
        // SAFETY: only the `set_*` functions above store in the slots,
        // always a `fn(usize)`.
        let f: fn(usize) = unsafe { core::mem::transmute(f) };
        f(root.as_usize());
    }
}

/// Flushes the translations of `root` from the other CPUs.
pub(crate) fn flush_others(root: PhysAddr) {
    call_hook(&REMOTE_FLUSH, root);
}

/// No CPU may use the table rooted at `root` any more.
pub(crate) fn retire(root: PhysAddr) {
    call_hook(&RETIRE, root);
}
