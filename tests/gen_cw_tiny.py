#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Class weights (and multi-class alphas) near the bottom of the doubles
(docs/accuracy.md, open item "Class weights below about 2^-970"): the
references of cce, cce_logits under each reduction, of the terms and
gradients, and of cce_d2, from the definitions in mpmath at 400 bits
(tests/accuracy_props.py's mc_ref() for a row's loss and gradient), never
from the C code.

  aggregate  sum(s l) / sum(s d)  ("mean"; d = w_k for a class index k
             with class weights, else 1), sum(s l) ("sum"), sum(s l) / N
             ("mean_over_rows"); l = sum_c w_c a_c (1-q_c)^g (-y'_c ln q_c)
  cce_d2     1 - L/L0, L the mean above, L0 the same mean for the null
             model q = the weighted class frequencies (hard labels, the
             default clip, no smoothing: the rows here)

21 of the aggregate and cce_d2 rows failed on integ 7ddc21c (sums of
subnormal products, sum(w d) rounded to multiples of 2^-1074); the term
and gradient rows passed there: they are computed with an exponent of
their own (src/cce.c's xdd) and rounded once, and guard that the fix
keeps them.  The state rows: bce_merge() of one state per row (cce_state,
cce_logits_state, cce_d2_state) against the same reference, so that the
tiny weight sum (state flag 2, docs/state-format.md) goes through the
state and back.  The window rows: a frame of 2 rows sliding over rows
of tiny class weights (and unweighted rows of tiny alphas), each frame's
value against the aggregate of its rows: the inverse step takes the tiny
weight sum and the tiny sum back out (20 of these 108 failed on integ
7ddc21c, none on the branch before they were added); and the states of
the unweighted frames are those of a fresh aggregate over the frame (4
of these 24 failed before the fix: the frame stayed weighted once a tiny
product had been in it).

Writes tests/sql/mpmath_cw_tiny.sql.
Run:  /usr/bin/python3 tests/gen_cw_tiny.py
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import accuracy_props as A  # noqa: E402
from sqlgen import num, q, rows_sql, write_checks  # noqa: E402
from mpmath import mp, mpf, log  # noqa: E402

mp.prec = 400
T = 2.0 ** -1074



def row_loss(y, x, logits, o):
    v, _ = A.mc_ref(y, x, logits, o, False)
    return v


def denom(y, o):
    if not isinstance(y, list) and "class_weight" in o:
        return mpf(o["class_weight"][y])
    return mpf(1)


def aggregate(rows, logits, o):
    red = o.get("reduction", "mean")
    sl = mp.fsum(mpf(s) * row_loss(y, x, logits, o) for y, x, s in rows)
    if red == "sum":
        return sl
    if red == "mean_over_rows":
        return sl / len(rows)
    return sl / mp.fsum(mpf(s) * denom(y, o) for y, x, s in rows)


def d2(rows, o):
    k = len(rows[0][1])
    w = mp.fsum(mpf(s) for _, _, s in rows)
    pi = [mp.fsum(mpf(s) for y, _, s in rows if y == c) / w for c in range(k)]
    cw = [mpf(v) for v in o.get("class_weight", [1] * k)]
    den = mp.fsum(mpf(s) * cw[y] for y, _, s in rows)
    l0 = mp.fsum(mpf(s) * cw[y] * -log(pi[y]) for y, _, s in rows) / den
    return 1 - aggregate(rows, False, o) / l0


OUT = []


def check(name, sql, want, kind, tol, was=None):
    if was is not None:
        OUT.append("-- integ 7ddc21c: %s" % was)
    OUT.append("INSERT INTO checks VALUES(%s, (%s), %s, '%s', %s);"
               % (q(name), sql, num(float(want)), kind, tol))


C1 = [(0, [0.6, 0.4], 0.7), (1, [0.5, 0.5], 0.3)]
C2 = [(0, [0.6, 0.4], 0.7), (1, [0.3, 0.7], 0.3)]
C3 = [(0, [0.6, 0.3, 0.1], 1.0), (2, [0.2, 0.2, 0.6], 0.25),
      (1, [0.1, 0.8, 0.1], 3.0), ([0.5, 0.25, 0.25], [0.3, 0.3, 0.4], 0.5)]
Z3 = [(0, [1.5, -0.25, 2.0], 1.0), (2, [0.0, 3.0, -1.0], 0.25),
      (1, [-2.0, 0.5, 0.125], 3.0), ([0.5, 0.25, 0.25], [0.0, 1.0, 2.0], 0.5)]
# hard labels only: a soft row's d is 1, which would swamp sum(s d)
C3H = C3[:3]
Z3H = Z3[:3]
BIG = [(0, [0.6, 0.4], 1e300), (1, [0.3, 0.7], 3e299)]

AGG = [
    # the open item's three examples
    (C1, {"class_weight": [T, 0]}),
    (C2, {"class_weight": [1e-310, 1e-310]}),
    (C3H, {"class_weight": [2.0 ** -1060, 2.0 ** -1050, 3 * 2.0 ** -1070]}),
    (C3H, {"class_weight": [3e-321, 1e-320, 7e-322], "gamma": 2}),
    (C3H, {"class_weight": [1e-315, 2e-315, 5e-316], "smoothing": 0.1}),
    (C3, {"alpha": [3e-321, 1e-320, 7e-322]}, [1e300, 2e299, 3e300, 5e299]),
    # alphas multiply the same way (the row's loss subnormal); large row
    # weights bring the result back into the normal range
    (BIG, {"alpha": [1e-320, 3e-321]}),
    (BIG, {"alpha": [T, T], "gamma": 1}),
    # a row weight below 2^-968 times an ordinary class weight: sum(s d)
    (C2, {"class_weight": [0.3, 1]}, [1e-320, 3e-321]),
]


def agg_rows():
    for case in AGG:
        rows, o = case[0], case[1]
        if len(case) > 2:
            rows = [(y, x, s) for (y, x, _), s in zip(rows, case[2])]
        for logits in (False, True):
            if logits and case[0] in (C3, C3H):
                z = Z3 if case[0] is C3 else Z3H
                rows_l = [(y, x, s) for (y, x, _), (_, _, s) in zip(z, rows)]
            elif logits:
                rows_l = [(y, [math.log(v) for v in x], s) for y, x, s in rows]
            else:
                rows_l = rows
            fn = "cce_logits" if logits else "cce"
            for red in ("mean", "sum", "mean_over_rows"):
                oo = dict(o)
                if red != "mean":
                    oo["reduction"] = red
                js = json.dumps(oo)
                sql = ("SELECT %s(column1, column2, column3, %s) FROM %s"
                       % (fn, q(js), rows_sql(rows_l)))
                want = aggregate(rows_l, logits, oo)
                check("%s %s %s rows" % (fn, js, len(rows_l)), sql, want,
                      "ulp", 2)
                sql = ("SELECT bce_merge(s) FROM (SELECT %s_state(column1, "
                       "column2, column3, %s) AS s FROM %s GROUP BY "
                       "column3)" % (fn, q(js), rows_sql(rows_l)))
                check("bce_merge(%s_state) %s %s rows"
                      % (fn, js, len(rows_l)), sql, want, "ulp", 2)


def term_rows():
    for o in ({"class_weight": [T, 0]}, {"class_weight": [1e-310, 3e-311]},
              {"class_weight": [3e-320, 7e-321], "gamma": 2},
              {"alpha": [1e-320, 5e-322], "smoothing": 0.2}):
        js = json.dumps(o)
        for y, x in ((0, [0.6, 0.4]), (1, [0.3, 0.7]),
                     ([0.25, 0.75], [0.6, 0.4])):
            for logits in (False, True):
                xs = [math.log(v) for v in x] if logits else x
                fn = "cce_logits" if logits else "cce"
                ys = q(json.dumps(y)) if isinstance(y, list) else str(y)
                check("%s_term(%s, %s, %s)" % (fn, json.dumps(y), xs, js),
                      "SELECT %s_term(%s, %s, %s)"
                      % (fn, ys, q(json.dumps(xs)), q(js)),
                      row_loss(y, xs, logits, o), "ulp", 1)
                g, _ = A.mc_ref(y, xs, logits, o, True)
                for i, gi in enumerate(g):
                    check("%s_grad(%s, %s, 1, %s)[%d]"
                          % (fn, json.dumps(y), xs, js, i),
                          "SELECT json_extract(%s_grad(%s, %s, 1, %s), "
                          "'$[%d]')" % (fn, ys, q(json.dumps(xs)), q(js), i),
                          gi, "ulp", 4)


def reweigh(rows, ws):
    return [(y, x, s) for (y, x, _), s in zip(rows, ws)]


def d2_rows():
    # row weights near 2^-1074 too (their ratios normal: the null model's
    # class frequencies are; frequencies below 2^-1022, at eps 0 or a
    # tiny eps, are tests/gen_d2_ref.py's tiny_frequency_cases()), whose
    # products w*d with class weights fall in the tiny weight sum
    for rows, o in ((C1, {"class_weight": [T, 0]}),
                    (C2, {"class_weight": [1e-310, 1e-310]}),
                    (C3H,
                     {"class_weight": [2.0 ** -1060, 2.0 ** -1050,
                                       3 * 2.0 ** -1070]}),
                    (reweigh(C2, [1e-320, 3e-321]), {}),
                    (reweigh(C2, [1e-320, 3e-321]), {"class_weight": [0.3, 1]}),
                    (reweigh(C2, [T, 3 * T]), {"class_weight": [0.3, 1]}),
                    (reweigh(C2, [1e-310, 3e-311]),
                     {"class_weight": [1e-310, 1]}),
                    (reweigh(C3H, [1e-320, 1e-321, 7e-322]),
                     {"class_weight": [1, 2, 0.5]})):
        js = json.dumps(o)
        check("cce_d2 %s %d rows" % (js, len(rows)),
              "SELECT cce_d2(column1, column2, column3, %s) FROM %s"
              % (q(js), rows_sql(rows)), d2(rows, o), "abs", 4e-15)
        check("bce_merge(cce_d2_state) %s %d rows" % (js, len(rows)),
              "SELECT bce_merge(s) FROM (SELECT cce_d2_state(column1, "
              "column2, column3, %s) AS s FROM %s GROUP BY column3)"
              % (q(js), rows_sql(rows)), d2(rows, o), "abs", 4e-15)


# Windows: the inverse step takes each row out again, its w*d from the tiny
# weight sum (or the weight sum) and its tiny product from the tiny sum,
# exactly; a frame of 2 rows slides over rows whose products with the
# class weights are on the grid of 2^-1074 (weights 1, 2) and off it
# (1.1, 0.3, 1/3), and the unweighted alphas' frame turns weighted where
# a tiny product enters (the sums) and stays so.
WIN = [(0, [0.7, 0.2, 0.1], 1.1), (1, [0.1, 0.3, 0.6], 2.0),
       (0, [0.2, 0.2, 0.6], 0.3), (2, [0.3, 0.3, 0.4], 1 / 3),
       (1, [0.05, 0.9, 0.05], 1.0), (0, [0.5, 0.25, 0.25], 1.1)]
WINZ = [(y, [math.log(v) for v in x], s) for y, x, s in WIN]


def window_rows():
    cases = [({"class_weight": [T, 1e-310, 0.75]}, True),
             ({"class_weight": [3e-321, 1e-310, 5 * T]}, True),
             ({"alpha": [T, 1e-310, 1]}, False)]
    for o, weighted in cases:
        for logits in (False, True):
            rows = WINZ if logits else WIN
            if not weighted:
                # class 2's alpha is 1: a frame of rows 2 and 3 holds no
                # tiny product
                rows = [(y, x, 1.0) for y, x, _ in rows]
                rows = rows[:2] + [(2, xx, 1.0) for _, xx, _ in rows[2:4]] \
                    + rows[4:]
            fn = "cce_logits" if logits else "cce"
            for red in ("mean", "sum", "mean_over_rows"):
                oo = dict(o)
                if red != "mean":
                    oo["reduction"] = red
                js = json.dumps(oo)
                vals = "(VALUES " + ",".join(
                    "(%d,%s,%s,%s)" % (i, y, q(json.dumps(x)), num(s))
                    for i, (y, x, s) in enumerate(rows)) + ")"
                args = ("column2, column3, column4, %s" if weighted
                        else "column2, column3, %s") % q(js)
                for i in range(len(rows)):
                    frame = rows[max(0, i - 1):i + 1]
                    sql = ("SELECT v FROM (SELECT column1 AS i, %s(%s) OVER "
                           "(ORDER BY column1 ROWS BETWEEN 1 PRECEDING AND "
                           "CURRENT ROW) AS v FROM %s) WHERE i = %d"
                           % (fn, args, vals, i))
                    check("%s %s window of 2 rows, row %d%s"
                          % (fn, js, i, "" if weighted else ", unweighted"),
                          sql, aggregate(frame, logits, oo), "ulp", 2)
                    if weighted or red == "mean":
                        continue
                    # rule 8 for the state: an unweighted frame's state is
                    # written weighted only while a tiny product is in it
                    # (docs/state-format.md), as a fresh aggregate's is
                    fvals = "(VALUES " + ",".join(
                        "(%s,%s)" % (y, q(json.dumps(x)))
                        for y, x, _ in frame) + ")"
                    OUT.append(
                        "INSERT INTO checks VALUES(%s, (SELECT hex(v) FROM "
                        "(SELECT column1 AS i, %s_state(column2, column3, %s) "
                        "OVER (ORDER BY column1 ROWS BETWEEN 1 PRECEDING AND "
                        "CURRENT ROW) AS v FROM %s) WHERE i = %d), (SELECT "
                        "hex(%s_state(column1, column2, %s)) FROM %s), 'is', "
                        "NULL);"
                        % (q("%s_state %s window of 2 rows, row %d, "
                             "unweighted: a fresh aggregate's bytes"
                             % (fn, js, i)), fn, q(js), vals, i, fn, q(js),
                           fvals))


def main():
    agg_rows()
    term_rows()
    d2_rows()
    window_rows()
    write_checks("mpmath_cw_tiny.sql", [
        "-- Generated by tests/gen_cw_tiny.py (mpmath, 400 bits); do not edit.",
        "-- Class weights and alphas near the bottom of the doubles (docs/accuracy.md)."], OUT)


if __name__ == "__main__":
    main()
