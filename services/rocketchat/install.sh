#!/usr/bin/env bash
# Rocket.Chat's install step: the user data runs it as root in /opt/pipelines/rocketchat, with
# the settings of /etc/pipelines/rocketchat.env exported (DOMAIN, PORT). Makes sure Compose is
# there and writes Compose's settings file on first install; systemd/rocketchat.service then runs
# compose.yaml.
set -euo pipefail
SETTINGS=/etc/pipelines/rocketchat-compose.env

if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose
fi
systemctl enable --now docker.service

# Kept across installs: an admin may have changed it (the first admin's password, for instance).
if [[ ! -s "$SETTINGS" ]]; then
  install -m 600 /dev/null "$SETTINGS"
  {
    echo "ROOT_URL=https://chat.${DOMAIN:?DOMAIN is not set in /etc/pipelines/rocketchat.env}"
    echo "BIND_IP=0.0.0.0"
    echo "HOST_PORT=${PORT:-3000}"
    echo "SHOW_SETUP_WIZARD=pending"
  } >"$SETTINGS"
fi
