# Sourced by the setup scripts: idempotent steps keyed on a content hash kept in a stamp file.

# True when stamp file $1 holds $2.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# npm ci in the current folder, only when its package-lock.json changed since the last install.
npm_ci_when_lock_changed() {
  local lock_hash
  lock_hash=$(sha256sum package-lock.json | cut -c1-16)
  if ! stamp_ok node_modules/.sluice-stamp "$lock_hash"; then
    # A linked node_modules belongs to another checkout (a git worktree sharing it): npm ci here
    # would empty that checkout's packages under whatever runs there.
    if [ -L node_modules ]; then
      say "node_modules is a link to another checkout's and differs from this package-lock.json: not reinstalling"
      return 0
    fi
    say "installing npm packages ($(basename "$PWD"))"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" > node_modules/.sluice-stamp
  fi
}
