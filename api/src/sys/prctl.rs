//! prctl(2): thread names, the parent-death signal, dumpability, no_new_privs
//! and the child-subreaper flag.

use alloc::string::String;
use core::sync::atomic::Ordering;

use linux_raw_sys::prctl as uapi;

use crate::errno::{Errno, SysResult};
use crate::signal::NSIG;
use crate::task::{current_process, current_thread};
use crate::uaccess::{UserPtr, copy_from_user};

const PAGE_SIZE: usize = 4096;

/// TASK_COMM_LEN: names are at most 15 bytes plus the terminating NUL.
const TASK_COMM_LEN: usize = 16;

/// The name a thread gets from `bytes` (cut at the first NUL and to 15 bytes).
pub fn comm_of(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(bytes.len())
        .min(TASK_COMM_LEN - 1);
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

pub fn sys_prctl(option: i32, arg2: usize, arg3: usize, arg4: usize, arg5: usize) -> SysResult {
    let option = u32::try_from(option).map_err(|_| Errno::EINVAL)?;
    match option {
        uapi::PR_SET_NAME => {
            // Linux copies a fixed 16 bytes (strncpy_from_user), so a short
            // name at the end of a mapping is fine but a bad pointer is EFAULT.
            let mut buf = [0u8; TASK_COMM_LEN];
            read_name(arg2, &mut buf)?;
            let name = comm_of(&buf);
            let thread = current_thread();
            if thread.tid == thread.process.pid {
                *thread.process.comm.lock() = name.clone();
            }
            *thread.comm.lock() = name;
            Ok(0)
        }
        uapi::PR_GET_NAME => {
            let mut buf = [0u8; TASK_COMM_LEN];
            let name = current_thread().comm.lock().clone();
            buf[..name.len()].copy_from_slice(name.as_bytes());
            UserPtr::<[u8; TASK_COMM_LEN]>::new(arg2).write(&buf)?;
            Ok(0)
        }
        uapi::PR_SET_PDEATHSIG => {
            if arg2 > NSIG {
                return Err(Errno::EINVAL);
            }
            current_process().pdeathsig.store(arg2, Ordering::Relaxed);
            Ok(0)
        }
        uapi::PR_GET_PDEATHSIG => {
            UserPtr::<i32>::new(arg2)
                .write(&(current_process().pdeathsig.load(Ordering::Relaxed) as i32))?;
            Ok(0)
        }
        uapi::PR_GET_DUMPABLE => Ok(current_process().dumpable.load(Ordering::Relaxed) as isize),
        uapi::PR_SET_DUMPABLE => {
            // SUID_DUMP_ROOT (2) may only be set by the kernel itself.
            if arg2 > 1 {
                return Err(Errno::EINVAL);
            }
            current_process()
                .dumpable
                .store(arg2 as u32, Ordering::Relaxed);
            Ok(0)
        }
        uapi::PR_SET_NO_NEW_PRIVS => {
            if arg2 != 1 || arg3 != 0 || arg4 != 0 || arg5 != 0 {
                return Err(Errno::EINVAL);
            }
            current_process()
                .no_new_privs
                .store(true, Ordering::Relaxed);
            Ok(0)
        }
        uapi::PR_GET_NO_NEW_PRIVS => {
            if arg2 != 0 || arg3 != 0 || arg4 != 0 || arg5 != 0 {
                return Err(Errno::EINVAL);
            }
            Ok(current_process().no_new_privs.load(Ordering::Relaxed) as isize)
        }
        uapi::PR_SET_CHILD_SUBREAPER => {
            current_process()
                .child_subreaper
                .store(arg2 != 0, Ordering::Relaxed);
            Ok(0)
        }
        uapi::PR_GET_CHILD_SUBREAPER => {
            UserPtr::<i32>::new(arg2)
                .write(&(current_process().child_subreaper.load(Ordering::Relaxed) as i32))?;
            Ok(0)
        }
        _ => {
            log::debug!("prctl: option {option} not supported -> EINVAL");
            Err(Errno::EINVAL)
        }
    }
}

/// Copies a name as Linux's strncpy_from_user does: up to 15 bytes, stopping
/// at a NUL; a fault before the NUL is EFAULT, but the bytes after it (maybe
/// on an unmapped page) are never touched.
fn read_name(addr: usize, buf: &mut [u8; TASK_COMM_LEN]) -> SysResult<()> {
    let want = TASK_COMM_LEN - 1;
    let first = want.min(PAGE_SIZE - addr % PAGE_SIZE);
    copy_from_user(&mut buf[..first], addr)?;
    if first < want && !buf[..first].contains(&0) {
        copy_from_user(&mut buf[first..want], addr + first)?;
    }
    Ok(())
}
