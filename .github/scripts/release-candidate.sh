#!/usr/bin/env bash
# The job summary reviewers read before approving: what exactly would be deployed. Every value
# arrives through an environment variable (never interpolated into this script).
set -euo pipefail
: "${GITHUB_STEP_SUMMARY:?}"
for name in ENVIRONMENT COMMIT PACKAGE_SHA256 BUCKET KEY VERSION_ID FUNCTION_NAME IMAGE_DIGEST IMAGE_URI; do
  if [[ -z "${!name:-}" ]]; then
    echo "::error::The release candidate has no $name: an earlier job did not produce it. Re-run the pipeline."
    exit 1
  fi
done
if [[ "${APPROVAL:-}" == "true" ]]; then
  heading="Release candidate for ${ENVIRONMENT}: waiting for approval"
  note="Approve only if these values are what you expect: the deploy uses exactly them and re-checks the sha256."
else
  heading="Release candidate for ${ENVIRONMENT}"
  note="Deploys without a hold."
fi
{
  printf '### %s\n\n| | |\n|---|---|\n' "$heading"
  printf '| %s | `%s` |\n' \
    commit "$COMMIT" \
    'package sha256' "$PACKAGE_SHA256" \
    'S3 object' "s3://$BUCKET/$KEY" \
    'S3 VersionId' "$VERSION_ID" \
    function "$FUNCTION_NAME" \
    'image digest' "$IMAGE_DIGEST" \
    image "$IMAGE_URI"
  printf '\n%s\n' "$note"
} >>"$GITHUB_STEP_SUMMARY"
cat "$GITHUB_STEP_SUMMARY"
