//! Walks over a radix page table that visit only the tables that exist.
//!
//! Unmapping, protecting or copying a range costs what is populated in it,
//! not its size: a 1 TiB `PROT_NONE` reservation with a few touched pages is
//! a handful of table visits, where a page-by-page loop would take minutes.
//!
//! The walker is generic over the entry format and over how a table's
//! physical address becomes a slice, so it is tested on the host with
//! simulated tables; the kernel plugs in the MMU's entries and the linear map.

use alloc::vec::Vec;
use core::marker::PhantomData;

use crate::PAGE_SIZE;

/// Entries per table at every level (4 KiB tables of 8-byte entries).
pub const ENTRIES: usize = 512;
const BITS_PER_LEVEL: usize = 9;

/// What the walker needs to know about a page-table entry.
pub trait Entry {
    /// Whether the entry points to a frame or to a next-level table.
    fn is_present(&self) -> bool;
    /// Whether a present entry above the last level maps a block itself.
    fn is_block(&self) -> bool;
    /// Physical address of the next-level table or of the mapped frame.
    fn target(&self) -> usize;
}

/// Bytes covered by one entry of a table at `level` (0 is the root) in a
/// page table of `levels` levels.
pub const fn entry_span(levels: usize, level: usize) -> usize {
    PAGE_SIZE << (BITS_PER_LEVEL * (levels - 1 - level))
}

/// One past the highest address a table of `levels` levels translates.
pub const fn table_reach(levels: usize) -> usize {
    ENTRIES * entry_span(levels, 0)
}

/// A page table seen through `table`, which turns a table's physical
/// address into its entries.
pub struct Walker<'t, E: 't, T: Fn(usize) -> &'t [E]> {
    levels: usize,
    root: usize,
    table: T,
    _entries: PhantomData<&'t [E]>,
}

impl<'t, E: Entry + 't, T: Fn(usize) -> &'t [E]> Walker<'t, E, T> {
    pub fn new(levels: usize, root: usize, table: T) -> Self {
        Self {
            levels,
            root,
            table,
            _entries: PhantomData,
        }
    }

    /// `(address, frame)` of every present leaf in `[start, end)`, in address
    /// order. A block leaf is reported at its own start address.
    pub fn present_leaves(&self, start: usize, end: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let end = end.min(table_reach(self.levels));
        if start < end {
            self.collect(0, self.root, 0, start, end, &mut out);
        }
        out
    }

    /// Physical address of the last-level table holding `va`'s entry, and
    /// the entry's index, if every table on the way exists.
    pub fn leaf_slot(&self, va: usize) -> Option<(usize, usize)> {
        if va >= table_reach(self.levels) {
            return None;
        }
        let mut table = self.root;
        for level in 0..self.levels - 1 {
            let entry = &(self.table)(table)[index(self.levels, level, va)];
            if !entry.is_present() || entry.is_block() {
                return None;
            }
            table = entry.target();
        }
        Some((table, index(self.levels, self.levels - 1, va)))
    }

    /// Visits the entries of the table at `level` (covering addresses from
    /// `base`) that overlap `[start, end)`.
    fn collect(
        &self,
        level: usize,
        table: usize,
        base: usize,
        start: usize,
        end: usize,
        out: &mut Vec<(usize, usize)>,
    ) {
        let span = entry_span(self.levels, level);
        let first = (start - base) / span;
        let last = (end - 1 - base) / span;
        let entries = (self.table)(table);
        for (i, entry) in entries[first..=last].iter().enumerate() {
            if !entry.is_present() {
                continue;
            }
            let va = base + (first + i) * span;
            if level + 1 == self.levels || entry.is_block() {
                out.push((va, entry.target()));
            } else {
                self.collect(
                    level + 1,
                    entry.target(),
                    va,
                    start.max(va),
                    end.min(va + span),
                    out,
                );
            }
        }
    }
}

/// Index of `va`'s entry in its table at `level`.
fn index(levels: usize, level: usize, va: usize) -> usize {
    (va / entry_span(levels, level)) % ENTRIES
}

#[cfg(test)]
mod tests {
    use core::cell::Cell;

    use super::*;

    #[derive(Clone, Copy, Default)]
    struct E {
        present: bool,
        block: bool,
        target: usize,
    }

    impl Entry for E {
        fn is_present(&self) -> bool {
            self.present
        }
        fn is_block(&self) -> bool {
            self.block
        }
        fn target(&self) -> usize {
            self.target
        }
    }

    /// Simulated tables: a table's "physical address" is its index.
    struct Tables {
        levels: usize,
        tables: Vec<Vec<E>>,
    }

    impl Tables {
        fn new(levels: usize) -> Self {
            Self {
                levels,
                tables: alloc::vec![alloc::vec![E::default(); ENTRIES]],
            }
        }

        /// Maps the page at `va` to `frame`, creating tables on the way.
        fn map(&mut self, va: usize, frame: usize) {
            let mut t = 0;
            for level in 0..self.levels - 1 {
                let i = index(self.levels, level, va);
                if !self.tables[t][i].present {
                    self.tables.push(alloc::vec![E::default(); ENTRIES]);
                    let new = self.tables.len() - 1;
                    self.tables[t][i] = E {
                        present: true,
                        block: false,
                        target: new,
                    };
                }
                t = self.tables[t][i].target;
            }
            let i = index(self.levels, self.levels - 1, va);
            self.tables[t][i] = E {
                present: true,
                block: false,
                target: frame,
            };
        }
    }

    const GIB: usize = 1 << 30;
    const TIB: usize = 1 << 40;

    #[test]
    fn spans() {
        assert_eq!(entry_span(4, 3), PAGE_SIZE);
        assert_eq!(entry_span(4, 0), 512 * GIB);
        assert_eq!(table_reach(4), 1 << 48);
        assert_eq!(table_reach(3), 1 << 39);
    }

    #[test]
    fn leaves_in_range_in_order() {
        let mut t = Tables::new(4);
        let pages = [
            0x1000,
            0x2000,
            0x20_0000,
            GIB + 0x5000,
            TIB,
            3 * TIB + 0x7000,
        ];
        for (n, &va) in pages.iter().enumerate() {
            t.map(va, 100 + n);
        }
        let w = Walker::new(4, 0, |pa: usize| &t.tables[pa][..]);
        let all: Vec<usize> = w
            .present_leaves(0, 1 << 47)
            .iter()
            .map(|&(va, _)| va)
            .collect();
        assert_eq!(all, pages);
        assert_eq!(
            w.present_leaves(0x2000, GIB + 0x5001),
            alloc::vec![(0x2000, 101), (0x20_0000, 102), (GIB + 0x5000, 103)]
        );
        assert_eq!(w.present_leaves(0x2000, 0x2000), alloc::vec![]);
        assert_eq!(w.present_leaves(0x3000, 0x20_0000), alloc::vec![]);
    }

    #[test]
    fn sparse_range_visits_only_existing_tables() {
        let mut t = Tables::new(4);
        t.map(0x10_0000, 1);
        t.map(TIB - PAGE_SIZE, 2);
        let visits = Cell::new(0);
        let w = Walker::new(4, 0, |pa: usize| {
            visits.set(visits.get() + 1);
            &t.tables[pa][..]
        });
        // 64 TiB holds 16 Gi pages: only the two paths down are read.
        assert_eq!(w.present_leaves(0, 64 * TIB).len(), 2);
        assert!(visits.get() <= 7, "{} tables visited", visits.get());
    }

    #[test]
    fn three_levels_and_blocks() {
        let mut t = Tables::new(3);
        t.map(0x4000, 7);
        t.tables[0][5] = E {
            present: true,
            block: true,
            target: 99,
        }; // a 1 GiB block
        let w = Walker::new(3, 0, |pa: usize| &t.tables[pa][..]);
        assert_eq!(
            w.present_leaves(0, 1 << 39),
            alloc::vec![(0x4000, 7), (5 * GIB, 99)]
        );
        assert_eq!(
            w.present_leaves(5 * GIB + 0x1000, 5 * GIB + 0x2000),
            alloc::vec![(5 * GIB, 99)]
        );
        assert_eq!(w.present_leaves(1 << 39, usize::MAX), alloc::vec![]);
    }

    #[test]
    fn leaf_slot_needs_the_whole_path() {
        let mut t = Tables::new(4);
        t.map(GIB + 0x3000, 5);
        let w = Walker::new(4, 0, |pa: usize| &t.tables[pa][..]);
        let (table, i) = w.leaf_slot(GIB + 0x3000).unwrap();
        assert_eq!((t.tables[table][i].target, i), (5, 3));
        assert_eq!(w.leaf_slot(GIB + 0x4000).map(|(tb, _)| tb), Some(table));
        assert_eq!(w.leaf_slot(2 * GIB), None);
        assert_eq!(w.leaf_slot(1 << 48), None);
    }
}
