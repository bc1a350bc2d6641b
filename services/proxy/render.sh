#!/usr/bin/env bash
# Renders nginx/pipelines.conf.template to stdout exactly as src/render.ts does, in bash and
# envsubst, for the server (which has no Node). test/render-sh.test.ts holds the two to the same
# output for the same inputs: a placeholder added to one must be added to the other.
#
# Settings (environment; the user data exports /etc/pipelines/proxy.env):
#   DOMAIN, CHAT_UPSTREAM, BLOG_UPSTREAM, PM_UPSTREAM            required
#   HTTP_LISTEN (80), HTTPS_LISTEN (443), HTTPS_PUBLIC_PORT (443), LOG_DIR (/var/log/nginx),
#   ACME_ROOT (/var/www/letsencrypt), PM_MAX_BODY_SIZE (50m),
#   SSL_CERTIFICATE, SSL_CERTIFICATE_KEY (/etc/letsencrypt/live/<DOMAIN>/{fullchain,privkey}.pem)
set -euo pipefail

TEMPLATES="${PIPELINES_PROXY_TEMPLATES:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/nginx}"

DOMAIN="${DOMAIN:-}"
CHAT_UPSTREAM="${CHAT_UPSTREAM:-}"
BLOG_UPSTREAM="${BLOG_UPSTREAM:-}"
PM_UPSTREAM="${PM_UPSTREAM:-}"
HTTP_LISTEN="${HTTP_LISTEN:-80}"
HTTPS_LISTEN="${HTTPS_LISTEN:-443}"
HTTPS_PUBLIC_PORT="${HTTPS_PUBLIC_PORT:-443}"
SSL_CERTIFICATE="${SSL_CERTIFICATE:-/etc/letsencrypt/live/$DOMAIN/fullchain.pem}"
SSL_CERTIFICATE_KEY="${SSL_CERTIFICATE_KEY:-/etc/letsencrypt/live/$DOMAIN/privkey.pem}"
LOG_DIR="${LOG_DIR:-/var/log/nginx}"
ACME_ROOT="${ACME_ROOT:-/var/www/letsencrypt}"
PM_MAX_BODY_SIZE="${PM_MAX_BODY_SIZE:-50m}"

# ── The same checks, in the same order and words, as problems() in src/render.ts ──────────────
problems=()
check() { [[ "$1" == ok ]] || problems+=("$2"); }
matches() { [[ "$1" =~ $2 ]] && echo ok || echo no; }

DOMAIN_RE='^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'
HOST_PORT_RE='^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$'
LISTEN_RE='^(([0-9]{1,3}\.){3}[0-9]{1,3}:|\[[0-9a-f:]+\]:)?[0-9]{1,5}$'
FILE_PATH_RE='^/[A-Za-z0-9._/-]+$'
SIZE_RE='^[0-9]+[kKmMgG]?$'

domain_ok=no
if ((${#DOMAIN} >= 1 && ${#DOMAIN} <= 240)); then domain_ok=$(matches "$DOMAIN" "$DOMAIN_RE"); fi
check "$domain_ok" "domain \"$DOMAIN\" is not a lower-case DNS name like pipelines.example.com"
for host in chat blog pm; do
  var="${host^^}_UPSTREAM"
  check "$(matches "${!var}" "$HOST_PORT_RE")" \
    "upstream $host \"${!var}\" must be host:port, e.g. 10.0.1.20:3000"
done
for pair in httpListen:HTTP_LISTEN httpsListen:HTTPS_LISTEN; do
  var="${pair#*:}"
  check "$(matches "${!var}" "$LISTEN_RE")" "${pair%%:*} \"${!var}\" must be a port or address:port"
done
port_ok=no
if [[ "$HTTPS_PUBLIC_PORT" =~ ^[0-9]{1,5}$ ]] && ((10#$HTTPS_PUBLIC_PORT > 0 && 10#$HTTPS_PUBLIC_PORT < 65536)); then
  port_ok=ok
fi
check "$port_ok" "httpsPublicPort $HTTPS_PUBLIC_PORT must be a TCP port (1-65535)"
for pair in sslCertificate:SSL_CERTIFICATE sslCertificateKey:SSL_CERTIFICATE_KEY logDir:LOG_DIR \
  acmeRoot:ACME_ROOT; do
  var="${pair#*:}"
  check "$(matches "${!var}" "$FILE_PATH_RE")" \
    "${pair%%:*} \"${!var}\" must be an absolute path without spaces or quotes"
done
check "$(matches "$PM_MAX_BODY_SIZE" "$SIZE_RE")" \
  "pmMaxBodySize \"$PM_MAX_BODY_SIZE\" must be an nginx size like 50m"
if ((${#problems[@]} > 0)); then
  printf 'Cannot render the proxy config:\n' >&2
  printf -- '- %s\n' "${problems[@]}" >&2
  exit 1
fi

# ── Filling: {{name}} becomes ${PIPELINES_name} for envsubst, which replaces only those ──────────
export PIPELINES_domain="$DOMAIN"
export PIPELINES_upstream_chat="$CHAT_UPSTREAM"
export PIPELINES_upstream_blog="$BLOG_UPSTREAM"
export PIPELINES_upstream_pm="$PM_UPSTREAM"
export PIPELINES_http_listen="$HTTP_LISTEN"
export PIPELINES_https_listen="$HTTPS_LISTEN"
if ((10#$HTTPS_PUBLIC_PORT == 443)); then
  export PIPELINES_https_port_suffix=""
else
  export PIPELINES_https_port_suffix=":$((10#$HTTPS_PUBLIC_PORT))"
fi
export PIPELINES_ssl_certificate="$SSL_CERTIFICATE"
export PIPELINES_ssl_certificate_key="$SSL_CERTIFICATE_KEY"
export PIPELINES_log_dir="$LOG_DIR"
export PIPELINES_acme_root="$ACME_ROOT"
export PIPELINES_pm_max_body_size="$PM_MAX_BODY_SIZE"
VALUES="domain upstream_chat upstream_blog upstream_pm http_listen https_listen https_port_suffix
  ssl_certificate ssl_certificate_key log_dir acme_root pm_max_body_size"
SNIPPETS="tls security_headers proxy_headers"

# A file without its one final newline (as render.ts reads it).
read_part() {
  local text
  text="$(cat "$TEMPLATES/$1" && printf x)"
  text="${text%x}"
  printf '%s' "${text%$'\n'}"
}

# fill TEXT NAMES...: every {{name}} in TEXT must be one of NAMES.
fill() {
  local text="$1" name format=""
  shift
  for name in $(grep -o '{{[a-z_]*}}' <<<"$text" | tr -d '{}' | sort -u); do
    if [[ " $* " != *" $name "* ]]; then
      echo "The template uses {{$name}}, which has no value." >&2
      exit 1
    fi
  done
  for name in "$@"; do format+=" \${PIPELINES_$name}"; done
  # shellcheck disable=SC2016 # ${PIPELINES_...} is for envsubst, not for this shell
  printf '%s' "$text" | sed 's/{{\([a-z_]*\)}}/${PIPELINES_\1}/g' | envsubst "$format"
}

# Snippets first (tls holds placeholders too), then the whole file.
# shellcheck disable=SC2086 # the name lists split on purpose
{
  PIPELINES_tls="$(fill "$(read_part tls.snippet)" $VALUES && printf x)"
  export PIPELINES_tls="${PIPELINES_tls%x}"
  PIPELINES_security_headers="$(read_part security-headers.snippet && printf x)"
  export PIPELINES_security_headers="${PIPELINES_security_headers%x}"
  PIPELINES_proxy_headers="$(read_part proxy-headers.snippet && printf x)"
  export PIPELINES_proxy_headers="${PIPELINES_proxy_headers%x}"
  fill "$(read_part pipelines.conf.template)" $VALUES $SNIPPETS
  printf '\n'
}
