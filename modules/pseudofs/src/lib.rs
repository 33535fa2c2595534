//! In-memory filesystems on the `axfs-ng-vfs` 0.1 traits: a tmpfs, a devfs and
//! a builder for generated trees such as procfs and sysfs.
//!
//! The crate knows nothing about Linux system calls: device behaviour, file
//! contents and directory listings are supplied by the kernel as trait
//! objects and closures. It builds and is tested on the host.
//!
//! # Mounting over the ext4 root
//!
//! ```ignore
//! use alloc::{format, string::String, sync::Arc, vec};
//! use axfs_ng::ROOT_FS_CONTEXT;
//! use pseudofs::*;
//!
//! pseudofs::set_time_source(axhal::time::wall_time);
//! let root = ROOT_FS_CONTEXT.get().unwrap().root_dir().clone();
//!
//! let dev = DevfsBuilder::new()
//!     .device(DeviceEntry::char("null", 1, 3, Arc::new(NullDev)))
//!     .device(DeviceEntry::char("zero", 1, 5, Arc::new(ZeroDev)))
//!     .device(DeviceEntry::char("full", 1, 7, Arc::new(FullDev)))
//!     .device(DeviceEntry::char("urandom", 1, 9, Arc::new(RandomDev::new(seed))))
//!     .symlink("fd", "/proc/self/fd")
//!     .symlink("stdin", "/proc/self/fd/0")
//!     .dir("shm", 0o1777)
//!     .build()?;
//! mount_at(&root, "/dev", &dev)?;
//! mount_at(&root, "/dev/shm", &tmpfs())?; // after /dev: lands inside devfs
//! mount_at(&root, "/tmp", &tmpfs())?;
//!
//! let proc_root = Gen::dir(|| {
//!     let mut entries = vec![
//!         (String::from("self"), Gen::symlink(|| format!("{}", current_pid()))),
//!         (String::from("meminfo"), Gen::file(|| meminfo_text().into_bytes())),
//!     ];
//!     entries.extend(live_pids().map(|pid| (format!("{pid}"), pid_dir(pid))));
//!     entries
//! });
//! mount_at(&root, "/proc", &generated_fs_with_magic("proc", magic::PROC_SUPER_MAGIC, proc_root))?;
//! let sys_root = Gen::static_dir([("kernel", Gen::static_dir([("debug", Gen::static_dir::<&str>([]))]))]);
//! mount_at(&root, "/sys", &generated_fs_with_magic("sysfs", magic::SYSFS_MAGIC, sys_root))?;
//! ```
//!
//! `Location::mount` alone is enough when the directory already exists;
//! [`mount_at`] also creates missing directories and refuses directories
//! whose entries are not kept (see there). Device nodes can be added later
//! with [`add_device`] on the devfs root (`root.lookup_no_follow("dev")?.entry()`).
//!
//! # Caching
//!
//! tmpfs regular files go through axfs-ng's page cache like ext4 files (see
//! [`TmpfsOptions::page_cache`]); device nodes and generated files never do.
//! That is also why the tmpfs is not *named* `tmpfs` (see
//! [`TmpfsOptions::name`]).

#![no_std]

extern crate alloc;

mod common;
mod devfs;
mod device;
mod devices;
mod generated;
mod memtree;
mod mount;
mod sparse;
mod time;
mod tmpfs;

pub use devfs::{DevfsBuilder, DeviceEntry, add_device, devfs, device_of, set_rdev};
pub use device::DeviceOps;
pub use devices::{FullDev, NullDev, RandomDev, ZeroDev};
pub use generated::{
    Gen, LinkFn, ListFn, ReadFn, WriteFn, generated_fs, generated_fs_with_block_size,
    generated_fs_with_magic,
};
pub use mount::mount_at;
pub use time::set_time_source;
pub use tmpfs::{TmpfsOptions, tmpfs, tmpfs_with};

/// `statfs` `f_type` values a kernel would pass for these filesystems.
pub mod magic {
    pub const TMPFS_MAGIC: u32 = 0x0102_1994;
    pub const PROC_SUPER_MAGIC: u32 = 0x9fa0;
    pub const SYSFS_MAGIC: u32 = 0x6265_6572;
    pub const DEBUGFS_MAGIC: u32 = 0x6462_6720;
}

#[cfg(test)]
mod tests;
