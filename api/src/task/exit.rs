//! Thread and process exit: zombies, reparenting to init, waking the parent.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use super::{Process, current_thread, find_process};
use crate::signal::{self, SigInfo, Target, code};

/// Starts the exit of the whole thread group with wait `status` (already
/// encoded) unless one has started: its threads are woken from their waits
/// and exit on their way back to user mode.
pub fn start_group_exit(p: &Process, status: i32) {
    if !p.exiting.swap(true, Ordering::AcqRel) {
        p.exit_status.store(status, Ordering::Release);
        for t in p.live_threads() {
            t.interrupt();
        }
    }
}

/// Ends the whole thread group with wait `status` (already encoded).
pub fn do_exit_group(status: i32) -> ! {
    start_group_exit(&current_thread().process, status);
    exit_current_thread()
}

/// Ends the calling thread; the last one out turns the process into a zombie.
pub fn exit_current_thread() -> ! {
    let t = current_thread();
    let proc = t.process.clone();
    // As Linux's exit_mm_release: robust locks first, then the tid word.
    crate::futex::exit_robust_list(&t);
    let tid_addr = t.clear_child_tid.load(Ordering::Acquire);
    if tid_addr != 0 {
        let _ = crate::uaccess::write_val(tid_addr, &0i32);
        crate::futex::wake_address(tid_addr, 1);
    }
    proc.threads.lock().retain(|other| other.tid != t.tid);
    if crate::strace::enabled() {
        crate::strace::thread_exit(t.tid, proc.exit_status.load(Ordering::Acquire));
    }
    t.unregister();
    // Pidfds of the thread become readable.
    proc.pollers.wake();
    if proc.live_threads.load(Ordering::Acquire) > 1 {
        signal_thread_orphans(&proc, t.tid);
    }
    drop(t);
    if proc.live_threads.fetch_sub(1, Ordering::AcqRel) == 1 {
        become_zombie(&proc);
    }
    // `exit` does not return: what this frame holds must go now. (The task
    // keeps the thread, and so the process, until it is switched out.)
    drop(proc);
    axtask::exit(0)
}

/// A thread that is not the last one exits: the children it created are
/// adopted by the rest of its group (the process stays their parent), and
/// those that asked get their parent-death signal now, as on Linux.
fn signal_thread_orphans(proc: &Arc<Process>, tid: i32) {
    let orphans: alloc::vec::Vec<_> = proc
        .children
        .lock()
        .iter()
        .filter(|c| c.parent_thread.load(Ordering::Relaxed) == tid)
        .cloned()
        .collect();
    for child in &orphans {
        child.parent_thread.store(0, Ordering::Relaxed);
        let sig = child.pdeathsig.load(Ordering::Relaxed);
        if sig != 0 {
            let info = SigInfo::from_process(sig, code::SI_USER, proc.pid);
            let _ = signal::send_signal(Target::Process(child), info);
        }
    }
}

/// What runs when a process exits, given its pid, before its parent can see
/// the exit: the subsystems above this one (SysV semaphores' undo lists)
/// register here at boot rather than being called by name.
static PROCESS_EXIT_HOOKS: spin::RwLock<Vec<fn(i32)>> = spin::RwLock::new(Vec::new());

/// Registers `hook` to run at every process exit.
pub fn on_process_exit(hook: fn(i32)) {
    PROCESS_EXIT_HOOKS.write().push(hook);
}

fn become_zombie(proc: &Arc<Process>) {
    // What other subsystems keep per process goes (SEM_UNDO adjustments are
    // reverted), before the parent can see the exit.
    for hook in PROCESS_EXIT_HOOKS.read().iter() {
        hook(proc.pid);
    }
    proc.fds.lock().clear();
    // Its memory goes now, as with Linux's exit_mm: a zombie, or a pidfd
    // that outlives the reaping, keeps none (the peak RSS is recorded).
    if let Ok(empty) = mm::aspace::AddrSpace::new() {
        proc.replace_aspace(Arc::new(axsync::Mutex::new(empty)));
    }
    // A zombie's interval timer must not keep firing until it is reaped.
    proc.itimer_real.set(proc, Default::default());

    // Orphans go to the nearest live subreaper ancestor, else to init;
    // children that asked for it get their parent-death signal.
    let orphans: alloc::vec::Vec<_> = proc.children.lock().drain(..).collect();
    for child in &orphans {
        let sig = child.pdeathsig.load(Ordering::Relaxed);
        if sig != 0 {
            let info = SigInfo::from_process(sig, code::SI_USER, proc.pid);
            let _ = signal::send_signal(Target::Process(child), info);
        }
    }
    if let Some(reaper) = new_parent_for_orphans(proc) {
        let has_zombie = orphans.iter().any(|c| c.zombie.load(Ordering::Acquire));
        for child in orphans {
            *child.parent.lock() = Arc::downgrade(&reaper);
            reaper.children.lock().push(child);
        }
        if has_zombie {
            reaper.child_wq.notify_all();
        }
    }

    // As Linux's exit_notify under tasklist_lock: with the parent's children
    // locked (a wait scans them under that lock), a child nobody will wait
    // for leaves them, the parent's exit signal is sent, and only then is the
    // process a zombie. So no wait reaps a child reaped at once, nor one
    // whose SIGCHLD is still to come (it would arrive after the reaping,
    // say once the parent has blocked SIGCHLD); a SIGCHLD handler's wait,
    // which needs the lock, finds the zombie.
    let parent = proc.parent();
    let autoreap = match &parent {
        Some(parent) => {
            let mut children = parent.children.lock();
            let autoreap = signal::exit_autoreaps(proc, parent);
            if autoreap {
                children.retain(|c| c.pid != proc.pid);
            }
            signal::notify_parent_exit(proc, parent);
            proc.zombie.store(true, Ordering::Release);
            autoreap
        }
        None => {
            proc.zombie.store(true, Ordering::Release);
            false
        }
    };
    // Pidfds of the process become readable.
    proc.pollers.wake();
    proc.release_vfork_parent();
    if proc.pid == 1 {
        let st = proc.exit_status.load(Ordering::Acquire);
        axlog::ax_println!("[kernel] init exited with status {:#x}; powering off", st);
        axhal::power::system_off();
    }
    if let Some(parent) = parent {
        if autoreap {
            super::unregister_process(proc.pid);
        }
        parent.child_wq.notify_all();
    }
}

/// Where the children of exiting `proc` go: the closest ancestor that is a
/// child subreaper and still running, or init.
fn new_parent_for_orphans(proc: &Arc<Process>) -> Option<Arc<Process>> {
    let mut ancestor = proc.parent();
    while let Some(a) = ancestor {
        if a.child_subreaper.load(Ordering::Relaxed)
            && !a.exiting.load(Ordering::Acquire)
            && !a.zombie.load(Ordering::Acquire)
        {
            return Some(a);
        }
        ancestor = a.parent();
    }
    find_process(1).filter(|init| init.pid != proc.pid)
}
