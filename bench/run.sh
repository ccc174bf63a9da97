#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
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
# the Python package staged as the wheel lays it out (make bench makes it)
PY_STAGE=${PY_STAGE:-build/python}
ROWS=${BENCH_ROWS:-10000000}    # fewer only to try the script out

if ! [ -x /usr/bin/time ]; then
  echo "bench: needs GNU time at /usr/bin/time (Debian package 'time')" >&2
  exit 1
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
floor: floor_pair(y, p, '{}')|bce(y, p)|SELECT floor_pair(y, p, '{}') FROM preds
floor: floor_pair_text(y, p, '{}')|bce(y, p)|SELECT floor_pair_text(y, p, '{}') FROM preds
sum(bce_term(y, p))|bce(y, p)|SELECT sum(bce_term(y, p)) FROM preds
sum(bce_grad(y, p))|bce(y, p)|SELECT sum(bce_grad(y, p)) FROM preds
sum(sigmoid(p))|sum(y), sum(p)|SELECT sum(sigmoid(p)) FROM preds
bce_logits(y, p)|bce(y, p)|SELECT bce_logits(y, p) FROM preds
opt: bce(y, p, '{}')|bce(y, p)|SELECT bce(y, p, '{}') FROM preds
opt: reduction mean|bce(y, p)|SELECT bce(y, p, '{"reduction": "mean"}') FROM preds
opt: pos_weight 3|bce(y, p)|SELECT bce(y, p, '{"pos_weight": 3}') FROM preds
opt: smoothing 0.1|bce(y, p)|SELECT bce(y, p, '{"smoothing": 0.1}') FROM preds
opt: gamma 2|bce(y, p)|SELECT bce(y, p, '{"gamma": 2}') FROM preds
opt: gamma 2.5|bce(y, p)|SELECT bce(y, p, '{"gamma": 2.5}') FROM preds
soft: sum(y), sum(p)|-|SELECT sum(y), sum(p) FROM preds_soft
soft: bce(y, p)|soft: sum(y), sum(p)|SELECT bce(y, p) FROM preds_soft
w: bce(y, p)|-|SELECT bce(y, p) FROM preds_w
w: bce(y, p, 1.0)|w: bce(y, p)|SELECT bce(y, p, 1.0) FROM preds_w
w: bce(y, p, w)|w: bce(y, p)|SELECT bce(y, p, w) FROM preds_w
w: sum(y), sum(p), sum(w)|w: bce(y, p)|SELECT sum(y), sum(p), sum(w) FROM preds_w
window: avg(p) 1000 rows|-|SELECT max(v) FROM (SELECT avg(p) OVER (ROWS 999 PRECEDING) AS v FROM preds)
window: bce(y, p) 1000 rows|window: avg(p) 1000 rows|SELECT max(v) FROM (SELECT bce(y, p) OVER (ROWS 999 PRECEDING) AS v FROM preds)
1e6 rows: bce(y, p)|bce(y, p)|SELECT bce(y, p) FROM preds WHERE rowid <= 1000000
mc: sum(json_array_length(p))|-|SELECT sum(json_array_length(p)) FROM mc
mc: cce(y, p)|mc: sum(json_array_length(p))|SELECT cce(y, p) FROM mc
mc: cce_logits(y, z)|mc: sum(json_array_length(p))|SELECT cce_logits(y, z) FROM mc
mc: sum(cce_term(y, p))|mc: cce(y, p)|SELECT sum(cce_term(y, p)) FROM mc
mc: cce(y, p, class_weight)|mc: cce(y, p)|SELECT cce(y, p, '{"class_weight": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}') FROM mc
sum(z)|-|SELECT sum((p - 0.5)*20) FROM preds
logsumexp(z)|sum(z)|SELECT logsumexp((p - 0.5)*20) FROM preds
bce_d2(y, p)|bce(y, p)|SELECT bce_d2(y, p) FROM preds
bce_state(y, p)|bce(y, p)|SELECT length(bce_state(y, p)) FROM preds
w: bce_state(y, p, w)|w: bce(y, p, w)|SELECT length(bce_state(y, p, w)) FROM preds_w
merge 1e5 states: bce_merge|1e6 rows: bce(y, p)|SELECT bce_merge(s) FROM states
merge 1e5 states: bce_merge_state|1e6 rows: bce(y, p)|SELECT length(bce_merge_state(s)) FROM states
Q
)
# ONLY=regex: only the rows whose name matches it (name their baselines
# too: ONLY='^mc: ' runs the multi-class rows and their baseline)
if [ -n "${ONLY:-}" ]; then
  QUERIES=$(printf '%s\n' "$QUERIES" | grep -E "^[^|]*($ONLY)" || true)
fi
# the parallel rows (below the others): their names start "parallel"
want_parallel() { [ -z "${ONLY:-}" ] || printf 'parallel' | grep -qE "$ONLY"; }

mkdir -p "$(dirname "$DB")"
# table NAME: NAME if $DB has that table
table() { "$SQLITE3" "$DB" "SELECT name FROM sqlite_master WHERE name = '$1'"; }

if { printf '%s\n' "$QUERIES" | grep -q 'FROM preds' || want_parallel; } \
   && [ -z "$(table preds)" ]; then
  echo "bench: creating $DB ($ROWS rows in each of 3 tables, once)..." >&2
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
  # the tables into $DB, which may hold mc already
  "$SQLITE3" "$DB" "ATTACH '$DB.tmp' AS t; CREATE TABLE preds AS SELECT * FROM t.preds; CREATE TABLE preds_soft AS SELECT * FROM t.preds_soft; CREATE TABLE preds_w AS SELECT * FROM t.preds_w;"
  rm -f "$DB.tmp"
fi

# Multi-class rows (issue 13): 2*10^5 rows of 10 classes, y a class index,
# p a softmax as json_array() writes it, z its logits.  Added to an
# existing bench database if missing.
MC_ROWS=200000
if printf '%s\n' "$QUERIES" | grep -q 'FROM mc' && [ -z "$(table mc)" ]; then
  echo "bench: adding table mc ($MC_ROWS rows of 10 classes) to $DB..." >&2
  "$SQLITE3" "$DB" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TEMP TABLE w AS
  WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < $MC_ROWS)
  SELECT abs(random()) % 10 AS y,
    abs(random() % 1000000) + 1 AS a0, abs(random() % 1000000) + 1 AS a1,
    abs(random() % 1000000) + 1 AS a2, abs(random() % 1000000) + 1 AS a3,
    abs(random() % 1000000) + 1 AS a4, abs(random() % 1000000) + 1 AS a5,
    abs(random() % 1000000) + 1 AS a6, abs(random() % 1000000) + 1 AS a7,
    abs(random() % 1000000) + 1 AS a8, abs(random() % 1000000) + 1 AS a9 FROM r;
CREATE TABLE mc(y INTEGER, p TEXT, z TEXT);
INSERT INTO mc SELECT y,
  json_array(a0/t, a1/t, a2/t, a3/t, a4/t, a5/t, a6/t, a7/t, a8/t, a9/t),
  json_array(ln(a0/t), ln(a1/t), ln(a2/t), ln(a3/t), ln(a4/t), ln(a5/t),
             ln(a6/t), ln(a7/t), ln(a8/t), ln(a9/t))
  FROM (SELECT *, (a0+a1+a2+a3+a4+a5+a6+a7+a8+a9) * 1.0 AS t FROM w);
SQL
fi

# Partial states (issue 12): 10^5 states of 100 rows of preds each, for
# the merge rows.  Added to an existing bench database if missing.
if printf '%s\n' "$QUERIES" | grep -q 'FROM states' && [ -z "$(table states)" ]; then
  echo "bench: adding table states (10^5 states of preds) to $DB..." >&2
  "$SQLITE3" "$DB" -cmd ".load $LIB" \
    "CREATE TABLE states AS SELECT bce_state(y, p) AS s FROM preds
     GROUP BY rowid % 100000"
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT

# Warm the file into the page cache.
cat "$DB" >/dev/null

for round in $(seq 1 "$ROUNDS"); do
  echo "bench: round $round of $ROUNDS" >&2
  while IFS='|' read -r name base sql; do
    [ -n "$name" ] || continue          # ONLY matched none of them
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
if [ -z "${ONLY:-}" ] && /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  echo "bench: python fetch + numpy, $ROUNDS runs" >&2
  for round in $(seq 1 "$ROUNDS"); do
    out=$(/usr/bin/time -f 'MAXRSS %M' /usr/bin/python3 bench/python_pipeline.py "$DB" 2>&1)
    secs=$(printf '%s\n' "$out" | head -n 1 | cut -d' ' -f1)
    kb=$(printf '%s\n' "$out" | sed -n 's/^MAXRSS \([0-9]*\)$/\1/p')
    printf '%s|%s|%s|%s\n' "python: fetch + numpy" "bce(y, p)" "$secs" "$kb" >>"$results"
  done
  python_line="python: fetch + numpy|bce(y, p)|"
fi

# All cores (issue 25): sqlite_bce.parallel() with 1 and 2 workers next to
# the one query, in fresh Python processes; every mode must give the same
# bits.  Free cores: the core count less the load average before the rows.
parallel_lines=""
if want_parallel; then
  free=$(awk -v n="$(nproc)" '{ f = n - $1; printf "%.1f", f < 0 ? 0 : f }' /proc/loadavg)
  echo "bench: parallel(), $ROUNDS runs ($free of $(nproc) cores free)" >&2
  bits=""
  for round in $(seq 1 "$ROUNDS"); do
    for mode in query 1 2; do
      out=$(PYTHONPATH=$PY_STAGE /usr/bin/time -f 'MAXRSS %M' \
            /usr/bin/python3 bench/parallel.py "$DB" "$mode" 2>&1)
      secs=$(printf '%s\n' "$out" | head -n 1 | cut -d' ' -f1)
      got=$(printf '%s\n' "$out" | head -n 1 | cut -d' ' -f2)
      kb=$(printf '%s\n' "$out" | sed -n 's/^MAXRSS \([0-9]*\)$/\1/p')
      if [ -z "$kb" ] || { [ -n "$bits" ] && [ "$got" != "$bits" ]; }; then
        echo "bench: parallel $mode failed or gave other bits ($got, not $bits):" >&2
        printf '%s\n' "$out" >&2
        exit 1
      fi
      bits=$got
      case $mode in
        query) name="python: SELECT bce(y, p)" base=- ;;
        1) name="parallel(): 1 worker" base="python: SELECT bce(y, p)" ;;
        2) name="parallel(): 2 workers" base="parallel(): 1 worker" ;;
      esac
      printf '%s|%s|%s|%s\n' "$name" "$base" "$secs" "$kb" >>"$results"
    done
  done
  parallel_lines="python: SELECT bce(y, p)|-|
parallel(): 1 worker|python: SELECT bce(y, p)|
parallel(): 2 workers|parallel(): 1 worker|"
fi

echo
echo "sqlite-bce $(sed -n 's/^#define BCE_VERSION "\(.*\)"$/\1/p' src/version.h)," \
     "SQLite $("$SQLITE3" --version | cut -d' ' -f1), $ROWS rows a table (mc: $MC_ROWS)," \
     "median of $ROUNDS runs"
echo "$(uname -m), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo
awk -F'|' -v order="$QUERIES${python_line:+
$python_line}${parallel_lines:+
$parallel_lines}" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
  }
  { t[$1] = t[$1] " " $3; m[$1] = m[$1] " " $4; base[$1] = $2 }
  function dashes(k,   s) { s = ""; while (k-- > 0) s = s "-"; return s }
  END {
    # the columns as wide as their longest entry, so the table stays Markdown
    n = 0; w1 = length("query"); w2 = length("ratio")
    k = split(order, all, "\n")
    for (j = 1; j <= k; j++) if (all[j] != "") lines[++n] = all[j]
    for (i = 1; i <= n; i++) {
      split(lines[i], f, "|"); q = f[1]; name[i] = q
      med[q] = median(t[q])
      ratio[i] = (base[q] == "-") ? "(baseline)" : sprintf("%.2fx %s", med[q] / med[base[q]], base[q])
      if (length(q) > w1) w1 = length(q)
      if (length(ratio[i]) > w2) w2 = length(ratio[i])
    }
    printf "| %-*s | %8s | %-*s | %9s |\n", w1, "query", "time (s)", w2, "ratio", "peak RSS"
    printf "|%s|%s:|%s|%s:|\n", dashes(w1 + 2), dashes(9), dashes(w2 + 2), dashes(10)
    for (i = 1; i <= n; i++) {
      q = name[i]
      printf "| %-*s | %8.3f | %-*s | %6.1f MB |\n", w1, q, med[q], w2, ratio[i], median(m[q]) / 1024
    }
  }' "$results"
