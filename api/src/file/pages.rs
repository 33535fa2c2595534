//! VFS files seen as pages, for demand-paged mappings. [`FilePages`] gives
//! copies (exec and MAP_PRIVATE); [`SharedFile`] lends the file's page-cache
//! frames (MAP_SHARED), so that stores through a mapping and read/write(2)
//! see each other at once, as on Linux.

use alloc::sync::Arc;

use axfs_ng::{CachedFile, File, FileBackend};
use axfs_ng_vfs::{Location, TypeMap};
use memory_addr::PhysAddr;
use mm::aspace::{PageError, PageSource, SourceIdentity};
use mm::{PAGE_SIZE, page_ceil, rmap};

/// The page cache of the file at `loc`, shared by every open of it.
///
/// axfs-ng keeps a weak reference to a file's cache in the node's user
/// data, and that map appends on insert and answers lookups with the
/// first entry: once the last handle of a file closes, its dead entry
/// shadows every later one, so each further open would get a private cache
/// and writes through one descriptor (or mapping) would not be seen through
/// another. Two lookups that disagree reveal that; the dead entry is then
/// cleared (the cache is the only user of that map).
fn shared_cache(loc: &Location) -> CachedFile {
    let cache = CachedFile::get_or_create(loc.clone());
    if cache.ptr_eq(&CachedFile::get_or_create(loc.clone())) {
        return cache;
    }
    *loc.user_data() = TypeMap::new();
    CachedFile::get_or_create(loc.clone())
}

/// `file`, moved onto the page cache its location shares with every other
/// open (see [`shared_cache`]); uncached files are left as they are.
pub fn on_shared_cache(file: File) -> File {
    let Ok(FileBackend::Cached(cache)) = file.backend() else {
        return file;
    };
    let shared = shared_cache(file.location());
    if cache.ptr_eq(&shared) {
        return file;
    }
    File::new(FileBackend::Cached(shared), file.flags())
}

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

/// The file's length, or an I/O error.
fn file_len(loc: &Location) -> Result<u64, PageError> {
    loc.len().map_err(|_| PageError::Io)
}

/// A page that starts at or past the end of the file (rounded up to a
/// page) cannot be mapped: touching it is a bus error.
fn check_within(offset: u64, len: u64) -> Result<(), PageError> {
    if offset >= page_ceil(len as usize) as u64 {
        Err(PageError::Beyond)
    } else {
        Ok(())
    }
}

fn identity_of(loc: &Location) -> SourceIdentity {
    let (device, inode) = loc
        .metadata()
        .map(|m| (m.device, m.inode))
        .unwrap_or_default();
    let path = loc
        .absolute_path()
        .map(|p| p.as_str().into())
        .unwrap_or_default();
    SourceIdentity {
        path,
        device,
        inode,
    }
}

impl PageSource for FilePages {
    fn read_page(&self, offset: u64, page: &mut [u8]) -> Result<(), PageError> {
        check_within(offset, file_len(self.0.location())?)?;
        let n = self.read_full(offset, page);
        page[n..].fill(0);
        Ok(())
    }

    fn share_page(
        &self,
        _offset: u64,
        _write: bool,
        _install: &mut dyn FnMut(PhysAddr),
    ) -> Result<(), PageError> {
        Err(PageError::Io) // private copies only
    }

    fn identity(&self) -> SourceIdentity {
        identity_of(self.0.location())
    }
}

/// A file mapped MAP_SHARED: its page-cache frames are mapped in place.
/// Before the cache drops a frame (eviction, truncation, sync) it calls our
/// listener, which unmaps the frame everywhere; the next touch maps the
/// page again.
pub struct SharedFile {
    cache: CachedFile,
    id: u64,
    listener: usize,
}

impl SharedFile {
    /// Lends the frames of `cache`, the page cache of an open file.
    pub fn new(cache: CachedFile) -> Arc<Self> {
        let id = rmap::new_source_id();
        let listener = cache
            .add_evict_listener(move |pn, _| rmap::evict_shared(id, pn as u64 * PAGE_SIZE as u64));
        Arc::new(Self {
            cache,
            id,
            listener,
        })
    }
}

impl Drop for SharedFile {
    fn drop(&mut self) {
        // SAFETY: `listener` was returned by `add_evict_listener` on this
        // very cache handle and is removed only here.
        unsafe { self.cache.remove_evict_listener(self.listener) };
    }
}

/// Zeroes the part of a cached page past the end of the file, which the
/// cache leaves as it found it: a mapping must read zeros there.
fn zero_past_end(data: &mut [u8], offset: u64, len: u64) {
    if len > offset && len - offset < PAGE_SIZE as u64 {
        data[(len - offset) as usize..].fill(0);
    }
}

impl PageSource for SharedFile {
    fn read_page(&self, offset: u64, page: &mut [u8]) -> Result<(), PageError> {
        check_within(offset, file_len(self.cache.location())?)?;
        let n = self
            .cache
            .read_at(&mut *page, offset)
            .map_err(|_| PageError::Io)?;
        page[n..].fill(0);
        Ok(())
    }

    fn share_page(
        &self,
        offset: u64,
        write: bool,
        install: &mut dyn FnMut(PhysAddr),
    ) -> Result<(), PageError> {
        let len = file_len(self.cache.location())?;
        check_within(offset, len)?;
        let pn = u32::try_from(offset / PAGE_SIZE as u64).map_err(|_| PageError::Beyond)?;
        let in_memory = self.cache.in_memory();
        let shared = self.cache.with_page_or_insert(pn, |page, _evicted| {
            zero_past_end(page.data(), offset, len);
            if write && !in_memory {
                page.mark_dirty(); // written back when the cache drops it
            }
            install(page.paddr());
            Ok(())
        });
        shared.map_err(|_| PageError::Io)
    }

    fn evictable_id(&self) -> Option<u64> {
        Some(self.id)
    }

    fn sync(&self) {
        let _ = self.cache.sync(true);
    }

    fn identity(&self) -> SourceIdentity {
        identity_of(self.cache.location())
    }

    fn object_id(&self) -> (u64, u64) {
        let meta = self.cache.location().metadata();
        meta.map(|m| (m.device, m.inode)).unwrap_or_default()
    }
}
