//! Typed user addresses: what a handler's pointer arguments are, checked
//! where they are used (as Linux's `__user` pointers meet access_ok), so a
//! handler keeps Linux's order of errors (EBADF before EFAULT, ...).

use alloc::vec::Vec;
use core::marker::PhantomData;

use super::{Pod, check_range, copy_to_user, read_user_bytes, read_val, write_val};
use crate::errno::SysResult;

/// The address of one `T` in the current process's memory.
pub struct UserPtr<T: Pod> {
    addr: usize,
    // A number, not a reference: Send and Sync whatever `T` is, so a
    // thread's state may keep one (a restart block's `rem`).
    _type: PhantomData<fn() -> T>,
}

impl<T: Pod> Clone for UserPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Pod> Copy for UserPtr<T> {}

impl<T: Pod> UserPtr<T> {
    pub const fn new(addr: usize) -> Self {
        Self {
            addr,
            _type: PhantomData,
        }
    }

    /// The raw address, for what keys on it or hands it on (a futex, a
    /// path or string reader, another address space).
    pub const fn addr(self) -> usize {
        self.addr
    }

    pub fn is_null(self) -> bool {
        self.addr == 0
    }

    pub fn read(self) -> SysResult<T> {
        read_val(self.addr)
    }

    pub fn write(self, v: &T) -> SysResult<()> {
        write_val(self.addr, v)
    }

    /// The `U` at byte `offset` of the `T` here (one of its fields).
    pub fn field<U: Pod>(self, offset: usize) -> UserPtr<U> {
        UserPtr::new(self.addr.wrapping_add(offset))
    }

    /// The `i`-th element of an array starting here.
    pub fn at(self, i: usize) -> Self {
        Self::new(self.addr.wrapping_add(i.wrapping_mul(size_of::<T>())))
    }
}

/// `len` bytes of user memory at `addr` (a buffer argument).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserSlice {
    pub addr: usize,
    pub len: usize,
}

impl UserSlice {
    pub const fn new(addr: usize, len: usize) -> Self {
        Self { addr, len }
    }

    /// EFAULT unless the whole slice lies in user space (access_ok).
    pub fn check(self) -> SysResult<Self> {
        check_range(self.addr, self.len)?;
        Ok(self)
    }

    /// The first `len` bytes at most.
    pub fn take(self, len: usize) -> Self {
        Self::new(self.addr, self.len.min(len))
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// Copies `data`, at most `self.len` bytes of it, into the slice.
    pub fn copy_out(self, data: &[u8]) -> SysResult<()> {
        copy_to_user(self.addr, &data[..data.len().min(self.len)])
    }

    /// The slice's bytes, copied in.
    pub fn copy_in(self) -> SysResult<Vec<u8>> {
        read_user_bytes(self.addr, self.len)
    }
}
