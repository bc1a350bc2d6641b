#!/usr/bin/env bash
# Rocket.Chat's install step: the user data runs it as root in /opt/pipelines/rocketchat, with
# the settings of /etc/pipelines/rocketchat.env exported (DOMAIN, PORT, and PIPELINES_SETTINGS and
# AWS_REGION from the infra). Makes sure Compose is
# there and writes Compose's settings file on first install; systemd/rocketchat.service then runs
# compose.yaml.
set -euo pipefail
SETTINGS=/etc/pipelines/rocketchat-compose.env

if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose
fi
systemctl enable --now docker.service

# The public address: from Parameter Store when the infra names where
# (PIPELINES_SETTINGS=/<project>/<tier>/rocketchat; the user data holds no value), else from
# DOMAIN. Read before the file is written, so that a failed read stops the install.
if [[ -n "${PIPELINES_SETTINGS:-}" ]]; then
  root_url="$(aws ssm get-parameter --name "$PIPELINES_SETTINGS/root-url" \
    --query Parameter.Value --output text)"
else
  root_url="https://chat.${DOMAIN:?DOMAIN is not set in /etc/pipelines/rocketchat.env}"
fi

# Kept across installs: an admin may have changed it (the first admin's password, for instance).
if [[ ! -s "$SETTINGS" ]]; then
  install -m 600 /dev/null "$SETTINGS"
  {
    echo "ROOT_URL=${root_url}"
    echo "BIND_IP=0.0.0.0"
    echo "HOST_PORT=${PORT:-3000}"
    echo "SHOW_SETUP_WIZARD=pending"
  } >"$SETTINGS"
fi
