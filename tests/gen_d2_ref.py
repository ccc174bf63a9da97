#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The mpmath references of bce_d2 and cce_d2 (issue 23):
tests/sql/mpmath_d2.sql.

D^2 = 1 - L/L0 straight from the definitions, at 60 digits: L the mean of
the rows' losses, L0 the mean of the same losses of the null model, which
predicts the weighted mean label (per class), clipped as any prediction is.
L0 is summed row by row here (the C forms it from the label sums: the
loss is affine in y), so the two do not share a shortcut.  Every value
rounded to the nearest double exactly; nothing here reads the extension.

    /usr/bin/python3 tests/gen_d2_ref.py > tests/sql/mpmath_d2.sql

The options follow src/binary_opt.h and src/cce.h:
    binary  l = -(pw y' ln q + (1 - y') ln(1 - q)),  y' = y(1-s) + s/2
    cce     l = -sum_c cw_c y'_c ln q_c,  y' = y(1-s) + s/K,  the mean's
            denominator sum(w d), d = cw_k for a class index k, else 1
    q = min(max(p, eps), fl(1 - eps)), as bce_clip() has it.
"""
import math
import random
import re
import sys
from fractions import Fraction

import mpmath
from mpmath import mp, mpf

mp.dps = 60
HERE = __file__.rsplit("/", 1)[0]
_EPS_TEXT = re.search(r"#define BCE_DEFAULT_EPS (\S+)",
                      open(HERE + "/../src/loss.h").read()).group(1)
# a C hex float (0x1p-52) or a decimal one
EPS = (float.fromhex(_EPS_TEXT) if _EPS_TEXT.lower().startswith("0x")
       else float(_EPS_TEXT))
REL_L = mpf(2)**-50   # the family's mean: 4 ulp (the accuracy standard)
MEASURED = []         # (name, call, rows, want, L/L0): tests/gen_d2_ref.py
                      # --measure reads the extension's errors in these units


def nearest(x):
    if x == 0:
        return 0.0
    if mpmath.isinf(x):
        return float("inf") if x > 0 else float("-inf")
    man, exp = int(x.man) * (1 if x >= 0 else -1), int(x.exp)
    return float(Fraction(man) * (Fraction(2) ** exp))


def sql_num(x):
    x = float(x)
    if x == int(x) and abs(x) < 2**53:
        return "%d.0" % int(x)
    n, d = x.as_integer_ratio()
    e = -(d.bit_length() - 1)
    while n % 2 == 0:
        n //= 2
        e += 1
    return "ieee754(%d,%d)" % (n, e)


def js(xs):
    return "[" + ",".join(repr(float(x)) for x in xs) + "]"


def clip(p, eps):
    hi = 1.0 - eps                      # the double, as bce_clip() has it
    q = p if p > eps else mpf(eps)
    return q if q < hi else mpf(hi)


def xlog(a, q):
    """a ln q, 0 for a = 0."""
    return mpf(0) if a == 0 else a * mpmath.log(q)


def xlog1m(a, q):
    """a ln(1 - q), 0 for a = 0: log1p, so that a q of 5e-324 is not lost
    in 1 - q at 60 digits."""
    return mpf(0) if a == 0 else a * mpmath.log1p(-q)


def bce_d2_ref(rows, eps=EPS, pw=1.0, s=0.0):
    """rows: (y, p, w); None for NULL (fewer than 2 rows, all labels the
    same)."""
    rows = [(mpf(y), mpf(p), mpf(w)) for y, p, w in rows if w > 0]
    if len(rows) < 2:
        return None
    W = sum(w for _, _, w in rows)
    ybar = sum(w * y for y, _, w in rows) / W
    if ybar == 0 or ybar == 1:
        return None

    def loss(y, q):
        y1 = y * (1 - mpf(s)) + mpf(s) / 2
        return -(pw * xlog(y1, q) + xlog1m(1 - y1, q))
    L = sum(w * loss(y, clip(p, eps)) for y, p, w in rows) / W
    q0 = clip(ybar, eps)
    L0 = sum(w * loss(y, q0) for y, _, w in rows) / W
    return 1 - L / L0, L / L0


def cce_d2_ref(rows, K, eps=EPS, cw=None, s=0.0, ignore=None):
    """rows: (y, p, w), y a class index or a list of K targets."""
    cwv = [mpf(c) for c in cw] if cw else [mpf(1)] * K
    kept = []
    for y, p, w in rows:
        if ignore is not None and not isinstance(y, list) and y == ignore:
            continue
        if w <= 0:
            continue
        if isinstance(y, list):
            t, d = [mpf(v) for v in y], mpf(1)
        else:
            t = [mpf(1) if c == y else mpf(0) for c in range(K)]
            d = cwv[y] if cw else mpf(1)
        kept.append((t, [mpf(v) for v in p], mpf(w), d))
    if len(kept) < 2:
        return None
    W = sum(w for _, _, w, _ in kept)
    D = sum(w * d for _, _, w, d in kept)
    pi = [sum(w * t[c] for t, _, w, _ in kept) / W for c in range(K)]
    if any(v == 1 for v in pi):
        return None

    def loss(t, q):
        # a class of weight 0 adds nothing, even where its q_c is 0
        return -sum(cwv[c] * xlog(t[c] * (1 - mpf(s)) + mpf(s) / K, q[c])
                    for c in range(K) if cwv[c] != 0)
    L = sum(w * loss(t, [clip(v, eps) for v in p])
            for t, p, w, _ in kept) / D
    q0 = [clip(v, eps) for v in pi]
    L0 = sum(w * loss(t, q0) for t, _, w, _ in kept) / D
    return 1 - L / L0, L / L0


def check(name, call, rows_sql, ref):
    """ref: None (NULL) or (D2, L/L0).  The tolerance is the bound of
    docs/functions.md: D2 is 1 - L/L0 with L the family's mean, within
    REL_L of the exact mean, so D2 is within (L/L0) REL_L + 1 ulp of it
    (the ulp of D2 itself: 2^-52 |D2|; the 2^-99 terms of L0 below it)."""
    name = name.replace("'", "")
    if ref is None:
        w, kind, tol = "NULL", "'is'", 0
    else:
        want, ratio = ref
        w, kind = sql_num(nearest(want)), "'abs'"
        tol = repr(float(ratio * REL_L + abs(want) * mpf(2)**-52))
        MEASURED.append((name, call, rows_sql, want, ratio))
    print("INSERT INTO checks VALUES('%s', (SELECT %s FROM (VALUES %s)), "
          "%s, %s, %s);" % (name, call, rows_sql, w, kind, tol))


def opts_json(**kw):
    parts = []
    for k, v in kw.items():
        if v is None:
            continue
        if isinstance(v, list):
            parts.append('"%s": %s' % (k, js(v)))
        elif isinstance(v, int) and k == "ignore_index":
            parts.append('"%s": %d' % (k, v))
        else:
            parts.append('"%s": %r' % (k, float(v)))
    return "{" + ", ".join(parts) + "}" if parts else None


def bce_case(name, rows, weighted, eps=None, pw=None, s=None, text=False):
    o = opts_json(eps=eps, pos_weight=pw, smoothing=s)
    args = "column1, column2" + (", column3" if weighted else "")
    if o:
        args += ", '%s'" % o
    num = (lambda v: "'%r'" % float(v)) if text else sql_num
    rows_sql = ",".join("(%s,%s,%s)" % (num(y), num(p), num(w))
                        for y, p, w in rows)
    if not weighted:
        rows = [(y, p, 1.0) for y, p, _ in rows]
    want = bce_d2_ref(rows, EPS if eps is None else eps,
                      1.0 if pw is None else pw, 0.0 if s is None else s)
    check(name, "bce_d2(%s)" % args, rows_sql, want)


def cce_case(name, rows, K, weighted, eps=None, cw=None, s=None,
             ignore=None, dps=None):
    """dps: more digits than mp.dps where a weight is 2^-1074 of another
    (their sum is not 1 + 2^-1074 at 60 digits)."""
    o = opts_json(eps=eps, class_weight=cw, smoothing=s, ignore_index=ignore)
    args = "column1, column2" + (", column3" if weighted else "")
    if o:
        args += ", '%s'" % o
    rows_sql = ",".join(
        "(%s,'%s',%s)" % ("'%s'" % js(y) if isinstance(y, list) else str(y),
                          js(p), sql_num(w)) for y, p, w in rows)
    if not weighted:
        rows = [(y, p, 1.0) for y, p, _ in rows]
    with mpmath.workdps(dps or mp.dps):
        want = cce_d2_ref(rows, K, EPS if eps is None else eps, cw,
                          0.0 if s is None else s, ignore)
    check(name, "cce_d2(%s)" % args, rows_sql, want)


def dist(rng, K, sharp=1.0):
    v = [rng.random() ** sharp for _ in range(K)]
    t = sum(v)
    return [x / t for x in v]


def tiny_emit(name, sql, ref):
    """A check of a full SELECT against ref, at the bound of check()."""
    want, ratio = ref
    tol = repr(float(ratio * REL_L + abs(want) * mpf(2)**-52))
    print("INSERT INTO checks VALUES('%s', (%s), %s, 'abs', %s);"
          % (name.replace("'", ""), sql, sql_num(nearest(want)), tol))


def tiny_case(name, rows, K, **o):
    """D^2 where a label (or its complement) is seen only with a weight
    near 2^-1074 of sum(w), so that its frequency is below the normal
    doubles (docs/accuracy.md): the aggregate, bce_merge() of one state
    a row, and a window frame that an ordinary row has left, all against
    one reference at 5000 bits (at 400 bits 1 - pi loses pi)."""
    eps = o.get("eps", EPS)
    with mpmath.workprec(5000):
        if K is None:
            ref = bce_d2_ref(rows, eps, o.get("pw", 1.0), o.get("s", 0.0))
        else:
            ref = cce_d2_ref(rows, K, eps, o.get("cw"), o.get("s", 0.0))
    js_o = opts_json(eps=o.get("eps"), pos_weight=o.get("pw"),
                     class_weight=o.get("cw"), smoothing=o.get("s"))
    fn = "bce_d2" if K is None else "cce_d2"

    def y_sql(y):
        if K is None:
            return sql_num(y)
        return "'%s'" % js(y) if isinstance(y, list) else str(y)

    def p_sql(p):
        return sql_num(p) if K is None else "'%s'" % js(p)
    vals = ",".join("(%s,%s,%s)" % (y_sql(y), p_sql(p), sql_num(w))
                    for y, p, w in rows)
    args = "column1, column2, column3, '%s'" % js_o
    tiny_emit("%s %s" % (fn, name),
              "SELECT %s(%s) FROM (VALUES %s)" % (fn, args, vals), ref)
    MEASURED.append(("%s %s" % (fn, name), "%s(%s)" % (fn, args), vals,
                     ref[0], ref[1]))
    tiny_emit("bce_merge(%s_state) a row each, %s" % (fn, name),
              "SELECT bce_merge(s) FROM (SELECT %s_state(%s) AS s FROM "
              "(VALUES %s) GROUP BY column3)" % (fn, args, vals), ref)
    # an ordinary row of the other label first, then out of the frame
    first = (0.0, 0.5, 2.0) if K is None else (1, [1.0 / K] * K, 2.0)
    ivals = ",".join("(%d,%s,%s,%s)" % (i, y_sql(y), p_sql(p), sql_num(w))
                     for i, (y, p, w) in enumerate([first] + rows))
    tiny_emit("%s window the row before left, %s" % (fn, name),
              "SELECT v FROM (SELECT column1 AS i, %s(column2, column3, "
              "column4, '%s') OVER (ORDER BY column1 ROWS BETWEEN %d "
              "PRECEDING AND CURRENT ROW) AS v FROM (VALUES %s)) WHERE "
              "i = %d" % (fn, js_o, len(rows) - 1, ivals, len(rows)), ref)


def tiny_frequency_cases():
    """Row weights near 2^-1074 of sum(w) beside ordinary ones, eps 0 and
    a tiny eps: the null model's frequency of a label is subnormal, and
    L0 = sum_c cw_c pi'_c (-ln clip(pi_c)) lost its digits where pi_c (a
    double-double) multiplied its own logarithm.  Every one of these
    failed on integ 4303c3a (2.5e-4 relative for the first)."""
    print("-- a label's frequency below 2^-1022 (docs/accuracy.md, D^2 at")
    print("-- eps 0 with row weights near 2^-1074 of sum(w)): 5000 bits")
    C2 = [(0, [0.6, 0.4]), (1, [0.3, 0.7])]
    # a model near the truth, so that D^2 stays above -DBL_MAX with an L0
    # near 2^-1074
    G2 = [(0, [1 - 2.0**-50, 2.0**-50]), (1, [0.3, 0.7])]
    G3 = [(0, [1 - 2.0**-50, 2.0**-51, 2.0**-51]), (2, [0.25, 0.25, 0.5]),
          ([0.0, 0.5, 0.5], [0.2, 0.4, 0.4])]

    def rw(rows, ws):
        return [(y, p, w) for (y, p), w in zip(rows, ws)]
    for ws, kw in (([1.5, 1e-320], dict(eps=0.0, cw=[1e-310, 1.0])),
                   ([1e-310, 1.0], dict(eps=0.0, cw=[0.3, 1.0])),
                   ([1.0, 5e-324], dict(eps=0.0, cw=[1e-310, 1.0])),
                   ([1.5, 1e-320], dict(eps=0.0, s=1e-300))):
        tiny_case("%s %s" % (ws, sorted(kw.items())), rw(C2, ws), 2, **kw)
    for ws, kw in (([1.5, 1e-320], dict(eps=0.0)),
                   ([1.5, 1e-320], dict(eps=1e-320)),
                   ([1.0, 5e-324], dict(eps=1e-320)),
                   ([1.5, 1e-310], dict(eps=0.0, cw=[1.0, 2.0])),
                   ([1.5, 1e-320], dict(eps=0.0, s=1e-300))):
        tiny_case("near the truth %s %s" % (ws, sorted(kw.items())),
                  rw(G2, ws), 2, **kw)
    # the soft row's weight 8 2^-1074: its products w y_c are multiples of
    # 2^-1074, which the label sums hold exactly (a product below 2^-968
    # is rounded to one: docs/functions.md, "One pass")
    t8 = 8 * 2.0**-1074
    for ws, kw in (([1.0, 1e-320, t8], dict(eps=0.0)),
                   ([1.0, 1e-320, t8], dict(eps=0.0, cw=[2.0, 0.5, 1.0])),
                   ([1.0, 1e-320, t8], dict(eps=1e-320))):
        tiny_case("3 classes near the truth %s %s" % (ws, sorted(kw.items())),
                  rw(G3, ws), 3, **kw)
    # a model right on every ordinary row (loss 0): L, the rare rows' loss
    # alone, is below the normal doubles too
    P2 = [(0, [1.0, 0.0]), (1, [0.3, 0.7])]
    for ws, kw in (([1.5, 1e-320], dict(eps=0.0)),
                   ([1.0, 5e-324], dict(eps=0.0, cw=[1.0, 2.0]))):
        tiny_case("right but for the rare row %s %s"
                  % (ws, sorted(kw.items())), rw(P2, ws), 2, **kw)
    # a frequency within 2^-106 of 1 whose sums (0.3 + 2.0 and that plus
    # 1e-300) no double-double holds: pi is 1 there, and whether the
    # clip at 1 - eps = 1 applies is read on 1 - pi, exact (it took pi
    # as clipped and dropped its term, 1 % of L0)
    tiny_case("pi within 1e-300 of 1, its sums past a double-double",
              [(1, [0.5792370474618752, 0.42076295253812473], 0.3),
               (1, [0.709752402678875, 0.2902475973211251], 2.0),
               (0, [0.6697403371480767, 0.3302596628519234], 1e-300)], 2,
              eps=0.0, cw=[0.3, 2.0])
    tiny_case("pi within 1e-311 of 1, eps 5e-324, smoothing",
              [(2, [1.0, 0.0, 0.0], 0.3),
               (0, [0.010043302479110321, 0.576836719819958,
                    0.4131199777009317], 1e-310),
               (2, [0.5598740712422343, 0.41124912414132947,
                    0.028876804616436245], 7.0)], 3, eps=5e-324, s=1e-300)
    # a class seen with weight 5e-324 of sum(w) = 3: its sum reads as 0 at
    # the scale of sum(w) (it gave NULL: L0 = 0)
    tiny_case("a class sum below 2^-1075 of sum(w)",
              [(0, [1.0, 0.0, 0.0], 2.0), (0, [1.0, 0.0, 0.0], 1.0),
               (2, [0.07759881135276359, 0.4065540168439653,
                    0.5158471718032711], 5e-324)], 3, eps=0.0,
              cw=[1.0, 0.3, 1e-310])
    tiny_case("y=1 rare, ybar within 1e-300 of 1, its sums past a "
              "double-double", [(1.0, 0.9, 0.3), (1.0, 0.8, 2.0),
                                (0.0, 0.1, 1e-300)], None, eps=0.0)
    # ordinary row weights, class weights near 2^-1074: cw_c pi_c ln pi_c
    # below the doubles (4.4e-14 and 1.3e-14 off before)
    tiny_case("class weights 1e-310 and 5e-324, eps 1e-320",
              [(2, [0.41928515828215246, 0.2086313488265636,
                    0.37208349289128395], 0.3),
               (1, [0.2936154729513144, 0.40666406945844796,
                    0.29972045759023763], 1.5),
               (2, [0.0, 0.0, 1.0], 2.0),
               (2, [0.72924210569071, 0.029302621035232786,
                    0.2414552732740573], 1.0)], 3, eps=1e-320,
              cw=[1.0, 1e-310, 5e-324])
    tiny_case("class weights 5e-324 and 1e-310, eps 5e-324",
              [(1, [0.5698130229196317, 0.37461836581442404,
                    0.05556861126594425], 7.0),
               (1, [0.06478538112919249, 0.2816570362592099,
                    0.6535575826115977], 6.0),
               (0, [0.15480384162013658, 0.45782134024835325,
                    0.38737481813151026], 5.0)], 3, eps=5e-324,
              cw=[5e-324, 1e-310, 0.3])
    # D^2 = -1.65e308, L/L0 within the doubles but L over L0's scaled part
    # in [1, 2) past them (it was the error for D^2 below -DBL_MAX)
    tiny_case("D2 near -DBL_MAX", [(1.0, 1e-17, 0.3),
                                   (0.0, 0.5102322655218003, 1e-310)],
              None, eps=0.0)
    # binary: the positives (ybar) or the negatives (1 - ybar) seen only
    # with a weight near 2^-1074
    B = [(0.0, 1e-17), (1.0, 1 - 2.0**-53)]
    N = [(1.0, 1 - 2.0**-53), (0.0, 1e-17)]
    S = [(0.0, 1e-17), (0.75, 0.75)]
    P = [(0.0, 0.0), (1.0, 0.7)]

    def rb(rows, ws):
        return [(y, p, w) for (y, p), w in zip(rows, ws)]
    for rows, ws, kw in ((B, [1.5, 1e-320], dict(eps=0.0)),
                         (B, [1.5, 1e-320], dict(eps=1e-320)),
                         (B, [1.5, 1e-320], dict(eps=0.0, pw=3.0)),
                         (B, [1.5, 1e-320], dict(eps=0.0, s=1e-300)),
                         (B, [1.0, 5e-324], dict(eps=0.0)),
                         (B, [1.0, 5e-324], dict(eps=1e-320)),
                         (N, [1.5, 1e-320], dict(eps=0.0)),
                         (N, [1.0, 5e-324], dict(eps=1e-320, pw=0.5)),
                         (S, [1.5, 1e-320], dict(eps=0.0)),
                         (P, [1.0, 5e-324], dict(eps=0.0))):
        what = {id(B): "y=1 rare", id(N): "y=0 rare", id(S): "soft",
                id(P): "y=1 rare, right but for it"}[id(rows)]
        tiny_case("%s %s %s" % (what, ws, sorted(kw.items())), rb(rows, ws),
                  None, **kw)
    print()


def exact_case(name, call, rows_sql, want):
    """A check whose value is exact by the docs' rules (NULL, 1, -Inf:
    docs/functions.md, bce_d2 "Result"), not a rounded reference."""
    print("INSERT INTO checks VALUES('%s', (SELECT %s FROM (VALUES %s)), "
          "%s, 'is', 0);" % (name.replace("'", ""), call, rows_sql, want))


def dbl_max_cases():
    """A mean L near DBL_MAX: each gave the error for a D^2 below -DBL_MAX
    on 4eb7c40 (ext/d2.c, mean_at(); src/d2.c, bce_d2_score())."""
    print("-- the mean's numerator past DBL_MAX at the scale of its")
    print("-- denominator (L = 1.53e308, L0 = 3.17e304): it read as +Inf, and")
    print("-- D^2 = -4828.3 was the error for D^2 below -DBL_MAX")
    bce_case("bce_d2 a mean near DBL_MAX (pos_weight 2.4e305, eps 5e-324)",
             [(1.0, 5e-324, 1.0)] * 6 + [(0.0, 0.5, 1.0)], False,
             eps=5e-324, pw=2.4e305)
    print("-- L and L0 past DBL_MAX (1.6e599 and 3.6e600: class weights 1e-300")
    print("-- and 1e300 under smoothing), D^2 = 0.955: it was that error too")
    cce_case("cce_d2 L and L0 past DBL_MAX, class weights 1e-300 and 1e300",
             [(0, [0.5, 0.3, 0.2], 1.0), (1, [0.3, 0.5, 0.2], 1.0)], 3,
             False, cw=[1e-300, 1e-300, 1e300], s=0.3)
    print("-- class weights 5e-324 beside 1 under smoothing, the rows weighted")
    print("-- W: D^2 does not depend on W. The tiny weight sum puts the")
    print("-- denominator's scale near 2^2148, where the loss sum is past")
    print("-- DBL_MAX: W = 2^-1000 gave that error, 2^-1030 a silent 1 (a first")
    print("-- fix read the loss sum alone, at a scale of 2^-128)")
    for W, wname in ((1.0, "1"), (2.0**-1000, "2^-1000"), (2.0**-1030, "2^-1030"),
                     (3 * 2.0**-1074, "3 2^-1074")):
        cce_case("cce_d2 class weights 5e-324 and 1, smoothing 0.3, rows weighted "
                 + wname, [(0, [0.5, 0.3, 0.2], W), (1, [0.3, 0.5, 0.2], W)], 3,
                 True, cw=[5e-324, 5e-324, 1.0], s=0.3, dps=700)
    print()


def edge_cases():
    """Branches make coverage found untaken (tests/coverage_unreachable.tsv
    has the reasons for the rest of them).  Class weights all below
    2^-968 take bce_d2_cce_value()'s scaled path (ext/d2.c)."""
    print("-- L below 2^-960 and L0 above it: a label of frequency 2^-968,")
    print("-- the model right on the other rows (eps 0)")
    tiny_case("L tiny, L0 ordinary", [(1.0, 2.0**-100, 2.0**-968),
                                     (0.0, 0.0, 1.0)], None, eps=0.0)
    # L = 0 (1 - 0/L0, exact): bce_d2_score()'s plain path for an L of 0
    exact_case("bce_d2 a model right on every row, eps 0 (L = 0): 1",
               "bce_d2(column1, column2, '{\"eps\": 0.0}')",
               "(1.0,1.0),(0.0,0.0),(1.0,1.0)", "1.0")
    # class weights all below 2^-968: the scaled path
    cw = [1e-300, 1e-300, 1e-300]
    for name, rows, kw, want in (
            ("a certain wrong row (L = +Inf, L0 finite): -Inf",
             [(0, [1.0, 0.0, 0.0]), (1, [1.0, 0.0, 0.0])],
             dict(eps=0.0), "-9e999"),
            ("L and L0 +Inf (smoothing, class 2 never seen): NULL",
             [(0, [1.0, 0.0, 0.0]), (1, [1.0, 0.0, 0.0])],
             dict(eps=0.0, smoothing=0.1), "NULL"),
            ("L0 +Inf, L finite (smoothing, class 2 never seen): 1",
             [(0, [0.6, 0.3, 0.1]), (1, [0.3, 0.6, 0.1])],
             dict(eps=0.0, smoothing=0.1), "1.0"),
            # sum(w d) = 0: L is cce's NULL (a weight sum of 0)
            ("every seen class of weight 0, smoothing (L0 +Inf over 0): NULL",
             [(0, [0.6, 0.3, 0.1]), (1, [0.3, 0.6, 0.1])],
             dict(eps=0.0, smoothing=0.1, cw0=[0.0, 0.0, 1e-300]), "NULL"),
            ("every seen class of weight 0 (L0 0 over 0): NULL",
             [(0, [0.6, 0.3, 0.1]), (1, [0.3, 0.6, 0.1])],
             dict(cw0=[0.0, 0.0, 1e-300]), "NULL")):
        o = dict(class_weight=kw.pop("cw0", cw), **kw)
        rows_sql = ",".join("(%d,'%s')" % (y, js(p)) for y, p in rows)
        exact_case("cce_d2 class weights below 2^-968, " + name,
                   "cce_d2(column1, column2, '%s')" % opts_json(**o),
                   rows_sql, want)
    print()


def main():
    rng = random.Random(23)
    print("-- Generated by tests/gen_d2_ref.py (mpmath, 60 digits); do not edit.")
    print("-- Issue 23: bce_d2 and cce_d2 against D^2 = 1 - L/L0 from the")
    print("-- definitions (L0 summed row by row).  Default eps = %r." % EPS)
    print(".read tests/sql/lib/checks.sql")
    print()
    # binary: random tables
    for i in range(40):
        n = rng.choice([2, 3, 5, 20, 100])
        soft = i % 3 == 0
        weighted = i % 2 == 1
        rows = []
        for _ in range(n):
            y = rng.random() if soft else float(rng.random() < 0.3)
            p = rng.random()
            w = rng.choice([0.0, 0.5, 1.0, 3.0, rng.random() * 10]) \
                if weighted else 1.0
            rows.append((y, p, w))
        kw = {}
        if i % 4 == 2:
            kw["pw"] = rng.choice([0.5, 3.0, 10.0])
        if i % 5 == 3:
            kw["s"] = rng.choice([0.1, 0.25])
        if i % 7 == 4:
            kw["eps"] = rng.choice([1e-7, 0.0, 2.0**-52, 0.01])
        bce_case("bce_d2 random %d n=%d soft=%d w=%d %s" % (
            i, n, soft, weighted, sorted(kw.items())), rows, weighted, **kw)
    # binary: edges
    bce_case("bce_d2 the null model itself: 0 but for rounding",
             [(1.0, 0.25, 1.0), (0.0, 0.25, 1.0), (0.0, 0.25, 1.0),
              (0.0, 0.25, 1.0)], False)
    bce_case("bce_d2 near the null model (L ~ L0, cancels)",
             [(1.0, 0.25 + 1e-9, 1.0), (0.0, 0.25 - 1e-9, 1.0),
              (0.0, 0.25, 1.0), (0.0, 0.25, 1.0)], False)
    bce_case("bce_d2 clip active on p (0 and 1)",
             [(1.0, 1.0, 1.0), (0.0, 0.0, 1.0), (1.0, 0.0, 1.0),
              (0.0, 0.5, 1.0)], False)
    bce_case("bce_d2 clip active on ybar (a positive of weight 1e-20)",
             [(1.0, 0.9, 1e-20), (0.0, 0.1, 1.0), (0.0, 1e-12, 1.0)], True)
    bce_case("bce_d2 clip active on ybar near 1 (a negative of weight 1e-20)",
             [(0.0, 0.1, 1e-20), (1.0, 0.9, 1.0), (1.0, 1.0 - 1e-12, 1.0)],
             True)
    bce_case("bce_d2 ybar within 1e-17 of 1, no clip (eps = 0)",
             [(0.0, 0.5, 1e-17), (1.0, 0.99, 1.0), (1.0, 0.999, 1.0)], True,
             eps=0.0)
    # w*y is not a double here, and 1 - ybar ~ 1e-16: its digits are the
    # products' rounding errors (the fma terms of the exact sum)
    bce_case("bce_d2 soft labels within 2 ulp of 1, w*y inexact (eps = 0)",
             [(1.0 - 2.0**-53, 0.3, 3.0), (1.0 - 2.0**-52, 0.999, 1.1),
              (1.0 - 2.0**-53, 0.9, 0.7)], True, eps=0.0)
    bce_case("bce_d2 pos_weight 0 (only the negatives count)",
             [(1.0, 0.8, 1.0), (0.0, 0.3, 1.0), (0.4, 0.5, 1.0)], False,
             pw=0.0)
    # sum(w) below 2^-1022, and products w*l there (the mean's tiny sum)
    bce_case("bce_d2 subnormal weights",
             [(1.0, 0.7, 5e-324 * 3), (0.0, 0.2, 1e-310), (1.0, 0.6, 2e-310)],
             True)
    bce_case("bce_d2 text numbers (rule 3)",
             [(1.0, 0.7, 2.0), (0.0, 0.2, 1.0), (0.25, 0.6, 1.5)], True,
             text=True)
    # a label 2^-1074 beside labels 0: sum(w y) is not 0, so D^2 is a
    # number, not the NULL of labels all alike (make mutate: the short
    # path's test y!=0 at y!=2^-1074 left the label out)
    bce_case("bce_d2 one label 2^-1074, the other 0",
             [(0.0, 0.5, 1.0), (5e-324, 0.5, 1.0)], False)
    # bce_d2(y, p) of text rows: the row path's two-argument step (make
    # mutate: a mutant that took its inverse there survived)
    bce_case("bce_d2 text numbers, unweighted (rule 3)",
             [(1.0, 0.7, 1.0), (0.0, 0.2, 1.0), (0.25, 0.6, 1.0)], False,
             text=True)
    # ybar's double is the clip bound and the rest is on the side that
    # leaves it unclipped: 0.25 + 2^-55 above eps = 0.25, 0.75 - 2^-54 below
    # 1 - eps
    bce_case("bce_d2 ybar 2^-55 above eps, its double eps itself",
             [(0.25 + 2.0**-54, 0.3, 1.0), (0.25, 0.1, 1.0)], False,
             eps=0.25)
    bce_case("bce_d2 ybar 2^-54 below 1 - eps, its double 1 - eps itself",
             [(0.75 - 2.0**-53, 0.7, 1.0), (0.75, 0.9, 1.0)], False,
             eps=0.25)
    # the same doubles with the rest on the other side: clipped (make
    # mutate: x.hi<=d in dd_below() took ybar = 1 - 2^-52 + 2^-55 as inside
    # the clip range, its ln(1 - q0) that of 7/8 of eps)
    bce_case("bce_d2 ybar 2^-55 above 1 - eps, its double 1 - eps itself",
             [(1.0 - 7 * 2.0**-52, 0.999, 1.0)] + [(1.0, 0.999, 1.0)] * 7,
             False)
    bce_case("bce_d2 ybar 2^-56 below eps, its double eps itself",
             [(0.25 - 2.0**-55, 0.3, 1.0), (0.25, 0.1, 1.0)], False,
             eps=0.25)
    # ybar = 1/3 below eps = 0.4, its double-double's low part positive:
    # clipped (make mutate: x.hi!=d for x.hi==d in dd_above() took it as
    # above eps)
    bce_case("bce_d2 ybar 1/3 below eps 0.4, its low part positive",
             [(1.0, 0.7, 1.0), (0.0, 0.2, 1.0), (0.0, 0.45, 1.0)], False,
             eps=0.4)
    # eps = 5e-324 and ybar = 2^-1074 (a positive of weight 5e-324): the
    # null model is clipped, ln q0 = ln eps exactly and ln(1 - q0) =
    # -2^-1074 (make mutate: bce_log_dd(eps, 2^-1074) there is ln 2^-1073,
    # 0.09 % off, seen through the smoothing's target s/2; with pos_weight
    # 0, L0 is that -2^-1074 alone and bce_log1p_dd(-eps, 2^-1074) made it
    # 0)
    bce_case("bce_d2 eps 5e-324 clips ybar = 2^-1074, smoothing",
             [(1.0, 0.3, 5e-324), (0.0, 0.2, 1.0)], True, eps=5e-324,
             s=0.1)
    bce_case("bce_d2 eps 5e-324 clips ybar = 2^-1074, pos_weight 0",
             [(1.0, 0.3, 5e-324), (0.0, 0.0, 1.0)], True, eps=5e-324,
             pw=0.0)
    bce_case("bce_d2 worse than the null model (negative)",
             [(1.0, 0.1, 1.0), (0.0, 0.9, 1.0), (1.0, 0.5, 1.0)], False)
    bce_case("bce_d2 soft labels all equal (not NULL)",
             [(0.3, 0.2, 1.0), (0.3, 0.4, 1.0), (0.3, 0.3, 1.0)], False)
    bce_case("bce_d2 weights 1e-300 and 1e300 apart",
             [(1.0, 0.7, 1e-300), (0.0, 0.2, 1e-300), (1.0, 0.6, 2e-300)],
             True)
    bce_case("bce_d2 NULL: every label 1", [(1.0, 0.7, 1.0), (1.0, 0.2, 1.0)],
             False)
    bce_case("bce_d2 NULL: one row of w > 0",
             [(1.0, 0.7, 1.0), (0.0, 0.2, 0.0)], True)
    bce_case("bce_d2 pos_weight and smoothing together",
             [(1.0, 0.8, 2.0), (0.0, 0.3, 1.0), (0.4, 0.5, 1.5)], True,
             pw=4.0, s=0.2)
    # multi-class: random tables
    for i in range(40):
        K = rng.choice([2, 3, 5, 10, 50])
        n = rng.choice([2, 3, 7, 30])
        weighted = i % 2 == 1
        rows = []
        for _ in range(n):
            p = dist(rng, K, rng.choice([1, 3]))
            if i % 3 == 0 and rng.random() < 0.5:
                y = dist(rng, K, 4)
            else:
                y = rng.randrange(K)
            w = rng.choice([0.0, 1.0, 2.5, rng.random() * 5]) \
                if weighted else 1.0
            rows.append((y, p, w))
        kw = {}
        if i % 4 == 1:
            kw["cw"] = [rng.choice([0.5, 1.0, 2.0, 3.0]) for _ in range(K)]
        if i % 5 == 2:
            kw["s"] = rng.choice([0.1, 0.3])
        if i % 7 == 3:
            kw["eps"] = rng.choice([1e-7, 2.0**-52, 0.01])
        if i % 6 == 5:
            kw["ignore"] = 0
        cce_case("cce_d2 random %d K=%d n=%d w=%d %s" % (
            i, K, n, weighted, sorted(kw.items())), rows, K, weighted, **kw)
    # multi-class: edges
    cce_case("cce_d2 a class never seen (pi_c = 0, clipped)",
             [(0, [0.7, 0.2, 0.1], 1.0), (1, [0.2, 0.7, 0.1], 1.0)], 3, False)
    cce_case("cce_d2 one class near 1 (pi within 1e-20 of 1)",
             [(0, [0.9, 0.05, 0.05], 1.0), (1, [0.3, 0.4, 0.3], 1e-20),
              (0, [0.6, 0.3, 0.1], 1.0)], 3, True, eps=0.0)
    cce_case("cce_d2 class_weight with soft and index rows",
             [(0, [0.5, 0.3, 0.2], 1.0), ([0.2, 0.3, 0.5], [0.2, 0.2, 0.6],
              2.0), (2, [0.1, 0.1, 0.8], 1.0)], 3, True, cw=[1.0, 4.0, 0.5])
    cce_case("cce_d2 a class weight of 0",
             [(0, [0.5, 0.3, 0.2], 1.0), (1, [0.2, 0.5, 0.3], 1.0),
              ([0.2, 0.3, 0.5], [0.2, 0.2, 0.6], 1.0)], 3, False,
             cw=[1.0, 2.0, 0.0])
    # a class never seen and weighted 0, eps = 0 and smoothing: its null
    # q_c is 0 and its smoothed target s/K is not, but its weight 0 takes
    # it out (make mutate: cw[c]==2^-1074 in bce_d2_null_cce() kept it
    # and made L0 = +Inf, D^2 = 1)
    cce_case("cce_d2 a class never seen of weight 0, eps 0, smoothing",
             [(0, [0.6, 0.3, 0.1], 1.0), (1, [0.3, 0.6, 0.1], 1.0),
              (0, [0.5, 0.25, 0.25], 1.0)], 3, False, eps=0.0,
             cw=[1.0, 2.0, 0.0], s=0.1)
    # a class never seen, eps = 0 and a smoothing of 5e-324: its smoothed
    # target s/K underflows to 0 in doubles but is positive, so the null
    # model is certain and wrong there, L0 = +Inf and D^2 = 1 (the code
    # skipped the class on the rounded target and gave 0.263; branch d2-mut)
    cce_case("cce_d2 a class never seen, eps 0, smoothing 5e-324",
             [(0, [0.6, 0.3, 0.1], 1.0), (1, [0.3, 0.6, 0.1], 1.0),
              (0, [0.5, 0.25, 0.25], 1.0)], 3, False, eps=0.0, s=5e-324)
    # the one class of weight > 0 seen with weight 5e-324 only, eps 0.4:
    # its term of the null sum, 2^-1074 ln 0.4, is -2^-1074 in doubles,
    # and L (the same q) equals L0: D^2 = 0 (make mutate: the class sum
    # started at 2^-1074 in either part of bce_d2_null_cce()'s r, which
    # cancelled that term to L0 = 0 and NULL)
    cce_case("cce_d2 one class of weight 5e-324, eps 0.4, L0 of 2^-1074",
             [(0, [0.3, 0.7], 5e-324), (1, [0.5, 0.5], 1.0)], 2, True,
             eps=0.4, cw=[1.0, 0.0], dps=400)
    cce_case("cce_d2 K = 50 uniform labels, smoothing",
             [(c, dist(rng, 50), 1.0) for c in range(50)], 50, False, s=0.1)
    cce_case("cce_d2 NULL: every label class 2",
             [(2, [0.1, 0.2, 0.7], 1.0), (2, [0.3, 0.3, 0.4], 1.0)], 3,
             False)
    cce_case("cce_d2 NULL: one row left after ignore_index",
             [(0, [0.5, 0.5], 1.0), (1, [0.5, 0.5], 1.0)], 2, False,
             ignore=0)
    tiny_frequency_cases()
    dbl_max_cases()
    edge_cases()
    # scikit-learn's published examples (doc/modules/model_evaluation.rst,
    # the d2_log_loss_score section): the labels 1, 2, 3 are the classes
    # 0, 1, 2 here
    print("INSERT INTO checks VALUES('scikit-learn d2_log_loss_score "
          "example 1: 0.0', (SELECT cce_d2(column1, column2) FROM (VALUES "
          "(0,'[0.5,0.25,0.25]'),(0,'[0.5,0.25,0.25]'),(1,'[0.5,0.25,0.25]'),"
          "(2,'[0.5,0.25,0.25]'))), 0.0, 'abs', 1e-15);")
    print("INSERT INTO checks VALUES('scikit-learn d2_log_loss_score "
          "example 2: 0.981...', round((SELECT cce_d2(column1, column2) FROM "
          "(VALUES (0,'[0.98,0.01,0.01]'),(1,'[0.01,0.98,0.01]'),"
          "(2,'[0.01,0.01,0.98]'))), 3), 0.982, 'abs', 0.0011);")
    print("INSERT INTO checks VALUES('scikit-learn d2_log_loss_score "
          "example 3: -0.552...', (SELECT cce_d2(column1, column2) FROM "
          "(VALUES (0,'[0.1,0.6,0.3]'),(1,'[0.1,0.6,0.3]'),"
          "(2,'[0.4,0.5,0.1]'))), -0.5525, 'abs', 0.0005);")
    print()
    print(".read tests/sql/lib/report.sql")


def measure(lib):
    """Prints the worst error of the extension, in units of (L/L0) 2^-53
    (the bound's first term with one half-ulp of L), for the report."""
    import sqlite3
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(lib)
    db.create_function("ieee754", 2, lambda m, e: math.ldexp(m, e),
                       deterministic=True)
    for fn in ("bce_d2", "cce_d2"):
        worst, n, ulps, frac = (0, None), 0, (0, None), (0, None)
        for name, call, rows_sql, want, ratio in MEASURED:
            if not call.startswith(fn):
                continue
            got = db.execute("SELECT %s FROM (VALUES %s)" % (
                call, rows_sql)).fetchone()[0]
            if ratio == 0:
                continue        # L0 = +Inf: D^2 = 1 exactly, no error
            f = abs(mpf(got) - want) / (ratio * REL_L
                                        + abs(want) * mpf(2)**-52)
            if f > frac[0]:
                frac = (f, name)
            err = abs(mpf(got) - want) / (ratio * mpf(2)**-53)
            n += 1
            if err > worst[0]:
                worst = (err, name)
            u = abs(mpf(got) - want) / mpf(math.ulp(nearest(want))) \
                if want != 0 else 0
            if u > ulps[0]:
                ulps = (u, name)
        print("%s, %d cases: worst %s x (L/L0) 2^-53 at %s; in ulp of D2: "
              "%s at %s; of the test's bound: %s at %s"
              % (fn, n, mpmath.nstr(worst[0], 4), worst[1],
                 mpmath.nstr(ulps[0], 4), ulps[1], mpmath.nstr(frac[0], 4),
                 frac[1]))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        import io
        import contextlib
        with contextlib.redirect_stdout(io.StringIO()):
            main()
        measure(sys.argv[2])
    else:
        main()
