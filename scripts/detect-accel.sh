#!/usr/bin/env bash
# Prints "kvm" only where /dev/kvm is hardware-assisted KVM usable for this ARCH, else "tcg".
# kvm_pvm (a shadow-paging KVM for nested clouds) runs only PVM guests: treat it as absent.
arch=${1:-x86_64}
if [ "$arch" = x86_64 ] && [ "$(uname -m)" = x86_64 ] && [ -w /dev/kvm ] && \
   [ ! -d /sys/module/kvm_pvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
  echo kvm
else
  echo tcg
fi
