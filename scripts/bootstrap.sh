#!/usr/bin/env bash
# Sets up a fresh Debian machine (its Node 20 or later) for nnwasm, builds it and
# runs the Node example:
#   bash scripts/bootstrap.sh            # install, build, run examples/node.mjs
#   bash scripts/bootstrap.sh --deps     # install only (what .ci/run uses)
# As root it apt-gets what is missing; otherwise it prints the exact command.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: compiler toolchains and test frameworks.
#   emscripten  - emcc 3.1.6, the WebAssembly builds
#   cmake g++ make - native kernel tests
#   googletest libgtest-dev - GoogleTest sources (for the em++ build) and headers/libs
#   chromium    - headless browser tests
#   clang libclang-rt-14-dev - libFuzzer targets (npm run fuzz)
PACKAGES=(emscripten cmake g++ make googletest libgtest-dev chromium clang libclang-rt-14-dev)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "bootstrap: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing Debian packages. Run:"
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
fi

if ! command -v node >/dev/null || (( $(node -p 'process.versions.node.split(".")[0]') < 20 )); then
  echo "bootstrap: Node.js >= 20 is needed to build and test (22 or 24 recommended); found: $(node --version 2>/dev/null || echo none)"
  exit 1
fi

echo "bootstrap: npm ci"
npm ci --no-audit --no-fund --loglevel=error
# Node 22 and 24 for npm test's extra Jest runs, in their own folder: their
# `node` bin must not shadow the system Node in the root's npm scripts.
echo "bootstrap: npm ci --prefix tools/node-versions (Node 22 and 24 for npm test)"
npm ci --prefix tools/node-versions --no-audit --no-fund --loglevel=error

if [[ "${1:-}" == "--deps" ]]; then exit 0; fi

npm run build --silent
node examples/node.mjs
