//! Scheduling syscalls: CPU affinity, getcpu, policies and priorities,
//! nice values, membarrier.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;
use core::time::Duration;

use axtask::AxCpuMask;

use crate::errno::{Errno, SysResult};
use crate::task::sched::{
    MAX_NICE, MIN_NICE, SCHED_BATCH, SCHED_DEADLINE, SCHED_FIFO, SCHED_IDLE, SCHED_NORMAL,
    SCHED_RESET_ON_FORK, SCHED_RR,
};
use crate::task::{Thread, all_processes, current_process, current_thread, find_thread};
use crate::uaccess::{UserPtr, UserSlice};

/// Bytes of a CPU mask as Linux copies it: whole longs covering the CPUs.
fn cpumask_size() -> usize {
    axhal::cpu_num().div_ceil(usize::BITS as usize) * size_of::<usize>()
}

fn online_mask() -> AxCpuMask {
    let mut m = AxCpuMask::new();
    for cpu in 0..axhal::cpu_num() {
        m.set(cpu, true);
    }
    m
}

/// The thread a scheduling call names: 0 is the caller (Linux's
/// find_process_by_pid, which despite its name takes any thread id).
fn find_task_thread(pid: i32) -> SysResult<Arc<Thread>> {
    if pid == 0 {
        Ok(current_thread())
    } else {
        find_thread(pid).ok_or(Errno::ESRCH)
    }
}

pub fn sys_sched_setaffinity(pid: i32, mask: UserSlice) -> SysResult {
    // Linux reads min(len, cpumask_size()) bytes; a shorter mask leaves the
    // other CPUs out, and CPUs that are not online are dropped.
    let mut bytes = alloc::vec![0u8; cpumask_size()];
    let given = mask.take(bytes.len()).copy_in()?;
    bytes[..given.len()].copy_from_slice(&given);
    let thread = find_task_thread(pid)?;
    let mut m = AxCpuMask::new();
    for cpu in 0..axhal::cpu_num() {
        if bytes[cpu / 8] & (1 << (cpu % 8)) != 0 {
            m.set(cpu, true);
        }
    }
    if m.is_empty() {
        return Err(Errno::EINVAL);
    }
    if Arc::ptr_eq(&thread, &current_thread()) {
        axtask::set_current_affinity(m);
    } else if let Some(task) = thread.task() {
        // It moves on its next way back to user mode (follow_affinity) or
        // wake-up, whichever comes first.
        task.set_cpumask(m);
        thread
            .affinity_moved
            .store(true, core::sync::atomic::Ordering::Release);
    }
    Ok(0)
}

pub fn sys_sched_getaffinity(pid: i32, mask: UserSlice) -> SysResult {
    let len = mask.len;
    if len * 8 < axhal::cpu_num() || !len.is_multiple_of(size_of::<usize>()) {
        return Err(Errno::EINVAL);
    }
    let thread = find_task_thread(pid)?;
    let m = thread.task().map_or_else(online_mask, |t| t.cpumask());
    let mut bytes = alloc::vec![0u8; cpumask_size()];
    for cpu in 0..axhal::cpu_num() {
        if m.get(cpu) {
            bytes[cpu / 8] |= 1 << (cpu % 8);
        }
    }
    let n = len.min(bytes.len());
    mask.copy_out(&bytes[..n])?;
    Ok(n as isize)
}

/// getcpu(2): the CPU (and NUMA node, always 0) the caller runs on.
pub fn sys_getcpu(cpu: UserPtr<u32>, node: UserPtr<u32>) -> SysResult {
    if !cpu.is_null() {
        cpu.write(&(axhal::percpu::this_cpu_id() as u32))?;
    }
    if !node.is_null() {
        node.write(&0)?;
    }
    Ok(0)
}

fn valid_policy(policy: u32) -> bool {
    matches!(
        policy,
        SCHED_NORMAL | SCHED_FIFO | SCHED_RR | SCHED_BATCH | SCHED_IDLE | SCHED_DEADLINE
    )
}

pub fn sys_sched_get_priority_max(policy: i32) -> SysResult {
    match policy as u32 {
        SCHED_FIFO | SCHED_RR => Ok(99),
        p if valid_policy(p) => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}

pub fn sys_sched_get_priority_min(policy: i32) -> SysResult {
    match policy as u32 {
        SCHED_FIFO | SCHED_RR => Ok(1),
        p if valid_policy(p) => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}

/// sched_setparam keeps the thread's policy (Linux's SETPARAM_POLICY).
const KEEP_POLICY: i32 = -1;

/// Linux's do_sched_setscheduler and __sched_setscheduler checks.
fn set_scheduler(pid: i32, policy: i32, param: UserPtr<i32>) -> SysResult {
    if param.is_null() || pid < 0 {
        return Err(Errno::EINVAL);
    }
    let prio = param.read()?;
    let thread = find_task_thread(pid)?;
    let mut attr = thread.sched.lock();
    let (policy, reset_on_fork) = if policy == KEEP_POLICY {
        (attr.policy, attr.reset_on_fork)
    } else {
        let p = policy as u32;
        (p & !SCHED_RESET_ON_FORK, p & SCHED_RESET_ON_FORK != 0)
    };
    if !valid_policy(policy) {
        return Err(Errno::EINVAL);
    }
    // FIFO and RR take 1..=99, the others 0; SCHED_DEADLINE needs
    // sched_setattr's runtime and deadline, which this call cannot pass.
    let rt = matches!(policy, SCHED_FIFO | SCHED_RR);
    if !(0..=99).contains(&prio) || rt != (prio != 0) || policy == SCHED_DEADLINE {
        return Err(Errno::EINVAL);
    }
    attr.policy = policy;
    attr.rt_priority = prio as u32;
    attr.reset_on_fork = reset_on_fork;
    Ok(0)
}

pub fn sys_sched_setscheduler(pid: i32, policy: i32, param: UserPtr<i32>) -> SysResult {
    if policy < 0 {
        return Err(Errno::EINVAL);
    }
    set_scheduler(pid, policy, param)
}

pub fn sys_sched_setparam(pid: i32, param: UserPtr<i32>) -> SysResult {
    set_scheduler(pid, KEEP_POLICY, param)
}

pub fn sys_sched_getscheduler(pid: i32) -> SysResult {
    if pid < 0 {
        return Err(Errno::EINVAL);
    }
    let a = *find_task_thread(pid)?.sched.lock();
    let flag = if a.reset_on_fork {
        SCHED_RESET_ON_FORK
    } else {
        0
    };
    Ok((a.policy | flag) as isize)
}

pub fn sys_sched_getparam(pid: i32, param: UserPtr<i32>) -> SysResult {
    if param.is_null() || pid < 0 {
        return Err(Errno::EINVAL);
    }
    let a = *find_task_thread(pid)?.sched.lock();
    let prio = if a.is_rt() { a.rt_priority as i32 } else { 0 };
    param.write(&prio)?;
    Ok(0)
}

/// sched_rr_get_interval: Linux's default SCHED_RR slice (100 ms), none
/// for SCHED_FIFO, and our round-robin slice (5 ticks) for the others.
pub fn sys_sched_rr_get_interval(
    pid: i32,
    tp: UserPtr<linux_raw_sys::general::timespec>,
) -> SysResult {
    if pid < 0 {
        return Err(Errno::EINVAL);
    }
    let a = *find_task_thread(pid)?.sched.lock();
    let slice = match a.policy {
        SCHED_RR => Duration::from_millis(100),
        SCHED_FIFO => Duration::ZERO,
        _ => Duration::from_millis(5 * 1000 / axconfig::TICKS_PER_SEC as u64),
    };
    tp.write(&super::time::ts(slice))?;
    Ok(0)
}

const PRIO_PROCESS: i32 = 0;
const PRIO_PGRP: i32 = 1;
const PRIO_USER: i32 = 2;

/// The threads getpriority/setpriority address; ESRCH when none.
fn prio_targets(which: i32, who: i32) -> SysResult<Vec<Arc<Thread>>> {
    let threads = match which {
        PRIO_PROCESS => alloc::vec![find_task_thread(who)?],
        PRIO_PGRP => {
            let pgid = if who == 0 {
                current_process().pgid.load(Ordering::Relaxed)
            } else {
                who
            };
            all_processes()
                .into_iter()
                .filter(|p| p.pgid.load(Ordering::Relaxed) == pgid)
                .flat_map(|p| p.live_threads())
                .collect()
        }
        // Every thread runs as root (uid 0): all of them, or none.
        PRIO_USER if who == 0 => all_processes()
            .into_iter()
            .flat_map(|p| p.live_threads())
            .collect(),
        PRIO_USER => Vec::new(),
        _ => return Err(Errno::EINVAL),
    };
    if threads.is_empty() {
        return Err(Errno::ESRCH);
    }
    Ok(threads)
}

/// getpriority(2) returns 20 - nice of the highest-priority target, so
/// that it is never negative (the C library turns it back).
pub fn sys_getpriority(which: i32, who: i32) -> SysResult {
    let targets = prio_targets(which, who)?;
    let best = targets.iter().map(|t| t.sched.lock().nice).min();
    Ok((20 - best.unwrap_or(0)) as isize)
}

pub fn sys_setpriority(which: i32, who: i32, nice: i32) -> SysResult {
    let nice = nice.clamp(MIN_NICE, MAX_NICE);
    for t in prio_targets(which, who)? {
        t.sched.lock().nice = nice;
    }
    Ok(0)
}

mod membarrier_cmd {
    pub const QUERY: i32 = 0;
    pub const GLOBAL: i32 = 1 << 0;
    pub const GLOBAL_EXPEDITED: i32 = 1 << 1;
    pub const REGISTER_GLOBAL_EXPEDITED: i32 = 1 << 2;
    pub const PRIVATE_EXPEDITED: i32 = 1 << 3;
    pub const REGISTER_PRIVATE_EXPEDITED: i32 = 1 << 4;
    pub const PRIVATE_EXPEDITED_SYNC_CORE: i32 = 1 << 5;
    pub const REGISTER_PRIVATE_EXPEDITED_SYNC_CORE: i32 = 1 << 6;
    pub const PRIVATE_EXPEDITED_RSEQ: i32 = 1 << 7;
    pub const REGISTER_PRIVATE_EXPEDITED_RSEQ: i32 = 1 << 8;
    pub const GET_REGISTRATIONS: i32 = 1 << 9;
    pub const FLAG_CPU: u32 = 1;
}

/// Makes every CPU execute a full barrier: the caller visits each online
/// CPU in turn, and the context switch that lets it run there orders
/// whatever the task that ran before had done (the way synchronize_rcu
/// waits for every CPU to pass a quiescent state).
fn barrier_all_cpus() {
    let cpus = axhal::cpu_num();
    if cpus > 1 {
        let saved = axtask::current().cpumask();
        for cpu in 0..cpus {
            axtask::set_current_affinity(AxCpuMask::one_shot(cpu));
        }
        axtask::set_current_affinity(saved);
    }
    core::sync::atomic::fence(Ordering::SeqCst);
}

/// membarrier(2), as Linux 6.3+ with rseq and core serialisation. The
/// registrations are per process (Linux: per mm). The expedited barriers
/// are done as the global one, which is stronger; without rseq support
/// there is no critical section to abort, so the RSEQ flavour is the same.
pub fn sys_membarrier(cmd: i32, flags: u32, cpu_id: i32) -> SysResult {
    use membarrier_cmd::*;
    let flags_ok = if cmd == PRIVATE_EXPEDITED_RSEQ {
        flags == 0 || flags == FLAG_CPU
    } else {
        flags == 0
    };
    if !flags_ok {
        return Err(Errno::EINVAL);
    }
    let cpu_id = if flags & FLAG_CPU != 0 { cpu_id } else { -1 };
    let p = current_process();
    let registered = |bit: i32| p.membarrier.load(Ordering::Acquire) & bit as u32 != 0;
    let register = |bit: i32| {
        p.membarrier.fetch_or(bit as u32, Ordering::AcqRel);
        Ok(0)
    };
    let private = |reg: i32| {
        if !registered(reg) {
            return Err(Errno::EPERM);
        }
        if cpu_id >= 0 && cpu_id as usize >= axhal::cpu_num() {
            return Err(Errno::EINVAL);
        }
        barrier_all_cpus();
        Ok(0)
    };
    match cmd {
        QUERY => Ok((GLOBAL
            | GLOBAL_EXPEDITED
            | REGISTER_GLOBAL_EXPEDITED
            | PRIVATE_EXPEDITED
            | REGISTER_PRIVATE_EXPEDITED
            | PRIVATE_EXPEDITED_SYNC_CORE
            | REGISTER_PRIVATE_EXPEDITED_SYNC_CORE
            | PRIVATE_EXPEDITED_RSEQ
            | REGISTER_PRIVATE_EXPEDITED_RSEQ
            | GET_REGISTRATIONS) as isize),
        GLOBAL | GLOBAL_EXPEDITED => {
            barrier_all_cpus();
            Ok(0)
        }
        REGISTER_GLOBAL_EXPEDITED
        | REGISTER_PRIVATE_EXPEDITED
        | REGISTER_PRIVATE_EXPEDITED_SYNC_CORE
        | REGISTER_PRIVATE_EXPEDITED_RSEQ => register(cmd),
        PRIVATE_EXPEDITED => private(REGISTER_PRIVATE_EXPEDITED),
        PRIVATE_EXPEDITED_SYNC_CORE => private(REGISTER_PRIVATE_EXPEDITED_SYNC_CORE),
        PRIVATE_EXPEDITED_RSEQ => private(REGISTER_PRIVATE_EXPEDITED_RSEQ),
        GET_REGISTRATIONS => {
            // The core-serialising and rseq flavours register the plain
            // one's state too (not its readiness), and Linux reports it.
            let r = p.membarrier.load(Ordering::Acquire) as i32;
            let flavours = REGISTER_PRIVATE_EXPEDITED_SYNC_CORE | REGISTER_PRIVATE_EXPEDITED_RSEQ;
            let implied = if r & flavours != 0 {
                REGISTER_PRIVATE_EXPEDITED
            } else {
                0
            };
            Ok((r | implied) as isize)
        }
        _ => Err(Errno::EINVAL),
    }
}
