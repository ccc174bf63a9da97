#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Focal losses through e^(gamma ln f) near a rounding boundary (issue 22,
"The same bits"): the fast path's loss is within (2^-63 + |gamma ln f|
2^-64) of itself, and a loss nearer a boundary than that goes to the
accurate path, so every build rounds it the same way, and the right way.

Writes tests/sql/mpmath_focal_rounding.sql (CI only reads it): 0-ulp
checks ('is' against the nearest double of the exact loss, mpmath at 60
digits past the loss's magnitude, the formula of tests/gen_binary_opt.py)
of the cases that were rounded the wrong way before:
  - bce_term(1, 0x1.666e3e06c642ep-2, '{"gamma": 300}'): 1.2e-6 ulp from
    a midpoint; the default build (Dekker products) gave ...f17p-187, an
    -mfma build ...f18p-187 (its exponential's fma path, since removed);
  - the clip's end with gamma 2.5: q = 2^-52 (or 1 - q), f^2.5 = 2^-130
    exactly and -ln(1 - 2^-52) = 2^-52 (1 + 2^-53 + 2^-105/3 + ...), 7e-17
    ulp past the midpoint above 2^-182: the fast path gave 2^-182.  (That
    is nearer than the accurate path's own bound, 2^-98 relative, so its
    right answer there is not guaranteed by the bound; it is the same
    operations on every build all the same.)
  - a soft label with gamma 300 (tests/samebits' old-vs-new comparison);
and, as three equal rows of the aggregate bce(y, p, options), the cases
of AGG_CASES below, which take its hard-label path (make coverage); and
the large gammas of LARGE_TARGETS, LARGE_EDGES and SEARCH_SETS (issue
21's "any gamma"), as bce_term and as a full batch of four rows; and
BRANCH_ROWS, branches of src/binary_opt.c no other check takes (issue 27).

Run:  /usr/bin/python3 tests/gen_focal_rounding.py
      /usr/bin/python3 tests/gen_focal_rounding.py --search   (finds the
      subnormal row of BRANCH_ROWS again)
"""
import os
import random
import sys

import mpmath
from mpmath import mp, mpf, log, nint, ldexp, floor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_ref import sql_num  # noqa: E402
from gen_binary_opt import loss_at_q, loss_at_z, clip  # noqa: E402

EPS = 2.0**-52    # the default clip

# (y, p, options text, gamma, pw, smoothing, alpha)
CASES = [
    (1.0, float.fromhex("0x1.666e3e06c642ep-2"), '{"gamma": 300}',
     300.0, 1.0, 0.0, None),
    (1.0, 1.0 - 2.0**-52, '{"gamma": 2.5}', 2.5, 1.0, 0.0, None),
    (0.0, float.fromhex("0x1.724cc28ae4998p-56"), '{"gamma": 2.5}',
     2.5, 1.0, 0.0, None),
    (0.0, 0.0, '{"gamma": 2.5}', 2.5, 1.0, 0.0, None),
    (1.0, 1.0, '{"gamma": 2.5}', 2.5, 1.0, 0.0, None),
    (float.fromhex("0x1.cf9338779f267p-1"),
     float.fromhex("0x1.b52061736a40cp-2"), '{"gamma": 300}',
     300.0, 1.0, 0.0, None),
]

# The aggregate's rows after the first with the same options and a hard
# label take bce_opt_hard_loss() (src/binary_opt.c, ext/aggregate.c), which
# decides the same way: three equal rows, whose mean is the row's loss.
# Found by a search over random p (seed 22) for losses within 0.3 of that
# test's margin of a midpoint, with smoothing (both logarithms) and gamma
# through e^(gamma ln f); and one whose |gamma ln f| is past 256, where
# the hard path gives the row to bce_opt_loss().
# (y, p, options text, gamma, pw, smoothing)
AGG_CASES = [
    (1.0, float.fromhex("0x1.3e2336b5f4526p-2"),
     '{"smoothing": 0.1, "gamma": 37.7}', 37.7, 1.0, 0.1),
    (1.0, float.fromhex("0x1.a160c857232f5p-1"),
     '{"smoothing": 0.2, "gamma": 2.5}', 2.5, 1.0, 0.2),
    (0.0, float.fromhex("0x1.20dbc813e1820p-5"),
     '{"smoothing": 0.1, "gamma": 37.7}', 37.7, 1.0, 0.1),
    (0.0, float.fromhex("0x1.9ee1ecc7843e5p-1"),
     '{"smoothing": 0.2, "gamma": 2.5}', 2.5, 1.0, 0.2),
    (1.0, 0.99, '{"smoothing": 0.1, "gamma": 100}', 100.0, 1.0, 0.1),
]


# Large gamma (the focal factor e^(gamma ln f) past |gamma ln f| = 256,
# where the fast path of before gave every row to the accurate one): the
# loss through focal_exp_loss() (src/binary_opt.c), each row as bce_term
# (the scalar path) and as four equal rows of the aggregate (a full batch:
# the vector lanes' path; the mean of four equal losses is the loss).
# (y, gamma, L): p such that gamma ln f = L, f = 1 - p_t, so that the
# factor lands where the path changes: e^L normal, past the normal range
# (the loss scaled in two steps), the exponential's two ranges (-708),
# a subnormal loss, the last subnormal, the early 0 past L = -800; a
# normal loss whose factor is past the normal range (-ln q of 7 and 28).
LARGE_TARGETS = [
    (0.0, 300.0, -650.0), (0.0, 300.0, -707.9), (0.0, 300.0, -708.1),
    (1.0, 300.0, -720.0), (0.0, 300.0, -744.0), (1.0, 300.0, -755.0),
    (0.0, 300.0, -799.9), (0.0, 300.0, -800.1), (1.0, 1000.0, -300.0),
    (1.0, 1000.0, -710.0), (0.0, 1000.0, -730.0), (1.0, 1000.0, -745.5),
    (0.0, 1000.0, -790.0), (1.0, 1e6, -20.0), (1.0, 1e6, -740.0),
    (1.0, 1e15, -100.0), (0.0, 1e15, -735.0), (0.0, 50.0, -600.0),
    (1.0, 1e6, -710.0), (1.0, 1e15, -711.0),
    (1.0, 7.3, -200.0),
]
# (y, p, gamma): the clip's ends and p near 0 and 1, where f = 1 - p_t is
# 2^-52 or 1 - 2^-52 (the factor 0, or near 1: L tiny)
LARGE_EDGES = [
    (1.0, 1.0 - 2.0**-52, 300.0), (0.0, 2.0**-52, 300.0),
    (1.0, 2.0**-52, 300.0), (0.0, 1.0 - 2.0**-52, 300.0),
    (1.0, 2.0**-40, 1000.0), (0.0, 1.0 - 2.0**-40, 1000.0),
    (1.0, 1e-10, 1e6), (1.0, 2.0**-52, 1e15), (1.0, 0.5, 7.3),
    (0.0, 1.0 - 2.0**-52, 7.3), (1.0, 2.0**-52, 50.0), (0.0, 0.999, 50.0),
    (1.0, 1.0 - 2.0**-52, 50.0), (1.0, 0.25, 1e300),
]
# Rows of gamma 7.3 to 1000 (and with smoothing, pos_weight, alpha,
# logits) found by a search over random p (seed 21) for losses nearest a
# midpoint: where the new path's test must give the row to the accurate
# path (its margin, g 2^-72 of L, is 2^-9 ulp at gamma 1000).
SEARCH_SEED = 21
SEARCH_SETS = [  # (gamma, pos_weight, smoothing, alpha, logits)
    (300.0, 1.0, 0.0, None, False), (1000.0, 1.0, 0.0, None, False),
    (7.3, 1.0, 0.0, None, False), (50.0, 3.0, 0.0, None, False),
    (300.0, 1.0, 0.1, None, False), (300.0, 1.0, 0.0, 0.25, False),
    (300.0, 1.0, 0.0, None, True),
]

# Rows that take a branch of src/binary_opt.c no check above takes (issue
# 27, make coverage), each against the nearest double of the exact loss:
#  - a subnormal loss within 2^-60.6 of a midpoint of the subnormals'
#    grid through e^(gamma ln f): focal_exp_loss()'s second rounding test,
#    the one on that grid, whose margin there is 2^-55.5 of the loss, gives
#    the row to the accurate path.  The loss is on the side of the odd
#    neighbour: without that test the fast path's ends, both the midpoint
#    (the first test's 53 bits), would round to the even one.  Found by a
#    search (seed 608, about 10^5 tries): y = 1, q uniform in [0.006,
#    0.009], m uniform below 2^20, gamma the double nearest the root of
#    -ln q (1 - q)^gamma = (2m + 1) 2^-1075, kept where the loss is within
#    2^-60 of that midpoint and nearest an odd multiple of 2^-1074;
#    main() checks it is within SUBNORMAL_MID_ULPS of a grid unit (about
#    2^-58 of the loss), and --search finds it again (search_subnormal(), a
#    few seconds);
#  - gamma 2 and 3 (by products, fast_loss()) with a logit of 50, where
#    f = 1 - q = e^-50/(1 + e^-50) is below 2^-60: fast_loss()'s range
#    test gives the row to the accurate path;
#  - gamma 10^6 with a logit of 200, and with p = 10^-300 at eps 0, where
#    gamma ln f is below -2^27: x_exp()'s early 0 (the loss is 0).
# (y, x, gamma, logits, eps)
BRANCH_ROWS = [
    (1.0, float.fromhex("0x1.de62675eeb002p-8"), 100099.34698413224, False,
     EPS),
    (1.0, 50.0, 2.0, True, EPS), (1.0, 50.0, 3.0, True, EPS),
    (1.0, 200.0, 1e6, True, EPS), (0.0, 1e-300, 1e6, False, 0.0),
]
SUBNORMAL_MID_ULPS = mpf(2) ** -40


def search_subnormal():
    """(q, gamma) of BRANCH_ROWS' first row: the first hit of its search"""
    R = random.Random(608)
    mp.dps = 40
    while True:
        q = R.uniform(0.006, 0.009)
        mq = mpf(q)
        c, lf = -log(mq), log(1 - mq)
        target = (2 * R.randrange(0, 2**20) + 1) * ldexp(mpf(1), -1075)
        g = float((log(target) - log(c)) / lf)
        if not 9e4 < g < 2e5:
            continue
        v = c * (1 - mq) ** mpf(g)
        # on the odd neighbour's side: the midpoint's tie would round away
        if abs(log(v / target)) < ldexp(mpf(1), -60) \
           and int(nint(v * ldexp(mpf(1), 1074))) % 2 == 1:
            return q, g


def options_text(gamma, pw, s, alpha):
    t = '{"gamma": %r' % gamma
    if pw != 1.0:
        t += ', "pos_weight": %r' % pw
    if s != 0.0:
        t += ', "smoothing": %r' % s
    if alpha is not None:
        t += ', "alpha": %r' % alpha
    return t + '}'


def exact_loss(y, x, gamma, pw, s, alpha, logits):
    """the loss at 60 digits past its magnitude (0 where it is below
    2^-1100: then the nearest double is 0)"""
    def at(prec):
        mp.dps = prec
        if logits:
            return loss_at_z(y, mpf(x), pw, s, gamma, alpha)
        return loss_at_q(y, mpf(clip(x, EPS)), pw, s, gamma, alpha)
    v0 = at(60)
    if v0 == 0 or v0 < ldexp(mpf(1), -1100):
        return mpf(0)
    return at(60 + int(abs(log(v0, 10))))


def large_rows():
    """(y, p, gamma, pw, s, alpha, logits) of the large-gamma checks"""
    rows = []
    mp.dps = 50
    for (y, g, L) in LARGE_TARGETS:
        f = mpmath.exp(mpf(L) / mpf(g))
        p = float(f) if y == 0.0 else float(1 - f)
        rows.append((y, p, g, 1.0, 0.0, None, False))
    for (y, p, g) in LARGE_EDGES:
        rows.append((y, p, g, 1.0, 0.0, None, False))
    R = random.Random(SEARCH_SEED)
    for (g, pw, s, alpha, logits) in SEARCH_SETS:
        found = []
        while len(found) < 3:
            y = float(R.randrange(2))
            x = R.uniform(-4.0, 4.0) if logits else R.random()
            v = exact_loss(y, x, g, pw, s, alpha, logits)
            if v == 0 or v < ldexp(mpf(1), -1022):
                continue
            want, mid = nearest_double(v)
            if mid < mpf(2) ** -9:
                found.append((y, x, g, pw, s, alpha, logits))
        rows += found
    return rows


def nearest_double(v):
    """v rounded to the nearest double (ties to even) and its distance
    from the nearest midpoint, in ulps (the subnormals' grid below
    2^-1022)"""
    if v == 0:
        return 0.0, mpf(1) / 2
    e = max(int(floor(log(abs(v), 2))), -1022)
    ulp = ldexp(mpf(1), e - 52)
    m = v / ulp
    r = nint(m)
    return float(r * ulp), abs(abs(m - floor(m)) - mpf(1) / 2)


def num(x):
    return repr(x) if x in (0.0, 1.0) else x.hex()


def emit_term(lines, what, y, x, logits, opts, want, batch):
    """The term's check, and with batch the same row four times through
    bce(y, p, options), a full batch of its fast path, against one value"""
    fn = "bce_logits_term" if logits else "bce_term"
    name = "%s%s(%s, %s, '%s')" % (what, fn, num(y), num(x), opts)
    lines.append("INSERT INTO checks VALUES('%s', %s(%s, %s, '%s'), "
                 "%s, 'is', NULL);"
                 % (name.replace("'", "''"), fn, sql_num(y), sql_num(x),
                    opts, sql_num(want)))
    if not batch:
        return
    row = "(%s, %s)" % (sql_num(y), sql_num(x))
    name = "four rows of bce(y, p, options), a full batch: " + name
    lines.append("INSERT INTO checks VALUES('%s', (SELECT bce(column1, "
                 "column2, '%s') FROM (VALUES %s, %s, %s, %s)), %s, 'is', "
                 "NULL);" % (name.replace("'", "''"), opts, row, row, row,
                             row, sql_num(want)))


def main():
    lines = [
        "-- Generated by tests/gen_focal_rounding.py (mpmath, 60 digits past the",
        "-- loss); do not edit.  Issue 22: focal losses e^(gamma ln f) near a",
        "-- rounding boundary are the nearest double on every build.",
        ".read tests/sql/lib/checks.sql",
        "",
    ]
    for (y, p, opts, gamma, pw, s, alpha) in CASES:
        mp.dps = 60
        q = clip(p, EPS)
        v0 = loss_at_q(y, mpf(q), pw, s, gamma, alpha)
        mp.dps = 60 + int(abs(log(v0, 10)))
        v = loss_at_q(y, mpf(q), pw, s, gamma, alpha)
        want, mid = nearest_double(v)
        name = "focal near a boundary (%.1e ulp from the midpoint): " \
               "bce_term(%s, %s, '%s')" % (float(mid), num(y), num(p), opts)
        lines.append("INSERT INTO checks VALUES('%s', bce_term(%s, %s, '%s'), "
                     "%s, 'is', NULL);"
                     % (name.replace("'", "''"), sql_num(y), sql_num(p), opts,
                        sql_num(want)))
    for (y, p, opts, gamma, pw, s) in AGG_CASES:
        mp.dps = 60
        q = clip(p, EPS)
        v0 = loss_at_q(y, mpf(q), pw, s, gamma, None)
        mp.dps = 60 + int(abs(log(v0, 10)))
        v = loss_at_q(y, mpf(q), pw, s, gamma, None)
        want, mid = nearest_double(v)
        name = "three rows of bce(y, p, options), the hard label's path " \
               "(%.1e ulp from the midpoint): bce(%s, %s, '%s')" \
               % (float(mid), num(y), num(p), opts)
        row = "(%s, %s)" % (sql_num(y), sql_num(p))
        lines.append("INSERT INTO checks VALUES('%s', (SELECT bce(column1, "
                     "column2, '%s') FROM (VALUES %s, %s, %s)), %s, 'is', "
                     "NULL);" % (name.replace("'", "''"), opts, row, row, row,
                                 sql_num(want)))
    for (y, x, g, pw, s, alpha, logits) in large_rows():
        v = exact_loss(y, x, g, pw, s, alpha, logits)
        want, mid = nearest_double(v)
        opts = options_text(g, pw, s, alpha)
        emit_term(lines, "large gamma (%.1e ulp from the midpoint): "
                  % float(mid), y, x, logits, opts, want, not logits)
    for (y, x, g, logits, eps) in BRANCH_ROWS:
        def at(prec):
            # a logit's 1 - q is e^-z: |z| digits more, or it cancels
            mp.dps = prec + (int(abs(x)) if logits else 0)
            if logits:
                return loss_at_z(y, mpf(x), 1.0, 0.0, g, None)
            return loss_at_q(y, mpf(clip(x, eps)), 1.0, 0.0, g, None)
        v = at(60)
        if v != 0 and v >= ldexp(mpf(1), -1100):
            v = at(60 + int(abs(log(v, 10))))
        else:
            v = mpf(0)
        want, mid = nearest_double(v)
        if x == BRANCH_ROWS[0][1] and not mid < SUBNORMAL_MID_ULPS:
            sys.exit("gen_focal_rounding.py: the subnormal row is %s ulp "
                     "from its midpoint, not within 2^-40" % mid)
        opts = '{"gamma": %r%s}' % (g, '' if eps == EPS else
                                    ', "eps": %r' % eps)
        emit_term(lines, "a branch of its own (%.1e ulp from the midpoint): "
                  % float(mid), y, x, logits, opts, want,
                  not logits and eps == EPS)
    lines.append(".read tests/sql/lib/report.sql")
    path = os.path.join(HERE, "sql", "mpmath_focal_rounding.sql")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if "--search" in sys.argv:
        q, g = search_subnormal()
        print("p = %s, gamma = %r" % (q.hex(), g))
    else:
        main()
