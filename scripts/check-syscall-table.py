#!/usr/bin/env python3
"""Checks the syscall table (api/src/syscall/) against linux-raw-sys's numbers,
per architecture, on the host:

- every entry names a syscall that architecture has (a common entry must exist
  on both), and no number is given twice (the build checks this too);
- strace's name list of each architecture (api/src/strace/arch/ARCH.rs) holds
  every __NR_* constant of linux-raw-sys's table for it, so every number the
  kernel may see, dispatched or not, prints with its name.

Prints how many calls each architecture dispatches. Exit status 1 on a problem.
Usage: scripts/check-syscall-table.py [REPO_ROOT]
"""
import glob
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
ARCHES = ("x86_64", "riscv64")


def lock_version(crate):
    text = open(os.path.join(ROOT, "Cargo.lock")).read()
    versions = re.findall(r'name = "%s"\nversion = "([^"]+)"' % re.escape(crate), text)
    if not versions:
        sys.exit(f"check-syscall-table: {crate} not in Cargo.lock")
    return max(versions)


def linux_numbers(arch):
    version = lock_version("linux-raw-sys")
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    paths = glob.glob(f"{home}/registry/src/*/linux-raw-sys-{version}/src/{arch}/general.rs")
    if not paths:
        sys.exit(f"check-syscall-table: linux-raw-sys {version} sources not found (cargo fetch)")
    text = open(paths[0]).read()
    return {m[0]: int(m[1]) for m in re.findall(r"pub const __NR_(\w+): u32 = (\d+);", text)}


def entries(path):
    return re.findall(r"call!\(__NR_(\w+)", open(os.path.join(ROOT, path)).read())


def main():
    problems = []
    common = entries("api/src/syscall/table.rs")
    for arch in ARCHES:
        numbers = linux_numbers(arch)
        own = entries(f"api/src/syscall/{arch}.rs")
        by_number = {}
        for name in common + own:
            if name not in numbers:
                where = "table.rs (common)" if name in common else f"{arch}.rs"
                problems.append(f"{arch}: {where} names __NR_{name}, which {arch} does not have")
                continue
            if numbers[name] in by_number:
                other = by_number[numbers[name]]
                problems.append(f"{arch}: number {numbers[name]} given twice ({other}, {name})")
            by_number[numbers[name]] = name
        names = set(re.findall(r"__NR_(\w+)", open(os.path.join(ROOT, f"api/src/strace/arch/{arch}.rs")).read()))
        missing = sorted(set(numbers) - names)
        if missing:
            problems.append(f"{arch}: strace's name list lacks {', '.join(missing[:8])}"
                            + (" ..." if len(missing) > 8 else ""))
        print(f"{arch}: {len(by_number)} syscalls dispatched of the {len(set(numbers.values()))} numbers linux-raw-sys knows")
    for p in problems:
        print("  " + p)
    print("syscall table: " + ("ok" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
