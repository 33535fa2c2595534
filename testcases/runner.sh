#!/bin/sh
# Runs every testcase in a directory and prints, for each (sorted by name):
#   ==== BEGIN <name>
#   <its stdout+stderr>
#   ==== END <name> exit=<code>
# POSIX sh; runs under busybox ash both inside our kernel (as /init's child)
# and on Linux (scripts/run-linux-tests.sh).
#
# usage: runner.sh [TESTDIR] [NAME...]
# environment:
#   RUN_PREFIX    prefix for each binary (e.g. "qemu-riscv64-static -L /usr/riscv64-linux-gnu")
#   TC_TMP        where scratch directories go (default /tmp/tc)
#   TEST_TIMEOUT  seconds per test (default 120; 0 disables)
#   TC_SH         shell used for *.sh tests (default: sh)

dir=${1:-/testcases}
[ $# -gt 0 ] && shift
case $dir in
/*) ;;
*) dir=$(cd "$dir" && pwd) ;;
esac
tmp=${TC_TMP:-/tmp/tc}
timeout_s=${TEST_TIMEOUT:-120}
tc_sh=${TC_SH:-sh}
out=$tmp/.output
mkdir -p "$tmp"
export LC_ALL=C
umask 022

# Use busybox/coreutils `timeout` only if it works here.
use_timeout=0
if [ "$timeout_s" != 0 ] && timeout 10 true </dev/null >/dev/null 2>&1; then
    use_timeout=1
fi

run_one() { # name path
    scratch=$tmp/$1
    rm -rf "$scratch"
    mkdir -p "$scratch"
    case $1 in
    *.sh) set -- "$tc_sh" "$2" ;;
    *) set -- $RUN_PREFIX "$2" ;;
    esac
    if [ $use_timeout = 1 ]; then
        set -- timeout "$timeout_s" "$@"
    fi
    (cd "$scratch" && exec "$@") </dev/null >"$out" 2>&1
}

if [ $# -gt 0 ]; then
    names="$*"
else
    names=
    for path in "$dir"/*; do
        names="$names ${path##*/}"
    done
fi

npass=0
for name in $names; do
    path=$dir/$name
    case $name in
    runner.sh | *.txt | *.md) continue ;;
    esac
    [ -f "$path" ] || continue
    case $name in
    *.sh) ;;
    *) [ -x "$path" ] || continue ;;
    esac
    echo "==== BEGIN $name"
    run_one "$name" "$path"
    code=$?
    cat "$out"
    # END must start on its own line.
    if [ -s "$out" ] && [ "$(tail -c 1 "$out" | wc -l)" -eq 0 ]; then
        echo
    fi
    echo "==== END $name exit=$code"
    rm -rf "$tmp/$name"
    npass=$((npass + 1))
done
rm -f "$out"
echo "==== DONE $npass"
