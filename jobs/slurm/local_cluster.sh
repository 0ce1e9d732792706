#!/usr/bin/env bash
# A one-node Slurm cluster on localhost (munge, slurmctld, slurmd), with its config, keys, state and
# logs in one folder, to try the job scripts on a laptop and to test them. Needs root (slurmd
# starts jobs as their owners) and Debian's slurm-wlm and munge packages.
#   bash jobs/slurm/local_cluster.sh start    # prints the line to source: export SLURM_CONF=...
#   bash jobs/slurm/local_cluster.sh status
#   bash jobs/slurm/local_cluster.sh stop     # stops the daemons and removes the folder
# Environment: MFG_SLURM_DIR (folder; default ${TMPDIR:-/tmp}/mfg-slurm), MFG_SLURM_CPUS (CPUs the
# node offers; default 4, so that a 2-rank job and an array can share a 2-core machine),
# MFG_SLURM_PORT (slurmctld's port; slurmd takes the next; default: the first pair from 16817 on
# that nothing on this machine listens on, so that two clusters, e.g. two test runs, can coexist).
set -euo pipefail

usage() { sed -n '2,11p' "$0"; }
dir="${MFG_SLURM_DIR:-${TMPDIR:-/tmp}/mfg-slurm}"
cpus="${MFG_SLURM_CPUS:-4}"
port="${MFG_SLURM_PORT:-}"
conf="$dir/slurm.conf"

die() { echo "local_cluster: $*" >&2; exit 1; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# True when nothing accepts connections on 127.0.0.1:$1 (bash's /dev/tcp: no extra package needed).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The first pair (p, p + 1) from 16817 on with both ports free, unless MFG_SLURM_PORT chose one.
choose_port() {
  [[ -n "$port" ]] && return 0
  for ((port = 16817; port < 16917; port += 2)); do
    port_free "$port" && port_free $((port + 1)) && return 0
  done
  die "no free pair of ports in 16817-16916 for slurmctld and slurmd; set MFG_SLURM_PORT"
}

# Stops whatever started, shows the logs, and exits 1.
start_failed() {
  echo "local_cluster: $*; logs:" >&2
  tail -n 20 "$dir/slurmctld.log" "$dir/slurmd.log" "$dir/munge/munged.log" >&2 2>/dev/null || true
  stop >/dev/null 2>&1 || true
  exit 1
}

# slurmd 22.05 initialises its cgroup plugin even when no cgroup feature is configured (this config
# uses none), and fails without a cgroup filesystem at /sys/fs/cgroup, as in a chroot that
# bind-mounts /sys without its submounts. Mounts one there if needed; stop unmounts it.
ensure_cgroup_fs() {
  mountpoint -q /sys/fs/cgroup 2>/dev/null && return 0
  if ! mountpoint -q /sys 2>/dev/null; then
    mount -t sysfs sysfs /sys && echo /sys >>"$dir/mounted" || return 1
  fi
  mountpoint -q /sys/fs/cgroup 2>/dev/null && return 0
  mkdir -p /sys/fs/cgroup 2>/dev/null || true
  # A process in v1 hierarchies (lines other than "0::" in /proc/self/cgroup) makes slurmd refuse
  # cgroup2 ("hybrid mode"); it accepts a v1 layout: a tmpfs with the name=systemd hierarchy.
  if grep -qv '^0::' /proc/self/cgroup 2>/dev/null; then
    mount -t tmpfs -o size=1m,mode=755 cgroup /sys/fs/cgroup || return 1
    echo /sys/fs/cgroup >>"$dir/mounted"
    mkdir -p /sys/fs/cgroup/systemd
    mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd || return 1
    echo /sys/fs/cgroup/systemd >>"$dir/mounted"
  else
    mount -t cgroup2 cgroup2 /sys/fs/cgroup || return 1
    echo /sys/fs/cgroup >>"$dir/mounted"
  fi
}

start() {
  for tool in munged slurmctld slurmd sinfo; do
    command -v "$tool" >/dev/null || die "$tool not found (Debian: apt-get install slurm-wlm munge)"
  done
  [[ "$(id -u)" == 0 ]] || die "must run as root (slurmd launches jobs as their owners)"
  if pid_alive "$dir/slurmctld.pid"; then
    echo "export SLURM_CONF=$conf"
    return 0
  fi
  local host
  host="$(hostname -s 2>/dev/null || hostname)"
  choose_port
  mkdir -p "$dir"/{state,spool,munge}
  chmod 700 "$dir/munge"
  ensure_cgroup_fs || start_failed "slurmd needs a cgroup filesystem at /sys/fs/cgroup, and mounting one failed"

  # munge: a fresh key; the socket and logs in the folder.
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" ||
    start_failed "munged did not start"

  cat >"$conf" <<CONF
# One-node Slurm cluster of mfg's jobs/slurm/local_cluster.sh
ClusterName=mfglocal
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobRequeue=1
KillWait=30
MinJobAge=600
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1024 State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  SLURM_CONF="$conf" slurmctld -f "$conf" || start_failed "slurmctld did not start"
  SLURM_CONF="$conf" slurmd -f "$conf" || start_failed "slurmd did not start"
  for _ in $(seq 1 60); do
    if SLURM_CONF="$conf" sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
      echo "export SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.5
  done
  start_failed "the node did not come up"
}

stop_pidfile() {
  local f="$1"
  if pid_alive "$f"; then
    local pid
    pid="$(cat "$f")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

stop() {
  [[ -d "$dir" ]] || return 0
  if [[ -f "$conf" ]] && pid_alive "$dir/slurmctld.pid"; then
    SLURM_CONF="$conf" scancel --full --signal=KILL --user="$(id -un)" 2>/dev/null || true
  fi
  stop_pidfile "$dir/slurmd.pid"
  stop_pidfile "$dir/slurmctld.pid"
  stop_pidfile "$dir/munge/munged.pid"
  if [[ -f "$dir/mounted" ]]; then
    tac "$dir/mounted" | while read -r m; do umount "$m" 2>/dev/null || true; done
  fi
  rm -rf "$dir"
}

status() {
  if [[ -f "$conf" ]] && pid_alive "$dir/slurmctld.pid"; then
    SLURM_CONF="$conf" sinfo
    echo "export SLURM_CONF=$conf"
  else
    echo "local_cluster: not running (folder $dir)"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
