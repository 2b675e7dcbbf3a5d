# Starts a terminal's shell. Arguments: the terminal's session id and a tmux session name.
# Records its pid so sandboxd can hang the shell up when nobody reconnects; configure.sh left
# the login shell and the tmux choice in /etc/sandboxd.
echo $$ >"/tmp/.sandboxd-terminal-$1.pid" 2>/dev/null
shell=$(cat /etc/sandboxd/login-shell 2>/dev/null)
[ -n "$shell" ] && [ -x "$shell" ] || shell=/bin/sh
cd "${HOME:-/}" 2>/dev/null || cd /
if [ "$(cat /etc/sandboxd/use-tmux 2>/dev/null)" = 1 ] && command -v tmux >/dev/null 2>&1; then
    exec tmux new-session -A -s "$2" "$shell -l"
fi
exec "$shell" -l
