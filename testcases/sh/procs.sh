# Processes from the shell: exit codes, signals, $$ vs $PPID, exec, env.
sh -c 'exit 7'; echo "exit code: $?"
sh -c 'kill -TERM $$'; echo "killed by TERM: $?"
sh -c 'kill -KILL $$'; echo "killed by KILL: $?"
[ "$$" != "$PPID" ] && echo "pid and ppid differ"
inner=$(sh -c 'echo $PPID')
[ "$inner" = "$$" ] && echo "child's PPID is our pid"
env -i FOO=bar sh -c 'echo "FOO=$FOO HOME=${HOME-unset}"'
FOO=local sh -c 'echo "FOO in child: $FOO"'
export EXPORTED=yes
sh -c 'echo "exported: $EXPORTED"'
(exec echo "exec in subshell")
echo "after exec subshell"
true && echo "and-list"
false || echo "or-list"
if sh -c 'exit 1'; then echo then; else echo else; fi
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo "loop i=$i"
case "abc" in a*) echo "case a*";; *) echo "case other";; esac
f() { echo "function arg: $1"; return 5; }
f x; echo "function status: $?"
trap 'echo "trap on EXIT"' EXIT
sleep 0.1 &
pid=$!
wait $pid; echo "wait status: $?"
sh -c 'sleep 5' &
pid=$!
kill $pid
# The shell reports "Terminated" only if the job dies while it waits for it
# (not if it reaped it just before): that is timing, so its stderr is muted.
{ wait $pid; } 2>/dev/null; echo "wait after kill: $?"
echo "$(seq 1 3 | tr '\n' ' ')"
# stdin is /dev/null
read -r line; echo "read from stdin: status $?"
cat | wc -c
test -t 0 || echo "stdin is not a tty"
