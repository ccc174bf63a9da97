#!/bin/sh
# The test runner behind `make test`.  Every check prints one line,
# "ok|name" or "FAIL|name|why"; this script gathers them, shows the
# failures, and ends with "N passed, N failed" (exit 1 on any failure).
#
#   SQLITE3  the sqlite3 shell           (default sqlite3)
#   LIB      the extension to load       (default ./bce.so)
#   UNIT     the C unit-test binaries    (default build/unit_core
#                                         build/unit_arrays)
#   BUILD    where make put the other test programs (default build)
#   BCE_REQUIRE_WINDOWS=1  fail, not skip, when mingw-w64 is missing (CI)
set -u
SQLITE3=${SQLITE3:-sqlite3}
LIB=${LIB:-./bce.so}
UNIT=${UNIT:-build/unit_core build/unit_arrays}
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
TAB=$(printf '\t')

out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

ok()   { printf 'ok|%s\n' "$1" >>"$out"; }
fail() { printf 'FAIL|%s|%s\n' "$1" "$2" >>"$out"; }
skip() { printf 'skip|%s|%s\n' "$1" "$2" >>"$out"; }

# Lines of a check program's stdout: only ok/FAIL lines are expected.
collect() {  # collect SOURCE < lines
  while IFS= read -r line; do
    case $line in
      ok\|*|FAIL\|*) printf '%s\n' "$line" >>"$out" ;;
      *) fail "$1" "unexpected output: $line" ;;
    esac
  done
}

# 1. Warning-free builds with every compiler the project supports.
for cc in gcc clang; do
  if make -s CC="$cc" BUILD="build/$cc" "build/$cc/$(basename "$LIB")" \
       >"$err" 2>&1; then
    ok "build with $cc -std=c11 -Wall -Wextra -Werror"
  else
    fail "build with $cc -std=c11 -Wall -Wextra -Werror" "$(head -c 600 "$err")"
  fi
done

# 2. Unit tests of src/, no SQLite involved.
for unit in $UNIT; do
  "$unit" >"$out.unit" 2>"$err"
  rc=$?
  collect "$unit" <"$out.unit"
  rm -f "$out.unit"
  # exit 1 means failed checks (already listed); anything else is a crash
  [ $rc -gt 1 ] || [ -s "$err" ] && fail "$unit" "exit $rc: $(head -c 600 "$err")"
done

# 3. SQL test scripts.  A script that stops on an error fails as a whole.
for f in tests/sql/*.sql; do
  "$SQLITE3" -batch -bail :memory: -cmd ".load $LIB" ".read $f" \
    2>"$err" >"$out.script"
  rc=$?
  collect "$f" <"$out.script"
  if [ $rc -ne 0 ] || [ -s "$err" ]; then
    fail "$f" "stopped (exit $rc): $(head -c 600 "$err")"
  fi
done
rm -f "$out.script"

# 4. The checker itself must reject each row of must_fail.sql.
"$SQLITE3" -batch -bail :memory: -cmd ".load $LIB" \
  ".read tests/checker/must_fail.sql" 2>"$err" |
while IFS= read -r line; do
  case $line in
    FAIL\|*) name=${line#FAIL|}; printf 'ok|checker rejects: %s\n' "${name%%|*}" ;;
    *) printf 'FAIL|checker accepted a wrong value|%s\n' "$line" ;;
  esac
done >>"$out"
[ -s "$err" ] && fail "tests/checker/must_fail.sql" "$(head -c 600 "$err")"

# 5. Errors: each line of errors.tsv is SQL, a tab, and the exact message.
#    The statement must fail, print no row, and say exactly that.
while IFS="$TAB" read -r sql want; do
  case $sql in ''|'#'*) continue ;; esac
  got=$("$SQLITE3" -batch :memory: -cmd ".load $LIB" "$sql" 2>&1 >"$out.rows")
  rc=$?
  msg=$(printf '%s\n' "$got" | head -n 1 |
        sed -e 's/^Error: //' -e 's/^stepping, //' -e 's/^in prepare, //')
  if [ $rc -ne 0 ] && [ "$msg" = "$want" ] && [ ! -s "$out.rows" ]; then
    ok "error: $want"
  else
    fail "error: $sql" "exit $rc, got '$msg', rows '$(cat "$out.rows")', want '$want'"
  fi
done <tests/errors.tsv
rm -f "$out.rows"

# 6. `.load ./bce` without a suffix finds sqlite3_bce_init by itself, and
#    bce_version() is the string of src/version.h.
want_version=$(sed -n 's/^#define BCE_VERSION "\(.*\)"$/\1/p' src/version.h)
want=$want_version
got=$("$SQLITE3" -batch :memory: -cmd ".load ${LIB%.*}" \
      "SELECT bce_version();" 2>&1)
if [ -n "$want" ] && [ "$got" = "$want" ]; then
  ok ".load ${LIB%.*}: bce_version() = src/version.h ($want)"
else
  fail ".load ${LIB%.*}: bce_version()" "got '$got', want '$want'"
fi

# 7. Python's sqlite3 module, as the README shows it.  Debian's python3 can
#    load extensions; other builds often cannot (see the README).
if [ -x /usr/bin/python3 ]; then
  /usr/bin/python3 tests/python_load.py "${LIB%.*}" >"$out.py" 2>"$err"
  rc=$?
  collect tests/python_load.py <"$out.py"
  rm -f "$out.py"
  [ $rc -gt 1 ] || [ -s "$err" ] &&
    fail "tests/python_load.py" "exit $rc: $(head -c 600 "$err")"
else
  fail "tests/python_load.py" "/usr/bin/python3 not found"
fi

# 8. Linked in instead of loaded: libbce.a in a host program (make static).
"$BUILD/host_static" >"$out.host" 2>"$err"
rc=$?
collect "$BUILD/host_static" <"$out.host"
rm -f "$out.host"
[ $rc -gt 1 ] || [ -s "$err" ] &&
  fail "$BUILD/host_static" "exit $rc: $(head -c 600 "$err")"

# 9. The loadable library exports its entry point and nothing else.
if command -v nm >/dev/null && [ "${LIB##*.}" = so ]; then
  got=$(nm -D --defined-only "$LIB" | awk '$2 == "T" { print $3 }' | tr '\n' ' ')
  if [ "$got" = "sqlite3_bce_init " ]; then
    ok "$LIB exports only sqlite3_bce_init"
  else
    fail "$LIB exports only sqlite3_bce_init" "exports: $got"
  fi
fi

# 10. An SQLite older than the floor gets a clear refusal.  The library
#     under test is built with the floor raised to 99.0.0.
want="error during initialization: bce: needs SQLite 99.0.0 or later (window functions); this is $("$SQLITE3" --version | cut -d' ' -f1)"
got=$("$SQLITE3" -batch :memory: -cmd ".load $BUILD/minver/bce" "SELECT 1;" 2>&1 >/dev/null |
      head -n 1 | sed 's/^Error: //')
if [ "$got" = "$want" ]; then
  ok "too old an SQLite: '$want'"
else
  fail "too old an SQLite" "got '$got', want '$want'"
fi

# 11. make install and uninstall, into a temporary DESTDIR; once
#     installed, `.load bce` by name alone works where the loader looks.
dest=$(mktemp -d)
if $MAKE -s install DESTDIR="$dest" PREFIX=/usr/local >"$err" 2>&1 &&
   [ -f "$dest/usr/local/lib/$(basename "$LIB")" ] &&
   [ -f "$dest/usr/local/lib/libbce.a" ] &&
   [ -f "$dest/usr/local/include/sqlite3_bce.h" ]; then
  ok "make install DESTDIR=... PREFIX=/usr/local: library, archive, header"
  got=$(cd / && LD_LIBRARY_PATH="$dest/usr/local/lib" "$SQLITE3" -batch :memory: \
        -cmd ".load bce" "SELECT bce_version();" 2>&1)
  if [ "$got" = "$want_version" ]; then
    ok "installed: .load bce (no path) with the directory on the loader's path"
  else
    fail "installed: .load bce" "got '$got'"
  fi
  if $MAKE -s uninstall DESTDIR="$dest" PREFIX=/usr/local >"$err" 2>&1 &&
     [ -z "$(find "$dest" -type f)" ]; then
    ok "make uninstall removes every installed file"
  else
    fail "make uninstall" "left: $(find "$dest" -type f | tr '\n' ' ') $(head -c 300 "$err")"
  fi
else
  fail "make install DESTDIR=..." "$(head -c 600 "$err"; find "$dest" -type f)"
fi
rm -rf "$dest"

# 12. The code compiles for Windows (mingw-w64 cross-compiler) and the DLL
#     exports the entry point.
if command -v "${MINGW_CC:-x86_64-w64-mingw32-gcc}" >/dev/null; then
  if $MAKE -s windows >"$err" 2>&1; then
    exports=$(x86_64-w64-mingw32-objdump -p "$BUILD/windows/bce.dll" 2>/dev/null |
              sed -n '/Ordinal\/Name Pointer/,/^$/p' | grep -c 'sqlite3_bce_init')
    if [ "$exports" = 1 ]; then
      ok "Windows cross-build: bce.dll exports sqlite3_bce_init"
    else
      fail "Windows cross-build" "sqlite3_bce_init not exported"
    fi
  else
    fail "Windows cross-build" "$(head -c 600 "$err")"
  fi
elif [ "${BCE_REQUIRE_WINDOWS:-0}" = 1 ]; then
  fail "Windows cross-build" "x86_64-w64-mingw32-gcc not found"
else
  skip "Windows cross-build" "no x86_64-w64-mingw32-gcc (apt-get install gcc-mingw-w64-x86-64)"
fi

grep -e '^FAIL|' -e '^skip|' "$out"
passed=$(grep -c '^ok|' "$out")
failed=$(grep -c '^FAIL|' "$out")
skipped=$(grep -c '^skip|' "$out")
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
