//! A pidfd: an fd that names a process (pidfd_open, CLONE_PIDFD). It holds
//! the process itself, so it stays valid when the pid is reaped: it then
//! reads as reaped (poll's POLLHUP, ESRCH to signals, Pid -1 in fdinfo).

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use core::any::Any;
use core::sync::atomic::Ordering;

use super::{FileLike, Kstat, events};
use crate::errno::{Errno, SysResult};
use crate::task::{Process, find_process};

pub struct PidFd {
    process: Arc<Process>,
    ino: u64,
}

impl PidFd {
    pub fn new(process: Arc<Process>) -> Arc<Self> {
        Arc::new(Self {
            process,
            ino: super::anon_ino(),
        })
    }

    /// The process, reaped or not.
    pub fn process(&self) -> &Arc<Process> {
        &self.process
    }

    /// Whether the process was reaped (its pid names nothing any more).
    pub fn reaped(&self) -> bool {
        !find_process(self.process.pid).is_some_and(|p| Arc::ptr_eq(&p, &self.process))
    }

    /// The process while it can still take signals or give fds: not
    /// reaped. ESRCH after.
    pub fn live_process(&self) -> SysResult<&Arc<Process>> {
        if self.reaped() {
            Err(Errno::ESRCH)
        } else {
            Ok(&self.process)
        }
    }
}

impl FileLike for PidFd {
    fn read(&self, _buf: &mut [u8], _nonblock: bool) -> SysResult<usize> {
        Err(Errno::EINVAL)
    }

    fn write(&self, _buf: &[u8], _nonblock: bool) -> SysResult<usize> {
        Err(Errno::EINVAL)
    }

    fn stat(&self) -> SysResult<Kstat> {
        // What Linux's pidfs shows: permission bits without a file type.
        Ok(Kstat {
            dev: 0x5,
            ino: self.ino,
            mode: 0o700,
            nlink: 1,
            blksize: 4096,
            ..Default::default()
        })
    }

    /// Readable once the whole thread group has exited; hung up once it is
    /// reaped too.
    fn poll(&self) -> u16 {
        if self.reaped() {
            events::POLLIN | events::POLLRDNORM | events::POLLHUP
        } else if self.process.zombie.load(Ordering::Acquire) {
            events::POLLIN | events::POLLRDNORM
        } else {
            0
        }
    }

    fn fdinfo(&self) -> String {
        let pid = if self.reaped() { -1 } else { self.process.pid };
        format!("Pid:\t{pid}\nNSpid:\t{pid}\n")
    }

    fn path(&self) -> String {
        "anon_inode:[pidfd]".into()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
