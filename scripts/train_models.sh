#!/usr/bin/env bash
# Rebuilds the shipped tagger and parser from UD English EWT (CC BY-SA 4.0)
# and the word clusters in data/models/clusters.bin.zst (learned from the news
# corpus by scripts/train_ner.sh), then rebuilds the binary so it embeds them.
# Deterministic: same corpus -> same model bytes. Never train on ud-gum (NC licence).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPORA="${CORPORA:-../shared/corpora}"
EWT="$CORPORA/ud-ewt"
OUT="${OUT:-data/models}"
CLUSTERS="${CLUSTERS:-data/models/clusters.bin.zst}"
mkdir -p "$OUT"
cargo build --release
BIN=target/release/newsgraph
# Tagger: 4 models on different shuffles, weights averaged.
# Parser: beam search (width 8) trained globally on 5-fold jackknifed tags of
# train, 2 models averaged; dev is tagged by the new tagger.
time "$BIN" train tagger \
    --train "$EWT/en_ewt-ud-train.conllu" --dev "$EWT/en_ewt-ud-dev.conllu" \
    --clusters "$CLUSTERS" --output "$OUT/tagger.bin.zst"
time "$BIN" train parser \
    --train "$EWT/en_ewt-ud-train.conllu" --dev "$EWT/en_ewt-ud-dev.conllu" \
    --clusters "$CLUSTERS" --tagger "$OUT/tagger.bin.zst" --output "$OUT/parser.bin.zst" \
    --save-tags "$OUT/.train-jackknifed.conllu"
# The fast (greedy) parser, on the same jackknifed tags: labelled transitions
# for the 14 most frequent relations in each direction, context features, 3
# models averaged; rare transition features with weights below 700/32767 are
# dropped (same accuracy, faster).
time "$BIN" train parser --folds 0 --beam 1 --models 3 --arc-labels 14 --context \
    --min-row-weight 700 \
    --train "$OUT/.train-jackknifed.conllu" --dev "$EWT/en_ewt-ud-dev.conllu" \
    --clusters "$CLUSTERS" --tagger "$OUT/tagger.bin.zst" --output "$OUT/parser-fast.bin.zst"
rm -f "$OUT/.train-jackknifed.conllu"
"$BIN" evaluate tagger --model "$OUT/tagger.bin.zst" --test "$EWT/en_ewt-ud-test.conllu"
"$BIN" evaluate parser --model "$OUT/parser.bin.zst" --tagger "$OUT/tagger.bin.zst" \
    --test "$EWT/en_ewt-ud-test.conllu"
"$BIN" evaluate parser --model "$OUT/parser-fast.bin.zst" --tagger "$OUT/tagger.bin.zst" \
    --test "$EWT/en_ewt-ud-test.conllu"
ls -l "$OUT"
cargo build --release
