//! The FP state in an x86_64 signal frame (arch/x86/kernel/fpu/signal.c):
//! the 512-byte FXSAVE image, or, with XSAVE enabled, the XSAVE image
//! (FXSAVE image, header, AVX state) that the FXSAVE image's last 48 bytes
//! (`struct _fpx_sw_bytes`) describe and FP_XSTATE_MAGIC2 ends.

use axcpu::ExtendedState;

use crate::errno::SysResult;
use crate::task::{MXCSR_OFFSET, XFEATURES, XSAVE_SIZE, XsaveArea, xsave_enabled};
use crate::uaccess::{Pod, copy_from_user, copy_to_user, read_val, write_val};

/// uc_flags bit: the FP state is an XSAVE image.
const UC_FP_XSTATE: u64 = 0x1;

const FP_XSTATE_MAGIC1: u32 = 0x4650_5853;
const FP_XSTATE_MAGIC2: u32 = 0x4650_5845;
/// Where `struct _fpx_sw_bytes` sits in the FXSAVE image.
const SW_BYTES_OFFSET: usize = 464;
/// The XSAVE header follows the 512-byte legacy region.
const XSAVE_HEADER_OFFSET: usize = 512;
const XSAVE_HEADER_SIZE: usize = 64;

/// `struct _fpx_sw_bytes`: what follows the FXSAVE image.
#[repr(C)]
#[derive(Clone, Copy)]
struct FpxSwBytes {
    magic1: u32,
    /// xstate_size plus FP_XSTATE_MAGIC2.
    extended_size: u32,
    xfeatures: u64,
    xstate_size: u32,
    padding: [u32; 7],
}
const _: () = assert!(core::mem::size_of::<FpxSwBytes>() == 48);
// SAFETY: integers only, no padding (asserted size).
unsafe impl Pod for FpxSwBytes {}

/// Bytes the FP state takes on the signal stack.
pub fn frame_size() -> usize {
    if xsave_enabled() {
        XSAVE_SIZE + core::mem::size_of::<u32>()
    } else {
        core::mem::size_of::<FxState>()
    }
}

/// Writes the interrupted thread's FP state (still in the CPU: the kernel
/// uses no FP registers) at `addr`, 64-byte aligned; returns the uc_flags
/// bits that describe it.
pub fn save_to_user(addr: usize) -> SysResult<u64> {
    if !xsave_enabled() {
        write_val(addr, &FxState::current())?;
        return Ok(0);
    }
    let mut area = XsaveArea::initial();
    area.save(XFEATURES);
    // As Linux: FP and SSE always marked present, so a handler that edits
    // the legacy image without knowing the header still has it restored.
    let bv = header_bv(&area) | 0b11;
    area.0[XSAVE_HEADER_OFFSET..XSAVE_HEADER_OFFSET + 8].copy_from_slice(&bv.to_le_bytes());
    let sw = FpxSwBytes {
        magic1: FP_XSTATE_MAGIC1,
        extended_size: frame_size() as u32,
        xfeatures: XFEATURES,
        xstate_size: XSAVE_SIZE as u32,
        padding: [0; 7],
    };
    copy_to_user(addr, &area.0)?;
    write_val(addr + SW_BYTES_OFFSET, &sw)?;
    write_val(addr + XSAVE_SIZE, &FP_XSTATE_MAGIC2)?;
    Ok(UC_FP_XSTATE)
}

/// Loads the FP state of a frame at `addr` (sigreturn): an XSAVE image when
/// its magic numbers say so, else the FXSAVE image with the AVX state reset.
/// Whatever user space wrote, what is loaded cannot fault: header bits
/// outside the enabled features, reserved header bytes and MXCSR bits the
/// CPU lacks are cleared.
pub fn restore_from_user(addr: usize) -> SysResult<()> {
    let fx: FxState = read_val(addr)?;
    let sw: FpxSwBytes = read_val(addr + SW_BYTES_OFFSET)?;
    let xstate = xsave_enabled()
        && sw.magic1 == FP_XSTATE_MAGIC1
        && (XSAVE_HEADER_OFFSET + XSAVE_HEADER_SIZE..=XSAVE_SIZE)
            .contains(&(sw.xstate_size as usize))
        && sw.xstate_size <= sw.extended_size
        && read_val::<u32>(addr + sw.xstate_size as usize)? == FP_XSTATE_MAGIC2;
    if !xstate {
        crate::task::reset_fp_state();
        fx.load();
        return Ok(());
    }
    let mut area = XsaveArea::initial();
    copy_from_user(&mut area.0[..sw.xstate_size as usize], addr)?;
    let bv = header_bv(&area) & sw.xfeatures & XFEATURES;
    area.0[XSAVE_HEADER_OFFSET..XSAVE_HEADER_OFFSET + XSAVE_HEADER_SIZE].fill(0);
    area.0[XSAVE_HEADER_OFFSET..XSAVE_HEADER_OFFSET + 8].copy_from_slice(&bv.to_le_bytes());
    let mxcsr = fx.mxcsr & supported_mxcsr();
    area.0[MXCSR_OFFSET..MXCSR_OFFSET + 4].copy_from_slice(&mxcsr.to_le_bytes());
    area.load(XFEATURES);
    Ok(())
}

/// XSTATE_BV: which components the image holds (the others are loaded in
/// their initial state).
fn header_bv(area: &XsaveArea) -> u64 {
    let b = &area.0[XSAVE_HEADER_OFFSET..XSAVE_HEADER_OFFSET + 8];
    u64::from_le_bytes(b.try_into().unwrap())
}

/// The MXCSR bits this CPU has (others make FXRSTOR/XRSTOR fault).
fn supported_mxcsr() -> u32 {
    match FxState::current().mxcsr_mask {
        0 => MXCSR_DEFAULT_MASK,
        m => m,
    }
}

/// The 512-byte fxsave image (`struct _fpstate_64`); its last 48 bytes
/// (`sw_reserved`) stay zero when no XSAVE state follows.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FxState {
    pub cwd: u16,
    pub swd: u16,
    twd: u16,
    fop: u16,
    rip: u64,
    rdp: u64,
    pub mxcsr: u32,
    mxcsr_mask: u32,
    st: [u64; 16],
    xmm: [u64; 32],
    reserved: [u64; 12],
}
const _: () = assert!(core::mem::size_of::<FxState>() == 512);
// SAFETY: integers only, no padding (asserted size).
unsafe impl Pod for FxState {}

/// The default MXCSR_MASK when the CPU reports none.
const MXCSR_DEFAULT_MASK: u32 = 0xffbf;

impl FxState {
    /// The FPU/SSE state now in the CPU: the interrupted user state, as the
    /// kernel itself uses no FP registers and switches restore it.
    pub fn current() -> Self {
        let mut st = ExtendedState::default();
        st.save();
        let a = &st.fxsave_area;
        FxState {
            cwd: a.fcw,
            swd: a.fsw,
            twd: a.ftw,
            fop: a.fop,
            rip: a.fip,
            rdp: a.fdp,
            mxcsr: a.mxcsr,
            mxcsr_mask: a.mxcsr_mask,
            st: a.st,
            xmm: a.xmm,
            reserved: [0; 12],
        }
    }

    /// Loads this state into the CPU, with MXCSR bits the CPU does not
    /// have cleared (fxrstor faults on them).
    pub fn load(&self) {
        let mut st = ExtendedState::default();
        let a = &mut st.fxsave_area;
        a.fcw = self.cwd;
        a.fsw = self.swd;
        a.ftw = self.twd;
        a.fop = self.fop;
        a.fip = self.rip;
        a.fdp = self.rdp;
        a.mxcsr = self.mxcsr & supported_mxcsr();
        a.st = self.st;
        a.xmm = self.xmm;
        st.restore();
    }
}
