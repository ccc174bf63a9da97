#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write tests/ref/lse_exp_ref.h: e^d and, near 0, e^d - 1, each as three
doubles (mpmath, 400 bits; each part the nearest double to what the ones
before leave, so within 2^-159), for tests/unit_scores.c's check of
logsumexp's exponential (src/logsumexp.c, exp_parts: 2^-120, and e^d - 1
to 2^-104 of itself where the table index is 0).

The d: uniform over its whole domain [-256, 256] and over [-20, 1], the
ends, the halfway points between the table's nodes (j + 1/2) ln2/256 and
the doubles next to them, and |d| from 2^-200 to ln2/512 (the index 0,
where e^d - 1 is checked too), and a few below 2^-200 down to 2^-1074.

    /usr/bin/python3 tests/gen_lse_exp_ref.py > tests/ref/lse_exp_ref.h
"""
import math
import random

import mpmath
from mpmath import mp, mpf
from mpmath.libmp.libmpf import to_float

mp.prec = 400


def dbl(v):
    return to_float(mpf(v)._mpf_, rnd="n")


def parts(v):
    out = []
    for _ in range(3):
        d = dbl(v)
        out.append(d)
        v -= mpf(d)
    return out


def hexf(x):
    return float.hex(x) if x != 0 else "0.0"


r = random.Random(120)
ds = [256.0, -256.0, 255.99999999999997, -255.99999999999997, 1.0, -1.0]
ds += [r.uniform(-256, 256) for _ in range(300)]
ds += [r.uniform(-20, 1) for _ in range(200)]
step = mp.log(2) / 256
for _ in range(60):
    j = r.randrange(-94000, 94000)
    mid = dbl((j + mpf(1) / 2) * step)
    ds += [mid, math.nextafter(mid, math.inf), math.nextafter(mid, -math.inf)]
near = []
for _ in range(150):
    x = 2.0 ** -r.uniform(9.6, 200) * r.choice([-1, 1])
    near.append(x)
near += [2.0 ** -200, -(2.0 ** -200), dbl(step / 2) * 0.999, -dbl(step / 2) * 0.999]
# below 2^-200, where exp_parts takes e^d = 1 + d (k and the table index 0)
near += [math.nextafter(2.0 ** -200, 0), -math.nextafter(2.0 ** -200, 0),
         2.0 ** -201, -(2.0 ** -600), 2.0 ** -1000, 5e-324, -5e-324]

out = ["/* SPDX-License-Identifier: MIT */",
       "/* Written by tests/gen_lse_exp_ref.py (mpmath, 400 bits): do not edit. */",
       "#ifndef LSE_EXP_REF_H",
       "#define LSE_EXP_REF_H",
       "",
       "/* d, then e^d as three doubles */",
       "static const double lse_exp_ref[][4] = {"]
for d in ds:
    out.append("  {%s}," % ", ".join(hexf(x) for x in [d] + parts(mp.exp(mpf(d)))))
out += ["};", "", "/* d with |d| < ln2/512, then e^d - 1 as three doubles */",
        "static const double lse_expm1_ref[][4] = {"]
for d in near:
    out.append("  {%s}," % ", ".join(hexf(x) for x in [d] + parts(mp.expm1(mpf(d)))))
out += ["};", "", "#endif"]
print("\n".join(out))
