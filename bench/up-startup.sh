#!/usr/bin/env bash
# Benchmark of `pgwarden up` on an existing data directory, against a bare `pg_ctl start -w` of the
# same directory in the same run. Reports medians of RUNS runs:
#   - time until `up` prints its `ready:` line, and until `pg_ctl start -w` returns;
#   - resident memory (VmRSS) of the idle pgwarden Java process, IDLE seconds after ready.
#   - CPU time the pgwarden JVM used until ready (shows how much of the wall time is contention);
# Usage: bench/up-startup.sh [RUNS] [IDLE]       (needs PostgreSQL, e.g. Debian's postgresql-15)
# Env: PGWARDEN_JAVA_OPTS is passed through to the launcher; BENCH_PORT (default 54329).
set -euo pipefail
runs=${1:-5}
idle=${2:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
port=${BENCH_PORT:-54329}
work=$(mktemp -d /tmp/pgwarden-upbench-XXXXXX)
chmod 755 "$work"
data="$work/data"
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

as_server_user() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }

# ./pgwarden builds the jar when it is missing or stale; do that outside the measurement.
"$here/pgwarden" --version >/dev/null

wait_for() { # file pattern pid
  while ! grep -q "$2" "$1" 2>/dev/null; do
    kill -0 "$3" 2>/dev/null || { echo "pgwarden up exited early:" >&2; cat "$1" "$work/up.err" >&2; exit 1; }
    sleep 0.005
  done
}

# First run initialises the directory (not measured).
"$here/pgwarden" up --data-dir "$data" --port "$port" --memory 1GB >"$work/up.out" 2>"$work/up.err" &
pid=$!
wait_for "$work/up.out" '^ready:' "$pid"
kill -TERM "$pid"; wait "$pid"
bindir=$(sed -n 's/^binaries: PostgreSQL [^ ]* from \([^ ]*\) .*/\1/p' "$work/up.out")

up_ms=(); ctl_ms=(); rss_kb=(); cpu_ms=()
for i in $(seq "$runs"); do
  : >"$work/up.out"
  t0=$(now_ms)
  "$here/pgwarden" up --data-dir "$data" --port "$port" --memory 1GB >"$work/up.out" 2>"$work/up.err" &
  pid=$!
  wait_for "$work/up.out" '^ready:' "$pid"
  up_ms+=($(( $(now_ms) - t0 )))
  # CPU time the JVM used until ready (utime + stime, clock ticks): independent of other load on the machine
  cpu_ms+=($(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat"))
  sleep "$idle"
  rss_kb+=($(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"))
  kill -TERM "$pid"; wait "$pid"

  t0=$(now_ms)
  as_server_user "$bindir/pg_ctl" -D "$data" -l "$data/log/pg_ctl.log" -w -t 120 start >/dev/null
  ctl_ms+=($(( $(now_ms) - t0 )))
  as_server_user "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
done

up_med=$(printf '%s\n' "${up_ms[@]}" | median)
ctl_med=$(printf '%s\n' "${ctl_ms[@]}" | median)
rss_med=$(printf '%s\n' "${rss_kb[@]}" | median)
echo "runs: $runs, binaries: $bindir, idle: ${idle}s"
echo "pgwarden up -> ready:   ${up_ms[*]} ms (median $up_med ms)"
echo "  of which JVM CPU time: ${cpu_ms[*]} ms (median $(printf '%s\n' "${cpu_ms[@]}" | median) ms)"
echo "pg_ctl start -w:        ${ctl_ms[*]} ms (median $ctl_med ms)"
awk -v u="$up_med" -v c="$ctl_med" 'BEGIN {printf "difference: %+.0f ms (target: within +1000 ms), ratio %.2fx\n", u - c, u / c}'
echo "idle RSS of pgwarden:   ${rss_kb[*]} kB (median $(awk -v r="$rss_med" 'BEGIN {printf "%.1f", r / 1024}') MB; target: at most 64 MB, Patroni idles at 61 MB)"
