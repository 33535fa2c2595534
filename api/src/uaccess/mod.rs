//! Access to user memory. Every pointer from user space is checked against the
//! user half of the address space and copied with the fault-tolerant
//! `user_copy`; a fault that demand paging cannot resolve yields EFAULT.
//!
//! Handlers name user memory with typed addresses (`UserPtr<T>`,
//! `UserSlice`); IO that may run outside the process whose memory it moves
//! (a kernel coroutine on the IO core) goes through a `UserSpace`. The uapi
//! structs copied whole are marked `Pod` in `pod`.

mod pod;
mod space;
mod user;

pub use space::UserSpace;
pub use user::{UserPtr, UserSlice};

use alloc::string::String;
use alloc::vec::Vec;
use core::mem::{MaybeUninit, size_of};

use crate::errno::{Errno, SysResult};

/// One past the highest user address.
pub use crate::arch::USER_END;

/// Longest path we accept, as Linux's PATH_MAX.
pub const PATH_MAX: usize = 4096;

fn check_range(addr: usize, len: usize) -> SysResult<()> {
    mm::user_range::user_range(addr, len, USER_END)
        .map(|_| ())
        .ok_or(Errno::EFAULT)
}

fn raw_copy(dst: *mut u8, src: *const u8, len: usize) -> SysResult<()> {
    if len == 0 {
        return Ok(());
    }
    // SAFETY: one side is a kernel buffer of `len` bytes owned by the caller;
    // the other is a range checked to lie in user space, where faults are
    // either resolved by the page-fault handler or caught by the exception
    // table of `user_copy`, which then reports the bytes left.
    let left = unsafe { axhal::asm::user_copy(dst, src, len) };
    if left == 0 {
        Ok(())
    } else {
        Err(Errno::EFAULT)
    }
}

/// Checks that `[addr, addr+len)` lies in user space (Linux's access_ok),
/// before work whose result would be lost to a later EFAULT.
pub fn check_user_buffer(addr: usize, len: usize) -> SysResult<()> {
    check_range(addr, len)
}

/// Copies `buf.len()` bytes from user address `src`.
pub fn copy_from_user(buf: &mut [u8], src: usize) -> SysResult<()> {
    check_range(src, buf.len())?;
    raw_copy(buf.as_mut_ptr(), src as *const u8, buf.len())
}

/// Copies `len` bytes from user address `src` into a new buffer, which is
/// not zeroed first (write(2)'s data, up to a megabyte per call).
pub fn read_user_bytes(src: usize, len: usize) -> SysResult<Vec<u8>> {
    check_range(src, len)?;
    let mut buf = Vec::with_capacity(len);
    raw_copy(buf.as_mut_ptr(), src as *const u8, len)?;
    // SAFETY: the capacity is `len`, and the copy succeeded, so all `len`
    // bytes are initialised.
    unsafe { buf.set_len(len) };
    Ok(buf)
}

/// Copies `buf` to user address `dst`.
pub fn copy_to_user(dst: usize, buf: &[u8]) -> SysResult<()> {
    check_range(dst, buf.len())?;
    raw_copy(dst as *mut u8, buf.as_ptr(), buf.len())
}

/// Plain-old-data types that may be copied to and from user memory byte-wise.
///
/// # Safety
/// Every bit pattern must be a valid value and the type must have no padding
/// whose contents matter.
pub unsafe trait Pod: Copy {}

/// Reads one value of type `T` from user memory.
pub fn read_val<T: Pod>(src: usize) -> SysResult<T> {
    let mut v = MaybeUninit::<T>::uninit();
    check_range(src, size_of::<T>())?;
    raw_copy(v.as_mut_ptr() as *mut u8, src as *const u8, size_of::<T>())?;
    // SAFETY: fully initialised by the copy; `T: Pod` accepts any bytes.
    Ok(unsafe { v.assume_init() })
}

/// Writes one value of type `T` to user memory.
pub fn write_val<T: Pod>(dst: usize, v: &T) -> SysResult<()> {
    check_range(dst, size_of::<T>())?;
    raw_copy(dst as *mut u8, v as *const T as *const u8, size_of::<T>())
}

/// Reads a NUL-terminated string of at most `max` bytes (ENAMETOOLONG beyond).
pub fn read_cstr(src: usize, max: usize) -> SysResult<String> {
    let bytes = read_cbytes(src, max)?;
    String::from_utf8(bytes).map_err(|_| Errno::EINVAL)
}

/// Reads NUL-terminated bytes of at most `max` bytes.
pub fn read_cbytes(src: usize, max: usize) -> SysResult<Vec<u8>> {
    if src == 0 {
        return Err(Errno::EFAULT);
    }
    let mut out = Vec::new();
    let mut addr = src;
    loop {
        // Read up to the end of the current page so we never touch the next
        // page unless the string continues there.
        let chunk = 4096 - addr % 4096;
        let mut buf = [0u8; 4096];
        copy_from_user(&mut buf[..chunk], addr)?;
        if let Some(nul) = buf[..chunk].iter().position(|&c| c == 0) {
            out.extend_from_slice(&buf[..nul]);
            if out.len() >= max {
                return Err(Errno::ENAMETOOLONG);
            }
            return Ok(out);
        }
        out.extend_from_slice(&buf[..chunk]);
        if out.len() >= max {
            return Err(Errno::ENAMETOOLONG);
        }
        addr += chunk;
    }
}

/// Reads a path argument: EFAULT for bad pointers, ENOENT for "".
pub fn read_path(src: usize) -> SysResult<String> {
    let p = read_cstr(src, PATH_MAX)?;
    if p.is_empty() {
        return Err(Errno::ENOENT);
    }
    Ok(p)
}

/// Reads a NULL-terminated array of string pointers (argv/envp).
pub fn read_str_array(mut src: usize) -> SysResult<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    if src == 0 {
        return Ok(out);
    }
    loop {
        let p: usize = read_val(src)?;
        if p == 0 {
            return Ok(out);
        }
        if out.len() >= 0x7fff_ffff / size_of::<usize>() {
            return Err(Errno::E2BIG);
        }
        // A string of more than MAX_ARG_STRLEN (32 pages, with its NUL).
        let arg = read_cbytes(p, 32 * 4096).map_err(|e| match e {
            Errno::ENAMETOOLONG => Errno::E2BIG,
            e => e,
        })?;
        out.push(arg);
        src += size_of::<usize>();
    }
}
