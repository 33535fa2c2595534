#!/usr/bin/env bash
# scripts/bench/bench.sh - `make bench`: our kernel against Debian's Linux 6.1 in the same QEMU.
#
# Boots both kernels alternately (Linux, ours, Linux, ours, ... RUNS times each) in the same
# QEMU machine (x86_64, TCG, q35, 2 vCPUs, -cpu max,-la57, the command scripts/qemu.sh builds),
# each running the same guest script and the same static binaries: microbench (microbench.c
# here), exit0 and fio 3.33 built -static from Debian's source. Then summarize.py writes
# build/bench/results.md, results.tsv and ratios.png and the table is printed.
#
#   scripts/bench/bench.sh          (or: make bench, which builds the kernel first)
#
# Environment:
#   RUNS=3            boots of each kernel
#   KERNEL_ELF=       our kernel's ELF; unset: `make ARCH=x86_64 SMP=2 build` first, then its ELF
#   LINUX_FORMAT=pvh  pvh: Debian's kernel uncompressed (vmlinux from its vmlinuz), booted
#                     through its PVH entry, i.e. loaded as an ELF the way ours is, so
#                     boot_to_init compares kernels, not xz decompression under TCG (~4 s);
#                     bzimage: Debian's vmlinuz as is
#   MEM=1G            guest memory, both kernels (ours has the size baked in: the Makefile's MEM)
#   FIO=1             0: no fio (no build, no jobs)
#   MB_PASSES=3       microbench passes over its list inside one boot (median of the passes)
#   BENCH_MICRO=all   microbench subcommands, comma-separated
#   FIO_RUNTIME=10    seconds per fio job (plus 1 s ramp)
#   TIMEOUT=1800      seconds before a boot is killed (a hang on our kernel costs that much)
#   QUIET_WAIT=600    seconds a boot waits for other QEMUs and compilers on the host to finish
#   OUT=build/bench   results; SCRATCH=$OUT/scratch: downloads, fio build, images, kernel copies
# Needs (installed here when missing, with apt-get; sudo when not root): python3-matplotlib
# (the chart), build-essential and dpkg-dev (microbench, fio from `apt-get source fio`, which
# needs deb-src entries: scripts/setup.sh adds them), xz-utils (vmlinux), busybox-static,
# e2fsprogs, qemu-system-x86.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUNS=${RUNS:-3}
KERNEL_ELF=${KERNEL_ELF:-}
LINUX_FORMAT=${LINUX_FORMAT:-pvh}
SMP=2
MEM=${MEM:-1G}
FIO=${FIO:-1}
TIMEOUT=${TIMEOUT:-1800}
QUIET_WAIT=${QUIET_WAIT:-600}
DONE_GRACE=10 # seconds QEMU may run on after ===BENCH-DONE=== before it is stopped
OUT=${OUT:-$ROOT/build/bench}
SCRATCH=${SCRATCH:-$OUT/scratch}
LINUX_APPEND="console=ttyS0 quiet panic=-1"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number"
mkdir -p "$OUT" "$SCRATCH"/{debs,bin}
start_time=$(date +%s)

# ------------------------------------------------------------------------------ host packages
# Only what `make bench` needs beyond scripts/setup.sh; CI never runs this.
ensure_pkgs() {
	local p missing=() sudo=""
	for p in "$@"; do
		[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || sudo=sudo
	log "installing ${missing[*]}"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null ||
		{ $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } ||
		die "apt-get install ${missing[*]} failed"
}
ensure_pkgs python3-matplotlib build-essential dpkg-dev xz-utils busybox-static e2fsprogs \
	qemu-system-x86

# ------------------------------------------------------------------------------ our kernel
if [ -z "$KERNEL_ELF" ]; then
	log "building our kernel (make ARCH=x86_64 SMP=$SMP MEM=$MEM build)"
	make -C "$ROOT" ARCH=x86_64 SMP="$SMP" MEM="$MEM" build >&2
	KERNEL_ELF=$ROOT/target/x86_64-smp$SMP/x86_64-unknown-none/release/kernel
fi
[ -r "$KERNEL_ELF" ] || die "KERNEL_ELF=$KERNEL_ELF not readable"
# A private copy: the tree's ELF may be rebuilt while the boots run.
OURS_ELF=$SCRATCH/kernel-ours.elf
cp "$KERNEL_ELF" "$OURS_ELF"

# ------------------------------------------------------------------------------ Linux 6.1
deb_extract() { # PKG DEST: apt-get download + dpkg-deb -x, cached in $SCRATCH
	local pkg=$1 dest=$2 deb
	[ -e "$dest/.done" ] && return 0
	deb=$(ls "$SCRATCH"/debs/"$pkg"_*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		log "downloading $pkg"
		(cd "$SCRATCH/debs" && apt-get download "$pkg" >/dev/null 2>&1) ||
			die "apt-get download $pkg failed (try: apt-get update)"
		deb=$(ls "$SCRATCH"/debs/"$pkg"_*.deb | head -n 1)
	fi
	rm -rf "$dest" && mkdir -p "$dest"
	dpkg-deb -x "$deb" "$dest"
	touch "$dest/.done"
}
# the versioned package linux-image-amd64 depends on (bookworm: 6.1.0-N-amd64)
kpkg=$(apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
	sed -n 's/^Depends: \(linux-image-6[^ ,]*\).*/\1/p' | head -n 1 || true)
[ -n "$kpkg" ] || die "cannot find Debian's kernel package (apt-cache show linux-image-amd64)"
KDIR=$SCRATCH/$kpkg
deb_extract "$kpkg" "$KDIR"
LINUX_KERNEL=$(ls "$KDIR"/boot/vmlinuz-* | head -n 1)
KVER=${LINUX_KERNEL##*/vmlinuz-}
MODULES_DIR=$KDIR/lib/modules/$KVER
case "$LINUX_FORMAT" in
bzimage) ;;
pvh)
	# The vmlinuz payload is an xz stream; the ELF inside has a PVH note QEMU boots directly.
	elf=$KDIR/vmlinux-$KVER
	if [ ! -s "$elf" ]; then
		off=$(grep -obUaP '\xfd7zXZ\x00' "$LINUX_KERNEL" | head -n 1 | cut -d: -f1 || true)
		[ -n "$off" ] || die "no xz payload in $LINUX_KERNEL"
		tail -c +"$((off + 1))" "$LINUX_KERNEL" | xz -dc >"$elf" 2>/dev/null || true
		[ "$(head -c 4 "$elf" | od -An -c | tr -d ' ')" = '177ELF' ] || die "vmlinux extraction failed"
	fi
	LINUX_KERNEL=$elf ;;
*) die "LINUX_FORMAT must be pvh or bzimage" ;;
esac

# ------------------------------------------------------------------------------ guest binaries
# Built once; both kernels run these very files.
log "building microbench and exit0"
gcc -O2 -static -o "$SCRATCH/bin/microbench" "$HERE/microbench.c"
gcc -O2 -static -nostdlib -fno-stack-protector -DMB_EXIT0 -o "$SCRATCH/bin/exit0" "$HERE/microbench.c"

# fio 3.33 from Debian's source package, linked -static: our kernel may run it before it can
# run every dynamic program, and Linux runs the same file. io_uring needs no liburing in fio.
build_fio() {
	local src=$SCRATCH/fio-src out=$SCRATCH/bin/fio dir
	[ -x "$out" ] && return 0
	log "building a static fio from Debian's fio source package (apt-get source fio)"
	rm -rf "$src" && mkdir -p "$src"
	(cd "$src" && apt-get source --download-only fio >/dev/null 2>&1 &&
		dpkg-source -x fio_*.dsc >/dev/null 2>&1) || { log "apt-get source fio failed"; return 1; }
	dir=$(cd "$src" && ls -d fio-*/ | head -n 1)
	(cd "$src/$dir" && ./configure --build-static --disable-native --disable-numa --disable-rdma \
		--disable-rados --disable-rbd --disable-http --disable-gfapi --disable-pmem \
		--disable-xnvme --disable-libzbc --disable-tcmalloc --disable-dfs --disable-libnfs \
		>"$src/configure.log" 2>&1 && make -j"$(nproc)" fio >"$src/build.log" 2>&1) ||
		{ log "fio build failed (see $src/*.log)"; return 1; }
	strip -o "$out" "$src/$dir/fio"
}
FIO_BIN=""
if [ "$FIO" = 1 ]; then
	if build_fio; then FIO_BIN=$SCRATCH/bin/fio; else log "continuing without fio"; fi
fi

# Guest settings, baked into both images (our kernel passes no command line to init).
# MB_TIMEOUT: microbench's alarm per benchmark (default 120 s); ours needs about a minute for
# one file benchmark, and an alarm ends the whole list.
cat >"$SCRATCH/bench.env" <<EOF
bench_micro=${BENCH_MICRO:-all}
bench_fio=$([ -n "$FIO_BIN" ] && echo 1 || echo 0)
bench_fio_runtime=${FIO_RUNTIME:-10}
MB_PASSES=${MB_PASSES:-3}
MB_TIMEOUT=600
EOF

# ------------------------------------------------------------------------------ images
# Ours: the project's image of apps/bench (its rootfs.sh takes the files above), a 1 GiB disk.
log "building our root disk (make ARCH=x86_64 A=apps/bench image)"
BENCH_BIN_DIR=$SCRATCH/bin BENCH_FIO=$FIO_BIN BENCH_ENV=$SCRATCH/bench.env IMG_SIZE=1024 \
	make -C "$ROOT" ARCH=x86_64 A=apps/bench image >&2
cp --sparse=always "$ROOT/build/x86_64/disk-bench.img" "$SCRATCH/ours-disk.img"

# Linux: busybox + the same /init and /bench as an initramfs (Debian's kernel needs modules for
# virtio-blk and ext4), and a fresh 1 GiB ext4 disk holding the same tree, mounted on /mnt.
TREE=$SCRATCH/linux-tree
rm -rf "$TREE"
mkdir -p "$TREE"/{bin,dev,proc,sys,tmp,mnt,bench,etc}
cp /bin/busybox "$TREE/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$TREE/bin/$a"; done
ln -s bin "$TREE/sbin"
mkdir -p "$TREE/usr" && ln -s ../bin "$TREE/usr/bin" && ln -s ../bin "$TREE/usr/sbin"
mknod "$TREE/dev/console" c 5 1 2>/dev/null || log "mknod failed (not root?): /init reopens the console"
mknod "$TREE/dev/null" c 1 3 2>/dev/null || true
echo "root:x:0:0:root:/:/bin/sh" >"$TREE/etc/passwd"
install -m 755 "$ROOT/apps/bench/init" "$TREE/init"
install -m 755 "$HERE/guest/bench.sh" "$SCRATCH/bin/microbench" "$SCRATCH/bin/exit0" "$TREE/bench/"
[ -n "$FIO_BIN" ] && install -m 755 "$FIO_BIN" "$TREE/bench/fio"
install -m 644 "$SCRATCH/bench.env" "$TREE/bench/bench.env"
# modules and their dependencies, in load order (depends= of each .ko), for /init's insmod
declare -A mod_seen=()
mod_list=()
mod_add() {
	local name=$1 alt path dep
	alt=$(echo "$name" | tr '_-' '-_')
	path=$(find "$MODULES_DIR/kernel" \( -name "$name.ko" -o -name "$alt.ko" \) | head -n 1)
	[ -n "$path" ] || return 0 # built in
	[ -n "${mod_seen[$path]:-}" ] && return 0
	mod_seen[$path]=1
	for dep in $(strings -a "$path" | sed -n 's/^depends=//p' | tr ',' ' '); do mod_add "$dep"; done
	mod_list+=("$path")
}
for m in virtio_pci virtio_blk crc32c_generic crc32c-intel ext4; do mod_add "$m"; done
mkdir -p "$TREE/lib/modules/$KVER"
for m in "${mod_list[@]}"; do
	cp "$m" "$TREE/lib/modules/$KVER/"
	basename "$m" >>"$TREE/lib/modules/$KVER/bench-load.list"
done
LINUX_INITRD=$SCRATCH/linux-initramfs.cpio.gz
(cd "$TREE" && find . | sort | /bin/busybox cpio -o -H newc 2>/dev/null) | gzip -9 -n >"$LINUX_INITRD"
linux_disk() { # DEST
	rm -f "$1" && truncate -s 1G "$1"
	# inode tables and journal written now: no ext4lazyinit writes during the benchmarks
	mkfs.ext4 -q -F -L benchdisk -E lazy_itable_init=0,lazy_journal_init=0 -d "$TREE" "$1" >/dev/null
}

# ------------------------------------------------------------------------------ QEMU commands
# Both from scripts/qemu.sh (QEMU_DRY_RUN prints it), so the machine is the same: only the
# kernel, the disk, and Linux's initramfs and command line differ.
DISK=$SCRATCH/disk-work.img
qemu_cmd() { # KERNEL: sets the array CMD
	local line
	line=$(QEMU_DRY_RUN=1 QEMU_EXTRA="" "$ROOT/scripts/qemu.sh" x86_64 "$1" "$1" "$DISK" "$SMP" "$MEM" tcg)
	eval "CMD=($line)"
}
touch "$DISK"
qemu_cmd "$OURS_ELF"
OURS_CMD=("${CMD[@]}")
qemu_cmd "$LINUX_KERNEL"
LINUX_CMD=("${CMD[@]}" -initrd "$LINUX_INITRD" -append "$LINUX_APPEND")

# ------------------------------------------------------------------------------ boots
LOGS=$OUT/logs
rm -rf "$LOGS" && mkdir -p "$LOGS"
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host: $(uname -srm), $(nproc) CPUs; $(qemu-system-x86_64 --version | head -n 1)"
	echo "ours: tree $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'), $KERNEL_ELF built $(date -r "$KERNEL_ELF" '+%F %H:%M')"
	echo "linux: $kpkg ($LINUX_FORMAT: ${LINUX_KERNEL#"$SCRATCH"/})"
	echo "fio: $([ -n "$FIO_BIN" ] && "$FIO_BIN" --version || echo none)"
	echo "runs: $RUNS per kernel, interleaved (Linux first)"
	echo "qemu (ours): ${OURS_CMD[*]}"
	echo "qemu (linux): ${LINUX_CMD[*]}"
} >"$OUT/info.txt"

# host_busy: other heavy processes on the host (QEMU, compilers) as "pid name" lines. Our own
# QEMU, the child of $QPID (the `timeout` running it), is not one.
QPID=""
host_busy() {
	ps -eo pid=,ppid=,comm= | awk -v q="${QPID:-none}" '$2 != q &&
		$3 ~ /^(qemu-system-.*|cc1|cc1plus|rustc|cargo|ld|ld\.lld|lld)$/ {print $1, $3}'
}

# boot NAME CMD...: one boot on a fresh disk copy; the serial log, every line prefixed with the
# host's time ($EPOCHREALTIME), goes to $LOGS/NAME.log. Its first line is the time QEMU was
# started, so boot_to_init = time of "BENCH-INIT first line" - that, for both kernels alike.
boot() {
	local name=$1 slog=$LOGS/$1.log fifo=$LOGS/.fifo qpid killer="" sampler t0 line rc spin
	shift
	# Another QEMU or a compiler on this 2-core host slows the vCPUs unevenly: wait for them
	# (up to QUIET_WAIT s), then record how busy the host was around the boot.
	local waited=0
	while [ -n "$(host_busy)" ] && [ "$waited" -lt "$QUIET_WAIT" ]; do
		[ "$waited" = 0 ] && log "waiting up to ${QUIET_WAIT}s for $(host_busy | head -n 3 | tr '\n' ' ')to finish"
		sleep 5
		waited=$((waited + 5))
	done
	# the host's user-mode speed right now: noise context (this is a shared, noisy machine)
	spin=$("$SCRATCH/bin/microbench" cpu_spin 2>/dev/null | awk '{print $2}' || true)
	rm -f "$fifo" && mkfifo "$fifo"
	t0=$EPOCHREALTIME
	timeout -k 5 "$TIMEOUT" "$@" </dev/null >"$fifo" 2>&1 &
	qpid=$!
	QPID=$qpid
	# every 10 s, the busy processes seen during the boot (the summary names disturbed boots)
	(while sleep 10; do host_busy; done >"$LOGS/$name.busy") &
	sampler=$!
	{
		echo "$t0 HOST-QEMU-START host_cpu_spin=${spin:-nan} busy=$(host_busy | awk '{print $2}' | sort -u | paste -sd, -)"
		while IFS= read -r line || [ -n "$line" ]; do
			printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"
			# once the guest is done, give it DONE_GRACE s to power off, then stop QEMU
			if [ -z "$killer" ] && [[ $line == *"===BENCH-DONE==="* ]]; then
				(trap 'exit 0' TERM; sleep "$DONE_GRACE" & wait $!; kill -TERM "$qpid" 2>/dev/null) &
				killer=$!
			fi
		done <"$fifo"
	} >"$slog"
	wait "$qpid" && rc=0 || rc=$?
	kill "$sampler" 2>/dev/null || true
	QPID=""
	[ -z "$killer" ] || kill -TERM "$killer" 2>/dev/null || true
	rm -f "$fifo"
	echo "$EPOCHREALTIME HOST-QEMU-EXIT $rc" >>"$slog"
	grep -q "===BENCH-DONE===" "$slog" || log "$name did not finish (QEMU exit $rc); see $slog"
}

for run in $(seq 1 "$RUNS"); do
	linux_disk "$DISK"
	log "run $run/$RUNS: Linux $KVER ($(date +%H:%M:%S))"
	boot "linux-run$run" "${LINUX_CMD[@]}"
	cp --sparse=always "$SCRATCH/ours-disk.img" "$DISK"
	log "run $run/$RUNS: ours ($(date +%H:%M:%S))"
	boot "ours-run$run" "${OURS_CMD[@]}"
done
rm -f "$DISK"
echo "wall: $(($(date +%s) - start_time)) s for the whole script" >>"$OUT/info.txt"

# ------------------------------------------------------------------------------ results
# Debian's python3: python3-matplotlib is installed for it, not for a python3 earlier in PATH
/usr/bin/python3 "$HERE/summarize.py" "$LOGS" "$OUT" "$RUNS"
echo
cat "$OUT/results.md"
