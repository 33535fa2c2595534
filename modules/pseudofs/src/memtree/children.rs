//! Directory contents with stable `readdir` offsets.
//!
//! Each entry gets a cookie when inserted and keeps it until removed, so an
//! offset handed out by `getdents` stays valid while other entries come and
//! go: removals skip nothing, insertions show up at the end.

use alloc::{
    collections::BTreeMap,
    string::{String, ToString},
    sync::Arc,
    vec::Vec,
};

use axfs_ng_vfs::NodeType;

use super::Inode;

/// First child cookie; offsets 0 and 1 are `.` and `..`.
const FIRST_COOKIE: u64 = 2;

pub(crate) struct Children {
    by_name: BTreeMap<String, u64>,
    by_cookie: BTreeMap<u64, (String, Arc<Inode>)>,
    next_cookie: u64,
}

/// One entry as handed to a `readdir` sink: name, inode, type and the offset
/// to resume from.
pub(crate) type DirRecord = (String, u64, NodeType, u64);

impl Children {
    pub fn new() -> Self {
        Self {
            by_name: BTreeMap::new(),
            by_cookie: BTreeMap::new(),
            next_cookie: FIRST_COOKIE,
        }
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&Arc<Inode>> {
        let cookie = self.by_name.get(name)?;
        self.by_cookie.get(cookie).map(|(_, inode)| inode)
    }

    /// Inserts `name`, replacing (and returning) any entry of that name in one
    /// step, so a concurrent lookup never finds the name missing.
    pub fn insert(&mut self, name: &str, inode: Arc<Inode>) -> Option<Arc<Inode>> {
        let old = self.remove(name);
        let cookie = self.next_cookie;
        self.next_cookie += 1;
        self.by_name.insert(name.to_string(), cookie);
        self.by_cookie.insert(cookie, (name.to_string(), inode));
        old
    }

    pub fn remove(&mut self, name: &str) -> Option<Arc<Inode>> {
        let cookie = self.by_name.remove(name)?;
        self.by_cookie.remove(&cookie).map(|(_, inode)| inode)
    }

    /// Up to `max` entries whose offset is at least `offset`.
    pub fn batch_from(&self, offset: u64, max: usize) -> Vec<DirRecord> {
        self.by_cookie
            .range(offset.max(FIRST_COOKIE)..)
            .take(max)
            .map(|(cookie, (name, inode))| (name.clone(), inode.ino, inode.node_type, cookie + 1))
            .collect()
    }
}
