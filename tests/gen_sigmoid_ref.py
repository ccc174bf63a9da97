#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write tests/ref/sigmoid_ref.h: correctly rounded sigmoid(x) = 1/(1+e^-x)
for tests/unit_sigmoid.c, from mpmath at 300 bits (rounded once to the
double grid, subnormals included).

    /usr/bin/python3 tests/gen_sigmoid_ref.py > tests/ref/sigmoid_ref.h

Two sets:
  * hard cases, each result's full bits: the arguments closest to a
    rounding boundary (a midpoint between two doubles) among samples of
    every region, and near 0 the doubles nearest logit(m) for midpoints m
    next to 1/2, where sigmoid(x) = 1/2 + x/4 - ... comes within 2^-k ulp
    of m for |x| near 2^-k (structural hard cases, as for log1p);
  * RANDOM arguments from the tests' xorshift64 (tests/xorshift.h, seed
    SEED), in four regions, each result stored as the low 16 bits of its
    encoding: the test rebuilds the full bits from a plain C library
    estimate (within a few ulp of the truth on any libm; 2^15 would do).
"""
import sys
import mpmath
from mpmath import mp, mpf

mp.prec = 300
SEED = 20261206
RANDOM = 100000
M64 = (1 << 64) - 1


def xorshift64(s):
    s ^= (s << 13) & M64
    s ^= s >> 7
    s ^= (s << 17) & M64
    return s


def d2b(x):
    import struct
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def b2d(b):
    import struct
    return struct.unpack('<d', struct.pack('<Q', b))[0]


def sigmoid(x):
    x = mpf(x)
    if x < 0:
        e = mpmath.exp(x)
        return e / (1 + e)
    return 1 / (1 + mpmath.exp(-x))


def ulp_of(v):
    """the gap of the double grid at v > 0 (binade's, subnormals')"""
    e = mpmath.floor(mpmath.log(v, 2))
    # guard the floor of a log against a power of 2 off by one
    while mpf(2) ** e > v:
        e -= 1
    while mpf(2) ** (e + 1) <= v:
        e += 1
    return mpf(2) ** max(int(e) - 52, -1074)


def round_double(v):
    """v > 0 rounded to the nearest double, subnormals and 0 included"""
    if v < mpf(2) ** -1075:
        return 0.0
    u = ulp_of(v)
    q = mpmath.nint(v / u)          # no tie: sigmoid(x) is transcendental
    return float(q * u) if q * u < 2 ** 1024 else float('inf')


def boundary_distance(v):
    """|v - nearest midpoint| in units of the grid's gap"""
    u = ulp_of(v)
    t = v / u
    return abs(t - mpmath.floor(t) - mpf(0.5))


def rnd_args():
    s = SEED
    out = []
    for i in range(RANDOM):
        s = xorshift64(s)
        u = (s >> 11) * 2.0 ** -53
        kind = i % 4
        if kind == 0:
            x = -40.0 + 80.0 * u
        elif kind == 1:
            x = -1500.0 + 1460.0 * u
        elif kind == 2:
            e = -60 + (s >> 52) % 66
            x = b2d(((1023 + e) << 52) | (s & ((1 << 52) - 1)))
            if (s >> 11) & 1:
                x = -x
        else:
            x = -745.25 + 40.0 * u
        out.append(x)
    return out


def hard_cases():
    import random
    rng = random.Random(7)
    cases = set()
    # near 0: x = RN(logit(m)), m the midpoint next to sigmoid(x0)
    for k in range(3, 62):
        for j in range(12):
            x0 = rng.uniform(1, 2) * 2.0 ** -k * (1 if j % 2 else -1)
            v = sigmoid(x0)
            u = ulp_of(v)
            m = (mpmath.floor(v / u) + mpf(0.5)) * u
            xs = mpmath.log(m / (1 - m))
            cases.add(float(xs))
    # the closest to a midpoint of samples in each region
    regions = [(-1500.0, -745.3), (-745.3, -700.0), (-700.0, -40.0),
               (-40.0, -1.0), (-1.0, 1.0), (1.0, 40.0)]
    for lo, hi in regions:
        best = []
        for _ in range(6000):
            x = rng.uniform(lo, hi)
            v = sigmoid(x)
            if v < mpf(2) ** -1075:
                continue
            best.append((boundary_distance(v), x))
        best.sort()
        for _, x in best[:60]:
            cases.add(x)
    for x in [0.0, -0.0, 5e-324, -5e-324, 2.0 ** -1022, -745.1332191019411,
              -745.1332191019412, -744.4400719213812, -708.3964185322641,
              -707.3687095027948, 36.7368005696771, 36.73680056967711,
              37.0, 40.0, -40.0, 1e-300, -1e-300, 2.0 ** -54, -2.0 ** -54,
              2.0 ** -53, -2.0 ** -53, -1500.0,
              # 1/2 + x/4 a double itself (the slow path's exact case)
              2.0 ** -30, -2.0 ** -30, 3 * 2.0 ** -40]:
        cases.add(x)
    return sorted(cases)


def main():
    w = sys.stdout.write
    w("/* SPDX-License-Identifier: MIT */\n")
    w("/* Written by tests/gen_sigmoid_ref.py (mpmath, 300 bits): do not"
      " edit. */\n")
    hard = hard_cases()
    w("/* sigmoid(x) correctly rounded: x's bits, the result's bits, and the"
      "\n** result's distance to the nearest midpoint in ulp, as -log2 */\n")
    w("static const struct { uint64_t x, y; double hardness; } "
      "ref_sigmoid_hard[] = {\n")
    for x in hard:
        v = sigmoid(x)
        y = round_double(v)
        if y == 0.0:
            hb = 0.0
        else:
            d = boundary_distance(v)
            hb = float(-mpmath.log(d, 2)) if d > 0 else 999.0
        w("  {0x%016xULL, 0x%016xULL, %.1f},\n" % (d2b(x), d2b(y), hb))
    w("};\n\n")
    w("/* the random arguments' results, the low 16 bits of each (4 hex "
      "digits),\n** seed %d, %d of them (tests/unit_sigmoid.c makes the "
      "same arguments) */\n" % (SEED, RANDOM))
    w("#define REF_SIGMOID_SEED %dULL\n#define REF_SIGMOID_RANDOM %d\n"
      % (SEED, RANDOM))
    w("static const char ref_sigmoid_low16[] =\n")
    line = []
    for x in rnd_args():
        y = round_double(sigmoid(x))
        line.append("%04x" % (d2b(y) & 0xffff))
        if len(line) == 32:
            w('  "%s"\n' % "".join(line))
            line = []
    if line:
        w('  "%s"\n' % "".join(line))
    w("  ;\n")


main()
