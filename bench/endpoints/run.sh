#!/usr/bin/env bash
# Endpoint publishing benchmark. Not part of './mvnw verify'; never gates CI.
#  1. failover latency: time from a replica's promotion (pg_promote returned) to the file publisher's change
#     in 'pgwarden endpoints watch --interval 500ms', over ROUNDS promotions; compared with the replaced
#     CronJob's schedule (every 2 minutes) plus the measured cost of one one-shot 'endpoints reconcile' run.
#  2. fan-out: one 'endpoints reconcile' over 50 addresses of which 10 never answer a TCP connect, against a
#     sequential probe of the same list with the same timeout (what a per-node loop in a CronJob does).
# Usage: bench/endpoints/run.sh [ROUNDS]   (as root or as a user that can run PostgreSQL)
set -euo pipefail
ROUNDS=${1:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/pgwarden-bench-XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for d in "$work"/n*; do [ -f "$d/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$d/data" -m immediate stop >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres "$work"

(cd "$root" && ./mvnw -B -q -o -Dmaven.test.skip=true package) || (cd "$root" && ./mvnw -B -q -Dmaven.test.skip=true package)
pgw() { java -jar "$root/target/pgwarden.jar" "$@"; }

start_node() { # dir port [listen addresses]
  as_pg "$bin/pg_ctl" -D "$1/data" -l "$1/log" -w -o "-p $2 -k $1 -c listen_addresses='${3:-127.0.0.1}'" start >/dev/null
}
init_primary() { # dir port
  mkdir -p "$1"; [ "$(id -u)" = 0 ] && chown postgres "$1"
  as_pg "$bin/initdb" -D "$1/data" -U postgres --auth=trust --locale=C.UTF-8 --no-sync >/dev/null
  printf "wal_level=replica\nmax_wal_senders=10\nwal_keep_size='256MB'\nfsync=off\nhot_standby=on\n" >> "$1/data/postgresql.conf"
  start_node "$1" "$2"
}
clone() { # dir port upstream-port [listen]
  as_pg "$bin/pg_ctl" -D "$1/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$1/data"; mkdir -p "$1"; [ "$(id -u)" = 0 ] && chown postgres "$1"
  as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$3" -U postgres -D "$1/data" -R -X stream -c fast --no-sync
  start_node "$1" "$2" "${4:-127.0.0.1}"
}
psqlc() { "$bin/psql" -X -q -A -t -h 127.0.0.1 -U postgres -d postgres "$@"; }
wait_streaming() { # replica-port upstream-port
  for _ in $(seq 1 300); do
    [ "$(psqlc -p "$1" -c "SELECT status||':'||sender_port FROM pg_stat_wal_receiver" 2>/dev/null)" = "streaming:$2" ] && return 0
    sleep 0.1
  done; echo "replica $1 never streamed from $2" >&2; exit 1
}
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2" 2>/dev/null || true; }

p0=$(free_port); p1=$(free_port)
init_primary "$work/n0" "$p0"
clone "$work/n1" "$p1" "$p0"
wait_streaming "$p1" "$p0"

echo "== 1. failover latency, endpoints watch --interval 500ms, $ROUNDS promotions"
file="$work/topology.json"
java -jar "$root/target/pgwarden.jar" endpoints watch --interval 500ms --connect-timeout 2s \
  --nodes "127.0.0.1:$p0,127.0.0.1:$p1" --file "$file" --log-level warn >"$work/watch.out" 2>"$work/watch.log" &
watch_pid=$!; pids+=("$watch_pid")
primary=$p0; replica=$p1; pdir=n0; rdir=n1
lat=()
for r in $(seq 1 "$ROUNDS"); do
  for _ in $(seq 1 300); do [ "$(json_field "$file" primary)" = "127.0.0.1:$primary" ] && break; sleep 0.05; done
  as_pg "$bin/pg_ctl" -D "$work/$pdir/data" -m fast -w stop >/dev/null
  psqlc -p "$replica" -c "SELECT pg_promote(true, 60)" >/dev/null
  promoted=$(now_ms)
  for _ in $(seq 1 600); do [ "$(json_field "$file" primary)" = "127.0.0.1:$replica" ] && break; sleep 0.01; done
  changed=$(python3 -c 'import json,sys,datetime; d=json.load(open(sys.argv[1]))["changedAt"]; print(int(datetime.datetime.fromisoformat(d.replace("Z","+00:00")[:26]+"+00:00").timestamp()*1000))' "$file")
  l=$((changed - promoted)); [ $l -lt 0 ] && l=0
  lat+=("$l"); echo "round $r: promotion -> file change: ${l} ms"
  # the old primary comes back as a replica of the new one
  clone "$work/$pdir" "$primary" "$replica"; wait_streaming "$primary" "$replica"
  t=$primary; primary=$replica; replica=$t; t=$pdir; pdir=$rdir; rdir=$t
done
kill "$watch_pid" 2>/dev/null || true; wait "$watch_pid" 2>/dev/null || true
start=$(now_ms); pgw endpoints reconcile --connect-timeout 2s --nodes "127.0.0.1:$p0,127.0.0.1:$p1" --file "$work/once.json" --log-level warn >/dev/null || true
once=$(( $(now_ms) - start ))
python3 - "$once" "${lat[@]}" <<'PY'
import statistics, sys
once = int(sys.argv[1]); lat = sorted(int(x) for x in sys.argv[2:])
mean = statistics.mean(lat)
cron_mean, cron_max = 60_000 + once, 120_000 + once
print(f"watch: mean {mean:.0f} ms, min {lat[0]} ms, max {lat[-1]} ms (target < 1000 ms)")
print(f"replaced CronJob (every 2 min; one reconcile run measured here: {once} ms): expected {cron_mean/1000:.1f} s, worst {cron_max/1000:.1f} s")
print(f"ratio CronJob expected / watch mean: {cron_mean/max(mean,1):.0f}x; worst/worst: {cron_max/max(lat[-1],1):.0f}x")
PY

echo "== 2. one reconcile over 50 addresses, 10 never answer, connect timeout 2s"
# 39 replica addresses: the current replica also listens on 127.0.0.2-40 (all of 127/8 is local on Linux)
listen="127.0.0.1"; for i in $(seq 2 40); do listen="$listen,127.0.0.$i"; done
as_pg "$bin/pg_ctl" -D "$work/$rdir/data" -m fast -w stop >/dev/null
start_node "$work/$rdir" "$replica" "$listen"
wait_streaming "$replica" "$primary"
coproc BH { exec python3 "$here/blackholes.py" 10; }
pids+=("$BH_PID")
holes=(); for _ in $(seq 1 10); do read -r p <&"${BH[0]}"; holes+=("$p"); done
nodes="127.0.0.1:$primary"; for i in $(seq 2 40); do nodes="$nodes,127.0.0.$i:$replica"; done
for p in "${holes[@]}"; do nodes="$nodes,127.0.0.1:$p"; done
out=$(pgw endpoints reconcile --connect-timeout 2s --nodes "$nodes" --file "$work/fan.json" --log-level warn || true)
probe_ms=$(echo "$out" | sed -n 's/.*probed 50 nodes in \([0-9]*\) ms.*/\1/p')
echo "pgwarden: probed 50 nodes in ${probe_ms} ms; read-only: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["replicas"]))' "$work/fan.json") replicas, down: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["down"]))' "$work/fan.json")"
start=$(now_ms)
IFS=, read -ra list <<<"$nodes"
for a in "${list[@]}"; do "$bin/pg_isready" -q -h "${a%:*}" -p "${a##*:}" -t 2 || true; done
seq_ms=$(( $(now_ms) - start ))
echo "sequential pg_isready loop (same list, -t 2): ${seq_ms} ms"
python3 -c "import sys; p=int(sys.argv[1]); s=int(sys.argv[2]); print(f'pgwarden / connect timeout: {p/2000:.2f}x (target <= 1.2x); sequential / pgwarden: {s/max(p,1):.1f}x')" "$probe_ms" "$seq_ms"
