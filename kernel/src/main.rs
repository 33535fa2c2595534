//! Kernel entry: ArceOS's runtime calls `main` once every CPU is up.
#![no_std]
#![no_main]

#[macro_use]
extern crate axlog;

extern crate axfeat;
extern crate axruntime;

#[unsafe(no_mangle)]
fn main() -> ! {
    info!("kernel main entered");
    api::run_init()
}
