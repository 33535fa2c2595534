# Real Debian programs: bash, coreutils (ls, sort, wc, date) and procps (ps). In the x86_64 image
# they are the host's binaries under /debian/bin (busybox keeps /bin); on Linux, /usr/bin's.
# The runner starts this file with busybox sh: it re-runs itself with bash.
D=/debian/bin
[ -x $D/bash ] || D=/usr/bin
if [ -z "${BASH_VERSION:-}" ]; then
    exec $D/bash "$0" "$D"
fi
D=$1
set -u
echo "bash ${BASH_VERSINFO[0]}, \$0 is a bash script: $([ -n "$BASH_VERSION" ] && echo yes)"

# --- bash: pipes, subshells, $(...), arrays, arithmetic, here-docs, traps, wait ---------------
x=$(echo hello world | tr a-z A-Z | cut -d' ' -f2)
echo "command substitution through a pipe: $x"
nested=$(echo "outer $(echo "inner $(echo deepest)")")
echo "nested: $nested"
here=$PWD
(cd / && echo "subshell cd: $PWD")
[ "$PWD" = "$here" ] && echo "parent cwd unchanged"
v=parent
(v=child; echo "subshell sees $v")
echo "parent keeps $v"
arr=(one two three)
arr+=(four)
echo "array: ${#arr[@]} items, second ${arr[1]}, last ${arr[-1]}"
declare -A map=([a]=1 [b]=2)
echo "assoc: a=${map[a]} b=${map[b]}"
echo "arith: $(( (6 * 7) % 40 )) $(( 1 << 10 ))"
cat <<EOF | sort -r
here-doc line b
here-doc line a
EOF
while read -r line; do echo "process substitution: $line"; done < <(printf 'p1\np2\n')
echo "pipeline status: $(false | true; echo $?), pipefail: $(set -o pipefail; false | true; echo $?)"
echo "PIPESTATUS: $(true | false | (exit 3); echo "${PIPESTATUS[@]}")"

trap 'echo "trap: USR1 handled"' USR1
kill -USR1 $$
trap 'echo "trap: ERR at status $?"' ERR
false
trap - ERR
trap 'echo "trap: EXIT runs last"' EXIT

sleep 0.2 &
p1=$!
(exit 7) &
p2=$!
wait $p1
echo "wait for sleep: $?"
wait $p2
echo "wait for (exit 7): $?"
for i in 1 2 3; do (exit $i) & done
wait
echo "wait with no argument: $?"
{ sleep 0.1; echo "background group done"; } &
wait
(trap 'echo "subshell: TERM caught"; exit 9' TERM; kill -TERM $BASHPID; sleep 1) &
wait $!
echo "subshell ended with $?"

# --- coreutils ---------------------------------------------------------------------------------
mkdir -p d/sub
: >d/b
: >d/a
echo hi >d/c
ln -s c d/link
echo "ls:" $($D/ls d)
echo "ls -a:" $($D/ls -a d)
echo "ls -F:" $($D/ls -F d)
echo "ls -1 d/sub d/c:"
$D/ls -1 d/sub d/c
$D/ls d/missing 2>/dev/null
echo "ls missing: $?"
printf '3\n1\n20\n10\n2\n' | $D/sort -n | tr '\n' ' '
echo
printf 'b\na\nC\nc\n' | $D/sort -r | tr '\n' ' '
echo
printf 'k 2\nk 1\nj 3\n' | $D/sort -k2,2n | tr '\n' ' '
echo
printf 'x\ny\nx\n' | $D/sort -u | tr '\n' ' '
echo
printf 'one two\nthree\n' | $D/wc
printf 'one two\nthree\n' >w.txt
$D/wc -l w.txt
$D/wc -c <w.txt
$D/date -d @0 -u
$D/date -u -d @1700000000 '+%F %T %Z'
TZ=Asia/Shanghai $D/date -d @0 '+%F %T %Z %z'
TZ=Europe/Berlin $D/date -d '@1700000000' '+%F %T %Z'
$D/date -u -d '2024-02-28 + 1 day' +%F

# --- procps: ps shows a known process tree ------------------------------------------------------
sleep 30 &
s1=$!
(sleep 30 & echo $! >inner.pid; wait) &
sub=$!
# The tree: this bash -> sleep, and -> a subshell (bash) -> sleep. Retry until every child has
# exec'd (a child between fork and exec is still named bash).
tree() {
    $D/ps -e -o pid=,ppid=,comm= >ps.out
    awk -v me=$$ '
        { comm[$1] = $3; parent[$1] = $2 }
        END {
            for (p in comm) {
                # descendants of this shell only
                for (a = parent[p]; a != "" && a != me && a in parent; a = parent[a]) ;
                if ((parent[p] == me || a == me) && comm[p] != "ps")
                    print comm[p] " <- " comm[parent[p]] (parent[p] == me ? " (this shell)" : "")
            }
        }' ps.out | sort
}
for i in $(seq 1 100); do
    out=$(tree)
    [ "$(echo "$out" | grep -c '^sleep')" = 2 ] && [ -s inner.pid ] && break
    sleep 0.1
done
echo "ps -e -o pid=,ppid=,comm=, descendants of this shell:"
echo "$out"
$D/ps -o comm= -p $$
$D/ps -o pid= -p $s1 | grep -qw $s1 && echo "ps -p finds the sleep by pid"
kill $s1 $sub $(cat inner.pid)
wait 2>/dev/null
echo "children gone: $($D/ps -o pid= --ppid $$ | grep -c .)"
