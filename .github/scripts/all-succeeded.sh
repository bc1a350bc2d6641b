#!/usr/bin/env bash
# The aggregate check (ci-ok): passes only when every needed job succeeded. RESULTS holds the
# needed jobs' results separated by spaces (success, failure, cancelled or skipped).
set -euo pipefail
read -r -a results <<<"${RESULTS:?}"
for result in "${results[@]}"; do
  if [[ "$result" != success ]]; then
    echo "::error::A required job ended with '$result'. See the failed job above; ci-ok passes only when every check succeeds."
    exit 1
  fi
done
echo "all ${#results[@]} checks succeeded"
