#!/usr/bin/env bash
# Boots the kernel in QEMU with the root disk on virtio-blk.
#
#   scripts/qemu.sh ARCH KERNEL_ELF KERNEL_BIN DISK SMP MEM ACCEL
#
# x86_64 boots the multiboot ELF (-kernel KERNEL_ELF); riscv64 boots the flat binary through
# OpenSBI (-bios default -kernel KERNEL_BIN). ACCEL is kvm or tcg (see scripts/detect-accel.sh).
#
# Interactive by default: the serial console is on this terminal (Ctrl-A X quits QEMU).
# Environment:
#   QEMU_LOG=<file>      non-interactive: serial output goes to <file>, stdin is /dev/null
#   QEMU_TEE=1           with QEMU_LOG, also copy the output to stdout
#   QEMU_TIMEOUT=<sec>   kill QEMU after <sec> seconds (exit status 124)
#   QEMU_EXTRA="..."     extra QEMU arguments (word-split)
#   QEMU_NET=1           add a virtio-net NIC on QEMU user networking;
#                        QEMU_HOSTFWD="tcp::8080-:80,tcp::1935-:1935" forwards host ports to it
#   QEMU_GDB=1           wait for gdb on tcp::1234 before starting (-s -S)
#   QEMU_DRY_RUN=1       print the command instead of running it
#   KERNEL_CMDLINE="..." the kernel command line (-append; none by default). The kernel
#                        splits it as Linux does: init=PATH, key=value words to init's
#                        environment, other words and those after `--` to init's argv
# Exit status: QEMU's (0 after the guest powers off), or 124 on timeout.
set -euo pipefail

die() { echo "qemu.sh: error: $*" >&2; exit 2; }

[ $# -eq 7 ] || die "usage: $0 ARCH KERNEL_ELF KERNEL_BIN DISK SMP MEM ACCEL"
ARCH=$1 KERNEL_ELF=$2 KERNEL_BIN=$3 DISK=$4 SMP=$5 MEM=$6 ACCEL=$7

[ -f "$DISK" ] || die "disk image $DISK not found (make image)"
case "$ACCEL" in kvm|tcg) ;; *) die "ACCEL must be kvm or tcg, not '$ACCEL'";; esac

args=()
case "$ARCH" in
  x86_64)
    QEMU=qemu-system-x86_64
    [ -f "$KERNEL_ELF" ] || die "kernel ELF $KERNEL_ELF not found (make build)"
    args+=(-machine q35 -kernel "$KERNEL_ELF")
    if [ "$ACCEL" = kvm ]; then
      args+=(-enable-kvm -cpu host)
    else
      # 4-level paging, as the Linux reference runs use.
      args+=(-accel tcg -cpu max,-la57)
    fi
    [ -f /usr/share/qemu/qboot.rom ] && args+=(-bios /usr/share/qemu/qboot.rom)
    # q35 adds a VGA card by default; the console is the serial port.
    args+=(-vga none)
    blkdev=virtio-blk-pci netdev=virtio-net-pci
    ;;
  riscv64)
    QEMU=qemu-system-riscv64
    [ -f "$KERNEL_BIN" ] || die "kernel binary $KERNEL_BIN not found (make build)"
    [ "$ACCEL" = kvm ] && echo "qemu.sh: no KVM for riscv64 here, using TCG" >&2
    # virt has no display; its devices sit on virtio-mmio slots.
    args+=(-machine virt -bios default -kernel "$KERNEL_BIN")
    blkdev=virtio-blk-device netdev=virtio-net-device
    ;;
  *) die "ARCH must be x86_64 or riscv64, not '$ARCH'";;
esac
command -v "$QEMU" >/dev/null || die "$QEMU not found (run scripts/setup.sh)"

args+=(-smp "$SMP" -m "$MEM" -nographic -no-reboot
       -drive "file=$DISK,if=none,format=raw,id=disk0" -device "$blkdev,drive=disk0")
if [ "${QEMU_NET:-0}" = 1 ]; then
  fwd=""
  if [ -n "${QEMU_HOSTFWD:-}" ]; then
    IFS=, read -ra rules <<<"$QEMU_HOSTFWD"
    for r in "${rules[@]}"; do fwd="$fwd,hostfwd=$r"; done
  fi
  args+=(-netdev "user,id=net0$fwd" -device "$netdev,netdev=net0")
fi
[ -n "${KERNEL_CMDLINE:-}" ] && args+=(-append "$KERNEL_CMDLINE")
[ "${QEMU_GDB:-0}" = 1 ] && args+=(-s -S)
# shellcheck disable=SC2206
[ -n "${QEMU_EXTRA:-}" ] && args+=($QEMU_EXTRA)

cmd=("$QEMU" "${args[@]}")
if [ -n "${QEMU_TIMEOUT:-}" ]; then
  [[ "$QEMU_TIMEOUT" =~ ^[0-9]+$ ]] || die "QEMU_TIMEOUT must be a number of seconds"
  # --foreground when interactive, so QEMU may still read the terminal.
  fg=(); [ -z "${QEMU_LOG:-}" ] && fg=(--foreground)
  cmd=(timeout "${fg[@]}" -k 5 "$QEMU_TIMEOUT" "${cmd[@]}")
fi

if [ "${QEMU_DRY_RUN:-0}" = 1 ]; then printf '%q ' "${cmd[@]}"; echo; exit 0; fi

rc=0
if [ -n "${QEMU_LOG:-}" ]; then
  mkdir -p "$(dirname "$QEMU_LOG")"
  if [ "${QEMU_TEE:-0}" = 1 ]; then
    set +e
    "${cmd[@]}" </dev/null 2>&1 | tee "$QEMU_LOG"
    rc=${PIPESTATUS[0]}
    set -e
  else
    "${cmd[@]}" </dev/null >"$QEMU_LOG" 2>&1 || rc=$?
  fi
else
  echo "qemu.sh: $ARCH, $SMP CPUs, $MEM, $ACCEL; Ctrl-A X quits" >&2
  "${cmd[@]}" || rc=$?
  [ "$rc" = 124 ] && [ -t 0 ] && stty sane 2>/dev/null
fi

if [ "$rc" = 124 ] && [ -n "${QEMU_TIMEOUT:-}" ]; then
  msg="qemu.sh: TIMEOUT: QEMU killed after ${QEMU_TIMEOUT}s (exit 124)"
  echo "$msg" >&2
  [ -n "${QEMU_LOG:-}" ] && echo "$msg" >>"$QEMU_LOG"
fi
exit "$rc"
