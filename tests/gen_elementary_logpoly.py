#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write src/elementary_logpoly.h: the polynomial of the FMA copy's log
fast path (el_log_fma_dd in src/elementary.c, docs/elementary.md).

ln(1 + z) = z - z^2/2 + z^3 q(z).  q is the minimax polynomial of degree 6
(7 coefficients: one Horner step fewer than Taylor's to z^10) of

    g(z) = (ln(1 + z) - z + z^2/2) / z^3

over the range of z = m r - 1 that the table bce_log_f gives (read from
src/elementary_tables.h: every bucket's ends), by Remez's exchange
algorithm with mpmath at 200 bits.  The coefficients are rounded to the
nearest doubles.  The script measures, on 20001 points of the
range and every bucket's ends, the largest |q(z) - g(z)| of the rounded
polynomial evaluated exactly, weighted by z^2: z^3 (q - g) relative to
z, what it adds to the error of ln(1 + z) near 1, where ln(1 + z) ~ z,
for the exact minimax polynomial (docs/elementary.md's bound uses it in
place of Taylor's rest; the coefficients' rounding, u each, is a term of
its own there) and for the rounded one.  It fails if the first exceeds
2^-72.

    /usr/bin/python3 tests/gen_elementary_logpoly.py > /tmp/p.h \
      && mv /tmp/p.h src/elementary_logpoly.h
"""
import os
import re
import struct
import sys

import mpmath
from mpmath import mp, mpf
from mpmath.libmp.libmpf import to_float

mp.prec = 200
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEG = 6                     # q's degree: coefficients of z^3 .. z^9 of ln(1 + z)
OFF = 0x3fe6800000000000    # BCE_LOG_OFF


def dbl(v):
    """v rounded to the nearest double (float() would truncate)."""
    return to_float(mpf(v)._mpf_, rnd="n")


def b2d(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def z_range():
    """The ends of z = m r - 1 over every bucket of bce_log_f."""
    src = open(os.path.join(ROOT, "src", "elementary_tables.h")).read()
    i = src.index("bce_log_f[128][4] = {")
    body = src[src.index("{", i) + 1:src.index("};", i)]
    rows = re.findall(r"\{([^{}]*)\}", body)
    assert len(rows) == 128
    ends = []
    for k, row in enumerate(rows):
        r = mpf(float.fromhex(row.split(",")[0].strip()))
        lo, hi = b2d(OFF + (k << 45)), b2d(OFF + ((k + 1) << 45))
        ends += [mpf(lo) * r - 1, mpf(hi) * r - 1]
    return min(ends), max(ends), ends


def check_fast2sum():
    """The FMA copy's h = tt + y, y = z - z^2/2 rounded, tt = e ln2_H + L_h
    is a Fast2Sum: for e = 0, tt = L_h, so |L_h| >= |y| in every bucket
    whose r is not 1 (where r = 1, L_h = 0 and the sum is exact).  |y| is
    largest at a bucket's ends (|z - z^2/2| grows with |z| for |z| < 1);
    one ulp of y more for its rounding.  For e != 0, |tt| >= ln 2 -
    max |L_h| > 0.34, far above |y| < 2^-7."""
    src = open(os.path.join(ROOT, "src", "elementary_tables.h")).read()
    i = src.index("bce_log_f[128][4] = {")
    body = src[src.index("{", i) + 1:src.index("};", i)]
    rows = re.findall(r"\{([^{}]*)\}", body)
    for k, row in enumerate(rows):
        f = [float.fromhex(v.strip()) for v in row.split(",")]
        r, lh = mpf(f[0]), mpf(f[1])
        if r == 1:
            if lh != 0:
                sys.exit("gen_elementary_logpoly: bucket %d has r = 1, L_h != 0" % k)
            continue
        lo, hi = b2d(OFF + (k << 45)), b2d(OFF + ((k + 1) << 45))
        for m in (mpf(lo), mpf(hi)):
            z = m * r - 1
            y = abs(z - z * z / 2) * (1 + mpf(2) ** -52)
            if y > abs(lh):
                sys.exit("gen_elementary_logpoly: bucket %d: |y| > |L_h|" % k)


def g(z):
    if z == 0:
        return mpf(1) / 3
    return (mpmath.log1p(z) - z + z * z / 2) / (z * z * z)


def peval(c, z):
    s = mpf(0)
    for ci in reversed(c):
        s = s * z + ci
    return s


def remez(a, b, n, iters=30):
    """Minimax polynomial of degree n for g on [a, b]."""
    m = n + 2
    ref = [(a + b) / 2 - (b - a) / 2 * mpmath.cos(mpmath.pi * i / (m - 1)) for i in range(m)]
    grid = [a + (b - a) * i / 4000 for i in range(4001)]
    for _ in range(iters):
        A = mpmath.matrix(m, m)
        y = mpmath.matrix(m, 1)
        for i, x in enumerate(ref):
            for j in range(n + 1):
                A[i, j] = x ** j
            A[i, n + 1] = (-1) ** i
            y[i] = g(x)
        sol = mpmath.lu_solve(A, y)
        c = [sol[j] for j in range(n + 1)]
        err = [peval(c, x) - g(x) for x in grid]
        # the local extrema of the error, with the ends, in order
        ext = [0]
        for i in range(1, len(grid) - 1):
            if (err[i] - err[i - 1]) * (err[i + 1] - err[i]) <= 0:
                ext.append(i)
        ext.append(len(grid) - 1)
        # keep one per run of a sign (the largest), then the m largest
        # alternating
        runs = []
        for i in ext:
            if runs and (err[i] > 0) == (err[runs[-1]] > 0):
                if abs(err[i]) > abs(err[runs[-1]]):
                    runs[-1] = i
            else:
                runs.append(i)
        while len(runs) > m:
            if abs(err[runs[0]]) < abs(err[runs[-1]]):
                runs.pop(0)
            else:
                runs.pop()
        if len(runs) < m:
            break
        ref = [grid[i] for i in runs]
    return c


def main():
    check_fast2sum()
    a, b, ends = z_range()
    c = remez(a, b, DEG)
    cd = [dbl(x) for x in c]
    pts = [a + (b - a) * i / 20000 for i in range(20001)] + ends
    E = max(abs(peval(c, z) - g(z)) * z * z for z in pts)
    Ew = max(abs(peval([mpf(x) for x in cd], z) - g(z)) * z * z for z in pts)
    e2, ew2 = float(mpmath.log(E, 2)), float(mpmath.log(Ew, 2))
    if e2 > -72:
        sys.exit("gen_elementary_logpoly: z^2 |q - g| = 2^%.2f, above 2^-72" % e2)
    out = []
    out.append("/* SPDX-License-Identifier: MIT */")
    out.append("/* Generated by tests/gen_elementary_logpoly.py: do not edit. */")
    out.append("/*")
    out.append("** ln(1 + z) = z - z^2/2 + z^3 q(z), q the minimax polynomial of degree %d"
               % DEG)
    out.append("** of (ln(1 + z) - z + z^2/2)/z^3 on z in [%s," % float.hex(dbl(a)))
    out.append("** %s] (bce_log_f's range of z = m r - 1):" % float.hex(dbl(b)))
    out.append("** z^2 |q - that| <= 2^%.2f, what it adds to the error of ln(1 + z)" % e2)
    out.append("** relative to z; with the coefficients rounded to doubles (each")
    out.append("** within u = 2^-53 of its value, as Taylor's were),")
    out.append("** 2^%.2f (both measured on 20001 points and every bucket's ends)."
               % ew2)
    out.append("** For the FMA copy's log fast path only (el_log_fma_dd).")
    out.append("*/")
    out.append("#ifndef BCE_ELEMENTARY_LOGPOLY_H")
    out.append("#define BCE_ELEMENTARY_LOGPOLY_H")
    for i, x in enumerate(cd):
        out.append("#define EL_LOG_P%d %s" % (i + 3, float.hex(x)))
    out.append("#endif")
    print("\n".join(out))


main()
