#!/usr/bin/env bash
# One small JSON file per image pushed, so that the jobs after the image matrix know every
# image (a matrix job's outputs are those of whichever leg finished last).
#
#   image-results.sh write
#       In each `images` leg, after the push: writes RESULTS/<SERVICE>.json
#       {"repository","service","digest","image-uri","size"} from the environment (REPOSITORY,
#       SERVICE, DIGEST, IMAGE_URI); size is the image's bytes as the registry stores them (its
#       config plus its layers, from the OCI layout LAYOUT the leg pushed).
#   image-results.sh read
#       Where the results are downloaded together into RESULTS (merge-multiple): checks that there is one for
#       each image of IMAGES (resolve's `images`), none other, each with a digest, and writes
#       the step outputs `images` (the results, in environments.yml order), `image-uris` (comma-
#       separated, for ecr-push's source-images), and `image-digest`, `image-uri`, `image-size`
#       of the first image (the one the deployment record names), plus a table in the summary.
set -euo pipefail
export LC_ALL=C

output() { if [[ -n "${GITHUB_OUTPUT:-}" ]]; then echo "$1" >>"$GITHUB_OUTPUT"; fi; }

# Paths and values come from the environment (the credentialed job runs the script without
# arguments that expand anything).
cmd_write() {
  local dir="${RESULTS:?}" layout="${LAYOUT:?}"
  : "${REPOSITORY:?}" "${SERVICE:?}" "${DIGEST:?}" "${IMAGE_URI:?}"
  local manifest size
  manifest="$(jq -r '.manifests[0].digest' "$layout/index.json")"
  size="$(jq '[.config.size] + [.layers[].size] | add' "$layout/blobs/sha256/${manifest#sha256:}")"
  mkdir -p "$dir"
  jq -n --arg repository "$REPOSITORY" --arg service "$SERVICE" --arg digest "$DIGEST" \
    --arg uri "$IMAGE_URI" --argjson size "$size" \
    '{repository: $repository, service: $service, digest: $digest, "image-uri": $uri, size: $size}' \
    >"$dir/$SERVICE.json"
  cat "$dir/$SERVICE.json"
}

cmd_read() {
  local dir="${RESULTS:?}"
  : "${IMAGES:?}"
  local results
  results="$(jq -s '.' "$dir"/*.json 2>/dev/null || echo '[]')"
  # The results in the order of IMAGES; a missing or extra one, or one without a digest, fails.
  local problem
  problem="$(jq -rn --argjson want "$IMAGES" --argjson got "$results" '
    ($want | map(.repository)) as $w | ($got | map(.repository)) as $g
    | [($w - $g)[] | "no result for \(.)"] + [($g - $w)[] | "a result for \(.), which resolve did not list"]
      + [$got[] | select((.digest // "") | test("^sha256:[0-9a-f]{64}$") | not) | "no digest for \(.repository)"]
    | join("; ")')"
  if [[ -n "$problem" ]]; then
    echo "::error::Could not read the image results in $dir: $problem. Run the failed images legs again." >&2
    exit 1
  fi
  local ordered
  ordered="$(jq -c -n --argjson want "$IMAGES" --argjson got "$results" \
    '[$want[] as $w | $got[] | select(.repository == $w.repository)]')"
  output "images=$ordered"
  output "image-uris=$(jq -r 'map(."image-uri") | join(",")' <<<"$ordered")"
  output "image-digest=$(jq -r '.[0].digest // ""' <<<"$ordered")"
  output "image-uri=$(jq -r '.[0]."image-uri" // ""' <<<"$ordered")"
  output "image-size=$(jq -r '.[0].size // ""' <<<"$ordered")"
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    {
      printf '### Images\n\n| repository | digest | bytes |\n|---|---|---|\n'
      jq -r '.[] | "| \(.repository) | `\(.digest)` | \(.size) |"' <<<"$ordered"
      printf '\n'
    } >>"$GITHUB_STEP_SUMMARY"
  fi
  jq . <<<"$ordered"
}

case "${1-}" in
  write) cmd_write ;;
  read) cmd_read ;;
  *) echo "usage: image-results.sh write | read (with RESULTS and the variables above)" >&2; exit 2 ;;
esac
