#!/usr/bin/env python3
"""Crash tests: `agora serve` is killed with SIGKILL, again and again, in the middle of work, on
SQLite and (with AGORA_CRASH_POSTGRES_URL) PostgreSQL; after each restart the stored state is
checked.

Votes: N verified voters, each with an API token, cast their ballots over HTTP from many threads
while the server is killed at a random moment. After every restart:
  * every ballot the server acknowledged (200 with a receipt) is stored, exactly once;
  * every voter has all four ballots or none (a vote is one transaction);
  * the acknowledged receipts verify through the public receipt check.

Ingestion: a CSV resource is replaced by a new file (a new row count each time) and the server is
killed while the load job runs. After every restart the resource's table is one whole version:
`datastore_search` answers with a total that is the row count of a file that was uploaded (or no
table yet), and the dump has exactly that many rows. At the end, once the jobs have run, the
table is the last file uploaded.

    bench/crash/run.py                      # 100 kills of each kind, SQLite
    AGORA_CRASH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/agora_crash bench/crash/run.py
    bench/crash/run.py --kills 10 --only votes

AGORA_BIN: the agora binary (default: built with cargo, debug). VOTES_BIN: the votes example.
The PostgreSQL database named in the URL is dropped and made again.
"""

import argparse
import csv
import http.client
import io
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from urllib.parse import urlparse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", "/root/.cache/agora/target")
THEMES = 4


def log(*a):
    print(*a, flush=True)


def build():
    agora = os.environ.get("AGORA_BIN")
    votes = os.environ.get("VOTES_BIN")
    if not agora:
        subprocess.run(["cargo", "build", "-q", "-p", "agora"], cwd=ROOT, check=True)
        agora = os.path.join(TARGET, "debug", "agora")
    if not votes:
        subprocess.run(
            ["cargo", "build", "-q", "-p", "dialogue", "--example", "votes"], cwd=ROOT, check=True
        )
        votes = os.path.join(TARGET, "debug", "examples", "votes")
    return agora, votes


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Engine:
    """Where the data lives, and how the harness reads it back."""

    def __init__(self, kind, work, pg_url=None):
        self.kind = kind
        self.work = work
        if kind == "sqlite":
            self.url = "sqlite://" + os.path.join(work, "agora.db")
        else:
            self.url = pg_url
            u = urlparse(pg_url)
            name = u.path.lstrip("/")
            admin = pg_url[: -len(name)] + "postgres"
            for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
                subprocess.run(["psql", "-q", admin, "-c", sql], check=True)

    def rows(self, sql):
        if self.kind == "sqlite":
            con = sqlite3.connect(self.url[len("sqlite://"):], timeout=30)
            try:
                return con.execute(sql).fetchall()
            finally:
                con.close()
        out = subprocess.run(
            ["psql", "-qAtX", "-F", "\t", self.url, "-c", sql], check=True, capture_output=True, text=True
        ).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]


class Server:
    def __init__(self, agora, engine, config):
        self.agora = agora
        self.engine = engine
        self.config = config
        self.proc = None
        self.port = None
        self.log = open(os.path.join(engine.work, "server.log"), "ab")

    def cli(self, *args, stdin=None):
        cmd = [self.agora, *args, "--data-dir", self.engine.work, "--database-url", self.engine.url]
        return subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True).stdout

    def start(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                self.agora, "serve",
                "--data-dir", self.engine.work,
                "--database-url", self.engine.url,
                "--listen", f"127.0.0.1:{self.port}",
                "--config", self.config,
            ],
            stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                self.log.flush()
                tail = open(self.log.name, "rb").read()[-3000:].decode(errors="replace")
                raise SystemExit(f"the server exited with {self.proc.returncode}:\n{tail}")
            try:
                status, _ = self.request("GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit("the server did not answer /healthz within 60 s")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)

    def request(self, method, path, body=None, headers=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def json(self, method, path, payload=None, token=None, timeout=30):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        body = json.dumps(payload).encode() if payload is not None else None
        status, raw = self.request(method, path, body, headers, timeout)
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")


def write_config(work):
    path = os.path.join(work, "crash.toml")
    actions = ["signup", "password_reset", "verification_resend", "data_request", "vote", "report"]
    with open(path, "w") as f:
        for a in actions:
            f.write(f"[limits.rate.{a}]\nper_address = 0\nper_account = 0\nwindow_minutes = 60\n\n")
    return path


# ---- votes ------------------------------------------------------------------------------------


def votes(agora, votes_bin, engine, kills, voters_n, threads):
    server = Server(agora, engine, write_config(engine.work))
    server.cli("migrate")
    prepared = os.path.join(engine.work, "voters.jsonl")
    subprocess.run(
        [votes_bin, "--database-url", engine.url, "--voters", str(voters_n), "--prepare", prepared],
        check=True, stdout=subprocess.DEVNULL,
    )
    voters = [json.loads(line) for line in open(prepared)]
    process = voters[0]["process"]
    emails = {v["email"] for v in voters}
    run = voters[0]["email"].split(".", 1)[1].split("@")[0]
    acknowledged = {}  # email -> receipt
    refused = 0
    others = []
    next_voter = [0]
    lock = threading.Lock()
    rnd = random.Random(7)
    log(f"{engine.kind}: votes: {len(voters)} voters, {kills} kills, {threads} threads")
    started = time.time()

    def check(after):
        counts = engine.rows(
            "SELECT u.email, COUNT(b.id) FROM users u LEFT JOIN dialogue_ballots b ON b.voter_id = u.id "
            f"WHERE u.email LIKE 'voter%.{run}@bench.agora.example' GROUP BY u.email"
        )
        counts = {e: int(n) for e, n in counts}
        lost = [e for e in acknowledged if counts.get(e, 0) != THEMES]
        partial = [e for e, n in counts.items() if n not in (0, THEMES)]
        choices = engine.rows(
            "SELECT COUNT(*) FROM dialogue_ballot_choices c JOIN dialogue_ballots b ON b.id = c.ballot_id "
            f"JOIN users u ON u.id = b.voter_id WHERE u.email LIKE 'voter%.{run}@bench.agora.example'"
        )[0][0]
        stored = sum(counts.values())
        if lost or partial or int(choices) != stored:
            raise SystemExit(
                f"{engine.kind}: after {after}: {len(lost)} acknowledged voters without their four ballots "
                f"{lost[:3]}, {len(partial)} voters with some ballots only {partial[:3]}, "
                f"{choices} choices for {stored} ballots"
            )
        return stored

    def worker(stop):
        nonlocal refused
        while not stop.is_set():
            with lock:
                if next_voter[0] >= len(voters):
                    return
                v = voters[next_voter[0]]
                next_voter[0] += 1
            try:
                status, body = server.json(
                    "POST", f"/api/v1/dialogue/processes/{process}/ballots", {"ballots": v["ballots"]}, v["token"]
                )
            except OSError:
                return  # killed in flight: the ballot may or may not be stored, never half
            if status == 200 and isinstance(body, dict) and body.get("receipt"):
                with lock:
                    acknowledged[v["email"]] = body["receipt"]
            elif status == 409:
                with lock:
                    refused += 1
            elif status >= 500:
                raise SystemExit(f"{engine.kind}: vote answered {status}: {body}")
            else:
                with lock:
                    others.append((status, body))

    for k in range(kills):
        server.start()
        check(f"restart {k}")
        stop = threading.Event()
        pool = [threading.Thread(target=worker, args=(stop,)) for _ in range(threads)]
        for t in pool:
            t.start()
        time.sleep(rnd.uniform(0.1, 1.0))
        server.kill()
        stop.set()
        for t in pool:
            t.join()
        if others:
            raise SystemExit(f"{engine.kind}: unexpected answers to a vote: {others[:3]}")
        if next_voter[0] >= len(voters):
            raise SystemExit(f"{engine.kind}: ran out of voters after {k + 1} kills; raise --voters")
    server.start()
    stored = check("the last restart")
    # Every acknowledged receipt verifies through the public check.
    sample = rnd.sample(sorted(acknowledged), min(200, len(acknowledged)))
    bad = []
    for e in sample:
        status, body = server.json("POST", "/api/v1/dialogue/receipts/check", {"code": acknowledged[e]})
        counted = isinstance(body, dict) and [b.get("counted") for b in body.get("ballots", [])]
        if status != 200 or counted != [True] * THEMES:
            bad.append((e, status, body))
    server.stop()
    if bad:
        raise SystemExit(f"{engine.kind}: receipts that do not verify: {bad[:3]}")
    in_flight = stored // THEMES - len(acknowledged)
    log(
        f"{engine.kind}: votes: {kills} kills in {time.time() - started:.0f} s; {len(acknowledged)} acknowledged votes "
        f"all stored exactly once ({len(acknowledged) * THEMES} ballots); {in_flight} more stored that were in flight "
        f"when killed; no partial vote; {len(sample)} receipts verified"
    )
    return {"kills": kills, "acknowledged": len(acknowledged), "in_flight_stored": in_flight}


# ---- ingestion --------------------------------------------------------------------------------


def csv_file(rows, seed):
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", "ministry", "amount", "date", "note"])
    r = random.Random(seed)
    for i in range(rows):
        w.writerow([i, f"Ministry {r.randrange(30)}", f"{r.uniform(0, 1e6):.2f}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "x" * r.randrange(20)])
    return out.getvalue().encode()


def multipart(fields, file_field, file_name, content):
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def ingestion(agora, engine, kills, base_rows):
    server = Server(agora, engine, write_config(engine.work))
    server.cli("migrate")
    server.cli("user", "create", "crash-admin@agora.example", "--role", "admin", stdin="crash-test-password-1234\n")
    token = server.cli("token", "create", "crash-admin@agora.example").strip().splitlines()[-1]
    # A dataset in an organization, as a CKAN dump brings it.
    dump = os.path.join(engine.work, "dataset.jsonl")
    with open(dump, "w") as f:
        f.write(json.dumps({
            "name": "crash-test", "title": "Crash test", "license_id": "OGL-ON-1.0",
            "organization": {"name": "crash-ministry", "title": "Ministry of Crash Tests"},
            "resources": [],
        }) + "\n")
    server.cli("import", "ckan-dump", dump)
    server.start()
    package = "crash-test"
    uploaded = set()
    rnd = random.Random(11)
    resource = None
    started = time.time()
    log(f"{engine.kind}: ingestion: {kills} kills, files of about {base_rows} rows")

    def check(after):
        status, body = server.json("GET", f"/api/3/action/datastore_search?resource_id={resource}&limit=0")
        if status == 404 or (status in (400, 409) and isinstance(body, dict)):
            return None  # no table yet
        if status != 200:
            raise SystemExit(f"{engine.kind}: after {after}: datastore_search answered {status}: {body}")
        total = body["result"]["total"]
        if total not in uploaded:
            raise SystemExit(f"{engine.kind}: after {after}: the table has {total} rows, no file had that many")
        status, raw = server.request("GET", f"/datastore/dump/{resource}", timeout=120)
        lines = raw.count(b"\n") - 1
        if status != 200 or lines != total:
            raise SystemExit(f"{engine.kind}: after {after}: the dump answered {status} with {lines} rows for a total of {total}")
        return total

    loads_seen = set()
    mid_load = 0

    def running():
        return int(engine.rows(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'datastore.ingest' AND state = 'running'"
        )[0][0])
    for k in range(kills + 1):
        rows = base_rows + k
        content = csv_file(rows, k)
        fields = {"name": "Payments", "format": "CSV"}
        if resource is None:
            fields["package_id"] = package
            action = "resource_create"
        else:
            fields["id"] = resource
            action = "resource_update"
        body, ctype = multipart(fields, "upload", f"payments-{k}.csv", content)
        status, raw = server.request(
            "POST", f"/api/3/action/{action}", body, {"Content-Type": ctype, "Authorization": "Bearer " + token}, 120
        )
        if status != 200:
            raise SystemExit(f"{engine.kind}: {action}: {status} {raw[:300]}")
        resource = json.loads(raw)["result"]["id"]
        uploaded.add(rows)
        if k == kills:
            break
        if k == 0:
            # The first file is loaded whole, so that every kill after it has a version to keep.
            deadline = time.time() + 300
            while check("the first load") is None:
                if time.time() > deadline:
                    raise SystemExit(f"{engine.kind}: the first file was not loaded within 5 minutes")
                time.sleep(0.5)
        # Killed while its load job runs (when it gets there in time).
        deadline = time.time() + (0 if k == 0 else 10)
        while time.time() < deadline and running() == 0:
            time.sleep(0.02)
        time.sleep(rnd.uniform(0.0, 1.5))
        if running():
            mid_load += 1
        server.kill()
        server.start()
        total = check(f"kill {k + 1}")
        if total is not None:
            loads_seen.add(total)
    # The killed jobs' leases run out and they are run again; the last upload wins.
    deadline = time.time() + 600
    final = None
    while time.time() < deadline:
        pending = engine.rows("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')")[0][0]
        if int(pending) == 0:
            final = check("the jobs finished")
            break
        time.sleep(2)
    server.stop()
    last = base_rows + kills
    if final != last:
        raise SystemExit(f"{engine.kind}: at the end the table has {final} rows, the last file {last}")
    log(
        f"{engine.kind}: ingestion: {kills} kills in {time.time() - started:.0f} s; after every restart the table was a "
        f"whole uploaded version ({len(loads_seen)} distinct versions seen, {mid_load} kills in the middle of a load); "
        f"the last file's {last} rows at the end"
    )
    return {"kills": kills, "killed_mid_load": mid_load, "versions_seen": len(loads_seen)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--voters", type=int, default=0, help="default: 250 per kill")
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--rows", type=int, default=200000, help="rows in each uploaded file")
    ap.add_argument("--only", choices=["votes", "ingestion"])
    ap.add_argument("--postgres-only", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the data folders")
    a = ap.parse_args()
    agora, votes_bin = build()
    engines = [] if a.postgres_only else [("sqlite", None)]
    if os.environ.get("AGORA_CRASH_POSTGRES_URL"):
        engines.append(("postgres", os.environ["AGORA_CRASH_POSTGRES_URL"]))
    results = {}
    for kind, url in engines:
        for phase in ("votes", "ingestion"):
            if a.only and a.only != phase:
                continue
            work = tempfile.mkdtemp(prefix=f"agora-crash-{kind}-{phase}-")
            engine = Engine(kind, work, url)
            try:
                if phase == "votes":
                    results[f"{kind} votes"] = votes(agora, votes_bin, engine, a.kills, a.voters or 250 * a.kills + 1000, a.threads)
                else:
                    results[f"{kind} ingestion"] = ingestion(agora, engine, a.kills, a.rows)
            finally:
                if not a.keep:
                    shutil.rmtree(work, ignore_errors=True)
                else:
                    log(f"kept {work}")
    log(json.dumps(results))


if __name__ == "__main__":
    main()
