#!/usr/bin/env bash
# Builds the blog's image as an OCI image layout in OUT_DIR (tag: latest), for the ecr-push
# action. Needs the site built first (pnpm --filter @pipelines/blog run build -> public/).
#   With a Docker engine: docker buildx build --output type=oci from the Dockerfile (nginx base,
#     pinned by digest): the image the blog server runs.
#   Without one (the local rehearsal, this repository's CI machine): umoci builds a base-less
#     image holding the site under /usr/share/nginx/html and a config naming port 3000. It has the
#     same content and pushes the same way, but has no nginx in it: it cannot run by itself.
# Set BLOG_IMAGE_BUILDER=umoci to force the second path.
#
# Reproducible: the same site and builder give the same image digest (no time, no commit in the
# image; the commit is in the tag ecr-push writes), which the pipeline's reuse by content hash
# relies on. `build-image.sh --builder` prints which builder and version would build, the part of
# the reuse key (.github/scripts/reuse.sh) that is not a file.
set -euo pipefail
usage() { echo "usage: build-image.sh OUT_DIR | --builder" >&2; exit 2; }
[[ $# -eq 1 && -n "$1" ]] || usage
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

use_docker() {
  [[ "${BLOG_IMAGE_BUILDER:-}" != umoci ]] && command -v docker >/dev/null && docker info >/dev/null 2>&1
}

if [[ "$1" == --builder ]]; then
  if use_docker; then
    echo "docker $(docker buildx version 2>/dev/null | head -1)"
  elif command -v umoci >/dev/null; then
    echo "umoci $(umoci --version | head -1), $(tar --version | head -1)"
  else
    echo none
  fi
  exit 0
fi
[[ "$1" != -* ]] || usage
OUT="$1"
if [[ ! -f "$HERE/public/index.html" ]]; then
  echo "::error::$HERE/public/index.html is missing. Build the site first: pnpm --filter @pipelines/blog run build" >&2
  exit 1
fi
if [[ -e "$OUT" && -n "$(ls -A "$OUT" 2>/dev/null)" ]]; then
  echo "::error::OUT_DIR $OUT exists and is not empty. Give a new or empty directory." >&2
  exit 1
fi

if use_docker; then
  mkdir -p "$OUT"
  tar_file="$(mktemp)"; trap 'rm -f "$tar_file"' EXIT
  # SOURCE_DATE_EPOCH and rewrite-timestamp: BuildKit's way to a reproducible image (times in
  # the config and the layers' files set to the epoch). Not run on this machine (no engine).
  SOURCE_DATE_EPOCH=0 docker buildx build --build-arg SOURCE_DATE_EPOCH=0 \
    --output "type=oci,dest=$tar_file,rewrite-timestamp=true" "$HERE" >&2
  tar -xf "$tar_file" -C "$OUT"
  echo "built with docker buildx: $OUT" >&2
  exit 0
fi

command -v umoci >/dev/null || { echo "::error::neither a Docker engine nor umoci is available. Install umoci (apt) or Docker." >&2; exit 1; }
# The layer is a tar we write ourselves: sorted names, epoch mtimes, root ownership, so the same
# site gives the same layer digest. (Debian's umoci 0.4.7 `insert` writes a layer whose last file
# is cut short; `raw add-layer` with our tar is correct.) The config's creation time and the
# layer's history entry say the epoch, not the time of the build; the config change adds none.
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
  --config.label "org.opencontainers.image.description=Static site content only (base-less, built without a Docker engine)"
umoci gc --layout "$OUT"
echo "built with umoci (base-less, no Docker engine): $OUT" >&2
