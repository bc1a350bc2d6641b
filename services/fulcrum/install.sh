#!/usr/bin/env bash
# Fulcrum's install step: the user data runs it as root in /opt/pipelines/fulcrum, with the
# settings of /etc/pipelines/fulcrum.env exported (PIPELINES_ROLE, DOMAIN, PORT, and
# DATABASE_HOST/DATABASE_PORT when the database has a server of its own; PIPELINES_SETTINGS,
# PIPELINES_SECRETS and AWS_REGION from the infra). It keeps the units this server's role runs,
# and writes the app's and the database's settings files (see "Settings" below).
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

# Settings: from Parameter Store and Secrets Manager when the infra names where
# (PIPELINES_SETTINGS=/<project>/<tier>/fulcrum, PIPELINES_SECRETS=<project>/<tier>/fulcrum): they
# are written afresh on every install, and the user data never holds a value. A server installed
# without the infra generates its own secrets once and keeps its files across installs.
from_aws() { [[ -n "${PIPELINES_SETTINGS:-}" ]]; }
cannot_read() { # WHAT
  echo "Could not read $1 in ${AWS_REGION:-the default region}. Check that it exists (cdk deploy of the Network stack creates it) and that this server's role may read it." >&2
  return 1
}
setting() { # NAME DEFAULT
  if from_aws; then
    aws ssm get-parameter --name "$PIPELINES_SETTINGS/$1" --query Parameter.Value --output text ||
      cannot_read "parameter $PIPELINES_SETTINGS/$1"
  else
    echo "$2"
  fi
}
secret() { # NAME BYTES
  if from_aws; then
    aws secretsmanager get-secret-value --secret-id "${PIPELINES_SECRETS:?}/$1" \
      --query SecretString --output text || cannot_read "secret $PIPELINES_SECRETS/$1"
  else
    openssl rand -hex "$2"
  fi
}
write_settings() { # FILE: writes stdin to FILE (mode 600); kept across installs without the infra
  if ! from_aws && [[ -s "$1" ]]; then return 0; fi
  install -m 600 /dev/null "$1.new"
  cat >"$1.new"
  mv -f "$1.new" "$1"
}

# Each value is read before its file is written: a failed read stops the install (set -e)
# instead of writing an empty setting.
if from_aws; then
  db_password="$(secret postgres-password 24)"
else
  db_password="$(sed -n 's/^POSTGRES_PASSWORD=//p' "$DB_SETTINGS" 2>/dev/null || true)"
  [[ -n "$db_password" ]] || db_password="$(secret postgres-password 24)"
fi

if [[ -f "$HERE/systemd/fulcrum-postgres.service" ]]; then
  install -d -m 700 /var/lib/fulcrum/postgres
  # On a database server of its own the app connects from its server's address, so the port is
  # published on every address there (its security group admits only the app's); next to the
  # app it stays on loopback.
  publish=127.0.0.1
  [[ "${PIPELINES_ROLE:-app}" == db ]] && publish=0.0.0.0
  echo "PUBLISH_ADDRESS=${publish}" >/etc/pipelines/fulcrum-postgres-unit.env
  write_settings "$DB_SETTINGS" <<SETTINGS
POSTGRES_USER=fulcrum
POSTGRES_PASSWORD=${db_password}
POSTGRES_DB=fulcrum_production
POSTGRES_INITDB_ARGS=--auth-host=md5
SETTINGS
fi

if [[ -f "$HERE/systemd/fulcrum.service" ]]; then
  if [[ -n "${DATABASE_HOST:-}" ]]; then
    # Without the infra, the database server generated its own password: copy it into
    # DATABASE_URL by hand (see README.md). With it, both servers read the same secret.
    from_aws || db_password=CHANGE-ME
    database="postgresql://fulcrum:${db_password}@${DATABASE_HOST}:${DATABASE_PORT:-5432}/fulcrum_production"
  else
    database="postgresql://fulcrum:${db_password}@127.0.0.1:5432/fulcrum_production"
  fi
  app_host="$(setting app-host "pm.${DOMAIN:?DOMAIN is not set in /etc/pipelines/fulcrum.env}")"
  mailer_sender="$(setting mailer-sender "noreply@${DOMAIN}")"
  disable_registration="$(setting disable-registration true)"
  secret_token="$(secret secret-token 64)"
  secret_key_base="$(secret secret-key-base 64)"
  write_settings "$APP_SETTINGS" <<SETTINGS
APP_HOST=${app_host}
MAILER_SENDER=${mailer_sender}
DISABLE_REGISTRATION=${disable_registration}
DATABASE_URL=${database}
SECRET_TOKEN=${secret_token}
SECRET_KEY_BASE=${secret_key_base}
SETTINGS
fi
