//! mremap(2), as Linux's mm/mremap.c: shrinking always works in place,
//! growing extends the area when the space after it is free, otherwise the
//! pages move (their frames, not copies) to a new address.

use linux_raw_sys::general::{MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE};
use mm::aspace::{AddrSpace, Mapping};
use mm::vma::Backing;
use mm::{PAGE_SIZE, Prot, Vma};

use super::{MMAP_MIN, TASK_SIZE, may_commit, page_align};
use crate::errno::{Errno, SysResult};
use crate::task::{MMAP_TOP, current_process};

pub fn sys_mremap(
    addr: usize,
    old_len: usize,
    new_len: usize,
    flags: u32,
    new_addr: usize,
) -> SysResult {
    if flags & !(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP) != 0 {
        return Err(Errno::EINVAL);
    }
    let may_move = flags & MREMAP_MAYMOVE != 0;
    if flags & MREMAP_FIXED != 0 && !may_move {
        return Err(Errno::EINVAL);
    }
    // MREMAP_DONTUNMAP always moves and never resizes.
    if flags & MREMAP_DONTUNMAP != 0 && (!may_move || old_len != new_len) {
        return Err(Errno::EINVAL);
    }
    if !addr.is_multiple_of(PAGE_SIZE) {
        return Err(Errno::EINVAL);
    }
    let old_len = page_align(old_len);
    let new_len = page_align(new_len);
    if new_len == 0 {
        return Err(Errno::EINVAL);
    }
    let space = current_process().aspace();
    let mut aspace = space.lock();
    if aspace.vmas().find(addr).is_none() {
        return Err(Errno::EFAULT);
    }
    if flags & (MREMAP_FIXED | MREMAP_DONTUNMAP) != 0 {
        return remap_to(&mut aspace, addr, old_len, new_addr, new_len, flags);
    }
    if old_len >= new_len {
        aspace.unmap(addr + new_len, old_len - new_len);
        return Ok(addr as isize);
    }
    let vma = area_to_resize(&aspace, addr, old_len, new_len)?;
    let grow = new_len - old_len;
    let fits = addr.checked_add(new_len).is_some_and(|e| e <= TASK_SIZE);
    if addr + old_len == vma.end && fits && aspace.extend_area(vma.end, grow).is_ok() {
        return Ok(addr as isize);
    }
    if !may_move {
        return Err(Errno::ENOMEM);
    }
    let dest = aspace
        .find_free(new_len, MMAP_MIN, MMAP_TOP)
        .ok_or(Errno::ENOMEM)?;
    move_area(&mut aspace, &vma, addr, old_len, new_len, dest, false)
}

/// MREMAP_FIXED and MREMAP_DONTUNMAP: the move to a given (or hinted) place.
fn remap_to(
    aspace: &mut AddrSpace,
    addr: usize,
    mut old_len: usize,
    new_addr: usize,
    new_len: usize,
    flags: u32,
) -> SysResult {
    if !new_addr.is_multiple_of(PAGE_SIZE) || new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len
    {
        return Err(Errno::EINVAL);
    }
    if addr + old_len > new_addr && new_addr + new_len > addr {
        return Err(Errno::EINVAL); // source and destination overlap
    }
    let fixed = flags & MREMAP_FIXED != 0;
    if fixed {
        aspace.unmap(new_addr, new_len);
    }
    if old_len > new_len {
        aspace.unmap(addr + new_len, old_len - new_len);
        old_len = new_len;
    }
    let vma = area_to_resize(aspace, addr, old_len, new_len)?;
    let dest = if fixed
        || (new_addr >= MMAP_MIN && !aspace.vmas().overlaps(new_addr, new_addr + new_len))
    {
        new_addr
    } else {
        aspace
            .find_free(new_len, MMAP_MIN, MMAP_TOP)
            .ok_or(Errno::ENOMEM)?
    };
    move_area(
        aspace,
        &vma,
        addr,
        old_len,
        new_len,
        dest,
        flags & MREMAP_DONTUNMAP != 0,
    )
}

/// The area holding `[addr, addr+old_len)`, checked for growing it to
/// `new_len` (Linux's vma_to_resize).
fn area_to_resize(
    aspace: &AddrSpace,
    addr: usize,
    old_len: usize,
    new_len: usize,
) -> SysResult<Vma<Mapping>> {
    let vma = aspace.vmas().find(addr).ok_or(Errno::EFAULT)?;
    // A zero old length duplicates a shared mapping; for a private one it
    // would make an unrelated new mapping, which Linux refuses.
    if old_len == 0 && !vma.backing.shared {
        return Err(Errno::EINVAL);
    }
    if old_len > vma.end - addr {
        return Err(Errno::EFAULT); // the range crosses an area boundary
    }
    let private_writable = !vma.backing.shared && vma.prot.contains(Prot::WRITE);
    if new_len > old_len && private_writable && !may_commit(new_len - old_len) {
        return Err(Errno::ENOMEM);
    }
    Ok(vma.clone())
}

/// Moves `[addr, addr+old_len)` of `vma` to `dest` and grows it there to
/// `new_len` (Linux's move_vma). A zero old length maps a second view of
/// the shared area instead.
fn move_area(
    aspace: &mut AddrSpace,
    vma: &Vma<Mapping>,
    addr: usize,
    old_len: usize,
    new_len: usize,
    dest: usize,
    keep_source: bool,
) -> SysResult {
    if old_len == 0 {
        let view = vma.backing.advanced(addr - vma.start);
        aspace
            .map_with_max(dest, new_len, vma.prot, vma.max, view)
            .map_err(|_| Errno::ENOMEM)?;
        return Ok(dest as isize);
    }
    aspace.move_range(addr, old_len, dest, keep_source);
    if new_len > old_len {
        aspace
            .extend_area(dest + old_len, new_len - old_len)
            .map_err(|_| Errno::ENOMEM)?;
    }
    Ok(dest as isize)
}
