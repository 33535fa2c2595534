//! Restartable sequences (rseq(2)): a registered
//! thread finds the CPU it runs on in its `struct rseq` (glibc's
//! sched_getcpu reads it), and a critical section it was in when it was
//! interrupted, preempted or given a signal is aborted to its abort handler.
//!
//! The kernel side runs on the way back to user mode: when the thread was
//! switched out since it last ran there (preempted, blocked or moved to
//! another CPU) or has a signal about to be delivered, [`fixup`] moves the
//! instruction pointer out of an active critical section, as Linux's
//! rseq_preempt/rseq_signal_deliver do; [`update_cpu`] then writes the CPU
//! number if it changed. An interrupt that does not switch the thread out
//! aborts nothing.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use axhal::uspace::UserContext;

use super::Thread;
use crate::signal::{self, SigInfo, TrapInfo, code};
use crate::uaccess::{read_val, write_val};

/// The original `struct rseq`'s size, and its alignment.
pub const RSEQ_SIZE: u32 = 32;
/// cpu_id of an unregistered area.
const CPU_ID_UNINITIALIZED: u32 = u32::MAX;
/// Offsets in `struct rseq`.
const CPU_ID_START: usize = 0;
const CPU_ID: usize = 4;
const RSEQ_CS: usize = 8;

/// A thread's registration.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Registration {
    pub addr: usize,
    pub len: u32,
    pub sig: u32,
}

/// Per-thread rseq state.
pub struct RseqState {
    reg: spin::Mutex<Option<Registration>>,
    /// The CPU number last written to the area (u32::MAX: none yet).
    cpu_written: AtomicU32,
    /// Set when the thread is switched out: its critical section, if any,
    /// must be aborted before it runs user code again.
    switched_out: AtomicBool,
}

impl Default for RseqState {
    fn default() -> Self {
        Self {
            reg: spin::Mutex::new(None),
            cpu_written: AtomicU32::new(u32::MAX),
            switched_out: AtomicBool::new(false),
        }
    }
}

impl RseqState {
    pub fn get(&self) -> Option<Registration> {
        *self.reg.lock()
    }

    /// Registers (Some) or unregisters (None); the CPU is written on the
    /// next return to user mode.
    pub fn set(&self, reg: Option<Registration>) {
        *self.reg.lock() = reg;
        self.cpu_written.store(u32::MAX, Ordering::Relaxed);
    }

    /// Notes that the thread is being switched out.
    pub fn note_switched_out(&self) {
        self.switched_out.store(true, Ordering::Relaxed);
    }

    /// Whether the thread was switched out since the last call.
    pub fn take_switched_out(&self) -> bool {
        self.switched_out.swap(false, Ordering::Relaxed)
    }

    /// A forked child keeps its parent thread's registration (its memory
    /// is a copy); threads and vfork children sharing memory start without.
    pub fn inherit(&self, parent: &RseqState) {
        self.set(parent.get());
    }
}

/// Writes the unregistered state (cpu_id_start 0, cpu_id uninitialized)
/// into an area being unregistered.
pub fn reset_area(addr: usize) -> crate::errno::SysResult<()> {
    write_val(addr + CPU_ID_START, &0u32)?;
    write_val(addr + CPU_ID, &CPU_ID_UNINITIALIZED)
}

/// The thread broke its rseq contract: SIGSEGV, as Linux's force_sig.
fn kill(t: &Thread) {
    let Some(me) = super::find_thread(t.tid) else {
        return;
    };
    let info = SigInfo::from_process(signal::SIGSEGV, code::SI_KERNEL, 0);
    signal::force_fault(&me, info, TrapInfo::default());
}

/// `struct rseq_cs`.
#[repr(C)]
#[derive(Clone, Copy)]
struct RseqCs {
    version: u32,
    flags: u32,
    start_ip: u64,
    post_commit_offset: u64,
    abort_ip: u64,
}

// SAFETY: integers only, no padding.
unsafe impl crate::uaccess::Pod for RseqCs {}

/// Aborts the critical section `t` is in, if any (it was interrupted or is
/// about to run a signal handler); clears a stale `rseq_cs` otherwise.
pub fn fixup(t: &Thread, uctx: &mut UserContext) {
    let Some(reg) = t.rseq.get() else {
        return;
    };
    if fixup_ip(reg, uctx).is_err() {
        kill(t);
    }
}

fn fixup_ip(reg: Registration, uctx: &mut UserContext) -> Result<(), ()> {
    let cs_addr: u64 = read_val(reg.addr + RSEQ_CS).map_err(|_| ())?;
    if cs_addr == 0 {
        return Ok(());
    }
    let cs: RseqCs = read_val(cs_addr as usize).map_err(|_| ())?;
    if cs.version != 0 {
        return Err(());
    }
    let ip = uctx.ip() as u64;
    let in_cs = |a: u64| a.wrapping_sub(cs.start_ip) < cs.post_commit_offset;
    if in_cs(ip) {
        // The abort handler must lie outside the section, after the
        // signature the thread registered.
        if in_cs(cs.abort_ip) || cs.start_ip.checked_add(cs.post_commit_offset).is_none() {
            return Err(());
        }
        let sig: u32 = read_val((cs.abort_ip as usize).wrapping_sub(4)).map_err(|_| ())?;
        if sig != reg.sig {
            return Err(());
        }
        uctx.set_ip(cs.abort_ip as usize);
    }
    write_val(reg.addr + RSEQ_CS, &0u64).map_err(|_| ())
}

/// Writes the current CPU into the area if it is not there yet.
pub fn update_cpu(t: &Thread) {
    let Some(reg) = t.rseq.get() else {
        return;
    };
    let cpu = axhal::percpu::this_cpu_id() as u32;
    if t.rseq.cpu_written.swap(cpu, Ordering::Relaxed) == cpu {
        return;
    }
    let ok = write_val(reg.addr + CPU_ID_START, &cpu).is_ok()
        && write_val(reg.addr + CPU_ID, &cpu).is_ok();
    if !ok {
        kill(t);
    }
}
