#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploys one Rocket.Chat image on the Rocket.Chat server, as root:
#
#   bash /opt/pipelines/rocketchat/deploy.sh '<registry>/<repository>@sha256:<digest>'
#   bash /opt/pipelines/rocketchat/deploy.sh --status      # current, previous and kept releases
#   bash /opt/pipelines/rocketchat/deploy.sh --rollback    # back to the previous image
#
# The image is named by digest, never by a tag. Docker pulls it (after logging in with the
# server's role when the registry is ECR's). The release is
# /opt/pipelines/rocketchat/releases/<id>/image.env; `current` is switched to it, then
# /etc/pipelines/rocketchat-image.env (ROCKETCHAT_IMAGE, which rocketchat.service hands to
# compose.yaml) is replaced by a copy of it through a rename, and rocketchat.service restarts
# (Compose down and up: MongoDB's volume stays). Healthy: GET http://127.0.0.1:$HOST_PORT/api/info
# answers 200 (HOST_PORT from /etc/pipelines/rocketchat-compose.env, default 3000;
# PIPELINES_HEALTH_ATTEMPTS, default 60, PIPELINES_HEALTH_INTERVAL seconds apart, default 5);
# otherwise the previous image is switched back and restarted, and the script exits 1. Bad input
# exits 2 before anything changes. Deploying the current image again changes nothing.
# PIPELINES_KEEP_RELEASES (default 5) are kept. MongoDB's data (the mongodb_data volume) is never
# removed: nothing here runs `down -v`.
set -euo pipefail
SERVICE=rocketchat
ARTIFACT_KIND=image
HEALTH_ATTEMPTS="${PIPELINES_HEALTH_ATTEMPTS:-60}"
HEALTH_INTERVAL="${PIPELINES_HEALTH_INTERVAL:-5}"
IMAGE_VARIABLE=ROCKETCHAT_IMAGE
SERVICE_UNIT=rocketchat.service
IMAGE_SETTINGS=/etc/pipelines/rocketchat-image.env
. "$(dirname "${BASH_SOURCE[0]}")/deploy-lib.sh"

check_health() {
  local port
  port="$(sed -n 's/^HOST_PORT=//p' /etc/pipelines/rocketchat-compose.env 2>/dev/null)"
  [[ "$(http_status "http://127.0.0.1:${port:-3000}/api/info")" == 200 ]]
}

deploy_main "$@"
