#!/usr/bin/env bash
# Packs a release for a server's deploy.sh: a gzip tar of PATHS (default: everything) under DIR,
# at the top of the archive, reproducibly (names sorted, times, owners and modes fixed, no gzip
# name or time), so the same files always give the same sha256 and the upload of an unchanged
# release is recognised as the same object.
#
#   bash services/lib/pack-release.sh services/blog/public blog-site.tar.gz          # the blog
#   bash services/lib/pack-release.sh services/proxy proxy.tar.gz render.sh nginx    # the proxy
set -euo pipefail
if (($# < 2)); then
  echo "usage: pack-release.sh DIR OUT.tar.gz [PATH...]" >&2
  exit 2
fi
dir="$1" out="$2"
shift 2
[[ -d "$dir" ]] || {
  echo "Could not pack a release: $dir is not a folder. Build it first (the blog: pnpm --filter @pipelines/blog run build)." >&2
  exit 2
}
(($# > 0)) || set -- .
tar -C "$dir" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
  --mode='u=rwX,go=rX' --format=gnu -cf - "$@" | gzip -n -9 >"$out.new"
mv "$out.new" "$out"
