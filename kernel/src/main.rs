//! Kernel entry: ArceOS's runtime calls `main` once every CPU is up.
#![no_std]
#![no_main]

#[macro_use]
extern crate axlog;

extern crate axfeat;
extern crate axruntime;
// The x86_64 platform: its boot code and `axplat` interface implementations (axfeat `myplat`).
#[cfg(target_arch = "x86_64")]
extern crate axplat_x86_q35;

#[unsafe(no_mangle)]
fn main() -> ! {
    info!("kernel main entered");
    api::run_init()
}
