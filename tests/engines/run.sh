#!/usr/bin/env bash
# Loads every newsgraph export into the real engines (networkx, Kùzu, Ladybug,
# pyoxigraph, Graphviz) and checks it against the JSON graph.
# Usage: bash tests/engines/run.sh [GRAPH.json ...]
#   default: the graph built from data/articles, tests/fixtures/export_graph.json and
#   tests/fixtures/hostile_graph.json
# Creates .venv (python3 -m venv) and installs tests/engines/requirements.txt;
# installs Graphviz with apt-get when `dot` is missing. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/engines/requirements.txt

if ! command -v dot >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq graphviz >/dev/null
fi

cargo build --quiet --bin newsgraph
export NEWSGRAPH="${NEWSGRAPH:-$PWD/target/debug/newsgraph}"

if [ "$#" -eq 0 ]; then
    # The graph built from the bundled sample articles, plus the hand-made fixtures.
    mkdir -p target
    "$NEWSGRAPH" build data/articles --quiet --format json --output target/sample_graph.json
    set -- target/sample_graph.json tests/fixtures/export_graph.json tests/fixtures/hostile_graph.json
fi
exec .venv/bin/python tests/engines/check_exports.py "$@"
