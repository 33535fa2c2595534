//! The console: COM1, a 16550 UART at I/O port 0x3f8, polled.

use axplat::console::ConsoleIf;
use kspin::SpinNoIrq;
use uart_16550::SerialPort;

// SAFETY: 0x3f8 is COM1's I/O base on q35; nothing else drives it.
static COM1: SpinNoIrq<SerialPort> = SpinNoIrq::new(unsafe { SerialPort::new(0x3f8) });

pub fn init() {
    COM1.lock().init();
}

/// Sends `bytes` unchanged (a terminal with ONLCR off).
pub fn write_raw(bytes: &[u8]) {
    let mut com1 = COM1.lock();
    for &b in bytes {
        com1.send_raw(b);
    }
}

struct ConsoleIfImpl;

#[impl_plat_interface]
impl ConsoleIf for ConsoleIfImpl {
    /// As Linux's serial console: "\r\n" for each '\n', every other byte as it is (the
    /// `uart_16550` crate's `send` would also turn DEL and backspace into "\b \b").
    fn write_bytes(bytes: &[u8]) {
        let mut com1 = COM1.lock();
        for &b in bytes {
            if b == b'\n' {
                com1.send_raw(b'\r');
            }
            com1.send_raw(b);
        }
    }

    fn read_bytes(bytes: &mut [u8]) -> usize {
        let mut com1 = COM1.lock();
        let mut n = 0;
        while n < bytes.len() {
            match com1.try_receive() {
                Ok(b) => bytes[n] = b,
                Err(_) => break,
            }
            n += 1;
        }
        n
    }

    /// Input is polled: no IRQ.
    #[cfg(feature = "irq")]
    fn irq_num() -> Option<usize> {
        None
    }
}
