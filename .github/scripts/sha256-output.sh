#!/usr/bin/env bash
# Writes the sha256 of one file as the step output `sha256` (and shows it in the log).
set -euo pipefail
file="${1:?usage: sha256-output.sh FILE}"
sha256="$(sha256sum -- "$file" | cut -d' ' -f1)"
echo "sha256 of $file: $sha256"
echo "sha256=$sha256" >>"$GITHUB_OUTPUT"
