#!/usr/bin/env bash
# Checks a rollback dispatch before anything is deployed, and writes the step output `mode`:
# `version` (point the alias at a published version) or `package` (redeploy a package by its S3
# VersionId). Every value arrives through an environment variable:
#   CHOSEN: the environment input; RESOLVED / DEPLOY: what the dispatch ref routes to (resolve);
#   VERSION, S3_VERSION_ID, EXPECTED_SHA256: the other inputs.
# The ref decides the environment, as for a push (and the GitHub environment's deployment branch
# rules apply to it); the environment input must name the same one, so that nobody rolls back
# an environment they did not mean.
set -euo pipefail
: "${GITHUB_OUTPUT:?}"
refuse() {
  echo "::error::Could not start the rollback: $1"
  exit 1
}
if [[ "${DEPLOY:-}" != "true" || -z "${RESOLVED:-}" ]]; then
  refuse "the ref '${GITHUB_REF:-}' deploys nowhere. Run the workflow from a branch or tag that deploys to '${CHOSEN:-}' (environments.yml), e.g. master for prod."
fi
if [[ "${CHOSEN:-}" != "$RESOLVED" ]]; then
  refuse "the ref '${GITHUB_REF:-}' deploys to '$RESOLVED', not to the chosen environment '${CHOSEN:-}'. Run it from a ref of '${CHOSEN:-}' (environments.yml), or choose '$RESOLVED'."
fi
if [[ ! "${EXPECTED_SHA256:-}" =~ ^[0-9a-f]{64}$ ]]; then
  refuse "expected-sha256 must be 64 lowercase hex characters (the package's sha256 from the release-candidate summary)."
fi
if [[ -n "${VERSION:-}" && -n "${S3_VERSION_ID:-}" ]]; then
  refuse "give either version or s3-version-id, not both."
elif [[ -n "${VERSION:-}" ]]; then
  [[ "$VERSION" =~ ^[1-9][0-9]{0,9}$ ]] ||
    refuse "version '$VERSION' is not a published Lambda version number (1, 2, ...). Use one from the function's versions."
  mode=version
elif [[ -n "${S3_VERSION_ID:-}" ]]; then
  [[ "$S3_VERSION_ID" =~ ^[A-Za-z0-9._-]{1,1024}$ ]] ||
    refuse "s3-version-id '$S3_VERSION_ID' is not an S3 VersionId. Copy it from the release-candidate summary."
  mode=package
else
  refuse "give version (a published Lambda version to serve again) or s3-version-id (a package to redeploy)."
fi
echo "rollback of $RESOLVED: $mode"
echo "mode=$mode" >>"$GITHUB_OUTPUT"
