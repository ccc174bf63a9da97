#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Measure the bounds that src/binary_opt.c's focal_exp_loss() takes
(the focal loss c e^(gamma ln f) through the fast paths), against mpmath
(200 bits):

  * ln f's absolute error: el_log_fast_dd(x, xl) for x in [2^-60, 1],
    the error of h + l against ln(x + xl), bound 2^-72 (the derivation is
    in src/binary_opt.c).  The arguments: x = 1 - q with its exact low
    part (Fast2Sum), as the hard labels' f; x = q; x at the ends of each
    of the 128 buckets (the largest |z|, the polynomial's worst), with
    and without a low part; x near 1.
  * e^L's relative error for L in (-800, 0]: el_exp_cr_fast (bound
    2^-70.5) above -708, el_exp_fast (2^-71) below, where it runs past
    the range docs/elementary.md measured it on.

    /usr/bin/python3 tests/focal_bound_errors.py [SEED [N]]

Prints the worst error of each as a power of 2 and fails (exit 1) past a
bound.  Not part of make test (a few minutes of mpmath).
"""
import ctypes
import random
import sys

import mpmath
from mpmath import mp, mpf

import cshim
from cshim import b2d, d2b

mp.prec = 200
SHIM = """
#include "elementary.c"
double t_log_dd(double x, double xl, double *l){ return el_log_fast_dd(x, xl, 1, l); }
double t_exp_fast(double x, int *k, double *l){ return el_exp_fast(x, k, l); }
double t_exp_short(double x, int *k, double *l){ return bce_exp_fast_short(x, k, l); }
"""
OFF = 0x3FE6800000000000


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    R = random.Random(seed)
    L = cshim.build(SHIM)
    D, P, I = ctypes.c_double, ctypes.POINTER, ctypes.c_int
    L.t_log_dd.restype = D
    L.t_log_dd.argtypes = [D, D, P(D)]
    for f in (L.t_exp_fast, L.t_exp_short):
        f.restype = D
        f.argtypes = [D, P(I), P(D)]
    worst = {}
    l, k = D(), I()

    def rec(name, arg, err):
        if err > worst.get(name, (-1,))[0]:
            worst[name] = (err, arg)

    def log_case(name, x, xl):
        if not (2.0 ** -60 <= x <= 1.0):
            return
        h = L.t_log_dd(x, xl, ctypes.byref(l))
        rec(name, (x, xl), abs(mpf(h) + mpf(l.value) - mpmath.log(mpf(x) + mpf(xl))))

    for _ in range(n):
        # f = 1 - q, q a probability, with its low part; and q itself
        q = R.choice([R.random(), 2.0 ** -R.uniform(0, 60), 1 - 2.0 ** -R.uniform(1, 52)])
        q = min(max(q, 2.0 ** -60), 1 - 2.0 ** -53)
        u = 1.0 - q
        c = (1.0 - u) - q
        log_case("ln(1-q), low part", u, c)
        log_case("ln q", q, 0.0)
        # the ends of a bucket, any exponent down to 2^-60, a low part
        i = R.randrange(128)
        mb = OFF + i * (1 << 45) + R.choice([0, 1, 2, (1 << 45) - 1, (1 << 45) - 2,
                                              R.randrange(1 << 45)])
        e = R.randint(-60, 0)
        x = b2d(mb - ((-e) << 52)) if mb - ((-e) << 52) > 0 else 0.0
        if x >= 1.0:
            x = b2d(d2b(x) - (1 << 52))
        xl = R.uniform(-0.5, 0.5) * 2.0 ** (mpmath.frexp(x)[1] - 53) if R.random() < 0.5 else 0.0
        log_case("bucket ends", x, xl)
        # near 1
        x = 1.0 - R.random() * 2.0 ** -R.randint(1, 52)
        log_case("near 1", x, R.uniform(-0.5, 0.5) * 2.0 ** -54 if R.random() < 0.5 else 0.0)
        # e^L, L in (-800, 0]
        x = -R.uniform(0, 800) if R.random() < 0.8 else -R.uniform(700, 800)
        want = mpmath.exp(mpf(x))
        if x > -708:
            h = L.t_exp_short(x, ctypes.byref(k), ctypes.byref(l))
            got = (mpf(h) + mpf(l.value)) * mpf(2) ** k.value
            rec("exp short, (-708, 0]", x, abs(got / want - 1) * want / (mpf(h) * mpf(2) ** k.value))
        else:
            h = L.t_exp_fast(x, ctypes.byref(k), ctypes.byref(l))
            got = (mpf(h) + mpf(l.value)) * mpf(2) ** k.value
            rec("exp fast, (-800, -708]", x, abs(got / want - 1) * want / (mpf(h) * mpf(2) ** k.value))
    bounds = {"ln(1-q), low part": 2.0 ** -72, "ln q": 2.0 ** -72, "bucket ends": 2.0 ** -72,
              "near 1": 2.0 ** -72, "exp short, (-708, 0]": 2.0 ** -70.5,
              "exp fast, (-800, -708]": 2.0 ** -71}
    bad = 0
    for name in sorted(worst):
        e, arg = worst[name]
        ok = e < bounds[name]
        bad += not ok
        print("%-24s 2^%.2f (bound 2^%.1f)%s  at %r" % (
            name, float(mpmath.log(e, 2)) if e > 0 else -999,
            float(mpmath.log(bounds[name], 2)), "" if ok else "  PAST THE BOUND", arg))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
