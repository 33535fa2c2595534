//! Structures in user memory, abbreviated as strace abbreviates them
//! (`{st_mode=S_IFREG|0644, st_size=11, ...}`). Each decoder prints the
//! address instead when the memory cannot be read.

use alloc::string::String;
use core::fmt::Write;
use core::mem::size_of;

use linux_raw_sys::general as uapi;

use super::flags;
use super::text::{self, MAX_STRLEN, ptr, quote};
use crate::uaccess::{Pod, read_val};

/// Reads a `T` at `addr` and shows it with `f`, or shows the address.
fn show<T: Pod>(out: &mut String, addr: usize, f: impl FnOnce(&mut String, T)) {
    match read_val::<T>(addr).ok().filter(|_| addr != 0) {
        Some(v) => f(out, v),
        None => ptr(out, addr),
    }
}

/// `S_IFREG|0644`.
pub fn mode(out: &mut String, m: u32) {
    flags::S_IFMT.fmt(out, (m & uapi::S_IFMT) as u64);
    out.push('|');
    text::octal(out, (m & 0o7777) as u64);
}

/// `makedev(0x1, 0x3)` of a Linux `dev_t`.
fn makedev(out: &mut String, dev: u64) {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    let _ = write!(out, "makedev({major:#x}, {minor:#x})");
}

/// The size, or the device number of a device node.
fn size_or_rdev(out: &mut String, m: u32, size: u64, rdev: u64) {
    let kind = m & uapi::S_IFMT;
    if kind == uapi::S_IFCHR || kind == uapi::S_IFBLK {
        out.push_str("st_rdev=");
        makedev(out, rdev);
    } else {
        let _ = write!(out, "st_size={size}");
    }
}

pub fn stat(out: &mut String, addr: usize) {
    show(out, addr, |out, st: uapi::stat| {
        out.push_str("{st_mode=");
        mode(out, st.st_mode);
        out.push_str(", ");
        size_or_rdev(out, st.st_mode, st.st_size as u64, st.st_rdev);
        out.push_str(", ...}");
    });
}

pub fn statx(out: &mut String, addr: usize) {
    show(out, addr, |out, sx: uapi::statx| {
        out.push_str("{stx_mask=");
        flags::STATX_MASK.fmt(out, sx.stx_mask as u64);
        out.push_str(", stx_attributes=");
        flags::STATX_ATTR.fmt(out, sx.stx_attributes);
        out.push_str(", stx_mode=");
        mode(out, sx.stx_mode as u32);
        let _ = write!(out, ", stx_size={}, ...}}", sx.stx_size);
    });
}

pub fn timespec(out: &mut String, addr: usize) {
    show(out, addr, |out, ts: uapi::timespec| {
        // strace shows tv_nsec unsigned.
        let _ = write!(
            out,
            "{{tv_sec={}, tv_nsec={}}}",
            ts.tv_sec, ts.tv_nsec as u64
        );
    });
}

pub fn timeval(out: &mut String, addr: usize) {
    show(out, addr, |out, tv: uapi::timeval| {
        let _ = write!(out, "{{tv_sec={}, tv_usec={}}}", tv.tv_sec, tv.tv_usec);
    });
}

/// `8192*1024`, `RLIM64_INFINITY`.
fn rlim(out: &mut String, v: u64) {
    if v == u64::MAX {
        out.push_str("RLIM64_INFINITY");
    } else if v > 1024 && v.is_multiple_of(1024) {
        let _ = write!(out, "{}*1024", v / 1024);
    } else {
        let _ = write!(out, "{v}");
    }
}

/// `{ru_utime={tv_sec=0, tv_usec=211}, ru_stime={tv_sec=0, tv_usec=0}, ...}`.
pub fn rusage(out: &mut String, addr: usize) {
    show(out, addr, |out, t: [i64; 4]| {
        let _ = write!(
            out,
            "{{ru_utime={{tv_sec={}, tv_usec={}}}, ru_stime={{tv_sec={}, tv_usec={}}}, ...}}",
            t[0], t[1], t[2], t[3]
        );
    });
}

pub fn rlimit(out: &mut String, addr: usize) {
    show(out, addr, |out, r: uapi::rlimit64| {
        out.push_str("{rlim_cur=");
        rlim(out, r.rlim_cur);
        out.push_str(", rlim_max=");
        rlim(out, r.rlim_max);
        out.push('}');
    });
}

/// The bytes of a fixed-size, NUL-padded string field.
fn c_field(b: &[u8]) -> &[u8] {
    &b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())]
}

/// `{sysname="Linux", nodename="host", ...}`.
pub fn utsname(out: &mut String, addr: usize) {
    const FIELD: usize = 65;
    show(out, addr, |out, u: [u8; 2 * FIELD]| {
        out.push_str("{sysname=");
        quote(out, c_field(&u[..FIELD]), false, false);
        out.push_str(", nodename=");
        quote(out, c_field(&u[FIELD..]), false, false);
        out.push_str(", ...}");
    });
}

/// struct sysinfo as strace shows it (the same on both architectures).
pub fn sysinfo(out: &mut String, addr: usize) {
    show(out, addr, |out, w: [u64; 14]| {
        let _ = write!(
            out,
            "{{uptime={}, loads=[{}, {}, {}], totalram={}, freeram={}, sharedram={}, \
             bufferram={}, totalswap={}, freeswap={}, procs={}, totalhigh={}, freehigh={}, \
             mem_unit={}}}",
            w[0] as i64,
            w[1],
            w[2],
            w[3],
            w[4],
            w[5],
            w[6],
            w[7],
            w[8],
            w[9],
            w[10] & 0xffff,
            w[11],
            w[12],
            w[13] as u32,
        );
    });
}

/// `[INT USR1]`; more than half the signals set prints the complement,
/// `~[KILL STOP]`.
pub fn sigset_value(out: &mut String, set: u64) {
    let (set, neg) = if set.count_ones() > 32 {
        (!set, "~")
    } else {
        (set, "")
    };
    let _ = write!(out, "{neg}[");
    let mut first = true;
    for sig in 1..=64u64 {
        if set & (1 << (sig - 1)) != 0 {
            if !first {
                out.push(' ');
            }
            first = false;
            flags::signal(out, sig, false);
        }
    }
    out.push(']');
}

/// A sigset of `size` bytes: decoded only at the kernel's size, as strace.
pub fn sigset(out: &mut String, addr: usize, size: usize) {
    if size == size_of::<u64>() {
        show(out, addr, sigset_value);
    } else {
        ptr(out, addr);
    }
}

/// `{sa_handler=SIG_IGN, sa_mask=[PIPE], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x409060}`.
pub fn sigaction(out: &mut String, addr: usize) {
    show(out, addr, |out, sa: crate::signal::UserSigAction| {
        let sa = crate::signal::SigAction::from(sa);
        out.push_str("{sa_handler=");
        match sa.handler {
            crate::signal::SIG_DFL => out.push_str("SIG_DFL"),
            crate::signal::SIG_IGN => out.push_str("SIG_IGN"),
            h => ptr(out, h),
        }
        out.push_str(", sa_mask=");
        sigset_value(out, sa.mask);
        out.push_str(", sa_flags=");
        let restorer = super::arch::SA_RESTORER.filter(|r| sa.flags & r != 0);
        if let Some(r) = restorer {
            out.push_str("SA_RESTORER");
            if sa.flags & !r != 0 {
                out.push('|');
                flags::SA.fmt(out, sa.flags & !r);
            }
        } else {
            flags::SA.fmt(out, sa.flags);
        }
        if restorer.is_some() {
            out.push_str(", sa_restorer=");
            ptr(out, sa.restorer);
        }
        out.push('}');
    });
}

/// pipe's `[3, 4]`.
pub fn fd_pair(out: &mut String, addr: usize) {
    show(out, addr, |out, fds: [i32; 2]| {
        let _ = write!(out, "[{}, {}]", fds[0], fds[1]);
    });
}

/// `[0]`: an int the call stored.
pub fn int_ref(out: &mut String, addr: usize) {
    show(out, addr, |out, v: i32| {
        let _ = write!(out, "[{v}]");
    });
}

/// `[0, 4]`: `n` unsigned ints (at most 32 shown).
pub fn u32_list(out: &mut String, addr: usize, n: usize) {
    if n == 0 {
        out.push_str("[]");
        return;
    }
    if read_val::<u32>(addr).is_err() {
        return ptr(out, addr);
    }
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        match read_val::<u32>(addr.wrapping_add(i * 4)) {
            Ok(v) if i < MAX_STRLEN => {
                let _ = write!(out, "{v}");
            }
            _ => {
                out.push_str("...");
                break;
            }
        }
    }
    out.push(']');
}

/// `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`.
pub fn wait_status(out: &mut String, addr: usize) {
    show(out, addr, |out, s: i32| {
        let sig = (s & 0x7f) as u64;
        out.push_str("[{");
        if sig == 0 {
            let _ = write!(out, "WIFEXITED(s) && WEXITSTATUS(s) == {}", (s >> 8) & 0xff);
        } else if sig == 0x7f {
            out.push_str("WIFSTOPPED(s) && WSTOPSIG(s) == ");
            signal_or_number(out, ((s >> 8) & 0xff) as u64);
        } else if s == 0xffff {
            out.push_str("WIFCONTINUED(s)");
        } else {
            out.push_str("WIFSIGNALED(s) && WTERMSIG(s) == ");
            signal_or_number(out, sig);
            if s & 0x80 != 0 {
                out.push_str(" && WCOREDUMP(s)");
            }
        }
        out.push_str("}]");
    });
}

pub fn signal_or_number(out: &mut String, sig: u64) {
    if !flags::signal(out, sig, true) {
        let _ = write!(out, "{}", sig as i32);
    }
}

/// What an iovec array shows of its buffers.
#[derive(Clone, Copy)]
pub enum IovData {
    /// The start of each (writev).
    Each,
    /// What the call filled in, this many bytes in order (readv).
    Filled(usize),
    /// Only their addresses (a failed readv).
    None,
}

/// An iovec array of `cnt` entries: `[{iov_base="abc", iov_len=3}, ...]`,
/// at most 32 of them, or the address if the first cannot be read.
pub fn iovecs(out: &mut String, addr: usize, cnt: usize, mut data: IovData) {
    const SIZE: usize = size_of::<uapi::iovec>();
    if cnt == 0 {
        out.push_str("[]");
        return;
    }
    if addr == 0 || read_val::<uapi::iovec>(addr).is_err() {
        ptr(out, addr);
        return;
    }
    out.push('[');
    for i in 0..cnt {
        if i > 0 {
            out.push_str(", ");
        }
        let iov = match read_val::<uapi::iovec>(addr + i * SIZE) {
            Ok(iov) if i < MAX_STRLEN => iov,
            _ => {
                out.push_str("...");
                break;
            }
        };
        let (base, len) = (iov.iov_base as usize, iov.iov_len as usize);
        out.push_str("{iov_base=");
        match &mut data {
            _ if base == 0 => ptr(out, 0),
            IovData::Each => text::buffer(out, base, len, false),
            IovData::Filled(left) => {
                let n = len.min(*left);
                *left -= n;
                text::buffer(out, base, n, false);
            }
            IovData::None => ptr(out, base),
        }
        let _ = write!(out, ", iov_len={len}}}");
    }
    out.push(']');
}

/// Number of entries in a NULL-terminated pointer array (bounded).
fn count_ptrs(addr: usize) -> Option<usize> {
    const MAX: usize = 4096;
    (0..MAX).find_map(|i| match read_val::<usize>(addr + i * size_of::<usize>()) {
        Ok(0) => Some(Some(i)),
        Ok(_) => None,
        Err(_) => Some(None),
    })?
}

/// execve's argv: `["ls", "-l"]`.
pub fn argv(out: &mut String, addr: usize) {
    let Some(n) = (addr != 0).then(|| count_ptrs(addr)).flatten() else {
        ptr(out, addr);
        return;
    };
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        if i >= MAX_STRLEN {
            out.push_str("...");
            break;
        }
        let p = read_val::<usize>(addr + i * size_of::<usize>()).unwrap_or(0);
        text::string(out, p);
    }
    out.push(']');
}

/// execve's envp: `0x7ffd1234 /* 12 vars */`.
pub fn envp(out: &mut String, addr: usize) {
    ptr(out, addr);
    if let Some(n) = (addr != 0).then(|| count_ptrs(addr)).flatten() {
        let _ = write!(out, " /* {n} var{} */", if n == 1 { "" } else { "s" });
    }
}

/// getdents64's buffer: `0x55d0c0 /* 7 entries */`.
pub fn dirents(out: &mut String, addr: usize, len: usize) {
    ptr(out, addr);
    let mut n = 0;
    let mut off = 0;
    while off + 19 <= len {
        match read_val::<u16>(addr.wrapping_add(off + 16)) {
            Ok(reclen) if reclen > 0 => off += reclen as usize,
            _ => break,
        }
        n += 1;
    }
    let _ = write!(out, " /* {n} entries */");
}

/// clone's and clone3's flags with the exit signal last: `CLONE_VM|SIGCHLD`.
pub fn clone_flags(out: &mut String, flags: u64, exit_signal: u64) {
    if flags == 0 && exit_signal == 0 {
        out.push('0');
        return;
    }
    if flags != 0 {
        flags::CLONE.fmt(out, flags);
    }
    if exit_signal != 0 {
        if flags != 0 {
            out.push('|');
        }
        signal_or_number(out, exit_signal);
    }
}

/// clone3's `struct clone_args` (the fields of version 0).
pub fn clone_args(out: &mut String, addr: usize) {
    show(out, addr, |out, a: [u64; 8]| {
        let [
            fl,
            pidfd,
            child_tid,
            parent_tid,
            exit_signal,
            stack,
            stack_size,
            tls,
        ] = a;
        out.push_str("{flags=");
        clone_flags(out, fl, 0);
        let has = |f: u32| fl & f as u64 != 0;
        let field = |out: &mut String, name: &str, v: u64| {
            let _ = write!(out, ", {name}=");
            ptr(out, v as usize);
        };
        if has(uapi::CLONE_PIDFD) {
            field(out, "pidfd", pidfd);
        }
        if has(uapi::CLONE_CHILD_SETTID | uapi::CLONE_CHILD_CLEARTID) {
            field(out, "child_tid", child_tid);
        }
        if has(uapi::CLONE_PARENT_SETTID) {
            field(out, "parent_tid", parent_tid);
        }
        out.push_str(", exit_signal=");
        if exit_signal == 0 {
            out.push('0');
        } else {
            signal_or_number(out, exit_signal);
        }
        field(out, "stack", stack);
        out.push_str(", stack_size=");
        text::hex(out, stack_size);
        if has(uapi::CLONE_SETTLS) {
            field(out, "tls", tls);
        }
        out.push('}');
    });
}
