# Shell error messages start with the script path, which differs between
# Linux and the image: tests must hide them ({ ...; } 2>/dev/null).
# Redirections: >, >>, <, 2>, 2>&1, here-docs, fds 3..9, /dev/null.
echo one > f
echo two >> f
cat < f
wc -l < f
echo "to stderr" 1>&2
ls nonexistent-file 2> err; echo "ls status $?"
[ -s err ] && echo "stderr captured"
ls nonexistent-file > out 2>&1; [ -s out ] && echo "2>&1 captured"
{ echo a; echo b 1>&2; } > both 2>&1
sort both
echo "noclobber-free overwrite" > f; cat f
: > f; echo "truncated size: $(wc -c < f)"
exec 3> fd3
echo "via fd 3" >&3
exec 3>&-
cat fd3
exec 4< fd3
read -r line <&4
echo "read from fd 4: $line"
exec 4<&-
echo discard > /dev/null; echo "/dev/null ok"
head -c 5 /dev/zero | od -An -tx1 | tr -s ' '
cat /dev/null; echo "empty cat status $?"
cat <<'EOF2'
literal $HOME `date`
EOF2
v=expanded
cat <<EOF2
here $v
EOF2
# redirect in a loop
for i in 1 2 3; do echo "n$i"; done > loop
cat loop | tr '\n' ,; echo
# append from several processes
for i in 1 2 3; do (echo "p$i" >> app) ; done
sort app | tr '\n' ' '; echo
# read-write open
echo "abc" > rw
exec 5<> rw
read -r x <&5
echo "rw read: $x"
exec 5>&-
# redirect to a directory fails (the shell's own message names the script: hide it)
{ echo x > .; } 2>/dev/null || echo "redirect to directory failed"
# missing input file
{ cat < missing; } 2>/dev/null || echo "missing input failed"
