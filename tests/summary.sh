#!/bin/sh
# SPDX-License-Identifier: MIT
# The end of `make test` and `make check`: reads the ok|, FAIL| and skip|
# lines of every pass, shows the failures and what was skipped, and ends
# with "N passed, N failed[, N skipped]" (exit 1 on any failure, or if nothing passed).
#   sh tests/summary.sh RESULTS_FILE...
cat "$@" | grep '^FAIL|'
cat "$@" | sed -n 's/^skip|/skipped: /p'
passed=$(cat "$@" | grep -c '^ok|')
failed=$(cat "$@" | grep -c '^FAIL|')
skipped=$(cat "$@" | grep -c '^skip|')
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
