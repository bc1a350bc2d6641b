#!/usr/bin/env bash
# The test jobs' counts for the release notes: reads a test runner's JSON report and writes the
# step output `counts` as {"passed":n,"failed":n,"skipped":n}. FORMAT is jest (jest --json
# --outputFile) or mocha (mocha-counts-reporter.cjs); RESULTS is the report's path. A missing or
# unreadable report writes no output (the notes then say the counts are unknown) and a warning:
# the counts are information, the test step's own result is what gates the pipeline.
set -euo pipefail
: "${GITHUB_OUTPUT:?}" "${FORMAT:?}" "${RESULTS:?}"
case "$FORMAT" in
  jest) filter='{passed: .numPassedTests, failed: .numFailedTests, skipped: (.numPendingTests + .numTodoTests)}' ;;
  mocha) filter='{passed: .passes, failed: .failures, skipped: .pending}' ;;
  *) echo "::error::FORMAT must be jest or mocha, not '$FORMAT'."; exit 1 ;;
esac
if ! counts="$(jq -ce "$filter | select(all(.[]; type == \"number\"))" "$RESULTS" 2>/dev/null)"; then
  echo "::warning::No $FORMAT counts: $RESULTS is missing or not a $FORMAT report. The release notes will show them as unknown."
  exit 0
fi
echo "$FORMAT: $counts"
echo "counts=$counts" >>"$GITHUB_OUTPUT"
