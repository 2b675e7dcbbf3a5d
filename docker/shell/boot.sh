#!/bin/sh
# PID 1 of every environment. Its arguments are the environment's options (NAME=value). On
# the first boot it writes them to /etc/sandboxd/options.env and applies them with
# configure.sh, then sleeps until stopped. sandboxd reads the container's output for the line
# "sandboxd-configured <exit status>" to know the environment is ready, or why it is not.
# The scripts sit on a read-only mount at /usr/lib/sandboxd, shared by every environment, so
# nothing has to be copied in or run from outside before the shell is usable.
trap 'exit 0' TERM INT
if [ ! -f /etc/sandboxd/configured ]; then
    [ -d /etc/sandboxd ] || mkdir -p /etc/sandboxd
    printf '%s\n' "$@" >/etc/sandboxd/options.env
    # In the background, so that a stop during a long package install is answered at once;
    # one stream, so that the reason for a failure comes before the report of it.
    sh /usr/lib/sandboxd/configure.sh 2>&1 &
    wait $!
    status=$?
    if [ "$status" = 0 ]; then : >/etc/sandboxd/configured; fi
    echo "sandboxd-configured $status"
fi
while :; do sleep 3600 & wait $!; done
