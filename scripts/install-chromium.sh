#!/usr/bin/env bash
# Installs Debian's Chromium, and a CJK font for the 【sign】 brackets, for the inbox page's
# browser test (__test__/inbox-page.test.mjs), once: a machine that has both does nothing.
# The .debs are kept under the user's cache directory. Where they cannot be installed (not
# root, no package registry), it says so and the browser test skips with that reason; it never
# fails CI on its own.
set -uo pipefail

packages=(chromium fonts-wqy-zenhei)
if dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-chromium: not root, so Debian's chromium cannot be installed here; the browser test will skip" >&2
  exit 0
fi
archives=${XDG_CACHE_HOME:-$HOME/.cache}/connector-tencent-sms-rs/apt-archives
mkdir -p "$archives/partial"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get -q update >/dev/null ||
  ! apt-get install -y -q --no-install-recommends -o "Dir::Cache::archives=$archives" "${packages[@]}" >/dev/null; then
  echo "install-chromium: apt-get could not install chromium; the browser test will skip" >&2
fi
exit 0
