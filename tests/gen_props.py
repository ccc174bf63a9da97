#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Property test of the extension against the core's definitions: random
(y, p, w, eps, n, x) drawn over the whole domain, the exact values computed
with mpmath (the definitions of tests/gen_ref.py, at 40 digits), rounded
once to the nearest double, and written as SQL checks for report.sql with
exact ieee754(M, E) spellings.  Independent of the code under test: the
extension's output is never read here.

Drawn: hard labels (0, 1) and soft ones (any double in (0, 1), tiny ones,
ones next to 1); p over every binade from 2^-1074 to 1, next to 1 down to
1 - 2^-53, 0, 1, and both clip boundaries with their neighbours; eps the
default (2^-52, scikit-learn >= 1.5), 0, 1e-15 (0.2.0's default), 1e-7 and random ones up to the
largest double below 0.5; weights 0 and from 1e-300 to 1e300; n from
1e-300 to 1e300; x for sigmoid across the whole range and +-Inf.

Tolerances are those of docs/accuracy.md: bce_term 1 ulp for a hard label,
2 for a soft one; bce_grad 2 ulp (3 for a soft label with n = 1); sigmoid
and logit 2 ulp; the aggregate of a few rows 2 ulp (hard labels, no
weights) or 3 ulp (soft labels or weights), as tests/gen_ref.py holds the
small-table means.

Writes tests/sql/mpmath_props.sql (CI only reads it).  The draws are
seeded, so a rerun writes the same file.

Run:  python3 tests/gen_props.py      (needs mpmath; a few seconds)
"""
import os
import random

from mpmath import mp, mpf

import gen_ref
from gen_ref import EPS, check, grad, label, logit, loss, mean, sigmoid

mp.dps = 40
HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20251125
TINY = 2.0 ** -1074
BELOW_HALF = 0.49999999999999994          # the largest double below 0.5


def to_double(x):
    """x rounded once to the nearest double, subnormals included (float()
    of an mpf rounds to 53 bits first, which can round twice there)."""
    if x == mp.inf:
        return float("inf")
    if x == -mp.inf:
        return float("-inf")
    if abs(x) < mpf(2) ** -1022:
        return float(int(mp.nint(x * mpf(2) ** 1074))) * TINY
    return float(x)


gen_ref.to_double = to_double       # check() rounds with it


def nextafter(x, toward):
    import math
    return math.nextafter(x, toward)


class Draw:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def binade(self, lo, hi):
        """A double with a random mantissa and an exponent in [lo, hi]."""
        e = self.r.randint(lo, hi)
        if e < -1022:
            return self.r.randint(1, 2 ** 52 - 1) * TINY
        return (1 + self.r.getrandbits(52) * 2.0 ** -52) * 2.0 ** e

    def p(self):
        k = self.r.random()
        if k < 0.45:
            return min(self.binade(-1075, -1), 1.0)      # 2^-1074 .. 1
        if k < 0.7:
            return 1.0 - self.binade(-53, -2)            # next to 1
        if k < 0.85:
            return self.r.random()
        return self.r.choice([
            0.0, 1.0, 0.5, TINY, EPS, nextafter(EPS, 0), nextafter(EPS, 1),
            1 - EPS, nextafter(1 - EPS, 0), nextafter(1 - EPS, 1),
            1 - 2.0 ** -53, 1e-15, 1 - 1e-15, 1e-300])

    def y(self):
        k = self.r.random()
        if k < 0.5:
            return float(self.r.randint(0, 1))
        if k < 0.75:
            return self.r.random() or 0.5
        if k < 0.85:
            return self.binade(-1074, -2)                # tiny, subnormal
        if k < 0.95:
            return 1.0 - self.binade(-53, -2)            # next to 1
        return self.r.randint(1, 7) / 8.0

    def eps(self):
        k = self.r.random()
        if k < 0.25:
            return 0.0
        if k < 0.45:
            return self.r.choice([EPS, 1e-15, 1e-7, BELOW_HALF, 0.25])
        return min(self.binade(-1000, -2), BELOW_HALF)

    def w(self):
        k = self.r.random()
        if k < 0.1:
            return 0.0
        if k < 0.4:
            return float(self.r.randint(1, 10))
        return self.binade(-996, 996)                    # 1e-300 .. 1e300

    def n(self):
        k = self.r.random()
        if k < 0.3:
            return 1.0
        if k < 0.6:
            return float(self.r.randint(2, 10 ** 6))
        return self.binade(-996, 996)

    def x(self):
        k = self.r.random()
        if k < 0.5:
            return self.r.uniform(-800, 800)
        if k < 0.95:
            return self.r.choice([-1, 1]) * self.binade(-1074, 1023)
        return self.r.choice([float("inf"), float("-inf"), 0.0, -0.0,
                              -745.1332191019411, 709.782712893384])


def hard(y):
    return y in (0.0, 1.0)


def num(x):
    return gen_ref.sql_num(x)


def term_check(i, y, p, eps):
    args = "%s, %s" % (num(y), num(p))
    name = "property %d: bce_term(%s, %s" % (i, label(y), label(p))
    if eps is None:
        eps_v = EPS
    else:
        eps_v = eps
        args += ", 1, " + num(eps)
        name += ", 1, %s" % label(eps)
    name += ")"
    want = loss(y, p, eps_v)
    if want == mp.inf:
        return check(name + " is +Inf", "bce_term(%s)" % args, "1e999",
                     "is", None)
    return check(name, "bce_term(%s)" % args, want, "ulp",
                 1 if hard(y) else 2)


def grad_check(i, y, p, n):
    want = grad(y, p, n)
    name = "property %d: bce_grad(%s, %s, %s)" % (i, label(y), label(p),
                                                  label(n))
    got = "bce_grad(%s, %s, %s)" % (num(y), num(p), num(n))
    if abs(to_double(want)) == float("inf"):
        return check(name + " overflows", got,
                     "1e999" if want > 0 else "-1e999", "is", None)
    return check(name, got, want, "ulp", 2 if (hard(y) or n != 1.0) else 3)


def agg_check(i, rows, eps, weighted):
    """rows: (y, p, w); eps None for the default clip."""
    e = EPS if eps is None else eps
    terms = [loss(y, p, e) for y, p, w in rows]
    if weighted:
        pos = [(w, t) for (y, p, w), t in zip(rows, terms) if w > 0]
        if not pos:
            want = None
        elif any(t == mp.inf for w, t in pos):
            want = mp.inf
        else:
            want = mean([t for w, t in pos], [w for w, t in pos])
        call = "bce(column1, column2, column3, %s)" % num(e)
        values = [(y, p, w) for y, p, w in rows]
    else:
        want = mp.inf if mp.inf in terms else mean(terms)
        call = ("bce(column1, column2)" if eps is None
                else "bce(column1, column2, 1, %s)" % num(eps))
        values = [(y, p) for y, p, w in rows]
    got = "(SELECT %s FROM %s)" % (call, gen_ref.values_table(values))
    name = "property %d: %s over %d rows%s" % (
        i, call.replace("column1", "y").replace("column2", "p")
        .replace("column3", "w"), len(rows),
        "" if eps is None else " (eps %s)" % label(e))
    if want is None:
        return check(name + " is NULL", got, "NULL", "is", None)
    if want == mp.inf:
        return check(name + " is +Inf", got, "1e999", "is", None)
    all_hard = all(hard(y) for y, p, w in rows)
    return check(name, got, want, "ulp",
                 2 if (all_hard and not weighted) else 3)


def main():
    d = Draw(SEED)
    out = ["-- Generated by tests/gen_props.py (mpmath, 40 digits, seed %d);"
           % SEED,
           "-- do not edit.  Random inputs over the whole domain, checked",
           "-- against the definitions within the README's ulp bounds.",
           ".read tests/sql/lib/checks.sql", ""]
    i = 0
    for _ in range(600):
        i += 1
        out.append(term_check(i, d.y(), d.p(), None))
    for _ in range(400):
        i += 1
        out.append(term_check(i, d.y(), d.p(), d.eps()))
    for _ in range(400):
        i += 1
        out.append(grad_check(i, d.y(), d.p(), d.n()))
    for _ in range(300):
        i += 1
        x = d.x()
        out.append(check("property %d: sigmoid(%s)" % (i, label(x)),
                         "sigmoid(%s)" % num(x), sigmoid(x), "ulp", 2)
                   if abs(x) != float("inf") else
                   check("property %d: sigmoid(%s)" % (i, label(x)),
                         "sigmoid(%s)" % num(x),
                         "1.0" if x > 0 else "0.0", "is", None))
    for _ in range(300):
        i += 1
        p = d.p()
        if p in (0.0, 1.0):
            out.append(check("property %d: logit(%s)" % (i, label(p)),
                             "logit(%s)" % num(p),
                             "-1e999" if p == 0 else "1e999", "is", None))
        else:
            out.append(check("property %d: logit(%s)" % (i, label(p)),
                             "logit(%s)" % num(p), logit(p), "ulp", 2))
    for _ in range(300):
        i += 1
        k = d.r.randint(1, 6)
        rows = [(d.y(), d.p(), d.w()) for _ in range(k)]
        kind = d.r.random()
        if kind < 0.35:
            out.append(agg_check(i, rows, None, False))
        elif kind < 0.55:
            out.append(agg_check(i, rows, d.eps(), False))
        else:
            out.append(agg_check(i, rows, d.eps(), True))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(os.path.join(HERE, "sql", "mpmath_props.sql"), "w") as f:
        f.write("\n".join(out) + "\n")
    print("%d checks in tests/sql/mpmath_props.sql" % i)


if __name__ == "__main__":
    main()
