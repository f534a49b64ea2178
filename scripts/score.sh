#!/usr/bin/env bash
# Builds the seed and dev articles and scores them against the gold files.
# Evaluation only: reads ../shared, which a user's clone does not have.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-../shared}"
BIN="${BIN:-target/release/newsgraph}"
OUT="${OUT:-target/eval}"
mkdir -p "$OUT"
for set in seeds dev; do
    dir="$SHARED/seeds"; [ "$set" = dev ] && dir="$SHARED/dev-articles"
    "$BIN" build "$dir" --output "$OUT/$set.json" --quiet "$@" >/dev/null
    printf '%-6s ' "$set"
    python3 "$SHARED/tools/score.py" "$SHARED/gold/$set.gold.json" "$OUT/$set.json" | tail -1
done
