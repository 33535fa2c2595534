//! Terminal output onto the serial line.
//!
//! The platform's `write_bytes` is the kernel log's path and, as Linux's
//! serial console, sends every '\n' as "\r\n" (x86_64: our platform crate;
//! riscv64: the stock one). That is exactly what a tty with OPOST|ONLCR
//! puts on the wire, so such output goes through it as it is; a tty with
//! ONLCR off needs its bytes unchanged.

/// Sends `data` with each '\n' preceded by one '\r' (ONLCR).
pub fn write_onlcr(data: &[u8]) {
    axhal::console::write_bytes(data);
}

/// Sends `data` unchanged.
#[cfg(target_arch = "x86_64")]
pub fn write_raw(data: &[u8]) {
    axplat_x86_q35::console_write_raw(data);
}

/// Sends `data` unchanged. The stock platform has no raw write: its
/// '\n's go out through the SBI console (OpenSBI drives the same UART).
#[cfg(target_arch = "riscv64")]
pub fn write_raw(data: &[u8]) {
    for chunk in data.split_inclusive(|&c| c == b'\n') {
        match chunk.split_last() {
            Some((b'\n', head)) => {
                axhal::console::write_bytes(head);
                // The legacy call is deprecated by SBI 2.0's DBCN, which
                // the OpenSBI of QEMU 7.2 does not have yet.
                #[allow(deprecated)]
                sbi_rt::legacy::console_putchar(usize::from(b'\n'));
            }
            _ => axhal::console::write_bytes(chunk),
        }
    }
}
