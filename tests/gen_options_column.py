#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A scalar's options from a column, not a constant: ext/options.c keeps
the last text's parse for the statement and parses again only when a
row's text differs.  These checks change the text between rows in every
way the cache could get wrong: runs of one text, two texts alternating,
texts that differ in one byte or only in length, texts longer than the
cache's first block (64 bytes) and pos_weight arrays longer than the
options' room (32 numbers: parsed into the cache's own storage), a NULL
and a number (a weight) in the column between them; bce_term and bce_grad
in one statement (each function's keys have a cache of their own); and a
constant options argument with arrays, which SQLite keeps with the
argument from the first row on (constant_arrays()).  A
row that took another row's options would be off by a factor, far
outside the 1 ulp allowed.

Writes tests/sql/mpmath_options_column.sql (CI only reads it).  Each want
is the issue's formula at mpmath's 60 digits (tests/gen_batch_flush_options
.py's, per element of a multi-label row, the row's term the mean over its
elements; bce_grad from mpmath's diff of the same), rounded to the nearest
double; the extension's are within 1 ulp (docs/accuracy.md).

Run:  /usr/bin/python3 tests/gen_options_column.py   (mpmath; seconds)
"""
import json
import os
import random
import shutil
import sys

from mpmath import mp, mpf, log, diff

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_ref import sql_num  # noqa: E402

mp.dps = 60
EPS = 2.0**-52
OUT = os.path.join(HERE, "sql", "mpmath_options_column.sql")


def loss(y, q, pw, s, g):
    """the loss of one element at the clipped q (an mpf)"""
    ys = mpf(y) * (1 - mpf(s)) + mpf(s) / 2
    ce = -(mpf(pw) * ys * log(q) + (1 - ys) * log(1 - q))
    f = ys * (1 - q) + (1 - ys) * q
    return ce * f**mpf(g) if g != 0 else ce


def clip(p):
    return min(max(p, EPS), 1.0 - EPS)


def opts_of(text):
    o = json.loads(text)
    return (o.get("pos_weight", 1), o.get("smoothing", 0),
            o.get("gamma", 0))


def term(y, p, o):
    if o is None:
        return None
    if isinstance(o, float):                  # a weight, not options
        return mpf(o) * loss(y, mpf(clip(p)), 1, 0, 0)
    pw, s, g = opts_of(o)
    if isinstance(y, list):
        pws = pw if isinstance(pw, list) else [pw] * len(y)
        return sum(loss(a, mpf(clip(b)), c, s, g)
                   for a, b, c in zip(y, p, pws)) / len(y)
    return loss(y, mpf(clip(p)), pw, s, g)


def grad(y, p, o):
    """dl/dp at the clipped p (p inside the clip here), n = 1"""
    if o is None or isinstance(o, float):
        return None
    pw, s, g = opts_of(o)
    return diff(lambda q: loss(y, q, pw, s, g), mpf(p))


def sql_text(v):
    if v is None:
        return "NULL"
    if isinstance(v, float):
        return sql_num(v)
    return "'" + v.replace("'", "''") + "'"


def constant_arrays(w, r):
    """A constant options argument with arrays: parsed on the first row
    into the call's room, then moved with its arrays into the block
    SQLite keeps with the argument, which the next rows read.  Two call
    sites in one statement, so that the second's parse lands where the
    first's room was; arrays of 1 and 3 elements; for cce_term alpha and
    class_weight both, each after the other in one of the texts (the
    second array's place in the block is not 0).  tests/gen_cce_opt.py's
    definition for cce_term, within docs/accuracy.md's 0.51 ulp of
    cce_term/options class_weight and combined."""
    import gen_cce_opt
    pa = ['{"pos_weight": [1.5, 2, 3]}', '{"pos_weight": [4, 0.5, 2.5], "gamma": 2}',
          '{"pos_weight": [3]}', '{"pos_weight": [0.25], "smoothing": 0.1}']
    ca = ['{"alpha": [0.5, 1, 2], "class_weight": [3, 1, 0.5]}',
          '{"class_weight": [2, 0.25, 1], "alpha": [1.5, 0.5, 3], "gamma": 1}']
    w("")
    w("-- a constant options argument with arrays, two call sites a statement")
    w("CREATE TEMP TABLE ca(i INTEGER PRIMARY KEY, k, y, p, a, b);")
    i = 0
    for k, (ta, tb) in ((3, pa[:2]), (1, pa[2:])):
        for _ in range(6):
            i += 1
            y = [r.randint(0, 1) for _ in range(k)]
            p = [r.random() for _ in range(k)]
            w("INSERT INTO ca VALUES(%d, %d, '%s', '%s', %s, %s);"
              % (i, k, json.dumps(y), json.dumps(p),
                 sql_num(float(term(y, p, ta))), sql_num(float(term(y, p, tb)))))
    for k, (ta, tb) in ((3, pa[:2]), (1, pa[2:])):
        w("INSERT INTO checks SELECT 'constant options ' || %s || ' row ' || i, "
          "x, a, 'ulp', 1 FROM (SELECT i, a, bce_term(y, p, %s) AS x, "
          "bce_term(y, p, %s) AS z FROM ca WHERE k = %d ORDER BY i);"
          % (sql_text(ta), sql_text(ta), sql_text(tb), k))
        w("INSERT INTO checks SELECT 'constant options ' || %s || ' row ' || i, "
          "z, b, 'ulp', 1 FROM (SELECT i, b, bce_term(y, p, %s) AS x, "
          "bce_term(y, p, %s) AS z FROM ca WHERE k = %d ORDER BY i);"
          % (sql_text(tb), sql_text(ta), sql_text(tb), k))
    w("CREATE TEMP TABLE cc(i INTEGER PRIMARY KEY, y, p, a, b);")
    for i in range(1, 7):
        y = r.randint(0, 2)
        p = [r.random() + 0.05 for _ in range(3)]
        p = [v / sum(p) for v in p]
        xs = [mpf(v) for v in p]
        la, lb = (gen_cce_opt.loss_of(y, xs, json.loads(t), False) for t in ca)
        w("INSERT INTO cc VALUES(%d, %d, '%s', %s, %s);"
          % (i, y, json.dumps(p), sql_num(float(la)), sql_num(float(lb))))
    for col, t in (("x", ca[0]), ("z", ca[1])):
        w("INSERT INTO checks SELECT 'constant options ' || %s || ' row ' || i, "
          "%s, %s, 'ulp', 0.51 FROM (SELECT i, a, b, cce_term(y, p, %s) AS x, "
          "cce_term(y, p, %s) AS z FROM cc ORDER BY i);"
          % (sql_text(t), col, "a" if col == "x" else "b", sql_text(ca[0]),
             sql_text(ca[1])))


def main():
    r = random.Random(20261207)
    short = ['{"pos_weight": 3}', '{"pos_weight": 4}', '{"gamma": 2}',
             '{}', '{"smoothing": 0.1, "gamma": 2.5, "pos_weight": 0.5}',
             '{"pos_weight": 3 }', '{"gamma": 2.5}']
    long_text = ('{"pos_weight": 2, "gamma": 1.5, "smoothing": 0.05, '
                 '"eps": 1e-7                                      }')
    assert len(long_text) > 64
    texts = []
    texts += [short[0]] * 5                          # a run
    texts += [short[0], short[1]] * 4                # alternating, 1 byte
    texts += [short[0], short[5]] * 2                # a byte more
    texts += [short[2], short[3], short[4], short[6]] * 2
    texts += [long_text] * 3 + [short[2], long_text]  # past 64 bytes
    texts += [None, short[2], 2.0, short[2], 2.0, 2.0, short[4]]
    texts += [r.choice(short + [long_text]) for _ in range(30)]
    rows = []
    for t in texts:
        y = r.choice([0, 1, 1, 0, 0.25])
        p = r.random()
        rows.append((y, p, t))
    # multi-label rows, pos_weight arrays of 3 and of 40 (past the room)
    arr = []
    for k in (3, 40, 40, 3, 41, 3):
        y = [r.randint(0, 1) for _ in range(k)]
        p = [r.random() for _ in range(k)]
        pw = [r.randint(1, 8) / 2 for _ in range(k)]
        arr.append((y, p, json.dumps({"pos_weight": pw, "gamma": 2})))

    out = []
    w = out.append
    w("-- Generated by tests/gen_options_column.py (mpmath, 60 digits); "
      "do not edit.")
    w("-- Options from a column: the last text's parse is kept for the")
    w("-- statement (ext/options.c) and a row whose text differs parses")
    w("-- again.")
    w(".read tests/sql/lib/checks.sql")
    w("")
    w("CREATE TEMP TABLE oc(i INTEGER PRIMARY KEY, y, p, o, term, grad);")
    for i, (y, p, t) in enumerate(rows + arr, 1):
        tv = term(y, p, t)
        gv = None if isinstance(y, list) else grad(y, p, t)
        ys = json.dumps(y) if isinstance(y, list) else sql_num(float(y))
        ps = json.dumps(p) if isinstance(p, list) else sql_num(p)
        if isinstance(y, list):
            ys, ps = "'" + ys + "'", "'" + ps + "'"
        w("INSERT INTO oc VALUES(%d, %s, %s, %s, %s, %s);"
          % (i, ys, ps, sql_text(t),
             "NULL" if tv is None else sql_num(float(tv)),
             "NULL" if gv is None else sql_num(float(gv))))
    w("INSERT INTO checks SELECT 'options from a column: bce_term row ' || i "
      "|| ' ' || coalesce(o, 'NULL'), t, term, CASE WHEN term IS NULL THEN "
      "'is' ELSE 'ulp' END, 1 FROM (SELECT i, o, term, bce_term(y, p, o) AS t "
      "FROM oc ORDER BY i);")
    # two functions, each with its keys' cache, in one statement
    w("INSERT INTO checks SELECT 'options from a column: bce_grad beside "
      "bce_term, row ' || i || ' ' || o, g, grad, 'ulp', 1 FROM (SELECT i, "
      "o, grad, bce_term(y, p, o) AS t, bce_grad(y, p, 1, o) AS g FROM oc "
      "WHERE grad IS NOT NULL ORDER BY i);")
    constant_arrays(w, r)
    w("")
    w(".read tests/sql/lib/report.sql")
    tmp = "/tmp/mpmath_options_column.sql"
    with open(tmp, "w") as f:
        f.write("\n".join(out) + "\n")
    shutil.move(tmp, OUT)
    print("wrote %s" % OUT)


if __name__ == "__main__":
    main()
