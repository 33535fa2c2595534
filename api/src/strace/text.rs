//! Strings, buffers and pointers as strace shows them. User memory is read
//! only through the fault-tolerant `uaccess` copy: what cannot be read is
//! shown as its address, as strace does.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::uaccess::{PATH_MAX, copy_from_user};

/// strace's default `-s 32`: longer strings and buffers are cut, `"..."...`.
pub const MAX_STRLEN: usize = 32;

const PAGE: usize = 4096;

/// `len` bytes at `addr`; None if any of them is unreadable.
pub fn read_bytes(addr: usize, len: usize) -> Option<Vec<u8>> {
    if addr == 0 {
        return None;
    }
    let mut buf = vec![0u8; len];
    copy_from_user(&mut buf, addr).ok()?;
    Some(buf)
}

/// A NUL-terminated string of at most `max` bytes, read a page at a time so
/// that no page past the NUL is touched; the flag is false when no NUL came
/// within `max` bytes.
pub fn read_cstr(addr: usize, max: usize) -> Option<(Vec<u8>, bool)> {
    if addr == 0 {
        return None;
    }
    let mut out = Vec::new();
    let mut at = addr;
    while out.len() < max {
        let n = (PAGE - at % PAGE).min(max - out.len());
        let start = out.len();
        out.resize(start + n, 0);
        copy_from_user(&mut out[start..], at).ok()?;
        if let Some(nul) = out[start..].iter().position(|&c| c == 0) {
            out.truncate(start + nul);
            return Some((out, true));
        }
        at += n;
    }
    Some((out, false))
}

/// `NULL` or `0x7ffd1234`.
pub fn ptr(out: &mut String, addr: usize) {
    if addr == 0 {
        out.push_str("NULL");
    } else {
        let _ = write!(out, "{addr:#x}");
    }
}

/// `bytes` in double quotes with C escapes (`\n`, `\0`, `\177`), all bytes
/// as `\x..` when `hex`; `...` follows when the data went on.
pub fn quote(out: &mut String, bytes: &[u8], more: bool, hex: bool) {
    out.push('"');
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            _ if hex => {
                let _ = write!(out, "\\x{c:02x}");
            }
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            0x0b => out.push_str("\\v"),
            0x0c => out.push_str("\\f"),
            0x20..=0x7e => out.push(c as char),
            _ => {
                // Shortest octal form, unless an octal digit follows.
                let next_is_digit = bytes.get(i + 1).is_some_and(|d| (b'0'..=b'7').contains(d));
                if next_is_digit {
                    let _ = write!(out, "\\{c:03o}");
                } else {
                    let _ = write!(out, "\\{c:o}");
                }
            }
        }
    }
    out.push('"');
    if more {
        out.push_str("...");
    }
}

/// A buffer of `len` bytes: its first 32 bytes quoted, or its address.
pub fn buffer(out: &mut String, addr: usize, len: usize, hex: bool) {
    let shown = len.min(MAX_STRLEN);
    match read_bytes(addr, shown) {
        Some(b) => quote(out, &b, len > shown, hex),
        None => ptr(out, addr),
    }
}

/// A NUL-terminated string of at most `max` bytes shown; `...` if longer.
fn cstr(out: &mut String, addr: usize, max: usize) {
    match read_cstr(addr, max + 1) {
        Some((mut s, _)) => {
            let more = s.len() > max;
            s.truncate(max);
            quote(out, &s, more, false);
        }
        None => ptr(out, addr),
    }
}

/// A string argument (`-s 32`).
pub fn string(out: &mut String, addr: usize) {
    cstr(out, addr, MAX_STRLEN);
}

/// A task name (prctl PR_SET_NAME): up to TASK_COMM_LEN - 1 bytes.
pub fn comm(out: &mut String, addr: usize) {
    cstr(out, addr, 15);
}

/// A path argument, shown whole (as strace, up to PATH_MAX - 1 bytes).
pub fn path(out: &mut String, addr: usize) {
    cstr(out, addr, PATH_MAX - 1);
}

/// A path the call wrote, `len` bytes long (readlink, getcwd): whole, up
/// to a NUL.
pub fn path_out(out: &mut String, addr: usize, len: usize) {
    match read_bytes(addr, len.min(PATH_MAX)) {
        Some(mut b) => {
            if let Some(nul) = b.iter().position(|&c| c == 0) {
                b.truncate(nul);
            }
            quote(out, &b, false, false);
        }
        None => ptr(out, addr),
    }
}

/// `0644`, `000`, `01777`: C's `%#03o`.
pub fn octal(out: &mut String, v: u64) {
    if v == 0 {
        out.push_str("000");
    } else {
        let _ = write!(out, "0{v:02o}");
    }
}

/// C's `%#x`: `0x1f`, but `0` for zero.
pub fn hex(out: &mut String, v: u64) {
    if v == 0 {
        out.push('0');
    } else {
        let _ = write!(out, "{v:#x}");
    }
}
