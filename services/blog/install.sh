#!/usr/bin/env bash
# The blog server's install step: the user data runs it as root in /opt/pipelines/blog, with the
# settings of /etc/pipelines/blog.env exported (PORT). Debian's nginx serves the built site,
# public/ of this folder, with the same site config as the image (nginx/default.conf) on PORT.
# Without a built site it serves a page that says so, so the proxy and health checks still work.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${PORT:-3000}"
SITE="$HERE/public"
CONF=/etc/nginx/conf.d/blog.conf

if [[ ! -f "$SITE/index.html" ]]; then
  SITE=/var/lib/pipelines/blog-placeholder
  mkdir -p "$SITE"
  printf '<!doctype html><title>Pipelines blog</title><p>The blog has not been deployed yet.</p>\n' \
    >"$SITE/index.html"
  cp "$SITE/index.html" "$SITE/404.html"
fi

sed -e "s|^\( *root \)/usr/share/nginx/html;|\1$SITE;|" \
  -e "s|^\( *listen \)3000 default_server;|\1$PORT default_server;|" \
  "$HERE/nginx/default.conf" >"$CONF.new"
# The image's config must still have the two lines this adapts, or the site would be wrong.
if ! grep -q "root $SITE;" "$CONF.new" || ! grep -q "listen $PORT default_server;" "$CONF.new"; then
  echo "Could not adapt nginx/default.conf: its root or listen line changed. Update install.sh." >&2
  exit 1
fi
# Debian's default site also claims default_server on port 80.
rm -f /etc/nginx/sites-enabled/default
mv "$CONF.new" "$CONF"
nginx -t
systemctl enable nginx
systemctl reload-or-restart nginx
