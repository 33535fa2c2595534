//! Memory-management syscalls: brk, mmap, munmap, mprotect, mremap, madvise,
//! msync, mincore and the mlock family. Argument checks and their order
//! follow Linux's mm/mmap.c, mm/mprotect.c, mm/mremap.c, mm/madvise.c,
//! mm/msync.c, mm/mincore.c and mm/mlock.c.

mod advice;
mod mmap;
mod remap;

pub use advice::{
    sys_madvise, sys_mincore, sys_mlock, sys_mlock2, sys_mlockall, sys_msync, sys_munlock,
    sys_munlockall,
};
pub use mmap::sys_mmap;
pub use remap::sys_mremap;

use axhal::uspace::UserContext;
use linux_raw_sys::general as uapi;
use memory_addr::VirtAddr;
use mm::aspace::{Fault, Mapping, MmError, Source};
use mm::{PAGE_SIZE, Prot, page_ceil};

use crate::arch::TASK_SIZE;
use crate::errno::{Errno, SysResult};
use crate::signal::{self, SIGBUS, SigInfo, TrapInfo};
use crate::task::{MMAP_TOP, current_process};

/// Lowest address mmap hands out without MAP_FIXED (Linux's mmap_min_addr).
pub(crate) const MMAP_MIN: usize = 0x10000;

/// `len` rounded up to whole pages as Linux's PAGE_ALIGN: a length within
/// a page of the top wraps to zero, which each caller rejects its own way.
fn page_align(len: usize) -> usize {
    len.wrapping_add(PAGE_SIZE - 1) & !(PAGE_SIZE - 1)
}

/// The access rights in PROT_* bits; other bits are ignored (mmap does not
/// check them, mprotect does before calling this).
fn prot_of(p: u32) -> Prot {
    let mut prot = Prot::empty();
    if p & uapi::PROT_READ != 0 {
        prot |= Prot::READ;
    }
    if p & uapi::PROT_WRITE != 0 {
        prot |= Prot::WRITE;
    }
    if p & uapi::PROT_EXEC != 0 {
        prot |= Prot::EXEC;
    }
    prot
}

/// Linux's default overcommit heuristic: one request for more private
/// writable memory than the machine has (no swap here) fails up front,
/// so a huge brk or mmap fails like on Linux instead of reserving a range
/// that could never be backed.
fn may_commit(len: usize) -> bool {
    len <= axconfig::plat::PHYS_MEMORY_SIZE
}

/// The signal for a user fault at `addr` that demand paging did not
/// resolve: SIGBUS (BUS_ADRERR) past the end of a mapped file or object,
/// else the architecture's SIGSEGV (SEGV_ACCERR inside an area, else
/// SEGV_MAPERR).
pub fn page_fault_signal(uctx: &UserContext, addr: VirtAddr, access: Prot) -> (SigInfo, TrapInfo) {
    const BUS_ADRERR: i32 = 2;
    let (bus, mapped) = {
        let space = current_process().aspace();
        let mut aspace = space.lock();
        let bus = aspace.fault(addr.as_usize(), access) == Err(Fault::Bus);
        (bus, aspace.vmas().find(addr.as_usize()).is_some())
    };
    let (segv, trap) = signal::page_fault_signal(uctx, addr, mapped);
    if bus {
        (SigInfo::fault(SIGBUS, BUS_ADRERR, addr.as_usize()), trap)
    } else {
        (segv, trap)
    }
}

pub fn sys_brk(addr: usize) -> SysResult {
    let proc = current_process();
    let mut brk = proc.brk.lock();
    if addr < brk.start || addr >= MMAP_TOP {
        return Ok(brk.end as isize);
    }
    let old_top = page_ceil(brk.end);
    let new_top = page_ceil(addr);
    let space = proc.aspace();
    let mut aspace = space.lock();
    if new_top > old_top {
        // Linux keeps a guard page between the heap and the next mapping.
        if !may_commit(new_top - old_top) || aspace.vmas().overlaps(old_top, new_top + PAGE_SIZE) {
            return Ok(brk.end as isize);
        }
        let anon = Mapping {
            source: Source::Anonymous,
            shared: false,
        };
        if aspace
            .map(old_top, new_top - old_top, Prot::READ | Prot::WRITE, anon)
            .is_err()
        {
            return Ok(brk.end as isize);
        }
    } else if new_top < old_top {
        aspace.unmap(new_top, old_top - new_top);
    }
    brk.end = addr;
    Ok(addr as isize)
}

pub fn sys_munmap(addr: usize, len: usize) -> SysResult {
    if !addr.is_multiple_of(PAGE_SIZE) || addr > TASK_SIZE || len > TASK_SIZE - addr {
        return Err(Errno::EINVAL);
    }
    let len = page_align(len);
    if len == 0 {
        return Err(Errno::EINVAL);
    }
    current_process().aspace().lock().unmap(addr, len);
    Ok(0)
}

pub fn sys_mprotect(addr: usize, len: usize, prot: u32) -> SysResult {
    const PROT_GROWSDOWN: u32 = 0x0100_0000;
    const PROT_GROWSUP: u32 = 0x0200_0000;
    const PROT_SEM: u32 = 0x8;
    let grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    let prot = prot & !grows;
    if grows == PROT_GROWSDOWN | PROT_GROWSUP || !addr.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    if len == 0 {
        return Ok(0);
    }
    let end = addr
        .checked_add(page_align(len))
        .filter(|&e| e > addr)
        .ok_or(Errno::ENOMEM)?;
    if prot & !(uapi::PROT_READ | uapi::PROT_WRITE | uapi::PROT_EXEC | PROT_SEM) != 0 {
        return Err(Errno::EINVAL);
    }
    let space = current_process().aspace();
    let mut aspace = space.lock();
    if grows != 0 {
        // We have no grows-down/up areas: Linux rejects the flags on others.
        return Err(if aspace.vmas().find(addr).is_some() {
            Errno::EINVAL
        } else {
            Errno::ENOMEM
        });
    }
    aspace
        .protect(addr, end - addr, prot_of(prot))
        .map_err(|e| match e {
            MmError::Denied => Errno::EACCES,
            _ => Errno::ENOMEM,
        })?;
    Ok(0)
}
