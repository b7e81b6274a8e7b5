#!/usr/bin/env bash
# A container engine for the sandbox tests where none runs (CI machines, Debian VMs), with no
# manual steps: Debian's docker.io, a dockerd of our own on a private socket (so a system Docker is
# never touched), and a Debian base image made with debootstrap from the apt mirror when no
# registry (Docker Hub) is reachable.
#
# usage: scripts/setup-engine.sh start   reuse a reachable engine, else install and start ours;
#                                        prints DOCKER_HOST=... (the last line of stdout)
#        scripts/setup-engine.sh base    make the local base image $BASE_IMAGE (debootstrap) unless
#                                        the engine has it; prints its name
#        scripts/setup-engine.sh stop    stop the dockerd that `start` started (nothing else)
#        scripts/setup-engine.sh status  exit 0 when the engine answers
# environment: DLVAUTO_ENGINE_STORAGE  dockerd's storage driver (default: dockerd's choice, which
#              falls back to vfs where overlay2 cannot work), DEBIAN_MIRROR (default: the first
#              deb.debian.org-style URI of apt's sources, else http://deb.debian.org/debian).
# Exit status: 0 done, 3 an engine cannot be had here (the reason on stderr), 1 it failed.
set -euo pipefail

STATE=/run/dlvauto-engine
SOCK="unix://$STATE/docker.sock"
DATA=/var/lib/dlvauto-engine
LOG=/var/log/dlvauto-engine.log
BASE_IMAGE=${BASE_IMAGE:-dlvauto-base:bookworm}
SUITE=bookworm

say() { printf 'setup-engine: %s\n' "$*" >&2; }
cannot() { say "cannot set up an engine here: $*"; exit 3; }

answers() { timeout 20 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }
# One `start` or `base` at a time (test sessions may run at once); a no-op where /run is not ours.
# (fd 9 is closed for dockerd below, or the daemon would hold the lock for its whole life.)
serialize() { if { exec 9>>/run/dlvauto-engine.start.lock; } 2>/dev/null; then flock -w 300 9 || true; fi; }

start() {
  serialize
  command -v docker >/dev/null 2>&1 && answers && { say "engine reachable: ${DOCKER_HOST:-default socket}"; echo "DOCKER_HOST=${DOCKER_HOST:-}"; return 0; }
  export DOCKER_HOST=$SOCK
  if command -v docker >/dev/null 2>&1 && answers; then
    say "our engine already runs at $SOCK"; echo "DOCKER_HOST=$SOCK"; return 0
  fi
  [ "$(id -u)" = 0 ] || cannot "not root (dockerd needs root; rootless engines are not set up by this script)"
  # Never two daemons on one data root: one that runs but does not answer is reported, not doubled.
  local p
  for p in $(ours); do
    cannot "dockerd $p uses $DATA but does not answer on $SOCK: stop it (scripts/setup-engine.sh stop)"
  done
  command -v apt-get >/dev/null 2>&1 || cannot "no apt-get (install Docker or podman yourself)"
  if ! command -v dockerd >/dev/null 2>&1; then
    say "installing docker.io (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends docker.io >&2 ||
      { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends docker.io >&2; } ||
      cannot "apt-get install docker.io failed"
  fi
  mkdir -p "$STATE" "$DATA"
  local storage=()
  [ -z "${DLVAUTO_ENGINE_STORAGE:-}" ] || storage=(--storage-driver="$DLVAUTO_ENGINE_STORAGE")
  say "starting dockerd on $SOCK (log: $LOG)"
  # setsid: the daemon outlives this script, in a session of its own; `stop` ends it by pid.
  setsid dockerd "${storage[@]}" --data-root="$DATA" --exec-root="$STATE/exec" \
    --pidfile="$STATE/dockerd.pid" --host="$SOCK" >>"$LOG" 2>&1 < /dev/null 9>&- &
  local i
  for i in $(seq 1 60); do
    if answers; then
      say "engine up after ${i}x0.5s: $(docker info --format '{{.ServerVersion}} {{.Driver}}' 2>/dev/null)"
      echo "DOCKER_HOST=$SOCK"
      return 0
    fi
    kill -0 "$!" 2>/dev/null || { tail -n 5 "$LOG" >&2; cannot "dockerd exited at start (see $LOG)"; }
    sleep 0.5
  done
  tail -n 5 "$LOG" >&2
  stop >/dev/null 2>&1 || true
  cannot "dockerd did not answer within 30s (see $LOG)"
}

mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    grep -oE 'https?://[^ ]*/debian/?( |$)' | head -n 1 | tr -d ' ' || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

base() {
  serialize
  [ -n "${DOCKER_HOST:-}" ] || { [ -S "$STATE/docker.sock" ] && export DOCKER_HOST=$SOCK; }
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    say "base image $BASE_IMAGE present"; echo "$BASE_IMAGE"; return 0
  fi
  [ "$(id -u)" = 0 ] || cannot "debootstrap needs root"
  command -v debootstrap >/dev/null 2>&1 ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2 ||
    cannot "apt-get install debootstrap failed"
  local root url
  root=$(mktemp -d /var/tmp/dlvauto-rootfs.XXXXXX)
  trap 'rm -rf "$root"' RETURN
  url=$(mirror)
  say "debootstrap $SUITE (minbase) from $url"
  debootstrap --variant=minbase "$SUITE" "$root" "$url" >"$root.log" 2>&1 ||
    { tail -n 5 "$root.log" >&2; rm -f "$root.log"; cannot "debootstrap failed"; }
  rm -f "$root.log"
  # As debian:*-slim: no package caches or lists in the image.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
  # Trust what this host trusts: where HTTPS goes through an intercepting proxy, its CA is in the
  # host's bundle only. update-ca-certificates (run when provision.sh installs ca-certificates)
  # adds every *.crt of this folder to the image's bundle, which Go, Python and pip then use.
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/ca-certificates/dlvauto-host-trust.crt"
  fi
  say "importing it as $BASE_IMAGE"
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
  echo "$BASE_IMAGE"
}

# Our dockerds: the pid in our pidfile, and any dockerd running on our data root (should the
# pidfile be gone). Nothing else is ever stopped.
ours() {
  local p
  for p in $(pgrep -x dockerd || true); do
    tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- "--data-root=$DATA " && echo "$p"
  done
  return 0
}

stop() {
  local pids pid
  pids=$(ours)
  [ -n "$pids" ] || { say "no dockerd of ours runs"; rm -f "$STATE/dockerd.pid"; return 0; }
  for pid in $pids; do
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    say "stopped dockerd $pid"
  done
  rm -f "$STATE/dockerd.pid"
}

case ${1:-} in
  start) start ;;
  base) base ;;
  stop) stop ;;
  status) [ -n "${DOCKER_HOST:-}" ] || { [ -S "$STATE/docker.sock" ] && export DOCKER_HOST=$SOCK; }; answers ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
