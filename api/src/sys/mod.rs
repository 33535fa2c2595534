//! Syscall handlers, one file per family.

pub mod cputime;
pub mod epoll;
pub mod eventfd;
pub mod fs;
pub mod futex;
pub mod ipc;
pub mod itimer;
pub mod misc;
pub mod mm;
pub mod net;
pub mod pidfd;
pub mod poll;
pub mod prctl;
pub mod process_vm;
pub mod rseq;
pub mod sched;
pub mod signal;
pub mod signalfd;
pub mod task;
pub mod time;
pub mod timerfd;

/// Hooks the handlers' subsystems into the layers below, which do not name
/// them: SEM_UNDO adjustments are reverted at every process exit.
pub fn init() {
    crate::task::on_process_exit(ipc::exit_sem);
}
