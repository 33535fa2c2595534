//! The futex wait queues: one FIFO of waiters per key, in buckets chosen by
//! a hash of the key, each under its own lock (Linux's futex hash buckets),
//! so futexes of unrelated processes and threads do not contend. A bucket's
//! lock sleeps rather than spins because a waiter reads its futex word
//! under it, which may fault: checking the word and queueing are then one
//! step for every waker, as in Linux, so a wake is never lost and a woken
//! waiter always returns 0. Operations on two keys lock both buckets in
//! index order. Lock order: bucket locks, then an address space's.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use axsync::{Mutex, MutexGuard};

use super::key::{Key, KeyId};
use crate::errno::{Errno, SysResult};
use crate::task::wait::{WaitError, WaitQueue};
use crate::uaccess::read_val;

/// One thread blocked in FUTEX_WAIT.
struct Waiter {
    /// The key it waits on now (FUTEX_REQUEUE moves it); changed under the
    /// locks of both the old and the new key's bucket.
    key: spin::Mutex<Key>,
    bitset: u32,
    /// Set under its bucket's lock when a waker takes it off its queue.
    woken: AtomicBool,
    wq: WaitQueue,
}

impl Waiter {
    fn wake(&self) {
        self.woken.store(true, Ordering::Release);
        self.wq.notify_all();
    }
}

type Bucket = BTreeMap<KeyId, VecDeque<Arc<Waiter>>>;

/// A power of two, a few per CPU as Linux sizes its table.
const BUCKETS: usize = 64;

static TABLE: [Mutex<Bucket>; BUCKETS] = [const { Mutex::new(BTreeMap::new()) }; BUCKETS];

/// The bucket index of a key: a multiplicative hash of its fields.
fn index(key: &KeyId) -> usize {
    let (a, b) = match *key {
        KeyId::Mm { mm, addr, shared } => (mm as u64 ^ shared as u64, addr as u64),
        KeyId::Object { object, offset } => (object.0 ^ object.1.rotate_left(32), offset),
    };
    let h = (a.rotate_left(17) ^ b).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> (64 - BUCKETS.trailing_zeros())) as usize
}

fn lock(key: &KeyId) -> MutexGuard<'static, Bucket> {
    TABLE[index(key)].lock()
}

/// The buckets of two keys, locked in index order (once if they share one).
struct Pair {
    first: MutexGuard<'static, Bucket>,
    first_index: usize,
    second: Option<MutexGuard<'static, Bucket>>,
}

impl Pair {
    fn lock(a: &KeyId, b: &KeyId) -> Self {
        let (i, j) = (index(a), index(b));
        let (lo, hi) = (i.min(j), i.max(j));
        let first = TABLE[lo].lock();
        let second = (hi != lo).then(|| TABLE[hi].lock());
        Self {
            first,
            first_index: lo,
            second,
        }
    }

    fn bucket(&mut self, key: &KeyId) -> &mut Bucket {
        match &mut self.second {
            Some(second) if index(key) != self.first_index => second,
            _ => &mut self.first,
        }
    }
}

/// Takes waiters of `key` off their queue, oldest first, while `take` says
/// so for each one that `select`s; returns them.
fn drain(
    bucket: &mut Bucket,
    key: KeyId,
    mut select: impl FnMut(&Waiter) -> bool,
    mut take: impl FnMut(usize) -> bool,
) -> VecDeque<Arc<Waiter>> {
    let mut out = VecDeque::new();
    let Some(queue) = bucket.get_mut(&key) else {
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
        bucket.remove(&key);
    }
    out
}

/// Wakes waiters of `key` whose bitset meets `bitset`, at most `n` of them
/// but at least one (as Linux counts: `n` <= 0 wakes one). Returns how
/// many it woke.
pub fn wake(key: &Key, n: i32, bitset: u32) -> usize {
    wake_locked(&mut lock(&key.id), key.id, n, bitset)
}

fn wake_locked(bucket: &mut Bucket, key: KeyId, n: i32, bitset: u32) -> usize {
    let limit = n.max(1) as usize;
    let woken = drain(bucket, key, |w| w.bitset & bitset != 0, |k| k < limit);
    woken.iter().for_each(|w| w.wake());
    woken.len()
}

/// FUTEX_WAIT: sleeps on `key` if the word at `addr` still holds `val`,
/// until woken, the monotonic `deadline` or a signal.
pub fn wait(key: Key, addr: usize, val: u32, bitset: u32, deadline: Option<Duration>) -> SysResult {
    let id = key.id;
    let waiter = Arc::new(Waiter {
        key: spin::Mutex::new(key),
        bitset,
        woken: AtomicBool::new(false),
        wq: WaitQueue::new(),
    });
    {
        let mut bucket = lock(&id);
        if read_val::<u32>(addr)? != val {
            return Err(Errno::EAGAIN);
        }
        bucket.entry(id).or_default().push_back(waiter.clone());
    }
    let woken = || waiter.woken.load(Ordering::Acquire);
    let err = match waiter.wq.wait_until_deadline(deadline, woken) {
        Ok(()) => return Ok(0),
        Err(e) => e,
    };
    // Leave the queue of the key we are on now; a requeue may move us
    // between reading the key and locking its bucket, so check again.
    loop {
        let id = waiter.key.lock().id;
        let mut bucket = lock(&id);
        if waiter.key.lock().id != id {
            continue;
        }
        if woken() {
            return Ok(0); // a wake came with the signal or the timeout
        }
        drain(&mut bucket, id, |w| core::ptr::eq(w, &*waiter), |_| true);
        break;
    }
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
    let mut buckets = Pair::lock(&from.id, &to.id);
    if let Some((addr, val)) = cmp
        && read_val::<u32>(addr)? != val
    {
        return Err(Errno::EAGAIN);
    }
    let total = nr_wake.saturating_add(nr_requeue);
    let taken = drain(buckets.bucket(&from.id), from.id, |_| true, |k| k < total);
    let count = taken.len();
    for (i, w) in taken.into_iter().enumerate() {
        if i < nr_wake {
            w.wake();
        } else {
            *w.key.lock() = to.clone();
            buckets
                .bucket(&to.id)
                .entry(to.id)
                .or_default()
                .push_back(w);
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
    let mut buckets = Pair::lock(&key1.id, &key2.id);
    let cond = op()?;
    let mut woken = wake_locked(buckets.bucket(&key1.id), key1.id, nr1, u32::MAX);
    if cond {
        woken += wake_locked(buckets.bucket(&key2.id), key2.id, nr2, u32::MAX);
    }
    Ok(woken)
}
