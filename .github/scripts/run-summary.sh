#!/usr/bin/env bash
# The last job: a table of every job's result, the images the run pushed (release-candidate's
# `images`, every image of environments.yml) and where this run deployed. NEEDS_JSON is the
# workflow's `needs` context as JSON; ENVIRONMENT is resolve's output.
set -euo pipefail
: "${GITHUB_STEP_SUMMARY:?}" "${NEEDS_JSON:?}"
deployed="$(jq -r --arg env "${ENVIRONMENT:-}" '
  if .["deploy-with-approval"].result == "success" or .deploy.result == "success" then $env
  else "nothing" end' <<<"$NEEDS_JSON")"
{
  printf '### Pipeline run\n\n| job | result |\n|---|---|\n'
  jq -r 'to_entries[] | "| \(.key) | \(.value.result) |"' <<<"$NEEDS_JSON"
  jq -r '(.["release-candidate"].outputs.images // "") as $images
    | if $images == "" then empty else
        "\n| image | digest |\n|---|---|",
        ($images | fromjson[] | "| \(.repository) | `\(.digest)` |")
      end' <<<"$NEEDS_JSON"
  printf '\nRouted to environment: `%s`. Deployed: `%s`.\n' "${ENVIRONMENT:-none}" "$deployed"
} >>"$GITHUB_STEP_SUMMARY"
cat "$GITHUB_STEP_SUMMARY"
