#!/bin/sh
# The end of `make test` and `make check`: reads the ok|, FAIL| and skip|
# lines of every pass, shows the failures and what was skipped, and ends
# with "N passed, N failed" (exit 1 on any failure, or if nothing passed).
#   sh tests/summary.sh RESULTS_FILE...
cat "$@" | grep '^FAIL|'
cat "$@" | sed -n 's/^skip|/skipped (not counted): /p'
passed=$(cat "$@" | grep -c '^ok|')
failed=$(cat "$@" | grep -c '^FAIL|')
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
