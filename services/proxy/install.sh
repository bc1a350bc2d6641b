#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The proxy server's install step: the user data runs it as root in /opt/pipelines/proxy, with the
# settings of /etc/pipelines/proxy.env exported (DOMAIN, CHAT_UPSTREAM, BLOG_UPSTREAM,
# PM_UPSTREAM; see render.sh for the optional ones). Renders the nginx config of the current
# release (see deploy.sh) and (re)starts nginx.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONF=/etc/nginx/conf.d/pipelines.conf

. "$HERE/certificate.sh"

# The first release is this folder's own configuration; later ones are deploy.sh's. Each run
# renders the current one again with the settings and certificate of now (after certbot, say).
if [[ ! -e "$HERE/current" ]]; then
  mkdir -p "$HERE/releases/bundled"
  cp -R "$HERE/render.sh" "$HERE/nginx" "$HERE/releases/bundled/"
  echo "ARTIFACT=bundled" >"$HERE/releases/bundled/release.env"
  ln -sfn releases/bundled "$HERE/current"
fi
release="$(readlink -f "$HERE/current")"
PIPELINES_PROXY_TEMPLATES="$release/nginx" bash "$release/render.sh" >"$release/pipelines.conf.new"
mkdir -p "${ACME_ROOT:-/var/www/letsencrypt}" "${LOG_DIR:-/var/log/nginx}"
# Debian's default site also claims default_server on port 80.
rm -f /etc/nginx/sites-enabled/default
mv "$release/pipelines.conf.new" "$release/pipelines.conf"
ln -sfn "$HERE/current/pipelines.conf" "$CONF.new" && mv -T "$CONF.new" "$CONF"
nginx -t
systemctl enable nginx
systemctl reload-or-restart nginx
