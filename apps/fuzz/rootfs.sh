#!/usr/bin/env bash
# Image hook of apps/fuzz: the syscall fuzzer, built for ARCH (static) at /fuzz.
# Env from scripts/mkimage.sh: STAGING, ARCH, ROOT. Env from the user: FUZZ_ROUNDS (default
# 500), FUZZ_SEED (default 0), baked into the image for /init.
set -euo pipefail
case $ARCH in
x86_64) cc=gcc ;;
riscv64) cc=riscv64-linux-gnu-gcc ;;
*) echo "apps/fuzz: unknown ARCH $ARCH" >&2; exit 1 ;;
esac
"$cc" -O2 -static -Wall -o "$STAGING/fuzz" "$ROOT/apps/fuzz/fuzz.c"
printf 'set -- %d %d\n' "${FUZZ_ROUNDS:-500}" "${FUZZ_SEED:-0}" >"$STAGING/fuzz.args"
echo "apps/fuzz: /fuzz ${FUZZ_ROUNDS:-500} rounds, seed ${FUZZ_SEED:-0}" >&2
