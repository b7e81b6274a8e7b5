#!/usr/bin/env bash
# The test command of the README and of CI: set up what is missing (the tests also need Chromium),
# then run the whole suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
cd "$root"
say() { printf 'test: %s\n' "$*" >&2; }

# Chromium, for the test that opens the HTML report in a real headless browser (only the tests need
# it, not the first README command, so setup.sh leaves it out). Debian's package via apt-get, which needs root (or sudo without a password); where it cannot be had the test is skipped
# and says why. DLVAUTO_NO_CHROMIUM=1 leaves it out.
if [ -z "${DLVAUTO_NO_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 \
    && ! command -v chromium-browser >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"
    else sudo="none"; fi
  fi
  if [ "$sudo" = none ]; then
    say "note: chromium is missing and apt-get needs root: the HTML browser test will be skipped"
  else
    say "installing chromium (apt-get) for the HTML report's browser test"
    # apt-get's output is kept out of the way: one line when it works, all of it when it fails.
    log=$(mktemp)
    if ! { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } \
        >"$log" 2>&1; then
      cat "$log" >&2
      say "warning: could not install chromium: the HTML browser test will be skipped"
    fi
    rm -f "$log"
  fi
fi

export PATH="$root/.venv/bin:$PATH"
exec "$root/.venv/bin/python" -m pytest "$@"
