#!/bin/sh
# SPDX-License-Identifier: MIT
# The worked examples of a page of docs/, run as a reader would:
#
#   sh tests/doc_examples.sh FILE
#
# Every ```sh block of FILE runs, in order, in one scratch directory that
# holds the library as ./bce.SO (so `.load ./bce` works there); when the
# next fenced block is ```text, the block's output (stdout) must be that
# text exactly.  Prints one ok|/FAIL| line a block.
#   SQLITE3  the sqlite3 shell (default sqlite3; put first on PATH)
#   LIB      the library (default ./bce.so)
set -u
FILE=$1
LIB=${LIB:-./bce.so}
SQLITE3=${SQLITE3:-sqlite3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$LIB" "$dir/bce.${LIB##*.}" || exit 2
mkdir "$dir/bin"
ln -s "$(command -v "$SQLITE3")" "$dir/bin/sqlite3" || exit 2

# Split FILE into block.N.sh and block.N.text (the text after block N).
awk -v d="$dir" '
  /^```sh$/   { n++; out = d "/block." n ".sh"; inblock = 1; last = "sh"; next }
  /^```text$/ { if (last == "sh") { out = d "/block." n ".text"; inblock = 1; last = "text"; next } }
  /^```/      { if (inblock) { inblock = 0; close(out); next } else { last = "other"; inblock = 2; next } }
  inblock == 1 { print > out; next }
  inblock == 2 { next }
  /[^ ]/ && last == "text" { last = "prose" }
' "$FILE"
# (a block that is neither sh nor text, such as ```c, is skipped)

n=1
while [ -f "$dir/block.$n.sh" ]; do
  name="$FILE example $n: $(head -n 1 "$dir/block.$n.sh" | cut -c1-60)"
  got=$(cd "$dir" && PATH="$dir/bin:$PATH" sh "block.$n.sh" 2>"$dir/err")
  rc=$?
  if [ -f "$dir/block.$n.text" ]; then
    want=$(cat "$dir/block.$n.text")
    if [ "$got" = "$want" ]; then
      printf 'ok|%s\n' "$name"
    else
      printf 'FAIL|%s|got: %s (stderr: %s)\n' "$name" "$(printf '%s' "$got" | tr '\n' ' ' | cut -c1-400)" \
        "$(head -c 200 "$dir/err" | tr '\n' ' ')"
    fi
  elif [ $rc = 0 ] && [ ! -s "$dir/err" ]; then
    printf 'ok|%s (runs)\n' "$name"
  else
    printf 'FAIL|%s|exit %d: %s\n' "$name" $rc "$(head -c 300 "$dir/err" | tr '\n' ' ')"
  fi
  n=$((n + 1))
done
[ $n -gt 1 ] || printf 'FAIL|%s|no sh block found\n' "$FILE"
