#!/bin/sh
# SPDX-License-Identifier: MIT
# The functions on a real replicated SQLite: a three-node dqlite cluster on
# 127.0.0.1 (tests/dqlite/node.c, sqlite-bce linked in), formed and queried
# with the wire-protocol client of tests/dqlite/client.c.  Every value the
# cluster returns is compared bit for bit with the sqlite3 shell over the
# same rows, before and after the leader is killed.
#
#   BUILD    where make put dqlite_node and dqlite_client (default build)
#   SQLITE3  the sqlite3 shell (default sqlite3)
#   LIB      the extension the shell loads (default ./bce.so)
#   CI=true or BCE_REQUIRE_DQLITE=1  a missing libdqlite-dev (no
#            dqlite_node) fails every check; otherwise they are skipped,
#            saying why
#
# Prints ok|, FAIL|, skip| lines; exits 1 on any FAIL.  Only the PIDs it
# started are stopped; every wait is bounded in tries and seconds.
set -u
BUILD=${BUILD:-build}
SQLITE3=${SQLITE3:-sqlite3}
LIB=${LIB:-./bce.so}
CI=${CI:-}
[ "${BCE_REQUIRE_DQLITE:-0}" = 1 ] && CI=true
NODE=$BUILD/dqlite_node
CLIENT=$BUILD/dqlite_client
LATENCY_MS=150   # Raft election timeout 2.25 s (tests/dqlite/node.c): short,
                 # and still steady beside make check's other lanes

failed=0
ok()   { printf 'ok|dqlite: %s\n' "$1"; }
fail() { printf 'FAIL|dqlite: %s|%s\n' "$1" "$2"; failed=1; }
skip() { printf 'skip|dqlite: %s|%s\n' "$1" "$2"; }

# The checks, by name, so that a run without dqlite lists each as skipped.
CHECKS='three nodes started on 127.0.0.1
cluster of three voters formed
table filled through the leader
rows read back bit for bit
values on the leader == sqlite3 shell, bit for bit
text parameters over the wire
three more databases filled through the leader
bce_state of three dqlite databases, merged here == bce over all rows, bit for bit
an error on the first step hides behind the column names
leader killed by PID, new leader elected
followers survive the leader (SIGPIPE ignored)
values on the new leader == sqlite3 shell, bit for bit
states from the new leader merged here == bce over all rows, bit for bit
a node without the extension answers no such function
every node stopped by PID, exit status 0'

skip_all() {
  if [ "$CI" = true ]; then
    printf '%s\n' "$CHECKS" | while IFS= read -r c; do
      printf 'FAIL|dqlite: %s|%s (required in CI)\n' "$c" "$1"; done
    exit 1
  fi
  printf '%s\n' "$CHECKS" | while IFS= read -r c; do skip "$c" "$1"; done
  exit 0
}

[ -x "$NODE" ] || skip_all "no $NODE: libdqlite-dev is not installed (apt-get install libdqlite-dev)"
[ -x "$CLIENT" ] || skip_all "no $CLIENT (make $CLIENT)"
[ -f "$LIB" ] || skip_all "no $LIB (make)"
command -v "$SQLITE3" >/dev/null 2>&1 || skip_all "no sqlite3 shell"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/bce-dqlite.XXXXXX") || exit 1
PIDS=''
cleanup() {
  for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
  for p in $PIDS; do
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
    kill -KILL "$p" 2>/dev/null
  done
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ------------------------------------------------------------------ nodes
# start_node SLOT ID PORT [ARGS]: starts node ID on 127.0.0.1:PORT, sets
# PID$SLOT and PORT$SLOT, waits until it answers (at most 5 s); 0 if it
# runs.  A port in use makes the node exit at once; the caller tries the
# next.
start_node() {
  slot=$1 id=$2 port=$3; shift 3
  mkdir -p "$DIR/n$slot.$port"
  "$NODE" "$id" "127.0.0.1:$port" "$DIR/n$slot.$port" --latency-ms $LATENCY_MS "$@" \
    2>>"$DIR/n$slot.log" &
  pid=$!
  i=0
  while [ $i -lt 50 ]; do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 1; }
    "$CLIENT" "127.0.0.1:$port" leader >/dev/null 2>&1
    [ $? -ne 1 ] && { PIDS="$PIDS $pid"; eval "PID$slot=$pid PORT$slot=$port"; return 0; }
    sleep 0.1; i=$((i+1))
  done
  kill -KILL "$pid" 2>/dev/null
  return 1
}

# Ports from a base that differs between concurrent runs.
port=$((20000 + ($$ * 37) % 30000))
started=0
# Slot 4: a cluster of its own (node 1 bootstraps), without the extension.
for slot in 1 2 3 4; do
  tries=0
  if [ $slot = 4 ]; then id=1 extra=--no-bce; else id=$slot extra=; fi
  while [ $tries -lt 20 ]; do
    port=$((port + 1))
    if start_node $slot $id $port $extra; then break; fi
    tries=$((tries + 1))
  done
  [ $tries -lt 20 ] && started=$((started + 1))
done
if [ $started = 4 ]; then
  ok "three nodes started on 127.0.0.1"
else
  fail "three nodes started on 127.0.0.1" "$started of 4 nodes started; see $DIR/n*.log"
  exit 1
fi
A1=127.0.0.1:$PORT1 A2=127.0.0.1:$PORT2 A3=127.0.0.1:$PORT3
ALL=$A1,$A2,$A3

# Node 1 bootstrapped a cluster of one; it leads once it has elected itself.
i=0
until "$CLIENT" "$A1" leader >/dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done
"$CLIENT" "$ALL" add 2 "$A2" >"$DIR/add" 2>&1 \
  && "$CLIENT" "$ALL" add 3 "$A3" >>"$DIR/add" 2>&1
"$CLIENT" "$ALL" cluster >"$DIR/cluster" 2>&1
want=$(printf '1|%s|0\n2|%s|0\n3|%s|0' "$A1" "$A2" "$A3")
if [ "$(sort "$DIR/cluster")" = "$want" ]; then
  ok "cluster of three voters formed"
else
  fail "cluster of three voters formed" "$(tr '\n' ' ' <"$DIR/add" "$DIR/cluster")"
  exit 1
fi

# ------------------------------------------------------------------- data
# Integer arithmetic and one division each, so that the cluster and the
# shell make the same doubles; the dump below checks that they did.
# Weights include 0, labels include 0.5, logits reach +-27.
FILL="CREATE TABLE t(i INTEGER PRIMARY KEY, y REAL, p REAL, w REAL, z REAL);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i<2000)
INSERT INTO t SELECT i, (i*37 % 11) / 10.0, ((i*7919) % 9973 + 0.5) / 9974.0,
  ((i*31) % 17) / 4.0, ((i*104729) % 2001 - 1000) / 37.0 FROM c;"

"$SQLITE3" -batch "$DIR/local.db" "$FILL" || { fail "table filled through the leader" "the shell could not"; exit 1; }
out=$("$CLIENT" "$ALL" exec t.db "$FILL" 2>&1)
if [ "$out" = "changes|2000" ]; then
  ok "table filled through the leader"
else
  fail "table filled through the leader" "$out"
  exit 1
fi

# SQL over a subquery's one column v, formatted as the client prints it.
FMT="CASE typeof(v) WHEN 'real' THEN 'real:'||hex(ieee754_to_blob(v))
  WHEN 'integer' THEN 'int:'||v WHEN 'text' THEN 'text:'||v
  WHEN 'blob' THEN 'blob:'||hex(v) ELSE 'null' END"
local_values() {  # local_values SQL-returning-rows-of-one-column
  "$SQLITE3" -batch "$DIR/local.db" -cmd ".load $LIB" "SELECT $FMT FROM ($1)"
}

rows_local=$("$SQLITE3" -batch "$DIR/local.db" "SELECT 'int:'||i||'|real:'||hex(ieee754_to_blob(y))||'|real:'||hex(ieee754_to_blob(p))||'|real:'||hex(ieee754_to_blob(w))||'|real:'||hex(ieee754_to_blob(z)) FROM t ORDER BY i")
rows_wire=$("$CLIENT" "$ALL" query t.db "SELECT i, y, p, w, z FROM t ORDER BY i" 2>&1)
if [ -n "$rows_local" ] && [ "$rows_local" = "$rows_wire" ]; then
  ok "rows read back bit for bit"
else
  fail "rows read back bit for bit" "$(printf '%s\n' "$rows_wire" | head -2 | tr '\n' ' ')"
fi

# The aggregates compared; one per line, each a query of one value.
QUERIES="SELECT bce(y, p) AS v FROM t
SELECT bce(y, p, w) AS v FROM t
SELECT bce(y, p, w, 1e-7) AS v FROM t
SELECT bce(y, p, w, 0) AS v FROM t
SELECT bce_logits(y, z) AS v FROM t
SELECT bce_logits(y, z, w) AS v FROM t
SELECT bce(y, p) AS v FROM t WHERE w = 0
SELECT bce(y, p) AS v FROM t WHERE i < 0"

# compare_all LABEL ADDRS: every query on the cluster and in the shell.
compare_all() {
  bad=''
  n=0
  while IFS= read -r q; do
    wire=$("$CLIENT" "$2" query t.db "$q" 2>&1)
    here=$(local_values "$q" 2>&1)
    n=$((n + 1))
    case $here in real:*|null) ;; *) bad="$bad [$q: shell gave $here]"; continue ;; esac
    [ "$wire" = "$here" ] || bad="$bad [$q: cluster $wire, shell $here]"
  done <<EOF
$QUERIES
EOF
  if [ -z "$bad" ]; then ok "$1"; else fail "$1" "$bad"; fi
}
compare_all "values on the leader == sqlite3 shell, bit for bit" "$ALL"

# TEXT parameters are numbers when wholly a number (rule 3).
wire=$("$CLIENT" "$ALL" query t.db "SELECT bce(?1, ?2, ?3)" 1 0.25 2 2>&1)
here=$(local_values "SELECT bce('1', '0.25', '2') AS v")
if [ "$wire" = "$here" ] && [ -n "$here" ]; then
  ok "text parameters over the wire"
else
  fail "text parameters over the wire" "cluster $wire, shell $here"
fi

# Three databases on the cluster, a third of the rows each: their states
# come back over the wire and are merged here (docs/scale-out.md).
parts_ok=1
for n in 0 1 2; do
  out=$("$CLIENT" "$ALL" exec "part$n.db" "$(printf '%s' "$FILL" | sed "s/FROM c;/FROM c WHERE i % 3 = $n;/")" 2>&1)
  case $out in changes\|6[0-9][0-9]) ;; *) parts_ok=0 ;; esac
done
if [ $parts_ok = 1 ]; then
  ok "three more databases filled through the leader"
else
  fail "three more databases filled through the leader" "$out"
fi

# STATES: the state calls compared, each with the aggregate it stands for.
STATES="bce_state(y, p)|bce(y, p)
bce_state(y, p, w)|bce(y, p, w)
bce_state(y, p, w, 0)|bce(y, p, w, 0)
bce_logits_state(y, z, w)|bce_logits(y, z, w)"

# compare_states LABEL ADDRS: each part's state from the cluster, merged by
# the shell, against the aggregate over every row and the whole's state.
compare_states() {
  bad=''
  while IFS='|' read -r st agg; do
    lits=''
    for n in 0 1 2; do
      v=$("$CLIENT" "$2" query "part$n.db" "SELECT $st FROM t" 2>&1)
      case $v in blob:*) lits="$lits${lits:+, }(x'${v#blob:}')" ;; *) bad="$bad [$st on part$n: $v]" ;; esac
    done
    [ -n "$bad" ] && continue
    merged=$(local_values "SELECT bce_merge(column1) AS v FROM (VALUES $lits)" 2>&1)
    here=$(local_values "SELECT $agg AS v FROM t" 2>&1)
    [ "$merged" = "$here" ] || bad="$bad [$st: merged $merged, bce $here]"
    m=$("$SQLITE3" -batch "$DIR/local.db" -cmd ".load $LIB" \
        "SELECT hex(bce_merge_state(column1)) = (SELECT hex($st) FROM t) FROM (VALUES $lits)" 2>&1)
    [ "$m" = 1 ] || bad="$bad [$st: merged state differs from the whole's: $m]"
  done <<EOF
$STATES
EOF
  if [ -z "$bad" ]; then ok "$1"; else fail "$1" "$bad"; fi
}
compare_states "bce_state of three dqlite databases, merged here == bce over all rows, bit for bit" "$ALL"

# dqlite 1.11.1 writes the column names, then the failure, into one body:
# a client reads code 1 and the column name as the message.
wire=$("$CLIENT" "$ALL" query t.db "SELECT bce(1, 2.7)" 2>&1)
want='failure|1|bce(1, 2.7)
failure|1|bce(): p must be in [0, 1], got 2.7; percentages? p / 100.0 reads them as probabilities; logits? use bce_logits()'
if [ "$wire" = "$want" ]; then
  ok "an error on the first step hides behind the column names"
else
  fail "an error on the first step hides behind the column names" "$(printf '%s' "$wire" | tr '\n' ' ')"
fi

# --------------------------------------------------------- leader killed
leader=$("$CLIENT" "$ALL" leader 2>/dev/null)
lid=${leader%%|*}
case $lid in
  1) lpid=$PID1 rest=$A2,$A3 ;;
  2) lpid=$PID2 rest=$A1,$A3 ;;
  3) lpid=$PID3 rest=$A1,$A2 ;;
  *) lpid='' ;;
esac
newleader=''
if [ -n "$lpid" ]; then
  # SIGKILL: a crash, not a goodbye; the followers' sockets to it break
  kill -KILL "$lpid"
  wait "$lpid" 2>/dev/null
  PIDS=$(printf '%s\n' $PIDS | grep -vx "$lpid" | tr '\n' ' ')
  i=0
  while [ $i -lt 150 ]; do
    l=$("$CLIENT" "$rest" leader 2>/dev/null)
    if [ -n "$l" ] && [ "${l%%|*}" != "$lid" ] \
       && [ "$("$CLIENT" "$rest" query t.db "SELECT count(*) FROM t" 2>/dev/null)" = "int:2000" ]; then
      newleader=$l
      break
    fi
    sleep 0.2; i=$((i+1))
  done
fi
if [ -n "$newleader" ]; then
  ok "leader killed by PID, new leader elected"
else
  fail "leader killed by PID, new leader elected" "leader was '$leader'; none after 30 s"
fi

alive=0
for id in 1 2 3; do
  [ "$id" = "$lid" ] && continue
  eval "p=\$PID$id"
  kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
if [ $alive = 2 ]; then
  ok "followers survive the leader (SIGPIPE ignored)"
else
  fail "followers survive the leader (SIGPIPE ignored)" "$alive of 2 alive"
fi

compare_all "values on the new leader == sqlite3 shell, bit for bit" "$rest"
compare_states "states from the new leader merged here == bce over all rows, bit for bit" "$rest"

# Node 4 runs without the extension, in a cluster of its own.
i=0
until "$CLIENT" "127.0.0.1:$PORT4" leader >/dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done
wire=$("$CLIENT" "127.0.0.1:$PORT4" query t.db "SELECT bce(0, 0.5)" 2>&1)
if [ "$wire" = "failure|1|no such function: bce" ]; then
  ok "a node without the extension answers no such function"
else
  fail "a node without the extension answers no such function" "$wire"
fi

# ------------------------------------------------------------------- stop
status='' hung=''
for p in $PIDS; do
  kill -TERM "$p"
done
for p in $PIDS; do
  i=0
  while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  if kill -0 "$p" 2>/dev/null; then
    status="$status $p:hung"
    hung="$hung $p"
  else
    wait "$p"; rc=$?
    [ $rc = 0 ] || status="$status $p:exit$rc"
  fi
done
PIDS=$hung   # the trap kills what did not stop
if [ -z "$status" ]; then
  ok "every node stopped by PID, exit status 0"
else
  fail "every node stopped by PID, exit status 0" "$status"
fi
exit $failed
