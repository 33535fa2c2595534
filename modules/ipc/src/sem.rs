//! A semaphore set: values, the operations sleeping on it, and the undo
//! adjustments (SEM_UNDO) each owner will have reverted when it exits.
//!
//! As in Linux, an operation array is all or nothing, and a task that
//! changes values completes the sleepers that can now proceed itself, in
//! the order they went to sleep: a sleeper woken later only collects its
//! result, so a newcomer cannot overtake it.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// Largest semaphore value.
pub const SEMVMX: i32 = 32767;
/// Largest undo adjustment.
pub const SEMAEM: i32 = SEMVMX;

/// sem_flg bits.
pub const IPC_NOWAIT: i16 = 0o4000;
pub const SEM_UNDO: i16 = 0x1000;

/// One operation (struct sembuf).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SemBuf {
    pub num: u16,
    pub op: i16,
    pub flg: i16,
}

/// Why an operation array failed without sleeping, or how a sleeper ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SemError {
    /// A value or an undo adjustment would leave its range (ERANGE).
    Range,
    /// It would block and asked not to (EAGAIN).
    Again,
    /// The set was removed while it slept (EIDRM).
    Removed,
}

/// Who owns undo adjustments: a process (shared by its threads, as
/// CLONE_SYSVSEM shares them).
pub type Owner = u64;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sem {
    pub val: i32,
    /// The process that last changed it (GETPID).
    pub pid: i32,
}

/// An operation array waiting for its turn.
struct Sleeper {
    ticket: u64,
    sops: Vec<SemBuf>,
    pid: i32,
    undo: Option<Owner>,
    /// The operation it waits on (the first one that could not proceed):
    /// what GETNCNT and GETZCNT count.
    blocking: SemBuf,
}

/// A finished sleeper: its ticket and result.
pub type Completion = (u64, Result<(), SemError>);

pub struct SemSet {
    pub sems: Vec<Sem>,
    /// Last semop (seconds), last change by semctl.
    pub otime: i64,
    pub ctime: i64,
    undo: BTreeMap<Owner, Vec<i16>>,
    sleepers: Vec<Sleeper>,
    next_ticket: u64,
}

/// What a semop call does now.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied; the sleepers it let through are done too.
    Done(Vec<Completion>),
    /// Queued: wait for the ticket's completion.
    Sleep(u64),
}

impl SemSet {
    pub fn new(nsems: usize, now: i64) -> Self {
        SemSet {
            sems: alloc::vec![Sem::default(); nsems],
            otime: 0,
            ctime: now,
            undo: BTreeMap::new(),
            sleepers: Vec::new(),
            next_ticket: 1,
        }
    }

    pub fn len(&self) -> usize {
        self.sems.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sems.is_empty()
    }

    /// Tries `sops` in order, undoing the ones applied when one cannot
    /// proceed (Linux's perform_atomic_semop_slow, which also serves
    /// arrays naming a semaphore twice). `Err(None)`: it must sleep on
    /// the returned operation.
    fn attempt(
        &mut self,
        sops: &[SemBuf],
        pid: i32,
        undo: Option<Owner>,
    ) -> Result<(), Result<SemError, SemBuf>> {
        let mut adj = undo.map(|o| {
            self.undo
                .entry(o)
                .or_insert_with(|| alloc::vec![0; self.sems.len()])
                .clone()
        });
        let mut failure = None;
        let mut applied = 0;
        for sop in sops {
            let cur = self.sems[sop.num as usize].val;
            let op = sop.op as i32;
            if (op == 0 && cur != 0) || cur + op < 0 {
                failure = Some(if sop.flg & IPC_NOWAIT != 0 {
                    Ok(SemError::Again)
                } else {
                    Err(*sop)
                });
                break;
            }
            if cur + op > SEMVMX {
                failure = Some(Ok(SemError::Range));
                break;
            }
            if sop.flg & SEM_UNDO != 0 {
                let adj = adj.as_mut().expect("SEM_UNDO without an owner");
                let new = adj[sop.num as usize] as i32 - op;
                if !(-SEMAEM - 1..=SEMAEM).contains(&new) {
                    failure = Some(Ok(SemError::Range));
                    break;
                }
                adj[sop.num as usize] = new as i16;
            }
            self.sems[sop.num as usize].val = cur + op;
            applied += 1;
        }
        if let Some(f) = failure {
            for sop in sops[..applied].iter().rev() {
                self.sems[sop.num as usize].val -= sop.op as i32;
            }
            return Err(f);
        }
        if let (Some(o), Some(adj)) = (undo, adj) {
            self.undo.insert(o, adj);
        }
        for sop in sops {
            self.sems[sop.num as usize].pid = pid;
        }
        Ok(())
    }

    /// semop: applies `sops` (every `num` is in range and `undo` is set
    /// when one has SEM_UNDO) or queues them to sleep.
    pub fn semop(
        &mut self,
        sops: &[SemBuf],
        pid: i32,
        undo: Option<Owner>,
        now: i64,
    ) -> Result<Outcome, SemError> {
        match self.attempt(sops, pid, undo) {
            Ok(()) => {
                self.otime = now;
                let alter = sops.iter().any(|s| s.op != 0);
                let done = if alter { self.update(now) } else { Vec::new() };
                Ok(Outcome::Done(done))
            }
            Err(Ok(e)) => Err(e),
            Err(Err(blocking)) => {
                let ticket = self.next_ticket;
                self.next_ticket += 1;
                self.sleepers.push(Sleeper {
                    ticket,
                    sops: sops.to_vec(),
                    pid,
                    undo,
                    blocking,
                });
                Ok(Outcome::Sleep(ticket))
            }
        }
    }

    /// Completes the sleepers that can proceed now, oldest first; after
    /// one changed values, the scan starts over (it may unblock older
    /// ones).
    pub fn update(&mut self, now: i64) -> Vec<Completion> {
        let mut done = Vec::new();
        let mut i = 0;
        while i < self.sleepers.len() {
            let s = &self.sleepers[i];
            let (sops, pid, undo) = (s.sops.clone(), s.pid, s.undo);
            match self.attempt(&sops, pid, undo) {
                Err(Err(blocking)) => {
                    self.sleepers[i].blocking = blocking;
                    i += 1;
                }
                result => {
                    let s = self.sleepers.remove(i);
                    let ok = result.is_ok();
                    done.push((s.ticket, result.map_err(|e| e.unwrap_or(SemError::Again))));
                    if ok {
                        self.otime = now;
                        if sops.iter().any(|s| s.op != 0) {
                            i = 0;
                        }
                    }
                }
            }
        }
        done
    }

    /// A sleeper gives up (signal, timeout); false when it was already
    /// completed (its result is waiting to be collected).
    pub fn cancel(&mut self, ticket: u64) -> bool {
        let before = self.sleepers.len();
        self.sleepers.retain(|s| s.ticket != ticket);
        self.sleepers.len() != before
    }

    /// Every sleeper, which fail with EIDRM when the set goes.
    pub fn drain_sleepers(&mut self) -> Vec<Completion> {
        self.sleepers
            .drain(..)
            .map(|s| (s.ticket, Err(SemError::Removed)))
            .collect()
    }

    /// GETNCNT (`zero` false) or GETZCNT: sleepers waiting on `num` to
    /// grow, or to reach zero.
    pub fn waiting(&self, num: u16, zero: bool) -> usize {
        self.sleepers
            .iter()
            .filter(|s| s.blocking.num == num && (s.blocking.op == 0) == zero)
            .filter(|s| zero || s.blocking.op < 0)
            .count()
    }

    /// SETVAL: the value, and no undo adjustment for it any more.
    pub fn set_value(&mut self, num: usize, val: i32, pid: i32, now: i64) -> Vec<Completion> {
        for adj in self.undo.values_mut() {
            adj[num] = 0;
        }
        self.sems[num] = Sem { val, pid };
        self.ctime = now;
        self.update(now)
    }

    /// SETALL.
    pub fn set_all(&mut self, vals: &[u16], pid: i32, now: i64) -> Vec<Completion> {
        for adj in self.undo.values_mut() {
            adj.iter_mut().for_each(|a| *a = 0);
        }
        for (s, &v) in self.sems.iter_mut().zip(vals) {
            *s = Sem { val: v as i32, pid };
        }
        self.ctime = now;
        self.update(now)
    }

    /// The owner exits: its adjustments are added, each value kept within
    /// [0, SEMVMX] (Linux's exit_sem).
    pub fn exit_undo(&mut self, owner: Owner, pid: i32, now: i64) -> Vec<Completion> {
        let Some(adj) = self.undo.remove(&owner) else {
            return Vec::new();
        };
        for (s, &a) in self.sems.iter_mut().zip(&adj) {
            if a != 0 {
                s.val = (s.val + a as i32).clamp(0, SEMVMX);
                s.pid = pid;
            }
        }
        // Linux marks the set operated on (do_smart_update's otime).
        self.otime = now;
        self.update(now)
    }

    /// The undo adjustments of `owner` (for tests and inspection).
    pub fn undo_of(&self, owner: Owner) -> Option<&[i16]> {
        self.undo.get(&owner).map(|v| v.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(num: u16, op: i16, flg: i16) -> SemBuf {
        SemBuf { num, op, flg }
    }

    fn vals(s: &SemSet) -> Vec<i32> {
        s.sems.iter().map(|s| s.val).collect()
    }

    #[test]
    fn arrays_are_all_or_nothing() {
        let mut s = SemSet::new(2, 0);
        assert_eq!(
            s.semop(&[op(0, 2, 0), op(1, 1, 0)], 7, None, 1),
            Ok(Outcome::Done(Vec::new()))
        );
        assert_eq!(s.otime, 1);
        assert_eq!(s.sems[0].pid, 7);
        // The second operation blocks: nothing of the first stays.
        assert_eq!(
            s.semop(&[op(0, -1, 0), op(1, -2, IPC_NOWAIT)], 8, None, 2),
            Err(SemError::Again)
        );
        assert_eq!(vals(&s), [2, 1]);
        assert_eq!(
            s.semop(&[op(0, 1, 0), op(1, SEMVMX as i16, 0)], 8, None, 2),
            Err(SemError::Range)
        );
        assert_eq!(vals(&s), [2, 1]);
        // The same semaphore twice: applied in order.
        assert!(s.semop(&[op(0, -2, 0), op(0, 1, 0)], 8, None, 3).is_ok());
        assert_eq!(vals(&s), [1, 1]);
    }

    #[test]
    fn sleepers_complete_in_order_and_are_counted() {
        let mut s = SemSet::new(2, 0);
        let Ok(Outcome::Sleep(a)) = s.semop(&[op(0, -1, 0)], 1, None, 0) else {
            panic!()
        };
        let Ok(Outcome::Sleep(b)) = s.semop(&[op(0, -1, 0)], 2, None, 0) else {
            panic!()
        };
        s.sems[1].val = 1;
        let Ok(Outcome::Sleep(z)) = s.semop(&[op(1, 0, 0)], 3, None, 0) else {
            panic!()
        };
        assert_eq!((s.waiting(0, false), s.waiting(0, true)), (2, 0));
        assert_eq!((s.waiting(1, false), s.waiting(1, true)), (0, 1));
        // One increment lets the oldest sleeper through, not a newcomer.
        assert_eq!(
            s.semop(&[op(0, 1, 0)], 9, None, 5),
            Ok(Outcome::Done(alloc::vec![(a, Ok(()))]))
        );
        assert_eq!(s.sems[0], Sem { val: 0, pid: 1 });
        assert_eq!(s.waiting(0, false), 1);
        assert_eq!(s.set_value(1, 0, 9, 6), alloc::vec![(z, Ok(()))]);
        assert!(s.cancel(b));
        assert!(!s.cancel(b));
        assert_eq!(s.waiting(0, false), 0);
    }

    #[test]
    fn removal_fails_every_sleeper() {
        let mut s = SemSet::new(1, 0);
        let Ok(Outcome::Sleep(a)) = s.semop(&[op(0, -1, 0)], 1, None, 0) else {
            panic!()
        };
        assert_eq!(s.drain_sleepers(), alloc::vec![(a, Err(SemError::Removed))]);
    }

    #[test]
    fn undo_is_reverted_at_exit_within_range() {
        let mut s = SemSet::new(2, 0);
        s.semop(&[op(0, 5, SEM_UNDO), op(1, 2, SEM_UNDO)], 1, Some(1), 0)
            .unwrap();
        assert_eq!(s.undo_of(1), Some(&[-5i16, -2][..]));
        // Someone else takes 4 of the 5: the exit cannot go below zero.
        s.semop(&[op(0, -4, 0)], 2, None, 0).unwrap();
        s.exit_undo(1, 1, 9);
        assert_eq!(vals(&s), [0, 0]);
        assert_eq!(s.undo_of(1), None);
        // An adjustment out of range is ERANGE and changes nothing.
        s.sems[0].val = SEMVMX;
        s.semop(&[op(0, -SEMVMX as i16, SEM_UNDO)], 1, Some(1), 0)
            .unwrap();
        s.sems[0].val = SEMVMX;
        assert_eq!(
            s.semop(&[op(0, -1, SEM_UNDO)], 1, Some(1), 0),
            Err(SemError::Range)
        );
        assert_eq!(s.sems[0].val, SEMVMX);
    }

    #[test]
    fn setval_and_setall_clear_adjustments() {
        let mut s = SemSet::new(2, 0);
        s.semop(&[op(0, 1, SEM_UNDO), op(1, 1, SEM_UNDO)], 1, Some(1), 0)
            .unwrap();
        s.set_value(0, 3, 2, 4);
        assert_eq!(s.undo_of(1), Some(&[0i16, -1][..]));
        assert_eq!(s.ctime, 4);
        s.set_all(&[1, 1], 2, 5);
        assert_eq!(s.undo_of(1), Some(&[0i16, 0][..]));
        assert_eq!(vals(&s), [1, 1]);
    }

    #[test]
    fn a_completed_sleeper_can_fail_with_range() {
        let mut s = SemSet::new(1, 0);
        let Ok(Outcome::Sleep(a)) = s.semop(&[op(0, -1, 0), op(0, 30000, 0)], 1, None, 0) else {
            panic!()
        };
        let done = s.set_value(0, 10000, 2, 1);
        assert_eq!(done, alloc::vec![(a, Err(SemError::Range))]);
    }
}
