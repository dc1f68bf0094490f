#!/usr/bin/env bash
# Nexmark gen and q0-q8 on Sluice, Flink DataStream and Flink SQL (local MiniCluster), same machine,
# same generator, timed the same way; see bench/nexmark/RESULTS.md for the method.
# Usage: bash bench/nexmark/run.sh [events=2000000] [--reps 5] [--queries gen,q0,q5] [--parallelism 1,2]
#   [--engines sluice,sluice-sql,sluice-module,flink-datastream,flink-sql] [--warmup 1000000] [--warmup-per subtask|process] [--small N] [--heap-mb 2048] [--check-events 200000]
# Issue 20's table (p=1 and p=2, SQL and module-defined TypeScript jobs on worker threads, against Flink at the same
# parallelism): bash bench/nexmark/run.sh 2000000 --reps 5 --parallelism 1,2
# Builds the TypeScript (tsc) and the Flink jar (Maven, into .cache/nexmark-flink) first.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Other parts of the tree may not type-check while in progress; tsc still emits, so check our outputs exist.
node node_modules/typescript/bin/tsc -p tsconfig.json >/dev/null 2>&1 || true
for f in dist/bench/nexmark/run.js dist/bench/nexmark/sluiceRun.js dist/bench/nexmark/sluiceSqlRun.js dist/bench/nexmark/sluiceModuleRun.js; do
  [[ -f $f ]] || { echo "missing $f: the TypeScript build failed" >&2; exit 1; }
done
mvn -q -B --strict-checksums -f bench/nexmark/flink/pom.xml package >&2
exec node dist/bench/nexmark/run.js "$@"
