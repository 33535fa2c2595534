//! Per-thread scheduling attributes (policy, real-time priority, nice) and
//! CPU affinity.
//!
//! The attributes are what sched_getscheduler/getparam/getpriority report
//! and what children inherit; the round-robin scheduler under us gives
//! every task the same time slice whatever they say. Affinity, though, is
//! the task's CPU mask and the scheduler honours it.

use super::try_current_thread;

pub const SCHED_NORMAL: u32 = 0;
pub const SCHED_FIFO: u32 = 1;
pub const SCHED_RR: u32 = 2;
pub const SCHED_BATCH: u32 = 3;
pub const SCHED_IDLE: u32 = 5;
pub const SCHED_DEADLINE: u32 = 6;
pub const SCHED_RESET_ON_FORK: u32 = 0x4000_0000;

/// Nice values run from -20 to 19 (Linux's MIN_NICE/MAX_NICE).
pub const MIN_NICE: i32 = -20;
pub const MAX_NICE: i32 = 19;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchedAttr {
    pub policy: u32,
    /// 1..=99 for SCHED_FIFO and SCHED_RR, 0 otherwise.
    pub rt_priority: u32,
    pub nice: i32,
    pub reset_on_fork: bool,
}

impl SchedAttr {
    pub const DEFAULT: Self = Self {
        policy: SCHED_NORMAL,
        rt_priority: 0,
        nice: 0,
        reset_on_fork: false,
    };

    pub fn is_rt(&self) -> bool {
        matches!(self.policy, SCHED_FIFO | SCHED_RR)
    }

    /// What a thread made by the calling thread starts with: its creator's
    /// attributes, less what SCHED_RESET_ON_FORK drops (Linux sched_fork).
    pub fn inherited() -> Self {
        let Some(parent) = try_current_thread() else {
            return Self::DEFAULT;
        };
        let mut a = *parent.sched.lock();
        if a.reset_on_fork {
            if a.is_rt() || a.policy == SCHED_DEADLINE {
                a.policy = SCHED_NORMAL;
                a.rt_priority = 0;
                a.nice = 0;
            } else if a.nice < 0 {
                a.nice = 0;
            }
            a.reset_on_fork = false;
        }
        a
    }
}

/// Moves the calling thread's task to a CPU of its mask when it runs
/// elsewhere: another thread may have changed the mask (sched_setaffinity
/// with a pid), which only takes effect when the task next picks a run
/// queue. Called on each way back to user mode; looks only when the mask
/// was changed.
pub fn follow_affinity(t: &super::Thread) {
    if !t
        .affinity_moved
        .swap(false, core::sync::atomic::Ordering::AcqRel)
    {
        return;
    }
    let mask = axtask::current().cpumask();
    if !mask.get(axhal::percpu::this_cpu_id()) {
        axtask::set_current_affinity(mask);
    }
}
