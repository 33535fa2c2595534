//! Memory-management syscalls: brk, mmap, munmap, mprotect, mremap, madvise.

use alloc::sync::Arc;

use axfs_ng::OpenOptions;
use linux_raw_sys::general as uapi;
use mm::aspace::{Mapping, MmError, Source};
use mm::{PAGE_SIZE, Prot, page_ceil};

use crate::errno::{Errno, SysResult, VfsResultExt};
use crate::file::{FilePages, RegularFile};
use crate::task::{MMAP_TOP, current_process};
use crate::uaccess::{USER_END, copy_from_user, copy_to_user};

/// Lowest address mmap hands out without MAP_FIXED (Linux's mmap_min_addr).
const MMAP_MIN: usize = 0x10000;

fn prot_of(p: u32) -> SysResult<Prot> {
    if p & !(uapi::PROT_READ | uapi::PROT_WRITE | uapi::PROT_EXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    let mut prot = Prot::empty();
    if p & uapi::PROT_READ != 0 {
        prot |= Prot::READ;
    }
    if p & uapi::PROT_WRITE != 0 {
        prot |= Prot::WRITE | Prot::READ; // no write-only pages on our MMUs
    }
    if p & uapi::PROT_EXEC != 0 {
        prot |= Prot::EXEC | Prot::READ;
    }
    Ok(prot)
}

fn mm_err(e: MmError) -> Errno {
    match e {
        MmError::NoMemory | MmError::NotMapped => Errno::ENOMEM,
        MmError::Exists => Errno::EEXIST,
        MmError::Denied => Errno::EFAULT,
    }
}

/// Linux's default overcommit heuristic: one request for more private
/// writable memory than the machine has (no swap here) fails up front,
/// so a huge brk or mmap fails like on Linux instead of reserving a range
/// that could never be backed.
fn may_commit(len: usize) -> bool {
    len <= axconfig::plat::PHYS_MEMORY_SIZE
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
        if !may_commit(new_top - old_top) {
            return Ok(brk.end as isize);
        }
        let anon = Mapping { source: Source::Anonymous, shared: false };
        if aspace.map(old_top, new_top - old_top, Prot::READ | Prot::WRITE, anon).is_err() {
            return Ok(brk.end as isize);
        }
    } else if new_top < old_top {
        aspace.unmap(new_top, old_top - new_top);
    }
    brk.end = addr;
    Ok(addr as isize)
}

pub fn sys_mmap(addr: usize, len: usize, prot: u32, flags: u32, fd: i32, off: i64) -> SysResult {
    let map_type = flags & uapi::MAP_TYPE;
    if map_type != uapi::MAP_PRIVATE && map_type != uapi::MAP_SHARED && map_type != uapi::MAP_SHARED_VALIDATE {
        return Err(Errno::EINVAL);
    }
    if len == 0 || off < 0 || off as usize % PAGE_SIZE != 0 {
        return Err(Errno::EINVAL);
    }
    let len = page_ceil(len);
    if len == 0 || len > USER_END {
        return Err(Errno::ENOMEM);
    }
    let prot = prot_of(prot)?;
    let shared = map_type != uapi::MAP_PRIVATE;
    let accounted = !shared && prot.contains(Prot::WRITE) && flags & uapi::MAP_NORESERVE == 0;
    if accounted && !may_commit(len) {
        return Err(Errno::ENOMEM);
    }
    let fixed = flags & (uapi::MAP_FIXED | uapi::MAP_FIXED_NOREPLACE) != 0;
    if fixed && addr % PAGE_SIZE != 0 {
        return Err(Errno::EINVAL);
    }

    let source = if flags & uapi::MAP_ANONYMOUS != 0 {
        Source::Anonymous
    } else {
        let f = crate::sys::fs::get_file(fd)?;
        let Some(rf) = f.file.as_any().downcast_ref::<RegularFile>() else {
            return Err(if f.file.as_any().is::<crate::file::Directory>() { Errno::ENODEV } else { Errno::EACCES });
        };
        if !f.readable() || (shared && prot.contains(Prot::WRITE) && !f.writable()) {
            return Err(Errno::EACCES);
        }
        let file = OpenOptions::new()
            .read(true)
            .write(shared && f.writable())
            .open_loc(rf.location().clone())
            .sys()?
            .into_file()
            .sys()?;
        Source::File { file: Arc::new(FilePages(file)), offset: off as u64 }
    };

    let proc = current_process();
    let space = proc.aspace();
    let mut aspace = space.lock();
    let start = if fixed {
        if addr.checked_add(len).is_none_or(|e| e > USER_END) {
            return Err(Errno::ENOMEM);
        }
        if aspace.vmas().overlaps(addr, addr + len) {
            if flags & uapi::MAP_FIXED_NOREPLACE != 0 {
                return Err(Errno::EEXIST);
            }
            aspace.unmap(addr, len);
        }
        addr
    } else {
        let hint = addr & !(PAGE_SIZE - 1);
        if hint >= MMAP_MIN && hint + len <= MMAP_TOP && !aspace.vmas().overlaps(hint, hint + len) {
            hint
        } else {
            aspace.find_free(len, MMAP_MIN, MMAP_TOP).ok_or(Errno::ENOMEM)?
        }
    };
    aspace.map(start, len, prot, Mapping { source, shared }).map_err(mm_err)?;
    if flags & uapi::MAP_POPULATE != 0 {
        let _ = aspace.populate(start, len, Prot::READ);
    }
    Ok(start as isize)
}

pub fn sys_munmap(addr: usize, len: usize) -> SysResult {
    if addr % PAGE_SIZE != 0 || len == 0 || addr.checked_add(len).is_none_or(|e| e > USER_END) {
        return Err(Errno::EINVAL);
    }
    current_process().aspace().lock().unmap(addr, page_ceil(len));
    Ok(0)
}

pub fn sys_mprotect(addr: usize, len: usize, prot: u32) -> SysResult {
    if addr % PAGE_SIZE != 0 {
        return Err(Errno::EINVAL);
    }
    let prot = prot_of(prot & !(0x0100_0000 | 0x0200_0000))?; // PROT_GROWSDOWN/UP
    let len = page_ceil(len);
    if len == 0 {
        return Ok(0);
    }
    if addr.checked_add(len).is_none_or(|e| e > USER_END) {
        return Err(Errno::ENOMEM);
    }
    current_process().aspace().lock().protect(addr, len, prot).map_err(mm_err)?;
    Ok(0)
}

pub fn sys_mremap(old: usize, old_len: usize, new_len: usize, flags: u32, new_addr: usize) -> SysResult {
    const MREMAP_MAYMOVE: u32 = 1;
    const MREMAP_FIXED: u32 = 2;
    if old % PAGE_SIZE != 0 || flags & !(MREMAP_MAYMOVE | MREMAP_FIXED | 4) != 0 {
        return Err(Errno::EINVAL);
    }
    if flags & MREMAP_FIXED != 0 && flags & MREMAP_MAYMOVE == 0 {
        return Err(Errno::EINVAL);
    }
    let old_len = page_ceil(old_len);
    let new_len = page_ceil(new_len);
    if new_len == 0 {
        return Err(Errno::EINVAL);
    }
    let proc = current_process();
    let space = proc.aspace();
    let mut aspace = space.lock();
    let (prot, backing) = match aspace.vmas().find(old) {
        Some(v) if v.end >= old + old_len => (v.prot, v.backing.clone()),
        _ => return Err(Errno::EFAULT),
    };
    if flags & MREMAP_FIXED == 0 {
        if new_len <= old_len {
            aspace.unmap(old + new_len, old_len - new_len);
            return Ok(old as isize);
        }
        if !aspace.vmas().overlaps(old + old_len, old + new_len) && old + new_len <= MMAP_TOP {
            let grow = mm::vma::Backing::advanced(&backing, old_len);
            aspace.map(old + old_len, new_len - old_len, prot, grow).map_err(mm_err)?;
            return Ok(old as isize);
        }
        if flags & MREMAP_MAYMOVE == 0 {
            return Err(Errno::ENOMEM);
        }
    }
    let dest = if flags & MREMAP_FIXED != 0 {
        if new_addr % PAGE_SIZE != 0 {
            return Err(Errno::EINVAL);
        }
        aspace.unmap(new_addr, new_len);
        new_addr
    } else {
        aspace.find_free(new_len, MMAP_MIN, MMAP_TOP).ok_or(Errno::ENOMEM)?
    };
    aspace.map(dest, new_len, prot | Prot::WRITE, backing.clone()).map_err(mm_err)?;
    drop(aspace);
    // Move the contents through a bounce buffer, one page at a time.
    let mut page = alloc::vec![0u8; PAGE_SIZE];
    for off in (0..old_len.min(new_len)).step_by(PAGE_SIZE) {
        if copy_from_user(&mut page, old + off).is_ok() {
            copy_to_user(dest + off, &page)?;
        }
    }
    let space = proc.aspace();
    let mut aspace = space.lock();
    let _ = aspace.protect(dest, new_len, prot);
    aspace.unmap(old, old_len);
    Ok(dest as isize)
}

pub fn sys_madvise(addr: usize, len: usize, advice: u32) -> SysResult {
    if addr % PAGE_SIZE != 0 {
        return Err(Errno::EINVAL);
    }
    let len = page_ceil(len);
    match advice {
        uapi::MADV_DONTNEED => {
            if len > 0 {
                current_process().aspace().lock().discard(addr, len).map_err(mm_err)?;
            }
            Ok(0)
        }
        uapi::MADV_NORMAL | uapi::MADV_RANDOM | uapi::MADV_SEQUENTIAL | uapi::MADV_WILLNEED
        | uapi::MADV_FREE | uapi::MADV_DONTFORK | uapi::MADV_DOFORK | uapi::MADV_MERGEABLE
        | uapi::MADV_UNMERGEABLE | uapi::MADV_HUGEPAGE | uapi::MADV_NOHUGEPAGE
        | uapi::MADV_DONTDUMP | uapi::MADV_DODUMP => {
            if len > 0 && !current_process().aspace().lock().vmas().covers(addr, addr + len) {
                return Err(Errno::ENOMEM);
            }
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}
