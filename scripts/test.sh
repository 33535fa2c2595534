#!/usr/bin/env bash
# `make test`: host unit tests, then for each arch the testcases on our kernel
# (under QEMU) compared with the same binaries on Linux.
#
#   (a) cargo test for the host-testable crates (those under modules/), the syscall
#       table against linux-raw-sys (scripts/check-syscall-table.py), cargo fmt --check;
#   (b) for ARCH in $ARCHES (default "x86_64 riscv64"):
#         make ARCH=$a build
#         scripts/build-testcases.sh $a build/$a/testcases
#         make ARCH=$a A=apps/tests image
#         scripts/qemu.sh ... (QEMU_LOG, QEMU_TIMEOUT)  -> build/$a/test/kernel.log
#         scripts/run-linux-tests.sh $a ...             -> build/$a/test/linux.log
#         scripts/compare-tests.py                      -> build/$a/test/compare.txt
#         scripts/strace-diff $a .../zlm_standin -h     -> build/$a/test/strace-diff.txt
# The last line printed is "N passed, N failed"; the exit status is 1 on any failure.
#
# Environment: ARCHES, SKIP_UNIT=1, QEMU_TIMEOUT (seconds per boot, default 1800),
#              SMP/MEM/MODE/LOG (passed to make as usual).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
ARCHES=${ARCHES:-"x86_64 riscv64"}
# Generous: a boot runs every testcase (each has its own 120 s limit inside),
# and a loaded CI machine runs TCG slowly.
BOOT_TIMEOUT=${QEMU_TIMEOUT:-1800}
unset QEMU_LOG QEMU_TIMEOUT QEMU_TEE QEMU_GDB QEMU_DRY_RUN
# `make test` exports the kernel's RUSTFLAGS/AX_* variables: keep them away from host builds.
unset RUSTFLAGS AX_CONFIG_PATH AX_LOG AX_MODE AX_TARGET KERNEL_STRACE KERNEL_VDSO
# Make variables from `make test` must not leak into the nested makes with stale values.
unset MAKEFLAGS MAKELEVEL MFLAGS

total_pass=0 total_fail=0
summary=()

section() { echo; echo "=== $*"; }
tail_log() { # file: show the end of a log after a failure
    echo "--- last lines of $1:"
    tail -n "${2:-30}" "$1" | sed 's/^/    /'
}

# ---------------------------------------------------------------------------------------
# (a) host unit tests
# ---------------------------------------------------------------------------------------
if [ "${SKIP_UNIT:-0}" != 1 ]; then
    # Only the crates under modules/ build for the host: kernel/ and api/ need the
    # bare-metal target (axhal, user-copy assembly).
    section "unit tests (cargo test for the crates under modules/)"
    mkdir -p build
    ulog=build/unittest.log
    members=$(PATH=/usr/bin:$PATH cargo metadata --no-deps --format-version 1 2>/dev/null |
        python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"] if "/modules/" in p["manifest_path"]))' 2>/dev/null)
    if [ -z "$members" ]; then
        echo "unit tests: skipped (no host-testable crate in the workspace)"
        summary+=("unit: skipped")
    else
        echo "crates: $members"
        # shellcheck disable=SC2046
        PATH=/usr/bin:$PATH cargo test $(printf -- '-p %s ' $members) >"$ulog" 2>&1
        rc=$?
        read -r up uf < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
                               END { print p + 0, f + 0 }' "$ulog")
        grep -E '^test .* FAILED$|^test result:' "$ulog" | sed 's/^/  /'
        if [ $rc -ne 0 ] && [ "$uf" -eq 0 ]; then
            echo "unit tests: cargo test failed (build error?)"
            tail_log "$ulog"
            uf=1
        fi
        echo "unit: $up passed, $uf failed"
        summary+=("unit: $up passed, $uf failed")
        total_pass=$((total_pass + up))
        total_fail=$((total_fail + uf))
    fi
    # The syscall table against linux-raw-sys's per-arch numbers (one check).
    section "syscall table (scripts/check-syscall-table.py)"
    if python3 scripts/check-syscall-table.py; then
        total_pass=$((total_pass + 1))
        summary+=("syscall table: ok")
    else
        total_fail=$((total_fail + 1))
        summary+=("syscall table: problems (scripts/check-syscall-table.py)")
    fi
    # Formatting is part of the tree's health: an unformatted file is one failure.
    section "style (cargo fmt --all --check)"
    if PATH=/usr/bin:$PATH cargo fmt --all --check >build/fmt.log 2>&1; then
        echo "fmt: clean"
        total_pass=$((total_pass + 1))
        summary+=("fmt: clean")
    else
        grep '^Diff in' build/fmt.log | sed 's/^/  /' | head -20
        total_fail=$((total_fail + 1))
        summary+=("fmt: not clean (run make fmt)")
    fi
fi

# ---------------------------------------------------------------------------------------
# (b) testcases per architecture
# ---------------------------------------------------------------------------------------
make_var() { # arch var: a variable's value as the Makefile computes it for the tests image
    make --no-print-directory -s -f Makefile -f - ARCH="$1" A=apps/tests print-var VAR="$2" <<'EOF'
print-var:
	@echo $($(VAR))
EOF
}

for a in $ARCHES; do
    section "$a"
    out=build/$a/test
    tc=build/$a/testcases
    mkdir -p "$out"
    kernel_ok=1

    echo "--- make ARCH=$a build"
    if ! make ARCH="$a" build >"$out/build.log" 2>&1; then
        echo "kernel build failed"
        tail_log "$out/build.log"
        kernel_ok=0
    fi

    echo "--- scripts/build-testcases.sh $a $tc"
    if ! scripts/build-testcases.sh "$a" "$tc" >"$out/testcases.log" 2>&1; then
        echo "testcase build failed"
        tail_log "$out/testcases.log"
        summary+=("$a: testcases do not build")
        total_fail=$((total_fail + 1))
        continue
    fi
    tail -n 1 "$out/testcases.log"

    if [ $kernel_ok = 1 ]; then
        echo "--- make ARCH=$a A=apps/tests image"
        if ! make ARCH="$a" A=apps/tests image >"$out/image.log" 2>&1; then
            echo "image build failed"
            tail_log "$out/image.log"
            kernel_ok=0
        fi
    fi

    rm -f "$out/kernel.log"
    if [ $kernel_ok = 1 ]; then
        elf=$(make_var "$a" KERNEL_ELF) bin=$(make_var "$a" KERNEL_BIN) img=$(make_var "$a" DISK_IMG)
        smp=$(make_var "$a" SMP) mem=$(make_var "$a" MEM) accel=$(make_var "$a" ACCEL)
        echo "--- scripts/qemu.sh $a ($accel, $smp CPUs, $mem, timeout ${BOOT_TIMEOUT}s) -> $out/kernel.log"
        start=$(date +%s)
        QEMU_LOG="$ROOT/$out/kernel.log" QEMU_TIMEOUT="$BOOT_TIMEOUT" \
            scripts/qemu.sh "$a" "$elf" "$bin" "$img" "$smp" "$mem" "$accel"
        rc=$?
        echo "qemu exited with status $rc after $(( $(date +%s) - start ))s"
        [ $rc = 124 ] && echo "(timeout: the kernel did not power off in ${BOOT_TIMEOUT}s)"
    else
        echo "--- no kernel run: every testcase of $a counts as failed"
    fi
    [ -f "$out/kernel.log" ] || : >"$out/kernel.log"

    echo "--- scripts/run-linux-tests.sh $a $tc $out/linux.log"
    if ! scripts/run-linux-tests.sh "$a" "$tc" "$out/linux.log"; then
        echo "Linux reference run failed"
        summary+=("$a: no Linux reference")
        total_fail=$((total_fail + 1))
        continue
    fi

    echo "--- scripts/compare-tests.py ($out/compare.txt)"
    python3 scripts/compare-tests.py "$out/linux.log" "$out/kernel.log" --arch "$a" \
        --enabled "testcases/enabled-$a.txt" >"$out/compare.txt" 2>&1
    sed '$d' "$out/compare.txt"
    last=$(tail -n 1 "$out/compare.txt")
    if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
    else
        echo "compare-tests.py did not produce a result"
        p=0 f=1
    fi
    echo "$a: $p passed, $f failed"
    summary+=("$a: $p passed, $f failed")
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))

    # MediaServer's startup path, syscall by syscall: the stand-in's trace on our kernel
    # (STRACE=1 build) against Linux's (one check; `make run` rebuilds the plain kernel).
    echo "--- scripts/strace-diff $a $tc/zlm_standin -h ($out/strace-diff.txt)"
    scripts/strace-diff "$a" "$tc/zlm_standin" -h >"$out/strace-diff.txt" 2>&1
    rc=$?
    verdict=$(grep '^strace-diff ' "$out/strace-diff.txt" | tail -n 1)
    echo "${verdict:-strace-diff gave no verdict (exit status $rc)}"
    if [ $rc = 0 ] && [ $kernel_ok = 1 ]; then
        total_pass=$((total_pass + 1))
        summary+=("$a: strace-diff of zlm_standin clean")
    else
        [ $rc = 1 ] && grep '^[-+][^-+]' "$out/strace-diff.txt" | head -20 | sed 's/^/    /'
        [ $rc = 2 ] && tail_log "$out/strace-diff.txt" 10
        total_fail=$((total_fail + 1))
        summary+=("$a: strace-diff of zlm_standin differs")
    fi
done

section "summary"
for s in "${summary[@]}"; do echo "$s"; done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
