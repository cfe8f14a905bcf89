#!/usr/bin/env bash
# The console of `parley serve` in Debian's Chromium (tests/serve/browser.js, puppeteer-core from npm:
# `npm ci` in tests/serve, PUPPETEER_SKIP_DOWNLOAD=1: no browser is downloaded).  Screenshot:
# <build>/serve-console.png.  Exit 77 (skipped) when Chromium, node or tests/serve/node_modules is absent.
# Usage: browser.sh PARLEY SOURCE_DIR BUILD_DIR
set -u
parley=$(realpath "$1")
src=$2
mkdir -p "$3" && outdir=$(realpath "$3")
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then echo "SKIP: chromium is not installed (apt-get install chromium)"; exit 77; fi
if ! command -v node >/dev/null; then echo "SKIP: node is not installed (apt-get install nodejs)"; exit 77; fi
if [ ! -d "$src/tests/serve/node_modules/puppeteer-core" ]; then
  echo "SKIP: puppeteer-core is not installed (cd tests/serve && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)"; exit 77
fi
cd "$src" || exit 1
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir "$work/save"
PARLEY_SERVE_TOKEN=$token "$parley" serve examples/abu-dhabi-2026.yaml --listen 127.0.0.1:0 \
  --save-dir "$work/save" >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
for _ in $(seq 100); do grep -q 'http://' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" | head -1)
[ -n "$url" ] || { echo "FAIL: the server did not start"; cat "$work/serve.err"; exit 1; }
URL=$url CHROMIUM=$browser PARLEY=$parley SHOT=$outdir/serve-console.png HOME=$work SAVE=$work/save \
  node "$src/tests/serve/browser.js"
