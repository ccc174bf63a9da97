#!/bin/sh
# SPDX-License-Identifier: MIT
# The amalgamation (make amalgamation) on its own: it builds alone with
# every compiler, loadable and linked in (-DSQLITE_CORE), and its only
# global symbol is sqlite3_bce_init.  Prints ok/FAIL/skip lines.
#   AMALG_C, AMALG_H  the amalgamation and its header (build/dist/...)
#   BUILD             where make put build/amalg/libbce.a (default build)
#   BCE_REQUIRE_WINDOWS=1  fail, not skip, when mingw-w64 is missing (CI)
set -u
BUILD=${BUILD:-build}
AMALG_C=${AMALG_C:-$BUILD/dist/sqlite-bce.c}
AMALG_H=${AMALG_H:-$BUILD/dist/sqlite3_bce.h}
MINGW_CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
STRICT="-std=c11 -Wall -Wextra -Werror -ffp-contract=off"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { printf 'ok|amalgamation: %s\n' "$1"; }
fail() { printf 'FAIL|amalgamation: %s|%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 600)"; }
skip() { printf 'skip|amalgamation: %s|%s\n' "$1" "$2"; }

if [ ! -f "$AMALG_C" ] || [ ! -f "$AMALG_H" ]; then
  fail "files" "$AMALG_C or $AMALG_H missing (make amalgamation)"
  exit 0
fi

# Global (external, defined) symbols of an object or archive, one line.
globals() { nm -g --defined-only "$1" 2>&1 | awk 'NF >= 3 { print $3 }' | sort -u | tr '\n' ' '; }

# 1. The command of the file's banner, with gcc and clang, then the same
#    with the project's warnings as errors; and linked in (-DSQLITE_CORE).
for cc in gcc clang; do
  if ! command -v $cc >/dev/null; then skip "$cc" "not installed"; continue; fi
  mkdir -p "$tmp/$cc"
  if out=$($cc -O2 -fPIC -shared "$AMALG_C" -o "$tmp/$cc/bce.so" -lm 2>&1); then
    ok "$cc -O2 -fPIC -shared sqlite-bce.c -lm"
    got=$(nm -D --defined-only "$tmp/$cc/bce.so" | awk '$2 == "T" { print $3 }' | tr '\n' ' ')
    if [ "$got" = "sqlite3_bce_init " ]; then
      ok "$cc: the .so exports only sqlite3_bce_init"
    else
      fail "$cc: the .so exports only sqlite3_bce_init" "exports: $got"
    fi
    v=$(sqlite3 -batch :memory: -cmd ".load $tmp/$cc/bce" "SELECT bce_grad(1, 0.5);" 2>&1)
    # d/dp of -ln p at 0.5: -2
    [ "$v" = "-2.0" ] && ok "$cc: the .so loads, bce_grad(1, 0.5) = -2" ||
      fail "$cc: the .so loads" "got '$v'"
  else
    fail "$cc -O2 -fPIC -shared sqlite-bce.c -lm" "$out"
  fi
  if out=$($cc $STRICT -O2 -fPIC -shared "$AMALG_C" -o "$tmp/strict-$cc.so" -lm 2>&1); then
    ok "$cc $STRICT"
  else
    fail "$cc $STRICT" "$out"
  fi
  if out=$($cc $STRICT -O2 -DSQLITE_CORE -c "$AMALG_C" -o "$tmp/core-$cc.o" 2>&1); then
    got=$(globals "$tmp/core-$cc.o")
    if [ "$got" = "sqlite3_bce_init " ]; then
      ok "$cc -DSQLITE_CORE -c: the only global symbol is sqlite3_bce_init"
    else
      fail "$cc -DSQLITE_CORE -c: the only global symbol is sqlite3_bce_init" "globals: $got"
    fi
  else
    fail "$cc -DSQLITE_CORE -c" "$out"
  fi
done

# 2. make static's archive: one global symbol, and a host with its own
#    bce_grad links against it and keeps both.
lib=$BUILD/libbce.a
if [ -f "$lib" ]; then
  got=$(globals "$lib")
  if [ "$got" = "sqlite3_bce_init " ]; then
    ok "nm libbce.a: the only global symbol is sqlite3_bce_init"
  else
    fail "nm libbce.a: the only global symbol is sqlite3_bce_init" "globals: $got"
  fi
  if out=$(${CC:-cc} $STRICT -O2 -I"$(dirname "$AMALG_H")" -o "$tmp/host_clash" \
             tests/host_clash.c "$lib" -lsqlite3 -lm 2>&1); then
    "$tmp/host_clash" || fail "host with its own bce_grad" "exit $?"
  else
    fail "host with its own bce_grad: links" "$out"
  fi
else
  fail "libbce.a" "$lib missing (make static)"
fi

# The amalgamation compiled into a program (-DSQLITE_CORE), beside
# tests/host_static.c, which then passes as it does with libbce.a.
if out=$(${CC:-cc} $STRICT -O2 -DSQLITE_CORE -I"$(dirname "$AMALG_H")" -o "$tmp/host_amalg" \
           tests/host_static.c "$AMALG_C" -lsqlite3 -lm 2>&1); then
  "$tmp/host_amalg" | sed 's/^\(ok\|FAIL\)|static host: /\1|amalgamation: compiled into tests\/host_static.c: /'
else
  fail "compiled into tests/host_static.c with -DSQLITE_CORE" "$out"
fi

# 3. mingw-w64: a DLL that exports the entry point.  The SQLite headers
#    are copied so that no Linux header comes along.
if command -v "$MINGW_CC" >/dev/null; then
  mkdir -p "$tmp/inc"
  cp /usr/include/sqlite3.h /usr/include/sqlite3ext.h "$tmp/inc/"
  if out=$("$MINGW_CC" $STRICT -O2 -shared -I"$tmp/inc" "$AMALG_C" -o "$tmp/bce.dll" 2>&1); then
    n=$(x86_64-w64-mingw32-objdump -p "$tmp/bce.dll" 2>/dev/null |
        sed -n '/Ordinal\/Name Pointer/,/^$/p' | grep '^.\[ *[0-9]' | sed 's/.*\] //' | tr '\n' ' ')
    if [ "$n" = "sqlite3_bce_init " ]; then
      ok "$MINGW_CC -shared: bce.dll exports sqlite3_bce_init only"
    else
      fail "$MINGW_CC -shared: bce.dll exports sqlite3_bce_init only" "exports: $n"
    fi
  else
    fail "$MINGW_CC -shared" "$out"
  fi
elif [ "${BCE_REQUIRE_WINDOWS:-0}" = 1 ]; then
  fail "$MINGW_CC" "not found"
else
  skip "$MINGW_CC" "not installed (apt-get install gcc-mingw-w64-x86-64)"
fi

# 4. The header alone, from C++ too (it has extern "C").
printf '#include "sqlite3_bce.h"\nint main(void){ int (*f)(sqlite3*, char**, const sqlite3_api_routines*) = sqlite3_bce_init; (void)f; return 0; }\n' >"$tmp/h.c"
if out=$(${CC:-cc} $STRICT -fsyntax-only -I"$(dirname "$AMALG_H")" "$tmp/h.c" 2>&1); then
  ok "sqlite3_bce.h compiles alone"
else
  fail "sqlite3_bce.h compiles alone" "$out"
fi
