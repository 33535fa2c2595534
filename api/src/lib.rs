//! The Linux personality of the kernel.
#![no_std]

/// Starts the first user process and waits for it.
pub fn run_init() {
    log::info!("api: run_init");
}
