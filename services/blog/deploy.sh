#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploys one release of the blog's built site on the blog server, as root:
#
#   bash /opt/pipelines/blog/deploy.sh 's3://<bucket>/<key>?versionId=<id>' <sha256>
#   bash /opt/pipelines/blog/deploy.sh --status      # the current, previous and kept releases
#   bash /opt/pipelines/blog/deploy.sh --rollback    # back to the previous release
#
# The artifact is a gzip tar of the built site (what `gatsby build` writes to public/, at the
# top of the archive; services/lib/pack-release.sh makes it), one S3 object version, and the
# sha256 of that object. The AWS CLI fetches it with the server's role (AWS_REGION, or the
# instance's region from its metadata; AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL point it
# elsewhere). It is unpacked to /opt/pipelines/blog/releases/<id>/site,
# `current` is switched to it, and nginx serves it at once (its root is current/site, no reload).
# Healthy: GET http://127.0.0.1:$PORT/ answers 200 (PIPELINES_HEALTH_ATTEMPTS, default 15,
# PIPELINES_HEALTH_INTERVAL seconds apart, default 2); otherwise the previous site is switched
# back and the script exits 1. Bad input exits 2 before anything changes. Deploying the current
# release again changes nothing. PIPELINES_KEEP_RELEASES (default 5) releases are kept.
set -euo pipefail
SERVICE=blog
ARTIFACT_KIND=s3
HEALTH_ATTEMPTS="${PIPELINES_HEALTH_ATTEMPTS:-15}"
HEALTH_INTERVAL="${PIPELINES_HEALTH_INTERVAL:-2}"
. "$(dirname "${BASH_SOURCE[0]}")/deploy-lib.sh"

unpack_release() { # FILE DIR
  mkdir "$2/site"
  tar -xzf "$1" -C "$2/site" --no-same-owner --no-same-permissions
  # nginx's workers (www-data) read the site, whatever modes the archive carried.
  chmod -R u=rwX,go=rX "$2/site"
}

prepare_release() { :; }

# nginx reads the site through the `current` link on every request: nothing to restart.
activate_release() { :; }

check_health() {
  [[ "$(http_status "http://127.0.0.1:${PORT:-3000}/")" == 200 ]]
}

deploy_main "$@"
