#!/usr/bin/env bash
# Image hook of apps/strace: the one program a STRACE=1 kernel runs and traces.
# Env from scripts/mkimage.sh: STAGING, ARCH, ROOT, and the helper copy_elf.
# Env from the user (normally scripts/strace-diff):
#   STRACE_BIN   host path of the program (an ELF of ARCH, with its libraries, or a script)
#   STRACE_ARGS  its arguments, as shell words (`printf '%q '` quoting), baked into the image
#   STRACE_ENV   its environment, NAME=VALUE words without blanks (default HOME, PATH and TERM)
# The program goes to /strace-diff/<name>; /init runs it from /strace-diff/cwd.
set -euo pipefail

if [ -z "${STRACE_BIN:-}" ]; then
  echo "apps/strace: STRACE_BIN is not set; usage:" >&2
  echo "  make A=apps/strace STRACE=1 STRACE_BIN=/path/to/prog STRACE_ARGS='arg ...' run" >&2
  echo "  (or scripts/strace-diff ARCH PROG [ARGS...], which also runs it under Linux's strace)" >&2
  exit 1
fi
[ -f "$STRACE_BIN" ] || { echo "apps/strace: $STRACE_BIN not found" >&2; exit 1; }

name=$(basename "$STRACE_BIN")
mkdir -p "$STAGING/strace-diff/cwd"
if head -c 4 "$STRACE_BIN" | grep -q 'ELF'; then
  copy_elf "$STRACE_BIN" "/strace-diff/$name"
else
  install -m 0755 "$STRACE_BIN" "$STAGING/strace-diff/$name"
fi
# Sourced by /init (no command substitution: no fork before the traced run).
env_words=${STRACE_ENV:-HOME=/ PATH=/bin:/sbin:/usr/bin:/usr/sbin TERM=linux}
{
  printf 'set -- %s %s\n' "/strace-diff/$name" "${STRACE_ARGS:-}"
  printf 'STRACE_ENV=%q\n' "$env_words"
} > "$STAGING/strace-diff/cmd"
echo "apps/strace: /strace-diff/$name ${STRACE_ARGS:-}" >&2
