//! riscv64 (Sv39): a 256 GiB user half and TLS in `tp`.

use axhal::uspace::{ExceptionInfo, ExceptionKind, UserContext};

/// One past the highest user address (Linux's TASK_SIZE for Sv39).
pub const USER_END: usize = 0x0000_0040_0000_0000;

/// One past the highest page a mapping may use (Linux's TASK_SIZE).
pub const TASK_SIZE: usize = USER_END;
/// mmap's MAP_32BIT, which riscv64 does not have.
pub const MAP_32BIT: u32 = 0;

/// Where mmap looks for room for a MAP_32BIT mapping: nowhere special.
pub fn mmap_32bit_window(_flags: u32) -> Option<(usize, usize)> {
    None
}

/// uname's `machine`.
pub const UTS_MACHINE: &str = "riscv64";

/// The ELF `e_machine` of our programs (EM_RISCV).
pub const ELF_MACHINE: u16 = 243;
/// AT_PLATFORM's string: none, Linux's ELF_PLATFORM is NULL on riscv.
pub const ELF_PLATFORM: Option<&[u8]> = None;
/// Where PIE executables go: two thirds of the user half, as Linux's
/// ELF_ET_DYN_BASE without randomisation.
pub const ET_DYN_BASE: usize = 0x2a_aaaa_a000;
/// Top of the main thread's stack.
pub const STACK_TOP: usize = 0x3f_ffff_f000;

/// The auxv entries that describe the CPU: AT_HWCAP holds one bit per
/// single-letter ISA extension ('a' is bit 0), of those Linux reports.
pub fn hwcap_auxv() -> alloc::vec::Vec<(usize, usize)> {
    let ext = |c: u8| 1usize << (c - b'a');
    let hwcap = ext(b'i') | ext(b'm') | ext(b'a') | ext(b'f') | ext(b'd') | ext(b'c');
    alloc::vec![(elf::auxv::AT_HWCAP, hwcap)]
}

/// Runs `f`, which may sleep, in a kernel-mode trap handler (a page fault
/// on user memory inside `user_copy`).
///
/// The kernel-mode trap return of this axcpu restores `gp`, our per-CPU
/// base, from the trap frame: a task that slept in the handler and woke up
/// on another hart would go on with the first hart's per-CPU data (its
/// current task among them). So the task stays on this hart until `f`
/// returns; wake-ups may not move it elsewhere.
pub fn in_kernel_trap<R>(f: impl FnOnce() -> R) -> R {
    let task = axtask::current();
    let allowed = task.cpumask();
    task.set_cpumask(axtask::AxCpuMask::one_shot(axhal::percpu::this_cpu_id()));
    let result = f();
    task.set_cpumask(allowed);
    result
}

/// Whether the kernel resolved an exception of user code itself, so the
/// instruction is to run again rather than raise a signal. User mode may
/// read the `time` CSR (the vDSO's clock), as on Linux; scounteren.TM is
/// per hart and set on the first read that traps on each.
pub fn resolve_user_exception(e: &ExceptionInfo) -> bool {
    use riscv::register::scounteren;
    if e.kind() != ExceptionKind::IllegalInstruction || scounteren::read().tm() {
        return false;
    }
    // SAFETY: only widens what user mode may read: the time counter, which
    // Linux gives user space too.
    unsafe { scounteren::set_tm() };
    true
}

/// Sets the user thread pointer (clone's CLONE_SETTLS).
pub fn set_tls(uctx: &mut UserContext, tls: usize) {
    uctx.regs.tp = tls;
}
