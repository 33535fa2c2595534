//! The uapi structures of System V IPC on 64-bit Linux. `ipc64_perm`,
//! `shmid64_ds` and `msqid64_ds` are the same on x86_64 and riscv64;
//! `semid64_ds` is not: x86_64 keeps padding words after each time.
//! Every structure spells out its padding so that nothing uninitialised
//! reaches user memory.

use ::ipc::Perm;

use crate::uaccess::Pod;

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct Ipc64Perm {
    pub key: i32,
    pub uid: u32,
    pub gid: u32,
    pub cuid: u32,
    pub cgid: u32,
    pub mode: u32,
    pub seq: u16,
    pub pad2: u16,
    pub pad3: u32,
    pub unused1: u64,
    pub unused2: u64,
}

impl From<&Perm> for Ipc64Perm {
    fn from(p: &Perm) -> Self {
        Ipc64Perm {
            key: p.key,
            uid: p.uid,
            gid: p.gid,
            cuid: p.cuid,
            cgid: p.cgid,
            mode: p.mode,
            seq: p.seq,
            ..Default::default()
        }
    }
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct ShmidDs {
    pub perm: Ipc64Perm,
    pub segsz: u64,
    pub atime: i64,
    pub dtime: i64,
    pub ctime: i64,
    pub cpid: i32,
    pub lpid: i32,
    pub nattch: u64,
    pub unused4: u64,
    pub unused5: u64,
}

#[cfg(target_arch = "x86_64")]
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct SemidDs {
    pub perm: Ipc64Perm,
    pub otime: i64,
    pub unused1: u64,
    pub ctime: i64,
    pub unused2: u64,
    pub nsems: u64,
    pub unused3: u64,
    pub unused4: u64,
}

#[cfg(not(target_arch = "x86_64"))]
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct SemidDs {
    pub perm: Ipc64Perm,
    pub otime: i64,
    pub ctime: i64,
    pub nsems: u64,
    pub unused3: u64,
    pub unused4: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct MsqidDs {
    pub perm: Ipc64Perm,
    pub stime: i64,
    pub rtime: i64,
    pub ctime: i64,
    pub cbytes: u64,
    pub qnum: u64,
    pub qbytes: u64,
    pub lspid: i32,
    pub lrpid: i32,
    pub unused4: u64,
    pub unused5: u64,
}

/// shmctl(IPC_INFO): struct shminfo64.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct ShmInfo64 {
    pub shmmax: u64,
    pub shmmin: u64,
    pub shmmni: u64,
    pub shmseg: u64,
    pub shmall: u64,
    pub unused: [u64; 4],
}

/// shmctl(SHM_INFO): struct shm_info.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct ShmInfo {
    pub used_ids: i32,
    pub pad: u32,
    pub shm_tot: u64,
    pub shm_rss: u64,
    pub shm_swp: u64,
    pub swap_attempts: u64,
    pub swap_successes: u64,
}

/// semctl(IPC_INFO, SEM_INFO): struct seminfo.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct SemInfo {
    pub semmap: i32,
    pub semmni: i32,
    pub semmns: i32,
    pub semmnu: i32,
    pub semmsl: i32,
    pub semopm: i32,
    pub semume: i32,
    pub semusz: i32,
    pub semvmx: i32,
    pub semaem: i32,
}

/// msgctl(IPC_INFO, MSG_INFO): struct msginfo.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct MsgInfo {
    pub msgpool: i32,
    pub msgmap: i32,
    pub msgmax: i32,
    pub msgmnb: i32,
    pub msgmni: i32,
    pub msgssz: i32,
    pub msgtql: i32,
    pub msgseg: u16,
    pub pad: u16,
}

/// struct sembuf.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct SemBuf {
    pub num: u16,
    pub op: i16,
    pub flg: i16,
}

// SAFETY: plain integers with every padding byte a named field; any bit
// pattern is a valid value.
unsafe impl Pod for Ipc64Perm {}
// SAFETY: as above.
unsafe impl Pod for ShmidDs {}
// SAFETY: as above.
unsafe impl Pod for SemidDs {}
// SAFETY: as above.
unsafe impl Pod for MsqidDs {}
// SAFETY: as above.
unsafe impl Pod for ShmInfo64 {}
// SAFETY: as above.
unsafe impl Pod for ShmInfo {}
// SAFETY: as above.
unsafe impl Pod for SemInfo {}
// SAFETY: as above.
unsafe impl Pod for MsgInfo {}
// SAFETY: as above.
unsafe impl Pod for SemBuf {}

const _: () = {
    assert!(size_of::<Ipc64Perm>() == 48);
    assert!(size_of::<ShmidDs>() == 112);
    assert!(size_of::<MsqidDs>() == 120);
    #[cfg(target_arch = "x86_64")]
    assert!(size_of::<SemidDs>() == 104);
    #[cfg(not(target_arch = "x86_64"))]
    assert!(size_of::<SemidDs>() == 88);
    assert!(size_of::<ShmInfo64>() == 72);
    assert!(size_of::<ShmInfo>() == 48);
    assert!(size_of::<SemInfo>() == 40);
    assert!(size_of::<MsgInfo>() == 32);
    assert!(size_of::<SemBuf>() == 6);
};
