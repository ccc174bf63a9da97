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
sqlite_bce/__init__.py sqlite_bce/_parallel.py sqlite_bce/_version.py sqlite_bce/bce.so"
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
