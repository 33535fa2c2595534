use alloc::{sync::Arc, vec};
use core::any::Any;

use axfs_ng_vfs::{NodeFlags, NodeType, VfsError};

use super::*;
use crate::{
    DevfsBuilder, DeviceEntry, DeviceOps, FullDev, NullDev, RandomDev, ZeroDev, add_device, devfs,
    device_of, mount_at, tmpfs,
};

/// A tmpfs root with a devfs on /dev, as the kernel sets it up.
fn booted() -> Location {
    let dev = DevfsBuilder::new()
        .device(DeviceEntry::char("null", 1, 3, Arc::new(NullDev)))
        .device(DeviceEntry::char("zero", 1, 5, Arc::new(ZeroDev)))
        .device(DeviceEntry::char("full", 1, 7, Arc::new(FullDev)))
        .device(DeviceEntry::char(
            "urandom",
            1,
            9,
            Arc::new(RandomDev::new(42)),
        ))
        .device(DeviceEntry::char("pts/0", 136, 0, Arc::new(NullDev)).with_mode(0o620))
        .symlink("fd", "/proc/self/fd")
        .symlink("stdin", "/proc/self/fd/0")
        .dir("shm", 0o1777)
        .build()
        .unwrap();
    let root = root_of(&tmpfs());
    mount_at(&root, "/dev", &dev).unwrap();
    root
}

fn read(loc: &Location, len: usize) -> VfsResult<Vec<u8>> {
    let mut buf = vec![0xaa; len];
    let n = loc.entry().as_file()?.read_at(&mut buf, 0)?;
    buf.truncate(n);
    Ok(buf)
}

fn write(loc: &Location, data: &[u8]) -> VfsResult<usize> {
    loc.entry().as_file()?.write_at(data, 0)
}

#[test]
fn null_zero_full_random() {
    let root = booted();
    let null = walk(&root, "/dev/null").unwrap();
    assert_eq!(read(&null, 8).unwrap(), b"");
    assert_eq!(write(&null, b"gone").unwrap(), 4);
    assert_eq!(null.entry().as_file().unwrap().append(b"x").unwrap().0, 1);
    null.entry().as_file().unwrap().set_len(0).unwrap(); // O_TRUNC is fine

    let zero = walk(&root, "/dev/zero").unwrap();
    assert_eq!(read(&zero, 8).unwrap(), [0; 8]);
    assert_eq!(write(&zero, b"x").unwrap(), 1);

    let full = walk(&root, "/dev/full").unwrap();
    assert_eq!(read(&full, 3).unwrap(), [0; 3]);
    assert_eq!(write(&full, b"x").unwrap_err(), VfsError::StorageFull);

    let random = walk(&root, "/dev/urandom").unwrap();
    let (a, b) = (read(&random, 13).unwrap(), read(&random, 13).unwrap());
    assert_eq!(a.len(), 13);
    assert_ne!(a, b, "two reads give different bytes");
    assert!(a.iter().any(|byte| *byte != 0));
    assert_eq!(write(&random, b"entropy").unwrap(), 7);

    for (loc, minor) in [(&null, 3), (&zero, 5), (&full, 7), (&random, 9)] {
        let meta = loc.metadata().unwrap();
        assert_eq!(meta.node_type, NodeType::CharacterDevice);
        assert_eq!(
            (meta.rdev.major(), meta.rdev.minor(), meta.size),
            (1, minor, 0)
        );
        assert_eq!(meta.mode.bits(), 0o666);
        assert!(
            loc.flags()
                .contains(NodeFlags::STREAM | NodeFlags::NON_CACHEABLE)
        );
        assert_eq!(loc.ioctl(0x5401, 0).unwrap_err(), VfsError::NotATty);
    }
    assert_eq!(walk(&root, "/dev").unwrap().filesystem().name(), "devtmpfs");
}

#[test]
fn symlinks_subdirs_and_shm() {
    let root = booted();
    assert_eq!(
        walk(&root, "/dev/fd").unwrap().read_link().unwrap(),
        "/proc/self/fd"
    );
    assert_eq!(
        walk(&root, "/dev/stdin").unwrap().read_link().unwrap(),
        "/proc/self/fd/0"
    );
    let tty = walk(&root, "/dev/pts/0").unwrap();
    assert_eq!(
        (
            tty.metadata().unwrap().mode.bits(),
            tty.metadata().unwrap().rdev.major()
        ),
        (0o620, 136)
    );
    assert_eq!(
        names(&walk(&root, "/dev").unwrap()),
        strings(&[
            ".", "..", "fd", "full", "null", "pts", "shm", "stdin", "urandom", "zero"
        ])
    );

    // /dev/shm is a tmpfs mounted on the devfs directory.
    assert_eq!(
        walk(&root, "/dev/shm")
            .unwrap()
            .metadata()
            .unwrap()
            .mode
            .bits(),
        0o1777
    );
    mount_at(&root, "/dev/shm", &tmpfs()).unwrap();
    let shm_file = write_file(&root, "dev/shm/sem.x", b"shared");
    assert_eq!(shm_file.filesystem().name(), "ramfs");
    assert_eq!(read_all(&walk(&root, "/dev/shm/sem.x").unwrap()), b"shared");

    // devfs stays writable, like devtmpfs.
    mkdir(&root, "dev/mqueue");
    write_file(&root, "dev/plain", b"file");
    assert_eq!(read_all(&walk(&root, "/dev/plain").unwrap()), b"file");
}

/// A driver the kernel wants back from a node (e.g. a tty for TIOCSCTTY).
struct Tty {
    id: u32,
}

impl DeviceOps for Tty {
    fn read_at(&self, _buf: &mut [u8], _offset: u64) -> VfsResult<usize> {
        Err(VfsError::WouldBlock)
    }

    fn write_at(&self, buf: &[u8], _offset: u64) -> VfsResult<usize> {
        Ok(buf.len())
    }

    fn ioctl(&self, cmd: u32, _arg: usize) -> VfsResult<usize> {
        Ok(cmd as usize + self.id as usize)
    }

    fn size(&self) -> u64 {
        1 << 20
    }
}

#[test]
fn devices_added_after_mount() {
    let root = booted();
    let dev = walk(&root, "/dev").unwrap();
    add_device(
        dev.entry(),
        DeviceEntry::char("pts/1", 136, 1, Arc::new(Tty { id: 7 })),
    )
    .unwrap();
    add_device(
        dev.entry(),
        DeviceEntry::block("vda", 254, 0, Arc::new(ZeroDev)),
    )
    .unwrap();
    assert!(names(&walk(&root, "/dev/pts").unwrap()).contains(&String::from("1")));

    let tty = walk(&root, "/dev/pts/1").unwrap();
    assert_eq!(tty.ioctl(0x5400, 0).unwrap(), 0x5407);
    assert_eq!(read(&tty, 1).unwrap_err(), VfsError::WouldBlock);
    assert_eq!(tty.len().unwrap(), 1 << 20); // SEEK_END sees the size...
    assert_eq!(tty.metadata().unwrap().size, 0); // ...stat does not.
    let ops: Arc<dyn Any + Send + Sync> = device_of(tty.entry()).unwrap();
    assert_eq!(ops.downcast::<Tty>().unwrap().id, 7);
    assert!(device_of(walk(&root, "/dev/fd").unwrap().entry()).is_none());

    let vda = walk(&root, "/dev/vda").unwrap();
    let meta = vda.metadata().unwrap();
    assert_eq!(
        (meta.node_type, meta.mode.bits()),
        (NodeType::BlockDevice, 0o660)
    );

    // Names are checked; duplicates refused; removal is a VFS unlink.
    let again = DeviceEntry::char("null", 1, 3, Arc::new(NullDev));
    assert_eq!(
        add_device(dev.entry(), again).unwrap_err(),
        VfsError::AlreadyExists
    );
    let dots = DeviceEntry::char("pts/..", 1, 3, Arc::new(NullDev));
    assert_eq!(
        add_device(dev.entry(), dots).unwrap_err(),
        VfsError::InvalidInput
    );
    dev.unlink("vda", false).unwrap();
    assert_eq!(walk(&root, "/dev/vda").unwrap_err(), VfsError::NotFound);

    let dup = devfs(vec![
        DeviceEntry::char("null", 1, 3, Arc::new(NullDev)),
        DeviceEntry::char("null", 1, 3, Arc::new(NullDev)),
    ]);
    assert_eq!(dup.err(), Some(VfsError::AlreadyExists));
}
