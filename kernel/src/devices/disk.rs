//! A block device that passes every request straight to its axdriver
//! driver. The block layer's queue will take this place later.

use alloc::string::String;

use axdriver::{AxBlockDevice, prelude::BlockDriverOps};
use blockdev::{BlockDevice, BlockError, BlockResult};
use kspin::SpinNoPreempt;

pub struct DriverDisk {
    name: String,
    block_size: usize,
    num_blocks: u64,
    // The driver takes `&mut self` and polls for completion: one request
    // at a time.
    driver: SpinNoPreempt<AxBlockDevice>,
}

impl DriverDisk {
    pub fn new(name: String, driver: AxBlockDevice) -> Self {
        Self {
            name,
            block_size: driver.block_size(),
            num_blocks: driver.num_blocks(),
            driver: SpinNoPreempt::new(driver),
        }
    }
}

impl BlockDevice for DriverDisk {
    fn name(&self) -> &str {
        &self.name
    }

    fn block_size(&self) -> usize {
        self.block_size
    }

    fn num_blocks(&self) -> u64 {
        self.num_blocks
    }

    fn read_blocks(&self, start: u64, buf: &mut [u8]) -> BlockResult {
        self.check_range(start, buf.len())?;
        self.driver
            .lock()
            .read_block(start, buf)
            .map_err(|_| BlockError::Io)
    }

    fn write_blocks(&self, start: u64, buf: &[u8]) -> BlockResult {
        self.check_range(start, buf.len())?;
        self.driver
            .lock()
            .write_block(start, buf)
            .map_err(|_| BlockError::Io)
    }

    fn flush(&self) -> BlockResult {
        self.driver.lock().flush().map_err(|_| BlockError::Io)
    }
}
