#!/bin/sh
# SPDX-License-Identifier: MIT
# The wheel of `make wheel` as a user gets it: its name and tags, installed
# offline with Debian's pip into a temporary folder (--target), loaded by
# /usr/bin/python3 (tests/python_package.py), and its loadable_path() given
# to sqlite-utils --load-extension.  Prints ok/FAIL/skip lines.
#   BUILD  where make put dist/ (default build)
set -u
BUILD=${BUILD:-build}
PY=${SYSPYTHON:-/usr/bin/python3}
version=$(sed -n 's/^#define BCE_VERSION "\(.*\)"$/\1/p' src/version.h)
whl=$BUILD/dist/sqlite_bce-$version-py3-none-linux_x86_64.whl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { printf 'ok|wheel: %s\n' "$1"; }
fail() { printf 'FAIL|wheel: %s|%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 600)"; }

if [ ! -f "$whl" ]; then
  fail "wheel" "$whl missing (make wheel)"
  exit 0
fi

# The tag and the contents, read with zipfile.
got=$("$PY" - "$whl" "$version" <<'PYEOF'
import sys, zipfile
whl, version = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(whl)
wheel = z.read("sqlite_bce-%s.dist-info/WHEEL" % version).decode()
print("tag" if "Tag: py3-none-linux_x86_64\n" in wheel else "no tag")
print("platlib" if "Root-Is-Purelib: false\n" in wheel else "purelib")
print(" ".join(sorted(n for n in z.namelist() if not ".dist-info/" in n)))
PYEOF
)
want="tag
platlib
sqlite_bce/__init__.py sqlite_bce/_parallel.py sqlite_bce/_platform.py sqlite_bce/_version.py sqlite_bce/bce.so"
if [ "$got" = "$want" ]; then
  ok "WHEEL says py3-none-linux_x86_64, not pure; it holds the package and bce.so"
else
  fail "WHEEL and contents" "$got"
fi

# Offline: --no-index, so pip never asks an index for anything.
if "$PY" -m pip --version >/dev/null 2>&1; then
  if "$PY" -m pip install --quiet --no-index --no-deps --no-compile \
       --target "$tmp/site" "$whl" >"$tmp/log" 2>&1; then
    ok "pip install --no-index --target TMP (offline)"
  else
    fail "pip install --no-index --target TMP" "$(cat "$tmp/log")"
    exit 0
  fi
else
  # no pip (apt-get install python3-pip): a wheel is a zip
  "$PY" -m zipfile -e "$whl" "$tmp/site" &&
    printf 'skip|wheel: pip install --target|no pip for %s; unzipped instead\n' "$PY"
fi
if cmp -s "$tmp/site/sqlite_bce/bce.so" "${LIB:-./bce.so}"; then
  ok "the installed sqlite_bce/bce.so is the bce.so that make built"
else
  fail "the installed sqlite_bce/bce.so is the bce.so that make built" "they differ"
fi

"$PY" tests/python_package.py "$tmp/site" "$version" 2>"$tmp/err"
rc=$?
[ $rc -ne 0 ] || [ -s "$tmp/err" ] && fail "tests/python_package.py" "exit $rc: $(cat "$tmp/err")"

# The install commands of docs/hosts.md, run as written: the ```sh block
# after the line "<!-- run as written by tests/python_package.sh
# (make test-release): NAME -->", with HOME a temporary folder (the
# commands write under ~) and Debian's python3 first on PATH.
doc_block() {
  awk -v m="tests/python_package.sh (make test-release): $1 -->" '
    index($0, m) { found = 1; next }
    found && /^ *```sh$/ { inblock = 1; next }
    inblock && /^ *```$/ { exit }
    inblock { sub(/^  /, ""); print }' docs/hosts.md |
    sed "s|build/dist/|$BUILD/dist/|g"
}
run_doc() {  # run_doc NAME [VAR=VALUE...]: prints the block's stdout
  name=$1; shift
  block=$(doc_block "$name")
  if [ -z "$block" ]; then
    echo "no block marked '$name' in docs/hosts.md" >"$tmp/doc.err"
    return 2
  fi
  env HOME="$tmp/home" PATH="$(dirname "$PY"):/usr/bin:/bin" "$@" \
    sh -e -c "$block" 2>"$tmp/doc.err"
}
mkdir -p "$tmp/home"
want=0.916290731874155
if ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
  if [ "${CI:-}" = true ]; then fail "docs/hosts.md venv install" "no venv/ensurepip (apt-get install python3-venv)"
  else printf 'skip|wheel: docs/hosts.md venv install|no venv/ensurepip (apt-get install python3-venv)\n'; fi
elif got=$(run_doc venv) && [ "$(printf '%s' "$got" | tail -n 1)" = "$want" ]; then
  ok "docs/hosts.md: the venv install commands, as written, print $want"
else
  fail "docs/hosts.md: the venv install commands, as written" "$got $(cat "$tmp/doc.err")"
fi
if got=$(run_doc target) && [ "$(printf '%s' "$got" | tail -n 1)" = "$want" ]; then
  ok "docs/hosts.md: the pip --target install commands, as written, print $want"
else
  fail "docs/hosts.md: the pip --target install commands, as written" "$got $(cat "$tmp/doc.err")"
fi
if command -v sqlite-utils >/dev/null; then
  got=$(run_doc sqlite-utils PYTHONPATH="$tmp/home/.local/lib/sqlite-bce")
  if [ "$got" = "[{\"loss\": $want}]" ]; then
    ok "docs/hosts.md: the sqlite-utils recipe, as written"
  else
    fail "docs/hosts.md: the sqlite-utils recipe, as written" "$got $(cat "$tmp/doc.err")"
  fi
  # without the module it stops at Python's error, before sqlite-utils
  # loads an empty path (undefined symbol: sqlite3__init)
  if got=$(run_doc sqlite-utils PYTHONPATH=); then
    fail "docs/hosts.md: the sqlite-utils recipe without sqlite_bce fails" "it succeeded: $got"
  elif grep -q "No module named 'sqlite_bce'" "$tmp/doc.err" &&
       ! grep -q sqlite3__init "$tmp/doc.err"; then
    ok "docs/hosts.md: the sqlite-utils recipe without sqlite_bce stops at No module named 'sqlite_bce'"
  else
    fail "docs/hosts.md: the sqlite-utils recipe without sqlite_bce fails clearly" "$(cat "$tmp/doc.err")"
  fi
fi

# sqlite-utils (Debian's, run by /usr/bin/python3) with loadable_path().
if command -v sqlite-utils >/dev/null; then
  lib=$(PYTHONPATH="$tmp/site" "$PY" -c 'import sqlite_bce; print(sqlite_bce.loadable_path())')
  got=$(sqlite-utils memory --load-extension "$lib" --raw \
        "SELECT bce(column1, column2) < 0.2161618746805795 AND bce(column1, column2) > 0.2161618746805785 FROM (VALUES (1, 0.9), (0, 0.1), (0, 0.2), (1, 0.65))" 2>&1)
  if [ "$got" = 1 ]; then
    ok "sqlite-utils memory --load-extension \$(loadable_path()): scikit-learn's example"
  else
    fail "sqlite-utils --load-extension loadable_path()" "$got"
  fi
elif [ "${CI:-}" = true ]; then
  fail "sqlite-utils --load-extension" "sqlite-utils not installed (apt-get install sqlite-utils)"
else
  printf 'skip|wheel: sqlite-utils --load-extension|not installed (apt-get install sqlite-utils)\n'
fi
