#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 machine.
# Idempotent: each step checks whether its result is already present.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="$ROOT/.tools"          # project-local tool wrappers and built userland
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

PKGS=(
  rustc-web cargo-web rust-web-src rust-web-clippy lld-22 llvm-22 rust-web-llvm
  qemu-system-x86 qemu-system-misc qemu-user-static
  musl-tools musl-dev gcc-riscv64-linux-gnu g++-riscv64-linux-gnu
  libc6-dev-riscv64-cross libstdc++-12-dev-riscv64-cross
  libclang-dev clang cmake e2fsprogs busybox-static strace
  dpkg-dev file xxd libssl-dev
  bash coreutils procps debianutils tzdata
)

# Fast path: nothing to do when this exact script already completed here.
STAMP="$TOOLS/setup.stamp"
want=$(sha256sum "$0" | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then exit 0; fi

missing=()
for p in "${PKGS[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done

apt_updated=0
apt_update() {
  [ $apt_updated = 1 ] && return
  # deb-src entries are needed for the musl headers and busybox sources (riscv64).
  if ! grep -rqs '^Types: deb deb-src' /etc/apt/sources.list.d/ && \
     ! grep -rqs '^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      $SUDO sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
    fi
  fi
  $SUDO apt-get update -qq
  apt_updated=1
}

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt_update
  # qemu-system (bookworm, 7.2) conflicts with a preinstalled qemu-utils from backports:
  # downgrade qemu-utils to bookworm's version first.
  if [[ "$(dpkg-query -W -f='${Version}' qemu-utils 2>/dev/null)" == *bpo* ]]; then
    v=$(apt-cache madison qemu-utils | awk -F'|' '$3 !~ /backports/ {gsub(/ /,"",$2); print $2; exit}')
    $SUDO apt-get install -y -qq --allow-downgrades "qemu-utils=$v" "qemu-block-extra=$v" 2>/dev/null || \
      $SUDO apt-get install -y -qq --allow-downgrades "qemu-utils=$v"
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

mkdir -p "$TOOLS"

# --- lwext4_rust wants <arch>-linux-musl-* compilers: thin wrappers -------------
mkdir -p "$TOOLS/bin"
GCC_RV_INC=$(riscv64-linux-gnu-gcc -print-file-name=include)
MUSL_RV="$TOOLS/musl-riscv64"
if [ ! -f "$MUSL_RV/include/stdio.h" ]; then
  echo "setup: building riscv64 musl headers"
  apt_update
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get source -qq musl >/dev/null 2>&1 && cd musl-*/ && \
     make ARCH=riscv64 prefix="$MUSL_RV" install-headers >/dev/null)
  rm -rf "$tmp"
fi
write_wrap() { # name, command...
  local name=$1; shift
  printf '#!/bin/sh\n%s\n' "$*" > "$TOOLS/bin/$name"; chmod +x "$TOOLS/bin/$name"
}
for arch in x86_64 riscv64; do
  if [ $arch = x86_64 ]; then
    cc='exec musl-gcc -ffreestanding "$@"'
    sysroot=/usr/lib/musl; inc=/usr/include/x86_64-linux-musl
    mkdir -p "$TOOLS/sysroot-x86_64"; ln -sfn "$inc" "$TOOLS/sysroot-x86_64/include"
    pre=""
  else
    cc="exec riscv64-linux-gnu-gcc -ffreestanding -nostdinc -isystem \$tools/musl-riscv64/include -isystem $GCC_RV_INC \"\$@\""
    mkdir -p "$TOOLS/sysroot-riscv64"; ln -sfn ../musl-riscv64/include "$TOOLS/sysroot-riscv64/include"
    pre="riscv64-linux-gnu-"
  fi
  # The wrappers find .tools from their own path: a checkout may be moved or
  # share .tools with a worktree.
  body="tools=\$(cd \"\$(dirname \"\$0\")/..\" && pwd)
for a in \"\$@\"; do [ \"\$a\" = -print-sysroot ] && { echo \$tools/sysroot-$arch; exit 0; }; done; $cc"
  write_wrap "$arch-linux-musl-gcc" "$body"
  write_wrap "$arch-linux-musl-cc" "$body"
  write_wrap "$arch-linux-musl-c++" "exec ${pre:-}g++ \"\$@\""
  for t in ar as objcopy objdump size strip ranlib; do
    if [ $arch = x86_64 ]; then write_wrap "$arch-linux-musl-$t" "exec $t \"\$@\""
    else write_wrap "$arch-linux-musl-$t" "exec riscv64-linux-gnu-$t \"\$@\""; fi
  done
done

# --- riscv64 busybox, built from Debian's source package -------------------------
BB_RV="$TOOLS/busybox-riscv64"
if [ ! -x "$BB_RV" ]; then
  echo "setup: building riscv64 busybox"
  apt_update
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get source -qq busybox >/dev/null 2>&1 && cd busybox-*/ && \
     make defconfig >/dev/null && \
     sed -i -e 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/' \
            -e 's/^CONFIG_TC=y/# CONFIG_TC is not set/' .config && \
     { yes '' 2>/dev/null || true; } | make oldconfig >/dev/null 2>&1 || true; \
     make -j"$(nproc)" CROSS_COMPILE=riscv64-linux-gnu- >/dev/null 2>&1 && cp busybox "$BB_RV")
  rm -rf "$tmp"
  [ -x "$BB_RV" ] || { echo "setup: riscv64 busybox build failed" >&2; exit 1; }
fi
echo "$want" > "$STAMP"
echo "setup: ok"
