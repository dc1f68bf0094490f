#!/usr/bin/env bash
# kafkajs vs @platformatic/kafka, side by side on the local broker: first the libraries' own APIs
# (compare.mjs), then the Sluice connector on each client (dist/bench/kafkaClientsConnector.bench.js).
# Usage: bash bench/kafka-clients/run.sh [records=100000] [kafka version=3.9.2] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p tsconfig.json
bootstrap=$(bash scripts/kafka.sh start "${2:-3.9.2}" | tail -n 1)
node bench/kafka-clients/compare.mjs "$bootstrap" "${1:-100000}" "${3:-3}" "${2:-3.9.2}"
node dist/bench/kafkaClientsConnector.bench.js "${1:-100000}" "${2:-3.9.2}" "${3:-3}"
