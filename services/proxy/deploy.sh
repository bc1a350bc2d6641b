#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploys one release of the proxy's configuration on the proxy server, as root:
#
#   bash /opt/pipelines/proxy/deploy.sh 's3://<bucket>/<key>?versionId=<id>' <sha256>
#   bash /opt/pipelines/proxy/deploy.sh --status      # the current, previous and kept releases
#   bash /opt/pipelines/proxy/deploy.sh --rollback    # back to the previous release
#
# The artifact is a gzip tar holding render.sh and nginx/ (the template and its snippets) of
# services/proxy at its top (services/lib/pack-release.sh makes it), one S3 object version, and
# the sha256 of that object. The AWS CLI fetches it with the server's role (AWS_REGION, or the
# instance's region from its metadata; AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL point it
# elsewhere). It is unpacked to /opt/pipelines/proxy/releases/<id>,
# rendered there by its own render.sh with this server's settings (/etc/pipelines/proxy.env) and
# certificate into pipelines.conf, and checked by `nginx -t` with it in place of the live file
# (in a private mount namespace) before anything switches; then `current` is switched to it
# (/etc/nginx/conf.d/pipelines.conf links to current/pipelines.conf) and nginx reloads.
# Healthy: http://<HTTP_LISTEN>/ redirects blog.<DOMAIN> (301) and https://<HTTPS_LISTEN> completes
# a TLS handshake for chat., blog. and pm.<DOMAIN> (whatever the upstreams answer) (PIPELINES_HEALTH_ATTEMPTS, default 10,
# PIPELINES_HEALTH_INTERVAL seconds apart, default 1); otherwise the previous configuration is
# switched back and reloaded, and the script exits 1. Bad input, an archive without the
# renderer, a render error or a failed `nginx -t` exit non-zero with nothing switched. Deploying
# the current release again changes nothing. PIPELINES_KEEP_RELEASES (default 5) are kept.
set -euo pipefail
SERVICE=proxy
ARTIFACT_KIND=s3
HEALTH_ATTEMPTS="${PIPELINES_HEALTH_ATTEMPTS:-10}"
HEALTH_INTERVAL="${PIPELINES_HEALTH_INTERVAL:-1}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIVE_CONF=/etc/nginx/conf.d/pipelines.conf
. "$HERE/deploy-lib.sh"

unpack_release() { # FILE DIR
  tar -xzf "$1" -C "$2" --no-same-owner --no-same-permissions
  if [[ ! -f "$2/render.sh" || ! -f "$2/nginx/pipelines.conf.template" ]]; then
    fail 1 "Could not deploy s3://$S3_BUCKET/$S3_KEY: the archive has no render.sh and nginx/pipelines.conf.template at its top. Package services/proxy's render.sh and nginx/ (see services/README.md); nothing was changed."
  fi
}

# render.sh of the release, with this server's settings and certificate.
render_release() { # DIR
  . "$HERE/certificate.sh"
  PIPELINES_PROXY_TEMPLATES="$1/nginx" bash "$1/render.sh" >"$1/pipelines.conf.new" &&
    mv "$1/pipelines.conf.new" "$1/pipelines.conf"
}

# `nginx -t` of the whole configuration with DIR's file in place of the live one: a bind mount in
# a mount namespace of its own, so the live file never holds an untested configuration.
test_release() { # DIR
  # shellcheck disable=SC2016 # expanded by the inner bash, from its arguments
  unshare --mount --propagation private -- bash -c \
    'mount --bind "$1" "$2" && nginx -t -q' nginx-test "$1/pipelines.conf" "$LIVE_CONF"
}

prepare_release() { # DIR
  render_release "$1" || return 1
  test_release "$1" || return 1
}

# The pids of the workers that take new connections (a worker told to stop is "shutting down").
accepting_workers() {
  local master pid children=()
  master="$(cat /run/nginx.pid 2>/dev/null)" || return 0
  # A worker can exit between the two reads. Redirections apply left to right, so stderr is
  # silenced before bash opens the file: a vanished /proc entry is not an error worth printing.
  read -ra children 2>/dev/null <"/proc/$master/task/$master/children" || true
  for pid in "${children[@]}"; do
    if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q 'worker process *$'; then echo "$pid"; fi
  done | sort
}

# Reloads nginx and waits until only workers of the new configuration take connections, so the
# health check asks the new configuration.
activate_release() { # DIR
  [[ -n "$1" ]] || return 0
  local before now waited
  before="$(accepting_workers)"
  systemctl reload-or-restart nginx || return 1
  for ((waited = 0; waited < 100; waited++)); do
    now="$(accepting_workers)"
    if [[ -n "$now" && -z "$(comm -12 <(echo "$before") <(echo "$now"))" ]]; then return 0; fi
    sleep 0.1
  done
  echo "deploy proxy: nginx's old workers still took connections 10 s after the reload" >&2
  return 1
}

# address:port from a listen setting (a bare port listens on every address: ask loopback).
listen_target() { [[ "$1" == *:* ]] && echo "$1" || echo "127.0.0.1:$1"; }

check_health() {
  local http https host
  http="$(listen_target "${HTTP_LISTEN:-80}")"
  https="$(listen_target "${HTTPS_LISTEN:-443}")"
  [[ "$(http_status --header "Host: blog.$DOMAIN" "http://$http/")" == 301 ]] || return 1
  for host in chat blog pm; do
    # The name's server block completes a TLS handshake. What the upstream answers, or whether
    # it does, is its own health, not the proxy's.
    timeout 5 openssl s_client -connect "$https" -servername "$host.$DOMAIN" </dev/null \
      >/dev/null 2>&1 || return 1
  done
}

deploy_main "$@"
