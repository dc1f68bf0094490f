#!/usr/bin/env bash
# Sets up (idempotently) and runs every test: unit and integration tests on Node's test
# runner, then the Jupyter-client tests (jupyter_kernel_test, nbclient, wire security) on pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/chromium.sh   # Debian's chromium for the browser tests; idempotent
bash scripts/clean-dist.sh   # compiled tests whose source is gone would still run below
npm run check              # the gate: lint, format, engine-alone type check, README examples
export SLUICE_TEST_OUTPUT="$PWD/test-output"   # report screenshots, memory figures
export JUPYTER_PATH="$PWD/.venv/share/jupyter"
export PATH="$PWD/.venv/bin:$PATH"
export SLUICE_HISTORY=off

# Kafka integration tests share brokers started here from Maven Central jars (cached in .cache/kafka).
KAFKA_VERSIONS="${SLUICE_KAFKA_VERSIONS:-3.9.2 4.4.0}"
if [ "${SLUICE_KAFKA_TESTS:-on}" != off ]; then
  for v in $KAFKA_VERSIONS; do bash scripts/kafka.sh start "$v" >/dev/null; done
  trap 'bash scripts/kafka.sh stop >/dev/null 2>&1 || true' EXIT
fi

# The tests against a real Flink cluster (scripts/flink.sh: three JVMs, ~1 GB; 15–30 s to start,
# ~3 min of tests on 2 cores) cost more than CI's budget allows for them; SLUICE_FLINK_TESTS=on adds
# them, with one cluster started here for all of them.
export SLUICE_FLINK_TESTS="${SLUICE_FLINK_TESTS:-off}"
if [ "$SLUICE_FLINK_TESTS" = on ] && ! bash scripts/flink.sh status >/dev/null 2>&1; then
  bash scripts/flink.sh start >/dev/null
  # Keeps the Kafka trap above (one EXIT trap per shell).
  stop_kafka=""
  [ "${SLUICE_KAFKA_TESTS:-on}" != off ] && stop_kafka="bash scripts/kafka.sh stop >/dev/null 2>&1 || true"
  trap "bash scripts/flink.sh stop >/dev/null 2>&1 || true; $stop_kafka" EXIT
fi

# Two Node.js lines (README, "Which versions are tested"): the current LTS from the npm registry
# (scripts/node-lts.sh, cached in .cache/node) runs every node test file, the browser tests
# included, and the kernels those tests start through Jupyter (a kernelspec naming it, in
# .venv/node-lts, ahead on JUPYTER_PATH); the machine's Node (20, the oldest supported) runs the
# unit tests, the Kafka reruns and the kernels of the pytest suite (setup.sh's kernelspec). Both
# in full would not fit CI's time.
lts=$(bash scripts/node-lts.sh)
old=node
lts_jupyter_path=$JUPYTER_PATH
if [ "$("$lts" --version)" = "$(node --version)" ]; then
  lts=node
else
  "$lts" bin/sluice.js install --prefix "$PWD/.venv/node-lts" >/dev/null
  lts_jupyter_path="$PWD/.venv/node-lts/share/jupyter:$JUPYTER_PATH"
fi

# A hung test fails after this long instead of holding CI until its limit. Node 24 applies it to each
# test (a test that declares its own timeout keeps it); Node 20's runner applies it to each file too.
timeout="--test-timeout=${SLUICE_TEST_TIMEOUT_MS:-600000}"

# Where the time goes (scripts/ci-times.sh reads it from the log): each phase ends with a `-- phase took`
# line, pytest with its slowest tests, and each run on Node 20 prints every file's time
# (test/support/fileTimes.ts, before TAP). Not on 24: there, with --test-force-exit, its lines were
# lost (0 of 3 files in two runs); ci-times.sh then finds each test's file by its name.
spec=(--test-reporter=spec --test-reporter-destination=stdout)
tap=(--test-reporter=./dist/test/support/fileTimes.js --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination=stdout)
phase_start=0   # bash's SECONDS: since this script started, so setup and check are the first phase
phase() {
  echo "-- phase took $((SECONDS - phase_start)) s"
  phase_start=$SECONDS
  [ $# -eq 0 ] || echo "== $1"
}

status=0
# The unit tests (beside the code in engine/, kernel/, bench/) run two files at a time: they share
# no port, path or broker (each file makes its own temp dir, servers listen on port 0), and none
# depends on timing a busy machine breaks; on CI's two cores that halves their time. The tests
# under test/ run one file at a time: browsers, Jupyter servers, kernels, brokers, JVMs, and
# figures of memory and latency that another file running beside them would skew. But the Kafka
# files (test/integration/kafka*, sqlKafka, sqlUpsertKafka, recordingKafka; here and in the reruns
# below) run two at a time: one shares only the brokers with the others (each makes its own topics,
# groups and transactional ids; one that kills a broker starts its own, on its own ports), times
# nothing, and spends much of its time waiting on brokers (a private broker's start, session and
# transaction timeouts). One at a time, the two reruns alone took ~170 s and ~105 s of CI's 25
# minutes. SLUICE_KAFKA_CONCURRENCY=1 runs them one at a time again.
kafka_concurrency="--test-concurrency=${SLUICE_KAFKA_CONCURRENCY:-2}"
# Node 20's runner takes no globs; list the compiled test files ourselves.
mapfile -t unit_tests < <(find dist/engine dist/kernel dist/bench -name '*.test.js' | sort)
kafka_files='^dist/test/integration/(kafka|sqlKafka|sqlUpsertKafka|recordingKafka)[^/]*\.test\.js$'
mapfile -t other_tests < <(find dist -name '*.test.js' -not -path 'dist/engine/*' -not -path 'dist/kernel/*' -not -path 'dist/bench/*' | sort | grep -Ev "$kafka_files")
mapfile -t kafka_tests < <(find dist/test/integration -name '*.test.js' | sort | grep -E "$kafka_files")
phase "unit tests on Node $("$lts" --version)"
"$lts" --test --test-concurrency=2 --test-force-exit "$timeout" "${spec[@]}" "${unit_tests[@]}" || status=1
phase "node tests on Node $("$lts" --version), kernels on it too"
JUPYTER_PATH="$lts_jupyter_path" "$lts" --test --test-concurrency=1 --test-force-exit "$timeout" "${spec[@]}" "${other_tests[@]}" || status=1
"$lts" --test "$kafka_concurrency" --test-force-exit "$timeout" "${spec[@]}" "${kafka_tests[@]}" || status=1
# The unit tests on Node 20 too only when asked (SLUICE_NODE20_UNITS=on; ~3.5 min on CI's 2 cores, which
# its 25-minute budget no longer had): Node 20 still runs the Kafka reruns below and every kernel pytest starts.
if [ "$lts" != node ] && [ "${SLUICE_NODE20_UNITS:-off}" = on ]; then
  phase "unit tests on Node $(node --version)"
  "$old" --test --test-concurrency=2 --test-force-exit "$timeout" "${tap[@]}" "${unit_tests[@]}" || status=1
fi
if [ "${SLUICE_KAFKA_TESTS:-on}" != off ]; then
  for v in $KAFKA_VERSIONS; do
    [ "$v" = 3.9.2 ] && continue   # the run above used the default broker
    phase "kafka tests against Kafka $v on Node $(node --version)"
    SLUICE_KAFKA_VERSION="$v" "$old" --test "$kafka_concurrency" --test-force-exit "$timeout" "${tap[@]}" dist/test/integration/kafka*.test.js || status=1
  done
  # The same connector tests with @platformatic/kafka as the client of every source and sink given
  # only `brokers` (topics are created and filled through kafkajs), against the newest broker. Not
  # the files that choose each source's and sink's library themselves (both libraries, or
  # @platformatic/kafka alone): SLUICE_KAFKA_CLIENT changes nothing in them, and the run above
  # already ran them against this broker.
  v=$(echo "$KAFKA_VERSIONS" | tr ' ' '\n' | tail -n 1)
  phase "kafka tests on @platformatic/kafka against Kafka $v on Node $(node --version)"
  own_library='/(kafkaConformance|kafkaOutOfRange|kafkaPlatformaticClient|kafkaSecurity|kafkaSourceStall)\.test\.js$'
  mapfile -t platformatic_tests < <(ls dist/test/integration/kafka*.test.js dist/test/integration/recordingKafka.test.js | grep -Ev "$own_library")
  SLUICE_KAFKA_CLIENT=platformatic SLUICE_KAFKA_VERSION="$v" "$old" --test "$kafka_concurrency" --test-force-exit "$timeout" "${tap[@]}" "${platformatic_tests[@]}" || status=1
fi
phase "jupyter client tests"
.venv/bin/python -m pytest -q --durations=25 test/python || status=1

# A small subset on a real Flink cluster (issue 19), started here after everything else so its three JVMs
# do not share the machine with the suites above: five conformance cases through `%%ssql --target flink`'s
# own path compared with the embedded engine, and a kernel's Flink job listed, its card refreshed in place,
# cancelled by id. SLUICE_FLINK_TESTS=on (above) runs every Flink test instead; SLUICE_FLINK_CI=off skips this.
if [ "$SLUICE_FLINK_TESTS" != on ] && [ "${SLUICE_FLINK_CI:-on}" != off ]; then
  phase "Flink cluster subset"
  bash scripts/flink.sh start >/dev/null
  SLUICE_FLINK_TESTS=on SLUICE_FLINK_KEEP=1 SLUICE_FLINK_CASES=projection_filter,tumble_aggregates,group_count_per_key,session_partitioned,over_range_orders \
    "$old" --test --test-concurrency=1 --test-force-exit "$timeout" "${tap[@]}" dist/test/integration/flinkTargetConformance.test.js || status=1
  SLUICE_FLINK_TESTS=on SLUICE_FLINK_KEEP=1 .venv/bin/python -m pytest -q test/python/test_flink_target.py \
    -k "bounded_query_on_flink_and_locally or listed_in_jobs_and_cancelled" || status=1
  bash scripts/flink.sh stop >/dev/null || true
fi
phase
exit $status
