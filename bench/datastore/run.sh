#!/usr/bin/env bash
# CSV → queryable table, side by side on the same generated file: Agora's ingestion (both passes,
# typed Parquet written), DuckDB's read_csv → Parquet, and CKAN's XLoader path (PostgreSQL COPY
# into a text table, then an index per column). Wall time and peak memory of each; ratios at the end.
#
#   bench/datastore/run.sh [ROWS]        (default 1000000; AGORA_BIN, PYTHON, PG_URL may be set)
#
# Needs a release build of agora (`cargo build --release -p agora`), psql reaching PG_URL, and
# DuckDB in PYTHON's environment (`pip install duckdb`). Peak memory is that of the client
# process: for PostgreSQL the server's own memory is not counted.
set -euo pipefail
ROWS=${1:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
AGORA_BIN=${AGORA_BIN:-${CARGO_TARGET_DIR:-/root/.cache/agora/target}/release/agora}
PYTHON=${PYTHON:-/root/.cache/agora/venv/bin/python}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS="-c client_min_messages=warning"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CSV=$WORK/bench.csv

"$PYTHON" "$HERE/generate.py" "$ROWS" "$CSV"
echo "file: $ROWS rows, $(du -h "$CSV" | cut -f1)"

# Runs a command, prints "name seconds peak-MB", and appends it to $WORK/results.
measure() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null
  read -r secs kb <"$WORK/time"
  printf '%-28s %8.2f s %8.0f MB\n' "$name" "$secs" "$((kb / 1024))"
  echo "${name%% *} $secs" >>"$WORK/results"
}

measure agora "$AGORA_BIN" validate "$CSV"
measure duckdb "$PYTHON" -c "import duckdb; duckdb.sql(\"COPY (SELECT * FROM read_csv('$CSV')) TO '$WORK/duck.parquet' (FORMAT parquet)\")"

COLUMNS=(id year fish latitude longitude stocked_on recorded_at code species stage_ok)
cat >"$WORK/xloader.sql" <<SQL
DROP TABLE IF EXISTS bench_xloader;
CREATE TABLE bench_xloader ($(printf '"%s" text,' "${COLUMNS[@]}" | sed 's/,$//'));
\\copy bench_xloader FROM '$CSV' WITH (FORMAT csv, HEADER true)
$(for c in "${COLUMNS[@]}"; do echo "CREATE INDEX ON bench_xloader (\"$c\");"; done)
DROP TABLE bench_xloader;
SQL
measure "postgres COPY + indexes" psql -q "$PG_URL" -v ON_ERROR_STOP=1 -f "$WORK/xloader.sql"

awk '{t[$1]=$2} END {
  printf "agora / duckdb: %.2f×   postgres / agora: %.1f×\n", t["agora"] / t["duckdb"], t["postgres"] / t["agora"]
}' "$WORK/results"
