#!/usr/bin/env bash
# Image hook of apps/bench: the benchmark tree at /bench (x86_64 only).
# Env from scripts/mkimage.sh: STAGING, ARCH, ROOT. Env from scripts/bench/bench.sh, which builds
# these once so that Linux and our kernel run the very same binaries:
#   BENCH_BIN_DIR  directory with microbench and exit0 (default: built here from
#                  scripts/bench/microbench.c)
#   BENCH_FIO      a static fio (default: none; bench.sh then skips the fio jobs)
#   BENCH_ENV      a file of settings for the guest script, copied to /bench/bench.env
# The file benchmarks write to /bench-data on this root disk: our kernel has no /dev/vda to
# mount. `IMG_SIZE=1024` (set by scripts/bench/bench.sh) gives the 1 GiB disk Linux gets.
set -euo pipefail
[ "$ARCH" = x86_64 ] || { echo "apps/bench: x86_64 only (exit0 is x86_64 assembly)" >&2; exit 1; }
B="$STAGING/bench"
mkdir -p "$B" "$STAGING/bench-data"
if [ -n "${BENCH_BIN_DIR:-}" ]; then
  install -m 755 "$BENCH_BIN_DIR/microbench" "$BENCH_BIN_DIR/exit0" "$B/"
else
  src="$ROOT/scripts/bench/microbench.c"
  gcc -O2 -static -o "$B/microbench" "$src"
  gcc -O2 -static -nostdlib -fno-stack-protector -DMB_EXIT0 -o "$B/exit0" "$src"
fi
if [ -n "${BENCH_FIO:-}" ]; then
  install -m 755 "$BENCH_FIO" "$B/fio"
else
  echo "apps/bench: no BENCH_FIO; the image has no fio" >&2
fi
install -m 755 "$ROOT/scripts/bench/guest/bench.sh" "$B/bench.sh"
if [ -n "${BENCH_ENV:-}" ]; then install -m 644 "$BENCH_ENV" "$B/bench.env"; fi
echo "apps/bench: /bench: $(cd "$B" && echo *)" >&2
