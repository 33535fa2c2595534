//! The per-process table from fd numbers to open file descriptions.

use alloc::sync::Arc;
use alloc::vec::Vec;

use super::OpenFile;
use crate::errno::{Errno, SysResult};

#[derive(Clone)]
struct Slot {
    file: Arc<OpenFile>,
    cloexec: bool,
}

/// fd → open file, plus the close-on-exec bit of each fd.
#[derive(Clone, Default)]
pub struct FdTable {
    slots: Vec<Option<Slot>>,
}

impl FdTable {
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
        self.slots[fd]
            .replace(Slot { file, cloexec })
            .map(|s| s.file)
    }

    pub fn remove(&mut self, fd: i32) -> SysResult<Arc<OpenFile>> {
        let idx = usize::try_from(fd).map_err(|_| Errno::EBADF)?;
        self.slots
            .get_mut(idx)
            .and_then(|s| s.take())
            .map(|s| s.file)
            .ok_or(Errno::EBADF)
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
        for s in self.slots.iter_mut() {
            if s.as_ref().is_some_and(|s| s.cloexec) {
                *s = None;
            }
        }
    }

    /// Closes fds in `[first, last]`, or only marks them close-on-exec.
    pub fn close_range(&mut self, first: usize, last: usize, only_cloexec: bool) {
        let end = last.saturating_add(1).min(self.slots.len());
        for s in self.slots.iter_mut().take(end).skip(first) {
            if only_cloexec {
                if let Some(s) = s.as_mut() {
                    s.cloexec = true;
                }
            } else {
                *s = None;
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
        self.slots.clear();
    }
}
