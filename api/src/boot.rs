//! The kernel command line as the personality keeps it: the text of
//! /proc/cmdline and what it asks of init (`init=`, init's argv and
//! environment, split by the `cmdline` module as Linux does).

use alloc::string::String;

use spin::Once;

static CMDLINE: Once<String> = Once::new();

/// Keeps the boot command line; the first call wins.
pub fn set(line: &str) {
    CMDLINE.call_once(|| line.into());
}

/// /proc/cmdline: the whole line, followed by a newline as on Linux.
pub fn proc_text() -> String {
    let mut text = CMDLINE.get().cloned().unwrap_or_default();
    text.push('\n');
    text
}
