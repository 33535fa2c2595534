//! The vDSO: a small shared object (built from api/vdso/ by build.rs) that
//! exec maps into every process and names in AT_SYSINFO_EHDR, as Linux
//! does. glibc binds clock_gettime, gettimeofday, time, getcpu and
//! clock_getres to it, and its loader registers it as `linux-vdso.so.1`.
//! The page below it, `[vvar]`, holds the clock's parameters, from which
//! the vDSO reads the time without a syscall. riscv64 has none yet.

use mm::aspace::{AddrSpace, Mapping, Source};
use mm::{PAGE_SIZE, Prot, page_ceil};

use super::loader::MMAP_TOP;
use crate::errno::{Errno, SysResult};

#[cfg(target_arch = "x86_64")]
static IMAGE: Option<&[u8]> = Some(include_bytes!(concat!(env!("OUT_DIR"), "/vdso.so")));
#[cfg(not(target_arch = "x86_64"))]
static IMAGE: Option<&[u8]> = None;

/// Where the [vvar] page goes, the vDSO right above it: at the bottom of
/// the gap between the mmap area and the largest stack, away from both.
const VVAR: usize = MMAP_TOP;
const BASE: usize = VVAR + PAGE_SIZE;
const _: () = assert!(VVAR.is_multiple_of(PAGE_SIZE));

/// The [vvar] page's contents: `struct vvar_clock` of api/vdso/x86_64.c.
#[repr(C)]
#[derive(Default)]
struct VvarClock {
    /// 0 when the vDSO must make syscalls (the clock is not the TSC).
    tsc_ok: u64,
    tsc_at_boot: u64,
    /// Nanoseconds = (ticks * mult) >> 32.
    mult: u64,
    epoch_offset_ns: u64,
}

impl VvarClock {
    #[cfg(target_arch = "x86_64")]
    fn current() -> Self {
        let Some(clock) = axplat_x86_q35::tsc_clock() else {
            return Self::default();
        };
        const _: () = assert!(axplat_x86_q35::freq::TickScale::SHIFT == 32);
        Self {
            tsc_ok: 1,
            tsc_at_boot: clock.tsc_at_boot,
            mult: clock.scale.mult,
            epoch_offset_ns: clock.epoch_offset_nanos,
        }
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn current() -> Self {
        Self::default()
    }

    fn to_bytes(&self) -> [u8; 32] {
        let words = [
            self.tsc_ok,
            self.tsc_at_boot,
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

/// Maps the [vvar] page and the vDSO (read-only, executable) into a new
/// program's address space; returns the vDSO's address for
/// AT_SYSINFO_EHDR, None without a vDSO. The clock's parameters do not
/// change after boot (nothing sets the clock), so each process gets a copy.
pub fn map(aspace: &mut AddrSpace) -> SysResult<Option<usize>> {
    let Some(image) = IMAGE else {
        return Ok(None);
    };
    map_copy(
        aspace,
        VVAR,
        &VvarClock::current().to_bytes(),
        Prot::empty(),
    )?;
    map_copy(aspace, BASE, image, Prot::EXEC)?;
    Ok(Some(BASE))
}
