#!/bin/sh
# Guest side of `make bench` (busybox sh), the same file on Linux and on our kernel.
# Prints results as "name value unit" lines between ===BENCH-*-START=== / ===BENCH-*-END===
# markers on the console; the host (scripts/bench/summarize.py) parses them.
#
# Settings come from /bench/bench.env (shell assignments), written by the host when it builds
# the image: our kernel passes no command line to init, so they are baked in, for both kernels.
#   bench_micro   microbench subcommands, comma-separated (default: all; "none" skips)
#   bench_fio     1 = run fio jobs, 0 = skip      (default: 1 if /bench/fio exists)
#   bench_fio_runtime  seconds per fio job        (default: 10)
#   bench_fio_ramp     ramp seconds per fio job   (default: 1)
#   bench_fio_size     fio file size              (default: 512M)
#   bench_dev     block device to mount           (default: /dev/vda)
#   MB_*          passed through to microbench (defaults here: MB_VERBOSE=1, MB_PASSES=3)
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
B=/bench
# shellcheck disable=SC1091
[ -r $B/bench.env ] && . $B/bench.env
micro=$(echo "${bench_micro:-all}" | tr ',' ' ')  # comma-separated (a kernel cmdline word)
fio_on=${bench_fio:-1}
fio_rt=${bench_fio_runtime:-10}
fio_ramp=${bench_fio_ramp:-1}
fio_size=${bench_fio_size:-512M}
dev=${bench_dev:-/dev/vda}
export MB_VERBOSE=${MB_VERBOSE:-1}  # per-round min/median/max on stderr (console log only)
export MB_PASSES=${MB_PASSES:-3}    # whole list 3 times; each line = median of its 3 passes

echo "===BENCH-INFO-START==="
echo "kernel $(uname -r)"
echo "uname $(uname -a)"
echo "nproc $(nproc 2>/dev/null)"
[ -r /proc/cmdline ] && echo "cmdline $(cat /proc/cmdline)"
[ -r /proc/meminfo ] && echo "memtotal $(awk '/^MemTotal/ {print $2, $3}' /proc/meminfo)"
[ -r /proc/cpuinfo ] && echo "cpu $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
[ -r /sys/devices/system/clocksource/clocksource0/current_clocksource ] &&
	echo "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"

# Where file benchmarks and fio run: the virtio disk mounted on /mnt (Linux: it boots from an
# initramfs), or the root file system if there is no such device node or it cannot be mounted
# (our kernel: the disk is already the root and there is no /dev/vda).
data=""
if [ -b "$dev" ]; then
	if grep -q "^$dev / " /proc/mounts 2>/dev/null; then
		data=/bench-data
	elif mount -t ext4 "$dev" /mnt; then
		data=/mnt/bench-data
	else
		echo "note could not mount $dev; using the root fs"
	fi
else
	echo "note no block device $dev; using the root fs"
fi
[ -n "$data" ] || data=/bench-data
mkdir -p "$data"
echo "datadir $data"
[ -r /proc/mounts ] && grep -E " (/|/mnt) " /proc/mounts | sed 's/^/mount /'
[ -r /sys/block/vda/queue/scheduler ] && echo "iosched $(cat /sys/block/vda/queue/scheduler)"
echo "===BENCH-INFO-END==="

if [ "$micro" != none ]; then
	echo "===BENCH-MICRO-START==="
	# With MB_PASSES > 1 microbench prints its lines at the end: rc 0 all fine, 1 some failed
	# (printed as nan). Anything else (a crash, a benchmark that hung until its alarm) lost
	# them all, so each benchmark without a line is then run again alone, one pass.
	# shellcheck disable=SC2086
	$B/microbench -d "$data" $micro >/tmp/micro.out
	rc=$?
	cat /tmp/micro.out
	if [ $rc -gt 1 ]; then
		[ "$micro" = all ] && micro=$($B/microbench list | awk 'NR > 2 {print $1}')
		for m in $micro; do
			grep -q "^$m " /tmp/micro.out && continue
			echo "# $m: microbench exited with $rc before printing it; running it alone"
			MB_PASSES=1 $B/microbench -d "$data" "$m" >/tmp/micro1.out
			grep "^$m " /tmp/micro1.out ||
				echo "$m nan $($B/microbench list | awk -v m="$m" '$1 == m {print $2}')"
		done
	fi
	echo "===BENCH-MICRO-END rc=$rc==="
fi

# fio -------------------------------------------------------------------
# terse v3 fields: 7 read bw KiB/s, 8 read IOPS, 40 read total-lat mean (us),
#                  48 write bw KiB/s, 49 write IOPS, 81 write total-lat mean (us)
# A failed job prints its three metrics as nan, so the host shows them as missing.
run_fio() {
	name=$1
	shift
	out=$($B/fio --name="$name" --filename="$data/fio.dat" --size="$fio_size" \
		--direct=1 --time_based --runtime="$fio_rt" --ramp_time="$fio_ramp" \
		--output-format=terse --terse-version=3 "$@" 2>/tmp/fio.err)
	rc=$?
	line=$(echo "$out" | grep '^3;' | tail -n 1)
	if [ $rc -ne 0 ] || [ -z "$line" ]; then
		echo "# fio $name failed (rc=$rc): $(tr '\n' ' ' </tmp/fio.err)"
		printf 'fio_%s nan IOPS\nfio_%s_bw nan MB/s\nfio_%s_lat nan us\n' "$name" "$name" "$name"
		return
	fi
	echo "#terse $line"
	echo "$line" | awk -F';' -v n="$name" '{
		if ($8 + 0 > 0) { bw = $7; iops = $8; lat = $40 } else { bw = $48; iops = $49; lat = $81 }
		printf "fio_%s %.0f IOPS\n", n, iops
		printf "fio_%s_bw %.1f MB/s\n", n, bw * 1024 / 1e6
		printf "fio_%s_lat %.1f us\n", n, lat
	}'
}

if [ "$fio_on" = 1 ] && [ -x $B/fio ]; then
	echo "===BENCH-FIO-START==="
	echo "# fio $($B/fio --version) file $data/fio.dat size $fio_size runtime ${fio_rt}s ramp ${fio_ramp}s direct=1"
	# lay the file out first (allocating write, not reported as a metric)
	$B/fio --name=layout --filename="$data/fio.dat" --size="$fio_size" --rw=write --bs=1M \
		--ioengine=psync --direct=1 --output-format=terse --terse-version=3 >/tmp/layout.out 2>&1 ||
		echo "# fio layout failed: $(tr '\n' ' ' </tmp/layout.out)"
	sync
	run_fio randread4k_uring_qd32 --rw=randread --bs=4k --ioengine=io_uring --iodepth=32
	run_fio randread4k_uring_sqpoll_qd32 --rw=randread --bs=4k --ioengine=io_uring --iodepth=32 \
		--sqthread_poll=1
	run_fio randread4k_psync --rw=randread --bs=4k --ioengine=psync --iodepth=1
	run_fio seqread1m_psync --rw=read --bs=1M --ioengine=psync --iodepth=1
	run_fio seqwrite1m_psync --rw=write --bs=1M --ioengine=psync --iodepth=1
	rm -f "$data/fio.dat"
	echo "===BENCH-FIO-END==="
fi
sync
[ "$data" = /mnt/bench-data ] && umount /mnt
echo "===BENCH-DONE==="
