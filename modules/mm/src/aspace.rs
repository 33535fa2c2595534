//! A user address space: the hardware page table plus the VMAs that say what
//! each page should hold. Pages are filled on first touch (demand paging).
//!
//! Private pages are frames of their own, shared copy-on-write after `fork`;
//! those of a `PROT_NONE` area are taken out of the page table ("parked") so
//! that any access faults, and put back when the area becomes accessible.
//! Shared pages belong to their source (a file's page cache, anonymous
//! shared memory): the page table only caches them, so dropping an entry
//! loses nothing and it is filled again on the next touch.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, Ordering};

use axhal::paging::{MappingFlags, PageSize, PageTable};
use memory_addr::{PhysAddr, VirtAddr};

use crate::shmem::SharedMemory;
use crate::vma::{Backing, Prot, Vma, VmaSet};
use crate::{PAGE_SIZE, frame, hw, page_ceil, page_floor, rmap};

/// Why a source could not provide a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageError {
    /// The page lies wholly past the end of the source.
    Beyond,
    NoMemory,
    /// The source failed to read, or cannot be mapped this way.
    Io,
}

/// Something whose bytes can back a mapping (a file, anonymous shared memory).
pub trait PageSource: Send + Sync {
    /// Fills all of `page` with the bytes at `offset`, zeros past the
    /// source's end, for a private copy.
    fn read_page(&self, offset: u64, page: &mut [u8]) -> Result<(), PageError>;
    /// Calls `install` with the frame that holds the page at `offset`, which
    /// every shared mapping maps in place; `write` says the mapping is about
    /// to modify it. The frame stays valid while `install` runs and then,
    /// for an evictable source, until it calls [`rmap::evict_shared`].
    fn share_page(
        &self,
        offset: u64,
        write: bool,
        install: &mut dyn FnMut(PhysAddr),
    ) -> Result<(), PageError>;
    /// `Some(id)` when the source may drop frames it lent (a page cache);
    /// `id` comes from [`rmap::new_source_id`].
    fn evictable_id(&self) -> Option<u64> {
        None
    }
    /// Writes modified shared pages back to the backing store (msync).
    fn sync(&self) {}
    /// Which file this is, for listings of the address space.
    fn identity(&self) -> SourceIdentity;
    /// The source as its concrete type, for an owner that must recognise
    /// its own areas (shmdt finds the areas of a System V segment).
    fn as_any(&self) -> Option<&dyn core::any::Any> {
        None
    }
    /// The object whose pages these are, the same for every mapping of it
    /// (shared futexes meet by it): by default the device and inode.
    fn object_id(&self) -> (u64, u64) {
        let id = self.identity();
        (id.device, id.inode)
    }
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
    File {
        file: Arc<dyn PageSource>,
        offset: u64,
    },
}

/// The backing of one area.
#[derive(Clone)]
pub struct Mapping {
    pub source: Source,
    /// Shared areas map their source's frames; private ones copy on write.
    pub shared: bool,
}

impl Mapping {
    /// The source and the offset in it of the byte `delta` into the area.
    fn source_at(&self, delta: usize) -> Option<(&Arc<dyn PageSource>, u64)> {
        match &self.source {
            Source::File { file, offset } => Some((file, offset + delta as u64)),
            Source::Anonymous => None,
        }
    }
}

impl Backing for Mapping {
    fn advanced(&self, delta: usize) -> Self {
        let source = match self.source_at(delta) {
            Some((file, offset)) => Source::File {
                file: file.clone(),
                offset,
            },
            None => Source::Anonymous,
        };
        Mapping {
            source,
            shared: self.shared,
        }
    }

    fn continues(&self, prev: &Self, prev_len: usize) -> bool {
        let same_source = match (prev.source_at(prev_len), &self.source) {
            (None, Source::Anonymous) => true,
            (Some((a, end)), Source::File { file: b, offset }) => {
                same_object(a, b) && end == *offset
            }
            _ => false,
        };
        same_source && self.shared == prev.shared
    }
}

fn same_object(a: &Arc<dyn PageSource>, b: &Arc<dyn PageSource>) -> bool {
    core::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
}

/// Errors of address-space operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MmError {
    NoMemory,
    /// Part of the range is not mapped by any area.
    NotMapped,
    /// The range already holds an area.
    Exists,
    /// An access the area does not allow, or rights beyond its maximum.
    Denied,
}

/// Why a page fault could not be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// No area there, or the area does not allow the access (SIGSEGV).
    Segv,
    /// The page lies past the end of its file or object, or could not be
    /// read (SIGBUS).
    Bus,
    NoMemory,
}

impl From<PageError> for Fault {
    fn from(e: PageError) -> Self {
        match e {
            PageError::Beyond | PageError::Io => Fault::Bus,
            PageError::NoMemory => Fault::NoMemory,
        }
    }
}

/// A user address space.
pub struct AddrSpace {
    pt: PageTable,
    vmas: VmaSet<Mapping>,
    /// Private frames of `PROT_NONE` areas, kept out of the page table.
    parked: BTreeMap<usize, PhysAddr>,
}

impl AddrSpace {
    /// Creates an empty space that shares the kernel's half of the page table.
    pub fn new() -> Result<Self, MmError> {
        let mut pt = PageTable::try_new().map_err(|_| MmError::NoMemory)?;
        let (kbase, ksize) = axhal::mem::kernel_aspace();
        pt.cursor()
            .copy_from(axmm::kernel_aspace().lock().page_table(), kbase, ksize);
        Ok(Self {
            pt,
            vmas: VmaSet::new(),
            parked: BTreeMap::new(),
        })
    }

    /// Physical address of the root table, for loading into the MMU.
    pub fn page_table_root(&self) -> PhysAddr {
        self.pt.root_paddr()
    }

    pub fn vmas(&self) -> &VmaSet<Mapping> {
        &self.vmas
    }

    /// Maps a new area that may later get any rights; see [`Self::map_with_max`].
    pub fn map(
        &mut self,
        start: usize,
        len: usize,
        prot: Prot,
        mapping: Mapping,
    ) -> Result<(), MmError> {
        self.map_with_max(start, len, prot, Prot::all(), mapping)
    }

    /// Maps a new area whose rights can never exceed `max`;
    /// `[start, start+len)` must be page-aligned and free. A shared
    /// anonymous area gets its own shared memory object.
    pub fn map_with_max(
        &mut self,
        start: usize,
        len: usize,
        prot: Prot,
        max: Prot,
        mut mapping: Mapping,
    ) -> Result<(), MmError> {
        let end = start.checked_add(len).ok_or(MmError::NoMemory)?;
        if self.vmas.overlaps(start, end) {
            return Err(MmError::Exists);
        }
        if mapping.shared && matches!(mapping.source, Source::Anonymous) {
            mapping.source = Source::File {
                file: Arc::new(SharedMemory::new(len)),
                offset: 0,
            };
        }
        self.vmas.insert(Vma {
            start,
            end,
            prot,
            max,
            backing: mapping,
        });
        Ok(())
    }

    /// Removes every area and page in the range (holes are fine, as for munmap).
    pub fn unmap(&mut self, start: usize, len: usize) {
        let end = start.saturating_add(len);
        for vma in self.vmas.remove_range(start, end) {
            self.zap(&vma, vma.start, vma.end);
        }
    }

    /// Drops the pages of `[start, end)`, which lies in `vma`: private frames
    /// are released, shared ones only unmapped.
    fn zap(&mut self, vma: &Vma<Mapping>, start: usize, end: usize) {
        if vma.backing.shared {
            self.zap_shared(vma, start, end);
        } else {
            self.zap_private(start, end);
        }
    }

    fn zap_private(&mut self, start: usize, end: usize) {
        let mut pages = hw::present_pages(&self.pt, start, end);
        let mut cursor = self.pt.cursor();
        pages.retain(|&(va, _)| cursor.unmap(VirtAddr::from(va)).is_ok());
        drop(cursor);
        // Another CPU may still reach the frames until its TLB is flushed.
        if !pages.is_empty() {
            self.flush_others();
        }
        for (_, pa) in pages {
            frame::put(pa);
        }
        for pa in self.take_parked(start, end).into_values() {
            frame::put(pa);
        }
    }

    fn zap_shared(&mut self, vma: &Vma<Mapping>, start: usize, end: usize) {
        let root = self.pt.root_paddr().as_usize();
        let tracked = vma
            .backing
            .source_at(0)
            .and_then(|(file, _)| file.evictable_id());
        let mut mappers = rmap::lock();
        let pages = hw::present_pages(&self.pt, start, end);
        let mut cursor = self.pt.cursor();
        for &(va, _) in &pages {
            let _ = cursor.unmap(VirtAddr::from(va));
            if let (Some(id), Some((_, offset))) = (tracked, vma.backing.source_at(va - vma.start))
            {
                mappers.remove(&(id, offset, root, va));
            }
        }
        drop(cursor);
        // Not under the rmap lock: other CPUs wait for it with IRQs off.
        drop(mappers);
        if !pages.is_empty() {
            self.flush_others();
        }
    }

    /// Drops this space's translations from the TLBs of the other CPUs.
    fn flush_others(&self) {
        crate::tlb::flush_others(self.pt.root_paddr());
    }

    /// Removes and returns the parked frames of `[start, end)`.
    fn take_parked(&mut self, start: usize, end: usize) -> BTreeMap<usize, PhysAddr> {
        let mut taken = self.parked.split_off(&start);
        let mut after = taken.split_off(&end);
        self.parked.append(&mut after);
        taken
    }

    /// Drops the pages of the range so they read back as zero (private
    /// anonymous), file content (private file) or the shared object's
    /// content (MADV_DONTNEED). Applies to the mapped parts; `NotMapped`
    /// when the range has holes.
    pub fn discard(&mut self, start: usize, len: usize) -> Result<(), MmError> {
        let end = start.saturating_add(len);
        let areas: Vec<Vma<Mapping>> = self.vmas.overlapping(start, end).cloned().collect();
        for vma in &areas {
            self.zap(vma, vma.start.max(start), vma.end.min(end));
        }
        let mapped: usize = areas
            .iter()
            .map(|v| v.end.min(end) - v.start.max(start))
            .sum();
        if mapped == end - start {
            Ok(())
        } else {
            Err(MmError::NotMapped)
        }
    }

    /// Changes the rights of the range as mprotect does: area by area in
    /// address order, stopping at the first hole (`NotMapped`) or at an area
    /// whose maximum rights do not include `prot` (`Denied`); the areas
    /// before the stop keep their new rights.
    pub fn protect(&mut self, start: usize, len: usize, prot: Prot) -> Result<(), MmError> {
        let end = start.saturating_add(len);
        let covered = self.vmas.covered_until(start, end);
        let denied = self
            .vmas
            .overlapping(start, covered)
            .find(|v| !v.max.contains(prot))
            .map(|v| v.start.max(start));
        let stop = denied.unwrap_or(covered);
        for (s, e, _) in self.vmas.protect(start, stop, prot) {
            let vma = self.vmas.find(s).cloned().expect("just protected");
            if vma.backing.shared {
                self.zap_shared(&vma, s, e); // refilled with the new rights
            } else {
                self.reprotect_private(s, e, prot);
            }
        }
        match (denied, covered < end) {
            (Some(_), _) => Err(MmError::Denied),
            (None, true) => Err(MmError::NotMapped),
            (None, false) => Ok(()),
        }
    }

    /// Applies `prot` to the private pages of `[start, end)`, parking or
    /// unparking them at `PROT_NONE`.
    fn reprotect_private(&mut self, start: usize, end: usize, prot: Prot) {
        let pages = hw::present_pages(&self.pt, start, end);
        let any = !pages.is_empty();
        self.reprotect_present(pages, start, end, prot);
        // Narrowed rights must hold on every CPU once mprotect returns.
        if any {
            self.flush_others();
        }
    }

    fn reprotect_present(
        &mut self,
        pages: Vec<(usize, PhysAddr)>,
        start: usize,
        end: usize,
        prot: Prot,
    ) {
        if prot.is_empty() {
            let mut cursor = self.pt.cursor();
            for (va, pa) in pages {
                if cursor.unmap(VirtAddr::from(va)).is_ok() {
                    self.parked.insert(va, pa);
                }
            }
            return;
        }
        let parked = self.take_parked(start, end);
        let mut cursor = self.pt.cursor();
        for (va, pa) in pages {
            let _ = cursor.protect(VirtAddr::from(va), private_flags(pa, prot));
        }
        for (va, pa) in parked {
            if cursor
                .map(
                    VirtAddr::from(va),
                    pa,
                    PageSize::Size4K,
                    private_flags(pa, prot),
                )
                .is_err()
            {
                frame::put(pa);
            }
        }
    }

    /// Moves the areas and pages of `[from, from+len)` to `to`, which must be
    /// free and must not overlap it (mremap). With `keep_source`, the old
    /// range keeps its areas, emptied (MREMAP_DONTUNMAP).
    pub fn move_range(&mut self, from: usize, len: usize, to: usize, keep_source: bool) {
        for vma in self.vmas.remove_range(from, from + len) {
            if vma.backing.shared {
                self.zap_shared(&vma, vma.start, vma.end);
            } else {
                self.move_private_pages(vma.start, vma.end, to + (vma.start - from));
            }
            let moved = Vma {
                start: to + (vma.start - from),
                end: to + (vma.end - from),
                ..vma.clone()
            };
            self.vmas.insert(moved);
            if keep_source {
                self.vmas.insert(vma);
            }
        }
    }

    fn move_private_pages(&mut self, start: usize, end: usize, to: usize) {
        let pages = hw::present_pages(&self.pt, start, end);
        let mut cursor = self.pt.cursor();
        for (va, pa) in pages {
            let Ok((_, flags, _)) = cursor.unmap(VirtAddr::from(va)) else {
                continue;
            };
            if cursor
                .map(
                    VirtAddr::from(to + (va - start)),
                    pa,
                    PageSize::Size4K,
                    flags,
                )
                .is_err()
            {
                log::warn!("mm: out of memory moving page {va:#x}: its content is lost");
                frame::put(pa);
            }
        }
        drop(cursor);
        self.flush_others();
        for (va, pa) in self.take_parked(start, end) {
            self.parked.insert(to + (va - start), pa);
        }
    }

    /// Grows the area that ends at `end` by `len` bytes of the same rights
    /// and backing (a file mapping continues into the following offsets).
    pub fn extend_area(&mut self, end: usize, len: usize) -> Result<(), MmError> {
        let vma = self
            .vmas
            .find(end - 1)
            .filter(|v| v.end == end)
            .ok_or(MmError::NotMapped)?;
        let (prot, max) = (vma.prot, vma.max);
        let backing = vma.backing.advanced(vma.len());
        let new_end = end.checked_add(len).ok_or(MmError::NoMemory)?;
        if self.vmas.overlaps(end, new_end) {
            return Err(MmError::Exists);
        }
        self.vmas.insert(Vma {
            start: end,
            end: new_end,
            prot,
            max,
            backing,
        });
        Ok(())
    }

    /// Resolves a fault at `addr` for an access of kind `access`.
    pub fn fault(&mut self, addr: usize, access: Prot) -> Result<(), Fault> {
        let vma = self.vmas.find(addr).ok_or(Fault::Segv)?;
        if !vma.prot.allows(access) {
            return Err(Fault::Segv);
        }
        let va = page_floor(addr);
        let exec = vma.prot.contains(Prot::EXEC);
        let result = if vma.backing.shared {
            self.fault_shared(va, access)
        } else {
            match self.pt.query(VirtAddr::from(va)) {
                Ok((pa, flags, _))
                    if access.contains(Prot::WRITE) && !flags.contains(MappingFlags::WRITE) =>
                {
                    self.break_cow(va, pa)
                }
                Ok(_) => Ok(()), // another CPU resolved it first
                Err(_) => self.fill_private(va),
            }
        };
        // The frame now mapped executable may have just been filled or copied.
        if exec && result.is_ok() {
            crate::sync_icache();
        }
        result
    }

    /// Like [`Self::fault`], only saying whether the fault was resolved.
    pub fn handle_fault(&mut self, addr: usize, access: Prot) -> bool {
        self.fault(addr, access).is_ok()
    }

    /// Maps a fresh frame at `va` filled from the area's source.
    fn fill_private(&mut self, va: usize) -> Result<(), Fault> {
        let vma = self.vmas.find(va).ok_or(Fault::Segv)?;
        let source = vma.backing.source_at(va - vma.start);
        // A page read from a source is overwritten whole: no zeroing first.
        let pa = match source {
            Some(_) => frame::alloc(),
            None => frame::alloc_zeroed(),
        }
        .ok_or(Fault::NoMemory)?;
        if let Some((file, offset)) = source
            && let Err(e) = file.read_page(offset, frame::bytes_mut(pa))
        {
            frame::put(pa);
            return Err(e.into());
        }
        let flags = hw::flags(vma.prot);
        if self
            .pt
            .cursor()
            .map(VirtAddr::from(va), pa, PageSize::Size4K, flags)
            .is_err()
        {
            frame::put(pa);
            return Err(Fault::NoMemory);
        }
        Ok(())
    }

    /// Maps the source's own frame for the page at `va` of a shared area.
    /// It is mapped read-only until written, so that the source learns
    /// which pages are modified.
    fn fault_shared(&mut self, va: usize, access: Prot) -> Result<(), Fault> {
        let vma = self.vmas.find(va).ok_or(Fault::Segv)?;
        let (file, offset) = vma.backing.source_at(va - vma.start).ok_or(Fault::Segv)?;
        let file = file.clone();
        let write = access.contains(Prot::WRITE);
        let mut flags = hw::flags(vma.prot);
        if !write {
            flags.remove(MappingFlags::WRITE);
        }
        let tracked = file.evictable_id();
        let root = self.pt.root_paddr().as_usize();
        let pt = &mut self.pt;
        let mut result = Ok(());
        file.share_page(offset, write, &mut |pa| {
            let mut mappers = rmap::lock();
            let v = VirtAddr::from(va);
            let mut cursor = pt.cursor();
            let mapped = match cursor.query(v) {
                Ok(_) => cursor.remap(v, pa, flags).map(|_| ()),
                Err(_) => cursor.map(v, pa, PageSize::Size4K, flags),
            };
            match (mapped, tracked) {
                (Err(_), _) => result = Err(Fault::NoMemory),
                (Ok(()), Some(id)) => {
                    mappers.insert((id, offset, root, va));
                }
                (Ok(()), None) => {}
            }
        })?;
        result
    }

    /// Gives the faulting space its own copy of a frame shared copy-on-write.
    fn break_cow(&mut self, va: usize, old: PhysAddr) -> Result<(), Fault> {
        let prot = self.vmas.find(va).ok_or(Fault::Segv)?.prot;
        let new = if frame::count(old) == 1 {
            old // the other sharers are gone: just take it
        } else {
            let new = frame::alloc_zeroed().ok_or(Fault::NoMemory)?;
            frame::bytes_mut(new).copy_from_slice(frame::bytes_mut(old));
            frame::put(old);
            new
        };
        self.pt
            .cursor()
            .remap(VirtAddr::from(va), new, hw::flags(prot))
            .map_err(|_| Fault::NoMemory)?;
        // Threads on other CPUs must stop reading the old frame.
        if new != old {
            self.flush_others();
        }
        Ok(())
    }

    /// Makes every page of the range present as if accessed with `access`.
    pub fn populate(&mut self, start: usize, len: usize, access: Prot) -> Result<(), Fault> {
        for va in (page_floor(start)..page_ceil(start + len)).step_by(PAGE_SIZE) {
            self.fault(va, access)?;
        }
        Ok(())
    }

    /// Which pages of `[start, start+len)` are resident (mincore), one flag
    /// per page.
    pub fn resident(&self, start: usize, len: usize) -> Vec<bool> {
        let end = start + len;
        let mut out = alloc::vec![false; len / PAGE_SIZE];
        let present = hw::present_pages(&self.pt, start, end)
            .into_iter()
            .map(|(va, _)| va);
        for va in present.chain(self.parked.range(start..end).map(|(&va, _)| va)) {
            out[(va - start) / PAGE_SIZE] = true;
        }
        out
    }

    /// How many pages of the space are resident (its RSS).
    pub fn resident_pages(&self) -> usize {
        let mapped: usize = self
            .vmas
            .iter()
            .map(|v| hw::present_pages(&self.pt, v.start, v.end).len())
            .sum();
        mapped + self.parked.len()
    }

    /// Copies `data` into the space at `addr` through the kernel's linear map,
    /// whether or not this space is the active one. Needs write access.
    pub fn write_bytes(&mut self, mut addr: usize, mut data: &[u8]) -> Result<(), MmError> {
        while !data.is_empty() {
            let page_off = addr % PAGE_SIZE;
            let n = data.len().min(PAGE_SIZE - page_off);
            self.fault(addr, Prot::WRITE).map_err(|_| MmError::Denied)?;
            let (pa, _, _) = self
                .pt
                .query(VirtAddr::from(addr))
                .map_err(|_| MmError::NotMapped)?;
            frame::bytes_mut(page_floor_pa(pa))[page_off..page_off + n].copy_from_slice(&data[..n]);
            addr += n;
            data = &data[n..];
        }
        Ok(())
    }

    /// Copies `[addr, addr + buf.len())` of the space into `buf` through the
    /// kernel's linear map (Linux's access_remote_vm, for /proc/<pid>/environ
    /// and cmdline), faulting pages in as a read would. Needs read access.
    pub fn read_bytes(&mut self, mut addr: usize, mut buf: &mut [u8]) -> Result<(), MmError> {
        while !buf.is_empty() {
            let page_off = addr % PAGE_SIZE;
            let n = buf.len().min(PAGE_SIZE - page_off);
            self.fault(addr, Prot::READ).map_err(|_| MmError::Denied)?;
            let (pa, _, _) = self
                .pt
                .query(VirtAddr::from(addr))
                .map_err(|_| MmError::NotMapped)?;
            buf[..n].copy_from_slice(&frame::bytes_mut(page_floor_pa(pa))[page_off..page_off + n]);
            addr += n;
            buf = &mut buf[n..];
        }
        Ok(())
    }

    /// Atomically replaces the aligned `u32` at `addr` with `update(old)`
    /// (unless that is `None`) and returns the old value. The update goes
    /// through the kernel's linear map to the frame itself, so that it is
    /// atomic against user atomics on other CPUs (futex operations).
    pub fn update_u32(
        &mut self,
        addr: usize,
        mut update: impl FnMut(u32) -> Option<u32>,
    ) -> Result<u32, Fault> {
        assert!(addr.is_multiple_of(4), "unaligned user word");
        loop {
            self.fault(addr, Prot::WRITE)?;
            // A source may take back a shared frame without our lock, but
            // only after clearing its entries under this one (see `rmap`):
            // while it is held, a present entry means a live frame.
            let _mappers = rmap::lock();
            let Ok((pa, flags, _)) = self.pt.query(VirtAddr::from(addr)) else {
                continue; // evicted since the fault: fault it in again
            };
            if !flags.contains(MappingFlags::WRITE) {
                continue;
            }
            let pa = page_floor_pa(pa) + addr % PAGE_SIZE;
            // SAFETY: `pa` is a 4-aligned word of a frame mapped writable in
            // this space, kept alive by our lock on the space and the rmap
            // lock; user space may access it concurrently, only atomically
            // as far as we care, which an AtomicU32 tolerates.
            let word = unsafe { &*axhal::mem::phys_to_virt(pa).as_ptr().cast::<AtomicU32>() };
            let mut old = word.load(Ordering::SeqCst);
            loop {
                let Some(new) = update(old) else {
                    return Ok(old);
                };
                match word.compare_exchange(old, new, Ordering::SeqCst, Ordering::SeqCst) {
                    Ok(_) => return Ok(old),
                    Err(current) => old = current,
                }
            }
        }
    }

    /// Copies the whole space for `fork`: private pages become copy-on-write
    /// in both spaces; shared areas are filled again in the child on touch.
    pub fn fork(&mut self) -> Result<AddrSpace, MmError> {
        let mut child = AddrSpace::new()?;
        child.vmas = self.vmas.clone();
        let private: Vec<(usize, usize, Prot)> = self
            .vmas
            .iter()
            .filter(|v| !v.backing.shared)
            .map(|v| (v.start, v.end, v.prot))
            .collect();
        for (start, end, prot) in private {
            self.share_private_pages(&mut child, start, end, prot)?;
        }
        // Other threads' writable entries would write into the shared frames.
        self.flush_others();
        for (&va, &pa) in &self.parked {
            frame::get(pa);
            child.parked.insert(va, pa);
        }
        Ok(child)
    }

    /// Maps the present pages of `[start, end)` read-only in both spaces.
    fn share_private_pages(
        &mut self,
        child: &mut AddrSpace,
        start: usize,
        end: usize,
        prot: Prot,
    ) -> Result<(), MmError> {
        let mut flags = hw::flags(prot);
        flags.remove(MappingFlags::WRITE);
        let pages = hw::present_pages(&self.pt, start, end);
        let mut parent_cursor = self.pt.cursor();
        let mut child_cursor = child.pt.cursor();
        for (va, pa) in pages {
            let v = VirtAddr::from(va);
            let _ = parent_cursor.protect(v, flags);
            frame::get(pa);
            if child_cursor.map(v, pa, PageSize::Size4K, flags).is_err() {
                frame::put(pa);
                return Err(MmError::NoMemory);
            }
        }
        Ok(())
    }

    /// A free, page-aligned gap of `len` bytes in `[lo, hi)`, top-down.
    pub fn find_free(&self, len: usize, lo: usize, hi: usize) -> Option<usize> {
        self.vmas.find_free_top_down(len, lo, hi)
    }

    /// Whether `[start, end)` is mapped and allows accesses of kind `access`.
    pub fn can_access(&self, start: usize, end: usize, access: Prot) -> bool {
        let mut cur = start;
        while cur < end {
            match self.vmas.find(cur) {
                Some(v) if v.prot.allows(access) => cur = v.end,
                _ => return false,
            }
        }
        true
    }

    /// Removes every area (exec and exit).
    pub fn clear(&mut self) {
        for vma in self.vmas.clear() {
            self.zap(&vma, vma.start, vma.end);
        }
    }
}

/// Hardware flags for a private page: a frame still shared copy-on-write
/// must fault on write.
fn private_flags(pa: PhysAddr, prot: Prot) -> MappingFlags {
    let mut flags = hw::flags(prot);
    if frame::count(pa) > 1 {
        flags.remove(MappingFlags::WRITE);
    }
    flags
}

fn page_floor_pa(pa: PhysAddr) -> PhysAddr {
    PhysAddr::from(page_floor(pa.as_usize()))
}

impl Drop for AddrSpace {
    fn drop(&mut self) {
        self.clear();
        // The page tables are freed next: no CPU may hold the root.
        crate::tlb::retire(self.page_table_root());
    }
}
