//! Turns on XSAVE and the AVX register state on each CPU, as Linux does, so that user programs
//! see AVX/AVX2 as usable (CPUID's OSXSAVE bit and XCR0): glibc then selects its AVX2 string
//! functions and the x86-64-v3 library directories, and programs built for x86-64-v3 run.
//!
//! Only x87, SSE and AVX are enabled: the kernel switches the AVX component itself (axcpu's
//! context switch saves the FXSAVE part), and larger components (AVX-512, AMX) would need more.

use x86_64::registers::control::{Cr4, Cr4Flags};
use x86_64::registers::xcontrol::{XCr0, XCr0Flags};

/// CPUID.1:ECX bits.
const CPUID1_ECX_XSAVE: u32 = 1 << 26;
const CPUID1_ECX_AVX: u32 = 1 << 28;

/// Enables XSAVE with x87, SSE and AVX state on the calling CPU when it has them.
pub fn enable() {
    let ecx = core::arch::x86_64::__cpuid(1).ecx;
    if ecx & CPUID1_ECX_XSAVE == 0 || ecx & CPUID1_ECX_AVX == 0 {
        return;
    }
    // SAFETY: the CPU supports XSAVE (checked above); setting OSXSAVE only allows XGETBV/XSETBV
    // and the XSAVE family. XCR0 gets x87|SSE (required) and AVX, which the CPU supports.
    unsafe {
        Cr4::update(|f| f.insert(Cr4Flags::OSXSAVE));
        XCr0::write(XCr0Flags::X87 | XCr0Flags::SSE | XCr0Flags::AVX);
    }
}
