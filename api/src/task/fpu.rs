//! The user FP/SIMD state of new threads. The kernel itself never touches
//! FP registers, so while a user thread is in a syscall its CPU still holds
//! that thread's FP state: clone copies it from there, exec resets it.

use axtask::TaskInner;

/// Gives the new thread `task` a copy of the calling thread's FP state, as
/// Linux's clone does (code may keep values in FP/SIMD registers across the
/// clone syscall).
pub fn inherit_current(task: &mut TaskInner) {
    arch::inherit_current(task);
}

/// Gives `task` the FP state a freshly exec'd program starts with.
pub fn set_initial(task: &mut TaskInner) {
    arch::set_initial(task);
}

/// Resets the calling thread's FP registers for a new program (execve).
pub fn reset_current() {
    arch::reset_current();
}

#[cfg(target_arch = "x86_64")]
mod arch {
    use axhal::context::TaskContext;
    use axtask::TaskInner;

    pub fn inherit_current(task: &mut TaskInner) {
        task.ctx_mut().ext_state.save();
    }

    /// axcpu's default FXSAVE image marks all x87 registers in use (abridged
    /// tag word 0xffff), so the first x87 load would overflow the register
    /// stack; Linux starts with an empty stack (abridged tag word 0).
    fn fix_initial(ctx: &mut TaskContext) {
        ctx.ext_state.fxsave_area.ftw = 0;
    }

    pub fn set_initial(task: &mut TaskInner) {
        fix_initial(task.ctx_mut());
    }

    pub fn reset_current() {
        let mut ctx = TaskContext::new();
        fix_initial(&mut ctx);
        ctx.ext_state.restore();
    }
}

#[cfg(target_arch = "riscv64")]
mod arch {
    use axtask::TaskInner;
    use riscv::register::sstatus::FS;

    pub fn inherit_current(task: &mut TaskInner) {
        let fp = &mut task.ctx_mut().fp_state;
        fp.save();
        // Clean: restored from the saved copy when the thread first runs.
        fp.fs = FS::Clean;
    }

    pub fn set_initial(_task: &mut TaskInner) {
        // axcpu's default (FS::Initial) already starts with zeroed registers.
    }

    pub fn reset_current() {
        axhal::context::TaskContext::new().fp_state.restore();
    }
}
