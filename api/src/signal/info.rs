//! `siginfo_t`: what a handler with SA_SIGINFO (and rt_sigtimedwait) learns
//! about a signal. The layout is the same on x86_64 and riscv64.

use crate::uaccess::Pod;

/// `si_code` values. Each arch's fault table uses its own subset.
#[allow(dead_code)]
pub mod code {
    pub const SI_USER: i32 = 0;
    pub const SI_KERNEL: i32 = 0x80;
    pub const SI_TKILL: i32 = -6;
    pub const ILL_ILLOPC: i32 = 1;
    pub const ILL_ILLOPN: i32 = 2;
    pub const FPE_INTDIV: i32 = 1;
    pub const FPE_FLTDIV: i32 = 3;
    pub const FPE_FLTINV: i32 = 7;
    pub const SEGV_MAPERR: i32 = 1;
    pub const SEGV_ACCERR: i32 = 2;
    pub const BUS_ADRALN: i32 = 1;
    pub const TRAP_BRKPT: i32 = 1;
    pub const TRAP_TRACE: i32 = 2;
    pub const CLD_EXITED: i32 = 1;
    pub const CLD_KILLED: i32 = 2;
    pub const CLD_DUMPED: i32 = 3;
    pub const CLD_STOPPED: i32 = 5;
    pub const CLD_CONTINUED: i32 = 6;
}

/// The kernel's `siginfo_t`: 128 bytes, the union after three ints and
/// padding to 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SigInfo {
    pub signo: i32,
    pub errno: i32,
    pub code: i32,
    _pad: i32,
    /// The union `_sifields`, as words.
    fields: [u64; 14],
}
const _: () = assert!(core::mem::size_of::<SigInfo>() == 128);

// SAFETY: integers only, no implicit padding (explicit `_pad`).
unsafe impl Pod for SigInfo {}

impl SigInfo {
    fn new(sig: usize, code: i32) -> Self {
        Self {
            signo: sig as i32,
            errno: 0,
            code,
            _pad: 0,
            fields: [0; 14],
        }
    }

    /// Sent by a process (kill, tgkill, SIGPIPE): `si_pid`, `si_uid`.
    pub fn from_process(sig: usize, code: i32, pid: i32) -> Self {
        let mut i = Self::new(sig, code);
        i.fields[0] = pid as u32 as u64; // si_uid (high half) is 0: everyone is root
        i
    }

    /// Raised by a fault: `si_addr`.
    pub fn fault(sig: usize, code: i32, addr: usize) -> Self {
        let mut i = Self::new(sig, code);
        i.fields[0] = addr as u64;
        i
    }

    /// SIGCHLD: `si_pid`, `si_uid`, `si_status` (utime and stime 0).
    pub fn child(sig: usize, code: i32, pid: i32, status: i32) -> Self {
        let mut i = Self::from_process(sig, code, pid);
        i.fields[1] = status as u32 as u64;
        i
    }

    /// A siginfo given by user space (rt_sigqueueinfo), addressed to `sig`.
    pub fn with_signo(mut self, sig: usize) -> Self {
        self.signo = sig as i32;
        self
    }

    pub fn sig(&self) -> usize {
        self.signo as usize
    }
}
