//! The loop every user thread runs: enter user mode, handle why it came back.

use alloc::string::String;
use alloc::sync::Arc;

use axhal::uspace::{ReturnReason, UserContext};
use axsync::Mutex;
use axtask::TaskInner;
use mm::Prot;

use super::{Process, Thread, attach};
use crate::signal::{self, SIGBUS, SIGILL, SIGSEGV, SIGTRAP};

/// Kernel stack of each user thread.
const KERNEL_STACK_SIZE: usize = 256 * 1024;

fn fault_access(flags: axhal::paging::MappingFlags) -> Prot {
    use axhal::paging::MappingFlags as F;
    if flags.contains(F::WRITE) {
        Prot::WRITE
    } else if flags.contains(F::EXECUTE) {
        Prot::EXEC
    } else {
        Prot::READ
    }
}

/// Resolves a page fault of the current process; false for a real fault.
pub fn handle_user_fault(addr: usize, flags: axhal::paging::MappingFlags) -> bool {
    let proc = super::current_process();
    let ok = proc.aspace().lock().handle_fault(addr, fault_access(flags));
    ok
}

/// Kernel-mode faults on user addresses (inside `user_copy`) take the same path.
#[axhal::trap::register_trap_handler(axhal::trap::PAGE_FAULT)]
fn kernel_page_fault(vaddr: memory_addr::VirtAddr, flags: axhal::paging::MappingFlags) -> bool {
    let addr = vaddr.as_usize();
    if addr >= crate::uaccess::USER_END {
        return false;
    }
    let Some(task) = axtask::current_may_uninit() else { return false };
    if task.task_ext().is_none() {
        return false;
    }
    handle_user_fault(addr, flags)
}

/// The user context, 16-byte aligned: on x86_64 the trap entry points the
/// CPU's kernel stack (TSS.rsp0) at the end of the context, and the CPU
/// aligns that stack to 16 bytes before pushing the trap frame.
#[repr(C, align(16))]
struct AlignedContext(UserContext);

/// Body of a user thread's task.
pub fn user_entry(uctx: UserContext) {
    let mut ctx = AlignedContext(uctx);
    let uctx = &mut ctx.0;
    let thread = super::current_thread();
    loop {
        let reason = uctx.run();
        match reason {
            ReturnReason::Syscall => crate::syscall::handle(uctx),
            ReturnReason::PageFault(addr, flags) => {
                if !handle_user_fault(addr.as_usize(), flags) {
                    log::debug!("pid {}: SIGSEGV at {:#x} ip={:#x}", thread.process.pid, addr, uctx.ip());
                    force_signal(&thread, SIGSEGV);
                }
            }
            ReturnReason::Exception(info) => {
                let sig = match info.kind() {
                    axhal::uspace::ExceptionKind::Breakpoint => SIGTRAP,
                    axhal::uspace::ExceptionKind::IllegalInstruction => SIGILL,
                    axhal::uspace::ExceptionKind::Misaligned => SIGBUS,
                    _ => SIGSEGV,
                };
                log::debug!("pid {}: exception {:?} ip={:#x}", thread.process.pid, info, uctx.ip());
                force_signal(&thread, sig);
            }
            ReturnReason::Interrupt | ReturnReason::Unknown => {}
        }
        signal::handle_pending(&thread);
        if thread.process.exiting.load(core::sync::atomic::Ordering::Acquire) {
            super::exit_current_thread();
        }
    }
}

/// A synchronous fault signal: without a handler frame, it terminates.
fn force_signal(thread: &Thread, sig: usize) {
    signal::send_to_thread(thread, sig);
    let mask = thread.sigmask.load(core::sync::atomic::Ordering::Acquire);
    // A blocked or ignored fault signal cannot be honoured: Linux kills.
    if mask & signal::bit(sig) != 0 || thread.process.sig_actions.lock().0[sig - 1].handler != signal::SIG_DFL {
        super::do_exit_group((sig as i32) | 0x80);
    }
}

/// Where a new user thread's FP/SIMD registers come from.
pub enum FpStart {
    /// A copy of the calling thread's (clone, fork).
    Inherit,
    /// The state a new program starts with (the first process).
    Initial,
}

/// Creates and starts the task of a new user thread.
pub fn spawn_user_thread(thread: Arc<Thread>, uctx: UserContext, name: String, fp: FpStart) {
    thread.process.live_threads.fetch_add(1, core::sync::atomic::Ordering::AcqRel);
    thread.process.threads.lock().push(thread.clone());
    let mut task = TaskInner::new(move || user_entry(uctx), name, KERNEL_STACK_SIZE);
    // A new context records the page table that is live now (the caller's
    // process's, inside clone) and the context switch would load it after
    // `on_enter` has loaded ours: keep the kernel's there like every task.
    task.ctx_mut().set_page_table_root(axmm::kernel_page_table_root());
    match fp {
        FpStart::Inherit => super::fpu::inherit_current(&mut task),
        FpStart::Initial => super::fpu::set_initial(&mut task),
    }
    attach(&mut task, thread);
    axtask::spawn_task(task);
}

/// Builds the main thread of a new process.
pub fn new_main_thread(proc: &Arc<Process>) -> Arc<Thread> {
    Arc::new(Thread {
        tid: proc.pid,
        process: proc.clone(),
        clear_child_tid: core::sync::atomic::AtomicUsize::new(0),
        sigmask: core::sync::atomic::AtomicU64::new(0),
        sig_pending: core::sync::atomic::AtomicU64::new(0),
        comm: Mutex::new(proc.comm.lock().clone()),
    })
}
