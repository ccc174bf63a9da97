#!/bin/sh
# SPDX-License-Identifier: MIT
# make coverage: clang source-based coverage of src/ and ext/.  The
# library and the unit tests are built with coverage counters; the fast
# tier's suite, the scale script and the tool tier's programs that load a
# library (out of memory, threads, the fuzz seeds, the entry point's own
# test) run against them; then llvm-cov reports lines and branches per
# file, tests/coverage_branches.py lists every branch outcome still untaken
# with the reason no test can take it (tests/coverage_unreachable.tsv; an
# outcome without one fails the target), and the last line is
# "coverage: lines L%, branches B%".
#
#   SQLITE3 BUILD   as the Makefile passes them
#   COVERAGE_SHOW=1 also print every line with a branch not taken both ways
set -u
SQLITE3=${SQLITE3:-sqlite3}
BUILD=${BUILD:-build}
UNITS=${UNITS:-core arrays state cce cce_opt jsonb elementary fma options binary_opt log_pair opt_v3 log_batch opt_batch scores sigmoid qd}
LLVM_COV=${LLVM_COV:-$(command -v llvm-cov-14 || command -v llvm-cov)}
LLVM_PROFDATA=${LLVM_PROFDATA:-$(command -v llvm-profdata-14 || command -v llvm-profdata)}
cov=$BUILD/cov
lib=$cov/bce.so

rm -rf "$cov/prof" "$cov/results"   # run.sh appends to RESULTS
mkdir -p "$cov/prof"
# %p: one file per process; %m: the same binary's runs share it
export LLVM_PROFILE_FILE="$PWD/$cov/prof/%p-%m.profraw"

SQLITE3=$SQLITE3 LIB=$lib BUILD=$BUILD \
  UNIT="$(for u in $UNITS; do printf '%s ' "$cov/unit_$u"; done)" \
  STEPS="unit sql slow checker errors docs load python" \
  NO_SUMMARY=1 RESULTS=$cov/results sh tests/run.sh >/dev/null
"$BUILD/oom" "$lib" >/dev/null
"$BUILD/concurrency" "$lib" 4 3 >/dev/null
"$BUILD/fuzz_bce_main" "$lib" tests/fuzz/seeds/* >/dev/null 2>&1
# its ok/FAIL lines join the suite's; exit 2 is a program that could not run
"$BUILD/entry_api" "$lib" >>"$cov/results"
[ $? -le 1 ] || echo "FAIL|tests/entry_api.c: could not run" >>"$cov/results"
failed=$(grep -c '^FAIL|' "$cov/results")
[ "$failed" -eq 0 ] || echo "coverage: $failed checks failed under the coverage build (see $cov/results)"

"$LLVM_PROFDATA" merge -sparse "$cov"/prof/*.profraw -o "$cov/bce.profdata" || exit 1
objs="$lib$(for u in $UNITS; do printf ' -object %s' "$cov/unit_$u"; done)"
# shellcheck disable=SC2086
"$LLVM_COV" report $objs -instr-profile="$cov/bce.profdata" \
  src/*.c src/*.h ext/*.c ext/*.h >"$cov/report.txt" || exit 1
# llvm-cov's columns: file, regions (3), functions (3), lines (3),
# branches (3); counts are "total missed cover%"
# (llvm-cov counts a header's inline function once per file that uses it)
awk '
  $1 ~ /^(src|ext)\// || $1 == "TOTAL" {
    printf "%-22s lines %5s of %5s  %7s   branches %4s of %4s  %7s\n",
      $1, $8 - $9, $8, $10, $11 - $12, $11, $13
    if ($1 == "TOTAL") { lines = $10; branches = $13 }
  }
  END { printf "coverage: lines %s, branches %s\n", lines, branches >"/dev/stderr" }
' "$cov/report.txt" 2>"$cov/summary.txt"
if [ "${COVERAGE_SHOW:-0}" = 1 ]; then
  # shellcheck disable=SC2086
  "$LLVM_COV" show $objs -instr-profile="$cov/bce.profdata" -show-branches=count \
    src/*.c src/*.h ext/*.c ext/*.h | grep -B3 -E 'Branch \([0-9]+:[0-9]+\): \[True: 0|False: 0\]'
fi
# every untaken outcome, with the reason no test can take it
# shellcheck disable=SC2086
"$LLVM_COV" export -format=text $objs -instr-profile="$cov/bce.profdata" \
  src/*.c src/*.h ext/*.c ext/*.h | python3 tests/coverage_branches.py .
reasons=$?
cat "$cov/summary.txt"
[ "$failed" -eq 0 ] && [ "$reasons" -eq 0 ]
