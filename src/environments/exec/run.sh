# Runs an exec job's command ($2...) in its own process group, its pid recorded under the job
# id ($1) so a timeout can kill the whole group; exits with the command's code.
f="/tmp/.sandboxd-exec-$1.pid"
shift
if command -v setsid >/dev/null 2>&1; then setsid "$@" & else "$@" & fi
pid=$!
echo "$pid" >"$f"
wait "$pid"
code=$?
rm -f "$f"
exit "$code"
