#!/usr/bin/env bash
# kafkajs (the connector's client) vs @platformatic/kafka, side by side on the local broker.
# Usage: bash bench/kafka-clients/run.sh [records=100000] [kafka version=3.9.2] [rounds=3]
# @platformatic/kafka is not a project dependency: it is installed once into .cache/kafka-clients
# (git-ignored), pinned here, so the comparison can be repeated without changing package.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
# compare.mjs prints with dist/bench/table.js. Other parts of the tree may not type-check while in
# progress; tsc still emits, so check the output exists.
npx tsc -p tsconfig.json >/dev/null 2>&1 || true
[[ -f dist/bench/table.js ]] || { echo "missing dist/bench/table.js: the TypeScript build failed" >&2; exit 1; }
PLATFORMATIC_VERSION=2.12.1
prefix=.cache/kafka-clients
if [[ ! -f $prefix/node_modules/@platformatic/kafka/package.json ]] ||
   [[ $(node -p "require('./$prefix/node_modules/@platformatic/kafka/package.json').version") != "$PLATFORMATIC_VERSION" ]]; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund "@platformatic/kafka@$PLATFORMATIC_VERSION" >&2
fi
bootstrap=$(bash scripts/kafka.sh start "${2:-3.9.2}" | tail -n 1)
exec node bench/kafka-clients/compare.mjs "$bootstrap" "${1:-100000}" "${3:-3}" "${2:-3.9.2}"
