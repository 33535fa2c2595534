use alloc::{string::String, vec, vec::Vec};

use super::*;

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| String::from(*s)).collect()
}

fn word<'a>(key: &'a str, value: Option<&'a str>) -> Word<'a> {
    Word { key, value }
}

#[test]
fn words_and_quotes() {
    let w: Vec<_> = words("  a b=c d=\"e f\" \"g h\" =i j==k ").collect();
    assert_eq!(
        w,
        [
            word("a", None),
            word("b", Some("c")),
            word("d", Some("e f")),
            word("g h", None),
            word("=i", None),
            word("j", Some("=k")),
        ]
    );
}

#[test]
fn odd_quotes_never_panic() {
    for s in [
        "\"",
        "a=\"",
        "\"a=\"",
        "\"=\"",
        "x=\"\"",
        "é=\"ü",
        "\"\u{a0}\"",
    ] {
        let _ = InitParams::parse(s);
    }
    assert_eq!(words("a=\"").next(), Some(word("a", Some(""))));
    assert_eq!(words("\"a=b\"").next(), Some(word("a", Some("b"))));
}

#[test]
fn linux_split() {
    let p = InitParams::parse("console=ttyS0 quiet FOO=bar single a.b=c x.y -- FOO=baz -v");
    assert_eq!(p.init, None);
    assert_eq!(p.args, strings(&["single", "FOO=baz", "-v"]));
    assert_eq!(p.env, strings(&["FOO=bar"]));
    assert_eq!(p.dropped, 0);
}

#[test]
fn dot_only_counts_in_the_key() {
    let p = InitParams::parse("PATH=/usr/bin:/a.b");
    assert_eq!(p.env, strings(&["PATH=/usr/bin:/a.b"]));
}

#[test]
fn init_is_taken_and_drops_earlier_args() {
    let p = InitParams::parse("auto A=1 init=/bin/sh -c B=2 -- x");
    assert_eq!(p.init.as_deref(), Some("/bin/sh"));
    assert_eq!(p.args, strings(&["-c", "x"]));
    assert_eq!(p.env, strings(&["A=1", "B=2"]));
    assert_eq!(InitParams::parse("init=").init, None);
}

#[test]
fn later_env_replaces_earlier() {
    let p = InitParams::parse("A=1 B=2 A=3 A=");
    assert_eq!(p.env, strings(&["A=", "B=2"]));
}

#[test]
fn limits_drop_extra_words() {
    let mut line = String::new();
    for i in 0..40 {
        line += &alloc::format!("w{i} E{i}=1 ");
    }
    let p = InitParams::parse(&line);
    assert_eq!(p.args.len(), MAX_INIT_WORDS);
    assert_eq!(p.env.len(), MAX_INIT_WORDS);
    assert_eq!(p.dropped, 16);
}

#[test]
fn empty_and_dashes_only() {
    assert_eq!(InitParams::parse(""), InitParams::default());
    assert_eq!(InitParams::parse(" -- "), InitParams::default());
    assert_eq!(InitParams::parse("-- --"), InitParams::default());
    assert_eq!(InitParams::parse("-- a -- b").args, strings(&["a"]));
}

#[test]
fn env_merge_replaces_by_key() {
    let mut env = strings(&["HOME=/", "TERM=linux"]);
    merge_env(&mut env, &strings(&["TERM=vt100", "LANG=C"]));
    assert_eq!(env, strings(&["HOME=/", "TERM=vt100", "LANG=C"]));
}

#[test]
fn multiboot_drops_the_image_path() {
    assert_eq!(multiboot_args("/path/kernel a=b  c"), "a=b  c");
    assert_eq!(multiboot_args("/path/kernel "), "");
    assert_eq!(multiboot_args("/path/kernel"), "");
    assert_eq!(multiboot_args(""), "");
}
