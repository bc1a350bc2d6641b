#!/usr/bin/env bash
# Benchmarks against peer tools on the same local servers; writes docs/benchmarks.md.
# See docs/benchmarks.md for what is measured. Flags: --quick, --only NAME[,NAME], --out FILE.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh >&2
export PATH="$ROOT/.tools/bin:$PATH"
exec node24 bench/bin/bench.js "$@"
