#!/bin/sh
# SPDX-License-Identifier: MIT
# make test-windows: the SQL suite of make test (sql, checker, load)
# against BUILD/windows/bce.dll, in a sqlite3.exe cross-built with mingw-w64
# from the pinned SQLite 3.52.0 amalgamation and its shell.c, under Wine
# (Wine, not Windows: msvcrt's libm and printf as Wine implements them).
# Prints ok/FAIL/skip lines.
#   BUILD (default build), CI=true (no mingw-w64 or wine fails; else skips)
#   DLL (default BUILD/windows/bce.dll), LABEL (default "windows": the
#   lines' prefix); tests/package_platforms.sh runs the packages' DLL so
set -u
BUILD=${BUILD:-build}
CI=${CI:-}
V=3.52.0
exe=$BUILD/windows/sqlite3.exe
dll=${DLL:-$BUILD/windows/bce.dll}
label=${LABEL:-windows}

say() {  # say ok|FAIL|skip NAME [WHY]
  printf '%s|%s: %s%s\n' "$1" "$label" "$2" "${3:+|$3}"
}
missing() {
  if [ "$CI" = true ]; then say FAIL "$1" "$2 (required in CI)"; else say skip "$1" "$2"; fi
}
command -v x86_64-w64-mingw32-gcc >/dev/null ||
  { missing "the SQL suite" "no x86_64-w64-mingw32-gcc (gcc-mingw-w64-x86-64)"; exit 0; }
command -v wine >/dev/null || { missing "the SQL suite" "no wine"; exit 0; }
[ -f "$dll" ] || { say FAIL "the SQL suite" "no $dll (make windows)"; exit 0; }

tmp=$(mktemp -d)
. tests/wine.sh
trap 'wine_stop; rm -rf "$tmp"' EXIT

sh tests/versions/fetch.sh $V "$BUILD/versions" 2>"$tmp/fetch"
rc=$?
if [ $rc -ne 0 ]; then
  if [ $rc -eq 2 ] && [ "$CI" != true ]; then
    say skip "the SQL suite" "SQLite $V cannot be fetched: $(head -c 200 "$tmp/fetch")"
  else
    say FAIL "fetch SQLite $V" "$(head -c 300 "$tmp/fetch")"
  fi
  exit 0
fi
if ! CC=x86_64-w64-mingw32-gcc EXE_LIBS=-municode sh tests/versions/shell.sh $V "$exe" \
     "$BUILD/versions" >"$tmp/build" 2>&1; then
  say FAIL "build sqlite3.exe" "$(head -c 300 "$tmp/build" | tr '\n' ' ')"
  exit 0
fi
wine_start || { say FAIL "wine wineboot --init" "failed in $WINEPREFIX"; exit 0; }

# The shell as tests/run.sh calls it: sqlite3.exe under Wine, its CRLF
# lines made LF, its exit status kept; every wine process it starts is
# written to a list of PIDs, which the end of this script stops.
pids=$tmp/pids
: >"$pids"
cat >"$tmp/sqlite3" <<WRAP
#!/bin/sh
wine "$exe" "\$@" >"$tmp/out.\$\$" 2>"$tmp/err.\$\$" &
pid=\$!
echo \$pid >>"$pids"
wait \$pid
rc=\$?
tr -d '\r' <"$tmp/out.\$\$"
tr -d '\r' <"$tmp/err.\$\$" >&2
rm -f "$tmp/out.\$\$" "$tmp/err.\$\$"
exit \$rc
WRAP
chmod +x "$tmp/sqlite3"

got=$("$tmp/sqlite3" --version | cut -d' ' -f1)
[ "$got" = $V ] && say ok "sqlite3.exe is SQLite $V" || say FAIL "sqlite3.exe is SQLite $V" "it says '$got'"
SQLITE3=$tmp/sqlite3 LIB=$dll BUILD=$BUILD STEPS="sql checker load" \
  NAME="$label: " RESULTS="$tmp/r" NO_SUMMARY=1 sh tests/run.sh
cat "$tmp/r"
for pid in $(cat "$pids"); do
  kill "$pid" 2>/dev/null
done
exit 0
