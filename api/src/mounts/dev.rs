//! devfs: the memory and random devices and the terminal nodes.

use alloc::sync::Arc;

use axfs_ng_vfs::{Filesystem, VfsError, VfsResult};
use pseudofs::{DevfsBuilder, DeviceEntry, DeviceOps, FullDev, NullDev, ZeroDev};

use crate::file::Console;

/// The serial console as a device node. Opening a terminal node gives the
/// console's own file (see `open_path`), which adds the tty ioctls; this
/// serves the plain reads and writes of whoever reaches the node directly.
struct ConsoleDev;

impl DeviceOps for ConsoleDev {
    fn read_at(&self, buf: &mut [u8], _offset: u64) -> VfsResult<usize> {
        Console::shared().read(buf, false).map_err(|_| VfsError::Io)
    }
    fn write_at(&self, buf: &[u8], _offset: u64) -> VfsResult<usize> {
        Console::shared()
            .write(buf, false)
            .map_err(|_| VfsError::Io)
    }
    fn flags(&self) -> axfs_ng_vfs::NodeFlags {
        axfs_ng_vfs::NodeFlags::NON_CACHEABLE | axfs_ng_vfs::NodeFlags::STREAM
    }
}

/// Builds `/dev` with the device numbers Linux gives these nodes.
pub fn devfs() -> VfsResult<Filesystem> {
    let random: Arc<dyn DeviceOps> = crate::random::source().clone();
    let console: Arc<dyn DeviceOps> = Arc::new(ConsoleDev);
    DevfsBuilder::new()
        .device(DeviceEntry::char("null", 1, 3, Arc::new(NullDev)))
        .device(DeviceEntry::char("zero", 1, 5, Arc::new(ZeroDev)))
        .device(DeviceEntry::char("full", 1, 7, Arc::new(FullDev)))
        .device(DeviceEntry::char("random", 1, 8, random.clone()))
        .device(DeviceEntry::char("urandom", 1, 9, random))
        .device(DeviceEntry::char("tty", 5, 0, console.clone()))
        .device(DeviceEntry::char("ttyS0", 4, 64, console.clone()).with_mode(0o620))
        .device(DeviceEntry::char("console", 5, 1, console).with_mode(0o600))
        .symlink("fd", "/proc/self/fd")
        .symlink("stdin", "/proc/self/fd/0")
        .symlink("stdout", "/proc/self/fd/1")
        .symlink("stderr", "/proc/self/fd/2")
        .dir("shm", 0o1777)
        .build()
}
