//! semget, semop, semtimedop, semctl and /proc/sysvipc/sem.
//!
//! A semop that must wait is queued in its set (`ipc::sem`); whoever
//! changes the set completes the queued operations that can now proceed
//! and leaves their results here, then wakes the sleepers, which collect
//! them. A signal ends the wait with EINTR (never restarted, as Linux),
//! the timeout of semtimedop with EAGAIN, IPC_RMID with EIDRM.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use ::ipc::sem::{Completion, Outcome, SEM_UNDO, SEMAEM, SEMVMX, SemBuf, SemError, SemSet};
use ::ipc::{Ids, Perm};
use axsync::Mutex;

use super::IdResult;
use super::uapi::{self, Ipc64Perm, SemInfo, SemidDs};
use super::{IPC_INFO, IPC_RMID, IPC_SET, IPC_STAT, S_IRUGO, S_IWUGO};
use crate::errno::{Errno, SysResult};
use crate::task::wait::{WaitError, WaitQueue};
use crate::uaccess::{UserPtr, UserSlice};

const SEMMSL: usize = 32000;
const SEMMNI: usize = 32000;
const SEMMNS: usize = SEMMNI * SEMMSL;
const SEMOPM: usize = 500;
const SEMUME: usize = SEMOPM;
const SEMMNU: usize = SEMMNS;
const SEMMAP: usize = SEMMNS;
const SEMUSZ: usize = 20;

const GETPID: i32 = 11;
const GETVAL: i32 = 12;
const GETALL: i32 = 13;
const GETNCNT: i32 = 14;
const GETZCNT: i32 = 15;
const SETVAL: i32 = 16;
const SETALL: i32 = 17;
const SEM_STAT: i32 = 18;
const SEM_INFO: i32 = 19;
const SEM_STAT_ANY: i32 = 20;

struct Sems {
    ids: Ids<SemSet>,
    /// Semaphores in all sets (Linux's used_sems).
    used: usize,
    /// Results of queued operations, by set id and ticket, until their
    /// sleepers collect them.
    done: BTreeMap<(i32, u64), Result<(), SemError>>,
    /// Processes that have undo adjustments somewhere.
    undoers: BTreeSet<i32>,
}

static SEMS: Mutex<Sems> = Mutex::new(Sems {
    ids: Ids::new(),
    used: 0,
    done: BTreeMap::new(),
    undoers: BTreeSet::new(),
});

/// Where sleepers wait; woken whenever results were left for them.
static SLEEPERS: WaitQueue = WaitQueue::new();

impl Sems {
    fn finish(&mut self, id: i32, done: Vec<Completion>) {
        if done.is_empty() {
            return;
        }
        for (ticket, r) in done {
            self.done.insert((id, ticket), r);
        }
        SLEEPERS.notify_all();
    }
}

fn errno(e: SemError) -> Errno {
    match e {
        SemError::Range => Errno::ERANGE,
        SemError::Again => Errno::EAGAIN,
        SemError::Removed => Errno::EIDRM,
    }
}

pub fn sys_semget(key: i32, nsems: i32, flg: i32) -> SysResult {
    if nsems < 0 || nsems as usize > SEMMSL {
        return Err(Errno::EINVAL);
    }
    let nsems = nsems as usize;
    let mut sems = SEMS.lock();
    let sems = &mut *sems;
    let more = |e: &::ipc::ids::Entry<SemSet>| {
        if nsems > e.obj.len() {
            Err(Errno::EINVAL)
        } else {
            Ok(())
        }
    };
    let used = &mut sems.used;
    super::ipcget(&mut sems.ids, key, flg, more, |ids| {
        if nsems == 0 {
            return Err(Errno::EINVAL);
        }
        if *used + nsems > SEMMNS {
            return Err(Errno::ENOSPC);
        }
        let perm = Perm::new(key, flg as u32, &super::creds());
        let id = ids
            .add(perm, SemSet::new(nsems, super::now()), SEMMNI)
            .sys()?;
        *used += nsems;
        Ok(id)
    })
}

pub fn sys_semop(semid: i32, sops: UserPtr<uapi::SemBuf>, nsops: u32) -> SysResult {
    semtimedop(semid, sops, nsops, None)
}

pub fn sys_semtimedop(
    semid: i32,
    sops: UserPtr<uapi::SemBuf>,
    nsops: u32,
    timeout: UserPtr<linux_raw_sys::general::timespec>,
) -> SysResult {
    // The timeout is read first (ksys_semtimedop), checked later.
    let timeout = if timeout.is_null() {
        None
    } else {
        Some(timeout.read()?)
    };
    semtimedop(semid, sops, nsops, timeout)
}

/// Linux's do_semtimedop.
fn semtimedop(
    semid: i32,
    usops: UserPtr<uapi::SemBuf>,
    nsops: u32,
    timeout: Option<linux_raw_sys::general::timespec>,
) -> SysResult {
    if nsops < 1 || semid < 0 {
        return Err(Errno::EINVAL);
    }
    if nsops as usize > SEMOPM {
        return Err(Errno::E2BIG);
    }
    let mut raw = alloc::vec![uapi::SemBuf::default(); nsops as usize];
    for (i, s) in raw.iter_mut().enumerate() {
        *s = usops.at(i).read()?;
    }
    let deadline = match timeout {
        Some(t) if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) => {
            return Err(Errno::EINVAL);
        }
        Some(t) => Some(
            axhal::time::monotonic_time()
                .checked_add(Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
                .unwrap_or(Duration::MAX),
        ),
        None => None,
    };
    let sops: Vec<SemBuf> = raw
        .iter()
        .map(|s| SemBuf {
            num: s.num,
            op: s.op,
            flg: s.flg,
        })
        .collect();
    let max = sops.iter().map(|s| s.num).max().unwrap_or(0) as usize;
    let undo = sops.iter().any(|s| s.flg & SEM_UNDO != 0);
    let alter = sops.iter().any(|s| s.op != 0);
    let pid = super::pid();

    let ticket = {
        let mut sems = SEMS.lock();
        let set = &sems.ids.get(semid).sys()?.obj;
        if max >= set.len() {
            return Err(Errno::EFBIG);
        }
        let perm = &sems.ids.get(semid).sys()?.perm;
        if !perm.allows(&super::creds(), if alter { S_IWUGO } else { S_IRUGO }) {
            return Err(Errno::EACCES);
        }
        if undo {
            sems.undoers.insert(pid);
        }
        let owner = undo.then_some(pid as u64);
        let now = super::now();
        match sems
            .ids
            .get_mut(semid)
            .sys()?
            .obj
            .semop(&sops, pid, owner, now)
        {
            Err(e) => return Err(errno(e)),
            Ok(Outcome::Done(done)) => {
                sems.finish(semid, done);
                return Ok(0);
            }
            Ok(Outcome::Sleep(ticket)) => ticket,
        }
    };
    let key = (semid, ticket);
    let waited = SLEEPERS.wait_until_deadline(deadline, || SEMS.lock().done.contains_key(&key));
    let mut sems = SEMS.lock();
    if let Some(r) = sems.done.remove(&key) {
        return r.map(|()| 0).map_err(errno);
    }
    // Interrupted or out of time, and still queued: leave the queue.
    if let Ok(e) = sems.ids.get_mut(semid) {
        e.obj.cancel(ticket);
    }
    match waited {
        Err(WaitError::TimedOut) => Err(Errno::EAGAIN),
        _ => Err(Errno::EINTR),
    }
}

pub fn sys_semctl(semid: i32, semnum: i32, cmd: i32, arg: usize) -> SysResult {
    if semid < 0 {
        return Err(Errno::EINVAL);
    }
    match cmd {
        IPC_INFO | SEM_INFO => {
            let (info, ret) = {
                let sems = SEMS.lock();
                let (usz, aem) = if cmd == SEM_INFO {
                    (sems.ids.in_use(), sems.used)
                } else {
                    (SEMUSZ, SEMAEM as usize)
                };
                let info = SemInfo {
                    semmap: SEMMAP as i32,
                    semmni: SEMMNI as i32,
                    semmns: SEMMNS as i32,
                    semmnu: SEMMNU as i32,
                    semmsl: SEMMSL as i32,
                    semopm: SEMOPM as i32,
                    semume: SEMUME as i32,
                    semusz: usz as i32,
                    semvmx: SEMVMX,
                    semaem: aem as i32,
                };
                (info, super::max_index(&sems.ids))
            };
            UserPtr::new(arg).write(&info)?;
            Ok(ret)
        }
        IPC_STAT | SEM_STAT | SEM_STAT_ANY => {
            let (ds, id) = {
                let sems = SEMS.lock();
                let by_index = cmd != IPC_STAT;
                let e = super::stat_entry(&sems.ids, semid, by_index, cmd == SEM_STAT_ANY)?;
                let ds = SemidDs {
                    perm: Ipc64Perm::from(&e.perm),
                    otime: e.obj.otime,
                    ctime: e.obj.ctime,
                    nsems: e.obj.len() as u64,
                    ..Default::default()
                };
                (ds, e.perm.id)
            };
            UserPtr::new(arg).write(&ds)?;
            Ok(if cmd == IPC_STAT { 0 } else { id as isize })
        }
        GETALL | GETVAL | GETPID | GETNCNT | GETZCNT | SETALL => {
            semctl_main(semid, semnum, cmd, arg)
        }
        SETVAL => {
            // The value is the low half of the union, an int.
            let val = arg as i32;
            if !(0..=SEMVMX).contains(&val) {
                return Err(Errno::ERANGE);
            }
            let mut sems = SEMS.lock();
            let e = sems.ids.get_mut(semid).sys()?;
            if semnum < 0 || semnum as usize >= e.obj.len() {
                return Err(Errno::EINVAL);
            }
            if !e.perm.allows(&super::creds(), S_IWUGO) {
                return Err(Errno::EACCES);
            }
            let done = e
                .obj
                .set_value(semnum as usize, val, super::pid(), super::now());
            sems.finish(semid, done);
            Ok(0)
        }
        IPC_SET => {
            let ds: SemidDs = UserPtr::new(arg).read()?;
            let mut sems = SEMS.lock();
            let e = super::owner_entry(&mut sems.ids, semid)?;
            let p = &ds.perm;
            e.perm.update(p.uid, p.gid, p.mode).ok_or(Errno::EINVAL)?;
            e.obj.ctime = super::now();
            Ok(0)
        }
        IPC_RMID => {
            let mut sems = SEMS.lock();
            super::owner_entry(&mut sems.ids, semid)?;
            let mut e = sems.ids.remove(semid).expect("just found");
            sems.used -= e.obj.len();
            let done = e.obj.drain_sleepers();
            sems.finish(semid, done);
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// Linux's semctl_main: GETALL and SETALL, then the per-semaphore reads.
fn semctl_main(semid: i32, semnum: i32, cmd: i32, arg: usize) -> SysResult {
    let nsems = {
        let sems = SEMS.lock();
        let e = sems.ids.get(semid).sys()?;
        let need = if cmd == SETALL { S_IWUGO } else { S_IRUGO };
        if !e.perm.allows(&super::creds(), need) {
            return Err(Errno::EACCES);
        }
        e.obj.len()
    };
    match cmd {
        GETALL => {
            let vals: Vec<u8> = {
                let sems = SEMS.lock();
                let e = sems.ids.get(semid).map_err(|_| Errno::EIDRM)?;
                e.obj
                    .sems
                    .iter()
                    .flat_map(|s| (s.val as u16).to_ne_bytes())
                    .collect()
            };
            UserSlice::new(arg, vals.len()).copy_out(&vals)?;
            return Ok(0);
        }
        SETALL => {
            let bytes = UserSlice::new(arg, nsems * 2).copy_in()?;
            let vals: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_ne_bytes([c[0], c[1]]))
                .collect();
            if vals.iter().any(|&v| v as i32 > SEMVMX) {
                return Err(Errno::ERANGE);
            }
            let mut sems = SEMS.lock();
            let e = sems.ids.get_mut(semid).map_err(|_| Errno::EIDRM)?;
            let done = e.obj.set_all(&vals, super::pid(), super::now());
            sems.finish(semid, done);
            return Ok(0);
        }
        _ => {}
    }
    if semnum < 0 || semnum as usize >= nsems {
        return Err(Errno::EINVAL);
    }
    let sems = SEMS.lock();
    let set = &sems.ids.get(semid).map_err(|_| Errno::EIDRM)?.obj;
    let n = semnum as usize;
    Ok(match cmd {
        GETVAL => set.sems[n].val as isize,
        GETPID => set.sems[n].pid as isize,
        GETNCNT => set.waiting(n as u16, false) as isize,
        _ => set.waiting(n as u16, true) as isize,
    })
}

/// The process exits: its undo adjustments are applied (Linux's
/// exit_sem). Threads share them, so this runs when the last one exits.
pub fn exit_sem(pid: i32) {
    let mut sems = SEMS.lock();
    if !sems.undoers.remove(&pid) {
        return;
    }
    let now = super::now();
    let mut all = Vec::new();
    for e in sems.ids.iter_mut() {
        let done = e.obj.exit_undo(pid as u64, pid, now);
        all.push((e.perm.id, done));
    }
    for (id, done) in all {
        sems.finish(id, done);
    }
}

/// /proc/sysvipc/sem.
pub fn proc_sysvipc_sem() -> String {
    let mut out = String::from(
        "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
    );
    let sems = SEMS.lock();
    for e in sems.ids.iter() {
        let p = &e.perm;
        out += &format!(
            "{:10} {:10}  {:4o} {:10} {:5} {:5} {:5} {:5} {:10} {:10}\n",
            p.key,
            p.id,
            p.mode,
            e.obj.len(),
            p.uid,
            p.gid,
            p.cuid,
            p.cgid,
            e.obj.otime,
            e.obj.ctime,
        );
    }
    out
}
