#!/usr/bin/env bash
# The release steps every server's deploy.sh shares; sourced by services/<name>/deploy.sh (each
# service folder holds a link to this file, and the server's copy of the folder holds the file).
#
# A service's deploy.sh sets, before sourcing this file:
#   SERVICE          the service's name: its folder /opt/pipelines/<SERVICE>, its settings
#                    /etc/pipelines/<SERVICE>.env (read here, exported)
#   ARTIFACT_KIND    s3 (a file in S3, by VersionId, with its sha256) or image (by digest)
#   HEALTH_ATTEMPTS, HEALTH_INTERVAL   how often check_health is tried before a release fails
# and defines these functions (each gets the release folder, or "" for none):
#   unpack_release FILE DIR   s3 only: unpack the fetched object into DIR
#   prepare_release DIR       check or render the new release before anything switches
#   activate_release DIR      make the service run DIR: reload or restart (DIR "" = stop it)
#   check_health              one probe: 0 when the service answers as it should
# For images, prepare_release and activate_release are given (below) from IMAGE_VARIABLE,
# IMAGE_SETTINGS and SERVICE_UNIT: the release's image.env holds IMAGE_VARIABLE=<image>, and
# running it is renaming a copy over IMAGE_SETTINGS (the unit's EnvironmentFile) and restarting.
#
# Layout: /opt/pipelines/<SERVICE>/releases/<id>/ (id: the first 16 hex digits of the artifact's
# sha256 or of the image digest), release.env in each (what it was made from), `current` and
# `previous` links to two of them. Switching is a rename of a new link over `current`.
set -euo pipefail

PIPELINES_HOME="/opt/pipelines/$SERVICE"
RELEASES="$PIPELINES_HOME/releases"
KEEP_RELEASES="${PIPELINES_KEEP_RELEASES:-5}"

fail() { # EXIT_CODE MESSAGE
  echo "deploy $SERVICE: $2" >&2
  exit "$1"
}
say() { echo "deploy $SERVICE: $*"; }

# ── Input: pure checks, before anything changes ────────────────────────────────────────────────

# Sets S3_BUCKET, S3_KEY and S3_VERSION from s3://bucket/key?versionId=ID, or fails.
parse_s3_artifact() {
  local re='^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/([A-Za-z0-9!_.*'"'"'()/-]+)\?versionId=([A-Za-z0-9._%+/=-]+)$'
  if [[ ! "$1" =~ $re ]]; then
    fail 2 "Could not deploy \"$1\": the artifact must be one S3 object version, s3://<bucket>/<key>?versionId=<id>. Pass the version the upload step printed (its version-id output), never the bare key (that is whatever was uploaded last)."
  fi
  S3_BUCKET="${BASH_REMATCH[1]}"
  S3_KEY="${BASH_REMATCH[2]}"
  # A version id may hold characters a URI escapes (%2B for +).
  local escaped="${BASH_REMATCH[3]//%/\\x}"
  S3_VERSION="$(printf '%b' "$escaped")"
}

require_sha256() {
  if [[ ! "${1:-}" =~ ^[0-9a-f]{64}$ ]]; then
    fail 2 "Could not deploy: the expected sha256 \"${1:-}\" is not 64 lower-case hex digits. Pass the sha256 the upload step printed as the second argument."
  fi
}

# Sets IMAGE_REGISTRY and IMAGE_DIGEST from <registry>/<repository>@sha256:<digest>, or fails.
parse_image_ref() {
  local component='[a-z0-9]+([._-][a-z0-9]+)*'
  local re="^(([a-z0-9-]+\.)+[a-z0-9-]+(:[0-9]+)?|[a-z0-9-]+:[0-9]+|localhost)/$component(/$component)*@sha256:([0-9a-f]{64})$"
  if [[ ! "$1" =~ $re ]]; then
    fail 2 "Could not deploy \"$1\": the image must be <registry>/<repository>@sha256:<digest>, with no tag. Pass the digest the image push printed (ecr-push's image-uri output); a tag can point at other bytes tomorrow."
  fi
  IMAGE_REGISTRY="${1%%/*}"
  IMAGE_DIGEST="${BASH_REMATCH[${#BASH_REMATCH[@]} - 1]}"
}

# ── The release folders ────────────────────────────────────────────────────────────────────────

release_of_link() { # LINK: the id the link points at, or nothing
  local target
  target="$(readlink "$PIPELINES_HOME/$1" 2>/dev/null)" || return 0
  basename "$target"
}

point() { # LINK ID: atomically, by renaming a new link over the old one
  ln -sfn "releases/$2" "$PIPELINES_HOME/.$1.new"
  mv -T "$PIPELINES_HOME/.$1.new" "$PIPELINES_HOME/$1"
}

artifact_of() { # ID: what the release was made from, or nothing
  sed -n 's/^ARTIFACT=//p' "$RELEASES/$1/release.env" 2>/dev/null || true
}

# Keeps the newest KEEP_RELEASES folders (by the time they were last switched to), and always
# the current and previous ones.
prune_releases() {
  local current previous name kept=0
  current="$(release_of_link current)"
  previous="$(release_of_link previous)"
  while read -r name; do
    [[ -z "$name" ]] && continue
    if [[ "$name" == "$current" || "$name" == "$previous" ]] || ((kept < KEEP_RELEASES)); then
      kept=$((kept + 1))
      continue
    fi
    say "removing old release $name"
    # An image release's image goes too (Docker refuses while a container still uses it).
    if [[ "$ARTIFACT_KIND" == image ]]; then
      docker image rm "$(artifact_of "$name")" >/dev/null 2>&1 || true
    fi
    rm -rf "${RELEASES:?}/$name"
  done < <(ls -1t "$RELEASES")
}

# ── Fetching the exact artifact into a new release folder ──────────────────────────────────────

# The AWS CLI, at the endpoint the standard variables name for the service (AWS_ENDPOINT_URL_S3,
# AWS_ENDPOINT_URL_ECR, or AWS_ENDPOINT_URL): Debian 12's CLI predates them.
aws_cli() { # COMMAND ARGS...
  local api="${1%api}" variable endpoint
  variable="AWS_ENDPOINT_URL_${api^^}"
  endpoint="${!variable:-${AWS_ENDPOINT_URL:-}}"
  if [[ -n "$endpoint" ]]; then aws --endpoint-url "$endpoint" "$@"; else aws "$@"; fi
}

# The region for the AWS CLI: AWS_REGION or AWS_DEFAULT_REGION, else the instance's own from its
# metadata (IMDSv2), which the CLI does not look up by itself. Not reachable on the test hosts.
ensure_region() {
  [[ -n "${AWS_REGION:-${AWS_DEFAULT_REGION:-}}" ]] && return 0
  local token
  if ! token="$(curl --silent --fail --max-time 2 --request PUT \
    --header 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)" ||
    ! AWS_REGION="$(curl --silent --fail --max-time 2 --header "X-aws-ec2-metadata-token: $token" \
      http://169.254.169.254/latest/meta-data/placement/region)"; then
    fail 2 "Could not deploy: no AWS region (AWS_REGION is not set and the instance metadata did not answer). Set AWS_REGION to the server's region."
  fi
  export AWS_REGION
}

# Fetches S3_* into DIR by VersionId, checks its sha256 against EXPECTED, unpacks it.
fetch_s3_release() { # DIR EXPECTED_SHA256
  local dir="$1" object="$1/.artifact" output actual
  ensure_region
  if ! output="$(aws_cli s3api get-object --bucket "$S3_BUCKET" --key "$S3_KEY" \
    --version-id "$S3_VERSION" "$object" 2>&1 >/dev/null)"; then
    fail 1 "Could not fetch s3://$S3_BUCKET/$S3_KEY version $S3_VERSION: ${output:-aws exited non-zero}. Check that this version exists and that the server's role may s3:GetObjectVersion on it."
  fi
  actual="$(sha256sum "$object" | cut -d' ' -f1)"
  if [[ "$actual" != "$2" ]]; then
    fail 1 "Could not deploy s3://$S3_BUCKET/$S3_KEY version $S3_VERSION: its sha256 is $actual, not the expected $2. Pass the sha256 and version the upload step printed together; nothing was changed."
  fi
  unpack_release "$object" "$dir"
  rm -f "$object"
}

# Pulls the image by digest (logging in to ECR first when it is ECR's registry).
fetch_image_release() { # DIR IMAGE
  local region output
  if [[ "$IMAGE_REGISTRY" =~ ^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$ ]]; then
    region="${BASH_REMATCH[1]}"
    if ! output="$(aws_cli ecr get-login-password --region "$region" |
      docker login --username AWS --password-stdin "$IMAGE_REGISTRY" 2>&1)"; then
      fail 1 "Could not log in to $IMAGE_REGISTRY: $output. Check that the server's role may ecr:GetAuthorizationToken."
    fi
  fi
  if ! output="$(docker pull "$2" 2>&1)"; then
    fail 1 "Could not pull $2: $output. Check that the digest exists in the repository and that the server's role may pull from it."
  fi
}

# ── Images: the release is one settings line the service's unit reads ──────────────────────────

prepare_release() { # DIR
  printf '%s=%s\n' "$IMAGE_VARIABLE" "$(sed -n 's/^ARTIFACT=//p' "$1/release.env")" >"$1/image.env"
}

activate_release() { # DIR
  if [[ -z "$1" ]]; then
    rm -f "$IMAGE_SETTINGS"
    systemctl stop "$SERVICE_UNIT"
    return
  fi
  install -m 644 "$1/image.env" "$IMAGE_SETTINGS.new" &&
    mv -T "$IMAGE_SETTINGS.new" "$IMAGE_SETTINGS" &&
    systemctl restart "$SERVICE_UNIT"
}

# ── Switching, health, rolling back ────────────────────────────────────────────────────────────

http_status() { # URL [CURL OPTIONS...]: the status code, 000 when nothing answered
  curl --silent --output /dev/null --max-time 10 --write-out '%{http_code}' "$@" || true
}

wait_healthy() { # ATTEMPTS INTERVAL: 0 once check_health passes
  local attempt
  for ((attempt = 1; attempt <= $1; attempt++)); do
    if check_health; then return 0; fi
    say "health check $attempt of $1 failed"
    ((attempt < $1)) && sleep "$2"
  done
  return 1
}

# Makes ID current (recording the one it replaces as previous), runs it and checks its health;
# on failure switches back, runs the old one again and fails with what happened.
switch_to() { # ID
  local id="$1" old
  old="$(release_of_link current)"
  point current "$id"
  touch "$RELEASES/$id"
  say "switched to release $id (was ${old:-none}); starting it"
  if activate_release "$RELEASES/$id" && wait_healthy "$HEALTH_ATTEMPTS" "$HEALTH_INTERVAL"; then
    [[ -n "$old" && "$old" != "$id" ]] && point previous "$old"
    say "release $id is current and healthy"
    return 0
  fi
  local outcome
  if [[ -n "$old" ]]; then
    point current "$old"
    if activate_release "$RELEASES/$old" && wait_healthy "$HEALTH_ATTEMPTS" "$HEALTH_INTERVAL"; then
      outcome="rolled back to release $old, which is healthy"
    else
      outcome="rolled back to release $old, which is NOT healthy either: see the runbook"
    fi
  else
    rm -f "$PIPELINES_HOME/current"
    activate_release "" || true
    outcome="there was no earlier release to return to, so $SERVICE is stopped"
  fi
  fail 1 "Could not deploy release $id: it did not pass its health check ($HEALTH_ATTEMPTS attempts, ${HEALTH_INTERVAL}s apart); $outcome. Read the service's logs (runbook), fix the release and deploy again."
}

# ── Entry points ───────────────────────────────────────────────────────────────────────────────

show_status() {
  local name current previous
  current="$(release_of_link current)"
  previous="$(release_of_link previous)"
  echo "current: ${current:-none}"
  echo "previous: ${previous:-none}"
  [[ -d "$RELEASES" ]] || return 0
  while read -r name; do
    [[ -z "$name" ]] && continue
    printf '%s  %s\n' "$name" "$(artifact_of "$name")"
  done < <(ls -1t "$RELEASES")
}

load_settings() {
  if [[ -f "/etc/pipelines/$SERVICE.env" ]]; then
    set -a
    # shellcheck disable=SC1090 # the server's own settings, written by its user data
    . "/etc/pipelines/$SERVICE.env"
    set +a
  fi
}

deploy_release() { # ARTIFACT [SHA256]
  local artifact="${1:-}" id dir incoming
  case "$ARTIFACT_KIND" in
    s3)
      parse_s3_artifact "$artifact"
      require_sha256 "${2:-}"
      id="${2:0:16}"
      ;;
    image)
      parse_image_ref "$artifact"
      [[ -z "${2:-}" ]] || fail 2 "Could not deploy: an image takes no second argument (its digest is its checksum). Pass only <registry>/<repository>@sha256:<digest>."
      id="${IMAGE_DIGEST:0:16}"
      ;;
  esac
  mkdir -p "$RELEASES"
  exec 9>"$PIPELINES_HOME/.deploy.lock"
  flock -w 900 9 || fail 1 "Could not deploy: another deploy of $SERVICE has held the lock for 15 minutes. Wait for it, or find it with: fuser $PIPELINES_HOME/.deploy.lock"
  if [[ "$(release_of_link current)" == "$id" && "$(artifact_of "$id")" == "$artifact" ]]; then
    say "release $id ($artifact) is already current: nothing to do"
    return 0
  fi
  dir="$RELEASES/$id"
  # Fetched and checked here, then renamed into releases/ (the same file system) when complete.
  incoming="$PIPELINES_HOME/incoming/$id"
  if [[ "$(artifact_of "$id")" == "$artifact" ]]; then
    say "release $id is on this server already; switching back to it"
  else
    say "fetching $artifact into release $id"
    rm -rf "$incoming"
    mkdir -p "$incoming"
    trap 'rm -rf "$incoming"' EXIT
    case "$ARTIFACT_KIND" in
      s3) fetch_s3_release "$incoming" "$2" ;;
      image) fetch_image_release "$incoming" "$artifact" ;;
    esac
    if [[ "$(release_of_link current)" == "$id" ]]; then
      # The same bytes under another name (uploaded again, or the image promoted): nothing to run.
      say "$artifact has the same content as the current release $id: nothing to do"
      return 0
    fi
    printf 'ARTIFACT=%s\nSHA256=%s\n' "$artifact" "${2:-$IMAGE_DIGEST}" >"$incoming/release.env"
    prepare_release "$incoming" ||
      fail 1 "Could not deploy release $id: it failed its check before switching (above); nothing was switched."
    rm -rf "$dir"
    mv -T "$incoming" "$dir"
    trap - EXIT
  fi
  if ! (switch_to "$id"); then
    rm -rf "$dir"
    exit 1
  fi
  prune_releases
}

rollback_release() {
  local previous
  exec 9>"$PIPELINES_HOME/.deploy.lock"
  flock -w 900 9 || fail 1 "Could not roll back: another deploy of $SERVICE holds the lock."
  previous="$(release_of_link previous)"
  [[ -n "$previous" && -d "$RELEASES/$previous" ]] ||
    fail 1 "Could not roll back: there is no previous release on this server. Deploy the release you want by its artifact instead."
  switch_to "$previous"
}

# deploy.sh's whole command line: ARTIFACT [SHA256] | --status | --rollback
deploy_main() {
  load_settings
  case "${1:-}" in
    --status) show_status ;;
    --rollback) rollback_release ;;
    "" | -h | --help)
      sed -n '3,/^set -euo/{/^#/p}' "$0" >&2
      exit 2
      ;;
    *) deploy_release "$@" ;;
  esac
}
