//! A user address space: the hardware page table plus the VMAs that say what
//! each page should hold. Pages are filled on first touch (demand paging);
//! private pages shared after `fork` are copied on the first write.

use alloc::sync::Arc;

use axhal::paging::{MappingFlags, PageSize, PageTable};
use memory_addr::{PhysAddr, VirtAddr};

use crate::vma::{Backing, Prot, VmaSet};
use crate::{PAGE_SIZE, frame, page_ceil, page_floor};

/// Something whose bytes can back a mapping (a file, seen through the VFS).
pub trait PageSource: Send + Sync {
    /// Fills `page` with the bytes at `offset`; bytes past the end read as zero.
    fn read_page(&self, offset: u64, page: &mut [u8]);
    /// Stores a page of a shared mapping back (on unmap and exit).
    fn write_page(&self, offset: u64, page: &[u8]);
    /// Which file this is, for listings of the address space.
    fn identity(&self) -> SourceIdentity;
}

/// The file behind a mapping, as a listing of the address space shows it.
#[derive(Debug, Clone, Default)]
pub struct SourceIdentity {
    pub path: alloc::string::String,
    pub device: u64,
    pub inode: u64,
}

/// Where an area's pages come from.
#[derive(Clone)]
pub enum Source {
    Anonymous,
    File { file: Arc<dyn PageSource>, offset: u64 },
}

/// The backing of one area.
#[derive(Clone)]
pub struct Mapping {
    pub source: Source,
    /// Shared areas keep one frame per page across `fork`; private ones copy on write.
    pub shared: bool,
}

impl Backing for Mapping {
    fn advanced(&self, delta: usize) -> Self {
        let source = match &self.source {
            Source::Anonymous => Source::Anonymous,
            Source::File { file, offset } => Source::File {
                file: file.clone(),
                offset: offset + delta as u64,
            },
        };
        Mapping { source, shared: self.shared }
    }
}

/// Errors of address-space operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MmError {
    NoMemory,
    /// Part of the range is not mapped by any area.
    NotMapped,
    /// The range already holds an area.
    Exists,
    /// An access the area does not allow.
    Denied,
}

fn hw_flags(prot: Prot) -> MappingFlags {
    let mut f = MappingFlags::USER;
    if prot.contains(Prot::READ) {
        f |= MappingFlags::READ;
    }
    if prot.contains(Prot::WRITE) {
        f |= MappingFlags::WRITE;
    }
    if prot.contains(Prot::EXEC) {
        f |= MappingFlags::EXECUTE;
    }
    f
}

/// A user address space.
pub struct AddrSpace {
    pt: PageTable,
    vmas: VmaSet<Mapping>,
}

impl AddrSpace {
    /// Creates an empty space that shares the kernel's half of the page table.
    pub fn new() -> Result<Self, MmError> {
        let mut pt = PageTable::try_new().map_err(|_| MmError::NoMemory)?;
        let (kbase, ksize) = axhal::mem::kernel_aspace();
        pt.cursor()
            .copy_from(axmm::kernel_aspace().lock().page_table(), kbase, ksize);
        Ok(Self { pt, vmas: VmaSet::new() })
    }

    /// Physical address of the root table, for loading into the MMU.
    pub fn page_table_root(&self) -> PhysAddr {
        self.pt.root_paddr()
    }

    pub fn vmas(&self) -> &VmaSet<Mapping> {
        &self.vmas
    }

    /// Maps a new area; `[start, start+len)` must be page-aligned and free.
    /// Shared areas are populated at once so that `fork` children share
    /// every page, touched or not.
    pub fn map(&mut self, start: usize, len: usize, prot: Prot, mapping: Mapping) -> Result<(), MmError> {
        let end = start + len;
        if self.vmas.overlaps(start, end) {
            return Err(MmError::Exists);
        }
        let shared = mapping.shared;
        self.vmas.insert(crate::Vma { start, end, prot, backing: mapping });
        if shared {
            for va in (start..end).step_by(PAGE_SIZE) {
                if self.fill_page(va).is_none() {
                    self.unmap(start, len);
                    return Err(MmError::NoMemory);
                }
            }
        }
        Ok(())
    }

    /// Removes every area and page in the range (holes are fine, as for munmap).
    pub fn unmap(&mut self, start: usize, len: usize) {
        let end = start.saturating_add(len);
        for vma in self.vmas.remove_range(start, end) {
            self.release(&vma);
        }
    }

    /// Writes back a shared file area and frees its pages.
    fn release(&mut self, vma: &crate::Vma<Mapping>) {
        if let (true, Source::File { file, offset }) = (vma.backing.shared, &vma.backing.source) {
            for va in (vma.start..vma.end).step_by(PAGE_SIZE) {
                if let Ok((pa, _, _)) = self.pt.query(VirtAddr::from(va)) {
                    file.write_page(offset + (va - vma.start) as u64, frame::bytes_mut(pa));
                }
            }
        }
        self.unmap_pages(vma.start, vma.end);
    }

    fn unmap_pages(&mut self, start: usize, end: usize) {
        let mut cursor = self.pt.cursor();
        for va in (start..end).step_by(PAGE_SIZE) {
            if let Ok((pa, _, _)) = cursor.unmap(VirtAddr::from(va)) {
                frame::put(pa);
            }
        }
    }

    /// Drops the pages of private areas in the range so they read back as
    /// zero (anonymous) or file content (MADV_DONTNEED); shared areas keep theirs.
    pub fn discard(&mut self, start: usize, len: usize) -> Result<(), MmError> {
        let end = start.saturating_add(len);
        if !self.vmas.covers(start, end) {
            return Err(MmError::NotMapped);
        }
        let private: alloc::vec::Vec<(usize, usize)> = self
            .vmas
            .iter()
            .filter(|v| v.end > start && v.start < end && !v.backing.shared)
            .map(|v| (v.start.max(start), v.end.min(end)))
            .collect();
        for (s, e) in private {
            self.unmap_pages(s, e);
        }
        Ok(())
    }

    /// Changes protection; the whole range must be mapped.
    pub fn protect(&mut self, start: usize, len: usize, prot: Prot) -> Result<(), MmError> {
        let end = start + len;
        if !self.vmas.covers(start, end) {
            return Err(MmError::NotMapped);
        }
        self.vmas.protect(start, end, prot);
        let mut cursor = self.pt.cursor();
        for va in (start..end).step_by(PAGE_SIZE) {
            let Ok((pa, _, _)) = cursor.query(VirtAddr::from(va)) else { continue };
            let mut p = prot;
            // A frame still shared copy-on-write must fault on write.
            let vma_shared = self.vmas.find(va).is_some_and(|v| v.backing.shared);
            if !vma_shared && frame::count(pa) > 1 {
                p.remove(Prot::WRITE);
            }
            let _ = cursor.protect(VirtAddr::from(va), hw_flags(p));
        }
        Ok(())
    }

    /// Resolves a fault at `addr` for an access of kind `access`. Returns
    /// false when the access is not allowed (a real segmentation fault).
    pub fn handle_fault(&mut self, addr: usize, access: Prot) -> bool {
        let Some(vma) = self.vmas.find(addr) else { return false };
        if !vma.prot.contains(access) {
            return false;
        }
        let va = page_floor(addr);
        match self.pt.query(VirtAddr::from(va)) {
            Ok((pa, flags, _)) => {
                if access.contains(Prot::WRITE) && !flags.contains(MappingFlags::WRITE) {
                    self.break_cow(va, pa).is_some()
                } else {
                    true // another CPU resolved it first
                }
            }
            Err(_) => self.fill_page(va).is_some(),
        }
    }

    /// Maps a fresh frame at `va` filled from the area's source.
    fn fill_page(&mut self, va: usize) -> Option<PhysAddr> {
        let vma = self.vmas.find(va)?;
        let pa = frame::alloc_zeroed()?;
        if let Source::File { file, offset } = &vma.backing.source {
            file.read_page(offset + (va - vma.start) as u64, frame::bytes_mut(pa));
        }
        let flags = hw_flags(vma.prot);
        if self.pt.cursor().map(VirtAddr::from(va), pa, PageSize::Size4K, flags).is_err() {
            frame::put(pa);
            return None;
        }
        Some(pa)
    }

    /// Gives the faulting space its own copy of a frame shared copy-on-write.
    fn break_cow(&mut self, va: usize, old: PhysAddr) -> Option<()> {
        let prot = self.vmas.find(va)?.prot;
        let new = if frame::count(old) == 1 {
            old // the other sharers are gone: just take it
        } else {
            let new = frame::alloc_zeroed()?;
            frame::bytes_mut(new).copy_from_slice(frame::bytes_mut(old));
            frame::put(old);
            new
        };
        self.pt.cursor().remap(VirtAddr::from(va), new, hw_flags(prot)).ok()?;
        Some(())
    }

    /// Makes every page of the range present as if accessed with `access`.
    pub fn populate(&mut self, start: usize, len: usize, access: Prot) -> Result<(), MmError> {
        for va in (page_floor(start)..page_ceil(start + len)).step_by(PAGE_SIZE) {
            if !self.handle_fault(va, access) {
                return Err(MmError::Denied);
            }
        }
        Ok(())
    }

    /// Copies `data` into the space at `addr` through the kernel's linear map,
    /// whether or not this space is the active one. Needs write access.
    pub fn write_bytes(&mut self, mut addr: usize, mut data: &[u8]) -> Result<(), MmError> {
        while !data.is_empty() {
            let page_off = addr % PAGE_SIZE;
            let n = data.len().min(PAGE_SIZE - page_off);
            if !self.handle_fault(addr, Prot::WRITE) {
                return Err(MmError::Denied);
            }
            let (pa, _, _) = self.pt.query(VirtAddr::from(addr)).map_err(|_| MmError::NotMapped)?;
            frame::bytes_mut(page_floor_pa(pa))[page_off..page_off + n].copy_from_slice(&data[..n]);
            addr += n;
            data = &data[n..];
        }
        Ok(())
    }

    /// Copies the whole space for `fork`: private pages become copy-on-write
    /// in both spaces, shared pages stay shared.
    pub fn fork(&mut self) -> Result<AddrSpace, MmError> {
        let mut child = AddrSpace::new()?;
        child.vmas = self.vmas.clone();
        let mut parent_cursor = self.pt.cursor();
        let mut child_cursor = child.pt.cursor();
        for vma in self.vmas.iter() {
            let mut flags = hw_flags(vma.prot);
            if !vma.backing.shared {
                flags.remove(MappingFlags::WRITE);
            }
            for va in (vma.start..vma.end).step_by(PAGE_SIZE) {
                let v = VirtAddr::from(va);
                let Ok((pa, _, _)) = parent_cursor.query(v) else { continue };
                if !vma.backing.shared {
                    let _ = parent_cursor.protect(v, flags);
                }
                frame::get(pa);
                if child_cursor.map(v, pa, PageSize::Size4K, flags).is_err() {
                    frame::put(pa);
                    return Err(MmError::NoMemory);
                }
            }
        }
        drop(child_cursor);
        Ok(child)
    }

    /// A free, page-aligned gap of `len` bytes in `[lo, hi)`, top-down.
    pub fn find_free(&self, len: usize, lo: usize, hi: usize) -> Option<usize> {
        self.vmas.find_free_top_down(len, lo, hi)
    }

    /// Whether `[start, end)` is mapped with at least `prot`.
    pub fn can_access(&self, start: usize, end: usize, prot: Prot) -> bool {
        let mut cur = start;
        while cur < end {
            match self.vmas.find(cur) {
                Some(v) if v.prot.contains(prot) => cur = v.end,
                _ => return false,
            }
        }
        true
    }

    /// Removes every area (exec and exit).
    pub fn clear(&mut self) {
        for vma in self.vmas.clear() {
            self.release(&vma);
        }
    }
}

fn page_floor_pa(pa: PhysAddr) -> PhysAddr {
    PhysAddr::from(page_floor(pa.as_usize()))
}

impl Drop for AddrSpace {
    fn drop(&mut self) {
        self.clear();
    }
}
