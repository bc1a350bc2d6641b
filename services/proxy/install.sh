#!/usr/bin/env bash
# The proxy server's install step: the user data runs it as root in /opt/pipelines/proxy, with the
# settings of /etc/pipelines/proxy.env exported (DOMAIN, CHAT_UPSTREAM, BLOG_UPSTREAM,
# PM_UPSTREAM; see render.sh for the optional ones). Renders the nginx config and (re)starts nginx.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONF=/etc/nginx/conf.d/pipelines.conf

# Until certbot has put a certificate in place, a self-signed one lets nginx start and serve the
# ACME challenges over HTTP. Running install.sh again after certbot switches to the real one.
: "${SSL_CERTIFICATE:=/etc/letsencrypt/live/${DOMAIN:-}/fullchain.pem}"
: "${SSL_CERTIFICATE_KEY:=/etc/letsencrypt/live/${DOMAIN:-}/privkey.pem}"
if [[ ! -s "$SSL_CERTIFICATE" || ! -s "$SSL_CERTIFICATE_KEY" ]]; then
  SSL_CERTIFICATE="/etc/pipelines/tls/self-signed.crt"
  SSL_CERTIFICATE_KEY="/etc/pipelines/tls/self-signed.key"
  if [[ ! -s "$SSL_CERTIFICATE" ]]; then
    install -d -m 700 /etc/pipelines/tls
    openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj "/CN=${DOMAIN:-}" \
      -addext "subjectAltName=DNS:chat.${DOMAIN:-},DNS:blog.${DOMAIN:-},DNS:pm.${DOMAIN:-}" \
      -keyout "$SSL_CERTIFICATE_KEY" -out "$SSL_CERTIFICATE" 2>/dev/null
  fi
fi
export SSL_CERTIFICATE SSL_CERTIFICATE_KEY

bash "$HERE/render.sh" >"$CONF.new"
mkdir -p "${ACME_ROOT:-/var/www/letsencrypt}" "${LOG_DIR:-/var/log/nginx}"
# Debian's default site also claims default_server on port 80.
rm -f /etc/nginx/sites-enabled/default
mv "$CONF.new" "$CONF"
nginx -t
systemctl enable nginx
systemctl reload-or-restart nginx
