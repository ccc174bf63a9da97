#!/bin/sh
# SPDX-License-Identifier: MIT
# make dist's directory, and the pkg-config file of make install.
# Prints ok/FAIL lines.
#   BUILD  where make put dist/ (default build)
set -u
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
version=$(sed -n 's/^#define BCE_VERSION "\(.*\)"$/\1/p' src/version.h)
dist=$BUILD/dist
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { printf 'ok|dist: %s\n' "$1"; }
fail() { printf 'FAIL|dist: %s|%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 600)"; }

# 1. Every artifact the issue names, and SHA256SUMS covering exactly them.
want="bce.dll bce.so libbce.a sqlite-bce-$version.tgz sqlite-bce.c sqlite3_bce.h sqlite_bce-$version-py3-none-linux_aarch64.whl sqlite_bce-$version-py3-none-linux_x86_64.whl sqlite_bce-$version-py3-none-win_amd64.whl"
got=$(awk '{ print $2 }' "$dist/SHA256SUMS" 2>/dev/null | sort | tr '\n' ' ')
if [ "$got" = "$want " ]; then
  ok "SHA256SUMS lists the amalgamation, header, bce.so, bce.dll, libbce.a, npm tarball, the three wheels"
else
  fail "SHA256SUMS lists every artifact" "lists '$got', want '$want'"
fi
if out=$(cd "$dist" && sha256sum --quiet -c SHA256SUMS 2>&1); then
  ok "sha256sum -c SHA256SUMS"
else
  fail "sha256sum -c SHA256SUMS" "$out"
fi
if file -b "$dist/bce.dll" 2>/dev/null | grep -q 'PE32+ executable (DLL).*x86-64'; then
  ok "bce.dll is a PE32+ x86-64 DLL"
elif ! command -v file >/dev/null; then
  printf 'skip|dist: bce.dll is a PE32+ DLL|no file(1)\n'
else
  fail "bce.dll is a PE32+ x86-64 DLL" "$(file -b "$dist/bce.dll")"
fi

# 2. make install's sqlite-bce.pc: a program built with nothing but
#    `pkg-config --cflags --libs sqlite-bce` links the installed libbce.a.
dest=$tmp/dest
if $MAKE -s install DESTDIR="$dest" PREFIX=/usr/local >"$tmp/log" 2>&1 &&
   [ -f "$dest/usr/local/lib/pkgconfig/sqlite-bce.pc" ]; then
  ok "make install: lib/pkgconfig/sqlite-bce.pc"
  pc="pkg-config --define-variable=prefix=$dest/usr/local"
  v=$(PKG_CONFIG_PATH=$dest/usr/local/lib/pkgconfig $pc --modversion sqlite-bce 2>&1)
  [ "$v" = "$version" ] && ok "pkg-config --modversion sqlite-bce = $version" ||
    fail "pkg-config --modversion sqlite-bce" "got '$v'"
  flags=$(PKG_CONFIG_PATH=$dest/usr/local/lib/pkgconfig $pc --cflags --libs sqlite-bce 2>&1)
  if out=$(${CC:-cc} -O2 -o "$tmp/host" tests/host_static.c $flags 2>&1); then
    "$tmp/host" | sed 's/^\(ok\|FAIL\)|static host: /\1|dist: pkg-config host: /'
  else
    fail "cc tests/host_static.c \$(pkg-config --cflags --libs sqlite-bce)" "$flags: $out"
  fi
  $MAKE -s uninstall DESTDIR="$dest" PREFIX=/usr/local >/dev/null 2>&1
  [ -e "$dest/usr/local/lib/pkgconfig/sqlite-bce.pc" ] &&
    fail "make uninstall removes sqlite-bce.pc" "still there" ||
    ok "make uninstall removes sqlite-bce.pc"
else
  fail "make install: lib/pkgconfig/sqlite-bce.pc" "$(cat "$tmp/log")"
fi

# 3. The licence: LICENSE is MIT, and every source file (C, headers,
#    Python, shell, JavaScript/TypeScript, the Makefile, .ci/run, sql/*.sql;
#    not the generated data of tests/ref/) carries its SPDX line.
if head -n 1 LICENSE 2>/dev/null | grep -qx 'MIT License'; then
  ok "LICENSE is the MIT licence"
else
  fail "LICENSE is the MIT licence" "first line: $(head -n 1 LICENSE 2>&1)"
fi
if command -v git >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  missing=$(git ls-files | grep -E '\.(c|h|py|sh|js|ts)$|^Makefile$|^\.ci/run$|^sql/.*\.sql$' |
            grep -v '^tests/ref/' | while IFS= read -r f; do
              grep -q 'SPDX-License-Identifier: MIT' "$f" || printf '%s ' "$f"; done)
  if [ -z "$missing" ]; then
    ok "every source file carries SPDX-License-Identifier: MIT"
  else
    fail "every source file carries SPDX-License-Identifier: MIT" "missing in: $missing"
  fi
else
  printf 'skip|dist: SPDX lines|not a git checkout\n'
fi
