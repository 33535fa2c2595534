//! Host tests: the filesystems are driven through the VFS (`Location`,
//! `DirNode`) the way axfs-ng drives them in the kernel.

mod devfs;
mod generated;
mod tmpfs;

use alloc::{string::String, vec::Vec};
use core::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use axfs_ng_vfs::{
    Filesystem, Location, Mountpoint, NodePermission, NodeType, OpenOptions, VfsResult,
};

static CLOCK: AtomicU64 = AtomicU64::new(1_000);

fn fake_now() -> Duration {
    Duration::from_secs(CLOCK.load(Ordering::Relaxed))
}

/// Installs the fake clock and moves it forward, so timestamps taken after
/// this call are later than those taken before.
fn tick() {
    crate::set_time_source(fake_now);
    CLOCK.fetch_add(10, Ordering::Relaxed);
}

fn root_of(fs: &Filesystem) -> Location {
    Mountpoint::new_root(fs).root_location()
}

fn perm(mode: u16) -> NodePermission {
    NodePermission::from_bits_truncate(mode)
}

/// Resolves `path` without following symlinks.
fn walk(root: &Location, path: &str) -> VfsResult<Location> {
    let mut loc = root.clone();
    for name in path.split('/').filter(|c| !c.is_empty()) {
        loc = loc.lookup_no_follow(name)?;
    }
    Ok(loc)
}

/// Splits `path` into (parent location, last name).
fn parent<'a>(root: &Location, path: &'a str) -> (Location, &'a str) {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    (walk(root, dir).unwrap(), name)
}

fn mkdir(root: &Location, path: &str) -> Location {
    let (dir, name) = parent(root, path);
    dir.create(name, NodeType::Directory, perm(0o755)).unwrap()
}

fn write_file(root: &Location, path: &str, data: &[u8]) -> Location {
    let (dir, name) = parent(root, path);
    let options = OpenOptions {
        create: true,
        ..Default::default()
    };
    let file = dir.open_file(name, &options).unwrap();
    let node = file.entry().as_file().unwrap();
    node.set_len(0).unwrap();
    assert_eq!(node.write_at(data, 0).unwrap(), data.len());
    file
}

/// Reads the whole file with small reads, exercising offsets.
fn read_all(loc: &Location) -> Vec<u8> {
    let file = loc.entry().as_file().unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 5];
    loop {
        let n = file.read_at(&mut buf, out.len() as u64).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// Entry names in `readdir` order, read `chunk` entries per call.
fn list_chunked(dir: &Location, chunk: usize) -> Vec<(String, u64, NodeType)> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let mut got = 0;
        dir.read_dir(offset, &mut |name: &str, ino, ty, next| {
            if got == chunk {
                return false;
            }
            out.push((String::from(name), ino, ty));
            offset = next;
            got += 1;
            true
        })
        .unwrap();
        if got == 0 {
            return out;
        }
    }
}

fn names(dir: &Location) -> Vec<String> {
    let mut names: Vec<String> = list_chunked(dir, 3)
        .into_iter()
        .map(|(name, ..)| name)
        .collect();
    names.sort();
    names
}

fn strings(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| String::from(*s)).collect();
    v.sort();
    v
}
