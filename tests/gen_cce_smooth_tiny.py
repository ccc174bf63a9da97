#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Multi-class label smoothing whose s/K is below 2^-1074
(docs/accuracy.md, open item "cce with a smoothing whose s/K is below
2^-1074"): y'_c = y_c (1-s) + s/K with s = 5e-324, 1e-323, 2^-1070 and
K = 2, 3, 7, where s/K rounds to 0 (or to a few multiples of 2^-1074) in
doubles.  A q_c near 0 (eps 0), a logit 1e300 below the largest or a
class weight of 1e300 makes the term s/K (-ln q_c) of a class whose
target is 0 the whole loss, or more than an ulp of it.

References from the definitions in mpmath at 1200 bits (the gradients by
mpmath's numerical differentiation, mp.diff, of the same loss at 6000
bits), never from the C code:

  l = sum_c w_c (1-q_c)^g (-y'_c ln q_c),  q = clip(p, eps) or softmax(z)
  cce_term(y, p, w, o) = w l;  cce_grad(y, p, n, o)_c = dl/dp_c / n
  cce_logits_grad(y, z, n, o)_c = dl/dz_c / n
  cce, cce_logits: sum(w l) / sum(w d), d = w_k of a class index k
  cce_d2 = 1 - L/L0 (tests/gen_d2_ref.py's cce_d2_ref())

On integ 0f13bb3 363 of these 503 checks failed: the targets s/K were 0
(a loss of 0 instead of 2.5e-24, a finite loss instead of +Inf, a
gradient of 0 instead of -0.5 or -Inf, cce_d2 1 instead of -Inf), or
off by up to half of 2^-1074 each (2^-1070/7); the 140 that passed are
the true class's gradient elements and rows where the s/K terms are
below an ulp of the loss.  A subnormal soft target with a smoothing
(y (1-s) rounded onto the subnormal grid) is taken with an exponent of
its own too.

Writes tests/sql/mpmath_cce_smooth_tiny.sql.
Run:  /usr/bin/python3 tests/gen_cce_smooth_tiny.py
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_d2_ref  # noqa: E402
from sqlgen import num, q, write_checks  # noqa: E402
from mpmath import mp, mpf  # noqa: E402

mp.prec = 1200
EPS = gen_d2_ref.EPS
SMOOTH = [5e-324, 1e-323, 2.0 ** -1070]
KS = [2, 3, 7]
INF = float("inf")



def nearest(x):
    if mp.isinf(x):
        return INF if x > 0 else -INF
    return gen_d2_ref.nearest(x)



def loss(y, x, logits, o, only=None):
    """the row's loss from the definition, x a list of mpf; only: the term
    of that class alone"""
    k = len(x)
    s = mpf(o.get("smoothing", 0))
    t = [mpf(v) for v in y] if isinstance(y, list) else \
        [mpf(1 if c == y else 0) for c in range(k)]
    cw = [mpf(v) for v in o.get("class_weight", [1] * k)]
    g = mpf(o.get("gamma", 0))
    if logits:
        m = max(x)
        lse = m + mp.log(mp.fsum(mp.exp(v - m) for v in x))
        nlq = [lse - v for v in x]
        qs = [mp.exp(-v) for v in nlq]
    else:
        eps = mpf(o.get("eps", EPS))
        hi = mpf(1.0 - float(o.get("eps", EPS)))
        qs = [min(max(v, eps), hi) for v in x]
        nlq = [mp.inf if v == 0 else -mp.log(v) for v in qs]
    out = []
    for c in range(k):
        a = cw[c] * (t[c] * (1 - s) + s / k)
        if a == 0 or (only is not None and c != only):
            continue
        f = mpf(1) if g == 0 else (1 - qs[c]) ** g
        out.append(a * f * nlq[c])
    return mp.fsum(out)


def grad(y, xs, logits, o, n):
    """dl/dx_c / n by mp.diff, at 6000 bits (z = -1e300 moved by 2^-3000)"""
    out = []
    with mp.workprec(6000):
        x = [mpf(v) for v in xs]
        for c in range(len(x)):
            # p_c moves q_c alone: its own term, so that another class's
            # +Inf (a q of 0) does not hide it
            only = None if logits else c

            def f(v, c=c, only=only):
                xx = list(x)
                xx[c] = v
                return loss(y, xx, logits, o, only)
            if not logits and x[c] == 0 and loss(y, x, logits, o, c) > 0:
                # -a/q at q = 0: its limit
                out.append(-mp.inf)
                continue
            # one-sided at the ends of [0, 1] (eps 0): the derivative of
            # -y' ln q in p, which the clip does not flatten inside
            d = 0 if logits or 0 < x[c] < 1 else (1 if x[c] == 0 else -1)
            out.append(mp.diff(f, x[c], h=mpf(2) ** -3000, direction=d)
                       / mpf(n))
    return out


OUT = []


def check(name, sql, want, kind="ulp", tol=1):
    w = nearest(want)
    if math.isinf(w) or w != w:
        kind, tol = "is", "NULL"
    OUT.append("INSERT INTO checks VALUES(%s, (%s), %s, '%s', %s);"
               % (q(name), sql, num(w), kind, tol))


def opts(s, **kw):
    o = {"smoothing": s}
    o.update(kw)
    return o


def yarg(y):
    return q(json.dumps(y)) if isinstance(y, list) else str(y)


def term_grad(y, xs, logits, o, w=1.0, n=1.0):
    fn = "cce_logits" if logits else "cce"
    js = json.dumps(o)
    xm = [mpf(v) for v in xs]
    check("%s_term(%s, %s, %r, %s)" % (fn, json.dumps(y), xs, w, js),
          "SELECT %s_term(%s, %s, %s, %s)"
          % (fn, yarg(y), q(json.dumps(xs)), num(w), q(js)),
          mpf(w) * loss(y, xm, logits, o))
    g = grad(y, xs, logits, o, n)
    for i, gi in enumerate(g):
        # the gradients' bound (docs/accuracy.md): 4 ulp
        check("%s_grad(%s, %s, %r, %s)[%d]" % (fn, json.dumps(y), xs, n, js, i),
              "SELECT json_extract(%s_grad(%s, %s, %s, %s), '$[%d]')"
              % (fn, yarg(y), q(json.dumps(xs)), num(n), q(js), i), gi,
              "ulp", 4)


def term_rows():
    for s in SMOOTH:
        for k in KS:
            # eps 0: the true class certain, the others 5e-324 or 1e-300:
            # the loss is the others' s/K (-ln q_c), subnormal; a row weight
            # of 1e300 brings it into the normal range
            p = [1.0] + [5e-324] * (k - 1)
            o = opts(s, eps=0)
            term_grad(0, p, False, o)
            term_grad(0, p, False, o, w=1e300)
            p2 = [1.0] + [1e-300] * (k - 2) + [5e-324]
            term_grad(0, p2, False, o, w=1e300)
            # a class never seen, eps 0: s/K (-ln 0) = +Inf
            term_grad(0, [1.0] + [0.0] * (k - 1), False, o)
            # the default clip: -ln q_c = 36.04, seen through a class
            # weight of 1e300 on a class whose target is 0
            cw = [1.0] + [1e300] * (k - 1)
            term_grad(0, [0.5] + [0.5 / (k - 1)] * (k - 1), False,
                      opts(s, class_weight=cw))
            term_grad(0, [0.5] + [0.5 / (k - 1)] * (k - 1), False,
                      opts(s, class_weight=[0.0] + [1e300] * (k - 1)))
            # logits: -ln q_c = 1e300 + ln S of a logit 1e300 below
            z = [0.0] + [-1e300] * (k - 1)
            term_grad(0, z, True, opts(s), n=1e-300)
            z2 = [0.0, -800.0] + [-1e5] * (k - 2)
            term_grad(0, z2, True, opts(s), w=1e300, n=1e-300)
            term_grad(0, z, True, opts(s, class_weight=[2.0] + [3.0] * (k - 1),
                                        gamma=2), n=1e-300)
    # soft targets: a subnormal target with a tiny smoothing
    term_grad([1.0, 5e-324], [1.0, 5e-324], False, opts(5e-324, eps=0),
              w=1e300)
    term_grad([1.0, 1e-320, 0.0], [0.0, -1e300, -1e300], True,
              opts(1e-323), n=1e-300)


def rows_sql(rows):
    return "(VALUES " + ",".join(
        "(%s,%s,%s)" % (yarg(y), q(json.dumps(x)), num(w))
        for y, x, w in rows) + ")"


def aggregate(rows, logits, o):
    red = o.get("reduction", "mean")
    k = len(rows[0][1])
    cw = o.get("class_weight", [1] * k)
    sl = mp.fsum(mpf(w) * loss(y, [mpf(v) for v in x], logits, o)
                 for y, x, w in rows)
    if red == "sum":
        return sl
    if red == "mean_over_rows":
        return sl / len(rows)
    return sl / mp.fsum(mpf(w) * (mpf(cw[y]) if not isinstance(y, list)
                                  else 1) for y, x, w in rows)


def agg_rows():
    cases = []
    for s in SMOOTH:
        for k in KS:
            p = [[1.0] + [5e-324] * (k - 1),
                 [5e-324] * (k - 1) + [1.0]]
            rows = [(0, p[0], 1.0), (k - 1, p[1], 3.0)]
            cases.append((rows, False, opts(s, eps=0)))
            cases.append((rows, False,
                          opts(s, eps=0, class_weight=[1.0] * (k - 1) + [2.0])))
            z = [[0.0] + [-1e300] * (k - 1), [-1e300] * (k - 1) + [0.0]]
            cases.append(([(0, z[0], 1.0), (k - 1, z[1], 3.0)], True,
                          opts(s)))
    for rows, logits, o in cases:
        fn = "cce_logits" if logits else "cce"
        for red in ("mean", "sum", "mean_over_rows"):
            oo = dict(o)
            if red != "mean":
                oo["reduction"] = red
            js = json.dumps(oo)
            # the mean: 2 ulp, as tests/gen_cw_tiny.py's
            check("%s %s %d rows" % (fn, js, len(rows)),
                  "SELECT %s(column1, column2, column3, %s) FROM %s"
                  % (fn, q(js), rows_sql(rows)),
                  aggregate(rows, logits, oo), "ulp", 2)


def d2_rows():
    # every class seen, each row certain and right at eps 0: the model's
    # L is +Inf (s/K times -ln 0 in each row), the null model's L0 ln K:
    # D^2 = -Inf (0f13bb3: 1)
    for s in SMOOTH:
        for k in KS:
            rows = [(c, [1.0 if i == c else 0.0 for i in range(k)], 1.0)
                    for c in range(k)]
            o = json.dumps({"eps": 0, "smoothing": s})
            want, _ = gen_d2_ref.cce_d2_ref(rows, k, 0.0, None, s)
            check("cce_d2 %s, %d rows one-hot right" % (o, k),
                  "SELECT cce_d2(column1, column2, column3, %s) FROM %s"
                  % (q(o), rows_sql(rows)), want)
    # a class never seen, q_c = 0 for it in the model too: both +Inf: NULL
    rows = [(0, [0.6, 0.4, 0.0], 1.0), (1, [0.3, 0.7, 0.0], 1.0)]
    o = json.dumps({"eps": 0, "smoothing": 5e-324})
    OUT.append("INSERT INTO checks VALUES(%s, (SELECT cce_d2(column1, "
               "column2, column3, %s) FROM %s), NULL, 'is', NULL);"
               % (q("cce_d2 %s, a class never seen nor predicted: NULL" % o),
                  q(o), rows_sql(rows)))


def main():
    term_rows()
    agg_rows()
    d2_rows()
    write_checks("mpmath_cce_smooth_tiny.sql", [
        "-- Generated by tests/gen_cce_smooth_tiny.py (mpmath, 1200 bits); do not edit.",
        "-- Label smoothing whose s/K is below 2^-1074 (docs/accuracy.md)."], OUT)


if __name__ == "__main__":
    main()
