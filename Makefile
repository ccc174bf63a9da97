# sqlite-bce: binary cross-entropy for SQLite.
#   make          build the loadable extension (bce.so / bce.dylib / bce.dll)
#   make demo     build it and run sql/demo.sql on an in-memory database
#   make test     build it, run every test, end with "N passed, N failed"
#   make bench    time the functions against SQLite's own aggregates
#                 (10^7-row tables, made once in bench/data/; a few minutes)
#   make clean

CC      ?= cc
SQLITE3 ?= sqlite3
BUILD   ?= build

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

CORE_SRC := src/loss.c src/logistic.c src/logits.c src/exact_sum.c \
            src/decimal.c src/json_array.c src/vector.c
EXT_SRC  := ext/entry.c ext/args.c ext/aggregate.c ext/scalars.c \
            ext/vector.c
HEADERS  := $(wildcard src/*.h ext/*.h)

LIB := bce.$(SOEXT)

.PHONY: all demo test bench clean

all: $(LIB)

$(LIB): $(CORE_SRC) $(EXT_SRC) $(HEADERS)
	$(CC) $(STRICT) $(CFLAGS) -fPIC $(SOFLAGS) -o $@ $(CORE_SRC) $(EXT_SRC) $(LDLIBS)

# The extension built into $(BUILD) with another compiler, for the test
# that every supported compiler builds it warning-free.
$(BUILD)/$(LIB): $(CORE_SRC) $(EXT_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -fPIC $(SOFLAGS) -o $@ $(CORE_SRC) $(EXT_SRC) $(LDLIBS)

$(BUILD)/unit_core: tests/unit_core.c tests/ref/core_ref.h $(CORE_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/unit_core.c $(CORE_SRC) $(LDLIBS)

$(BUILD)/unit_arrays: tests/unit_arrays.c tests/ref/arrays_ref.h $(CORE_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/unit_arrays.c $(CORE_SRC) $(LDLIBS)

demo: $(LIB)
	$(SQLITE3) :memory: -cmd ".load ./bce" ".read sql/demo.sql"

test: $(LIB) $(BUILD)/unit_core $(BUILD)/unit_arrays
	@SQLITE3=$(SQLITE3) LIB=./$(LIB) \
	  UNIT="$(BUILD)/unit_core $(BUILD)/unit_arrays" sh tests/run.sh

bench: $(LIB)
	@SQLITE3=$(SQLITE3) LIB=./bce bash bench/run.sh

clean:
	rm -rf $(BUILD) bce.so bce.dylib bce.dll
