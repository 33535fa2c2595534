//! The vDSO: a small shared object (built from api/vdso/ by build.rs) that
//! exec maps into every process and names in AT_SYSINFO_EHDR, as Linux
//! does. glibc binds clock_gettime, gettimeofday, time, getcpu and
//! clock_getres to it, and its loader registers it as `linux-vdso.so.1`.
//! The page below it, `[vvar]`, holds the clock's parameters, from which
//! the vDSO reads the time without a syscall. riscv64's vDSO has Linux's
//! riscv64 entry points (LINUX_4.15) and reads the `time` CSR.

use mm::aspace::{AddrSpace, Mapping, Source};
use mm::{PAGE_SIZE, Prot, page_ceil};

use super::loader::MMAP_TOP;
use crate::errno::{Errno, SysResult};

static IMAGE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vdso.so"));

/// Where the [vvar] page goes, the vDSO right above it: at the bottom of
/// the gap between the mmap area and the largest stack, away from both.
const VVAR: usize = MMAP_TOP;
const BASE: usize = VVAR + PAGE_SIZE;
const _: () = assert!(VVAR.is_multiple_of(PAGE_SIZE));

/// The [vvar] page's contents: `struct vvar_clock` of api/vdso/common.h.
#[repr(C)]
#[derive(Default)]
struct VvarClock {
    /// 0 when the vDSO must make syscalls (user space cannot read the
    /// kernel's clock).
    counter_ok: u64,
    counter_at_boot: u64,
    /// Nanoseconds = (ticks * mult) >> 32.
    mult: u64,
    epoch_offset_ns: u64,
}

impl VvarClock {
    /// x86_64: the TSC, with our platform's scale.
    #[cfg(target_arch = "x86_64")]
    fn current() -> Self {
        let Some(clock) = axplat_x86_q35::tsc_clock() else {
            return Self::default();
        };
        const _: () = assert!(axplat_x86_q35::freq::TickScale::SHIFT == 32);
        Self {
            counter_ok: 1,
            counter_at_boot: clock.tsc_at_boot,
            mult: clock.scale.mult,
            epoch_offset_ns: clock.epoch_offset_nanos,
        }
    }

    /// riscv64: the `time` CSR, which the platform counts from 0 at a
    /// whole number of nanoseconds a tick (QEMU virt: 100). Both are
    /// checked; if either does not hold, the vDSO makes syscalls.
    #[cfg(target_arch = "riscv64")]
    fn current() -> Self {
        use axhal::time::{current_ticks, epochoffset_nanos, ticks_to_nanos};
        let per_tick = ticks_to_nanos(1);
        let whole = per_tick > 0 && ticks_to_nanos(1 << 32) == per_tick << 32;
        let before = riscv::register::time::read() as u64;
        let ticks = current_ticks();
        let after = riscv::register::time::read() as u64;
        if !whole || !(before..=after).contains(&ticks) {
            return Self::default();
        }
        Self {
            counter_ok: 1,
            counter_at_boot: 0,
            mult: per_tick << 32,
            epoch_offset_ns: epochoffset_nanos(),
        }
    }

    fn to_bytes(&self) -> [u8; 32] {
        let words = [
            self.counter_ok,
            self.counter_at_boot,
            self.mult,
            self.epoch_offset_ns,
        ];
        let mut out = [0u8; 32];
        for (chunk, w) in out.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&w.to_ne_bytes());
        }
        out
    }
}

/// Maps `bytes` read-only (plus `prot`) at `addr` as private memory.
fn map_copy(aspace: &mut AddrSpace, addr: usize, bytes: &[u8], prot: Prot) -> SysResult<()> {
    let size = page_ceil(bytes.len());
    let anon = Mapping {
        source: Source::Anonymous,
        shared: false,
    };
    aspace
        .map(addr, size, Prot::READ | Prot::WRITE, anon)
        .and_then(|_| aspace.write_bytes(addr, bytes))
        .and_then(|_| aspace.protect(addr, size, Prot::READ | prot))
        .map_err(|_| Errno::ENOMEM)
}

/// Whether programs get a vDSO: yes unless the kernel is built with
/// VDSO=0 (as Linux's `vdso=0`; strace-diff's riscv64 reference has none).
fn enabled() -> bool {
    !matches!(option_env!("KERNEL_VDSO"), Some("0"))
}

/// Maps the [vvar] page and the vDSO (read-only, executable) into a new
/// program's address space; returns the vDSO's address for
/// AT_SYSINFO_EHDR, None when vDSOs are off. The clock's parameters do not
/// change after boot (nothing sets the clock), so each process gets a copy.
pub fn map(aspace: &mut AddrSpace) -> SysResult<Option<usize>> {
    if !enabled() {
        return Ok(None);
    }
    let vvar = VvarClock::current().to_bytes();
    map_copy(aspace, VVAR, &vvar, Prot::empty())?;
    map_copy(aspace, BASE, IMAGE, Prot::EXEC)?;
    Ok(Some(BASE))
}
