"""The PostgreSQL and HTTP sides of the datastore benchmark (run.sh drives it).

  bench.py resource URL                the id of the resource to load into
  bench.py xloader PG_URL CSV          CKAN's XLoader path: COPY into a text table, an index per column
  bench.py search AGORA_URL RESOURCE PG_URL CSV REPS
                                       the same datastore_search queries on Agora and on PostgreSQL

Measurements print as `key value` lines for run.sh to collect. PostgreSQL runs on this machine:
the peak memory of the server process doing the work is its VmHWM in /proc (resident set high
water mark, which counts the shared buffers that process touched).
"""

import http.client
import json
import statistics
import sys
import time
import urllib.parse

import psycopg

COLUMNS = ["id", "year", "fish", "latitude", "longitude", "stocked_on", "recorded_at", "code", "species", "stage_ok"]
TYPES = ["bigint", "bigint", "bigint", "float8", "float8", "date", "timestamp", "text", "text", "text"]

# filter + sort + page + total, as datastore_search takes it, and the same in SQL.
QUERIES = [
    {
        "name": "species = Walleye, sort fish desc, offset 1000",
        "agora": {"filters": {"species": "Walleye"}, "sort": "fish desc", "limit": 100, "offset": 1000},
        "where": "species = %s",
        "args": ["Walleye"],
        "order": "fish DESC, id",
        "offset": 1000,
    },
    {
        "name": "year = 2016 and stage_ok in (Fry, Adults), sort recorded_at, first page",
        "agora": {"filters": {"year": 2016, "stage_ok": ["Fry", "Adults"]}, "sort": "recorded_at", "limit": 100, "offset": 0},
        "where": "year = %s AND stage_ok = ANY(%s)",
        "args": [2016, ["Fry", "Adults"]],
        "order": "recorded_at, id",
        "offset": 0,
    },
]
INDEXED = ["year", "fish", "recorded_at", "species", "stage_ok"]


_connections = {}


def post(url, action, body, token=None):
    """One API call over a kept-alive connection, as a client doing many would."""
    if url not in _connections:
        _connections[url] = http.client.HTTPConnection(urllib.parse.urlsplit(url).netloc)
    conn = _connections[url]
    headers = {"Content-Type": "application/json", **({"Authorization": token} if token else {})}
    conn.request("POST", f"/api/3/action/{action}", json.dumps(body), headers)
    response = conn.getresponse()
    answer = json.loads(response.read())
    if not answer.get("success"):
        raise SystemExit(f"{action} failed ({response.status}): {answer}")
    return answer["result"]


def peak_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def resource(url):
    """The id of the resource run.sh imported (see dataset.json)."""
    print(post(url, "package_show", {"id": "datastore-bench"})["resources"][0]["id"])


def copy_file(cur, table, csv_path):
    with open(csv_path, "rb") as f, cur.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
        while chunk := f.read(1 << 20):
            copy.write(chunk)


def xloader(pg_url, csv_path):
    with psycopg.connect(pg_url, autocommit=True) as conn, conn.cursor() as cur:
        pid = conn.info.backend_pid
        cur.execute("DROP TABLE IF EXISTS bench_xloader")
        started = time.perf_counter()
        cur.execute("CREATE TABLE bench_xloader (" + ", ".join(f'"{c}" text' for c in COLUMNS) + ")")
        copy_file(cur, "bench_xloader", csv_path)
        copied = time.perf_counter()
        for c in COLUMNS:
            cur.execute(f'CREATE INDEX ON bench_xloader ("{c}")')
        done = time.perf_counter()
        print(f"xloader_seconds {done - started:.3f}")
        print(f"xloader_copy_seconds {copied - started:.3f}")
        print(f"xloader_index_seconds {done - copied:.3f}")
        print(f"xloader_peak_mb {peak_kb(pid) / 1024:.0f}")
        cur.execute("DROP TABLE bench_xloader")


def percentiles(samples):
    s = sorted(samples)
    return statistics.median(s), s[min(len(s) - 1, round(0.99 * (len(s) - 1)))]


def search(agora_url, resource_id, pg_url, csv_path, reps):
    with psycopg.connect(pg_url, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_typed")
        cur.execute("CREATE TABLE bench_typed (" + ", ".join(f'"{c}" {t}' for c, t in zip(COLUMNS, TYPES)) + ")")
        copy_file(cur, "bench_typed", csv_path)
        for c in INDEXED:
            cur.execute(f'CREATE INDEX ON bench_typed ("{c}")')
        cur.execute("ANALYZE bench_typed")
        for n, q in enumerate(QUERIES, 1):
            page_sql = f"SELECT * FROM bench_typed WHERE {q['where']} ORDER BY {q['order']} LIMIT 100 OFFSET {q['offset']}"
            count_sql = f"SELECT count(*) FROM bench_typed WHERE {q['where']}"
            body = {"resource_id": resource_id, "include_total": True, **q["agora"]}
            # Both sides answer the same: the same total and the same page of ids.
            answer = post(agora_url, "datastore_search", body)
            cur.execute(page_sql, q["args"])
            pg_ids = [row[0] for row in cur.fetchall()]
            cur.execute(count_sql, q["args"])
            pg_total = cur.fetchone()[0]
            agora_ids = [r["id"] for r in answer["records"]]
            if answer["total"] != pg_total or agora_ids != pg_ids:
                raise SystemExit(f"query {n}: Agora and PostgreSQL disagree: total {answer['total']} vs {pg_total}")
            agora_times, pg_times = [], []
            for _ in range(reps):
                t = time.perf_counter()
                post(agora_url, "datastore_search", body)
                agora_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                cur.execute(page_sql, q["args"])
                cur.fetchall()
                cur.execute(count_sql, q["args"])
                cur.fetchone()
                pg_times.append(time.perf_counter() - t)
            a50, a99 = percentiles(agora_times)
            p50, p99 = percentiles(pg_times)
            print(f"q{n}_name {q['name']} ({pg_total} matching rows)")
            print(f"q{n}_agora_p50_ms {a50 * 1000:.1f}")
            print(f"q{n}_agora_p99_ms {a99 * 1000:.1f}")
            print(f"q{n}_postgres_p50_ms {p50 * 1000:.1f}")
            print(f"q{n}_postgres_p99_ms {p99 * 1000:.1f}")
        cur.execute("DROP TABLE bench_typed")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "resource":
        resource(*args)
    elif command == "xloader":
        xloader(*args)
    elif command == "search":
        search(args[0], args[1], args[2], args[3], int(args[4]))
    else:
        raise SystemExit(__doc__)
