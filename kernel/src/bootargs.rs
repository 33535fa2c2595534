//! The kernel command line (QEMU's `-append`), as the boot loader left it.

use alloc::string::{String, ToString};

/// Reads the command line. Called first in `main`: on riscv64 the device
/// tree lies in RAM the allocator does not know is taken.
pub fn read() -> String {
    let line = raw();
    // Linux keeps the line as it came; only surrounding blanks go.
    line.trim().to_string()
}

/// x86_64: the multiboot command line, without the image path the loader
/// puts first.
#[cfg(target_arch = "x86_64")]
fn raw() -> String {
    let line = String::from_utf8_lossy(axplat_x86_q35::cmdline());
    cmdline::multiboot_args(&line).to_string()
}

/// riscv64: `/chosen/bootargs` of the device tree OpenSBI passes on.
#[cfg(target_arch = "riscv64")]
fn raw() -> String {
    axhal::dtb::get_chosen_bootargs()
        .unwrap_or_default()
        .to_string()
}
