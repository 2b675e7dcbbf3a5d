#!/usr/bin/env bash
# The programs people reach environments with, which the tests and the clients benchmark
# drive as they do: Debian's OpenSSH client (ssh, scp, sftp, ssh-keygen) and tmux.
#   scripts/client-tools.sh
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

need_root
need_pkg openssh-client tmux
