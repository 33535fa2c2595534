//! The loop every user thread runs: enter user mode, handle why it came back
//! (a syscall, a fault, an interrupt), then the signals and exit requests
//! due before it returns there.

use alloc::string::String;
use alloc::sync::Arc;

use axhal::uspace::{ReturnReason, UserContext};

use crate::signal;
use crate::task::{self, FpStart, Thread, cputime};

/// Creates and starts the task of a new user thread, which enters user mode
/// with `uctx`.
pub fn spawn_user_thread(thread: Arc<Thread>, uctx: UserContext, name: String, fp: FpStart) {
    task::spawn_user_task(thread, move || user_entry(uctx), name, fp);
}

/// The user context, 16-byte aligned: on x86_64 the trap entry points the
/// CPU's kernel stack (TSS.rsp0) at the end of the context, and the CPU
/// aligns that stack to 16 bytes before pushing the trap frame.
#[repr(C, align(16))]
struct AlignedContext(UserContext);

/// Body of a user thread's task. It holds no counted reference to its
/// thread across the loop (it borrows the one its task holds): exiting does
/// not return, and whatever this frame owned would never be released.
fn user_entry(uctx: UserContext) {
    let mut ctx = AlignedContext(uctx);
    let uctx = &mut ctx.0;
    let task = axtask::current();
    let t = task::thread_of(&task);
    t.set_task(&task);
    loop {
        task::rseq::update_cpu(t);
        cputime::enter_user(t);
        let reason = uctx.run();
        cputime::leave_user(t);
        task::itimer::check_cpu_timers(&t.process);
        let restart = match reason {
            ReturnReason::Syscall => super::handle(uctx),
            ReturnReason::PageFault(addr, flags) => {
                if !task::handle_user_fault(addr.as_usize(), flags) {
                    let (info, trap) =
                        crate::sys::mm::page_fault_signal(uctx, addr, task::fault_access(flags));
                    log::debug!("SIGSEGV at {:#x} ip={:#x}", addr, uctx.ip());
                    signal::force_fault(&task::current_thread(), info, trap);
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
                signal::force_fault(&task::current_thread(), info, trap);
                None
            }
            ReturnReason::Interrupt | ReturnReason::Unknown => None,
        };
        // A critical section the thread was switched out of, or one a
        // signal handler is about to run over, is aborted first.
        let pending = crate::signal::has_pending(t);
        if t.rseq.take_switched_out() || pending {
            task::rseq::fixup(t, uctx);
        }
        if pending || crate::signal::mask_to_restore(t) || restart.is_some() {
            signal::handle_signals(uctx, restart);
        }
        task::sched::follow_affinity(t);
        if t.process
            .exiting
            .load(core::sync::atomic::Ordering::Acquire)
        {
            task::exit_current_thread();
        }
    }
}
