//! The futex wait queues: one FIFO of waiters per key, all under one lock
//! (Linux's hash buckets, without the hashing). The lock sleeps rather than
//! spins because a waiter reads its futex word under it, which may fault:
//! checking the word and queueing are then one step for every waker, as in
//! Linux, so a wake is never lost and a woken waiter always returns 0.
//! Lock order: this lock, then an address space's.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use axsync::Mutex;

use super::key::{Key, KeyId};
use crate::errno::{Errno, SysResult};
use crate::task::wait::{WaitError, WaitQueue};
use crate::uaccess::read_val;

/// One thread blocked in FUTEX_WAIT.
struct Waiter {
    /// The key it waits on now (FUTEX_REQUEUE moves it); changed under the
    /// table lock.
    key: spin::Mutex<Key>,
    bitset: u32,
    /// Set under the table lock when a waker takes it off its queue.
    woken: AtomicBool,
    wq: WaitQueue,
}

impl Waiter {
    fn wake(&self) {
        self.woken.store(true, Ordering::Release);
        self.wq.notify_all();
    }
}

type Table = BTreeMap<KeyId, VecDeque<Arc<Waiter>>>;

static TABLE: Mutex<Table> = Mutex::new(BTreeMap::new());

/// Takes waiters of `key` off their queue, oldest first, while `take` says
/// so for each one that `select`s; returns them.
fn drain(
    table: &mut Table,
    key: KeyId,
    mut select: impl FnMut(&Waiter) -> bool,
    mut take: impl FnMut(usize) -> bool,
) -> VecDeque<Arc<Waiter>> {
    let mut out = VecDeque::new();
    let Some(queue) = table.get_mut(&key) else {
        return out;
    };
    let mut i = 0;
    while i < queue.len() && take(out.len()) {
        if select(&queue[i]) {
            out.push_back(queue.remove(i).unwrap());
        } else {
            i += 1;
        }
    }
    if queue.is_empty() {
        table.remove(&key);
    }
    out
}

/// Wakes waiters of `key` whose bitset meets `bitset`, at most `n` of them
/// but at least one (as Linux counts: `n` <= 0 wakes one). Returns how
/// many it woke.
pub fn wake(key: &Key, n: i32, bitset: u32) -> usize {
    let mut table = TABLE.lock();
    wake_locked(&mut table, key.id, n, bitset)
}

fn wake_locked(table: &mut Table, key: KeyId, n: i32, bitset: u32) -> usize {
    let limit = n.max(1) as usize;
    let woken = drain(table, key, |w| w.bitset & bitset != 0, |k| k < limit);
    woken.iter().for_each(|w| w.wake());
    woken.len()
}

/// FUTEX_WAIT: sleeps on `key` if the word at `addr` still holds `val`,
/// until woken, the monotonic `deadline` or a signal.
pub fn wait(key: Key, addr: usize, val: u32, bitset: u32, deadline: Option<Duration>) -> SysResult {
    let waiter = Arc::new(Waiter {
        key: spin::Mutex::new(key.clone()),
        bitset,
        woken: AtomicBool::new(false),
        wq: WaitQueue::new(),
    });
    {
        let mut table = TABLE.lock();
        if read_val::<u32>(addr)? != val {
            return Err(Errno::EAGAIN);
        }
        table.entry(key.id).or_default().push_back(waiter.clone());
    }
    let woken = || waiter.woken.load(Ordering::Acquire);
    let err = match waiter.wq.wait_until_deadline(deadline, woken) {
        Ok(()) => return Ok(0),
        Err(e) => e,
    };
    let mut table = TABLE.lock();
    if woken() {
        return Ok(0); // a wake came with the signal or the timeout
    }
    let id = waiter.key.lock().id;
    drain(&mut table, id, |w| core::ptr::eq(w, &*waiter), |_| true);
    Err(match err {
        WaitError::TimedOut => Errno::ETIMEDOUT,
        WaitError::Interrupted => Errno::EINTR,
    })
}

/// FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wakes up to `nr_wake` waiters of
/// `from` and moves up to `nr_requeue` more to `to`; with `cmp` =
/// `(addr, val)`, EAGAIN unless the word at `addr` holds `val`. Returns
/// how many were woken or moved.
pub fn requeue(
    from: &Key,
    to: &Key,
    nr_wake: usize,
    nr_requeue: usize,
    cmp: Option<(usize, u32)>,
) -> SysResult<usize> {
    let mut table = TABLE.lock();
    if let Some((addr, val)) = cmp
        && read_val::<u32>(addr)? != val
    {
        return Err(Errno::EAGAIN);
    }
    let total = nr_wake.saturating_add(nr_requeue);
    let taken = drain(&mut table, from.id, |_| true, |k| k < total);
    let count = taken.len();
    for (i, w) in taken.into_iter().enumerate() {
        if i < nr_wake {
            w.wake();
        } else {
            *w.key.lock() = to.clone();
            table.entry(to.id).or_default().push_back(w);
        }
    }
    Ok(count)
}

/// FUTEX_WAKE_OP: applies `op` to the word of `key2` (returning whether
/// its old value passes the comparison), wakes up to `nr1` waiters of
/// `key1` and, if it did, up to `nr2` of `key2`; all atomically with
/// respect to waiters.
pub fn wake_op(
    key1: &Key,
    key2: &Key,
    nr1: i32,
    nr2: i32,
    op: impl FnOnce() -> SysResult<bool>,
) -> SysResult<usize> {
    let mut table = TABLE.lock();
    let cond = op()?;
    let mut woken = wake_locked(&mut table, key1.id, nr1, u32::MAX);
    if cond {
        woken += wake_locked(&mut table, key2.id, nr2, u32::MAX);
    }
    Ok(woken)
}
