#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/) and runs each for N seconds (default 600) on the corpus kept in
# bench/fuzz/corpus/<target>/, then minimizes that corpus (libFuzzer's merge, as `cargo fuzz
# cmin` does).
#
#   bench/fuzz/run.sh [seconds] [target...]        # all targets when none is named
#   FUZZ_NO_BUILD=1 bench/fuzz/run.sh 60 fq        # run what is built (FUZZ_BIN_DIR: from there)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain RUSTC_BOOTSTRAP=1 lets it
# pass its nightly flags. No sanitizer by default (the code is safe Rust); FUZZ_SANITIZER=address
# adds AddressSanitizer where the toolchain has it. Everything runs at the lowest priority. A
# crash stops its target; the input is kept in fuzz/artifacts/<target>/ and named in the results,
# bench/fuzz/results.tsv (target, seconds, executions, crash input or "-").
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-600}"
shift || true
light=(markdown search_query fq dcat ogp_import)
datastore=(csv_sniff workbook fulltext)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${light[@]}" "${datastore[@]}")

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/fuzz}"
sanitizer="${FUZZ_SANITIZER:-none}"
bin="${FUZZ_BIN_DIR:-$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release}"
cd "$root/fuzz"

needs_datastore=false
for t in "${targets[@]}"; do
    case " ${datastore[*]} " in *" $t "*) needs_datastore=true ;; esac
done
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
    # The datastore's targets pull DataFusion; with them, every target is built with the feature.
    features=()
    $needs_datastore && features=(--features=datastore)
    nice -n 19 cargo fuzz build -s "$sanitizer" --codegen-units 16 \
        --target-dir "$CARGO_TARGET_DIR" "${features[@]}"
fi

[ -f "$here/results.tsv" ] || printf 'target\tseconds\texecutions\tcrash\n' >"$here/results.tsv"
mkdir -p "$here/logs"
for t in "${targets[@]}"; do
    corpus="$here/corpus/$t"
    artifacts="$root/fuzz/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    log="$here/logs/$t.log"
    start=$(date +%s)
    status=0
    nice -n 19 "$bin/$t" "$corpus" -artifact_prefix="$artifacts/" \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    took=$(($(date +%s) - start))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    crash=$(grep -o 'Test unit written to [^ ]*' "$log" | sed 's/Test unit written to //' | tail -1 || true)
    [ "$status" -ne 0 ] && [ -z "$crash" ] && crash="exit $status (see logs/$t.log)"
    printf '%s\t%s\t%s\t%s\n' "$t" "$took" "${execs:-?}" "${crash:--}" | tee -a "$here/results.tsv"
    # Keeps the smallest set of inputs that covers as much.
    merged="$(mktemp -d)"
    if nice -n 19 "$bin/$t" -merge=1 -timeout=20 -rss_limit_mb=2048 "$merged" "$corpus" >>"$log" 2>&1; then
        rm -rf "$corpus" && mv "$merged" "$corpus"
    else
        echo "minimizing $t failed (see $log)"
        rm -rf "$merged"
    fi
done
du -sh "$here/corpus"
