//! lwext4's view of a `blockdev` device.

use alloc::sync::Arc;

use axfs_ng_vfs::{VfsError, VfsResult};
use blockdev::BlockDevice;
use lwext4_rust::{EXT4_DEV_BSIZE, Ext4Error, Ext4Result, ffi::EIO};

/// lwext4 addresses the disk in `EXT4_DEV_BSIZE` (512-byte) units; the
/// device must use the same block size.
pub struct Ext4Disk(Arc<dyn BlockDevice>);

impl Ext4Disk {
    pub fn new(dev: Arc<dyn BlockDevice>) -> VfsResult<Self> {
        if dev.block_size() != EXT4_DEV_BSIZE {
            warn!(
                "{}: {}-byte blocks, ext4 here needs {EXT4_DEV_BSIZE}",
                dev.name(),
                dev.block_size()
            );
            return Err(VfsError::InvalidInput);
        }
        Ok(Self(dev))
    }
}

fn io_error(dev: &dyn BlockDevice, what: &str, block: u64, e: blockdev::BlockError) -> Ext4Error {
    warn!("{}: {what} at block {block}: {e}", dev.name());
    Ext4Error::new(EIO as _, None)
}

impl lwext4_rust::BlockDevice for Ext4Disk {
    fn read_blocks(&mut self, block_id: u64, buf: &mut [u8]) -> Ext4Result<usize> {
        self.0
            .read_blocks(block_id, buf)
            .map_err(|e| io_error(&*self.0, "read", block_id, e))?;
        Ok(buf.len())
    }

    fn write_blocks(&mut self, block_id: u64, buf: &[u8]) -> Ext4Result<usize> {
        self.0
            .write_blocks(block_id, buf)
            .map_err(|e| io_error(&*self.0, "write", block_id, e))?;
        Ok(buf.len())
    }

    fn num_blocks(&self) -> Ext4Result<u64> {
        Ok(self.0.num_blocks())
    }
}
