//! The per-process table from fd numbers to open file descriptions.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use super::OpenFile;
use super::lock::{self, Owner};
use crate::errno::{Errno, SysResult};
use crate::task::current_process;

#[derive(Clone)]
struct Slot {
    file: Arc<OpenFile>,
    cloexec: bool,
}

/// fd → open file, plus the close-on-exec bit of each fd.
pub struct FdTable {
    slots: Vec<Option<Slot>>,
    /// Owner of the POSIX record locks taken through this table.
    id: u64,
    /// Whether any was taken: only then does a close look for them.
    posix_locked: bool,
}

fn next_table_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Default for FdTable {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            id: next_table_id(),
            posix_locked: false,
        }
    }
}

/// A copy (fork) is a new lock owner holding no POSIX locks, as on Linux.
impl Clone for FdTable {
    fn clone(&self) -> Self {
        Self {
            slots: self.slots.clone(),
            ..Self::default()
        }
    }
}

impl Drop for FdTable {
    fn drop(&mut self) {
        if self.posix_locked {
            lock::release_owner(self.lock_owner());
        }
    }
}

impl FdTable {
    /// The owner of POSIX locks taken through this table; the caller is
    /// about to take one.
    pub fn posix_lock_owner(&mut self) -> Owner {
        self.posix_locked = true;
        self.lock_owner()
    }

    fn lock_owner(&self) -> Owner {
        Owner::Table(self.id)
    }

    /// A file left the table: its POSIX locks held through it go (Linux
    /// drops them on any close of the file by the owner).
    fn closed(&self, file: &OpenFile) {
        if self.posix_locked
            && let Ok(key) = file.lock_key()
        {
            lock::release_file(key, self.lock_owner());
        }
    }

    pub fn get(&self, fd: i32) -> SysResult<Arc<OpenFile>> {
        let idx = usize::try_from(fd).map_err(|_| Errno::EBADF)?;
        self.slots
            .get(idx)
            .and_then(|s| s.as_ref())
            .map(|s| s.file.clone())
            .ok_or(Errno::EBADF)
    }

    /// Installs `file` at the lowest free fd ≥ `min`, below `limit`.
    pub fn add_from(
        &mut self,
        min: usize,
        file: Arc<OpenFile>,
        cloexec: bool,
        limit: usize,
    ) -> SysResult<i32> {
        let free = (min..limit).find(|&i| self.slots.get(i).is_none_or(|s| s.is_none()));
        let fd = free.ok_or(if min >= limit {
            Errno::EINVAL
        } else {
            Errno::EMFILE
        })?;
        if fd >= self.slots.len() {
            self.slots.resize(fd + 1, None);
        }
        self.slots[fd] = Some(Slot { file, cloexec });
        Ok(fd as i32)
    }

    pub fn add(&mut self, file: Arc<OpenFile>, cloexec: bool, limit: usize) -> SysResult<i32> {
        self.add_from(0, file, cloexec, limit)
    }

    /// Puts `file` at exactly `fd`, returning what was there (dup2 semantics).
    pub fn set(&mut self, fd: usize, file: Arc<OpenFile>, cloexec: bool) -> Option<Arc<OpenFile>> {
        if fd >= self.slots.len() {
            self.slots.resize(fd + 1, None);
        }
        let old = self.slots[fd]
            .replace(Slot { file, cloexec })
            .map(|s| s.file);
        if let Some(old) = &old {
            self.closed(old);
        }
        old
    }

    pub fn remove(&mut self, fd: i32) -> SysResult<Arc<OpenFile>> {
        let idx = usize::try_from(fd).map_err(|_| Errno::EBADF)?;
        let file = self
            .slots
            .get_mut(idx)
            .and_then(|s| s.take())
            .map(|s| s.file)
            .ok_or(Errno::EBADF)?;
        self.closed(&file);
        Ok(file)
    }

    pub fn cloexec(&self, fd: i32) -> SysResult<bool> {
        self.get(fd)?;
        Ok(self.slots[fd as usize].as_ref().unwrap().cloexec)
    }

    pub fn set_cloexec(&mut self, fd: i32, on: bool) -> SysResult<()> {
        self.get(fd)?;
        self.slots[fd as usize].as_mut().unwrap().cloexec = on;
        Ok(())
    }

    /// Closes every close-on-exec fd (execve).
    pub fn close_on_exec(&mut self) {
        for fd in 0..self.slots.len() {
            if self.slots[fd].as_ref().is_some_and(|s| s.cloexec) {
                let _ = self.remove(fd as i32);
            }
        }
    }

    /// Closes fds in `[first, last]`, or only marks them close-on-exec.
    pub fn close_range(&mut self, first: usize, last: usize, only_cloexec: bool) {
        let end = last.saturating_add(1).min(self.slots.len());
        for fd in first..end {
            if only_cloexec {
                if let Some(s) = self.slots[fd].as_mut() {
                    s.cloexec = true;
                }
            } else {
                let _ = self.remove(fd as i32);
            }
        }
    }

    /// Open fds in ascending order (for /proc/<pid>/fd).
    pub fn fds(&self) -> impl Iterator<Item = (i32, &Arc<OpenFile>)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|s| (i as i32, &s.file)))
    }

    pub fn clear(&mut self) {
        if self.posix_locked {
            lock::release_owner(self.lock_owner());
        }
        self.slots.clear();
    }
}

/// The open file behind `fd` in the caller's table.
pub fn get_file(fd: i32) -> SysResult<Arc<OpenFile>> {
    crate::task::with_current_thread(|t| t.process.fds.lock().get(fd))
}

/// Installs a file in the caller's table.
pub fn install(file: Arc<dyn super::FileLike>, status: u32, cloexec: bool) -> SysResult<i32> {
    install_open(OpenFile::new(file, status), cloexec)
}

/// Installs an open file description (maybe another process's) in the
/// caller's table, at its lowest free fd below RLIMIT_NOFILE.
pub fn install_open(file: Arc<OpenFile>, cloexec: bool) -> SysResult<i32> {
    let proc = current_process();
    let limit = proc.nofile_limit();
    proc.fds.lock().add(file, cloexec, limit)
}
