# SPDX-License-Identifier: MIT
"""The shard property of the partial states (docs/scale-out.md), through SQL.

    /usr/bin/python3 tests/state_shards.py LIB [SETS]

Random data sets (weights, eps = 0 with infinities, products below
2^-1022, logits near +-1e308, JSON arrays, unweighted and weighted states
mixed) are split at random into k = 1..12 shards, each in a database file
of its own.  For every set:

  - bce_merge() of the shards' states == bce() over all the rows, bit for bit;
  - bce_merge_state() of them == bce_state() over all the rows, byte for byte,
    also from the hex() TEXT of the states, in any order;
  - a two-level merge (groups of shards, then the groups) gives the same;
  - ATTACH + UNION ALL over the shard files (at most 10) gives the same;
  - bce_merge(s) OVER (ORDER BY day ROWS 6 PRECEDING) over daily states ==
    bce() over the same 7 days of rows, and bce_state() over a sliding frame
    == bce_state() of the frame's rows afresh.

Then the integrity sweep: every single-bit change of a few states, as BLOB
and as hex TEXT, and every truncation, is an error naming what is wrong,
never a number.  The reference for the merges is bce() over all the rows,
which does not use the state code; the data are seeded, so a failure can
be reproduced.  Prints ok|name or FAIL|name|why lines.
"""
import os
import random
import sqlite3
import struct
import sys
import tempfile

LIB = sys.argv[1] if len(sys.argv) > 1 else "./bce"
SETS = int(sys.argv[2]) if len(sys.argv) > 2 else 180

failures = 0


def report(ok, name, why=""):
    global failures
    if ok:
        print("ok|shards: %s" % name)
    else:
        failures += 1
        print("FAIL|shards: %s|%s" % (name, why))


def connect(path=":memory:"):
    db = sqlite3.connect(path, isolation_level=None)
    db.enable_load_extension(True)
    db.load_extension(LIB)
    # scratch files: no journal, no fsync
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    return db


def bits(x):
    """A result as something compared bit for bit."""
    if x is None or isinstance(x, (bytes, str, int)):
        return x
    return struct.pack("<d", x).hex()


# The kinds of data: (label, call over columns y, x, w, the columns a row
# needs, maker of one row).
def row_prob(r, kind):
    y = r.choice([0.0, 1.0, 1.0, r.random()])
    p = r.random()
    w = r.choice([0.0, r.random() * 4, r.uniform(0.5, 2)]) if kind != "plain" else 1.0
    if kind == "eps0" and r.random() < 0.05:
        y, p = 1.0, 0.0               # certain and wrong: +Inf
    if (kind == "tiny" and r.random() < 0.3) or kind == "tinyall":
        y, p, w = 0.0, 2.0 ** -700 * (1 + r.random()), 2.0 ** -500 * (1 + r.random())
    return y, p, w


def row_logits(r, kind):
    y = r.choice([0.0, 1.0, r.random()])
    z = r.uniform(-30, 30)
    w = r.random() * 2
    if r.random() < 0.1:
        # a loss near 1e308: w <= 1 keeps w*l a double (else an error)
        z = r.choice([-1, 1]) * r.uniform(0.5, 1.0) * 1.7e308
        w = r.random()
    return y, z, w


def row_array(r, kind):
    k = r.randint(1, 5)
    ys = [r.choice([0, 1, r.random()]) for _ in range(k)]
    ps = [r.random() for _ in range(k)]
    return ("[%s]" % ",".join(repr(v) for v in ys),
            "[%s]" % ",".join(repr(v) for v in ps), r.random() * 3)


KINDS = [
    ("bce(y, p)", "bce(y, x)", "bce_state(y, x)", row_prob, "plain"),
    ("bce(y, p, w)", "bce(y, x, w)", "bce_state(y, x, w)", row_prob, "w"),
    ("bce(y, p, w, 1e-7)", "bce(y, x, w, 1e-7)", "bce_state(y, x, w, 1e-7)", row_prob, "w"),
    ("bce(y, p, w, 0) with infinities", "bce(y, x, w, 0)", "bce_state(y, x, w, 0)", row_prob, "eps0"),
    ("bce(y, p, w, 0) with products below 2^-1022", "bce(y, x, w, 0)", "bce_state(y, x, w, 0)", row_prob, "tiny"),
    ("bce(y, p, w, 0), every product below 2^-1022", "bce(y, x, w, 0)", "bce_state(y, x, w, 0)", row_prob, "tinyall"),
    ("bce_logits(y, z, w) near +-1e308", "bce_logits(y, x, w)", "bce_logits_state(y, x, w)", row_logits, "w"),
    ("bce_logits(y, z)", "bce_logits(y, x)", "bce_logits_state(y, x)", row_logits, "w"),
    ("bce(y, p, w) on JSON arrays", "bce(y, x, w)", "bce_state(y, x, w)", row_array, "w"),
]


def make_rows(r, maker, kind, n, days):
    rows = []
    for i in range(n):
        y, x, w = maker(r, kind)
        rows.append((i, i % days, y, x, w))
    return rows


def fill(db, rows):
    db.execute("CREATE TABLE t(i INTEGER PRIMARY KEY, day INTEGER, y, x, w)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
    db.commit()


def one(db, sql, *args):
    return db.execute(sql, args).fetchall()[0][0]


def merge(db, fn, states):
    db.execute("DROP TABLE IF EXISTS s")
    db.execute("CREATE TEMP TABLE s(k INTEGER PRIMARY KEY, v)")
    db.executemany("INSERT INTO s(v) VALUES (?)", [(v,) for v in states])
    return one(db, "SELECT %s(v) FROM s" % fn)


def check_set(r, tmp, label, agg, state, maker, kind, seen):
    n = r.randint(20, 300)
    days = r.randint(7, 15)
    rows = make_rows(r, maker, kind, n, days)
    whole = connect()
    fill(whole, rows)
    want = bits(one(whole, "SELECT %s FROM t" % agg))
    want_state = one(whole, "SELECT %s FROM t" % state)
    k = r.randint(1, 12)
    order = list(rows)
    r.shuffle(order)
    cuts = sorted(r.randint(0, n) for _ in range(k - 1))
    parts = [order[a:b] for a, b in zip([0] + cuts, cuts + [n])]
    states, files = [], []
    for j, part in enumerate(parts):
        path = os.path.join(tmp, "shard%d.db" % j)
        if os.path.exists(path):
            os.remove(path)
        db = connect(path)
        fill(db, part)
        states.append(one(db, "SELECT %s FROM t" % state))   # NULL if empty
        db.close()
        files.append(path)
    tag = "%s, k=%d, n=%d" % (label, k, n)
    got = bits(merge(whole, "bce_merge", states))
    seen["merge"].append(got == want or "%s: bce_merge %s, bce %s" % (tag, got, want))
    shuffled = list(states)
    r.shuffle(shuffled)
    got_state = merge(whole, "bce_merge_state", shuffled)
    seen["state"].append(got_state == want_state
                         or "%s: merged state %s, whole %s" % (tag, got_state and got_state.hex(), want_state.hex()))
    hexes = [s.hex().upper() if s is not None else None for s in shuffled]
    seen["hex"].append(merge(whole, "bce_merge_state", hexes) == want_state
                       and bits(merge(whole, "bce_merge", hexes)) == want
                       or "%s: from hex TEXT" % tag)
    # two levels: groups of shards merged to states, then the groups
    g = r.randint(1, 3)
    groups = [[s for i, s in enumerate(states) if i % g == j] for j in range(g)]
    level1 = [merge(whole, "bce_merge_state", grp) for grp in groups]
    seen["two"].append(bits(merge(whole, "bce_merge", level1)) == want
                       and merge(whole, "bce_merge_state", level1) == want_state
                       or "%s: two-level merge over %d groups" % (tag, g))
    # ATTACH + UNION ALL, SQLite's default limit of 10 attached files
    if len(files) <= 10:
        for j, path in enumerate(files):
            whole.execute("ATTACH ? AS s%d" % j, (path,))
        union = " UNION ALL ".join("SELECT %s AS v FROM s%d.t" % (state, j)
                                   for j in range(len(files)))
        got = bits(one(whole, "SELECT bce_merge(v) FROM (%s)" % union))
        seen["attach"].append(got == want or "%s: ATTACH + UNION ALL %s" % (tag, got))
        for j in range(len(files)):
            whole.execute("DETACH s%d" % j)
    # daily states, a 7-day window over them, and bce over the same days
    whole.execute("CREATE TEMP TABLE daily AS SELECT day, %s AS v FROM t GROUP BY day" % state)
    rolled = whole.execute("SELECT day, bce_merge(v) OVER (ORDER BY day ROWS 6 PRECEDING) "
                           "FROM daily ORDER BY day").fetchall()
    ok = True
    for day, v in rolled:
        ref = one(whole, "SELECT %s FROM t WHERE day BETWEEN ? AND ?" % agg, day - 6, day)
        if bits(v) != bits(ref):
            ok = "%s: day %d, window %s, bce %s" % (tag, day, bits(v), bits(ref))
            break
    seen["window"].append(ok)
    # bce_state over a sliding frame of rows == the frame's state afresh
    frames = whole.execute("SELECT i, %s OVER (ORDER BY i ROWS 4 PRECEDING) FROM t ORDER BY i" % state).fetchall()
    ok = True
    for i, v in frames[::7]:
        ref = one(whole, "SELECT %s FROM t WHERE i BETWEEN ? AND ?" % state, i - 4, i)
        if v != ref:
            ok = "%s: frame ending at row %d" % (tag, i)
            break
    seen["frames"].append(ok)
    whole.close()


def mixed(r, tmp, seen):
    """Unweighted states merge with weighted ones as w = 1."""
    n = r.randint(20, 200)
    rows = [(i, 0) + row_prob(r, "w") for i in range(n)]
    unweighted = set(i for i in range(n) if r.random() < 0.5)
    rows = [(i, d, y, x, 1.0 if i in unweighted else w) for i, d, y, x, w in rows]
    db = connect()
    fill(db, rows)
    want = bits(one(db, "SELECT bce(y, x, w) FROM t"))
    want_state = one(db, "SELECT bce_state(y, x, w) FROM t")
    a = one(db, "SELECT bce_state(y, x) FROM t WHERE i IN (%s)" % ",".join(map(str, unweighted)) if unweighted else "SELECT NULL")
    b = one(db, "SELECT bce_state(y, x, w) FROM t WHERE i NOT IN (%s)" % ",".join(map(str, unweighted)) if unweighted else "SELECT bce_state(y, x, w) FROM t")
    for order in ([a, b], [b, a]):
        seen["mixed"].append((bits(merge(db, "bce_merge", order)) == want
                              and merge(db, "bce_merge_state", order) == want_state)
                             or "unweighted %d rows, weighted %d" % (len(unweighted), n - len(unweighted)))
    db.close()


def sweep():
    """Every bit flip and truncation of a few states is an error."""
    db = connect()
    states = [
        ("bce(y, p)", one(db, "SELECT bce_state(column1, column2) FROM (VALUES (1, 0.4), (0, 0.5), (1, 0.8), (1, 0.2))")),
        ("bce(y, p, w, 0) with an infinity", one(db, "SELECT bce_state(column1, column2, column3, 0) FROM (VALUES (1, 0.4, 2), (1, 0, 1), (0, 0.3, 0))")),
        ("bce_logits(y, z, w)", one(db, "SELECT bce_logits_state(column1, column2, column3) FROM (VALUES (1, 1e308, 0.5), (0, -3, 2e-300))")),
    ]
    for label, s in states:
        bad = []
        flips = 0
        for i in range(len(s)):
            for bit in range(8):
                t = bytearray(s)
                t[i] ^= 1 << bit
                for form in (bytes(t), bytes(t).hex().upper()):
                    for fn in ("bce_merge", "bce_merge_state", "bce_state_info"):
                        flips += 1
                        try:
                            v = one(db, "SELECT %s(?)" % fn, form)
                            bad.append("bit %d of byte %d (%s, %s): %r" % (bit, i, type(form).__name__, fn, v))
                        except sqlite3.OperationalError as e:
                            if not str(e).startswith(fn + "(): bad state: "):
                                bad.append("bit %d of byte %d: %s" % (bit, i, e))
        report(not bad, "%d single-bit changes of a %d-byte %s state, as BLOB and hex TEXT, "
               "in bce_merge, bce_merge_state, bce_state_info: each an error" % (flips, len(s), label),
               "; ".join(bad[:3]))
        # a hex digit's case is a bit too: hex() writes uppercase
        lower = s.hex()
        try:
            one(db, "SELECT bce_merge(?)", lower)
            report(False, "lowercase hex TEXT is refused (%s)" % label, "accepted")
        except sqlite3.OperationalError as e:
            report(str(e).startswith("bce_merge(): state must be a BLOB or the uppercase hex() of one"),
                   "lowercase hex TEXT is refused (%s)" % label, str(e))
        bad = []
        for n in range(len(s)):
            try:
                v = one(db, "SELECT bce_merge(?)", s[:n])
                bad.append("%d bytes: %r" % (n, v))
            except sqlite3.OperationalError as e:
                want = "bce_merge(): bad state: truncated" if n >= 3 or n == 0 else "bce_merge(): bad state: "
                if not str(e).startswith(want):
                    bad.append("%d bytes: %s" % (n, e))
        for extra in (b"\0", b"\0\0\0\0", s):
            try:
                v = one(db, "SELECT bce_merge(?)", s + extra)
                bad.append("%d more bytes: %r" % (len(extra), v))
            except sqlite3.OperationalError as e:
                if not str(e).startswith("bce_merge(): bad state: over-long"):
                    bad.append("%d more bytes: %s" % (len(extra), e))
        report(not bad, "every truncation (%d) and 3 extensions of a %s state: truncated / over-long"
               % (len(s), label), "; ".join(bad[:3]))
    db.close()


def main():
    r = random.Random(20261201)
    seen = {k: [] for k in ("merge", "state", "hex", "two", "attach", "window", "frames", "mixed")}
    with tempfile.TemporaryDirectory() as tmp:
        for s in range(SETS):
            label, agg, state, maker, kind = KINDS[s % len(KINDS)]
            check_set(r, tmp, label, agg, state, maker, kind, seen)
        for s in range(max(4, SETS // 8)):
            mixed(r, tmp, seen)
    names = {
        "merge": "bce_merge of k = 1..12 shard files' states == bce over all rows, bit for bit",
        "state": "bce_merge_state of the shards' states, shuffled == bce_state over all rows, byte for byte",
        "hex": "the same from the states' hex() TEXT",
        "two": "two-level merges (groups of shards, then the groups) == bce / bce_state over all rows",
        "attach": "ATTACH the shard files + UNION ALL of their states: bce_merge == bce",
        "window": "bce_merge OVER (ORDER BY day ROWS 6 PRECEDING) of daily states == bce over those 7 days",
        "frames": "bce_state over a sliding frame (ROWS 4 PRECEDING) == bce_state of the frame's rows",
        "mixed": "unweighted and weighted states merge as w = 1: == bce(y, p, w) and its state",
    }
    for key, results in seen.items():
        bad = [x for x in results if x is not True]
        report(results and not bad, "%s (%d data sets)" % (names[key], len(results)),
               "; ".join(str(b) for b in bad[:2]))
    report(True, "kinds of data: " + "; ".join(l for l, _, _, _, _ in KINDS))
    sweep()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
