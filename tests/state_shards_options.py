# SPDX-License-Identifier: MIT
"""The shard property of the states with options (issue 21), through SQL.

    /usr/bin/python3 tests/state_shards_options.py LIB [SETS]

Random tables for every function with a state (bce_state on numbers and on
JSON-array rows with missing labels, bce_logits_state, cce_state,
cce_logits_state, and the scores' bce_d2_state, cce_d2_state and
kl_div_state of issue 23), each with options drawn from the keys its function
accepts: every key alone, then random combinations (reduction included),
weighted and unweighted.  Each table is split at random into 1..9 shards:

  - bce_merge() of the shards' states == the aggregate over all the rows
    with the same options, bit for bit (the reference does not use the
    state code);
  - bce_merge_state() of them == the state over all the rows, byte for
    byte, also from their hex() TEXT;
  - a window (ROWS n PRECEDING, so with inverse steps) of the aggregate and
    of the state gives each frame's value and bytes afresh;
  - bce_merge() as a window over the shards' states (ROWS 1 PRECEDING: a
    state removed by the inverse) gives each frame's aggregate;
  - a state of options that differ in one key does not merge with them:
    the error names that key.

The data are seeded, so a failure can be reproduced.  Prints ok|name or
FAIL|name|why lines.
"""
import json
import random
import sqlite3
import struct
import sys

LIB = sys.argv[1] if len(sys.argv) > 1 else "./bce"
SETS = int(sys.argv[2]) if len(sys.argv) > 2 else 160

failures = 0


def report(ok, name, why=""):
    global failures
    if ok:
        print("ok|shards with options: %s" % name)
    else:
        failures += 1
        print("FAIL|shards with options: %s|%s" % (name, why))


def bits(x):
    if x is None or isinstance(x, (bytes, str, int)):
        return x
    return struct.pack("<d", x).hex()


K = 3   # elements of a multi-label row, classes of a multi-class one

# function -> (aggregate, state, keys it accepts)
FUNCS = {
    "bce": ("bce", "bce_state",
            ["eps", "pos_weight", "smoothing", "gamma", "alpha", "reduction"]),
    "bce_arrays": ("bce", "bce_state",
                   ["eps", "pos_weight_array", "smoothing", "gamma", "alpha",
                    "reduction"]),
    "bce_logits": ("bce_logits", "bce_logits_state",
                   ["pos_weight", "smoothing", "gamma", "alpha", "reduction"]),
    "cce": ("cce", "cce_state",
            ["eps", "class_weight", "alpha", "gamma", "smoothing",
             "ignore_index", "reduction"]),
    "cce_logits": ("cce_logits", "cce_logits_state",
                   ["class_weight", "alpha", "gamma", "smoothing",
                    "ignore_index", "reduction"]),
    # the scores (issue 23): the keys each takes
    "bce_d2": ("bce_d2", "bce_d2_state", ["eps", "pos_weight", "smoothing"]),
    "cce_d2": ("cce_d2", "cce_d2_state",
               ["eps", "class_weight", "smoothing", "ignore_index"]),
    "kl_div": ("kl_div", "kl_div_state", ["eps", "smoothing"]),
}


def value(r, fn, key):
    """A value of key in its domain for fn (two draws differ often)."""
    if key == "eps":
        return r.choice([1e-15, 1e-7, 0.0, 2.0 ** -52, 1e-3, 1e-176])
    if key == "pos_weight":
        return r.choice([0.0, 0.5, 3.0, r.uniform(0, 8)])
    if key == "pos_weight_array":
        return [r.choice([0.0, 1.0, 2.5, r.uniform(0, 6)]) for _ in range(K)]
    if key == "smoothing":
        return r.choice([0.0, 0.1, 1.0, r.random()])
    if key == "gamma":
        return r.choice([0.0, 1.0, 2.0, 0.5, r.uniform(0, 5)])
    if key == "alpha":
        if fn.startswith("cce") and r.random() < 0.5:
            return [r.uniform(0, 3) for _ in range(K)]
        return r.choice([0.25, 0.0, 1.0, r.random()]) if fn.startswith("bce") \
            else r.uniform(0, 3)
    if key == "class_weight":
        return [r.choice([0.0, 1.0, 5.0, r.uniform(0, 4)]) for _ in range(K)]
    if key == "ignore_index":
        return r.choice([-100, 2])
    if key == "reduction":
        return r.choice(["mean", "sum", "mean_over_rows"])
    raise ValueError(key)


def options_of(r, fn, keys):
    o = {}
    for k in keys:
        o["pos_weight" if k == "pos_weight_array" else k] = value(r, fn, k)
    return o


def probs(r):
    xs = [r.random() + 1e-3 for _ in range(K)]
    s = sum(xs)
    xs = [x / s for x in xs]
    if r.random() < 0.1:
        xs = [0.0] * K
        xs[r.randrange(K)] = 1.0          # a certain prediction
    return json.dumps(xs)


def row(r, fn, opts):
    w = r.choice([1.0, 0.0, r.uniform(0, 3), r.uniform(0.5, 2)])
    if fn in ("bce", "bce_d2"):
        return r.choice([0.0, 1.0, r.random()]), \
            r.choice([r.random(), 0.0, 1.0, r.random()]), w
    if fn == "bce_logits":
        return r.choice([0.0, 1.0, r.random()]), r.uniform(-40, 40), w
    if fn == "bce_arrays":
        y = [r.choice([0, 1, None, r.random()]) for _ in range(K)]
        p = [r.choice([r.random(), 0.0, 1.0]) for _ in range(K)]
        return json.dumps(y), json.dumps(p), w
    # multi-class: a class index (or the ignored one) or soft targets
    ii = opts.get("ignore_index")
    u = r.random()
    if ii is not None and u < 0.15:
        y = ii
    elif u < 0.7:
        y = r.randrange(K)
    else:
        y = probs(r)
    x = probs(r) if fn != "cce_logits" else json.dumps([r.uniform(-30, 30)
                                                        for _ in range(K)])
    return y, x, w


DEFAULTS = {"eps": 2.0 ** -52, "pos_weight": 1.0, "smoothing": 0.0, "gamma": 0.0,
            "reduction": "mean"}   # eps: BCE_DEFAULT_EPS (src/loss.h)


def other(r, fn, opts):
    """Options differing from opts in the value of one key (a key given
    with its default value is the same options: the same bytes), and that
    key.  ignore_index stays: the rows holding it would be errors."""
    keys = [k for k in FUNCS[fn][2] if k != "ignore_index"]
    for _ in range(200):
        k = r.choice(keys)
        name = "pos_weight" if k == "pos_weight_array" else k
        v = value(r, fn, k)
        if v == opts.get(name, DEFAULTS.get(name)):
            continue
        if isinstance(v, list) and name != "alpha" and all(x == 1 for x in v):
            continue
        o = dict(opts)
        o[name] = v
        return o, name
    raise RuntimeError("no other options")


def one_set(db, r, n_set, fn, keys, name):
    agg, state, _ = FUNCS[fn]
    opts = options_of(r, fn, keys)
    weighted = r.random() < 0.6
    n = r.randint(1, 60)
    rows = [row(r, fn, opts) for _ in range(n)]
    k = r.randint(1, 9)
    db.execute("DELETE FROM t")
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                   [(r.randrange(k), y, x, w) for y, x, w in rows])
    otext = json.dumps(opts)
    args = "y, x, w, ?1" if weighted else "y, x, ?1"
    label = "%s %d: %s(%s) %s, %d rows, %d shards" % (
        name, n_set, state, "y, x, w" if weighted else "y, x", otext, n, k)
    try:
        want = db.execute("SELECT %s(%s) FROM t" % (agg, args),
                          (otext,)).fetchone()[0]
        whole = db.execute("SELECT %s(%s) FROM t" % (state, args),
                           (otext,)).fetchone()[0]
        shards = [s for (s,) in db.execute(
            "SELECT %s(%s) FROM t GROUP BY shard ORDER BY random()"
            % (state, args), (otext,))]
    except sqlite3.Error as e:
        report(False, label, "error: %s" % e)
        return
    db.execute("DELETE FROM s")
    db.executemany("INSERT INTO s VALUES (?)", [(x,) for x in shards])
    got = db.execute("SELECT bce_merge(st) FROM s").fetchone()[0]
    report(bits(got) == bits(want), label + ": bce_merge = " + agg,
           "got %r, want %r" % (got, want))
    merged = db.execute("SELECT bce_merge_state(st) FROM s").fetchone()[0]
    report(merged == whole, label + ": bce_merge_state = the whole state",
           "got %s, want %s" % (merged and merged.hex(),
                                 whole and whole.hex()))
    merged = db.execute("SELECT bce_merge_state(hex(st)) FROM s WHERE st IS NOT NULL").fetchone()[0]
    report(merged == whole, label + ": from hex()", "")
    # bce_merge() as a window over the shards' states (its inverse removes
    # a state): each frame of two shards gives the aggregate of their rows
    try:
        per = db.execute(
            "SELECT shard, %s(%s) FROM t GROUP BY shard ORDER BY shard"
            % (state, args), (otext,)).fetchall()
        db.execute("CREATE TEMP TABLE IF NOT EXISTS ps(shard, st)")
        db.execute("DELETE FROM ps")
        db.executemany("INSERT INTO ps VALUES (?, ?)", per)
        slid = db.execute("SELECT shard, bce_merge(st) OVER (ORDER BY shard "
                          "ROWS 1 PRECEDING) FROM ps ORDER BY shard").fetchall()
        shards_in = [g for g, _ in per]
        bad = []
        for j, (g, v) in enumerate(slid):
            frame = shards_in[max(0, j - 1): j + 1]
            f = db.execute("SELECT %s(%s) FROM t WHERE shard IN (%s)"
                           % (agg, args, ",".join(str(x) for x in frame)),
                           (otext,)).fetchone()[0]
            if bits(v) != bits(f):
                bad.append((g, v, f))
        report(not bad, label + ": bce_merge() over a window of 2 shards' "
               "states = their rows' " + agg, repr(bad[:1]))
    except sqlite3.Error as e:
        report(False, label + ": bce_merge() window", "error: %s" % e)
    # a window sliding over the rows (inverse steps): each frame's value,
    # and its state's bytes, are those of the frame's rows afresh
    span = r.randint(1, 6)
    try:
        slid = db.execute(
            "SELECT rowid, %s(%s) OVER win, %s(%s) OVER win FROM t "
            "WINDOW win AS (ORDER BY rowid ROWS %d PRECEDING)"
            % (agg, args, state, args, span), (otext,)).fetchall()
        fresh = [db.execute(
            "SELECT %s(%s), %s(%s) FROM t WHERE rowid BETWEEN ?2 - %d AND ?2"
            % (agg, args, state, args, span), (otext, i)).fetchone()
            for i, _, _ in slid]
    except sqlite3.Error as e:
        report(False, label + ": window", "error: %s" % e)
        return
    bad = [(i, v, st, f) for (i, v, st), f in zip(slid, fresh)
           if bits(v) != bits(f[0]) or st != f[1]]
    report(not bad, label + ": window of %d rows = each frame afresh"
           % (span + 1), repr(bad[:1]))
    if whole is None:
        return
    # a state of other options refuses, naming the key
    o2, key = other(r, fn, opts)
    try:
        st2 = db.execute("SELECT %s(%s) FROM t" % (state, args),
                         (json.dumps(o2),)).fetchone()[0]
    except sqlite3.Error as e:
        report(False, label + ": other options", "error: %s" % e)
        return
    if st2 is None:
        return
    try:
        db.execute("SELECT bce_merge(x) FROM (SELECT ?1 AS x UNION ALL "
                   "SELECT ?2)", (whole, st2)).fetchone()
        report(False, label + ": refuses %s" % json.dumps(o2), "merged")
    except sqlite3.Error as e:
        msg = str(e)
        ok = msg.startswith("bce_merge(): states of different options do "
                            "not merge: ") and \
            msg.split(": ", 2)[2].startswith(key)
        report(ok, label + ": refuses %s naming %s" % (json.dumps(o2), key),
               msg)


def main():
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.enable_load_extension(True)
    db.load_extension(LIB)
    db.execute("CREATE TABLE t(shard, y, x, w)")
    db.execute("CREATE TABLE s(st)")
    r = random.Random(20261206)
    n_set = 0
    # every key alone, for every function
    for fn, (_, _, keys) in FUNCS.items():
        for key in keys:
            for _ in range(3):
                n_set += 1
                one_set(db, r, n_set, fn, [key], fn + " " + key)
    # combinations
    while n_set < SETS:
        n_set += 1
        fn = r.choice(list(FUNCS))
        keys = FUNCS[fn][2]
        chosen = r.sample(keys, r.randint(2, len(keys)))
        one_set(db, r, n_set, fn, chosen, fn + " combined")
    if failures:
        sys.exit(1)


main()
