#!/bin/sh
# Applies an environment's role and shell options. boot.sh runs it as root inside the
# environment on its first boot; running it again changes nothing.
set -eu
. /etc/sandboxd/options.env

log() { echo "sandboxd: $*"; }
fail() { echo "sandboxd: $*" >&2; exit 1; }
has() { command -v "$1" >/dev/null 2>&1; }

pm=""
for candidate in apt-get apk pacman dnf; do
    if has "$candidate"; then pm=$candidate; break; fi
done

install_packages() {
    [ $# -gt 0 ] || return 0
    case "$pm" in
        apt-get) DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
                 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" ;;
        apk) apk add --no-cache "$@" ;;
        pacman) pacman -Sy --noconfirm --needed "$@" ;;
        dnf) dnf install -y -q "$@" ;;
        *) return 1 ;;
    esac
}

role_packages() {
    case "$pm:$1" in
        apt-get:node) echo nodejs npm ;;
        apt-get:python) echo python3 python3-pip python3-venv ;;
        apt-get:go) echo golang-go ;;
        apt-get:rust) echo rustc cargo ;;
        apt-get:devops) echo ansible openssh-client rsync jq make git curl ;;
        apk:node) echo nodejs npm ;;
        apk:python) echo python3 py3-pip ;;
        apk:go) echo go ;;
        apk:rust) echo rust cargo ;;
        apk:devops) echo ansible openssh-client rsync jq make git curl ;;
        pacman:node) echo nodejs npm ;;
        pacman:python) echo python python-pip ;;
        pacman:go) echo go ;;
        pacman:rust) echo rust ;;
        pacman:devops) echo ansible openssh rsync jq make git curl ;;
        dnf:node) echo nodejs npm ;;
        dnf:python) echo python3 python3-pip ;;
        dnf:go) echo golang ;;
        dnf:rust) echo rust cargo ;;
        dnf:devops) echo ansible openssh-clients rsync jq make git curl ;;
    esac
}

role_check() {
    case "$1" in
        node) echo "node --version" ;;
        python) echo "python3 --version" ;;
        go) echo "go version" ;;
        rust) echo "cargo --version" ;;
        devops) echo "ansible --version" ;;
        *) echo "true" ;;
    esac
}

# 1. The role's toolchain: already there in sandboxd's role images, installed otherwise.
if [ -n "$SANDBOXD_ROLE" ] && [ "$SANDBOXD_ROLE" != barebone ]; then
    check=$(role_check "$SANDBOXD_ROLE")
    if ! sh -c "$check" >/dev/null 2>&1; then
        [ -n "$pm" ] || fail "role $SANDBOXD_ROLE needs a package manager (apt-get, apk, pacman or dnf) and this image has none"
        log "installing the $SANDBOXD_ROLE toolchain with $pm"
        # shellcheck disable=SC2046
        install_packages $(role_packages "$SANDBOXD_ROLE") >/tmp/sandboxd-role.log 2>&1 ||
            fail "role $SANDBOXD_ROLE: installing packages with $pm failed: $(tail -n 3 /tmp/sandboxd-role.log)"
    fi
    sh -c "$check" >/dev/null 2>&1 || fail "role $SANDBOXD_ROLE: '$check' does not work"
    log "role $SANDBOXD_ROLE: $(sh -c "$check" 2>&1 | head -n 1)"
fi

# 2. The tools the shell options need, where the image lacks them.
plugin_dir=""
for dir in /usr/share/zsh/plugins /usr/share; do
    if [ -f "$dir/zsh-autosuggestions/zsh-autosuggestions.zsh" ]; then plugin_dir=$dir; break; fi
done
wanted=""
if [ "$SHELL_ENHANCED" = 1 ]; then
    has zsh || wanted="$wanted zsh"
    [ -n "$plugin_dir" ] || wanted="$wanted zsh-autosuggestions zsh-syntax-highlighting"
fi
if [ "$SHELL_USE_TMUX" = 1 ] && ! has tmux; then wanted="$wanted tmux"; fi
if [ "$SHELL_GIT_ALIASES" = 1 ] && ! has git; then wanted="$wanted git"; fi
if [ -n "$wanted" ]; then
    # shellcheck disable=SC2086
    if [ -n "$pm" ] && install_packages $wanted >/tmp/sandboxd-shell.log 2>&1; then
        log "installed$wanted"
    else
        log "could not install$wanted; continuing without"
    fi
fi

# 3. The login shell and the rc files that apply the options.
login_shell=/bin/sh
if [ "$SHELL_ENHANCED" = 1 ] && has zsh; then
    login_shell=$(command -v zsh)
elif has bash; then
    login_shell=$(command -v bash)
fi
echo "$login_shell" >/etc/sandboxd/login-shell
use_tmux=0
if [ "$SHELL_USE_TMUX" = 1 ] && has tmux; then
    use_tmux=1
    cp /usr/lib/sandboxd/tmux.conf /etc/tmux.conf
fi
echo "$use_tmux" >/etc/sandboxd/use-tmux

# Shell builtins only, here and below: this runs in every new environment before it is
# ready, where each program started costs a few milliseconds of a busy host.
has_line() {
    [ -f "$1" ] || return 1
    while IFS= read -r line || [ -n "$line" ]; do
        [ "$line" = "$2" ] && return 0
    done <"$1"
    return 1
}
add_line() {
    has_line "$1" "$2" || printf '%s\n' "$2" >>"$1"
}
add_line /root/.zshrc ". /usr/lib/sandboxd/zshrc"
add_line /root/.bashrc ". /usr/lib/sandboxd/bashrc"
add_line /root/.profile "[ -n \"\${BASH_VERSION:-}\" ] || . /usr/lib/sandboxd/shrc"

# Written as one block rather than by five `git config` runs. /etc/gitconfig is what
# `git config --system` reads.
if [ "$SHELL_GIT_ALIASES" = 1 ] && has git && ! has_line /etc/gitconfig "# sandboxd aliases"; then
    printf '%s\n' "# sandboxd aliases" "[alias]" "	st = status" "	co = checkout" \
        "	br = branch" "	ci = commit" "	lg = log --oneline --graph --decorate" >>/etc/gitconfig
fi

log "configured: shell $login_shell, tmux $use_tmux"
