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

impl Prot {
    /// Whether an area with these rights allows an access of kind `access`.
    /// No MMU we run on has write-only or execute-only pages, so any right
    /// lets a page be read (as on Linux, where such pages are readable).
    pub fn allows(self, access: Prot) -> bool {
        let effective = if self.is_empty() {
            self
        } else {
            self | Prot::READ
        };
        effective.contains(access)
    }
}

/// What an area's backing must do when the area is split or merged.
pub trait Backing: Clone {
    /// The backing of the part that starts `delta` bytes into the area (a
    /// file mapping moves its file offset forward).
    fn advanced(&self, delta: usize) -> Self;
    /// Whether an area backed by `self` may be merged into the area before
    /// it, which is `prev_len` bytes long and backed by `prev`.
    fn continues(&self, prev: &Self, prev_len: usize) -> bool;
}

/// One area `[start, end)`.
#[derive(Debug, Clone)]
pub struct Vma<B> {
    pub start: usize,
    pub end: usize,
    pub prot: Prot,
    /// The most `prot` may become (Linux's VM_MAY* bits): a shared mapping of
    /// a file opened read-only can never be made writable.
    pub max: Prot,
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
            max: self.max,
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

    /// Whether `next`, which must start where `self` ends, can join it.
    fn mergeable_with(&self, next: &Vma<B>) -> bool {
        self.end == next.start
            && self.prot == next.prot
            && self.max == next.max
            && next.backing.continues(&self.backing, self.len())
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

    /// The end of the run of areas that covers `[start, ..)` without a hole,
    /// stopping at `end`; `start` itself when no area holds `start`.
    pub fn covered_until(&self, start: usize, end: usize) -> usize {
        let mut cur = start;
        while cur < end {
            match self.find(cur) {
                Some(v) => cur = v.end,
                None => break,
            }
        }
        cur.min(end).max(start)
    }

    /// The areas that intersect `[start, end)`, in address order.
    pub fn overlapping(&self, start: usize, end: usize) -> impl Iterator<Item = &Vma<B>> {
        let first = match self.areas.range(..=start).next_back() {
            Some((&k, v)) if v.end > start => k,
            _ => start,
        };
        self.areas.range(first..end).map(|(_, v)| v)
    }

    /// Adds an area, merged with compatible neighbours; the caller
    /// guarantees it overlaps nothing.
    pub fn insert(&mut self, vma: Vma<B>) {
        debug_assert!(!self.overlaps(vma.start, vma.end));
        let (start, end) = (vma.start, vma.end);
        self.areas.insert(start, vma);
        self.merge_at(end);
        self.merge_at(start);
    }

    /// Joins the areas that end and start at `at`, when compatible.
    fn merge_at(&mut self, at: usize) {
        let Some((&prev_key, prev)) = self.areas.range(..at).next_back() else {
            return;
        };
        match self.areas.get(&at) {
            Some(next) if prev.mergeable_with(next) => {}
            _ => return,
        }
        let next = self.areas.remove(&at).unwrap();
        self.areas.get_mut(&prev_key).unwrap().end = next.end;
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
        for &(s, _, _) in &changed {
            self.merge_at(s);
        }
        self.merge_at(end);
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
        fn continues(&self, prev: &Self, prev_len: usize) -> bool {
            self.0 == prev.0 + prev_len
        }
    }

    fn vma(start: usize, end: usize, off: usize) -> Vma<Off> {
        Vma {
            start,
            end,
            prot: Prot::READ,
            max: Prot::all(),
            backing: Off(off),
        }
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
        assert_eq!(
            ranges(&s),
            vec![(0x1000, 0x2000, 0x100000), (0x3000, 0x5000, 0x102000)]
        );
    }

    #[test]
    fn protect_middle() {
        let mut s = VmaSet::new();
        s.insert(vma(0x1000, 0x4000, 0));
        let old = s.protect(0x2000, 0x3000, Prot::READ | Prot::WRITE);
        assert_eq!(old, vec![(0x2000, 0x3000, Prot::READ)]);
        let prots: Vec<Prot> = s.iter().map(|v| v.prot).collect();
        assert_eq!(
            prots,
            vec![Prot::READ, Prot::READ | Prot::WRITE, Prot::READ]
        );
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

    #[test]
    fn insert_merges_continuations() {
        let mut s = VmaSet::new();
        s.insert(vma(0x1000, 0x2000, 0));
        s.insert(vma(0x3000, 0x4000, 0x2000));
        s.insert(vma(0x2000, 0x3000, 0x1000));
        assert_eq!(ranges(&s), vec![(0x1000, 0x4000, 0)]);
        s.insert(vma(0x4000, 0x5000, 0x9000)); // offset does not continue
        assert_eq!(
            ranges(&s),
            vec![(0x1000, 0x4000, 0), (0x4000, 0x5000, 0x9000)]
        );
    }

    #[test]
    fn protect_back_merges() {
        let mut s = VmaSet::new();
        s.insert(vma(0x1000, 0x4000, 0));
        s.protect(0x2000, 0x3000, Prot::empty());
        assert_eq!(s.iter().count(), 3);
        s.protect(0x2000, 0x3000, Prot::READ);
        assert_eq!(ranges(&s), vec![(0x1000, 0x4000, 0)]);
    }

    #[test]
    fn coverage_and_overlapping() {
        let mut s = VmaSet::new();
        s.insert(vma(0x1000, 0x3000, 0));
        s.insert(vma(0x3000, 0x4000, 0x9000));
        s.insert(vma(0x6000, 0x7000, 0));
        assert_eq!(s.covered_until(0x2000, 0x8000), 0x4000);
        assert_eq!(s.covered_until(0x2000, 0x2800), 0x2800);
        assert_eq!(s.covered_until(0x5000, 0x8000), 0x5000);
        let starts: Vec<usize> = s.overlapping(0x2000, 0x6001).map(|v| v.start).collect();
        assert_eq!(starts, vec![0x1000, 0x3000, 0x6000]);
        assert_eq!(s.overlapping(0x4000, 0x6000).count(), 0);
    }

    #[test]
    fn prot_allows() {
        assert!(Prot::WRITE.allows(Prot::READ));
        assert!(Prot::EXEC.allows(Prot::READ));
        assert!(!Prot::READ.allows(Prot::WRITE));
        assert!(!Prot::empty().allows(Prot::READ));
        assert!(!(Prot::READ | Prot::WRITE).allows(Prot::EXEC));
    }
}
