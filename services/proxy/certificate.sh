#!/usr/bin/env bash
# Sourced by install.sh and deploy.sh: sets and exports SSL_CERTIFICATE and SSL_CERTIFICATE_KEY
# for render.sh. The settings' paths or certbot's (/etc/letsencrypt/live/<DOMAIN>/) when that
# certificate is there; until certbot has put one in place, a self-signed one (made once) lets
# nginx start and serve the ACME challenges over HTTP. The next deploy, or running install.sh
# again, after certbot switches to the real one.
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
