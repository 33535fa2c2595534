//! System information, identity, limits and randomness.

use linux_raw_sys::general as uapi;

use crate::errno::{Errno, SysResult};
use crate::task::{current_process, find_process};
use crate::uaccess::{UserPtr, UserSlice};

pub fn sys_getrandom(buf: UserSlice, flags: u32) -> SysResult {
    if flags & !(uapi::GRND_NONBLOCK | uapi::GRND_RANDOM | uapi::GRND_INSECURE) != 0 {
        return Err(Errno::EINVAL);
    }
    // GRND_INSECURE asks for no blocking, GRND_RANDOM for the blocking pool.
    if flags & (uapi::GRND_RANDOM | uapi::GRND_INSECURE) == uapi::GRND_RANDOM | uapi::GRND_INSECURE
    {
        return Err(Errno::EINVAL);
    }
    let len = buf.len.min(33_554_431);
    let mut chunk = [0u8; 256];
    let mut done = 0;
    while done < len {
        let n = (len - done).min(chunk.len());
        crate::random::fill(&mut chunk[..n]);
        UserSlice::new(buf.addr + done, n).copy_out(&chunk[..n])?;
        done += n;
    }
    Ok(len as isize)
}

fn field(s: &str) -> [u8; 65] {
    let mut f = [0u8; 65];
    f[..s.len()].copy_from_slice(s.as_bytes());
    f
}

/// The kernel identity that uname(2) and /proc/sys/kernel report.
pub const UTS_SYSNAME: &str = "Linux";
pub const UTS_RELEASE: &str = "6.1.0";
pub const UTS_VERSION: &str = "#1 SMP PREEMPT";

/// The node name (no sethostname yet, so the build's default).
pub fn hostname() -> &'static str {
    "starry"
}

pub fn sys_uname(buf: UserPtr<[u8; 65 * 6]>) -> SysResult {
    let mut out = [0u8; 65 * 6];
    for (i, s) in [
        UTS_SYSNAME,
        hostname(),
        UTS_RELEASE,
        UTS_VERSION,
        crate::arch::UTS_MACHINE,
        "(none)",
    ]
    .iter()
    .enumerate()
    {
        out[i * 65..(i + 1) * 65].copy_from_slice(&field(s));
    }
    buf.write(&out)?;
    Ok(0)
}

/// Total and free RAM in bytes, as sysinfo(2) and /proc/meminfo report them.
pub fn memory_bytes() -> (usize, usize) {
    let free = axalloc::global_allocator().available_pages() * 4096;
    (axconfig::plat::PHYS_MEMORY_SIZE, free)
}

pub fn sys_sysinfo(buf: UserPtr<[u8; 112]>) -> SysResult {
    // struct sysinfo: uptime, loads[3], totalram, freeram, sharedram,
    // bufferram, totalswap, freeswap, procs (u16) + pad, totalhigh, freehigh, mem_unit.
    let mut w = [0u64; 14];
    // Linux rounds a partial second up (do_sysinfo), so uptime is never 0.
    let up = axhal::time::monotonic_time();
    w[0] = up.as_secs() + u64::from(up.subsec_nanos() != 0);
    let (total, free) = memory_bytes();
    w[4] = total as u64;
    w[5] = free as u64;
    w[10] = crate::task::all_processes().len() as u64;
    let mut bytes = [0u8; 112];
    for (i, v) in w.iter().enumerate() {
        bytes[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
    }
    bytes[104..108].copy_from_slice(&1u32.to_le_bytes()); // mem_unit
    buf.write(&bytes)?;
    Ok(0)
}

pub fn sys_prlimit64(
    pid: i32,
    resource: u32,
    new: UserPtr<uapi::rlimit64>,
    old: UserPtr<uapi::rlimit64>,
) -> SysResult {
    use crate::task::rlimit::{Rlimit, RlimitError};
    let proc = if pid == 0 {
        current_process()
    } else {
        find_process(pid).ok_or(Errno::ESRCH)?
    };
    let new = if !new.is_null() {
        Some(new.read()?)
    } else {
        None
    };
    let mut limits = proc.rlimits.lock();
    let cur = limits.get(resource).ok_or(Errno::EINVAL)?;
    if let Some(n) = new {
        let n = Rlimit {
            cur: n.rlim_cur,
            max: n.rlim_max,
        };
        limits.set(resource, n).map_err(|e| match e {
            RlimitError::Invalid => Errno::EINVAL,
            RlimitError::NotPermitted => Errno::EPERM,
        })?;
    }
    if !old.is_null() {
        old.write(&uapi::rlimit64 {
            rlim_cur: cur.cur,
            rlim_max: cur.max,
        })?;
    }
    Ok(0)
}

pub fn sys_sched_yield() -> SysResult {
    axtask::yield_now();
    Ok(0)
}

/// getresuid/getresgid: every process runs as root (0, 0, 0), since
/// credentials are never changed yet.
pub fn sys_getresid(real: UserPtr<u32>, effective: UserPtr<u32>, saved: UserPtr<u32>) -> SysResult {
    for id in [real, effective, saved] {
        id.write(&0)?;
    }
    Ok(0)
}

/// getgroups: root has no supplementary groups.
pub fn sys_getgroups(size: i32, _list: UserPtr<u32>) -> SysResult {
    if size < 0 {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}
