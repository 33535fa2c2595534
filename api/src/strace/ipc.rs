//! System V IPC arguments as strace shows them: `IPC_PRIVATE`,
//! `IPC_CREAT|IPC_EXCL|0600`, `[{sem_num=0, sem_op=-1, sem_flg=SEM_UNDO}]`,
//! `{1, "hello"}`.

use alloc::string::String;
use core::fmt::Write;

use super::flags::{Enum, Flags};
use super::text::{self, ptr};
use crate::sys::ipc::uapi::{
    Ipc64Perm, MsgInfo, MsqidDs, SemInfo, SemidDs, ShmInfo, ShmInfo64, ShmidDs,
};
use crate::uaccess::{Pod, read_val};

pub static GET: Flags = Flags {
    field: None,
    bits: &[
        (0o1000, "IPC_CREAT"),
        (0o2000, "IPC_EXCL"),
        (0o4000, "SHM_HUGETLB"),
        (0o10000, "SHM_NORESERVE"),
    ],
    zero: "0",
    unknown: "IPC_???",
};

pub static SHMAT: Flags = Flags {
    field: None,
    bits: &[
        (0o10000, "SHM_RDONLY"),
        (0o20000, "SHM_RND"),
        (0o40000, "SHM_REMAP"),
        (0o100000, "SHM_EXEC"),
    ],
    zero: "0",
    unknown: "SHM_???",
};

pub static MSG: Flags = Flags {
    field: None,
    bits: &[
        (0o10000, "MSG_NOERROR"),
        (0o20000, "MSG_EXCEPT"),
        (0o40000, "MSG_COPY"),
        (0o4000, "IPC_NOWAIT"),
    ],
    zero: "0",
    unknown: "MSG_???",
};

static SEM_FLG: Flags = Flags {
    field: None,
    bits: &[(0o4000, "IPC_NOWAIT"), (0x1000, "SEM_UNDO")],
    zero: "0",
    unknown: "SEM_???",
};

const IPC_CMDS: [(u64, &str); 4] = [
    (0, "IPC_RMID"),
    (1, "IPC_SET"),
    (2, "IPC_STAT"),
    (3, "IPC_INFO"),
];

pub static SHMCTL: Enum = Enum {
    items: &[
        IPC_CMDS[0],
        IPC_CMDS[1],
        IPC_CMDS[2],
        IPC_CMDS[3],
        (11, "SHM_LOCK"),
        (12, "SHM_UNLOCK"),
        (13, "SHM_STAT"),
        (14, "SHM_INFO"),
        (15, "SHM_STAT_ANY"),
    ],
    unknown: "SHM_???",
};

pub static SEMCTL: Enum = Enum {
    items: &[
        IPC_CMDS[0],
        IPC_CMDS[1],
        IPC_CMDS[2],
        IPC_CMDS[3],
        (11, "GETPID"),
        (12, "GETVAL"),
        (13, "GETALL"),
        (14, "GETNCNT"),
        (15, "GETZCNT"),
        (16, "SETVAL"),
        (17, "SETALL"),
        (18, "SEM_STAT"),
        (19, "SEM_INFO"),
        (20, "SEM_STAT_ANY"),
    ],
    unknown: "SEM_???",
};

pub static MSGCTL: Enum = Enum {
    items: &[
        IPC_CMDS[0],
        IPC_CMDS[1],
        IPC_CMDS[2],
        IPC_CMDS[3],
        (11, "MSG_STAT"),
        (12, "MSG_INFO"),
        (13, "MSG_STAT_ANY"),
    ],
    unknown: "MSG_???",
};

/// `IPC_PRIVATE` or the key in hex.
pub fn key(out: &mut String, k: i32) {
    if k == 0 {
        out.push_str("IPC_PRIVATE");
    } else {
        let _ = write!(out, "{:#x}", k as u32);
    }
}

/// The flag bits by name, then the permission bits in octal.
pub fn get_flags(out: &mut String, flags: &Flags, v: u32) {
    let bits = (v & !0o777) as u64;
    if bits != 0 {
        flags.fmt(out, bits);
        out.push('|');
    }
    text::octal(out, (v & 0o777) as u64);
}

/// semop's array of `n` operations, at most 32 shown (strace's -s 32
/// applies to arrays too).
pub fn sembufs(out: &mut String, addr: usize, n: usize) {
    const MAX: usize = 32;
    if n == 0 {
        return out.push_str("[]");
    }
    if addr == 0 {
        return ptr(out, addr);
    }
    let mut ops = String::from("[");
    for i in 0..n.min(MAX) {
        let Ok(b) = read_val::<[u16; 3]>(addr + i * 6) else {
            return ptr(out, addr);
        };
        if i > 0 {
            ops.push_str(", ");
        }
        let _ = write!(ops, "{{sem_num={}, sem_op={}, sem_flg=", b[0], b[1] as i16);
        SEM_FLG.fmt(&mut ops, b[2] as u64);
        ops.push('}');
    }
    if n > MAX {
        ops.push_str(", ...");
    }
    ops.push(']');
    out.push_str(&ops);
}

/// A message (`struct msgbuf`) with `len` bytes of text: `{1, "hello"}`.
pub fn msgbuf(out: &mut String, addr: usize, len: usize) {
    match read_val::<i64>(addr).ok().filter(|_| addr != 0) {
        Some(mtype) => {
            let _ = write!(out, "{{mtype={mtype}, mtext=");
            text::buffer(out, addr + 8, len, false);
            out.push('}');
        }
        None => ptr(out, addr),
    }
}

/// Which family a *ctl call belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Shm,
    Sem,
    Msg,
}

const IPC_SET: u32 = 1;
const IPC_STAT: u32 = 2;
const IPC_INFO: u32 = 3;

impl Family {
    /// The command's position among the arguments, and the buffer's.
    fn args(self) -> (usize, usize) {
        match self {
            Family::Sem => (2, 3),
            _ => (1, 2),
        }
    }

    /// The family's own commands that fill a buffer: *_STAT, *_STAT_ANY
    /// and *_INFO.
    fn fills(self, cmd: u32) -> bool {
        matches!(cmd, IPC_STAT | IPC_INFO)
            || match self {
                Family::Shm => matches!(cmd, 13..=15),
                Family::Sem => matches!(cmd, 18..=20),
                Family::Msg => matches!(cmd, 11..=13),
            }
    }

    /// Whether the buffer is shown after the call (it is filled then).
    pub fn at_exit(self, a: &[usize; 6]) -> bool {
        self.fills(a[self.args().0] as u32)
    }
}

fn show<T: Pod>(out: &mut String, addr: usize, f: impl FnOnce(&mut String, T)) {
    match read_val::<T>(addr).ok().filter(|_| addr != 0) {
        Some(v) => f(out, v),
        None => ptr(out, addr),
    }
}

/// A uid or gid: -1 for the id that names nobody.
fn id(out: &mut String, v: u32) {
    let _ = write!(out, "{}", v as i32);
}

fn perm(out: &mut String, name: &str, p: &Ipc64Perm, full: bool) {
    let _ = write!(out, "{name}_perm={{uid=");
    id(out, p.uid);
    out.push_str(", gid=");
    id(out, p.gid);
    out.push_str(", mode=");
    text::octal(out, p.mode as u64);
    if full {
        let _ = write!(out, ", key={}, cuid=", p.key);
        id(out, p.cuid);
        out.push_str(", cgid=");
        id(out, p.cgid);
    }
    out.push('}');
}

/// The buffer of shmctl, semctl or msgctl as strace shows it for the
/// command: the structure read (IPC_SET) or filled (*_STAT, *_INFO).
pub fn ctl_buf(out: &mut String, fam: Family, a: &[usize; 6]) {
    let (ci, bi) = fam.args();
    let (cmd, addr) = (a[ci] as u32, a[bi]);
    let info = cmd == IPC_INFO
        || (fam == Family::Shm && cmd == 14)
        || (fam == Family::Sem && cmd == 19)
        || (fam == Family::Msg && cmd == 12);
    let set = cmd == IPC_SET;
    if !set && !fam.fills(cmd) {
        return ptr(out, addr);
    }
    match (fam, info) {
        (Family::Shm, true) if cmd == IPC_INFO => show(out, addr, |out, i: ShmInfo64| {
            let _ = write!(
                out,
                "{{shmmax={}, shmmin={}, shmmni={}, shmseg={}, shmall={}}}",
                i.shmmax, i.shmmin, i.shmmni, i.shmseg, i.shmall
            );
        }),
        (Family::Shm, true) => show(out, addr, |out, i: ShmInfo| {
            let _ = write!(
                out,
                "{{used_ids={}, shm_tot={}, shm_rss={}, shm_swp={}, swap_attempts={}, swap_successes={}}}",
                i.used_ids, i.shm_tot, i.shm_rss, i.shm_swp, i.swap_attempts, i.swap_successes
            );
        }),
        (Family::Shm, false) => show(out, addr, |out, d: ShmidDs| {
            out.push('{');
            perm(out, "shm", &d.perm, !set);
            if !set {
                let _ = write!(
                    out,
                    ", shm_segsz={}, shm_cpid={}, shm_lpid={}, shm_nattch={}, shm_atime={}, shm_dtime={}, shm_ctime={}",
                    d.segsz, d.cpid, d.lpid, d.nattch, d.atime, d.dtime, d.ctime
                );
            }
            out.push('}');
        }),
        (Family::Sem, true) => show(out, addr, |out, i: SemInfo| {
            let _ = write!(
                out,
                "{{semmap={}, semmni={}, semmns={}, semmnu={}, semmsl={}, semopm={}, semume={}, semusz={}, semvmx={}, semaem={}}}",
                i.semmap,
                i.semmni,
                i.semmns,
                i.semmnu,
                i.semmsl,
                i.semopm,
                i.semume,
                i.semusz,
                i.semvmx,
                i.semaem
            );
        }),
        (Family::Sem, false) => show(out, addr, |out, d: SemidDs| {
            out.push('{');
            perm(out, "sem", &d.perm, !set);
            if !set {
                let _ = write!(
                    out,
                    ", sem_otime={}, sem_ctime={}, sem_nsems={}",
                    d.otime, d.ctime, d.nsems
                );
            }
            out.push('}');
        }),
        (Family::Msg, true) => show(out, addr, |out, i: MsgInfo| {
            let _ = write!(
                out,
                "{{msgpool={}, msgmap={}, msgmax={}, msgmnb={}, msgmni={}, msgssz={}, msgtql={}, msgseg={}}}",
                i.msgpool, i.msgmap, i.msgmax, i.msgmnb, i.msgmni, i.msgssz, i.msgtql, i.msgseg
            );
        }),
        (Family::Msg, false) => show(out, addr, |out, d: MsqidDs| {
            out.push('{');
            perm(out, "msg", &d.perm, !set);
            if set {
                let _ = write!(out, ", msg_qbytes={}", d.qbytes);
            } else {
                let _ = write!(
                    out,
                    ", msg_stime={}, msg_rtime={}, msg_ctime={}, msg_qnum={}, msg_qbytes={}, msg_lspid={}, msg_lrpid={}",
                    d.stime, d.rtime, d.ctime, d.qnum, d.qbytes, d.lspid, d.lrpid
                );
            }
            out.push('}');
        }),
    }
}
