//! Ready-made character devices: `/dev/null`, `/dev/zero`, `/dev/full`,
//! `/dev/random` and `/dev/urandom`.

use core::sync::atomic::{AtomicU64, Ordering};

use axfs_ng_vfs::{NodeFlags, VfsError, VfsResult};

use crate::DeviceOps;

/// Position-less, always ready, never cached: what all of these devices are.
const FLAGS: NodeFlags = NodeFlags::STREAM.union(NodeFlags::NON_CACHEABLE);

/// `/dev/null`: reads hit end of file, writes vanish.
pub struct NullDev;

impl DeviceOps for NullDev {
    fn read_at(&self, _buf: &mut [u8], _offset: u64) -> VfsResult<usize> {
        Ok(0)
    }

    fn write_at(&self, buf: &[u8], _offset: u64) -> VfsResult<usize> {
        Ok(buf.len())
    }

    fn flags(&self) -> NodeFlags {
        FLAGS
    }
}

/// `/dev/zero`: reads give zeros, writes vanish.
pub struct ZeroDev;

impl DeviceOps for ZeroDev {
    fn read_at(&self, buf: &mut [u8], _offset: u64) -> VfsResult<usize> {
        buf.fill(0);
        Ok(buf.len())
    }

    fn write_at(&self, buf: &[u8], _offset: u64) -> VfsResult<usize> {
        Ok(buf.len())
    }

    fn flags(&self) -> NodeFlags {
        FLAGS
    }
}

/// `/dev/full`: reads give zeros, writes fail with `StorageFull` (`ENOSPC`).
pub struct FullDev;

impl DeviceOps for FullDev {
    fn read_at(&self, buf: &mut [u8], _offset: u64) -> VfsResult<usize> {
        buf.fill(0);
        Ok(buf.len())
    }

    fn write_at(&self, _buf: &[u8], _offset: u64) -> VfsResult<usize> {
        Err(VfsError::StorageFull)
    }

    fn flags(&self) -> NodeFlags {
        FLAGS
    }
}

/// `/dev/random` and `/dev/urandom`: a fast pseudo-random stream.
///
/// **Not cryptographically secure.** It is SplitMix64 over a shared counter:
/// good statistical quality and lock-free, but predictable from its output
/// and only as unpredictable as the seed, which the kernel should take from
/// whatever entropy it has at boot (cycle counter, RTC). Writes are accepted
/// and stirred into the state, as Linux accepts them.
pub struct RandomDev {
    state: AtomicU64,
}

const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

impl RandomDev {
    pub fn new(seed: u64) -> Self {
        Self {
            state: AtomicU64::new(seed),
        }
    }

    /// Claims `words` consecutive counter values for one read, so concurrent
    /// readers never get the same bytes.
    fn claim(&self, words: u64) -> u64 {
        self.state
            .fetch_add(GOLDEN_GAMMA.wrapping_mul(words), Ordering::Relaxed)
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl DeviceOps for RandomDev {
    fn read_at(&self, buf: &mut [u8], _offset: u64) -> VfsResult<usize> {
        let words = buf.len().div_ceil(8) as u64;
        let mut counter = self.claim(words);
        for chunk in buf.chunks_mut(8) {
            counter = counter.wrapping_add(GOLDEN_GAMMA);
            let bytes = mix(counter).to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(buf.len())
    }

    fn write_at(&self, buf: &[u8], _offset: u64) -> VfsResult<usize> {
        for chunk in buf.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.state
                .fetch_add(mix(u64::from_le_bytes(word)), Ordering::Relaxed);
        }
        Ok(buf.len())
    }

    fn flags(&self) -> NodeFlags {
        FLAGS
    }
}
