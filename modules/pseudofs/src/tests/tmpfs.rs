use alloc::{string::ToString, sync::Arc};

use axfs_ng_vfs::{MetadataUpdate, NodeType, VfsError};

use super::*;
use crate::{TmpfsOptions, memtree::Inode, mount_at, set_rdev, tmpfs, tmpfs_with};

/// A tmpfs mounted at /mnt/inner of another tmpfs, as /dev/shm sits in /dev.
fn nested() -> (Location, Location) {
    let outer = root_of(&tmpfs());
    mount_at(&outer, "/mnt/inner", &tmpfs()).unwrap();
    let inner = walk(&outer, "/mnt/inner").unwrap();
    (outer, inner)
}

#[test]
fn nested_mount_file_io() {
    let (outer, inner) = nested();
    assert!(inner.is_root_of_mount());
    assert_eq!(
        names(&walk(&outer, "mnt").unwrap()),
        strings(&[".", "..", "inner"])
    );

    mkdir(&outer, "mnt/inner/d");
    let file = write_file(&outer, "mnt/inner/d/a.txt", b"hello world");
    assert_eq!(
        file.absolute_path().unwrap().to_string(),
        "/mnt/inner/d/a.txt"
    );
    assert_eq!(read_all(&file), b"hello world");

    // Holes read as zeros and cost no blocks.
    let node = file.entry().as_file().unwrap();
    node.write_at(b"end", 3 * 4096).unwrap();
    let meta = file.metadata().unwrap();
    assert_eq!(meta.size, 3 * 4096 + 3);
    assert_eq!(meta.blocks, 2 * 8);
    let mut buf = [1u8; 4];
    node.read_at(&mut buf, 4096).unwrap();
    assert_eq!(buf, [0; 4]);
    assert_eq!(node.append(b"!").unwrap(), (1, 3 * 4096 + 4));

    node.set_len(5).unwrap();
    assert_eq!(read_all(&file), b"hello");
    assert_eq!(file.metadata().unwrap().blocks, 8);
    // Files of the inner mount are not visible in the outer filesystem.
    assert_eq!(outer.filesystem().stat().unwrap().blocks_free, {
        let fresh = tmpfs();
        fresh.stat().unwrap().blocks_free
    });
}

#[test]
fn rename_link_unlink() {
    let (outer, root) = nested();
    mkdir(&root, "a");
    mkdir(&root, "b");
    let f = write_file(&root, "a/f", b"data");
    let ino = f.inode();

    // Rename within a directory, then across directories.
    let a = walk(&root, "a").unwrap();
    let b = walk(&root, "b").unwrap();
    a.rename("f", &a, "g").unwrap();
    assert_eq!(a.lookup_no_follow("f").unwrap_err(), VfsError::NotFound);
    a.rename("g", &b, "h").unwrap();
    let h = walk(&root, "b/h").unwrap();
    assert_eq!((h.inode(), read_all(&h)), (ino, b"data".to_vec()));

    // Replacing a file drops the old one's link.
    let victim = write_file(&root, "b/victim", b"old");
    b.rename("h", &b, "victim").unwrap();
    assert_eq!(victim.metadata().unwrap().nlink, 0);
    assert_eq!(read_all(&walk(&root, "b/victim").unwrap()), b"data");

    // Hard links share the inode and count.
    let linked = b.link("alias", &walk(&root, "b/victim").unwrap()).unwrap();
    assert_eq!((linked.inode(), linked.metadata().unwrap().nlink), (ino, 2));
    b.unlink("victim", false).unwrap();
    assert_eq!(linked.metadata().unwrap().nlink, 1);
    assert_eq!(read_all(&linked), b"data");
    assert_eq!(
        b.link("d", &a).unwrap_err(),
        VfsError::OperationNotPermitted
    );

    // Directories: nlink counts subdirectories, non-empty ones are protected.
    mkdir(&root, "a/sub");
    assert_eq!(a.metadata().unwrap().nlink, 3);
    assert_eq!(
        root.unlink("b", true).unwrap_err(),
        VfsError::DirectoryNotEmpty
    );
    assert_eq!(
        root.rename("a", &root, "b").unwrap_err(),
        VfsError::DirectoryNotEmpty
    );
    a.rename("sub", &b, "sub2").unwrap();
    assert_eq!(a.metadata().unwrap().nlink, 2);
    assert_eq!(b.metadata().unwrap().nlink, 3);
    // Moving a directory below itself is refused by the VFS.
    assert_eq!(
        root.rename("b", &b, "x").unwrap_err(),
        VfsError::InvalidInput
    );
    // An empty directory may replace another one, not a file and vice versa.
    mkdir(&root, "a/empty");
    b.rename("sub2", &a, "empty").unwrap();
    assert_eq!(
        (a.metadata().unwrap().nlink, b.metadata().unwrap().nlink),
        (3, 2)
    );
    let (a_node, b_node) = (a.entry().as_dir().unwrap(), b.entry().as_dir().unwrap());
    assert_eq!(
        a_node.rename("empty", b_node, "alias").unwrap_err(),
        VfsError::NotADirectory
    );
    mkdir(&root, "b/dir");
    assert_eq!(
        b_node.rename("alias", b_node, "dir").unwrap_err(),
        VfsError::IsADirectory
    );
    assert_eq!(
        b_node.rename("nothing", a_node, "x").unwrap_err(),
        VfsError::NotFound
    );
    b.unlink("dir", true).unwrap();
    assert_eq!(b.metadata().unwrap().nlink, 2);

    // Across mounts: refused by the VFS; at the node level by us.
    let top = write_file(&outer, "top", b"");
    assert_eq!(
        outer.rename("top", &root, "top").unwrap_err(),
        VfsError::CrossesDevices
    );
    let root_dir = root.entry().as_dir().unwrap();
    assert_eq!(
        outer
            .entry()
            .as_dir()
            .unwrap()
            .rename("top", root_dir, "t")
            .unwrap_err(),
        VfsError::CrossesDevices
    );
    assert_eq!(
        root_dir.link("t", top.entry()).unwrap_err(),
        VfsError::CrossesDevices
    );
    assert_eq!(
        root.create("a", NodeType::RegularFile, perm(0o644))
            .unwrap_err(),
        VfsError::AlreadyExists
    );
}

#[test]
fn readdir_offsets_survive_changes() {
    let (_, root) = nested();
    for i in 0..40 {
        write_file(&root, &alloc::format!("f{i:02}"), b"");
    }
    let mut seen = Vec::new();
    let mut offset = 0;
    let mut round = 0;
    loop {
        let mut got = 0;
        root.read_dir(offset, &mut |name: &str, _, _, next| {
            if got == 7 {
                return false;
            }
            seen.push(String::from(name));
            offset = next;
            got += 1;
            true
        })
        .unwrap();
        if got == 0 {
            break;
        }
        // During the first calls, delete an entry not read yet, add one.
        if round < 3 {
            round += 1;
            root.unlink(&alloc::format!("f{:02}", 40 - round), false)
                .unwrap();
            write_file(&root, &alloc::format!("new{round}"), b"");
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no entry twice");
    assert_eq!(seen.len(), 2 + 40 - 3 + 3, "no survivor skipped");
    assert!(!seen.contains(&String::from("f39")));
    assert!(seen.contains(&String::from("new3")));

    let listed = list_chunked(&root, 100);
    assert_eq!(
        (listed[0].0.as_str(), listed[0].2),
        (".", NodeType::Directory)
    );
    assert_eq!((listed[0].1, listed[1].0.as_str()), (root.inode(), ".."));
    let sub = mkdir(&root, "sub");
    assert_eq!(list_chunked(&sub, 10)[1].1, root.inode());
}

#[test]
fn symlinks_and_special_nodes() {
    let (outer, root) = nested();
    let link = root.create("l", NodeType::Symlink, perm(0o644)).unwrap();
    link.entry()
        .as_file()
        .unwrap()
        .set_symlink("/mnt/inner/target")
        .unwrap();
    assert_eq!(link.read_link().unwrap(), "/mnt/inner/target");
    let meta = link.metadata().unwrap();
    assert_eq!(
        (meta.mode.bits(), meta.size, meta.node_type),
        (0o777, 17, NodeType::Symlink)
    );
    link.entry().as_file().unwrap().set_symlink("x").unwrap();
    assert_eq!(link.read_link().unwrap(), "x");

    let fifo = root.create("p", NodeType::Fifo, perm(0o600)).unwrap();
    assert_eq!(fifo.metadata().unwrap().node_type, NodeType::Fifo);
    let mut buf = [0u8; 1];
    assert_eq!(
        fifo.entry()
            .as_file()
            .unwrap()
            .read_at(&mut buf, 0)
            .unwrap_err(),
        VfsError::NoSuchDevice
    );
    let chr = root
        .create("c", NodeType::CharacterDevice, perm(0o600))
        .unwrap();
    set_rdev(chr.entry(), axfs_ng_vfs::DeviceId::new(4, 64)).unwrap();
    let rdev = chr.metadata().unwrap().rdev;
    assert_eq!((rdev.major(), rdev.minor()), (4, 64));
    assert_eq!(chr.ioctl(0x5401, 0).unwrap_err(), VfsError::NotATty);
    assert!(chr.flags().contains(axfs_ng_vfs::NodeFlags::NON_CACHEABLE));
    // Directories can not be read as files, unknown types can not be created.
    assert_eq!(outer.entry().as_file().err(), Some(VfsError::IsADirectory));
    assert_eq!(
        root.create("u", NodeType::Unknown, perm(0)).unwrap_err(),
        VfsError::InvalidInput
    );
}

#[test]
fn metadata_and_times() {
    tick();
    let (_, root) = nested();
    assert_eq!(root.metadata().unwrap().mode.bits(), 0o1777);
    let dir = mkdir(&root, "d");
    let before = dir.metadata().unwrap();
    assert_eq!((before.size, before.nlink), (40, 2));
    tick();
    let file = write_file(&root, "d/f", b"x");
    let after = dir.metadata().unwrap();
    assert_eq!(after.size, 60);
    assert!(after.mtime > before.mtime && after.ctime > before.ctime);

    let created = file.metadata().unwrap();
    tick();
    file.entry().as_file().unwrap().write_at(b"y", 1).unwrap();
    let written = file.metadata().unwrap();
    assert!(written.mtime > created.mtime);
    assert_eq!(written.atime, created.atime);

    file.update_metadata(MetadataUpdate {
        mode: Some(perm(0o4751)),
        owner: Some((1000, 100)),
        atime: Some(Duration::from_secs(5)),
        mtime: Some(Duration::from_secs(6)),
    })
    .unwrap();
    let meta = file.metadata().unwrap();
    assert_eq!((meta.mode.bits(), meta.uid, meta.gid), (0o4751, 1000, 100));
    assert_eq!((meta.atime.as_secs(), meta.mtime.as_secs()), (5, 6));
    assert!(meta.ctime >= written.ctime);
    assert_ne!(file.inode(), dir.inode());
}

#[test]
fn size_limit_and_statfs() {
    let fs = tmpfs_with(TmpfsOptions {
        max_bytes: Some(2 * 4096),
        ..Default::default()
    });
    let stat = fs.stat().unwrap();
    assert_eq!(
        (stat.fs_type, stat.blocks, stat.blocks_free),
        (crate::magic::TMPFS_MAGIC, 2, 2)
    );
    assert_eq!(fs.name(), "ramfs");
    let root = root_of(&fs);
    let file = write_file(&root, "big", b"");
    let node = file.entry().as_file().unwrap();
    assert_eq!(node.write_at(&[1; 3 * 4096], 0).unwrap(), 2 * 4096);
    assert_eq!(
        node.write_at(&[1], 2 * 4096).unwrap_err(),
        VfsError::StorageFull
    );
    assert_eq!(fs.stat().unwrap().blocks_free, 0);
    drop(file);
    root.unlink("big", false).unwrap();
    assert_eq!(fs.stat().unwrap().blocks_free, 2);
}

#[test]
fn no_page_cache_option_sets_flag() {
    let fs = tmpfs_with(TmpfsOptions {
        page_cache: false,
        ..Default::default()
    });
    let file = write_file(&root_of(&fs), "f", b"");
    assert!(file.flags().contains(axfs_ng_vfs::NodeFlags::NON_CACHEABLE));
    assert!(write_file(&root_of(&tmpfs()), "f", b"").flags().is_empty());
}

#[test]
fn tree_is_freed_with_its_mounts() {
    let (outer, root) = nested();
    let file = write_file(&root, "f", b"abc");
    let inode: Arc<Inode> = file.entry().downcast().unwrap();
    let weak = Arc::downgrade(&inode);
    drop((inode, file, root));
    walk(&outer, "mnt/inner").unwrap().unmount().unwrap();
    drop(outer);
    assert!(
        weak.upgrade().is_none(),
        "an unmounted tmpfs must not keep itself alive"
    );
}
