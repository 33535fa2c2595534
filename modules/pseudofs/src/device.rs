//! The driver-side interface of a device node.

use core::{any::Any, task::Context};

use axfs_ng_vfs::{NodeFlags, VfsError, VfsResult};
use axpoll::IoEvents;

/// Operations of a device (or any file whose I/O is handled by kernel code
/// rather than stored bytes, such as a `trace_pipe`).
///
/// Implementations must not assume a lock of this crate is held: calls are made
/// with no pseudofs lock taken, so they may block on the kernel's wait queues.
///
/// `DeviceOps: Any`, so the kernel can get its concrete driver back from
/// [`device_of`](crate::device_of) by upcasting the `Arc<dyn DeviceOps>` to
/// `Arc<dyn Any + Send + Sync>` and calling `downcast`.
pub trait DeviceOps: Any + Send + Sync {
    /// Reads at `offset` (always 0 for [`NodeFlags::STREAM`] devices).
    fn read_at(&self, buf: &mut [u8], offset: u64) -> VfsResult<usize>;

    /// Writes at `offset` (always 0 for [`NodeFlags::STREAM`] devices).
    fn write_at(&self, buf: &[u8], offset: u64) -> VfsResult<usize>;

    /// Device-specific control.
    ///
    /// The default fails with [`VfsError::NotATty`], which the Linux
    /// personality maps to `ENOTTY`: that is what Linux returns for an ioctl a
    /// driver does not implement.
    fn ioctl(&self, _cmd: u32, _arg: usize) -> VfsResult<usize> {
        Err(VfsError::NotATty)
    }

    /// Current readiness; the default is always readable and writable.
    fn poll(&self) -> IoEvents {
        IoEvents::IN | IoEvents::OUT
    }

    /// Registers a waker for readiness changes; nothing to do if `poll` never
    /// changes.
    fn register(&self, _context: &mut Context<'_>, _events: IoEvents) {}

    /// Hints for the VFS. The default, [`NodeFlags::NON_CACHEABLE`], makes
    /// every read and write reach the device (block devices would otherwise go
    /// through axfs-ng's page cache). Add [`NodeFlags::STREAM`] for devices
    /// without a file position.
    fn flags(&self) -> NodeFlags {
        NodeFlags::NON_CACHEABLE
    }

    /// Size used for `SEEK_END` (for example a block device's capacity).
    /// `stat` still reports 0, as Linux does for device nodes.
    fn size(&self) -> u64 {
        0
    }
}
