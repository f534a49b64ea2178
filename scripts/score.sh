#!/usr/bin/env bash
# Builds the seed, dev and silver-dev articles and scores them against the
# gold files. Extra arguments go to `newsgraph build` (e.g. --relations rules).
# Evaluation only: reads ../shared, which a user's clone does not have.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-../shared}"
BIN="${BIN:-target/release/newsgraph}"
OUT="${OUT:-target/eval}"
mkdir -p "$OUT"
for set in seeds dev silver-dev; do
    case "$set" in
        seeds) inputs=("$SHARED/seeds") ;;
        dev) inputs=("$SHARED/dev-articles") ;;
        silver-dev) mapfile -t inputs < <(sed "s#^#$SHARED/silver/articles/#; s#\$#.txt#" "$SHARED/silver/dev.list") ;;
    esac
    "$BIN" build "${inputs[@]}" --output "$OUT/$set.json" --quiet "$@" >/dev/null
    printf '%-10s ' "$set"
    python3 "$SHARED/tools/score.py" "$SHARED/gold/$set.gold.json" "$OUT/$set.json" | tail -1
done
