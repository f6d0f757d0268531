#!/usr/bin/env bash
# The datastore against the tools people use today, side by side on the same generated files
# (10 mixed columns: whole numbers, decimals, dates, timestamps, codes, names, categories):
#
# - ingestion, wall time and peak memory: `agora ingest` into a fresh data folder (what a real
#   load does: encoding and dialect sniffing, type inference over the whole file, typed Parquet
#   written, copied to the object store, version recorded), DuckDB's read_csv → Parquet, and
#   CKAN's XLoader path (PostgreSQL COPY into a text table, then an index per column);
# - `datastore_search` with a filter, a sort, a page and include_total over HTTP against
#   `agora serve`, versus the same query and its count on PostgreSQL over a typed table with an
#   index on each filter and sort column (p50/p99 from the client over REPS repetitions).
#
#   bench/datastore/run.sh [ROWS...]      (default: 1000000; e.g. `run.sh 1000000 10000000`)
#
# Set AGORA_BIN (default: the release build, `cargo build --release -p agora`), PG_URL
# (default postgres://postgres@127.0.0.1:5432/postgres; PostgreSQL must run on this machine for
# its memory to be read), REPS (default 30), PORT (default 18431), VENV (where DuckDB and
# psycopg are installed from requirements.txt, created on first run).
#
# Peak memory: for Agora and DuckDB, the maximum resident set of the process (GNU time); for
# PostgreSQL, VmHWM of the server process that ran the COPY and the indexes (read in /proc).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
AGORA_BIN=${AGORA_BIN:-${CARGO_TARGET_DIR:-/root/.cache/agora/target}/release/agora}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
REPS=${REPS:-30}
PORT=${PORT:-18431}
VENV=${VENV:-/root/.cache/agora/bench-venv}
ROWS_LIST=("${@:-1000000}")

[ -x "$AGORA_BIN" ] || { echo "no agora binary at $AGORA_BIN (cargo build --release -p agora)" >&2; exit 1; }
if ! cmp -s "$HERE/requirements.txt" "$VENV/requirements.txt" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
  cp "$HERE/requirements.txt" "$VENV/requirements.txt"
fi
PYTHON=$VENV/bin/python

WORK=$(mktemp -d)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# Runs a command, prints "label seconds peak-MB" and records both under KEY.
measure() {
  local key=$1 label=$2
  shift 2
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>&1 || { cat "$WORK/out" >&2; exit 1; }
  read -r secs kb <"$WORK/time"
  printf '  %-34s %8.2f s %8d MB\n' "$label" "$secs" "$((kb / 1024))"
  echo "${key}_seconds $secs" >>"$RESULTS"
  echo "${key}_peak_mb $((kb / 1024))" >>"$RESULTS"
}

serve() {
  "$AGORA_BIN" serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$PORT/api/3/action/status_show" >/dev/null && return
    sleep 0.2
  done
  cat "$WORK/serve.log" >&2
  exit 1
}

stop() {
  kill "$SERVER"
  wait "$SERVER" || true
  SERVER=
}

get() { awk -v k="$1" '$1 == k {print $2}' "$RESULTS"; }

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "agora $("$AGORA_BIN" --version | cut -d' ' -f2), duckdb $("$PYTHON" -c 'import duckdb; print(duckdb.__version__)'), $(psql "$PG_URL" -tAc 'SHOW server_version' | cut -d' ' -f1 | sed 's/^/PostgreSQL /')"

SUMMARY=$WORK/summary
for ROWS in "${ROWS_LIST[@]}"; do
  RESULTS=$WORK/results-$ROWS
  : >"$RESULTS"
  CSV=$WORK/bench-$ROWS.csv
  "$PYTHON" "$HERE/generate.py" "$ROWS" "$CSV"
  echo
  echo "== $ROWS rows, $(du -m "$CSV" | cut -f1) MB =="

  # A fresh site with a dataset and a resource to load into (a link in no tabular format, so
  # that nothing but `agora ingest` loads it), brought in as a one-line ckanapi dump.
  DATA=$WORK/data-$ROWS
  "$AGORA_BIN" import ckan-dump "$HERE/dataset.json" --data-dir "$DATA" >"$WORK/import.log" 2>&1 ||
    { cat "$WORK/import.log" >&2; exit 1; }
  serve
  RESOURCE=$("$PYTHON" "$HERE/bench.py" resource "http://127.0.0.1:$PORT")
  stop
  sync

  echo "ingestion (wall time, peak memory):"
  measure agora "Agora: agora ingest" "$AGORA_BIN" ingest "$RESOURCE" "$CSV" --data-dir "$DATA"
  measure duckdb "DuckDB: read_csv → Parquet" "$PYTHON" -c \
    "import duckdb; duckdb.sql(\"COPY (SELECT * FROM read_csv('$CSV')) TO '$WORK/duck.parquet' (FORMAT parquet)\")"
  rm -f "$WORK/duck.parquet"
  "$PYTHON" "$HERE/bench.py" xloader "$PG_URL" "$CSV" >>"$RESULTS"
  printf '  %-34s %8.2f s %8d MB  (COPY %.1f s, indexes %.1f s)\n' "PostgreSQL: COPY + an index/column" \
    "$(get xloader_seconds)" "$(get xloader_peak_mb)" "$(get xloader_copy_seconds)" "$(get xloader_index_seconds)"

  echo "datastore_search, filter + sort + page + total ($REPS times each, client-side):"
  serve
  "$PYTHON" "$HERE/bench.py" search "http://127.0.0.1:$PORT" "$RESOURCE" "$PG_URL" "$CSV" "$REPS" >>"$RESULTS"
  stop
  for q in 1 2; do
    echo "  q$q: $(grep "^q${q}_name " "$RESULTS" | cut -d' ' -f2-)"
    printf '    Agora p50 %6.1f ms  p99 %6.1f ms   PostgreSQL (page + count) p50 %6.1f ms  p99 %6.1f ms\n' \
      "$(get "q${q}_agora_p50_ms")" "$(get "q${q}_agora_p99_ms")" "$(get "q${q}_postgres_p50_ms")" "$(get "q${q}_postgres_p99_ms")"
  done
  rm -rf "$CSV" "$DATA"

  awk -v rows="$ROWS" '{v[$1] = $2} END {
    printf "%s rows: ingestion Agora/DuckDB %.2f× (target ≤ 1.5), XLoader/Agora %.1f× (target ≥ 9); search Agora/PostgreSQL p50 q1 %.2f×, q2 %.2f× (target ≤ 0.5)\n",
      rows, v["agora_seconds"] / v["duckdb_seconds"], v["xloader_seconds"] / v["agora_seconds"],
      v["q1_agora_p50_ms"] / v["q1_postgres_p50_ms"], v["q2_agora_p50_ms"] / v["q2_postgres_p50_ms"]
  }' "$RESULTS" >>"$SUMMARY"
done

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$SUMMARY"
