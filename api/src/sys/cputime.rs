//! CPU time as user space sees it: getrusage, times, the rusage of wait4,
//! and the CPU-time clocks (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID
//! and the per-pid/per-tid ids of clock_getcpuclockid and
//! pthread_getcpuclockid).

use alloc::sync::Arc;
use core::time::Duration;

use crate::errno::{Errno, SysResult};
use crate::task::cputime::{UsageSnapshot, sync_current};
use crate::task::{
    Process, Thread, current_process, current_thread, find_process, find_thread,
    with_current_thread,
};
use crate::uaccess::UserPtr;

/// Clock ticks per second of times() and the clock_t values (USER_HZ).
const USER_HZ: u64 = 100;
const NS_PER_TICK: u64 = 1_000_000_000 / USER_HZ;

const RUSAGE_SELF: i32 = 0;
const RUSAGE_CHILDREN: i32 = -1;
const RUSAGE_THREAD: i32 = 1;

/// `struct rusage` as the bytes copied out.
pub type RusageBytes = [u8; 144];

/// What a process's or thread's rusage sums.
struct Rusage {
    usage: UsageSnapshot,
    maxrss_pages: usize,
}

impl Rusage {
    /// struct rusage (64-bit): two timevals, then fourteen longs.
    fn to_bytes(&self) -> RusageBytes {
        let tv = |ns: u64| {
            [
                (ns / 1_000_000_000) as i64,
                (ns % 1_000_000_000 / 1000) as i64,
            ]
        };
        let u = &self.usage;
        let mut w = [0i64; 18];
        w[..2].copy_from_slice(&tv(u.utime_ns));
        w[2..4].copy_from_slice(&tv(u.stime_ns));
        w[4] = (self.maxrss_pages * 4) as i64; // ru_maxrss, KiB
        w[8] = u.minflt as i64; // ru_minflt
        w[16] = u.nvcsw as i64;
        w[17] = u.nivcsw as i64;
        let mut b = [0u8; 144];
        for (i, v) in w.iter().enumerate() {
            b[i * 8..i * 8 + 8].copy_from_slice(&v.to_ne_bytes());
        }
        b
    }
}

fn sum(a: UsageSnapshot, b: UsageSnapshot) -> UsageSnapshot {
    UsageSnapshot {
        utime_ns: a.utime_ns + b.utime_ns,
        stime_ns: a.stime_ns + b.stime_ns,
        nvcsw: a.nvcsw + b.nvcsw,
        nivcsw: a.nivcsw + b.nivcsw,
        minflt: a.minflt + b.minflt,
    }
}

pub fn sys_getrusage(who: i32, ru: UserPtr<RusageBytes>) -> SysResult {
    let p = current_process();
    with_current_thread(sync_current);
    let r = match who {
        RUSAGE_SELF => Rusage {
            usage: p.self_usage(),
            maxrss_pages: p.peak_rss_pages(),
        },
        RUSAGE_CHILDREN => Rusage {
            usage: p.children_usage(),
            maxrss_pages: p.children_peak_rss_pages(),
        },
        RUSAGE_THREAD => Rusage {
            usage: current_thread().usage(),
            maxrss_pages: p.peak_rss_pages(),
        },
        _ => return Err(Errno::EINVAL),
    };
    ru.write(&r.to_bytes())?;
    Ok(0)
}

/// The rusage wait4 reports for `child` (Linux's RUSAGE_BOTH: the child's
/// own and its reaped children's), written at `ru`.
pub fn write_child_rusage(ru: UserPtr<RusageBytes>, child: &Process) -> SysResult<()> {
    let r = Rusage {
        usage: sum(child.self_usage(), child.children_usage()),
        maxrss_pages: child.peak_rss_pages().max(child.children_peak_rss_pages()),
    };
    ru.write(&r.to_bytes())
}

/// times(2): the process's and its reaped children's times in clock ticks;
/// returns the ticks elapsed since a fixed point, as Linux does it: jiffies
/// start 300 s before wrapping 32 bits (INITIAL_JIFFIES), here at USER_HZ.
pub fn sys_times(buf: UserPtr<[u64; 4]>) -> SysResult {
    if !buf.is_null() {
        let p = current_process();
        with_current_thread(sync_current);
        let (me, ch) = (p.self_usage(), p.children_usage());
        let w = [me.utime_ns, me.stime_ns, ch.utime_ns, ch.stime_ns].map(|ns| ns / NS_PER_TICK);
        buf.write(&w)?;
    }
    const INITIAL_TICKS: u64 = (1 << 32) - 300 * USER_HZ;
    let ticks = axhal::time::monotonic_time_nanos() / NS_PER_TICK;
    Ok(INITIAL_TICKS.wrapping_add(ticks) as isize)
}

// The CPU-clock encoding of Linux's posix-cpu-timers: a negative id holds
// the complement of a pid (0: the caller) above three bits, of which bit 2
// says "thread" and bits 0-1 the sample; 3 in bits 0-2 marks an fd clock.
const CPUCLOCK_VIRT: i32 = 1;
const CPUCLOCK_SCHED: i32 = 2;
const CPUCLOCK_PERTHREAD: i32 = 4;
const CLOCKFD: i32 = 3;

/// Whose CPU time a clock measures.
enum Target {
    Process(Arc<Process>),
    Thread(Arc<Thread>),
}

/// A CPU-time clock: a target and which of its times.
pub struct CpuClock {
    target: Target,
    sample: i32,
}

impl CpuClock {
    /// Decodes a CPU clock id; None when `clock` is not one (a plain clock
    /// or an invalid id), EINVAL for a CPU clock of nobody we may see.
    /// `gettime`: clock_gettime may name the calling thread's id as process.
    pub fn decode(clock: i32, gettime: bool) -> Option<SysResult<Self>> {
        use linux_raw_sys::general as uapi;
        let (pid, thread, sample) = match clock as u32 {
            uapi::CLOCK_PROCESS_CPUTIME_ID => (0, false, CPUCLOCK_SCHED),
            uapi::CLOCK_THREAD_CPUTIME_ID => (0, true, CPUCLOCK_SCHED),
            _ if clock < 0 && clock & 7 != CLOCKFD => {
                (!(clock >> 3), clock & CPUCLOCK_PERTHREAD != 0, clock & 3)
            }
            _ => return None,
        };
        Some(Self::find(pid, thread, sample, gettime).map(|target| CpuClock { target, sample }))
    }

    /// Linux's pid_for_clock.
    fn find(pid: i32, thread: bool, sample: i32, gettime: bool) -> SysResult<Target> {
        if sample > CPUCLOCK_SCHED {
            return Err(Errno::EINVAL);
        }
        let me = current_thread();
        if pid == 0 {
            return Ok(if thread {
                Target::Thread(me)
            } else {
                Target::Process(me.process.clone())
            });
        }
        if thread {
            return match find_thread(pid) {
                Some(t) if Arc::ptr_eq(&t.process, &me.process) => Ok(Target::Thread(t)),
                _ => Err(Errno::EINVAL),
            };
        }
        if gettime && pid == me.tid {
            return Ok(Target::Process(me.process.clone()));
        }
        find_process(pid).map(Target::Process).ok_or(Errno::EINVAL)
    }

    pub fn now(&self) -> Duration {
        with_current_thread(sync_current);
        let u = match &self.target {
            Target::Process(p) => p.self_usage(),
            Target::Thread(t) => t.usage(),
        };
        // CPUCLOCK_PROF (0) and CPUCLOCK_SCHED are both user + system here.
        Duration::from_nanos(match self.sample {
            CPUCLOCK_VIRT => u.utime_ns,
            _ => u.cpu_ns(),
        })
    }

    /// clock_getres: 1 ns for the scheduler clock, a tick for the others.
    pub fn resolution(&self) -> Duration {
        if self.sample == CPUCLOCK_SCHED {
            Duration::from_nanos(1)
        } else {
            Duration::from_nanos(NS_PER_TICK)
        }
    }

    /// Whether clock_nanosleep may sleep on it: not on the caller's own
    /// thread clock (EINVAL in Linux).
    pub fn is_own_thread(&self) -> bool {
        matches!(&self.target, Target::Thread(t) if t.tid == current_thread().tid)
    }

    /// An id that decodes to this clock again (for a restarted sleep).
    pub fn id(&self) -> i32 {
        let (pid, thread) = match &self.target {
            Target::Process(p) => (p.pid, 0),
            Target::Thread(t) => (t.tid, CPUCLOCK_PERTHREAD),
        };
        (!pid << 3) | thread | self.sample
    }
}
