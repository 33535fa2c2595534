//! execve's loader: ELF executables (static, dynamic via PT_INTERP, PIE or
//! not) and `#!` scripts, mapped into a fresh address space.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use axfs_ng::{FsContext, OpenOptions};
use elf::{ElfError, ElfInfo, auxv::*};
use mm::aspace::{AddrSpace, Mapping, Source};
use mm::{PAGE_SIZE, Prot, page_ceil, page_floor};

use crate::errno::{Errno, SysResult, VfsResultExt};
use crate::file::FilePages;

pub use crate::arch::STACK_TOP;
use crate::arch::{ELF_MACHINE, ELF_PLATFORM, ET_DYN_BASE};

/// The main stack is an area of RLIMIT_STACK's soft limit below
/// STACK_TOP, so that a program overflowing its limit faults as on Linux;
/// at most this much is reserved (an unlimited stack gets this).
const STACK_RESERVE_MAX: usize = 256 << 20;
/// The least reserved, whatever the limit.
const STACK_RESERVE_MIN: usize = 128 << 10;
/// Top of the area where mmap places mappings, below the largest stack
/// and a gap.
pub const MMAP_TOP: usize = STACK_TOP - STACK_RESERVE_MAX - (8 << 20);

/// The main stack's size for a RLIMIT_STACK soft limit of `limit`.
fn stack_reserve(limit: u64) -> usize {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    page_ceil(limit.clamp(STACK_RESERVE_MIN, STACK_RESERVE_MAX))
}

/// How large the strings, pointers and vectors put on a new stack may be,
/// as Linux's exec: a quarter of the stack limit, at most 3/4 of the 8 MiB
/// default and at least ARG_MAX (32 pages).
fn stack_image_max(limit: u64) -> usize {
    const STK_LIM: usize = 8 << 20;
    const ARG_MAX: usize = 32 * PAGE_SIZE;
    let quarter = usize::try_from(limit / 4).unwrap_or(usize::MAX);
    quarter.clamp(ARG_MAX, STK_LIM / 4 * 3)
}
/// Nested `#!` interpreters allowed, as Linux's BINPRM_MAX_RECURSION.
const MAX_SHEBANG_DEPTH: usize = 4;

fn open_exec(ctx: &FsContext, path: &str) -> SysResult<Arc<FilePages>> {
    let loc = ctx.resolve(path).sys()?;
    let meta = loc.metadata().sys()?;
    if meta.node_type == axfs_ng_vfs::NodeType::Directory {
        return Err(Errno::EACCES);
    }
    if meta.node_type != axfs_ng_vfs::NodeType::RegularFile || meta.mode.bits() & 0o111 == 0 {
        return Err(Errno::EACCES);
    }
    let f = OpenOptions::new()
        .read(true)
        .open_loc(loc)
        .sys()?
        .into_file()
        .sys()?;
    Ok(Arc::new(FilePages(f)))
}

/// Maps the loadable segments of `info` at `bias`; returns the highest end.
fn map_segments(
    aspace: &mut AddrSpace,
    file: &Arc<FilePages>,
    info: &ElfInfo,
    bias: usize,
) -> SysResult<usize> {
    let mut top = 0;
    for seg in &info.segments {
        let mut prot = Prot::empty();
        if seg.readable {
            prot |= Prot::READ;
        }
        if seg.writable {
            prot |= Prot::WRITE;
        }
        if seg.executable {
            prot |= Prot::EXEC;
        }
        let vstart = seg.vaddr + bias;
        let start = page_floor(vstart);
        let file_end = page_ceil(vstart + seg.filesz);
        let end = page_ceil(vstart + seg.memsz);
        let file_off = seg.offset - (vstart - start) as u64;
        if file_end > start {
            let src = Source::File {
                file: file.clone(),
                offset: file_off,
            };
            aspace
                .map(
                    start,
                    file_end - start,
                    prot,
                    Mapping {
                        source: src,
                        shared: false,
                    },
                )
                .map_err(|_| Errno::ENOMEM)?;
        }
        if end > file_end {
            let anon = Mapping {
                source: Source::Anonymous,
                shared: false,
            };
            aspace
                .map(file_end, end - file_end, prot, anon)
                .map_err(|_| Errno::ENOMEM)?;
        }
        // The file page that holds the end of .data also holds the start of
        // .bss: clear it from filesz to the end of the page, as Linux's
        // padzero does. ld.so's early malloc hands out the rest of that page
        // past its .bss as calloc'ed (zero) memory.
        let zero_from = vstart + seg.filesz;
        if seg.memsz > seg.filesz && !zero_from.is_multiple_of(PAGE_SIZE) {
            let len = PAGE_SIZE - zero_from % PAGE_SIZE;
            let zeros = alloc::vec![0u8; len];
            // Read-only segments are written through the kernel mapping.
            aspace
                .protect(start, file_end - start, prot | Prot::WRITE)
                .map_err(|_| Errno::ENOMEM)?;
            aspace
                .write_bytes(zero_from, &zeros)
                .map_err(|_| Errno::EFAULT)?;
            aspace
                .protect(start, file_end - start, prot)
                .map_err(|_| Errno::ENOMEM)?;
        }
        top = top.max(end);
    }
    Ok(top)
}

/// Everything execve needs to start the new program.
pub struct ExecImage {
    pub entry: usize,
    pub sp: usize,
    pub brk_start: usize,
    pub exe_path: String,
    pub strings: super::ExecStrings,
    pub auxv: Vec<(usize, usize)>,
}

/// Random bytes for AT_RANDOM: not cryptographic, but different per exec.
fn random16() -> [u8; 16] {
    let mut out = [0u8; 16];
    crate::random::fill(&mut out);
    out
}

/// Loads `path` into `aspace` (which must be empty) and builds its stack,
/// sized by `stack_limit` (RLIMIT_STACK's soft limit).
pub fn load_program(
    aspace: &mut AddrSpace,
    ctx: &FsContext,
    path: &str,
    mut argv: Vec<Vec<u8>>,
    envp: &[Vec<u8>],
    stack_limit: u64,
) -> SysResult<ExecImage> {
    let mut path = String::from(path);
    let mut depth = 0;
    let (file, info) = loop {
        let file = open_exec(ctx, &path)?;
        let mut head = [0u8; 256];
        let n = file.read_full(0, &mut head);
        if n >= 2 && &head[..2] == b"#!" {
            if depth == MAX_SHEBANG_DEPTH {
                return Err(Errno::ELOOP);
            }
            depth += 1;
            let line_end = head[..n].iter().position(|&c| c == b'\n').unwrap_or(n);
            let line = core::str::from_utf8(&head[2..line_end]).map_err(|_| Errno::ENOEXEC)?;
            let line = line.trim_matches([' ', '\t']);
            let (interp, arg) = match line.find([' ', '\t']) {
                Some(i) => (&line[..i], Some(line[i..].trim_matches([' ', '\t']))),
                None => (line, None),
            };
            if interp.is_empty() {
                return Err(Errno::ENOEXEC);
            }
            let mut new_argv = alloc::vec![interp.as_bytes().to_vec()];
            if let Some(a) = arg.filter(|a| !a.is_empty()) {
                new_argv.push(a.as_bytes().to_vec());
            }
            new_argv.push(path.as_bytes().to_vec());
            new_argv.extend(argv.into_iter().skip(1));
            argv = new_argv;
            path = String::from(interp);
            continue;
        }
        let info =
            elf::parse(ELF_MACHINE, |off, buf| file.read_full(off, buf)).map_err(|e| match e {
                ElfError::NotElf | ElfError::Unsupported => Errno::ENOEXEC,
            })?;
        break (file, info);
    };

    let bias = if info.relocatable {
        ET_DYN_BASE - page_floor(info.span().0)
    } else {
        0
    };
    let image_end = map_segments(aspace, &file, &info, bias)?;

    let mut entry = info.entry + bias;
    let mut interp_base = 0;
    if let Some(interp_path) = &info.interp {
        let ifile = open_exec(ctx, interp_path).map_err(|e| {
            if e == Errno::EACCES {
                Errno::ELIBBAD
            } else {
                e
            }
        })?;
        let iinfo = elf::parse(ELF_MACHINE, |off, buf| ifile.read_full(off, buf))
            .map_err(|_| Errno::ELIBBAD)?;
        let (lo, hi) = iinfo.span();
        let size = page_ceil(hi) - page_floor(lo);
        let base = aspace
            .find_free(size, PAGE_SIZE, MMAP_TOP)
            .ok_or(Errno::ENOMEM)?;
        let ibias = base - page_floor(lo);
        map_segments(aspace, &ifile, &iinfo, ibias)?;
        interp_base = ibias;
        entry = iinfo.entry + ibias;
    }

    let stack_size = stack_reserve(stack_limit);
    let anon = Mapping {
        source: Source::Anonymous,
        shared: false,
    };
    aspace
        .map(
            STACK_TOP - stack_size,
            stack_size,
            Prot::READ | Prot::WRITE,
            anon,
        )
        .map_err(|_| Errno::ENOMEM)?;
    crate::signal::setup_exec(aspace)?;
    let vdso = super::vdso::map(aspace)?;

    // Linux's order: the vDSO first, then the CPU's capabilities.
    let mut auxv_in: Vec<(usize, usize)> = vdso
        .map(|base| (AT_SYSINFO_EHDR, base))
        .into_iter()
        .collect();
    auxv_in.extend(crate::arch::hwcap_auxv());
    auxv_in.extend([
        (AT_PAGESZ, PAGE_SIZE),
        (AT_CLKTCK, 100),
        (AT_PHDR, info.phdr_vaddr.map_or(0, |v| v + bias)),
        (AT_PHENT, info.phentsize),
        (AT_PHNUM, info.phnum),
        (AT_BASE, interp_base),
        (AT_FLAGS, 0),
        (AT_ENTRY, info.entry + bias),
        (AT_UID, 0),
        (AT_EUID, 0),
        (AT_GID, 0),
        (AT_EGID, 0),
        (AT_SECURE, 0),
    ]);
    let argv_refs: Vec<&[u8]> = argv.iter().map(|a| a.as_slice()).collect();
    let envp_refs: Vec<&[u8]> = envp.iter().map(|e| e.as_slice()).collect();
    let img = elf::build_stack(
        STACK_TOP,
        &argv_refs,
        &envp_refs,
        &auxv_in,
        &random16(),
        ELF_PLATFORM,
        path.as_bytes(),
    );
    if img.bytes.len() > stack_image_max(stack_limit).min(stack_size) {
        return Err(Errno::E2BIG);
    }
    aspace
        .write_bytes(img.sp, &img.bytes)
        .map_err(|_| Errno::EFAULT)?;

    let exe_path = ctx
        .resolve(&path)
        .ok()
        .and_then(|l| l.absolute_path().ok())
        .map(|p| String::from(p.as_str()))
        .unwrap_or(path);
    Ok(ExecImage {
        entry,
        sp: img.sp,
        brk_start: page_ceil(image_end),
        exe_path,
        strings: super::ExecStrings {
            args: img.args,
            env: img.env,
        },
        auxv: img.auxv,
    })
}
