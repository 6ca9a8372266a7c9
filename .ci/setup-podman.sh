#!/bin/sh
# Prepares a machine (CI runner or dev box) to build and run the function images with podman.
# Idempotent: safe to run again; it only installs what is missing and only rewrites the
# config file when a setting actually changes.
set -eu

SUDO=''
[ "$(id -u)" = 0 ] || SUDO='sudo'

# 1. podman + runc (crun does not work in every sandbox, so runc is installed explicitly).
#    Recommends are kept: uidmap, slirp4netns and fuse-overlayfs are what rootless podman needs
#    when CI does not run as root.
if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y podman runc
fi

# 2. containers.conf: merge our two settings into the file, keeping everything else.
CONF=${CONTAINERS_CONF_FILE:-/etc/containers/containers.conf}

# set_toml SECTION KEY VALUE < in > out
# Replaces KEY inside [SECTION] (also a value spanning several lines, e.g. an array),
# adds it right after the header when absent, or appends the section when missing.
set_toml() {
  awk -v sec="[$1]" -v key="$2" -v val="$3" '
    function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
    function emit() { print key " = " val; done = 1 }
    skip { if (index($0, "]")) skip = 0; next }   # rest of a replaced multi-line value
    /^[ \t]*\[/ {
      if (insec && !done) emit()
      insec = (trim($0) == sec)
      print
      if (insec) { print key " = " val; done = 1 }
      next
    }
    insec && $0 ~ "^[ \t]*" key "[ \t]*=" {
      v = $0; sub(/^[^=]*=[ \t]*/, "", v)
      if (v ~ /^\[/ && !index(v, "]")) skip = 1
      next                                       # dropped: the new line was printed under the header
    }
    { print }
    END { if (!done) { print ""; print sec; emit() } }
  '
}

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.2"' EXIT
if [ -f "$CONF" ]; then cat "$CONF" >"$tmp"; else : >"$tmp"; fi
# crun fails in some sandboxes; runc works everywhere we run.
set_toml engine runtime '"runc"' <"$tmp" >"$tmp.2" && mv "$tmp.2" "$tmp"
# The default ulimits (nofile etc.) can exceed a sandbox's hard limits: inherit instead.
set_toml containers default_ulimits '[]' <"$tmp" >"$tmp.2" && mv "$tmp.2" "$tmp"

if [ ! -f "$CONF" ] || ! cmp -s "$tmp" "$CONF"; then
  $SUDO mkdir -p "$(dirname "$CONF")"
  $SUDO cp "$tmp" "$CONF"
  $SUDO chmod 0644 "$CONF"
  echo "setup-podman: wrote $CONF"
fi

# 3. Verify as the user who will build (rootless when not root). No image can be run yet
#    (nothing may be pullable), so `podman info` is the check.
podman info --format 'podman {{.Version.Version}}, runtime {{.Host.OCIRuntime.Name}}, storage {{.Store.GraphDriverName}}'
