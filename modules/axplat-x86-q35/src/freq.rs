//! Clock arithmetic (pure, tested on the host).

/// Input clock of the 8254 PIT, in Hz.
pub const PIT_HZ: u64 = 1_193_182;

/// Frequency in kHz of a clock that advanced `ticks` while the PIT counted `pit_counts`.
pub const fn khz_from_pit(ticks: u64, pit_counts: u64) -> u64 {
    (ticks as u128 * PIT_HZ as u128 / (pit_counts as u128 * 1000)) as u64
}

/// Frequency in kHz of a clock that advanced `ticks` in `nanos` nanoseconds.
pub const fn khz_from_nanos(ticks: u64, nanos: u64) -> u64 {
    (ticks as u128 * 1_000_000 / nanos as u128) as u64
}

/// Ticks of a clock to nanoseconds as `(ticks * mult) >> SHIFT`: the one
/// formula the kernel and the vDSO (which reads the clock in user space)
/// both compute, so their readings agree to the nanosecond.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TickScale {
    pub mult: u64,
}

impl TickScale {
    pub const SHIFT: u32 = 32;

    /// The scale of a `khz` clock (at least 1 kHz).
    pub const fn from_khz(khz: u64) -> Self {
        Self {
            mult: ((1_000_000u128 << Self::SHIFT) / khz as u128) as u64,
        }
    }

    pub const fn nanos(&self, ticks: u64) -> u64 {
        ((ticks as u128 * self.mult as u128) >> Self::SHIFT) as u64
    }
}

/// A measurement of a clock against a reference: the ticks counted, and by how many ticks the
/// true value may be off (the reading windows at both ends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    pub ticks: u64,
    pub error: u64,
}

impl Sample {
    /// Ticks between the midpoints of the start window `[s0, s1]` and the end window `[e0, e1]`
    /// (TSC readings around the reference's start and end events).
    pub const fn from_windows(s0: u64, s1: u64, e0: u64, e1: u64) -> Self {
        let start = s0 + (s1 - s0) / 2;
        let end = e0 + (e1 - e0) / 2;
        Self {
            ticks: end - start,
            error: (s1 - s0) / 2 + (e1 - e0) / 2 + 1,
        }
    }

    /// Whether the error is within `1 / 2^shift` of the value.
    pub const fn precise(&self, shift: u32) -> bool {
        self.error <= self.ticks >> shift
    }
}

/// The median of `values` (the upper one of the middle two for an even count), if any.
pub fn median(values: &mut [u64]) -> Option<u64> {
    values.sort_unstable();
    values.get(values.len() / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pit_calibration() {
        // 10 ms of PIT counts on a 2.6 GHz clock.
        let counts = PIT_HZ / 100;
        let ticks = 2_600_000_000 / 100;
        let khz = khz_from_pit(ticks, counts);
        assert!((2_599_000..=2_601_000).contains(&khz), "{khz}");
        // A 5 GHz clock over a long window does not overflow.
        assert_eq!(khz_from_pit(5_000_000_000 * 1000, PIT_HZ * 1000), 5_000_000);
    }

    #[test]
    fn nanos_calibration() {
        assert_eq!(khz_from_nanos(10_000_000, 10_000_000), 1_000_000);
        assert_eq!(khz_from_nanos(1_000_000, 10_000_000), 100_000);
    }

    #[test]
    fn tick_scale() {
        let ghz = TickScale::from_khz(1_000_000);
        assert_eq!(ghz.nanos(123_456_789), 123_456_789);
        // 2.6 GHz: a day of ticks is a day, off by at most a tick's share
        // of the truncated multiplier (ticks / 2^32 ns: 52 us a day, far
        // below what the frequency's measurement leaves).
        let s = TickScale::from_khz(2_600_000);
        let day = 86_400 * 1_000_000_000u64;
        let ticks = 86_400 * 2_600_000_000;
        assert!(s.nanos(ticks).abs_diff(day) <= ticks >> 32);
        // A 1 kHz clock: a tick is a millisecond, and years do not overflow.
        let slow = TickScale::from_khz(1);
        assert_eq!(slow.nanos(1), 1_000_000);
        assert_eq!(slow.nanos(1000 * 86_400 * 365 * 100) / day, 36_500);
    }

    #[test]
    fn windows() {
        let s = Sample::from_windows(100, 110, 10_100, 10_120);
        assert_eq!(s.ticks, 10_005);
        assert_eq!(s.error, 16);
        assert!(s.precise(9));
        assert!(!s.precise(10));
        let wide = Sample::from_windows(0, 1000, 10_000, 10_000);
        assert_eq!(wide.ticks, 9_500);
        assert!(wide.error > s.error);
    }

    #[test]
    fn median_ignores_outliers() {
        assert_eq!(
            median(&mut [2_596_130, 2_605_399, 2_596_140]),
            Some(2_596_140)
        );
        assert_eq!(median(&mut [5, 1, 9, 7]), Some(7));
        assert_eq!(median(&mut []), None);
    }
}
