//! shmget, shmat, shmdt, shmctl and /proc/sysvipc/shm.
//!
//! A segment's memory is a `mm::shmem::SharedMemory`, the page source of
//! MAP_SHARED|MAP_ANONYMOUS; an attachment is a shared mapping of it
//! through [`ShmPages`]. Every area mapping a segment (after munmap or
//! mprotect split one, or fork copied it) holds one reference to the
//! segment's `ShmPages`, so its strong count is Linux's shm_nattch, and
//! dropping the last one (shmdt, munmap, exec, exit) is the last detach,
//! which destroys a segment marked by IPC_RMID.

use alloc::format;
use alloc::string::String;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::any::Any;

use ::ipc::ids::Entry;
use ::ipc::{Ids, Perm};
use axsync::Mutex;
use memory_addr::PhysAddr;
use mm::aspace::{Mapping, PageError, PageSource, Source, SourceIdentity};
use mm::shmem::SharedMemory;
use mm::{PAGE_SIZE, Prot};

use super::IdResult;
use super::uapi::{Ipc64Perm, ShmInfo, ShmInfo64, ShmidDs};
use super::{IPC_INFO, IPC_RMID, IPC_SET, IPC_STAT, S_IRUGO, S_IWUGO};
use crate::errno::{Errno, SysResult};
use crate::sys::mm::MMAP_MIN;
use crate::task::{MMAP_TOP, current_process};
use crate::uaccess::UserPtr;

const SHMMIN: usize = 1;
/// Linux's SHMMAX and SHMALL: ULONG_MAX - 2^24 (bytes, pages).
const SHMMAX: usize = usize::MAX - (1 << 24);
const SHMALL: usize = SHMMAX;
const SHMMNI: usize = 4096;
/// Attach addresses are multiples of this (SHMLBA is a page on both).
const SHMLBA: usize = PAGE_SIZE;

const SHM_HUGETLB: i32 = 0o4000;
const SHM_RDONLY: i32 = 0o10000;
const SHM_RND: i32 = 0o20000;
const SHM_REMAP: i32 = 0o40000;
const SHM_EXEC: i32 = 0o100000;

/// Mode bits: marked for destruction, locked in memory.
const SHM_DEST: u32 = 0o1000;
const SHM_LOCKED: u32 = 0o2000;

const SHM_LOCK: i32 = 11;
const SHM_UNLOCK: i32 = 12;
const SHM_STAT: i32 = 13;
const SHM_INFO: i32 = 14;
const SHM_STAT_ANY: i32 = 15;

struct Segment {
    mem: Arc<SharedMemory>,
    size: usize,
    atime: i64,
    dtime: i64,
    ctime: i64,
    cpid: i32,
    lpid: i32,
    /// The attachments' page source while any area maps the segment.
    attached: Weak<ShmPages>,
}

impl Segment {
    fn nattch(&self) -> usize {
        self.attached.strong_count()
    }
}

struct Shm {
    ids: Ids<Segment>,
    /// Pages of all segments (Linux's shm_tot).
    pages: usize,
}

static SHM: Mutex<Shm> = Mutex::new(Shm {
    ids: Ids::new(),
    pages: 0,
});

/// The pages of an attached segment, as its areas map them.
struct ShmPages {
    id: i32,
    key: i32,
    /// The segment's size (shmdt's reach).
    size: usize,
    mem: Arc<SharedMemory>,
}

impl PageSource for ShmPages {
    fn read_page(&self, offset: u64, page: &mut [u8]) -> Result<(), PageError> {
        self.mem.read_page(offset, page)
    }

    fn share_page(
        &self,
        offset: u64,
        write: bool,
        install: &mut dyn FnMut(PhysAddr),
    ) -> Result<(), PageError> {
        self.mem.share_page(offset, write, install)
    }

    fn object_id(&self) -> (u64, u64) {
        self.mem.object_id()
    }

    /// As Linux's /proc/<pid>/maps shows a segment: its name from the key
    /// at creation, the id as the inode.
    fn identity(&self) -> SourceIdentity {
        SourceIdentity {
            path: format!("/SYSV{:08x} (deleted)", self.key),
            device: 1,
            inode: self.id as u64,
        }
    }

    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
}

impl Drop for ShmPages {
    /// The last area mapping the segment is gone.
    fn drop(&mut self) {
        let dead = {
            let mut shm = SHM.lock();
            let Ok(e) = shm.ids.get_mut(self.id) else {
                return;
            };
            e.obj.dtime = super::now();
            if let Some(t) = crate::task::try_current_thread() {
                e.obj.lpid = t.process.pid;
            }
            // A new attachment may have begun meanwhile.
            if e.perm.mode & SHM_DEST != 0 && e.obj.nattch() == 0 {
                destroy(&mut shm, self.id)
            } else {
                None
            }
        };
        // The memory is freed outside the lock.
        drop(dead);
    }
}

fn destroy(shm: &mut Shm, id: i32) -> Option<Entry<Segment>> {
    let e = shm.ids.remove(id)?;
    shm.pages -= e.obj.size.div_ceil(PAGE_SIZE);
    Some(e)
}

pub fn sys_shmget(key: i32, size: usize, flg: i32) -> SysResult {
    let mut shm = SHM.lock();
    let shm = &mut *shm;
    let more = |e: &Entry<Segment>| {
        if e.obj.size < size {
            Err(Errno::EINVAL)
        } else {
            Ok(())
        }
    };
    let pages = &mut shm.pages;
    super::ipcget(&mut shm.ids, key, flg, more, |ids| {
        newseg(ids, pages, key, size, flg)
    })
}

/// Linux's newseg.
fn newseg(
    ids: &mut Ids<Segment>,
    total: &mut usize,
    key: i32,
    size: usize,
    flg: i32,
) -> SysResult<i32> {
    if !(SHMMIN..=SHMMAX).contains(&size) {
        return Err(Errno::EINVAL);
    }
    let pages = size.div_ceil(PAGE_SIZE);
    if total.checked_add(pages).is_none_or(|t| t > SHMALL) {
        return Err(Errno::ENOSPC);
    }
    if flg & SHM_HUGETLB != 0 {
        // No huge pages are reserved.
        return Err(Errno::ENOMEM);
    }
    let seg = Segment {
        mem: Arc::new(SharedMemory::new(size)),
        size,
        atime: 0,
        dtime: 0,
        ctime: super::now(),
        cpid: super::pid(),
        lpid: 0,
        attached: Weak::new(),
    };
    let perm = Perm::new(key, flg as u32, &super::creds());
    let id = ids.add(perm, seg, SHMMNI).sys()?;
    *total += pages;
    Ok(id)
}

pub fn sys_shmat(shmid: i32, addr: usize, flg: i32) -> SysResult {
    if shmid < 0 {
        return Err(Errno::EINVAL);
    }
    let mut addr = addr;
    if addr != 0 {
        if addr & (SHMLBA - 1) != 0 {
            if flg & SHM_RND == 0 {
                return Err(Errno::EINVAL);
            }
            addr &= !(SHMLBA - 1);
            if addr == 0 && flg & SHM_REMAP != 0 {
                return Err(Errno::EINVAL);
            }
        }
    } else if flg & SHM_REMAP != 0 {
        return Err(Errno::EINVAL);
    }
    let (mut prot, mut access) = if flg & SHM_RDONLY != 0 {
        (Prot::READ, S_IRUGO)
    } else {
        (Prot::READ | Prot::WRITE, S_IRUGO | S_IWUGO)
    };
    if flg & SHM_EXEC != 0 {
        prot |= Prot::EXEC;
        access |= 0o111;
    }
    // A read-only attachment can never be made writable (its file is open
    // O_RDONLY on Linux).
    let mut max = Prot::all();
    if flg & SHM_RDONLY != 0 {
        max.remove(Prot::WRITE);
    }
    // Taking a reference counts as an attachment while the area is made.
    let (pages, size) = {
        let mut shm = SHM.lock();
        let e = shm.ids.get_mut(shmid).sys()?;
        if !e.perm.allows(&super::creds(), access) {
            return Err(Errno::EACCES);
        }
        let seg = &mut e.obj;
        let pages = seg.attached.upgrade().unwrap_or_else(|| {
            let p = Arc::new(ShmPages {
                id: shmid,
                key: e.perm.key,
                size: seg.size,
                mem: seg.mem.clone(),
            });
            seg.attached = Arc::downgrade(&p);
            p
        });
        (pages, seg.size)
    };
    let start = map(pages, addr, size, prot, max, flg & SHM_REMAP != 0)?;
    let mut shm = SHM.lock();
    if let Ok(e) = shm.ids.get_mut(shmid) {
        e.obj.atime = super::now();
        e.obj.lpid = super::pid();
    }
    Ok(start as isize)
}

/// Maps the segment at `addr` (0: where mmap would) as do_shmat's do_mmap.
fn map(
    pages: Arc<ShmPages>,
    addr: usize,
    size: usize,
    prot: Prot,
    max: Prot,
    remap: bool,
) -> SysResult<usize> {
    let len = size.next_multiple_of(PAGE_SIZE);
    let proc = current_process();
    let space = proc.aspace();
    let mut aspace = space.lock();
    let start = if addr != 0 {
        // Without SHM_REMAP the range must be free.
        if !remap && (addr.checked_add(size).is_none() || aspace.vmas().overlaps(addr, addr + size))
        {
            return Err(Errno::EINVAL);
        }
        if len > crate::arch::TASK_SIZE || addr > crate::arch::TASK_SIZE - len {
            return Err(Errno::ENOMEM);
        }
        aspace.unmap(addr, len);
        addr
    } else {
        aspace
            .find_free(len, MMAP_MIN, MMAP_TOP)
            .ok_or(Errno::ENOMEM)?
    };
    let source = Source::File {
        file: pages,
        offset: 0,
    };
    let mapping = Mapping {
        source,
        shared: true,
    };
    aspace
        .map_with_max(start, len, prot, max, mapping)
        .map_err(|_| Errno::ENOMEM)?;
    Ok(start)
}

/// fork copied the areas of `child`: each one mapping a segment is an
/// attach made by the parent (Linux's shm_open: shm_atime, shm_lpid).
pub fn shm_forked(child: &mm::aspace::AddrSpace) {
    let ids: Vec<i32> = child
        .vmas()
        .iter()
        .filter_map(|v| shm_area(v).map(|(_, _, _, id)| id))
        .collect();
    if ids.is_empty() {
        return;
    }
    let (now, pid) = (super::now(), super::pid());
    let mut shm = SHM.lock();
    for id in ids {
        if let Ok(e) = shm.ids.get_mut(id) {
            e.obj.atime = now;
            e.obj.lpid = pid;
        }
    }
}

/// The segment an area maps (by address, to compare), the area's offset
/// in it, and the segment's size and id.
fn shm_area(v: &mm::Vma<Mapping>) -> Option<(usize, u64, usize, i32)> {
    let Source::File { file, offset } = &v.backing.source else {
        return None;
    };
    let pages = file.as_any()?.downcast_ref::<ShmPages>()?;
    Some((
        pages as *const ShmPages as usize,
        *offset,
        pages.size,
        pages.id,
    ))
}

/// Linux's ksys_shmdt: the first area at or above `addr` that maps a
/// segment from `addr` on (its offset is its distance from `addr`) is
/// unmapped, then the other such areas of the same segment within its
/// size (pieces left by munmap or mprotect). EINVAL when none is found.
pub fn sys_shmdt(addr: usize) -> SysResult {
    if addr & (PAGE_SIZE - 1) != 0 {
        return Err(Errno::EINVAL);
    }
    let proc = current_process();
    let space = proc.aspace();
    let mut aspace = space.lock();
    let mut id = -1;
    let areas: Vec<(usize, usize, usize, usize)> = aspace
        .vmas()
        .iter()
        .filter(|v| v.start >= addr)
        .filter_map(|v| shm_area(v).map(|(seg, off, size, i)| (v.start, v.end, seg, off, size, i)))
        .filter(|&(start, _, _, off, _, _)| (start - addr) as u64 == off)
        .map(|(start, end, seg, _, size, i)| {
            if id < 0 {
                id = i;
            }
            (start, end, seg, size)
        })
        .collect();
    let Some(&(_, _, seg, size)) = areas.first() else {
        return Err(Errno::EINVAL);
    };
    let size = size.next_multiple_of(PAGE_SIZE);
    let doomed: Vec<(usize, usize)> = areas
        .iter()
        .enumerate()
        .filter(|&(i, &(_, end, p, _))| i == 0 || (end - addr <= size && p == seg))
        .map(|(_, &(s, e, _, _))| (s, e))
        .collect();
    for (s, e) in doomed {
        aspace.unmap(s, e - s);
    }
    // Each detach is recorded (the last one also did it on its way out).
    if let Ok(e) = SHM.lock().ids.get_mut(id) {
        e.obj.dtime = super::now();
        e.obj.lpid = super::pid();
    }
    Ok(0)
}

pub fn sys_shmctl(shmid: i32, cmd: i32, buf: usize) -> SysResult {
    if cmd < 0 || shmid < 0 {
        return Err(Errno::EINVAL);
    }
    match cmd {
        IPC_INFO => {
            let info = ShmInfo64 {
                shmmax: SHMMAX as u64,
                shmmin: SHMMIN as u64,
                shmmni: SHMMNI as u64,
                shmseg: SHMMNI as u64,
                shmall: SHMALL as u64,
                ..Default::default()
            };
            let ret = super::max_index(&SHM.lock().ids);
            UserPtr::new(buf).write(&info)?;
            Ok(ret)
        }
        SHM_INFO => {
            let (info, ret) = {
                let shm = SHM.lock();
                let rss = shm
                    .ids
                    .iter()
                    .map(|e| e.obj.mem.resident_pages())
                    .sum::<usize>();
                let info = ShmInfo {
                    used_ids: shm.ids.in_use() as i32,
                    shm_tot: shm.pages as u64,
                    shm_rss: rss as u64,
                    ..Default::default()
                };
                (info, super::max_index(&shm.ids))
            };
            UserPtr::new(buf).write(&info)?;
            Ok(ret)
        }
        IPC_STAT | SHM_STAT | SHM_STAT_ANY => {
            let (ds, id) = {
                let shm = SHM.lock();
                let by_index = cmd != IPC_STAT;
                let e = super::stat_entry(&shm.ids, shmid, by_index, cmd == SHM_STAT_ANY)?;
                (shmid_ds(e), e.perm.id)
            };
            UserPtr::new(buf).write(&ds)?;
            Ok(if cmd == IPC_STAT { 0 } else { id as isize })
        }
        IPC_SET => {
            let ds: ShmidDs = UserPtr::new(buf).read()?;
            let mut shm = SHM.lock();
            let e = super::owner_entry(&mut shm.ids, shmid)?;
            let p = &ds.perm;
            e.perm.update(p.uid, p.gid, p.mode).ok_or(Errno::EINVAL)?;
            e.obj.ctime = super::now();
            Ok(0)
        }
        IPC_RMID => {
            let dead = {
                let mut shm = SHM.lock();
                let e = super::owner_entry(&mut shm.ids, shmid)?;
                if e.obj.nattch() != 0 {
                    // Found no more by its key; goes at the last detach.
                    e.perm.mode |= SHM_DEST;
                    shm.ids.set_key_private(shmid);
                    None
                } else {
                    destroy(&mut shm, shmid)
                }
            };
            drop(dead);
            Ok(0)
        }
        // Memory is never swapped out: only the flag changes.
        SHM_LOCK | SHM_UNLOCK => {
            let mut shm = SHM.lock();
            let e = shm.ids.get_mut(shmid).sys()?;
            if cmd == SHM_LOCK {
                e.perm.mode |= SHM_LOCKED;
            } else {
                e.perm.mode &= !SHM_LOCKED;
            }
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

fn shmid_ds(e: &Entry<Segment>) -> ShmidDs {
    let s = &e.obj;
    ShmidDs {
        perm: Ipc64Perm::from(&e.perm),
        segsz: s.size as u64,
        atime: s.atime,
        dtime: s.dtime,
        ctime: s.ctime,
        cpid: s.cpid,
        lpid: s.lpid,
        nattch: s.nattch() as u64,
        ..Default::default()
    }
}

/// /proc/sysvipc/shm, in Linux's format for 64-bit kernels.
pub fn proc_sysvipc_shm() -> String {
    let mut out = String::from(
        "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n",
    );
    let shm = SHM.lock();
    for e in shm.ids.iter() {
        let (p, s) = (&e.perm, &e.obj);
        out += &format!(
            "{:10} {:10}  {:4o} {:21} {:5} {:5}  {:5} {:5} {:5} {:5} {:5} {:10} {:10} {:10} {:21} {:21}\n",
            p.key,
            p.id,
            p.mode,
            s.size,
            s.cpid,
            s.lpid,
            s.nattch(),
            p.uid,
            p.gid,
            p.cuid,
            p.cgid,
            s.atime,
            s.dtime,
            s.ctime,
            s.mem.resident_pages() * PAGE_SIZE,
            0,
        );
    }
    out
}
