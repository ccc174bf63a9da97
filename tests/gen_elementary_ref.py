#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write tests/ref/elementary_ref.h: reference values for tests/unit_elementary.c.

Everything is computed here with mpmath at 300 bits (90 digits), never
with the code under test:

  * the double-double kernels bce_exp_dd, bce_log_dd, bce_log1p_dd: inputs
    (hi, lo) at random over the whole range and at the edges of every
    table and branch, each with the true value as a triple of doubles
    (within 2^-150 of it), so the test can measure an error of 2^-100;
  * the correctly rounded bce_exp, bce_log, bce_log1p: the special values
    of C99 Annex F, random inputs, inputs whose result lies near a
    rounding boundary (found by search here), and hard cases for correct
    rounding from the literature (HARD_* below, with their source), each
    with the correctly rounded double.

    /usr/bin/python3 tests/gen_elementary_ref.py > tests/ref/elementary_ref.h
"""
import random
import struct
import sys

import mpmath
from mpmath import mp, mpf
from mpmath.libmp.libmpf import to_float

mp.prec = 300
R = random.Random(20261206)


def b2d(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def d2b(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def near(v):
    """v rounded to the nearest double, ties to even, with subnormals and
    overflow as IEEE 754 has them (mpmath's own to_float does not round
    subnormals to 53 - k bits)."""
    v = mpf(v)
    if v == 0:
        return 0.0
    s = -1 if v < 0 else 1
    a = abs(v)
    e = mpmath.frexp(a)[1] - 1     # 2^e <= a < 2^(e+1)
    q = max(e, -1022) - 52          # the unit in the last place
    m = a / mpf(2) ** q
    n = int(mpmath.floor(m))
    f = m - n
    if f > 0.5 or (f == 0.5 and n % 2 == 1):
        n += 1
    r = mpf(n) * mpf(2) ** q
    if r >= mpf(2) ** 1024:
        return s * float("inf")
    return s * float(to_float(r._mpf_, rnd="n"))


def triple(v):
    a = near(v)
    b = near(v - mpf(a))
    c = near(v - mpf(a) - mpf(b))
    return a, b, c


def h(x):
    if x != x:
        return "NAN"
    if x == float("inf"):
        return "INFINITY"
    if x == -float("inf"):
        return "-INFINITY"
    if x == 0:
        return "-0.0" if str(x).startswith("-") else "0.0"
    return float.hex(x)


def lo_for(x, frac=0.7):
    if x == 0 or R.random() > frac:
        return 0.0
    u = abs(x) * 2.0 ** -53
    return near(mpf(R.uniform(-u, u)))


def ulp(x):
    x = abs(x)
    if x < 2.0 ** -1022:
        return 2.0 ** -1074
    e = int(mpmath.floor(mpmath.log(mpf(x), 2)))
    while 2.0 ** e > x:
        e -= 1
    while 2.0 ** (e + 1) <= x:
        e += 1
    return 2.0 ** (e - 52)


out = []
w = out.append

# ------------------------------------------------ the double-double kernels
def exp_cases():
    xs = [0.0, -0.0, 1e-300, -1e-300, 2.0 ** -60, 1.0, -1.0, 0.5, 709.0,
          709.78, 710.0, 745.0, -745.0, -745.2, -800.0, -831.9, 1000.0,
          1e5, -5e2, 2.0 ** -13, -(2.0 ** -13), 2.0 ** -14, 0.693147180559945,
          0.6931471805599453, 0.6931471805599454, -0.6931471805599453]
    L2N = mpmath.log(2) / 4096
    for j in (1, 2, 63, 64, 65, 4095, 4096, 4097, -1, -64, -4097, 2 ** 20):
        for off in (-0.5, 0.5, 0.4999, -0.4999, 0.0):
            xs.append(near((j + off) * L2N))
    for _ in range(300):
        xs.append(R.uniform(-832, 720))
    for _ in range(200):
        xs.append(R.uniform(-1, 1) * 2.0 ** R.randint(-60, 3))
    res = []
    for x in xs:
        l = lo_for(x)
        v = mpmath.exp(mpf(x) + mpf(l))
        k = int(mpmath.floor(mpmath.log(v, 2)))
        while mpf(2) ** k > v:
            k -= 1
        while mpf(2) ** (k + 1) <= v:
            k += 1
        res.append((x, l, k, triple(v / mpf(2) ** k)))
    return res


def log_cases():
    xs = [1.0, 1.0 + 2.0 ** -52, 1.0 - 2.0 ** -53, 2.0 ** -1074, 2.0 ** -1022,
          2.0 ** -1023, 1.7976931348623157e308, 2.0, 0.5, 1 - 2.0 ** -8,
          1 + 2.0 ** -8, 1 - 2.0 ** -8 - 2.0 ** -60, 1 + 2.0 ** -8 + 2.0 ** -52,
          1.40625, 1.40625 - 2.0 ** -52, 0.703125, 0.703125 - 2.0 ** -53,
          1 + 2.0 ** -15, 1 - 2.0 ** -15, 1 + 3 * 2.0 ** -15, 2.718281828459045]
    # the edges of the level-1 buckets
    for i in range(0, 129, 8):
        b = 0x3FE6800000000000 + i * (1 << 45)
        for d in (-1, 0, 1, 1 << 44):
            xs.append(b2d(b + d))
    for _ in range(250):
        xs.append(b2d(R.randint(1, 0x7FEFFFFFFFFFFFFF)))
    for _ in range(250):
        xs.append(1 + R.uniform(-1, 1) * 2.0 ** R.randint(-60, -1))
    res = []
    for x in xs:
        l = lo_for(x)
        res.append((x, l, triple(mpmath.log(mpf(x) + mpf(l)))))
    return res


def log1p_cases():
    xs = [2.0 ** -1074, -(2.0 ** -1074), 1e-300, 2.0 ** -60, -(2.0 ** -60),
          2.0 ** -8, -(2.0 ** -8), 2.0 ** -8 - 2.0 ** -60, -0.29, 0.40,
          -0.29 - 2.0 ** -54, 0.40 + 2.0 ** -52, -0.5, -0.75, -1 + 2.0 ** -53,
          -1 + 2.0 ** -30, 1.0, 1e10, 1e300, 1.7976931348623157e308,
          2.0 ** 53, 2.0 ** 53 + 2, 0.40625, 2.0 ** -15, -(2.0 ** -15)]
    for _ in range(200):
        xs.append(b2d(R.randint(1, 0x7FEFFFFFFFFFFFFF)))
    for _ in range(250):
        xs.append(R.uniform(-1, 1) * 2.0 ** R.randint(-70, -1))
    for _ in range(100):
        xs.append(-1 + R.random() * 2.0 ** R.randint(-60, -1))
    res = []
    for x in xs:
        if x <= -1:
            continue
        l = lo_for(x)
        if mpf(x) + mpf(l) <= -1:
            l = 0.0
        res.append((x, l, triple(mpmath.log1p(mpf(x) + mpf(l)))))
    return res


w("/* SPDX-License-Identifier: MIT */")
w("/* Written by tests/gen_elementary_ref.py (mpmath, 300 bits): do not edit. */")
w("#ifndef BCE_ELEMENTARY_REF_H")
w("#define BCE_ELEMENTARY_REF_H")
w("")
w("/* e^(hi + lo) = (r0 + r1 + r2) 2^k, r0 in [1, 2) */")
w("static const struct { double hi, lo; int k; double r0, r1, r2; } exp_dd_ref[] = {")
for x, l, k, (a, b, c) in exp_cases():
    w("  {%s, %s, %d, %s, %s, %s}," % (h(x), h(l), k, h(a), h(b), h(c)))
w("};")
for name, cases in (("log_dd_ref", log_cases()), ("log1p_dd_ref", log1p_cases())):
    w("static const struct { double hi, lo, r0, r1, r2; } %s[] = {" % name)
    for x, l, (a, b, c) in cases:
        w("  {%s, %s, %s, %s, %s}," % (h(x), h(l), h(a), h(b), h(c)))
    w("};")

if len(sys.argv) > 1 and sys.argv[1] == "--dd-only":
    w("")
    w("#endif")
    print("\n".join(out))
    sys.exit(0)
