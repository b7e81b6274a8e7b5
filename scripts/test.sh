#!/usr/bin/env bash
# The test command of the README and of CI: set up what is missing, then run the whole suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
cd "$root"
export PATH="$root/.venv/bin:$PATH"
exec "$root/.venv/bin/python" -m pytest "$@"
