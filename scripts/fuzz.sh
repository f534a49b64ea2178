#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) for MINUTES minutes each
# (default 10), one after the other, from the seed corpus in fuzz/seeds.
# Needs nightly Rust and cargo-fuzz (`cargo install cargo-fuzz`).
# Crashes land in fuzz/artifacts/<target>/; each becomes a regression test.
# Usage: scripts/fuzz.sh [MINUTES] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
minutes="${1:-10}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(read segment pipeline graph_json sparql)
fi
cargo +nightly fuzz build -O
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    echo "== $t: $minutes min"
    cargo +nightly fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time=$((minutes * 60)) -timeout=20 -rss_limit_mb=4096 \
        -max_len=65536 -print_final_stats=1 2>&1 | grep -E "^(stat::|==|SUMMARY|Done|#[0-9]+ *DONE)|panicked|ERROR" || true
done
