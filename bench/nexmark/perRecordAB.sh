#!/usr/bin/env bash
# Before/after of an optimisation with perRecord.js: runs the build in BASE and the one in NEW alternately,
# ROUNDS times per target, and prints per target the median over rounds of each run's median
# (events/s, events per CPU-second), the best run's events per CPU-second, and the load average seen. A build of the old commit for BASE:
#   git archive <commit> | tar -x -C /tmp/base && ln -s $PWD/node_modules /tmp/base/ && (cd /tmp/base && npx tsc -p tsconfig.json)
# Usage: bash bench/nexmark/perRecordAB.sh BASE NEW "gen q0 q1" [events=2000000] [rounds=3] [reps=3]
set -euo pipefail
base=$1 new=$2 targets=$3 events=${4:-2000000} rounds=${5:-3} reps=${6:-3}
# Per invocation: several people may run A/Bs on the same machine at once.
out=$(mktemp -d /tmp/perRecordAB.XXXXXX)
for t in $targets; do
  for side in base new; do : > "$out/$t.$side"; done
  for ((r = 0; r < rounds; r++)); do
    for side in base new; do
      dir=$base; [ "$side" = new ] && dir=$new
      node ${NODE_FLAGS:-} "$dir/dist/bench/nexmark/perRecord.js" "$t" "$events" "$reps" 1000000 >> "$out/$t.$side"
    done
  done
  node -e '
    const fs = require("fs");
    const [t, ...files] = process.argv.slice(1);
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const row = (f) => { const js = fs.readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l));
      return { eps: med(js.map((j) => j.medianEventsPerSecond)), epc: med(js.map((j) => j.medianEventsPerCpuSecond)), all: js.map((j) => j.medianEventsPerCpuSecond).join("/"), best: Math.max(...js.map((j) => j.bestEventsPerCpuSecond ?? 0)), load: js.map((j) => j.load[0]).join("/") }; };
    const [b, n] = files.map(row);
    console.log(`${t}: base ${b.eps} ev/s, ${b.epc} ev/cpu-s (${b.all}) | new ${n.eps} ev/s, ${n.epc} ev/cpu-s (${n.all}) | cpu ratio ${(n.epc / b.epc).toFixed(2)} | best ev/cpu-s ${b.best} -> ${n.best} (${(n.best / b.best).toFixed(2)}) | load ${b.load} ${n.load}`);
  ' "$t" "$out/$t.base" "$out/$t.new"
done
