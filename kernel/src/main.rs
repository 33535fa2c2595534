//! Kernel entry: ArceOS's runtime calls `main` once every CPU is up. The
//! kernel then brings up its devices, mounts the root filesystem and hands
//! control to the Linux personality, which starts init.
#![no_std]
#![no_main]

#[macro_use]
extern crate axlog;
extern crate alloc;

extern crate axfeat;
extern crate axruntime;
// The x86_64 platform: its boot code and `axplat` interface implementations (axfeat `myplat`).
#[cfg(target_arch = "x86_64")]
extern crate axplat_x86_q35;

mod devices;
mod rootfs;

#[unsafe(no_mangle)]
fn main() -> ! {
    info!("kernel main entered");
    devices::probe();
    rootfs::mount("vda");
    api::run_init()
}

