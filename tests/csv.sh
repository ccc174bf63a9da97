#!/bin/sh
# SPDX-License-Identifier: MIT
# The CSV walk-through (docs/csv.md) end to end, on sql/predictions.csv: a
# file with a header and empty fields, imported with the shell's
# `.import --csv` and with sqlite-utils.  Empty fields arrive as '' TEXT,
# which rule 3 refuses with a hint; nullif(x, '') reads them as NULL, and
# rule 1 skips those rows.  The non-empty rows of each model are the Keras
# docs' example (0.164252033486018) and scikit-learn's log_loss docstring
# example (0.216161874680579), as in tests/sql/published.sql.
# Prints ok/FAIL/skip lines.
set -u
SQLITE3=${SQLITE3:-sqlite3}
LIB=${LIB:-./bce.so}
csv=sql/predictions.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { printf 'ok|csv: %s\n' "$1"; }
fail() { printf 'FAIL|csv: %s|%s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 600)"; }

# The message for an empty field (rule 3, rule 5).
want_p="bce(): p must be a number, got ''; an empty CSV field? nullif(p, '') reads it as NULL"
want_y="bce(): y must be a number, got ''; an empty CSV field? nullif(y, '') reads it as NULL"
# Per model, 1 when within half a unit of the 15th published digit + 2 ulp.
published="abs(loss - CASE model WHEN 'keras' THEN 0.164252033486018
                                 WHEN 'sklearn' THEN 0.216161874680579 END)
           <= 5e-16 + 5.6e-17"
per_model="SELECT model, $published FROM (SELECT model,
             bce(nullif(label, ''), nullif(prob, '')) AS loss
           FROM predictions GROUP BY model) ORDER BY model"

# 1. The shell: .import --csv takes the header as column names (all TEXT).
shell() { "$SQLITE3" -batch :memory: -cmd ".load $LIB" -cmd ".import --csv $csv predictions" "$@"; }
got=$(shell "SELECT count(*), sum(prob = ''), sum(label = '') FROM predictions;" 2>&1)
[ "$got" = "12|3|1" ] && ok ".import --csv: 12 rows, 3 empty prob and 1 empty label fields as ''" ||
  fail ".import --csv $csv" "got '$got'"
got=$(shell "SELECT model, bce(label, prob) FROM predictions GROUP BY model;" 2>&1 >/dev/null |
      sed -e 's/^Error: //' -e 's/^stepping, //')
[ "$got" = "$want_p" ] && ok "shell: bce(label, prob) on '' fails with: $want_p" ||
  fail "shell: bce(label, prob) on ''" "got '$got', want '$want_p'"
got=$(shell "SELECT model, bce(label, nullif(prob, '')) FROM predictions GROUP BY model;" 2>&1 >/dev/null |
      sed -e 's/^Error: //' -e 's/^stepping, //')
[ "$got" = "$want_y" ] && ok "shell: the empty label fails next: $want_y" ||
  fail "shell: the empty label" "got '$got', want '$want_y'"
got=$(shell "$per_model;" 2>&1)
[ "$got" = "keras|1
sklearn|1" ] && ok "shell: bce(nullif(label, ''), nullif(prob, '')) GROUP BY model = the published values" ||
  fail "shell: nullif GROUP BY model" "got '$got'"

# 2. sqlite-utils (Debian's): insert --csv --detect-types makes label
#    INTEGER and prob FLOAT, but the empty fields stay ''.
if ! command -v sqlite-utils >/dev/null; then
  if [ "${CI:-}" = true ]; then
    fail "sqlite-utils" "not installed (apt-get install sqlite-utils)"
  else
    printf 'skip|csv: sqlite-utils|not installed (apt-get install sqlite-utils)\n'
  fi
  exit 0
fi
db=$tmp/predictions.db
if out=$(sqlite-utils insert "$db" predictions "$csv" --csv --detect-types 2>&1); then
  ok "sqlite-utils insert predictions.db predictions $csv --csv --detect-types"
else
  fail "sqlite-utils insert --csv" "$out"
  exit 0
fi
got=$(sqlite-utils query "$db" --raw \
      "SELECT group_concat(name || ' ' || type, ', ') FROM pragma_table_info('predictions')" 2>&1)
case $got in
  *"label INTEGER"*"prob FLOAT"*) ok "sqlite-utils --detect-types: label INTEGER, prob FLOAT" ;;
  *) fail "sqlite-utils --detect-types" "columns: $got" ;;
esac
got=$(sqlite-utils query "$db" --load-extension "$LIB" \
      "SELECT model, bce(label, prob) FROM predictions GROUP BY model" 2>&1)
case $got in
  *"$want_p"*) ok "sqlite-utils query --load-extension: bce(label, prob) fails with: $want_p" ;;
  *) fail "sqlite-utils: bce(label, prob) on ''" "got '$got'" ;;
esac
got=$(sqlite-utils query "$db" --load-extension "$LIB" --tsv --no-headers "$per_model" 2>&1 | tr -d "\r")
[ "$got" = "keras	1
sklearn	1" ] && ok "sqlite-utils query --load-extension: nullif GROUP BY model = the published values" ||
  fail "sqlite-utils: nullif GROUP BY model" "got '$got'"
