//! Futexes below the syscall: keys (which word an address names), the wait
//! queues in hashed buckets, and the robust-list walk at thread exit. The
//! futex(2) and robust-list syscalls (`sys::futex`) and thread exit (the
//! CLONE_CHILD_CLEARTID wake) use them.

mod key;
mod queue;
mod robust;

pub use key::key_of;
pub use queue::{requeue, wait, wake, wake_op};
pub use robust::{HEAD_SIZE as ROBUST_HEAD_SIZE, exit_robust_list};

/// A wake's bitset that matches every waiter.
pub const MATCH_ANY: u32 = u32::MAX;

/// Wakes up to `n` waiters of the word at `addr` as a shared futex, the
/// way the kernel itself does (CLONE_CHILD_CLEARTID at thread exit).
pub fn wake_address(addr: usize, n: i32) -> usize {
    key_of(addr, false, false).map_or(0, |k| wake(&k, n, MATCH_ANY))
}
