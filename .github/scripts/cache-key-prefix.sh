#!/usr/bin/env bash
# Writes the step output `key-prefix`: the dependency cache entries a run may restore and save.
# TIER, ENVIRONMENT and APPROVAL are the resolve action's outputs. A run of an approval
# environment's refs (prod: master, production, RELEASE-<n>) gets a prefix of its own,
# <tier>-<environment>, so it restores only stores that runs of those refs saved; GitHub's cache
# scoping alone would also give it the default branch's entries. Every other run uses the tier.
set -euo pipefail
: "${TIER:?}" "${GITHUB_OUTPUT:?}"
if [[ ! "$TIER" =~ ^[a-z]+$ ]]; then
  echo "::error::Could not choose the cache key prefix: tier '$TIER' is not a word of lowercase letters. Fix the tier in environments.yml."
  exit 1
fi
prefix="$TIER"
if [[ "${APPROVAL:-}" == "true" ]]; then
  if [[ ! "${ENVIRONMENT:-}" =~ ^[A-Za-z0-9_-]{1,40}$ ]]; then
    echo "::error::Could not choose the cache key prefix: environment '${ENVIRONMENT:-}' is not a plain name. Fix the environment in environments.yml."
    exit 1
  fi
  prefix="$TIER-$ENVIRONMENT"
fi
echo "dependency cache key prefix: $prefix"
echo "key-prefix=$prefix" >>"$GITHUB_OUTPUT"
