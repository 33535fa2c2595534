//! epoll instances. Each watched file has an interest item whose waker the
//! file's `PollSet` holds (registered through `FileLike::register`); when
//! the file's state changes the waker puts the item on the instance's
//! ready list and wakes the instance's waiters (epoll_wait callers, and the
//! pollers of the epoll fd itself when it sits in another epoll or poll).
//! epoll_wait re-arms each ready item and asks its file for the events it
//! has now (Linux's ep_send_events): level-triggered items stay on the
//! list while they are ready, edge-triggered ones leave it until their
//! file wakes them again, one-shot ones are disabled once reported.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::sync::{Arc, Weak};
use alloc::task::Wake;
use alloc::vec::Vec;
use core::future::poll_fn;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::{Poll, Waker};
use core::time::Duration;

use kspin::SpinNoIrq;
use pollset::PollSet;

use super::{FileKind, FileLike, Kstat, OpenFile, anon_inode_stat, events};
use crate::errno::{Errno, SysResult};
use crate::task::wait::{WaitError, block};

pub const EPOLLERR: u32 = 0x008;
pub const EPOLLHUP: u32 = 0x010;
pub const EPOLLEXCLUSIVE: u32 = 1 << 28;
pub const EPOLLWAKEUP: u32 = 1 << 29;
pub const EPOLLONESHOT: u32 = 1 << 30;
pub const EPOLLET: u32 = 1 << 31;
/// The bits that say how to report rather than what to wait for.
const EP_PRIVATE_BITS: u32 = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;

/// What an interest is keyed by, as in Linux: the open file description
/// and the fd number it was added with.
type Key = (usize, i32);

fn key_of(fd: i32, file: &Arc<OpenFile>) -> Key {
    (Arc::as_ptr(file) as usize, fd)
}

/// One watched file.
struct Item {
    fd: i32,
    /// Weak: the watch goes when the file's last fd is closed, as on Linux.
    file: Weak<OpenFile>,
    /// Requested events and the reporting bits; user data.
    events: SpinNoIrq<(u32, u64)>,
    /// On the ready list (so a second wake does not queue it twice).
    queued: AtomicBool,
    /// Deleted (EPOLL_CTL_DEL) or its file gone: its wakes are ignored.
    removed: AtomicBool,
    instance: Weak<Shared>,
}

impl Item {
    /// Registers the item's waker with its file for the events it wants,
    /// then returns those the file has now (0 for a deleted or disabled
    /// item, or a file that is gone). Registering first means a change
    /// after the look wakes the item.
    fn arm_and_check(self: &Arc<Self>) -> u32 {
        if self.removed.load(Ordering::Acquire) {
            return 0;
        }
        let Some(file) = self.file.upgrade() else {
            return 0;
        };
        let wanted = self.events.lock().0 & !EP_PRIVATE_BITS;
        if wanted == 0 {
            return 0;
        }
        file.file
            .register(&Waker::from(self.clone()), wanted as u16);
        u32::from(file.file.poll()) & wanted
    }
}

impl Wake for Item {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let Some(ep) = self.instance.upgrade() else {
            return;
        };
        if self.removed.load(Ordering::Acquire) {
            return;
        }
        if !self.queued.swap(true, Ordering::AcqRel) {
            ep.ready.lock().push_back(self.clone());
        }
        ep.changed();
    }
}

struct Shared {
    items: SpinNoIrq<BTreeMap<Key, Arc<Item>>>,
    /// Items whose file woke them, oldest first; each checked again when
    /// reported. Locked from wakers, which may run in interrupt handlers.
    ready: SpinNoIrq<VecDeque<Arc<Item>>>,
    /// epoll_wait callers.
    waiters: PollSet,
    /// Pollers of the epoll fd itself (poll, select, an outer epoll).
    pollers: PollSet,
}

impl Shared {
    fn changed(&self) {
        self.waiters.wake();
        self.pollers.wake();
    }
}

/// One ready file as epoll_wait reports it: its events and user data.
#[derive(Clone, Copy)]
pub struct Ready {
    pub events: u32,
    pub data: u64,
}

pub struct Epoll {
    shared: Arc<Shared>,
}

/// An epoll_ctl operation.
pub enum Ctl {
    Add(u32, u64),
    Modify(u32, u64),
    Delete,
}

impl Epoll {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            shared: Arc::new(Shared {
                items: SpinNoIrq::new(BTreeMap::new()),
                ready: SpinNoIrq::new(VecDeque::new()),
                waiters: PollSet::new(),
                pollers: PollSet::new(),
            }),
        })
    }

    /// epoll_ctl on `fd`, whose open file is `file` (the caller checked
    /// that it can be polled and that it is not a loop).
    pub fn control(&self, fd: i32, file: &Arc<OpenFile>, op: Ctl) -> SysResult<()> {
        let key = key_of(fd, file);
        let mut items = self.shared.items.lock();
        match op {
            Ctl::Add(events, data) => {
                if items.contains_key(&key) {
                    return Err(Errno::EEXIST);
                }
                let item = Arc::new(Item {
                    fd,
                    file: Arc::downgrade(file),
                    events: SpinNoIrq::new((events | EPOLLERR | EPOLLHUP, data)),
                    queued: AtomicBool::new(false),
                    removed: AtomicBool::new(false),
                    instance: Arc::downgrade(&self.shared),
                });
                items.insert(key, item.clone());
                drop(items);
                // Watched from now on; queued at once if ready already.
                if item.arm_and_check() != 0 {
                    item.wake_by_ref();
                }
            }
            Ctl::Modify(events, data) => {
                let item = items.get(&key).ok_or(Errno::ENOENT)?.clone();
                drop(items);
                // EPOLLEXCLUSIVE stays as it was added (the caller refuses
                // to set it by MOD).
                let mut ev = item.events.lock();
                *ev = (events | EPOLLERR | EPOLLHUP | (ev.0 & EPOLLEXCLUSIVE), data);
                drop(ev);
                if item.arm_and_check() != 0 {
                    item.wake_by_ref();
                }
            }
            Ctl::Delete => {
                let item = items.remove(&key).ok_or(Errno::ENOENT)?;
                item.removed.store(true, Ordering::Release);
            }
        }
        Ok(())
    }

    /// Whether `fd`'s description `file` is watched with EPOLLEXCLUSIVE.
    pub fn is_exclusive(&self, fd: i32, file: &Arc<OpenFile>) -> Option<bool> {
        let items = self.shared.items.lock();
        let item = items.get(&key_of(fd, file))?;
        Some(item.events.lock().0 & EPOLLEXCLUSIVE != 0)
    }

    /// The epoll instances this one watches (for loop and depth checks).
    pub fn watched_instances(&self) -> Vec<Arc<OpenFile>> {
        let items: Vec<Arc<Item>> = self.shared.items.lock().values().cloned().collect();
        items
            .iter()
            .filter_map(|i| i.file.upgrade())
            .filter(|f| matches!(f.file.kind(), FileKind::Epoll(_)))
            .collect()
    }

    /// Takes up to `max` ready events off the ready list (see the module
    /// comment). Items whose file is gone are dropped.
    fn collect(&self, max: usize) -> Vec<Ready> {
        let mut batch: VecDeque<Arc<Item>> = core::mem::take(&mut *self.shared.ready.lock());
        let mut out = Vec::new();
        let mut keep = Vec::new();
        while out.len() < max {
            let Some(item) = batch.pop_front() else {
                break;
            };
            item.queued.store(false, Ordering::Release);
            if item.file.strong_count() == 0 {
                self.forget(&item);
                continue;
            }
            let (events, data) = *item.events.lock();
            let now = item.arm_and_check();
            if now == 0 {
                continue; // not ready (or deleted, or one-shot and disabled)
            }
            out.push(Ready { events: now, data });
            if events & EPOLLONESHOT != 0 {
                item.events.lock().0 &= EP_PRIVATE_BITS;
            } else if events & EPOLLET == 0 {
                keep.push(item);
            }
        }
        // Back at the head, as Linux splices them: those not looked at (still
        // marked queued), then the level-triggered ones just reported, then
        // any woken meanwhile.
        let mut ready = self.shared.ready.lock();
        let newer = core::mem::take(&mut *ready);
        ready.extend(batch);
        for item in keep {
            if !item.queued.swap(true, Ordering::AcqRel) {
                ready.push_back(item);
            }
        }
        ready.extend(newer);
        out
    }

    /// Removes an item whose file was closed.
    fn forget(&self, item: &Arc<Item>) {
        item.removed.store(true, Ordering::Release);
        self.shared
            .items
            .lock()
            .retain(|_, i| !Arc::ptr_eq(i, item));
    }

    /// epoll_wait: up to `max` ready events, waiting until one is ready,
    /// the monotonic `deadline` passes (Some(now) or earlier: do not wait)
    /// or a signal comes (EINTR). A waiting caller's waker is registered
    /// before each look at the ready list, so a wake after the look is
    /// not missed (as poll's).
    pub fn wait(&self, max: usize, deadline: Option<Duration>) -> SysResult<Vec<Ready>> {
        let out = self.collect(max);
        if !out.is_empty() || deadline.is_some_and(|d| axhal::time::monotonic_time() >= d) {
            return Ok(out);
        }
        let ready = poll_fn(|cx| {
            self.shared.waiters.register(cx.waker());
            let out = self.collect(max);
            if out.is_empty() {
                Poll::Pending
            } else {
                Poll::Ready(out)
            }
        });
        match block(deadline, ready) {
            Ok(out) => Ok(out),
            Err(WaitError::TimedOut) => Ok(Vec::new()),
            Err(WaitError::Interrupted) => Err(Errno::EINTR),
        }
    }

    /// Whether any watched file has events now (the epoll fd's own POLLIN).
    fn has_ready(&self) -> bool {
        let batch: Vec<Arc<Item>> = self.shared.ready.lock().iter().cloned().collect();
        batch.iter().any(|item| item.arm_and_check() != 0)
    }
}

impl FileLike for Epoll {
    fn read(&self, _buf: &mut [u8], _nonblock: bool) -> SysResult<usize> {
        Err(Errno::EINVAL)
    }

    fn write(&self, _buf: &[u8], _nonblock: bool) -> SysResult<usize> {
        Err(Errno::EINVAL)
    }

    fn stat(&self) -> SysResult<Kstat> {
        Ok(anon_inode_stat())
    }

    fn poll(&self) -> u16 {
        if self.has_ready() { events::POLLIN } else { 0 }
    }

    fn register(&self, waker: &Waker, _events: u16) {
        self.shared.pollers.register(waker);
    }

    fn path(&self) -> String {
        "anon_inode:[eventpoll]".into()
    }

    /// One line per watched fd, as Linux's ep_show_fdinfo.
    fn fdinfo(&self) -> String {
        let items: Vec<Arc<Item>> = self.shared.items.lock().values().cloned().collect();
        let mut out = String::new();
        for item in items {
            let Some(file) = item.file.upgrade() else {
                continue;
            };
            let (events, data) = *item.events.lock();
            let st = file.file.stat().unwrap_or_default();
            out += &alloc::format!(
                "tfd: {:8} events: {:8x} data: {:16x}  pos:0 ino:{:x} sdev:{:x}\n",
                item.fd,
                events,
                data,
                st.ino,
                st.dev
            );
        }
        out
    }

    fn kind(&self) -> FileKind<'_> {
        FileKind::Epoll(self)
    }
}

impl Drop for Epoll {
    fn drop(&mut self) {
        // Items hold the instance weakly; their wakers left in files'
        // sets find it gone. Dropping them here frees the memory now.
        self.shared.items.lock().clear();
        self.shared.ready.lock().clear();
    }
}
