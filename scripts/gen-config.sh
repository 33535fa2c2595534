#!/usr/bin/env bash
# gen-config.sh SRC DST SMP MEM — writes the platform config with the CPU count and memory size.
set -euo pipefail
src=$1 dst=$2 smp=$3 mem=$4
case $mem in
  *G) bytes=$(( ${mem%G} * 1024 * 1024 * 1024 ));;
  *M) bytes=$(( ${mem%M} * 1024 * 1024 ));;
  *)  bytes=$mem;;
esac
sed -e "s/^max-cpu-num = .*/max-cpu-num = $smp  # uint/" \
    -e "s/^phys-memory-size = .*/phys-memory-size = $(printf '%#x' $bytes)  # uint/" "$src" > "$dst"
