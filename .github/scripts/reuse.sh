#!/usr/bin/env bash
# Reuse of build outputs by content hash (each service's image, the servers' releases, the Lambda's
# build and its package).
# docs/workflows.md ("Reusing build outputs") explains the keys and who may write them.
#
#   reuse.sh key NAME    Lists the inputs of output NAME (run from the repository root) into
#                        .reuse/NAME.inputs, one "<sha256>  <path>" line per file in a stable
#                        order plus one line per tool version, and writes the step outputs
#                        `key` (the sha256 of that list) and `short` (its first 16 digits).
#                        One changed input file, one new or removed file, or another tool
#                        version gives another key.
#   reuse.sh seal DIR [FROM]
#                        After a build: copies the folder FROM into DIR/output when given, then
#                        writes DIR/SHA256SUMS for every file under DIR/output.
#   reuse.sh verify DIR [CACHE_HIT]
#                        Before using a restored DIR: every file under DIR/output is listed in
#                        DIR/SHA256SUMS with its sha256, nothing listed is missing, and in an OCI
#                        layout every blob is named by its own sha256. Writes the step output
#                        `reused` (true/false). A failure is a warning; then, or when CACHE_HIT
#                        is given and is not true (nothing, or another key's entry, restored),
#                        DIR is emptied so that the job builds into it.
set -euo pipefail
export LC_ALL=C

# The inputs every output shares: what the install puts in node_modules (lockfile, workspace,
# root package.json with packageManager and pnpm settings, patches), the TypeScript base
# configuration, how the toolchain is set up, and these rules themselves.
COMMON=(pnpm-lock.yaml pnpm-workspace.yaml package.json patches tsconfig.base.json
  .github/actions/setup/action.yml .github/scripts/reuse.sh)

# Per output: the files and folders read by its build, and what under them is not read.
inputs_of() {
  case "$1" in
    *-image)
      # The image of services/<service> (environments.yml names.image-repositories): its
      # scripts/build-image.sh reads the service folder (for the blog: the Gatsby config, src,
      # content; nginx/ and the Dockerfile are taken too). Tests, docs and build folders are not.
      local service="${1%-image}"
      [[ "$service" =~ ^[a-z0-9][a-z0-9._-]*$ ]] || { echo "::error::Could not compute the reuse key: '$1' names no service. Use <service>-image." >&2; exit 2; }
      INPUTS=("services/$service")
      EXCLUDE=()
      for path in public .cache node_modules test README.md jest.config.js .build.lock .built-from; do
        EXCLUDE+=("services/$service/$path")
      done
      ;;
    server-releases)
      # The servers' releases (pipeline.yml package-servers): the blog's static site, built by
      # Gatsby from the blog's folder (as for its image; the image's own files are taken too),
      # and the proxy's render.sh and nginx/, each packed by services/lib/pack-release.sh.
      INPUTS=(services/blog services/proxy/render.sh services/proxy/nginx services/lib/pack-release.sh)
      EXCLUDE=()
      for path in public .cache node_modules test README.md jest.config.js .build.lock .built-from; do
        EXCLUDE+=("services/blog/$path")
      done
      ;;
    lambda-build)
      # webpack bundles src/index.ts (src/ is taken whole) with webpack.config.js, which also
      # writes the commit into the bundle: the commit is an input (tool line below).
      INPUTS=(services/katana-lambda)
      EXCLUDE=(services/katana-lambda/build services/katana-lambda/dist
        services/katana-lambda/node_modules services/katana-lambda/test
        services/katana-lambda/README.md services/katana-lambda/jest.config.js
        services/katana-lambda/.mocharc.json)
      ;;
    lambda-package)
      # The zip of the build (downloaded as the build job's artifact) made by src/pack.
      INPUTS=(services/katana-lambda/build services/katana-lambda/src/pack
        services/katana-lambda/package.json services/katana-lambda/tsconfig.json)
      EXCLUDE=()
      ;;
    *)
      echo "::error::Could not compute the reuse key: unknown output '$1'. Use <service>-image, server-releases, lambda-build or lambda-package." >&2
      exit 2
      ;;
  esac
}

# The versions of the tools that turn the inputs into the output.
tools_of() {
  echo "tool node $(node --version)"
  echo "tool pnpm $(pnpm --version)"
  echo "tool platform $(uname -s)-$(uname -m)"
  case "$1" in
    # Every image is built with umoci (docs/decisions/0009-one-image-build.md) and a GNU tar.
    *-image) echo "tool image-builder $(image_builder)" ;;
    # pack-release.sh: GNU tar's sorted, epoch-dated archive, gzip -n.
    server-releases) echo "tool packer $(tar --version | head -1), $(gzip --version | head -1)" ;;
    lambda-build) echo "tool commit ${GITHUB_SHA:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}" ;;
  esac
}

image_builder() {
  if command -v umoci >/dev/null; then
    echo "umoci $(umoci --version | head -1), $(tar --version | head -1)"
  else
    echo none
  fi
}

# "<sha256>  <path>" for every file under the given paths (a missing path is listed as such, so
# that creating it changes the key), symlinks by their target, sorted by path.
list_files() {
  local prune=() present=()
  for path in "${EXCLUDE[@]}"; do prune+=(-path "./$path" -prune -o); done
  for path in "$@"; do
    if [[ -e "$path" || -L "$path" ]]; then present+=("./$path"); else echo "missing  $path"; fi
  done
  ((${#present[@]})) || return 0
  find "${present[@]}" "${prune[@]}" \( -type f -o -type l \) -print | sed 's,^\./,,' | sort -u |
    while IFS= read -r file; do
      if [[ -L "$file" ]]; then
        printf 'link:%s  %s\n' "$(readlink "$file")" "$file"
      else
        sha256sum -- "$file"
      fi
    done
}

manifest() {
  inputs_of "$1"
  list_files "${COMMON[@]}" "${INPUTS[@]}"
  tools_of "$1"
}

output() { if [[ -n "${GITHUB_OUTPUT:-}" ]]; then echo "$1" >>"$GITHUB_OUTPUT"; fi; }

cmd_key() {
  local name="${1:?usage: reuse.sh key NAME}"
  mkdir -p .reuse
  manifest "$name" >".reuse/$name.inputs"
  local key
  key="$(sha256sum <".reuse/$name.inputs" | cut -d' ' -f1)"
  echo "$name inputs ($(grep -c . ".reuse/$name.inputs") lines, .reuse/$name.inputs): key $key"
  output "key=$key"
  output "short=${key:0:16}"
}

cmd_seal() {
  local dir="${1:?usage: reuse.sh seal DIR [FROM]}" from="${2-}"
  if [[ -n "$from" ]]; then
    [[ -d "$from" ]] || { echo "::error::Could not seal $dir: $from is not a folder. Build it first." >&2; exit 1; }
    rm -rf "$dir/output"
    mkdir -p "$dir"
    cp -R "$from" "$dir/output"
  fi
  [[ -d "$dir/output" ]] || { echo "::error::Could not seal $dir: $dir/output is missing. Build into $dir/output first." >&2; exit 1; }
  (cd "$dir" && find output -type f -print | sort | xargs -r -d '\n' sha256sum -- >SHA256SUMS)
  echo "sealed $dir: $(wc -l <"$dir/SHA256SUMS") files"
}

# Prints why DIR is not usable, or nothing when it is.
problems() {
  local dir="$1"
  [[ -f "$dir/SHA256SUMS" && -d "$dir/output" ]] || { echo "no output/ with SHA256SUMS"; return; }
  local listed present
  listed="$(cut -d' ' -f3- "$dir/SHA256SUMS" | sort)"
  present="$(cd "$dir" && find output \( -type f -o -type l \) -print | sort)"
  [[ -n "$present" ]] || { echo "output/ is empty"; return; }
  [[ "$listed" == "$present" ]] || { echo "the files differ from those SHA256SUMS lists"; return; }
  (cd "$dir" && sha256sum --check --strict --quiet SHA256SUMS >/dev/null 2>&1) || { echo "a file's sha256 differs from SHA256SUMS"; return; }
  local blob
  while IFS= read -r blob; do
    [[ "$(sha256sum <"$blob" | cut -d' ' -f1)" == "$(basename "$blob")" ]] || { echo "blob $(basename "$blob") is not named by its sha256"; return; }
  done < <(find "$dir/output/blobs/sha256" -type f 2>/dev/null)
}

cmd_verify() {
  local dir="${1:?usage: reuse.sh verify DIR [CACHE_HIT]}" hit="${2-true}" why
  if [[ "$hit" != true ]]; then
    echo "nothing restored for this key: building"
  else
    why="$(problems "$dir")"
    if [[ -z "$why" ]]; then
      echo "verified $dir: every file matches SHA256SUMS; reusing it"
      output "reused=true"
      return
    fi
    echo "::warning::The restored output in $dir is not used: $why. Building it instead; delete its cache entry so that a later run saves a good one."
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  output "reused=false"
}

case "${1:-}" in
  key) cmd_key "${@:2}" ;;
  seal) cmd_seal "${@:2}" ;;
  verify) cmd_verify "${@:2}" ;;
  *) echo "usage: reuse.sh key NAME | seal DIR | verify DIR" >&2; exit 2 ;;
esac
