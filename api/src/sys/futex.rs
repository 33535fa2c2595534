//! Futexes: wait queues keyed by user address.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use core::time::Duration;

use crate::errno::{Errno, SysResult};
use crate::task::wait::WaitQueue;
use crate::uaccess::read_val;

static QUEUES: spin::Mutex<BTreeMap<usize, Arc<WaitQueue>>> = spin::Mutex::new(BTreeMap::new());

fn queue(addr: usize) -> Arc<WaitQueue> {
    QUEUES
        .lock()
        .entry(addr)
        .or_insert_with(|| Arc::new(WaitQueue::new()))
        .clone()
}

/// Wakes up to `n` waiters on `addr`.
pub fn wake_address(addr: usize, n: usize) -> usize {
    let q = QUEUES.lock().get(&addr).cloned();
    q.map_or(0, |q| q.notify_many(n))
}

const FUTEX_WAIT: u32 = 0;
const FUTEX_WAKE: u32 = 1;
const FUTEX_WAIT_BITSET: u32 = 9;
const FUTEX_WAKE_BITSET: u32 = 10;
const FUTEX_PRIVATE_FLAG: u32 = 128;
const FUTEX_CLOCK_REALTIME: u32 = 256;

/// The monotonic deadline of a wait: FUTEX_WAIT's timeout is relative,
/// FUTEX_WAIT_BITSET's absolute (CLOCK_MONOTONIC, or CLOCK_REALTIME).
fn deadline(cmd: u32, op: u32, timeout: usize) -> SysResult<Option<Duration>> {
    if timeout == 0 {
        return Ok(None);
    }
    let t: linux_raw_sys::general::timespec = read_val(timeout)?;
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return Err(Errno::EINVAL);
    }
    let d = Duration::new(t.tv_sec as u64, t.tv_nsec as u32);
    let now = axhal::time::monotonic_time();
    let left = match cmd {
        FUTEX_WAIT => d,
        _ if op & FUTEX_CLOCK_REALTIME != 0 => d.saturating_sub(axhal::time::wall_time()),
        _ => d.saturating_sub(now),
    };
    Ok(now.checked_add(left))
}

pub fn sys_futex(
    addr: usize,
    op: u32,
    val: u32,
    timeout: usize,
    _addr2: usize,
    _val3: u32,
) -> SysResult {
    if !addr.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    let cmd = op & !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    match cmd {
        FUTEX_WAIT | FUTEX_WAIT_BITSET => {
            let deadline = deadline(cmd, op, timeout)?;
            if read_val::<u32>(addr)? != val {
                return Err(Errno::EAGAIN);
            }
            let still = || read_val::<u32>(addr).is_ok_and(|v| v == val);
            if queue(addr).wait_if(deadline, still)? {
                Ok(0)
            } else {
                Err(Errno::EAGAIN)
            }
        }
        FUTEX_WAKE | FUTEX_WAKE_BITSET => Ok(wake_address(addr, val as usize) as isize),
        _ => Err(Errno::ENOSYS),
    }
}
