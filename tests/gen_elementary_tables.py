#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write src/elementary_tables.h: the tables of src/elementary.c.

Every value is computed with mpmath at 60 digits (200 bits) and rounded to
a double-double (hi = nearest double, lo = nearest double to the rest), so
each entry is within 2^-106 relative of the true value; the fixed-point
constants of the last-resort path carry 288 bits.

    /usr/bin/python3 tests/gen_elementary_tables.py > src/elementary_tables.h
"""
import mpmath
from mpmath import mp, mpf
from mpmath.libmp.libmpf import to_float

mp.prec = 200


def dbl(v):
    """v rounded to the nearest double (float() would truncate)."""
    return to_float(mpmath.mpf(v)._mpf_, rnd="n")


def dd(v):
    hi = dbl(v)
    lo = dbl(v - mpf(hi))
    return hi, lo


def hexf(x):
    return float.hex(x) if x != 0 else "0.0"


def bits_to_double(b):
    import struct
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def double_to_bits(x):
    import struct
    return struct.unpack("<Q", struct.pack("<d", x))[0]


out = []
w = out.append
w("/* SPDX-License-Identifier: MIT */")
w("/* Written by tests/gen_elementary_tables.py (mpmath, 200 bits): do not edit. */")
w("#ifndef BCE_ELEMENTARY_TABLES_H")
w("#define BCE_ELEMENTARY_TABLES_H")
w("")

# ---- exp: 2^(i/64) and 2^(i/4096), i = 0..63
w("/* 2^(i/64), hi and lo */")
w("static const double bce_exp_t1[64][2] = {")
for i in range(64):
    h, l = dd(mpf(2) ** (mpf(i) / 64))
    w("  {%s, %s}," % (hexf(h), hexf(l)))
w("};")
w("/* 2^(i/4096), hi and lo */")
w("static const double bce_exp_t2[64][2] = {")
for i in range(64):
    h, l = dd(mpf(2) ** (mpf(i) / 4096))
    w("  {%s, %s}," % (hexf(h), hexf(l)))
w("};")


def head26(v):
    """v rounded to 26 significant bits (v in [1, 2))"""
    return mpmath.nint(v * 2 ** 25) / 2 ** 25


# ---- exp's fast path: the same values as a 26-bit head and a double
# tail (within 2^-79 relative), so that the heads' product is exact
for name, den in (("bce_exp_f1", 64), ("bce_exp_f2", 4096)):
    w("/* 2^(i/%d): a head of 26 significant bits and the rest, rounded */"
      % den)
    w("static const double %s[64][2] = {" % name)
    for i in range(64):
        v = mpf(2) ** (mpf(i) / den)
        hd = head26(v)
        assert hd == dbl(hd) and abs(v - hd) <= mpf(2) ** -26
        w("  {%s, %s}," % (hexf(dbl(hd)), hexf(dbl(v - hd))))
    w("};")

# ---- bce_exp's own fast path (el_exp_cr): one table, 2^(i/512) as a
# head of 26 significant bits and the rest rounded to a double (within
# 2^-79), so that the head times r's first 27 bits is exact; and ln2/512
# = G1 + G2, G1 with 34 significant bits, so j G1 is exact for |j| < 2^19
w("/* 2^(i/512): a head of 26 significant bits and the rest, rounded */")
w("static const double bce_exp_g[512][2] = {")
for i in range(512):
    v = mpf(2) ** (mpf(i) / 512)
    hd = head26(v)
    assert hd == dbl(hd) and abs(v - hd) <= mpf(2) ** -26
    tl = dbl(v - hd)
    assert abs(v - hd - mpf(tl)) <= mpf(2) ** -79
    w("  {%s, %s}," % (hexf(dbl(hd)), hexf(tl)))
w("};")
ln2 = mpmath.log(2)
g = ln2 / 512
g1 = mpmath.floor(g * 2**(34 + 9)) / 2**(34 + 9)
g2 = dbl(g - g1)
assert g1 == dbl(g1) and abs(g - g1 - mpf(g2)) <= mpf(2) ** -95
w("/* ln2/512 = G1 + G2 (G1 with 34 significant bits), 512/ln2 */")
w("#define BCE_EXP_G1 %s" % hexf(dbl(g1)))
w("#define BCE_EXP_G2 %s" % hexf(g2))
w("#define BCE_EXP_G_INV %s" % hexf(dbl(512 / ln2)))

ln2 = mpmath.log(2)
c = ln2 / 4096
h = dbl(c)
m = dbl(c - mpf(h))
l = dbl(c - mpf(h) - mpf(m))
w("/* ln2/4096 = H + M + L (H, M: nearest doubles; exactness argued in elementary.c) */")
w("#define BCE_EXP_L2N_H %s" % hexf(h))
w("#define BCE_EXP_L2N_M %s" % hexf(m))
w("#define BCE_EXP_L2N_L %s" % hexf(l))
w("#define BCE_EXP_INV_L2N %s /* 4096/ln2 */" % hexf(dbl(4096 / ln2)))

# the fast path's Cody-Waite: C1 with 30 significant bits, so j C1 is exact
# for |j| < 2^23
c1 = mpmath.floor(c * 2**(30 + 12)) / 2**(30 + 12)
c2 = dbl(c - c1)
c3 = dbl(c - c1 - mpf(c2))
w("/* ln2/4096 = C1 + C2 + C3, C1 with 30 significant bits (the fast path's) */")
w("#define BCE_EXP_F_C1 %s" % hexf(dbl(c1)))
w("#define BCE_EXP_F_C2 %s" % hexf(c2))
w("#define BCE_EXP_F_C3 %s" % hexf(c3))

# ln 2 in three parts, the first with 42 significant bits so e*H is exact
# for |e| < 2^11
hh = mpmath.floor(ln2 * 2**42) / 2**42
h = dbl(hh)
m = dbl(ln2 - mpf(h))
l = dbl(ln2 - mpf(h) - mpf(m))
w("/* ln 2 = H + M + L, H with 42 significant bits */")
w("#define BCE_LN2_3H %s" % hexf(h))
w("#define BCE_LN2_3M %s" % hexf(m))
w("#define BCE_LN2_3L %s" % hexf(l))

# ---- log, level 1: m in [OFF, 2 OFF), 128 buckets of 2^45 encodings
OFF = 0x3FE6800000000000
w("")
w("#define BCE_LOG_OFF 0x%016xULL /* %s */" % (OFF, hexf(bits_to_double(OFF))))
w("/* level 1: c = 1/(the bucket's centre) rounded to 26 significant bits")
w("** (so that a product by c needs only the other factor split), and -ln c")
w("** as hi, lo */")
w("static const double bce_log_t1[128][3] = {")
for i in range(128):
    centre = bits_to_double(OFF + i * (1 << 45) + (1 << 44))
    c1 = 1 / mpf(centre)
    e = mpmath.frexp(c1)[1]                 # c1 = f 2^e, f in [1/2, 1)
    c1 = dbl(mpmath.nint(c1 * 2 ** (26 - e)) / 2 ** (26 - e))
    h, l = dd(-mpmath.log(mpf(c1)))
    w("  {%s, %s, %s}," % (hexf(c1), hexf(h), hexf(l)))
w("};")
w("/* level 2: c = 1/(1 + i 2^-14) rounded for i = -66..66, -ln c as hi, lo */")
w("static const double bce_log_t2[133][3] = {")
for i in range(-66, 67):
    c2 = dbl(1 / (1 + mpf(i) / 2**14))
    h, l = dd(-mpmath.log(mpf(c2)))
    w("  {%s, %s, %s}," % (hexf(c2), hexf(h), hexf(l)))
w("};")

# ---- log, the fast path: the same 128 buckets, r = 1/(the bucket's
# centre) rounded to 8 significant bits, so that m r - 1 is exact in double
# arithmetic without an fma (src/elementary.c, el_log_fast_dd: m's high
# part times r is exact, and every m r - 1 is a multiple of 2^-60 below
# 2^-7).  The two buckets around 1 take r = 1: there ln x is ln(1 + z)
# itself, and nothing may cancel it.  -ln r as L_h + L_l, L_h on the grid
# of 2^-42 (ln 2's H), so that e H + L_h is exact; a fourth entry pads a
# row to 32 bytes.
def r8(v):
    e = mpmath.frexp(v)[1]
    return mpmath.nint(v * 2 ** (8 - e)) / 2 ** (8 - e)


near1 = {(0x3FF0000000000000 - OFF) // (1 << 45) - 1,
         (0x3FF0000000000000 - OFF) // (1 << 45)}
w("/* the fast log path: r = 1/(bucket centre) to 8 significant bits (1")
w("** around 1), -ln r as L_h (a multiple of 2^-42) + L_l, and a pad */")
w("BCE_PRIVATE const double bce_log_f[128][4] = {")
for i in range(128):
    lo_m = mpf(bits_to_double(OFF + i * (1 << 45)))
    hi_m = mpf(bits_to_double(OFF + (i + 1) * (1 << 45) - 1))  # the last m
    centre = mpf(bits_to_double(OFF + i * (1 << 45) + (1 << 44)))
    r = mpf(1) if i in near1 else r8(1 / centre)
    zmax = max(abs(lo_m * r - 1), abs(hi_m * r - 1))
    assert zmax < mpf(2) ** -7, (i, zmax)
    L = -mpmath.log(r)
    Lh = mpmath.nint(L * 2 ** 42) / 2 ** 42
    Ll = dbl(L - Lh)
    # e = 0: t = L_h, and Fast2Sum(t, z) needs |t| >= |z| (or t = 0)
    assert L == 0 or abs(Lh) >= zmax + mpf(2) ** -50, (i, Lh, zmax)
    assert abs(L) < 0.4         # e != 0: |e ln 2 + L_h| > 0.29 > |z|
    w("  {%s, %s, %s, 0.0}," % (hexf(dbl(r)), hexf(dbl(Lh)), hexf(Ll)))
w("};")

# ---- the last-resort fixed-point path: ln 2 in 9 limbs of 32 bits,
# limb 0 the integer part, limbs 1..8 the fraction (truncated)
mp.prec = 400
v = mpmath.log(2)
limbs = []
for i in range(9):
    d = int(mpmath.floor(v))
    limbs.append(d)
    v = (v - d) * 2**32
w("")
w("/* ln 2 in fixed point: 32-bit limbs, the lowest (weight 2^-256) first,")
w("** the integer part last; truncated */")
w("static const uint32_t bce_fx_ln2[9] = {")
w("  " + ", ".join("0x%08xu" % d for d in reversed(limbs)))
w("};")
w("")
w("#endif")
print("\n".join(out))
