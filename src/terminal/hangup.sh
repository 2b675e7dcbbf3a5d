# Hangs up a terminal's shell, as closing a real terminal does; kills it if it ignores that.
pidfile="/tmp/.sandboxd-terminal-$1.pid"
pid=$(cat "$pidfile" 2>/dev/null) || exit 0
rm -f "$pidfile"
kill -HUP "$pid" 2>/dev/null || exit 0
sleep 2
kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
exit 0
