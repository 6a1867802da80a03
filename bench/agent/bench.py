#!/usr/bin/env python3
"""Agent footprint and /readiness throughput: pgwarden run versus Patroni, measured in the same run.

Starts, on loopback and free ports, each managing its own PostgreSQL 15 (Debian binaries):
  - pgwarden run      (the repository's ./pgwarden launcher, i.e. its JVM flags)
  - Patroni           (Debian's package, with a local etcd as its DCS)
then measures, for the agent process only (not PostgreSQL):
  - resident memory (VmRSS from /proc/<pid>/status; max of samples) and CPU (run time of all threads
    from /proc/<pid>/task/*/schedstat, nanosecond resolution, sampled every 5 s) while both sit idle for --idle
    seconds (default 60) in the same window, in total and per thread name (/proc/<pid>/task/*/comm);
  - requests per second and p99 latency of GET /readiness under wrk (-t2 -c16), --runs runs of
    --duration seconds each, alternating the two agents; the median of the runs is reported.
Prints a table with the pgwarden/Patroni ratio and the idle CPU per thread, and writes it to
bench/agent/last-run.txt. --idle-only stops after the idle window (no wrk runs, last-run.txt untouched):
for iterating on idle CPU, about 2 minutes a run.
Needs root (PostgreSQL and Patroni run as 'postgres' through setpriv), wrk, patroni, etcd,
postgresql-15. Never part of ./mvnw verify.
"""
import argparse
import json
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PG_BIN = "/usr/lib/postgresql/15/bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return -1


def wait_for(url, want, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if status(url) == want:
            return
        time.sleep(0.5)
    raise SystemExit(f"{what}: {url} did not answer {want} within {timeout}s")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def thread_ns(pid):
    """Run time per thread: {tid: (name, ns)}; the name is /proc/<pid>/task/<tid>/comm (15 characters at most)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                out[tid] = (name, int(f.read().split()[0]))
        except OSError:
            pass  # a thread that ended meanwhile
    return out


def per_thread(before, seen, elapsed):
    """CPU % of one core per thread name over the window, largest first. "seen" holds the last sample of every
    thread seen during the window, so a thread that ended keeps the time it ran until its last sample (only what it
    ran after that is lost), and one that started meanwhile counts from zero. The JVM starts and ends C1 compiler
    threads on demand, so comparing process totals at the two ends would count an ended thread's whole life as
    negative time."""
    by_name = {}
    for tid, (name, ns) in seen.items():
        spent = ns - before.get(tid, (name, 0))[1]
        by_name[name] = by_name.get(name, 0) + spent
    return sorted(((n, ns / 1e9 / elapsed * 100) for n, ns in by_name.items()), key=lambda x: -x[1])


def java_pid(launcher_pid):
    """./pgwarden execs java, so the launcher's PID is the JVM's."""
    return launcher_pid


def wrk(url, duration):
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", url], capture_output=True, text=True,
                         check=True).stdout
    rps = p99 = None
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            rps = float(parts[1])
        if len(parts) == 2 and parts[0] == "99%":
            p99 = to_ms(parts[1])
    non2xx = [l for l in out.splitlines() if "Non-2xx" in l]
    if non2xx:
        raise SystemExit(f"{url} answered errors under load: {non2xx[0]}")
    return rps, p99


def to_ms(text):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def as_postgres(cmd):
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + cmd


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--idle", type=int, default=60, help="idle measurement window, seconds (default 60)")
    ap.add_argument("--runs", type=int, default=5, help="wrk runs per agent (default 5)")
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    ap.add_argument("--idle-only", action="store_true",
                    help="measure only the idle window (RSS, CPU, CPU per thread), no wrk runs; last-run.txt is not written")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs) for inspection")
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: PostgreSQL and Patroni are started as 'postgres'")
    for tool in ("wrk", "patroni", "etcd"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk patroni etcd-server")

    subprocess.run([os.path.join(ROOT, "mvnw"), "-B", "-q", "-DskipTests", "package"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="health-agent-bench-")
    pg = pwd.getpwnam("postgres")
    os.chown(work, pg.pw_uid, pg.pw_gid)
    procs = []
    pw = None
    try:
        # etcd for Patroni
        etcd_client, etcd_peer = free_port(), free_port()
        etcd_dir = os.path.join(work, "etcd")
        procs.append(subprocess.Popen(["etcd", "--data-dir", etcd_dir, "--listen-client-urls",
                                       f"http://127.0.0.1:{etcd_client}", "--advertise-client-urls",
                                       f"http://127.0.0.1:{etcd_client}", "--listen-peer-urls",
                                       f"http://127.0.0.1:{etcd_peer}", "--initial-advertise-peer-urls",
                                       f"http://127.0.0.1:{etcd_peer}", "--initial-cluster",
                                       f"default=http://127.0.0.1:{etcd_peer}"],
                                      stdout=open(os.path.join(work, "etcd.log"), "w"), stderr=subprocess.STDOUT))
        # pgwarden run
        pw_health, pw_pg = free_port(), free_port()
        pw = subprocess.Popen([os.path.join(ROOT, "pgwarden"), "run", "--data-dir", os.path.join(work, "pgwarden-data"),
                               "--port", str(pw_pg), "--listen", "127.0.0.1", "--pg-bin", PG_BIN, "--memory", "1GB",
                               "--health-address", "127.0.0.1", "--health-port", str(pw_health),
                               "--server-log", os.path.join(work, "pgwarden-server.log")],
                              stdout=open(os.path.join(work, "pgwarden.log"), "w"), stderr=subprocess.STDOUT,
                              env={k: v for k, v in os.environ.items() if not k.startswith("PG")})
        procs.append(pw)
        # Patroni
        pa_rest, pa_pg = free_port(), free_port()
        conf = {
            "scope": "bench", "name": "node1",
            "restapi": {"listen": f"127.0.0.1:{pa_rest}", "connect_address": f"127.0.0.1:{pa_rest}"},
            "etcd3": {"hosts": f"127.0.0.1:{etcd_client}"},
            "bootstrap": {"dcs": {"ttl": 30, "loop_wait": 10, "retry_timeout": 10},
                          "initdb": [{"encoding": "UTF8"}, {"locale": "C.UTF-8"}, "data-checksums"]},
            "postgresql": {"listen": f"127.0.0.1:{pa_pg}", "connect_address": f"127.0.0.1:{pa_pg}",
                           "data_dir": os.path.join(work, "patroni-data"), "bin_dir": PG_BIN,
                           "pgpass": os.path.join(work, "patroni.pgpass"),
                           "authentication": {"superuser": {"username": "postgres", "password": "bench"},
                                              "replication": {"username": "replicator", "password": "bench"}},
                           "pg_hba": ["local all all trust", "host all all 127.0.0.1/32 trust",
                                      "host replication all 127.0.0.1/32 trust"],
                           "parameters": {"unix_socket_directories": work}},
        }
        conf_path = os.path.join(work, "patroni.yml")
        with open(conf_path, "w") as f:
            json.dump(conf, f)  # JSON is YAML
        os.chown(conf_path, pg.pw_uid, pg.pw_gid)
        pa = subprocess.Popen(as_postgres(["patroni", conf_path]), stdout=open(os.path.join(work, "patroni.log"), "w"),
                              stderr=subprocess.STDOUT, cwd=work, env=dict(os.environ, HOME=work))
        procs.append(pa)

        pw_url = f"http://127.0.0.1:{pw_health}/readiness"
        pa_url = f"http://127.0.0.1:{pa_rest}/readiness"
        wait_for(pw_url, 200, 180, "pgwarden")
        wait_for(pa_url, 200, 180, "patroni")
        # Let start-up work (JIT, initdb leftovers) settle before the idle window.
        time.sleep(10)

        pids = {"pgwarden": java_pid(pw.pid), "patroni": pa.pid}
        threads0 = {k: thread_ns(p) for k, p in pids.items()}
        seen = {k: dict(v) for k, v in threads0.items()}
        rss_max = {k: rss_kb(p) for k, p in pids.items()}
        start = time.time()
        while time.time() - start < args.idle:
            time.sleep(5)
            for k, p in pids.items():
                rss_max[k] = max(rss_max[k], rss_kb(p))
                seen[k].update(thread_ns(p))
        elapsed = time.time() - start
        threads = {k: per_thread(threads0[k], seen[k], elapsed) for k in pids}
        cpu = {k: sum(c for _, c in threads[k]) for k in pids}
        thread_lines = []
        for k in pids:
            shown = [f"{n} {c:.4f}" for n, c in threads[k] if c >= 0.0005]
            thread_lines.append(f"idle CPU per thread, {k} (% of one core, >= 0.0005): " + ", ".join(shown))
        if args.idle_only:
            print(f"idle window {elapsed:.0f}s, {os.cpu_count()} CPUs")
            print(f"{'metric':<34}{'pgwarden run':>14}{'Patroni':>14}{'ratio':>10}")
            print(row("idle RSS, MB (max of samples)", rss_max["pgwarden"] / 1024, rss_max["patroni"] / 1024))
            print(row("idle CPU, % of one core", cpu["pgwarden"], cpu["patroni"], digits=3))
            print("\n".join(thread_lines))
            return

        results = {"pgwarden": [], "patroni": []}
        for _ in range(args.runs):
            for name, url in (("pgwarden", pw_url), ("patroni", pa_url)):
                results[name].append(wrk(url, args.duration))
        rps = {k: statistics.median(r[0] for r in v) for k, v in results.items()}
        p99 = {k: statistics.median(r[1] for r in v) for k, v in results.items()}
        rss_after = {k: rss_kb(p) for k, p in pids.items()}

        lines = [
            f"agent benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs,"
            f" idle window {args.idle}s, wrk -t2 -c16 {args.runs} x {args.duration}s per agent (median)",
            f"{'metric':<34}{'pgwarden run':>14}{'Patroni':>14}{'ratio':>10}",
            row("idle RSS, MB (max of samples)", rss_max["pgwarden"] / 1024, rss_max["patroni"] / 1024),
            row("idle CPU, % of one core", cpu["pgwarden"], cpu["patroni"], digits=3),
            row("/readiness requests/s (median)", rps["pgwarden"], rps["patroni"], digits=0),
            row("/readiness p99 latency, ms (median)", p99["pgwarden"], p99["patroni"], digits=2),
            row("RSS after load, MB", rss_after["pgwarden"] / 1024, rss_after["patroni"] / 1024),
            "targets: pgwarden idle RSS <= 64 MB, idle CPU <= 0.05% of a core",
            *thread_lines,
            "runs (req/s, p99 ms): " + json.dumps(results),
        ]
        text = "\n".join(lines)
        print(text)
        with open(os.path.join(os.path.dirname(__file__), "last-run.txt"), "w") as f:
            f.write(text + "\n")
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(procs):
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
        if pw is not None and pw.returncode not in (0, None):
            print(f"warning: pgwarden exited with {pw.returncode}; see {work}/pgwarden.log", file=sys.stderr)
        elif not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def row(name, a, b, digits=1):
    ratio = a / b if b else float("nan")
    return f"{name:<34}{a:>14.{digits}f}{b:>14.{digits}f}{ratio:>10.2f}"


if __name__ == "__main__":
    main()
