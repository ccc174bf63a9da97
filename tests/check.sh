#!/bin/sh
# SPDX-License-Identifier: MIT
# The tool tier, `make check`: the fast tier's suite again under tools that
# see memory and thread bugs, plus builds, fuzzing and out-of-memory runs.
# Every check prints one line, "ok|name", "FAIL|name|why" or
# "skip|name|why"; it ends with "N passed, N failed".
#
#   build:     the library and every C test program built warning-free
#              with gcc and with clang (-std=c11 -Wall -Wextra -Werror),
#              and cross-built for Windows with mingw-w64
#   slow:      the scale scripts the fast tier leaves out (tests/run.sh)
#   asan:      tests/run.sh (unit tests, SQL scripts, checker, errors.tsv, .load) with
#              the extension built with -fsanitize=address,undefined,
#              loaded into Debian's sqlite3 shell with the ASan runtime
#              preloaded; the unit tests of src/ built the same way
#   valgrind:  tests/run.sh (the unit tests too) under valgrind
#              --leak-check=full, against the normal build, except the
#              scripts too slow for it (below)
#              (both passes run the shell with lookaside off)
#   fuzz:      a short libFuzzer run (FUZZ_CHECK_RUNS inputs, seed 1), and
#              the seed corpus through the normal build under valgrind
#   threads:   tests/concurrency.c under ThreadSanitizer, and plain
#   oom:       tests/oom.c under ASan (leaks included) and valgrind
#   dqlite:    a three-node dqlite cluster with the functions linked in
#              (tests/dqlite/cluster.sh): skipped without libdqlite-dev,
#              failed then when BCE_REQUIRE_DQLITE=1 (CI)
#   canary:    each tool, wired as above, does report a planted bug
#              (tests/canary.c); without this a tool that silently never
#              ran would pass
#
# The valgrind lane runs in the background beside the others (2 cores).
#
#   SQLITE3 CLANG BUILD LIB   as the Makefile passes them
#   RESULTS                   also append the lines there
#   BCE_REQUIRE_WINDOWS=1     fail, not skip, without mingw-w64 (CI)
#   BCE_REQUIRE_DQLITE=1      fail, not skip, without libdqlite-dev (CI)
set -u
SQLITE3=${SQLITE3:-sqlite3}
CLANG=${CLANG:-clang}
BUILD=${BUILD:-build}
LIB=${LIB:-./bce.so}
RESULTS=${RESULTS:-}
FUZZ_CHECK_RUNS=${FUZZ_CHECK_RUNS:-4000}
SO=${LIB##*.}
UNITS=${UNITS:-core arrays state cce cce_opt jsonb elementary fma options binary_opt log_pair opt_v3 log_batch opt_batch scores sigmoid qd}
# the unit-test programs of one build directory
units() { for u in $UNITS; do printf '%s ' "$1/unit_$u"; done; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ASAN_RT=$($CLANG -print-file-name=libclang_rt.asan-x86_64.so)

# ASan and UBSan share one runtime and one log_path.  halt_on_error and
# -fno-sanitize-recover=all: the first report ends the program.  Debian's
# sqlite3 and libsqlite3 are not instrumented: ASan still sees every
# malloc and free (its interceptors), so leaks and bad frees anywhere are
# reported, but not bad reads inside SQLite's own code.  No suppression is
# needed: the shell and the library run clean.
asan_env() {  # asan_env REPORT_DIR
  export ASAN_OPTIONS="log_path=$1/asan:detect_leaks=1:halt_on_error=1:\
detect_stack_use_after_return=1:strict_string_checks=1:\
check_initialization_order=1:exitcode=86"
  export UBSAN_OPTIONS="log_path=$1/asan:print_stacktrace=1:\
halt_on_error=1"
}
# SQLite's lookaside allocator hands out slots of one big buffer: a read
# past a short value stays inside it, and neither tool would see it.
# Every shell of both passes runs with it off (Debian's SQLite is built
# with SQLITE_OMIT_LOOKASIDE already; another SQLite may not be), and the
# canary_past_text canary below shows such a read is reported.
NO_LOOKASIDE="-lookaside 0 0"
VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite,indirect,possible --keep-debuginfo=yes"

# A report file that is not empty fails the check (and is shown).
reports() {  # reports DIR NAME: prints FAIL lines for DIR's reports
  for r in "$1"/*; do
    [ -s "$r" ] || continue
    printf 'FAIL|%s|report %s: %s\n' "$2" "$(basename "$r")" \
      "$(head -c 3000 "$r" | tr '\n' ' ')"
  done
  rm -f "$1"/*
}

# A program printing ok/FAIL lines, run under a tool.
# (The lanes run at once: each program gets files of its own.)
run_prog() {  # run_prog NAME REPORT_DIR COMMAND...
  name=$1 dir=$2
  shift 2
  o=$(mktemp "$tmp/out.XXXXXX")
  e=$(mktemp "$tmp/err.XXXXXX")
  "$@" >"$o" 2>"$e"
  rc=$?
  sed -n -e "s/^ok|/ok|$name: /p" -e "s/^FAIL|/FAIL|$name: /p" "$o"
  if [ $rc -ne 0 ] || [ -s "$e" ]; then
    printf 'FAIL|%s: %s|exit %d: %s\n' "$name" "$*" $rc \
      "$(head -c 1500 "$e" | tr '\n' ' ')"
  fi
  grep -q '^ok|' "$o" || printf 'FAIL|%s: %s|no check ran\n' "$name" "$*"
  rm -f "$o" "$e"
  reports "$dir" "$name: $*"
}

# A planted bug must be reported by the tool.
canary() {  # canary NAME REPORT_DIR COMMAND...
  name=$1 dir=$2
  shift 2
  "$@" >/dev/null 2>&1
  if ls "$dir"/* >/dev/null 2>&1 && [ -n "$(cat "$dir"/*)" ]; then
    printf 'ok|canary: %s\n' "$name"
  else
    printf 'FAIL|canary: %s|nothing reported\n' "$name"
  fi
  rm -f "$dir"/*
}

# ------------------------------------------------------------- valgrind
valgrind_lane() {
  d=$tmp/vg
  mkdir -p "$d"
  # Skipped here, run by the other passes:
  #  - windows.sql (3000-row frames against fresh aggregates, 70 s under
  #    valgrind), mpmath_means.sql (10^6 and 2*10^5 rows, 20 s) and
  #    mpmath_big_arrays.sql (10^5 rows of 46 labels, 2 min),
  #    mpmath_cce_means.sql (10^5 rows of 10 classes, twice); every
  #    function and frame kind is also in the scripts that do run here;
  #  - statements of errors.tsv whose decimal literal SQLite parses to
  #    another double under valgrind: valgrind does long double arithmetic
  #    in double precision, and SQLite 3.40's sqlite3AtoF() scales in long
  #    double, so -1e-300 becomes -9.999999999999994e-301 and the message
  #    quotes that.  Not a memory error; the exact message is checked by
  #    the plain and asan passes.
  #  - for the same reason, the scripts whose arguments or references are
  #    decimal literals that sqlite3AtoF() reads to another double in
  #    double precision (1e-300 as the n of a gradient, 20.570190139709 as
  #    a golden value): state_golden.sql, state_golden_scores.sql,
  #    mpmath_scores.sql, mpmath_cce_options.sql.  Their functions run here
  #    in other scripts.
  #  - the unit tests' random loops run 2000 cases each, not 10^5 and
  #    20000 (BCE_UNIT_RANDOM): the same code, 40 times slower here.
  printf '%s\n' 'SELECT bce(1, -1e-300);' >"$tmp/skip_errors"
  BCE_UNIT_RANDOM=2000 SQLITE3=$SQLITE3 SQLITE3_ARGS="$NO_LOOKASIDE" \
    LIB=$LIB NAME="valgrind: " REPORTS=$d \
    WRAP="$VALGRIND --log-file=$d/vg.%p" \
    STEPS="unit sql checker errors load" \
    SKIP="tests/sql/windows.sql tests/sql/mpmath_means.sql tests/sql/mpmath_cce_means.sql \
          tests/sql/state_golden.sql tests/sql/state_golden_scores.sql \
          tests/sql/mpmath_scores.sql tests/sql/mpmath_cce_options.sql" \
    SKIP_ERRORS=$tmp/skip_errors RESULTS=$tmp/results.vg NO_SUMMARY=1 \
    sh tests/run.sh
  {
    run_prog "valgrind: oom" "$d" $VALGRIND --log-file="$d/vg.%p" \
      "$BUILD/oom" "$LIB"
    run_prog "valgrind: fuzz seeds" "$d" $VALGRIND --log-file="$d/vg.%p" \
      "$BUILD/fuzz_bce_main" "$LIB" tests/fuzz/seeds/*
    canary "valgrind reports a read past a heap block" "$d" \
      $VALGRIND --log-file="$d/vg.%p" \
      "$SQLITE3" :memory: -cmd ".load $BUILD/canary" "SELECT canary_overflow()"
    canary "valgrind reports a read past a short text SQLite made (lookaside off)" \
      "$d" $VALGRIND --log-file="$d/vg.%p" "$SQLITE3" $NO_LOOKASIDE :memory: \
      -cmd ".load $BUILD/canary" "SELECT canary_past_text('ab' || 'c')"
    canary "valgrind reports a leak" "$d" $VALGRIND --log-file="$d/vg.%p" \
      "$SQLITE3" :memory: -cmd ".load $BUILD/canary" "SELECT canary_leak()"
    canary "valgrind reports a branch on uninitialized memory" "$d" \
      $VALGRIND --log-file="$d/vg.%p" \
      "$SQLITE3" :memory: -cmd ".load $BUILD/canary" "SELECT canary_uninit()"
  } >>"$tmp/results.vg"
}

# ------------------------------------------------------------------ asan
asan_lane() {
  d=$tmp/asan
  mkdir -p "$d"
  (
    asan_env "$d"
    SQLITE3=$SQLITE3 LIB=$BUILD/asan/bce.$SO \
      UNIT="$(units "$BUILD/asan")" \
      NAME="asan: " REPORTS=$d WRAP="env LD_PRELOAD=$ASAN_RT" \
      SQLITE3_ARGS="$NO_LOOKASIDE" \
      STEPS="unit sql checker errors load" RESULTS=$tmp/results.asan \
      NO_SUMMARY=1 sh tests/run.sh
    {
      run_prog "asan: oom" "$d" $BUILD/asan/oom $BUILD/asan/bce.$SO
      canary "asan reports a read past a heap block" "$d" \
        env LD_PRELOAD="$ASAN_RT" "$SQLITE3" :memory: \
        -cmd ".load $BUILD/asan/canary" "SELECT canary_overflow()"
      canary "asan reports a read past a short text SQLite made (lookaside off)" \
        "$d" env LD_PRELOAD="$ASAN_RT" "$SQLITE3" $NO_LOOKASIDE :memory: \
        -cmd ".load $BUILD/asan/canary" "SELECT canary_past_text('ab' || 'c')"
      canary "asan reports a leak" "$d" env LD_PRELOAD="$ASAN_RT" \
        "$SQLITE3" :memory: -cmd ".load $BUILD/asan/canary" \
        "SELECT canary_leak()"
      canary "ubsan reports a signed overflow" "$d" \
        env LD_PRELOAD="$ASAN_RT" "$SQLITE3" :memory: \
        -cmd ".load $BUILD/asan/canary" "SELECT canary_ub(1)"
    } >>"$tmp/results.asan"
  )
}

# ------------------------------------------------------------------ fuzz
fuzz_lane() {
  d=$tmp/fuzz
  mkdir -p "$d/corpus" "$BUILD/fuzz"
  # reports to stderr (no log_path), where libFuzzer prints its own
  (
    export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    $BUILD/fuzz/fuzz_bce -seed=1 -runs="$FUZZ_CHECK_RUNS" \
      -artifact_prefix=$BUILD/fuzz/ "$d/corpus" tests/fuzz/seeds \
      >"$d/out" 2>&1
  )
  rc=$?
  done_line=$(grep '^Done ' "$d/out" | tail -n 1)
  if [ $rc -eq 0 ] && [ -n "$done_line" ]; then
    printf 'ok|fuzz: libFuzzer seed 1, %s, every function of the extension, no crash, leak or failed property\n' \
      "$(printf '%s' "$done_line" | sed 's/^Done //')"
  else
    printf 'FAIL|fuzz: libFuzzer seed 1|exit %d (input saved as $BUILD/fuzz/crash-*): %s\n' \
      $rc "$(grep -m 1 -A 12 -e 'fuzz_bce:' -e 'ERROR' "$d/out" | tr '\n' ' ' | head -c 3000)"
  fi
}

# ------------------------------------------------------------- accuracy
# The accuracy property test with 2000 cases a group, so that the script
# itself cannot rot: `make accuracy` is the 10^6 run whose worst cases
# tests/accuracy_bounds.tsv records.  One process, beside the other lanes.
accuracy_lane() {
  if /usr/bin/python3 -c 'import mpmath' 2>/dev/null; then
    d=$tmp/accuracy
    mkdir -p "$d"
    run_prog "accuracy quick" "$d" env ACCURACY_CASES=2000 ACCURACY_JOBS=1 \
      /usr/bin/python3 tests/accuracy_props.py "${LIB%.*}"
  else
    printf 'FAIL|accuracy quick|no mpmath for /usr/bin/python3 (apt-get install python3-mpmath python3-gmpy2)\n'
  fi
}

# --------------------------------------------------------------- threads
threads_lane() {
  d=$tmp/tsan
  mkdir -p "$d"
  # Debian's libsqlite3 is not instrumented: ThreadSanitizer sees the
  # pthread mutexes SQLite takes (its interceptors), so their ordering is
  # known, and every access the extension makes; it does not see SQLite's
  # own reads and writes.
  (
    export TSAN_OPTIONS="log_path=$d/tsan:halt_on_error=1:exitcode=66"
    run_prog "tsan" "$d" $BUILD/tsan/concurrency $BUILD/tsan/bce.$SO 4 3
    canary "tsan reports a data race" "$d" $BUILD/tsan/concurrency --race
  )
  run_prog "plain" "$d" "$BUILD/concurrency" "$LIB" 4 3
}

# ---------------------------------------------------------------- builds
build_lane() {
  for cc in gcc clang; do
    if make -s CC="$cc" BUILD="$BUILD/$cc" "$BUILD/$cc/bce.$SO" \
         $(units "$BUILD/$cc") \
         "$BUILD/$cc/errors_driver" "$BUILD/$cc/concurrency" \
         "$BUILD/$cc/oom" "$BUILD/$cc/fuzz_bce_main" >"$tmp/build" 2>&1; then
      printf 'ok|build with %s -std=c11 -Wall -Wextra -Werror\n' "$cc"
    else
      printf 'FAIL|build with %s -std=c11 -Wall -Wextra -Werror|%s\n' "$cc" \
        "$(head -c 600 "$tmp/build" | tr '\n' ' ')"
    fi
  done
  # The code compiles for Windows and the DLL exports the entry point.
  if command -v "${MINGW_CC:-x86_64-w64-mingw32-gcc}" >/dev/null; then
    if make -s BUILD="$BUILD" windows >"$tmp/build" 2>&1; then
      n=$(x86_64-w64-mingw32-objdump -p "$BUILD/windows/bce.dll" 2>/dev/null |
          sed -n '/Ordinal\/Name Pointer/,/^$/p' | grep -c 'sqlite3_bce_init')
      if [ "$n" = 1 ]; then
        printf 'ok|Windows cross-build: bce.dll exports sqlite3_bce_init\n'
      else
        printf 'FAIL|Windows cross-build|sqlite3_bce_init not exported\n'
      fi
    else
      printf 'FAIL|Windows cross-build|%s\n' "$(head -c 600 "$tmp/build" | tr '\n' ' ')"
    fi
  elif [ "${BCE_REQUIRE_WINDOWS:-0}" = 1 ]; then
    printf 'FAIL|Windows cross-build|x86_64-w64-mingw32-gcc not found\n'
  else
    printf 'skip|Windows cross-build|no x86_64-w64-mingw32-gcc (apt-get install gcc-mingw-w64-x86-64)\n'
  fi
}

valgrind_lane &
vg_pid=$!
{
  build_lane
  SQLITE3=$SQLITE3 LIB=$LIB STEPS=slow NAME="slow: " RESULTS=$tmp/results.slow \
    NO_SUMMARY=1 sh tests/run.sh
  cat "$tmp/results.slow"
  asan_lane
  cat "$tmp/results.asan"
  fuzz_lane
  threads_lane
  accuracy_lane
  BUILD=$BUILD SQLITE3=$SQLITE3 LIB=$LIB sh tests/dqlite/cluster.sh
} >"$tmp/results.main"
wait $vg_pid
cat "$tmp/results.vg" >>"$tmp/results.main"

[ -n "$RESULTS" ] && cat "$tmp/results.main" >>"$RESULTS"
sh tests/summary.sh "$tmp/results.main"
