#!/usr/bin/env bash
# Fails unless the package uploaded (UPLOADED) has the sha256 the package job built (BUILT).
set -euo pipefail
if [[ -z "${BUILT:-}" || "${BUILT}" != "${UPLOADED:-}" ]]; then
  echo "::error::The uploaded package's sha256 (${UPLOADED:-none}) is not the built package's (${BUILT:-none}). Re-run the pipeline from the package job."
  exit 1
fi
echo "uploaded package sha256 matches the build: $BUILT"
