#!/usr/bin/env bash
# Installs, from Debian's packages, what some tests need beside Node and Rust, once (a machine
# that has them does nothing): Chromium and a CJK font (for the 【sign】 brackets) for the inbox
# page's browser test, and redis-server for the guard's shared-counter test, which starts its
# own instance on a loopback port. The .debs are kept under the user's cache directory. Where
# they cannot be installed (not root, no package registry), it says so and those tests skip
# with that reason; it never fails CI on its own.
set -uo pipefail

packages=(chromium fonts-wqy-zenhei redis-server)
if dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-test-tools: not root, so Debian's packages cannot be installed here; the browser and Redis tests will skip" >&2
  exit 0
fi
archives=${XDG_CACHE_HOME:-$HOME/.cache}/connector-tencent-sms-rs/apt-archives
mkdir -p "$archives/partial"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get -q update >/dev/null ||
  ! apt-get install -y -q --no-install-recommends -o "Dir::Cache::archives=$archives" "${packages[@]}" >/dev/null; then
  echo "install-test-tools: apt-get could not install ${packages[*]}; the browser and Redis tests will skip" >&2
fi
exit 0
