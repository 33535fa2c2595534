#!/usr/bin/env bash
# Image hook of apps/fio: Debian's fio (x86_64 only: the host's own, `apt-get install fio`)
# with every library it needs. FIO_ARGS (optional) is baked into the image for /init.
# Env from scripts/mkimage.sh: STAGING, ARCH, ROOT, and the helper copy_elf.
set -euo pipefail
if [ "$ARCH" != x86_64 ]; then
  echo "apps/fio: only x86_64 (Debian has no riscv64 fio to copy)" >&2
  exit 1
fi
fio=$(command -v fio) || { echo "apps/fio: the host has no fio (apt-get install fio)" >&2; exit 1; }
copy_elf "$(readlink -f "$fio")" /usr/bin/fio
if [ -n "${FIO_ARGS:-}" ]; then
  printf 'FIO_ARGS=%q\n' "$FIO_ARGS" >"$STAGING/etc/fio.env"
fi
