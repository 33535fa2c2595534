//! Whose memory a transfer reads or writes: the current process's, through
//! the fault-tolerant user copy, or another's, through its page table and
//! the kernel's linear map (faulting pages in as the owner would; the
//! address-space lock keeps them from going while they are copied). The
//! same read and write code then serves a syscall and a kernel coroutine
//! working for a process on another CPU.

use alloc::sync::Arc;
use alloc::vec::Vec;

use axsync::Mutex;
use mm::aspace::AddrSpace;

use super::UserSlice;
use crate::errno::{Errno, SysResult};

#[derive(Clone)]
pub enum UserSpace {
    /// The address space the CPU runs with now (a syscall's).
    Current,
    /// Any process's address space, named by reference.
    Of(Arc<Mutex<AddrSpace>>),
}

impl UserSpace {
    /// Copies `data`, at most `dst.len` bytes of it, into `dst`.
    pub fn copy_out(&self, dst: UserSlice, data: &[u8]) -> SysResult<()> {
        match self {
            Self::Current => dst.copy_out(data),
            Self::Of(space) => {
                let data = &data[..data.len().min(dst.len)];
                dst.check()?;
                space
                    .lock()
                    .write_bytes(dst.addr, data)
                    .map_err(|_| Errno::EFAULT)
            }
        }
    }

    /// The bytes of `src`, copied in.
    pub fn copy_in(&self, src: UserSlice) -> SysResult<Vec<u8>> {
        match self {
            Self::Current => src.copy_in(),
            Self::Of(space) => {
                src.check()?;
                let mut buf = alloc::vec![0u8; src.len];
                space
                    .lock()
                    .read_bytes(src.addr, &mut buf)
                    .map_err(|_| Errno::EFAULT)?;
                Ok(buf)
            }
        }
    }
}
