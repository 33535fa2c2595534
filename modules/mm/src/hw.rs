//! The MMU's page table as [`crate::walk`] sees it: entries of the running
//! architecture, tables reached through the kernel's linear map.

use alloc::vec::Vec;

use axhal::mem::phys_to_virt;
use axhal::paging::{MappingFlags, PageTable};
use memory_addr::{PhysAddr, VirtAddr};
use page_table_multiarch::{GenericPTE, PageTable64, PagingHandler, PagingMetaData};

use crate::Prot;
use crate::walk::{ENTRIES, Entry, Walker};

impl<P: GenericPTE> Entry for P {
    fn is_present(&self) -> bool {
        GenericPTE::is_present(self)
    }
    fn is_block(&self) -> bool {
        self.is_huge()
    }
    fn target(&self) -> usize {
        self.paddr().as_usize()
    }
}

/// The entry type and depth of a page-table type.
trait Geometry {
    type Pte: GenericPTE;
    const LEVELS: usize;
}

impl<M: PagingMetaData, P: GenericPTE, H: PagingHandler> Geometry for PageTable64<M, P, H> {
    type Pte = P;
    const LEVELS: usize = M::LEVELS;
}

type Pte = <PageTable as Geometry>::Pte;
const LEVELS: usize = <PageTable as Geometry>::LEVELS;

/// The entries of the table at physical address `pa`.
///
/// # Safety
/// `pa` must be the root or the target of a present table entry of a page
/// table that outlives `'a` and whose tables are not freed meanwhile (ours
/// are freed only when the whole page table is dropped).
unsafe fn table<'a>(pa: usize) -> &'a [Pte] {
    // SAFETY: per the contract, a live table of ENTRIES entries, reached
    // through the linear map.
    unsafe {
        core::slice::from_raw_parts(phys_to_virt(PhysAddr::from(pa)).as_ptr().cast(), ENTRIES)
    }
}

/// `(address, frame)` of every present page in `[start, end)`; the cost is
/// that of the tables that exist in the range, not of its size.
pub fn present_pages(pt: &PageTable, start: usize, end: usize) -> Vec<(usize, PhysAddr)> {
    // SAFETY: the walker only follows present entries from `pt`'s root, and
    // `pt` is borrowed for the whole walk.
    let walker = Walker::new(LEVELS, pt.root_paddr().as_usize(), |pa| unsafe {
        table(pa)
    });
    walker
        .present_leaves(start, end)
        .into_iter()
        .map(|(va, pa)| (va, PhysAddr::from(pa)))
        .collect()
}

/// Clears the entry of the page at `va` in the page table rooted at `root`
/// and flushes it from this CPU's TLB.
///
/// # Safety
/// `root` must be the root of a live page table, and the caller must hold
/// the lock that every writer of this entry takes (see [`crate::rmap`]).
pub unsafe fn clear_entry(root: PhysAddr, va: usize) {
    // SAFETY: per the contract, the tables on the way are live.
    let walker = Walker::new(LEVELS, root.as_usize(), |pa| unsafe { table(pa) });
    let Some((table_pa, index)) = walker.leaf_slot(va) else {
        return;
    };
    let entry: *mut Pte = phys_to_virt(PhysAddr::from(table_pa))
        .as_mut_ptr()
        .cast::<Pte>()
        .wrapping_add(index);
    // SAFETY: `index` < ENTRIES in a live table; writers of this entry are
    // serialised by the caller's lock.
    unsafe { (*entry).clear() };
    axhal::asm::flush_tlb(Some(VirtAddr::from(va)));
}

/// Hardware flags for a user page of an area with rights `prot`. Every MMU
/// we run on needs read permission for the others (and riscv64 reserves
/// write-only), so any right makes the page readable.
pub fn flags(prot: Prot) -> MappingFlags {
    let mut f = MappingFlags::USER | MappingFlags::READ;
    if prot.contains(Prot::WRITE) {
        f |= MappingFlags::WRITE;
    }
    if prot.contains(Prot::EXEC) {
        f |= MappingFlags::EXECUTE;
    }
    f
}
