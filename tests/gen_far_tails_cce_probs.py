#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference values for the far tails of the multi-class functions of
probabilities (issue 20), computed with mpmath at 60 digits from the
definitions in tests/gen_cce_ref.py (imported, not copied):

  cce_term(y, p, w, eps) = w * -sum_{k: y_k > 0} y_k ln q_k
  cce_grad(y, p, n, eps) = -y_k / q_k / n

Before src/cce.c took these products and quotients scaled, they were
rounded onto the subnormal grid: the reviewers' cases and 180 of the 457
checks fail on 4075a2e's build (the rest are rows where a normal term hides
the lost bits, elements of y_k = 1, and the K = 2 numbers, which document
behaviour).  Each is held to 4 ulp of the exact value, the issue's
standard:
  - a term -y_k ln q_k with y_k subnormal, rounded onto the subnormal grid,
    then multiplied by a weight up to 1e300 (one was 8.4e5 ulp off);
  - up to 999 such terms each rounded and summed (420 ulp off);
  - -y_k / q_k with y_k subnormal, rounded onto the grid, then divided by
    n < 1 (one was 20% off).
And the numbers where cce with K = 2 is not bce (docs/functions.md):
the clip's top is 1 - eps rounded in one and eps in the other.

Wants are the exact value rounded once to the nearest double, subnormals
included (float() of an mpf rounds to 53 bits first, which can round twice
there).

Writes tests/sql/mpmath_far_tails_cce_probs.sql (CI only reads it).

Run:  /usr/bin/python3 tests/gen_far_tails_cce_probs.py   (needs mpmath;
      a few seconds)
"""
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_cce_ref  # noqa: E402
from gen_cce_ref import (cce, cce_grad, jarr, mp, mpf, sql_num,  # noqa: E402
                         sql_quote)

mp.dps = 60                 # after the import: gen_cce_ref sets 50
TOL = 4                     # the standard, in ulp
INF = float("inf")
TINY = 2.0 ** -1074
MIN_NORMAL = 2.0 ** -1022


def to_double(x):
    """x rounded once to the nearest double, subnormals included."""
    if x == mp.inf or x == -mp.inf:
        return INF if x > 0 else -INF
    d = float(x)
    if abs(d) <= MIN_NORMAL:
        return float(int(mp.nint(x * mpf(2) ** 1074))) * TINY
    return d


def want_sql(x):
    return x if isinstance(x, str) else sql_num(to_double(x))


def check(name, got_sql, want, kind="ulp", tol=TOL):
    tol_sql = "NULL" if tol is None else repr(tol)
    if kind == "ulp" and to_double(want) in (INF, -INF, 0.0):
        kind, tol_sql = "is", "NULL"
    return ("INSERT INTO checks VALUES(%s, %s, %s, '%s', %s);"
            % (sql_quote(name), got_sql, want_sql(want), kind, tol_sql))


def label(xs):
    t = jarr(xs)
    return t if len(t) < 50 else "%s...(K=%d)" % (t[:30], len(xs))


class Rows:
    """The rows of the checks, each array written once, into the temp table
    far(i, y, p) that the checks read."""

    def __init__(self, out):
        self.out = out
        self.n = 0
        out.append("CREATE TEMP TABLE far(i INTEGER PRIMARY KEY, y TEXT, "
                   "p TEXT);")

    def add(self, y, p):
        self.n += 1
        self.out.append("INSERT INTO far VALUES(%d, %s, %s);"
                        % (self.n, sql_quote(jarr(y)), sql_quote(jarr(p))))
        return self.n


def term_checks(out, rows, y, p, w, eps, name=None, mean=True):
    """cce_term(y, p, w, eps), and cce(y, p, w, eps): the mean of the one
    row is l."""
    i = rows.add(y, p)
    args = "y, p, %s, %s" % (sql_num(w), sql_num(eps))
    l = cce(y, p, eps)
    name = name or "cce_term(%s, %s, %r, %r)" % (label(y), label(p), w, eps)
    out.append(check(name, "(SELECT cce_term(%s) FROM far WHERE i = %d)"
                     % (args, i), mpf(w) * l))
    if mean:
        out.append(check(name.replace("cce_term", "cce", 1) + ", the mean",
                         "(SELECT cce(%s) FROM far WHERE i = %d)" % (args, i),
                         l))


def grad_checks(out, y, p, n, eps):
    call = "cce_grad(%s, %s, %s, %s)" % (sql_quote(jarr(y)),
                                         sql_quote(jarr(p)), sql_num(n),
                                         sql_num(eps))
    name = "cce_grad(%s, %s, %r, %r)" % (label(y), label(p), n, eps)
    out.append(check(name + ": K elements", "json_array_length(%s)" % call,
                     "%d" % len(p), "is", None))
    for i, g in enumerate(cce_grad(y, p, n, eps)):
        got = "(SELECT value FROM json_each(%s) WHERE key = %d)" % (call, i)
        out.append(check("%s[%d]" % (name, i), got, g))


def binade(r, lo, hi):
    """A double of random bits with exponent in [lo, hi]; below -1022 a
    random subnormal."""
    e = r.randint(lo, hi)
    if e < -1022:
        return r.randint(1, 2 ** (e + 1074 + 1) - 1) * TINY
    return (1 + r.getrandbits(52) * 2.0 ** -52) * 2.0 ** e


def short(x):
    """x to 3 digits: the long rows stay short to write."""
    return float("%.3g" % x) or TINY


def small_p(r, k):
    """K - 1 probabilities that sum to at most 1e-4, down to 1e-300, and
    1 at the front: the row sums to 1 within the tolerance, and with eps = 0
    the first class costs nothing."""
    rest = [short(10.0 ** r.uniform(-300, math.log10(0.9e-4 / k)))
            for _ in range(k - 1)]
    return [1.0] + rest


def main():
    r = random.Random(20)
    out = ["-- Generated by tests/gen_far_tails_cce_probs.py (mpmath, 60 "
           "digits); do not edit.",
           "-- The multi-class functions of probabilities where a product "
           "y_k ln q_k or a quotient",
           "-- y_k / q_k falls below 2^-1022 (issue 20), each within 4 ulp.",
           ".read tests/sql/lib/checks.sql"]
    rows = Rows(out)
    out.append("")

    out.append("-- the reviewers' cases")
    term_checks(out, rows, [1.0, 1e-315], [1.0, 1e-5], 1e300, 0.0)
    grad_checks(out, [1.0, 5e-324], [0.4, 0.6], 1e-300, 0.0)
    # 999 targets of 5e-324: each term 5e-324 * 23.45 rounds to 23 units
    p999 = [1.0] + [math.exp(-23.45)] * 999
    y999 = [1.0] + [5e-324] * 999
    term_checks(out, rows, y999, p999, 1.0, 0.0,
                "cce_term(1 and 999 targets of 5e-324, [1, 999 x e^-23.45], "
                "1, 0)")
    out.append(check("cce_term(1 and 999 targets of 5e-324, [1, 999 x "
                     "e^-23.45], 1e300, 0)",
                     "(SELECT cce_term(y, p, 1e300, 0) FROM far WHERE i = %d)"
                     % rows.n, mpf(1e300) * cce(y999, p999, 0.0)))
    # a subnormal term beside one above 1 (no scaling needed), and the
    # weights 0 and below 1
    term_checks(out, rows, [1.0, 1e-320], [0.3, 0.7], 1e300, 0.0)
    term_checks(out, rows, [1.0, 0.0, 1e-320], [1.0, 5e-6, 5e-6], 1e300, 0.0)
    term_checks(out, rows, [1.0, 1e-320], [1.0, 1e-5], 0.0, 0.0, mean=False)
    term_checks(out, rows, [1.0, 1e-320], [1.0, 1e-5], 0.5, 0.0, mean=False)
    term_checks(out, rows, [1.0, 1e-320], [1.0, 1e-5], 5e-324, 0.0,
                mean=False)
    out.append("")

    out.append("-- subnormal targets, weights up to 1e300 (K to 10, eps 0 or"
               " 1e-15)")
    for i in range(60):
        k = r.randint(2, 10)
        # y_k |ln q_k| < 2^-1025: every product subnormal
        y = [1.0] + [binade(r, -1074, -1035) for _ in range(k - 1)]
        p = small_p(r, k)
        w = 10.0 ** r.uniform(0, 300)
        eps = 0.0 if i % 4 else 1e-15
        term_checks(out, rows, y, p, w, eps)
    out.append("")

    out.append("-- many subnormal targets: K up to 1000, unweighted and"
               " weighted")
    for i in range(12):
        k = r.randint(100, 1000)
        y = [1.0] + [short(binade(r, -1074, -1060)) for _ in range(k - 1)]
        p = small_p(r, k)
        if i % 4 < 2:
            # one p for all but the first, as the reviewers' row: each
            # product's rounding error the same, K of them adding up
            p = [1.0] + [p[1]] * (k - 1)
        w = 1.0 if i % 2 == 0 else 10.0 ** r.uniform(0, 300)
        term_checks(out, rows, y, p, w, 0.0,
                    "cce_term(1 and %d subnormal targets, row %d, %r, 0)"
                    % (k - 1, i, w))
    out.append("")

    out.append("-- cce_grad: subnormal targets, n < 1 down to 5e-324")
    for i in range(40):
        k = r.randint(2, 6)
        y = [1.0] + [binade(r, -1074, -1023) for _ in range(k - 1)]
        p = [r.uniform(0.01, 1.0) for _ in range(k)]
        s = sum(p)
        p = [x / s for x in p]
        n = binade(r, -1074, -1) if i % 2 else binade(r, -1074, -900)
        grad_checks(out, y, p, n, 0.0 if i % 3 else 1e-15)
    out.append("")

    out.append("-- cce_grad: tiny n with normal targets and p down to 1e-300")
    for i in range(20):
        k = r.randint(2, 4)
        y = [r.uniform(0.0, 1.0) for _ in range(k)]
        s = sum(y)
        y = [x / s for x in y]
        p = [1.0] + [10.0 ** r.uniform(-300, -6) for _ in range(k - 1)]
        n = binade(r, -1074, -600)
        grad_checks(out, y, p, n, 0.0)
    out.append("")

    out.append("-- cce with K = 2 is not bce at the clip of 1e-15 (0.2.0's"
               " default, docs/conventions.md): class 0,")
    out.append("-- 1 - p1 below eps, or p1 below eps; the top of the clip is"
               " 1 - eps rounded in one and eps in the other")
    eps = 1e-15
    for p1 in (1.0, 1.0 - 2.0 ** -53, 0.0, 2.0 ** -53):
        row = [1.0 - p1, p1]
        c = cce(0, row, eps)
        b = -mp.log(1 - mpf(gen_cce_ref.clip(p1, eps)))
        pj = sql_quote(jarr(row))
        out.append(check("cce(0, %s, 1, 1e-15) = -ln q0, q0 = clip(1 - p1)"
                         % jarr(row),
                         "(SELECT cce(0, %s, 1, 1e-15))" % pj, c, "ulp", 1))
        out.append(check("bce(0, %r, 1, 1e-15) = -ln(1 - clip(p1))" % p1,
                         "(SELECT bce(0, %s, 1, 1e-15))" % sql_num(p1), b,
                         "ulp", 1))
        out.append(check("cce(0, %s, 1, 1e-15) <> bce(0, %r, 1, 1e-15)"
                         % (jarr(row), p1),
                         "(SELECT cce(0, %s, 1, 1e-15)) <> "
                         "(SELECT bce(0, %s, 1, 1e-15))" % (pj, sql_num(p1)),
                         "1", "is", None))
    out.append("")
    out.append("-- at the default clip, 2^-52, both ends are doubles (1 - 2^-52"
               " is one): cce with K = 2 is bce there")
    eps = gen_cce_ref.EPS
    assert eps == 2.0 ** -52 and 1.0 - eps == 1 - mpf(eps)
    for p1 in (1.0, 1.0 - 2.0 ** -53, 0.0, 2.0 ** -53):
        row = [1.0 - p1, p1]
        c = cce(0, row, eps)
        b = -mp.log(1 - mpf(gen_cce_ref.clip(p1, eps)))
        assert c == b
        pj = sql_quote(jarr(row))
        out.append(check("cce(0, %s) = bce(0, %r) = -ln(1 - clip(p1))"
                         % (jarr(row), p1),
                         "(SELECT cce(0, %s))" % pj, c, "ulp", 1))
        out.append(check("bce(0, %r) = -ln(1 - clip(p1))" % p1,
                         "(SELECT bce(0, %s))" % sql_num(p1), b, "ulp", 1))
        out.append(check("cce(0, %s) is bce(0, %r)" % (jarr(row), p1),
                         "(SELECT cce(0, %s)) = (SELECT bce(0, %s))"
                         % (pj, sql_num(p1)),
                         "1", "is", None))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    path = os.path.join(HERE, "sql", "mpmath_far_tails_cce_probs.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
