#!/usr/bin/env bash
# umoci, the one image builder (docs/decisions/0009-one-image-build.md), from the runner's apt
# unless it is there already (the local rehearsal's machine has it).
# Pinned as far as apt allows: Ubuntu's archive keeps only the newest build of a package, so an
# exact `umoci=<version>` would fail from its next security update on. The upstream version is
# checked here instead, and the exact build is part of every image's reuse key (reuse.sh).
set -euo pipefail
WANT=0.4.7
if ! command -v umoci >/dev/null; then
  sudo apt-get update -qq
  sudo apt-get install -y -qq --no-install-recommends umoci
fi
have="$(umoci --version | head -1)"
case "$have" in
  "umoci version $WANT" | "umoci version $WANT+"*) echo "$have" ;;
  *)
    echo "::error::Could not use umoci: found '$have', the images are built with $WANT. Install umoci $WANT, or change WANT in .github/scripts/install-umoci.sh (and docs/decisions/0009-one-image-build.md) on purpose: another builder gives other digests." >&2
    exit 1
    ;;
esac
