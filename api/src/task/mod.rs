//! Processes and threads: the Linux view of ArceOS tasks.

pub mod cputime;
pub mod ctty;
mod exit;
mod fault;
mod fpu;
pub mod idle;
pub mod ipi;
pub mod itimer;
mod loader;
pub mod rlimit;
pub mod rseq;
pub mod sched;
mod spawn;
pub mod tick;
pub mod timer;
mod vdso;
pub mod wait;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicUsize, Ordering};

use axfs_ng::FsContext;
use axsync::Mutex;
use axtask::{AxTaskExt, TaskExt, TaskInner, WeakAxTaskRef};
use mm::aspace::AddrSpace;

pub use exit::{do_exit_group, exit_current_thread, on_process_exit, start_group_exit};
pub use fault::{fault_access, handle_user_fault};
pub use fpu::reset_current as reset_fp_state;
#[cfg(target_arch = "x86_64")]
pub use fpu::{MXCSR_OFFSET, XFEATURES, XSAVE_SIZE, XsaveArea, xsave_enabled};
pub use loader::{MMAP_TOP, STACK_TOP, load_program};
pub use spawn::{FpStart, new_main_thread, spawn_user_task};

use crate::file::FdTable;
use crate::signal::{ProcessSignal, SignalActions, ThreadSignal};
use wait::WaitQueue;

/// Program break bookkeeping.
#[derive(Default, Clone, Copy)]
pub struct Brk {
    pub start: usize,
    pub end: usize,
}

/// `[start, end)` of the argument and environment strings exec placed on
/// the initial stack (Linux's mm arg_start..arg_end, env_start..env_end):
/// /proc/<pid>/cmdline and environ read the process's memory there, so they
/// show what the program has since written over its strings.
#[derive(Default, Clone, Copy)]
pub struct ExecStrings {
    pub args: (usize, usize),
    pub env: (usize, usize),
}

/// A thread group (Linux "process").
pub struct Process {
    pub pid: i32,
    /// A spin lock: it only guards a pointer, and getppid reads it.
    pub parent: spin::Mutex<Weak<Process>>,
    pub children: Mutex<Vec<Arc<Process>>>,
    /// The address space; replaced whole by execve (a vfork child must not
    /// clear the space it borrowed from its parent).
    mm: kspin::SpinNoIrq<Arc<Mutex<AddrSpace>>>,
    /// Root of `mm`'s page table, readable from the scheduler hooks.
    pt_root: AtomicUsize,
    pub fds: Arc<Mutex<FdTable>>,
    pub fs: Arc<Mutex<FsContext>>,
    pub signal: ProcessSignal,
    pub brk: Mutex<Brk>,
    pub exe: Mutex<String>,
    pub comm: Mutex<String>,
    /// Signal sent to the parent at exit (clone's CSIGNAL).
    pub exit_signal: AtomicUsize,
    /// Set when a vfork child execs or exits, releasing its parent.
    pub vfork_released: AtomicBool,
    /// Where exec put the argument and environment strings.
    pub strings: Mutex<ExecStrings>,
    pub auxv: Mutex<Vec<(usize, usize)>>,
    pub umask: AtomicU32,
    pub pgid: AtomicI32,
    pub sid: AtomicI32,
    /// Resource limits (RLIMIT_NOFILE bounds the fd table, RLIMIT_CORE
    /// decides the core bit of a dumping signal's wait status).
    pub rlimits: Mutex<rlimit::Rlimits>,
    /// ITIMER_REAL (setitimer, alarm).
    pub itimer_real: itimer::RealTimer,
    /// ITIMER_VIRTUAL and ITIMER_PROF.
    pub itimer_cpu: itimer::CpuTimers,
    /// Wait status once the process is a zombie.
    pub exit_status: AtomicI32,
    pub zombie: AtomicBool,
    /// Set when exit_group starts, so other threads stop.
    pub exiting: AtomicBool,
    /// Parents sleep here in wait4 until a child changes state.
    pub child_wq: WaitQueue,
    /// Pollers of its pidfds: woken when a thread exits, when the process
    /// becomes a zombie and when it is reaped.
    pub pollers: pollset::PollSet,
    pub live_threads: AtomicUsize,
    /// The running threads, for /proc/<pid>/task and thread-directed signals.
    pub threads: Mutex<Vec<Arc<Thread>>>,
    /// Monotonic time of the fork that made the process (/proc/<pid>/stat).
    pub start_time: core::time::Duration,
    /// Signal to receive when the parent dies (PR_SET_PDEATHSIG); 0 = none.
    pub pdeathsig: AtomicUsize,
    /// Tid of the parent's thread that created this process: like Linux, the
    /// pdeathsig also fires when only that thread exits. 0 = none known.
    pub parent_thread: AtomicI32,
    /// PR_GET/SET_DUMPABLE (1 after exec, 0 or 1 by prctl).
    pub dumpable: AtomicU32,
    pub no_new_privs: AtomicBool,
    /// PR_SET_CHILD_SUBREAPER: orphaned descendants are reparented here.
    pub child_subreaper: AtomicBool,
    /// Whether the process has a controlling terminal (see [`ctty`]).
    pub ctty: AtomicBool,
    /// CPU time and other rusage counters.
    pub cpu: cputime::ProcessClock,
    /// membarrier(2) registrations (MEMBARRIER_CMD_REGISTER_* bits).
    pub membarrier: AtomicU32,
}

/// One thread, attached to its ArceOS task.
pub struct Thread {
    pub tid: i32,
    pub process: Arc<Process>,
    pub clear_child_tid: AtomicUsize,
    /// The head of the robust futex list (set_robust_list); 0 = none.
    pub robust_list: AtomicUsize,
    pub signal: ThreadSignal,
    /// The thread's name (prctl PR_SET_NAME, /proc/<pid>/task/<tid>/comm).
    pub comm: Mutex<String>,
    /// The task running the thread, set when it starts.
    task: spin::Once<WeakAxTaskRef>,
    /// CPU time and other rusage counters.
    pub cpu: cputime::ThreadClock,
    /// Scheduling policy, priority and nice value.
    pub sched: spin::Mutex<sched::SchedAttr>,
    /// The registered `struct rseq`, if any.
    pub rseq: rseq::RseqState,
    /// FP/SIMD state the task context does not hold (x86_64's AVX).
    pub fpu: fpu::ExtraState,
    /// Another thread changed this one's CPU mask (see
    /// [`sched::follow_affinity`]).
    pub affinity_moved: AtomicBool,
}

impl Thread {
    /// A new thread of `process`, found by tid from now on (it joins the
    /// process's thread list when it starts).
    pub fn new(
        tid: i32,
        process: Arc<Process>,
        clear_child_tid: usize,
        signal: ThreadSignal,
        comm: String,
    ) -> Arc<Self> {
        let t = Arc::new(Thread {
            tid,
            process,
            clear_child_tid: AtomicUsize::new(clear_child_tid),
            robust_list: AtomicUsize::new(0),
            signal,
            comm: Mutex::new(comm),
            task: spin::Once::new(),
            cpu: cputime::ThreadClock::default(),
            sched: spin::Mutex::new(sched::SchedAttr::inherited()),
            rseq: rseq::RseqState::default(),
            affinity_moved: AtomicBool::new(false),
            fpu: fpu::ExtraState::default(),
        });
        THREADS.lock().insert(tid, Arc::downgrade(&t));
        t
    }

    /// Wakes the thread from an interruptible wait so it sees a new signal.
    pub fn interrupt(&self) {
        if let Some(task) = self.task.get().and_then(|w| w.upgrade()) {
            wait::interrupt(&task);
        }
    }

    /// The task running the thread, while it runs.
    pub fn task(&self) -> Option<axtask::AxTaskRef> {
        self.task.get().and_then(|w| w.upgrade())
    }

    /// Records the task that runs the thread (from the task itself, before
    /// it can block: signals sent earlier are seen before its first wait).
    pub fn set_task(&self, task: &axtask::AxTaskRef) {
        self.task.call_once(|| Arc::downgrade(task));
    }

    /// Forgets the thread's tid as it exits (or as a clone that made it
    /// fails before it runs).
    pub(crate) fn unregister(&self) {
        THREADS.lock().remove(&self.tid);
    }
}

/// What each ArceOS task carries: its thread.
struct ThreadRef(Arc<Thread>);

/// Tasks keep the kernel page table in their saved context; user threads
/// load their process's table when scheduled in and leave it loaded when
/// scheduled out (see [`ipi`]: it is let go of before it is freed).
#[extern_trait::extern_trait]
impl TaskExt for ThreadRef {
    fn on_enter(&self) {
        ipi::load_user_table(self.0.process.pt_root.load(Ordering::Acquire));
        // Code another hart (or exec's loader) wrote must be what we fetch.
        mm::sync_icache();
        cputime::switched_in(&self.0);
        self.0.fpu.restore_current();
    }
    fn on_leave(&self) {
        ipi::leave_user_table();
        self.0.rseq.note_switched_out();
        self.0.fpu.save_current();
        cputime::switched_out(&self.0);
    }
}

static NEXT_PID: AtomicI32 = AtomicI32::new(1);
static PROCESSES: spin::Mutex<BTreeMap<i32, Weak<Process>>> = spin::Mutex::new(BTreeMap::new());
static THREADS: spin::Mutex<BTreeMap<i32, Weak<Thread>>> = spin::Mutex::new(BTreeMap::new());

pub fn alloc_pid() -> i32 {
    NEXT_PID.fetch_add(1, Ordering::Relaxed)
}

/// How many pids (processes and threads) were ever handed out.
pub fn pids_allocated() -> i32 {
    NEXT_PID.load(Ordering::Relaxed) - 1
}

impl Process {
    /// Registers a new process with a fresh pid and no children.
    pub fn new(
        pid: i32,
        parent: Weak<Process>,
        aspace: Arc<Mutex<AddrSpace>>,
        fds: Arc<Mutex<FdTable>>,
        fs: Arc<Mutex<FsContext>>,
        sig_actions: Arc<Mutex<SignalActions>>,
    ) -> Arc<Self> {
        let root = aspace.lock().page_table_root().as_usize();
        let p = Arc::new(Process {
            pid,
            pt_root: AtomicUsize::new(root),
            parent: spin::Mutex::new(parent),
            children: Mutex::new(Vec::new()),
            mm: kspin::SpinNoIrq::new(aspace),
            fds,
            fs,
            signal: ProcessSignal::new(sig_actions),
            brk: Mutex::new(Brk::default()),
            exe: Mutex::new(String::new()),
            comm: Mutex::new(String::new()),
            exit_signal: AtomicUsize::new(17),
            vfork_released: AtomicBool::new(false),
            strings: Mutex::new(ExecStrings::default()),
            auxv: Mutex::new(Vec::new()),
            umask: AtomicU32::new(0o022),
            pgid: AtomicI32::new(pid),
            sid: AtomicI32::new(pid),
            rlimits: Mutex::new(rlimit::Rlimits::default()),
            itimer_real: itimer::RealTimer::default(),
            itimer_cpu: itimer::CpuTimers::default(),
            exit_status: AtomicI32::new(0),
            zombie: AtomicBool::new(false),
            exiting: AtomicBool::new(false),
            child_wq: WaitQueue::new(),
            pollers: pollset::PollSet::new(),
            live_threads: AtomicUsize::new(0),
            threads: Mutex::new(Vec::new()),
            start_time: axhal::time::monotonic_time(),
            pdeathsig: AtomicUsize::new(0),
            parent_thread: AtomicI32::new(0),
            dumpable: AtomicU32::new(1),
            no_new_privs: AtomicBool::new(false),
            child_subreaper: AtomicBool::new(false),
            ctty: AtomicBool::new(false),
            cpu: cputime::ProcessClock::default(),
            // A fork's copy of the address space keeps the registrations.
            membarrier: AtomicU32::new(
                try_current_thread().map_or(0, |t| t.process.membarrier.load(Ordering::Relaxed)),
            ),
        });
        PROCESSES.lock().insert(pid, Arc::downgrade(&p));
        p
    }

    pub fn aspace(&self) -> Arc<Mutex<AddrSpace>> {
        self.mm.lock().clone()
    }

    /// Installs a new address space (execve) and loads it if we run in it.
    pub fn replace_aspace(&self, new: Arc<Mutex<AddrSpace>>) {
        // The old image's RSS still counts for ru_maxrss (Linux exec_mmap).
        self.peak_rss_pages();
        let root = new.lock().page_table_root();
        // Switch this CPU (and whoever schedules us in) to the new table
        // before the old space can be freed: dropping it frees its root
        // table, which must not be the one the MMU walks.
        self.pt_root.store(root.as_usize(), Ordering::Release);
        ipi::load_user_table(root.as_usize());
        mm::sync_icache();
        // A new address space has no membarrier registrations.
        self.membarrier.store(0, Ordering::Relaxed);
        let old = core::mem::replace(&mut *self.mm.lock(), new);
        drop(old);
    }

    /// Wakes a parent blocked in vfork (no-op when there is none).
    pub fn release_vfork_parent(&self) {
        if !self.vfork_released.swap(true, Ordering::AcqRel)
            && let Some(p) = self.parent()
        {
            p.child_wq.notify_all();
        }
    }

    pub fn parent(&self) -> Option<Arc<Process>> {
        self.parent.lock().upgrade()
    }

    /// The process's threads that have not exited, ascending by tid.
    pub fn live_threads(&self) -> Vec<Arc<Thread>> {
        self.threads.lock().clone()
    }

    /// RLIMIT_NOFILE's soft limit: fds must stay below it.
    pub fn nofile_limit(&self) -> usize {
        let lim = self
            .rlimits
            .lock()
            .get(linux_raw_sys::general::RLIMIT_NOFILE);
        lim.map_or(usize::MAX, |l| usize::try_from(l.cur).unwrap_or(usize::MAX))
    }

    pub fn ppid(&self) -> i32 {
        self.parent().map_or(0, |p| p.pid)
    }
}

/// Looks up a live (or zombie, not yet reaped) process.
pub fn find_process(pid: i32) -> Option<Arc<Process>> {
    PROCESSES.lock().get(&pid).and_then(Weak::upgrade)
}

/// Looks up a live thread by tid.
pub fn find_thread(tid: i32) -> Option<Arc<Thread>> {
    THREADS.lock().get(&tid).and_then(Weak::upgrade)
}

/// All registered processes, ascending by pid.
pub fn all_processes() -> Vec<Arc<Process>> {
    PROCESSES
        .lock()
        .values()
        .filter_map(Weak::upgrade)
        .collect()
}

/// Forgets a reaped process: its pid names nothing any more (pidfds of it
/// poll as hung up).
pub(crate) fn unregister_process(pid: i32) {
    let gone = PROCESSES.lock().remove(&pid);
    if let Some(p) = gone.and_then(|p| p.upgrade()) {
        p.pollers.wake();
    }
}

/// The calling thread.
pub fn current_thread() -> Arc<Thread> {
    let task = axtask::current();
    let ext = task.task_ext().expect("syscall from a kernel task");
    ext.downcast_ref::<ThreadRef>().0.clone()
}

/// The calling thread, None in a kernel task.
pub fn try_current_thread() -> Option<Arc<Thread>> {
    let task = axtask::current_may_uninit()?;
    let ext = task.task_ext()?;
    Some(ext.downcast_ref::<ThreadRef>().0.clone())
}

/// Runs `f` on the calling thread without taking a reference to it.
pub(crate) fn with_current_thread<R>(f: impl FnOnce(&Thread) -> R) -> R {
    f(thread_of(&axtask::current()))
}

/// The thread a user task runs, borrowed from the task.
pub(crate) fn thread_of(task: &axtask::AxTaskRef) -> &Thread {
    let ext = task.task_ext().expect("syscall from a kernel task");
    &ext.downcast_ref::<ThreadRef>().0
}

/// The calling process.
pub fn current_process() -> Arc<Process> {
    current_thread().process.clone()
}

/// Attaches `thread` to an unspawned task.
pub(crate) fn attach(task: &mut TaskInner, thread: Arc<Thread>) {
    *task.task_ext_mut() = Some(AxTaskExt::from_impl(ThreadRef(thread)));
}

/// Starts a kernel task. Its context must hold the kernel's page table: a
/// new context records the live one, which inside a syscall is the calling
/// process's and may be freed long before the task next runs.
pub fn spawn_kernel_task(f: fn(), name: &str) {
    let mut task = TaskInner::new(f, name.into(), 256 * 1024);
    task.ctx_mut()
        .set_page_table_root(axmm::kernel_page_table_root());
    spawn_now(task);
}

/// Queues a new task to run. The scheduler picks a run queue without
/// telling which: the other CPUs are kicked, so that an idle one runs the
/// task now instead of at its next tick.
pub(crate) fn spawn_now(task: TaskInner) {
    axtask::spawn_task(task);
    ipi::kick_others();
}

/// Whether a pending signal will kill the current process.
pub fn fatal_signal_pending() -> bool {
    crate::signal::fatal_pending(&current_thread())
}

/// Whether the current thread has a signal to act on (blocking calls stop
/// waiting, with EINTR or a restart).
pub fn signal_pending() -> bool {
    let Some(task) = axtask::current_may_uninit() else {
        return false;
    };
    let Some(ext) = task.task_ext() else {
        return false;
    };
    crate::signal::has_pending(&ext.downcast_ref::<ThreadRef>().0)
}
