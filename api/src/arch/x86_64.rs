//! x86_64: a 128 TiB user half and TLS in the FS base (arch_prctl).

use axhal::uspace::{ExceptionInfo, UserContext};

/// One past the highest user address (the lower canonical half, 4-level paging).
pub const USER_END: usize = 0x0000_8000_0000_0000;

/// One past the highest page a mapping may use (Linux's TASK_SIZE: a guard
/// page below the end of the canonical half).
pub const TASK_SIZE: usize = USER_END - 4096;
/// mmap's MAP_32BIT: place the mapping in the low 2 GiB.
pub const MAP_32BIT: u32 = linux_raw_sys::general::MAP_32BIT;

/// Where mmap looks for room when `flags` has MAP_32BIT: [1 GiB, 2 GiB), as Linux.
pub fn mmap_32bit_window(flags: u32) -> Option<(usize, usize)> {
    (flags & MAP_32BIT != 0).then_some((0x4000_0000, 0x8000_0000))
}

/// uname's `machine`.
pub const UTS_MACHINE: &str = "x86_64";

/// The ELF `e_machine` of our programs (EM_X86_64).
pub const ELF_MACHINE: u16 = 62;
/// AT_PLATFORM's string.
pub const ELF_PLATFORM: Option<&[u8]> = Some(b"x86_64");
/// Where PIE executables go, as Linux's ELF_ET_DYN_BASE without randomisation.
pub const ET_DYN_BASE: usize = 0x5555_5555_4000;
/// Top of the main thread's stack.
pub const STACK_TOP: usize = 0x7fff_ffff_f000;

/// The auxv entries that describe the CPU: AT_HWCAP is CPUID.1:EDX.
pub fn hwcap_auxv() -> alloc::vec::Vec<(usize, usize)> {
    let edx = core::arch::x86_64::__cpuid(1).edx as usize;
    alloc::vec![(elf::auxv::AT_HWCAP, edx), (elf::auxv::AT_HWCAP2, 0)]
}

/// Runs `f`, which may sleep, in a kernel-mode trap handler. Nothing to do:
/// the kernel's per-CPU base (GS) is not part of the trap frame, so a task
/// may wake up on another CPU.
pub fn in_kernel_trap<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Whether the kernel resolved an exception of user code itself (so the
/// instruction runs again): never on x86_64.
pub fn resolve_user_exception(_e: &ExceptionInfo) -> bool {
    false
}

/// Sets the user thread pointer (clone's CLONE_SETTLS).
pub fn set_tls(uctx: &mut UserContext, tls: usize) {
    uctx.set_tls(tls);
}
