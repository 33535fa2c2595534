#!/usr/bin/env bash
# Builds the ext4 root disk for one app.
#
#   scripts/mkimage.sh ARCH APP_DIR OUT_IMG
#
# A staging tree build/<arch>/rootfs-<app>/ is rebuilt from scratch on every run:
#   - busybox at /bin/busybox plus one symlink per applet (bin, sbin, usr/bin, usr/sbin);
#   - the glibc runtime of ARCH (loader + libc, libm, libstdc++, libgcc_s, ...), so dynamically
#     linked programs run, and /etc/ld.so.cache (x86_64: the host's; riscv64: written last, over
#     the whole tree, by scripts/mk-ldcache.py);
#   - /etc (passwd, group, hostname, hosts, localtime, nsswitch.conf), a few zones of
#     /usr/share/zoneinfo (IMG_ZONES) and the empty mount points;
#   - then the app's hook APP_DIR/rootfs.sh (run with bash; env STAGING, ARCH, ROOT and the helper
#     functions below), then APP_DIR/init copied to /init (mode 755).
# IMG_LINKS=hard makes the applet links hard links instead of symlinks to /bin/busybox.
# The image is made with `mkfs.ext4 -d` (no mounts, no root needed), sized from the content plus
# slack (IMG_FREE_MIB, default 64 MiB free at least; IMG_SIZE=<MiB> forces a size), and checked
# with `e2fsck -fn`.
#
# Helpers exported to the app hook (bash functions):
#   copy_elf SRC [DEST]   copy an ELF (default DEST: same path) into $STAGING together with every
#                         shared library it needs (x86_64: as `ldd` reports, at the same paths;
#                         riscv64: DT_NEEDED resolved in RV_LIBDIRS + the cross sysroot, placed in
#                         /lib/riscv64-linux-gnu). Symlinks are resolved: the copies are real files.
#   copy_lib FILE         copy one library the same way (x86_64: same path; riscv64: loader dir).
#   run_target PROG ARGS  run a program of $ARCH on the host (directly or via qemu-user).
set -euo pipefail

die() { echo "mkimage: error: $*" >&2; exit 1; }
log() { echo "mkimage: $*" >&2; }

[ $# -eq 3 ] || die "usage: $0 ARCH APP_DIR OUT_IMG"
ARCH=$1 APP_ARG=$2 OUT_IMG=$3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "$ARCH" in x86_64|riscv64) ;; *) die "ARCH must be x86_64 or riscv64, not '$ARCH'";; esac
if [ -d "$APP_ARG" ]; then APP_DIR="$(cd "$APP_ARG" && pwd)"
elif [ -d "$ROOT/$APP_ARG" ]; then APP_DIR="$(cd "$ROOT/$APP_ARG" && pwd)"
else die "app directory '$APP_ARG' not found"; fi
APP="$(basename "$APP_DIR")"
case "$OUT_IMG" in /*) ;; *) OUT_IMG="$PWD/$OUT_IMG";; esac
[ -f "$APP_DIR/init" ] || die "$APP_DIR/init is missing (every app provides its /init)"

for t in mkfs.ext4 e2fsck debugfs dumpe2fs; do
  command -v "$t" >/dev/null || [ -x "/sbin/$t" ] || die "$t not found (install e2fsprogs: scripts/setup.sh)"
done
export PATH="$PATH:/sbin:/usr/sbin"

STAGING="$ROOT/build/$ARCH/rootfs-$APP"
RV_SYSROOT=/usr/riscv64-linux-gnu
RV_LIBDIR_IN_IMAGE=/lib/riscv64-linux-gnu
export STAGING ARCH ROOT RV_SYSROOT RV_LIBDIR_IN_IMAGE

# ---------------------------------------------------------------------------------------------
# Helpers (exported for the app hooks)
# ---------------------------------------------------------------------------------------------

# run_target PROG ARGS...: run an ARCH program on this host.
run_target() {
  if [ "$ARCH" = "$(uname -m)" ]; then "$@"
  else
    local q="qemu-$ARCH-static"
    command -v "$q" >/dev/null || { echo "mkimage: $q not found (qemu-user-static)" >&2; return 1; }
    # qemu-user reads QEMU_LOG as its -d option: qemu.sh's QEMU_LOG (a file) must not reach it.
    env -u QEMU_LOG "$q" -L "${RUN_TARGET_SYSROOT:-$RV_SYSROOT}" "$@"
  fi
}

# _put SRC DEST: copy SRC (following symlinks) to $STAGING/DEST, keeping the mode.
_put() {
  local src=$1 dest=$2
  mkdir -p "$STAGING$(dirname "$dest")"
  cp -L --preserve=mode "$src" "$STAGING$dest"
}

# copy_lib FILE: one shared library into the image.
copy_lib() {
  local f=$1
  [ -e "$f" ] || { echo "mkimage: library $f not found" >&2; return 1; }
  if [ "$ARCH" = x86_64 ]; then
    [ -e "$STAGING$f" ] || _put "$f" "$f"
    # libcrypto reads its configuration at OPENSSL_init: Debian's layout, as on the host.
    case "$(basename "$f")" in
      libcrypto.so.*)
        if [ -e /etc/ssl/openssl.cnf ] && [ ! -e "$STAGING/etc/ssl/openssl.cnf" ]; then
          _put /etc/ssl/openssl.cnf /etc/ssl/openssl.cnf
          mkdir -p "$STAGING/usr/lib/ssl"
          ln -sfn /etc/ssl/openssl.cnf "$STAGING/usr/lib/ssl/openssl.cnf"
        fi;;
    esac
  else
    local d="$RV_LIBDIR_IN_IMAGE/$(basename "$f")"
    case "$(basename "$f")" in ld-linux-riscv64-*) d="/lib/$(basename "$f")";; esac
    [ -e "$STAGING$d" ] || _put "$f" "$d"
  fi
}

# _rv_needed FILE: the DT_NEEDED names of a riscv64 ELF.
_rv_needed() {
  local re
  re=$(command -v riscv64-linux-gnu-readelf || command -v readelf)
  "$re" -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

# _rv_find NAME: locate a riscv64 library on the host.
_rv_find() {
  local d
  for d in ${RV_LIBDIRS:-} "$RV_SYSROOT/lib" "$RV_SYSROOT/usr/lib"; do
    [ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
  done
  return 1
}

# copy_elf SRC [DEST]: an ELF and all the shared libraries it needs.
copy_elf() {
  local src=$1 dest=${2:-$1}
  [ -f "$src" ] || { echo "mkimage: copy_elf: $src not found" >&2; return 1; }
  _put "$src" "$dest"
  if [ "$ARCH" = x86_64 ]; then
    local out
    if ! out=$(ldd "$src" 2>&1); then
      case "$out" in *"not a dynamic executable"*|*"statically linked"*) return 0;; esac
      echo "mkimage: ldd $src failed: $out" >&2; return 1
    fi
    if grep -q 'not found' <<<"$out"; then
      echo "mkimage: $src has unresolved libraries (set LD_LIBRARY_PATH?):" >&2
      grep 'not found' <<<"$out" >&2; return 1
    fi
    local lib
    # "libx.so => /path (0x..)" and "/lib64/ld-linux-x86-64.so.2 (0x..)"
    for lib in $(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$out"); do
      copy_lib "$lib"
    done
  else
    # Breadth-first over DT_NEEDED (no ldd for a foreign arch).
    local queue=("$src") seen=" " f n p
    while [ ${#queue[@]} -gt 0 ]; do
      f=${queue[0]}; queue=("${queue[@]:1}")
      for n in $(_rv_needed "$f"); do
        case "$seen" in *" $n "*) continue;; esac
        seen="$seen$n "
        p=$(_rv_find "$n") || { echo "mkimage: $src needs $n, not found in ${RV_LIBDIRS:-} $RV_SYSROOT/lib" >&2; return 1; }
        copy_lib "$p"
        queue+=("$p")
      done
    done
    local interp
    interp=$( (command -v riscv64-linux-gnu-readelf >/dev/null && riscv64-linux-gnu-readelf -l "$src" || readelf -l "$src") 2>/dev/null \
              | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
    if [ -n "$interp" ] && [ ! -e "$STAGING$interp" ]; then
      _put "$RV_SYSROOT/lib/$(basename "$interp")" "$interp"
    fi
  fi
}
export -f run_target _put copy_lib _rv_needed _rv_find copy_elf

# ---------------------------------------------------------------------------------------------
# Staging tree
# ---------------------------------------------------------------------------------------------
log "staging $STAGING ($ARCH, app $APP)"
rm -rf "$STAGING"
mkdir -p "$STAGING"
cd "$STAGING"
mkdir -p bin sbin usr/bin usr/sbin lib etc dev proc sys tmp root mnt var/tmp run home
chmod 1777 tmp var/tmp
chmod 700 root

# --- busybox --------------------------------------------------------------------------------
if [ "$ARCH" = x86_64 ]; then BB=${BUSYBOX:-/bin/busybox}; else BB=${BUSYBOX:-$ROOT/.tools/busybox-riscv64}; fi
[ -x "$BB" ] || die "busybox for $ARCH not found at $BB (run scripts/setup.sh)"
if command -v file >/dev/null && file -L "$BB" | grep -q 'dynamically linked'; then
  die "$BB is dynamically linked; a static busybox is needed (Debian: busybox-static)"
fi
cp -L "$BB" bin/busybox
chmod 755 bin/busybox
applets=$(run_target "$BB" --list-full) || die "could not list the applets of $BB"
n=0
for a in $applets; do
  case "$a" in bin/busybox|linuxrc) continue;; esac
  mkdir -p "$(dirname "$a")"
  if [ -e "$a" ] || [ -L "$a" ]; then continue; fi
  # IMG_LINKS=hard: hard links instead of symlinks (for bring-up of a kernel without symlinks).
  if [ "${IMG_LINKS:-sym}" = hard ]; then ln bin/busybox "$a"; else ln -s /bin/busybox "$a"; fi
  n=$((n + 1))
done
[ -e bin/sh ] || die "busybox has no sh applet"
log "busybox: $n applet links"

# --- glibc runtime ------------------------------------------------------------------------
RUNTIME_LIBS="libc.so.6 libm.so.6 libstdc++.so.6 libgcc_s.so.1 libpthread.so.0 libdl.so.2
  librt.so.1 libresolv.so.2 libutil.so.1 libanl.so.1 libcrypt.so.1 libatomic.so.1
  libnss_files.so.2 libnss_dns.so.2 libthread_db.so.1"
if [ "$ARCH" = x86_64 ]; then
  mkdir -p lib64 lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu
  _put /lib64/ld-linux-x86-64.so.2 /lib64/ld-linux-x86-64.so.2
  _put /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
  # The host's loader cache: its paths are the image's (libraries keep their host paths), so the
  # loader finds them as on the host instead of probing the default directories.
  [ -e /etc/ld.so.cache ] && _put /etc/ld.so.cache /etc/ld.so.cache
  for l in $RUNTIME_LIBS; do
    if [ -e "/lib/x86_64-linux-gnu/$l" ]; then _put "/lib/x86_64-linux-gnu/$l" "/lib/x86_64-linux-gnu/$l"
    elif [ -e "/usr/lib/x86_64-linux-gnu/$l" ]; then _put "/usr/lib/x86_64-linux-gnu/$l" "/usr/lib/x86_64-linux-gnu/$l"
    else log "note: host has no $l"; fi
  done
else
  [ -e "$RV_SYSROOT/lib/ld-linux-riscv64-lp64d.so.1" ] || \
    die "$RV_SYSROOT/lib has no riscv64 glibc (install libc6-dev-riscv64-cross: scripts/setup.sh)"
  # The riscv64 loader looks libraries up in /etc/ld.so.cache (made by mk-ldcache.py below), then
  # searches /lib/riscv64-linux-gnu, /usr/lib/riscv64-linux-gnu, /lib, /usr/lib.
  mkdir -p ".$RV_LIBDIR_IN_IMAGE" usr/lib/riscv64-linux-gnu
  _put "$RV_SYSROOT/lib/ld-linux-riscv64-lp64d.so.1" /lib/ld-linux-riscv64-lp64d.so.1
  for l in $RUNTIME_LIBS; do
    if [ -e "$RV_SYSROOT/lib/$l" ]; then _put "$RV_SYSROOT/lib/$l" "$RV_LIBDIR_IN_IMAGE/$l"
    else log "note: $RV_SYSROOT/lib has no $l"; fi
  done
fi

# --- /etc ----------------------------------------------------------------------------------
HOSTNAME_IN_IMAGE=${IMG_HOSTNAME:-arceos}
echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >> etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' > etc/group
echo "$HOSTNAME_IN_IMAGE" > etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
  "$HOSTNAME_IN_IMAGE" > etc/hosts
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' > etc/nsswitch.conf
printf '/bin/sh\n/bin/ash\n' > etc/shells
if [ -e /etc/localtime ]; then cp -L /etc/localtime etc/localtime; fi
# A few time zones (IMG_ZONES), so TZ=<zone> works as on Linux (MediaServer logs local time).
for z in ${IMG_ZONES-UTC Etc/UTC Asia/Shanghai Europe/Berlin}; do
  [ -e "/usr/share/zoneinfo/$z" ] || { log "note: host has no zone $z"; continue; }
  mkdir -p "usr/share/zoneinfo/$(dirname "$z")"
  cp -L "/usr/share/zoneinfo/$z" "usr/share/zoneinfo/$z"
done
chmod 644 etc/*

# --- the app -------------------------------------------------------------------------------
if [ -f "$APP_DIR/rootfs.sh" ]; then
  log "running $APP_DIR/rootfs.sh"
  (cd "$ROOT" && bash "$APP_DIR/rootfs.sh") || die "$APP_DIR/rootfs.sh failed"
fi
cp "$APP_DIR/init" "$STAGING/init"
chmod 755 "$STAGING/init"
cd "$ROOT"

# riscv64: the host's ldconfig refuses riscv64 ELF files; the cache is made here, after the hook.
if [ "$ARCH" = riscv64 ]; then
  python3 "$ROOT/scripts/mk-ldcache.py" "$STAGING" || die "mk-ldcache.py failed"
fi

# ---------------------------------------------------------------------------------------------
# Image
# ---------------------------------------------------------------------------------------------
MIN_FREE_MIB=${IMG_FREE_MIB:-64}
content_kib=$(du -sk --apparent-size "$STAGING" | cut -f1)
alloc_kib=$(du -sk "$STAGING" | cut -f1)
[ "$alloc_kib" -gt "$content_kib" ] && content_kib=$alloc_kib
nfiles=$(find "$STAGING" | wc -l)
inodes=$((nfiles + 16384))
# content + 10% + the slack + journal/metadata (~16 MiB + 1/64 of the size for inode tables)
size_mib=${IMG_SIZE:-$(( (content_kib * 11 / 10) / 1024 + MIN_FREE_MIB + 32 ))}
size_mib=$(( (size_mib + 3) / 4 * 4 ))

mkdir -p "$(dirname "$OUT_IMG")"
for attempt in 1 2 3 4; do
  rm -f "$OUT_IMG"
  truncate -s "${size_mib}M" "$OUT_IMG"
  mkfs.ext4 -F -q -L rootfs -b 4096 -I 256 -N "$inodes" -E root_owner=0:0 -d "$STAGING" "$OUT_IMG" \
    || die "mkfs.ext4 failed"
  info=$(dumpe2fs -h "$OUT_IMG" 2>/dev/null)
  bsize=$(awk -F: '/^Block size/ {gsub(/ /,"",$2); print $2}' <<<"$info")
  free_blocks=$(awk -F: '/^Free blocks/ {gsub(/ /,"",$2); print $2}' <<<"$info")
  free_mib=$(( free_blocks * bsize / 1048576 ))
  [ -n "${IMG_SIZE:-}" ] && break
  [ "$free_mib" -ge "$MIN_FREE_MIB" ] && break
  size_mib=$(( size_mib + MIN_FREE_MIB - free_mib + 16 ))
  log "only $free_mib MiB free, retrying with ${size_mib} MiB"
done

# Files made by a non-root user carry that uid into the image; the guest expects root's.
if [ "$(id -u)" != 0 ]; then
  log "setting owner 0:0 on every inode (built as uid $(id -u))"
  (cd "$STAGING" && find . -mindepth 1 | sed 's|^\.||') | \
    awk '{gsub(/"/, "\\\""); printf "sif \"%s\" uid 0\nsif \"%s\" gid 0\n", $0, $0}' > "$OUT_IMG.debugfs"
  debugfs -w -f "$OUT_IMG.debugfs" "$OUT_IMG" >/dev/null 2>&1 || die "debugfs ownership fixup failed"
  rm -f "$OUT_IMG.debugfs"
fi

e2fsck -fn "$OUT_IMG" >"$OUT_IMG.fsck" 2>&1 || { cat "$OUT_IMG.fsck" >&2; die "e2fsck found errors in $OUT_IMG"; }
rm -f "$OUT_IMG.fsck"
log "$OUT_IMG: ${size_mib} MiB, content $((content_kib / 1024)) MiB in $nfiles files, ${free_mib} MiB free"
