//! mmap(2), in the order of Linux's do_mmap: offset, fd, length, address,
//! then the mapping type and the file's access mode.

use alloc::sync::Arc;

use linux_raw_sys::general as uapi;
use mm::aspace::{AddrSpace, Mapping, Source};
use mm::{PAGE_SIZE, Prot, page_floor};

use super::{MMAP_MIN, TASK_SIZE, may_commit, page_align, prot_of};
use crate::arch::MAP_32BIT;
use crate::errno::{Because, Errno, SysResult};
use crate::file::OpenFile;
use crate::task::{MMAP_TOP, current_process};

/// Flags a MAP_SHARED_VALIDATE mapping may carry (Linux's LEGACY_MAP_MASK).
const LEGACY_MAP_MASK: u32 = uapi::MAP_SHARED
    | uapi::MAP_PRIVATE
    | uapi::MAP_FIXED
    | uapi::MAP_ANONYMOUS
    | uapi::MAP_DENYWRITE
    | uapi::MAP_EXECUTABLE
    | uapi::MAP_UNINITIALIZED
    | uapi::MAP_GROWSDOWN
    | uapi::MAP_LOCKED
    | uapi::MAP_NORESERVE
    | uapi::MAP_POPULATE
    | uapi::MAP_NONBLOCK
    | uapi::MAP_STACK
    | uapi::MAP_HUGETLB
    | MAP_32BIT
    | (uapi::MAP_HUGE_MASK << uapi::MAP_HUGE_SHIFT);

/// What a new area maps, with its sharing and most permissive rights.
struct NewArea {
    mapping: Mapping,
    max: Prot,
}

pub fn sys_mmap(addr: usize, len: usize, prot: u32, flags: u32, fd: i32, off: i64) -> SysResult {
    let off = off as u64; // the raw register: a negative offset is a huge one
    if !off.is_multiple_of(PAGE_SIZE as u64) {
        return Err(Errno::EINVAL.because("mmap: offset not page-aligned"));
    }
    let file = match flags & uapi::MAP_ANONYMOUS {
        0 => Some(open_file(fd)?),
        _ => None,
    };
    if flags & uapi::MAP_HUGETLB != 0 {
        // No hugetlbfs, and no huge pages reserved for anonymous ones.
        return Err(if file.is_some() {
            Errno::EINVAL
        } else {
            Errno::ENOMEM
        });
    }
    if len == 0 {
        return Err(Errno::EINVAL.because("mmap: zero length"));
    }
    let len = page_align(len);
    if len == 0 {
        return Err(Errno::ENOMEM);
    }
    let pgoff = off / PAGE_SIZE as u64;
    if pgoff.checked_add((len / PAGE_SIZE) as u64).is_none() {
        return Err(Errno::EOVERFLOW);
    }
    if len > TASK_SIZE {
        return Err(Errno::ENOMEM);
    }
    let prot = prot_of(prot);

    let proc = current_process();
    let space = proc.aspace();
    let mut aspace = space.lock();
    let start = choose_address(&aspace, addr, len, flags)?;
    let area = match &file {
        Some(f) => file_area(f, flags, prot, off, len)?,
        None => anonymous_area(flags)?,
    };
    let accounted =
        !area.mapping.shared && prot.contains(Prot::WRITE) && flags & uapi::MAP_NORESERVE == 0;
    if accounted && !may_commit(len) {
        return Err(Errno::ENOMEM);
    }
    if flags & (uapi::MAP_FIXED | uapi::MAP_FIXED_NOREPLACE) != 0 {
        aspace.unmap(start, len);
    }
    let shared = area.mapping.shared;
    aspace
        .map_with_max(start, len, prot, area.max, area.mapping)
        .map_err(|_| Errno::ENOMEM)?;
    let populate = flags & (uapi::MAP_POPULATE | uapi::MAP_NONBLOCK) == uapi::MAP_POPULATE;
    if populate || flags & uapi::MAP_LOCKED != 0 {
        // As Linux's populate_vma_page_range: write faults only break
        // copy-on-write in private writable areas; errors are ignored.
        let access = if !shared && prot.contains(Prot::WRITE) {
            Prot::WRITE
        } else {
            Prot::READ
        };
        let _ = aspace.populate(start, len, access);
    }
    Ok(start as isize)
}

/// The file behind `fd` for mmap; O_PATH descriptors do not count (EBADF).
fn open_file(fd: i32) -> SysResult<Arc<OpenFile>> {
    let f = crate::sys::fs::get_file(fd)?;
    if !f.readable() && !f.writable() {
        return Err(Errno::EBADF);
    }
    Ok(f)
}

/// Where the new area goes (Linux's get_unmapped_area): exactly at `addr`
/// for MAP_FIXED, at the hint when it is free, else the highest free gap.
fn choose_address(aspace: &AddrSpace, addr: usize, len: usize, flags: u32) -> SysResult<usize> {
    if flags & (uapi::MAP_FIXED | uapi::MAP_FIXED_NOREPLACE) != 0 {
        if addr > TASK_SIZE - len {
            return Err(Errno::ENOMEM);
        }
        if !addr.is_multiple_of(PAGE_SIZE) {
            return Err(Errno::EINVAL.because("mmap: MAP_FIXED address not page-aligned"));
        }
        if flags & uapi::MAP_FIXED_NOREPLACE != 0 && aspace.vmas().overlaps(addr, addr + len) {
            return Err(Errno::EEXIST);
        }
        return Ok(addr);
    }
    if addr != 0 {
        let hint = page_floor(addr).max(MMAP_MIN);
        if hint <= TASK_SIZE - len && !aspace.vmas().overlaps(hint, hint + len) {
            return Ok(hint);
        }
    }
    let (lo, hi) = crate::arch::mmap_32bit_window(flags).unwrap_or((MMAP_MIN, MMAP_TOP));
    aspace.find_free(len, lo, hi).ok_or(Errno::ENOMEM)
}

fn anonymous_area(flags: u32) -> SysResult<NewArea> {
    let shared = match flags & uapi::MAP_TYPE {
        uapi::MAP_SHARED if flags & uapi::MAP_GROWSDOWN != 0 => {
            return Err(Errno::EINVAL.because("mmap: MAP_SHARED with MAP_GROWSDOWN"));
        }
        uapi::MAP_SHARED => true,
        uapi::MAP_PRIVATE => false,
        _ => return Err(Errno::EINVAL.because("mmap: neither MAP_SHARED nor MAP_PRIVATE")),
    };
    Ok(NewArea {
        mapping: Mapping {
            source: Source::Anonymous,
            shared,
        },
        max: Prot::all(),
    })
}

/// The area for a file mapping, after Linux's checks of the mapping type
/// against the descriptor's access mode. A shared mapping of a descriptor
/// not open for writing can never become writable.
fn file_area(f: &OpenFile, flags: u32, prot: Prot, off: u64, len: usize) -> SysResult<NewArea> {
    // Regular files are at most i64::MAX bytes long (MAX_LFS_FILESIZE).
    if off
        .checked_add(len as u64)
        .is_none_or(|end| end > i64::MAX as u64)
    {
        return Err(Errno::EOVERFLOW);
    }
    let shared = match flags & uapi::MAP_TYPE {
        uapi::MAP_SHARED => true,
        uapi::MAP_SHARED_VALIDATE if flags & !LEGACY_MAP_MASK != 0 => {
            return Err(Errno::EOPNOTSUPP);
        }
        uapi::MAP_SHARED_VALIDATE => true,
        uapi::MAP_PRIVATE => false,
        _ => return Err(Errno::EINVAL),
    };
    if shared && prot.contains(Prot::WRITE) && !f.writable() {
        return Err(Errno::EACCES);
    }
    if !f.readable() {
        return Err(Errno::EACCES);
    }
    let source = f.file.mmap(shared, off)?;
    if flags & uapi::MAP_GROWSDOWN != 0 {
        return Err(Errno::EINVAL);
    }
    let mut max = Prot::all();
    if shared && !f.writable() {
        max.remove(Prot::WRITE);
    }
    Ok(NewArea {
        mapping: Mapping { source, shared },
        max,
    })
}
