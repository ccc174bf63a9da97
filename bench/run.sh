#!/usr/bin/env bash
# make bench: the cost of the extension's functions next to SQLite's own
# aggregates over the same 10^7-row tables, measured in one run.
#
# Each query runs ROUNDS times, the queries interleaved, each time in a fresh
# sqlite3 process on the warm database file; a run's time is the shell's
# .timer (the query alone, not process start or .load) and its memory the
# process's peak RSS (GNU time).  Reported: the median time, the ratio to
# the query's baseline, the median peak RSS.  Absolute times on a shared
# machine drift; the ratios within one run are what to read.
set -euo pipefail
cd "$(dirname "$0")/.."
SQLITE3=${SQLITE3:-sqlite3}
LIB=${LIB:-./bce}
# bench/floor.c: the cheapest two-argument extension aggregates, for scale
FLOOR=${FLOOR:-build/floor}
DB=${DB:-bench/data/preds.db}
ROUNDS=${ROUNDS:-3}
ROWS=10000000

if ! [ -x /usr/bin/time ]; then
  echo "bench: needs GNU time at /usr/bin/time (Debian package 'time')" >&2
  exit 1
fi

if ! [ -f "$DB" ]; then
  echo "bench: creating $DB ($ROWS rows in each of 3 tables, once)..." >&2
  mkdir -p "$(dirname "$DB")"
  "$SQLITE3" "$DB.tmp" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE preds(y INTEGER, p REAL);        -- hard labels
CREATE TABLE preds_soft(y REAL, p REAL);      -- soft labels in [0, 1]
CREATE TABLE preds_w(y INTEGER, p REAL, w REAL);
-- p uniform in (0, 1): 52 random bits, never 0 or 1
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < $ROWS)
INSERT INTO preds SELECT random() & 1,
  ((random() & 4503599627370495) + 0.5) / 4503599627370496.0 FROM r;
INSERT INTO preds_soft SELECT ((random() & 1023) / 1023.0), p FROM preds;
INSERT INTO preds_w SELECT y, p, 0.5 + (random() & 7) / 4.0 FROM preds;
SQL
  mv "$DB.tmp" "$DB"
fi

# 10^5 partial states of 100 rows each, for the merge rows (once).
if [ "$("$SQLITE3" "$DB" "SELECT count(*) FROM sqlite_schema WHERE name = 'states'")" = 0 ]; then
  echo "bench: adding 10^5 states to $DB (once)..." >&2
  "$SQLITE3" "$DB" -cmd ".load $LIB" \
    "CREATE TABLE states AS SELECT bce_state(y, p) AS s FROM preds
     WHERE rowid <= 10000000 GROUP BY rowid % 100000"
fi

# name | baseline name | SQL
QUERIES=$(cat <<'Q'
sum(y), sum(p)|-|SELECT sum(y), sum(p) FROM preds
count(p)|sum(y), sum(p)|SELECT count(p) FROM preds
avg(p)|sum(y), sum(p)|SELECT avg(p) FROM preds
bce(y, p)|sum(y), sum(p)|SELECT bce(y, p) FROM preds
pure SQL formula|bce(y, p)|SELECT -avg(y*ln(p) + (1-y)*ln(1-p)) FROM preds
floor: floor_pair(y, p)|bce(y, p)|SELECT floor_pair(y, p) FROM preds
floor: floor_pair_log(y, p)|bce(y, p)|SELECT floor_pair_log(y, p) FROM preds
sum(bce_term(y, p))|bce(y, p)|SELECT sum(bce_term(y, p)) FROM preds
sum(bce_grad(y, p))|bce(y, p)|SELECT sum(bce_grad(y, p)) FROM preds
sum(sigmoid(p))|sum(y), sum(p)|SELECT sum(sigmoid(p)) FROM preds
bce_logits(y, p)|bce(y, p)|SELECT bce_logits(y, p) FROM preds
soft: sum(y), sum(p)|-|SELECT sum(y), sum(p) FROM preds_soft
soft: bce(y, p)|soft: sum(y), sum(p)|SELECT bce(y, p) FROM preds_soft
w: bce(y, p)|-|SELECT bce(y, p) FROM preds_w
w: bce(y, p, 1.0)|w: bce(y, p)|SELECT bce(y, p, 1.0) FROM preds_w
w: bce(y, p, w)|w: bce(y, p)|SELECT bce(y, p, w) FROM preds_w
w: sum(y), sum(p), sum(w)|w: bce(y, p)|SELECT sum(y), sum(p), sum(w) FROM preds_w
window: avg(p) 1000 rows|-|SELECT max(v) FROM (SELECT avg(p) OVER (ROWS 999 PRECEDING) AS v FROM preds)
window: bce(y, p) 1000 rows|window: avg(p) 1000 rows|SELECT max(v) FROM (SELECT bce(y, p) OVER (ROWS 999 PRECEDING) AS v FROM preds)
1e6 rows: bce(y, p)|bce(y, p)|SELECT bce(y, p) FROM preds WHERE rowid <= 1000000
bce_state(y, p)|bce(y, p)|SELECT length(bce_state(y, p)) FROM preds
w: bce_state(y, p, w)|w: bce(y, p, w)|SELECT length(bce_state(y, p, w)) FROM preds_w
merge 1e5 states: bce_merge|1e6 rows: bce(y, p)|SELECT bce_merge(s) FROM states
merge 1e5 states: bce_merge_state|1e6 rows: bce(y, p)|SELECT length(bce_merge_state(s)) FROM states
Q
)

results=$(mktemp)
trap 'rm -f "$results"' EXIT

# Warm the file into the page cache.
cat "$DB" >/dev/null

for round in $(seq 1 "$ROUNDS"); do
  echo "bench: round $round of $ROUNDS" >&2
  while IFS='|' read -r name base sql; do
    out=$(printf '.load %s\n.load %s\n.timer on\n%s;\n' "$LIB" "$FLOOR" "$sql" |
          /usr/bin/time -f 'MAXRSS %M' "$SQLITE3" "$DB" 2>&1)
    secs=$(printf '%s\n' "$out" | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p')
    kb=$(printf '%s\n' "$out" | sed -n 's/^MAXRSS \([0-9]*\)$/\1/p')
    if [ -z "$secs" ] || [ -z "$kb" ]; then
      echo "bench: '$sql' failed:" >&2
      printf '%s\n' "$out" >&2
      exit 1
    fi
    printf '%s|%s|%s|%s\n' "$name" "$base" "$secs" "$kb" >>"$results"
  done <<<"$QUERIES"
done

# Optional: the pipeline the extension replaces, where numpy is installed.
python_line=""
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  echo "bench: python fetch + numpy, $ROUNDS runs" >&2
  for round in $(seq 1 "$ROUNDS"); do
    out=$(/usr/bin/time -f 'MAXRSS %M' /usr/bin/python3 bench/python_pipeline.py "$DB" 2>&1)
    secs=$(printf '%s\n' "$out" | head -n 1 | cut -d' ' -f1)
    kb=$(printf '%s\n' "$out" | sed -n 's/^MAXRSS \([0-9]*\)$/\1/p')
    printf '%s|%s|%s|%s\n' "python: fetch + numpy" "bce(y, p)" "$secs" "$kb" >>"$results"
  done
  python_line="python: fetch + numpy|bce(y, p)|"
fi

echo
echo "sqlite-bce $(sed -n 's/^#define BCE_VERSION "\(.*\)"$/\1/p' src/version.h)," \
     "SQLite $("$SQLITE3" --version | cut -d' ' -f1), $ROWS rows a table," \
     "median of $ROUNDS runs"
echo "$(uname -m), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo
awk -F'|' -v order="$QUERIES${python_line:+
$python_line}" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
  }
  { t[$1] = t[$1] " " $3; m[$1] = m[$1] " " $4; base[$1] = $2 }
  END {
    printf "| %-28s | %8s | %-34s | %9s |\n", "query", "time (s)", "ratio", "peak RSS"
    printf "|%s|%s|%s|%s|\n", "------------------------------", "---------:", "------------------------------------", "----------:"
    n = split(order, lines, "\n")
    for (i = 1; i <= n; i++) {
      split(lines[i], f, "|"); q = f[1]
      med[q] = median(t[q])
      r = (base[q] == "-") ? "(baseline)" : sprintf("%.2fx %s", med[q] / med[base[q]], base[q])
      printf "| %-28s | %8.3f | %-34s | %6.1f MB |\n", q, med[q], r, median(m[q]) / 1024
    }
  }' "$results"
