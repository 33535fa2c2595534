//! Mounts the root filesystem: ext4 on a registered block device, through
//! the `blockdev` interface, as the root of every process's `FsContext`.

mod ext4;

use axfs_ng::{FsContext, ROOT_FS_CONTEXT};
use axfs_ng_vfs::Mountpoint;

/// Mounts `dev_name` (`vda`) as `/`. The root is what every process
/// resolves paths in: without it there is nothing to run, so failing
/// here stops the boot.
pub fn mount(dev_name: &str) {
    let Some(disk) = blockdev::block_devices().get(dev_name) else {
        panic!("root device {dev_name} not found (no such disk)");
    };
    let fs = ext4::Ext4Fs::mount(disk)
        .unwrap_or_else(|e| panic!("cannot mount {dev_name} as ext4: {e:?}"));
    info!("mounted {dev_name} (ext4) on /");
    let mp = Mountpoint::new_root(&fs);
    ROOT_FS_CONTEXT.call_once(|| FsContext::new(mp.root_location()));
}
