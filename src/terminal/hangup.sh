# Hangs up terminals' shells, as closing a real terminal does, and kills any that ignore it.
# Arguments: the terminals' session ids. Run by sandboxd's own busybox where the environment
# has it, and every tool is that busybox's: nothing the tenant put in the environment (a
# /bin/sh that never returns, a pid file that is a FIFO) can hold the hang-up up.
bb=/usr/lib/sandboxd/busybox
[ -x "$bb" ] || bb=
pids=""
for id in "$@"; do
  pidfile="/tmp/.sandboxd-terminal-$id.pid"
  [ -f "$pidfile" ] || continue
  pid=$($bb timeout 1 $bb head -c 16 "$pidfile" 2>/dev/null) || continue
  $bb rm -f "$pidfile"
  case "$pid" in ''|*[!0-9]*) continue ;; esac
  $bb kill -HUP "$pid" 2>/dev/null && pids="$pids $pid"
done
# Most shells are gone at once; give the rest two seconds, checked often.
for _ in 1 2 3 4 5 6 7 8 9 10; do
  alive=""
  for pid in $pids; do
    $bb kill -0 "$pid" 2>/dev/null && alive="$alive $pid"
  done
  pids=$alive
  [ -z "$pids" ] && exit 0
  $bb sleep 0.2
done
# shellcheck disable=SC2086 # one word per pid
$bb kill -KILL $pids 2>/dev/null
exit 0
