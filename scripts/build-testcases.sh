#!/usr/bin/env bash
# Builds the testcases for one architecture.
#
#   scripts/build-testcases.sh ARCH OUTDIR
#
# testcases/c/NAME.c     -> OUTDIR/NAME (dynamic glibc) and OUTDIR/NAME.static
# testcases/cxx/NAME.cpp -> OUTDIR/NAME (dynamic glibc + libstdc++); a source line
#                          `// LDLIBS(ARCH): -lfoo ...` adds libraries for that ARCH
# testcases/sh/NAME.sh   -> OUTDIR/NAME.sh
# testcases/runner.sh    -> OUTDIR/runner.sh
# Incremental: an output is rebuilt only when older than its source, the shared
# headers or this script. Outputs whose source is gone are removed.
# Environment: JOBS (parallel compiles, default 2), CFLAGS_EXTRA.
set -euo pipefail

usage() { echo "usage: $0 x86_64|riscv64 OUTDIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
ARCH=$1
OUT=$2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$ROOT/testcases"

case $ARCH in
x86_64) CC=gcc; CXX=g++ ;;
riscv64) CC=riscv64-linux-gnu-gcc; CXX=riscv64-linux-gnu-g++ ;;
*) usage ;;
esac
for t in "$CC" "$CXX"; do
    command -v "$t" >/dev/null || { echo "build-testcases: $t not found (run scripts/setup.sh)" >&2; exit 1; }
done

CFLAGS=(-std=gnu11 -O2 -g0 -s -Wall -Wno-unused-result -fno-stack-protector -I"$SRC/include" -pthread ${CFLAGS_EXTRA:-})
CXXFLAGS=(-std=gnu++17 -O2 -g0 -s -Wall -I"$SRC/include" -pthread)
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# Newest dependency shared by every output.
deps=("$0" "$SRC"/include/*.h)
newer_than_deps() { # file: true when file exists and is newer than every shared dep and $2
    local f=$1 s=$2 d
    [ -e "$f" ] || return 1
    [ "$f" -nt "$s" ] || return 1
    for d in "${deps[@]}"; do [ "$f" -nt "$d" ] || return 1; done
    return 0
}

jobs=()   # NUL-separated shell commands to run
declare -A want=([runner.sh]=1)
quote() { printf '%q ' "$@"; }

shopt -s nullglob
for src in "$SRC"/c/*.c; do
    name=$(basename "$src" .c)
    want[$name]=1; want[$name.static]=1
    newer_than_deps "$OUT/$name" "$src" ||
        jobs+=("$(quote "$CC" "${CFLAGS[@]}" -o "$OUT/$name" "$src")")
    newer_than_deps "$OUT/$name.static" "$src" ||
        jobs+=("$(quote "$CC" "${CFLAGS[@]}" -static -o "$OUT/$name.static" "$src")")
done
for src in "$SRC"/cxx/*.cpp; do
    name=$(basename "$src" .cpp)
    want[$name]=1
    read -ra ldlibs <<<"$(sed -n "s|^// LDLIBS($ARCH):||p" "$src")"
    newer_than_deps "$OUT/$name" "$src" ||
        jobs+=("$(quote "$CXX" "${CXXFLAGS[@]}" -o "$OUT/$name" "$src" ${ldlibs[@]+"${ldlibs[@]}"})")
done
for src in "$SRC"/sh/*.sh; do
    name=$(basename "$src")
    want[$name]=1
    cmp -s "$src" "$OUT/$name" || install -m 0755 "$src" "$OUT/$name"
done
cmp -s "$SRC/runner.sh" "$OUT/runner.sh" || install -m 0755 "$SRC/runner.sh" "$OUT/runner.sh"

# Drop outputs whose source disappeared.
for f in "$OUT"/*; do
    [ -n "${want[$(basename "$f")]:-}" ] || rm -rf "$f"
done

if [ ${#jobs[@]} -gt 0 ]; then
    echo "build-testcases: $ARCH: compiling ${#jobs[@]} program(s)"
    printf '%s\0' "${jobs[@]}" | xargs -0 -P "${JOBS:-2}" -n 1 sh -c || {
        echo "build-testcases: $ARCH: compilation failed" >&2
        exit 1
    }
fi
echo "build-testcases: $ARCH: $(ls "$OUT" | grep -vc '^runner.sh$') testcases in $OUT"
