#!/usr/bin/env bash
# Runs in a deploy job, inside its concurrency group (deploy-<environment>), before any AWS
# credential: fails when a newer workflow run has already deployed ENVIRONMENT or is deploying it,
# so that a slow older run never replaces what a newer run put there.
#
# "Newer" is a larger run id (GitHub numbers runs in the order they are created; a re-run keeps
# its id). Each deployment's newest status says what happened and, in its log_url (target_url on
# older records), which run did it: GitHub Actions points it at .../actions/runs/<run id>/...
# States that count: success, inactive (was live, then a later deployment replaced it),
# in_progress and queued. Not: waiting (for a reviewer), pending, failure, error.
#
# ENVIRONMENT: the environment about to be deployed. GH_TOKEN: a token with deployments: read.
# GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID: set by the runner.
set -euo pipefail
: "${ENVIRONMENT:?}" "${GH_TOKEN:?}" "${GITHUB_API_URL:?}" "${GITHUB_REPOSITORY:?}" "${GITHUB_RUN_ID:?}"

api() {
  curl --fail-with-body --silent --show-error --retry 3 \
    -H "Authorization: Bearer $GH_TOKEN" \
    -H 'Accept: application/vnd.github+json' \
    -H 'X-GitHub-Api-Version: 2022-11-28' \
    "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/$1"
}
fail() {
  echo "::error::Could not check the deployments of $ENVIRONMENT: $1. Give the job 'deployments: read' and re-run it."
  exit 1
}

environment_query="$(jq -rn --arg environment "$ENVIRONMENT" '$environment | @uri')"
# Newest first; a newer run's deployment is among the most recent ones.
deployments="$(api "deployments?environment=$environment_query&per_page=30")" ||
  fail "listing them failed"
# Fails closed on anything but a list of deployments with numeric ids.
ids="$(jq -r 'if type == "array" then .[].id else error("not a list") end' <<<"$deployments")" ||
  fail "GitHub's answer is not a list of deployments"
statuses='[]'
for id in $ids; do
  [[ "$id" =~ ^[0-9]+$ ]] || fail "deployment id '$id' is not a number"
  newest="$(api "deployments/$id/statuses?per_page=1")" || fail "reading deployment $id failed"
  statuses="$(jq -c --argjson id "$id" --argjson newest "$newest" \
    '. + [{deployment: $id, state: ($newest[0].state // "none"),
           url: ($newest[0].log_url // $newest[0].target_url // "")}]' <<<"$statuses")"
done

newer="$(jq -c --argjson run "$GITHUB_RUN_ID" '
  [ .[]
    | select(.state == "success" or .state == "inactive" or .state == "in_progress" or .state == "queued")
    | . + {run: ([.url | capture("/actions/runs/(?<id>[0-9]+)(/|$)") | .id | tonumber] | first)}
    | select(.run != null and .run > $run) ]' <<<"$statuses")"

if [[ "$newer" != '[]' ]]; then
  jq -r --arg environment "$ENVIRONMENT" \
    '.[] | "::error::Run \(.run) is newer than this run and its deployment \(.deployment) of \($environment) is \(.state). This older run stops here so that it does not replace it; to deploy this commit again, push it anew or use rollback.yml."' \
    <<<"$newer"
  exit 1
fi
echo "no newer run has deployed $ENVIRONMENT or is deploying it (this run: $GITHUB_RUN_ID)"
