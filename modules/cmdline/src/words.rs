//! Words of the command line, as Linux's `next_arg` cuts them.

use alloc::{format, string::String};

/// The separators of `isspace` (ASCII only: cutting inside a UTF-8
/// sequence would not be a string any more).
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// One word: `key` alone, or `key=value` with the value's quotes removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    pub key: &'a str,
    pub value: Option<&'a str>,
}

/// Every word of `cmdline`.
pub fn words(cmdline: &str) -> impl Iterator<Item = Word<'_>> {
    let mut rest = cmdline;
    core::iter::from_fn(move || {
        let (word, after) = Word::next(rest)?;
        rest = after;
        Some(word)
    })
}

impl<'a> Word<'a> {
    /// The first word of `s` and what follows it, or `None` at the end.
    ///
    /// Spaces inside double quotes do not end a word; a word that starts
    /// with a quote loses it and its closing quote, and so does a value
    /// (`key="a b"` is `key` = `a b`).
    pub fn next(s: &'a str) -> Option<(Self, &'a str)> {
        let s = s.trim_start_matches(is_space);
        if s.is_empty() {
            return None;
        }
        let bytes = s.as_bytes();
        let quoted = bytes[0] == b'"';
        let start = usize::from(quoted);
        let mut in_quote = quoted;
        let mut equals = None;
        let mut end = start;
        while end < bytes.len() {
            let c = bytes[end];
            if !in_quote && is_space(c as char) {
                break;
            }
            // A '=' first in the word is not a separator (Linux keeps
            // looking: `equals == 0` means "none yet").
            if equals.is_none() && c == b'=' && end > start {
                equals = Some(end);
            }
            if c == b'"' {
                in_quote = !in_quote;
            }
            end += 1;
        }
        let rest = &s[end..];
        let mut stop = end;
        let mut cut = false;
        let (key, value_start) = match equals {
            Some(eq) => {
                let mut v = eq + 1;
                if bytes.get(v) == Some(&b'"') {
                    v += 1;
                    if bytes[stop - 1] == b'"' {
                        stop -= 1;
                        cut = true;
                    }
                }
                (&s[start..eq], Some(v))
            }
            None => ("", None),
        };
        if quoted && !cut && stop > start && bytes[stop - 1] == b'"' {
            stop -= 1;
        }
        let word = match value_start {
            Some(v) => Word {
                key,
                value: Some(if v <= stop { &s[v..stop] } else { "" }),
            },
            None => Word {
                key: &s[start..stop],
                value: None,
            },
        };
        Some((word, rest))
    }

    /// The lone `--` that ends the kernel's part.
    pub fn is_dashes(&self) -> bool {
        self.key == "--" && self.value.is_none()
    }

    /// The word as init sees it: `key=value` (quotes gone) or `key`.
    pub fn joined(&self) -> String {
        match self.value {
            Some(v) => format!("{}={v}", self.key),
            None => String::from(self.key),
        }
    }
}
