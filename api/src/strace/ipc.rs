//! System V IPC arguments as strace shows them: `IPC_PRIVATE`,
//! `IPC_CREAT|IPC_EXCL|0600`, `[{sem_num=0, sem_op=-1, sem_flg=SEM_UNDO}]`,
//! `{1, "hello"}`.

use alloc::string::String;
use core::fmt::Write;

use super::flags::{Enum, Flags};
use super::text::{self, ptr};
use crate::uaccess::read_val;

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
        (0o4000, "IPC_NOWAIT"),
        (0o10000, "MSG_NOERROR"),
        (0o20000, "MSG_EXCEPT"),
        (0o40000, "MSG_COPY"),
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

/// semop's array of `n` operations.
pub fn sembufs(out: &mut String, addr: usize, n: usize) {
    const MAX: usize = 1024;
    if addr == 0 || n == 0 || n > MAX {
        return ptr(out, addr);
    }
    let mut ops = String::from("[");
    for i in 0..n {
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
    ops.push(']');
    out.push_str(&ops);
}

/// A message (`struct msgbuf`) with `len` bytes of text: `{1, "hello"}`.
pub fn msgbuf(out: &mut String, addr: usize, len: usize) {
    match read_val::<i64>(addr).ok().filter(|_| addr != 0) {
        Some(mtype) => {
            let _ = write!(out, "{{{mtype}, ");
            text::buffer(out, addr + 8, len, false);
            out.push('}');
        }
        None => ptr(out, addr),
    }
}
