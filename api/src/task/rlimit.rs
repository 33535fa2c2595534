//! Resource limits (getrlimit/setrlimit/prlimit64), per process and
//! inherited by fork, with Linux's boot-time defaults.

use linux_raw_sys::general as uapi;

/// One limit, as `struct rlimit64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rlimit {
    pub cur: u64,
    pub max: u64,
}

pub const RLIM_INFINITY: u64 = u64::MAX;
/// Most a process may raise RLIMIT_NOFILE to (fs.nr_open).
pub const NR_OPEN: u64 = 1 << 20;

const fn lim(cur: u64, max: u64) -> Rlimit {
    Rlimit { cur, max }
}

/// The limits of a process.
#[derive(Clone)]
pub struct Rlimits([Rlimit; uapi::RLIM_NLIMITS as usize]);

impl Default for Rlimits {
    /// Linux's INIT_RLIMITS, with NPROC and SIGPENDING as Linux sizes them
    /// for a machine of about this much memory.
    fn default() -> Self {
        let inf = lim(RLIM_INFINITY, RLIM_INFINITY);
        let mut all = [inf; uapi::RLIM_NLIMITS as usize];
        all[uapi::RLIMIT_STACK as usize] = lim(8 << 20, RLIM_INFINITY);
        all[uapi::RLIMIT_CORE as usize] = lim(0, RLIM_INFINITY);
        all[uapi::RLIMIT_NPROC as usize] = lim(3837, 3837);
        all[uapi::RLIMIT_NOFILE as usize] = lim(1024, 4096);
        all[uapi::RLIMIT_MEMLOCK as usize] = lim(8 << 20, 8 << 20);
        all[uapi::RLIMIT_SIGPENDING as usize] = lim(3837, 3837);
        all[uapi::RLIMIT_MSGQUEUE as usize] = lim(819_200, 819_200);
        all[uapi::RLIMIT_NICE as usize] = lim(0, 0);
        all[uapi::RLIMIT_RTPRIO as usize] = lim(0, 0);
        Self(all)
    }
}

/// Why a new limit was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum RlimitError {
    /// Unknown resource, or soft above hard.
    Invalid,
    /// Above what the resource allows at all (RLIMIT_NOFILE past nr_open).
    NotPermitted,
}

impl Rlimits {
    /// None for a resource number Linux does not know.
    /// RLIMIT_STACK, which exec sizes the main stack by.
    pub fn stack(&self) -> Rlimit {
        self.0[uapi::RLIMIT_STACK as usize]
    }

    pub fn get(&self, resource: u32) -> Option<Rlimit> {
        self.0.get(resource as usize).copied()
    }

    /// Sets a limit as do_prlimit does; callers are root (CAP_SYS_RESOURCE),
    /// so raising the hard limit is allowed.
    pub fn set(&mut self, resource: u32, new: Rlimit) -> Result<(), RlimitError> {
        let slot = self
            .0
            .get_mut(resource as usize)
            .ok_or(RlimitError::Invalid)?;
        if new.cur > new.max {
            return Err(RlimitError::Invalid);
        }
        if resource == uapi::RLIMIT_NOFILE && new.max > NR_OPEN {
            return Err(RlimitError::NotPermitted);
        }
        *slot = new;
        Ok(())
    }
}
