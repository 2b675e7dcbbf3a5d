#!/bin/sh
# PID 1 of every environment. Its arguments are the environment's options (NAME=value),
# then, after "--", a command to run on every boot once configured (OSAPI's `command`). On
# the first boot it writes the options to /etc/sandboxd/options.env and applies them with
# configure.sh, then sleeps until stopped; later boots only report. sandboxd reads the
# container's output for the line "sandboxd-configured <exit status>" to know the
# environment is ready, or why it is not.
# The scripts sit on a read-only mount at /usr/lib/sandboxd, shared by every environment, so
# nothing has to be copied in or run from outside before the shell is usable.
trap 'exit 0' TERM INT
# The options, one a line; what follows "--" stays in "$@" as the command.
options=""
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
    options="$options$1
"
    shift
done
[ "$#" -gt 0 ] && shift
# The marker holds the options it was made with: an image made from another environment
# carries that one's marker, and its options are not these.
if [ -f /etc/sandboxd/configured ] \
    && [ "$(cat /etc/sandboxd/configured)" = "$(printf '%s' "$options")" ]; then
    # Every boot reports, so a wait that began before a restart still hears it.
    echo "sandboxd-configured 0"
    status=0
else
    [ -d /etc/sandboxd ] || mkdir -p /etc/sandboxd
    printf '%s' "$options" >/etc/sandboxd/options.env
    # In the background, so that a stop during a long package install is answered at once;
    # one stream, so that the reason for a failure comes before the report of it.
    sh /usr/lib/sandboxd/configure.sh 2>&1 &
    wait $!
    status=$?
    if [ "$status" = 0 ]; then printf '%s' "$options" >/etc/sandboxd/configured; fi
    echo "sandboxd-configured $status"
fi
# After the report, so the command's output never comes before it; its output is the
# environment's log, and the environment stays up when it ends.
if [ "$status" = 0 ] && [ "$#" -gt 0 ]; then
    (cd "$HOME" 2>/dev/null || cd /; exec "$@") &
fi
while :; do sleep 3600 & wait $!; done
