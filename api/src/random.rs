//! The kernel's random generator, below the files and tasks that use it.

use alloc::sync::Arc;

use pseudofs::{DeviceOps, RandomDev};
use spin::Once;

/// The one random generator behind `/dev/[u]random`, getrandom(2) and
/// AT_RANDOM, seeded at first use from the boot clock.
pub fn source() -> &'static Arc<RandomDev> {
    static RANDOM: Once<Arc<RandomDev>> = Once::new();
    RANDOM.call_once(|| {
        let seed =
            axhal::time::monotonic_time_nanos() ^ axhal::time::wall_time_nanos().rotate_left(32);
        Arc::new(RandomDev::new(seed))
    })
}

/// Fills `buf` with bytes from the kernel's random generator.
pub fn fill(buf: &mut [u8]) {
    let _ = source().read_at(buf, 0);
}
