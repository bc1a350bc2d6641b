#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploys one Fulcrum image on Fulcrum's app server, as root:
#
#   bash /opt/pipelines/fulcrum/deploy.sh '<registry>/<repository>@sha256:<digest>'
#   bash /opt/pipelines/fulcrum/deploy.sh --status      # the current, previous and kept releases
#   bash /opt/pipelines/fulcrum/deploy.sh --rollback    # back to the previous image
#
# The image is named by digest, never by a tag. Docker pulls it (after logging in with the
# server's role when the registry is ECR's: AWS_REGION is taken from the registry's name). The
# release is /opt/pipelines/fulcrum/releases/<id>/image.env; `current` is switched to it, then
# /etc/pipelines/fulcrum-image.env (what fulcrum.service runs) is replaced by a copy of it through
# a rename, and fulcrum.service restarts. Healthy: GET http://127.0.0.1:3000/users/sign_in
# answers 200 (PIPELINES_HEALTH_ATTEMPTS, default 60, PIPELINES_HEALTH_INTERVAL seconds apart,
# default 5: a first start migrates the database); otherwise the previous image is switched back
# and restarted, and the script exits 1. Bad input exits 2 before anything changes. Deploying the
# current image again changes nothing. PIPELINES_KEEP_RELEASES (default 5) are kept.
# The database (fulcrum-postgres.service, /var/lib/fulcrum/postgres) is never stopped or touched.
set -euo pipefail
SERVICE=fulcrum
ARTIFACT_KIND=image
HEALTH_ATTEMPTS="${PIPELINES_HEALTH_ATTEMPTS:-60}"
HEALTH_INTERVAL="${PIPELINES_HEALTH_INTERVAL:-5}"
IMAGE_VARIABLE=FULCRUM_IMAGE
SERVICE_UNIT=fulcrum.service
IMAGE_SETTINGS=/etc/pipelines/fulcrum-image.env
. "$(dirname "${BASH_SOURCE[0]}")/deploy-lib.sh"

load_settings
if [[ "${PIPELINES_ROLE:-app}" == db && "${1:-}" != --status ]]; then
  fail 2 "Could not deploy: this is Fulcrum's database server (PIPELINES_ROLE=db in /etc/pipelines/fulcrum.env), which runs no app. Run the deploy on the app server."
fi

check_health() {
  [[ "$(http_status http://127.0.0.1:3000/users/sign_in)" == 200 ]]
}

deploy_main "$@"
