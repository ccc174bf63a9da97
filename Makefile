# SPDX-License-Identifier: MIT
# sqlite-bce: cross-entropy (log loss) for SQLite.
#   make          build the loadable extension (bce.so / bce.dylib / bce.dll)
#   make demo     build it and run sql/demo.sql on an in-memory database
#   make test     the fast tier: unit, SQL, checker, errors, load, Python,
#                 static host, install; ends with "N passed, N failed"
#   make check    the tool tier: warning-free gcc and clang builds, the
#                 suite under ASan+UBSan and under valgrind, a short fuzz
#                 run, the thread test under ThreadSanitizer, the
#                 out-of-memory test (needs clang with its sanitizer
#                 runtimes, and valgrind)
#   make coverage clang source-based coverage of src/ and ext/ over both
#                 tiers' suites; a table per file, each untaken branch
#                 with its reason, then "coverage: lines L%, branches B%"
#                 (needs llvm-cov and llvm-profdata); fails on an untaken
#                 branch without a reason
#   make fuzz     a libFuzzer run: FUZZ_TIME seconds (default 60), or
#                 FUZZ_RUNS inputs; FUZZ_SEED (default 1)
#   make fuzz-elementary  the same for bce_exp, bce_log, bce_log1p: every
#                 double in, each result against GNU MPFR (libmpfr-dev)
#   make mutate   mutation testing (tests/mutate.py): one mutant per site
#                 and operator of src/ and ext/, each against the programs
#                 of make test that execute its line (a line map from the
#                 coverage build); fails on a survivor not in
#                 tests/mutants_equivalent.tsv; MUTATE_FILES=src/qd.c for
#                 one file, MUTATE_FULL=1 to check survivors with make test
#   make bench    time the functions against SQLite's own aggregates
#                 (10^7-row tables, made once in bench/data/; a few minutes)
#   make accuracy the accuracy property test: 10^6 random cases per
#                 function and the families of far inputs against mpmath
#                 (ACCURACY_CASES scales it), worst ulp per class against
#                 tests/accuracy_bounds.tsv; about half an hour on 2 cores
#                 (Debian's python3-mpmath, python3-gmpy2)
#   make accuracy-elementary  bce_exp, bce_log, bce_log1p against GNU MPFR
#                 on 10^6 arguments each (ELEM_CASES); needs libmpfr-dev
#   make static   build/libbce.a, to link the functions into a program
#                 (from the amalgamation: one global symbol)
#   make windows  cross-build build/windows/bce.dll with mingw-w64
#   make install  bce.so, libbce.a, sqlite3_bce.h and sqlite-bce.pc under
#                 DESTDIR/PREFIX
#   make amalgamation, npm, wheel, dist, test-release: the release
#                 files and their tier (the block at the end)
#   make uninstall
#   make clean
#
# Every source is compiled to an object of its own under $(BUILD)/obj/,
# one directory per kind of build, so builds are incremental and coverage
# profiles do not collide.

CC      ?= cc
AR      ?= ar
SQLITE3 ?= sqlite3
BUILD   ?= build
CLANG   ?= clang

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MINGW_CC   ?= x86_64-w64-mingw32-gcc
SQLITE_INCLUDE ?= /usr/include

UNAME_S := $(shell uname -s 2>/dev/null || echo unknown)
ifeq ($(UNAME_S),Darwin)
  SOEXT   := dylib
  SOFLAGS := -dynamiclib
else ifneq (,$(filter MINGW% MSYS% CYGWIN% Windows_NT,$(UNAME_S)))
  SOEXT   := dll
  SOFLAGS := -shared
else
  SOEXT   := so
  SOFLAGS := -shared
endif

# -ffp-contract=off: no fused multiply-add, so every compiler rounds the
# formulas the same way the reference values assume (ARCHITECTURE.md).
CFLAGS  ?= -O2
STRICT  := -std=c11 -Wall -Wextra -Werror -ffp-contract=off
LDLIBS  := -lm
SAN     := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=all -DBCE_DEBUG
TSAN    := -g -O1 -fno-omit-frame-pointer -fsanitize=thread
# atomic counters: the thread test runs the library on four threads, and
# lost increments there make a derived branch count negative (2^64 - k)
COV     := -fprofile-instr-generate -fcoverage-mapping -fprofile-update=atomic
FUZZFL  := -g -O1 -fno-omit-frame-pointer \
           -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
           -DBCE_DEBUG

CORE_SRC := src/mean.c src/loss.c src/logistic.c src/logits.c \
            src/exact_sum.c src/decimal.c src/json_array.c src/jsonb.c \
            src/arrays.c src/state.c src/options_codec.c src/cce.c \
            src/elementary.c src/qd.c src/options.c src/binary_opt.c \
            src/logsumexp.c src/entropy.c src/kl.c src/d2.c src/log_batch.c
EXT_SRC  := ext/entry.c ext/args.c ext/aggregate.c ext/scalars.c \
            ext/array_args.c ext/states.c ext/multiclass.c ext/options.c \
            ext/scores.c ext/d2.c
SRC      := $(CORE_SRC) $(EXT_SRC)
HEADERS  := $(wildcard src/*.h ext/*.h)

LIB := bce.$(SOEXT)
O   := $(BUILD)/obj

# $(call objs,KIND,SOURCES): the objects of SOURCES in build kind KIND
objs = $(patsubst %.c,$(O)/$(1)/%.o,$(2))

# $(call kind,KIND,COMPILER,FLAGS): how KIND compiles a source
define kind
$(O)/$(1)/%.o: %.c $(HEADERS)
	@mkdir -p $$(dir $$@)
	$(2) $(3) -c -o $$@ $$<
endef
# the loadable library: only sqlite3_bce_init is exported (ext/entry.c)
$(eval $(call kind,so,$(CC),$(STRICT) $(CFLAGS) -fPIC -fvisibility=hidden))
# linked in: -DSQLITE_CORE makes the sqlite3ext.h indirection disappear,
# so the objects call libsqlite3 directly; src/ has no SQLite in it, so
# the unit tests link these objects too
$(eval $(call kind,static,$(CC),$(STRICT) $(CFLAGS) -DSQLITE_CORE))
$(eval $(call kind,asan,$(CLANG),$(STRICT) $(SAN) -fPIC))
$(eval $(call kind,tsan,$(CLANG),$(STRICT) $(TSAN) -fPIC))
$(eval $(call kind,fuzz,$(CLANG),$(STRICT) $(FUZZFL) -DSQLITE_CORE))
$(eval $(call kind,windows,$(MINGW_CC),$(STRICT) $(CFLAGS) -I$(BUILD)/windows/include))
$(eval $(call kind,cov,$(CLANG),$(STRICT) -O0 -g $(COV) -DBCE_COVERAGE -fPIC))
# built to refuse every SQLite, for the test of the too-old-SQLite message
$(eval $(call kind,minver,$(CC),$(STRICT) $(CFLAGS) -fPIC -fvisibility=hidden -DBCE_MIN_SQLITE=99000000))

.PHONY: all demo test check coverage fuzz mutate bench accuracy accuracy-elementary static windows wasm install uninstall clean

all: $(LIB)

$(LIB): $(call objs,so,$(SRC))
	$(CC) $(SOFLAGS) -o $@ $^ $(LDLIBS)

# The same library built into $(BUILD) (make check builds it with gcc and
# with clang, BUILD=build/gcc and build/clang, for the warning-free test).
$(BUILD)/$(LIB): $(call objs,so,$(SRC))
	@mkdir -p $(dir $@)
	$(CC) $(SOFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/minver/$(LIB): $(call objs,minver,ext/entry.c) \
                        $(call objs,so,$(filter-out ext/entry.c,$(SRC)))
	@mkdir -p $(dir $@)
	$(CC) $(SOFLAGS) -o $@ $^ $(LDLIBS)

static: $(BUILD)/libbce.a

# From the amalgamation (the release block below), where every function but
# sqlite3_bce_init is static: a host's own names cannot clash with ours.
$(BUILD)/libbce.a: $(BUILD)/amalg/sqlite-bce.o
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

windows: $(BUILD)/windows/bce.dll

# The SQLite headers are copied so that no other Linux header comes along.
$(BUILD)/windows/include/sqlite3ext.h:
	@mkdir -p $(dir $@)
	cp $(SQLITE_INCLUDE)/sqlite3.h $(SQLITE_INCLUDE)/sqlite3ext.h $(dir $@)

$(call objs,windows,$(SRC)): $(BUILD)/windows/include/sqlite3ext.h

$(BUILD)/windows/bce.dll: $(call objs,windows,$(SRC))
	$(MINGW_CC) -shared -o $@ $^

# ------------------------------------------------------------ test programs
# The dqlite node of make check and make dqlite-test, where libdqlite-dev
# is installed (tests/dqlite/cluster.sh skips, or fails in CI, without).
DQLITE_NODE := $(if $(shell printf '\043include <dqlite.h>\n' | \
                 $(CC) -E - >/dev/null 2>&1 && echo yes),$(BUILD)/dqlite_node)

$(BUILD)/%: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(STRICT) $(CFLAGS) -o $@ $< -lsqlite3 -lpthread -ldl -lm

# The unit tests of src/, one program each, linked with src/'s objects
# alone: tests/unit_NAME.c for NAME in UNITS.
UNITS     := core arrays state cce cce_opt jsonb elementary fma options binary_opt \
             log_pair opt_v3 log_batch opt_batch \
             scores sigmoid qd
UNIT_DEPS := tests/xorshift.h $(wildcard tests/ref/*.h)

# Static pattern rules: the objects are then known targets, which make
# builds, where a plain pattern rule would lose to $(BUILD)/%: tests/%.c
# whenever they do not exist yet.
$(patsubst %,$(BUILD)/unit_%,$(UNITS)): \
$(BUILD)/unit_%: tests/unit_%.c $(UNIT_DEPS) $(call objs,static,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(STRICT) $(CFLAGS) -o $@ $< $(call objs,static,$(CORE_SRC)) $(LDLIBS)

$(BUILD)/host_static: tests/host_static.c $(BUILD)/libbce.a ext/sqlite3_bce.h
	$(CC) $(STRICT) $(CFLAGS) -Iext -o $@ $< $(BUILD)/libbce.a -lsqlite3 $(LDLIBS)

# examples/parallel.c, the C host of docs/scale-out.md (tests/parallel.py)
$(BUILD)/example_parallel: examples/parallel.c $(BUILD)/libbce.a ext/sqlite3_bce.h
	$(CC) $(STRICT) $(CFLAGS) -Iext -o $@ $< $(BUILD)/libbce.a -lsqlite3 \
	  -lpthread $(LDLIBS)

$(BUILD)/fuzz_bce_main: tests/fuzz/fuzz_bce.c
	@mkdir -p $(dir $@)
	$(CC) $(STRICT) $(CFLAGS) -DFUZZ_MAIN -o $@ $< -lsqlite3 -lm

# make check's instrumented builds, always with clang.  -shared-libsan:
# tests/run.sh preloads the shared runtime for every program of the asan
# pass, the unit tests included.
$(BUILD)/asan/$(LIB): $(call objs,asan,$(SRC))
	@mkdir -p $(dir $@)
	$(CLANG) $(SAN) $(SOFLAGS) -o $@ $^ -lm

$(patsubst %,$(BUILD)/asan/unit_%,$(UNITS)): \
$(BUILD)/asan/unit_%: tests/unit_%.c $(UNIT_DEPS) $(call objs,asan,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) $(STRICT) $(SAN) -shared-libsan -o $@ $< $(call objs,asan,$(CORE_SRC)) -lm

$(BUILD)/asan/oom: tests/oom.c
	@mkdir -p $(dir $@)
	$(CLANG) $(STRICT) $(SAN) -o $@ $< -lsqlite3 -ldl -lm

$(BUILD)/asan/canary.$(SOEXT): tests/canary.c
	@mkdir -p $(dir $@)
	$(CLANG) $(STRICT) $(SAN) -fPIC $(SOFLAGS) -o $@ $<

$(BUILD)/canary.$(SOEXT): tests/canary.c
	@mkdir -p $(dir $@)
	$(CC) $(STRICT) -O0 -g -fPIC $(SOFLAGS) -o $@ $<

$(BUILD)/tsan/$(LIB): $(call objs,tsan,$(SRC))
	@mkdir -p $(dir $@)
	$(CLANG) $(TSAN) $(SOFLAGS) -o $@ $^ -lm

$(BUILD)/tsan/concurrency: tests/concurrency.c
	@mkdir -p $(dir $@)
	$(CLANG) $(STRICT) $(TSAN) -o $@ $< -lsqlite3 -lpthread -ldl

# make coverage: the library and the unit tests with coverage counters.
# The unit programs get -DBCE_COVERAGE too: the inline functions of src/'s
# headers that they compile have their BCE_ALWAYS()/BCE_NEVER() folded as
# the library's do (without it, bce_wloss()'s BCE_ALWAYS(y!=1.0) counted
# two outcomes no unit program reached).
$(BUILD)/cov/$(LIB): $(call objs,cov,$(SRC))
	@mkdir -p $(dir $@)
	$(CLANG) $(COV) $(SOFLAGS) -o $@ $^ -lm

$(patsubst %,$(BUILD)/cov/unit_%,$(UNITS)): \
$(BUILD)/cov/unit_%: tests/unit_%.c $(UNIT_DEPS) $(call objs,cov,$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CLANG) $(STRICT) -O0 -g $(COV) -DBCE_COVERAGE -o $@ $< $(call objs,cov,$(CORE_SRC)) -lm

# libFuzzer: the extension's objects linked in (-DSQLITE_CORE).
$(BUILD)/fuzz/fuzz_bce: tests/fuzz/fuzz_bce.c $(call objs,fuzz,$(SRC))
	@mkdir -p $(dir $@)
	$(CLANG) $(STRICT) $(FUZZFL) -DSQLITE_CORE -o $@ $< \
	  $(call objs,fuzz,$(SRC)) -lsqlite3 -lm

TEST_BINS  := $(LIB) $(patsubst %,$(BUILD)/unit_%,$(UNITS)) \
  $(BUILD)/errors_driver $(BUILD)/host_static $(BUILD)/minver/$(LIB) \
  $(BUILD)/entry_api $(BUILD)/alloc_rows $(BUILD)/example_parallel
CHECK_BINS := $(TEST_BINS) $(BUILD)/asan/$(LIB) \
  $(patsubst %,$(BUILD)/asan/unit_%,$(UNITS)) $(BUILD)/asan/oom $(BUILD)/asan/canary.$(SOEXT) \
  $(BUILD)/canary.$(SOEXT) $(BUILD)/tsan/$(LIB) $(BUILD)/tsan/concurrency \
  $(BUILD)/fuzz/fuzz_bce $(BUILD)/concurrency $(BUILD)/oom \
  $(BUILD)/fuzz_bce_main $(BUILD)/dqlite_client $(DQLITE_NODE)

# ------------------------------------------------------------------ targets
demo: $(LIB)
	$(SQLITE3) :memory: -cmd ".load ./bce" ".read sql/demo.sql"

# RESULTS: also keep the ok/FAIL/skip lines there (.ci/run sums both tiers)
test: $(TEST_BINS)
	@SQLITE3=$(SQLITE3) LIB=./$(LIB) BUILD=$(BUILD) RESULTS=$(RESULTS) \
	  UNITS="$(UNITS)" sh tests/run.sh

check: $(CHECK_BINS)
	@SQLITE3=$(SQLITE3) CLANG=$(CLANG) BUILD=$(BUILD) LIB=./$(LIB) \
	  RESULTS=$(RESULTS) UNITS="$(UNITS)" sh tests/check.sh

coverage: $(TEST_BINS) $(BUILD)/cov/$(LIB) \
          $(patsubst %,$(BUILD)/cov/unit_%,$(UNITS)) $(BUILD)/oom \
          $(BUILD)/concurrency \
          $(BUILD)/fuzz_bce_main $(BUILD)/entry_api
	@SQLITE3=$(SQLITE3) BUILD=$(BUILD) UNITS="$(UNITS)" sh tests/coverage.sh

# A longer fuzz run, from the seeds and what earlier runs found
# ($(BUILD)/fuzz/corpus); a crash is saved as $(BUILD)/fuzz/crash-*.
FUZZ_TIME ?= 60
FUZZ_RUNS ?= -1
FUZZ_SEED ?= 1
fuzz: $(BUILD)/fuzz/fuzz_bce
	@mkdir -p $(BUILD)/fuzz/corpus
	$(BUILD)/fuzz/fuzz_bce -seed=$(FUZZ_SEED) -runs=$(FUZZ_RUNS) \
	  -max_total_time=$(if $(filter -1,$(FUZZ_RUNS)),$(FUZZ_TIME),0) \
	  -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/ \
	  $(BUILD)/fuzz/corpus tests/fuzz/seeds

# Mutation testing (tests/mutate.py, docs/testing.md): MUTATE_FILES (default
# every .c of src/ and ext/), MUTATE_JOBS (default 2), MUTATE_OPS,
# MUTATE_FULL, MUTATE_UNTIL (the environment, as the others).
mutate:
	@MUTATE_FILES="$(MUTATE_FILES)" $(SYSPYTHON) tests/mutate.py

# The elementary functions' own libFuzzer target: every double in, each
# result the bits of GNU MPFR's (tests/fuzz/fuzz_elementary.c; libmpfr-dev).
# Twice: the baseline copy, and built with -mavx2 -mfma the FMA copy (its
# own fast paths, src/elementary.c), where the processor has FMA.
$(BUILD)/fuzz/fuzz_elementary: tests/fuzz/fuzz_elementary.c src/elementary.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(STRICT) $(FUZZFL) -o $@ tests/fuzz/fuzz_elementary.c \
	  src/elementary.c -lmpfr -lgmp -lm

$(BUILD)/fuzz/fuzz_elementary_fma: tests/fuzz/fuzz_elementary.c src/elementary.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(STRICT) $(FUZZFL) -mavx2 -mfma -o $@ \
	  tests/fuzz/fuzz_elementary.c src/elementary.c -lmpfr -lgmp -lm

FUZZ_ELEM = -seed=$(FUZZ_SEED) -runs=$(FUZZ_RUNS) \
	  -max_total_time=$(if $(filter -1,$(FUZZ_RUNS)),$(FUZZ_TIME),0) \
	  -max_len=8 -use_value_profile=1 -print_final_stats=1

.PHONY: fuzz-elementary
fuzz-elementary: $(BUILD)/fuzz/fuzz_elementary $(BUILD)/fuzz/fuzz_elementary_fma
	@mkdir -p $(BUILD)/fuzz/corpus_elementary $(BUILD)/fuzz/corpus_elementary_fma
	$(BUILD)/fuzz/fuzz_elementary $(FUZZ_ELEM) \
	  -artifact_prefix=$(BUILD)/fuzz/elementary- \
	  $(BUILD)/fuzz/corpus_elementary tests/fuzz/seeds_elementary
	@if grep -qw fma /proc/cpuinfo 2>/dev/null; then \
	  echo '$(BUILD)/fuzz/fuzz_elementary_fma (the FMA copy)'; \
	  $(BUILD)/fuzz/fuzz_elementary_fma $(FUZZ_ELEM) \
	    -artifact_prefix=$(BUILD)/fuzz/elementary-fma- \
	    $(BUILD)/fuzz/corpus_elementary_fma tests/fuzz/seeds_elementary; \
	else echo 'fuzz-elementary: no FMA here, the FMA copy is not fuzzed'; fi

# (the package staged by the wheel's rule below, for the parallel rows)
bench: $(LIB) $(BUILD)/floor.$(SOEXT) $(BUILD)/python/sqlite_bce/_version.py
	@SQLITE3=$(SQLITE3) LIB=./bce FLOOR=$(BUILD)/floor \
	  PY_STAGE=$(BUILD)/python bash bench/run.sh

accuracy: $(LIB)
	/usr/bin/python3 tests/accuracy_props.py ./bce

# bce_exp, bce_log, bce_log1p against GNU MPFR's correctly rounded results
# on ELEM_CASES arguments each (default 10^6, ELEM_SEED; libmpfr-dev); every
# result must be the same bits (docs/elementary.md)
accuracy-elementary: $(BUILD)/elementary_mpfr
	$(BUILD)/elementary_mpfr

$(BUILD)/elementary_mpfr: tests/elementary_mpfr.c src/elementary.c $(HEADERS) tests/xorshift.h
	@mkdir -p $(dir $@)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/elementary_mpfr.c src/elementary.c -lmpfr -lgmp -lm

$(BUILD)/floor.$(SOEXT): bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(STRICT) $(CFLAGS) -fPIC $(SOFLAGS) -o $@ $< $(LDLIBS)

install: $(LIB) $(BUILD)/libbce.a
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)
	install -m 0755 $(LIB) $(DESTDIR)$(LIBDIR)/$(LIB)
	install -m 0644 $(BUILD)/libbce.a $(DESTDIR)$(LIBDIR)/libbce.a
	install -m 0644 ext/sqlite3_bce.h $(DESTDIR)$(INCLUDEDIR)/sqlite3_bce.h

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/$(LIB) $(DESTDIR)$(LIBDIR)/libbce.a \
	      $(DESTDIR)$(INCLUDEDIR)/sqlite3_bce.h

clean:
	rm -rf $(BUILD) bce.so bce.dylib bce.dll

# ------------------------------------------------------------- release (0.3.0)
# The one-file amalgamation, the packages and the release directory.
#   make amalgamation  build/dist/sqlite-bce.c and build/dist/sqlite3_bce.h
#                      (scripts/amalgamate.py, from CORE_SRC and EXT_SRC)
#   make npm           build/dist/sqlite-bce-VERSION.tgz (npm pack), with
#                      the libraries of linux-x64, linux-arm64 and win32-x64
#   make wheel         build/dist/sqlite_bce-VERSION-py3-none-TAG.whl, one
#                      per platform: linux_x86_64, linux_aarch64, win_amd64
#                      (offline: Debian's python3-setuptools, python3-wheel)
#   make dist          all of them, bce.so, bce.dll, libbce.a, SHA256SUMS
#   make test-amalgamation  the suite's SQL steps against a bce.so built from
#                      the amalgamation, and its own checks (tests/amalgamation.sh)
#   make test-release  the release tier: test-amalgamation's checks, then
#                      tests/dist.sh, python_package.sh, npm_package.sh,
#                      package_platforms.sh, csv.sh
SYSPYTHON ?= /usr/bin/python3
NPM       ?= npm
DIST      := $(BUILD)/dist
VERSION   := $(shell sed -n 's/^\#define BCE_VERSION "\(.*\)"$$/\1/p' src/version.h)
AMALG_C   := $(DIST)/sqlite-bce.c
AMALG_H   := $(DIST)/sqlite3_bce.h
NPM_TGZ   := $(DIST)/sqlite-bce-$(VERSION).tgz
WHEEL_TAGS := linux_x86_64 linux_aarch64 win_amd64
WHEELS    := $(foreach t,$(WHEEL_TAGS),$(DIST)/sqlite_bce-$(VERSION)-py3-none-$(t).whl)
WHEEL     := $(firstword $(WHEELS))
AARCH64_CC ?= aarch64-linux-gnu-gcc

.PHONY: amalgamation npm wheel dist test-amalgamation test-release test-browser

amalgamation: $(AMALG_C) $(AMALG_H)

$(AMALG_C) $(AMALG_H) &: scripts/amalgamate.py $(CORE_SRC) $(EXT_SRC) $(HEADERS) ext/sqlite3_bce.h src/version.h
	@mkdir -p $(DIST)
	$(SYSPYTHON) scripts/amalgamate.py $(AMALG_C) $(AMALG_H) ext/sqlite3_bce.h src/version.h $(CORE_SRC) $(EXT_SRC)

# The loadable library, and the object of make static's libbce.a, each
# from the amalgamation alone.
$(BUILD)/amalg/$(LIB): $(AMALG_C)
	@mkdir -p $(dir $@)
	$(CC) $(STRICT) $(CFLAGS) -fPIC $(SOFLAGS) -o $@ $(AMALG_C) $(LDLIBS)

$(BUILD)/amalg/sqlite-bce.o: $(AMALG_C)
	@mkdir -p $(dir $@)
	$(CC) $(STRICT) $(CFLAGS) -DSQLITE_CORE -c -o $@ $(AMALG_C)

# The suite's SQL steps against the amalgamation's bce.so, and the
# amalgamation's own checks (tests/amalgamation.sh).
test-amalgamation: $(BUILD)/amalg/$(LIB) $(BUILD)/libbce.a $(BUILD)/errors_driver
	@rm -f $(BUILD)/results-amalg
	@SQLITE3=$(SQLITE3) LIB=./$(BUILD)/amalg/$(LIB) BUILD=$(BUILD) \
	  STEPS="sql checker errors load python" NAME="amalgamation: " \
	  RESULTS=$(BUILD)/results-amalg NO_SUMMARY=1 sh tests/run.sh
	@SQLITE3=$(SQLITE3) BUILD=$(BUILD) AMALG_C=$(AMALG_C) AMALG_H=$(AMALG_H) \
	  sh tests/amalgamation.sh >>$(BUILD)/results-amalg
	@$(if $(RESULTS),cat $(BUILD)/results-amalg >>$(RESULTS))
	@sh tests/summary.sh $(BUILD)/results-amalg

# make wasm: SQLite and sqlite-bce in one WebAssembly module, for a page or
# Node (docs/hosts.md, "In the browser"), with Debian's emscripten; SQLite
# from the pinned amalgamation of make test-versions (tests/versions/).
# Out: $(WASM_DIR)/sqlite-bce.mjs (the module to import),
# sqlite-bce-core.mjs (emscripten's glue) and sqlite-bce-core.wasm.
empty :=
space := $(empty) $(empty)
EMCC        ?= emcc
WASM_SQLITE ?= 3.52.0
WASM_DIR    := $(BUILD)/wasm
WASM_AMALG  := $(BUILD)/versions/$(WASM_SQLITE)
WASM_EXPORTS := _bce_wasm_init,_sqlite3_open,_sqlite3_close_v2,_sqlite3_errmsg,\
  _sqlite3_prepare_v2,_sqlite3_step,_sqlite3_finalize,_sqlite3_column_count,\
  _sqlite3_column_type,_sqlite3_column_double,_sqlite3_column_text,\
  _sqlite3_column_blob,_sqlite3_column_bytes,_sqlite3_bind_parameter_count,\
  _sqlite3_bind_null,_sqlite3_bind_double,_sqlite3_bind_text,\
  _sqlite3_bind_blob,_malloc,_free
wasm: $(WASM_DIR)/sqlite-bce.mjs $(WASM_DIR)/index.html $(WASM_DIR)/page.js

$(WASM_AMALG)/sqlite3.c:
	sh tests/versions/fetch.sh $(WASM_SQLITE) $(BUILD)/versions

# emscripten's own JavaScript tools need acorn, which Debian keeps in
# /usr/share/nodejs: NODE_PATH finds it whichever node is first on PATH.
# The glue is built for the web only: emscripten 3.1.6's Node branch uses
# require and __dirname, which an ES module has not; in Node the wrapper
# hands the glue the .wasm bytes instead (wasm/sqlite-bce.mjs).  Objects
# are compiled once and linked twice: the module, and for the tests the
# same with tests/versions/compat.c (ieee754() and friends) registered too.
WASM_CC   = NODE_PATH=/usr/share/nodejs$${NODE_PATH:+:$$NODE_PATH} $(EMCC) -O2 \
  -DSQLITE_CORE -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION \
  -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_DEFAULT_MEMSTATUS=0 \
  -I$(WASM_AMALG) -Iext
WASM_LINK = -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createBceModule \
  -sENVIRONMENT=web,worker -sALLOW_MEMORY_GROWTH=1 \
  -sEXPORTED_FUNCTIONS='$(subst $(space),,$(WASM_EXPORTS))' \
  -sEXPORTED_RUNTIME_METHODS=getValue,UTF8ToString,stringToUTF8,lengthBytesUTF8
WASM_OBJ  := $(WASM_DIR)/obj

$(WASM_OBJ)/sqlite3.o: $(WASM_AMALG)/sqlite3.c
	mkdir -p $(WASM_OBJ) && $(WASM_CC) -c -o $@ $<
$(WASM_OBJ)/sqlite-bce.o: $(AMALG_C) $(WASM_AMALG)/sqlite3.c
	mkdir -p $(WASM_OBJ) && $(WASM_CC) -c -o $@ $(AMALG_C)
$(WASM_OBJ)/bce_wasm.o: wasm/bce_wasm.c $(WASM_AMALG)/sqlite3.c
	mkdir -p $(WASM_OBJ) && $(WASM_CC) -c -o $@ $<
$(WASM_OBJ)/bce_wasm_test.o: wasm/bce_wasm.c $(WASM_AMALG)/sqlite3.c
	mkdir -p $(WASM_OBJ) && $(WASM_CC) -DBCE_WASM_TEST -c -o $@ $<
$(WASM_OBJ)/compat.o: tests/versions/compat.c $(WASM_AMALG)/sqlite3.c
	mkdir -p $(WASM_OBJ) && $(WASM_CC) -c -o $@ $<

$(WASM_DIR)/sqlite-bce-core.mjs: $(WASM_OBJ)/sqlite3.o $(WASM_OBJ)/sqlite-bce.o \
                                 $(WASM_OBJ)/bce_wasm.o
	$(WASM_CC) $(WASM_LINK) -o $@ $^
$(WASM_DIR)/test/sqlite-bce-core.mjs: $(WASM_OBJ)/sqlite3.o \
    $(WASM_OBJ)/sqlite-bce.o $(WASM_OBJ)/bce_wasm_test.o $(WASM_OBJ)/compat.o
	mkdir -p $(WASM_DIR)/test && $(WASM_CC) $(WASM_LINK) -o $@ $^
$(WASM_DIR)/test/sqlite-bce.mjs: wasm/sqlite-bce.mjs $(WASM_DIR)/test/sqlite-bce-core.mjs
	cp wasm/sqlite-bce.mjs $@

$(WASM_DIR)/sqlite-bce.mjs: wasm/sqlite-bce.mjs $(WASM_DIR)/sqlite-bce-core.mjs
	cp wasm/sqlite-bce.mjs $@

# make test-browser (tests/wasm.sh): the module in Node, the SQL suite in
# it bit for bit against the native library, the page in Chromium.  Without
# emcc the build is left out and the script says what is missing.
test-browser: $(LIB)
	@rm -f $(BUILD)/results-browser
	@if command -v $(EMCC) >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory wasm $(WASM_DIR)/test/sqlite-bce.mjs \
	    >$(BUILD)/wasm-build.log 2>&1 || \
	  { echo "FAIL|make wasm|$$(tail -c 600 $(BUILD)/wasm-build.log | tr '\n' ' ')" \
	    >>$(BUILD)/results-browser; }; fi
	@BUILD=$(BUILD) LIB=./$(LIB) WASM_SQLITE=$(WASM_SQLITE) sh tests/wasm.sh \
	  >>$(BUILD)/results-browser
	@$(if $(RESULTS),cat $(BUILD)/results-browser >>$(RESULTS))
	@sh tests/summary.sh $(BUILD)/results-browser

# the page (wasm/index.html) beside the module it imports
$(WASM_DIR)/index.html $(WASM_DIR)/page.js: $(WASM_DIR)/%: wasm/%
	mkdir -p $(WASM_DIR) && cp $< $@

# The prebuilt libraries of the packages, one per platform, named as
# Node names the platform (process.platform-process.arch):
#   linux-x64    $(LIB), the library make builds and make test tests
#   linux-arm64  $(ARM64_LIB): the amalgamation by aarch64-linux-gnu-gcc
#                with the project's flags (make test-release runs the SQL
#                suite on it under qemu-aarch64)
#   win32-x64    $(DIST)/bce.dll: the amalgamation by mingw-w64 (the SQL
#                suite under Wine)
# Both cross builds take the SQLite headers of make windows (copied from
# SQLITE_INCLUDE), the only headers they need besides the C library's.
ARM64_LIB := $(BUILD)/linux-arm64/bce.so
$(ARM64_LIB): $(AMALG_C) $(BUILD)/windows/include/sqlite3ext.h
	@mkdir -p $(dir $@)
	$(AARCH64_CC) $(STRICT) $(CFLAGS) -fPIC \
	  -shared -I$(BUILD)/windows/include -o $@ $(AMALG_C) $(LDLIBS)

# The npm package: bindings/node with the three libraries under
# lib/<platform>-<arch>/ (index.js picks one) and the version of
# src/version.h.  Built on Linux x86-64 only: linux-x64 is make's own.
NPM_STAGE := $(BUILD)/npm/sqlite-bce
npm: $(NPM_TGZ)

$(NPM_TGZ): $(LIB) $(ARM64_LIB) $(DIST)/bce.dll bindings/node/package.json \
            bindings/node/index.js bindings/node/parallel.js \
            bindings/node/index.d.ts bindings/node/README.md LICENSE src/version.h
	@[ "$(UNAME_S)-$$(uname -m)" = Linux-x86_64 ] || \
	  { echo "make npm: its linux-x64 library is make's own build; this is $(UNAME_S)-$$(uname -m)"; exit 1; }
	rm -rf $(NPM_STAGE) && mkdir -p $(NPM_STAGE)/lib/linux-x64 \
	  $(NPM_STAGE)/lib/linux-arm64 $(NPM_STAGE)/lib/win32-x64 $(DIST)
	cp bindings/node/package.json bindings/node/index.js \
	   bindings/node/parallel.js bindings/node/index.d.ts \
	   bindings/node/README.md LICENSE $(NPM_STAGE)/
	cp $(LIB) $(NPM_STAGE)/lib/linux-x64/bce.so
	cp $(ARM64_LIB) $(NPM_STAGE)/lib/linux-arm64/bce.so
	cp $(DIST)/bce.dll $(NPM_STAGE)/lib/win32-x64/bce.dll
	cd $(NPM_STAGE) && $(NPM) pkg set version=$(VERSION) && \
	  $(NPM) pack --silent --pack-destination $(abspath $(DIST)) >/dev/null
	@test -f $@

# The wheels, one per platform, each with its one library and
# sqlite_bce/_platform.py naming the platform it is for (loadable_path()
# refuses to hand a library to another platform).  Each is staged in
# $(BUILD)/wheel/TAG/ and built offline by Debian's setuptools and wheel
# (nothing is downloaded: no pip, no build isolation); setup.py takes the
# tag from BCE_WHEEL_TAG.  The tags are the plain linux_* ones, not
# manylinux: docs/hosts.md says why.
PY_STAGE := $(BUILD)/python
wheel: $(WHEELS)

# $(call wheel_rule,TAG,LIBRARY,FILE IN THE PACKAGE,PLATFORM)
define wheel_rule
$(DIST)/sqlite_bce-$(VERSION)-py3-none-$(1).whl: $(2) $(PY_STAGE)/sqlite_bce/_version.py
	@[ "$(UNAME_S)-$$$$(uname -m)" = Linux-x86_64 ] || \
	  { echo "make wheel: its linux_x86_64 library is make's own build; this is $(UNAME_S)-$$$$(uname -m)"; exit 1; }
	rm -rf $(BUILD)/wheel/$(1) && mkdir -p $(BUILD)/wheel/$(1) $(DIST)
	cp -r bindings/python/setup.py bindings/python/README.md \
	      bindings/python/sqlite_bce LICENSE $(BUILD)/wheel/$(1)/
	rm -rf $(BUILD)/wheel/$(1)/sqlite_bce/__pycache__
	cp $(PY_STAGE)/sqlite_bce/_version.py $(BUILD)/wheel/$(1)/sqlite_bce/
	printf '# Written by make: the platform of this package'"'"'s library.\nPLATFORM = "%s"\n' \
	  '$(4)' >$(BUILD)/wheel/$(1)/sqlite_bce/_platform.py
	cp $(2) $(BUILD)/wheel/$(1)/sqlite_bce/$(3)
	cd $(BUILD)/wheel/$(1) && BCE_WHEEL_TAG=$(1) $(SYSPYTHON) setup.py -q \
	  bdist_wheel -d $(abspath $(DIST)) >build.log 2>&1 || { cat build.log; exit 1; }
	@test -f $$@
endef
$(eval $(call wheel_rule,linux_x86_64,$(LIB),bce.so,linux-x86_64))
$(eval $(call wheel_rule,linux_aarch64,$(ARM64_LIB),bce.so,linux-aarch64))
$(eval $(call wheel_rule,win_amd64,$(DIST)/bce.dll,bce.dll,win-amd64))

# The package staged as the wheel lays it out, with make's own library and
# no _platform.py (PYTHONPATH=$(PY_STAGE) imports it: make bench's
# parallel rows do).
$(PY_STAGE)/sqlite_bce/_version.py: $(LIB) bindings/python/setup.py \
          bindings/python/README.md bindings/python/sqlite_bce/__init__.py \
          bindings/python/sqlite_bce/_parallel.py LICENSE src/version.h
	rm -rf $(PY_STAGE) && mkdir -p $(PY_STAGE)
	cp -r bindings/python/setup.py bindings/python/README.md \
	      bindings/python/sqlite_bce LICENSE $(PY_STAGE)/
	rm -rf $(PY_STAGE)/sqlite_bce/__pycache__
	cp $(LIB) $(PY_STAGE)/sqlite_bce/bce.so
	printf '# Written by make from src/version.h.\n__version__ = "%s"\n' \
	  '$(VERSION)' >$@

# pkg-config: `pkg-config --cflags --libs sqlite-bce` for a program that
# links libbce.a (the header includes sqlite3.h, hence Requires: sqlite3).
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# ${prefix}-relative where possible, so --define-prefix and
# --define-variable=prefix=... can move it (the DESTDIR test does).
pc_path = $(if $(filter $(PREFIX)/%,$(1)),$${prefix}/$(patsubst $(PREFIX)/%,%,$(1)),$(1))

$(BUILD)/sqlite-bce.pc: Makefile src/version.h
	@mkdir -p $(BUILD)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(call pc_path,$(LIBDIR))' \
	  'includedir=$(call pc_path,$(INCLUDEDIR))' '' 'Name: sqlite-bce' \
	  'Description: Binary cross-entropy (log loss) for SQLite, linked in' \
	  'Version: $(VERSION)' 'Requires: sqlite3' \
	  'Libs: -L$${libdir} -lbce -lm' 'Cflags: -I$${includedir}' >$@

.PHONY: install-pc uninstall-pc
install: install-pc
uninstall: uninstall-pc
install-pc: $(BUILD)/sqlite-bce.pc
	install -d $(DESTDIR)$(PKGCONFIGDIR)
	install -m 0644 $(BUILD)/sqlite-bce.pc $(DESTDIR)$(PKGCONFIGDIR)/sqlite-bce.pc
uninstall-pc:
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/sqlite-bce.pc
	rmdir $(DESTDIR)$(PKGCONFIGDIR) 2>/dev/null || true

# Windows, from the amalgamation alone (the SQLite headers copied, so that
# no Linux header comes along).
$(DIST)/bce.dll: $(AMALG_C) $(BUILD)/windows/include/sqlite3ext.h
	$(MINGW_CC) $(STRICT) $(CFLAGS) -shared -I$(BUILD)/windows/include -o $@ $(AMALG_C)

DIST_FILES := sqlite-bce.c sqlite3_bce.h bce.so bce.dll libbce.a \
              $(notdir $(NPM_TGZ)) $(notdir $(WHEELS))
dist: $(AMALG_C) $(AMALG_H) $(LIB) $(DIST)/bce.dll $(BUILD)/libbce.a \
      $(NPM_TGZ) $(WHEELS)
	cp $(LIB) $(DIST)/bce.so
	cp $(BUILD)/libbce.a $(DIST)/libbce.a
	cd $(DIST) && sha256sum $(DIST_FILES) >SHA256SUMS
	@echo "$(DIST)/: $(DIST_FILES) SHA256SUMS"

# The release checks, counted together: the amalgamation on its own, the
# artifacts of make dist, the wheel, the npm tarball, the CSV walk-through.
# RESULTS: also keep the ok/FAIL/skip lines there (.ci/run sums the tiers)
test-release: dist $(BUILD)/amalg/$(LIB) $(BUILD)/errors_driver
	@rm -f $(BUILD)/results-release
	@SQLITE3=$(SQLITE3) LIB=./$(BUILD)/amalg/$(LIB) BUILD=$(BUILD) \
	  STEPS="sql checker errors load python" NAME="amalgamation: " \
	  RESULTS=$(BUILD)/results-release NO_SUMMARY=1 sh tests/run.sh
	@for t in amalgamation dist python_package npm_package package_platforms csv; do \
	  SQLITE3=$(SQLITE3) LIB=./$(LIB) BUILD=$(BUILD) MAKE=$(MAKE) \
	    sh tests/$$t.sh >>$(BUILD)/results-release; done
	@$(if $(RESULTS),cat $(BUILD)/results-release >>$(RESULTS))
	@sh tests/summary.sh $(BUILD)/results-release

# ------------------------------------------------------------ dqlite-test
# A three-node dqlite cluster on 127.0.0.1 with the functions linked into
# each node (tests/dqlite/).  Without libdqlite-dev the node is not built
# and every check is skipped (failed when CI=true).
.PHONY: dqlite-test
dqlite-test: $(LIB) $(BUILD)/dqlite_client $(DQLITE_NODE)
	@BUILD=$(BUILD) SQLITE3=$(SQLITE3) LIB=./$(LIB) sh tests/dqlite/cluster.sh

$(BUILD)/dqlite_node: tests/dqlite/node.c $(BUILD)/libbce.a ext/sqlite3_bce.h
	$(CC) $(STRICT) $(CFLAGS) -Iext -o $@ tests/dqlite/node.c $(BUILD)/libbce.a -ldqlite -lsqlite3 $(LDLIBS)

$(BUILD)/dqlite_client: tests/dqlite/client.c
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/dqlite/client.c

# ------------------------------------------------- platforms (issue 22)
# make test-versions  the SQL suite on every SQLite of tests/versions/pins.tsv
#                     (3.24.0 must refuse the extension; 3.25.2 to the
#                     newest), shells built from amalgamations fetched with
#                     npm pack and checked against their SHA-256; cached in
#                     $(BUILD)/versions/.  Offline it skips; CI=true fails.
# make test-windows   the SQL suite against $(BUILD)/windows/bce.dll in a
#                     mingw-built sqlite3.exe under Wine (tests/windows.sh)
# make test-samebits  the same bits, call for call, from every compiler and
#                     platform here (tests/samebits/run.sh)
# make test-platforms the three, counted together (the platform tier of CI)
.PHONY: test-versions test-windows test-samebits test-platforms
test-versions: $(LIB)
	@rm -f $(BUILD)/results-versions
	@LIB=./$(LIB) BUILD=$(BUILD) sh tests/versions.sh >$(BUILD)/results-versions
	@$(if $(RESULTS),cat $(BUILD)/results-versions >>$(RESULTS))
	@sh tests/summary.sh $(BUILD)/results-versions

test-samebits: $(LIB) $(AMALG_C)
	@rm -f $(BUILD)/results-samebits
	@LIB=./$(LIB) BUILD=$(BUILD) AMALG_C=$(AMALG_C) sh tests/samebits/run.sh >$(BUILD)/results-samebits
	@$(if $(RESULTS),cat $(BUILD)/results-samebits >>$(RESULTS))
	@sh tests/summary.sh $(BUILD)/results-samebits

test-windows: $(BUILD)/windows/bce.dll
	@rm -f $(BUILD)/results-windows
	@BUILD=$(BUILD) sh tests/windows.sh >$(BUILD)/results-windows
	@$(if $(RESULTS),cat $(BUILD)/results-windows >>$(RESULTS))
	@sh tests/summary.sh $(BUILD)/results-windows

# RESULTS: also keep the ok/FAIL/skip lines there (.ci/run sums the tiers)
test-platforms: $(LIB) $(AMALG_C) $(BUILD)/windows/bce.dll
	@rm -f $(BUILD)/results-platforms
	@LIB=./$(LIB) BUILD=$(BUILD) sh tests/versions.sh >>$(BUILD)/results-platforms
	@BUILD=$(BUILD) sh tests/windows.sh >>$(BUILD)/results-platforms
	@LIB=./$(LIB) BUILD=$(BUILD) AMALG_C=$(AMALG_C) sh tests/samebits/run.sh >>$(BUILD)/results-platforms
	@$(if $(RESULTS),cat $(BUILD)/results-platforms >>$(RESULTS))
	@sh tests/summary.sh $(BUILD)/results-platforms
