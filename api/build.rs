//! Links the vDSO (vdso/) for the target's architecture into OUT_DIR/vdso.so, which
//! src/task/vdso.rs embeds. x86_64 only for now: riscv64 programs run without one.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=vdso");
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("x86_64") {
        return;
    }
    let src = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("vdso");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("vdso.so");
    // The cross compiler when there is one (a non-x86_64 host), else the host's.
    let cc = ["x86_64-linux-gnu-gcc", "gcc"]
        .into_iter()
        .find(|cc| Command::new(cc).arg("--version").output().is_ok())
        .expect("the x86_64 vDSO needs gcc (scripts/setup.sh installs it)");
    // Freestanding: the code must not call into libc or libgcc, use a stack
    // protector canary (no TLS is set up for it) or need a GOT.
    let status = Command::new(cc)
        .args(["-O2", "-nostdlib", "-shared", "-fPIC", "-ffreestanding"])
        .args(["-fno-stack-protector", "-fcf-protection=none", "-fno-plt"])
        .arg(format!("-Wl,-T,{}", src.join("vdso.lds").display()))
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
        .arg(src.join("x86_64.c"))
        .status()
        .expect("running gcc for the vDSO");
    assert!(status.success(), "linking the vDSO failed");
}
