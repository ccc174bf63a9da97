#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The mpmath references of src/binary_opt.c (issue 21's binary options):
writes tests/ref/binary_opt_ref.h, which tests/unit_binary_opt.c reads.

Run: /usr/bin/python3 tests/gen_binary_opt.py > tests/ref/binary_opt_ref.h

Every value is the definition of the issue, written here from it alone, at
450 digits or more (never fewer than 50 past the magnitudes involved):

  y'   = y(1 - s) + s/2                               (Keras label smoothing)
  ce   = -[pw y' ln q + (1 - y') ln(1 - q)]           (PyTorch BCEWithLogitsLoss
                                                       pos_weight, TF
                                                       weighted_cross_entropy_with_logits)
  p_t  = y' q + (1 - y')(1 - q)
  l    = A (1 - p_t)^gamma ce, 0^0 = 1                (torchvision
                                                       sigmoid_focal_loss, Keras
                                                       BinaryFocalCrossentropy)
  A    = alpha y' + (1 - alpha)(1 - y') with alpha, else 1

q is p clipped to [eps, 1 - eps] (1 - eps rounded to a double, as the clip
of the extension and numpy do), or 1/(1 + e^-z) for a logit, computed
directly at a precision that holds 1 - q too.  Gradients are mpmath's
diff() of that loss in q (probabilities: the derivative at the clipped q)
or in z, divided by n, with a step relative to the point.

Each reference is stored as the nearest double `want` and the rest in
units of want's ulp (`frac`), so the unit test measures errors below one
ulp.  The cases are the same on every run (a fixed seed).
"""
import math
import random
import sys

from mpmath import mp, mpf, log, exp, diff, nint, ldexp, isinf

BASE_DPS = 450

# kinds: what the C side calls
LOSS_P, LOSS_Z, GRAD_P, GRAD_Z, WLOSS_P, WLOSS_Z = range(6)
KIND_NAMES = ["loss_p", "loss_z", "grad_p", "grad_z", "wloss_p", "wloss_z"]


def smoothed(y, s):
    return mpf(y) * (1 - mpf(s)) + mpf(s) / 2


def loss_at_q(y, q, pw, s, gamma, alpha):
    """The loss as a function of q (mpmath number), current precision."""
    ys = smoothed(y, s)
    yc = 1 - ys
    ce = -(mpf(pw) * ys * log(q) + yc * log(1 - q))
    pt = ys * q + yc * (1 - q)
    focal = (1 - pt) ** mpf(gamma) if gamma != 0 else mpf(1)
    a = 1 if alpha is None else mpf(alpha) * ys + (1 - mpf(alpha)) * yc
    return a * focal * ce


def loss_at_z(y, z, pw, s, gamma, alpha):
    q = 1 / (1 + exp(-z))
    return loss_at_q(y, q, pw, s, gamma, alpha)


def clip(p, eps):
    hi = 1.0 - eps                      # a double, rounded as C rounds it
    q = p if p > eps else eps
    return q if q < hi else hi


def dps_for(x, kind):
    if kind in (LOSS_Z, GRAD_Z, WLOSS_Z):
        return BASE_DPS + int(abs(x) * 0.4343) + 10
    return BASE_DPS


def reference(kind, y, x, n, eps, pw, s, gamma, alpha):
    mp.dps = dps_for(x, kind)
    if kind in (LOSS_P, WLOSS_P):
        v = loss_at_q(y, mpf(clip(x, eps)), pw, s, gamma, alpha)
    elif kind in (LOSS_Z, WLOSS_Z):
        v = loss_at_z(y, mpf(x), pw, s, gamma, alpha)
    elif kind == GRAD_P:
        q0 = mpf(clip(x, eps))
        h = q0 * ldexp(mpf(1), -mp.prec - 10)
        v = diff(lambda t: loss_at_q(y, t, pw, s, gamma, alpha), q0, h=h)
        v = v / mpf(n)
    elif abs(x) < 1e-300:
        # a tiny logit: the gradient can be z/4 (y' = 1/2), 2^-1030 of the
        # loss, so the loss is taken to 2^-4300 and the step is 2^-1400
        # (the central difference's h^2 error is 2^-2800 of the loss'''),
        # far above z
        mp.dps = 1300
        v = diff(lambda t: loss_at_z(y, t, pw, s, gamma, alpha), mpf(x),
                 h=ldexp(mpf(1), -1400))
        v = v / mpf(n)
    else:
        z0 = mpf(x)
        h = (abs(z0) if z0 != 0 else mpf(1)) * ldexp(mpf(1), -mp.prec - 10)
        v = diff(lambda t: loss_at_z(y, t, pw, s, gamma, alpha), z0, h=h)
        v = v / mpf(n)
    if kind in (WLOSS_P, WLOSS_Z):
        v = v * mpf(n)                  # n is the weight w here
    return v


def bisect(f, lo, hi):
    """The root of f in [lo, hi], where f changes sign, to 2^-300."""
    flo = f(lo)
    for _ in range(300):
        mid = (lo + hi) / 2
        fm = f(mid)
        if (fm < 0) == (flo < 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return (lo + hi) / 2


def near_root(kind, y, pw, s, gamma, alpha):
    """The doubles at and around the root of the gradient in q or z."""
    mp.dps = 60
    if kind == GRAD_Z:
        f = lambda t: diff(lambda u: loss_at_z(y, u, pw, s, gamma, alpha), t)
        x0 = bisect(f, mpf(-60), mpf(60))
    else:
        f = lambda t: diff(lambda u: loss_at_q(y, u, pw, s, gamma, alpha), t)
        x0 = bisect(f, mpf(10) ** -15, 1 - mpf(10) ** -15)
    x = float(x0)
    out = []
    for k in range(-3, 4):
        v = x
        step = math.nextafter if hasattr(math, "nextafter") else None
        for _ in range(abs(k)):
            v = step(v, math.inf if k > 0 else -math.inf)
        out.append(v)
    return out


def nearest(v):
    """(the double nearest v, (v - it)/ulp(it)), subnormals rounded once."""
    if v == 0:
        return 0.0, 0.0
    av = abs(v)
    e = int(mp.floor(mp.log(av, 2)))
    # guard the floor against log's rounding
    while ldexp(mpf(1), e) > av:
        e -= 1
    while ldexp(mpf(1), e + 1) <= av:
        e += 1
    if e > 1023:
        return (float("inf") if v > 0 else float("-inf")), 0.0
    q = max(e, -1022) - 52                  # the ulp's exponent
    m = nint(ldexp(v, -q))                  # ties to even
    hi = ldexp(m, q)
    if abs(hi) >= ldexp(mpf(1), 1024):
        return (float("inf") if v > 0 else float("-inf")), 0.0
    frac = (v - hi) / ldexp(mpf(1), q)
    return float(hi), float(frac)


def c_double(x):
    if x != x:
        raise ValueError("NaN reference")
    if x == float("inf"):
        return "INFINITY"
    if x == float("-inf"):
        return "-INFINITY"
    return x.hex()


def rand_soft(rng):
    return rng.choice([rng.random(), rng.random() * 1e-3, 1 - rng.random() * 1e-3,
                       rng.random()])


def rand_label(rng):
    return rng.choice([0.0, 1.0, rand_soft(rng), rand_soft(rng)])


def rand_p(rng):
    return rng.choice([rng.random(), 10 ** rng.uniform(-12, 0),
                       1 - 10 ** rng.uniform(-12, -1), rng.random()])


def rand_z(rng):
    return rng.choice([rng.uniform(-8, 8), rng.uniform(-40, 40),
                       rng.uniform(-3, 3), rng.uniform(-20, 20)])


EPS_DEFAULT = 2.0 ** -52        # what the cases use unless they say
PW_SET = [0.0, 0.25, 3.0, 1000.0, 1e-3]
S_SET = [0.1, 0.2, 1.0, 1e-10]
G_SET = [0.5, 1.0, 2.0, 2.5, 3.0, 5.0, 1e-3, 10.7]
A_SET = [0.0, 0.25, 0.5, 1.0]


def cases():
    rng = random.Random(20261206)
    out = []

    def add(kind, y, x, n, eps, pw, s, gamma, alpha, note):
        out.append((kind, y, x, n, eps, pw, s, gamma, alpha, note))

    # every key alone, probabilities and logits, loss and gradient
    for key, values in (("pw", PW_SET), ("s", S_SET), ("gamma", G_SET),
                        ("alpha", A_SET)):
        for v in values:
            for rep in range(3):
                opt = dict(pw=1.0, s=0.0, gamma=0.0, alpha=None)
                opt[{"pw": "pw", "s": "s", "gamma": "gamma",
                     "alpha": "alpha"}[key]] = v
                y = rand_label(rng)
                p = rand_p(rng)
                z = rand_z(rng)
                n = rng.choice([1.0, 1.0, 7.0, 1e6])
                note = key + " alone"
                add(LOSS_P, y, p, 1.0, EPS_DEFAULT, opt["pw"], opt["s"],
                    opt["gamma"], opt["alpha"], note)
                add(LOSS_Z, y, z, 1.0, 0.0, opt["pw"], opt["s"],
                    opt["gamma"], opt["alpha"], note)
                add(GRAD_P, y, p, n, EPS_DEFAULT, opt["pw"], opt["s"],
                    opt["gamma"], opt["alpha"], note)
                add(GRAD_Z, y, z, n, 0.0, opt["pw"], opt["s"],
                    opt["gamma"], opt["alpha"], note)

    # combinations: every subset of the four keys, random values
    for mask in range(1, 16):
        for rep in range(60):
            pw = rng.choice(PW_SET) if mask & 1 else 1.0
            s = rng.choice(S_SET + [rng.random()]) if mask & 2 else 0.0
            gamma = rng.choice(G_SET + [rng.uniform(0, 4)]) if mask & 4 else 0.0
            alpha = rng.choice(A_SET + [rng.random()]) if mask & 8 else None
            y = rand_label(rng)
            p = rand_p(rng)
            z = rand_z(rng)
            n = rng.choice([1.0, 3.0, 1e6])
            note = "combination %d" % mask
            add(LOSS_P, y, p, 1.0, EPS_DEFAULT, pw, s, gamma, alpha, note)
            add(LOSS_Z, y, z, 1.0, 0.0, pw, s, gamma, alpha, note)
            add(GRAD_P, y, p, n, EPS_DEFAULT, pw, s, gamma, alpha, note)
            add(GRAD_Z, y, z, n, 0.0, pw, s, gamma, alpha, note)

    # far tails of the logit: the small side must keep its digits
    opts = [(3.0, 0.0, 0.0, None), (1.0, 0.0, 2.0, None),
            (1.0, 0.0, 0.5, 0.25), (0.5, 0.1, 2.0, 0.75),
            (1.0, 1e-10, 0.0, None), (2.0, 0.0, 3.7, None),
            (1e300, 0.0, 2.0, None)]
    for z in (40.0, -40.0, 700.0, -700.0, 745.5, -745.5, 1000.0, -1000.0,
              1400.0, -1400.0, 37.5, -37.5):
        for y in (0.0, 1.0, 0.3, 1e-300):
            for (pw, s, gamma, alpha) in opts:
                note = "far logit"
                add(LOSS_Z, y, z, 1.0, 0.0, pw, s, gamma, alpha, note)
                add(GRAD_Z, y, z, 1.0, 0.0, pw, s, gamma, alpha, note)

    # far tails of the probability: subnormal q, q next to 1, at the clips
    for p in (5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-20,
              1 - 2.0 ** -53, 1 - 2.0 ** -52, 1 - 1e-12, 0.5):
        for eps in (0.0, EPS_DEFAULT, 1e-15):
            for y in (0.0, 1.0, 0.3, 1e-300):
                for (pw, s, gamma, alpha) in opts:
                    note = "far probability"
                    add(LOSS_P, y, p, 1.0, eps, pw, s, gamma, alpha, note)
                    add(GRAD_P, y, p, 3.0, eps, pw, s, gamma, alpha, note)

    # next to the gradient's zero (a soft label's optimum), where its parts
    # cancel: the doubles nearest the root and their neighbours
    for (kind, y, pw, s, gamma, alpha) in (
            (GRAD_Z, 0.3, 1.0, 0.0, 2.0, None),
            (GRAD_Z, 0.7, 3.0, 0.1, 0.0, None),
            (GRAD_Z, 0.25, 2.0, 0.2, 2.5, 0.25),
            (GRAD_Z, 0.9, 1.0, 0.0, 0.5, None),
            (GRAD_P, 0.3, 1.0, 0.0, 2.0, None),
            (GRAD_P, 0.7, 3.0, 0.1, 0.0, None),
            (GRAD_P, 0.25, 2.0, 0.2, 2.5, 0.25),
            (GRAD_P, 0.6, 0.5, 0.05, 1.0, 0.6),
            (GRAD_Z, 0.05, 1.0, 0.0, 0.3, None),
            (GRAD_Z, 0.5, 7.0, 0.3, 4.0, 0.9),
            (GRAD_P, 0.95, 0.2, 0.0, 0.7, None),
            (GRAD_P, 1e-6, 1.0, 0.0, 2.0, None),
            (GRAD_Z, 1e-6, 1.0, 0.0, 2.0, None)):
        for x in near_root(kind, y, pw, s, gamma, alpha):
            add(kind, y, x, 1.0, 0.0, pw, s, gamma, alpha, "near the zero")

    # w*l where l alone is subnormal or nearly: rounded once
    for (y, z) in ((1.0, 745.5), (1.0, 760.0), (1.0, 800.0),
                   (1e-310, -745.0), (0.0, -760.0)):
        for w in (3.0, 1e10, 1e300):
            for (pw, s, gamma, alpha) in ((3.0, 0.0, 0.0, None),
                                          (1.0, 0.0, 0.0, 0.25),
                                          (0.5, 0.0, 0.5, None)):
                add(WLOSS_Z, y, z, w, 0.0, pw, s, gamma, alpha, "tiny w*l")
    for (y, p) in ((1e-310, 1e-310), (0.0, 5e-324), (4e-320, 1e-315)):
        for w in (3.0, 1e300):
            for (pw, s, gamma, alpha) in ((3.0, 0.0, 0.0, None),
                                          (1.0, 0.0, 0.0, 0.25)):
                add(WLOSS_P, y, p, w, 0.0, pw, s, gamma, alpha, "tiny w*l")

    # a tiny logit with y' = 1/2 (pw 1): the gradient is (1-p_t)^gamma z/4
    # times A/n, below 2^-1022 of the 1/2 that q is, and was lost in its
    # bits (29 to 667 ulp, the cases make accuracy found)
    for (y, z, n, pw, s, gamma, alpha) in (
            (0.5, 2.59290476776626e-310, 1.0, 1.0, 0.5, 0.0, None),
            (1.0, 3.68233345996014e-309, 2.052145975652526e-65,
             1.0, 1.0, 0.0, None),
            (1.0, 1.331074462636082e-308, 1.0621168102506354e-07,
             1.0, 1.0, 2.0, None),
            (0.5, -2.057300554949271e-308, 1.0, 1.0, 0.0, 0.0, 1.0),
            (0.5, 1.748997099211697e-308, 1.0, 1.0, 0.0, 0.5, None)):
        add(GRAD_Z, y, z, n, 0.0, pw, s, gamma, alpha, "tiny logit, y' = 1/2")

    # the paths of src/binary_opt.c no case above took (make coverage):
    # options outside the double-double path's safe range (a smoothing or
    # alpha below 2^-60, n past 2^60 (which also sends the tiny logits to
    # the bxdd path), a focal exponent |gamma ln f| >= 256,
    # f below 2^-60), gamma ln f below -2^27 (e^L is 0), a bracket that is
    # exactly 0, a tiny logit with y' != 1/2 or with y' = 1/2 and gamma
    for (kind, y, x, n, pw, s, gamma, alpha) in (
            (LOSS_P, 0.3, 0.5, 1.0, 1.0, 0.0, 1e9, None),
            (LOSS_P, 0.3, 0.4, 1.0, 1.0, 1e-20, 0.0, None),
            (LOSS_P, 1.0, 0.4, 1.0, 1.0, 1e-20, 0.0, None),
            (LOSS_P, 0.3, 0.4, 1.0, 1.0, 0.0, 0.0, 1e-20),
            (LOSS_P, 1.0, 0.999999, 1.0, 1.0, 0.0, 50.5, None),
            (GRAD_P, 1.0, 0.999999, 1.0, 1.0, 0.0, 50.5, None),
            (GRAD_P, 0.3, 0.4, 1e20, 1.0, 0.1, 0.0, None),
            (GRAD_Z, 1.0, 50.0, 1.0, 1.0, 0.0, 2.0, None),
            (GRAD_Z, 1.0, 50.0, 1.0, 1.0, 0.0, 0.5, None),
            (GRAD_P, 0.5, 0.5, 1.0, 1.0, 0.1, 0.0, None),
            (GRAD_Z, 0.25, 1e-20, 1e20, 3.0, 0.0, 2.0, None),
            (GRAD_Z, 0.3, 1e-20, 1e20, 1.0, 0.1, 0.0, None)):
        add(kind, y, x, n, EPS_DEFAULT if kind == LOSS_P or kind == GRAD_P
            else 0.0, pw, s, gamma, alpha, "a path of its own")

    # next to the gradient's zero (gamma = 0: q0 = pw y'/(1 - y' + pw y'),
    # z0 = ln(pw y'/(1 - y'))) where the four doubles' bracket is not taken:
    # |z| > 400, q below 2^-600, y' or 1 - y' below 2^-600
    for (kind, y, pw, s) in ((GRAD_Z, 0.5, 2.0 ** 600, 0.0),
                             (GRAD_P, 1e-100, 1e-100, 0.0),
                             (GRAD_P, 1e-200, 1e100, 0.0),
                             (GRAD_Z, 1.0, 1e-190, 1e-200)):
        for x in exact_root(kind, y, pw, s):
            add(kind, y, x, 1.0, 0.0, pw, s, 0.0, None, "near the zero, far")
    return out


def exact_root(kind, y, pw, s):
    """The doubles at and around the gradient's zero for gamma = 0."""
    mp.dps = 450
    ys = smoothed(y, s)
    yc = 1 - ys
    if kind == GRAD_Z:
        x0 = log(mpf(pw) * ys / yc)
    else:
        x0 = mpf(pw) * ys / (yc + mpf(pw) * ys)
    x = float(x0)
    out = []
    for k in range(-3, 4):
        v = x
        for _ in range(abs(k)):
            v = math.nextafter(v, math.inf if k > 0 else -math.inf)
        out.append(v)
    return out


def main():
    rows = []
    for (kind, y, x, n, eps, pw, s, gamma, alpha, note) in cases():
        v = reference(kind, y, x, n, eps, pw, s, gamma, alpha)
        if isinf(v) or v != v:
            continue
        want, frac = nearest(v)
        rows.append("  {%d, %s, %s, %s, %s, %s, %s, %s, %s, %d, %s, %s}, /* %s */"
                    % (kind, c_double(y), c_double(x), c_double(n),
                       c_double(eps), c_double(pw), c_double(s),
                       c_double(gamma),
                       c_double(alpha if alpha is not None else 0.0),
                       alpha is not None, c_double(want), c_double(frac),
                       note))
    w = sys.stdout.write
    w("/* Generated by tests/gen_binary_opt.py (mpmath, >= 450 digits); "
      "do not edit. */\n")
    w("#ifndef BCE_BINARY_OPT_REF_H\n#define BCE_BINARY_OPT_REF_H\n")
    w("#include <math.h>\n\n")
    w("/* kind: 0 loss(p) 1 loss(z) 2 grad(p) 3 grad(z) 4 w*l(p) 5 w*l(z); n is\n"
      "** the gradient's n or the weight w; want the nearest double, frac the\n"
      "** rest in want's ulps */\n")
    w("static const struct {\n  int kind;\n  double y, x, n, eps, pw, s, gamma,"
      " alpha;\n  int has_alpha;\n  double want, frac;\n} ref_binary_opt[] = {\n")
    w("\n".join(rows))
    w("\n};\n\n#endif\n")


if __name__ == "__main__":
    main()
