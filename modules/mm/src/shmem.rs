//! Anonymous shared memory (`MAP_SHARED|MAP_ANONYMOUS`, a shared mapping of
//! `/dev/zero`): a fixed-size store of zero-filled frames that every mapping
//! of it, in any process, maps in place. Like Linux's shmem object it does
//! not grow with the mapping: pages past its size raise a bus error.

use alloc::collections::BTreeMap;
use core::sync::atomic::{AtomicU64, Ordering};

use kspin::SpinNoIrq;
use memory_addr::PhysAddr;

use crate::aspace::{PageError, PageSource, SourceIdentity};
use crate::{PAGE_SIZE, frame};

pub struct SharedMemory {
    size: u64,
    inode: u64,
    /// Frames by page index, allocated on first touch.
    frames: SpinNoIrq<BTreeMap<u64, PhysAddr>>,
}

impl SharedMemory {
    pub fn new(size: usize) -> Self {
        static NEXT_INODE: AtomicU64 = AtomicU64::new(1);
        Self {
            size: size as u64,
            inode: NEXT_INODE.fetch_add(1, Ordering::Relaxed),
            frames: SpinNoIrq::new(BTreeMap::new()),
        }
    }

    /// Pages that have a frame (touched at least once).
    pub fn resident_pages(&self) -> usize {
        self.frames.lock().len()
    }

    fn check(&self, offset: u64) -> Result<u64, PageError> {
        if offset >= self.size {
            Err(PageError::Beyond)
        } else {
            Ok(offset / PAGE_SIZE as u64)
        }
    }
}

impl PageSource for SharedMemory {
    fn read_page(&self, offset: u64, page: &mut [u8]) -> Result<(), PageError> {
        let index = self.check(offset)?;
        match self.frames.lock().get(&index) {
            Some(&pa) => page.copy_from_slice(frame::bytes_mut(pa)),
            None => page.fill(0),
        }
        Ok(())
    }

    fn share_page(
        &self,
        offset: u64,
        _write: bool,
        install: &mut dyn FnMut(PhysAddr),
    ) -> Result<(), PageError> {
        let index = self.check(offset)?;
        let mut frames = self.frames.lock();
        let pa = match frames.get(&index) {
            Some(&pa) => pa,
            None => {
                let pa = frame::alloc_zeroed().ok_or(PageError::NoMemory)?;
                frames.insert(index, pa);
                pa
            }
        };
        install(pa);
        Ok(())
    }

    /// A device number no filesystem has: never the id of a file.
    fn object_id(&self) -> (u64, u64) {
        (u64::MAX, self.inode)
    }

    fn identity(&self) -> SourceIdentity {
        SourceIdentity {
            path: "/dev/zero (deleted)".into(),
            device: 1,
            inode: self.inode,
        }
    }
}

impl Drop for SharedMemory {
    fn drop(&mut self) {
        for &pa in self.frames.get_mut().values() {
            frame::put(pa);
        }
    }
}
