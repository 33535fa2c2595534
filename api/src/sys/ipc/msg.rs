//! msgget, msgsnd, msgrcv, msgctl and /proc/sysvipc/msg.
//!
//! A receiver with nothing to take sleeps in its queue (`ipc::msg`); a
//! sender hands its message to the first sleeper that selects it and
//! leaves the delivery here. Senders of a full queue re-check when woken,
//! as Linux's do. A signal ends either wait with EINTR, restarted when no
//! handler runs (ERESTARTNOHAND).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use ::ipc::msg::{Delivery, MSGMAX, MSGMNB, Msg, MsgQueue, Select};
use ::ipc::{Ids, Perm};
use axsync::Mutex;

use super::IdResult;
use super::uapi::{Ipc64Perm, MsgInfo, MsqidDs};
use super::{IPC_INFO, IPC_NOWAIT, IPC_RMID, IPC_SET, IPC_STAT, S_IRUGO, S_IWUGO};
use crate::errno::{Errno, SysResult};
use crate::task::wait::WaitQueue;
use crate::uaccess::{UserPtr, UserSlice};

const MSGMNI: usize = 32000;
/// Linux's derived limits: MSGPOOL in KiB, MSGSEG capped at 0xffff.
const MSGPOOL: usize = MSGMNI * MSGMNB / 1024;
const MSGSSZ: i32 = 16;
const MSGSEG: u16 = 0xffff;
const MSGMAP: usize = MSGMNB;
const MSGTQL: usize = MSGMNB;

const MSG_NOERROR: i32 = 0o10000;
const MSG_EXCEPT: i32 = 0o20000;
const MSG_COPY: i32 = 0o40000;

const MSG_STAT: i32 = 11;
const MSG_INFO: i32 = 12;
const MSG_STAT_ANY: i32 = 13;

struct Queues {
    ids: Ids<MsgQueue>,
    /// Messages handed to sleeping receivers, until they collect them.
    delivered: BTreeMap<(i32, u64), Delivery>,
    /// Messages and bytes queued in all queues (MSG_INFO).
    msgs: usize,
    bytes: usize,
}

static QUEUES: Mutex<Queues> = Mutex::new(Queues {
    ids: Ids::new(),
    delivered: BTreeMap::new(),
    msgs: 0,
    bytes: 0,
});

/// Senders waiting for room and receivers waiting for a delivery.
static WAITERS: WaitQueue = WaitQueue::new();

impl Queues {
    fn deliver(&mut self, id: i32, woken: Vec<(u64, Delivery)>) {
        for (ticket, d) in woken {
            self.delivered.insert((id, ticket), d);
        }
    }
}

pub fn sys_msgget(key: i32, flg: i32) -> SysResult {
    let mut q = QUEUES.lock();
    super::ipcget(
        &mut q.ids,
        key,
        flg,
        |_| Ok(()),
        |ids| {
            let perm = Perm::new(key, flg as u32, &super::creds());
            ids.add(perm, MsgQueue::new(MSGMNB, super::now()), MSGMNI)
                .sys()
        },
    )
}

/// The `mtext` of `msgsz` bytes after the `mtype` at `msgp`.
fn mtext(msgp: UserPtr<i64>, msgsz: usize) -> UserSlice {
    UserSlice::new(msgp.addr() + size_of::<i64>(), msgsz)
}

pub fn sys_msgsnd(msqid: i32, msgp: UserPtr<i64>, msgsz: usize, flg: i32) -> SysResult {
    let mtype = msgp.read()?;
    if msgsz > MSGMAX || (msgsz as isize) < 0 || msqid < 0 {
        return Err(Errno::EINVAL);
    }
    if mtype < 1 {
        return Err(Errno::EINVAL);
    }
    let text = mtext(msgp, msgsz).copy_in()?;
    let mut msg = Some(Msg { mtype, text });
    let pid = super::pid();
    let mut first = true;
    loop {
        {
            let mut q = QUEUES.lock();
            let e = match q.ids.get_mut(msqid) {
                Ok(e) => e,
                // Gone while we slept.
                Err(_) if !first => return Err(Errno::EIDRM),
                Err(e) => return Err(e).sys(),
            };
            if !e.perm.allows(&super::creds(), S_IWUGO) {
                return Err(Errno::EACCES);
            }
            if e.obj.fits(msgsz) {
                let m = msg.take().expect("sent once");
                let before = e.obj.qnum();
                let woken = e.obj.send(m, pid, super::now());
                let queued = e.obj.qnum() - before;
                q.msgs += queued;
                q.bytes += queued * msgsz;
                q.deliver(msqid, woken);
                drop(q);
                WAITERS.notify_all();
                return Ok(0);
            }
            if flg & IPC_NOWAIT != 0 {
                return Err(Errno::EAGAIN);
            }
        }
        first = false;
        // Look again once the queue is gone or has room.
        WAITERS.wait_until(|| {
            QUEUES
                .lock()
                .ids
                .get(msqid)
                .map_or(true, |e| e.obj.fits(msgsz))
        })?;
    }
}

pub fn sys_msgrcv(
    msqid: i32,
    msgp: UserPtr<i64>,
    msgsz: usize,
    msgtyp: i64,
    flg: i32,
) -> SysResult {
    if msqid < 0 || (msgsz as isize) < 0 {
        return Err(Errno::EINVAL);
    }
    let copy = flg & MSG_COPY != 0;
    if copy && (flg & MSG_EXCEPT != 0 || flg & IPC_NOWAIT == 0) {
        return Err(Errno::EINVAL);
    }
    let select = Select::new(msgtyp, flg & MSG_EXCEPT != 0, copy);
    let pid = super::pid();
    let mut first = true;
    let msg = loop {
        let ticket = {
            let mut q = QUEUES.lock();
            let e = match q.ids.get_mut(msqid) {
                Ok(e) => e,
                Err(_) if !first => return Err(Errno::EIDRM),
                Err(e) => return Err(e).sys(),
            };
            if !e.perm.allows(&super::creds(), S_IRUGO) {
                return Err(Errno::EACCES);
            }
            if let Some(at) = e.obj.find(select) {
                if msgsz < e.obj.peek(at).text.len() && flg & MSG_NOERROR == 0 {
                    return Err(Errno::E2BIG);
                }
                if copy {
                    break e.obj.peek(at).clone();
                }
                let m = e.obj.take(at, pid, super::now());
                q.msgs -= 1;
                q.bytes -= m.text.len();
                drop(q);
                // Senders may have room now.
                WAITERS.notify_all();
                break m;
            }
            if flg & IPC_NOWAIT != 0 {
                return Err(Errno::ENOMSG);
            }
            let max = if flg & MSG_NOERROR != 0 {
                usize::MAX
            } else {
                msgsz
            };
            e.obj.sleep(select, max, pid)
        };
        first = false;
        let key = (msqid, ticket);
        let waited = WAITERS.wait_until(|| QUEUES.lock().delivered.contains_key(&key));
        let mut q = QUEUES.lock();
        let Some(d) = q.delivered.remove(&key) else {
            if let Ok(e) = q.ids.get_mut(msqid) {
                e.obj.cancel(ticket);
            }
            waited?;
            continue;
        };
        match d {
            Delivery::Msg(m) => break m,
            Delivery::TooBig => return Err(Errno::E2BIG),
            Delivery::Removed => return Err(Errno::EIDRM),
            // Permissions changed: look again from the start.
            Delivery::Retry => {}
        }
    };
    // The message is consumed even when the copy faults, as on Linux.
    msgp.write(&msg.mtype)?;
    let n = msgsz.min(msg.text.len());
    mtext(msgp, msgsz).copy_out(&msg.text)?;
    Ok(n as isize)
}

pub fn sys_msgctl(msqid: i32, cmd: i32, buf: usize) -> SysResult {
    if msqid < 0 || cmd < 0 {
        return Err(Errno::EINVAL);
    }
    match cmd {
        IPC_INFO | MSG_INFO => {
            let (info, ret) = {
                let q = QUEUES.lock();
                // MSG_INFO reports use where IPC_INFO reports limits.
                let (pool, map, tql) = if cmd == MSG_INFO {
                    (q.ids.in_use(), q.msgs, q.bytes)
                } else {
                    (MSGPOOL, MSGMAP, MSGTQL)
                };
                let int = |v: usize| v.min(i32::MAX as usize) as i32;
                let info = MsgInfo {
                    msgpool: int(pool),
                    msgmap: int(map),
                    msgmax: MSGMAX as i32,
                    msgmnb: MSGMNB as i32,
                    msgmni: MSGMNI as i32,
                    msgssz: MSGSSZ,
                    msgtql: int(tql),
                    msgseg: MSGSEG,
                    pad: 0,
                };
                (info, super::max_index(&q.ids))
            };
            UserPtr::new(buf).write(&info)?;
            Ok(ret)
        }
        IPC_STAT | MSG_STAT | MSG_STAT_ANY => {
            let (ds, id) = {
                let q = QUEUES.lock();
                let by_index = cmd != IPC_STAT;
                let e = super::stat_entry(&q.ids, msqid, by_index, cmd == MSG_STAT_ANY)?;
                let m = &e.obj;
                let ds = MsqidDs {
                    perm: Ipc64Perm::from(&e.perm),
                    stime: m.stime,
                    rtime: m.rtime,
                    ctime: m.ctime,
                    cbytes: m.cbytes as u64,
                    qnum: m.qnum() as u64,
                    qbytes: m.qbytes as u64,
                    lspid: m.lspid,
                    lrpid: m.lrpid,
                    ..Default::default()
                };
                (ds, e.perm.id)
            };
            UserPtr::new(buf).write(&ds)?;
            Ok(if cmd == IPC_STAT { 0 } else { id as isize })
        }
        IPC_SET => {
            let ds: MsqidDs = UserPtr::new(buf).read()?;
            let mut q = QUEUES.lock();
            let e = super::owner_entry(&mut q.ids, msqid)?;
            if ds.qbytes > MSGMNB as u64 && !super::creds().sys_resource {
                return Err(Errno::EPERM);
            }
            let p = &ds.perm;
            e.perm.update(p.uid, p.gid, p.mode).ok_or(Errno::EINVAL)?;
            e.obj.qbytes = ds.qbytes as usize;
            e.obj.ctime = super::now();
            // Sleeping receivers may have lost access; senders may fit.
            let woken = e.obj.expunge(Delivery::Retry);
            q.deliver(msqid, woken);
            drop(q);
            WAITERS.notify_all();
            Ok(0)
        }
        IPC_RMID => {
            let mut q = QUEUES.lock();
            super::owner_entry(&mut q.ids, msqid)?;
            let mut e = q.ids.remove(msqid).expect("just found");
            let woken = e.obj.expunge(Delivery::Removed);
            q.msgs -= e.obj.qnum();
            q.bytes -= e.obj.cbytes;
            q.deliver(msqid, woken);
            drop(q);
            WAITERS.notify_all();
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// /proc/sysvipc/msg.
pub fn proc_sysvipc_msg() -> String {
    let mut out = String::from(
        "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n",
    );
    let q = QUEUES.lock();
    for e in q.ids.iter() {
        let (p, m) = (&e.perm, &e.obj);
        out += &format!(
            "{:10} {:10}  {:4o}  {:10} {:10} {:5} {:5} {:5} {:5} {:5} {:5} {:10} {:10} {:10}\n",
            p.key,
            p.id,
            p.mode,
            m.cbytes,
            m.qnum(),
            m.lspid,
            m.lrpid,
            p.uid,
            p.gid,
            p.cuid,
            p.cgid,
            m.stime,
            m.rtime,
            m.ctime,
        );
    }
    out
}
