//! Futex keys: which futex word a user address names (Linux's
//! get_futex_key). A private futex is the address in the caller's address
//! space; a shared one on a shared mapping is the page of the object behind
//! it (file, shared memory) plus the offset, so that processes mapping the
//! same page at any address meet (an object's identity is its device and
//! inode, the same for every mapping of it); on a private mapping it is again the
//! address space and address, kept apart from private-futex users of the
//! same word as Linux keeps them apart (FUT_OFF_MMSHARED).

use alloc::sync::Arc;

use axsync::Mutex;
use mm::aspace::{AddrSpace, PageSource, Source};
use mm::{PAGE_SIZE, Prot, page_floor};

use crate::errno::{Errno, SysResult};
use crate::task::current_process;
use crate::uaccess::check_user_buffer;

/// The identity of a futex word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyId {
    Mm {
        mm: usize,
        addr: usize,
        shared: bool,
    },
    Object {
        /// (device, inode) of the object; the offset in it.
        object: (u64, u64),
        offset: u64,
    },
}

/// What keeps a key's identity from being reused while waiters hold it.
#[derive(Clone)]
enum Anchor {
    Mm(#[allow(dead_code)] Arc<Mutex<AddrSpace>>),
    Object(#[allow(dead_code)] Arc<dyn PageSource>),
}

/// A futex key and what keeps it unique.
#[derive(Clone)]
pub struct Key {
    pub id: KeyId,
    _anchor: Anchor,
}

/// The key of the word at `addr`; `write` when the operation will modify
/// it (WAKE_OP's second word). EINVAL when unaligned, EFAULT when outside
/// user space or, for a shared futex, not mapped with the needed access.
pub fn key_of(addr: usize, private: bool, write: bool) -> SysResult<Key> {
    if !addr.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    check_user_buffer(addr, 4)?;
    let aspace = current_process().aspace();
    let mm = Arc::as_ptr(&aspace) as usize;
    let shared_object = if private {
        None
    } else {
        let space = aspace.lock();
        let vma = space.vmas().find(addr).ok_or(Errno::EFAULT)?;
        let access = if write { Prot::WRITE } else { Prot::READ };
        if !vma.prot.allows(access) {
            return Err(Errno::EFAULT);
        }
        // Linux looks the page up for writing first, which makes a private
        // page of a writable area the process's own (keyed by address);
        // in a read-only area it finds the file's page (keyed by the file)
        // or, for anonymous memory never written, the shared zero page,
        // which no key names: EFAULT.
        let writable = vma.prot.allows(Prot::WRITE);
        match &vma.backing.source {
            Source::File { file, offset } if vma.backing.shared || !writable => {
                Some((file.clone(), offset + (addr - vma.start) as u64))
            }
            Source::Anonymous if !writable && !space.resident(page_floor(addr), PAGE_SIZE)[0] => {
                return Err(Errno::EFAULT);
            }
            _ => None,
        }
    };
    Ok(match shared_object {
        Some((file, offset)) => Key {
            id: KeyId::Object {
                object: file.object_id(),
                offset,
            },
            _anchor: Anchor::Object(file),
        },
        None => Key {
            id: KeyId::Mm {
                mm,
                addr,
                shared: !private,
            },
            _anchor: Anchor::Mm(aspace),
        },
    })
}
