#!/usr/bin/env bash
# The catalogue search benchmark: generates COUNT datasets (default 1,000,000) from the vocabulary
# of Ontario's catalogue into a fresh data folder, times `agora reindex`, serves the catalogue and
# measures `package_search` latency over HTTP, then the same queries on SQLite FTS5 as a reference.
#
#   bench/search/run.sh [COUNT]
#
# Uses $AGORA_BIN, else builds `agora` in release mode. Needs python3 (standard library only) and
# ../shared/data/ontario-catalogue/ (or $ONTARIO_CSV). Leaves nothing behind unless KEEP=1.
# DATA=DIR with KEEP=1 keeps the generated catalogue in DIR; a later run with the same DATA skips
# the generation.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
COUNT=${1:-1000000}
CSV=${ONTARIO_CSV:-../shared/data/ontario-catalogue/data-ontario-ca-catalogue-2020-09-10.csv}
PORT=${PORT:-18480}
if [[ -z "${AGORA_BIN:-}" ]]; then
  cargo build --release -p agora
  AGORA_BIN=${CARGO_TARGET_DIR:-target}/release/agora
fi
DATA=${DATA:-$(mktemp -d /tmp/agora-bench-search.XXXXXX)}
SERVER=""
cleanup() {
  [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  [[ "${KEEP:-0}" == 1 ]] && echo "data kept in $DATA" || rm -rf "$DATA"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -f "$DATA/agora.db" ]] && [[ $(sqlite3 "$DATA/agora.db" 'SELECT COUNT(*) FROM datasets') -gt 0 ]]; then
  echo "== reusing the catalogue in $DATA"
else
  "$AGORA_BIN" migrate --data-dir "$DATA" >/dev/null
  python3 bench/search/generate.py --db "$DATA/agora.db" --csv "$CSV" --count "$COUNT"
fi

echo "== index build (agora reindex)"
/usr/bin/time -f "reindex: %e s wall, %U s user, %M KB max RSS" "$AGORA_BIN" reindex --data-dir "$DATA" 2>&1 | grep -v '^\s*$' | tail -3

"$AGORA_BIN" serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" >"$DATA/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break
  sleep 1
done
echo "== package_search over HTTP (server RSS $(ps -o rss= -p "$SERVER" | awk '{printf "%d MB", $1/1024}'))"
python3 bench/search/measure.py --url "http://127.0.0.1:$PORT" --csv "$CSV" --reference-db "$DATA/agora.db"
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
