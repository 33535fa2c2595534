//! Sparse, growable file contents.
//!
//! Pages are allocated only when non-zero data is written to them, so a
//! `ftruncate` to a large size (common before `mmap`) costs nothing and holes
//! read as zeros. Invariant: bytes at or past `len` inside an allocated page are
//! zero, so growing the file never exposes stale data.

use alloc::{collections::BTreeMap, vec::Vec};
use core::sync::atomic::{AtomicU64, Ordering};

use axfs_ng_vfs::{VfsError, VfsResult};

use crate::common::BLOCK_SIZE;

const PAGE: u64 = BLOCK_SIZE as u64;

/// Largest file size, as on 64-bit Linux (offsets are signed there).
const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// Page accounting for one filesystem, enforcing its optional size limit.
pub(crate) struct Usage {
    pages: AtomicU64,
    max_pages: Option<u64>,
}

impl Usage {
    pub fn new(max_bytes: Option<u64>) -> Self {
        Self {
            pages: AtomicU64::new(0),
            max_pages: max_bytes.map(|bytes| bytes / PAGE),
        }
    }

    pub fn pages(&self) -> u64 {
        self.pages.load(Ordering::Relaxed)
    }

    pub fn max_pages(&self) -> Option<u64> {
        self.max_pages
    }

    fn charge(&self) -> VfsResult<()> {
        let limit = self.max_pages.unwrap_or(u64::MAX);
        self.pages
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                (used < limit).then_some(used + 1)
            })
            .map(drop)
            .map_err(|_| VfsError::StorageFull)
    }

    fn uncharge(&self, pages: u64) {
        self.pages.fetch_sub(pages, Ordering::Relaxed);
    }
}

fn alloc_page() -> VfsResult<Vec<u8>> {
    let mut page = Vec::new();
    page.try_reserve_exact(BLOCK_SIZE)
        .map_err(|_| VfsError::NoMemory)?;
    page.resize(BLOCK_SIZE, 0);
    Ok(page)
}

/// The bytes of a regular file or a symlink target.
#[derive(Default)]
pub(crate) struct SparseBytes {
    pages: BTreeMap<u64, Vec<u8>>,
    len: u64,
}

impl SparseBytes {
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Number of allocated pages (holes excluded).
    pub fn pages(&self) -> u64 {
        self.pages.len() as u64
    }

    /// Reads at `offset`; returns the count. The part of `buf` past the end
    /// of the file is zeroed: axfs-ng's page cache (0.3.0-preview.3) reads
    /// whole pages through here and keeps whatever the rest of a fresh,
    /// uninitialised page held.
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> usize {
        let total = buf.len().min(self.len.saturating_sub(offset) as usize);
        buf[total..].fill(0);
        let mut done = 0;
        while done < total {
            let pos = offset + done as u64;
            let in_page = (pos % PAGE) as usize;
            let chunk = (BLOCK_SIZE - in_page).min(total - done);
            let dst = &mut buf[done..done + chunk];
            match self.pages.get(&(pos / PAGE)) {
                Some(page) => dst.copy_from_slice(&page[in_page..in_page + chunk]),
                None => dst.fill(0),
            }
            done += chunk;
        }
        total
    }

    pub fn write_at(&mut self, buf: &[u8], offset: u64, usage: &Usage) -> VfsResult<usize> {
        let end = offset
            .checked_add(buf.len() as u64)
            .filter(|end| *end <= MAX_FILE_SIZE)
            .ok_or(VfsError::InvalidInput)?;
        let mut done = 0;
        while done < buf.len() {
            let pos = offset + done as u64;
            let in_page = (pos % PAGE) as usize;
            let chunk = (BLOCK_SIZE - in_page).min(buf.len() - done);
            let src = &buf[done..done + chunk];
            let pn = pos / PAGE;
            if let Some(page) = self.pages.get_mut(&pn) {
                page[in_page..in_page + chunk].copy_from_slice(src);
            } else if src.iter().any(|b| *b != 0) {
                // Zeros written into a hole stay a hole.
                if let Err(err) = usage.charge() {
                    // Keep what was written so far, like a short write on Linux.
                    self.len = self.len.max(pos);
                    return if done > 0 { Ok(done) } else { Err(err) };
                }
                let mut page = alloc_page().inspect_err(|_| usage.uncharge(1))?;
                page[in_page..in_page + chunk].copy_from_slice(src);
                self.pages.insert(pn, page);
            }
            done += chunk;
        }
        self.len = self.len.max(end);
        Ok(done)
    }

    pub fn set_len(&mut self, len: u64, usage: &Usage) -> VfsResult<()> {
        if len > MAX_FILE_SIZE {
            return Err(VfsError::InvalidInput);
        }
        if len < self.len {
            let dropped = self.pages.split_off(&len.div_ceil(PAGE));
            usage.uncharge(dropped.len() as u64);
            if let Some(page) = self.pages.get_mut(&(len / PAGE)) {
                page[(len % PAGE) as usize..].fill(0);
            }
        }
        self.len = len;
        Ok(())
    }

    /// Frees every page (the node is gone).
    pub fn release(&mut self, usage: &Usage) {
        usage.uncharge(self.pages());
        self.pages.clear();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_read_as_zeros_and_cost_nothing() {
        let usage = Usage::new(None);
        let mut data = SparseBytes::default();
        data.set_len(10 * PAGE, &usage).unwrap();
        assert_eq!(data.pages(), 0);
        data.write_at(b"abc", 5 * PAGE + 10, &usage).unwrap();
        data.write_at(&[0; 100], 7 * PAGE, &usage).unwrap();
        assert_eq!((data.pages(), usage.pages()), (1, 1));
        let mut buf = [1u8; 16];
        assert_eq!(data.read_at(&mut buf, 5 * PAGE + 8), 16);
        assert_eq!(&buf[..6], &[0, 0, b'a', b'b', b'c', 0]);
        assert_eq!(data.read_at(&mut buf, 10 * PAGE), 0);
        assert_eq!(data.len(), 10 * PAGE);
    }

    #[test]
    fn shrink_then_grow_exposes_zeros() {
        let usage = Usage::new(None);
        let mut data = SparseBytes::default();
        data.write_at(&[7; 3 * BLOCK_SIZE], 0, &usage).unwrap();
        assert_eq!(usage.pages(), 3);
        data.set_len(PAGE + 1, &usage).unwrap();
        assert_eq!(usage.pages(), 2);
        data.set_len(3 * PAGE, &usage).unwrap();
        let mut buf = [9u8; 4];
        data.read_at(&mut buf, PAGE - 1);
        assert_eq!(buf, [7, 7, 0, 0]);
        data.release(&usage);
        assert_eq!(usage.pages(), 0);
    }

    #[test]
    fn size_limit_gives_short_write_then_storage_full() {
        let usage = Usage::new(Some(2 * PAGE));
        let mut data = SparseBytes::default();
        assert_eq!(
            data.write_at(&[1; 3 * BLOCK_SIZE], 0, &usage),
            Ok(2 * BLOCK_SIZE)
        );
        assert_eq!(data.len(), 2 * PAGE);
        assert_eq!(
            data.write_at(&[1], 2 * PAGE, &usage),
            Err(VfsError::StorageFull)
        );
        assert_eq!(
            data.write_at(&[1], u64::MAX, &usage),
            Err(VfsError::InvalidInput)
        );
    }
}
