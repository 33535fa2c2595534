#!/usr/bin/env bash
# Runs the testcases on the host Linux to produce the reference log.
#
#   scripts/run-linux-tests.sh ARCH TESTDIR LOGFILE [NAME...]
#
# The same testcases/runner.sh that runs inside our kernel runs here under the
# host's static busybox sh, with busybox applets first in PATH (so the sh tests
# see the same tools as in the image) and the environment /init gives.
#   x86_64:  binaries run natively.
#   riscv64: binaries run through qemu-riscv64-static -L /usr/riscv64-linux-gnu.
#            Tests never exec riscv64 programs themselves (binfmt_misc is
#            usually not registered); they only exec /bin/true, /bin/false and
#            /bin/sh, which are host programs here and busybox in the image.
# Environment: BUSYBOX (host busybox, default /bin/busybox), TEST_TIMEOUT.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 x86_64|riscv64 TESTDIR LOGFILE [NAME...]" >&2; exit 2; }
ARCH=$1 TESTDIR=$2 LOG=$3
shift 3
TESTDIR="$(cd "$TESTDIR" && pwd)"
BB=${BUSYBOX:-/bin/busybox}
[ -x "$BB" ] || { echo "run-linux-tests: $BB not found (apt-get install busybox-static)" >&2; exit 1; }
[ -f "$TESTDIR/runner.sh" ] || { echo "run-linux-tests: $TESTDIR/runner.sh missing (run scripts/build-testcases.sh)" >&2; exit 1; }

case $ARCH in
x86_64)
    [ "$(uname -m)" = x86_64 ] || { echo "run-linux-tests: x86_64 tests need an x86_64 host" >&2; exit 1; }
    prefix="" ;;
riscv64)
    q=$(command -v qemu-riscv64-static || true)
    [ -n "$q" ] || { echo "run-linux-tests: qemu-riscv64-static not found (apt-get install qemu-user-static)" >&2; exit 1; }
    prefix="$q -L /usr/riscv64-linux-gnu" ;;
*) echo "run-linux-tests: unknown ARCH $ARCH" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/linux-tests-$ARCH.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$(dirname "$LOG")"
for applet in $("$BB" --list); do ln -s "$BB" "$work/bin/$applet"; done

# Tests expect only fds 0-2 open, as under /init: close whatever we inherited.
for fd in $(ls /proc/$$/fd); do
    [ "$fd" -gt 2 ] && eval "exec $fd>&-"
done

env -i \
    PATH="$work/bin:/bin:/sbin:/usr/bin:/usr/sbin" HOME=/ TERM=linux \
    RUN_PREFIX="$prefix" TC_TMP="$work/tc" TEST_TIMEOUT="${TEST_TIMEOUT:-120}" \
    "$BB" sh "$TESTDIR/runner.sh" "$TESTDIR" "$@" </dev/null >"$LOG" 2>&1
echo "run-linux-tests: $ARCH: $(grep -c '^==== END ' "$LOG") tests, log in $LOG"
