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

/// `struct signalfd_siginfo`: a signal as read(2) of a signalfd returns it,
/// 128 bytes, the fields of its siginfo that its layout has.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct SignalfdSiginfo {
    pub signo: u32,
    pub errno: i32,
    pub code: i32,
    pub pid: u32,
    pub uid: u32,
    pub fd: i32,
    pub tid: u32,
    pub band: u32,
    pub overrun: u32,
    pub trapno: u32,
    pub status: i32,
    pub int: i32,
    pub ptr: u64,
    pub utime: u64,
    pub stime: u64,
    pub addr: u64,
    pub addr_lsb: u16,
    _pad2: u16,
    pub syscall: i32,
    pub call_addr: u64,
    pub arch: u32,
    _pad: [u8; 28],
}
const _: () = assert!(core::mem::size_of::<SignalfdSiginfo>() == 128);

// SAFETY: integers only; the explicit padding fields leave no implicit gap.
unsafe impl Pod for SignalfdSiginfo {}

impl SignalfdSiginfo {
    /// The record's bytes, as read(2) hands them out.
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `self` is 128 initialised bytes: integers with explicit
        // padding fields, no implicit gap (the size assertion above).
        unsafe {
            core::slice::from_raw_parts(
                (self as *const Self).cast::<u8>(),
                core::mem::size_of::<Self>(),
            )
        }
    }
}

/// Which union member of a siginfo is valid (Linux's siginfo_layout,
/// without its per-signal limits on si_code).
enum Layout {
    Kill,
    Timer,
    Poll,
    Fault,
    Child,
    Rt,
    Sys,
}

impl SigInfo {
    fn layout(&self) -> Layout {
        const SI_TIMER: i32 = -2;
        const SI_SIGIO: i32 = -5;
        /// The highest SIGPOLL si_code (POLL_HUP).
        const NSIGPOLL: i32 = 6;
        const SIGIO: usize = 29;
        match self.code {
            c if c > code::SI_USER && c < code::SI_KERNEL => match self.sig() {
                super::SIGILL | super::SIGFPE | super::SIGSEGV | super::SIGBUS | super::SIGTRAP => {
                    Layout::Fault
                }
                super::SIGCHLD => Layout::Child,
                super::SIGSYS => Layout::Sys,
                SIGIO => Layout::Poll,
                _ if c <= NSIGPOLL => Layout::Poll,
                _ => Layout::Kill,
            },
            SI_TIMER => Layout::Timer,
            SI_SIGIO => Layout::Poll,
            c if c < 0 => Layout::Rt,
            _ => Layout::Kill,
        }
    }

    /// The record a signalfd read returns for this signal (Linux's
    /// signalfd_copyinfo).
    pub fn to_signalfd(self) -> SignalfdSiginfo {
        let [w0, w1, w2, w3, ..] = self.fields;
        let lo = |w: u64| w as u32;
        let hi = |w: u64| (w >> 32) as u32;
        let mut s = SignalfdSiginfo {
            signo: self.signo as u32,
            errno: self.errno,
            code: self.code,
            ..Default::default()
        };
        match self.layout() {
            Layout::Kill => (s.pid, s.uid) = (lo(w0), hi(w0)),
            Layout::Timer => {
                (s.tid, s.overrun) = (lo(w0), hi(w0));
                (s.ptr, s.int) = (w1, w1 as i32);
            }
            Layout::Poll => (s.band, s.fd) = (w0 as u32, w1 as i32),
            Layout::Fault => s.addr = w0,
            Layout::Child => {
                (s.pid, s.uid) = (lo(w0), hi(w0));
                (s.status, s.utime, s.stime) = (w1 as i32, w2, w3);
            }
            Layout::Rt => {
                (s.pid, s.uid) = (lo(w0), hi(w0));
                (s.ptr, s.int) = (w1, w1 as i32);
            }
            Layout::Sys => {
                s.call_addr = w0;
                (s.syscall, s.arch) = (w1 as i32, hi(w1));
            }
        }
        s
    }
}
