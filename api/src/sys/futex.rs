//! futex(2): the operations of linux/futex.h except the PI ones, which
//! give ENOSYS as on a kernel built without CONFIG_FUTEX_PI; and the robust
//! list calls. The queues and keys are `crate::futex`'s.

use core::sync::atomic::Ordering;
use core::time::Duration;

use crate::errno::{Errno, SysResult};
use crate::futex::{self as queue, MATCH_ANY, ROBUST_HEAD_SIZE, key_of};
use crate::signal::RestartBlock;
use crate::task::{current_process, current_thread, find_process, find_thread};
use crate::uaccess::{UserPtr, check_user_buffer};

const FUTEX_WAIT: u32 = 0;
const FUTEX_WAKE: u32 = 1;
const FUTEX_REQUEUE: u32 = 3;
const FUTEX_CMP_REQUEUE: u32 = 4;
const FUTEX_WAKE_OP: u32 = 5;
const FUTEX_LOCK_PI: u32 = 6;
const FUTEX_WAIT_BITSET: u32 = 9;
const FUTEX_WAKE_BITSET: u32 = 10;
const FUTEX_WAIT_REQUEUE_PI: u32 = 11;
const FUTEX_LOCK_PI2: u32 = 13;
const FUTEX_PRIVATE_FLAG: u32 = 128;
const FUTEX_CLOCK_REALTIME: u32 = 256;

/// The monotonic deadline of a wait, read before anything else as Linux
/// does: FUTEX_WAIT's timeout is relative, the others' absolute
/// (CLOCK_MONOTONIC, or CLOCK_REALTIME with FUTEX_CLOCK_REALTIME).
fn deadline(
    cmd: u32,
    realtime: bool,
    timeout: UserPtr<linux_raw_sys::general::timespec>,
) -> SysResult<Duration> {
    let t = timeout.read()?;
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return Err(Errno::EINVAL);
    }
    let d = Duration::new(t.tv_sec as u64, t.tv_nsec as u32);
    let now = axhal::time::monotonic_time();
    let left = match cmd {
        FUTEX_WAIT => d,
        _ if realtime => d.saturating_sub(axhal::time::wall_time()),
        _ => d.saturating_sub(now),
    };
    // Too far to ever come: no deadline.
    Ok(now.checked_add(left).unwrap_or(Duration::MAX))
}

pub fn sys_futex(
    addr: usize,
    op: u32,
    val: u32,
    timeout: usize,
    addr2: usize,
    val3: u32,
) -> SysResult {
    let cmd = op & !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    let private = op & FUTEX_PRIVATE_FLAG != 0;
    let realtime = op & FUTEX_CLOCK_REALTIME != 0;
    let has_timeout = matches!(
        cmd,
        FUTEX_WAIT | FUTEX_WAIT_BITSET | FUTEX_LOCK_PI | FUTEX_LOCK_PI2 | FUTEX_WAIT_REQUEUE_PI
    );
    let deadline = match timeout {
        0 => None,
        t if has_timeout => {
            Some(deadline(cmd, realtime, UserPtr::new(t))?).filter(|d| *d != Duration::MAX)
        }
        _ => None,
    };
    if realtime
        && !matches!(
            cmd,
            FUTEX_WAIT_BITSET | FUTEX_WAIT_REQUEUE_PI | FUTEX_LOCK_PI2
        )
    {
        return Err(Errno::ENOSYS);
    }
    // REQUEUE and WAKE_OP take a second count in the timeout argument.
    let val2 = timeout as u32 as i32;
    match cmd {
        FUTEX_WAIT | FUTEX_WAIT_BITSET => {
            let bitset = if cmd == FUTEX_WAIT { MATCH_ANY } else { val3 };
            if bitset == 0 {
                return Err(Errno::EINVAL);
            }
            if timeout == 0 {
                queue::wait(key_of(addr, private, false)?, addr, val, bitset, None)
            } else {
                timed_wait(addr, private, val, bitset, deadline)
            }
        }
        FUTEX_WAKE | FUTEX_WAKE_BITSET => {
            let bitset = if cmd == FUTEX_WAKE { MATCH_ANY } else { val3 };
            if bitset == 0 {
                return Err(Errno::EINVAL);
            }
            let key = key_of(addr, private, false)?;
            Ok(queue::wake(&key, val as i32, bitset) as isize)
        }
        FUTEX_REQUEUE | FUTEX_CMP_REQUEUE => {
            let (nr_wake, nr_requeue) = (val as i32, val2);
            if nr_wake < 0 || nr_requeue < 0 {
                return Err(Errno::EINVAL);
            }
            let from = key_of(addr, private, false)?;
            let to = key_of(addr2, private, false)?;
            let cmp = (cmd == FUTEX_CMP_REQUEUE).then_some((addr, val3));
            let n = queue::requeue(&from, &to, nr_wake as usize, nr_requeue as usize, cmp)?;
            Ok(n as isize)
        }
        FUTEX_WAKE_OP => {
            let key1 = key_of(addr, private, false)?;
            let key2 = key_of(addr2, private, true)?;
            let n = queue::wake_op(&key1, &key2, val as i32, val2, || atomic_op(addr2, val3))?;
            Ok(n as isize)
        }
        _ => Err(Errno::ENOSYS),
    }
}

/// A wait given a timeout. Interrupted by a signal, it leaves a restart
/// block: with no handler run, restart_syscall waits on until the same
/// deadline (Linux's ERESTART_RESTARTBLOCK and futex_wait_restart).
pub fn timed_wait(
    addr: usize,
    private: bool,
    val: u32,
    bitset: u32,
    deadline: Option<Duration>,
) -> SysResult {
    let r = queue::wait(key_of(addr, private, false)?, addr, val, bitset, deadline);
    if r == Err(Errno::EINTR) {
        current_thread()
            .signal
            .set_restart_block(Some(RestartBlock::FutexWait {
                addr,
                val,
                bitset,
                private,
                deadline,
            }));
    }
    r
}

/// FUTEX_WAKE_OP's operation on the word at `addr`, encoded in `encoded`
/// as in linux/futex.h: op (bits 28-30, bit 31 = "oparg is a shift"), cmp
/// (24-27), oparg (12-23) and cmparg (0-11), both sign-extended 12-bit.
/// Returns whether the old value passes the comparison.
fn atomic_op(addr: usize, encoded: u32) -> SysResult<bool> {
    let op = (encoded >> 28) & 7;
    let cmp = (encoded >> 24) & 15;
    let sext12 = |v: u32| ((v << 20) as i32) >> 20;
    let mut oparg = sext12(encoded >> 12);
    let cmparg = sext12(encoded);
    if encoded & (8 << 28) != 0 {
        // Linux warns about shifts outside 0..=31 and masks them.
        oparg = 1 << (oparg & 31);
    }
    let oparg = oparg as u32;
    check_user_buffer(addr, 4)?;
    let apply: fn(u32, u32) -> u32 = match op {
        0 => |_, a| a,                 // FUTEX_OP_SET
        1 => |o, a| o.wrapping_add(a), // FUTEX_OP_ADD
        2 => |o, a| o | a,             // FUTEX_OP_OR
        3 => |o, a| o & !a,            // FUTEX_OP_ANDN
        4 => |o, a| o ^ a,             // FUTEX_OP_XOR
        _ => return Err(Errno::ENOSYS),
    };
    let old = current_process()
        .aspace()
        .lock()
        .update_u32(addr, |o| Some(apply(o, oparg)))
        .map_err(|_| Errno::EFAULT)? as i32;
    // EQ, NE, LT, LE, GT, GE
    match cmp {
        0 => Ok(old == cmparg),
        1 => Ok(old != cmparg),
        2 => Ok(old < cmparg),
        3 => Ok(old <= cmparg),
        4 => Ok(old > cmparg),
        5 => Ok(old >= cmparg),
        _ => Err(Errno::ENOSYS),
    }
}

pub fn sys_set_robust_list(head: usize, len: usize) -> SysResult {
    if len != ROBUST_HEAD_SIZE {
        return Err(Errno::EINVAL);
    }
    current_thread().robust_list.store(head, Ordering::Release);
    Ok(0)
}

pub fn sys_get_robust_list(
    tid: i32,
    head_ptr: UserPtr<usize>,
    len_ptr: UserPtr<usize>,
) -> SysResult {
    let head = if tid == 0 {
        current_thread().robust_list.load(Ordering::Acquire)
    } else if let Some(t) = find_thread(tid) {
        t.robust_list.load(Ordering::Acquire)
    } else if find_process(tid).is_some() {
        0 // a zombie: its list went with its last thread
    } else {
        return Err(Errno::ESRCH);
    };
    len_ptr.write(&ROBUST_HEAD_SIZE)?;
    head_ptr.write(&head)?;
    Ok(0)
}
