#!/bin/sh
# SPDX-License-Identifier: MIT
# The packages' platforms (issue 22): the npm tarball carries the libraries
# of linux-x64, linux-arm64 and win32-x64, and there is one wheel each for
# linux_x86_64, linux_aarch64 and win_amd64.  For each: exactly the right
# files (tar tzf, unzip -l), the library's architecture (file), the C
# libraries it needs (objdump: nothing but libc and libm, and no glibc
# symbol newer than the floor docs/hosts.md names), the npm and wheel
# copies the same bytes; then the libraries that cannot run natively run
# the SQL suite of make test where they can here: the aarch64 one in the
# aarch64 SQLite shell of make test-samebits under qemu-aarch64
# (tests/aarch64.sh), the DLL in make test-windows' sqlite3.exe under Wine
# (tests/windows.sh).  The linux-x64 library is make's own bce.so, which
# tests/npm_package.sh and python_package.sh load natively.
# Prints ok/FAIL/skip lines.
#   BUILD (default build), LIB (default ./bce.so), CI=true (a missing tool
#   fails instead of skipping)
set -u
BUILD=${BUILD:-build}
LIB=${LIB:-./bce.so}
CI=${CI:-}
V=3.52.0
# The newest glibc symbol version each Linux library may need: the floor
# docs/hosts.md and the bindings' READMEs state (objdump -T).
GLIBC_FLOOR_X64=2.29
GLIBC_FLOOR_ARM64=2.29
version=$(sed -n 's/^#define BCE_VERSION "\(.*\)"$/\1/p' src/version.h)
dist=$BUILD/dist
tgz=$dist/sqlite-bce-$version.tgz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { printf 'ok|packages: %s\n' "$1"; }
fail() { printf 'FAIL|packages: %s|%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 600)"; }
skip() { printf 'skip|packages: %s|%s\n' "$1" "$2"; }
missing() {
  if [ "$CI" = true ]; then fail "$1" "$2 (required in CI)"; else skip "$1" "$2"; fi
}
for tool in tar unzip file objdump; do
  command -v $tool >/dev/null || { missing "every check" "no $tool"; exit 0; }
done

# 1. The npm tarball: its files, one library per platform directory.
if [ ! -f "$tgz" ]; then
  fail "npm tarball" "$tgz missing (make npm)"
else
  got=$(tar tzf "$tgz" | sort | tr '\n' ' ')
  want="package/LICENSE package/README.md package/index.d.ts package/index.js package/lib/linux-arm64/bce.so package/lib/linux-x64/bce.so package/lib/win32-x64/bce.dll package/package.json package/parallel.js "
  if [ "$got" = "$want" ]; then
    ok "npm: tar tzf lists lib/linux-x64/bce.so, lib/linux-arm64/bce.so, lib/win32-x64/bce.dll and the package's files"
  else
    fail "npm: tar tzf" "lists '$got', want '$want'"
  fi
  mkdir -p "$tmp/npm" && tar xzf "$tgz" -C "$tmp/npm"
fi

# 2. The wheels: each holds the package and its platform's library alone,
#    and _platform.py names that platform.
for row in "linux_x86_64|linux-x86_64|bce.so" "linux_aarch64|linux-aarch64|bce.so" \
           "win_amd64|win-amd64|bce.dll"; do
  tag=${row%%|*} rest=${row#*|}
  plat=${rest%%|*} file=${rest#*|}
  whl=$dist/sqlite_bce-$version-py3-none-$tag.whl
  if [ ! -f "$whl" ]; then
    fail "wheel $tag" "$whl missing (make wheel)"
    continue
  fi
  got=$(unzip -Z1 "$whl" | grep -v '\.dist-info/' | sort | tr '\n' ' ')
  want="sqlite_bce/__init__.py sqlite_bce/_parallel.py sqlite_bce/_platform.py sqlite_bce/_version.py sqlite_bce/$file "
  [ "$got" = "$want" ] && ok "wheel $tag: unzip -l lists the package and sqlite_bce/$file alone" ||
    fail "wheel $tag: unzip -l" "lists '$got', want '$want'"
  wheel=$(unzip -p "$whl" "sqlite_bce-$version.dist-info/WHEEL")
  if printf '%s\n' "$wheel" | grep -qx "Tag: py3-none-$tag" &&
     printf '%s\n' "$wheel" | grep -qx "Root-Is-Purelib: false"; then
    ok "wheel $tag: WHEEL says Tag: py3-none-$tag, not pure"
  else
    fail "wheel $tag: WHEEL" "$wheel"
  fi
  got=$(unzip -p "$whl" sqlite_bce/_platform.py | sed -n 's/^PLATFORM = "\(.*\)"$/\1/p')
  [ "$got" = "$plat" ] && ok "wheel $tag: _platform.py says $plat" ||
    fail "wheel $tag: _platform.py" "says '$got', want '$plat'"
  mkdir -p "$tmp/$tag" && unzip -q "$whl" -d "$tmp/$tag"
done

# 3. Each library: its architecture, the same bytes in npm and the wheel
#    (and make's own bce.so for linux-x64), what it links against.
glibc_newest() {  # the newest GLIBC_x.y among the symbols a library uses
  objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1
}
older_or_same() {  # older_or_same A B: version A <= version B
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)" = "$2" ]
}
for row in "linux-x64|linux_x86_64|bce.so|ELF 64-bit LSB shared object, x86-64|$GLIBC_FLOOR_X64" \
           "linux-arm64|linux_aarch64|bce.so|ELF 64-bit LSB shared object, ARM aarch64|$GLIBC_FLOOR_ARM64" \
           "win32-x64|win_amd64|bce.dll|PE32+ executable (DLL) (console) x86-64|-"; do
  IFS='|' read -r node tag file arch floor <<ROW
$row
ROW
  lib=$tmp/npm/package/lib/$node/$file
  [ -f "$lib" ] || { fail "$node: the library" "not in the npm package"; continue; }
  got=$(file -b "$lib")
  case $got in
    "$arch"*) ok "$node: file says $arch" ;;
    *) fail "$node: file says $arch" "it says: $got" ;;
  esac
  cmp -s "$lib" "$tmp/$tag/sqlite_bce/$file" &&
    ok "$node: the wheel $tag carries the same library as the npm package" ||
    fail "$node: the wheel $tag carries the same library as the npm package" "they differ"
  needed=$(objdump -p "$lib" | awk '/NEEDED/ { print $2 } /DLL Name:/ { print $3 }' | sort | tr '\n' ' ')
  case $node in
    linux-*)
      [ "$needed" = "libc.so.6 libm.so.6 " ] || [ "$needed" = "libc.so.6 " ] &&
        ok "$node: needs libc.so.6 and libm.so.6 only" ||
        fail "$node: needs libc.so.6 and libm.so.6 only" "NEEDED: $needed"
      newest=$(glibc_newest "$lib")
      if [ -n "$newest" ] && older_or_same "$newest" "$floor"; then
        ok "$node: no glibc symbol newer than GLIBC_$floor (the newest is GLIBC_$newest)"
      else
        fail "$node: no glibc symbol newer than GLIBC_$floor" "the newest is GLIBC_$newest: update docs/hosts.md and GLIBC_FLOOR_*"
      fi ;;
    win32-*)
      [ "$needed" = "KERNEL32.dll msvcrt.dll " ] &&
        ok "$node: imports KERNEL32.dll and msvcrt.dll only" ||
        fail "$node: imports KERNEL32.dll and msvcrt.dll only" "imports: $needed" ;;
  esac
done
if [ -f "$tmp/npm/package/lib/linux-x64/bce.so" ]; then
  cmp -s "$tmp/npm/package/lib/linux-x64/bce.so" "$LIB" &&
    ok "linux-x64: the packages' library is the $LIB that make built and make test tested" ||
    fail "linux-x64: the packages' library is $LIB" "they differ"
fi
if [ -f "$tmp/npm/package/lib/win32-x64/bce.dll" ]; then
  cmp -s "$tmp/npm/package/lib/win32-x64/bce.dll" "$dist/bce.dll" &&
    ok "win32-x64: the packages' library is make dist's bce.dll" ||
    fail "win32-x64: the packages' library is make dist's bce.dll" "they differ"
fi

# 4. The Python loader picks its wheel's library, and refuses another
#    platform's (the aarch64 and Windows wheels, unzipped on x86-64 Linux).
PY=${SYSPYTHON:-/usr/bin/python3}
for row in "linux_x86_64|bce.so" "linux_aarch64|error" "win_amd64|error"; do
  tag=${row%%|*} want=${row#*|}
  [ -d "$tmp/$tag/sqlite_bce" ] || continue
  got=$(PYTHONPATH="$tmp/$tag" "$PY" -c '
import os, sqlite_bce
try:
    print(os.path.basename(sqlite_bce.loadable_path()))
except RuntimeError as e:
    print("error:", e)' 2>&1)
  if [ "$want" = error ]; then
    plat=$(cat "$tmp/$tag/sqlite_bce/_platform.py" | sed -n 's/^PLATFORM = "\(.*\)"$/\1/p')
    w="error: sqlite_bce: this wheel carries the library of $plat, and this Python runs on linux-x86_64; install the wheel for linux-x86_64 (sqlite_bce-$version-py3-none-linux_x86_64.whl)"
    [ "$got" = "$w" ] && ok "wheel $tag on linux-x86_64: loadable_path() refuses, naming both platforms and the wheel to install" ||
      fail "wheel $tag on linux-x86_64: loadable_path() refuses" "got '$got', want '$w'"
  else
    [ "$got" = "$want" ] && ok "wheel $tag on linux-x86_64: loadable_path() is its $want" ||
      fail "wheel $tag: loadable_path()" "got '$got'"
  fi
done
# The other side, as each platform's Python sees it (sysconfig.get_platform
# replaced): the Windows wheel hands out its bce.dll on win-amd64, the
# aarch64 one its bce.so on linux-aarch64, and a platform with no wheel
# (macOS) is told to build from the sources.
for row in "win_amd64|win-amd64|bce.dll" "linux_aarch64|linux-aarch64|bce.so" \
           "linux_x86_64|macosx-14.0-arm64|error"; do
  IFS='|' read -r tag plat want <<ROW
$row
ROW
  [ -d "$tmp/$tag/sqlite_bce" ] || continue
  got=$(PYTHONPATH="$tmp/$tag" "$PY" -c '
import os, sys, sysconfig
sysconfig.get_platform = lambda: sys.argv[1]
import sqlite_bce
try:
    print(os.path.basename(sqlite_bce.loadable_path()))
except RuntimeError as e:
    print("error:", e)' "$plat" 2>&1)
  if [ "$want" = error ]; then
    w="error: sqlite_bce: this wheel carries the library of linux-x86_64, and this Python runs on $plat; no wheel is made for $plat (only for linux-aarch64, linux-x86_64, win-amd64): build the extension from the sources (make, or the one-file sqlite-bce.c) and load its path with conn.load_extension()"
    [ "$got" = "$w" ] && ok "wheel $tag on $plat: loadable_path() says to build from the sources" ||
      fail "wheel $tag on $plat: loadable_path()" "got '$got', want '$w'"
  else
    [ "$got" = "$want" ] && ok "wheel $tag on $plat: loadable_path() is its $want" ||
      fail "wheel $tag on $plat: loadable_path()" "got '$got'"
  fi
done

# 5. The Node loader, for each platform (process.platform and .arch
#    replaced): the directory it picks, and the error where none fits.
if command -v node >/dev/null && [ -f "$tmp/npm/package/index.js" ]; then
  node - "$tmp/npm/package/index.js" <<'JSEOF'
'use strict';
const path = require('node:path');
const bce = require(process.argv[2]);
const say = (good, name, why) => console.log(good ? `ok|packages: ${name}` : `FAIL|packages: ${name}|${why}`);
const as = (platform, arch, fn) => {
  const saved = [process.platform, process.arch];
  Object.defineProperty(process, 'platform', { value: platform });
  Object.defineProperty(process, 'arch', { value: arch });
  try { return fn(); } catch (e) { return `error: ${e.message}`; } finally {
    Object.defineProperty(process, 'platform', { value: saved[0] });
    Object.defineProperty(process, 'arch', { value: saved[1] });
  }
};
for (const [platform, arch, file] of [['linux', 'x64', 'linux-x64/bce.so'],
    ['linux', 'arm64', 'linux-arm64/bce.so'], ['win32', 'x64', 'win32-x64/bce.dll']]) {
  const got = as(platform, arch, bce.getLoadablePath);
  say(got.endsWith(path.join('lib', ...file.split('/'))),
      `node on ${platform}-${arch}: getLoadablePath() is lib/${file}`, got);
}
for (const [platform, arch] of [['darwin', 'arm64'], ['win32', 'arm64'], ['linux', 'ia32']]) {
  const got = as(platform, arch, bce.getLoadablePath);
  const want = `error: sqlite-bce: no library for ${platform}-${arch} in this package ` +
    '(it carries: linux-arm64, linux-x64, win32-x64); build one from the sources ' +
    'with make (or compile the one-file sqlite-bce.c) and pass its path to db.loadExtension()';
  say(got === want, `node on ${platform}-${arch}: getLoadablePath() names the platform and says to build with make`, got);
}
JSEOF
elif ! command -v node >/dev/null; then
  missing "the Node loader" "no node"
fi

# 6. The aarch64 library runs the SQL suite under qemu-aarch64, in the
#    aarch64 shell of make test-samebits (the pinned SQLite).
. tests/aarch64.sh
arm=$tmp/npm/package/lib/linux-arm64/bce.so
if why=$(aarch64_missing); then
  missing "linux-arm64: the SQL suite under qemu-aarch64" "$why"
elif [ -f "$arm" ]; then
  sh tests/versions/fetch.sh $V "$BUILD/versions" 2>"$tmp/fetch"
  rc=$?
  if [ $rc -ne 0 ]; then
    if [ $rc -eq 2 ] && [ "$CI" != true ]; then
      skip "linux-arm64: the SQL suite" "SQLite $V cannot be fetched: $(head -c 200 "$tmp/fetch")"
    else
      fail "linux-arm64: fetch SQLite $V" "$(head -c 300 "$tmp/fetch")"
    fi
  elif ! sh_a=$(aarch64_shell $V 2>"$tmp/build"); then
    fail "linux-arm64: build the aarch64 sqlite3" "$(head -c 300 "$tmp/build")"
  else
    # the shell as tests/run.sh calls it
    printf '#!/bin/sh\n. tests/aarch64.sh\naarch64_run "%s" "$@"\n' "$sh_a" >"$tmp/sqlite3-aarch64"
    chmod +x "$tmp/sqlite3-aarch64"
    got=$("$tmp/sqlite3-aarch64" --version | cut -d' ' -f1)
    [ "$got" = $V ] && ok "linux-arm64: the aarch64 sqlite3 under qemu-aarch64 is SQLite $V" ||
      fail "linux-arm64: the aarch64 sqlite3 is SQLite $V" "it says '$got'"
    cp "$arm" "$tmp/bce.so"
    SQLITE3=$tmp/sqlite3-aarch64 LIB=$tmp/bce.so BUILD=$BUILD STEPS="sql checker load" \
      NAME="packages: linux-arm64 (qemu): " RESULTS="$tmp/r-arm" NO_SUMMARY=1 sh tests/run.sh
    cat "$tmp/r-arm"
  fi
fi

# 7. The DLL runs the SQL suite under Wine (tests/windows.sh).
dll=$tmp/npm/package/lib/win32-x64/bce.dll
if [ -f "$dll" ]; then
  cp "$dll" "$tmp/bce.dll"
  BUILD=$BUILD DLL=$tmp/bce.dll LABEL="packages: win32-x64 (Wine)" sh tests/windows.sh
fi
exit 0
