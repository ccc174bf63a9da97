#!/bin/sh
# SPDX-License-Identifier: MIT
# make test-samebits: the results of tests/samebits/calls.sql (10^5 calls
# of every per-row function, aggregates, windows, states), bit for bit,
# from the extension built every way a user might, against the reference:
# make's own library (gcc, glibc, -ffp-contract=off) in the pinned SQLite
# 3.52.0 shell.  Each other build is the amalgamation compiled with that
# compiler's default flags (no -ffp-contract=off: the sources must hold
# without it), loaded in the same SQLite built by the same toolchain:
#   gcc                gcc -O2
#   clang              clang -O2
#   gcc-fma            gcc -O2 -march=native -ffp-contract=fast
#   clang-fma          clang -O2 -march=native (contracts within a statement)
#   aarch64            aarch64-linux-gnu-gcc -O2 (which contracts to FMA),
#                      glibc, under qemu-aarch64
#   musl               musl-gcc -O2: musl's libm
#   windows            x86_64-w64-mingw32-gcc -O2, under Wine: msvcrt's libm
# (The WebAssembly build is compared on the same calls by make
# test-browser, tests/wasm.sh.)
# The first five share glibc's libm with the reference, so any difference
# is the compiler's rounding and fails.  musl and Windows have other log,
# log1p and exp, which no result of the extension uses any more (its own
# are in src/elementary.c): their differences fail too.
# BCE_SAMEBITS_LIBM=0 reports them as skips instead (to look at a libm).
#   LIB (default ./bce.so), BUILD (default build), AMALG_C (the
#   amalgamation), CI=true (a missing tool fails instead of skipping)
set -u
LIB=${LIB:-./bce.so}
BUILD=${BUILD:-build}
AMALG_C=${AMALG_C:-$BUILD/dist/sqlite-bce.c}
CI=${CI:-}
LIBM=${BCE_SAMEBITS_LIBM:-1}
V=3.52.0
inc=$BUILD/versions/$V
dir=$BUILD/samebits
calls=tests/samebits/calls.sql
mkdir -p "$dir"

ok()   { printf 'ok|samebits: %s\n' "$1"; }
fail() { printf 'FAIL|samebits: %s|%s\n' "$1" "$2"; }
skip() { printf 'skip|samebits: %s|%s\n' "$1" "$2"; }
# a missing tool: a skip on a workstation, a failure in CI
missing() {
  if [ "$CI" = true ]; then fail "$1" "$2 (required in CI)"; else skip "$1" "$2"; fi
}

tmp=$(mktemp -d)
. tests/wine.sh
. tests/aarch64.sh
trap 'wine_stop; rm -rf "$tmp"' EXIT

# The pinned SQLite (make test-versions fetches the same one).
sh tests/versions/fetch.sh $V "$BUILD/versions" 2>"$tmp/fetch"
rc=$?
if [ $rc -ne 0 ]; then
  if [ $rc -eq 2 ] && [ "$CI" != true ]; then
    skip "every build" "SQLite $V cannot be fetched: $(head -c 200 "$tmp/fetch")"
  else
    fail "fetch SQLite $V" "$(head -c 300 "$tmp/fetch")"
  fi
  exit 0
fi

# shell NAME CC: the pinned shell built by CC into dir/NAME/
shell() {
  _exe=$dir/$1/sqlite3
  CC=$2 sh tests/versions/shell.sh $V "$_exe" "$BUILD/versions" \
    >"$tmp/build" 2>&1 || return 1
  echo "$_exe"
}
# ext NAME OUT CC FLAGS...: the amalgamation built as a user would
ext() {
  _name=$1 _out=$2 _cc=$3
  shift 3
  [ -f "$_out" ] && [ "$_out" -nt "$AMALG_C" ] && return 0
  mkdir -p "$(dirname "$_out")"
  # shellcheck disable=SC2068
  $_cc "$@" -shared -I"$inc" -o "$_out" "$AMALG_C" $( [ "${_out##*.}" = dll ] || echo -fPIC -lm ) \
    >"$tmp/build" 2>&1
}
# run NAME LIB RUNNER... : calls.sql through the shell, into dir/NAME.out
run() {
  _name=$1 _lib=$2
  shift 2
  "$@" -batch -bail :memory: -cmd ".load $_lib" ".read $calls" 2>"$tmp/err" |
    tr -d '\r' >"$dir/$_name.out"
  if [ -s "$tmp/err" ]; then
    fail "$_name" "the run failed: $(head -c 300 "$tmp/err" | tr '\n' ' ')"
    return 1
  fi
}
# compare NAME REQUIRED: NAME's lines against the reference's, counted by
# function
compare() {
  paste -d'\t' "$dir/reference.out" "$dir/$1.out" | awk -F'\t' '
    { split($1, r, "|"); f = r[1]; total[f]++ ; if (!(f in order)) { order[f] = ++nf; name[nf] = f } }
    $1 != $2 { bad[f]++; nbad++; split($2, o, "|"); if (!(f in ex)) ex[f] = "row " r[2] ": " r[3] " vs " o[3] }
    END {
      for (k = 1; k <= nf; k++) { f = name[k]; if (f in bad) printf "%s %d of %d (%s); ", f, bad[f], total[f], ex[f] }
      if (!nbad) printf "0 %d\n", NR; else printf "\n"
    }' >"$tmp/cmp"
  if read -r zero n <"$tmp/cmp" && [ "$zero" = 0 ]; then
    ok "$1: $n results bit for bit as the reference"
    rm -f "$dir/$1.out"      # 95 MB; one that differs is kept to look at
  elif [ "$2" = required ]; then
    fail "$1" "differs: $(cat "$tmp/cmp")"
  else
    skip "$1" "differs (BCE_SAMEBITS_LIBM=0 let it pass as a skip): $(cat "$tmp/cmp")"
  fi
}

# the native shell is make test-versions' own
ref_shell=$BUILD/versions/$V/sqlite3
sh tests/versions/shell.sh $V "$ref_shell" "$BUILD/versions" >"$tmp/build" 2>&1 ||
  { fail "build the shell" "$(head -c 300 "$tmp/build")"; exit 0; }
run reference "$LIB" "$ref_shell" || exit 0
if [ "$(wc -l <"$dir/reference.out")" -lt 1500000 ]; then
  fail "reference" "only $(wc -l <"$dir/reference.out") results"
  exit 0
fi
ok "reference: $(wc -l <"$dir/reference.out") results from $LIB"

# the same libm: any difference is the compiler's contraction
for row in "gcc|gcc|-O2" "clang|clang|-O2" \
           "gcc-fma|gcc|-O2 -march=native -ffp-contract=fast" \
           "clang-fma|clang|-O2 -march=native"; do
  name=${row%%|*} rest=${row#*|}
  cc=${rest%%|*} flags=${rest#*|}
  if ! command -v "$cc" >/dev/null; then missing "$name" "no $cc"; continue; fi
  case $name in *-fma)
    grep -qw fma /proc/cpuinfo || { skip "$name" "this CPU has no FMA: the row proves nothing"; continue; } ;;
  esac
  # shellcheck disable=SC2086
  ext "$name" "$dir/$name/bce.so" "$cc" $flags ||
    { fail "$name" "build: $(head -c 300 "$tmp/build")"; continue; }
  run "$name" "$dir/$name/bce.so" "$ref_shell" && compare "$name" required
done

if why=$(aarch64_missing); then
  missing aarch64 "$why"
elif sh_a=$(aarch64_shell $V 2>"$tmp/build") &&
     ext aarch64 "$dir/aarch64/bce.so" "$AARCH64_CC" -O2; then
  run aarch64 "$dir/aarch64/bce.so" aarch64_run "$sh_a" && compare aarch64 required
else
  fail aarch64 "build: $(head -c 300 "$tmp/build")"
fi

need=optional
[ "$LIBM" = 1 ] && need=required
if command -v musl-gcc >/dev/null; then
  if sh_m=$(shell musl musl-gcc) && ext musl "$dir/musl/bce.so" musl-gcc -O2; then
    run musl "$dir/musl/bce.so" "$sh_m" && compare musl $need
  else
    fail musl "build: $(head -c 300 "$tmp/build")"
  fi
else
  missing musl "no musl-gcc (musl-tools)"
fi

if command -v x86_64-w64-mingw32-gcc >/dev/null && command -v wine >/dev/null; then
  # make test-windows' sqlite3.exe
  sh_w=$BUILD/windows/sqlite3.exe
  if CC=x86_64-w64-mingw32-gcc EXE_LIBS=-municode sh tests/versions/shell.sh $V "$sh_w" \
       "$BUILD/versions" >"$tmp/build" 2>&1 &&
     ext windows "$dir/windows/bce.dll" x86_64-w64-mingw32-gcc -O2; then
    if wine_start; then
      run windows "$dir/windows/bce.dll" wine_run "$sh_w" && compare windows $need
    else
      fail windows "wine wineboot --init failed"
    fi
    wine_stop
  else
    fail windows "build: $(head -c 300 "$tmp/build")"
  fi
else
  missing windows "no x86_64-w64-mingw32-gcc or wine (gcc-mingw-w64-x86-64, wine)"
fi
exit 0
