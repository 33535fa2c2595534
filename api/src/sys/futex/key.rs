//! Futex keys: which futex word a user address names (Linux's
//! get_futex_key). A private futex is the address in the caller's address
//! space; a shared one on a shared mapping is the page of the object behind
//! it (file, shared memory) plus the offset, so that processes mapping the
//! same page at any address meet; on a private mapping it is again the
//! address space and address, kept apart from private-futex users of the
//! same word as Linux keeps them apart (FUT_OFF_MMSHARED).

use alloc::sync::Arc;

use axsync::Mutex;
use mm::Prot;
use mm::aspace::{AddrSpace, PageSource, Source};

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
        object: usize,
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
        match &vma.backing.source {
            Source::File { file, offset } if vma.backing.shared => {
                Some((file.clone(), offset + (addr - vma.start) as u64))
            }
            _ => None,
        }
    };
    Ok(match shared_object {
        Some((file, offset)) => Key {
            id: KeyId::Object {
                object: Arc::as_ptr(&file) as *const () as usize,
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
