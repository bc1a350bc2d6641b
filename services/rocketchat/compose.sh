#!/usr/bin/env bash
# Docker Compose, whichever this server has: the Compose plugin (`docker compose`, Docker's own
# packages) or Debian 12's Compose v1 (`docker-compose`, which install.sh installs when neither is
# there). The units call this, never one of them directly.
set -euo pipefail
if docker compose version >/dev/null 2>&1; then
  exec docker compose "$@"
fi
exec docker-compose "$@"
