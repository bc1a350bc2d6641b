#!/bin/sh
# Fulcrum's container entrypoint: refuse to start half-configured, migrate, then serve on $PORT.
set -eu
for name in DATABASE_URL SECRET_TOKEN SECRET_KEY_BASE APP_HOST; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "fulcrum: $name is not set. Set it in /etc/pipelines/fulcrum-app.env (see fulcrum.env.example)." >&2
    exit 64
  fi
done
bundle exec rake db:migrate
exec bundle exec rails server --binding 0.0.0.0 --port "${PORT:-3000}"
