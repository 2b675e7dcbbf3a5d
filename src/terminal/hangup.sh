# Hangs up terminals' shells, as closing a real terminal does, and kills any that ignore it.
# Arguments: the terminals' session ids.
pids=""
for id in "$@"; do
  pidfile="/tmp/.sandboxd-terminal-$id.pid"
  pid=$(cat "$pidfile" 2>/dev/null) || continue
  rm -f "$pidfile"
  kill -HUP "$pid" 2>/dev/null && pids="$pids $pid"
done
# Most shells are gone at once; give the rest two seconds, checked often.
for _ in 1 2 3 4 5 6 7 8 9 10; do
  alive=""
  for pid in $pids; do
    kill -0 "$pid" 2>/dev/null && alive="$alive $pid"
  done
  pids=$alive
  [ -z "$pids" ] && exit 0
  sleep 0.2
done
# shellcheck disable=SC2086 # one word per pid
kill -KILL $pids 2>/dev/null
exit 0
