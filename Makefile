# sqlite-bce: binary cross-entropy for SQLite.
#   make          build the loadable extension (bce.so / bce.dylib / bce.dll)
#   make demo     build it and run sql/demo.sql on an in-memory database
#   make test     build it, run every test, end with "N passed, N failed"
#                 (make check included)
#   make check    the suite again under AddressSanitizer+UBSan and under
#                 valgrind, a short fuzz run, the thread test under
#                 ThreadSanitizer, the out-of-memory test (tests/check.sh;
#                 needs clang with its sanitizer runtimes, and valgrind)
#   make fuzz     a libFuzzer run: FUZZ_TIME seconds (default 60), or
#                 FUZZ_RUNS inputs; FUZZ_SEED (default 1)
#   make bench    time the functions against SQLite's own aggregates
#                 (10^7-row tables, made once in bench/data/; a few minutes)
#   make static   build/libbce.a, to link the functions into a program
#   make windows  cross-build build/windows/bce.dll with mingw-w64
#   make install  bce.so, libbce.a and sqlite3_bce.h under DESTDIR/PREFIX
#   make uninstall
#   make clean

CC      ?= cc
AR      ?= ar
SQLITE3 ?= sqlite3
BUILD   ?= build

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
# formulas the same way the reference values assume.
CFLAGS  ?= -O2
STRICT  := -std=c11 -Wall -Wextra -Werror -ffp-contract=off
LDLIBS  := -lm
# Only sqlite3_bce_init is exported (ext/entry.c); everything else stays
# inside the library.
SHARED  := -fPIC -fvisibility=hidden $(SOFLAGS)

CORE_SRC := src/loss.c src/logistic.c src/logits.c src/exact_sum.c \
            src/decimal.c src/json_array.c src/vector.c
EXT_SRC  := ext/entry.c ext/args.c ext/aggregate.c ext/scalars.c \
            ext/vector.c
HEADERS  := $(wildcard src/*.h ext/*.h)
STATIC_OBJ := $(patsubst %.c,$(BUILD)/static/%.o,$(CORE_SRC) $(EXT_SRC))

LIB := bce.$(SOEXT)

.PHONY: all demo test check fuzz bench static windows install uninstall clean

all: $(LIB)

$(LIB): $(CORE_SRC) $(EXT_SRC) $(HEADERS)
	$(CC) $(STRICT) $(CFLAGS) $(SHARED) -o $@ $(CORE_SRC) $(EXT_SRC) $(LDLIBS)

# The extension built into $(BUILD) with another compiler, for the test
# that every supported compiler builds it warning-free.
$(BUILD)/$(LIB): $(CORE_SRC) $(EXT_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) $(SHARED) -o $@ $(CORE_SRC) $(EXT_SRC) $(LDLIBS)

# Built to refuse every SQLite, for the test of the too-old-SQLite message.
$(BUILD)/minver/$(LIB): $(CORE_SRC) $(EXT_SRC) $(HEADERS)
	@mkdir -p $(BUILD)/minver
	$(CC) $(STRICT) $(CFLAGS) $(SHARED) -DBCE_MIN_SQLITE=99000000 -o $@ $(CORE_SRC) $(EXT_SRC) $(LDLIBS)

# Linked in rather than loaded: -DSQLITE_CORE makes the sqlite3ext.h
# indirection disappear, so the objects call libsqlite3 directly.
static: $(BUILD)/libbce.a

$(BUILD)/static/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(STRICT) $(CFLAGS) -DSQLITE_CORE -c -o $@ $<

$(BUILD)/libbce.a: $(STATIC_OBJ)
	rm -f $@
	$(AR) rcs $@ $(STATIC_OBJ)

$(BUILD)/host_static: tests/host_static.c $(BUILD)/libbce.a ext/sqlite3_bce.h
	$(CC) $(STRICT) $(CFLAGS) -Iext -o $@ tests/host_static.c $(BUILD)/libbce.a -lsqlite3 $(LDLIBS)

# Windows, cross-compiled: proves the code builds for it.  The SQLite
# headers are copied so that no other Linux header comes along.
windows: $(BUILD)/windows/bce.dll

$(BUILD)/windows/bce.dll: $(CORE_SRC) $(EXT_SRC) $(HEADERS)
	@mkdir -p $(BUILD)/windows/include
	cp $(SQLITE_INCLUDE)/sqlite3.h $(SQLITE_INCLUDE)/sqlite3ext.h $(BUILD)/windows/include/
	$(MINGW_CC) $(STRICT) $(CFLAGS) -shared -I$(BUILD)/windows/include -o $@ $(CORE_SRC) $(EXT_SRC)

$(BUILD)/unit_core: tests/unit_core.c tests/ref/core_ref.h tests/xorshift.h $(CORE_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/unit_core.c $(CORE_SRC) $(LDLIBS)

$(BUILD)/unit_arrays: tests/unit_arrays.c tests/ref/arrays_ref.h tests/xorshift.h $(CORE_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/unit_arrays.c $(CORE_SRC) $(LDLIBS)

# The C test programs of make check, also built by tests/run.sh with gcc
# and with clang for the warning-free test.
$(BUILD)/concurrency: tests/concurrency.c
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/concurrency.c -lsqlite3 -lpthread -ldl

$(BUILD)/oom: tests/oom.c
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/oom.c -lsqlite3 -ldl -lm

$(BUILD)/fuzz_bce_main: tests/fuzz/fuzz_bce.c
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -DFUZZ_MAIN -o $@ tests/fuzz/fuzz_bce.c -lsqlite3 -lm

# ---------------------------------------------------------------- make check
# Instrumented builds, always with clang.  -O1 -g: readable reports.
CLANG    ?= clang
SAN      := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=all
TSAN     := -g -O1 -fno-omit-frame-pointer -fsanitize=thread
FUZZ_TIME ?= 60
FUZZ_RUNS ?= -1
FUZZ_SEED ?= 1

build/asan/$(LIB): $(CORE_SRC) $(EXT_SRC) $(HEADERS)
	@mkdir -p build/asan
	$(CLANG) $(STRICT) $(SAN) -fPIC $(SOFLAGS) -o $@ $(CORE_SRC) $(EXT_SRC) -lm

# -shared-libsan: tests/run.sh preloads the shared runtime for every
# program of its asan pass, this one included.
build/asan/unit_core: tests/unit_core.c tests/ref/core_ref.h tests/xorshift.h $(CORE_SRC) $(HEADERS)
	@mkdir -p build/asan
	$(CLANG) $(STRICT) $(SAN) -shared-libsan -o $@ tests/unit_core.c \
	  $(CORE_SRC) -lm

build/asan/oom: tests/oom.c
	@mkdir -p build/asan
	$(CLANG) $(STRICT) $(SAN) -o $@ tests/oom.c -lsqlite3 -ldl -lm

build/asan/canary.$(SOEXT): tests/canary.c
	@mkdir -p build/asan
	$(CLANG) $(STRICT) $(SAN) -fPIC $(SOFLAGS) -o $@ tests/canary.c

build/canary.$(SOEXT): tests/canary.c
	@mkdir -p build
	$(CC) $(STRICT) -O0 -g -fPIC $(SOFLAGS) -o $@ tests/canary.c

build/tsan/$(LIB): $(CORE_SRC) $(EXT_SRC) $(HEADERS)
	@mkdir -p build/tsan
	$(CLANG) $(STRICT) $(TSAN) -fPIC $(SOFLAGS) -o $@ $(CORE_SRC) $(EXT_SRC) -lm

build/tsan/concurrency: tests/concurrency.c
	@mkdir -p build/tsan
	$(CLANG) $(STRICT) $(TSAN) -o $@ tests/concurrency.c -lsqlite3 -lpthread -ldl

# libFuzzer: the extension's sources compiled in (-DSQLITE_CORE).
build/fuzz/fuzz_bce: tests/fuzz/fuzz_bce.c $(CORE_SRC) $(EXT_SRC) $(HEADERS)
	@mkdir -p build/fuzz
	$(CLANG) $(STRICT) -g -O1 -fno-omit-frame-pointer \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -DSQLITE_CORE -o $@ tests/fuzz/fuzz_bce.c $(CORE_SRC) $(EXT_SRC) \
	  -lsqlite3 -lm

CHECK_BINS := $(LIB) build/asan/$(LIB) build/asan/unit_core build/asan/oom \
  build/asan/canary.$(SOEXT) build/canary.$(SOEXT) build/tsan/$(LIB) \
  build/tsan/concurrency build/fuzz/fuzz_bce $(BUILD)/concurrency \
  $(BUILD)/oom $(BUILD)/fuzz_bce_main

demo: $(LIB)
	$(SQLITE3) :memory: -cmd ".load ./bce" ".read sql/demo.sql"

# The suite (tests/run.sh) and make check run side by side (2 cores: the
# valgrind pass is the long one); one count at the end.
test: $(LIB) $(BUILD)/unit_core $(BUILD)/unit_arrays $(BUILD)/host_static \
      $(BUILD)/minver/$(LIB)
	@rm -f $(BUILD)/results-suite $(BUILD)/results-check
	@SQLITE3=$(SQLITE3) LIB=./$(LIB) BUILD=$(BUILD) \
	  UNIT="$(BUILD)/unit_core $(BUILD)/unit_arrays" \
	  RESULTS=$(BUILD)/results-suite sh tests/run.sh & \
	 $(MAKE) --no-print-directory check RESULTS=$(BUILD)/results-check || \
	   echo 'FAIL|make check|did not run to the end (see above)' \
	     >>$(BUILD)/results-check; \
	 wait; sh tests/summary.sh $(BUILD)/results-suite $(BUILD)/results-check

# RESULTS: append the results there (make test counts them) instead of
# ending with the count.
check: $(CHECK_BINS)
	@SQLITE3=$(SQLITE3) CLANG=$(CLANG) BUILD=$(BUILD) LIB=./$(LIB) \
	  RESULTS=$(RESULTS) sh tests/check.sh

# A longer fuzz run, from the seeds and what earlier runs found
# (build/fuzz/corpus); a crash is saved as build/fuzz/crash-*.
fuzz: build/fuzz/fuzz_bce
	@mkdir -p build/fuzz/corpus
	build/fuzz/fuzz_bce -seed=$(FUZZ_SEED) -runs=$(FUZZ_RUNS) \
	  -max_total_time=$(if $(filter -1,$(FUZZ_RUNS)),$(FUZZ_TIME),0) \
	  -print_final_stats=1 -artifact_prefix=build/fuzz/ \
	  build/fuzz/corpus tests/fuzz/seeds

bench: $(LIB) $(BUILD)/floor.$(SOEXT)
	@SQLITE3=$(SQLITE3) LIB=./bce FLOOR=$(BUILD)/floor bash bench/run.sh

$(BUILD)/floor.$(SOEXT): bench/floor.c
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -fPIC $(SOFLAGS) -o $@ bench/floor.c $(LDLIBS)

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

# Unit tests of src/cce.c (issue 13), built as build/unit_arrays is.
$(BUILD)/unit_cce: tests/unit_cce.c tests/ref/cce_ref.h tests/xorshift.h src/cce.c src/exact_sum.c src/decimal.c src/json_array.c $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/unit_cce.c src/cce.c src/exact_sum.c src/decimal.c src/json_array.c $(LDLIBS)
