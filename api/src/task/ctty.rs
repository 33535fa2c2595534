//! Controlling terminals, for the one terminal we have (the serial console).
//!
//! As on Linux a process's controlling terminal is its own (inherited by
//! fork, dropped by setsid), and the terminal records the session it
//! belongs to: the console is a process's controlling terminal when the
//! process has one and the console's session is the process's session.
//! Only a session leader acquires it (TIOCSCTTY, or opening the line);
//! /dev/tty is it, ENXIO without one.

use core::sync::atomic::Ordering;

use super::{Process, all_processes, current_process};
use crate::errno::{Errno, SysResult};

fn has_ctty(p: &Process, session: i32) -> bool {
    session != 0 && p.ctty.load(Ordering::Acquire) && p.sid.load(Ordering::Relaxed) == session
}

/// ENOTTY unless the terminal of `session` is the caller's controlling one.
pub fn check_mine(session: i32) -> SysResult<()> {
    if has_ctty(&current_process(), session) {
        Ok(())
    } else {
        Err(Errno::ENOTTY)
    }
}

/// TIOCSPGRP's checks: `pgrp` must be a group of the terminal's session.
pub fn check_foreground(session: i32, pgrp: i32) -> SysResult<()> {
    if pgrp < 0 {
        return Err(Errno::EINVAL);
    }
    let members: alloc::vec::Vec<_> = all_processes()
        .into_iter()
        .filter(|p| p.pgid.load(Ordering::Relaxed) == pgrp)
        .collect();
    if members.is_empty() {
        return Err(Errno::ESRCH);
    }
    if members
        .iter()
        .any(|p| p.sid.load(Ordering::Relaxed) != session)
    {
        return Err(Errno::EPERM);
    }
    Ok(())
}

/// TIOCSCTTY: makes the terminal (now of `session`, 0 for none) the
/// caller's session's; returns the new session and foreground group.
/// `steal` (arg 1, we are root) takes it from another session.
pub fn acquire(session: i32, steal: bool) -> SysResult<(i32, i32)> {
    let me = current_process();
    let sid = me.sid.load(Ordering::Relaxed);
    if has_ctty(&me, session) {
        return Ok((session, me.pgid.load(Ordering::Relaxed)));
    }
    // Only a session leader without a controlling terminal may acquire one.
    if me.pid != sid || me.ctty.load(Ordering::Acquire) {
        return Err(Errno::EPERM);
    }
    if session != 0 {
        if !steal {
            return Err(Errno::EPERM);
        }
        drop_session(session);
    }
    for p in all_processes() {
        if p.sid.load(Ordering::Relaxed) == sid {
            p.ctty.store(true, Ordering::Release);
        }
    }
    Ok((sid, me.pgid.load(Ordering::Relaxed)))
}

/// TIOCNOTTY: the caller gives its controlling terminal up; a session
/// leader frees it for the whole session (true: the terminal is free now).
pub fn release(session: i32) -> SysResult<bool> {
    let me = current_process();
    if !has_ctty(&me, session) {
        return Err(Errno::ENOTTY);
    }
    if me.pid == session {
        drop_session(session);
        Ok(true)
    } else {
        me.ctty.store(false, Ordering::Release);
        Ok(false)
    }
}

fn drop_session(session: i32) {
    for p in all_processes() {
        if p.sid.load(Ordering::Relaxed) == session {
            p.ctty.store(false, Ordering::Release);
        }
    }
}
