#!/usr/bin/env bash
# Where CI's time went: each phase's seconds and the slowest test files and tests of an `npm test`
# log (`bash scripts/ci-times.sh <log> [N]`; N slowest, 25 by default). See scripts/ci_times.py.
set -euo pipefail
exec python3 "$(dirname "$0")/ci_times.py" "$@"
