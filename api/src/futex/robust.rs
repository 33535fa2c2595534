//! Robust futex lists: the walk at thread exit and exec (Linux's
//! exit_robust_list). Every lock on the list that the dying thread still
//! owns gets FUTEX_OWNER_DIED and one waiter is woken, so that the next
//! locker sees EOWNERDEAD.

use core::sync::atomic::Ordering;

use crate::errno::SysResult;
use crate::task::{Thread, current_process};
use crate::uaccess::read_val;

/// sizeof(struct robust_list_head): next, futex_offset, list_op_pending.
pub const HEAD_SIZE: usize = 3 * size_of::<usize>();
/// Most entries walked, against lists that loop (ROBUST_LIST_LIMIT).
const LIST_LIMIT: usize = 2048;
const FUTEX_WAITERS: u32 = 0x8000_0000;
const FUTEX_OWNER_DIED: u32 = 0x4000_0000;
const FUTEX_TID_MASK: u32 = 0x3fff_ffff;

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
    super::wake_address(addr, 1);
}
