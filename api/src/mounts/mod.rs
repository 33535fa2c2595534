//! The filesystems mounted over the ext4 root at boot: devfs on `/dev`,
//! tmpfs on `/dev/shm` and `/tmp`, procfs on `/proc` and sysfs on `/sys`.
//! The table of mounts is kept here so `/proc/mounts` lists what is mounted.

mod dev;
mod proc;
mod sys;

use alloc::string::String;
use alloc::vec::Vec;

use axfs_ng_vfs::{Filesystem, Location, VfsResult};

pub use proc::fd_link_file;

/// One line of `/proc/mounts`.
struct MountEntry {
    source: &'static str,
    target: &'static str,
    fstype: &'static str,
    options: &'static str,
}

static MOUNTS: spin::Mutex<Vec<MountEntry>> = spin::Mutex::new(Vec::new());

fn mount(root: &Location, entry: MountEntry, fs: &Filesystem) -> VfsResult<()> {
    pseudofs::mount_at(root, entry.target, fs)?;
    MOUNTS.lock().push(entry);
    Ok(())
}

/// Mounts every pseudo filesystem below `root` (the ext4 root, which is
/// recorded as mounted already).
pub fn mount_all(root: &Location) -> VfsResult<()> {
    pseudofs::set_time_source(axhal::time::wall_time);
    MOUNTS.lock().push(MountEntry {
        source: "/dev/root",
        target: "/",
        fstype: "ext4",
        options: "rw,relatime",
    });
    let table: [(MountEntry, Filesystem); 5] = [
        (
            MountEntry {
                source: "devtmpfs",
                target: "/dev",
                fstype: "devtmpfs",
                options: "rw,nosuid,relatime,mode=755",
            },
            dev::devfs()?,
        ),
        (
            MountEntry {
                source: "tmpfs",
                target: "/dev/shm",
                fstype: "tmpfs",
                options: "rw,nosuid,nodev",
            },
            pseudofs::tmpfs(),
        ),
        (
            MountEntry {
                source: "proc",
                target: "/proc",
                fstype: "proc",
                options: "rw,nosuid,nodev,noexec,relatime",
            },
            proc::procfs(),
        ),
        (
            MountEntry {
                source: "sysfs",
                target: "/sys",
                fstype: "sysfs",
                options: "rw,nosuid,nodev,noexec,relatime",
            },
            sys::sysfs(),
        ),
        (
            MountEntry {
                source: "tmpfs",
                target: "/tmp",
                fstype: "tmpfs",
                options: "rw,nosuid,nodev",
            },
            pseudofs::tmpfs(),
        ),
    ];
    for (entry, fs) in table {
        mount(root, entry, &fs)?;
    }
    Ok(())
}

/// statfs's f_flags for the filesystem named `fstype`: ST_VALID and the
/// ST_* bits of its mount options (Linux's calculate_f_flags).
pub fn statfs_flags(fstype: &str) -> u64 {
    const ST_VALID: u64 = 0x20;
    let mounts = MOUNTS.lock();
    let Some(m) = mounts.iter().find(|m| m.fstype == fstype) else {
        return ST_VALID;
    };
    m.options.split(',').fold(ST_VALID, |flags, opt| {
        flags
            | match opt {
                "ro" => 0x1,
                "nosuid" => 0x2,
                "nodev" => 0x4,
                "noexec" => 0x8,
                "noatime" => 0x400,
                "nodiratime" => 0x800,
                "relatime" => 0x1000,
                _ => 0,
            }
    })
}

/// The text of `/proc/mounts`.
fn mounts_text() -> String {
    let mut out = String::new();
    for m in MOUNTS.lock().iter() {
        out += &alloc::format!("{} {} {} {} 0 0\n", m.source, m.target, m.fstype, m.options);
    }
    out
}
