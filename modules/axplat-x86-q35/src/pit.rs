//! The 8254 PIT's channel 2 as a reference clock for measuring the TSC.
//!
//! Channel 2 counts down in mode 0 with its gate held high through port 0x61 (the speaker
//! stays off); OUT2, readable in port 0x61, rises when the count reaches zero. No interrupt is
//! involved.

use x86_64::instructions::port::Port;

use crate::freq::{self, Sample};
use crate::time::rdtsc;

const PORT_CH2: u16 = 0x42;
const PORT_MODE: u16 = 0x43;
/// System control port B.
const PORT_CTRL: u16 = 0x61;

const CTRL_GATE2: u8 = 1 << 0;
const CTRL_SPEAKER: u8 = 1 << 1;
const CTRL_OUT2: u8 = 1 << 5;
/// Channel 2 (bits 7-6), low then high byte (5-4), mode 0: interrupt on terminal count (3-1),
/// binary (0).
const MODE_CH2_ONESHOT: u8 = (2 << 6) | (3 << 4);

/// PIT counts of one measurement: 10 ms.
const COUNTS: u16 = (freq::PIT_HZ / 100) as u16;
/// Upper bound of polls of OUT2 per measurement, in case there is no PIT.
const MAX_POLLS: usize = 10_000_000;
const ATTEMPTS: usize = 5;

/// TSC ticks during one countdown of `COUNTS`, or `None` if OUT2 never rose.
fn measure_once() -> Option<Sample> {
    let mut ctrl = Port::<u8>::new(PORT_CTRL);
    let mut mode = Port::<u8>::new(PORT_MODE);
    let mut ch2 = Port::<u8>::new(PORT_CH2);
    // SAFETY: the PIT's channel 2 and its gate belong to the speaker, which nothing else uses;
    // the speaker output stays disabled.
    unsafe {
        let saved = ctrl.read();
        ctrl.write((saved & !CTRL_SPEAKER) | CTRL_GATE2);
        mode.write(MODE_CH2_ONESHOT);
        ch2.write(COUNTS as u8);
        // The countdown starts when the high byte is written.
        let s0 = rdtsc();
        ch2.write((COUNTS >> 8) as u8);
        let s1 = rdtsc();

        let mut last_low = s1;
        let mut result = None;
        for _ in 0..MAX_POLLS {
            let before = rdtsc();
            if ctrl.read() & CTRL_OUT2 != 0 {
                // OUT2 rose after the previous poll saw it low and before now.
                result = Some(Sample::from_windows(s0, s1, last_low, rdtsc()));
                break;
            }
            last_low = before;
        }
        ctrl.write(saved & !CTRL_SPEAKER);
        result
    }
}

/// The TSC frequency in kHz measured against the PIT, or `None` without a usable PIT.
///
/// The median of several measurements, the precise ones if there are any: under TCG the
/// guest TSC is the host's, and a host thread moving between host CPUs whose TSCs differ
/// slightly now and then spoils a measurement in a way its reading windows do not show.
pub fn tsc_khz() -> Option<u64> {
    let mut precise = [0; ATTEMPTS];
    let mut all = [0; ATTEMPTS];
    let (mut n_precise, mut n_all) = (0, 0);
    for sample in (0..ATTEMPTS).filter_map(|_| measure_once()) {
        let khz = freq::khz_from_pit(sample.ticks, COUNTS as u64);
        all[n_all] = khz;
        n_all += 1;
        if sample.precise(10) {
            precise[n_precise] = khz;
            n_precise += 1;
        }
    }
    let khz = if n_precise > 0 {
        freq::median(&mut precise[..n_precise])
    } else {
        freq::median(&mut all[..n_all])
    }?;
    // A reading far off any real TSC means the PIT is missing (ports read as all ones).
    (100_000..=20_000_000).contains(&khz).then_some(khz)
}
