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
#
# make check runs the same suite again under a sanitizer or valgrind
# (tests/check.sh), through these (all empty by default):
#   WRAP     command words put before every program that loads LIB or runs
#            UNIT: "valgrind --leak-check=full ...", "env LD_PRELOAD=..."
#   REPORTS  the directory where that tool writes its reports (valgrind
#            --log-file, ASAN_OPTIONS/UBSAN_OPTIONS log_path): a non-empty
#            file there after a program ran fails that program's check
#   NAME     a prefix for every check's name ("asan: ")
#   STEPS    the steps to run, of: build unit sql checker errors load
#            python (default all)
#   SKIP     tests/sql scripts not to run; each is listed as skipped
#   SKIP_ERRORS  a file of errors.tsv statements not to run, one a line
#            (listed as skipped too)
#   RESULTS  append the ok/FAIL/skip lines to this file instead of ending
#            with the count (make test counts every pass together)
set -u
SQLITE3=${SQLITE3:-sqlite3}
LIB=${LIB:-./bce.so}
UNIT=${UNIT:-build/unit_core build/unit_arrays}
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
WRAP=${WRAP:-}
REPORTS=${REPORTS:-}
NAME=${NAME:-}
STEPS=${STEPS:-build unit sql checker errors load python readme host}
SKIP=${SKIP:-}
SKIP_ERRORS=${SKIP_ERRORS:-/dev/null}
RESULTS=${RESULTS:-}
TAB=$(printf '\t')

out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

ok()   { printf 'ok|%s%s\n' "$NAME" "$1" >>"$out"; }
fail() { printf 'FAIL|%s%s|%s\n' "$NAME" "$1" "$2" >>"$out"; }
skip() { printf 'skip|%s%s|%s\n' "$NAME" "$1" "$2" >>"$out"; }
step() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }

# Lines of a check program's stdout: only ok/FAIL lines are expected.
collect() {  # collect SOURCE < lines
  while IFS= read -r line; do
    case $line in
      ok\|*) ok "${line#ok|}" ;;
      FAIL\|*) printf 'FAIL|%s%s\n' "$NAME" "${line#FAIL|}" >>"$out" ;;
      *) fail "$1" "unexpected output: $line" ;;
    esac
  done
}

# After each program under WRAP: its tool's reports, if any, fail it.
tool_reports() {  # tool_reports SOURCE
  [ -n "$REPORTS" ] || return 0
  for r in "$REPORTS"/*; do
    [ -e "$r" ] || continue
    [ -s "$r" ] && fail "$1" "report of $(basename "$r"): $(head -c 3000 "$r")"
    rm -f "$r"
  done
}

want_version=$(sed -n 's/^#define BCE_VERSION "\(.*\)"$/\1/p' src/version.h)

# 1. Warning-free builds with every compiler the project supports: the
#    extension and the C test programs of make check.
if step build; then
  for cc in gcc clang; do
    if make -s CC="$cc" BUILD="build/$cc" "build/$cc/$(basename "$LIB")" \
         "build/$cc/unit_core" "build/$cc/concurrency" "build/$cc/oom" \
         "build/$cc/fuzz_bce_main" "build/$cc/unit_arrays" >"$err" 2>&1; then
      ok "build with $cc -std=c11 -Wall -Wextra -Werror"
    else
      fail "build with $cc -std=c11 -Wall -Wextra -Werror" "$(head -c 600 "$err")"
    fi
  done
fi

# 2. Unit tests of src/, no SQLite involved.
if step unit; then
  for unit in $UNIT; do
    $WRAP "$unit" >"$out.unit" 2>"$err"
    rc=$?
    collect "$unit" <"$out.unit"
    rm -f "$out.unit"
    # exit 1 means failed checks (already listed); anything else is a crash
    [ $rc -gt 1 ] || [ -s "$err" ] && fail "$unit" "exit $rc: $(head -c 600 "$err")"
    tool_reports "$unit"
  done
fi

# 3. SQL test scripts.  A script that stops on an error fails as a whole.
if step sql; then
  for f in tests/sql/*.sql; do
    case " $SKIP " in
      *" $f "*) printf 'skip|%s%s\n' "$NAME" "$f" >>"$out"; continue ;;
    esac
    $WRAP "$SQLITE3" -batch -bail :memory: -cmd ".load $LIB" ".read $f" \
      2>"$err" >"$out.script"
    rc=$?
    collect "$f" <"$out.script"
    if [ $rc -ne 0 ] || [ -s "$err" ]; then
      fail "$f" "stopped (exit $rc): $(head -c 600 "$err")"
    fi
    tool_reports "$f"
  done
  rm -f "$out.script"
fi

# 4. The checker itself must reject each row of must_fail.sql.
if step checker; then
  $WRAP "$SQLITE3" -batch -bail :memory: -cmd ".load $LIB" \
    ".read tests/checker/must_fail.sql" 2>"$err" >"$out.checker"
  while IFS= read -r line; do
    case $line in
      FAIL\|*) name=${line#FAIL|}; ok "checker rejects: ${name%%|*}" ;;
      *) fail "checker accepted a wrong value" "$line" ;;
    esac
  done <"$out.checker"
  rm -f "$out.checker"
  [ -s "$err" ] && fail "tests/checker/must_fail.sql" "$(head -c 600 "$err")"
  tool_reports "tests/checker/must_fail.sql"
fi

# 5. Errors: each line of errors.tsv is SQL, a tab, and the exact message.
#    Each statement must fail, print no row, and say exactly that.  They
#    run in one shell that goes on after an error (one process each was
#    too slow under valgrind): statement k is line 2k of the shell's input,
#    after a line that prints "@@k", so a row on stdout belongs to the last
#    marker before it and "... error near line 2k: ..." on stderr to k.
if step errors; then
  k=0
  while IFS="$TAB" read -r sql want; do
    case $sql in ''|'#'*) continue ;; esac
    if grep -qxF -e "$sql" "$SKIP_ERRORS"; then
      printf 'skip|%serror: %s\n' "$NAME" "$sql" >>"$out"
      continue
    fi
    k=$((k + 1))
    printf '.print @@%d\n%s\n' "$k" "$sql" >>"$out.stmts"
    printf '%s\n' "$want" >>"$out.want"
    printf '%s\n' "$sql" >>"$out.sql"
  done <tests/errors.tsv
  $WRAP "$SQLITE3" -batch :memory: -cmd ".load $LIB" \
    <"$out.stmts" >"$out.rows" 2>"$err"
  rc=$?
  [ $rc -gt 1 ] && fail "tests/errors.tsv" "the shell exited with $rc"
  tool_reports "tests/errors.tsv"
  # stderr: one "(Runtime|Parse) error near line N: msg" per statement; a
  # parse error adds the statement and a caret, indented; nothing else
  sed -n -e '/^[A-Za-z]* error near line [0-9]*: /{' \
    -e 's/^[A-Za-z]* error near line \([0-9]*\): /\1 /p' -e d -e '}' \
    -e '/^  /d' -e 's/^/unexpected stderr: /p' "$err" >"$out.errs"
  i=0
  while IFS= read -r want; do
    i=$((i + 1))
    sql=$(sed -n "${i}p" "$out.sql")
    got=$(sed -n "s/^$((2 * i)) //p" "$out.errs")
    rows=$(sed -n "/^@@$i\$/,/^@@/p" "$out.rows" | grep -v '^@@')
    if [ "$got" = "$want" ] && [ -z "$rows" ] &&
       grep -q "^@@$i\$" "$out.rows"; then
      ok "error: $want"
    else
      fail "error: $sql" "got '$got', rows '$rows', want '$want'"
    fi
  done <"$out.want"
  grep '^unexpected stderr: ' "$out.errs" | while IFS= read -r line; do
    printf 'FAIL|%stests/errors.tsv|%s\n' "$NAME" "$line"
  done >>"$out"
  rm -f "$out.stmts" "$out.want" "$out.sql" "$out.rows" "$out.errs"
fi

# 6. `.load ./bce` without a suffix finds sqlite3_bce_init by itself, and
#    bce_version() is the string of src/version.h.
if step load; then
  want=$want_version
  got=$($WRAP "$SQLITE3" -batch :memory: -cmd ".load ${LIB%.*}" \
        "SELECT bce_version();" 2>&1)
  if [ -n "$want" ] && [ "$got" = "$want" ]; then
    ok ".load ${LIB%.*}: bce_version() = src/version.h ($want)"
  else
    fail ".load ${LIB%.*}: bce_version()" "got '$got', want '$want'"
  fi
  tool_reports ".load ${LIB%.*}"
fi

# 7. Python's sqlite3 module, as the README shows it.  Debian's python3 can
#    load extensions; other builds often cannot (see the README).
if step python; then
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
fi

# 13. The README's error table: each row whose input is a call is run and
#     must fail with exactly the message the README shows.
if step readme; then
  sed -n '/^### Errors/,/^## /p' README.md |
    sed -n 's/^| `\([a-z_]*(.*)\)` | `\(.*\)` |$/\1\t\2/p' >"$out.readme"
  [ -s "$out.readme" ] || fail "README errors table" "no row found"
  while IFS="$TAB" read -r call want; do
    got=$("$SQLITE3" -batch :memory: -cmd ".load $LIB" "SELECT $call;" 2>&1 >/dev/null |
          head -n 1 | sed -e 's/^Error: //' -e 's/^stepping, //' -e 's/^in prepare, //')
    if [ "$got" = "$want" ]; then
      ok "README error table: $call"
    else
      fail "README error table: $call" "got '$got', README says '$want'"
    fi
  done <"$out.readme"
  rm -f "$out.readme"
fi

# 8-12: the library as others use it: linked in, installed, cross-built.
if step host; then
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
fi

if [ -n "$RESULTS" ]; then
  cat "$out" >>"$RESULTS"
  exit 0
fi
sh tests/summary.sh "$out"
