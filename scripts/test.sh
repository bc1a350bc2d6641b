#!/usr/bin/env bash
# The whole test suite (the README's test command; .ci/run runs exactly this).
# Installs what it needs, then: format, lint, typecheck, bundles up to date, and every jest test
# (unit, integration against moto and the local registry, workflows, services, infra).
# Every step runs even when an earlier one fails; the exit status is non-zero if any failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
bash scripts/bootstrap.sh || { echo "bootstrap failed" >&2; exit 1; }
export PATH="$ROOT/.tools/bin:$PATH"

# Each step's output is shown as it runs and kept in test-artifacts/steps/<step>.log; the end of
# a failed step's output is shown again after the summary, because a CI log is often read from
# its end (a failed format check would otherwise sit above twelve minutes of test output).
failed=()
steps_dir="$ROOT/test-artifacts/steps"
rm -rf "$steps_dir"; mkdir -p "$steps_dir"
step() {
  local name="$1"; shift
  local start=$SECONDS status
  echo "── $name"
  "$@" 2>&1 | tee "$steps_dir/$name.log"
  status=${PIPESTATUS[0]}
  if ((status == 0)); then echo "── $name: ok ($((SECONDS - start))s)"; else echo "── $name: FAILED ($((SECONDS - start))s)"; failed+=("$name"); fi
}

step format pnpm run --silent format:check
step lint pnpm run --silent lint
step typecheck pnpm run --silent typecheck
step dist bash scripts/check-dist.sh

mkdir -p test-artifacts
results="$ROOT/test-artifacts/jest-results.json"
rm -f "$results"
# Tests run on Node 24, the runtime the actions run on (runs.using: node24).
step tests node24 node_modules/jest/bin/jest.js --ci --maxWorkers=2 --json --outputFile="$results" "$@"

passed=0 failed_tests=0 skipped=0
if [[ -f "$results" ]]; then
  read -r passed failed_tests skipped < <(jq -r '"\(.numPassedTests) \(.numFailedTests + .numRuntimeErrorTestSuites) \(.numPendingTests + .numTodoTests)"' "$results")
fi
for name in "${failed[@]}"; do
  echo "── $name failed; the end of its output (all of it: test-artifacts/steps/$name.log):"
  tail -n 60 "$steps_dir/$name.log"
done
if ((${#failed[@]})); then echo "failed steps: ${failed[*]}"; fi
echo "tests: $passed passed, $failed_tests failed, $skipped skipped"
((${#failed[@]} == 0))
