#!/usr/bin/env bash
# One-time (and idempotent) set-up: .venv with dlvauto and its test tools, and the pinned dlv.
# Safe to run before every command: it only does work that is missing or out of date.
set -euo pipefail

DLV_VERSION=v1.27.1
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
cd "$root"

say() { printf 'setup: %s\n' "$*" >&2; }

python=${PYTHON:-}
if [ -z "$python" ]; then
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      python=$cand; break
    fi
  done
fi
[ -n "$python" ] || { say "error: Python 3.11+ is needed: install python3 (apt-get install python3 python3-venv)"; exit 2; }

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"
  else say "error: Go is needed: install Go 1.25+ from https://go.dev/dl"; exit 2; fi
fi

if [ ! -x "$venv/bin/python" ]; then
  say "creating $venv"
  "$python" -m venv "$venv"
fi

# Reinstall only when the package's metadata changed (the install is editable).
stamp="$venv/.dlvauto-installed"
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing dlvauto and its test tools into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  # The "compat" editable mode is a plain path in a .pth file: Python starts ~20 ms faster than with
  # the import hook of the default mode (which every dlvauto command would pay). A setuptools that
  # no longer has it gets the default mode.
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]" \
      --config-settings editable_mode=compat >&2 2>/dev/null \
    || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]" >&2
  echo "$want" > "$stamp"
fi
# The console script as the checkout's own launcher: Python without `site` until the quick start
# has begun (scripts/launcher.py says why); written again after every install, which rewrites it.
"$venv/bin/python" scripts/launcher.py "$venv" "$root"
# Bytecode for the package's own modules (an editable install has none, and where
# PYTHONDONTWRITEBYTECODE is set, as in many CI images, every run would compile ~50 modules again:
# ~0.1 s of each command's start). compileall only rewrites what is out of date.
"$venv/bin/python" -m compileall -q -j 0 dlvauto >/dev/null

if ! "$venv/bin/dlv" version 2>/dev/null | grep -q "Version: ${DLV_VERSION#v}"; then
  say "installing dlv $DLV_VERSION into $venv/bin"
  GOBIN="$venv/bin" GOFLAGS=-mod=mod go install "github.com/go-delve/delve/cmd/dlv@$DLV_VERSION" >&2
fi
