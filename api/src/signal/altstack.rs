//! Alternate signal stacks (sigaltstack, SA_ONSTACK).

use crate::errno::{Errno, SysResult};
use crate::uaccess::Pod;

pub const SS_ONSTACK: u32 = 1;
pub const SS_DISABLE: u32 = 2;
/// Disarm the stack while a handler runs on it.
pub const SS_AUTODISARM: u32 = 1 << 31;
/// The smallest stack sigaltstack accepts (ENOMEM below).
pub const MINSIGSTKSZ: usize = 2048;

/// The user's `stack_t`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct StackT {
    pub ss_sp: u64,
    pub ss_flags: i32,
    pub _pad: i32,
    pub ss_size: u64,
}
// SAFETY: integers only, no implicit padding.
unsafe impl Pod for StackT {}

/// A thread's alternate stack. `flags` is kept as the user gave it, as Linux
/// does (frames save it in `uc_stack`); the first process starts with none
/// and flags 0, and processes inherit it.
#[derive(Clone, Copy, Debug, Default)]
pub struct AltStack {
    pub sp: usize,
    pub size: usize,
    pub flags: u32,
}

impl AltStack {
    /// What a new thread gets, and SS_AUTODISARM leaves in a handler
    /// (Linux's sas_ss_reset).
    pub fn disabled() -> Self {
        Self {
            sp: 0,
            size: 0,
            flags: SS_DISABLE,
        }
    }

    /// What execve leaves: no stack, the flags unchanged.
    pub fn for_exec(&self) -> Self {
        Self {
            sp: 0,
            size: 0,
            flags: self.flags,
        }
    }

    /// Whether `sp` lies within the stack, which grows down from `sp + size`.
    fn contains(&self, sp: usize) -> bool {
        sp > self.sp && sp - self.sp <= self.size
    }

    /// Whether the thread runs on the stack (never with SS_AUTODISARM:
    /// that flag is for stacks switched away from inside the handler).
    pub fn on_stack(&self, sp: usize) -> bool {
        self.flags & SS_AUTODISARM == 0 && self.contains(sp)
    }

    /// SS_DISABLE, SS_ONSTACK or 0 as seen from `sp` (Linux's sas_ss_flags).
    fn state(&self, sp: usize) -> u32 {
        if self.size == 0 {
            SS_DISABLE
        } else if self.on_stack(sp) {
            SS_ONSTACK
        } else {
            0
        }
    }

    /// The `uc_stack` of a signal frame.
    pub fn saved(&self) -> StackT {
        StackT {
            ss_sp: self.sp as u64,
            ss_flags: self.flags as i32,
            _pad: 0,
            ss_size: self.size as u64,
        }
    }

    /// What sigaltstack reports as the current stack.
    pub fn report(&self, sp: usize) -> StackT {
        let flags = self.state(sp) | (self.flags & SS_AUTODISARM);
        StackT {
            ss_flags: flags as i32,
            ..self.saved()
        }
    }

    /// The stack sigaltstack installs from `new` while the thread's stack
    /// pointer is `sp`: EPERM while running on the current one, EINVAL for
    /// unknown flags, ENOMEM when smaller than MINSIGSTKSZ.
    pub fn change(&self, sp: usize, new: &StackT) -> SysResult<AltStack> {
        if self.on_stack(sp) {
            return Err(Errno::EPERM);
        }
        let flags = new.ss_flags as u32;
        match flags & !SS_AUTODISARM {
            SS_DISABLE => Ok(AltStack {
                sp: 0,
                size: 0,
                flags,
            }),
            0 | SS_ONSTACK if (new.ss_size as usize) < MINSIGSTKSZ => Err(Errno::ENOMEM),
            0 | SS_ONSTACK => Ok(AltStack {
                sp: new.ss_sp as usize,
                size: new.ss_size as usize,
                flags,
            }),
            _ => Err(Errno::EINVAL),
        }
    }

    /// Where a handler's frame starts from: the top of this stack for an
    /// SA_ONSTACK action when it is enabled and not in use, else `sp`.
    /// Also tells whether the frame must then fit on this stack.
    pub fn frame_top(&self, sp: usize, onstack: bool) -> (usize, bool) {
        if onstack && self.state(sp) == 0 {
            (self.sp + self.size, true)
        } else {
            (sp, self.contains(sp))
        }
    }

    /// Whether a frame at `frame_sp` fits when it must be on this stack.
    pub fn fits(&self, frame_sp: usize) -> bool {
        self.contains(frame_sp)
    }
}
