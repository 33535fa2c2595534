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

mod bootargs;
mod devices;
mod rootfs;

#[unsafe(no_mangle)]
fn main() -> ! {
    info!("kernel main entered");
    let cmdline = bootargs::read();
    info!("command line: {cmdline:?}");
    devices::probe();
    rootfs::mount(&root_device(&cmdline));
    api::run_init(&cmdline)
}

/// The root disk: `root=/dev/vdX` (or `root=vdX`) if given, else `vda`.
fn root_device(cmdline: &str) -> alloc::string::String {
    let root = cmdline::words(cmdline)
        .take_while(|w| !w.is_dashes())
        .filter(|w| w.key == "root")
        .filter_map(|w| w.value)
        .last()
        .unwrap_or("vda");
    root.strip_prefix("/dev/").unwrap_or(root).into()
}
