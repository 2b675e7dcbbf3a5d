# Runs an attached command ($2...) in place of this shell, so it keeps the caller's stdin,
# its pid recorded under the key ($1) where kill.sh looks when the caller goes away.
echo $$ >"/tmp/.sandboxd-exec-$1.pid" 2>/dev/null
shift
exec "$@"
