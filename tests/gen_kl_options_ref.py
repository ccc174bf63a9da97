#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The mpmath references of kl_div's options (issue 23): eps, the clip of p,
and smoothing, of the target as cce smooths it (tests/sql/mpmath_kl_options.sql).

    KL = sum_c t_c ln(t_c / q_c),  0 ln 0 = 0,
    t_c = y_c (1 - s) + s/K  (y a class index: one-hot),
    q_c = min(max(p_c, eps), fl(1 - eps))   (the clip of src/loss.h)

Every value at 60 digits (400 where t ~ q cancels) from the doubles the SQL
passes, rounded to the nearest double exactly (fractions.Fraction).
Nothing here reads the extension's output.

    /usr/bin/python3 tests/gen_kl_options_ref.py > tests/sql/mpmath_kl_options.sql

Numbers go into the SQL as ieee754(m, e) or integers, and the arrays as
JSON text of shortest round-trip decimals (the extension's reader rounds
them correctly), so the script runs under valgrind and on SQLite 3.25.
"""
import json
import math
import random
import re
from fractions import Fraction

import mpmath
from mpmath import mp, mpf

mp.dps = 60
HERE = __file__.rsplit("/", 1)[0]
_EPS_TEXT = re.search(r"#define BCE_DEFAULT_EPS (\S+)",
                      open(HERE + "/../src/loss.h").read()).group(1)
EPS = (float.fromhex(_EPS_TEXT) if _EPS_TEXT.lower().startswith("0x")
       else float(_EPS_TEXT))
# ulp of the result where nothing cancels (the family's 4-ulp standard; the
# terms are double-doubles summed exactly and rounded once)
TOL = 2
OUT = []


def nearest(x):
    if mpmath.isinf(x):
        return math.inf if x > 0 else -math.inf
    if x == 0:
        return 0.0
    man, exp = int(x.man) * (1 if x >= 0 else -1), int(x.exp)
    return float(Fraction(man) * Fraction(2) ** exp)


def sql_num(x):
    x = float(x)
    if math.isinf(x):
        return "9e999" if x > 0 else "-9e999"
    if x == int(x) and abs(x) < 2 ** 53:
        return "%d.0" % int(x)
    n, d = x.as_integer_ratio()
    e = -(d.bit_length() - 1)
    return "ieee754(%d,%d)" % (n, e)


def q(s):
    return "'" + s.replace("'", "''") + "'"


def js(xs):
    return json.dumps([float(x) for x in xs])


def clip(p, eps):
    hi = 1.0 - eps                     # the double, as bce_clip() has it
    return mpf(min(max(p, eps), hi))


def kl(y, p, eps=EPS, s=0.0, dps=60):
    K = len(p)
    t = y if isinstance(y, list) else [1.0 if c == y else 0.0 for c in range(K)]
    with mp.workdps(dps):
        tot = mpf(0)
        for c in range(K):
            tc = mpf(t[c]) * (1 - mpf(s)) + mpf(s) / K
            if tc == 0:
                continue
            qc = clip(p[c], eps)
            if qc == 0:
                return mpf("inf")
            tot += tc * (mpmath.log(tc) - mpmath.log(qc))
        return tot


def check(name, got, want, kind="ulp", tol=TOL):
    OUT.append("INSERT INTO checks VALUES(%s, %s, %s, %s, %s);" % (
        q(name), got, want, q(kind), "NULL" if tol is None else repr(tol)))


def opts(eps=None, s=None):
    o = {}
    if eps is not None:
        o["eps"] = eps
    if s is not None:
        o["smoothing"] = s
    return json.dumps(o)


def dist(rng, k, zero=False):
    xs = [rng.random() ** 2 for _ in range(k)]
    if zero:
        xs[rng.randrange(k)] = 0.0
    t = math.fsum(xs)
    return [x / t for x in xs]


def y_sql(y):
    return str(y) if not isinstance(y, list) else q(js(y))


def term_cases(rng):
    for k in (2, 3, 5, 10, 30):
        for eps in (None, 1e-7, 1e-3, 0.1, 0.0):
            for s in (None, 0.1, 1e-3, 1.0):
                y = dist(rng, k, zero=True) if rng.random() < 0.6 \
                    else rng.randrange(k)
                p = dist(rng, k, zero=rng.random() < 0.5)
                o = opts(eps, s)
                want = kl(y, p, EPS if eps is None else eps,
                          0.0 if s is None else s)
                w = nearest(want)
                check("kl_div_term(y, p, %s) K=%d" % (o, k),
                      "kl_div_term(%s, %s, %s)" % (y_sql(y), q(js(p)), q(o)),
                      sql_num(w), "is" if math.isinf(w) else "ulp",
                      None if math.isinf(w) else TOL)
                wt = rng.uniform(0.1, 4)
                if not math.isinf(w):
                    check("kl_div_term(y, p, w, %s) K=%d" % (o, k),
                          "kl_div_term(%s, %s, %s, %s)" % (
                              y_sql(y), q(js(p)), sql_num(wt), q(o)),
                          sql_num(nearest(mpf(wt) * want)), "ulp", TOL)
    # smoothing's own edges: s = 1 (the uniform target), a class index
    # against the smoothed target's own probabilities (KL near 0)
    for k in (2, 3, 7):
        p = [1.0 / k] * k
        check("kl_div_term(0, uniform p, smoothing 1) = 0 up to the rounding "
              "of 1/K, K=%d" % k,
              "kl_div_term(0, %s, '{\"smoothing\": 1}')" % q(js(p)),
              sql_num(nearest(kl(0, p, EPS, 1.0, 400))), "abs", 1e-30)
        for s in (0.1, 0.3):
            t = [(1 - s) * (1 if c == 1 else 0) + s / k for c in range(k)]
            # p: the smoothed target itself, nudged by a relative 1e-6
            p = [x * (1 + 1e-6 * rng.uniform(-1, 1)) for x in t]
            want = kl(1, p, EPS, s, 400)
            # t ~ q: the terms' double-doubles are to about 2^-104 of t_c
            # (src/scores.h), so the bound is absolute there
            check("kl_div_term(1, p ~ smoothed target, smoothing %r) K=%d"
                  % (s, k),
                  "kl_div_term(1, %s, '{\"smoothing\": %r}')" % (q(js(p)), s),
                  sql_num(nearest(want)), "abs",
                  float(abs(want) * mpf(2) ** -50 + mpf(2) ** -100))


def agg_cases(rng):
    data = []
    for i in range(11):
        k = 4
        y = rng.randrange(k) if i % 3 == 0 else dist(rng, k, zero=i % 2 == 0)
        p = dist(rng, k, zero=i % 4 == 1)
        w = [1.0, 2.5, 0.0, 0.75, 3.0][i % 5]
        data.append((i + 1, y, p, w))
    vals = ",".join("(%d,%s,%s,%s)" % (i, y_sql(y), q(js(p)), sql_num(w))
                    for i, y, p, w in data)

    def mean(rows, weighted, eps, s):
        use = [(y, p, w) for _, y, p, w in rows if not weighted or w > 0]
        num = mpmath.fsum((mpf(w) if weighted else 1) * kl(y, p, eps, s)
                          for y, p, w in use)
        den = mpmath.fsum((mpf(w) if weighted else 1) for _, _, w in use)
        return nearest(num / den)

    for eps, s in ((1e-7, None), (None, 0.2), (1e-3, 0.05), (0.0, 0.1)):
        o = opts(eps, s)
        e = EPS if eps is None else eps
        sv = 0.0 if s is None else s
        for weighted in (False, True):
            args = "column2, column3" + (", column4" if weighted else "")
            want = mean(data, weighted, e, sv)
            wsql = sql_num(want)
            kind = "is" if math.isinf(want) else "ulp"
            tol = None if math.isinf(want) else TOL
            check("kl_div(%s, %s) over 11 rows" % (args, o),
                  "(SELECT kl_div(%s, %s) FROM (VALUES %s))" % (args, q(o), vals),
                  wsql, kind, tol)
            check("kl_div_state(%s, %s) over 11 rows, merged" % (args, o),
                  "(SELECT bce_merge(s) FROM (SELECT kl_div_state(%s, %s) AS s "
                  "FROM (VALUES %s) GROUP BY column1 %% 3))" % (args, q(o), vals),
                  wsql, kind, tol)
        for end in range(1, 12, 2):
            frame = data[max(0, end - 3): end]
            want = mean(frame, True, e, sv)
            check("kl_div(y, p, w, %s) window of 3, frame ending at row %d"
                  % (o, end),
                  "(SELECT v FROM (SELECT column1 AS i, kl_div(column2, column3, "
                  "column4, %s) OVER (ORDER BY column1 ROWS 2 PRECEDING) AS v "
                  "FROM (VALUES %s)) WHERE i = %d)" % (q(o), vals, end),
                  sql_num(want), "is" if math.isinf(want) else "ulp",
                  None if math.isinf(want) else TOL)


def main():
    rng = random.Random(2327)
    term_cases(rng)
    agg_cases(rng)
    print("-- Generated by tests/gen_kl_options_ref.py (mpmath, 60 digits, 400 "
          "where t ~ q); do not edit.")
    print("-- Issue 23: kl_div_term, kl_div and kl_div_state with the options "
          "eps and smoothing.")
    print("-- kl_div's default clip: BCE_DEFAULT_EPS = %r (src/loss.h)." % EPS)
    print(".read tests/sql/lib/checks.sql")
    for line in OUT:
        print(line)
    print(".read tests/sql/lib/report.sql")


if __name__ == "__main__":
    main()
