//! rseq(2): register or unregister the calling thread's `struct rseq`,
//! with Linux's checks in its order. An area is at least the original 32
//! bytes and 32-byte aligned (longer ones, for newer fields, are accepted
//! as Linux 6.3+ does; the kernel fills the original fields).

use crate::errno::{Errno, SysResult};
use crate::task::current_thread;
use crate::task::rseq::{RSEQ_SIZE, Registration, reset_area};

const RSEQ_FLAG_UNREGISTER: i32 = 1;

pub fn sys_rseq(addr: usize, len: u32, flags: i32, sig: u32) -> SysResult {
    let t = current_thread();
    let current = t.rseq.get();
    if flags & RSEQ_FLAG_UNREGISTER != 0 {
        if flags & !RSEQ_FLAG_UNREGISTER != 0 {
            return Err(Errno::EINVAL);
        }
        let reg = current.filter(|r| r.addr == addr).ok_or(Errno::EINVAL)?;
        if len != reg.len {
            return Err(Errno::EINVAL);
        }
        if reg.sig != sig {
            return Err(Errno::EPERM);
        }
        reset_area(addr)?;
        t.rseq.set(None);
        return Ok(0);
    }
    if flags != 0 {
        return Err(Errno::EINVAL);
    }
    if let Some(reg) = current {
        if reg.addr != addr || len != reg.len {
            return Err(Errno::EINVAL);
        }
        if reg.sig != sig {
            return Err(Errno::EPERM);
        }
        return Err(Errno::EBUSY);
    }
    if len < RSEQ_SIZE || !addr.is_multiple_of(RSEQ_SIZE as usize) {
        return Err(Errno::EINVAL);
    }
    // Linux's access_ok: the range lies below the top of user space (a
    // NULL area registers, and its first update then faults).
    if addr
        .checked_add(len as usize)
        .is_none_or(|end| end > crate::uaccess::USER_END)
    {
        return Err(Errno::EFAULT);
    }
    t.rseq.set(Some(Registration { addr, len, sig }));
    Ok(0)
}
