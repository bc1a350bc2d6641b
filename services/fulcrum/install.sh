#!/usr/bin/env bash
# Fulcrum's install step: the user data runs it as root in /opt/pipelines/fulcrum, with the
# settings of /etc/pipelines/fulcrum.env exported (PIPELINES_ROLE, DOMAIN, PORT, and
# DATABASE_HOST/DATABASE_PORT when the database has a server of its own). It keeps the units this
# server's role runs, and writes the app's and the database's settings files on first install.
# A deploy writes /etc/pipelines/fulcrum-image.env (FULCRUM_IMAGE=<registry>/<repo>@sha256:...);
# until then fulcrum.service does not start.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP_SETTINGS=/etc/pipelines/fulcrum-app.env
DB_SETTINGS=/etc/pipelines/fulcrum-postgres.env

# The user data installs every unit in systemd/: leave out those of the other role.
if [[ "${PIPELINES_ROLE:-app}" == db ]]; then
  rm -f "$HERE"/systemd/fulcrum.service "$HERE"/systemd/fulcrum-health.* \
    "$HERE"/systemd/fulcrum-restart.service
elif [[ -n "${DATABASE_HOST:-}" ]]; then
  rm -f "$HERE/systemd/fulcrum-postgres.service"
fi
systemctl enable --now docker.service

secret() { openssl rand -hex "$1"; }
write_once() { # FILE: writes stdin to FILE (mode 600) unless FILE has content already
  [[ -s "$1" ]] && return 0
  install -m 600 /dev/null "$1"
  cat >"$1"
}

if [[ -f "$HERE/systemd/fulcrum-postgres.service" ]]; then
  install -d -m 700 /var/lib/fulcrum/postgres
  write_once "$DB_SETTINGS" <<SETTINGS
POSTGRES_USER=fulcrum
POSTGRES_PASSWORD=$(secret 24)
POSTGRES_DB=fulcrum_production
POSTGRES_INITDB_ARGS=--auth-host=md5
SETTINGS
fi

if [[ -f "$HERE/systemd/fulcrum.service" ]]; then
  if [[ -n "${DATABASE_HOST:-}" ]]; then
    # The database server generated its own password: until settings come from Parameter Store,
    # copy it into DATABASE_URL here by hand (see README.md).
    database="postgresql://fulcrum:CHANGE-ME@${DATABASE_HOST}:${DATABASE_PORT:-5432}/fulcrum_production"
  else
    password="$(sed -n 's/^POSTGRES_PASSWORD=//p' "$DB_SETTINGS")"
    database="postgresql://fulcrum:${password}@127.0.0.1:5432/fulcrum_production"
  fi
  write_once "$APP_SETTINGS" <<SETTINGS
APP_HOST=pm.${DOMAIN:?DOMAIN is not set in /etc/pipelines/fulcrum.env}
MAILER_SENDER=noreply@${DOMAIN}
DISABLE_REGISTRATION=true
DATABASE_URL=${database}
SECRET_TOKEN=$(secret 64)
SECRET_KEY_BASE=$(secret 64)
SETTINGS
fi
