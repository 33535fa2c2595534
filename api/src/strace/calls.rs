//! Decoders of single calls whose arguments depend on each other (fcntl's
//! command, futex's operation, open's flags, prctl's option, clone's flags)
//! and of the results strace annotates (fcntl's flags, poll's and select's
//! ready sets).

use alloc::string::String;
use core::fmt::Write;
use core::mem::size_of;

use linux_raw_sys::general as uapi;
use linux_raw_sys::prctl as pr;

use super::args::{Ctx, num};
use super::flags::{self, Enum};
use super::structs;
use super::text::{self, MAX_STRLEN, ptr};
use crate::uaccess::read_val;

// ---- fcntl --------------------------------------------------------------

pub fn fcntl_arg(out: &mut String, cmd: u32, v: usize) {
    match cmd {
        uapi::F_SETFD => flags::FD.fmt(out, v as u32 as u64),
        uapi::F_SETFL => flags::OPEN.fmt(out, v as u32 as u64),
        uapi::F_GETLK
        | uapi::F_SETLK
        | uapi::F_SETLKW
        | uapi::F_OFD_GETLK
        | uapi::F_OFD_SETLK
        | uapi::F_OFD_SETLKW
        | uapi::F_GETOWN_EX
        | uapi::F_SETOWN_EX => ptr(out, v),
        _ => num(out, v as u32),
    }
}

/// fcntl commands that take no third argument.
pub fn fcntl_argc(a: &[usize; 6]) -> usize {
    match a[1] as u32 {
        uapi::F_GETFD
        | uapi::F_GETFL
        | uapi::F_GETOWN
        | uapi::F_GETSIG
        | uapi::F_GETLEASE
        | uapi::F_GETPIPE_SZ
        | uapi::F_GET_SEALS => 2,
        _ => 3,
    }
}

// ---- futex --------------------------------------------------------------

fn futex_cmd(a: &[usize; 6]) -> u32 {
    a[1] as u32 & !(uapi::FUTEX_PRIVATE_FLAG | uapi::FUTEX_CLOCK_REALTIME)
}

/// How many arguments strace shows for a futex operation: the address and
/// the operation, then `val` for most, then `FutexRest` for some.
pub fn futex_argc(a: &[usize; 6]) -> usize {
    match futex_cmd(a) {
        uapi::FUTEX_UNLOCK_PI | uapi::FUTEX_TRYLOCK_PI => 2,
        uapi::FUTEX_WAKE | uapi::FUTEX_FD => 3,
        _ => 4,
    }
}

/// futex's arguments after `val`, as strace picks them per operation:
/// the timeout, `val2`, the second address, `val3`.
pub fn futex_rest(out: &mut String, a: &[usize; 6]) {
    let timeout = |out: &mut String| structs::timespec(out, a[3]);
    let val2 = |out: &mut String| num(out, a[3] as u32);
    let uaddr2 = |out: &mut String| ptr(out, a[4]);
    let val3 = |out: &mut String| futex_val3(out, a[5]);
    let parts: &[&dyn Fn(&mut String)] = match futex_cmd(a) {
        uapi::FUTEX_WAIT | uapi::FUTEX_LOCK_PI | uapi::FUTEX_LOCK_PI2 => &[&timeout],
        uapi::FUTEX_WAIT_BITSET => &[&timeout, &val3],
        uapi::FUTEX_WAKE_BITSET => &[&val3],
        uapi::FUTEX_REQUEUE => &[&val2, &uaddr2],
        uapi::FUTEX_WAIT_REQUEUE_PI => &[&timeout, &uaddr2],
        _ => &[&val2, &uaddr2, &val3],
    };
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        part(out);
    }
}

/// futex's `val3`: `FUTEX_BITSET_MATCH_ANY` or hex.
fn futex_val3(out: &mut String, v: usize) {
    if v as u32 == uapi::FUTEX_BITSET_MATCH_ANY {
        out.push_str("FUTEX_BITSET_MATCH_ANY");
    } else {
        text::hex(out, v as u32 as u64);
    }
}

// ---- open, mremap ---------------------------------------------------------

/// open and openat show the mode only when the flags create a file.
fn creates(flags: usize) -> bool {
    let f = flags as u32;
    f & uapi::O_CREAT != 0 || f & uapi::__O_TMPFILE != 0
}

pub fn openat_argc(a: &[usize; 6]) -> usize {
    if creates(a[2]) { 4 } else { 3 }
}

#[cfg(target_arch = "x86_64")]
pub fn open_argc(a: &[usize; 6]) -> usize {
    if creates(a[1]) { 3 } else { 2 }
}

/// mremap shows the new address only with MREMAP_FIXED.
pub fn mremap_argc(a: &[usize; 6]) -> usize {
    if a[3] as u32 & uapi::MREMAP_FIXED != 0 {
        5
    } else {
        4
    }
}

// ---- clone --------------------------------------------------------------

/// clone(2) as strace names its fields:
/// `child_stack=NULL, flags=CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x...`.
pub fn clone(out: &mut String, c: &Ctx) {
    use super::arch::{CLONE_CTID, CLONE_FLAGS, CLONE_PTID, CLONE_STACK, CLONE_TLS};
    let a = c.a;
    let fl = a[CLONE_FLAGS] as u64;
    out.push_str("child_stack=");
    ptr(out, a[CLONE_STACK]);
    out.push_str(", flags=");
    structs::clone_flags(out, fl & !0xff, fl & 0xff);
    let has = |f: u32| fl & f as u64 != 0;
    if has(uapi::CLONE_PARENT_SETTID) {
        out.push_str(", parent_tid=");
        parent_tid(out, a[CLONE_PTID], c.ret);
    }
    if has(uapi::CLONE_SETTLS) {
        out.push_str(", tls=");
        ptr(out, a[CLONE_TLS]);
    }
    if has(uapi::CLONE_CHILD_SETTID | uapi::CLONE_CHILD_CLEARTID) {
        out.push_str(", child_tidptr=");
        ptr(out, a[CLONE_CTID]);
    }
}

/// `[1234]` once the call stored the child's tid, else the address.
fn parent_tid(out: &mut String, addr: usize, ret: Option<isize>) {
    match ret.and_then(|_| read_val::<i32>(addr).ok()) {
        Some(tid) => {
            let _ = write!(out, "[{tid}]");
        }
        None => ptr(out, addr),
    }
}

/// clone3's ` => {parent_tid=[1234]}` after a successful call.
pub fn clone3_result(out: &mut String, args: usize, ret: Option<isize>) {
    let Some(_) = ret else { return };
    let Ok([flags, _, _, ptid]) = read_val::<[u64; 4]>(args) else {
        return;
    };
    if flags & uapi::CLONE_PARENT_SETTID as u64 != 0 {
        out.push_str(" => {parent_tid=");
        parent_tid(out, ptid as usize, ret);
        out.push('}');
    }
}

// ---- prctl --------------------------------------------------------------

pub static PRCTL: Enum = Enum {
    items: &[
        (pr::PR_SET_PDEATHSIG as u64, "PR_SET_PDEATHSIG"),
        (pr::PR_GET_PDEATHSIG as u64, "PR_GET_PDEATHSIG"),
        (pr::PR_GET_DUMPABLE as u64, "PR_GET_DUMPABLE"),
        (pr::PR_SET_DUMPABLE as u64, "PR_SET_DUMPABLE"),
        (pr::PR_SET_NAME as u64, "PR_SET_NAME"),
        (pr::PR_GET_NAME as u64, "PR_GET_NAME"),
        (pr::PR_SET_CHILD_SUBREAPER as u64, "PR_SET_CHILD_SUBREAPER"),
        (pr::PR_GET_CHILD_SUBREAPER as u64, "PR_GET_CHILD_SUBREAPER"),
        (pr::PR_SET_NO_NEW_PRIVS as u64, "PR_SET_NO_NEW_PRIVS"),
        (pr::PR_GET_NO_NEW_PRIVS as u64, "PR_GET_NO_NEW_PRIVS"),
    ],
    unknown: "PR_???",
};

static SUID_DUMP: Enum = Enum {
    items: &[
        (0, "SUID_DUMP_DISABLE"),
        (1, "SUID_DUMP_USER"),
        (2, "SUID_DUMP_ROOT"),
    ],
    unknown: "SUID_DUMP_???",
};

/// How many arguments strace shows for a prctl option.
pub fn prctl_argc(a: &[usize; 6]) -> usize {
    match a[0] as u32 {
        pr::PR_GET_DUMPABLE => 1,
        pr::PR_SET_NAME
        | pr::PR_GET_NAME
        | pr::PR_SET_PDEATHSIG
        | pr::PR_GET_PDEATHSIG
        | pr::PR_SET_DUMPABLE
        | pr::PR_SET_CHILD_SUBREAPER
        | pr::PR_GET_CHILD_SUBREAPER => 2,
        _ => 5,
    }
}

/// Whether prctl's second argument is memory the call writes.
pub fn prctl_arg_out(a: &[usize; 6]) -> bool {
    matches!(
        a[0] as u32,
        pr::PR_GET_NAME | pr::PR_GET_PDEATHSIG | pr::PR_GET_CHILD_SUBREAPER
    )
}

/// prctl's second argument, typed by the option.
pub fn prctl_arg(out: &mut String, a: &[usize; 6]) {
    let v = a[1];
    match a[0] as u32 {
        // The name is at most TASK_COMM_LEN - 1 bytes, as strace cuts it.
        pr::PR_SET_NAME | pr::PR_GET_NAME => text::comm(out, v),
        pr::PR_SET_PDEATHSIG => structs::signal_or_number(out, v as u64),
        pr::PR_SET_DUMPABLE => SUID_DUMP.fmt(out, v as u64),
        pr::PR_GET_PDEATHSIG => match read_val::<i32>(v) {
            Ok(sig) => {
                out.push('[');
                structs::signal_or_number(out, sig as u64);
                out.push(']');
            }
            Err(_) => ptr(out, v),
        },
        pr::PR_GET_CHILD_SUBREAPER => match read_val::<i32>(v) {
            Ok(n) => {
                let _ = write!(out, "[{n}]");
            }
            Err(_) => ptr(out, v),
        },
        _ => prctl_rest(out, a, v),
    }
}

/// prctl's further arguments: decimal for known options, hex otherwise.
pub fn prctl_rest(out: &mut String, a: &[usize; 6], v: usize) {
    if PRCTL.name(a[0] as u32 as u64).is_some() {
        num(out, v);
    } else {
        text::hex(out, v as u64);
    }
}

/// PR_GET_DUMPABLE's `1 (SUID_DUMP_USER)`.
pub fn prctl_result(out: &mut String, a: &[usize; 6], v: isize) {
    num(out, v);
    if a[0] as u32 == pr::PR_GET_DUMPABLE
        && let Some(n) = SUID_DUMP.name(v as u64)
    {
        let _ = write!(out, " ({n})");
    }
}

// ---- fcntl results ------------------------------------------------------

/// `0x1 (flags FD_CLOEXEC)`, `0x8002 (flags O_RDWR|O_LARGEFILE)`.
pub fn fcntl_result(out: &mut String, cmd: u32, v: isize) {
    let set = match cmd {
        uapi::F_GETFD if v != 0 => &flags::FD,
        uapi::F_GETFL => &flags::OPEN,
        _ => return num(out, v),
    };
    text::hex(out, v as u64);
    out.push_str(" (flags ");
    set.fmt(out, v as u64);
    out.push(')');
}

// ---- poll, select -------------------------------------------------------

/// The entries of a pollfd array: `{fd=3, events=POLLIN}` (or revents,
/// only the ready ones, after the call).
fn pollfds(out: &mut String, addr: usize, n: usize, after: bool) -> bool {
    const SIZE: usize = size_of::<uapi::pollfd>();
    let mut shown = 0;
    for i in 0..n {
        let Ok([fd, ev]) = read_val::<[i32; 2]>(addr + i * SIZE) else {
            return false;
        };
        let events = if after { (ev >> 16) as u16 } else { ev as u16 };
        if after && events == 0 {
            continue;
        }
        if shown > 0 {
            out.push_str(", ");
        }
        if shown >= MAX_STRLEN {
            out.push_str("...");
            break;
        }
        let name = if after { "revents" } else { "events" };
        let _ = write!(out, "{{fd={fd}, {name}=");
        flags::POLL.fmt(out, events as u64);
        out.push('}');
        shown += 1;
    }
    true
}

/// poll's array before the call: `[{fd=3, events=POLLIN}]`.
pub fn pollfds_in(out: &mut String, addr: usize, n: usize) {
    let start = out.len();
    out.push('[');
    if pollfds(out, addr, n, false) {
        out.push(']');
    } else {
        out.truncate(start);
        ptr(out, addr);
    }
}

/// `N ([{fd=3, revents=POLLIN}], left {tv_sec=0, tv_nsec=99})` or
/// `0 (Timeout)`; the time left only for ppoll with a timeout.
pub fn poll_result(out: &mut String, a: &[usize; 6], v: isize, timeout: Option<usize>) {
    num(out, v);
    if v == 0 {
        out.push_str(" (Timeout)");
        return;
    }
    out.push_str(" ([");
    pollfds(out, a[0], a[1], true);
    out.push(']');
    if let Some(ts) = timeout.filter(|&t| a[t] != 0) {
        out.push_str(", left ");
        structs::timespec(out, a[ts]);
    }
    out.push(')');
}

/// The fds in an fd_set of `nfds` bits: `[3 4]`; false if unreadable.
fn fd_set(out: &mut String, addr: usize, nfds: usize) -> bool {
    const WORD: usize = 64;
    let nfds = nfds.min(1 << 16);
    out.push('[');
    let mut first = true;
    for w in 0..nfds.div_ceil(WORD) {
        let Ok(bits) = read_val::<u64>(addr + w * 8) else {
            return false;
        };
        for b in 0..WORD.min(nfds - w * WORD) {
            if bits & (1 << b) != 0 {
                if !first {
                    out.push(' ');
                }
                first = false;
                let _ = write!(out, "{}", w * WORD + b);
            }
        }
    }
    out.push(']');
    true
}

/// select's fd sets before the call.
pub fn fd_set_in(out: &mut String, addr: usize, nfds: usize) {
    let start = out.len();
    if addr == 0 || !fd_set(out, addr, nfds) {
        out.truncate(start);
        ptr(out, addr);
    }
}

/// `N (in [3], out [4], left {tv_sec=0, tv_usec=99})` or `0 (Timeout)`.
pub fn select_result(out: &mut String, a: &[usize; 6], v: isize, timespec: bool) {
    num(out, v);
    if v == 0 {
        out.push_str(" (Timeout)");
        return;
    }
    out.push_str(" (");
    let start = out.len();
    for (i, name) in [(1, "in"), (2, "out"), (3, "except")] {
        let mut set = String::new();
        if a[i] != 0 && fd_set(&mut set, a[i], a[0]) && set != "[]" {
            if out.len() > start {
                out.push_str(", ");
            }
            let _ = write!(out, "{name} {set}");
        }
    }
    if a[4] != 0 {
        out.push_str(", left ");
        if timespec {
            structs::timespec(out, a[4]);
        } else {
            structs::timeval(out, a[4]);
        }
    }
    out.push(')');
}

/// pselect6's sixth argument: `{sigmask=[], sigsetsize=8}`.
pub fn pselect_sigmask(out: &mut String, addr: usize) {
    match read_val::<[usize; 2]>(addr).ok().filter(|_| addr != 0) {
        Some([set, size]) => {
            out.push_str("{sigmask=");
            structs::sigset(out, set, size);
            let _ = write!(out, ", sigsetsize={size}}}");
        }
        None => ptr(out, addr),
    }
}
