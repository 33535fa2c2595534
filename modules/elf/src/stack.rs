//! The initial process stack of the System V ABI:
//! `argc, argv[], NULL, envp[], NULL, auxv[], AT_NULL` at the stack pointer,
//! with the strings and the AT_RANDOM bytes above it.

use alloc::vec::Vec;

/// Auxiliary vector keys (System V ABI / Linux `<elf.h>`).
pub mod auxv {
    pub const AT_NULL: usize = 0;
    pub const AT_PHDR: usize = 3;
    pub const AT_PHENT: usize = 4;
    pub const AT_PHNUM: usize = 5;
    pub const AT_PAGESZ: usize = 6;
    pub const AT_BASE: usize = 7;
    pub const AT_FLAGS: usize = 8;
    pub const AT_ENTRY: usize = 9;
    pub const AT_UID: usize = 11;
    pub const AT_EUID: usize = 12;
    pub const AT_GID: usize = 13;
    pub const AT_EGID: usize = 14;
    pub const AT_PLATFORM: usize = 15;
    pub const AT_HWCAP: usize = 16;
    pub const AT_CLKTCK: usize = 17;
    pub const AT_SECURE: usize = 23;
    pub const AT_RANDOM: usize = 25;
    pub const AT_HWCAP2: usize = 26;
    pub const AT_EXECFN: usize = 31;
    pub const AT_SYSINFO_EHDR: usize = 33;
    pub const AT_MINSIGSTKSZ: usize = 51;
}

/// Zero bytes above the strings (Linux's `bprm->p = vm_end - sizeof(void *)`).
const TOP_GUARD: usize = core::mem::size_of::<usize>();

/// Stack contents to copy so that they end at the stack top.
pub struct StackImage {
    /// Bytes to place at `[sp, top)`.
    pub bytes: Vec<u8>,
    /// The initial stack pointer (points at argc), 16-byte aligned.
    pub sp: usize,
    /// Where the auxiliary vector ended up (for /proc/<pid>/auxv).
    pub auxv: Vec<(usize, usize)>,
    /// `[start, end)` of the argument strings and of the environment strings
    /// (Linux's mm arg_start/arg_end, env_start/env_end: /proc/<pid>/cmdline
    /// and environ read the process's memory there).
    pub args: (usize, usize),
    pub env: (usize, usize),
}

/// Lays out the stack below `top`. `auxv` must not contain AT_RANDOM,
/// AT_PLATFORM, AT_EXECFN or AT_NULL: those are added here because they point
/// into the image. AT_PLATFORM is left out when `platform` is None (Linux
/// has no platform string on some architectures, riscv64 among them).
pub fn build_stack(
    top: usize,
    argv: &[&[u8]],
    envp: &[&[u8]],
    auxv_in: &[(usize, usize)],
    random: &[u8; 16],
    platform: Option<&[u8]>,
    execfn: &[u8],
) -> StackImage {
    // Strings, written downwards from the top; remember each address. Linux
    // keeps the top word zero, above the file name: code scanning past the
    // last string (ld.so with GLIBC_TUNABLES set does) must not fall off the
    // stack.
    let mut data: Vec<u8> = alloc::vec![0; TOP_GUARD]; // built in reverse, flipped at the end
    let mut cursor = top - TOP_GUARD;
    let mut push_bytes = |bytes: &[u8], nul: bool, data: &mut Vec<u8>| -> usize {
        let len = bytes.len() + nul as usize;
        cursor -= len;
        if nul {
            data.push(0);
        }
        data.extend(bytes.iter().rev());
        cursor
    };
    let execfn_addr = push_bytes(execfn, true, &mut data);
    let env_addrs: Vec<usize> = envp
        .iter()
        .rev()
        .map(|s| push_bytes(s, true, &mut data))
        .collect();
    let env = (
        env_addrs.last().copied().unwrap_or(execfn_addr),
        execfn_addr,
    );
    let arg_addrs: Vec<usize> = argv
        .iter()
        .rev()
        .map(|s| push_bytes(s, true, &mut data))
        .collect();
    let args = (arg_addrs.last().copied().unwrap_or(env.0), env.0);
    let platform_addr = platform.map(|p| push_bytes(p, true, &mut data));
    let random_addr = push_bytes(random, false, &mut data);
    data.reverse();
    let strings_start = cursor;

    let mut auxv: Vec<(usize, usize)> = auxv_in.to_vec();
    auxv.push((auxv::AT_RANDOM, random_addr));
    if let Some(addr) = platform_addr {
        auxv.push((auxv::AT_PLATFORM, addr));
    }
    auxv.push((auxv::AT_EXECFN, execfn_addr));
    auxv.push((auxv::AT_NULL, 0));

    let words = 1 + argv.len() + 1 + envp.len() + 1 + auxv.len() * 2;
    let sp = (strings_start - words * 8) & !15;
    let mut table: Vec<usize> = Vec::with_capacity(words);
    table.push(argv.len());
    table.extend(arg_addrs.iter().rev());
    table.push(0);
    table.extend(env_addrs.iter().rev());
    table.push(0);
    for &(k, v) in &auxv {
        table.push(k);
        table.push(v);
    }

    let mut bytes = alloc::vec![0u8; top - sp];
    for (i, w) in table.iter().enumerate() {
        bytes[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
    }
    let off = strings_start - sp;
    bytes[off..].copy_from_slice(&data);
    StackImage {
        bytes,
        sp,
        auxv,
        args,
        env,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(img: &StackImage, addr: usize) -> usize {
        let o = addr - img.sp;
        usize::from_le_bytes(img.bytes[o..o + 8].try_into().unwrap())
    }

    fn cstr(img: &StackImage, addr: usize) -> Vec<u8> {
        let o = addr - img.sp;
        img.bytes[o..]
            .iter()
            .take_while(|&&c| c != 0)
            .copied()
            .collect()
    }

    #[test]
    fn layout_matches_sysv() {
        let top = 0x7fff_0000;
        let img = build_stack(
            top,
            &[b"/bin/sh", b"-c", b"echo hi"],
            &[b"PATH=/bin"],
            &[(auxv::AT_PAGESZ, 4096)],
            &[7; 16],
            Some(b"x86_64"),
            b"/bin/sh",
        );
        assert_eq!(img.sp % 16, 0);
        assert_eq!(img.sp + img.bytes.len(), top);
        assert_eq!(word(&img, img.sp), 3);
        assert_eq!(cstr(&img, word(&img, img.sp + 8)), b"/bin/sh");
        assert_eq!(cstr(&img, word(&img, img.sp + 24)), b"echo hi");
        assert_eq!(word(&img, img.sp + 32), 0);
        assert_eq!(cstr(&img, word(&img, img.sp + 40)), b"PATH=/bin");
        assert_eq!(word(&img, img.sp + 48), 0);
        // auxv follows: AT_PAGESZ first, then the three added keys, AT_NULL last.
        assert_eq!(word(&img, img.sp + 56), auxv::AT_PAGESZ);
        assert_eq!(word(&img, img.sp + 64), 4096);
        let random = img.auxv.iter().find(|a| a.0 == auxv::AT_RANDOM).unwrap().1;
        assert_eq!(&img.bytes[random - img.sp..random - img.sp + 16], &[7; 16]);
        assert_eq!(img.auxv.last(), Some(&(auxv::AT_NULL, 0)));
        let platform = img
            .auxv
            .iter()
            .find(|a| a.0 == auxv::AT_PLATFORM)
            .unwrap()
            .1;
        assert_eq!(cstr(&img, platform), b"x86_64");
        let range = |(s, e): (usize, usize)| img.bytes[s - img.sp..e - img.sp].to_vec();
        assert_eq!(range(img.args), b"/bin/sh\0-c\0echo hi\0");
        assert_eq!(range(img.env), b"PATH=/bin\0");
        let execfn = img.auxv.iter().find(|a| a.0 == auxv::AT_EXECFN).unwrap().1;
        assert_eq!(range((execfn, top)), b"/bin/sh\0\0\0\0\0\0\0\0\0");
    }

    #[test]
    fn empty_env_range() {
        let img = build_stack(0x7fff_0000, &[b"a"], &[], &[], &[1; 16], None, b"a");
        assert_eq!(img.env.0, img.env.1);
        assert_eq!(img.args.1 - img.args.0, 2);
    }

    #[test]
    fn no_platform() {
        let top = 0x7fff_0000;
        let img = build_stack(top, &[b"a"], &[], &[], &[1; 16], None, b"a");
        assert!(img.auxv.iter().all(|a| a.0 != auxv::AT_PLATFORM));
        assert_eq!(img.sp % 16, 0);
        assert_eq!(img.sp + img.bytes.len(), top);
    }
}
