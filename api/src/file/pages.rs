//! A VFS file seen as pages, for demand-paged mappings (exec and mmap).

use axfs_ng::File;
use mm::aspace::{PageSource, SourceIdentity};

pub struct FilePages(pub File);

impl FilePages {
    /// Reads as much of `buf` as the file holds at `offset`; returns the count.
    pub fn read_full(&self, offset: u64, buf: &mut [u8]) -> usize {
        let mut done = 0;
        while done < buf.len() {
            match self.0.read_at(&mut buf[done..], offset + done as u64) {
                Ok(0) | Err(_) => break,
                Ok(n) => done += n,
            }
        }
        done
    }
}

impl PageSource for FilePages {
    fn read_page(&self, offset: u64, page: &mut [u8]) {
        self.read_full(offset, page);
    }

    fn write_page(&self, offset: u64, page: &[u8]) {
        // Never extend the file: only the part inside it is written back.
        let len = self.0.location().len().unwrap_or(0);
        if offset >= len {
            return;
        }
        let n = page.len().min((len - offset) as usize);
        let _ = self.0.write_at(&page[..n], offset);
    }

    fn identity(&self) -> SourceIdentity {
        let loc = self.0.location();
        let (device, inode) = loc.metadata().map(|m| (m.device, m.inode)).unwrap_or_default();
        let path = loc.absolute_path().map(|p| p.as_str().into()).unwrap_or_default();
        SourceIdentity { path, device, inode }
    }
}
