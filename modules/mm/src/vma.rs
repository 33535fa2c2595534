//! Virtual memory areas: a sorted, non-overlapping set of page-aligned ranges,
//! each with protection bits and a backing chosen by the user of this crate.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

bitflags::bitflags! {
    /// Access rights of an area.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Prot: u8 {
        const READ = 1;
        const WRITE = 2;
        const EXEC = 4;
    }
}

/// What an area's backing must do when the area is split: a file mapping
/// moves its file offset forward by `delta` bytes for the upper part.
pub trait Backing: Clone {
    fn advanced(&self, delta: usize) -> Self;
}

/// One area `[start, end)`.
#[derive(Debug, Clone)]
pub struct Vma<B> {
    pub start: usize,
    pub end: usize,
    pub prot: Prot,
    pub backing: B,
}

impl<B: Backing> Vma<B> {
    /// Splits at `at` (strictly inside), returning the upper part.
    fn split_off(&mut self, at: usize) -> Vma<B> {
        debug_assert!(self.start < at && at < self.end);
        let upper = Vma {
            start: at,
            end: self.end,
            prot: self.prot,
            backing: self.backing.advanced(at - self.start),
        };
        self.end = at;
        upper
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// The set of areas of one address space, keyed by start address.
#[derive(Debug, Clone)]
pub struct VmaSet<B> {
    areas: BTreeMap<usize, Vma<B>>,
}

impl<B: Backing> Default for VmaSet<B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<B: Backing> VmaSet<B> {
    pub const fn new() -> Self {
        Self {
            areas: BTreeMap::new(),
        }
    }

    /// The area containing `addr`.
    pub fn find(&self, addr: usize) -> Option<&Vma<B>> {
        let (_, vma) = self.areas.range(..=addr).next_back()?;
        (addr < vma.end).then_some(vma)
    }

    /// Whether any area intersects `[start, end)`.
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        if let Some((_, v)) = self.areas.range(..end).next_back() {
            return v.end > start;
        }
        false
    }

    /// Whether `[start, end)` is entirely covered by areas (no holes).
    pub fn covers(&self, start: usize, end: usize) -> bool {
        let mut cur = start;
        while cur < end {
            match self.find(cur) {
                Some(v) => cur = v.end,
                None => return false,
            }
        }
        true
    }

    /// Adds an area; the caller guarantees it overlaps nothing.
    pub fn insert(&mut self, vma: Vma<B>) {
        debug_assert!(!self.overlaps(vma.start, vma.end));
        self.areas.insert(vma.start, vma);
    }

    /// Makes `at` an area boundary if it falls strictly inside an area.
    fn split_at(&mut self, at: usize) {
        let key = match self.areas.range(..at).next_back() {
            Some((&k, v)) if v.end > at => k,
            _ => return,
        };
        let upper = self.areas.get_mut(&key).unwrap().split_off(at);
        self.areas.insert(at, upper);
    }

    /// Removes `[start, end)` from the set, splitting areas at the edges,
    /// and returns the removed pieces in address order.
    pub fn remove_range(&mut self, start: usize, end: usize) -> Vec<Vma<B>> {
        self.split_at(start);
        self.split_at(end);
        let keys: Vec<usize> = self.areas.range(start..end).map(|(&k, _)| k).collect();
        keys.into_iter()
            .filter_map(|k| self.areas.remove(&k))
            .collect()
    }

    /// Changes the protection of `[start, end)`, splitting as needed, and
    /// returns the affected ranges with their old protection.
    pub fn protect(&mut self, start: usize, end: usize, prot: Prot) -> Vec<(usize, usize, Prot)> {
        self.split_at(start);
        self.split_at(end);
        let mut changed = Vec::new();
        for (_, v) in self.areas.range_mut(start..end) {
            changed.push((v.start, v.end, v.prot));
            v.prot = prot;
        }
        changed
    }

    /// Finds a free gap of `len` bytes within `[lo, hi)`, searching downwards
    /// from the top like Linux's default mmap layout.
    pub fn find_free_top_down(&self, len: usize, lo: usize, hi: usize) -> Option<usize> {
        let mut top = hi;
        for (_, v) in self.areas.range(..hi).rev() {
            if v.end <= top && top - v.end >= len && top - len >= lo {
                return Some(top - len);
            }
            top = top.min(v.start);
            if top < lo + len {
                return None;
            }
        }
        (top >= lo + len).then(|| top - len)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Vma<B>> {
        self.areas.values()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Vma<B>> {
        self.areas.values_mut()
    }

    pub fn clear(&mut self) -> Vec<Vma<B>> {
        core::mem::take(&mut self.areas).into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Off(usize);
    impl Backing for Off {
        fn advanced(&self, d: usize) -> Self {
            Off(self.0 + d)
        }
    }

    fn vma(start: usize, end: usize, off: usize) -> Vma<Off> {
        Vma { start, end, prot: Prot::READ, backing: Off(off) }
    }

    fn ranges(s: &VmaSet<Off>) -> Vec<(usize, usize, usize)> {
        s.iter().map(|v| (v.start, v.end, v.backing.0)).collect()
    }

    #[test]
    fn find_and_overlap() {
        let mut s = VmaSet::new();
        s.insert(vma(0x1000, 0x3000, 0));
        s.insert(vma(0x5000, 0x6000, 0));
        assert!(s.find(0x2fff).is_some());
        assert!(s.find(0x3000).is_none());
        assert!(s.overlaps(0x2000, 0x4000));
        assert!(!s.overlaps(0x3000, 0x5000));
        assert!(s.covers(0x1000, 0x3000));
        assert!(!s.covers(0x1000, 0x5001));
    }

    #[test]
    fn remove_splits_and_advances_offsets() {
        let mut s = VmaSet::new();
        s.insert(vma(0x1000, 0x5000, 0x100000));
        let removed = s.remove_range(0x2000, 0x3000);
        assert_eq!(removed.len(), 1);
        assert_eq!((removed[0].start, removed[0].backing.0), (0x2000, 0x101000));
        assert_eq!(ranges(&s), vec![(0x1000, 0x2000, 0x100000), (0x3000, 0x5000, 0x102000)]);
    }

    #[test]
    fn protect_middle() {
        let mut s = VmaSet::new();
        s.insert(vma(0x1000, 0x4000, 0));
        let old = s.protect(0x2000, 0x3000, Prot::READ | Prot::WRITE);
        assert_eq!(old, vec![(0x2000, 0x3000, Prot::READ)]);
        let prots: Vec<Prot> = s.iter().map(|v| v.prot).collect();
        assert_eq!(prots, vec![Prot::READ, Prot::READ | Prot::WRITE, Prot::READ]);
    }

    #[test]
    fn free_gap_top_down() {
        let mut s = VmaSet::new();
        s.insert(vma(0x8000, 0x10000, 0));
        assert_eq!(s.find_free_top_down(0x1000, 0x1000, 0x10000), Some(0x7000));
        assert_eq!(s.find_free_top_down(0x1000, 0x1000, 0x11000), Some(0x10000));
        assert_eq!(s.find_free_top_down(0x8000, 0x1000, 0x10000), None);
        assert_eq!(s.find_free_top_down(0x7000, 0x1000, 0x10000), Some(0x1000));
    }
}
