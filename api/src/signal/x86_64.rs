//! x86_64 signal frames, as Linux lays them out (arch/x86/kernel/signal_64.c):
//!
//! ```text
//!   [FP state, 64-byte aligned]                <- sigcontext.fpstate
//!   struct rt_sigframe { pretcode; ucontext uc; siginfo info; }
//!   ^ rsp at handler entry (rsp + 8 is 16-byte aligned, as after a call)
//! ```
//!
//! The FP state is the 512-byte FXSAVE image, or, when the CPU has XSAVE
//! enabled, the XSAVE image (FXSAVE image, header, AVX state) described by
//! the FXSAVE image's last 48 bytes (`struct _fpx_sw_bytes`) and followed by
//! FP_XSTATE_MAGIC2, with UC_FP_XSTATE in uc_flags (Linux's
//! arch/x86/kernel/fpu/signal.c).
//!
//! The handler returns into `pretcode`, the restorer glibc and musl always
//! give with SA_RESTORER, which calls rt_sigreturn with rsp just past it.

use axhal::uspace::{ExceptionInfo, UserContext};
use memory_addr::VirtAddr;

use super::deliver::{Frame, Restored, SyscallRestart};
use super::{
    SA_ONSTACK, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP, SigAction, SigInfo, StackT, TrapInfo,
    code,
};
use crate::errno::{Errno, SysResult};
use crate::uaccess::{Pod, USER_END, read_val, write_val};

#[path = "x86_64_fpstate.rs"]
mod fpstate;
use fpstate::FxState;

/// The handler returns through `sa_restorer` (glibc and musl always set it).
const SA_RESTORER: u64 = 0x0400_0000;

/// The user's `struct sigaction` for rt_sigaction.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct UserSigAction {
    handler: usize,
    flags: u64,
    restorer: usize,
    mask: u64,
}
// SAFETY: integers only, no padding.
unsafe impl Pod for UserSigAction {}

impl From<UserSigAction> for SigAction {
    fn from(a: UserSigAction) -> Self {
        SigAction {
            handler: a.handler,
            flags: a.flags,
            restorer: a.restorer,
            mask: a.mask,
        }
    }
}

impl From<SigAction> for UserSigAction {
    fn from(a: SigAction) -> Self {
        UserSigAction {
            handler: a.handler,
            flags: a.flags,
            restorer: a.restorer,
            mask: a.mask,
        }
    }
}

/// `struct sigcontext` (uapi asm/sigcontext.h), 256 bytes.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct SigContext {
    r8: u64,
    r9: u64,
    r10: u64,
    r11: u64,
    r12: u64,
    r13: u64,
    r14: u64,
    r15: u64,
    rdi: u64,
    rsi: u64,
    rbp: u64,
    rbx: u64,
    rdx: u64,
    rax: u64,
    rcx: u64,
    rsp: u64,
    rip: u64,
    eflags: u64,
    cs: u16,
    gs: u16,
    fs: u16,
    ss: u16,
    err: u64,
    trapno: u64,
    oldmask: u64,
    cr2: u64,
    /// User address of the fxsave area; 0 when there is none.
    fpstate: u64,
    reserved: [u64; 8],
}

/// `struct ucontext` (asm-generic/ucontext.h), 304 bytes.
#[repr(C)]
#[derive(Clone, Copy)]
struct UContext {
    flags: u64,
    link: u64,
    stack: StackT,
    mcontext: SigContext,
    sigmask: u64,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct RtSigFrame {
    pretcode: u64,
    uc: UContext,
    info: SigInfo,
}
const _: () = assert!(core::mem::size_of::<SigContext>() == 256);
const _: () = assert!(core::mem::size_of::<UContext>() == 304);
const _: () = assert!(core::mem::size_of::<RtSigFrame>() == 440);
// SAFETY: integers only, sized exactly as their fields (asserted above).
unsafe impl Pod for RtSigFrame {}

/// uc_flags: the frame saves SS, which sigreturn restores as is.
const UC_SIGCONTEXT_SS: u64 = 0x2;
const UC_STRICT_RESTORE_SS: u64 = 0x4;

/// The FPU's state after reset, which a handler starts with.
fn reset_fpu() {
    crate::task::reset_fp_state();
}

/// rflags bits user space may change through sigreturn (Linux's FIX_EFLAGS).
const FIX_EFLAGS: u64 = 0x0001 /* CF */ | 0x0004 /* PF */ | 0x0010 /* AF */ | 0x0040 /* ZF */
    | 0x0080 /* SF */ | 0x0100 /* TF */ | 0x0400 /* DF */ | 0x0800 /* OF */ | 0x1_0000 /* RF */
    | 0x4_0000 /* AC */;
/// Cleared for the handler: the ABI wants DF clear at function entry.
const HANDLER_CLEAR_EFLAGS: u64 = 0x0400 /* DF */ | 0x1_0000 /* RF */ | 0x0100 /* TF */;
/// The red zone below rsp that leaf functions may use.
const RED_ZONE: usize = 128;

fn sigcontext(uctx: &UserContext, f: &Frame, fpstate: usize) -> SigContext {
    SigContext {
        r8: uctx.r8,
        r9: uctx.r9,
        r10: uctx.r10,
        r11: uctx.r11,
        r12: uctx.r12,
        r13: uctx.r13,
        r14: uctx.r14,
        r15: uctx.r15,
        rdi: uctx.rdi,
        rsi: uctx.rsi,
        rbp: uctx.rbp,
        rbx: uctx.rbx,
        rdx: uctx.rdx,
        rax: uctx.rax,
        rcx: uctx.rcx,
        rsp: uctx.rsp,
        rip: uctx.rip,
        eflags: uctx.rflags,
        cs: uctx.cs as u16,
        gs: 0,
        fs: 0,
        ss: uctx.ss as u16,
        err: f.trap.err,
        trapno: f.trap.trapno,
        oldmask: f.mask,
        cr2: f.trap.addr,
        fpstate: fpstate as u64,
        reserved: [0; 8],
    }
}

/// Builds the frame of `f` on the user stack and points the registers at
/// the handler. EFAULT when the stack cannot take it or there is no
/// restorer (on x86_64 Linux has no vDSO restorer to fall back on either).
pub fn setup_frame(uctx: &mut UserContext, f: &Frame) -> SysResult<()> {
    if f.action.flags & SA_RESTORER == 0 {
        return Err(Errno::EFAULT);
    }
    let sp = uctx.sp().checked_sub(RED_ZONE).ok_or(Errno::EFAULT)?;
    let (top, on_altstack) = f.altstack.frame_top(sp, f.action.flags & SA_ONSTACK != 0);
    let size_frame = core::mem::size_of::<RtSigFrame>();
    let fx_addr = top
        .checked_sub(fpstate::frame_size())
        .ok_or(Errno::EFAULT)?
        & !63;
    let frame_addr = (fx_addr.checked_sub(size_frame).ok_or(Errno::EFAULT)? & !15).wrapping_sub(8);
    if on_altstack && !f.altstack.fits(frame_addr) {
        return Err(Errno::EFAULT);
    }

    let fp_flags = fpstate::save_to_user(fx_addr)?;
    let frame = RtSigFrame {
        pretcode: f.action.restorer as u64,
        uc: UContext {
            flags: UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | fp_flags,
            link: 0,
            stack: f.altstack.saved(),
            mcontext: sigcontext(uctx, f, fx_addr),
            sigmask: f.mask,
        },
        info: *f.info,
    };
    write_val(frame_addr, &frame)?;

    uctx.rdi = f.sig as u64;
    uctx.rsi = (frame_addr + core::mem::offset_of!(RtSigFrame, info)) as u64;
    uctx.rdx = (frame_addr + core::mem::offset_of!(RtSigFrame, uc)) as u64;
    // For handlers declared without a prototype (varargs convention).
    uctx.rax = 0;
    uctx.rip = f.action.handler as u64;
    uctx.rsp = frame_addr as u64;
    uctx.rflags &= !HANDLER_CLEAR_EFLAGS;
    reset_fpu();
    Ok(())
}

/// rt_sigreturn: the frame sits where the handler's `ret` left rsp, 8 bytes
/// above the frame start (pretcode was popped). CS and SS stay the user
/// selectors whatever the frame says; a non-canonical rip is refused (it
/// would fault in the kernel's iret).
pub fn restore_frame(uctx: &mut UserContext) -> SysResult<Restored> {
    let addr = uctx.sp().wrapping_sub(8);
    let frame: RtSigFrame = read_val(addr)?;
    let sc = frame.uc.mcontext;
    if sc.rip as usize >= USER_END {
        return Err(Errno::EFAULT);
    }
    match sc.fpstate {
        0 => reset_fpu(),
        fp => fpstate::restore_from_user(fp as usize)?,
    }
    uctx.r8 = sc.r8;
    uctx.r9 = sc.r9;
    uctx.r10 = sc.r10;
    uctx.r11 = sc.r11;
    uctx.r12 = sc.r12;
    uctx.r13 = sc.r13;
    uctx.r14 = sc.r14;
    uctx.r15 = sc.r15;
    uctx.rdi = sc.rdi;
    uctx.rsi = sc.rsi;
    uctx.rbp = sc.rbp;
    uctx.rbx = sc.rbx;
    uctx.rdx = sc.rdx;
    uctx.rax = sc.rax;
    uctx.rcx = sc.rcx;
    uctx.rsp = sc.rsp;
    uctx.rip = sc.rip;
    uctx.rflags = (uctx.rflags & !FIX_EFLAGS) | (sc.eflags & FIX_EFLAGS);
    Ok(Restored {
        mask: frame.uc.sigmask,
        stack: frame.uc.stack,
    })
}

/// `syscall` (and `int 0x80`) is two bytes long.
const SYSCALL_INSN_LEN: usize = 2;
const NR_RESTART_SYSCALL: u64 = linux_raw_sys::general::__NR_restart_syscall as u64;

/// Makes the thread issue the interrupted syscall again (or restart_syscall
/// when `via_block`) once it returns to user mode.
pub fn restart_syscall(uctx: &mut UserContext, r: &SyscallRestart, via_block: bool) {
    uctx.rax = if via_block {
        NR_RESTART_SYSCALL
    } else {
        r.sysno as u64
    };
    uctx.rdi = r.arg0 as u64;
    uctx.rip -= SYSCALL_INSN_LEN as u64;
}

mod vector {
    pub const DIVIDE: u8 = 0;
    pub const DEBUG: u8 = 1;
    pub const BREAKPOINT: u8 = 3;
    pub const INVALID_OPCODE: u8 = 6;
    pub const SEGMENT_NOT_PRESENT: u8 = 11;
    pub const STACK_SEGMENT: u8 = 12;
    pub const X87_FP: u8 = 16;
    pub const ALIGNMENT_CHECK: u8 = 17;
    pub const SIMD_FP: u8 = 19;
    pub const PAGE_FAULT: u64 = 14;
}

/// si_code of a floating-point exception from the unmasked raised flags
/// (the low six bits of the x87 status or of MXCSR).
fn fpe_code(raised: u32) -> i32 {
    if raised & 0x01 != 0 {
        code::FPE_FLTINV
    } else if raised & 0x04 != 0 {
        code::FPE_FLTDIV
    } else if raised & 0x08 != 0 {
        4 // FPE_FLTOVF
    } else if raised & 0x12 != 0 {
        5 // FPE_FLTUND
    } else if raised & 0x20 != 0 {
        6 // FPE_FLTRES
    } else {
        0
    }
}

/// The signal a user-mode exception raises (arch/x86/kernel/traps.c).
pub fn fault_signal(e: &ExceptionInfo, uctx: &UserContext) -> (SigInfo, TrapInfo) {
    let ip = uctx.ip();
    let kernel = |sig| SigInfo::from_process(sig, code::SI_KERNEL, 0);
    let info = match e.vector {
        vector::DIVIDE => SigInfo::fault(SIGFPE, code::FPE_INTDIV, ip),
        vector::DEBUG => SigInfo::fault(SIGTRAP, code::TRAP_TRACE, ip),
        vector::BREAKPOINT => kernel(SIGTRAP),
        vector::INVALID_OPCODE => SigInfo::fault(SIGILL, code::ILL_ILLOPN, ip),
        vector::SEGMENT_NOT_PRESENT | vector::STACK_SEGMENT => kernel(SIGBUS),
        vector::ALIGNMENT_CHECK => SigInfo::fault(SIGBUS, code::BUS_ADRALN, 0),
        vector::X87_FP => {
            let fx = FxState::current();
            let raised = (fx.swd & !fx.cwd & 0x3f) as u32;
            SigInfo::fault(SIGFPE, fpe_code(raised), ip)
        }
        vector::SIMD_FP => {
            let mxcsr = FxState::current().mxcsr;
            SigInfo::fault(SIGFPE, fpe_code(!(mxcsr >> 7) & mxcsr & 0x3f), ip)
        }
        // #GP and the rest.
        _ => kernel(SIGSEGV),
    };
    (
        info,
        TrapInfo {
            trapno: e.vector as u64,
            err: e.error_code,
            addr: 0,
        },
    )
}

/// SIGSEGV for a page fault nothing could resolve: SEGV_ACCERR when a
/// mapping covers `addr` but forbids the access, else SEGV_MAPERR.
pub fn page_fault_signal(uctx: &UserContext, addr: VirtAddr, mapped: bool) -> (SigInfo, TrapInfo) {
    let why = if mapped {
        code::SEGV_ACCERR
    } else {
        code::SEGV_MAPERR
    };
    let trap = TrapInfo {
        trapno: vector::PAGE_FAULT,
        err: uctx.error_code,
        addr: addr.as_usize() as u64,
    };
    (SigInfo::fault(SIGSEGV, why, addr.as_usize()), trap)
}

/// Nothing to map at exec: x86_64 handlers return through SA_RESTORER.
pub fn setup_exec(_aspace: &mut mm::aspace::AddrSpace) -> SysResult<()> {
    Ok(())
}
