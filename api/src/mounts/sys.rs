//! sysfs: the CPU topology files that libc's CPU counting reads.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use axfs_ng_vfs::Filesystem;
use pseudofs::{Gen, magic};

/// The CPUs as a Linux cpu list (`0` or `0-1`).
pub fn cpu_list() -> String {
    match axhal::cpu_num() {
        1 => String::from("0"),
        n => format!("0-{}", n - 1),
    }
}

pub fn sysfs() -> Filesystem {
    let list = || Gen::file(|| format!("{}\n", cpu_list()).into_bytes());
    let mut cpu: Vec<(String, Gen)> = ["online", "possible", "present"]
        .iter()
        .map(|name| ((*name).into(), list()))
        .collect();
    for n in 0..axhal::cpu_num() {
        let online = Gen::file(|| b"1\n".to_vec());
        cpu.push((format!("cpu{n}"), Gen::static_dir([("online", online)])));
    }
    let root = Gen::static_dir([
        (
            "devices",
            Gen::static_dir([("system", Gen::static_dir([("cpu", Gen::static_dir(cpu))]))]),
        ),
        ("kernel", Gen::static_dir::<&str>([])),
        ("fs", Gen::static_dir::<&str>([])),
        // The console's line, which busybox's cttyhack opens to give a
        // shell a controlling terminal.
        (
            "class",
            Gen::static_dir([(
                "tty",
                Gen::static_dir([(
                    "console",
                    Gen::static_dir([("active", Gen::file(|| b"ttyS0\n".to_vec()))]),
                )]),
            )]),
        ),
        ("bus", Gen::static_dir::<&str>([])),
        ("block", Gen::static_dir::<&str>([])),
    ]);
    pseudofs::generated_fs_with_magic("sysfs", magic::SYSFS_MAGIC, root)
}

/// /proc/cpuinfo in the shape of the architecture's Linux output.
pub fn cpuinfo() -> String {
    let mut out = String::new();
    for n in 0..axhal::cpu_num() {
        arch_cpuinfo(&mut out, n);
        out.push('\n');
    }
    out
}

#[cfg(target_arch = "x86_64")]
fn arch_cpuinfo(out: &mut String, n: usize) {
    use core::arch::x86_64::__cpuid;
    let leaf = __cpuid;
    let regs_bytes = |regs: [u32; 4]| {
        regs.iter()
            .flat_map(|r| r.to_le_bytes())
            .collect::<Vec<u8>>()
    };
    let v = leaf(0);
    let vendor = regs_bytes([v.ebx, v.edx, v.ecx, 0]);
    let vendor = String::from_utf8_lossy(&vendor[..12]).into_owned();
    let mut brand = Vec::new();
    if leaf(0x8000_0000).eax >= 0x8000_0004 {
        for l in 0x8000_0002..=0x8000_0004 {
            let r = leaf(l);
            brand.extend(regs_bytes([r.eax, r.ebx, r.ecx, r.edx]));
        }
    }
    let brand: String = String::from_utf8_lossy(&brand)
        .trim_end_matches('\0')
        .trim()
        .into();
    let sig = leaf(1).eax;
    let family = ((sig >> 8) & 0xf)
        + if (sig >> 8) & 0xf == 0xf {
            (sig >> 20) & 0xff
        } else {
            0
        };
    let model = ((sig >> 4) & 0xf)
        | if matches!((sig >> 8) & 0xf, 6 | 0xf) {
            ((sig >> 16) & 0xf) << 4
        } else {
            0
        };
    let cpus = axhal::cpu_num();
    let _ = write!(
        out,
        "processor\t: {n}\nvendor_id\t: {vendor}\ncpu family\t: {family}\nmodel\t\t: {model}\n\
         model name\t: {brand}\nstepping\t: {}\nphysical id\t: 0\nsiblings\t: {cpus}\ncore id\t\t: {n}\n\
         cpu cores\t: {cpus}\napicid\t\t: {n}\nfpu\t\t: yes\nwp\t\t: yes\nflags\t\t: fpu sse sse2\n",
        sig & 0xf,
    );
}

#[cfg(target_arch = "riscv64")]
fn arch_cpuinfo(out: &mut String, n: usize) {
    let _ = write!(
        out,
        "processor\t: {n}\nhart\t\t: {n}\nisa\t\t: rv64imafdc\nmmu\t\t: sv39\n"
    );
}
