# Hangs up a terminal's shell, as closing a real terminal does; kills it if it ignores that.
pidfile="/tmp/.sandboxd-terminal-$1.pid"
pid=$(cat "$pidfile" 2>/dev/null) || exit 0
rm -f "$pidfile"
kill -HUP "$pid" 2>/dev/null || exit 0
# Most shells are gone at once; give the rest two seconds, checked often.
for _ in 1 2 3 4 5 6 7 8 9 10; do
  kill -0 "$pid" 2>/dev/null || exit 0
  sleep 0.2
done
kill -KILL "$pid" 2>/dev/null
exit 0
