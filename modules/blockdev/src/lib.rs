//! The kernel's block devices: one interface for whatever stores blocks
//! (a driver today, the block layer's request queue later) and the
//! registry that names them as Linux names virtio disks (`vda`, `vdb`, ...).
//!
//! Filesystems reach a disk only through [`BlockDevice`], so a layer can be
//! put between them and the driver without touching either.
#![no_std]

extern crate alloc;

mod device;
mod name;
mod registry;

pub use device::{BlockDevice, BlockError, BlockResult};
pub use name::disk_name;
pub use registry::{Registry, block_devices};
