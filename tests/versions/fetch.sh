#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch one pinned SQLite amalgamation (tests/versions/pins.tsv) into
# DIR/VERSION/: sqlite3.c, sqlite3.h, sqlite3ext.h and, where the package
# has one, shell.c.  Cached: a directory already complete is kept, and the
# npm tarball too (DIR/npm/).  Nothing is vendored in the repository.
#   sh tests/versions/fetch.sh VERSION [DIR]     (DIR default build/versions)
# Exit 0: ready; 2: the registry cannot be reached (offline); 1: anything
# else, a checksum that differs above all (that is never a skip).
set -u
v=$1
dir=${2:-build/versions}
pins=$(dirname "$0")/pins.tsv
NPM=${NPM:-npm}
line=$(awk -F'\t' -v v="$v" '$1 == v' "$pins")
[ -n "$line" ] || { echo "fetch.sh: $v is not in $pins" >&2; exit 1; }
pkg=$(printf '%s' "$line" | cut -f2)
sum=$(printf '%s' "$line" | cut -f3)
out=$dir/$v
[ -f "$out/.complete" ] && exit 0

mkdir -p "$dir/npm"
tgz=$dir/npm/$(printf '%s' "$pkg" | tr '@' '-').tgz
if [ ! -f "$tgz" ]; then
  tmp=$(mktemp -d "$dir/npm/pack.XXXXXX")
  if ! (cd "$tmp" && "$NPM" pack --silent "$pkg" >pack.log 2>&1); then
    echo "fetch.sh: npm pack $pkg failed (offline?): $(head -c 300 "$tmp/pack.log")" >&2
    rm -rf "$tmp"
    exit 2
  fi
  mv "$tmp"/*.tgz "$tgz" && rm -rf "$tmp"
fi
got=$(sha256sum "$tgz" | cut -d' ' -f1)
if [ "$got" != "$sum" ]; then
  echo "fetch.sh: $pkg: SHA-256 $got, pins.tsv says $sum" >&2
  rm -f "$tgz"
  exit 1
fi

# The amalgamation sits in one of three places, by package and age: the
# sqlite3 package's deps/sqlite-autoconf-*.tar.gz (with shell.c), older
# better-sqlite3's deps/sqlite3.tar.gz, newer better-sqlite3's deps/sqlite3/.
rm -rf "$out" && mkdir -p "$out/src"
tar xzf "$tgz" -C "$out/src" || exit 1
inner=$(ls "$out"/src/package/deps/sqlite-autoconf-*.tar.gz "$out"/src/package/deps/sqlite3.tar.gz 2>/dev/null | head -n 1)
if [ -n "$inner" ]; then
  mkdir -p "$out/src/inner" && tar xzf "$inner" -C "$out/src/inner" || exit 1
  from=$(dirname "$(find "$out/src/inner" -name sqlite3.c | head -n 1)")
else
  from=$out/src/package/deps/sqlite3
fi
for f in sqlite3.c sqlite3.h sqlite3ext.h; do
  cp "$from/$f" "$out/" || exit 1
done
[ -f "$from/shell.c" ] && cp "$from/shell.c" "$out/"
rm -rf "$out/src"
decl=$(sed -n 's/^#define SQLITE_VERSION *"\(.*\)"$/\1/p' "$out/sqlite3.h")
if [ "$decl" != "$v" ]; then
  echo "fetch.sh: $pkg carries SQLite $decl, not $v" >&2
  exit 1
fi
touch "$out/.complete"
