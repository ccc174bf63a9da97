#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write tests/ref/qd_ref.h: arguments and exact results (mpmath, 600
bits; sums exact with fractions) for tests/unit_qd.c, the test of
src/qd.c's quad-doubles at their own precision.

    /usr/bin/python3 tests/gen_qd_ref.py > /tmp/qd_ref.h && mv /tmp/qd_ref.h tests/ref/qd_ref.h

Each result is stored as six doubles whose exact sum is within 2^-310 of
it (relative): the test adds the difference to the quad-double up exactly.
The arguments stress what a mutant of src/qd.c changes: lists whose
VecSum needs all three passes, quotients whose digits all matter,
e^(hi + lo) near the kd = round(-hi log2 e) ties and at large k (ln 2's
last parts), ln x at large exponents, ln(1 + t) on both sides of the
series' bound |t| = 2^-5.
"""
import math
import random
from fractions import Fraction
import mpmath
from mpmath import mp, mpf

mp.prec = 600
rng = random.Random(20261207)


def frac(v):
    """an mpf (or Fraction) exactly as a Fraction"""
    if isinstance(v, Fraction):
        return v
    v = mpf(v)
    m, e = v.man_exp                     # m is |mantissa|
    f = Fraction(int(m)) * 2 ** e if e >= 0 else Fraction(int(m), 2 ** -e)
    return -f if v < 0 else f


def parts(v, n):
    """v (mpf or Fraction) as n doubles, each the rounding of the rest"""
    out = []
    r = frac(v)
    for _ in range(n):
        d = float(r)          # round to nearest (Fraction.__float__)
        out.append(d)
        r -= Fraction(d)
    return out


def qd_of(v):
    return parts(v, 4)


def exact(ds):
    return sum((Fraction(d) for d in ds), Fraction(0))


def rnd_mpf(lo_e, hi_e, sign=True):
    m = mpf(rng.getrandbits(240)) / mpf(2) ** 240 + 1
    v = mpmath.ldexp(m, rng.randint(lo_e, hi_e))
    return -v if sign and rng.random() < 0.5 else v


def h(d):
    return float(d).hex()


def row(vals):
    return "{" + ", ".join(h(v) for v in vals) + "}"


lines = ["/* SPDX-License-Identifier: MIT */",
         "/* Written by tests/gen_qd_ref.py (mpmath, 600 bits; sums exact): "
         "do not edit. */"]

# ---- bce_qd_sum: n doubles (n <= 12), exact sum
sums = []
for i in range(60):
    n = rng.randint(4, 12)
    kind = i % 4
    xs = []
    for j in range(n):
        if kind == 0:     # overlapping, same scale
            xs.append(rng.uniform(-1, 1))
        elif kind == 1:   # wide range of exponents
            xs.append(rng.uniform(-1, 1) * 2.0 ** rng.randint(-300, 300))
        elif kind == 2:   # cancellation: pairs x, -x(1 + tiny)
            if j % 2 == 0:
                xs.append(rng.uniform(-1, 1) * 2.0 ** rng.randint(-60, 60))
            else:
                xs.append(-xs[-1] * (1 + rng.uniform(-1, 1) * 2.0 ** -40))
        else:             # parts of a few long numbers, shuffled
            xs.extend(qd_of(rnd_mpf(-20, 20))[:2])
    xs = xs[:12]
    while len(xs) < 4:
        xs.append(rng.uniform(-1, 1))
    rng.shuffle(xs)
    if exact(xs) == 0:
        xs[0] += 1.0
    sums.append((xs, parts(exact(xs), 6)))
# ill-conditioned (Ogita, Rump and Oishi's GenSum): random terms over
# 2^-150..2^150 and the negated leading parts of their exact sum, so the
# sum is 2^-100 to 2^-300 of the largest term: fewer VecSum passes than
# three leave errors above the result's 2^-200
for i in range(40):
    xs = [rng.uniform(-1, 1) * 2.0 ** rng.randint(-150, 150) for _ in range(8)]
    S = exact(xs)
    xs += [-d for d in parts(S, 6)[:rng.randint(2, 4)]]
    rng.shuffle(xs)
    if exact(xs) == 0:
        continue
    sums.append((xs, parts(exact(xs), 6)))
# heavy overlap in the order that needs the passes: big, many small, -big
for k in (30, 53, 80):
    xs = [2.0 ** k, 1.0, 2.0 ** -k, 2.0 ** (-2 * k), 2.0 ** (-3 * k),
          -2.0 ** k, 3.0 * 2.0 ** (-4 * k), 1.0, -1.0, 2.0 ** -200, 0.5,
          -0.5 + 2.0 ** -54]
    sums.append((xs, parts(exact(xs), 6)))
lines.append("static const struct { int n; double x[12]; double r[6]; } "
             "ref_qd_sum[] = {")
for xs, r in sums:
    lines.append("  {%d, %s, %s}," % (len(xs), row(xs + [0.0] * (12 - len(xs))),
                                     row(r)))
lines.append("};")

# ---- add, mul, div of two quad-doubles
def rnd_qd(lo_e, hi_e, sign=True):
    return qd_of(rnd_mpf(lo_e, hi_e, sign))

ops = []
for i in range(120):
    op = i % 3
    a = rnd_qd(-40, 40)
    if op == 0 and i % 6 == 0:       # cancellation
        b = qd_of(-exact(a) * (1 + Fraction(rng.randint(1, 2 ** 20), 2 ** 150)))
    else:
        b = rnd_qd(-40, 40, sign=(op != 2))
    A, B = exact(a), exact(b)
    v = A + B if op == 0 else A * B if op == 1 else mpf(A.numerator) / \
        mpf(A.denominator) / (mpf(B.numerator) / mpf(B.denominator))
    ops.append((op, a, b, parts(v, 6)))
lines.append("/* op: 0 add, 1 mul, 2 div */")
lines.append("static const struct { int op; double a[4], b[4], r[6]; } "
             "ref_qd_ops[] = {")
for op, a, b, r in ops:
    lines.append("  {%d, %s, %s, %s}," % (op, row(a), row(b), row(r)))
lines.append("};")

# ---- e^(hi + lo): -1500 <= hi <= 0, |lo| <= ulp(hi)
LOG2E = mpmath.log(2) ** -1
exps = []
def add_exp(hi, lo):
    """e^(hi + lo) = R 2^K, R in [1, 2): K and R's parts (e^-1500 is
    past the doubles)"""
    v = mpmath.exp(mpf(hi) + mpf(lo))
    K = int(mpmath.floor(mpmath.log(v, 2)))
    exps.append((hi, lo, K, parts(mpmath.ldexp(v, -K), 6)))
for i in range(60):
    hi = -rng.uniform(0, 1500) if i % 2 else -rng.uniform(0, 2)
    ulp = mpmath.ldexp(1, mpmath.frexp(hi)[1] - 53) if hi else 0
    lo = 0.0 if i % 3 == 0 else float(ulp * rng.uniform(-0.5, 0.5))
    add_exp(hi, lo)
# -hi log2 e next to a half-integer (kd's tie: either kd is right), and
# hi = -k ln 2 for large k (k times ln 2's last parts)
for k in (1, 2, 7, 100, 1000, 1074, 1500, 2000, 2163):
    for half in (0.5, -0.5):
        hi = -float((k + half) / LOG2E)
        for d in (-1, 0, 1):
            x = hi if d == 0 else math.nextafter(hi, 0.0 if d > 0 else -2e9)
            if -1500 <= x <= 0:
                add_exp(x, 0.0)
    hi = -float(k / LOG2E)
    if -1500 <= hi:
        add_exp(hi, 0.0)
        add_exp(hi, float(mpmath.ldexp(1, mpmath.frexp(hi)[1] - 54)))
# exp's exact inputs: e^0 = 1
add_exp(0.0, 0.0)
lines.append("/* e^(hi + lo) = (r[0] + ... + r[5]) 2^K */")
lines.append("static const struct { double hi, lo; int K; double r[6]; } "
             "ref_qd_exp[] = {")
for hi, lo, K, r in exps:
    lines.append("  {%s, %s, %d, %s}," % (h(hi), h(lo), K, row(r)))
lines.append("};")

# ---- ln x (|ln x| >= 2^-6) and ln(1 + t)
logs = []
for i in range(50):
    e = rng.choice([0, 1, -1, 5, -30, 300, -300, 1000, -1000, 1023, -1022])
    x = qd_of(mpmath.ldexp(mpf(rng.getrandbits(240)) / mpf(2) ** 240 + 1, e))
    X = exact(x)
    if abs(mpmath.log(mpf(X.numerator) / X.denominator)) < mpf(2) ** -6:
        continue
    logs.append((0, x, mpmath.log(mpf(X.numerator) / X.denominator)))
for e in (1, 2, -1, -2, 1023, -1022, 700, -700):    # ln 2^e: e ln 2 alone
    x = [2.0 ** e, 0.0, 0.0, 0.0]
    logs.append((0, x, e * mpmath.log(2)))
T = [2.0 ** -5, -2.0 ** -5, 2.0 ** -5 * (1 + 2.0 ** -52), -2.0 ** -5 * (1 + 2.0 ** -52),
     2.0 ** -5 * (1 - 2.0 ** -53), -2.0 ** -5 * (1 - 2.0 ** -53),
     0.03, -0.03, 2.0 ** -6, 2.0 ** -20, -2.0 ** -40, 2.0 ** -300, 0.0,
     0.5, -0.5, 1.0, 3.0, 1e10, 1e300, -0.9999, -1 + 2.0 ** -50]
for i in range(30):
    T.append(rng.uniform(-2.0 ** -5, 2.0 ** -5))
for t in T:
    tq = [t, 0.0, 0.0, 0.0]
    if i % 2 and t != 0.0 and abs(t) < 2.0 ** -5:
        tq = qd_of(Fraction(t) * (1 + Fraction(rng.randint(1, 2 ** 40), 2 ** 100)))
    Tt = exact(tq)
    logs.append((1, tq, mpmath.log1p(mpf(Tt.numerator) / Tt.denominator)))
    i += 1
lines.append("/* f: 0 bce_qd_log(x), 1 bce_qd_log1p(x) */")
lines.append("static const struct { int f; double x[4], r[6]; } ref_qd_log[] = {")
for f, x, v in logs:
    lines.append("  {%d, %s, %s}," % (f, row(x), row(parts(v, 6))))
lines.append("};")

print("\n".join(lines))
