#!/usr/bin/env bash
# Install what the dlvauto sandbox needs into PREFIX: Go, dlv, dlvauto, and the system packages
# that dlv and cgo builds need at run time. docker/Dockerfile runs it; it works the same on any
# Debian-like host, which is how it is tested without a container engine (tests/dlv/sandbox/test_sandbox.py).
# Idempotent: each part checks what is installed and does only what is missing or out of date.
#
# usage: provision.sh [--parts LIST] [PREFIX]
#   PREFIX       where to install (default: $PREFIX, else /opt/dlvauto):
#                  PREFIX/go        the Go distribution (GOROOT)
#                  PREFIX/venv      a Python venv holding dlvauto
#                  PREFIX/bin       go, gofmt, dlv, and a dlvauto that puts PREFIX/bin first on PATH
#   --parts LIST comma-separated subset of: runtime,go,dlv,dlvauto (default: all four, in that order)
#                  runtime  apt packages: gcc, libc6-dev (cgo builds), python3, python3-venv, CA certs
#                  go       Go $GO_VERSION from the Go module proxy, its checksum checked
#                  dlv      dlv $DLV_VERSION built with PREFIX's Go (go install, static, stripped)
#                  dlvauto  `pip install` of the dlvauto source folder into PREFIX/venv
# environment:
#   DLVAUTO_SRC          the dlvauto source folder (default: the folder above this script)
#   PROVISION_CACHE      keep downloads and build caches here between runs (default: none kept)
#   PROVISION_APT_CLEAN  1: delete apt's package lists afterwards (for images)
#   GOPROXY              the Go module proxy (default: https://proxy.golang.org)
#
# Why Go comes from the module proxy: the proxy serves every Go release as the module
# golang.org/toolchain (what `GOTOOLCHAIN=go1.N.M` downloads), so one reachable host gives Go, dlv's
# sources and their checksums. The zip's checksum is the h1: hash sum.golang.org records for it,
# pinned below (read through the proxy's /sumdb/sum.golang.org/lookup/ endpoint) and recomputed
# here over the downloaded zip, exactly as the go command would.
set -euo pipefail

GO_VERSION=1.26.8
DLV_VERSION=v1.27.1
# h1: hashes from sum.golang.org, lookup golang.org/toolchain@v0.0.1-go1.26.8.linux-<arch>.
declare -A GO_H1=(
  [amd64]="h1:ZOmGe1OnfREDMIdb1Qi4G9JSuDPBLGExZMQ4nis1RXM="
  [arm64]="h1:sYL/O6MqS68ML0kjsQ36WoYIpJqkw60TxizWUYUKQMc="
)
RUNTIME_PACKAGES=(ca-certificates gcc libc6-dev python3 python3-venv)

say() { printf 'provision: %s\n' "$*" >&2; }
die() { printf 'provision: error: %s\n' "$*" >&2; exit 2; }

parts="runtime,go,dlv,dlvauto"
prefix=${PREFIX:-/opt/dlvauto}
while [ $# -gt 0 ]; do
  case $1 in
    --parts) [ $# -ge 2 ] || die "--parts needs a list, e.g. --parts go,dlv"; parts=$2; shift 2 ;;
    --parts=*) parts=${1#--parts=}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) prefix=$1; shift ;;
  esac
done
for p in ${parts//,/ }; do
  case $p in runtime|go|dlv|dlvauto) ;; *) die "unknown part '$p': use runtime, go, dlv or dlvauto" ;; esac
done
want() { [[ ",$parts," == *",$1,"* ]]; }

mkdir -p "$prefix/bin"
prefix=$(cd "$prefix" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=${DLVAUTO_SRC:-$(dirname "$here")}
cache=${PROVISION_CACHE:-}
work=$(mktemp -d)
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
if [ -n "$cache" ]; then mkdir -p "$cache"; cache=$(cd "$cache" && pwd); fi
store=${cache:-$work}   # downloads and Go's caches: kept only with PROVISION_CACHE

case $(uname -m) in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) die "no pinned Go checksum for $(uname -m): only amd64 and arm64 are provisioned" ;;
esac

# System packages: apt-get when root on Debian/Ubuntu; elsewhere a note naming what to install.
apt_updated=""
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "note: not root on a Debian-like system: skipping apt-get; install ${missing[*]} yourself if missing"
    return 0
  fi
  say "installing ${missing[*]} (apt-get)"
  if [ -z "$apt_updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
need_python() {
  apt_install python3 ca-certificates
  command -v python3 >/dev/null 2>&1 || die "python3 is needed for the $1 part: install Python 3.11+"
}

# --- runtime ------------------------------------------------------------------------------------
if want runtime; then
  if command -v dpkg-query >/dev/null 2>&1; then
    apt_install "${RUNTIME_PACKAGES[@]}"
  else
    say "note: not a Debian-like system: make sure gcc, the libc headers and python3 (3.11+) are installed"
  fi
fi

# --- go -----------------------------------------------------------------------------------------
go_ok() {
  [ -x "$prefix/go/bin/go" ] &&
    [ "$(GOTOOLCHAIN=local "$prefix/go/bin/go" env GOVERSION 2>/dev/null)" = "go$GO_VERSION" ]
}
if want go; then
  if go_ok; then
    say "go $GO_VERSION already in $prefix/go"
  else
    need_python go
    module_version="v0.0.1-go$GO_VERSION.linux-$arch"
    proxy=${GOPROXY:-https://proxy.golang.org}
    proxy=${proxy%%,*}; proxy=${proxy%%|*}
    case $proxy in off|direct|"") proxy=https://proxy.golang.org ;; esac
    url="${proxy%/}/golang.org/toolchain/@v/$module_version.zip"
    say "installing go $GO_VERSION into $prefix/go (from $url)"
    rm -rf "$prefix/.go.new"
    python3 - "$url" "$store/go-$module_version.zip" "${GO_H1[$arch]}" \
      "golang.org/toolchain@$module_version/" "$prefix/.go.new" <<'PY'
"""Download (unless cached), check the h1: hash as the go command does, and unpack with modes."""
import base64, hashlib, os, sys, urllib.request, zipfile

url, zpath, want, top, dest = sys.argv[1:]


def h1(path):
    # golang.org/x/mod/sumdb/dirhash.Hash1: sha256 over "<sha256 hex>  <name>\n" of the sorted files.
    with zipfile.ZipFile(path) as z:
        names = sorted(i.filename for i in z.infolist() if not i.is_dir())
        summary = hashlib.sha256()
        for name in names:
            summary.update(f"{hashlib.sha256(z.read(name)).hexdigest()}  {name}\n".encode())
    return "h1:" + base64.b64encode(summary.digest()).decode()


def ok(path):
    try:
        return h1(path) == want
    except (OSError, zipfile.BadZipFile):
        return False


if not (os.path.exists(zpath) and ok(zpath)):
    part = zpath + ".part"
    with urllib.request.urlopen(url, timeout=120) as r, open(part, "wb") as f:
        while chunk := r.read(1 << 20):
            f.write(chunk)
    got = h1(part)
    if got != want:
        os.unlink(part)
        sys.exit(f"provision: error: {url} has checksum {got}, not the pinned {want}: refusing it")
    os.replace(part, zpath)

with zipfile.ZipFile(zpath) as z:
    for info in z.infolist():
        name = info.filename
        if not name.startswith(top) or ".." in name.split("/"):
            sys.exit(f"provision: error: unexpected path {name!r} in {url}")
        rel = name[len(top):]
        if not rel or info.is_dir():
            continue
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)
        os.chmod(target, (info.external_attr >> 16) & 0o777 or 0o644)
PY
    rm -rf "$prefix/.go.old"
    [ ! -e "$prefix/go" ] || mv "$prefix/go" "$prefix/.go.old"
    mv "$prefix/.go.new" "$prefix/go"
    rm -rf "$prefix/.go.old"
    go_ok || die "the Go installed in $prefix/go does not report go$GO_VERSION"
  fi
  ln -sfn ../go/bin/go "$prefix/bin/go"
  ln -sfn ../go/bin/gofmt "$prefix/bin/gofmt"
fi

# --- dlv ----------------------------------------------------------------------------------------
dlv_ok() {
  [ -x "$prefix/bin/dlv" ] && "$prefix/bin/dlv" version 2>/dev/null | grep -qx "Version: ${DLV_VERSION#v}"
}
if want dlv; then
  if dlv_ok; then
    say "dlv $DLV_VERSION already in $prefix/bin"
  else
    go_ok || die "dlv is built with $prefix/go: provision the go part first (--parts go,dlv)"
    apt_install ca-certificates
    say "building dlv $DLV_VERSION into $prefix/bin"
    # Static (no cgo) and stripped: dlv reads its target's debug info, never its own.
    env GOBIN="$prefix/bin" GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 \
      GOPATH="$store/gopath" GOCACHE="$store/gocache" \
      "$prefix/go/bin/go" install -trimpath -ldflags="-s -w" \
      "github.com/go-delve/delve/cmd/dlv@$DLV_VERSION" >&2
    dlv_ok || die "the dlv built in $prefix/bin does not report $DLV_VERSION"
  fi
fi

# --- dlvauto ------------------------------------------------------------------------------------
if want dlvauto; then
  [ -f "$src/pyproject.toml" ] && [ -d "$src/dlvauto" ] ||
    die "no dlvauto source at $src: set DLVAUTO_SRC to the folder holding pyproject.toml"
  need_python dlvauto
  apt_install python3-venv
  stamp="$prefix/venv/.dlvauto-source"
  digest=$(cd "$src" && find pyproject.toml README.md dlvauto -type f -not -path '*/__pycache__/*' \
    -not -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
  if [ -x "$prefix/venv/bin/dlvauto" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
    say "dlvauto from $src already in $prefix/venv"
  else
    say "installing dlvauto from $src into $prefix/venv"
    [ -x "$prefix/venv/bin/python" ] || python3 -m venv "$prefix/venv"
    # A copy, so the build leaves nothing (build/, *.egg-info) in the source and works read-only.
    mkdir -p "$work/src"
    cp -r "$src/pyproject.toml" "$src/README.md" "$src/dlvauto" "$work/src/"
    find "$work/src" -name __pycache__ -prune -exec rm -rf {} +
    pip_cache=(--no-cache-dir)
    [ -z "$cache" ] || pip_cache=(--cache-dir "$cache/pip")
    # pip always reinstalls a project given as a folder; dependencies only when not satisfied.
    "$prefix/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
      "${pip_cache[@]}" "$work/src" >&2
    echo "$digest" > "$stamp"
  fi
  # The entry point puts this prefix's go and dlv first, whatever PATH the caller has.
  cat > "$prefix/bin/dlvauto.new" <<SH
#!/bin/sh
# dlvauto with the go and dlv of $prefix first on PATH (written by docker/provision.sh).
PATH="$prefix/bin:\$PATH" exec "$prefix/venv/bin/dlvauto" "\$@"
SH
  chmod 755 "$prefix/bin/dlvauto.new"
  mv "$prefix/bin/dlvauto.new" "$prefix/bin/dlvauto"
fi

if [ "${PROVISION_APT_CLEAN:-}" = 1 ] && [ -n "$apt_updated" ]; then
  apt-get clean
  rm -rf /var/lib/apt/lists/*
fi
say "done: $prefix ($parts)"
