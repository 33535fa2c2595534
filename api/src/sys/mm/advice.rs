//! madvise, msync, mincore and the mlock family: calls that act on the
//! pages of existing areas. Holes in the range make them fail with ENOMEM
//! (after acting on the mapped parts, as Linux does).

use alloc::sync::Arc;
use alloc::vec::Vec;

use linux_raw_sys::general as uapi;
use mm::aspace::{AddrSpace, Fault, PageSource, Source};
use mm::{PAGE_SIZE, Prot, page_floor};

use super::{TASK_SIZE, page_align};
use crate::errno::{Errno, SysResult};
use crate::task::current_process;
use crate::uaccess::{UserPtr, UserSlice};

/// The advice values Linux knows (without memory-failure injection or
/// guard regions, which need privileges or newer kernels).
fn advice_valid(advice: u32) -> bool {
    matches!(
        advice,
        uapi::MADV_NORMAL
            | uapi::MADV_RANDOM
            | uapi::MADV_SEQUENTIAL
            | uapi::MADV_WILLNEED
            | uapi::MADV_DONTNEED
            | uapi::MADV_FREE
            | uapi::MADV_REMOVE
            | uapi::MADV_DONTFORK
            | uapi::MADV_DOFORK
            | uapi::MADV_MERGEABLE
            | uapi::MADV_UNMERGEABLE
            | uapi::MADV_HUGEPAGE
            | uapi::MADV_NOHUGEPAGE
            | uapi::MADV_DONTDUMP
            | uapi::MADV_DODUMP
            | uapi::MADV_WIPEONFORK
            | uapi::MADV_KEEPONFORK
            | uapi::MADV_COLD
            | uapi::MADV_PAGEOUT
            | uapi::MADV_POPULATE_READ
            | uapi::MADV_POPULATE_WRITE
            | uapi::MADV_DONTNEED_LOCKED
            | uapi::MADV_COLLAPSE
    )
}

/// Whether `[start, end)` is mapped without holes.
fn covered(aspace: &AddrSpace, start: usize, end: usize) -> bool {
    aspace.vmas().covered_until(start, end) == end
}

fn holes_are_enomem(aspace: &AddrSpace, start: usize, end: usize) -> SysResult {
    if covered(aspace, start, end) {
        Ok(0)
    } else {
        Err(Errno::ENOMEM)
    }
}

pub fn sys_madvise(addr: usize, len: usize, advice: u32) -> SysResult {
    if !advice_valid(advice) || !addr.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    let aligned = page_align(len);
    if len != 0 && aligned == 0 {
        return Err(Errno::EINVAL);
    }
    let end = addr.checked_add(aligned).ok_or(Errno::EINVAL)?;
    if end == addr {
        return Ok(0);
    }
    let space = current_process().aspace();
    let mut aspace = space.lock();
    match advice {
        uapi::MADV_DONTNEED | uapi::MADV_DONTNEED_LOCKED => discard(&mut aspace, addr, end),
        uapi::MADV_FREE => {
            // Only private anonymous memory can be freed lazily.
            let anon = |s: &Source| matches!(s, Source::Anonymous);
            if aspace
                .vmas()
                .overlapping(addr, end)
                .any(|v| v.backing.shared || !anon(&v.backing.source))
            {
                return Err(Errno::EINVAL);
            }
            discard(&mut aspace, addr, end)
        }
        uapi::MADV_REMOVE => {
            // Punching holes needs a shared, writable mapping (and we have
            // no hole punching: EOPNOTSUPP, as for a filesystem without it).
            if aspace
                .vmas()
                .overlapping(addr, end)
                .any(|v| !v.backing.shared || !v.prot.contains(Prot::WRITE))
            {
                return Err(Errno::EINVAL);
            }
            Err(Errno::EOPNOTSUPP)
        }
        uapi::MADV_POPULATE_READ => populate(&mut aspace, addr, end, Prot::READ),
        uapi::MADV_POPULATE_WRITE => populate(&mut aspace, addr, end, Prot::WRITE),
        _ => holes_are_enomem(&aspace, addr, end), // hints we may ignore
    }
}

fn discard(aspace: &mut AddrSpace, start: usize, end: usize) -> SysResult {
    match aspace.discard(start, end - start) {
        Ok(()) => Ok(0),
        Err(_) => Err(Errno::ENOMEM),
    }
}

fn populate(aspace: &mut AddrSpace, start: usize, end: usize, access: Prot) -> SysResult {
    if !covered(aspace, start, end) {
        return Err(Errno::ENOMEM);
    }
    match aspace.populate(start, end - start, access) {
        Ok(()) => Ok(0),
        Err(Fault::NoMemory) => Err(Errno::ENOMEM),
        Err(_) => Err(Errno::EFAULT),
    }
}

pub fn sys_msync(addr: usize, len: usize, flags: u32) -> SysResult {
    let (sync, async_) = (uapi::MS_SYNC, uapi::MS_ASYNC);
    if flags & !(async_ | uapi::MS_INVALIDATE | sync) != 0 || !addr.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    if flags & async_ != 0 && flags & sync != 0 {
        return Err(Errno::EINVAL);
    }
    let end = addr.checked_add(page_align(len)).ok_or(Errno::ENOMEM)?;
    if end == addr {
        return Ok(0);
    }
    let (sources, holes) = {
        let space = current_process().aspace();
        let aspace = space.lock();
        let holes = !covered(&aspace, addr, end);
        // Only MS_ASYNC alone gives up at the first hole, before any work.
        if holes && flags == async_ {
            return Err(Errno::ENOMEM);
        }
        (shared_sources(&aspace, addr, end), holes)
    };
    if flags & sync != 0 {
        for source in sources {
            source.sync();
        }
    }
    if holes { Err(Errno::ENOMEM) } else { Ok(0) }
}

/// The distinct sources of the shared file areas in `[start, end)`.
fn shared_sources(aspace: &AddrSpace, start: usize, end: usize) -> Vec<Arc<dyn PageSource>> {
    let mut out: Vec<Arc<dyn PageSource>> = Vec::new();
    for vma in aspace
        .vmas()
        .overlapping(start, end)
        .filter(|v| v.backing.shared)
    {
        if let Source::File { file, .. } = &vma.backing.source
            && !out.iter().any(|f| Arc::ptr_eq(f, file))
        {
            out.push(file.clone());
        }
    }
    out
}

pub fn sys_mincore(addr: usize, len: usize, vec: UserPtr<u8>) -> SysResult {
    if !addr.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    if addr.checked_add(len).is_none_or(|end| end > TASK_SIZE) {
        return Err(Errno::ENOMEM);
    }
    let pages = len.div_ceil(PAGE_SIZE);
    let vec = UserSlice::new(vec.addr(), pages).check()?;
    if pages == 0 {
        return Ok(0);
    }
    let resident = {
        let space = current_process().aspace();
        let aspace = space.lock();
        if !covered(&aspace, addr, addr + pages * PAGE_SIZE) {
            return Err(Errno::ENOMEM);
        }
        aspace.resident(addr, pages * PAGE_SIZE)
    };
    let bytes: Vec<u8> = resident.into_iter().map(u8::from).collect();
    vec.copy_out(&bytes)?;
    Ok(0)
}

/// The page-aligned range mlock and munlock act on: from the page holding
/// `addr` to the end of the page holding its last byte.
fn lock_range(addr: usize, len: usize) -> SysResult<(usize, usize)> {
    let start = page_floor(addr);
    let len = page_align(len.wrapping_add(addr - start));
    let end = start.checked_add(len).ok_or(Errno::EINVAL)?;
    Ok((start, end))
}

/// Checks that the range is mapped and, unless `populate` is false, faults
/// its pages in as a lock would. Nothing is ever swapped out here, so the
/// lock itself needs no bookkeeping.
fn lock_pages(addr: usize, len: usize, populate: bool) -> SysResult {
    let (start, end) = lock_range(addr, len)?;
    if start == end {
        return Ok(0);
    }
    let space = current_process().aspace();
    let mut aspace = space.lock();
    holes_are_enomem(&aspace, start, end)?;
    if populate {
        populate_areas(&mut aspace, start, end)?;
    }
    Ok(0)
}

/// Faults in the areas of the range as Linux's __mm_populate: writable
/// private areas with write faults (breaking copy-on-write), stopping at an
/// inaccessible area or a failed fault. Errors are mlock's: ENOMEM for
/// what Linux sees as EFAULT, EAGAIN for a lack of memory.
fn populate_areas(aspace: &mut AddrSpace, start: usize, end: usize) -> SysResult {
    let areas: Vec<(usize, usize, Prot, bool)> = aspace
        .vmas()
        .overlapping(start, end)
        .map(|v| (v.start.max(start), v.end.min(end), v.prot, v.backing.shared))
        .collect();
    for (s, e, prot, shared) in areas {
        let access = if !shared && prot.contains(Prot::WRITE) {
            Prot::WRITE
        } else {
            Prot::READ
        };
        match aspace.populate(s, e - s, access) {
            Ok(()) => {}
            Err(Fault::NoMemory) => return Err(Errno::EAGAIN),
            Err(_) => return Err(Errno::ENOMEM),
        }
    }
    Ok(0)
}

pub fn sys_mlock(addr: usize, len: usize) -> SysResult {
    lock_pages(addr, len, true)
}

pub fn sys_mlock2(addr: usize, len: usize, flags: u32) -> SysResult {
    if flags & !uapi::MLOCK_ONFAULT != 0 {
        return Err(Errno::EINVAL);
    }
    lock_pages(addr, len, flags & uapi::MLOCK_ONFAULT == 0)
}

pub fn sys_munlock(addr: usize, len: usize) -> SysResult {
    lock_pages(addr, len, false)
}

pub fn sys_mlockall(flags: u32) -> SysResult {
    let valid = uapi::MCL_CURRENT | uapi::MCL_FUTURE | uapi::MCL_ONFAULT;
    if flags == 0 || flags & !valid != 0 || flags == uapi::MCL_ONFAULT {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

pub fn sys_munlockall() -> SysResult {
    Ok(0)
}
