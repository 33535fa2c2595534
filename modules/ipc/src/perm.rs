//! Ownership and mode bits of an IPC object, checked as Linux's ipcperms.

use alloc::vec::Vec;

/// Who is asking: the credentials the checks look at.
#[derive(Debug, Clone, Default)]
pub struct Creds {
    pub euid: u32,
    pub egid: u32,
    /// Supplementary groups.
    pub groups: Vec<u32>,
    /// CAP_IPC_OWNER: bypasses the mode bits.
    pub ipc_owner: bool,
    /// CAP_SYS_ADMIN: may IPC_SET and IPC_RMID objects it does not own.
    pub sys_admin: bool,
    /// CAP_SYS_RESOURCE: may raise a message queue above MSGMNB.
    pub sys_resource: bool,
}

impl Creds {
    /// The superuser, which every process is until credentials exist.
    pub fn root() -> Self {
        Creds {
            ipc_owner: true,
            sys_admin: true,
            sys_resource: true,
            ..Default::default()
        }
    }

    fn in_group(&self, gid: u32) -> bool {
        self.egid == gid || self.groups.contains(&gid)
    }
}

/// The permission part of an object (Linux's kern_ipc_perm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Perm {
    pub key: i32,
    /// The full id: sequence number and index.
    pub id: i32,
    pub seq: u16,
    pub uid: u32,
    pub gid: u32,
    pub cuid: u32,
    pub cgid: u32,
    /// The low nine bits are rwx for owner, group, others; the higher bits
    /// are family flags (SHM_DEST, SHM_LOCKED).
    pub mode: u32,
}

/// An id of -1 (`(uid_t)-1`) maps to no user (Linux's !uid_valid).
const INVALID_ID: u32 = u32::MAX;

impl Perm {
    /// A new object's permissions: owned and created by the caller.
    pub fn new(key: i32, mode: u32, creds: &Creds) -> Self {
        Perm {
            key,
            id: -1,
            seq: 0,
            uid: creds.euid,
            gid: creds.egid,
            cuid: creds.euid,
            cgid: creds.egid,
            mode: mode & 0o777,
        }
    }

    /// Whether `creds` may access the object as `flag` asks: its low nine
    /// bits, any class's bits meaning "this access". The class is owner
    /// when the caller is the creator or the owner, else group when either
    /// group matches, else others; CAP_IPC_OWNER bypasses the bits.
    pub fn allows(&self, creds: &Creds, flag: u32) -> bool {
        let requested = ((flag >> 6) | (flag >> 3) | flag) & 0o7;
        let mut granted = self.mode;
        if creds.euid == self.cuid || creds.euid == self.uid {
            granted >>= 6;
        } else if creds.in_group(self.cgid) || creds.in_group(self.gid) {
            granted >>= 3;
        }
        requested & !granted & 0o7 == 0 || creds.ipc_owner
    }

    /// Whether `creds` may change or remove the object (IPC_SET, IPC_RMID):
    /// its creator, its owner, or CAP_SYS_ADMIN.
    pub fn may_change(&self, creds: &Creds) -> bool {
        creds.euid == self.cuid || creds.euid == self.uid || creds.sys_admin
    }

    /// IPC_SET: the new owner and the permission bits (the family flags
    /// stay). `None` when an id is -1, which names no user or group.
    pub fn update(&mut self, uid: u32, gid: u32, mode: u32) -> Option<()> {
        if uid == INVALID_ID || gid == INVALID_ID {
            return None;
        }
        self.uid = uid;
        self.gid = gid;
        self.mode = (self.mode & !0o777) | (mode & 0o777);
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(uid: u32, gid: u32) -> Creds {
        Creds {
            euid: uid,
            egid: gid,
            ..Default::default()
        }
    }

    #[test]
    fn classes_choose_their_bits() {
        let owner = user(1000, 100);
        let mut p = Perm::new(5, 0o640, &owner);
        assert!(p.allows(&owner, 0o600));
        assert!(p.allows(&owner, 0o444));
        assert!(!p.allows(&owner, 0o100));
        let member = user(1001, 100);
        assert!(p.allows(&member, 0o444));
        assert!(!p.allows(&member, 0o222));
        let other = user(1002, 200);
        assert!(!p.allows(&other, 0o444));
        assert!(p.allows(&other, 0));
        // Supplementary groups count for the group class.
        let mut sup = user(1003, 300);
        sup.groups.push(100);
        assert!(p.allows(&sup, 0o400));
        // The creator keeps the owner class after a change of owner.
        p.update(1002, 200, 0o600).unwrap();
        assert!(p.allows(&owner, 0o600));
        assert!(p.allows(&other, 0o600));
        assert!(!p.allows(&member, 0o400));
    }

    #[test]
    fn capabilities_bypass() {
        let owner = user(1000, 100);
        let p = Perm::new(0, 0, &owner);
        assert!(!p.allows(&owner, 0o400));
        assert!(p.allows(&Creds::root(), 0o666));
        assert!(!p.may_change(&user(7, 7)));
        assert!(p.may_change(&owner));
        assert!(p.may_change(&Creds::root()));
    }

    #[test]
    fn update_keeps_family_flags_and_rejects_minus_one() {
        let mut p = Perm::new(0, 0o600, &Creds::root());
        p.mode |= 0o1000;
        assert!(p.update(u32::MAX, 0, 0o644).is_none());
        p.update(3, 4, 0o7644).unwrap();
        assert_eq!(p.mode, 0o1644);
        assert_eq!((p.uid, p.gid, p.cuid), (3, 4, 0));
    }
}
