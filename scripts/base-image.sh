#!/bin/sh
# Builds a minimal local base image from THIS machine's node binary, for machines that cannot
# pull any image (no registry reachable). Layout mirrors gcr.io/distroless/nodejs20-debian12
# (node at /nodejs/bin/node) so the one Dockerfile serves both bases.
# Contents: node + the shared libraries ldd lists + the dynamic loader, /etc/passwd and
# /etc/group (root, nobody, krm), a 1777 /tmp. No shell, no package manager.
#
# Usage: scripts/base-image.sh [--force]
# Env:   BASE_IMAGE_NAME (default localhost/observability-krm-base:node<major>)
#        CONTAINER_ENGINE (default podman), FORCE=1 (same as --force)
# Prints the image reference as the last line of stdout.
set -eu

ENGINE=${CONTAINER_ENGINE:-podman}
FORCE=${FORCE:-0}
[ "${1:-}" = "--force" ] && FORCE=1

NODE=$(readlink -f "$(command -v node)")
NODE_VERSION=$("$NODE" -p 'process.version')        # e.g. v20.20.2
MAJOR=$("$NODE" -p 'process.versions.node.split(".")[0]')
NAME=${BASE_IMAGE_NAME:-localhost/observability-krm-base:node$MAJOR}
KRM_ID=10001

# Skip when an image built from the same node version exists (a node upgrade rebuilds it).
if [ "$FORCE" != 1 ]; then
  have=$($ENGINE image inspect --format '{{ index .Config.Labels "org.nodejs.version" }}' "$NAME" 2>/dev/null || true)
  if [ "$have" = "$NODE_VERSION" ]; then
    echo "$NAME"
    exit 0
  fi
fi

ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT

mkdir -p "$ROOT/nodejs/bin" "$ROOT/etc" "$ROOT/proc" "$ROOT/sys" "$ROOT/dev"
# Debug symbols are dead weight in an image (~12 MB); strip when binutils is there.
if command -v strip >/dev/null 2>&1; then
  strip --strip-unneeded -o "$ROOT/nodejs/bin/node" "$NODE"
else
  cp "$NODE" "$ROOT/nodejs/bin/node"
fi
chmod 0755 "$ROOT/nodejs/bin/node"

# Libraries at the path ldd reports (the loader finds them in its built-in search dirs),
# plus the loader itself (the line without "=>"). Symlinks are resolved into plain files.
ldd "$NODE" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
  while read -r lib; do
    mkdir -p "$ROOT$(dirname "$lib")"
    cp -L "$lib" "$ROOT$lib"
  done

# kpt runs functions with `--user nobody`, which the engine resolves through /etc/passwd.
cat >"$ROOT/etc/passwd" <<EOF
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
krm:x:$KRM_ID:$KRM_ID:krm:/tmp:/sbin/nologin
EOF
cat >"$ROOT/etc/group" <<EOF
root:x:0:
nogroup:x:65534:
krm:x:$KRM_ID:
EOF
chmod 0644 "$ROOT/etc/passwd" "$ROOT/etc/group"
mkdir -p "$ROOT/tmp" && chmod 1777 "$ROOT/tmp"   # the only place a function may write

# Root-owned, fixed mtimes and order: same node => same layer digest.
tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$ROOT" -cf - . |
  $ENGINE import \
    --change "USER $KRM_ID:$KRM_ID" \
    --change 'ENV PATH=/nodejs/bin' \
    --change 'WORKDIR /tmp' \
    --change 'ENTRYPOINT ["/nodejs/bin/node"]' \
    --change "LABEL org.nodejs.version=$NODE_VERSION" \
    --change 'LABEL org.opencontainers.image.description="Minimal node runtime assembled from the host node binary (no shell)"' \
    --message "node $NODE_VERSION from $NODE" \
    - "$NAME" >&2

echo "$NAME"
