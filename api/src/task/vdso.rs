//! The vDSO: a small shared object (built from api/vdso/ by build.rs) that
//! exec maps into every process and names in AT_SYSINFO_EHDR, as Linux
//! does. glibc binds clock_gettime, gettimeofday, time, getcpu and
//! clock_getres to it, and its loader registers it as `linux-vdso.so.1`.
//! riscv64 has none yet.

use mm::aspace::{AddrSpace, Mapping, Source};
use mm::{PAGE_SIZE, Prot, page_ceil};

use super::loader::MMAP_TOP;
use crate::errno::{Errno, SysResult};

#[cfg(target_arch = "x86_64")]
static IMAGE: Option<&[u8]> = Some(include_bytes!(concat!(env!("OUT_DIR"), "/vdso.so")));
#[cfg(not(target_arch = "x86_64"))]
static IMAGE: Option<&[u8]> = None;

/// Where the vDSO goes: at the bottom of the gap between the mmap area and
/// the largest stack, away from both.
const BASE: usize = MMAP_TOP;
const _: () = assert!(BASE.is_multiple_of(PAGE_SIZE));

/// Maps the vDSO (read-only, executable) into a new program's address
/// space; returns its address for AT_SYSINFO_EHDR, None without a vDSO.
pub fn map(aspace: &mut AddrSpace) -> SysResult<Option<usize>> {
    let Some(image) = IMAGE else {
        return Ok(None);
    };
    let size = page_ceil(image.len());
    let anon = Mapping {
        source: Source::Anonymous,
        shared: false,
    };
    aspace
        .map(BASE, size, Prot::READ | Prot::WRITE, anon)
        .and_then(|_| aspace.write_bytes(BASE, image))
        .and_then(|_| aspace.protect(BASE, size, Prot::READ | Prot::EXEC))
        .map_err(|_| Errno::ENOMEM)?;
    Ok(Some(BASE))
}
