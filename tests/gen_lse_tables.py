#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write src/logsumexp_tables.h: the constants of logsumexp's e^d
(src/logsumexp.c), which it keeps to about 2^-112 rather than the
double-double kernels' 2^-100.

Every value is computed with mpmath at 300 bits and rounded part by part
(each part the nearest double to what the ones before leave), so a triple
is within 2^-159 relative of the true value.

    /usr/bin/python3 tests/gen_lse_tables.py > src/logsumexp_tables.h
"""
import mpmath
from mpmath import mp, mpf
from mpmath.libmp.libmpf import to_float

mp.prec = 300


def dbl(v):
    """v rounded to the nearest double."""
    return to_float(mpmath.mpf(v)._mpf_, rnd="n")


def parts(v, n):
    out = []
    for _ in range(n):
        d = dbl(v)
        out.append(d)
        v -= mpf(d)
    return out


def hexf(x):
    return float.hex(x) if x != 0 else "0.0"


def short(v, bits):
    """v truncated to `bits` significant bits (a double)."""
    e = int(mpmath.floor(mpmath.log(abs(v), 2)))
    s = mpf(2) ** (bits - 1 - e)
    t = mpmath.floor(v * s) / s
    assert dbl(t) == t
    return t


N = 256
out = []
w = out.append
w("/* SPDX-License-Identifier: MIT */")
w("/* Written by tests/gen_lse_tables.py (mpmath, 300 bits): do not edit. */")
w("#ifndef BCE_LOGSUMEXP_TABLES_H")
w("#define BCE_LOGSUMEXP_TABLES_H")
w("")
w("/* 2^(i/%d) as three doubles, each the nearest to what the ones before"
  % N)
w("** leave: within 2^-159 relative */")
w("static const double bce_lse_t[%d][3] = {" % N)
for i in range(N):
    w("  {%s}," % ", ".join(hexf(x) for x in parts(mpf(2) ** (mpf(i) / N), 3)))
w("};")
w("")
ln2n = mpmath.log(2) / N
c1 = short(ln2n, 36)
c2 = short(ln2n - c1, 36)
c3 = dbl(ln2n - c1 - c2)
w("/* ln2/%d = C1 + C2 + C3 to 2^-133 relative: C1 and C2 with 36"
  " significant" % N)
w("** bits, so that j C1 and j C2 are exact for |j| < 2^17 */")
w("#define BCE_LSE_C1 %s" % hexf(dbl(c1)))
w("#define BCE_LSE_C2 %s" % hexf(dbl(c2)))
w("#define BCE_LSE_C3 %s" % hexf(c3))
w("#define BCE_LSE_INV %s /* %d/ln2 */" % (hexf(dbl(N / mpmath.log(2))), N))
w("")
w("/* 1/k! as the nearest double and the rest: k = 3 .. 6 */")
for k in (3, 4, 5, 6):
    h, l = parts(1 / mpmath.factorial(k), 2)
    w("#define BCE_LSE_F%d_H %s" % (k, hexf(h)))
    w("#define BCE_LSE_F%d_L %s" % (k, hexf(l)))
w("/* 1/k!, k = 7 .. 10, nearest doubles */")
for k in range(7, 11):
    w("#define BCE_LSE_F%d %s" % (k, hexf(dbl(1 / mpmath.factorial(k)))))
w("")
w("#endif")
print("\n".join(out))
