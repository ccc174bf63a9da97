#!/bin/sh
# SPDX-License-Identifier: MIT
# The npm package as a user gets it: the tarball of `make npm` installed
# with npm into a project next to better-sqlite3@12, then a query, an
# error, and the TypeScript types (tests/npm_package.js, npm_check.ts).
# Prints ok/FAIL/skip lines.
#
# npm needs the registry for better-sqlite3 (which it compiles, a few
# minutes) and typescript, so the project is kept in NPM_HOST (default
# build/npm-host) and made once; every run installs the tarball afresh.
# Offline, the checks are skipped; with CI=true they are required (FAIL).
#   BUILD  where make put dist/ (default build)
set -u
BUILD=${BUILD:-build}
NPM=${NPM:-npm}
HOST=${NPM_HOST:-$BUILD/npm-host}
version=$(sed -n 's/^#define BCE_VERSION "\(.*\)"$/\1/p' src/version.h)
tgz=$BUILD/dist/sqlite-bce-$version.tgz
log=$(mktemp)
trap 'rm -f "$log"' EXIT

ok()   { printf 'ok|npm: %s\n' "$1"; }
fail() { printf 'FAIL|npm: %s|%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 600)"; }
unreachable() {  # the registry could not be reached: skip, or FAIL in CI
  if [ "${CI:-}" = true ]; then
    fail "$1" "npm registry unreachable in CI: $(tail -n 5 "$log")"
  else
    printf 'skip|npm: %s|npm registry unreachable (offline?)\n' "$1"
  fi
}

if ! command -v node >/dev/null || ! command -v "$NPM" >/dev/null; then
  if [ "${CI:-}" = true ]; then fail "node and npm" "not installed"
  else printf 'skip|npm: the package|node or npm not installed\n'; fi
  exit 0
fi
if [ ! -f "$tgz" ]; then
  fail "tarball" "$tgz missing (make npm)"
  exit 0
fi
tgz=$(cd "$(dirname "$tgz")" && pwd)/$(basename "$tgz")

# Once: the project, with better-sqlite3 and typescript from the registry.
mkdir -p "$HOST"
if [ ! -f "$HOST/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ] ||
   [ ! -f "$HOST/node_modules/typescript/bin/tsc" ]; then
  [ -f "$HOST/package.json" ] ||
    printf '{ "name": "bce-npm-host", "private": true }\n' >"$HOST/package.json"
  if ! (cd "$HOST" && "$NPM" install --no-audit --no-fund \
          better-sqlite3@12 typescript@5) >"$log" 2>&1; then
    if (cd "$HOST" && "$NPM" ping) >/dev/null 2>&1; then
      fail "npm install better-sqlite3@12 typescript@5" "$(tail -n 20 "$log")"
    else
      unreachable "npm install better-sqlite3@12 typescript@5"
    fi
    exit 0
  fi
fi

# Every run: the tarball, as a user installs it.
rm -rf "$HOST/node_modules/sqlite-bce"
if (cd "$HOST" && "$NPM" install --no-save --no-audit --no-fund --offline "$tgz") >"$log" 2>&1; then
  ok "npm install sqlite-bce-$version.tgz"
else
  fail "npm install sqlite-bce-$version.tgz" "$(tail -n 20 "$log")"
  exit 0
fi
if cmp -s "$HOST/node_modules/sqlite-bce/lib/linux-x64/bce.so" "${LIB:-./bce.so}"; then
  ok "the installed lib/linux-x64/bce.so is the bce.so that make built"
else
  fail "the installed lib/linux-x64/bce.so is the bce.so that make built" "they differ"
fi

cp tests/npm_package.js tests/npm_parallel.js tests/npm_check.ts "$HOST/"
for js in npm_package.js npm_parallel.js; do
  (cd "$HOST" && node "$js" "$version") 2>"$log"
  rc=$?
  [ $rc -ne 0 ] || [ -s "$log" ] && fail "tests/$js" "exit $rc: $(head -c 600 "$log")"
done

# ES modules: named imports of the CommonJS package.
cat >"$HOST/npm_esm.mjs" <<'JSEOF'
import { getLoadablePath, load } from 'sqlite-bce';
import Database from 'better-sqlite3';
const db = new Database(':memory:');
load(db);
// -ln 0.5 = ln 2
const { l } = db.prepare('SELECT bce_term(1, 0.5) AS l').get();
console.log(Math.abs(l - Math.LN2) <= 1.2e-16 && getLoadablePath().endsWith('bce.so') ? 'ok' : `bad ${l}`);
JSEOF
got=$(cd "$HOST" && node npm_esm.mjs 2>&1)
if [ "$got" = ok ]; then
  ok "ES module: import { getLoadablePath, load } from 'sqlite-bce'; bce_term(1, 0.5) = ln 2"
else
  fail "ES module import" "$got"
fi

# The types: a right use compiles, a wrong one (load(42)) does not.
tsc="node node_modules/typescript/bin/tsc --noEmit --strict --module commonjs --moduleResolution node10"
if (cd "$HOST" && $tsc npm_check.ts) >"$log" 2>&1; then
  ok "index.d.ts: tsc --strict accepts getLoadablePath() and load(db)"
else
  fail "index.d.ts: tsc --strict accepts getLoadablePath() and load(db)" "$(head -c 600 "$log")"
fi
printf "import { load } from 'sqlite-bce';\nload(42);\n" >"$HOST/npm_wrong.ts"
(cd "$HOST" && $tsc npm_wrong.ts) >"$log" 2>&1
# TS2345: argument of type 'number' not assignable to 'ExtensionLoader'
if grep -q 'error TS2345:.*ExtensionLoader' "$log"; then
  ok "index.d.ts: tsc refuses load(42) (TS2345)"
else
  fail "index.d.ts: tsc refuses load(42)" "$(head -c 600 "$log")"
fi

# The install commands of docs/hosts.md, run as written (the ```sh block
# after "<!-- run as written by tests/npm_package.sh"), from the top of the
# tree, with a HOME of their own kept under BUILD so that better-sqlite3 is
# built once, and the user's npm configuration and cache (a Debian
# ~/.npmrc may say nodedir=/usr, where node-gyp finds Node's headers
# without fetching them).
block=$(awk '
    index($0, "run as written by tests/npm_package.sh") { found = 1; next }
    found && /^ *```sh$/ { inblock = 1; next }
    inblock && /^ *```$/ { exit }
    inblock { sub(/^  /, ""); print }' docs/hosts.md |
  sed "s|build/dist/|$BUILD/dist/|g")
dochome=$(mkdir -p "$BUILD/npm-docs-home" && cd "$BUILD/npm-docs-home" && pwd)
if [ -z "$block" ]; then
  fail "docs/hosts.md npm install" "no block marked 'run as written by tests/npm_package.sh'"
elif got=$(env HOME="$dochome" npm_config_cache="$(npm config get cache)" \
             npm_config_userconfig="$(npm config get userconfig)" \
             sh -e -c "$block" 2>"$log"); then
  # npm prints "added N packages" first; node's line is the last
  if [ "$(printf '%s' "$got" | tail -n 1)" = "{ loss: 0.916290731874155 }" ]; then
    ok "docs/hosts.md: the npm install commands, as written, print { loss: 0.916290731874155 }"
  else
    fail "docs/hosts.md: the npm install commands, as written" "$got $(tail -n 5 "$log")"
  fi
elif grep -q 'ENOTFOUND\|EAI_AGAIN\|ETIMEDOUT\|ECONNREFUSED' "$log"; then
  unreachable "docs/hosts.md: the npm install commands"
else
  fail "docs/hosts.md: the npm install commands, as written" "$(tail -n 20 "$log")"
fi
