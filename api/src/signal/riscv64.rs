//! riscv64 signal frames, as Linux lays them out (arch/riscv/kernel/signal.c):
//!
//! ```text
//!   struct rt_sigframe { siginfo info; ucontext uc; }   16-byte aligned
//!   ^ sp at handler entry; a0 = signo, a1 = &info, a2 = &uc
//! ```
//!
//! `uc.uc_mcontext` is `struct sigcontext`: the user registers (pc, then
//! x1..x31) and the D-extension state (f0..f31, fcsr) in the 528-byte FP
//! union, whose extension header stays "end" (no vector state).
//!
//! Linux returns from handlers through its vDSO's `__vdso_rt_sigreturn`.
//! Ours has that symbol too, but handlers return through a one-page
//! trampoline (`li a7, 139; ecall`) exec maps at the top of user space,
//! which `ra` points at: it is there also in a kernel built with VDSO=0.

use axcpu::{FpState, GeneralRegisters};
use axhal::uspace::{ExceptionInfo, ExceptionKind, UserContext};
use memory_addr::VirtAddr;
use mm::aspace::{AddrSpace, Mapping, Source};
use mm::{PAGE_SIZE, Prot};
use riscv::register::sstatus::FS;

use super::deliver::{Frame, Restored, SyscallRestart};
use super::{
    SA_ONSTACK, SIGBUS, SIGILL, SIGSEGV, SIGTRAP, SigAction, SigInfo, StackT, TrapInfo, code,
};
use crate::errno::{Errno, SysResult};
use crate::uaccess::{Pod, USER_END, read_val, write_val};

/// The user's `struct sigaction`: riscv64 has no sa_restorer.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct UserSigAction {
    handler: usize,
    flags: u64,
    mask: u64,
}
// SAFETY: integers only, no padding.
unsafe impl Pod for UserSigAction {}

impl From<UserSigAction> for SigAction {
    fn from(a: UserSigAction) -> Self {
        SigAction {
            handler: a.handler,
            flags: a.flags,
            restorer: 0,
            mask: a.mask,
        }
    }
}

impl From<SigAction> for UserSigAction {
    fn from(a: SigAction) -> Self {
        UserSigAction {
            handler: a.handler,
            flags: a.flags,
            mask: a.mask,
        }
    }
}

/// `union __riscv_fp_state` with the D state and the extension header
/// (`struct __riscv_extra_ext_header`) that follows it.
#[repr(C, align(16))]
#[derive(Clone, Copy)]
struct FpRegs {
    f: [u64; 32],
    fcsr: u32,
    padding: [u32; 64],
    /// Must be zero at sigreturn.
    reserved: u32,
    /// The first extension header: magic 0 and size 0 end the list.
    hdr_magic: u32,
    hdr_size: u32,
}

/// `struct sigcontext`: `user_regs_struct` (pc, x1..x31), then FP state.
#[repr(C, align(16))]
#[derive(Clone, Copy)]
struct SigContext {
    regs: [u64; 32],
    fp: FpRegs,
}

/// riscv's `struct ucontext`: the mask comes before a reserved area, the
/// machine context last.
#[repr(C, align(16))]
#[derive(Clone, Copy)]
struct UContext {
    flags: u64,
    link: u64,
    stack: StackT,
    sigmask: u64,
    unused: [u8; 120],
    /// Alignment of `mcontext` to 16, made explicit.
    pad: u64,
    mcontext: SigContext,
}

#[repr(C, align(16))]
#[derive(Clone, Copy)]
struct RtSigFrame {
    info: SigInfo,
    uc: UContext,
}
const _: () = assert!(core::mem::size_of::<FpRegs>() == 528);
const _: () = assert!(core::mem::size_of::<SigContext>() == 784);
const _: () = assert!(core::mem::offset_of!(UContext, mcontext) == 176);
const _: () = assert!(core::mem::size_of::<RtSigFrame>() == 128 + 960);
// SAFETY: integers only, every byte covered by a field (asserted sizes).
unsafe impl Pod for RtSigFrame {}

/// Where exec maps the sigreturn trampoline: the last user page, above the
/// stack.
const TRAMPOLINE: usize = USER_END - PAGE_SIZE;
/// `li a7, 139 (__NR_rt_sigreturn); ecall`.
const TRAMPOLINE_CODE: [u32; 2] = [0x08b0_0893, 0x0000_0073];

/// Maps the sigreturn trampoline into a new program's space.
pub fn setup_exec(aspace: &mut AddrSpace) -> SysResult<()> {
    let anon = Mapping {
        source: Source::Anonymous,
        shared: false,
    };
    aspace
        .map(TRAMPOLINE, PAGE_SIZE, Prot::READ | Prot::WRITE, anon)
        .map_err(|_| Errno::ENOMEM)?;
    let mut code = [0u8; 8];
    for (i, insn) in TRAMPOLINE_CODE.iter().enumerate() {
        code[i * 4..i * 4 + 4].copy_from_slice(&insn.to_le_bytes());
    }
    aspace
        .write_bytes(TRAMPOLINE, &code)
        .map_err(|_| Errno::ENOMEM)?;
    aspace
        .protect(TRAMPOLINE, PAGE_SIZE, Prot::READ | Prot::EXEC)
        .map_err(|_| Errno::ENOMEM)
}

/// x1..x31, in register-number order.
fn gprs(r: &mut GeneralRegisters) -> [&mut usize; 31] {
    [
        &mut r.ra, &mut r.sp, &mut r.gp, &mut r.tp, &mut r.t0, &mut r.t1, &mut r.t2, &mut r.s0,
        &mut r.s1, &mut r.a0, &mut r.a1, &mut r.a2, &mut r.a3, &mut r.a4, &mut r.a5, &mut r.a6,
        &mut r.a7, &mut r.s2, &mut r.s3, &mut r.s4, &mut r.s5, &mut r.s6, &mut r.s7, &mut r.s8,
        &mut r.s9, &mut r.s10, &mut r.s11, &mut r.t3, &mut r.t4, &mut r.t5, &mut r.t6,
    ]
}

fn user_regs(uctx: &UserContext) -> [u64; 32] {
    let mut regs = uctx.regs;
    let mut out = [0u64; 32];
    out[0] = uctx.sepc as u64;
    for (o, r) in out[1..].iter_mut().zip(gprs(&mut regs)) {
        *o = *r as u64;
    }
    out
}

/// Builds the frame of `f` on the user stack and points the registers at
/// the handler.
pub fn setup_frame(uctx: &mut UserContext, f: &Frame) -> SysResult<()> {
    let (top, on_altstack) = f
        .altstack
        .frame_top(uctx.sp(), f.action.flags & SA_ONSTACK != 0);
    let frame_addr = top
        .checked_sub(core::mem::size_of::<RtSigFrame>())
        .ok_or(Errno::EFAULT)?
        & !15;
    if on_altstack && !f.altstack.fits(frame_addr) {
        return Err(Errno::EFAULT);
    }
    let mut fp = FpState::default();
    fp.save();
    let frame = RtSigFrame {
        info: *f.info,
        uc: UContext {
            flags: 0,
            link: 0,
            stack: f.altstack.saved(),
            sigmask: f.mask,
            unused: [0; 120],
            pad: 0,
            mcontext: SigContext {
                regs: user_regs(uctx),
                fp: FpRegs {
                    f: fp.fp,
                    fcsr: fp.fcsr as u32,
                    padding: [0; 64],
                    reserved: 0,
                    hdr_magic: 0,
                    hdr_size: 0,
                },
            },
        },
    };
    write_val(frame_addr, &frame)?;

    uctx.regs.ra = TRAMPOLINE;
    uctx.regs.a0 = f.sig;
    uctx.regs.a1 = frame_addr + core::mem::offset_of!(RtSigFrame, info);
    uctx.regs.a2 = frame_addr + core::mem::offset_of!(RtSigFrame, uc);
    uctx.regs.sp = frame_addr;
    uctx.sepc = f.action.handler;
    Ok(())
}

/// rt_sigreturn: the frame starts at sp (the handler has returned).
pub fn restore_frame(uctx: &mut UserContext) -> SysResult<Restored> {
    let frame: RtSigFrame = read_val(uctx.sp())?;
    let sc = &frame.uc.mcontext;
    if sc.fp.reserved != 0 || sc.fp.hdr_magic != 0 || sc.fp.hdr_size != 0 {
        return Err(Errno::EINVAL);
    }
    let fp = FpState {
        fp: sc.fp.f,
        fcsr: sc.fp.fcsr as usize,
        fs: FS::Dirty,
    };
    fp.restore();
    // The registers now differ from the task's saved copy: make the next
    // switch save them.
    uctx.sstatus.set_fs(FS::Dirty);
    uctx.sepc = sc.regs[0] as usize;
    for (r, v) in gprs(&mut uctx.regs).into_iter().zip(&sc.regs[1..]) {
        *r = *v as usize;
    }
    Ok(Restored {
        mask: frame.uc.sigmask,
        stack: frame.uc.stack,
    })
}

/// `ecall` is four bytes long.
const SYSCALL_INSN_LEN: usize = 4;
const NR_RESTART_SYSCALL: usize = linux_raw_sys::general::__NR_restart_syscall as usize;

/// Makes the thread issue the interrupted syscall again (or restart_syscall
/// when `via_block`) once it returns to user mode.
pub fn restart_syscall(uctx: &mut UserContext, r: &SyscallRestart, via_block: bool) {
    uctx.regs.a0 = r.arg0;
    uctx.regs.a7 = if via_block {
        NR_RESTART_SYSCALL
    } else {
        r.sysno
    };
    uctx.sepc -= SYSCALL_INSN_LEN;
}

/// The signal a user-mode exception raises (arch/riscv/kernel/traps.c).
pub fn fault_signal(e: &ExceptionInfo, uctx: &UserContext) -> (SigInfo, TrapInfo) {
    let pc = uctx.ip();
    let info = match e.kind() {
        ExceptionKind::Breakpoint => SigInfo::fault(SIGTRAP, code::TRAP_BRKPT, pc),
        ExceptionKind::IllegalInstruction => SigInfo::fault(SIGILL, code::ILL_ILLOPC, pc),
        ExceptionKind::Misaligned => SigInfo::fault(SIGBUS, code::BUS_ADRALN, e.stval),
        // Access faults (PMP, bad physical address).
        ExceptionKind::Other => SigInfo::fault(SIGSEGV, code::SEGV_ACCERR, e.stval),
    };
    (
        info,
        TrapInfo {
            trapno: 0,
            err: 0,
            addr: e.stval as u64,
        },
    )
}

/// SIGSEGV for a page fault nothing could resolve: SEGV_ACCERR when a
/// mapping covers `addr` but forbids the access, else SEGV_MAPERR.
pub fn page_fault_signal(_uctx: &UserContext, addr: VirtAddr, mapped: bool) -> (SigInfo, TrapInfo) {
    let why = if mapped {
        code::SEGV_ACCERR
    } else {
        code::SEGV_MAPERR
    };
    let trap = TrapInfo {
        trapno: 0,
        err: 0,
        addr: addr.as_usize() as u64,
    };
    (SigInfo::fault(SIGSEGV, why, addr.as_usize()), trap)
}
