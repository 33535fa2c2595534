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

/// Sends `data` unchanged. The stock platform has no raw write, and the
/// SBI console would add '\r's too: the '\n's go straight to the UART.
#[cfg(target_arch = "riscv64")]
pub fn write_raw(data: &[u8]) {
    for chunk in data.split_inclusive(|&c| c == b'\n') {
        match chunk.split_last() {
            Some((b'\n', head)) => {
                axhal::console::write_bytes(head);
                uart_send_raw(b'\n');
            }
            _ => axhal::console::write_bytes(chunk),
        }
    }
}

/// Writes one byte to the console UART, waiting until it takes it. The
/// platform's lock is not held: a byte of a kernel message printed by
/// another CPU at the same moment may land next to it, as it may between
/// any two writes.
#[cfg(target_arch = "riscv64")]
fn uart_send_raw(byte: u8) {
    let base = axhal::mem::phys_to_virt(axconfig::devices::UART_PADDR.into()).as_usize();
    // SAFETY: the UART's registers are mapped at `base` in the kernel's
    // linear map (the platform's MMIO ranges), and `new` does not touch
    // them; `send_raw` only polls the line status and writes the
    // transmit register.
    unsafe { uart_16550::MmioSerialPort::new(base) }.send_raw(byte);
}
