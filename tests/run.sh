#!/bin/sh
# SPDX-License-Identifier: MIT
# The fast tier, `make test`: every check prints one line, "ok|name",
# "FAIL|name|why" or "skip|name|why"; the run ends with
# "N passed, N failed" (exit 1 on any failure).  docs/testing.md lists
# what each step covers.
#
#   SQLITE3  the sqlite3 shell           (default sqlite3)
#   LIB      the extension to load       (default ./bce.so)
#   BUILD    where make put the test programs (default build)
#   STEPS    the steps to run (default: all but slow):
#              unit sql portable checker errors docs load python host slow
#   RESULTS  also append the result lines to this file
#   NO_SUMMARY=1  do not end with the count (tests/check.sh sums its lanes)
#
# make check (tests/check.sh) runs steps of this script again under a
# sanitizer or valgrind, through (all empty by default):
#   WRAP     command words put before every program that loads LIB or runs
#            a unit test: "valgrind --leak-check=full ...", "env LD_PRELOAD=..."
#   SQLITE3_ARGS  options put after the shell's name in every run of it:
#            "-lookaside 0 0", so that every block SQLite allocates is a
#            block of its own that the tool can see the end of
#   UNITS    the names of the unit tests, as the Makefile lists them
#   UNIT     the unit-test programs (default BUILD/unit_NAME for each)
#   REPORTS  the directory where that tool writes its reports: a file there
#            that is not empty after a program ran fails that program
#   NAME     a prefix for every check's name ("asan: ")
#   SKIP     tests/sql scripts not to run; each is listed as skipped
#   SKIP_ERRORS  a file of errors.tsv statements not to run, one a line
set -u
SQLITE3=${SQLITE3:-sqlite3}
LIB=${LIB:-./bce.so}
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
UNITS=${UNITS:-core arrays state cce cce_opt jsonb elementary fma options binary_opt log_pair opt_v3 log_batch opt_batch scores sigmoid qd}
UNIT=${UNIT:-$(for u in $UNITS; do printf '%s ' "$BUILD/unit_$u"; done)}
STEPS=${STEPS:-unit sql portable checker errors docs load python host}
WRAP=${WRAP:-}
SQLITE3_ARGS=${SQLITE3_ARGS:-}
REPORTS=${REPORTS:-}
NAME=${NAME:-}
SKIP=${SKIP:-}
SKIP_ERRORS=${SKIP_ERRORS:-}
RESULTS=${RESULTS:-}
# Scale tests: minutes under valgrind, and seconds of data generation that
# the fast tier cannot spend.  make check runs them once, plain.
SLOW_SQL="tests/sql/mpmath_big_arrays.sql"
# The portable step's leave-outs: a third of its time under qemu each, in
# code no processor test chooses (multi-class) or in frames whose steps
# the other scripts reach
PORTABLE_SKIP="tests/sql/windows.sql tests/sql/mpmath_far_tails_cce_logits.sql
  tests/sql/mpmath_cce_means.sql tests/sql/mpmath_cce_options.sql"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/results

ok()   { printf 'ok|%s%s\n' "$NAME" "$1" >>"$out"; }
fail() { printf 'FAIL|%s%s|%s\n' "$NAME" "$1" "$2" >>"$out"; }
skip() { printf 'skip|%s%s|%s\n' "$NAME" "$1" "$2" >>"$out"; }
step() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }

# Runs a program that prints ok/FAIL/skip lines; its other output, a crash,
# or a report of the tool under WRAP fails it.
#   program SOURCE COMMAND...
program() {
  src=$1
  shift
  $WRAP "$@" >"$tmp/prog$lane.out" 2>"$tmp/prog$lane.err"
  rc=$?
  while IFS= read -r line; do
    case $line in
      ok\|*|FAIL\|*|skip\|*) printf '%s|%s%s\n' "${line%%|*}" "$NAME" "${line#*|}" >>"$out" ;;
      *) fail "$src" "unexpected output: $line" ;;
    esac
  done <"$tmp/prog$lane.out"
  # exit 1 means failed checks, already listed; anything else is a crash
  if [ $rc -gt 1 ] || [ -s "$tmp/prog$lane.err" ]; then
    fail "$src" "exit $rc: $(head -c 600 "$tmp/prog$lane.err")"
  fi
  reports "$src"
}

# The reports of the tool under WRAP, if any, fail SOURCE.
reports() {
  [ -n "$REPORTS" ] || return 0
  for r in "$REPORTS"/*; do
    [ -s "$r" ] && fail "$1" "report $(basename "$r"): $(head -c 3000 "$r")"
    rm -f "$r"
  done
}

# A SQL script prints ok/FAIL lines (tests/sql/lib/report.sql); one that
# stops on an error fails as a whole.
sql_script() {
  # report.sql judges the checks made before it: one inserted after it
  # would never be judged (arrays.sql's missing-label checks were so)
  if [ "$(grep -v '^[[:space:]]*$' "$1" | tail -n 1)" != ".read tests/sql/lib/report.sql" ]; then
    fail "$1" "its last line is not .read tests/sql/lib/report.sql: checks after it are never judged"
  fi
  program "$1" "$SQLITE3" $SQLITE3_ARGS -batch -bail :memory: -cmd ".load $LIB" ".read $1"
}

# 1. Unit tests of src/, no SQLite involved, and 2. the SQL test scripts
#    (each check names the rule it checks).  Without a tool in WRAP they
#    run in two lanes, one a core, each writing results of its own; under
#    a tool one at a time, so that a report belongs to the program before.
jobs=""
if step unit; then jobs=$UNIT; fi
if step sql; then
  for f in tests/sql/*.sql; do
    case " $SLOW_SQL " in *" $f "*) continue ;; esac
    case " $SKIP " in *" $f "*) skip "$f" "listed in SKIP"; continue ;; esac
    jobs="$jobs $f"
  done
fi
# 2b. The code the processor chooses: on x86-64 ext/entry.c registers
#     AVX2 builds of some steps and src/logsumexp.c takes an AVX2+FMA
#     kernel, so on this machine the SQL scripts never run the portable
#     code beside them (make mutate found its mutants alive).  The scripts
#     again in the same shell under qemu-x86_64 -cpu Nehalem, an x86-64
#     without AVX2, run it.
if step portable && [ -z "$WRAP" ]; then
  if [ "$(uname -m)" != x86_64 ]; then
    skip "portable steps" "not an x86-64 host: the portable code is the only code"
  elif [ "$(head -c 4 "$(command -v "$SQLITE3")" 2>/dev/null)" != "$(printf '\177ELF')" ]; then
    skip "portable steps" "SQLITE3 is not a program qemu-x86_64 can run"
  elif ! command -v qemu-x86_64 >/dev/null; then
    if [ "${CI:-}" = true ]; then
      fail "portable steps" "no qemu-x86_64 (qemu-user; required in CI)"
    else
      skip "portable steps" "no qemu-x86_64 (qemu-user)"
    fi
  else
    for f in tests/sql/*.sql; do
      case " $SLOW_SQL $SKIP " in *" $f "*) continue ;; esac
      case " $(echo $PORTABLE_SKIP) " in *" $f "*) continue ;; esac
      jobs="$jobs portable:$f"
    done
  fi
fi
run_jobs() {  # run_jobs LANE N: every Nth job from the LANEth
  k=0
  for job in $jobs; do
    k=$((k + 1))
    [ $(( (k - 1) % $2 )) -eq $(( $1 - 1 )) ] || continue
    case $job in
      portable:*)
        (NAME="${NAME}portable: "
         program "${job#portable:}" qemu-x86_64 -cpu Nehalem \
           "$(command -v "$SQLITE3")" $SQLITE3_ARGS -batch -bail :memory: \
           -cmd ".load $LIB" ".read ${job#portable:}") ;;
      *.sql) sql_script "$job" ;;
      *) program "$job" "$job" ;;
    esac
  done
}
lane=0
if [ -z "$WRAP" ] && [ -z "$REPORTS" ]; then
  main_out=$out
  (lane=1 out=$tmp/lane1; : >"$out"; run_jobs 1 2) &
  (lane=2 out=$tmp/lane2; : >"$out"; run_jobs 2 2) &
  wait
  cat "$tmp/lane1" "$tmp/lane2" >>"$main_out"
else
  run_jobs 1 1
fi
if step slow; then
  for f in $SLOW_SQL; do sql_script "$f"; done
  # the shard property on 600 data sets (the fast tier's python step: 180)
  program "tests/state_shards.py (600 sets)" /usr/bin/python3 tests/state_shards.py "${LIB%.*}" 600
  program "tests/state_shards_options.py (1500 sets)" /usr/bin/python3 tests/state_shards_options.py "${LIB%.*}" 1500
  # parallel() on 60 tables (the fast tier's python step: 10)
  program "tests/parallel.py (60 tables)" /usr/bin/python3 tests/parallel.py "${LIB%.*}" 60 "$BUILD/example_parallel"
fi

# 3. The checker itself: each row of must_fail.sql is a wrong value, and
#    report.sql must reject every one.
if step checker; then
  $WRAP "$SQLITE3" $SQLITE3_ARGS -batch -bail :memory: -cmd ".load $LIB" \
    ".read tests/checker/must_fail.sql" >"$tmp/checker" 2>"$tmp/checker.err"
  while IFS= read -r line; do
    case $line in
      FAIL\|*) name=${line#FAIL|}; ok "checker rejects: ${name%%|*}" ;;
      *) fail "checker accepted a wrong value" "$line" ;;
    esac
  done <"$tmp/checker"
  [ -s "$tmp/checker.err" ] && fail "tests/checker/must_fail.sql" "$(head -c 600 "$tmp/checker.err")"
  reports tests/checker/must_fail.sql
fi

# 4. Every error message: each line of tests/errors.tsv is a statement, a
#    TAB, and the exact message it must fail with (tests/errors_driver.c).
if step errors; then
  program tests/errors.tsv "$BUILD/errors_driver" "$LIB" tests/errors.tsv \
    ${SKIP_ERRORS:+"$SKIP_ERRORS"}
  # rule 6 at every byte of the options texts (tests/gen_options_text_pairs.py)
  program tests/errors_options_text.tsv "$BUILD/errors_driver" "$LIB" \
    tests/errors_options_text.tsv
fi

# 5. The error table of docs/functions.md: each row whose input is a call
#    must fail with exactly the message the table shows.
if step docs; then
  sed -n -e '/^### Errors/,/^## /p' -e '/^### State errors/,/^## /p' \
      -e '/^### Options errors/,/^## /p' docs/functions.md |
    sed -n 's/^| `\([a-z_]*(.*)\)` | `\(.*\)` |$/SELECT \1;\t\2/p' |
    sed 's/\\|/|/g' >"$tmp/docs.tsv"   # a table's \| is SQL's |
  if [ -s "$tmp/docs.tsv" ]; then
    program "docs/functions.md errors" "$BUILD/errors_driver" "$LIB" "$tmp/docs.tsv"
  else
    fail "docs/functions.md errors" "no row found under '### Errors'"
  fi
  # the worked examples of docs/scale-out.md, run as a reader would
  program docs/scale-out.md env SQLITE3="$SQLITE3" LIB="$LIB" \
    sh tests/doc_examples.sh docs/scale-out.md
  program docs/common-mistakes.md env SQLITE3="$SQLITE3" LIB="$LIB" \
    sh tests/doc_examples.sh docs/common-mistakes.md
  # the fuzz seeds are what tests/fuzz/make_seeds.py writes (its docstring)
  program tests/fuzz/make_seeds.py python3 tests/fuzz/make_seeds.py --check
fi

# 6. `.load ./bce` without a suffix finds sqlite3_bce_init by itself, and
#    bce_version() is the string of src/version.h.
want_version=$(sed -n 's/^#define BCE_VERSION "\(.*\)"$/\1/p' src/version.h)
if step load; then
  got=$($WRAP "$SQLITE3" $SQLITE3_ARGS -batch :memory: -cmd ".load ${LIB%.*}" \
        "SELECT bce_version();" 2>&1)
  if [ -n "$want_version" ] && [ "$got" = "$want_version" ]; then
    ok ".load ${LIB%.*}: bce_version() = src/version.h ($want_version)"
  else
    fail ".load ${LIB%.*}: bce_version()" "got '$got', want '$want_version'"
  fi
  reports ".load ${LIB%.*}"
fi

# 7. Python's sqlite3 module, as docs/hosts.md shows it.  Debian's python3
#    can load extensions; other builds often cannot.
if step python; then
  if [ -x /usr/bin/python3 ]; then
    program tests/python_load.py /usr/bin/python3 tests/python_load.py "${LIB%.*}"
    # partial states: shards merge to the bits of one aggregate, and any
    # damaged state is an error
    program tests/state_shards.py /usr/bin/python3 tests/state_shards.py "${LIB%.*}"
    # the same with options: every key alone and combined, every state
    program tests/state_shards_options.py /usr/bin/python3 tests/state_shards_options.py "${LIB%.*}"
    program tests/text_numbers.py /usr/bin/python3 tests/text_numbers.py "${LIB%.*}"
    program tests/parallel.py /usr/bin/python3 tests/parallel.py "${LIB%.*}" 10 "$BUILD/example_parallel"
    # the worked examples of the docs, to the digits they show (mpmath)
    program tests/doc_values.py /usr/bin/python3 tests/doc_values.py "${LIB%.*}"
    # docs/conventions.md against the installed scikit-learn (skipped
    # without Debian's python3-sklearn; mpmath_conventions.sql holds the
    # same figures against mpmath)
    program tests/sklearn_conventions.py /usr/bin/python3 tests/sklearn_conventions.py "${LIB%.*}"
  else
    fail "tests/python_load.py" "/usr/bin/python3 not found (apt-get install python3)"
  fi
fi

# 8. The library as programs use it: linked in, exported, refused by an old
#    SQLite, installed.
if step host; then
  program "$BUILD/host_static" "$BUILD/host_static"
  # the entry point with API tables of the test's own (another library's,
  # one that reports too old a version) and pzErrMsg NULL
  program tests/entry_api.c "$BUILD/entry_api" "$LIB"
  # no allocation per row: SQLite's allocator counted over 1000 and 3000
  # rows of options columns, constant arrays, aggregates, a window, states
  program tests/alloc_rows.c "$BUILD/alloc_rows" "$LIB"

  if [ "${LIB##*.}" = so ]; then
    got=$(nm -D --defined-only "$LIB" | awk '$2 == "T" { print $3 }' | tr '\n' ' ')
    if [ "$got" = "sqlite3_bce_init " ]; then
      ok "$LIB exports only sqlite3_bce_init"
    else
      fail "$LIB exports only sqlite3_bce_init" "exports: $got"
    fi
  fi

  # built with the floor raised to 99.0.0
  want="error during initialization: bce: needs SQLite 99.0.0 or later (window functions); this is $("$SQLITE3" --version | cut -d' ' -f1)"
  got=$("$SQLITE3" -batch :memory: -cmd ".load $BUILD/minver/bce" "SELECT 1;" 2>&1 >/dev/null |
        head -n 1 | sed 's/^Error: //')
  if [ "$got" = "$want" ]; then
    ok "too old an SQLite: '$want'"
  else
    fail "too old an SQLite" "got '$got', want '$want'"
  fi

  # make install and uninstall into a temporary DESTDIR; once installed,
  # `.load bce` by name alone works where the loader looks
  dest=$tmp/dest
  if $MAKE -s install DESTDIR="$dest" PREFIX=/usr/local >"$tmp/install" 2>&1 &&
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
    if $MAKE -s uninstall DESTDIR="$dest" PREFIX=/usr/local >"$tmp/install" 2>&1 &&
       [ -z "$(find "$dest" -type f)" ]; then
      ok "make uninstall removes every installed file"
    else
      fail "make uninstall" "left: $(find "$dest" -type f | tr '\n' ' ') $(head -c 300 "$tmp/install")"
    fi
  else
    fail "make install DESTDIR=..." "$(head -c 600 "$tmp/install")"
  fi
fi

touch "$out"
[ -n "$RESULTS" ] && cat "$out" >>"$RESULTS"
[ "${NO_SUMMARY:-0}" = 1 ] && exit 0
sh tests/summary.sh "$out"
