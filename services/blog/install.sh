#!/usr/bin/env bash
# The blog server's install step: the user data runs it as root in /opt/pipelines/blog, with the
# settings of /etc/pipelines/blog.env exported (PORT). Debian's nginx serves the current release
# of the built site (releases/<id>/site, through the `current` link that deploy.sh switches), with
# the same site config as the image (nginx/default.conf) on PORT. The first release is the built
# site shipped in this folder (public/), or, without one, a page that says the blog is not
# deployed yet, so the proxy and health checks still work.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${PORT:-3000}"
SITE="$HERE/current/site"
CONF=/etc/nginx/conf.d/blog.conf

if [[ ! -e "$HERE/current" ]]; then
  first="$HERE/releases/bundled"
  mkdir -p "$first/site"
  if [[ -f "$HERE/public/index.html" ]]; then
    cp -R "$HERE/public/." "$first/site/"
    echo "ARTIFACT=bundled public/" >"$first/release.env"
  else
    printf '<!doctype html><title>Pipelines blog</title><p>The blog has not been deployed yet.</p>\n' \
      >"$first/site/index.html"
    cp "$first/site/index.html" "$first/site/404.html"
    echo "ARTIFACT=bundled placeholder" >"$first/release.env"
  fi
  ln -sfn releases/bundled "$HERE/current"
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
