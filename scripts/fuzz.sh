#!/usr/bin/env bash
# Boots the kernel with apps/fuzz, the syscall fuzzer, and checks that the kernel came through:
# every round ran and the kernel neither panicked nor hung.
#
#   scripts/fuzz.sh ARCH [ROUNDS [SEED]]
#
# Each round is a child calling 300 random syscalls with hostile arguments (apps/fuzz/fuzz.c);
# SEED picks the sequence. Exit status 0 when all rounds survived; otherwise the log's tail is
# shown (build/ARCH/fuzz.log has it all). Not part of `make test`: it compares nothing with Linux
# (the fuzzer must never run on the host) and its run time is open-ended.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 x86_64|riscv64 [ROUNDS [SEED]]" >&2; exit 2; }
ARCH=$1 ROUNDS=${2:-500} SEED=${3:-0}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
LOG=build/$ARCH/fuzz.log
mkdir -p "build/$ARCH"
# `run` builds the kernel and the image (with the rounds and seed) first.
# About 0.1-0.6 s a round under TCG, plus the boot.
QEMU_LOG="$LOG" QEMU_TIMEOUT=$((120 + ROUNDS * 2)) \
  make ARCH="$ARCH" A=apps/fuzz FUZZ_ROUNDS="$ROUNDS" FUZZ_SEED="$SEED" run >/dev/null 2>&1 || true
if grep -aq "^fuzz: $ROUNDS rounds survived" "$LOG" && ! grep -aqi "panicked" "$LOG"; then
  grep -a "^fuzz: $ROUNDS rounds survived" "$LOG"
  exit 0
fi
echo "fuzz: the kernel did not come through $ROUNDS rounds (seed $SEED); the end of $LOG:" >&2
grep -av "unimplemented syscall" "$LOG" | tail -30 >&2
exit 1
