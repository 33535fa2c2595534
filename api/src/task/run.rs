//! The loop every user thread runs: enter user mode, handle why it came back.

use alloc::string::String;
use alloc::sync::Arc;

use axhal::uspace::{ReturnReason, UserContext};
use axtask::TaskInner;
use mm::Prot;

use super::{Process, Thread, attach, cputime};
use crate::signal;

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
    let handled = super::current_process()
        .aspace()
        .lock()
        .handle_fault(addr, fault_access(flags));
    if handled {
        super::with_current_thread(|t| t.count_minflt());
    }
    handled
}

/// Kernel-mode faults on user addresses (inside `user_copy`) take the same path.
#[axhal::trap::register_trap_handler(axhal::trap::PAGE_FAULT)]
fn kernel_page_fault(vaddr: memory_addr::VirtAddr, flags: axhal::paging::MappingFlags) -> bool {
    let addr = vaddr.as_usize();
    if addr >= crate::uaccess::USER_END {
        return false;
    }
    let Some(task) = axtask::current_may_uninit() else {
        return false;
    };
    if task.task_ext().is_none() {
        return false;
    }
    // Demand paging may sleep (file reads, the address-space lock).
    crate::arch::in_kernel_trap(|| handle_user_fault(addr, flags))
}

/// The user context, 16-byte aligned: on x86_64 the trap entry points the
/// CPU's kernel stack (TSS.rsp0) at the end of the context, and the CPU
/// aligns that stack to 16 bytes before pushing the trap frame.
#[repr(C, align(16))]
struct AlignedContext(UserContext);

/// Body of a user thread's task. It holds no counted reference to its
/// thread across the loop (it borrows the one its task holds): exiting does
/// not return, and whatever this frame owned would never be released.
pub fn user_entry(uctx: UserContext) {
    let mut ctx = AlignedContext(uctx);
    let uctx = &mut ctx.0;
    let task = axtask::current();
    let t = super::thread_of(&task);
    t.set_task(&task);
    loop {
        super::rseq::update_cpu(t);
        cputime::enter_user(t);
        let reason = uctx.run();
        cputime::leave_user(t);
        super::itimer::check_cpu_timers(&t.process);
        let restart = match reason {
            ReturnReason::Syscall => crate::syscall::handle(uctx),
            ReturnReason::PageFault(addr, flags) => {
                if !handle_user_fault(addr.as_usize(), flags) {
                    let (info, trap) =
                        crate::sys::mm::page_fault_signal(uctx, addr, fault_access(flags));
                    log::debug!("SIGSEGV at {:#x} ip={:#x}", addr, uctx.ip());
                    signal::force_fault(&super::current_thread(), info, trap);
                }
                None
            }
            ReturnReason::Exception(e) if crate::arch::resolve_user_exception(&e) => None,
            ReturnReason::Exception(e) => {
                let (info, trap) = signal::fault_signal(&e, uctx);
                log::debug!(
                    "exception {:?} ip={:#x}: signal {}",
                    e,
                    uctx.ip(),
                    info.signo
                );
                signal::force_fault(&super::current_thread(), info, trap);
                None
            }
            ReturnReason::Interrupt | ReturnReason::Unknown => None,
        };
        // A critical section the thread was switched out of, or one a
        // signal handler is about to run over, is aborted first.
        let pending = crate::signal::has_pending(t);
        if t.rseq.take_switched_out() || pending {
            super::rseq::fixup(t, uctx);
        }
        if pending || crate::signal::mask_to_restore(t) || restart.is_some() {
            signal::handle_signals(uctx, restart);
        }
        super::sched::follow_affinity(t);
        if t.process
            .exiting
            .load(core::sync::atomic::Ordering::Acquire)
        {
            super::exit_current_thread();
        }
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
    thread
        .process
        .live_threads
        .fetch_add(1, core::sync::atomic::Ordering::AcqRel);
    thread.process.threads.lock().push(thread.clone());
    let mut task = TaskInner::new(move || user_entry(uctx), name, KERNEL_STACK_SIZE);
    // A new context records the page table that is live now (the caller's
    // process's, inside clone) and the context switch would load it after
    // `on_enter` has loaded ours: keep the kernel's there like every task.
    task.ctx_mut()
        .set_page_table_root(axmm::kernel_page_table_root());
    match fp {
        FpStart::Inherit => super::fpu::inherit_current(&mut task, &thread.fpu),
        FpStart::Initial => super::fpu::set_initial(&mut task),
    }
    // Linux: a new thread starts with its creator's CPU affinity.
    if super::try_current_thread().is_some() {
        task.set_cpumask(axtask::current().cpumask());
    }
    attach(&mut task, thread);
    super::spawn_now(task);
}

/// Builds the main thread of a new process.
pub fn new_main_thread(proc: &Arc<Process>) -> Arc<Thread> {
    let signal = signal::ThreadSignal::new(0, signal::AltStack::default());
    Thread::new(proc.pid, proc.clone(), 0, signal, proc.comm.lock().clone())
}
