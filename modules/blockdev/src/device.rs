//! The block device interface.

use core::fmt;

/// Why a block operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockError {
    /// The buffer is not a whole number of blocks, or is empty.
    BadBuffer,
    /// The range ends past the last block.
    OutOfRange,
    /// The device reported an error.
    Io,
}

impl fmt::Display for BlockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BadBuffer => "buffer is not a whole number of blocks",
            Self::OutOfRange => "block range past the end of the device",
            Self::Io => "I/O error",
        })
    }
}

pub type BlockResult<T = ()> = Result<T, BlockError>;

/// A disk: a numbered array of fixed-size blocks.
///
/// Methods take `&self` so a device can be shared (`Arc<dyn BlockDevice>`)
/// by a filesystem and whoever else holds it; an implementation serialises
/// access to its hardware itself.
pub trait BlockDevice: Send + Sync {
    /// The kernel's name for the device (`vda`).
    fn name(&self) -> &str;

    /// Size of one block in bytes.
    fn block_size(&self) -> usize;

    /// Number of blocks on the device.
    fn num_blocks(&self) -> u64;

    /// Reads `buf.len() / block_size()` blocks starting at block `start`.
    fn read_blocks(&self, start: u64, buf: &mut [u8]) -> BlockResult;

    /// Writes `buf.len() / block_size()` blocks starting at block `start`.
    fn write_blocks(&self, start: u64, buf: &[u8]) -> BlockResult;

    /// Makes the writes done so far durable.
    fn flush(&self) -> BlockResult;

    /// Checks that `len` bytes at block `start` are whole blocks inside the
    /// device, so an implementation never hands its driver a bad request.
    fn check_range(&self, start: u64, len: usize) -> BlockResult {
        let bs = self.block_size();
        if bs == 0 || len == 0 || !len.is_multiple_of(bs) {
            return Err(BlockError::BadBuffer);
        }
        let count = (len / bs) as u64;
        match start.checked_add(count) {
            Some(end) if end <= self.num_blocks() => Ok(()),
            _ => Err(BlockError::OutOfRange),
        }
    }
}
