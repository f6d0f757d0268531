#!/usr/bin/env python3
"""Measures `package_search` latency over HTTP against a running `agora serve`: a text query
with three facets, counted (`facet.field`) and, in a second run, also filtered (`fq`). One
keep-alive connection, requests one after another, after a warm-up; reports p50, p90, p99 and
the mean in milliseconds.

With --reference-db it also answers the same queries with SQLite FTS5 on the same database file
(in-process: no HTTP, no JSON), as a side-by-side reference, after building the FTS index.

    measure.py --url http://127.0.0.1:8080 --csv ontario.csv [--reference-db DATA_DIR/agora.db]
"""

import argparse
import http.client
import json
import random
import re
import sqlite3
import statistics
import time
import urllib.parse
from collections import Counter

import generate

FACETS = ["organization", "res_format", "license_id"]


def percentiles(samples):
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, int(q * len(s)))]
    return {"p50": pick(0.50), "p90": pick(0.90), "p99": pick(0.99), "mean": statistics.fmean(s), "n": len(s)}


def show(name, stats, extra=""):
    print(
        f"{name:<44} p50 {stats['p50']:7.2f} ms   p90 {stats['p90']:7.2f} ms   p99 {stats['p99']:7.2f} ms   "
        f"mean {stats['mean']:7.2f} ms   ({stats['n']} queries){extra}"
    )


class Client:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def get(self, path):
        self.conn.request("GET", path, headers={"Accept": "application/json"})
        res = self.conn.getresponse()
        body = res.read()
        if res.status != 200:
            raise SystemExit(f"GET {path} answered {res.status}: {body[:300]!r}")
        return json.loads(body)


def search_path(word, fq=None):
    params = {"q": word, "rows": "10", "facet.field": json.dumps(FACETS), "facet.limit": "50"}
    if fq:
        params["fq"] = fq
    return "/api/3/action/package_search?" + urllib.parse.urlencode(params)


def timed(fn, queries, warmup):
    for q in queries[:warmup]:
        fn(q)
    samples, results = [], []
    for q in queries[warmup:]:
        t = time.perf_counter()
        results.append(fn(q))
        samples.append((time.perf_counter() - t) * 1000)
    return samples, results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--csv", required=True, help="Ontario's catalogue CSV, for the query words")
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--reference-db", help="also run the queries on SQLite FTS5 over this database")
    ap.add_argument("--reference-requests", type=int, default=100, help="queries for the reference (it is slower)")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    _, words, _, _, licences, _, _ = generate.vocabulary(args.csv)
    common = [w for w, _ in words.most_common(400)]
    client = Client(args.url)
    orgs = client.get("/api/3/action/organization_list")["result"]
    licence_ids = [l for l, _ in licences.most_common(3)]
    total = client.get("/api/3/action/package_search?rows=0&include_drafts=false")["result"]["count"]
    print(f"catalogue: {total:,} public datasets; {len(orgs)} organizations")

    n = args.requests + args.warmup
    text = [rng.choice(common) for _ in range(n)]
    filtered = [
        (rng.choice(common), rng.choice(orgs), rng.choice(["CSV", "XLSX", "PDF"]), rng.choice(licence_ids))
        for _ in range(n)
    ]
    fq = lambda o, f, l: f'organization:{o} AND res_format:{f} AND license_id:"{l}"'

    samples, results = timed(lambda w: client.get(search_path(w))["result"]["count"], text, args.warmup)
    show("text + 3 facet counts", percentiles(samples), f"   median hits {int(statistics.median(results)):,}")
    samples, results = timed(
        lambda q: client.get(search_path(q[0], fq(*q[1:])))["result"]["count"], filtered, args.warmup
    )
    show("text + 3 facet filters and counts", percentiles(samples), f"   median hits {int(statistics.median(results)):,}")

    if args.reference_db:
        warmup = 10
        m = args.reference_requests + warmup
        reference(args.reference_db, text[:m], filtered[:m], warmup)


def reference(path, text, filtered, warmup):
    db = sqlite3.connect(path)
    db.execute("DROP TABLE IF EXISTS bench_fts")
    started = time.time()
    db.execute("CREATE VIRTUAL TABLE bench_fts USING fts5(title, body, tokenize='porter unicode61')")
    db.execute(
        "INSERT INTO bench_fts (rowid, title, body) SELECT d.rowid, d.title_en, d.notes_en || ' ' || "
        "COALESCE((SELECT group_concat(keyword, ' ') FROM dataset_keywords k WHERE k.dataset_id = d.id), '') FROM datasets d"
    )
    db.commit()
    print(f"reference: SQLite FTS5 index built in {time.time() - started:.1f} s")
    org_ids = dict(db.execute("SELECT slug, id FROM organizations"))

    def answer(word, org=None, fmt=None, licence=None):
        where, binds = "bench_fts MATCH ?", [word]
        if org:
            where += " AND d.organization_id = ? AND d.license_id = ? AND EXISTS (SELECT 1 FROM resources r WHERE r.dataset_id = d.id AND r.format = ?)"
            binds += [org_ids.get(org), licence, fmt]
        base = f"FROM bench_fts JOIN datasets d ON d.rowid = bench_fts.rowid WHERE {where}"
        count = db.execute(f"SELECT COUNT(*) {base}", binds).fetchone()[0]
        db.execute(f"SELECT d.name {base} ORDER BY bench_fts.rank LIMIT 10", binds).fetchall()
        db.execute(f"SELECT d.organization_id, COUNT(*) {base} GROUP BY 1", binds).fetchall()
        db.execute(f"SELECT d.license_id, COUNT(*) {base} GROUP BY 1", binds).fetchall()
        db.execute(
            f"SELECT r.format, COUNT(DISTINCT r.dataset_id) FROM resources r WHERE r.dataset_id IN (SELECT d.id {base}) GROUP BY 1",
            binds,
        ).fetchall()
        return count

    samples, _ = timed(lambda w: answer(w), text, warmup)
    show("reference, FTS5: text + 3 facet counts", percentiles(samples))
    samples, _ = timed(lambda q: answer(*q), filtered, warmup)
    show("reference, FTS5: text + 3 filters and counts", percentiles(samples))
    db.execute("DROP TABLE bench_fts")
    db.commit()


if __name__ == "__main__":
    main()
