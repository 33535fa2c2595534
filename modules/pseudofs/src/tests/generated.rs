use alloc::{format, string::ToString, sync::Arc, vec, vec::Vec};
use core::sync::atomic::AtomicU32;

use axfs_ng_vfs::{MetadataUpdate, NodeFlags, NodeType, VfsError};
use spin::Mutex;

use super::*;
use crate::{DeviceOps, Gen, generated_fs, generated_fs_with_magic, magic, mount_at, tmpfs};

/// A stand-in for the kernel's process table.
struct Procs {
    pids: Mutex<Vec<u32>>,
    current: AtomicU32,
}

fn proc_tree(procs: &Arc<Procs>) -> Gen {
    let procs = procs.clone();
    Gen::dir(move || {
        let current = procs.current.load(Ordering::Relaxed);
        let mut entries = vec![(
            String::from("self"),
            Gen::symlink(move || current.to_string()),
        )];
        for &pid in procs.pids.lock().iter() {
            let status = Gen::file(move || format!("Pid:\t{pid}\n").into_bytes());
            let dir = Gen::dir(move || vec![(String::from("status"), status.clone())]);
            entries.push((pid.to_string(), dir.owner(1000, 1000)));
        }
        entries
    })
}

#[test]
fn dynamic_dir_follows_live_state() {
    let procs = Arc::new(Procs {
        pids: Mutex::new(vec![1, 7]),
        current: AtomicU32::new(7),
    });
    let fs = generated_fs_with_magic("proc", magic::PROC_SUPER_MAGIC, proc_tree(&procs));
    assert_eq!(
        (fs.name(), fs.stat().unwrap().fs_type),
        ("proc", magic::PROC_SUPER_MAGIC)
    );
    let root = root_of(&tmpfs());
    mount_at(&root, "/proc", &fs).unwrap();
    let proc_dir = walk(&root, "/proc").unwrap();
    assert_eq!(names(&proc_dir), strings(&[".", "..", "1", "7", "self"]));
    let ino = walk(&root, "/proc/7/status").unwrap().inode();
    assert_eq!(walk(&root, "/proc/self").unwrap().read_link().unwrap(), "7");

    // A process exits, another starts: the next listing and lookups follow.
    procs.pids.lock().retain(|pid| *pid != 7);
    procs.pids.lock().push(9);
    procs.current.store(9, Ordering::Relaxed);
    assert_eq!(names(&proc_dir), strings(&[".", "..", "1", "9", "self"]));
    assert_eq!(walk(&root, "/proc/7").unwrap_err(), VfsError::NotFound);
    assert_eq!(
        read_all(&walk(&root, "/proc/9/status").unwrap()),
        b"Pid:\t9\n"
    );
    assert_eq!(walk(&root, "/proc/self").unwrap().read_link().unwrap(), "9");

    // Inode numbers depend on the path only.
    procs.pids.lock().push(7);
    assert_eq!(walk(&root, "/proc/7/status").unwrap().inode(), ino);
    assert_ne!(walk(&root, "/proc/9/status").unwrap().inode(), ino);
    let listed = list_chunked(&proc_dir, 100);
    let seven = listed.iter().find(|(name, ..)| name == "7").unwrap();
    assert_eq!(
        (seven.1, seven.2),
        (walk(&root, "/proc/7").unwrap().inode(), NodeType::Directory)
    );
    assert_eq!(
        listed[1].1,
        root.inode(),
        "`..` of the mount root is the mount point's parent"
    );

    let meta = walk(&root, "/proc/7").unwrap().metadata().unwrap();
    assert_eq!((meta.uid, meta.mode.bits(), meta.nlink), (1000, 0o555, 2));
    assert_eq!(proc_dir.metadata().unwrap().nlink, 2 + 3);
    let link = walk(&root, "/proc/self").unwrap().metadata().unwrap();
    assert_eq!(
        (link.node_type, link.size, link.mode.bits()),
        (NodeType::Symlink, 0, 0o777)
    );
}

#[test]
fn files_are_generated_on_read() {
    let generation = Arc::new(AtomicU64::new(0));
    let written = Arc::new(Mutex::new(Vec::new()));
    let root_gen = {
        let generation = generation.clone();
        let written = written.clone();
        Gen::static_dir([
            (
                "counter",
                Gen::file(move || {
                    let n = generation.fetch_add(1, Ordering::Relaxed);
                    format!("generation {n} of a longer text\n").into_bytes()
                }),
            ),
            (
                "knob",
                Gen::rw_file(
                    || b"1\n".to_vec(),
                    move |bytes| match bytes {
                        b"bad\n" => Err(VfsError::InvalidInput),
                        _ => {
                            written.lock().extend_from_slice(bytes);
                            Ok(())
                        }
                    },
                ),
            ),
        ])
    };
    let root = root_of(&generated_fs("sysfs", root_gen));

    // Small reads at growing offsets all come from one snapshot...
    let counter = walk(&root, "counter").unwrap();
    assert_eq!(read_all(&counter), b"generation 0 of a longer text\n");
    // ...and reading from the start again regenerates.
    assert_eq!(read_all(&counter), b"generation 1 of a longer text\n");
    let meta = counter.metadata().unwrap();
    assert_eq!((meta.size, meta.mode.bits(), meta.nlink), (0, 0o444, 1));
    assert!(counter.flags().contains(NodeFlags::NON_CACHEABLE));
    let file = counter.entry().as_file().unwrap();
    assert_eq!(
        file.write_at(b"x", 0).unwrap_err(),
        VfsError::PermissionDenied
    );
    assert_eq!(file.set_len(0).unwrap_err(), VfsError::PermissionDenied);

    let knob = walk(&root, "knob").unwrap();
    let file = knob.entry().as_file().unwrap();
    file.set_len(0).unwrap(); // `echo 0 > knob` truncates first
    assert_eq!(file.write_at(b"0\n", 0).unwrap(), 2);
    assert_eq!(file.append(b"3\n").unwrap().0, 2);
    assert_eq!(
        file.write_at(b"bad\n", 0).unwrap_err(),
        VfsError::InvalidInput
    );
    assert_eq!(*written.lock(), b"0\n3\n");
    assert_eq!(
        (read_all(&knob), knob.metadata().unwrap().mode.bits()),
        (b"1\n".to_vec(), 0o644)
    );

    // The tree is read-only for the VFS.
    assert_eq!(
        root.create("new", NodeType::RegularFile, perm(0o644))
            .unwrap_err(),
        VfsError::PermissionDenied
    );
    assert_eq!(
        root.create("dir", NodeType::Directory, perm(0o755))
            .unwrap_err(),
        VfsError::OperationNotPermitted
    );
    assert_eq!(
        root.unlink("knob", false).unwrap_err(),
        VfsError::OperationNotPermitted
    );
    assert_eq!(
        root.rename("knob", &root, "k").unwrap_err(),
        VfsError::OperationNotPermitted
    );
    let chmod = MetadataUpdate {
        mode: Some(perm(0o777)),
        ..Default::default()
    };
    assert_eq!(
        knob.update_metadata(chmod).unwrap_err(),
        VfsError::OperationNotPermitted
    );
    knob.update_metadata(MetadataUpdate::default()).unwrap();
}

/// A stream file such as `trace_pipe`: consuming reads.
struct Pipe(Mutex<Vec<u8>>);

impl DeviceOps for Pipe {
    fn read_at(&self, buf: &mut [u8], _offset: u64) -> VfsResult<usize> {
        let mut data = self.0.lock();
        let n = buf.len().min(data.len());
        buf[..n].copy_from_slice(&data[..n]);
        data.drain(..n);
        Ok(n)
    }

    fn write_at(&self, _buf: &[u8], _offset: u64) -> VfsResult<usize> {
        Err(VfsError::PermissionDenied)
    }

    fn flags(&self) -> NodeFlags {
        NodeFlags::STREAM | NodeFlags::NON_CACHEABLE
    }
}

#[test]
fn static_dirs_hold_mounts_and_custom_files() {
    let pipe = Arc::new(Pipe(Mutex::new(b"event\n".to_vec())));
    let sys = Gen::static_dir([
        (
            "kernel",
            Gen::static_dir([(
                "debug",
                Gen::static_dir([("trace_pipe", Gen::custom(pipe).mode(0o440))]),
            )]),
        ),
        (
            "dynamic",
            Gen::dir(|| vec![(String::from("sub"), Gen::static_dir::<&str>([]))]),
        ),
    ]);
    let root = root_of(&tmpfs());
    mount_at(&root, "/sys", &generated_fs("sysfs", sys)).unwrap();
    assert_eq!(
        walk(&root, "/sys/kernel")
            .unwrap()
            .metadata()
            .unwrap()
            .nlink,
        3
    );

    let trace = walk(&root, "/sys/kernel/debug/trace_pipe").unwrap();
    assert_eq!(trace.metadata().unwrap().mode.bits(), 0o440);
    assert!(trace.flags().contains(NodeFlags::STREAM));
    assert_eq!(read_all(&trace), b"event\n");
    assert_eq!(read_all(&trace), b"");

    // A static directory keeps its entry, so a mount on it stays visible...
    mount_at(&root, "/sys/kernel/debug", &tmpfs()).unwrap();
    write_file(&root, "sys/kernel/debug/x", b"over");
    assert_eq!(
        names(&walk(&root, "/sys/kernel/debug").unwrap()),
        strings(&[".", "..", "x"])
    );
    // ...and so does a dynamic directory (its parent keeps it), but the
    // entries of a dynamic directory are made anew on each lookup: a mount
    // there would be lost, so it is refused.
    mount_at(&root, "/sys/dynamic", &tmpfs()).unwrap();
    let root2 = root_of(&tmpfs());
    let sys2 = Gen::static_dir([(
        "dynamic",
        Gen::dir(|| vec![(String::from("sub"), Gen::static_dir::<&str>([]))]),
    )]);
    mount_at(&root2, "/sys", &generated_fs("sysfs", sys2)).unwrap();
    let err = mount_at(&root2, "/sys/dynamic/sub", &tmpfs()).unwrap_err();
    assert_eq!(err, VfsError::InvalidInput);
    assert!(!walk(&root2, "/sys/dynamic/sub").unwrap().is_mountpoint());
}

#[test]
#[should_panic(expected = "must be a directory")]
fn root_must_be_a_directory() {
    generated_fs("bad", Gen::file(Vec::new));
}
