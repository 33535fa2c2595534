#!/usr/bin/env bash
# Image hook of apps/tests: the built testcases of this ARCH go to /testcases.
# Env from scripts/mkimage.sh: STAGING, ARCH, ROOT.
set -euo pipefail
src="$ROOT/build/$ARCH/testcases"
if [ ! -d "$src" ] || [ ! -f "$src/runner.sh" ]; then
  echo "apps/tests: $src (with runner.sh) is missing." >&2
  echo "apps/tests: build the testcases first: scripts/build-testcases.sh (or make test)." >&2
  exit 1
fi
mkdir -p "$STAGING/testcases"
cp -a "$src/." "$STAGING/testcases/"
# Libraries beyond mkimage's glibc runtime (zlm_standin's libssl/libcrypto): every dynamic
# testcase brings what it needs.
for f in "$src"/*; do
  [ "$(head -c 4 "$f" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  copy_elf "$f" "/testcases/${f##*/}"
done
# TESTS="a b" (make ... TESTS=...) limits the boot to those testcases.
if [ -n "${TESTS:-}" ]; then
  echo "$TESTS" >"$STAGING/testcases/.selection"
fi
echo "apps/tests: $(find "$STAGING/testcases" -type f | wc -l) files in /testcases" >&2
# Real Debian programs for testcases/sh/debian_tools.sh (x86_64: the host's own; riscv64 has no
# Debian binaries at hand): under /debian/bin, so busybox's applets keep /bin and /usr/bin.
if [ "$ARCH" = x86_64 ]; then
  for p in bash ls sort wc date ps; do
    f=$(command -v "$p") || { echo "apps/tests: the host has no $p (bash coreutils procps)" >&2; exit 1; }
    copy_elf "$(readlink -f "$f")" "/debian/bin/$p"
  done
fi
