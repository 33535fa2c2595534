//! Links the vDSO (vdso/) for the target's architecture into OUT_DIR/vdso.so, which
//! src/task/vdso.rs embeds: vdso/<arch>.c (with vdso/common.h), the layout vdso/vdso.lds and the
//! exported symbols vdso/<arch>.map.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=vdso");
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap();
    // The cross compiler first (the host's gcc is one only for its own arch), and the flags of
    // the userland ABI (riscv64: rv64gc, lp64d, code anywhere in the address space).
    let (compilers, arch_flags): (&[&str], &[&str]) = match arch.as_str() {
        "x86_64" => (&["x86_64-linux-gnu-gcc", "gcc"], &[]),
        "riscv64" => (
            &["riscv64-linux-gnu-gcc"],
            &["-march=rv64gc", "-mabi=lp64d", "-mcmodel=medany"],
        ),
        other => panic!("no vDSO for {other}"),
    };
    let src = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("vdso");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("vdso.so");
    let cc = compilers
        .iter()
        .find(|cc| Command::new(cc).arg("--version").output().is_ok())
        .unwrap_or_else(|| {
            panic!("the {arch} vDSO needs one of {compilers:?} (scripts/setup.sh installs it)")
        });
    // Freestanding: the code must not call into libc or libgcc, use a stack protector canary
    // (no TLS is set up for it) or need a GOT.
    let status = Command::new(cc)
        .args(["-O2", "-nostdlib", "-shared", "-fPIC", "-ffreestanding"])
        .args(["-fno-stack-protector", "-fno-plt"])
        .args(arch_flags)
        .args((arch == "x86_64").then_some("-fcf-protection=none"))
        .arg(format!("-Wl,-T,{}", src.join("vdso.lds").display()))
        .arg(format!(
            "-Wl,--version-script={}",
            src.join(format!("{arch}.map")).display()
        ))
        .args([
            "-Wl,--hash-style=both",
            "-Wl,-soname=linux-vdso.so.1",
            "-Wl,--build-id=none",
            "-Wl,--eh-frame-hdr",
            "-Wl,-z,max-page-size=4096",
            "-Wl,-z,noexecstack",
        ])
        .arg("-o")
        .arg(&out)
        .arg(src.join(format!("{arch}.c")))
        .status()
        .expect("running gcc for the vDSO");
    assert!(status.success(), "linking the vDSO failed");
}
