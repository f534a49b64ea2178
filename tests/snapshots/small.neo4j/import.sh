#!/bin/sh
# Written by newsgraph test: loads this folder into a new Neo4j 5 database.
# Usage: sh import.sh [DATABASE]   (default: neo4j; Neo4j's bin/ on PATH,
# the database stopped; add --overwrite-destination=true to replace it).
set -eu
cd "$(dirname "$0")"
neo4j-admin database import full --nodes="$PWD/nodes.csv" --relationships="$PWD/relationships.csv" --array-delimiter=U+001F --multiline-fields=true "${1:-neo4j}"
