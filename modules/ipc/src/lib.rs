//! System V IPC without the ABI: the id registry shared by the three
//! families ([`ids`]), the mode-bit check ([`perm`]), semaphore sets with
//! their queue of sleeping operations and undo adjustments ([`sem`]), and
//! message queues with their waiting receivers ([`msg`]).
//!
//! Everything here is plain data mutated under the caller's lock: waking
//! sleepers, copying to user memory and errno values are the caller's.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod ids;
pub mod msg;
pub mod perm;
pub mod sem;

pub use ids::Ids;
pub use perm::{Creds, Perm};

/// The key that always makes a new object and is never found again.
pub const IPC_PRIVATE: i32 = 0;
