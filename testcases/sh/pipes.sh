# Pipelines, command substitution, subshells, exit statuses.
echo "hello world" | tr a-z A-Z
printf 'c\nb\na\nb\n' | sort | uniq -c | awk '{print $1, $2}'
seq 1 1000 | wc -l
seq 1 100 | awk '{s += $1} END {print "sum", s}'
# a long pipeline
seq 1 20 | grep 1 | sed 's/1/one/' | tr -d 'e' | head -n 5 | tail -n 2
# large data through a pipe (more than the pipe capacity)
seq 1 50000 | cat | cat | wc -c
yes abcdefghij | head -n 20000 | wc -l
# exit status of a pipeline is the last command's
false | true; echo "false|true -> $?"
true | false; echo "true|false -> $?"
! true; echo "! true -> $?"
# command substitution and subshells
x=$(echo inner; echo second)
echo "subst: $x" | tr '\n' ' '; echo
y=$( (echo nested) | cat)
echo "nested: $y"
(cd /; exit 3); echo "subshell exit: $?"
echo "cwd unchanged by subshell: $( [ "$PWD" != / ] && echo yes)"
# while-read loop fed by a pipe (runs in a subshell)
n=0
printf 'a\nb\nc\n' | while read -r line; do echo "line: $line"; done
# here-document into a pipe
cat <<EOT | sed 's/^/> /'
first
second $((1 + 2))
EOT
# a reader that exits early: the writer gets SIGPIPE, the pipeline still ends
yes | head -n 3
echo "after yes|head: $?"
# background jobs and wait
(sleep 0.2; echo background done) &
echo foreground first
wait
echo "all waited"
# xargs
printf '1\n2\n3\n' | xargs echo args:
