//! The kernel command line, split as Linux's `init/main.c` splits it.
//!
//! Each word is `key`, `key=value` or `key="a value"` (Linux's `next_arg`).
//! Words the kernel takes itself ([`KERNEL_PARAMS`]) stay with the kernel;
//! of the others, a word with a dot in its key is an (unused) module
//! parameter and is dropped, a `key=value` word goes to init's environment
//! (replacing an earlier one with the same key) and any other word to
//! init's argv. The words after a lone `--` go to init's argv as they are.
#![no_std]

extern crate alloc;

mod words;

use alloc::{string::String, vec::Vec};

pub use words::{Word, words};

/// The parameters the kernel consumes: `init=` (the program to run as
/// pid 1) and the boot options Linux itself would take, so a command line
/// written for Linux does not leak them to init. Matched by key.
pub const KERNEL_PARAMS: &[&str] = &[
    "init",
    "rdinit",
    "root",
    "rootfstype",
    "rootflags",
    "rootwait",
    "ro",
    "rw",
    "console",
    "earlycon",
    "earlyprintk",
    "loglevel",
    "quiet",
    "debug",
    "panic",
];

/// At most this many arguments and environment entries reach init from the
/// command line (Linux's `MAX_INIT_ARGS` and `MAX_INIT_ENVS`); more are
/// dropped and counted in [`InitParams::dropped`].
pub const MAX_INIT_WORDS: usize = 32;

/// What the command line asks of the kernel and hands to init.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InitParams {
    /// `init=`: the program to run as pid 1.
    pub init: Option<String>,
    /// init's arguments after `argv[0]`.
    pub args: Vec<String>,
    /// `key=value` entries for init's environment.
    pub env: Vec<String>,
    /// Words left out because `args` or `env` was full.
    pub dropped: usize,
}

impl InitParams {
    /// Splits `cmdline`.
    pub fn parse(cmdline: &str) -> Self {
        let mut params = Self::default();
        let mut rest = cmdline;
        while let Some((word, after)) = Word::next(rest) {
            rest = after;
            if word.is_dashes() {
                // Linux's set_init_arg: the words after `--` are arguments,
                // up to a second `--`, where Linux's parse_args stops again.
                while let Some((word, after)) = Word::next(rest) {
                    if word.is_dashes() {
                        break;
                    }
                    rest = after;
                    params.push_arg(word.joined());
                }
                break;
            }
            params.take(word);
        }
        params
    }

    /// Linux's unknown_bootoption, after the kernel had its pick.
    fn take(&mut self, word: Word<'_>) {
        if KERNEL_PARAMS.contains(&word.key) {
            if word.key == "init" {
                self.init = word.value.filter(|v| !v.is_empty()).map(String::from);
                // As Linux's init_setup: what came before `init=` was meant
                // for another loader's default, not for this init.
                self.args.clear();
            }
            return;
        }
        if word.key.contains('.') {
            return;
        }
        match word.value {
            Some(_) => self.push_env(&word),
            None => self.push_arg(word.joined()),
        }
    }

    fn push_arg(&mut self, arg: String) {
        if self.args.len() < MAX_INIT_WORDS {
            self.args.push(arg);
        } else {
            self.dropped += 1;
        }
    }

    fn push_env(&mut self, word: &Word<'_>) {
        let entry = word.joined();
        if let Some(old) = self.env.iter_mut().find(|e| env_key(e) == word.key) {
            *old = entry;
        } else if self.env.len() < MAX_INIT_WORDS {
            self.env.push(entry);
        } else {
            self.dropped += 1;
        }
    }
}

/// The key of a `key=value` environment entry.
pub fn env_key(entry: &str) -> &str {
    entry.split_once('=').map_or(entry, |(k, _)| k)
}

/// Sets each of `extra`'s entries in `env`, replacing one with the same key.
pub fn merge_env(env: &mut Vec<String>, extra: &[String]) {
    for entry in extra {
        match env.iter_mut().find(|e| env_key(e) == env_key(entry)) {
            Some(old) => old.clone_from(entry),
            None => env.push(entry.clone()),
        }
    }
}

/// The arguments of a multiboot command line: a multiboot loader (QEMU,
/// GRUB) puts the kernel image's path first, which is not part of what the
/// user passed (`-append`).
pub fn multiboot_args(cmdline: &str) -> &str {
    let s = cmdline.trim_start_matches(words::is_space);
    match s.find(words::is_space) {
        Some(end) => s[end..].trim_start_matches(words::is_space),
        None => "",
    }
}

#[cfg(test)]
mod tests;
