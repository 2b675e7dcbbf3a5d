#!/bin/sh
# The system-stats banner: this environment's own limits and use, read from its cgroup.
read_first() { [ -r "$1" ] && head -n 1 "$1"; }
mb() { echo $(( $1 / 1048576 )); }

if [ -r /sys/fs/cgroup/memory.max ]; then
    mem_limit=$(read_first /sys/fs/cgroup/memory.max); mem_used=$(read_first /sys/fs/cgroup/memory.current)
    cpu=$(read_first /sys/fs/cgroup/cpu.max)
    cpus=$(echo "$cpu" | awk '$1 != "max" { printf "%.2f", $1 / $2 }')
else
    mem_limit=$(read_first /sys/fs/cgroup/memory/memory.limit_in_bytes); mem_used=$(read_first /sys/fs/cgroup/memory/memory.usage_in_bytes)
    quota=$(read_first /sys/fs/cgroup/cpu/cpu.cfs_quota_us); period=$(read_first /sys/fs/cgroup/cpu/cpu.cfs_period_us)
    cpus=$(awk -v q="${quota:--1}" -v p="${period:-100000}" 'BEGIN { if (q > 0) printf "%.2f", q / p }')
fi
memory="$(mb "${mem_used:-0}") MB used"
case "$mem_limit" in ''|max) ;; *) memory="$memory of $(mb "$mem_limit") MB" ;; esac
# The quota sandboxd set, and what this environment's own files take (du stays on its root
# filesystem; bounded, since a large tree takes time); without a quota, the filesystem's.
if [ -n "${SANDBOXD_DISK_MB:-}" ]; then
    used=""
    command -v timeout >/dev/null 2>&1 && used=$(timeout 2 du -sxm / 2>/dev/null | awk '{ print $1 }')
    disk="${used:-?} MB used of ${SANDBOXD_DISK_MB} MB"
else
    disk=$(df -h / 2>/dev/null | awk 'NR == 2 { print $3 " used of " $2 }')
fi
echo "  ${SANDBOXD_NAME:-$(hostname)} | cpu: ${cpus:-unlimited} cores | memory: $memory | disk: ${disk:-unknown}"
