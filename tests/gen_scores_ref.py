#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The mpmath references of issue 23's scores without options: logsumexp,
entropy, kl_div_term and kl_div (tests/sql/mpmath_scores.sql).

Every value is computed with mpmath at >= 60 digits (400 where a result
sits next to a huge or a cancelling term) from the doubles the SQL passes,
and rounded to the nearest double exactly (through fractions.Fraction,
subnormals included).  Nothing here reads the extension's output.

    /usr/bin/python3 tests/gen_scores_ref.py > tests/sql/mpmath_scores.sql

The clip of kl_div is read from src/loss.h (BCE_DEFAULT_EPS), so the file
follows a change of the default when regenerated.
"""
import math
import random
import re
import sys
from fractions import Fraction

import mpmath
from mpmath import mp, mpf

mp.dps = 60
INF = float("inf")
HERE = __file__.rsplit("/", 1)[0]
_EPS_TEXT = re.search(r"#define BCE_DEFAULT_EPS (\S+)",
                      open(HERE + "/../src/loss.h").read()).group(1)
# a C hex float (0x1p-52) or a decimal one
EPS = (float.fromhex(_EPS_TEXT) if _EPS_TEXT.lower().startswith("0x")
       else float(_EPS_TEXT))
TOL_LSE = 1       # ulp; measured worst: see docs/functions.md
TOL_ENTROPY = 1
TOL_KL = 2


def nearest(x):
    """The double nearest the mpf x, ties to even, subnormals included."""
    if mpmath.isinf(x):
        return INF if x > 0 else -INF
    if x == 0:
        return 0.0
    man, exp = int(x.man) * (1 if x >= 0 else -1), int(x.exp)
    f = Fraction(man) * (Fraction(2) ** exp)
    try:
        return float(f)
    except OverflowError:
        return INF if f > 0 else -INF


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


def js(xs):
    """A JSON array of doubles; repr() reads back exactly."""
    return "[" + ",".join(repr(float(x)) for x in xs) + "]"


def jsonb_hdr(t, n):
    if n <= 11:
        return bytes([(n << 4) | t])
    if n <= 0xff:
        return bytes([0xc0 | t, n])
    if n <= 0xffff:
        return bytes([0xd0 | t]) + n.to_bytes(2, "big")
    return bytes([0xe0 | t]) + n.to_bytes(4, "big")


def jsonb(xs):
    """SQLite's JSONB of an array of doubles (its format, written here: the
    SQLite under test, 3.40, has no jsonb()): FLOAT elements (type 5) of
    repr()'s text inside an ARRAY (type 11)."""
    body = b"".join(jsonb_hdr(5, len(repr(float(x)))) + repr(float(x)).encode()
                    for x in xs)
    return "x'" + (jsonb_hdr(11, len(body)) + body).hex().upper() + "'"


def q(s):
    return "'" + s.replace("'", "''") + "'"


OUT = []


def check(name, got, want, kind, tol=None):
    OUT.append("INSERT INTO checks VALUES(%s, %s, %s, %s, %s);" % (
        q(name), got, want, q(kind), "NULL" if tol is None else repr(tol)))


# ---------------------------------------------------------------- logsumexp

def lse_exact(zs):
    zs = [z for z in zs if z is not None]
    if not zs:
        return None
    if INF in zs:
        return INF
    fin = [z for z in zs if z != -INF]
    if not fin:
        return -INF
    m = max(fin)
    with mp.workdps(400):
        # a row e^-2000 below the largest changes ln S by less than the
        # smallest subnormal
        t = mpmath.fsum(mpmath.exp(mpf(z) - mpf(m)) for z in fin
                        if mpf(z) - mpf(m) > -2000)
        return nearest(mpf(m) + mpmath.log(t))


def rows(zs):
    return "(VALUES " + ",".join("(%s)" % ("NULL" if z is None else sql_num(z))
                                 for z in zs) + ")"


def lse_case(name, zs, tol=TOL_LSE, kind="ulp"):
    want = lse_exact(zs)
    got = "(SELECT logsumexp(column1) FROM %s)" % rows(zs)
    if want is None:
        check(name, got, "NULL", "is")
    elif math.isinf(want):
        check(name, got, sql_num(want), "is")
    else:
        check(name, got, sql_num(want), kind, tol)


def logsumexp_cases(rng):
    for scale in (1, 10, 100, 700, 1e4, 1e15, 1e300):
        for n in (1, 2, 3, 7, 20):
            zs = [rng.uniform(-1, 1) * scale for _ in range(n)]
            lse_case("logsumexp random n=%d scale=%g" % (n, scale), zs)
    lse_case("logsumexp one row z = 1e-300 gives z", [1e-300])
    lse_case("logsumexp one row z = -1e-300 gives z", [-1e-300])
    lse_case("logsumexp one row z = -86.48 (T_0 far below 1)", [-86.48])
    lse_case("logsumexp 0 and -720: ln(1 + e^-720), subnormal", [0.0, -720.0])
    lse_case("logsumexp 0 and -700 and -730", [0.0, -700.0, -730.0])
    lse_case("logsumexp 0 and -40 x 3 (cce of a confident row)",
             [0.0, -40.0, -40.0, -40.0])
    lse_case("logsumexp buckets apart: 300, -300, -900",
             [300.0, -300.0, -900.0])
    lse_case("logsumexp buckets apart: -255.9, 256.1, 767.9",
             [-255.9, 256.1, 767.9])
    lse_case("logsumexp bucket edge 256 and 255.99999999999997",
             [256.0, 255.99999999999997, -256.0, -256.00000000000006])
    dmax = sys.float_info.max
    lse_case("logsumexp DBL_MAX once", [dmax])
    lse_case("logsumexp DBL_MAX twice (rounds to DBL_MAX)", [dmax, dmax])
    lse_case("logsumexp -DBL_MAX", [-dmax])
    lse_case("logsumexp -DBL_MAX and -DBL_MAX", [-dmax, -dmax])
    lse_case("logsumexp DBL_MAX, -DBL_MAX, 0", [dmax, -dmax, 0.0])
    lse_case("logsumexp 2^62 and 2^62 - 512", [2.0**62, 2.0**62 - 512])
    lse_case("logsumexp 1e15 + 0.125 and 1e15", [1e15 + 0.125, 1e15])
    lse_case("logsumexp -Inf rows add nothing", [-INF, 1.5, -INF, 2.5])
    lse_case("logsumexp every row -Inf gives -Inf", [-INF, -INF])
    lse_case("logsumexp a +Inf row gives +Inf", [-INF, 1.0, INF, 3.0])
    lse_case("logsumexp +Inf and -Inf gives +Inf", [INF, -INF])
    lse_case("logsumexp no rows but NULL gives NULL", [None, None])
    lse_case("logsumexp NULL rows skipped", [None, 1.0, None, 2.0])
    # 10^5 rows of equal z: z + ln(10^5)
    for z in (0.5, -745.0, 709.0, 1e300):
        want = nearest(mpf(z) + mpmath.log(100000)) if True else None
        check("logsumexp 10^5 rows of z = %r" % z,
              "(WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r "
              "WHERE i < 100000) SELECT logsumexp(%s) FROM r)" % sql_num(z),
              sql_num(want), "ulp", TOL_LSE)
    # log-probabilities of a distribution: the exact ln S is next to 0,
    # where the bound is 2^-100 absolute (src/logsumexp.h)
    for k in (2, 3, 10):
        ps = [rng.random() for _ in range(k)]
        s = sum(ps)
        zs = [float(mpmath.log(mpf(p) / s)) for p in ps]
        want = lse_exact(zs)
        check("logsumexp of %d log-probabilities (result near 0): 2^-100 "
              "absolute" % k,
              "(SELECT logsumexp(column1) FROM %s)" % rows(zs),
              sql_num(want), "abs", 2.0**-100)
    # windows: a frame of 3 sliding over magnitudes, the maximum leaving
    zs = [3.0, 1e300, -2.0, 700.0, -700.0, 0.0, -1e300, 5e-324, 255.5,
          -INF, 12.25, -0.5]
    vals = ",".join("(%d,%s)" % (i + 1, sql_num(z)) for i, z in enumerate(zs))
    for i in range(len(zs)):
        frame = zs[max(0, i - 2): i + 1]
        want = lse_exact(frame)
        got = ("(SELECT v FROM (SELECT column1 AS i, logsumexp(column2) OVER "
               "(ORDER BY column1 ROWS 2 PRECEDING) AS v FROM (VALUES %s)) "
               "WHERE i = %d)" % (vals, i + 1))
        if math.isinf(want):
            check("logsumexp window of 3, frame ending at row %d" % (i + 1),
                  got, sql_num(want), "is")
        else:
            check("logsumexp window of 3, frame ending at row %d" % (i + 1),
                  got, sql_num(want), "ulp", TOL_LSE)


    # every way four rows in a row fall into two buckets (c = 0 and 512),
    # and eight, z - c alike: the four rows that wait in the state are
    # added together only where all four share a bucket and their limbs
    # (src/logsumexp.c),
    # so each pattern must reach the sums it belongs to (issue 27: make
    # mutate's survivors of that test).  A generator of its own, so that
    # the rows above keep their values.
    prng = random.Random(20261207)
    for n in (4, 5, 8):
        for pattern in range(16):
            # z - c within 8 of each other: e^(z - c) on the same limbs
            base = prng.uniform(-240, 232)
            zs = [(512.0 if (pattern >> (i % 4)) & 1 else 0.0)
                  + base + prng.uniform(0, 8) for i in range(n)]
            lse_case("logsumexp %d rows, buckets by pattern %d" % (n, pattern), zs)


# ----------------------------------------------------------------- entropy

def entropy_exact(p):
    if isinstance(p, list):
        return nearest(-mpmath.fsum(mpf(x) * mpmath.log(mpf(x))
                                    for x in p if x > 0))
    p = mpf(p)
    t = 0
    if p > 0:
        t += p * mpmath.log(p)
    if p < 1:
        t += (1 - p) * mpmath.log1p(-p)
    return nearest(-t)


def entropy_cases(rng):
    for p in (0.0, 1.0, 0.5, 0.25, 0.1, 1e-3, 1e-10, 1e-300, 5e-324,
              2.0**-1022, 1 - 2.0**-53, 1 - 1e-10, 0.9999, 0.7,
              rng.random(), rng.random(), rng.random()):
        check("entropy(%r)" % p, "entropy(%s)" % sql_num(p),
              sql_num(entropy_exact(p)), "ulp", TOL_ENTROPY)
    check("entropy('0.25') as TEXT", "entropy('0.25')",
          sql_num(entropy_exact(0.25)), "ulp", TOL_ENTROPY)
    check("entropy(NULL)", "entropy(NULL)", "NULL", "is")
    for k in (1, 2, 3, 5, 10, 50):
        for _ in range(3):
            xs = [rng.random() ** 3 for _ in range(k)]
            if k > 2:
                xs[rng.randrange(k)] = 0.0
            s = math.fsum(xs)
            ps = [x / s for x in xs]
            if abs(math.fsum(ps) - 1) > 1e-4:
                continue
            check("entropy(array K=%d)" % k, "entropy(%s)" % q(js(ps)),
                  sql_num(entropy_exact(ps)), "ulp", TOL_ENTROPY)
            check("entropy(jsonb array K=%d)" % k,
                  "entropy(%s)" % jsonb(ps),
                  sql_num(entropy_exact(ps)), "ulp", TOL_ENTROPY)
    ps = [1 - 1e-12, 1e-12]
    check("entropy([1 - 1e-12, 1e-12])", "entropy(%s)" % q(js(ps)),
          sql_num(entropy_exact(ps)), "ulp", TOL_ENTROPY)
    check("entropy([1])", "entropy('[1]')", "0.0", "ulp", 0)
    # p where H(p) rounds to a power of two, 2^-1 to 2^-11, the rest of the
    # double-double pair a little over a quarter of an ulp: the last
    # rounding must take the pair's low part with its sign (found by
    # bisection on H; the values are mpmath's)
    for h in ("0x1.9901816140e0fp-3", "0x1.be3d645574f2p-6",
              "0x1.44d8a625d07f5p-8", "0x1.1f9b9e95ac45cp-9",
              "0x1.028d1a24d2b57p-10", "0x1.73873093cb893p-15"):
        p = float.fromhex(h)
        check("entropy(%s) is a power of two to the bit" % h,
              "entropy(%s)" % sql_num(p), sql_num(entropy_exact(p)), "ulp", 0)
        # the same as an array: the low parts of both elements' p ln p
        # must reach the exact sum, each with its sign
        check("entropy([%s, 1 - it]) is a power of two to the bit" % h,
              "entropy(%s)" % q(js([p, 1.0 - p])),
              sql_num(entropy_exact([p, 1.0 - p])), "ulp", 0)
    # a row that sums to 1 - 1e-4 within the grid (the least double at or
    # above it) is inside the tolerance (src/cce.h), measured from 1
    # exactly
    f = Fraction(1) - Fraction(1e-4)
    edge = float(f)
    if Fraction(edge) < f:
        edge = math.nextafter(edge, 1.0)
    check("entropy([%r]) sums to 1 within the tolerance, at its edge" % edge,
          "entropy(%s)" % q(js([edge])), sql_num(entropy_exact([edge])), "ulp",
          TOL_ENTROPY)
    # subnormal elements still count, to the unit (-p ln p = 744 units
    # for the least), with a log of p that takes in nothing more
    for ps in [[1.0, k * 2.0**-1074] for k in range(1, 9)] + [[5e-324, 1.0, 0.0]]:
        check("entropy(%s) to the unit" % js(ps), "entropy(%s)" % q(js(ps)),
              sql_num(entropy_exact(ps)), "ulp", 0)
    # p = k * 2^-1074: H is about p (1 - ln p), a few thousand units of
    # 2^-1074, exact to the unit; a log of p or of 1 - p that takes in
    # 2^-1074 more, or the pair's low part with the wrong sign at the end,
    # is a unit off for most k (make mutate's survivors of src/entropy.c)
    for k in range(1, 9):
        p = k * 2.0**-1074
        check("entropy(%d x 2^-1074) to the unit" % k, "entropy(%s)" % sql_num(p),
              sql_num(entropy_exact(p)), "ulp", 0)


# ------------------------------------------------------------------- kl_div

def clip(p):
    return min(max(p, EPS), 1 - EPS)


def kl_exact_mp(y, p):
    """KL(y || clip(p)) as an mpf; y an index or a list."""
    if not isinstance(y, list):
        y = [1.0 if i == y else 0.0 for i in range(len(p))]
    with mp.workdps(100):
        return mpmath.fsum(mpf(a) * (mpmath.log(mpf(a)) - mpmath.log(mpf(clip(b))))
                           for a, b in zip(y, p) if a > 0)


def kl_sql(y):
    return repr(y) if not isinstance(y, list) else q(js(y))


def dist(rng, k, zero=False):
    xs = [rng.random() ** 2 for _ in range(k)]
    if zero:
        xs[rng.randrange(k)] = 0.0
    s = math.fsum(xs)
    return [x / s for x in xs]


def kl_cases(rng):
    # torchmetrics' docstring: kl_divergence([[0.36,0.48,0.16]],
    # [[1/3,1/3,1/3]]) = 0.0853 (published, 3 digits)
    check("kl_div_term torchmetrics example 0.0853",
          "kl_div_term('[0.36,0.48,0.16]', '[%r,%r,%r]')" % (1/3, 1/3, 1/3),
          "0.0853", "abs", 5e-5)
    for k in (2, 3, 5, 10, 30):
        for _ in range(3):
            y = dist(rng, k, zero=k > 2)
            p = dist(rng, k)
            want = nearest(kl_exact_mp(y, p))
            check("kl_div_term(y, p) K=%d" % k,
                  "kl_div_term(%s, %s)" % (q(js(y)), q(js(p))),
                  sql_num(want), "ulp", TOL_KL)
            c = rng.randrange(k)
            want = nearest(kl_exact_mp(c, p))
            check("kl_div_term(class %d, p) K=%d is -ln q_c" % (c, k),
                  "kl_div_term(%d, %s)" % (c, q(js(p))),
                  sql_num(want), "ulp", TOL_KL)
            w = rng.uniform(0, 5)
            want = nearest(mpf(w) * kl_exact_mp(y, p))
            check("kl_div_term(y, p, w) K=%d" % k,
                  "kl_div_term(%s, %s, %s)" % (q(js(y)), q(js(p)), sql_num(w)),
                  sql_num(want), "ulp", TOL_KL)
    # y ~ q: the terms cancel; relative error must stay small
    for k in (2, 3, 10):
        for rel in (1e-4, 1e-8, 1e-12, 2.0**-50):
            y = dist(rng, k)
            p = [x * (1 + rel * rng.uniform(-1, 1)) for x in y]
            want = nearest(kl_exact_mp(y, p))
            check("kl_div_term(y, p ~ y, |p/y - 1| < %g) K=%d" % (rel, k),
                  "kl_div_term(%s, %s)" % (q(js(y)), q(js(p))),
                  sql_num(want), "ulp", TOL_KL)
    y = [0.5, 0.5]
    p = [0.5, math.nextafter(0.5, 1)]
    check("kl_div_term(y, p one ulp off)",
          "kl_div_term(%s, %s)" % (q(js(y)), q(js(p))),
          sql_num(nearest(kl_exact_mp(y, p))), "ulp", TOL_KL)
    check("kl_div_term(y, y) = 0", "kl_div_term('[0.25,0.75]', '[0.25,0.75]')",
          "0.0", "is")
    # w the smallest subnormal: w*KL, about 35*2^-1074, is on the grid of
    # the subnormals, not 0 (issue 27: the test w == 0 made w == 2^-1074,
    # or w's low part 2^-1074, passed every other row)
    y = [1.0, 0.0]
    p = [1e-15, 1 - 1e-15]
    w = 2.0**-1074
    check("kl_div_term(y, p, w) w = 2^-1074",
          "kl_div_term(%s, %s, %s)" % (q(js(y)), q(js(p)), sql_num(w)),
          sql_num(nearest(mpf(w) * kl_exact_mp(y, p))), "ulp", TOL_KL)
    # the clip: p = 0 where y > 0 costs -ln(eps)
    y = [0.5, 0.5, 0.0]
    p = [1.0, 0.0, 0.0]
    check("kl_div_term clips p = 0 to eps (src/loss.h)",
          "kl_div_term(%s, %s)" % (q(js(y)), q(js(p))),
          sql_num(nearest(kl_exact_mp(y, p))), "ulp", TOL_KL)
    check("kl_div_term jsonb y and p",
          "kl_div_term(%s, %s)" % (jsonb([0.2, 0.8]), jsonb([0.6, 0.4])),
          sql_num(nearest(kl_exact_mp([0.2, 0.8], [0.6, 0.4]))), "ulp", TOL_KL)
    check("kl_div_term NULL w", "kl_div_term('[0.2,0.8]', '[0.6,0.4]', NULL)",
          "NULL", "is")
    # aggregates and windows
    data = []
    for i in range(9):
        k = 3
        y = rng.randrange(k) if i % 3 == 0 else dist(rng, k, zero=i % 2 == 0)
        p = dist(rng, k)
        w = [1.0, 2.5, 0.0, 0.75, 3.0][i % 5]
        data.append((i + 1, y, p, w))
    vals = ",".join("(%d,%s,%s,%s)" % (i, kl_sql(y), q(js(p)), sql_num(w))
                    for i, y, p, w in data)

    def mean(rows_, weighted):
        num = mpmath.fsum((mpf(w) if weighted else 1) * kl_exact_mp(y, p)
                          for _, y, p, w in rows_ if not weighted or w > 0)
        den = mpmath.fsum((mpf(w) if weighted else 1) for _, y, p, w in rows_
                          if not weighted or w > 0)
        return nearest(num / den)

    check("kl_div(y, p) over 9 rows",
          "(SELECT kl_div(column2, column3) FROM (VALUES %s))" % vals,
          sql_num(mean(data, False)), "ulp", TOL_KL)
    # weights whose sum is subnormal: both sums read at its scale
    sub = [(1, 0, [0.25, 0.75], 3e-320), (2, [0.5, 0.5], [0.9, 0.1], 1e-321)]
    vals_sub = ",".join("(%d,%s,%s,%s)" % (i, kl_sql(y), q(js(p)), sql_num(w))
                        for i, y, p, w in sub)
    check("kl_div(y, p, w) with subnormal weights",
          "(SELECT kl_div(column2, column3, column4) FROM (VALUES %s))" % vals_sub,
          sql_num(mean(sub, True)), "ulp", TOL_KL)
    check("kl_div(y, p, w) over 9 rows",
          "(SELECT kl_div(column2, column3, column4) FROM (VALUES %s))" % vals,
          sql_num(mean(data, True)), "ulp", TOL_KL)
    for end in range(1, 10):
        frame = data[max(0, end - 3): end]
        check("kl_div(y, p, w) window of 3, frame ending at row %d" % end,
              "(SELECT v FROM (SELECT column1 AS i, kl_div(column2, column3, "
              "column4) OVER (ORDER BY column1 ROWS 2 PRECEDING) AS v FROM "
              "(VALUES %s)) WHERE i = %d)" % (vals, end),
              sql_num(mean(frame, True)), "ulp", TOL_KL)


# ------------------------------------------------- long-format cross-entropy

def recipe_cases(rng):
    """The recipe of docs/functions.md: one row per (example, class), the
    per-example cross-entropy logsumexp(z) - max(CASE WHEN k = label THEN z
    END), and its mean, against mpmath's -ln softmax(z)_label."""
    ex = []
    for e in range(6):
        k = rng.randrange(2, 6)
        zs = [rng.uniform(-8, 8) for _ in range(k)]
        ex.append((e, rng.randrange(k), zs))
    ex.append((6, 0, [30.0, -30.0, 0.0]))
    vals = ",".join("(%d,%d,%d,%s)" % (e, c, lab, sql_num(z))
                    for e, lab, zs in ex for c, z in enumerate(zs))
    per = {}
    for e, lab, zs in ex:
        with mp.workdps(100):
            l = mpmath.log(mpmath.fsum(mpmath.exp(mpf(z)) for z in zs)) - mpf(zs[lab])
        per[e] = l
    for e, lab, zs in ex:
        # logsumexp is rounded once, then the subtraction rounds: 1 ulp of
        # each, relative to the loss when it is small against ln S
        lse = lse_exact(zs)
        want = nearest(mpf(lse) - mpf(zs[lab]))
        check("recipe long-format cross-entropy, example %d (K=%d)" % (e, len(zs)),
              "(SELECT logsumexp(z) - max(CASE WHEN k = label THEN z END) "
              "FROM (SELECT column1 AS ex, column2 AS k, column3 AS label, "
              "column4 AS z FROM (VALUES %s)) WHERE ex = %d)" % (vals, e),
              sql_num(want), "is")
        check("recipe long-format cross-entropy within 4 ulp of mpmath, "
              "example %d" % e,
              "(SELECT logsumexp(z) - max(CASE WHEN k = label THEN z END) "
              "FROM (SELECT column1 AS ex, column2 AS k, column3 AS label, "
              "column4 AS z FROM (VALUES %s)) WHERE ex = %d)" % (vals, e),
              sql_num(nearest(per[e])), "rel", 4 * 2.0**-52 * max(1, abs(float(lse)) / max(float(per[e]), 1e-300)))
    mean = nearest(mpmath.fsum(per.values()) / len(per))
    check("recipe long-format cross-entropy, the mean over examples = "
          "cce_logits",
          "(SELECT avg(l) FROM (SELECT logsumexp(z) - max(CASE WHEN k = label "
          "THEN z END) AS l FROM (SELECT column1 AS ex, column2 AS k, column3 "
          "AS label, column4 AS z FROM (VALUES %s)) GROUP BY ex))" % vals,
          sql_num(mean), "rel", 1e-14)


def doc_cases():
    """The examples of docs/functions.md's Scores section, each the double
    nearest the exact value (0 ulp)."""
    check("docs: logsumexp over 1, 2, 3",
          "(SELECT logsumexp(column1) FROM (VALUES (1), (2), (3)))",
          sql_num(lse_exact([1.0, 2.0, 3.0])), "ulp", 0)
    check("docs: entropy(0.5) = ln 2", "entropy(0.5)",
          sql_num(entropy_exact(0.5)), "ulp", 0)
    check("docs: entropy('[0.25, 0.25, 0.5]') = 1.5 ln 2",
          "entropy('[0.25, 0.25, 0.5]')",
          sql_num(entropy_exact([0.25, 0.25, 0.5])), "ulp", 0)
    check("docs: entropy(1e-300)", "entropy(1e-300)",
          sql_num(entropy_exact(1e-300)), "ulp", 0)
    third = 1 / 3
    check("docs: kl_div_term of torchmetrics' example",
          "kl_div_term('[0.36,0.48,0.16]', '[%r,%r,%r]')" % (third, third, third),
          sql_num(nearest(kl_exact_mp([0.36, 0.48, 0.16], [third] * 3))),
          "ulp", 0)
    check("docs: ln(1 + e^-720) from the rows 0 and -720",
          "(SELECT logsumexp(column1) FROM (VALUES (0), (-720)))",
          sql_num(lse_exact([0.0, -720.0])), "ulp", 0)


def main():
    rng = random.Random(23)
    doc_cases()
    logsumexp_cases(rng)
    entropy_cases(rng)
    kl_cases(rng)
    recipe_cases(rng)
    print("-- Generated by tests/gen_scores_ref.py (mpmath, 60 digits, 400 "
          "where needed); do not edit.")
    print("-- Issue 23: logsumexp, entropy, kl_div_term, kl_div and the "
          "long-format")
    print("-- cross-entropy recipe against the exact values (the doubles "
          "nearest them).")
    print("-- kl_div's clip: BCE_DEFAULT_EPS = %r (src/loss.h)." % EPS)
    print(".read tests/sql/lib/checks.sql")
    print()
    for line in OUT:
        print(line)
    print()
    print(".read tests/sql/lib/report.sql")


if __name__ == "__main__":
    main()
