//! System V IPC: shared memory (`shm`), semaphores (`sem`) and message
//! queues (`msg`), with Linux's argument checks, their order and errno
//! values (ipc/shm.c, ipc/sem.c, ipc/msg.c, ipc/util.c). The bookkeeping
//! is `modules/ipc`; this side knows the uapi structures, user memory,
//! processes and waiting.
//!
//! Each family is one registry behind one lock. One IPC namespace: there
//! are no others yet.

mod msg;
mod sem;
mod shm;
pub(crate) mod uapi;

pub use msg::{proc_sysvipc_msg, sys_msgctl, sys_msgget, sys_msgrcv, sys_msgsnd};
pub use sem::{exit_sem, proc_sysvipc_sem, sys_semctl, sys_semget, sys_semop, sys_semtimedop};
pub use shm::{proc_sysvipc_shm, shm_forked, sys_shmat, sys_shmctl, sys_shmdt, sys_shmget};

use ::ipc::ids::{Entry, IdError};
use ::ipc::{Creds, IPC_PRIVATE, Ids};

use crate::errno::{Errno, SysResult};

const IPC_CREAT: i32 = 0o1000;
const IPC_EXCL: i32 = 0o2000;
const IPC_NOWAIT: i32 = 0o4000;

const IPC_RMID: i32 = 0;
const IPC_SET: i32 = 1;
const IPC_STAT: i32 = 2;
const IPC_INFO: i32 = 3;

/// Read and write access as `ipcperms` flags.
const S_IRUGO: u32 = 0o444;
const S_IWUGO: u32 = 0o222;

/// The caller's credentials. The kernel keeps none yet: every process
/// runs as uid 0 with every capability, which is what these checks see
/// until credentials land (then: the caller's euid, egid, groups and
/// CAP_IPC_OWNER / CAP_SYS_ADMIN).
fn creds() -> Creds {
    Creds::root()
}

/// Wall-clock seconds, for the *_time fields.
fn now() -> i64 {
    axhal::time::wall_time().as_secs() as i64
}

fn pid() -> i32 {
    crate::task::current_process().pid
}

/// Registry errors as errno values.
trait IdResult<T> {
    fn sys(self) -> SysResult<T>;
}

impl<T> IdResult<T> for Result<T, IdError> {
    fn sys(self) -> SysResult<T> {
        self.map_err(|e| match e {
            IdError::Invalid => Errno::EINVAL,
            IdError::Full => Errno::ENOSPC,
        })
    }
}

/// The *get calls (Linux's ipcget): IPC_PRIVATE always creates; a key
/// finds its object unless IPC_CREAT|IPC_EXCL asks for a new one, then
/// `more_checks` (the size or count asked for) and the access `flg`
/// asks for decide; a missing key is created with IPC_CREAT, else ENOENT.
fn ipcget<T>(
    ids: &mut Ids<T>,
    key: i32,
    flg: i32,
    more_checks: impl FnOnce(&Entry<T>) -> SysResult<()>,
    create: impl FnOnce(&mut Ids<T>) -> SysResult<i32>,
) -> SysResult {
    if key == IPC_PRIVATE {
        return create(ids).map(|id| id as isize);
    }
    let Some(id) = ids.find_key(key) else {
        if flg & IPC_CREAT == 0 {
            return Err(Errno::ENOENT);
        }
        return create(ids).map(|id| id as isize);
    };
    if flg & IPC_CREAT != 0 && flg & IPC_EXCL != 0 {
        return Err(Errno::EEXIST);
    }
    let e = ids.get(id).sys()?;
    more_checks(e)?;
    if !e.perm.allows(&creds(), flg as u32) {
        return Err(Errno::EACCES);
    }
    Ok(id as isize)
}

/// The object a *_STAT command names: a slot index for SHM_STAT and its
/// kin, else an id. IPC_STAT needs read access; the *_STAT_ANY commands
/// show any object, as /proc/sysvipc does.
fn stat_entry<T>(ids: &Ids<T>, id: i32, by_index: bool, any: bool) -> SysResult<&Entry<T>> {
    let e = if by_index {
        ids.get_by_index(id).sys()?
    } else {
        ids.get(id).sys()?
    };
    if !any && !e.perm.allows(&creds(), S_IRUGO) {
        return Err(Errno::EACCES);
    }
    Ok(e)
}

/// IPC_SET and IPC_RMID: only the creator, the owner or CAP_SYS_ADMIN
/// (EPERM).
fn owner_entry<T>(ids: &mut Ids<T>, id: i32) -> SysResult<&mut Entry<T>> {
    let e = ids.get_mut(id).sys()?;
    if !e.perm.may_change(&creds()) {
        return Err(Errno::EPERM);
    }
    Ok(e)
}

/// What the *_INFO commands return: the highest slot in use, 0 when none.
fn max_index<T>(ids: &Ids<T>) -> isize {
    ids.max_index().max(0) as isize
}
