#!/usr/bin/env python3
"""Soak: a mixed load on loopback for a long time (30 minutes by default), at the highest rate
the machine sustains (wrk, closed loop), against `agora demo`. Reports, minute by minute, the
rate, the latency (p50, p99), the errors and the server's resident memory, then whether there was
no error and memory stayed flat (the last five minutes within 10 % of the five after warm-up).

    bench/soak/run.py                        # 30 minutes, release build
    bench/soak/run.py --minutes 5 --connections 32
    AGORA_BIN=/path/to/agora bench/soak/run.py

The mix (paths.txt in the work folder): pages in English and French, catalogue and site search,
dataset and organization pages, CKAN reads (package_search, package_show, datastore_search and
datastore_search_sql), the DCAT catalogue, consultations and the tracker.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", "/root/.cache/agora/target")


def log(*a):
    print(*a, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return r.status, r.read()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def mix(base):
    """The requests of the mix, one per line: METHOD PATH [JSON BODY]."""
    lines = [
        "GET /en/", "GET /fr/", "GET /en/dataset", "GET /fr/dataset", "GET /en/dataset?q=water",
        "GET /fr/dataset?q=eau", "GET /en/dataset?q=fish%20stocking&sort=name", "GET /en/organization",
        "GET /en/search?q=climate", "GET /fr/search?q=climat", "GET /en/consultations", "GET /en/tracker",
        "GET /fr/tracker", "GET /api/3/action/package_search?q=health&rows=20",
        "GET /api/3/action/package_search?fq=res_format:CSV&rows=10", "GET /api/3/action/organization_list",
        "GET /api/3/action/status_show", "GET /catalog.ttl?page=1", "GET /data.json",
        "GET /api/v1/dialogue/processes", "GET /feeds/dataset.atom",
    ]
    _, raw = get(base, "/api/3/action/package_search?rows=40")
    packages = json.loads(raw)["result"]["results"]
    for p in packages:
        lines.append(f"GET /en/dataset/{p['name']}")
        lines.append(f"GET /fr/dataset/{p['name']}")
        lines.append(f"GET /api/3/action/package_show?id={p['name']}")
        if p.get("organization"):
            lines.append(f"GET /en/organization/{p['organization']['name']}")
    _, raw = get(base, "/api/3/action/current_package_list_with_resources?limit=1000")
    for p in json.loads(raw)["result"]:
        for r in p["resources"]:
            if r.get("datastore_active"):
                rid = r["id"]
                lines += [
                    f"GET /api/3/action/datastore_search?resource_id={rid}&limit=50",
                    f"GET /api/3/action/datastore_search?resource_id={rid}&q=trout&limit=20",
                    f"GET /api/3/action/datastore_search?resource_id={rid}&limit=20&offset=1000&sort=_id%20desc",
                    "POST /api/3/action/datastore_search_sql "
                    + json.dumps({"sql": f'SELECT COUNT(*) AS n FROM "{rid}"'}),
                    "POST /api/3/action/datastore_search "
                    + json.dumps({"resource_id": rid, "limit": 10, "fields": ["_id"]}),
                ]
    return lines


def parse_wrk(out):
    def latency_ms(value):
        m = re.match(r"([\d.]+)(us|ms|s|m)", value)
        n, unit = float(m.group(1)), m.group(2)
        return n * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = latency_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = latency_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_ok = int(non_ok.group(1)) if non_ok else 0
    broken = sum(map(int, sock.groups()[:3])) if sock else 0
    timeouts = int(sock.group(4)) if sock else 0
    return {
        "rate": rate, "requests": total, "p50_ms": p50, "p99_ms": p99,
        "errors": non_ok + broken + timeouts, "non_ok": non_ok, "broken": broken, "timeouts": timeouts,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=int, default=30)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--timeout", default="10s", help="a request slower than this counts as an error (wrk --timeout)")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    agora = os.environ.get("AGORA_BIN")
    if not agora:
        subprocess.run(["cargo", "build", "-q", "--release", "-p", "agora"], cwd=ROOT, check=True)
        agora = os.path.join(TARGET, "release", "agora")
    work = tempfile.mkdtemp(prefix="agora-soak-")
    config = os.path.join(work, "soak.toml")
    with open(config, "w") as f:
        for action in ["signup", "password_reset", "verification_resend", "data_request", "vote", "report"]:
            f.write(f"[limits.rate.{action}]\nper_address = 0\nper_account = 0\nwindow_minutes = 60\n\n")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = open(os.path.join(work, "server.log"), "ab")
    server = subprocess.Popen(
        [agora, "demo", "--data-dir", work, "--listen", f"127.0.0.1:{port}", "--config", config],
        stdout=server_log, stderr=server_log, stdin=subprocess.DEVNULL,
        env={**os.environ, "AGORA_LOG": "warn"},
    )
    try:
        deadline = time.time() + 600
        while True:
            try:
                if get(base, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.time() > deadline:
                raise SystemExit(f"the demo did not start; see {server_log.name}")
            time.sleep(0.5)
        # The demo's tables are loaded by jobs: wait for them, so that the mix can query them.
        while True:
            out = subprocess.run(
                [agora, "jobs", "--kind", "datastore.ingest", "--data-dir", work],
                capture_output=True, text=True,
            ).stdout
            if not re.search(r"\b(queued|running)\b", out):
                break
            time.sleep(1)
        lines = mix(base)
        bad = []
        for line in lines:  # every request of the mix answers well before the load starts
            method, path = line.split(" ", 2)[:2]
            if method == "GET":
                try:
                    get(base, path)
                except Exception as e:  # noqa: BLE001 — the message names the path
                    bad.append(f"{path}: {e}")
        if bad:
            raise SystemExit("the mix has failing requests:\n  " + "\n  ".join(bad))
        paths = os.path.join(work, "paths.txt")
        with open(paths, "w") as f:
            f.write("\n".join(lines) + "\n")
        lua = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mixed.lua")
        log(f"soak: {a.minutes} min, {len(lines)} requests in the mix, wrk -t{a.threads} -c{a.connections}, pid {server.pid}")
        log(f"{'min':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'RSS MiB':>8}")
        samples = []
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                samples.append((time.time(), rss_kib(server.pid)))
                stop.wait(5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        minutes = []
        for m in range(1, a.minutes + 1):
            out = subprocess.run(
                ["wrk", f"-t{a.threads}", f"-c{a.connections}", "-d60s", f"--timeout={a.timeout}", "--latency", "-s", lua, base, "--", paths],
                capture_output=True, text=True, check=True,
            ).stdout
            if server.poll() is not None:
                raise SystemExit(f"the server exited during minute {m}; see {server_log.name}")
            row = parse_wrk(out)
            row["rss_mib"] = rss_kib(server.pid) / 1024
            minutes.append(row)
            log(f"{m:>4} {row['rate']:>8.0f} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['errors']:>7} {row['rss_mib']:>8.1f}"
                + (f"   (non-2xx/3xx {row['non_ok']}, broken {row['broken']}, timeouts {row['timeouts']})" if row["errors"] else ""))
        stop.set()
        sampler.join()
        requests = sum(r["requests"] for r in minutes)
        errors = sum(r["errors"] for r in minutes)
        window = max(1, min(5, len(minutes) // 3))
        early = sum(r["rss_mib"] for r in minutes[1:1 + window]) / window if len(minutes) > 1 else minutes[0]["rss_mib"]
        late = sum(r["rss_mib"] for r in minutes[-window:]) / window
        drift = (late - early) / early * 100
        summary = {
            "minutes": a.minutes,
            "requests": requests,
            "errors": errors,
            "rate": requests / (60 * len(minutes)),
            "p50_ms_median": sorted(r["p50_ms"] for r in minutes)[len(minutes) // 2],
            "p99_ms_worst": max(r["p99_ms"] for r in minutes),
            "rss_mib_after_warmup": round(early, 1),
            "rss_mib_at_end": round(late, 1),
            "rss_drift_percent": round(drift, 1),
            "rss_peak_mib": round(max(k for _, k in samples) / 1024, 1),
        }
        log(json.dumps(summary))
        ok = errors == 0 and abs(drift) <= 10
        log("soak: " + ("0 errors, memory flat within 10 %" if ok else "FAILED: errors or memory growth"))
        sys.exit(0 if ok else 1)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
