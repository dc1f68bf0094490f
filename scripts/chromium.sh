#!/usr/bin/env bash
# Makes sure Debian's `chromium` is installed, for the real-browser tests (playwright-core drives
# it; it never downloads a browser of its own). Idempotent: when /usr/bin/chromium exists this
# only prints its version. Installing needs root (CI and dev machines here run as root) or sudo.
set -euo pipefail
say() { printf '\033[1m[chromium]\033[0m %s\n' "$*" >&2; }

if [ -x /usr/bin/chromium ]; then
  say "present: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  say "no /usr/bin/chromium and no apt-get: install Debian/Ubuntu's chromium package yourself"
  exit 1
fi
SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { say "installing chromium needs root"; exit 1; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

# The package lists can be missing (fresh container) or stale: refresh them only when apt does
# not know a candidate for chromium, so a ready machine makes no network request at all.
candidate() { apt-cache policy chromium 2>/dev/null | awk '/Candidate:/ { print $2 }'; }
c=$(candidate)
if [ -z "$c" ] || [ "$c" = "(none)" ]; then
  say "apt does not know chromium yet: apt-get update"
  "${SUDO[@]}" apt-get update -qq
fi
say "installing Debian's chromium"
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
say "installed: $(/usr/bin/chromium --version)"
