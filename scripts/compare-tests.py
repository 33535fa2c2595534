#!/usr/bin/env python3
"""Compare testcase results of Linux (the oracle) with our kernel's.

    scripts/compare-tests.py LINUX_LOG KERNEL_LOG [--arch A] [--diff-lines N] [--quiet]

Both logs come from testcases/runner.sh:

    ==== BEGIN <name>
    <output>
    ==== END <name> exit=<code>

The kernel log is a serial capture: boot messages before and after, maybe '\\r\\n'
line ends and ANSI colour codes; all of that is ignored outside the markers.
Every test of the Linux log must appear in the kernel log with the same output
and exit code. Prints PASS/FAIL <arch>/<name> per test (FAIL with a short
unified diff), then a last line "N passed, N failed". Exit status: 0 when all
pass, 1 on any failure, 2 on usage errors or an empty Linux log.
"""

import argparse
import difflib
import re
import sys

BEGIN_RE = re.compile(r"==== BEGIN (\S+)\s*$")
END_RE = re.compile(r"^(.*?)==== END (\S+) exit=(-?\d+)\s*$")
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# A kernel log line ("[  8.77 0:606 api::syscall:154] ..."), printed on the
# same serial console while a test runs: not part of the test's output.
KLOG_RE = re.compile(r"^\[\s*\d+\.\d+ \d+:\d+ [\w:]+:\d+\] ")


class Result:
    def __init__(self, name):
        self.name = name
        self.lines = []
        self.exit = None  # None: no END marker (crash, hang, truncated log)


def parse(path):
    """Returns (results in log order as a dict name -> Result, warnings)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SystemExit(f"compare-tests: cannot read {path}: {e.strerror}")
    text = data.decode("utf-8", errors="replace")
    results = {}
    warnings = []
    cur = None

    def close_incomplete():
        if cur is not None and cur.name not in results:
            results[cur.name] = cur

    for raw in text.split("\n"):
        line = ANSI_RE.sub("", raw.replace("\r", ""))
        m = BEGIN_RE.search(line)
        if m and (line.startswith("==== BEGIN") or cur is None):
            if cur is not None:
                warnings.append(f"{cur.name}: no END before the next BEGIN")
                close_incomplete()
            cur = Result(m.group(1))
            continue
        if cur is None:
            continue  # boot noise
        if KLOG_RE.match(line):
            continue
        m = END_RE.match(line)
        if m and m.group(2) == cur.name:
            if m.group(1):
                cur.lines.append(m.group(1))
            cur.exit = int(m.group(3))
            if cur.name in results:
                warnings.append(f"{cur.name}: appears twice, keeping the first")
            else:
                results[cur.name] = cur
            cur = None
            continue
        cur.lines.append(line)
    if cur is not None:
        if cur.lines and cur.lines[-1] == "":
            cur.lines.pop()  # the log's final newline
        close_incomplete()
    return results, warnings


def describe_exit(code):
    if code is None:
        return "none (no END marker: crashed, hung or log truncated)"
    if code > 128:
        return f"{code} (signal {code - 128}?)"
    return str(code)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("linux_log")
    ap.add_argument("kernel_log")
    ap.add_argument("--arch", default="", help="label printed before each test name")
    ap.add_argument("--diff-lines", type=int, default=30, help="max diff lines per failure (default 30)")
    ap.add_argument("--quiet", action="store_true", help="no diffs, only PASS/FAIL lines")
    ap.add_argument("--enabled", help="file listing the tests that count (one name per line, # comments); "
                    "the others are compared and reported as NOTYET, counted in neither total")
    args = ap.parse_args()
    enabled = None
    if args.enabled:
        with open(args.enabled) as f:
            enabled = {l.split("#")[0].strip() for l in f} - {""}

    linux, lwarn = parse(args.linux_log)
    kernel, kwarn = parse(args.kernel_log)
    prefix = f"{args.arch}/" if args.arch else ""
    for w in lwarn:
        print(f"warning: Linux log: {w}")
    for w in kwarn:
        print(f"warning: kernel log: {w}")
    if not linux:
        print(f"compare-tests: no tests in the Linux log {args.linux_log}")
        print("0 passed, 0 failed")
        return 2

    passed = failed = 0
    notyet = notyet_ok = 0
    for name, ref in linux.items():
        got = kernel.get(name)
        label = prefix + name
        if enabled is not None and name not in enabled:
            notyet += 1
            ok = got is not None and got.lines == ref.lines and got.exit == ref.exit
            notyet_ok += ok
            print(f"NOTYET {label}: {'would pass' if ok else 'fails'} (not in {args.enabled})")
            continue
        if ref.exit is None:
            print(f"warning: Linux log: {name} has no END marker; comparing what there is")
        if got is None:
            failed += 1
            print(f"FAIL {label}: missing from the kernel log")
            continue
        if got.lines == ref.lines and got.exit == ref.exit:
            passed += 1
            print(f"PASS {label}")
            continue
        failed += 1
        why = []
        if got.exit != ref.exit:
            why.append(f"exit {describe_exit(got.exit)}, Linux {describe_exit(ref.exit)}")
        if got.lines != ref.lines:
            why.append("output differs")
        print(f"FAIL {label}: " + "; ".join(why))
        if args.quiet or got.lines == ref.lines:
            continue
        diff = list(difflib.unified_diff(ref.lines, got.lines, "linux", "kernel", n=2, lineterm=""))
        for d in diff[: args.diff_lines]:
            print("    " + d)
        if len(diff) > args.diff_lines:
            print(f"    ... ({len(diff) - args.diff_lines} more diff lines)")

    extra = [n for n in kernel if n not in linux]
    if extra:
        print(f"note: {len(extra)} test(s) only in the kernel log (ignored): {' '.join(extra[:10])}")
    if enabled is not None:
        missing = sorted(enabled - set(linux))
        for name in missing:
            failed += 1
            print(f"FAIL {prefix}{name}: enabled but not in the Linux log")
        print(f"not enabled yet: {notyet} test(s), {notyet_ok} of them passing now "
              f"(add those to {args.enabled})")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
