#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The tiny sums' rare outcomes (issue 27, make coverage): rows that take
the branches of src/mean.c's bce_mean_add_part_d() and
tiny_weight_quotient() and of ext/d2.c's mean_at() that no other check
took, each against its reference from the definitions in mpmath (never
from the C code):

  a loss below 2^-2300 kept scaled (reduction "sum": cce_logits(0,
      '[0, -2000]') is e^-2000): its part is 0, and so is w*l
  a product w*l below 2^-1022 that is exact (a soft target 2^-1070 times
      the logit gap 2000): it goes to the loss sum, not the tiny sum (its
      state has no tiny row, and rows of weight 1 stay unweighted:
      bce_state_info(), read with instr() for SQLite 3.25)
  class weights near 2^-1074 whose rows lose nothing (q = 1 at eps 0):
      the tiny weight sum beside a loss sum of 0, or of ordinary rows only
  a tiny sum above the loss sum, both below 2^-1021 (three rows of w*l
      just below 2^-1022 beside one just above)
  cce_d2 where the model's mean is below 2^-960 of its denominator: a
      tiny product below 2^-2149 (its tiny sum is 0), and a loss sum
      beside a tiny sum above and below it (or of 0); at eps 0 the null model's
      L0 is as small (a class seen with a weight near 2^-1074), so L's
      digits show in D^2

  aggregate  sum(s l) / sum(s d), d = w_k for a class index k with class
             weights, else 1 ("mean"); sum(s l) ("sum")
  cce_d2     tests/gen_d2_ref.py's cce_d2_ref() at 5000 bits, its
             tolerance (tiny_emit())

Run by hand against their mutants (a copy of the tree at 0770252,
2026-12-07): exact products sent to the tiny sum (ldexp(wl, 1074)==scaled
dropped) fail the two state checks; tiny_weight_quotient() reading a
tiny sum of 0 fails "a tiny weight of loss 0 beside an ordinary row", and
its 0 for no sum at all made 1 fails "a tiny weight and a loss of 0";
mean_at() taking the tiny sum's scale always stops "a loss sum above the
tiny sum" with an error, and without its test for a tiny sum of 0 fails
"a tiny product below 2^-2149 beside a loss sum".  The other outcomes
give the same bits either way: kt>kn (src/mean.c) and kt<kn (ext/d2.c)
only choose the scale of two sums within 2^53 n of each other there, and
part!=0.0 and wl!=0.0 only skip adding a 0.

Writes tests/sql/mpmath_cov_mean.sql.
Run:  /usr/bin/python3 tests/gen_cov_mean.py
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import accuracy_props as A  # noqa: E402
import gen_d2_ref as D  # noqa: E402
from sqlgen import num, q, rows_sql, write_checks  # noqa: E402
from mpmath import mp, mpf  # noqa: E402

T = 2.0 ** -1074
OUT = []



def row_loss(y, x, logits, o):
    """A class index's loss from probabilities is cw_y (-ln clip(p_y)):
    so where another class's p is 0 at eps 0 (mc_ref() would take 0 ln 0
    there); the rest is accuracy_props.py's mc_ref()."""
    if logits or isinstance(y, list):
        return A.mc_ref(y, x, logits, o, False)[0]
    cw = o.get("class_weight", [1] * len(x))
    return -mpf(cw[y]) * mp.log(D.clip(mpf(x[y]), o.get("eps", D.EPS)))


def aggregate(rows, logits, o):
    with mp.workprec(3000):
        sl = mp.fsum(mpf(s) * row_loss(y, x, logits, o) for y, x, s in rows)
        if o.get("reduction") == "sum":
            return sl
        cw = o.get("class_weight")
        den = mp.fsum(mpf(s) * (mpf(cw[y]) if cw and not isinstance(y, list)
                                else 1) for y, x, s in rows)
        return sl / den


def check(name, sql, want, kind, tol):
    OUT.append("INSERT INTO checks VALUES(%s, (%s), %s, '%s', %s);"
               % (q(name), sql, num(float(want)), kind, tol))


def agg_case(what, rows, logits, o, merge=True):
    """The aggregate over rows (y, x, w) and bce_merge() of one state a
    row, against the reference rounded once (within 1 ulp, 0 where it is
    0: docs/accuracy.md's bound for these means)."""
    fn = "cce_logits" if logits else "cce"
    js = json.dumps(o)
    want = aggregate(rows, logits, o)
    tol = 0 if float(want) == 0.0 else 1
    args = "column1, column2, column3, %s" % q(js)
    check("%s %s: %s" % (fn, js, what),
          "SELECT %s(%s) FROM %s" % (fn, args, rows_sql(rows)), want,
          "ulp", tol)
    if merge:
        check("bce_merge(%s_state) a row each %s: %s" % (fn, js, what),
              "SELECT bce_merge(s) FROM (SELECT %s_state(%s) AS s FROM %s "
              "GROUP BY column3)" % (fn, args, rows_sql(rows)), want,
              "ulp", tol)


def mean_rows():
    # bce_mean_add_part_d(): part = 0 (the loss e^-2000, below 2^-2300,
    # kept scaled by 2^1100 and still 0), so w*l is 0, neither tiny nor
    # in the loss sum; the sum is e^-2000, 0 as a double
    agg_case("a loss of e^-2000 kept scaled is 0",
             [(0, [0.0, -2000.0], 1.0)], True, {"reduction": "sum"},
             merge=False)
    agg_case("two losses of e^-2000 and e^-1500 kept scaled",
             [(0, [0.0, -2000.0], 2.5), (1, [-1500.0, 0.0], 0.75)], True,
             {"reduction": "sum"})
    # w*l below 2^-1022 and exact: the soft target 2^-1070 times the gap
    # 2000 is 125 * 2^-1066 (+ e^-2000), a multiple of 2^-1074: the loss
    # sum takes it; w = 1/2 keeps it exact
    soft = [1.0, 2.0 ** -1070]
    agg_case("an exact subnormal w*l",
             [(soft, [0.0, -2000.0], 1.0)], True, {"reduction": "sum"},
             merge=False)
    agg_case("two exact subnormal w*l",
             [(soft, [0.0, -2000.0], 1.0), (soft, [0.0, -2000.0], 0.5)],
             True, {"reduction": "sum"})
    # and so no tiny row in the state: one of rows of weight 1 stays
    # unweighted (only tiny products make it weighted, src/state.c)
    for rows, marks in (([(soft, [0.0, -2000.0])],
                         ['"weighted":false,', '"rows_tiny":0,']),
                        ([(soft, [0.0, -2000.0], 1.0),
                          (soft, [0.0, -2000.0], 0.5)],
                         ['"weighted":true,', '"rows_tiny":0,'])):
        args = "column1, column2%s, '{\"reduction\": \"sum\"}'" % (
            ", column3" if len(rows[0]) == 3 else "")
        vals = "(VALUES " + ",".join(
            "(%s)" % ",".join([q(json.dumps(r[0])), q(json.dumps(r[1]))]
                              + [num(v) for v in r[2:]]) for r in rows) + ")"
        info = "bce_state_info(cce_logits_state(%s))" % args
        OUT.append("INSERT INTO checks VALUES(%s, (SELECT %s FROM (SELECT %s "
                   "AS i FROM %s)), 1, 'is', NULL);"
                   % (q("cce_logits_state of %d exact subnormal w*l: %s"
                        % (len(rows), " ".join(marks))),
                      " AND ".join("instr(i, %s) > 0" % q(m) for m in marks),
                      info, vals))
    # tiny_weight_quotient(): w*d = 3 * 2^-2148 in the tiny weight sum, a
    # loss of 0 (q = 1 at eps 0): no loss sum, no tiny sum, the mean 0
    cw = {"class_weight": [T, 1.0], "eps": 0}
    agg_case("a tiny weight and a loss of 0", [(0, [1.0, 0.0], 3 * T)],
             False, cw, merge=False)
    # the same beside an ordinary row: a loss sum, no tiny sum
    agg_case("a tiny weight of loss 0 beside an ordinary row",
             [(0, [1.0, 0.0], 3 * T), (1, [0.3, 0.7], 1.0)], False, cw)
    # three products w*l just below 2^-1022 (tiny, 2.7 * 2^-1022 in all)
    # above one just above it (1.05 * 2^-1022, the loss sum), with a tiny
    # weight w*d: the tiny sum sets the numerator's scale
    w3 = 1.05 / math.log(2) * 2.0 ** -1022
    w4 = 0.9 / math.log(2) * 2.0 ** -1022
    half = [0.5, 0.5]
    agg_case("a tiny sum above the loss sum",
             [(1, half, w3)] + [(1, half, w4)] * 3 + [(0, half, 3 * T)],
             False, {"class_weight": [T, 1.0]})
    agg_case("a tiny sum above the loss sum",
             [(1, [0.0, 0.0], w3)] + [(1, [0.0, 0.0], w4)] * 3
             + [(0, [0.0, 0.0], 3 * T)], True, {"class_weight": [T, 1.0]})


def d2_case(what, rows, K, cw, eps):
    """cce_d2 and bce_merge() of one cce_d2_state a row."""
    with mp.workprec(5000):
        ref = D.cce_d2_ref(rows, K, eps, cw)
    want, ratio = ref
    tol = repr(float(ratio * D.REL_L + abs(want) * mpf(2) ** -52))
    js = json.dumps({"class_weight": cw, "eps": eps})
    args = "column1, column2, column3, %s" % q(js)
    check("cce_d2 %s: %s" % (js, what),
          "SELECT cce_d2(%s) FROM %s" % (args, rows_sql(rows)), want, "abs",
          tol)
    check("bce_merge(cce_d2_state) a row each %s: %s" % (js, what),
          "SELECT bce_merge(s) FROM (SELECT cce_d2_state(%s) AS s FROM %s "
          "GROUP BY column3)" % (args, rows_sql(rows)), want, "abs", tol)


def d2_rows():
    # class 1's rows predicted right at eps 0 (loss 0) carry sum(w d)
    # near 1, so the mean L is below 2^-960 of it (ext/d2.c mean_at())
    right = (1, [0.0, 1.0], 1.0)
    cw = [T, 1.0]
    # w*l = 7 * 2^-2148 * -ln 0.95 = 0.36 * 2^-2148: a tiny product whose
    # sum is 0 (D^2 is 1: L is that far below L0)
    d2_case("a tiny product below 2^-2149",
            [right, (0, [0.95, 0.05], 7 * T)], 2, cw, 0.0)
    # the same beside a loss sum (2^-1000 ln 2): the numerator's scale is
    # the loss sum's alone
    d2_case("a tiny product below 2^-2149 beside a loss sum",
            [right, (1, [0.5, 0.5], 2.0 ** -1000),
             (0, [0.95, 0.05], 7 * T)], 2, cw, 0.0)
    # the loss sum (2^-1000 ln 2) above the tiny sum (2 * 2^-2148)
    d2_case("a loss sum above the tiny sum",
            [right, (1, [0.5, 0.5], 2.0 ** -1000), (0, [0.5, 0.5], 3 * T)],
            2, cw, 0.0)
    # the tiny sum (2.7 * 2^-1022) above the loss sum (1.05 * 2^-1022)
    w3 = 1.05 / math.log(2) * 2.0 ** -1022
    w4 = 0.9 / math.log(2) * 2.0 ** -1022
    d2_case("a tiny sum above the loss sum",
            [right, (1, [0.5, 0.5], w3)] + [(1, [0.5, 0.5], w4)] * 3
            + [(0, [0.5, 0.5], 3 * T)], 2, cw, 0.0)


def main():
    mean_rows()
    d2_rows()
    write_checks("mpmath_cov_mean.sql", [
        "-- Generated by tests/gen_cov_mean.py (mpmath, 3000 and 5000 bits); do not edit.",
        "-- The tiny sums' rare branches (issue 27, make coverage)."], OUT)


if __name__ == "__main__":
    main()
