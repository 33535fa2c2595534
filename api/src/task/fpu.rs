//! The user FP/SIMD state of threads. The kernel itself never touches FP
//! registers, so while a user thread is in a syscall its CPU still holds
//! that thread's FP state: clone copies it from there, exec resets it.
//!
//! axcpu's context switch saves what FXSAVE covers (x87, SSE; all of it on
//! riscv64). On x86_64 with AVX enabled the upper halves of the YMM
//! registers are each thread's [`ExtraState`], switched by `on_leave` and
//! `on_enter`.

use axtask::TaskInner;

#[cfg(target_arch = "x86_64")]
pub use arch::{MXCSR_OFFSET, XFEATURES, XSAVE_SIZE, XsaveArea, xsave_enabled};

/// Gives the new thread `task` a copy of the calling thread's FP state, as
/// Linux's clone does (code may keep values in FP/SIMD registers across the
/// clone syscall).
pub fn inherit_current(task: &mut TaskInner, extra: &ExtraState) {
    arch::inherit_current(task, extra);
}

/// Gives `task` the FP state a freshly exec'd program starts with.
pub fn set_initial(task: &mut TaskInner) {
    arch::set_initial(task);
}

/// Resets the calling thread's FP registers for a new program (execve) or a
/// signal handler.
pub fn reset_current() {
    arch::reset_current();
}

pub use arch::ExtraState;

#[cfg(target_arch = "x86_64")]
mod arch {
    use core::cell::UnsafeCell;
    use core::sync::atomic::{AtomicU8, Ordering};

    use axhal::context::TaskContext;
    use axtask::TaskInner;

    /// XSAVE state components (Intel SDM vol. 1, 13.1): x87 and SSE, which
    /// FXSAVE also covers, and AVX (YMM_Hi128). The platform enables exactly
    /// these in XCR0 when the CPU has AVX.
    const XFEATURE_FP_SSE: u64 = 0b011;
    const XFEATURE_AVX: u64 = 0b100;
    pub const XFEATURES: u64 = XFEATURE_FP_SSE | XFEATURE_AVX;
    /// The standard-format XSAVE area of [`XFEATURES`]: the 512-byte legacy
    /// region, the 64-byte header, 256 bytes of YMM_Hi128 at offset 576.
    pub const XSAVE_SIZE: usize = 832;

    /// Offset of MXCSR in the legacy region, and its value after reset.
    pub const MXCSR_OFFSET: usize = 24;
    const MXCSR_DEFAULT: u32 = 0x1f80;

    /// An XSAVE area in the standard format.
    #[repr(C, align(64))]
    pub struct XsaveArea(pub [u8; XSAVE_SIZE]);

    impl XsaveArea {
        /// Every component in its initial state (an empty header). MXCSR is
        /// set too: XRSTOR of the AVX component alone loads it.
        pub const fn initial() -> Self {
            let mut a = [0; XSAVE_SIZE];
            let mxcsr = MXCSR_DEFAULT.to_le_bytes();
            let mut i = 0;
            while i < 4 {
                a[MXCSR_OFFSET + i] = mxcsr[i];
                i += 1;
            }
            Self(a)
        }

        /// Saves the CPU's state components `mask` here.
        pub fn save(&mut self, mask: u64) {
            // SAFETY: only called when xsave_enabled() (CR4.OSXSAVE set); the
            // area is 64-byte aligned and large enough for every component
            // XCR0 enables (XSAVE stores only those of `mask & XCR0`).
            unsafe {
                core::arch::asm!(
                    "xsave64 [{}]",
                    in(reg) self.0.as_mut_ptr(),
                    in("eax") mask as u32,
                    in("edx") (mask >> 32) as u32,
                    options(nostack),
                );
            }
        }

        /// Loads state components `mask` into the CPU from here.
        pub fn load(&self, mask: u64) {
            // SAFETY: only called when xsave_enabled(); every area loaded was
            // written by XSAVE or checked (sigreturn): a header with no bits
            // outside XCR0, a zero XCOMP_BV and reserved bytes, a valid MXCSR,
            // so XRSTOR does not fault.
            unsafe {
                core::arch::asm!(
                    "xrstor64 [{}]",
                    in(reg) self.0.as_ptr(),
                    in("eax") mask as u32,
                    in("edx") (mask >> 32) as u32,
                    options(nostack, readonly),
                );
            }
        }
    }

    /// Whether the platform enabled XSAVE with AVX (CPUID reports OSXSAVE
    /// once CR4.OSXSAVE is set; XCR0 then says which components). Cached:
    /// every CPU is set up alike, and this is asked at every context switch.
    pub fn xsave_enabled() -> bool {
        const UNKNOWN: u8 = 0;
        const NO: u8 = 1;
        const YES: u8 = 2;
        static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
        match STATE.load(Ordering::Relaxed) {
            UNKNOWN => {
                let osxsave = core::arch::x86_64::__cpuid(1).ecx & (1 << 27) != 0;
                // SAFETY: XGETBV is allowed once OSXSAVE is set (checked first).
                let enabled = osxsave && unsafe { xcr0() } & XFEATURES == XFEATURES;
                STATE.store(if enabled { YES } else { NO }, Ordering::Relaxed);
                enabled
            }
            s => s == YES,
        }
    }

    /// # Safety
    /// CR4.OSXSAVE must be set.
    unsafe fn xcr0() -> u64 {
        let (lo, hi): (u32, u32);
        // SAFETY: the caller guarantees OSXSAVE, so XGETBV(0) does not fault.
        unsafe {
            core::arch::asm!("xgetbv", in("ecx") 0, out("eax") lo, out("edx") hi, options(nomem, nostack));
        }
        ((hi as u64) << 32) | lo as u64
    }

    /// A thread's AVX state while another thread has the CPU.
    pub struct ExtraState(UnsafeCell<XsaveArea>);

    // SAFETY: the area is touched by the CPU switching its thread out or in
    // (IRQs off), by the thread's creator before the thread first runs, and
    // never by two of them at once.
    unsafe impl Sync for ExtraState {}

    impl Default for ExtraState {
        fn default() -> Self {
            Self(UnsafeCell::new(XsaveArea::initial()))
        }
    }

    impl ExtraState {
        /// Saves the CPU's AVX state (the thread is leaving the CPU, or is
        /// being created from the caller's registers).
        pub fn save_current(&self) {
            if xsave_enabled() {
                // SAFETY: exclusive by the discipline stated on the Sync impl.
                unsafe { (*self.0.get()).save(XFEATURE_AVX) };
            }
        }

        /// Puts the thread's AVX state back into the CPU.
        pub fn restore_current(&self) {
            if xsave_enabled() {
                // SAFETY: as in save_current.
                unsafe { (*self.0.get()).load(XFEATURE_AVX) };
            }
        }
    }

    pub fn inherit_current(task: &mut TaskInner, extra: &super::ExtraState) {
        task.ctx_mut().ext_state.save();
        extra.save_current();
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
        if xsave_enabled() {
            XsaveArea::initial().load(XFEATURE_AVX);
        }
        let mut ctx = TaskContext::new();
        fix_initial(&mut ctx);
        ctx.ext_state.restore();
    }
}

#[cfg(target_arch = "riscv64")]
mod arch {
    use axtask::TaskInner;
    use riscv::register::sstatus::FS;

    /// Nothing beyond the task context's FP state.
    #[derive(Default)]
    pub struct ExtraState {}

    impl ExtraState {
        pub fn save_current(&self) {}
        pub fn restore_current(&self) {}
    }

    pub fn inherit_current(task: &mut TaskInner, _extra: &ExtraState) {
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
