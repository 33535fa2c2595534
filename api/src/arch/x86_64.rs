//! x86_64: a 128 TiB user half, TLS in the FS base (arch_prctl), and the
//! legacy syscalls (the pre-*at family, fork, poll, ...) routed to the
//! handlers of their modern forms.

use axhal::uspace::{ExceptionInfo, UserContext};
use linux_raw_sys::general as nr;

use crate::errno::{Errno, SysResult};
use crate::signal::RestartKind;
use crate::sys::task::clone_flags::{CLONE_VFORK, CLONE_VM};
use crate::sys::{fs, poll, signal, task, time};
use crate::uaccess::write_val;

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

/// clone(2): flags, stack, parent_tid, child_tid, tls. CLONE_PIDFD's fd
/// goes to parent_tid.
pub fn sys_clone(uctx: &UserContext, a: [usize; 6]) -> SysResult {
    task::sys_clone(uctx, a[0] as u64, a[1], a[2], a[3], a[4], a[2])
}

/// The calls only x86_64 has, as their modern forms; None for a number
/// that is not one of them.
pub fn dispatch(uctx: &mut UserContext, sysno: usize, a: [usize; 6]) -> Option<SysResult> {
    use linux_raw_sys::general::{AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW};
    let (i, u) = (|x: usize| x as i32, |x: usize| x as u32);
    let cwd = fs::AT_FDCWD;
    let sigchld = crate::signal::SIGCHLD as u64;
    Some(match sysno as u32 {
        nr::__NR_open => fs::sys_openat(cwd, a[0], u(a[1]), u(a[2])),
        nr::__NR_creat => fs::sys_openat(cwd, a[0], 0o1101, u(a[1])),
        nr::__NR_stat => fs::sys_newfstatat(cwd, a[0], a[1], 0),
        nr::__NR_lstat => fs::sys_newfstatat(cwd, a[0], a[1], AT_SYMLINK_NOFOLLOW),
        nr::__NR_access => fs::sys_faccessat(cwd, a[0], u(a[1]), 0),
        nr::__NR_readlink => fs::sys_readlinkat(cwd, a[0], a[1], a[2] as isize),
        nr::__NR_mkdir => fs::sys_mkdirat(cwd, a[0], u(a[1])),
        nr::__NR_rmdir => fs::sys_unlinkat(cwd, a[0], AT_REMOVEDIR),
        nr::__NR_unlink => fs::sys_unlinkat(cwd, a[0], 0),
        nr::__NR_rename => fs::sys_renameat2(cwd, a[0], cwd, a[1], 0),
        nr::__NR_link => fs::sys_linkat(cwd, a[0], cwd, a[1], 0),
        nr::__NR_symlink => fs::sys_symlinkat(a[0], cwd, a[1]),
        nr::__NR_chmod => fs::sys_fchmodat(cwd, a[0], u(a[1])),
        nr::__NR_chown => fs::sys_fchownat(cwd, a[0], u(a[1]), u(a[2]), 0),
        nr::__NR_lchown => fs::sys_fchownat(cwd, a[0], u(a[1]), u(a[2]), AT_SYMLINK_NOFOLLOW),
        nr::__NR_time => time::sys_time(a[0]),
        nr::__NR_pipe => fs::sys_pipe2(a[0], 0),
        nr::__NR_dup2 => fs::sys_dup2(i(a[0]), i(a[1])),
        nr::__NR_fork => task::sys_clone(uctx, sigchld, 0, 0, 0, 0, 0),
        nr::__NR_vfork => task::sys_clone(uctx, CLONE_VM | CLONE_VFORK | sigchld, 0, 0, 0, 0, 0),
        nr::__NR_getpgrp => task::sys_getpgid(0),
        nr::__NR_arch_prctl => sys_arch_prctl(uctx, i(a[0]), a[1]),
        nr::__NR_poll => poll::sys_poll(a[0], a[1], i(a[2])),
        nr::__NR_select => poll::sys_select(i(a[0]), a[1], a[2], a[3], a[4]),
        nr::__NR_pause => signal::sys_pause(),
        nr::__NR_alarm => crate::sys::itimer::sys_alarm(a[0] as u32),
        _ => return None,
    })
}

/// How the x86_64-only calls go on after a handled signal (see
/// `syscall::restart_kind`).
pub fn restart_kind(sysno: usize) -> Option<RestartKind> {
    match sysno as u32 {
        nr::__NR_pause | nr::__NR_poll | nr::__NR_select | nr::__NR_epoll_wait => {
            Some(RestartKind::NoHand)
        }
        _ => None,
    }
}

/// arch_prctl(2): the FS and GS bases.
fn sys_arch_prctl(uctx: &mut UserContext, code: i32, addr: usize) -> SysResult {
    const ARCH_SET_GS: i32 = 0x1001;
    const ARCH_SET_FS: i32 = 0x1002;
    const ARCH_GET_FS: i32 = 0x1003;
    const ARCH_GET_GS: i32 = 0x1004;
    match code {
        ARCH_SET_FS | ARCH_SET_GS if addr >= USER_END => return Err(Errno::EPERM),
        ARCH_SET_FS => uctx.set_tls(addr),
        ARCH_SET_GS => uctx.gs_base = addr as u64,
        ARCH_GET_FS => write_val(addr, &uctx.tls())?,
        ARCH_GET_GS => write_val(addr, &(uctx.gs_base as usize))?,
        _ => return Err(Errno::EINVAL),
    }
    Ok(0)
}
