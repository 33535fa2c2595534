//! A pidfd: an fd that names a process, or one thread of it (pidfd_open,
//! CLONE_PIDFD). It holds the process itself, so it stays valid when the
//! pid is released: it then reads as such (poll's POLLHUP, ESRCH to
//! signals, Pid -1 in fdinfo).

use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use core::sync::atomic::Ordering;
use core::task::Waker;

use super::{FileLike, Kstat, events};
use crate::errno::{Errno, SysResult};
use crate::task::{Process, find_process, find_thread};

pub struct PidFd {
    process: Arc<Process>,
    /// The thread it names, for a pidfd of one thread (PIDFD_THREAD).
    thread: Option<i32>,
    ino: u64,
}

impl PidFd {
    /// A pidfd of `process`, or of its thread `thread`.
    pub fn new(process: Arc<Process>, thread: Option<i32>) -> Arc<Self> {
        Arc::new(Self {
            process,
            thread,
            ino: super::anon_ino(),
        })
    }

    /// The process, reaped or not (a thread's process for a thread pidfd).
    pub fn process(&self) -> &Arc<Process> {
        &self.process
    }

    /// The pid (or tid) it names.
    pub fn pid(&self) -> i32 {
        self.thread.unwrap_or(self.process.pid)
    }

    /// Whether it names one thread rather than a process.
    pub fn is_thread(&self) -> bool {
        self.thread.is_some()
    }

    fn reaped(&self) -> bool {
        !find_process(self.process.pid).is_some_and(|p| Arc::ptr_eq(&p, &self.process))
    }

    fn thread_exited(&self, tid: i32) -> bool {
        find_thread(tid).is_none_or(|t| !Arc::ptr_eq(&t.process, &self.process))
    }

    /// Whether what it names has exited: the thread, or the whole thread
    /// group (also for the leader's thread pidfd: Linux delays a leader's
    /// exit until its group's).
    fn exited(&self) -> bool {
        match self.thread {
            Some(tid) if tid != self.process.pid => self.thread_exited(tid),
            _ => self.process.zombie.load(Ordering::Acquire),
        }
    }

    /// Whether its pid names nothing any more: the process was reaped, or
    /// the thread exited (a thread other than the leader is released at
    /// once; the leader stays until its process is reaped).
    pub fn released(&self) -> bool {
        match self.thread {
            Some(tid) if tid != self.process.pid => self.thread_exited(tid),
            _ => self.reaped(),
        }
    }

    /// The process while what the pidfd names can still take signals or
    /// give fds; ESRCH once released.
    pub fn live_process(&self) -> SysResult<&Arc<Process>> {
        if self.released() {
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
        // What Linux's pidfs shows.
        Ok(Kstat::anonymous(0x5, self.ino, 0o700))
    }

    /// Readable once what it names has exited; hung up once released too.
    fn poll(&self) -> u16 {
        if self.released() {
            events::POLLIN | events::POLLRDNORM | events::POLLHUP
        } else if self.exited() {
            events::POLLIN | events::POLLRDNORM
        } else {
            0
        }
    }

    /// The process wakes its pidfds' pollers when one of its threads
    /// exits, when it becomes a zombie and when it is reaped.
    fn register(&self, waker: &Waker, _events: u16) {
        self.process.pollers.register(waker);
    }

    fn fdinfo(&self) -> String {
        let pid = if self.released() { -1 } else { self.pid() };
        format!("Pid:\t{pid}\nNSpid:\t{pid}\n")
    }

    fn path(&self) -> String {
        "anon_inode:[pidfd]".into()
    }
}
