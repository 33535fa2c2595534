//! How a syscall is shown: its arguments' kinds and its result's form. Each
//! entry of the syscall table (`crate::syscall`) carries one; a call without
//! one is shown with six raw arguments.

use super::args::Arg;

/// How a result is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ret {
    /// Signed decimal.
    Int,
    /// Hex (addresses: brk, mmap).
    Hex,
    /// `022` (umask).
    Octal,
    /// `0`: execve's success, whatever register the new program starts with.
    Exec,
    /// `?`: the call does not return (exit); the line is printed before it.
    NoReturn,
    /// fcntl's F_GETFD/F_GETFL results with their flags spelled out.
    Fcntl,
    /// PR_GET_DUMPABLE's `1 (SUID_DUMP_USER)`.
    Prctl,
    /// The ready fds after the count (`0 (Timeout)`), and for ppoll and
    /// pselect6 the time left (poll and select are x86_64's legacy calls).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Poll,
    Ppoll,
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Select,
    Pselect,
}

#[derive(Clone, Copy)]
pub struct Spec {
    pub args: &'static [Arg],
    pub ret: Ret,
    /// The number of arguments shown, when it depends on their values.
    pub argc: Option<fn(&[usize; 6]) -> usize>,
}

impl Spec {
    pub const fn new(args: &'static [Arg]) -> Self {
        Self {
            args,
            ret: Ret::Int,
            argc: None,
        }
    }

    pub const fn ret(self, ret: Ret) -> Self {
        Self { ret, ..self }
    }

    pub const fn argc(self, argc: fn(&[usize; 6]) -> usize) -> Self {
        Self {
            argc: Some(argc),
            ..self
        }
    }

    /// How many arguments this call shows.
    pub fn count(&self, a: &[usize; 6]) -> usize {
        self.argc
            .map_or(self.args.len(), |f| f(a))
            .min(self.args.len())
    }
}
