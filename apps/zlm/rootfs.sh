#!/usr/bin/env bash
# Image hook of apps/zlm: ZLMediaKit's MediaServer at /zlm.
# Env from scripts/mkimage.sh: STAGING, ARCH, ROOT, and the helper copy_elf.
# Env from the user: ZLM_DIR (required), ZLM_ARGS (optional, baked into the image).
set -euo pipefail

if [ -z "${ZLM_DIR:-}" ]; then
  cat >&2 <<MSG
apps/zlm: ZLM_DIR is not set.

Build ZLMediaKit's MediaServer from its sources (https://github.com/ZLMediaKit/ZLMediaKit,
see its README "Building on Linux"), then point ZLM_DIR at its release directory:

  git clone https://github.com/ZLMediaKit/ZLMediaKit.git
  cd ZLMediaKit && git submodule update --init
  mkdir -p build && cd build
  cmake .. -DCMAKE_BUILD_TYPE=Release          # output lands in release/linux/Release/
  make -j\$(nproc)
  # riscv64: add  -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=riscv64
  #               -DCMAKE_C_COMPILER=riscv64-linux-gnu-gcc -DCMAKE_CXX_COMPILER=riscv64-linux-gnu-g++
  #               -DENABLE_OPENSSL=OFF   (Debian has no riscv64 libssl to link against)
  #          to the cmake line, in a separate source tree or build dir.

  make A=apps/zlm ZLM_DIR=/path/to/ZLMediaKit/release/linux/Release run
  # optional: ZLM_ARGS="..." (default -h) is baked into the image for /init.
MSG
  exit 1
fi
[ -d "$ZLM_DIR" ] || { echo "apps/zlm: ZLM_DIR=$ZLM_DIR is not a directory" >&2; exit 1; }
[ -f "$ZLM_DIR/MediaServer" ] || { echo "apps/zlm: $ZLM_DIR has no MediaServer (expected ZLMediaKit's release/linux/Release/)" >&2; exit 1; }

# The binary must be of the image's architecture.
want=$([ "$ARCH" = x86_64 ] && echo 'x86-64' || echo 'RISC-V')
if command -v file >/dev/null && ! file -L "$ZLM_DIR/MediaServer" | grep -q "$want"; then
  echo "apps/zlm: $ZLM_DIR/MediaServer is not a $ARCH program: $(file -bL "$ZLM_DIR/MediaServer")" >&2
  exit 1
fi

mkdir -p "$STAGING/zlm"
cp -a "$ZLM_DIR/." "$STAGING/zlm/"
# MediaServer with every shared library it needs (libssl, libcrypto, libstdc++, ...).
# Libraries built beside it (e.g. libmk_api.so) are found through the release dir.
RV_LIBDIRS="$ZLM_DIR ${RV_LIBDIRS:-}" LD_LIBRARY_PATH="$ZLM_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  copy_elf "$ZLM_DIR/MediaServer" /zlm/MediaServer
chmod 755 "$STAGING/zlm/MediaServer"

# MediaServer runs helpers through /bin/sh and looks programs up with `sh -c "which ffmpeg"`.
# /usr/bin/which is Debian's (a debianutils sh script) as on the Linux it was built for, in place
# of busybox's applet link; busybox sh runs its own `which` applet for `sh -c "which x"`, which
# answers the same (the first executable regular file along PATH).
debian_which=$(readlink -f "$(command -v which 2>/dev/null || echo /usr/bin/which)")
if [ -f "$debian_which" ] && head -c 2 "$debian_which" | grep -q '#!'; then
  rm -f "$STAGING/usr/bin/which"
  install -m 755 "$debian_which" "$STAGING/usr/bin/which"
else
  echo "apps/zlm: note: the host's which is not debianutils' script; busybox's stays" >&2
fi
for f in /bin/sh /usr/bin/which; do
  [ -e "$STAGING$f" ] || [ -L "$STAGING$f" ] || { echo "apps/zlm: $f missing from the image" >&2; exit 1; }
done

# The kernel passes no environment beyond PATH/HOME/TERM: bake ZLM_ARGS in for /init.
q=${ZLM_ARGS:-}
q=${q//\'/\'\\\'\'}
printf "ZLM_ARGS='%s'\n" "$q" > "$STAGING/etc/zlm.env"
echo "apps/zlm: MediaServer from $ZLM_DIR, ZLM_ARGS='${ZLM_ARGS:-}' (empty means -h)" >&2
