#!/usr/bin/env bash
# Rebuilds the shipped NER model (and the word clusters it uses) from the
# shared corpora, then rebuilds the binary so it embeds the new model.
# Deterministic: same corpora -> same model bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPORA=${CORPORA:-../shared/corpora}
CONLL=$CORPORA/conll2003/iob2
BIN=./target/release/newsgraph

cargo build --release
"$BIN" train clusters --corpus "$CORPORA/news/allsides_2016_2018.csv" --output data/models/clusters.bin.zst
"$BIN" train ner --train "$CONLL/train.txt" --dev "$CONLL/valid.txt" \
    --clusters data/models/clusters.bin.zst --output data/models/ner.bin.zst --epochs "${EPOCHS:-15}"
for split in valid test; do
    echo "== $split (document level)"
    "$BIN" evaluate ner --model data/models/ner.bin.zst --test "$CONLL/$split.txt"
done
cargo build --release
