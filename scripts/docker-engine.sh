#!/usr/bin/env bash
# The project's own Docker engine, beside (never instead of) any system dockerd:
#   socket     unix:///run/sandboxd/docker.sock
#   data-root  /var/lib/sandboxd/docker, a loop-mounted btrfs file (so --storage-opt size= works)
#   exec-root  /run/sandboxd/docker-exec (its managed containerd lives there too)
#   bridge     sbx0 with its own subnet; networks made without a subnet from their own pool
#   userns     --userns-remap=default (root in a container is an unprivileged uid on the host)
#
# With a NODE (node-b ... node-h) it is instead one of the test stack's extra engines, the same
# in every way but its own paths, bridge, subnet and pool (N = the letter's place after a:
# node-b is 1, node-c is 2):
#   socket     unix:///run/sandboxd/NODE/docker.sock
#   data-root  /var/lib/sandboxd/NODE/docker, on /var/lib/sandboxd/NODE/docker.btrfs
#   exec-root  /run/sandboxd/NODE/docker-exec
#   bridge     sbxN, 10.213.N.1/24; pool 10.(217+N).0.0/16 (node-b 10.218.0.0/16, node-c 10.219)
#
#   scripts/docker-engine.sh up|down|status [NODE]
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

NODE="${2:-}"
if [[ -z $NODE ]]; then
  NAME=docker
  SOCK="$DOCKER_SOCK"
  IMG="$STATE/docker.btrfs"
  IMG_SIZE="${SANDBOXD_DOCKER_DISK:-30G}"   # sparse: takes only what is written
  DATA="$STATE/docker"
  EXEC="$RUN/docker-exec"
  PIDFILE="$RUN/docker.pid"
  LOG="$LOGS/dockerd.log"
  BRIDGE=sbx0
  BRIDGE_CIDR="${SANDBOXD_BRIDGE_CIDR:-10.213.0.1/24}"
  # Pool for networks made without a subnet: not Docker's default 172.17+/192.168 pools, which
  # a system dockerd allocates from too. sandboxd gives its user networks subnets of its own
  # pool (SANDBOXD_ADDRESS_POOL, 10.216.0.0/15), which must not overlap this one.
  POOL="${SANDBOXD_ENGINE_ADDRESS_POOL:-10.214.0.0/16}"
  NAMESPACE=sandboxd
else
  INDEX="$(node_index "$NODE")" || die "unknown node '$NODE' (known: node-b ... node-h)"
  NAME="$NODE"
  SOCK="$(node_sock "$NODE")"
  IMG="$STATE/$NODE/docker.btrfs"
  IMG_SIZE="${SANDBOXD_NODE_DOCKER_DISK:-10G}"
  DATA="$STATE/$NODE/docker"
  EXEC="$RUN/$NODE/docker-exec"
  PIDFILE="$RUN/$NODE/docker.pid"
  LOG="$LOGS/dockerd-$NODE.log"
  BRIDGE="sbx$INDEX"
  BRIDGE_CIDR="10.213.$INDEX.1/24"
  # Past the main engine's pool (10.214.0.0/16) and sandboxd's (10.216.0.0/15).
  POOL="10.$((217 + INDEX)).0.0/16"
  NAMESPACE="sandboxd-$NODE"
fi

dk() { docker -H "unix://$SOCK" "$@"; }

# One authority for the test stack's engines, a server certificate for 127.0.0.1 and a client
# certificate sandboxd shows them: made once, kept in $ENGINE_TLS.
setup_tls() {
  [[ -s $ENGINE_TLS/client-key.pem ]] && return
  step "engine TLS: make an authority, a server and a client certificate"
  need_pkg openssl
  install -d -m 0700 "$ENGINE_TLS"
  (
    cd "$ENGINE_TLS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=sandboxd-test-engines \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem \
      -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile server.ext -out server.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=sandboxd -keyout client-key.pem \
      -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile client.ext -out client.pem 2>/dev/null
    rm -f ./*.csr ./*.ext
  )
}

# The extra engines' TCP listener, with mutual TLS (the main engine has only its socket).
tls_flags() {
  [[ -n $NODE ]] || return 0
  printf '%s\n' -H "tcp://127.0.0.1:$(node_tls_port "$NODE")" --tlsverify \
    --tlscacert "$ENGINE_TLS/ca.pem" --tlscert "$ENGINE_TLS/server.pem" \
    --tlskey "$ENGINE_TLS/server-key.pem"
}

tls_ok() {
  [[ -z $NODE ]] && return 0
  docker -H "tcp://127.0.0.1:$(node_tls_port "$NODE")" --tlsverify \
    --tlscacert "$ENGINE_TLS/ca.pem" --tlscert "$ENGINE_TLS/client.pem" \
    --tlskey "$ENGINE_TLS/client-key.pem" version >/dev/null 2>&1
}

# dockremap and its subordinate id ranges (dockerd's userns-remap=default uses them).
setup_userns() {
  getent passwd dockremap >/dev/null ||
    useradd --system --no-create-home --shell /usr/sbin/nologin --user-group dockremap
  local f start
  touch /etc/subuid /etc/subgid
  # One start for both files, after every range already handed out in either.
  start="$(awk -F: 'BEGIN{m=100000} $3+0>0 && $2+$3>m {m=$2+$3} END{print m}' /etc/subuid /etc/subgid)"
  for f in /etc/subuid /etc/subgid; do
    grep -q '^dockremap:' "$f" 2>/dev/null || echo "dockremap:$start:65536" >>"$f"
  done
}

# With userns-remap every environment's root is the same host uid, so the kernel's per-uid
# keyring quota (200 keys by default) is shared by all of them: each exec session takes a key,
# and a few hundred open terminals would exhaust it ("Disk quota exceeded" on exec).
setup_keys() {
  local want_keys=20000 want_bytes=2000000
  if (($(sysctl -n kernel.keys.maxkeys) < want_keys)); then
    step "$NAME: raise kernel.keys.maxkeys to $want_keys (shared by every remapped environment)"
    sysctl -qw kernel.keys.maxkeys=$want_keys || note "cannot raise kernel.keys.maxkeys: open terminals are capped near 200"
  fi
  if (($(sysctl -n kernel.keys.maxbytes) < want_bytes)); then
    sysctl -qw kernel.keys.maxbytes=$want_bytes || note "cannot raise kernel.keys.maxbytes"
  fi
}

setup_btrfs() {
  if [[ ! -f $IMG ]]; then
    step "$NAME: create sparse $IMG_SIZE btrfs image $IMG"
    truncate -s "$IMG_SIZE" "$IMG"
    mkfs.btrfs -q "$IMG" >>"$LOG" 2>&1 || { rm -f "$IMG"; die "mkfs.btrfs failed"; }
  fi
  install -d -m 0711 "$DATA"
  if ! mountpoint -q "$DATA"; then
    step "$NAME: mount $IMG on $DATA"
    mount -o loop "$IMG" "$DATA" || die "cannot loop-mount $IMG (no loop devices or no btrfs in this kernel?)"
  fi
  # Qgroups are what enforce --storage-opt size=. A new filesystem gets simple quotas, which
  # charge each extent to the subvolume that wrote it: no backreference walk on every commit
  # and removal, as full qgroup accounting does, and a limit counts what the container wrote,
  # not its image. A filesystem that already has quotas keeps its mode.
  local qgroups
  qgroups="$(qgroups_dir)"
  if [[ ! -d $qgroups ]]; then
    step "$NAME: enable btrfs simple quotas on $DATA"
    enable_simple_quotas || {
      note "this kernel has no simple quotas (Linux 6.7+); using full qgroup accounting"
      btrfs quota enable "$DATA"
    }
  fi
  [[ $(cat "$qgroups/mode" 2>/dev/null) == squota ]] || keep_quotas_exact "$qgroups"
}

# The filesystem's qgroup state in sysfs; the directory exists only while quotas are on.
qgroups_dir() {
  local uuid
  uuid="$(findmnt -no UUID --mountpoint "$DATA" | head -n1)"
  [[ -n $uuid ]] || die "no filesystem is mounted on $DATA"
  echo "/sys/fs/btrfs/$uuid/qgroups"
}

# btrfs-progs 6.2 (Debian 12) cannot ask for simple quotas; the ioctl can:
# BTRFS_IOC_QUOTA_CTL = _IOWR(0x94, 40, {u64 cmd, u64 status}), cmd 4 = enable simple quotas.
enable_simple_quotas() {
  python3 - "$DATA" <<'EOF' >>"$LOG" 2>&1
import fcntl, os, struct, sys
directory = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.ioctl(directory, 0xC0109428, struct.pack("QQ", 4, 0))
EOF
}

# Full qgroup accounting only: removing a subvolume whose tree is at least
# drop_subtree_threshold levels deep skips its accounting and marks every qgroup inconsistent,
# and from then on the disk limits no longer hold (seen: 1.5 GB written under a 1 GB limit after
# many containers were removed). Account every removal (8 is btrfs's deepest level), and rescan
# when an earlier removal left them inexact. Argument: the filesystem's qgroups_dir.
keep_quotas_exact() {
  local qgroups=$1
  if [[ -w $qgroups/drop_subtree_threshold ]]; then
    echo 8 >"$qgroups/drop_subtree_threshold"
  fi
  if [[ -r $qgroups/inconsistent && $(cat "$qgroups/inconsistent") == 1 ]]; then
    step "$NAME: disk quotas are inconsistent; rescan them (btrfs quota rescan -w)"
    btrfs quota rescan -w "$DATA" >>"$LOG" 2>&1 || die "btrfs quota rescan failed; see $LOG"
  fi
}

setup_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    step "$NAME: create bridge $BRIDGE ($BRIDGE_CIDR)"
    # Refuse a subnet some other interface already routes.
    if ip -4 route show to match "${BRIDGE_CIDR%/*}" | grep -v '^default' | grep -q .; then
      [[ -n $NODE ]] && die "$BRIDGE_CIDR overlaps an existing route; remove it, or use another node"
      die "$BRIDGE_CIDR overlaps an existing route; set SANDBOXD_BRIDGE_CIDR"
    fi
    ip link add "$BRIDGE" type bridge
  fi
  ip -4 addr show dev "$BRIDGE" | grep -q "inet $BRIDGE_CIDR " || ip addr replace "$BRIDGE_CIDR" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

# dockerd flushes the DOCKER* iptables chains when it starts, and those chains are shared with
# any other dockerd on the machine: its published ports and network isolation would go. So when
# another dockerd runs, snapshot the chains first and put back whatever our start removed.
docker_rules() { iptables-save | grep -E '^[*]|^-A DOCKER(-ISOLATION-STAGE-[12])? ' || true; }
restore_rules() { # RULES-BEFORE-START
  local missing
  # Rules (per table) absent now, as "-I CHAIN 1 ..." in reverse so they keep their order.
  missing="$(awk 'NR == FNR { if (/^[*]/) t = $0; else seen[t, $0] = 1; next }
    /^[*]/ { t = $0; next }
    !((t, $0) in seen) { n[t]++; r[t, n[t]] = $0 }
    END { for (t in n) { print t; for (i = n[t]; i >= 1; i--) { x = r[t, i]; sub(/^-A [^ ]+/, "& 1", x); sub(/^-A/, "-I", x); print x }; print "COMMIT" } }' \
    <(docker_rules) <(printf '%s\n' "$1"))"
  [[ -z $missing ]] && return 0
  note "restoring $(grep -c '^-I' <<<"$missing") iptables rules of another dockerd"
  iptables-restore --noflush <<<"$missing"
}
# Environments' egress (the host, private and link-local addresses, per-tier policies) is
# sandboxd's own business: its workers install and keep those iptables rules on whatever engine
# they run beside (src/egress/), so nothing is added here.

# Our bridge's isolation rule disappears when another dockerd restarts and flushes the chains.
own_rules_ok() { iptables -C DOCKER-ISOLATION-STAGE-1 -i "$BRIDGE" ! -o "$BRIDGE" -j DOCKER-ISOLATION-STAGE-2 2>/dev/null; }

# The pidfile is trusted only while it names this engine's own dockerd: after a reboot or in a
# fresh pid namespace its pid may be another engine's dockerd, which must be neither reused
# nor stopped. Its managed containerd's pidfile likewise, or dockerd would take the pid's
# owner for its containerd and, finding no socket, kill it.
forget_stale_pidfiles() {
  forget_stale_pidfile "$PIDFILE" dockerd "--pidfile $PIDFILE "
  pid_alive "$PIDFILE" dockerd ||
    forget_stale_pidfile "$EXEC/containerd/containerd.pid" containerd "$EXEC/"
}

up() {
  need_pkg docker.io btrfs-progs uidmap iproute2 iptables python3
  install -d -m 0755 "$(dirname "$PIDFILE")" "$(dirname "$IMG")" "$EXEC"
  forget_stale_pidfiles
  setup_userns
  setup_keys
  setup_btrfs
  setup_bridge
  [[ -z $NODE ]] || setup_tls

  if pid_alive "$PIDFILE" dockerd && ! tls_ok; then
    step "$NAME: no TLS listener (started by an older version): restart it"
    stop_pidfile "$PIDFILE" dockerd 60
  fi
  if pid_alive "$PIDFILE" dockerd && ! own_rules_ok; then
    step "$NAME: its iptables rules were flushed (another dockerd restarted?): restart it"
    stop_pidfile "$PIDFILE" dockerd 60
  fi
  if pid_alive "$PIDFILE" dockerd; then
    step "$NAME: already running (pid $(cat "$PIDFILE")), reusing"
  else
    step "$NAME: start dockerd on unix://$SOCK"
    local before=""
    if pgrep -x dockerd >/dev/null; then before="$(docker_rules)"; fi
    # Distinct containerd namespaces: should dockerd find a system containerd and use it
    # instead of starting its own, its containers still never mix with another daemon's.
    local tls
    mapfile -t tls < <(tls_flags)
    setsid nohup dockerd \
      -H "unix://$SOCK" \
      "${tls[@]}" \
      --data-root "$DATA" \
      --exec-root "$EXEC" \
      --pidfile "$PIDFILE" \
      --storage-driver btrfs \
      --bridge "$BRIDGE" \
      --default-address-pool "base=$POOL,size=24" \
      --userns-remap=default \
      --containerd-namespace "$NAMESPACE" \
      --containerd-plugins-namespace "$NAMESPACE-plugins" \
      >>"$LOG" 2>&1 </dev/null &
    wait_started $! "$LOG" 60 "dockerd to answer on $SOCK" dk version
    [[ -z $before ]] || restore_rules "$before"
  fi

  step "$NAME: check btrfs storage driver and userns-remap"
  local driver secopts
  driver="$(dk info --format '{{.Driver}}')"
  secopts="$(dk info --format '{{json .SecurityOptions}}')"
  [[ $driver == btrfs ]] || die "storage driver is '$driver', want btrfs"
  [[ $secopts == *name=userns* ]] || die "userns-remap is not on (security options: $secopts)"
}

down() {
  step "$NAME: stop dockerd"
  forget_stale_pidfiles
  # dockerd stops its containers and its managed containerd before exiting.
  stop_pidfile "$PIDFILE" dockerd 60
  if mountpoint -q "$DATA"; then
    # -R: dockerd leaves its userns-remapped data root bind-mounted inside.
    umount -R "$DATA" || note "could not unmount $DATA (busy?); left mounted"
  fi
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link delete "$BRIDGE"; fi
}

status() {
  forget_stale_pidfiles >/dev/null
  status_line "$NAME" "$PIDFILE" dockerd
}

case "${1:-}" in
  up | down | status) "$1" ;;
  *) die "usage: $0 up|down|status [NODE]" ;;
esac
