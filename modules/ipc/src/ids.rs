//! The ids of one IPC family (Linux's ipc_ids): an object's id is its slot
//! index plus a sequence number times [`IPCMNI`], so a stale id of a
//! removed object does not reach the next object in the same slot.
//!
//! Slots are handed out cyclically inside a window that grows with the
//! number of objects, and the sequence number advances when the cursor
//! wraps (Linux's ipc_idr_alloc without CONFIG_CHECKPOINT_RESTORE's
//! next_id).

use alloc::collections::BTreeMap;

use crate::IPC_PRIVATE;
use crate::perm::Perm;

/// Slots per family; an id's low bits.
pub const IPCMNI: usize = 1 << IPCMNI_SHIFT;
const IPCMNI_SHIFT: u32 = 15;
/// Sequence numbers run in [0, SEQ_MAX).
const SEQ_MAX: u32 = (i32::MAX as u32) >> IPCMNI_SHIFT;
/// The smallest window slots cycle in (Linux's ipc_min_cycle).
const MIN_CYCLE: usize = 64;

/// Why a lookup failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    /// No such object (EINVAL): an empty slot or a stale sequence number.
    Invalid,
    /// All slots allowed are taken (ENOSPC).
    Full,
}

/// One object and its permissions.
#[derive(Debug)]
pub struct Entry<T> {
    pub perm: Perm,
    pub obj: T,
}

pub struct Ids<T> {
    slots: BTreeMap<usize, Entry<T>>,
    keys: BTreeMap<i32, usize>,
    seq: u32,
    /// The slot handed out last; the next search starts after it.
    last: Option<usize>,
}

impl<T> Default for Ids<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The slot index of an id.
pub fn index_of(id: i32) -> usize {
    id as usize & (IPCMNI - 1)
}

impl<T> Ids<T> {
    pub const fn new() -> Self {
        Ids {
            slots: BTreeMap::new(),
            keys: BTreeMap::new(),
            seq: 0,
            last: None,
        }
    }

    /// Objects in use.
    pub fn in_use(&self) -> usize {
        self.slots.len()
    }

    /// The highest slot in use, -1 when none (IPC_INFO's return value).
    pub fn max_index(&self) -> i32 {
        self.slots.keys().next_back().map_or(-1, |&i| i as i32)
    }

    /// The id of the object with `key` (never IPC_PRIVATE).
    pub fn find_key(&self, key: i32) -> Option<i32> {
        self.keys.get(&key).map(|i| self.slots[i].perm.id)
    }

    /// Adds an object unless `limit` objects exist; `perm.id` and
    /// `perm.seq` are filled in. Returns the new id.
    pub fn add(&mut self, mut perm: Perm, obj: T, limit: usize) -> Result<i32, IdError> {
        let limit = limit.min(IPCMNI);
        if self.slots.len() >= limit {
            return Err(IdError::Full);
        }
        let window = (self.slots.len() * 3 / 2).clamp(MIN_CYCLE, IPCMNI);
        let start = self.last.map_or(0, |l| l + 1);
        let idx = (start..window)
            .chain(0..start.min(window))
            .find(|i| !self.slots.contains_key(i))
            .ok_or(IdError::Full)?;
        if self.last.is_some_and(|l| idx <= l) {
            self.seq += 1;
            if self.seq >= SEQ_MAX {
                self.seq = 0;
            }
        }
        self.last = Some(idx);
        perm.seq = self.seq as u16;
        perm.id = ((self.seq << IPCMNI_SHIFT) as usize + idx) as i32;
        if perm.key != IPC_PRIVATE {
            self.keys.insert(perm.key, idx);
        }
        let id = perm.id;
        self.slots.insert(idx, Entry { perm, obj });
        Ok(id)
    }

    /// The object with exactly this id (ipc_obtain_object_check).
    pub fn get(&self, id: i32) -> Result<&Entry<T>, IdError> {
        match self.slots.get(&index_of(id)) {
            Some(e) if id >= 0 && e.perm.id == id => Ok(e),
            _ => Err(IdError::Invalid),
        }
    }

    pub fn get_mut(&mut self, id: i32) -> Result<&mut Entry<T>, IdError> {
        match self.slots.get_mut(&index_of(id)) {
            Some(e) if id >= 0 && e.perm.id == id => Ok(e),
            _ => Err(IdError::Invalid),
        }
    }

    /// The object in the slot `index` names, whatever its sequence number
    /// (the *_STAT commands, which take a slot index).
    pub fn get_by_index(&self, index: i32) -> Result<&Entry<T>, IdError> {
        self.slots.get(&index_of(index)).ok_or(IdError::Invalid)
    }

    /// Removes the object; its slot may be reused.
    pub fn remove(&mut self, id: i32) -> Option<Entry<T>> {
        self.get(id).ok()?;
        let e = self.slots.remove(&index_of(id))?;
        if e.perm.key != IPC_PRIVATE {
            self.keys.remove(&e.perm.key);
        }
        Some(e)
    }

    /// The key stops finding the object, which reads back as IPC_PRIVATE
    /// (a shared memory segment marked for destruction).
    pub fn set_key_private(&mut self, id: i32) {
        if let Ok(e) = self.get_mut(id) {
            let key = core::mem::replace(&mut e.perm.key, IPC_PRIVATE);
            if key != IPC_PRIVATE {
                self.keys.remove(&key);
            }
        }
    }

    /// The objects in slot order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry<T>> {
        self.slots.values()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Entry<T>> {
        self.slots.values_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perm::Creds;

    fn perm(key: i32) -> Perm {
        Perm::new(key, 0o600, &Creds::root())
    }

    #[test]
    fn ids_cycle_and_sequence_advances_on_wrap() {
        let mut ids = Ids::new();
        let a = ids.add(perm(0), (), 10).unwrap();
        let b = ids.add(perm(0), (), 10).unwrap();
        assert_eq!((a, b), (0, 1));
        ids.remove(a).unwrap();
        // Slot 0 is free, but the cursor goes on first.
        let c = ids.add(perm(0), (), 10).unwrap();
        assert_eq!(c, 2);
        ids.remove(b).unwrap();
        let mut last = c;
        while index_of(last) != MIN_CYCLE - 1 {
            ids.remove(last).unwrap();
            last = ids.add(perm(0), (), 10).unwrap();
        }
        ids.remove(last).unwrap();
        // The cursor wraps: slot 0 again, with the next sequence number.
        let wrapped = ids.add(perm(0), (), 10).unwrap();
        assert_eq!(wrapped, IPCMNI as i32);
        assert_eq!(ids.get(a).unwrap_err(), IdError::Invalid);
        assert!(ids.get(wrapped).is_ok());
        assert!(ids.get_by_index(0).is_ok());
        assert_eq!(ids.get(wrapped).unwrap().perm.seq, 1);
        assert_eq!(ids.max_index(), 0);
    }

    #[test]
    fn window_grows_with_objects() {
        let mut ids = Ids::new();
        for _ in 0..100 {
            ids.add(perm(0), (), 200).unwrap();
        }
        assert_eq!(ids.max_index(), 99);
        assert_eq!(ids.add(perm(0), (), 101).map(index_of_ok), Ok(100));
        assert_eq!(ids.add(perm(0), (), 101), Err(IdError::Full));
    }

    fn index_of_ok(id: i32) -> usize {
        index_of(id)
    }

    #[test]
    fn limit_and_keys() {
        let mut ids = Ids::new();
        let id = ids.add(perm(42), 7, 1).unwrap();
        assert_eq!(ids.add(perm(43), 8, 1), Err(IdError::Full));
        assert_eq!(ids.find_key(42), Some(id));
        ids.set_key_private(id);
        assert_eq!(ids.find_key(42), None);
        assert_eq!(ids.get(id).unwrap().perm.key, IPC_PRIVATE);
        assert_eq!(ids.remove(id).unwrap().obj, 7);
        assert_eq!(ids.in_use(), 0);
        assert_eq!(ids.max_index(), -1);
        assert!(ids.get(-1).is_err());
    }

    #[test]
    fn private_keys_are_never_found() {
        let mut ids: Ids<()> = Ids::new();
        ids.add(perm(IPC_PRIVATE), (), 10).unwrap();
        assert_eq!(ids.find_key(IPC_PRIVATE), None);
    }
}
