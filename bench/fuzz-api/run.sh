#!/usr/bin/env bash
# API fuzzing with schemathesis: the native API (/api/v1/openapi.json) and the CKAN Action API
# (tests/conformance/ckan-actions.openapi.yaml), against an `agora demo` this script starts on
# 127.0.0.1 with a temporary data folder, as the demo administrator. Prints the cases run, the
# statuses answered and the count of responses of 500 or above; exits 1 if there is any, or if a
# connection broke.
#
#   bench/fuzz-api/run.sh                        # at least 10,000 cases, debug build
#   FUZZ_EXAMPLES=300 FUZZ_MAX_TIME=900 bench/fuzz-api/run.sh
#   AGORA_BIN=/path/to/agora bench/fuzz-api/run.sh
#
# FUZZ_EXAMPLES: cases per operation in the fuzzing phase (default 100), on top of the examples,
# coverage and stateful phases; FUZZ_MIN_CASES: the least total to reach (default 10000; the run
# repeats with the next seed until it is reached, up to FUZZ_ROUNDS rounds, default 5);
# FUZZ_MAX_TIME: seconds each schemathesis run may take (default 600); FUZZ_SEED (default 1).
# AGORA_SHARED_DATA: the public data the demo loads (default ../shared/data beside the checkout,
# or beside the main checkout when run from a worktree).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/root/.cache/agora/target}
VENV=${AGORA_VENV:-/root/.cache/agora/venv}

if [[ -z "${AGORA_BIN:-}" ]]; then
  cargo build -p agora
  AGORA_BIN=$CARGO_TARGET_DIR/debug/agora
fi
if [[ ! -x "$VENV/bin/st" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r tests/conformance/requirements.txt
fi
if [[ -z "${AGORA_SHARED_DATA:-}" ]]; then
  for dir in "$ROOT/../shared/data" "$ROOT/../../shared/data"; do
    if [[ -d $dir ]]; then export AGORA_SHARED_DATA=$(cd "$dir" && pwd); break; fi
  done
fi

WORK=$(mktemp -d -t agora-fuzz-api-XXXXXX)
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID"; wait "$PID" 2>/dev/null || true
  fi
  if [[ -n "${FUZZ_KEEP:-}" ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# A free loopback port, checked again right before the server takes it.
PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port $PORT is taken" >&2; exit 2
fi
BASE=http://127.0.0.1:$PORT
"$AGORA_BIN" demo --data-dir "$WORK/data" --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 600); do
  if curl -sf "$BASE/readyz" >/dev/null; then break; fi
  if ! kill -0 "$PID" 2>/dev/null; then tail -40 "$WORK/server.log"; exit 2; fi
  sleep 0.5
done
curl -sf "$BASE/readyz" >/dev/null || { echo "agora was not ready" >&2; tail -40 "$WORK/server.log"; exit 2; }
TOKEN=$(AGORA_LOG=warn "$AGORA_BIN" token create admin@agora.example --name fuzz --data-dir "$WORK/data" | tail -1)

set +e
AGORA_FUZZ_TOKEN=$TOKEN "$VENV/bin/python" - "$BASE" "$WORK/reports" <<'PY'
import os, sys
from pathlib import Path
sys.path.insert(0, "tests/conformance")
import api_fuzz

base, reports = sys.argv[1], Path(sys.argv[2])
examples = int(os.environ.get("FUZZ_EXAMPLES", "100"))
min_cases = int(os.environ.get("FUZZ_MIN_CASES", "10000"))
rounds = int(os.environ.get("FUZZ_ROUNDS", "5"))
max_time = float(os.environ.get("FUZZ_MAX_TIME", "600"))
seed = int(os.environ.get("FUZZ_SEED", "1"))
results = []
for n in range(rounds):
    for r in api_fuzz.run_both(base, reports / f"round-{n}", max_examples=examples, seed=seed + n,
                               token=os.environ["AGORA_FUZZ_TOKEN"], max_time=max_time):
        print(f"round {n + 1}, seed {seed + n}: {r.summary()}", flush=True)
        results.append(r)
    if sum(r.cases for r in results) >= min_cases:
        break
cases = sum(r.cases for r in results)
requests = sum(r.requests for r in results)
statuses = sum((r.statuses for r in results), start=__import__("collections").Counter())
server_errors = [e for r in results for e in r.server_errors]
errors = [f"{r.name}: {e}" for r in results for e in r.errors]
print("\n==== API fuzzing summary ====")
print(f"cases: {cases}   requests: {requests}")
print("statuses: " + ", ".join(f"{c}: {k}" for c, k in sorted(statuses.items())))
print(f"5xx: {len(server_errors)}   broken connections and other errors: {len(errors)}")
for e in server_errors[:30]:
    print("  " + e)
for e in errors:
    print("  " + e)
sys.exit(1 if server_errors or errors or cases < min_cases else 0)
PY
rc=$?
set -e
panics=$(grep -c "panicked" "$WORK/server.log" || true)
echo "server panics: $panics"
if [[ $panics -gt 0 ]]; then grep -A2 "panicked" "$WORK/server.log" | head -30; rc=1; fi
exit $rc
