# Kills a timed-out exec job ($1): its process group when it has one, else its process.
f="/tmp/.sandboxd-exec-$1.pid"
pid=$(cat "$f" 2>/dev/null) || exit 0
kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
rm -f "$f"
exit 0
