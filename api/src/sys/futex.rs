//! Futexes: wait queues keyed by user address.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use core::time::Duration;

use axtask::WaitQueue;

use crate::errno::{Errno, SysResult};
use crate::uaccess::read_val;

static QUEUES: spin::Mutex<BTreeMap<usize, Arc<WaitQueue>>> = spin::Mutex::new(BTreeMap::new());

fn queue(addr: usize) -> Arc<WaitQueue> {
    QUEUES.lock().entry(addr).or_insert_with(|| Arc::new(WaitQueue::new())).clone()
}

/// Wakes up to `n` waiters on `addr`.
pub fn wake_address(addr: usize, n: usize) -> usize {
    let q = QUEUES.lock().get(&addr).cloned();
    q.map_or(0, |q| q.notify_many(n, false))
}

pub fn sys_futex(addr: usize, op: u32, val: u32, timeout: usize, _addr2: usize, _val3: u32) -> SysResult {
    const FUTEX_WAIT: u32 = 0;
    const FUTEX_WAKE: u32 = 1;
    const FUTEX_WAIT_BITSET: u32 = 9;
    const FUTEX_WAKE_BITSET: u32 = 10;
    const FUTEX_CMD_MASK: u32 = !(128 | 256);
    if addr % 4 != 0 {
        return Err(Errno::EINVAL);
    }
    match op & FUTEX_CMD_MASK {
        FUTEX_WAIT | FUTEX_WAIT_BITSET => {
            let cur: u32 = read_val(addr)?;
            if cur != val {
                return Err(Errno::EAGAIN);
            }
            let q = queue(addr);
            let still_equal = || read_val::<u32>(addr).map_or(true, |v| v != val) || crate::task::signal_pending();
            if timeout != 0 {
                let t: linux_raw_sys::general::timespec = read_val(timeout)?;
                let d = Duration::new(t.tv_sec as u64, t.tv_nsec as u32);
                if q.wait_timeout_until(d, still_equal) {
                    return Err(Errno::ETIMEDOUT);
                }
            } else {
                q.wait_until(still_equal);
            }
            crate::task::check_interrupt()?;
            Ok(0)
        }
        FUTEX_WAKE | FUTEX_WAKE_BITSET => Ok(wake_address(addr, val as usize) as isize),
        _ => Err(Errno::ENOSYS),
    }
}
