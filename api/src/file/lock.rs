//! Advisory file locks.
//!
//! POSIX record locks (fcntl F_SETLK/F_SETLKW/F_GETLK) belong to an fd table,
//! as Linux's belong to a `files_struct`: closing the file through any fd of
//! that table drops them, and a forked child does not inherit them. OFD locks
//! (F_OFD_*) and BSD `flock()` locks belong to an open file description and
//! go with its last reference. Range locks of both kinds conflict with each
//! other; flock locks only with flock locks, as on Linux.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::errno::{Errno, SysResult};
use crate::task::wait::WaitQueue;

/// Who holds a lock.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Owner {
    /// A POSIX record lock: the id of the fd table it was taken through.
    Table(u64),
    /// An OFD or flock lock: the address of the open file description.
    Description(usize),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Read,
    Write,
}

/// Largest file offset; a range ending here runs to EOF and beyond.
pub const OFFSET_MAX: i64 = i64::MAX;

/// A locked byte range, `start..=end`.
#[derive(Clone, Copy, Debug)]
pub struct RangeLock {
    pub owner: Owner,
    pub kind: Kind,
    pub start: i64,
    pub end: i64,
    /// The process that took it (F_GETLK's l_pid).
    pub pid: i32,
}

impl RangeLock {
    fn overlaps(&self, start: i64, end: i64) -> bool {
        self.start <= end && start <= self.end
    }

    fn conflicts(&self, owner: Owner, kind: Kind, start: i64, end: i64) -> bool {
        self.owner != owner
            && self.overlaps(start, end)
            && (self.kind == Kind::Write || kind == Kind::Write)
    }
}

/// The locks of one file.
#[derive(Default)]
struct FileLocks {
    ranges: Vec<RangeLock>,
    /// flock locks: (open file description, kind).
    flocks: Vec<(Owner, Kind)>,
    /// Tasks waiting for a conflicting lock to go away.
    queue: Arc<WaitQueue>,
}

impl FileLocks {
    fn range_conflict(&self, owner: Owner, kind: Kind, start: i64, end: i64) -> Option<RangeLock> {
        self.ranges
            .iter()
            .find(|l| l.conflicts(owner, kind, start, end))
            .copied()
    }

    fn flock_conflict(&self, desc: Owner, kind: Kind) -> bool {
        self.flocks
            .iter()
            .any(|&(d, k)| d != desc && (k == Kind::Write || kind == Kind::Write))
    }

    /// Replaces `owner`'s locks over `start..=end` with `kind` (None: unlock),
    /// keeping the parts outside the range and merging adjacent locks of
    /// the same kind, as Linux does.
    fn apply(&mut self, owner: Owner, kind: Option<Kind>, start: i64, end: i64, pid: i32) {
        let mut out = Vec::with_capacity(self.ranges.len() + 2);
        for l in self.ranges.drain(..) {
            if l.owner != owner || !l.overlaps(start, end) {
                out.push(l);
                continue;
            }
            if l.start < start {
                out.push(RangeLock {
                    end: start - 1,
                    ..l
                });
            }
            if l.end > end {
                out.push(RangeLock {
                    start: end + 1,
                    ..l
                });
            }
        }
        if let Some(kind) = kind {
            let mut new = RangeLock {
                owner,
                kind,
                start,
                end,
                pid,
            };
            out.retain(|l| {
                let touches =
                    l.start <= new.end.saturating_add(1) && new.start <= l.end.saturating_add(1);
                if l.owner == owner && l.kind == kind && touches {
                    new.start = new.start.min(l.start);
                    new.end = new.end.max(l.end);
                    false
                } else {
                    true
                }
            });
            out.push(new);
        }
        out.sort_by_key(|l| (l.start, l.owner));
        self.ranges = out;
    }

    fn is_empty(&self) -> bool {
        self.ranges.is_empty() && self.flocks.is_empty()
    }
}

/// A file's identity: (device, inode).
pub type FileKey = (u64, u64);

static LOCKS: spin::Mutex<BTreeMap<FileKey, FileLocks>> = spin::Mutex::new(BTreeMap::new());

/// POSIX lock owners blocked in F_SETLKW → the owner they wait for, to find
/// deadlocks as Linux's posix_locks_deadlock does.
static WAITS_FOR: spin::Mutex<BTreeMap<u64, Owner>> = spin::Mutex::new(BTreeMap::new());

/// Linux gives up following a wait chain after this many steps.
const MAX_DEADLOCK_STEPS: usize = 10;

fn would_deadlock(me: Owner, blocker: Owner) -> bool {
    let Owner::Table(_) = me else {
        return false; // OFD locks have no deadlock detection.
    };
    let waits = WAITS_FOR.lock();
    let mut next = blocker;
    for _ in 0..=MAX_DEADLOCK_STEPS {
        if next == me {
            return true;
        }
        match next {
            Owner::Table(t) => match waits.get(&t) {
                Some(&o) => next = o,
                None => return false,
            },
            Owner::Description(_) => return false,
        }
    }
    false
}

/// F_GETLK: the first lock that would block `kind` over `start..=end`.
pub fn test(key: FileKey, owner: Owner, kind: Kind, start: i64, end: i64) -> Option<RangeLock> {
    LOCKS
        .lock()
        .get(&key)
        .and_then(|f| f.range_conflict(owner, kind, start, end))
}

/// Removes the entry of `key` if nothing is locked, waking its waiters.
fn changed(map: &mut BTreeMap<FileKey, FileLocks>, key: FileKey) {
    if let Some(f) = map.get(&key) {
        f.queue.notify_all();
        if f.is_empty() {
            map.remove(&key);
        }
    }
}

/// Waits, while `blocked` says the request still conflicts, for the locks
/// of `key` to change.
fn wait_for_change(key: FileKey, blocked: impl Fn(&FileLocks) -> bool) -> SysResult<()> {
    let queue = LOCKS.lock().entry(key).or_default().queue.clone();
    queue
        .wait_if(None, || LOCKS.lock().get(&key).is_some_and(&blocked))
        .map(|_| ())
        .map_err(Errno::from)
}

/// F_SETLK / F_SETLKW: lock (or with `kind` None unlock) `start..=end`.
/// EAGAIN on a conflict unless `wait`; EDEADLK when waiting would never end.
pub fn set_range(
    key: FileKey,
    owner: Owner,
    kind: Option<Kind>,
    start: i64,
    end: i64,
    pid: i32,
    wait: bool,
) -> SysResult<()> {
    loop {
        let (blocker, k) = {
            let mut map = LOCKS.lock();
            let conflict = kind.and_then(|k| {
                let f = map.get(&key)?;
                Some((f.range_conflict(owner, k, start, end)?.owner, k))
            });
            match conflict {
                None => {
                    map.entry(key)
                        .or_default()
                        .apply(owner, kind, start, end, pid);
                    changed(&mut map, key);
                    return Ok(());
                }
                Some(c) => c,
            }
        };
        if !wait {
            return Err(Errno::EAGAIN);
        }
        if would_deadlock(owner, blocker) {
            return Err(Errno::EDEADLK);
        }
        if let Owner::Table(t) = owner {
            WAITS_FOR.lock().insert(t, blocker);
        }
        let res = wait_for_change(key, |f| f.range_conflict(owner, k, start, end).is_some());
        if let Owner::Table(t) = owner {
            WAITS_FOR.lock().remove(&t);
        }
        res?;
    }
}

/// flock(): takes `kind` for the description `desc` (None: unlocks). A
/// conversion drops the old lock first, as on Linux (it is not atomic).
pub fn set_flock(key: FileKey, desc: Owner, kind: Option<Kind>, wait: bool) -> SysResult<()> {
    {
        let mut map = LOCKS.lock();
        if let Some(f) = map.get_mut(&key)
            && let Some(i) = f.flocks.iter().position(|&(d, _)| d == desc)
        {
            if Some(f.flocks[i].1) == kind {
                return Ok(());
            }
            f.flocks.swap_remove(i);
            changed(&mut map, key);
        }
    }
    let Some(kind) = kind else {
        return Ok(());
    };
    loop {
        {
            let mut map = LOCKS.lock();
            let f = map.entry(key).or_default();
            // A conflict means the entry holds a lock: it is never left empty.
            if !f.flock_conflict(desc, kind) {
                f.flocks.push((desc, kind));
                return Ok(());
            }
        }
        if !wait {
            return Err(Errno::EAGAIN);
        }
        wait_for_change(key, |f| f.flock_conflict(desc, kind))?;
    }
}

/// Drops every POSIX lock `owner` holds on the file `key` (a close of it).
pub fn release_file(key: FileKey, owner: Owner) {
    let mut map = LOCKS.lock();
    if let Some(f) = map.get_mut(&key) {
        let before = f.ranges.len();
        f.ranges.retain(|l| l.owner != owner);
        if f.ranges.len() != before {
            changed(&mut map, key);
        }
    }
}

/// Drops every lock `owner` holds on any file (its fd table or open file
/// description is gone).
pub fn release_owner(owner: Owner) {
    let mut map = LOCKS.lock();
    let mut touched = Vec::new();
    for (key, f) in map.iter_mut() {
        let before = f.ranges.len() + f.flocks.len();
        f.ranges.retain(|l| l.owner != owner);
        f.flocks.retain(|&(o, _)| o != owner);
        if f.ranges.len() + f.flocks.len() != before {
            touched.push(*key);
        }
    }
    for key in touched {
        changed(&mut map, key);
    }
}
