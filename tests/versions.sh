#!/bin/sh
# SPDX-License-Identifier: MIT
# make test-versions: the SQL suite of make test on every SQLite of
# tests/versions/pins.tsv, each a shell built here from the pinned
# amalgamation (fetch.sh, shell.sh; cached under BUILD/versions/), loading
# LIB.  Below the floor (role "refused") the extension must refuse to load
# with its message naming 3.25.0.  Prints ok/FAIL/skip lines.
#   LIB (default ./bce.so), BUILD (default build), CC
#   CI=true  an unreachable registry fails (offline it is a skip)
#
# What a version lacks is a test too, not a surprise: each script below
# needs a SQLite feature that came later, and is skipped, with the reason,
# on the versions before it.  Functions the scripts only use to build
# their inputs (ln, ieee754, ...) come from tests/versions/compat.c there.
set -u
LIB=${LIB:-./bce.so}
BUILD=${BUILD:-build}
CC=${CC:-cc}
CI=${CI:-}
dir=$BUILD/versions
pins=tests/versions/pins.tsv

ok()   { printf 'ok|sqlite %s: %s\n' "$v" "$1"; }
fail() { printf 'FAIL|sqlite %s: %s|%s\n' "$v" "$1" "$2"; }
skip() { printf 'skip|sqlite %s: %s|%s\n' "$v" "$1" "$2"; }

# version_number 3.25.2 -> 3025002
version_number() {
  echo "$1" | awk -F. '{ printf "%d\n", $1 * 1000000 + $2 * 1000 + $3 }'
}
# the scripts that need a later SQLite: FIRST_VERSION SCRIPT REASON
needs() {
  cat <<'LIST'
3.28.0 tests/sql/windows.sql RANGE with an offset (n PRECEDING) in a window frame
3.28.0 tests/sql/mpmath_lse_logprob.sql a GROUPS window frame
3.30.0 tests/sql/mpmath_scores_recipes.sql FILTER on an aggregate (the long-format recipe)
3.30.0 tests/sql/registration.sql the table-valued pragma_function_list
3.33.0 tests/sql/recipes_checked.sql the shell's .mode box (sql/recipes.sql)
3.33.0 tests/sql/recipes_multiclass_checked.sql the shell's .mode box (sql/recipes_multiclass.sql)
LIST
}

compat=$dir/compat.so
build_compat() {
  [ -f "$compat" ] && [ "$compat" -nt tests/versions/compat.c ] && return 0
  $CC -std=c11 -Wall -Wextra -Werror -O1 -fPIC -shared -I"$dir/$1" \
    -o "$compat" tests/versions/compat.c -lm
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
calls=$tmp/calls.sql
sed 's/WHERE i < 100000/WHERE i < 10000/' tests/samebits/calls.sql >"$calls"
SQLITE3=${SQLITE3:-sqlite3}
native=$("$SQLITE3" --version | cut -d' ' -f1)
if ! "$SQLITE3" -batch -bail :memory: -cmd ".load $LIB" ".read $calls" \
     >"$tmp/calls.ref" 2>"$tmp/calls.err" || [ -s "$tmp/calls.err" ]; then
  printf 'FAIL|sqlite %s: tests/samebits/calls.sql|%s\n' "$native" "$(head -c 300 "$tmp/calls.err")"
fi
grep -v '^#' "$pins" | while IFS="$(printf '\t')" read -r v pkg sum donor role; do
  [ "$role" = shell-only ] && continue
  # the versions whose shell.c a version borrows are fetched first
  fetched=1
  for need in $v $( [ "$donor" = - ] || echo "$donor" ); do
    sh tests/versions/fetch.sh "$need" "$dir" 2>"$tmp/fetch"
    rc=$?
    if [ $rc -eq 2 ] && [ "$CI" != true ]; then
      skip "$pkg" "the npm registry cannot be reached: $(head -c 200 "$tmp/fetch")"
      fetched=0; break
    elif [ $rc -ne 0 ]; then
      fail "fetch $pkg" "$(head -c 300 "$tmp/fetch" | tr '\n' ' ')"
      fetched=0; break
    fi
  done
  [ $fetched = 1 ] || continue
  ok "npm pack $pkg, SHA-256 as pinned"
  shell=$dir/$v/sqlite3
  if ! CC=$CC sh tests/versions/shell.sh "$v" "$shell" "$dir" >"$tmp/build" 2>&1; then
    fail "build the shell" "$(head -c 300 "$tmp/build" | tr '\n' ' ')"
    continue
  fi
  got=$("$shell" --version | cut -d' ' -f1)
  [ "$got" = "$v" ] && ok "the shell is $v" || fail "the shell is $v" "it says $got"

  if [ "$role" = refused ]; then
    want="Error: error during initialization: bce: needs SQLite 3.25.0 or later (window functions); this is $v"
    got=$("$shell" -batch :memory: -cmd ".load $LIB" "SELECT 1;" 2>&1 >/dev/null | head -n 1)
    [ "$got" = "$want" ] && ok "refused: '$got'" || fail "refused" "got '$got', want '$want'"
    continue
  fi

  n=$(version_number "$v")
  skips=""
  while read -r first script reason; do
    if [ "$n" -lt "$(version_number "$first")" ]; then
      skips="$skips $script"
      skip "$script" "needs SQLite $first or later: $reason"
    fi
  done <<LIST
$(needs)
LIST
  run=$shell
  if [ "$n" -lt 3035000 ]; then
    if ! build_compat "$v" >"$tmp/build" 2>&1; then
      fail "build tests/versions/compat.c" "$(head -c 300 "$tmp/build")"
      continue
    fi
    run=$tmp/sqlite3-$v
    printf '#!/bin/sh\nexec "%s" -cmd ".load %s" "$@"\n' "$shell" "${compat%.so}" >"$run"
    chmod +x "$run"
  fi
  # The same bits on every SQLite: the first 10^4 rows of the same-bits
  # calls (tests/samebits/calls.sql), against the machine's own sqlite3.
  # Nothing of ours may depend on the version (its sum(), which is
  # Kahan-Babuska-Neumaier from 3.43, or its number parsing).
  "$run" -batch -bail :memory: -cmd ".load $LIB" ".read $calls" \
    >"$tmp/calls.out" 2>"$tmp/calls.err"
  if [ -s "$tmp/calls.err" ]; then
    fail "same bits as sqlite3 $native" "$(head -c 300 "$tmp/calls.err")"
  elif cmp -s "$tmp/calls.out" "$tmp/calls.ref"; then
    ok "same bits as sqlite3 $native: $(wc -l <"$tmp/calls.out") results of tests/samebits/calls.sql (10^4 rows)"
  else
    fail "same bits as sqlite3 $native" "$(diff "$tmp/calls.ref" "$tmp/calls.out" | grep -c '^>') lines differ, first: $(diff "$tmp/calls.ref" "$tmp/calls.out" | grep -m1 '^>')"
  fi
  # JSONB (3.45 and later): this SQLite's own jsonb() makes the golden
  # BLOBs again (tests/gen_jsonb_golden.sh), and they must be the bytes
  # the repository holds, but for the line that names the version
  if [ "$n" -ge 3045000 ]; then
    printf '#!/bin/sh\nexec "%s" -batch :memory: "$@"\n' "$shell" >"$tmp/host"
    chmod +x "$tmp/host"
    if sh tests/gen_jsonb_golden.sh "$tmp/host" "$tmp/jg" 2>"$tmp/jg.err"; then
      for f in tests/ref/jsonb_golden.h tests/sql/jsonb_golden.sql; do
        tail -n +2 "$f" >"$tmp/jg.want"
        tail -n +2 "$tmp/jg/$f" >"$tmp/jg.got"
        if cmp -s "$tmp/jg.want" "$tmp/jg.got"; then
          ok "jsonb(): the golden BLOBs of $f are this SQLite's bytes"
        else
          fail "jsonb(): the golden BLOBs of $f" "this SQLite writes other bytes"
        fi
      done
    else
      fail "tests/gen_jsonb_golden.sh" "$(head -c 300 "$tmp/jg.err")"
    fi
  fi
  # the listed scripts are left out silently (their skip line is above)
  SQLITE3=$run LIB=$LIB BUILD=$BUILD STEPS="sql checker load" \
    SKIP="$skips" NAME="sqlite $v: " RESULTS="$tmp/r" NO_SUMMARY=1 \
    sh tests/run.sh
  grep -v '|listed in SKIP$' "$tmp/r"
  rm -f "$tmp/r"
done
exit 0
