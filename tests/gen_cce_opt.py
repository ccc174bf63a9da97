#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference values for the multi-class options of issue 21 (class_weight,
alpha, gamma, smoothing, ignore_index), computed with mpmath at 60 digits
from the definitions, never from the C code:

  l = sum_c w_c a_c (1 - q_c)^gamma (-y'_c ln q_c),   y' = y (1-s) + s/K

  w_c  class_weight (PyTorch CrossEntropyLoss(weight=)), 1 when absent
  a_c  alpha, one number or one per class (Keras
       CategoricalFocalCrossentropy), 1 when absent
  gamma the focal exponent, 0^0 = 1
  s    the smoothing (Keras label_smoothing, PyTorch label_smoothing); a
       class index k is the one-hot row at k, then smoothed
  q    clip(p, eps) for probabilities (1 - eps formed in double), softmax(z)
       for logits
  d    the row's denominator: w_k for a class index k with class_weight,
       else 1
  ignore_index: a class index equal to it is skipped (rc 2)

Gradients: mpmath's diff of the definition above, by p_k (the clip held
where p is inside it) or by z_k, divided by n.  For the rows of K = 1000
(diff of every element would take K^2 evaluations) the closed forms

  dl/dp_c = -A u^g (g (-ln q)/u + 1/q),     A = w a y', u = 1 - q
  dl/dz_k = q_k H - h_k = q_k sum_{c != k} h_c - (1 - q_k) h_k,
                                h_c = A u^g (g q (-ln q)/u + 1)

are used, each checked here against diff on every smaller row first.

PyTorch's label smoothing with class weights, (1-e) NLL_w + (e/C) sum_c
w_c (-ln p_c), is checked here to equal the definition on every row with
both.

Writes tests/ref/cce_opt_ref.h (CI only reads it).
Run:  /usr/bin/python3 tests/gen_cce_opt.py     (about a minute)
"""
import math
import os
import random

from mpmath import mp, mpf

mp.dps = 60
HERE = os.path.dirname(os.path.abspath(__file__))
INF = float("inf")
DEFAULT_EPS = 2.0 ** -52


# ---------------------------------------------------------------- definitions
def clip(p, eps):
    hi = 1.0 - eps                  # formed in double, as the definition says
    return eps if p < eps else (hi if p > hi else p)


def targets(y, k):
    if isinstance(y, list):
        return [mpf(v) for v in y]
    return [mpf(1) if i == y else mpf(0) for i in range(k)]


def smoothed(y, k, s):
    s = mpf(s)
    return [v * (1 - s) + s / k for v in targets(y, k)]


def factors(o, k):
    cw = o.get("class_weight")
    al = o.get("alpha")
    w = [mpf(1)] * k if cw is None else [mpf(v) for v in cw]
    if al is None:
        a = [mpf(1)] * k
    elif isinstance(al, list):
        a = [mpf(v) for v in al]
    else:
        a = [mpf(al)] * k
    return w, a


def probs_q(xs, eps):
    """q and 1 - q of probabilities xs (mpf), clipped as the doubles are"""
    qs = []
    for x in xs:
        if x < eps:
            x = mpf(eps)
        elif x > 1.0 - eps:
            x = mpf(1.0 - eps)
        qs.append(x)
    return qs, [1 - q for q in qs], [None if q == 0 else -mp.log(q)
                                     for q in qs]


def logits_q(xs):
    """q, 1 - q and -ln q of softmax(xs); -Inf logits give q = 0; one +Inf
    the one-hot limit"""
    k = len(xs)
    if any(x == mp.inf for x in xs):
        j = [i for i, x in enumerate(xs) if x == mp.inf]
        assert len(j) == 1
        q = [mpf(1) if i == j[0] else mpf(0) for i in range(k)]
        return q, [1 - v for v in q], [mpf(0) if v == 1 else None for v in q]
    m = max(x for x in xs if x != -mp.inf)
    j = xs.index(m)
    e = [mpf(0) if x == -mp.inf else mp.exp(x - m) for x in xs]
    s = mp.fsum(e)
    # ln S = log1p(T), T the terms but the maximum's: ln of the sum S
    # rounded to 60 digits would lose a T below 10^-60
    ls = mp.log1p(mp.fsum(e[i] for i in range(k) if i != j))
    q = [v / s for v in e]
    u = [mp.fsum(e[i] for i in range(k) if i != c) / s for c in range(k)]
    nlq = [None if xs[c] == -mp.inf else (m - xs[c]) + ls for c in range(k)]
    return q, u, nlq


def loss_of(y, xs, o, logits, clipping=True):
    k = len(xs)
    ys = smoothed(y, k, o.get("smoothing", 0.0))
    w, a = factors(o, k)
    g = mpf(o.get("gamma", 0.0))
    if logits:
        q, u, nlq = logits_q(xs)
    elif clipping:
        q, u, nlq = probs_q(xs, o.get("eps", DEFAULT_EPS))
    else:
        q, u, nlq = xs, [1 - v for v in xs], [-mp.log(v) for v in xs]
    total = mpf(0)
    for c in range(k):
        amp = w[c] * a[c] * ys[c]
        if amp == 0:
            continue
        if nlq[c] is None:
            return mp.inf
        if nlq[c] == 0:
            continue
        f = mpf(1) if g == 0 else mp.power(u[c], g)
        total += amp * f * nlq[c]
    return total


def denom_of(y, o):
    if not isinstance(y, list) and o.get("class_weight") is not None:
        return mpf(o["class_weight"][y])
    return mpf(1)


def grad_diff(y, x, o, logits, n):
    """diff of the loss; for probabilities at q = clip(p), the clip's own
    derivative left out (the convention of cce_grad: dl/dq at q)"""
    if logits:
        xs = [mpf(v) for v in x]
    else:
        xs = [mpf(clip(v, o.get("eps", DEFAULT_EPS))) for v in x]
    out = []
    for kk in range(len(xs)):
        def f(t, kk=kk):
            v = list(xs)
            v[kk] = t
            return loss_of(y, v, o, logits, clipping=False)
        out.append(mp.diff(f, xs[kk]) / mpf(n))
    return out


def grad_closed(y, x, o, logits, n):
    k = len(x)
    xs = [mpf(v) for v in x]
    ys = smoothed(y, k, o.get("smoothing", 0.0))
    w, a = factors(o, k)
    g = mpf(o.get("gamma", 0.0))
    if logits:
        q, u, nlq = logits_q(xs)
        h = []
        for c in range(k):
            amp = w[c] * a[c] * ys[c]
            if amp == 0:
                h.append(mpf(0))
            elif q[c] == 0:
                h.append(amp)
            elif u[c] == 0:
                h.append(mpf(0) if g > 0 else amp)
            else:
                f = mpf(1) if g == 0 else mp.power(u[c], g)
                h.append(amp * f * (g * q[c] * nlq[c] / u[c] + 1))
        # q_k H - h_k = q_k sum_{c != k} h_c - (1 - q_k) h_k: q_k = 1 to 60
        # digits must not lose a 1 - q_k of e^-800
        return [(q[c] * mp.fsum(h[i] for i in range(k) if i != c)
                 - u[c] * h[c]) / mpf(n) for c in range(k)]
    q, u, nlq = probs_q(xs, o.get("eps", DEFAULT_EPS))
    out = []
    for c in range(k):
        amp = w[c] * a[c] * ys[c]
        if amp == 0:
            out.append(mpf(0))
        elif u[c] == 0:
            out.append(mpf(0) if g > 0 else -amp / mpf(n))
        else:
            f = mpf(1) if g == 0 else mp.power(u[c], g)
            out.append(-amp * f * (g * nlq[c] / u[c] + 1 / q[c]) / mpf(n))
    return out


def pytorch_smoothing(y, x, o):
    """PyTorch's formula for a class index with weights and smoothing"""
    k = len(x)
    e = mpf(o["smoothing"])
    w, _ = factors(o, k)
    q, u, nlq = logits_q([mpf(v) for v in x])
    return (1 - e) * w[y] * nlq[y] + e / k * mp.fsum(w[c] * nlq[c]
                                                     for c in range(k))


# ---------------------------------------------------------------- the cases
CASES = []


def case(name, fn, y, x, o, n=1.0, w=1.0):
    CASES.append((name, fn, y, x, dict(o), n, w))


P3 = [0.05, 0.9, 0.05]
P4 = [0.1, 0.2, 0.3, 0.4]
Z3 = [2.0, -1.0, 0.5]
Z4 = [0.3, -2.5, 1.25, 4.0]
CW3 = [0.5, 2.0, 3.0]
CW4 = [1.0, 5.0, 2.0, 0.25]
AL3 = [0.25, 0.5, 0.75]
SOFT3 = [0.2, 0.7, 0.1]

single = [
    ("class_weight", {"class_weight": CW3}),
    ("alpha 0.25", {"alpha": 0.25}),
    ("alpha array", {"alpha": AL3}),
    ("gamma 2", {"gamma": 2.0}),
    ("gamma 0.5", {"gamma": 0.5}),
    ("gamma 1.7", {"gamma": 1.7}),
    ("gamma 5", {"gamma": 5.0}),
    ("smoothing 0.1", {"smoothing": 0.1}),
    ("smoothing 1", {"smoothing": 1.0}),
    ("alpha 1 (the defaults' value)", {"alpha": 1.0}),
]
combined = [
    ("class_weight+smoothing", {"class_weight": CW3, "smoothing": 0.2}),
    ("focal alpha+gamma", {"alpha": 0.25, "gamma": 2.0}),
    ("all", {"class_weight": CW3, "alpha": AL3, "gamma": 1.5,
             "smoothing": 0.05}),
    ("all, gamma 3", {"class_weight": CW3, "alpha": 0.4, "gamma": 3.0,
                      "smoothing": 0.3}),
]
for label, o in single + combined:
    for y in (1, 0, SOFT3):
        ys = "soft" if isinstance(y, list) else "class %d" % y
        case("cce %s, %s" % (label, ys), 0, y, P3, o)
        case("cce_logits %s, %s" % (label, ys), 1, y, Z3, o)
        case("cce_grad %s, %s" % (label, ys), 2, y, P3, o, n=3.0)
        case("cce_logits_grad %s, %s" % (label, ys), 3, y, Z3, o, n=0.5)
    o4 = dict(o)
    if "class_weight" in o4:
        o4["class_weight"] = CW4
    if isinstance(o4.get("alpha"), list):
        o4["alpha"] = [0.1, 0.2, 0.3, 0.4]
    case("cce %s, K 4" % label, 0, 3, P4, o4)
    case("cce_logits %s, K 4" % label, 1, 2, Z4, o4)
    case("cce_grad %s, K 4" % label, 2, [0.25, 0.25, 0.25, 0.25], P4, o4)
    case("cce_logits_grad %s, K 4" % label, 3, 0, Z4, o4, n=7.0)

# eps with options; a certain-and-wrong class at eps = 0; q at the clip
case("cce eps 1e-7 focal", 0, 2, [0.5, 0.5, 0.0], {"eps": 1e-7, "gamma": 2.0,
                                                   "alpha": 0.25})
case("cce eps 0 certain-and-wrong", 0, 2, [0.5, 0.5, 0.0],
     {"eps": 0.0, "gamma": 2.0})
case("cce q = 1 focal", 0, 0, [1.0, 0.0, 0.0], {"gamma": 2.0})
case("cce q = 1 gamma 0.5", 0, 0, [1.0, 0.0, 0.0], {"gamma": 0.5})
case("cce p near 1 gamma 0.3", 0, 0, [1 - 2.0 ** -40, 2.0 ** -41,
                                      2.0 ** -41], {"gamma": 0.3})
case("cce tiny p gamma 2.5", 0, 1, [1 - 1e-300, 1e-300, 0.0],
     {"gamma": 2.5, "eps": 0.0})
case("cce_grad p near 1 gamma 2", 2, 0, [1 - 2.0 ** -30, 2.0 ** -31,
                                         2.0 ** -31], {"gamma": 2.0}, n=1.0)
case("cce_grad q = 1 gamma 2", 2, 0, [1.0, 0.0, 0.0], {"gamma": 2.0})
case("cce_grad q = 1 gamma 0 alpha", 2, 0, [1.0, 0.0, 0.0], {"alpha": 0.3})
# weights near the range ends, row weight w and gradient n
case("cce huge class weight", 0, 0, P3, {"class_weight": [1e300, 1.0, 1.0]},
     w=1e8)
case("cce tiny alpha", 0, 1, P3, {"alpha": 1e-300}, w=1e-10)
case("cce_logits huge class weight", 1, 1, Z3,
     {"class_weight": [1.0, 1e300, 1.0]}, w=100.0)
case("cce_grad tiny n", 2, 1, P3, {"gamma": 2.0}, n=1e-300)
case("cce_logits_grad tiny n", 3, 1, Z3, {"gamma": 2.0}, n=1e-300)
# far logits
case("cce_logits far, target at the max", 1, 0, [0.0, -800.0, -30.0],
     {"gamma": 2.0})
case("cce_logits far, target off the max", 1, 1, [0.0, -800.0, -30.0],
     {"gamma": 2.0, "alpha": 0.25})
case("cce_logits 1e300 apart", 1, 1, [1e300, -1e300], {"smoothing": 0.1})
case("cce_logits 1e308 apart", 1, 1, [1.5e308, -1.5e308],
     {"class_weight": [1.0, 1.0], "gamma": 0.5})
case("cce_logits T tiny", 1, 0, [0.0, -700.0, -705.0], {"gamma": 0.5})
case("cce_logits -Inf logit off target", 1, 0, [1.0, -INF, 0.0],
     {"gamma": 2.0})
case("cce_logits -Inf logit smoothed", 1, 0, [1.0, -INF, 0.0],
     {"smoothing": 0.1})
case("cce_logits +Inf on target", 1, 0, [INF, 1.0, 0.0], {"gamma": 2.0})
case("cce_logits +Inf off target smoothed", 1, 0, [INF, 1.0, 0.0],
     {"smoothing": 0.1})
case("cce_logits_grad far", 3, 1, [0.0, -40.0, -3.0], {"gamma": 2.0})
case("cce_logits_grad -Inf logit", 3, 0, [1.0, -INF, 0.0],
     {"gamma": 2.0, "alpha": 0.5})
case("cce_logits_grad +Inf", 3, 1, [INF, 1.0, 0.0], {"gamma": 2.0})
case("cce_logits_grad +Inf gamma 0", 3, 1, [INF, 1.0, 0.0],
     {"class_weight": [1.0, 2.0, 3.0]})
case("cce_logits_grad near-equal smoothed", 3, 0, [1.0, 1.0 + 2.0 ** -30,
                                                   1.0], {"smoothing": 0.2})
# equal logits and y' = 1/K (smoothing 1): every element is 0 exactly,
# which q_k H - A_k in four doubles missed by 2^-212 of the terms (1/K is
# no double), far past an ulp of 0 over a tiny n (make accuracy's cases)
case("cce_logits_grad equal logits smoothing 1, K 15", 3, 0,
     [5.0664950779323923e+17] * 15, {"smoothing": 1.0},
     n=7.612763549473901e-236)
case("cce_logits_grad equal logits smoothing 1 gamma alpha, K 8", 3, 6,
     [-2.2931710595889756e+18] * 8,
     {"gamma": 10.7, "alpha": 2.0, "smoothing": 1.0},
     n=9.063807911858546e-165)
case("cce_logits_grad equal logits smoothing 1, K 3", 3, 1, [0.3] * 3,
     {"smoothing": 1.0, "gamma": 2.0, "class_weight": [2.0, 2.0, 2.0]},
     n=1e-300)
# the target at the maximum, q near 1: 1 - q is T/S, not 1 - rounded q
for g in (2.0, 0.5, 1.0):
    case("cce_logits q near 1, gamma %g" % g, 1, 0, [0.0, -20.0, -25.0],
         {"gamma": g})
    case("cce_logits_grad q near 1, gamma %g" % g, 3, 0, [0.0, -20.0, -25.0],
         {"gamma": g, "alpha": 0.25})
    case("cce_logits q near 1 smoothed, gamma %g" % g, 1, 0,
         [0.0, -20.0, -25.0], {"gamma": g, "smoothing": 0.01})
    case("cce_grad q near 1, gamma %g" % g, 2, 0,
         [1 - 2.0 ** -20, 2.0 ** -21, 2.0 ** -21], {"gamma": g})
# T = e^-800 is below the doubles: 1 - q and ln S keep it, and a class
# weight of 1e300 brings w (1-q)^gamma (-ln q) ~ 1e300 T^1.01 into view
case("cce_logits T below the doubles, class weight 1e300", 1, 0,
     [0.0, -800.0], {"class_weight": [1e300, 1.0], "gamma": 0.01})
case("cce_logits T subnormal, class weight 1e300", 1, 0,
     [0.0, -715.0, -716.0], {"class_weight": [1e300, 1.0, 1.0],
                             "gamma": 0.25})
case("cce_logits_grad T below the doubles, class weight 1e300", 3, 0,
     [0.0, -800.0], {"class_weight": [1e300, 1.0], "gamma": 0.01})
# targets that are softmax(z) rounded: q_k H - h_k cancels past the
# double-double (without focusing: taken again in four doubles)
for k, seed in ((3, 1), (10, 2), (100, 3)):
    r2 = random.Random(seed)
    zc = [r2.uniform(-3.0, 3.0) for _ in range(k)]
    ec = [mp.exp(mpf(v)) for v in zc]
    yc = [float(v / mp.fsum(ec)) for v in ec]
    for label, o in (("alpha 0.5", {"alpha": 0.5}),
                     ("class_weight 1", {"class_weight": [1.0] * k}),
                     ("class_weight 1, 3", {"class_weight":
                                            [1.0 + 2 * (i % 2)
                                             for i in range(k)]}),
                     ("smoothing 1e-3", {"smoothing": 1e-3})):
        case("cce_logits_grad y = softmax(z), K %d, %s" % (k, label), 3, yc,
             zc, o, n=3.0)
# wide logits, K = 300
zw = [random.Random(7).uniform(-1e5, 1e5) for _ in range(300)]
case("cce_logits K 300 logits to 1e5", 1, 3, zw, {"gamma": 2.0,
                                                  "smoothing": 0.1})
case("cce_logits_grad K 300 logits to 1e5", 3, 3, zw, {"gamma": 2.0,
                                                       "smoothing": 0.1})
# K = 2 .. 1000
rng = random.Random(21)
for k in (2, 5, 17, 64, 65, 200, 1000):
    e = [rng.random() + 1e-3 for _ in range(k)]
    t = sum(e)
    p = [v / t for v in e]
    z = [rng.uniform(-20.0, 20.0) for _ in range(k)]
    cw = [rng.choice([0.5, 1.0, 2.0, 3.0]) for _ in range(k)]
    al = [rng.choice([0.25, 0.5, 1.0]) for _ in range(k)]
    cls = rng.randrange(k)
    soft = [rng.random() for _ in range(k)]
    st = sum(soft)
    soft = [v / st for v in soft]
    o = {"class_weight": cw, "alpha": al, "gamma": 2.0, "smoothing": 0.1}
    case("cce K %d all" % k, 0, cls, p, o)
    case("cce_logits K %d all" % k, 1, cls, z, o)
    case("cce_logits K %d soft gamma 0.7" % k, 1, soft, z, {"gamma": 0.7})
    case("cce_grad K %d all" % k, 2, cls, p, o, n=float(k))
    case("cce_logits_grad K %d all" % k, 3, cls, z, o, n=float(k))
    case("cce_logits_grad K %d soft gamma 0.7" % k, 3, soft, z,
         {"gamma": 0.7}, n=2.0)


# the paths of src/cce.c no row above took (make coverage): gradients past
# the double range of either sign, an integer gamma past 64, opt_grad_zero()
# refusing equal logits whose class weights or alphas differ, a class whose
# h is below 2^-200 of the sum, two classes whose h agree in their high
# part, an alpha array in the four doubles' path
case("cce_grad past the double range", 2, 0, P3,
     {"class_weight": [1e300, 1.0, 1.0]}, n=1e-300)
case("cce_logits_grad past the double range, both signs", 3, 0, Z3,
     {"class_weight": [1e300, 1.0, 1.0], "smoothing": 0.1}, n=1e-300)
case("cce gamma 100", 0, 1, P3, {"gamma": 100.0})
case("cce_logits_grad equal logits, smoothing 1, class weights differ", 3, 0,
     [0.3] * 3, {"smoothing": 1.0, "class_weight": [1.0, 2.0, 4.0]})
case("cce_logits_grad equal logits, smoothing 1, alphas differ", 3, 0,
     [0.3] * 3, {"smoothing": 1.0, "alpha": [0.25, 0.5, 1.0]})
case("cce_logits_grad a class weight of 1e-70", 3, 1, Z3,
     {"class_weight": [1.0, 1.0, 1e-70], "smoothing": 0.1})
for zz in ([0.0, 1e-25, -1.0], [1e-25, 0.0, -1.0]):
    case("cce_logits_grad two logits 1e-25 apart, smoothing 1, gamma 2", 3,
         0, zz, {"smoothing": 1.0, "gamma": 2.0})
for k, seed in ((3, 1), (10, 2)):
    r2 = random.Random(seed)
    zc = [r2.uniform(-3.0, 3.0) for _ in range(k)]
    ec = [mp.exp(mpf(v)) for v in zc]
    yc = [float(v / mp.fsum(ec)) for v in ec]
    case("cce_logits_grad y = softmax(z), K %d, an alpha array" % k, 3, yc,
         zc, {"alpha": [0.5] * k}, n=3.0)

# logits within a tiny spread and every A_c the same (smoothing 1, or equal
# targets): the gradient is of the order of the spread, q_k - 1/K, which
# q_k H - h_k in any fixed number of doubles loses (-1.3e-72 for every
# element where they are about 1e-224 and differ); references at DPS[name]
# digits, past the spread's cancellation.  The first two are make
# accuracy's rows [15:options multi-class smoothing:1#108] and
# [combined:2#115]
DPS = {}


CLOSED_BELOW_FLOOR = set()


def tiny_case(name, y, z, o, n, dps):
    case(name, 3, y, z, o, n=n)
    DPS[name] = dps


tiny_case("cce_logits_grad tiny spread smoothing 1, K 14",
          [0.0, 0.08667469024658203, 0.0, 0.05951690673828125, 0.0,
           0.04108619689941406, 0.1399974822998047, 0.1507740020751953,
           0.16850948333740234, 0.15572547912597656, 0.12527084350585938,
           0.016878128051757812, 0.05556678771972656, 0.0],
          [1.3534468705663598e-272, -1.1382925937683316e-272,
           -9.857692506703279e-273, -8.261615114142913e-273,
           1.7455123704391067e-273, 8.060858671782049e-273,
           1.698530580680783e-272, -4.599768546563332e-273,
           -7.0196856339407775e-273, 6.176339803559736e-273,
           1.6102034563860936e-272, 2.8962935912085688e-272,
           -4.16034705004315e-272, -1.2017243647593637e-272],
          {"smoothing": 1.0}, 999475.0, 400)
tiny_case("cce_logits_grad tiny spread smoothing 1 gamma 4.4, K 6",
          [0.24177837371826172, 0.2730588912963867, 0.10235118865966797, 0.0,
           0.2711782455444336, 0.11163330078125],
          [-1.5707759759988844e-94, 2.1028120148395485e-94,
           1.019600180453621e-93, -4.228220795171794e-94,
           1.2177609119074417e-93, 3.569878099798313e-94],
          {"smoothing": 1.0, "gamma": 4.3997634121364335}, 99445.0, 200)
tiny_case("cce_logits_grad tiny spread class index, smoothing 1, gamma 2, "
          "class weights and alpha all equal, K 5", 2,
          [3e-200, -1e-200, 2.5e-200, 7e-201, -4.4e-200],
          {"smoothing": 1.0, "gamma": 2.0, "class_weight": [3.0] * 5,
           "alpha": 0.25}, 1e-250, 300)
tiny_case("cce_logits_grad tiny spread equal targets and a -Inf logit "
          "of target 0, gamma 0.5, K 4", [0.5, 0.0, 0.5, 0.0],
          [1e-180, -INF, 3e-180, -2e-180], {"gamma": 0.5}, 3.0, 280)
tiny_case("cce_logits_grad spread 2^-52 at 1, smoothing 1, gamma 3, K 4", 0,
          [1.0, 1.0 + 2.0 ** -52, 1.0 - 2.0 ** -53, 1.0 + 2.0 ** -51],
          {"smoothing": 1.0, "gamma": 3.0}, 1.0, 120)
tiny_case("cce_logits_grad spread of an ulp at 1000, smoothing 1, gamma "
          "10.7, K 3", 1, [1000.0, 1000.0 + 2.0 ** -43, 1000.0],
          {"smoothing": 1.0, "gamma": 10.7}, 1.0, 100)
tiny_case("cce_logits_grad subnormal logits, smoothing 1, K 3", 0,
          [5e-324, -1e-323, 0.0], {"smoothing": 1.0}, 1e-300, 450)
# A_k the mean of the A_c without every A_c the same: alphas whose mean is
# alpha_6 (make accuracy's [combined:63#13]), and hard targets of equal
# class weights with one alpha the mean of the others
tiny_case("cce_logits_grad tiny spread, alpha_k the mean of the alphas, "
          "K 7", [0.35714149475097656, 0.26470375061035156,
                  0.2675514221191406, 0.11060333251953125, 0.0, 0.0, 0.0],
          [-3.4885133491783105e-301, 7.944597702460034e-301,
           5.522191461243823e-301, 1.7645011451967876e-300,
           1.6894722299324975e-301, -2.0179104058600372e-300,
           6.449120104140644e-301],
          {"smoothing": 1.0, "gamma": 0.001,
           "alpha": [0.5, 2.0, 0.0, 0.5, 2.0, 1.0, 1.0]}, 1.0, 420)
tiny_case("cce_logits_grad tiny spread, equal targets, alpha_1 the mean, "
          "K 3", [1.0 / 3, 1.0 / 3, 1.0 / 3], [2e-150, -1e-150, 5e-151],
          {"alpha": [0.25, 0.5, 0.75]}, 1.0, 230)
# B_2 = 0 through the smoothing: A = [2/3, 0, 1/3] from a one-hot target,
# class weights [1, 0, 2] and smoothing 1/2 ([combined:124#199])
tiny_case("cce_logits_grad tiny spread, A_2 the mean through the smoothing, "
          "K 3", [1.0, 0.0, 0.0], [2.3280014174305013e-43,
                                    -1.2464885983052357e-42,
                                    -3.934392561119341e-42],
          {"ignore_index": -100, "class_weight": [1.0, 0.0, 2.0],
           "gamma": 0.001, "smoothing": 0.5}, 450676.0, 120)

# near-uniform rows (opt_uniform()) with a -Inf logit: of target 0 (left
# out) and of target > 0 (the row is not near-uniform then: the four
# doubles decide, the spread 1e-40 within their reach); class weights of
# 1e300 (past what opt_uniform() takes: the four doubles again)
D3 = 1.0 / 3
D6 = 1.0 / 6
tiny_case("cce_logits_grad tiny spread, a -Inf logit of target 0, K 4",
          [D3, 0.0, D3, D3], [1e-40, -INF, 3e-40, -2e-40],
          {"class_weight": [1.0] * 4}, 1.0, 150)
tiny_case("cce_logits_grad tiny spread, a -Inf logit of target 1/3, K 4",
          [2 * D6, 2 * D6, D6, D6], [1e-40, -INF, 3e-40, -2e-40],
          {"class_weight": [1.0] * 4}, 1.0, 150)
tiny_case("cce_logits_grad tiny spread, smoothing 1, class weights 1e300",
          0, [1e-36, -2e-36, 5e-37], {"smoothing": 1.0,
                                      "class_weight": [1e300] * 3}, 1.0, 150)
# the target of class 1 is softmax(z) to 2^-1298 (a class weight of 2^-650
# times a target of 2^-648), its logit 899.7 below the other: the four
# doubles' q of it is 0 (past their e^-832), and the gradient rounds to 0
# at n = 1 (it is 6e-405)
tiny_case("cce_logits_grad a class 899.7 below, target softmax(z)",
          [1 - 2.0 ** -648, 2.0 ** -648], [0.0, -899.705040366809],
          {"class_weight": [1.0, 2.0 ** -650]}, 1.0, 500)

# gamma 2, the target of class 0 at the zero of its gradient (rounded to a
# double, the rest of the row's mass on class 1): it cancels to about 2^-53
# of its parts, past the 2^-46 where opt_uniform() is asked.  Logits 2.5
# apart (not near-uniform: the double-double decides); 0.75 apart (near-
# uniform, but B_0 is not 0); and X1 = sum P_c y_c - K P_0 y_0 or X2 =
# sum P_c - K P_0 (P_c = w_c alpha_c) more than four doubles wide: classes
# 2 and 3 of targets or class weights about 2^-300 and 2^-600, each a
# product of two doubles of 53 bits (1 + 2^-52).  Those two have y0 16 ulp
# off the zero, a cancellation of about 2^-49 that the double-double holds
# to 4 ulp: at the double nearest the zero, 2^-55, it came out 39 ulp off
# (the double-double's 2^-100 of the parts is all that decides there)


def zero_target(z, tail, o, off=0):
    """the double y0 where dl/dz_0 of [y0, 1 - y0 - sum(tail)] + tail is
    0, moved off ulps away"""
    mp.dps = 80
    rest = 1 - mp.fsum(mpf(v) for v in tail)

    def g(t):
        return grad_closed([t, rest - t] + [mpf(v) for v in tail], z, o,
                           True, 1.0)[0]
    lo, hi = mpf(0), rest
    assert g(lo) > 0 > g(hi), (z, tail, o)
    for _ in range(200):
        mid = (lo + hi) / 2
        if g(mid) > 0:
            lo = mid
        else:
            hi = mid
    mp.dps = 60
    y0 = float(lo)
    for _ in range(off):
        y0 = math.nextafter(y0, 2.0)
    return y0


WIDE = 1.0 + 2.0 ** -52
Z4W = [0.25, -0.5, 0.0, 0.1]
for (label, z, tail, o, off) in (
        ("logits 2.5 apart", [0.5, -2.0, 0.0], [0.0], {"gamma": 2.0}, 0),
        ("logits 0.75 apart", [0.25, -0.5, 0.0], [0.0], {"gamma": 2.0}, 0),
        ("X1 wider than four doubles", Z4W,
         [2.0 ** -300 * WIDE, 2.0 ** -600 * WIDE],
         {"gamma": 2.0, "class_weight": [1.0, 1.0, WIDE, WIDE]}, 16),
        ("X2 wider than four doubles", Z4W, [0.0, 0.0],
         {"gamma": 2.0, "class_weight": [1.0, 1.0, 2.0 ** -300 * WIDE,
                                         2.0 ** -600 * WIDE],
          "alpha": [1.0, 1.0, WIDE, WIDE]}, 16)):
    y0 = zero_target(z, tail, o, off)
    tiny_case("cce_logits_grad gamma 2, the target at dl/dz_0 = 0, " + label,
              [y0, 1 - y0] + tail, z, o, 1.0, 120)

# the same zeros at the double nearest them (docs/accuracy.md's open item
# of 2026-12-06: 39 ulp at [0.3738..., 0.6261..., 0, 0]) in rows that are
# not near-uniform, where the double-double's 2^-100 of the parts decided:
# integer and non-integer gamma, class weights and alphas, smoothing, a
# wider spread of logits (opt_grad_fqd(), four doubles)
tiny_case("cce_logits_grad gamma 2, the target at dl/dz_0 = 0, K 4",
          [0.37381686948490594, 0.626183130515094, 0.0, 0.0], Z4W,
          {"gamma": 2.0}, 1.0, 120)
for (label, z, tail, o) in (
        ("gamma 0.5", Z4W, [0.0, 0.0], {"gamma": 0.5}),
        ("gamma 3.7, soft tail", Z4W, [0.1, 0.05], {"gamma": 3.7}),
        ("gamma 2, class weights and alphas", Z4W, [0.0, 0.0],
         {"gamma": 2.0, "class_weight": [2.0, 0.5, 1.0, 3.0],
          "alpha": [0.25, 0.75, 0.5, 0.5]}),
        ("gamma 1.5, alpha 0.25, smoothing 0.1", Z4W, [0.0, 0.0],
         {"gamma": 1.5, "alpha": 0.25, "smoothing": 0.1}),
        ("gamma 2, logits 7 apart, K 5", [3.0, -4.0, 1.0, 0.5, -2.0],
         [0.0, 0.0, 0.0], {"gamma": 2.0}),
        ("gamma 4.25, n 1e-300", [0.5, -1.5, 2.0, 0.0], [0.2, 0.0],
         {"gamma": 4.25})):
    y0 = zero_target(z, tail, o, 0)
    n = 1e-300 if "1e-300" in label else 1.0
    tiny_case("cce_logits_grad the target at dl/dz_0 = 0, " + label,
              [y0, 1 - y0 - sum(tail)] + tail, z, o, n, 120)

# the four doubles' edges (make coverage): gamma above 64 (its power by
# e^(gamma ln u), not products); and rows whose numbers leave their range
# (a logit 610 below the maximum, class weights 1e160 past 2^500), which
# keep the double-double's value: the target 2048 ulps off the zero, so
# the element still cancels past 2^-37 of its terms (slow) but by fewer
# than 48 bits, and the double-double's 2^-100 stays below 2^-52 of it
for (label, z, tail, o, off) in (
        ("gamma 100", [0.0, 0.3, -0.2, 0.1], [0.0, 0.0], {"gamma": 100.0},
         0),
        ("gamma 2, a logit 610 below, 2048 ulps off", Z4W + [-610.0],
         [0.0, 0.0, 0.0], {"gamma": 2.0}, 2048),
        ("gamma 2, class weights 1e160, 2048 ulps off", Z4W, [0.0, 0.0],
         {"gamma": 2.0, "class_weight": [1e160] * 4}, 2048),
        # the maximum 20 above the others, of target 0.1: its focal factor
        # (e^-20)^30 is below 2^-600; with gamma 7 it is 2^-200, but its
        # class weight 1e-135 takes h below 2^-600
        ("gamma 30, the maximum's focal factor e^-600, 2048 ulps off",
         [-20.0, -20.5, 0.0], [0.1], {"gamma": 30.0}, 2048),
        ("gamma 7, the maximum's h below 2^-600, 2048 ulps off",
         [-20.0, -20.5, 0.0], [0.1],
         {"gamma": 7.0, "class_weight": [1.0, 1.0, 1e-135]}, 2048)):
    y0 = zero_target(z, tail, o, off)
    tiny_case("cce_logits_grad the target at dl/dz_0 = 0, " + label,
              [y0, 1 - y0 - sum(tail)] + tail, z, o, 1.0, 120)
    if "610 below" in label:
        # its element 4 (q of e^-610, 3e-266) is below the diff's floor
        # at 120 digits: the closed form alone there
        CLOSED_BELOW_FLOOR.add("cce_logits_grad the target at dl/dz_0 = 0, "
                               + label)

# ---------------------------------------------------------------- spelling
def jnum(x):
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
    f = float(x)                        # mpmath rounds to nearest
    if f == INF:
        return "INFINITY"               # past the double range, or +Inf
    if f == -INF:
        return "-INFINITY"
    return f.hex()


def c_str(s):
    return '"' + s.replace('"', '\\"') + '"'


def main():
    arrays = []
    rows = []
    elems = []

    def arr(vals):
        name = "opt_arr%d" % len(arrays)
        arrays.append("static const double %s[] = {%s};" % (
            name, ", ".join(float(v).hex() for v in vals)))
        return name

    checked = 0
    torch_checked = 0
    for name, fn, y, x, o, n, w in CASES:
        logits = fn in (1, 3)
        xs = [mp.inf if v == INF else -mp.inf if v == -INF else mpf(v)
              for v in x]
        if "smoothing" in o and "class_weight" in o and logits \
                and "alpha" not in o and "gamma" not in o \
                and not isinstance(y, list) and all(abs(v) < INF for v in x):
            a = pytorch_smoothing(y, x, o)
            b = loss_of(y, xs, o, True)
            assert abs(a - b) <= abs(b) * mpf(10) ** -50, name
            torch_checked += 1
        if fn in (0, 1):
            l = loss_of(y, xs, o, logits)
            want = [l, l * mpf(w) if l != mp.inf else mp.inf]
        else:
            # at 80 digits: a gradient that cancels (targets that are the
            # softmax rounded) loses up to 17 of them
            mp.dps = DPS.get(name, 80)
            closed = grad_closed(y, x, o, logits, n)
            if len(x) <= 64 and all(abs(v) < INF for v in x):
                if all(v == 0 for v in closed):
                    # an exact 0 over a tiny n: the diff's floor of about
                    # 10^-90 must go below the check's 10^-300
                    mp.dps = 330
                dv = grad_diff(y, x, o, logits, n)
                mp.dps = DPS.get(name, 80)
                for c, (a, b) in enumerate(zip(dv, closed)):
                    if name in CLOSED_BELOW_FLOOR and abs(b) < mpf(10) ** -200:
                        # below the diff's floor: it must see nothing there
                        assert abs(a) < mpf(10) ** -100, (name, c, a, b)
                        dv[c] = b
                        continue
                    assert abs(a - b) <= abs(b) * mpf(10) ** -40 + \
                        mpf(10) ** -300 * abs(mpf(1) / n), (name, c, a, b)
                checked += 1
                # an exact 0 stays 0 (the diff, within its floor, agrees)
                want = closed if all(v == 0 for v in closed) else dv
            else:
                want = closed
            mp.dps = 60
        d = denom_of(y, o)
        off = len(elems)
        elems.extend(want)
        cw = o.get("class_weight")
        al = o.get("alpha")
        rows.append("  {%s, %d, %s, %s, %s, %s, %s, %s, %d, %s, %d, %s, %d, "
                    "%s, %s, %s, %s, %d, %d}," % (
                        c_str(name), fn,
                        c_str(jarr(y)) if isinstance(y, list) else "0",
                        "0.0" if isinstance(y, list) else "%d.0" % y,
                        c_str(jarr(x)),
                        float(o.get("eps", DEFAULT_EPS)).hex(),
                        float(o.get("smoothing", 0.0)).hex(),
                        float(o.get("gamma", 0.0)).hex(),
                        1 if al is not None else 0,
                        float(al).hex() if isinstance(al, float) else "0.0",
                        len(al) if isinstance(al, list) else 0,
                        arr(al) if isinstance(al, list) else "0",
                        len(cw) if cw else 0,
                        arr(cw) if cw else "0",
                        float(n).hex(), float(w).hex(), c_num(d), off,
                        len(want)))
    out = ["/* Generated by tests/gen_cce_opt.py (mpmath, 60 digits): do not "
           "edit. */",
           "#ifndef BCE_CCE_OPT_REF_H", "#define BCE_CCE_OPT_REF_H", ""]
    out.extend(arrays)
    out.append("")
    out.append("/* fn: 0 cce (want: l, w*l), 1 cce_logits (l, w*l), 2 "
               "cce_grad, 3 cce_logits_grad (K elements) */")
    out.append("typedef struct cce_opt_ref { const char *name; int fn; "
               "const char *y; double cls; const char *p; double eps, "
               "smoothing, gamma; int has_alpha; double alpha; int n_alphas; "
               "const double *alphas; int n_cw; const double *cw; "
               "double n, w, denom; int off, nwant; } cce_opt_ref;")
    out.append("static const cce_opt_ref ref_cce_opt[] = {")
    out.extend(rows)
    out.append("};")
    out.append("")
    out.append("static const double ref_cce_opt_want[] = {")
    for i in range(0, len(elems), 4):
        out.append("  " + ", ".join(c_num(v) for v in elems[i:i + 4]) + ",")
    out.append("};")
    out.append("")
    out.append("#endif")
    path = os.path.join(HERE, "ref", "cce_opt_ref.h")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print("%d cases, %d gradients checked against diff, %d rows against "
          "PyTorch's smoothing formula, %d values: %s" % (
              len(CASES), checked, torch_checked, len(elems), path))


if __name__ == "__main__":
    main()
