//! Starting user threads: their task, FP state, CPU mask and place in their
//! process.

use alloc::string::String;
use alloc::sync::Arc;

use axtask::TaskInner;

use super::{Process, Thread, attach};
use crate::signal;

/// Kernel stack of each user thread.
const KERNEL_STACK_SIZE: usize = 256 * 1024;

/// Where a new user thread's FP/SIMD registers come from.
pub enum FpStart {
    /// A copy of the calling thread's (clone, fork).
    Inherit,
    /// The state a new program starts with (the first process).
    Initial,
}

/// Creates and starts the task of a new user thread, which runs `body` (the
/// syscall layer's run loop).
pub fn spawn_user_task(
    thread: Arc<Thread>,
    body: impl FnOnce() + Send + 'static,
    name: String,
    fp: FpStart,
) {
    thread
        .process
        .live_threads
        .fetch_add(1, core::sync::atomic::Ordering::AcqRel);
    thread.process.threads.lock().push(thread.clone());
    let mut task = TaskInner::new(body, name, KERNEL_STACK_SIZE);
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
