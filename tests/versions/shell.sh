#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the sqlite3 shell of one pinned SQLite version (fetched by
# fetch.sh into DIR/VERSION/) with compiler CC, into OUT; cached: an OUT
# newer than its sources is kept.  -O1 and no warnings: SQLite's code,
# not ours, compiled on a shared machine.  JSON1 and the math functions
# are on, as in the shells people run (built in from 3.38 and 3.35).
#   sh tests/versions/shell.sh VERSION OUT [DIR]
# CC (default cc), EXE_LIBS (default "-lpthread -ldl -lm": the libraries
# of a Linux shell; the Windows build passes -municode, for wmain).
set -u
v=$1
out=$2
dir=${3:-build/versions}
CC=${CC:-cc}
EXE_LIBS=${EXE_LIBS--lpthread -ldl -lm}
pins=$(dirname "$0")/pins.tsv
donor=$(awk -F'\t' -v v="$v" '$1 == v { print $4 }' "$pins")
[ "$donor" = - ] && donor=$v
src=$dir/$v
# shell.c includes "sqlite3.h" from its own directory first: a donor's
# shell.c is copied next to this version's header
shell=$src/shell-$donor.c
[ -f "$shell" ] || cp "$dir/$donor/shell.c" "$shell" || exit 1
if [ -f "$out" ] && [ "$out" -nt "$src/sqlite3.c" ] && [ "$out" -nt "$shell" ]; then
  exit 0
fi
mkdir -p "$(dirname "$out")"
# shellcheck disable=SC2086
$CC -O1 -w -DSQLITE_ENABLE_JSON1 -DSQLITE_ENABLE_MATH_FUNCTIONS \
  -DSQLITE_THREADSAFE=0 -I"$src" -o "$out.tmp" "$shell" "$src/sqlite3.c" $EXE_LIBS &&
  mv "$out.tmp" "$out"
