# sqlite-bce: binary cross-entropy for SQLite.
#   make          build the loadable extension (bce.so / bce.dylib / bce.dll)
#   make demo     build it and run sql/demo.sql on an in-memory database
#   make test     build it, run every test, end with "N passed, N failed"
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

.PHONY: all demo test bench static windows install uninstall clean

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

$(BUILD)/unit_core: tests/unit_core.c tests/ref/core_ref.h $(CORE_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/unit_core.c $(CORE_SRC) $(LDLIBS)

$(BUILD)/unit_arrays: tests/unit_arrays.c tests/ref/arrays_ref.h $(CORE_SRC) $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(STRICT) $(CFLAGS) -o $@ tests/unit_arrays.c $(CORE_SRC) $(LDLIBS)

demo: $(LIB)
	$(SQLITE3) :memory: -cmd ".load ./bce" ".read sql/demo.sql"

test: $(LIB) $(BUILD)/unit_core $(BUILD)/unit_arrays $(BUILD)/host_static \
      $(BUILD)/minver/$(LIB)
	@SQLITE3=$(SQLITE3) LIB=./$(LIB) BUILD=$(BUILD) \
	  UNIT="$(BUILD)/unit_core $(BUILD)/unit_arrays" sh tests/run.sh

bench: $(LIB)
	@SQLITE3=$(SQLITE3) LIB=./bce bash bench/run.sh

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
