//! Robust futex lists (set_robust_list, get_robust_list, and the walk at
//! thread exit and exec, Linux's exit_robust_list): every lock on the list
//! that the dying thread still owns gets FUTEX_OWNER_DIED and one waiter
//! is woken, so that the next locker sees EOWNERDEAD.

use core::sync::atomic::Ordering;

use super::key::key_of;
use super::queue;
use crate::errno::{Errno, SysResult};
use crate::task::{Thread, current_process, current_thread, find_process, find_thread};
use crate::uaccess::{read_val, write_val};

/// sizeof(struct robust_list_head): next, futex_offset, list_op_pending.
const HEAD_SIZE: usize = 3 * size_of::<usize>();
/// Most entries walked, against lists that loop (ROBUST_LIST_LIMIT).
const LIST_LIMIT: usize = 2048;
const FUTEX_WAITERS: u32 = 0x8000_0000;
const FUTEX_OWNER_DIED: u32 = 0x4000_0000;
const FUTEX_TID_MASK: u32 = 0x3fff_ffff;

pub fn sys_set_robust_list(head: usize, len: usize) -> SysResult {
    if len != HEAD_SIZE {
        return Err(Errno::EINVAL);
    }
    current_thread().robust_list.store(head, Ordering::Release);
    Ok(0)
}

pub fn sys_get_robust_list(tid: i32, head_ptr: usize, len_ptr: usize) -> SysResult {
    let head = if tid == 0 {
        current_thread().robust_list.load(Ordering::Acquire)
    } else if let Some(t) = find_thread(tid) {
        t.robust_list.load(Ordering::Acquire)
    } else if find_process(tid).is_some() {
        0 // a zombie: its list went with its last thread
    } else {
        return Err(Errno::ESRCH);
    };
    write_val(len_ptr, &HEAD_SIZE)?;
    write_val(head_ptr, &head)?;
    Ok(0)
}

/// A list pointer: the entry's address and its PI flag (bit 0).
fn fetch_entry(addr: usize) -> SysResult<(usize, bool)> {
    let v: usize = read_val(addr)?;
    Ok((v & !1, v & 1 != 0))
}

/// Walks and forgets the calling thread `t`'s robust list (at its exit or
/// exec). Gives up quietly at the first bad pointer, as Linux does.
pub fn exit_robust_list(t: &Thread) {
    let head = t.robust_list.swap(0, Ordering::AcqRel);
    if head == 0 {
        return;
    }
    let (Ok((mut entry, mut pi)), Ok(offset), Ok((pending, pending_pi))) = (
        fetch_entry(head),
        read_val::<usize>(head + size_of::<usize>()).map(|o| o as isize),
        fetch_entry(head + 2 * size_of::<usize>()),
    ) else {
        return;
    };
    let mut limit = LIST_LIMIT;
    while entry != head {
        let next = fetch_entry(entry);
        // The pending entry is handled last, with its own rules.
        if entry != pending
            && owner_died(entry.wrapping_add_signed(offset), t.tid, pi, false).is_err()
        {
            return;
        }
        let Ok((n, npi)) = next else { return };
        (entry, pi) = (n, npi);
        limit -= 1;
        if limit == 0 {
            break;
        }
    }
    if pending != 0 {
        let _ = owner_died(pending.wrapping_add_signed(offset), t.tid, pending_pi, true);
    }
}

/// Linux's handle_futex_death for the lock word at `addr`.
fn owner_died(addr: usize, tid: i32, pi: bool, pending: bool) -> Result<(), ()> {
    if !addr.is_multiple_of(4) {
        return Err(());
    }
    let val: u32 = read_val(addr).map_err(|_| ())?;
    let owner = val & FUTEX_TID_MASK;
    // Killed between releasing the lock and waking a waiter, or woken and
    // killed before taking it: the word is consistent, only wake the next.
    if pending && !pi && owner == 0 {
        wake_one(addr);
        return Ok(());
    }
    if owner != tid as u32 {
        return Ok(());
    }
    let aspace = current_process().aspace();
    let old = aspace
        .lock()
        .update_u32(addr, |v| {
            (v & FUTEX_TID_MASK == tid as u32).then_some((v & FUTEX_WAITERS) | FUTEX_OWNER_DIED)
        })
        .map_err(|_| ())?;
    // PI futexes are not supported, so only plain ones have waiters here.
    if !pi && old & FUTEX_TID_MASK == tid as u32 && old & FUTEX_WAITERS != 0 {
        wake_one(addr);
    }
    Ok(())
}

/// Wakes one waiter the way the exit path does: as a shared futex.
fn wake_one(addr: usize) {
    if let Ok(key) = key_of(addr, false, false) {
        queue::wake(&key, 1, u32::MAX);
    }
}
