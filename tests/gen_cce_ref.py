#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference values for the categorical cross-entropy functions (issue 13),
computed with mpmath at 50 digits from the definitions, never from the C
code:

  from probabilities   l = -sum_{k: y_k > 0} y_k ln q_k,
                       q_k = min(max(p_k, eps), 1 - eps)  (1 - eps in double,
                       as the definition and np.clip form it)
  from logits          l = -sum_k y_k ln softmax(z)_k
  softmax(z)_k = e^(z_k - m) / S,  S = sum_i e^(z_i - m),  m = max z
  cce_grad             -y_k / q_k / n   (0 where y_k = 0)
  cce_logits_grad      (softmax(z)_k - y_k) / n

mpmath's exponents are unbounded, but its 50 digits are relative, so the
shift by m is done here too: ln S of e^(1e300) + e^(1e300 - 1) at 50 digits
would be 1e300 with nothing after the point.  Differences of doubles are
correctly rounded by mpmath, so z_k - m keeps 50 digits of itself.  S is
kept as 1 + T (T the terms other than the first maximum) so that 1 - 1/S
and ln S survive T = 1e-300.

Infinite logits: the limits (issue 13).  One +Inf: softmax one-hot there;
-Inf: probability 0.

Inputs are exact doubles, written in JSON with Python's repr() (shortest
round trip, read back exactly by any correct reader) and 1e999 for +-Inf.

Writes (CI only reads them; it never runs this script):
  tests/ref/cce_ref.h            cases for tests/unit_cce.c
  tests/sql/mpmath_cce.sql       cases for the SQL functions
  tests/sql/mpmath_cce_means.sql the means over 10^5 rows (slow: a file of
                                 its own, as mpmath_means.sql)
  tests/sql/recipes_multiclass_checked.sql  every number of
                                 sql/recipes_multiclass.sql
  tests/sql/mpmath_cce_props.sql random rows: K from 2 to 200, logits at
                                 scales 1e-300 to 1e300, probabilities down
                                 to 1e-300, hard and soft targets

Run:  python3 tests/gen_cce_ref.py      (needs mpmath; about a minute)
"""
import math
import os
import sys

from mpmath import mp, mpf

mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))
# the default clip: 2^-52, numpy's float64 eps, as scikit-learn >= 1.5
EPS = 2.0**-52
INF = float("inf")


# ---------------------------------------------------------------- definitions
def clip(p, eps):
    hi = 1.0 - eps                  # formed in double, as the definition says
    return eps if p < eps else (hi if p > hi else p)


def targets(y, k):
    """A class index or a list of K targets, as K mpf targets."""
    if isinstance(y, list):
        return [mpf(v) for v in y]
    return [mpf(1) if i == y else mpf(0) for i in range(k)]


def cce(y, p, eps=EPS):
    ys = targets(y, len(p))
    total = mpf(0)
    for yk, pk in zip(ys, p):
        if yk > 0:
            q = clip(pk, eps)
            if q == 0:
                return mp.inf
            total -= yk * mp.log(mpf(q))
    return total


def cce_grad(y, p, n=1.0, eps=EPS):
    ys = targets(y, len(p))
    out = []
    for yk, pk in zip(ys, p):
        q = mpf(clip(pk, eps))
        out.append(mpf(0) if yk == 0 else -mp.inf if q == 0
                   else -yk / q / mpf(n))
    return out


def shifted(z):
    """(m, j, d, T): the largest finite z, its first index, d_k = z_k - m
    (None for -Inf), T = sum over k != j of e^d_k.  Only for rows without
    +Inf."""
    m = max(v for v in z if v != -INF)
    j = z.index(m)
    d = [None if v == -INF else mpf(v) - mpf(m) for v in z]
    t = mp.fsum(mp.exp(dk) for i, dk in enumerate(d)
                if i != j and dk is not None)
    return m, j, d, t


def one_inf(z):
    return z.count(INF) == 1


def cce_logits(y, z):
    ys = targets(y, len(z))
    if one_inf(z):
        j = z.index(INF)
        return mpf(0) if all(yk == 0 for i, yk in enumerate(ys) if i != j) \
            else mp.inf
    m, j, d, t = shifted(z)
    big_l = mp.log1p(t)
    total = mpf(0)
    for yk, dk in zip(ys, d):
        if yk > 0:
            if dk is None:
                return mp.inf
            total += yk * (big_l - dk)
    return total


def softmax(z):
    if one_inf(z):
        return [mpf(1) if v == INF else mpf(0) for v in z]
    m, j, d, t = shifted(z)
    return [mpf(0) if dk is None else mp.exp(dk) / (1 + t) for dk in d]


def log_softmax(z):
    if one_inf(z):
        return [mpf(0) if v == INF else -mp.inf for v in z]
    m, j, d, t = shifted(z)
    big_l = mp.log1p(t)
    return [-mp.inf if dk is None else dk - big_l for dk in d]


def cce_logits_grad(y, z, n=1.0):
    """(value, condition) of each element: the condition is how much the
    difference softmax_k - y_k magnifies the error of its larger term (1
    where nothing cancels), for the tolerance."""
    ys = targets(y, len(z))
    out = []
    if one_inf(z):
        for v, yk in zip(z, ys):
            out.append(((mpf(1 if v == INF else 0) - yk) / mpf(n), mpf(1)))
        return out
    m, j, d, t = shifted(z)
    s = 1 + t
    for i, (dk, yk) in enumerate(zip(d, ys)):
        if i == j:      # 1/S - y = (1 - y) - T/S: the exact terms that cancel
            a, b = 1 - yk, t / s
        else:
            a, b = (mpf(0) if dk is None else mp.exp(dk) / s), yk
        g = a - b
        cond = mpf(1) if (a == 0 or b == 0) else max(a, b) / abs(g) \
            if g != 0 else mp.inf
        out.append((g / mpf(n), cond))
    return out


def mean(terms, weights=None):
    if weights is None:
        return mp.fsum(terms) / len(terms)
    return (mp.fsum(mpf(w) * t for w, t in zip(weights, terms))
            / mp.fsum(mpf(w) for w in weights))


def to_double(x):
    if x == mp.inf:
        return INF
    if x == -mp.inf:
        return -INF
    return float(x)                 # mpmath rounds to nearest


# ------------------------------------------------------------------- spelling
def jnum(x):
    """A JSON number that reads back as exactly the double x."""
    if x == INF:
        return "1e999"
    if x == -INF:
        return "-1e999"
    r = repr(float(x))
    assert float(r) == x
    return r


def jarr(xs):
    return "[" + ",".join(jnum(x) for x in xs) + "]"


def c_num(x):
    x = float(x)
    if x == INF:
        return "INFINITY"
    if x == -INF:
        return "-INFINITY"
    return x.hex()


def sql_num(x):
    """An exact SQL spelling of the double x (no decimal parsing involved)."""
    x = float(x)
    if x == INF:
        return "1e999"
    if x == -INF:
        return "-1e999"
    if x == int(x) and abs(x) < 2**53:
        return "%d.0" % int(x)
    n, d = x.as_integer_ratio()
    e = -(d.bit_length() - 1)
    while n % 2 == 0:
        n //= 2
        e += 1
    return "ieee754(%d,%d)" % (n, e)


def sql_quote(s):
    return "'" + s.replace("'", "''") + "'"


def y_sql(y):
    return sql_quote(jarr(y)) if isinstance(y, list) else "%d" % y


def y_c(y):
    """(y text or 0, cls) for the C table."""
    if isinstance(y, list):
        return '"%s"' % jarr(y), "0"
    return "0", c_num(float(y))


def y_label(y):
    if isinstance(y, list):
        t = jarr(y)
        return t if len(t) < 60 else "%s...(%d targets)" % (t[:40], len(y))
    return "%d" % y


def arr_label(xs):
    t = jarr(xs)
    return t if len(t) < 60 else "%s...(K=%d)" % (t[:40], len(xs))


# ---------------------------------------------------------------------- cases
def lcg(seed):
    state = seed
    while True:
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        yield (state >> 11) / 2.0**53          # uniform in [0, 1)


def random_dist(g, k, zeros=False):
    """K doubles summing to 1 within K ulp: weights made positive and
    skewed, divided by their sum in mpmath, each rounded to a double."""
    w = []
    for i in range(k):
        u = next(g)
        if zeros and u < 0.3:
            w.append(mpf(0))
        else:
            w.append(mpf(u + 1e-3) ** 3)
    if all(v == 0 for v in w):
        w[0] = mpf(1)
    s = mp.fsum(w)
    return [float(v / s) for v in w]


def random_logits(g, k, scale):
    return [(next(g) - 0.5) * 2 * scale for i in range(k)]


PROB_CASES = []       # (y, p, eps)
g = lcg(13)
for k in (2, 3, 4, 5, 10, 37, 100, 1000):
    for rep in range(2 if k < 1000 else 1):
        p = random_dist(g, k)
        PROB_CASES.append((int(next(g) * k), p, EPS))
        PROB_CASES.append((random_dist(g, k, zeros=True), p, EPS))
# extremes: p down to 1e-300 and the subnormals, p = 1, the clip
for eps in (EPS, 1e-15, 0.0):
    for p in ([1e-300, 1.0], [5e-324, 1.0], [1e-16, 1 - 1e-16],
              [2.0**-53, 1 - 2.0**-53], [0.0, 1.0], [1e-300, 0.25, 0.75]):
        for c in range(len(p)):
            if eps == 0.0 and p[c] == 0.0:
                continue              # +Inf: INF_PROB_CASES
            PROB_CASES.append((c, p, eps))
for eps in (1e-15, 1e-7, 0.1, 0.49):
    PROB_CASES.append((0, [1e-20, 1.0], eps))
    PROB_CASES.append((1, [0.3, 0.7], eps))
PROB_CASES += [
    ([0.1, 0.2, 0.7], [0.2, 0.3, 0.5], EPS),
    ([0.5, 0.5], [0.5, 0.5], EPS),
    ([0.25, 0.0, 0.75], [0.0, 0.9, 0.1], 0.0),    # a zero target on p = 0
    ([1.0, 0.0, 0.0], [0.7, 0.2, 0.1], EPS),      # one-hot as an array
    (1, [0.5, 0.50005], EPS),                     # off 1 by 5e-5: accepted
    (0, [0.49995, 0.5], EPS),
    ([0.3, 0.70003], [0.4, 0.6], EPS),            # soft targets off by 3e-5
    ([1e-300, 1.0], [0.5, 0.5], EPS),             # a target of 1e-300
]
INF_PROB_CASES = [(0, [0.0, 1.0], 0.0), ([0.5, 0.5], [1.0, 0.0], 0.0)]

LOGIT_CASES = []      # (y, z)
g = lcg(29)
for k in (2, 3, 10, 100, 1000):
    for scale in (1.0, 20.0, 1000.0, 1e300):
        z = random_logits(g, k, scale)
        LOGIT_CASES.append((int(next(g) * k), z))
        if k <= 100:
            LOGIT_CASES.append((random_dist(g, k, zeros=True), z))
# differences from 1e-300 to 1e300, at 0 and far from it, both targets
for base in (0.0, 1e300, -1e300, 1.5e300):
    for diff in (1e-300, 1e-16, 2.0**-52, 1e-5, 1.0, 30.0, 36.7, 700.0,
                 745.0, 746.0, 1e5, 1e300):
        z = [base, base + diff]
        if z[1] == z[0] or abs(z[1]) == INF:
            continue
        LOGIT_CASES.append((0, z))
        LOGIT_CASES.append((1, z))
LOGIT_CASES += [
    (0, [1e300, 1e300]), (1, [1.7976931348623157e308, -1e308]),
    (0, [1.7976931348623157e308, -1e308]),
    (0, [1.7976931348623157e308, 1.7976931348623157e308, 0.0]),
    (0, [INF, 0.0]), (0, [INF, -INF]), (1, [-INF, 0.0]),
    (2, [-INF, 3.0, 5.0]), (1, [-INF, 3.0, 5.0]), (0, [-INF, 0.0, -INF, 1.0]),
    (0, [-1e300, -1e300 * (1 - 2.0**-52)]),
    ([0.5, 0.5, 0.0], [0.0, 0.0, -INF]),
    ([0.0, 1.0, 0.0], [-INF, INF, 7.0]),           # all mass on the +Inf
    ([0.25, 0.75], [1e-300, -1e-300]),
    ([0.3, 0.7], [1e300, -1e300]),                 # (1e300 + 1e300) * 0.7
    ([0.3, 0.7], [1.7976931348623157e308, -1.7976931348623157e308]),
    ([0.1, 0.2, 0.7], [2.0, 1.0, 0.1]),
    ([1.0, 0.0, 0.0], [5.0, 1.0, -2.0]),           # one-hot as an array
]
# Rows whose loss the formula gives correctly rounded (tolerance 0): the
# rounding error of m - z_c, put back, decides the last bit here (found by
# a search of random rows; the values are mpmath's).  Without it each is
# 1 ulp off.
CR_LOGIT_CASES = [
    (1, [5.744813340754146, -26.071873344701892]),
    (1, [0.0033229814105444674, -35.858089603623164]),
    (1, [0.005171852653812913, -33.373796763624846]),
    (1, [0.001160058942769045, -33.57528059164557]),
    ([0.5, 0.5], [0.005079516041323486, -32.141902292315294]),
    ([0.5, 0.5], [0.0071259624690140026, -34.48121594180892]),
    ([0.5, 0.5], [0.004318688361937511, -30.64568106879901]),
    ([0.5, 0.5], [0.003012023485492032, -32.47313631348366]),
]
INF_LOGIT_CASES = [
    (1, [INF, 0.0]), (0, [-INF, 0.0]), ([0.5, 0.5], [INF, 0.0]),
    ([0.5, 0.5, 0.0], [-INF, 2.0, 3.0]),
    (1, [1.7976931348623157e308, -1.7976931348623157e308]),  # 3.6e308
]

SOFTMAX_CASES = [
    [1.0, 2.0, 3.0], [0.0, 1e-300], [1000.0, 0.0, -1000.0], [1e300, -1e300],
    [-INF, 0.0, 1.0], [INF, 0.0, -INF], [5.0], [710.0, 709.0],
    [-745.0, 0.0], [0.0, -740.0], [0.0, -700.4], [1e300, 1e300 - 1e284],
    [36.7, 0.0], [-0.5, 0.5, 2.0, -3.5], [0.0, 0.0, 0.0, 0.0],
    [-1e300, -1e300, -2e300],
]
g = lcg(41)
for k, scale in ((10, 30.0), (100, 5.0), (1000, 1.0), (37, 1e300)):
    SOFTMAX_CASES.append(random_logits(g, k, scale))

LOGITS_GRAD_CASES = []    # (y, z, n)
for y, z in LOGIT_CASES[:]:
    if len(z) <= 100:
        LOGITS_GRAD_CASES.append((y, z, 1.0))
LOGITS_GRAD_CASES += [(1, [INF, 0.0], 1.0), (0, [-INF, 0.0], 4.0),
                      ([0.5, 0.5], [INF, 0.0], 1.0), (2, [1.0, 2.0, 3.0], 4.0),
                      ([0.2, 0.8], [0.5, -0.25], 3.0),
                      (0, [0.0, -1e300], 1.0), (0, [0.0, -740.0], 1.0),
                      (0, [0.0, -30.0], 1.0), (1, [0.0, -30.0], 1.0)]

PROB_GRAD_CASES = []      # (y, p, eps, n)
for y, p, eps in PROB_CASES:
    if len(p) <= 100:
        PROB_GRAD_CASES.append((y, p, eps, 1.0))
PROB_GRAD_CASES += [(1, [0.2, 0.8], EPS, 4.0), ([0.3, 0.7], [0.5, 0.5], EPS, 3.0),
                    (0, [0.0, 1.0], 0.0, 1.0), (0, [5e-324, 1.0], 0.0, 2.0)]


# Tolerances, in ulp of the exact value, that the C unit test holds (the
# SQL test adds 1 where SQLite's json_each reads an element back):
#   cce, hard target     1  one ln of an exact double
#   cce, soft targets    2  a ln and a product a term, the sum exact
#   cce_logits           3  L = log1p(T): T's terms e^(z_k - m) within 1 ulp
#                           each, their sum exact, log1p; the rest exact
#   softmax              3  e^(z_k - m) (1 ulp), S (1/2), the quotient (1/2)
#   log_softmax          3  (z_k - m) - L, no cancellation: L's error
#   cce_grad             2  two quotients
#   cce_logits_grad      4  softmax and a difference that does not cancel,
#                           or ceil(3 c + 2) where it does, c the condition
TOL = {"hard": 1, "soft": 2, "logits": 3, "softmax": 3, "log_softmax": 3,
       "grad": 2, "logits_grad": 4}


def grad_tol(cond):
    if cond == mp.inf:
        return 2**30
    if cond <= 1:
        return TOL["logits_grad"]
    return min(int(mp.ceil(3 * cond + 2)), 2**30)


def prob_tol(y):
    return TOL["soft"] if isinstance(y, list) else TOL["hard"]


# ------------------------------------------------------------------- writers
def write_c(path):
    out = ["/* Generated by tests/gen_cce_ref.py (mpmath, 50 digits); do not "
           "edit. */",
           "#ifndef BCE_CCE_REF_H", "#define BCE_CCE_REF_H",
           "#include <math.h>", "", "/* y: a JSON array of targets, or 0 and "
           "the class index cls */"]
    out.append("static const struct { const char *y; double cls; "
               "const char *p; double eps, want; int tol; } "
               "ref_cce[] = {")
    for y, p, eps in PROB_CASES + INF_PROB_CASES:
        yt, cls = y_c(y)
        out.append('  {%s, %s, "%s", %s, %s, %d},' % (
            yt, cls, jarr(p), c_num(eps), c_num(to_double(cce(y, p, eps))),
            prob_tol(y)))
    out.append("};\n")
    out.append("static const struct { const char *y; double cls; "
               "const char *z; double want; int tol; } "
               "ref_cce_logits[] = {")
    for y, z in LOGIT_CASES + INF_LOGIT_CASES + CR_LOGIT_CASES:
        yt, cls = y_c(y)
        out.append('  {%s, %s, "%s", %s, %d},' % (
            yt, cls, jarr(z), c_num(to_double(cce_logits(y, z))),
            0 if (y, z) in CR_LOGIT_CASES else TOL["logits"]))
    out.append("};\n")
    # element arrays: one flat table of (want, tol), cases point into it
    vals, cases = [], []
    for y, p, eps, n in PROB_GRAD_CASES:
        yt, cls = y_c(y)
        cases.append('  {%s, %s, "%s", %s, %s, 0, %d, %d},' % (
            yt, cls, jarr(p), c_num(eps), c_num(n), len(vals), len(p)))
        vals += [(to_double(v), TOL["grad"]) for v in cce_grad(y, p, n, eps)]
    for y, z, n in LOGITS_GRAD_CASES:
        yt, cls = y_c(y)
        cases.append('  {%s, %s, "%s", 0, %s, 1, %d, %d},' % (
            yt, cls, jarr(z), c_num(n), len(vals), len(z)))
        vals += [(to_double(v), grad_tol(c))
                 for v, c in cce_logits_grad(y, z, n)]
    for kind, f in ((2, softmax), (3, log_softmax)):
        for z in SOFTMAX_CASES:
            cases.append('  {0, 0, "%s", 0, 1, %d, %d, %d},' % (
                jarr(z), kind, len(vals), len(z)))
            vals += [(to_double(v),
                      TOL["softmax" if kind == 2 else "log_softmax"])
                     for v in f(z)]
    out.append("/* kind 0: cce_grad, 1: cce_logits_grad, 2: softmax, "
               "3: log_softmax; elements ref_elem[off .. off+k) */")
    out.append("static const struct { double want; int tol; } "
               "ref_elem[] = {")
    for v, t in vals:
        out.append("  {%s, %d}," % (c_num(v), t))
    out.append("};\n")
    out.append("static const struct { const char *y; double cls; "
               "const char *p; double eps, n; int kind, off, k; } "
               "ref_cce_elems[] = {")
    out += cases
    out.append("};\n")
    out.append("#endif")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def check(name, got_sql, want, kind="ulp", tol=1):
    if isinstance(want, str):
        want_sql = want
    else:
        want_sql = sql_num(to_double(want))
    tol_sql = "NULL" if tol is None else repr(tol)
    return ("INSERT INTO checks VALUES(%s, %s, %s, '%s', %s);"
            % (sql_quote(name), got_sql, want_sql, kind, tol_sql))


def inf_or(want, tol):
    """(want, kind, tol) for check(): infinities and zeros exactly."""
    d = to_double(want)
    if d in (INF, -INF):
        return (sql_num(d), "is", None)
    return (want, "ulp", tol)


def elem_checks(out, name, call, wants, tols):
    out.append(check(name + ": K elements", "json_array_length(%s)" % call,
                     "%d" % len(wants), "is", None))
    for i, (w, t) in enumerate(zip(wants, tols)):
        # json_each gives 9e999 back as a REAL +Inf
        got = "(SELECT value FROM json_each(%s) WHERE key = %d)" % (call, i)
        want, kind, tol = inf_or(w, t + 1)
        out.append(check("%s[%d]" % (name, i), got, want, kind, tol))


def frame_value(frame):
    """The exact mean of a frame of (w, l): NULL without a positive weight,
    +Inf if a loss of positive weight is."""
    pos = [(w, t) for w, t in frame if w > 0]
    if not pos:
        return None
    if any(t == mp.inf for w, t in pos):
        return mp.inf
    return mean([t for w, t in pos], [w for w, t in pos])


WINDOW_ROWS = [  # (i, y, p, w): eps = 0, so one row costs +Inf
    (1, 0, [0.7, 0.2, 0.1], 1.0), (2, 2, [0.0, 1.0, 0.0], 2.0),
    (3, 1, [0.25, 0.5, 0.25], 1.0), (4, [0.2, 0.3, 0.5], [0.1, 0.2, 0.7], 0.5),
    (5, 2, [0.5, 0.5, 0.0], 0.0), (6, 0, [1e-300, 0.5, 0.5], 3.0),
    (7, 1, [0.1, 0.8, 0.1], 1.0), (8, 0, [1.0, 0.0, 0.0], 1.0),
    (9, 2, [0.3, 0.3, 0.4], 1.5)]
WINDOW_LOGIT_ROWS = [
    (1, 0, [2.0, 1.0, 0.1], 1.0), (2, 1, [INF, 0.0, 0.0], 2.0),
    (3, 2, [0.0, 0.0, 50.0], 1.0), (4, 0, [-1e300, 1.0, 0.0], 0.5),
    (5, 1, [0.0, -INF, 3.0], 0.0), (6, [0.5, 0.5, 0.0], [1.0, 1.0, -INF], 3.0),
    (7, 2, [-700.0, 0.0, 0.0], 1.0), (8, 0, [1e300, -1e300, 0.0], 1.0),
    (9, 1, [0.1, 0.2, 0.3], 1.5)]


def window_checks(out, rows, fn, lossf, eps_sql):
    table = "(VALUES %s)" % ", ".join(
        "(%d, %s, %s, %s)" % (i, y_sql(y), sql_quote(jarr(p)), sql_num(w))
        for i, y, p, w in rows)
    for weighted in (False, True):
        call = "%s(column2, column3, %s%s)" % (
            fn, "column4" if weighted else "1.0", eps_sql)
        for i in range(len(rows)):
            frame = [(r[3] if weighted else 1.0, lossf(r[1], r[2]))
                     for r in rows[max(0, i - 2):i + 1]]
            want = frame_value(frame)
            got = ("(SELECT v FROM (SELECT column1 AS i, %s OVER (ORDER BY "
                   "column1 ROWS 2 PRECEDING) AS v FROM %s) WHERE i = %d)"
                   % (call, table, i + 1))
            name = "window %s, frame ending at row %d" % (
                call.replace("column2, column3", "y, p"), i + 1)
            if want is None:
                out.append(check(name + " is NULL", got, "NULL", "is", None))
            elif want == mp.inf:
                out.append(check(name + " is +Inf", got, "1e999", "is", None))
            else:
                out.append(check(name, got, want, "ulp", 4))


def write_sql(path):
    out = ["-- Generated by tests/gen_cce_ref.py (mpmath, 50 digits); do not "
           "edit.",
           "-- Issue 13: cce, cce_term, cce_grad, cce_logits, cce_logits_term,",
           "-- cce_logits_grad, softmax, log_softmax against the exact values",
           "-- (the doubles nearest them).  Numbers outside JSON are spelled",
           "-- ieee754(M,E); JSON elements with Python's repr(), which reads",
           "-- back exactly.  Tolerances in ulp: tests/gen_cce_ref.py, TOL.",
           ".read tests/sql/lib/checks.sql", ""]
    for y, p, eps in PROB_CASES:
        args = "%s, %s" % (y_sql(y), sql_quote(jarr(p)))
        name = "cce_term(%s, %s)" % (y_label(y), arr_label(p))
        if eps != EPS:
            args += ", 1.0, " + sql_num(eps)
            name = "cce_term(%s, %s, 1, %r)" % (y_label(y), arr_label(p), eps)
        want, kind, tol = inf_or(cce(y, p, eps), prob_tol(y))
        out.append(check(name, "cce_term(%s)" % args, want, kind, tol))
    for y, p, eps in INF_PROB_CASES:
        out.append(check("cce_term(%s, %s, 1, 0) is +Inf" % (y_label(y),
                                                             arr_label(p)),
                         "cce_term(%s, %s, 1.0, 0.0)" % (y_sql(y),
                                                         sql_quote(jarr(p))),
                         "1e999", "is", None))
    out.append("")
    # cce_term's weight: w * l, rounded once more
    for y, p, w in ((1, [0.2, 0.8], 2.5), ([0.3, 0.7], [0.4, 0.6], 0.1),
                    (0, [0.9, 0.1], 0.0)):
        out.append(check("cce_term(%s, %s, %r) = w l" % (y_label(y),
                                                         arr_label(p), w),
                         "cce_term(%s, %s, %s)" % (y_sql(y), sql_quote(jarr(p)),
                                                   sql_num(w)),
                         mpf(w) * cce(y, p), "ulp", 2))
    out.append("")
    for y, z in LOGIT_CASES + INF_LOGIT_CASES + CR_LOGIT_CASES:
        want, kind, tol = inf_or(cce_logits(y, z), 0 if (y, z) in
                                 CR_LOGIT_CASES else TOL["logits"])
        out.append(check("cce_logits_term(%s, %s)" % (y_label(y), arr_label(z)),
                         "cce_logits_term(%s, %s)" % (y_sql(y),
                                                      sql_quote(jarr(z))),
                         want, kind, tol))
    out.append("")
    # K = 2 against bce: for p >= 1/2, 1 - p is exact, so the two rows are
    # one distribution and both functions give the same exact loss.
    for p in (0.5, 0.75, 0.9, 0.999, 1 - 2.0**-40, 0.6180339887498949):
        q = [1.0 - p, p]
        assert q[0] + q[1] == 1.0 and mpf(q[0]) + mpf(q[1]) == 1
        for c in (0, 1):
            want = cce(c, q)
            out.append(check("K = 2: cce_term(%d, [1-p, p]), p = %r" % (c, p),
                             "cce_term(%d, %s)" % (c, sql_quote(jarr(q))),
                             want, "ulp", 1))
            out.append(check("K = 2: bce_term(%d, p), p = %r (the same value)"
                             % (c, p), "bce_term(%d, %s)" % (c, sql_num(p)),
                             want, "ulp", 1))
            zq = [0.0, math.log(p / (1 - p))]
            want = cce_logits(c, zq)
            out.append(check("K = 2: cce_logits_term(%d, [0, z]), z = %r"
                             % (c, zq[1]),
                             "cce_logits_term(%d, %s)" % (c, sql_quote(jarr(zq))),
                             want, "ulp", 3))
            out.append(check("K = 2: bce_logits_term(%d, z), z = %r "
                             "(the same value)" % (c, zq[1]),
                             "bce_logits_term(%d, %s)" % (c, sql_num(zq[1])),
                             want, "ulp", 3))
    out.append("")
    for y, p, eps, n in PROB_GRAD_CASES:
        if len(p) > 10:
            continue
        args = "%s, %s, %s" % (y_sql(y), sql_quote(jarr(p)), sql_num(n))
        if eps != EPS:
            args += ", " + sql_num(eps)
        wants = cce_grad(y, p, n, eps)
        elem_checks(out, "cce_grad(%s)" % args.replace("'", ""),
                    "cce_grad(%s)" % args, wants, [TOL["grad"]] * len(wants))
    for y, z, n in LOGITS_GRAD_CASES:
        if len(z) > 10:
            continue
        args = "%s, %s, %s" % (y_sql(y), sql_quote(jarr(z)), sql_num(n))
        gs = cce_logits_grad(y, z, n)
        elem_checks(out, "cce_logits_grad(%s)" % args.replace("'", ""),
                    "cce_logits_grad(%s)" % args, [v for v, c in gs],
                    [grad_tol(c) for v, c in gs])
    for fn, f in (("softmax", softmax), ("log_softmax", log_softmax)):
        for z in SOFTMAX_CASES:
            if len(z) > 10:
                continue
            call = "%s(%s)" % (fn, sql_quote(jarr(z)))
            wants = f(z)
            elem_checks(out, call.replace("'", ""), call, wants,
                        [TOL[fn]] * len(wants))
    out.append("")
    # aggregates over small tables: the mean rounds once more
    rows = [(y, p) for y, p, eps in PROB_CASES if eps == EPS][:12]
    table = "(VALUES %s)" % ", ".join("(%s, %s)" % (y_sql(y), sql_quote(jarr(p)))
                                      for y, p in rows)
    out.append(check("cce(y, p) over %d rows, exact mean" % len(rows),
                     "(SELECT cce(column1, column2) FROM %s)" % table,
                     mean([cce(y, p) for y, p in rows]), "ulp", 3))
    ws = [0.5, 2.0, 0.0, 1.0, 3.0, 0.25, 1.0, 1.0, 2.0, 0.0, 1.5, 1.0]
    table = "(VALUES %s)" % ", ".join(
        "(%s, %s, %s)" % (y_sql(y), sql_quote(jarr(p)), sql_num(w))
        for (y, p), w in zip(rows, ws))
    out.append(check("cce(y, p, w) over %d rows, exact weighted mean"
                     % len(rows),
                     "(SELECT cce(column1, column2, column3) FROM %s)" % table,
                     mean([cce(y, p) for y, p in rows], ws), "ulp", 3))
    table = "(VALUES %s)" % ", ".join(
        "(%s, %s, %s)" % (y_sql(y), sql_quote(jarr(p)), sql_num(w))
        for (y, p), w in zip(rows, ws))
    out.append(check("cce(y, p, w, 0) over %d rows, exact weighted mean"
                     % len(rows),
                     "(SELECT cce(column1, column2, column3, 0.0) FROM %s)"
                     % table,
                     mean([cce(y, p, 0.0) for y, p in rows], ws), "ulp", 3))
    lrows = [(y, z) for y, z in LOGIT_CASES if len(z) <= 100][:14]
    table = "(VALUES %s)" % ", ".join("(%s, %s)" % (y_sql(y), sql_quote(jarr(z)))
                                      for y, z in lrows)
    out.append(check("cce_logits(y, z) over %d rows, exact mean" % len(lrows),
                     "(SELECT cce_logits(column1, column2) FROM %s)" % table,
                     mean([cce_logits(y, z) for y, z in lrows]), "ulp", 4))
    out.append("")
    window_checks(out, WINDOW_ROWS, "cce", lambda y, p: cce(y, p, 0.0), ", 0.0")
    window_checks(out, WINDOW_LOGIT_ROWS, "cce_logits", cce_logits, "")
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# 10^5 rows of 10 classes, each text made by integer arithmetic in SQL and
# here alike, so that nothing but the extension reads a decimal.  p_i =
# a_i / 10^6 (the texts sum to exactly 1; the doubles to 1 within 1e-15),
# a_9 the rest; z_i = b_i / 1000 - 20 written with 3 decimals.
MEAN_ROWS = 100000
MEAN_K = 10


def mean_a(r, i):
    return 1 + (r * 7919 + i * 104729) % 99991


def mean_p_texts(r):
    a = [mean_a(r, i) for i in range(MEAN_K - 1)]
    a.append(1000000 - sum(a))
    return ["0.%06d" % v for v in a]


def mean_z_text(r, i):
    b = (r * 48271 + i * 16807) % 40001
    return "%s%d.%03d" % ("-" if b < 20000 else "", abs(b - 20000) // 1000,
                          abs(b - 20000) % 1000)


def mean_y(r):
    return (r * 31) % MEAN_K


SQL_A = "(1 + (r * 7919 + %d * 104729) %% 99991)"
SQL_B = "((r * 48271 + %d * 16807) %% 40001 - 20000)"


def sql_mean_p():
    parts = ["printf('0.%%06d', %s)" % (SQL_A % i) for i in range(MEAN_K - 1)]
    parts.append("printf('0.%%06d', 1000000 - (%s))"
                 % " + ".join(SQL_A % i for i in range(MEAN_K - 1)))
    return "'[' || " + " || ',' || ".join(parts) + " || ']'"


def sql_mean_z():
    parts = []
    for i in range(MEAN_K):
        b = SQL_B % i
        parts.append("printf('%%s%%d.%%03d', CASE WHEN %s < 0 THEN '-' ELSE '' "
                     "END, abs(%s) / 1000, abs(%s) %% 1000)" % (b, b, b))
    return "'[' || " + " || ',' || ".join(parts) + " || ']'"


def write_sql_means(path):
    out = ["-- Generated by tests/gen_cce_ref.py (mpmath, 50 digits); do not "
           "edit.",
           "-- cce and cce_logits over 10^5 rows of 10 classes, within 2 ulp "
           "of the exact mean.",
           ".read tests/sql/lib/checks.sql", "",
           "CREATE TEMP TABLE cce_rows AS",
           "  WITH RECURSIVE n(r) AS (SELECT 1 UNION ALL SELECT r + 1 FROM n "
           "WHERE r < %d)" % MEAN_ROWS,
           "  SELECT r, (r * 31) %% %d AS y, %s AS p, %s AS z FROM n;"
           % (MEAN_K, sql_mean_p(), sql_mean_z())]
    sys.stderr.write("  means over %d rows...\n" % MEAN_ROWS)
    lp, lz, texts = [], [], []
    for r in range(1, MEAN_ROWS + 1):
        pt = mean_p_texts(r)
        zt = [mean_z_text(r, i) for i in range(MEAN_K)]
        if r <= 3:
            texts.append((r, "[" + ",".join(pt) + "]", "[" + ",".join(zt) + "]"))
        lp.append(cce(mean_y(r), [float(t) for t in pt]))
        lz.append(cce_logits(mean_y(r), [float(t) for t in zt]))
    for r, pt, zt in texts:      # the texts are the ones meant
        out.append(check("cce_rows: p of row %d is %s" % (r, pt),
                         "(SELECT p FROM cce_rows WHERE r = %d)" % r,
                         sql_quote(pt), "is", None))
        out.append(check("cce_rows: z of row %d is %s" % (r, zt),
                         "(SELECT z FROM cce_rows WHERE r = %d)" % r,
                         sql_quote(zt), "is", None))
    want = mean(lp)
    out.append("-- exact mean: %s" % mp.nstr(want, 35))
    out.append(check("cce(y, p) over 10^5 rows x 10 classes within 2 ulp of "
                     "the exact mean", "(SELECT cce(y, p) FROM cce_rows)",
                     want, "ulp", 2))
    want = mean(lz)
    out.append("-- exact mean: %s" % mp.nstr(want, 35))
    out.append(check("cce_logits(y, z) over 10^5 rows x 10 classes within 2 "
                     "ulp of the exact mean",
                     "(SELECT cce_logits(y, z) FROM cce_rows)", want, "ulp", 2))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def random_prop_rows(n, seed):
    """n rows (y, z, p): K log-uniform in [2, 200]; z uniform at a scale
    10^u, u uniform in [-300, 300], sometimes with -Inf; p a distribution
    with weights e^(-700 v) (down to 1e-300); y a class or soft targets
    (some zero)."""
    g = lcg(seed)
    rows = []
    for r in range(n):
        k = int(round(2 * 100 ** next(g)))
        scale = 10.0 ** (600 * next(g) - 300)
        z = [(next(g) - 0.5) * 2 * scale for i in range(k)]
        if next(g) < 0.2:
            z[int(next(g) * k)] = -INF
        w = [mp.exp(-700 * mpf(next(g)) ** 4) for i in range(k)]
        tot = mp.fsum(w)
        p = [float(v / tot) for v in w]
        if next(g) < 0.5:
            y = int(next(g) * k)
            while z[y] == -INF:
                y = (y + 1) % k
        else:
            y = random_dist(g, k, zeros=True)
            for i in range(k):
                if z[i] == -INF:
                    y[i] = 0.0
            tot = sum(mpf(v) for v in y)
            y = [float(mpf(v) / tot) for v in y]
        rows.append((y, z, p))
    return rows


def write_sql_props(path):
    out = ["-- Generated by tests/gen_cce_ref.py (mpmath, 50 digits); do not "
           "edit.",
           "-- Properties over random rows: K from 2 to 200, logits at scales "
           "1e-300",
           "-- to 1e300 (some -Inf), probabilities down to 1e-300, hard and "
           "soft",
           "-- targets.  Each row against mpmath, and identities that need "
           "no",
           "-- reference: softmax is a distribution cce accepts, cce of it is "
           "the",
           "-- logits loss to rounding, the gradient sums to 0.",
           ".read tests/sql/lib/checks.sql", ""]
    for n, (y, z, p) in enumerate(random_prop_rows(100, 97)):
        ys, zs, ps = y_sql(y), sql_quote(jarr(z)), sql_quote(jarr(p))
        tag = "row %d (K = %d, %s)" % (n, len(z), "class" if not
                                       isinstance(y, list) else "soft")
        want, kind, tol = inf_or(cce_logits(y, z), TOL["logits"])
        out.append(check("props %s: cce_logits_term" % tag,
                         "cce_logits_term(%s, %s)" % (ys, zs), want, kind, tol))
        want, kind, tol = inf_or(cce(y, p), prob_tol(y))
        out.append(check("props %s: cce_term" % tag,
                         "cce_term(%s, %s)" % (ys, ps), want, kind, tol))
        want, kind, tol = inf_or(cce(y, p, 0.0), prob_tol(y))
        out.append(check("props %s: cce_term, eps = 0" % tag,
                         "cce_term(%s, %s, 1, 0)" % (ys, ps), want, kind, tol))
        # softmax(z) sums to 1 within the tolerance cce demands, and cce of
        # it with eps = 0 is the logits loss but for the rounding of each
        # probability (absolute 2^-52 per term through ln)
        lz = cce_logits(y, z)
        ls = log_softmax(z)
        worst = max(-v for v, t in zip(ls, targets(y, len(z))) if t > 0)
        if worst < 700:               # every softmax_k with y_k > 0 normal
            out.append(check("props %s: cce(y, softmax(z), 1, 0) = cce_logits "
                             "within 1e-15 (1 + l)" % tag,
                             "cce_term(%s, softmax(%s), 1, 0)" % (ys, zs), lz,
                             "abs", float(1e-15 * (1 + lz))))
        out.append(check("props %s: the logits gradient sums to 0" % tag,
                         "(SELECT abs(sum(value)) < 1e-15 * %d FROM json_each("
                         "cce_logits_grad(%s, %s)))" % (len(z), ys, zs),
                         "1", "is", None))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# sql/recipes_multiclass.sql's table, again: (model, id, label, probs, logits)
MC_CLASSES = ["cat", "dog", "bird"]
MC_PREDS = [
    ("a", 1, "cat", [0.7, 0.2, 0.1], [2.0, 0.5, -0.5]),
    ("a", 2, "dog", [0.1, 0.8, 0.1], [-1.0, 1.5, -1.0]),
    ("a", 3, "bird", [0.2, 0.2, 0.6], [0.0, 0.0, 1.2]),
    ("a", 4, "cat", [0.4, 0.4, 0.2], [0.3, 0.3, -0.4]),
    ("a", 5, "dog", [0.5, 0.3, 0.2], [0.9, 0.4, 0.0]),
    ("a", 6, "bird", [0.05, 0.15, 0.8], [-2.0, -0.8, 1.9]),
    ("b", 1, "cat", [0.9, 0.05, 0.05], [3.0, 0.1, 0.1]),
    ("b", 2, "dog", [0.3, 0.6, 0.1], [0.2, 0.9, -0.9]),
    ("b", 3, "bird", [0.1, 0.1, 0.8], [-0.7, -0.7, 1.4]),
    ("b", 4, "cat", [0.6, 0.3, 0.1], [1.1, 0.4, -0.7]),
    ("b", 5, "dog", [0.2, 0.7, 0.1], [-0.4, 0.85, -1.1]),
    ("b", 6, "bird", [0.3, 0.3, 0.4], [0.0, 0.0, 0.3]),
]
MC_WEIGHTS = [1.0, 2.0, 0.5]


def write_sql_recipes(path):
    out = ["-- Generated by tests/gen_cce_ref.py (mpmath, 50 digits); do not "
           "edit.",
           "-- Runs sql/recipes_multiclass.sql quietly, then checks each "
           "view's numbers.",
           ".read tests/sql/lib/checks.sql", ".output /dev/null",
           ".read sql/recipes_multiclass.sql", ".output stdout",
           ".mode list", ".headers off", ""]
    for model in ("a", "b"):
        rows = [r for r in MC_PREDS if r[0] == model]
        ks = [MC_CLASSES.index(r[2]) for r in rows]
        lp = [cce(k, r[3]) for k, r in zip(ks, rows)]
        lz = [cce_logits(k, r[4]) for k, r in zip(ks, rows)]
        top1 = [r[3].index(max(r[3])) == k for k, r in zip(ks, rows)]
        q = "(SELECT %%s FROM recipe_mc_loss WHERE model = '%s')" % model
        out.append(check("recipe 2 log loss, model %s" % model,
                         q % "log_loss", mean(lp), "ulp", 3))
        out.append(check("recipe 2 from logits, model %s" % model,
                         q % "from_logits", mean(lz), "ulp", 4))
        out.append(check("recipe 2 top-1 accuracy, model %s" % model,
                         q % "top1_accuracy", mpf(sum(top1)) / len(top1),
                         "ulp", 1))
        ws = [MC_WEIGHTS[k] for k in ks]
        out.append(check("recipe 3 class weights [1, 2, 0.5], model %s"
                         % model, "(SELECT weighted_loss FROM "
                         "recipe_mc_class_weights WHERE model = '%s')" % model,
                         mean(lz, ws), "ulp", 4))
        for label in MC_CLASSES:
            sel = [l for l, r in zip(lp, rows) if r[2] == label]
            out.append(check("recipe 4 loss of class %s, model %s"
                             % (label, model),
                             "(SELECT log_loss FROM recipe_mc_by_class WHERE "
                             "model = '%s' AND label = '%s')" % (model, label),
                             mean(sel), "ulp", 3))
        worst = sorted(zip(lp, [r[1] for r in rows]), key=lambda t: -t[0])[:2]
        for rank, (l, i) in enumerate(worst):
            out.append(check("recipe 5 worst row %d of model %s is id %d"
                             % (rank + 1, model, i),
                             "(SELECT loss FROM recipe_mc_worst WHERE model = "
                             "'%s' AND id = %d)" % (model, i), l, "ulp", 1))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    write_sql_recipes(os.path.join(HERE, "sql",
                                   "recipes_multiclass_checked.sql"))
    write_sql_props(os.path.join(HERE, "sql", "mpmath_cce_props.sql"))
    write_c(os.path.join(HERE, "ref", "cce_ref.h"))
    write_sql(os.path.join(HERE, "sql", "mpmath_cce.sql"))
    write_sql_means(os.path.join(HERE, "sql", "mpmath_cce_means.sql"))


if __name__ == "__main__":
    main()
