#!/usr/bin/env bash
# Builds the blog's image as an OCI image layout in OUT_DIR (tag: latest), for the ecr-push
# action: the pipeline's image convention (services/<service>/scripts/build-image.sh OUT_DIR,
# docs/environments.md "Adding an image"). Builds the site first when public/ is missing or stale
# (scripts/ensure-built.sh).
#
# One build path, on GitHub and here (docs/decisions/0009-one-image-build.md): umoci, no Docker
# daemon. The image is base-less: the site under /usr/share/nginx/html and a config naming port
# 3000; the blog server's nginx serves those files. (The Dockerfile next to this script makes an
# nginx-based image for people with Docker; the pipeline does not run it.)
#
# Reproducible: the same site and the same umoci give the same image digest. No time and no
# commit is in the image (the commit is in the tag ecr-push writes): the layer is a tar we write
# ourselves (sorted names, epoch mtimes, root ownership), and the config's creation time and the
# layer's history entry say the epoch. The pipeline's reuse by content hash relies on it.
set -euo pipefail
usage() { echo "usage: build-image.sh OUT_DIR" >&2; exit 2; }
[[ $# -eq 1 && -n "$1" && "$1" != -* ]] || usage
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$1"
if [[ -e "$OUT" && -n "$(ls -A "$OUT" 2>/dev/null)" ]]; then
  echo "::error::OUT_DIR $OUT exists and is not empty. Give a new or empty directory." >&2
  exit 1
fi
command -v umoci >/dev/null || { echo "::error::umoci is not installed. Install it (apt-get install umoci)." >&2; exit 1; }
bash "$HERE/scripts/ensure-built.sh"

# (Debian's umoci 0.4.7 `insert` writes a layer whose last file is cut short; `raw add-layer`
# with our tar is correct.) The config change adds no history entry.
EPOCH=1970-01-01T00:00:00Z
layer="$(mktemp)"; trap 'rm -f "$layer"' EXIT
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=u+rw,go+r,go-w \
  -C "$HERE/public" --transform 's,^\.,usr/share/nginx/html,' -cf "$layer" .
umoci init --layout "$OUT"
umoci new --image "$OUT:latest"
umoci raw add-layer --image "$OUT:latest" --history.created "$EPOCH" \
  --history.created_by "services/blog/scripts/build-image.sh" "$layer"
umoci config --no-history --image "$OUT:latest" \
  --created "$EPOCH" \
  --os linux --architecture amd64 \
  --config.exposedports 3000/tcp \
  --config.label "org.opencontainers.image.title=pipelines-blog" \
  --config.label "org.opencontainers.image.description=Static site content only (base-less, built with umoci)"
umoci gc --layout "$OUT"
echo "built with umoci: $OUT" >&2
