#!/bin/sh
# SPDX-License-Identifier: MIT
# make test-browser: the WebAssembly build (make wasm) in Node and in
# Chromium.  Prints ok/FAIL/skip lines:
#   - the module's API in Node 20 (tests/wasm_node.mjs);
#   - the SQL suite of make test in the module, every check's value the
#     native extension's to the bit (tests/wasm_suite.py);
#   - the page in Debian's headless Chromium, driven by playwright-core
#     from npm (tests/wasm_browser.mjs), a screenshot in BUILD/;
#   - the size of the .wasm, gzip-compressed (goal: at most 1 MB).
# Without emcc, chromium or the npm registry the checks are skipped, and
# with BCE_REQUIRE_BROWSER=1 (CI) they fail instead.
#   BUILD  where make put the module (default build)
set -u
BUILD=${BUILD:-build}
LIB=${LIB:-./bce.so}
NPM=${NPM:-npm}
HOST=${BROWSER_HOST:-$BUILD/browser-host}
WASM=$BUILD/wasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { printf 'ok|%s\n' "$1"; }
fail() { printf 'FAIL|%s|%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 600)"; }
missing() {  # missing NAME WHY: skip, or FAIL where required
  if [ "${BCE_REQUIRE_BROWSER:-}" = 1 ]; then fail "$1" "$2"
  else printf 'skip|%s|%s\n' "$1" "$2"; fi
}
# programs that print ok/FAIL lines: their lines, and a crash or stray
# output as a failure of their own
run() {  # run NAME COMMAND...
  name=$1
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  grep -E '^(ok|FAIL|skip)\|' "$tmp/out"
  if grep -qvE '^(ok|FAIL|skip)\|' "$tmp/out" || [ -s "$tmp/err" ] || [ $rc -gt 1 ]; then
    fail "$name" "exit $rc: $(grep -vE '^(ok|FAIL|skip)\|' "$tmp/out" | head -c 300) $(head -c 300 "$tmp/err")"
  fi
}

if [ ! -f "$WASM/sqlite-bce.mjs" ] || [ ! -f "$WASM/test/sqlite-bce.mjs" ]; then
  missing "wasm: the module" "not built ($WASM): make wasm needs emcc (apt-get install emscripten)"
  exit 0
fi
version=$(sed -n 's/^#define BCE_VERSION "\(.*\)"$/\1/p' src/version.h)

size=$(gzip -9 -c "$WASM/sqlite-bce-core.wasm" | wc -c)
if [ "$size" -le 1048576 ]; then
  ok "wasm: sqlite-bce-core.wasm is $size bytes gzip-compressed, SQLite included (goal: at most 1 MB)"
else
  fail "wasm: sqlite-bce-core.wasm at most 1 MB gzip-compressed" "$size bytes"
fi

run tests/wasm_node.mjs env BCE_VERSION="$version" WASM_SQLITE="${WASM_SQLITE:-}" \
  node tests/wasm_node.mjs "$WASM"

# the native side: the same SQLite as in the module, its shell built by
# make test-versions' script, and compat.c
cc -shared -fPIC -O2 -I"$BUILD/versions/${WASM_SQLITE:-3.52.0}" -o "$tmp/compat.so" \
  tests/versions/compat.c -lm 2>"$tmp/cc" ||
  fail "build tests/versions/compat.c" "$(cat "$tmp/cc")"
shell=$BUILD/versions/${WASM_SQLITE:-3.52.0}/sqlite3
if sh tests/versions/shell.sh "${WASM_SQLITE:-3.52.0}" "$shell" "$BUILD/versions" >"$tmp/shell" 2>&1; then
  run tests/wasm_suite.py /usr/bin/python3 tests/wasm_suite.py "$shell" "${LIB%.*}" \
    "$tmp/compat" "$WASM/test"
else
  fail "the native sqlite3 shell of SQLite ${WASM_SQLITE:-3.52.0}" "$(head -c 300 "$tmp/shell")"
fi

# The same-bits calls of make test-samebits, 10^5 of every per-row
# function with aggregates, windows and states: the module against the
# native library in the machine's sqlite3 shell (whose ieee754_to_blob
# writes the bits; the test module has compat.c's).
if sqlite3 -batch :memory: -cmd ".load ${LIB%.*}" ".read tests/samebits/calls.sql" \
     >"$tmp/native.out" 2>"$tmp/native.err" && [ ! -s "$tmp/native.err" ]; then
  node tests/wasm_samebits.mjs "$WASM/test" tests/samebits/calls.sql >"$tmp/wasm.out" 2>"$tmp/wasm.err"
  n=$(wc -l <"$tmp/native.out")
  if [ -s "$tmp/wasm.err" ]; then
    fail "samebits: wasm" "the run failed: $(head -c 300 "$tmp/wasm.err")"
  elif cmp -s "$tmp/native.out" "$tmp/wasm.out"; then
    ok "samebits: wasm: $n results bit for bit as the native library's"
  else
    fail "samebits: wasm" "differs: $(paste -d'\t' "$tmp/native.out" "$tmp/wasm.out" |
      awk -F'\t' '$1 != $2 { split($1, r, "|"); bad[r[1]]++; if (!(r[1] in ex)) ex[r[1]] = $1 " vs " $2 }
                  END { for (f in bad) printf "%s %d (%s); ", f, bad[f], ex[f] }' | head -c 500)"
  fi
else
  fail "samebits: the native reference" "$(head -c 300 "$tmp/native.err")"
fi

# The browser: Debian's chromium, playwright-core from npm (kept in HOST).
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  missing "browser: the page in Chromium" "no $chromium (apt-get install chromium)"
  exit 0
fi
if [ ! -f "$HOST/node_modules/playwright-core/package.json" ]; then
  mkdir -p "$HOST"
  [ -f "$HOST/package.json" ] ||
    printf '{ "name": "bce-browser-host", "private": true }\n' >"$HOST/package.json"
  if ! (cd "$HOST" && "$NPM" install --no-audit --no-fund playwright-core@1) >"$tmp/npm" 2>&1; then
    missing "browser: npm install playwright-core" "$(tail -n 3 "$tmp/npm")"
    exit 0
  fi
fi
want=$(sqlite3 :memory: -cmd ".load ${LIB%.*}" -cmd '.import --csv sql/predictions.csv predictions' \
  "SELECT json_group_object(model, printf('%!.17g', l)) FROM (SELECT model,
     bce(nullif(label, ''), nullif(prob, '')) AS l FROM predictions GROUP BY model)")
mkdir -p "$BUILD/shots"
here=$(pwd)
run tests/wasm_browser.mjs sh -c "cd '$HOST' && CHROMIUM='$chromium' node '$here/tests/wasm_browser.mjs' \
  '$here/$WASM' '$here/sql/predictions.csv' '$want' '$here/$BUILD/shots'"
