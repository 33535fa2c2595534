//! CPU-time accounting: user and system time of threads and processes.
//!
//! A thread's time is cut at each user↔kernel transition of its run loop
//! and when it is switched out; switching in only sets the mark, so time
//! spent blocked or waiting for a CPU is charged to nobody. Every charge
//! goes to the thread and to its process at once: a process's total needs
//! no walk over its threads and keeps what exited threads used.

use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use axtask::TaskState;

use super::{Process, Thread};

/// Counters of one thread, one process, or a process's reaped children.
#[derive(Default)]
pub struct Usage {
    utime_ns: AtomicU64,
    stime_ns: AtomicU64,
    /// Switches out because the task blocked (Linux's nvcsw).
    nvcsw: AtomicU64,
    /// Switches out while still runnable: preemption, sched_yield.
    nivcsw: AtomicU64,
    /// Page faults resolved without IO (all of ours are).
    minflt: AtomicU64,
}

/// A copy of [`Usage`] at one moment.
#[derive(Default, Clone, Copy, Debug)]
pub struct UsageSnapshot {
    pub utime_ns: u64,
    pub stime_ns: u64,
    pub nvcsw: u64,
    pub nivcsw: u64,
    pub minflt: u64,
}

impl UsageSnapshot {
    pub fn cpu_ns(&self) -> u64 {
        self.utime_ns + self.stime_ns
    }
}

impl Usage {
    pub fn snapshot(&self) -> UsageSnapshot {
        UsageSnapshot {
            utime_ns: self.utime_ns.load(Ordering::Relaxed),
            stime_ns: self.stime_ns.load(Ordering::Relaxed),
            nvcsw: self.nvcsw.load(Ordering::Relaxed),
            nivcsw: self.nivcsw.load(Ordering::Relaxed),
            minflt: self.minflt.load(Ordering::Relaxed),
        }
    }

    /// Adds a whole snapshot (a reaped child's totals).
    pub fn add(&self, s: &UsageSnapshot) {
        self.utime_ns.fetch_add(s.utime_ns, Ordering::Relaxed);
        self.stime_ns.fetch_add(s.stime_ns, Ordering::Relaxed);
        self.nvcsw.fetch_add(s.nvcsw, Ordering::Relaxed);
        self.nivcsw.fetch_add(s.nivcsw, Ordering::Relaxed);
        self.minflt.fetch_add(s.minflt, Ordering::Relaxed);
    }

    fn time(&self, user: bool) -> &AtomicU64 {
        if user { &self.utime_ns } else { &self.stime_ns }
    }
}

/// A thread's clock: its counters and where the running stretch began.
#[derive(Default)]
pub struct ThreadClock {
    pub usage: Usage,
    /// Monotonic ns of the last cut (0: not on a CPU yet).
    mark: AtomicU64,
    /// Whether the thread is in user mode since `mark`.
    in_user: AtomicBool,
}

/// Usage of a process: its threads' (live and exited) and its reaped
/// children's (RUSAGE_CHILDREN, times()'s cutime/cstime).
#[derive(Default)]
pub struct ProcessClock {
    pub usage: Usage,
    pub children: Usage,
    /// The largest RSS seen, in pages (sampled when asked and at reaping).
    peak_rss: AtomicUsize,
    /// The largest peak RSS of a reaped child (Linux's cmaxrss).
    children_peak_rss: AtomicUsize,
}

fn now_ns() -> u64 {
    axhal::time::monotonic_time_nanos()
}

impl Thread {
    /// Charges the time since the last cut to user or system time.
    fn cut(&self, now: u64) {
        let start = self.cpu.mark.swap(now, Ordering::Relaxed);
        if start == 0 || now <= start {
            return;
        }
        let user = self.cpu.in_user.load(Ordering::Relaxed);
        let d = now - start;
        self.cpu.usage.time(user).fetch_add(d, Ordering::Relaxed);
        self.process
            .cpu
            .usage
            .time(user)
            .fetch_add(d, Ordering::Relaxed);
    }

    /// The thread's counters (a running thread's stretch since its last
    /// cut is missing: at most a timer tick; see [`sync_current`]).
    pub fn usage(&self) -> UsageSnapshot {
        self.cpu.usage.snapshot()
    }

    /// Counts a page fault resolved for this thread.
    pub fn count_minflt(&self) {
        self.cpu.usage.minflt.fetch_add(1, Ordering::Relaxed);
        self.process
            .cpu
            .usage
            .minflt
            .fetch_add(1, Ordering::Relaxed);
    }
}

/// The run loop is about to enter user mode: kernel time ends here.
pub fn enter_user(t: &Thread) {
    t.cut(now_ns());
    t.cpu.in_user.store(true, Ordering::Relaxed);
}

/// The run loop came back from user mode: user time ends here.
pub fn leave_user(t: &Thread) {
    t.cut(now_ns());
    t.cpu.in_user.store(false, Ordering::Relaxed);
}

/// The thread gets a CPU: its running stretch starts now.
pub(super) fn switched_in(t: &Thread) {
    t.cpu.mark.store(now_ns(), Ordering::Relaxed);
}

/// The thread leaves its CPU (called with IRQs off, `current` still the
/// thread's task, whose state tells why it goes).
pub(super) fn switched_out(t: &Thread) {
    t.cut(now_ns());
    t.cpu.mark.store(0, Ordering::Relaxed);
    let voluntary = match axtask::current().state() {
        TaskState::Blocked => true,
        TaskState::Ready | TaskState::Running => false,
        TaskState::Exited => return,
    };
    for u in [&t.cpu.usage, &t.process.cpu.usage] {
        let c = if voluntary { &u.nvcsw } else { &u.nivcsw };
        c.fetch_add(1, Ordering::Relaxed);
    }
}

/// Brings the calling thread's counters (and its process's) up to now, so
/// a read of its own clock includes the current stretch.
pub fn sync_current(t: &Thread) {
    t.cut(now_ns());
}

impl Process {
    /// The process's own usage (all its threads, live and exited).
    pub fn self_usage(&self) -> UsageSnapshot {
        self.cpu.usage.snapshot()
    }

    /// What its reaped children (and their reaped children) used.
    pub fn children_usage(&self) -> UsageSnapshot {
        self.cpu.children.snapshot()
    }

    /// The largest RSS of the process so far, in pages. The peak is
    /// sampled (here, at exec and when reaped), not tracked at each unmap:
    /// memory mapped and unmapped between samples is missed.
    pub fn peak_rss_pages(&self) -> usize {
        let now = self.aspace().lock().resident_pages();
        self.cpu.peak_rss.fetch_max(now, Ordering::Relaxed).max(now)
    }

    /// The largest peak RSS of its reaped children, in pages.
    pub fn children_peak_rss_pages(&self) -> usize {
        self.cpu.children_peak_rss.load(Ordering::Relaxed)
    }

    /// Folds a child being reaped by wait into this parent's children
    /// counters, as Linux's wait_task_zombie does (not for autoreaped ones).
    pub fn add_reaped_child(&self, child: &Process) {
        self.cpu.children.add(&child.self_usage());
        self.cpu.children.add(&child.children_usage());
        let peak = child.peak_rss_pages().max(child.children_peak_rss_pages());
        self.cpu
            .children_peak_rss
            .fetch_max(peak, Ordering::Relaxed);
    }
}
