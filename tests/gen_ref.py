#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference values for sqlite-bce, computed with mpmath at 40 digits.

Independent of the code under test: every value here comes from the
mathematical definitions of docs/functions.md (and issue 2), evaluated in
arbitrary precision on the exact binary inputs, then rounded once to the
nearest double.  The only double-precision step taken on purpose is the
clip bound 1 - eps, which the definition itself forms in double precision
(as scikit-learn's np.clip(p, eps, 1 - eps) does).

Writes, for CI to read (CI never runs this script):
  tests/ref/core_ref.h           cases for the C unit tests of src/
  tests/ref/arrays_ref.h         the same for src/decimal.c, json_array.c
                                 and arrays.c (tests/unit_arrays.c)
  tests/sql/mpmath_values.sql    cases for the SQL tests of the extension
  tests/sql/mpmath_means.sql     the means over 10^6 and 2*10^5 rows (a file
                                 of their own: too slow for make check's
                                 valgrind pass, which skips it)
  tests/sql/mpmath_logits_arrays.sql  the same for the logits functions and
                                 JSON-array rows (issue 3)
  tests/sql/mpmath_big_arrays.sql  10^5 rows x 46 labels (skipped by the
                                 valgrind pass, as mpmath_means.sql is)
  tests/sql/recipes_checked.sql  every number of sql/recipes.sql

Decimal texts in JSON arrays are turned into doubles by Python's float(),
which rounds correctly, independently of the extension's own reader.

Run:  python3 tests/gen_ref.py      (needs mpmath; about a minute)
"""
import os
import sys

from mpmath import mp, mpf

mp.dps = 40
HERE = os.path.dirname(os.path.abspath(__file__))
# the default clip: 2^-52, numpy's float64 eps, as scikit-learn >= 1.5
# (0.2.0's 1e-15 is passed explicitly where a case means it)
EPS = 2.0**-52


# ---------------------------------------------------------------- definitions
def clip(p, eps):
    hi = 1.0 - eps                  # formed in double, as the definition says
    return eps if p < eps else (hi if p > hi else p)


def loss(y, p, eps=EPS):
    """l(y, p) = -[y ln q + (1-y) ln(1-q)], q = clip(p); exact in mpmath."""
    q = mpf(clip(p, eps))
    y = mpf(y)
    total = mpf(0)
    if y != 0:
        if q == 0:
            return mp.inf
        total += y * mp.log(q)
    if y != 1:
        if q == 1:
            return mp.inf
        total += (1 - y) * mp.log1p(-q)   # 1-q would round at 40 digits
    return -total


def grad(y, p, n=1.0, eps=EPS):
    q = mpf(clip(p, eps))
    y = mpf(y)
    return -(y / q - (1 - y) / (1 - q)) / mpf(n)


def sigmoid(x):
    return 1 / (1 + mp.exp(-mpf(x)))


def logit(p):
    p = mpf(p)
    return mp.log(p) - mp.log1p(-p)


def softplus(x):
    return mp.log1p(mp.exp(mpf(x)))


def logits_loss(y, z):
    """l(y, z) = -[y ln sigmoid(z) + (1-y) ln(1 - sigmoid(z))]
    = y softplus(-z) + (1-y) softplus(z): two non-negative terms, exact in
    mpmath at any magnitude (its exponents are unbounded).  At +-Inf the
    limits."""
    z = float(z)
    if z == float("inf"):
        return mpf(0) if y == 1 else mp.inf
    if z == float("-inf"):
        return mpf(0) if y == 0 else mp.inf
    y = mpf(y)
    total = mpf(0)
    if y != 0:
        total += y * softplus(-z)
    if y != 1:
        total += (1 - y) * softplus(z)
    return total


def logits_grad(y, z, n=1.0):
    """(sigmoid(z) - y) / n, as (1-y) sigmoid(z) - y sigmoid(-z): the
    identity sigmoid(z) + sigmoid(-z) = 1 keeps each term exact where one
    difference would round away (y = 1, z = 700)."""
    y = mpf(y)
    g = (1 - y) * sigmoid(z) - y * sigmoid(-mpf(z))
    return g / mpf(n)


def logits_grad_condition(y, z):
    """How much the difference of the two terms magnifies their rounding:
    the larger term over the result (1 when one term is 0)."""
    y = mpf(y)
    a, b = (1 - y) * sigmoid(z), y * sigmoid(-mpf(z))
    return max(a, b) / abs(a - b) if a != b else mp.inf


def mean(terms, weights=None):
    if weights is None:
        return mp.fsum(terms) / len(terms)
    return (mp.fsum(mpf(w) * t for w, t in zip(weights, terms))
            / mp.fsum(mpf(w) for w in weights))


def to_double(x):
    if x == mp.inf:
        return float("inf")
    return float(x)                 # mpmath rounds to nearest


# ------------------------------------------------------------------- emitters
def sql_num(x):
    """An exact SQL spelling of the double x (no decimal parsing involved)."""
    x = float(x)
    if x == float("inf"):
        return "1e999"
    if x == float("-inf"):
        return "-1e999"
    if x == int(x) and abs(x) < 2**53:
        return "%d.0" % int(x)
    n, d = x.as_integer_ratio()
    e = -(d.bit_length() - 1)
    while n % 2 == 0:               # ieee754() wants M below 2^53
        n //= 2
        e += 1
    return "ieee754(%d,%d)" % (n, e)


def c_num(x):
    x = float(x)
    if x == float("inf"):
        return "INFINITY"
    return x.hex()


def label(x):
    return repr(float(x))


# ---------------------------------------------------------------------- cases
P_EXTREME = [1e-300, 2.0**-1074, 1e-16, 2.0**-52, 1e-15, 1e-15 * (1 + 2**-52),
             0.5, 1 - 2.0**-40, 1 - 1e-15, 1 - 2.0**-52, 1 - 2.0**-53, 1.0,
             0.0]

LOSS_CASES = []       # (y, p, eps)
for y, p in [(1, 0.4), (0, 0.5), (1, 0.8), (1, 0.2), (0, 0.1), (1, 0.9),
             (0, 0.2), (1, 0.65), (0, 0.999999), (1, 1e-7)]:
    LOSS_CASES.append((float(y), p, EPS))
for p in P_EXTREME:
    for y in (0.0, 1.0, 0.3):
        LOSS_CASES.append((y, p, EPS))
for y, p in [(0.3, 0.7), (0.25, 0.1), (0.9, 0.999), (0.5, 0.5), (1e-10, 0.5),
             (0.999999, 1e-12), (0.7, 0.3), (0.1, 0.9)]:
    LOSS_CASES.append((y, p, EPS))
for y, p, eps in [(0.0, 1e-300, 0.0), (1.0, 1e-300, 0.0), (0.0, 0.0, 0.0),
                  (1.0, 1.0, 0.0), (1.0, 2.0**-1074, 0.0),
                  (0.0, 1 - 2.0**-53, 0.0), (0.3, 0.25, 0.0),
                  (1.0, 0.01, 0.1), (0.0, 0.95, 0.1), (0.5, 0.0, 0.25),
                  (1.0, 1e-8, 1e-7), (0.0, 1e-8, 1e-7),
                  # 0.2.0's default clip, now passed: its top 1 - 1e-15 rounds
                  (1.0, 1.0, 1e-15), (0.0, 1.0, 1e-15), (1.0, 0.0, 1e-15),
                  (0.0, 0.0, 1e-15), (0.3, 1.0, 1e-15)]:
    LOSS_CASES.append((y, p, eps))
INF_LOSS_CASES = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.3, 0.0, 0.0),
                  (0.3, 1.0, 0.0)]

GRAD_CASES = []       # (y, p, n)
for y, p in [(1, 0.4), (0, 0.5), (1, 0.8), (1, 0.2)]:
    GRAD_CASES.append((float(y), p, 4.0))
for p in P_EXTREME:
    for y in (0.0, 1.0, 0.3):
        GRAD_CASES.append((y, p, 1.0))
for y, p, n in [(0.3, 0.7, 1.0), (0.25, 0.1, 3.0), (0.5, 0.5, 1.0),
                (0.9, 0.3, 1e6), (1.0, 0.5, 0.5), (0.0, 0.25, 7.0)]:
    GRAD_CASES.append((y, p, n))

SIGMOID_CASES = [0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 20.0, -20.0, 36.7,
                 -36.7, 40.0, -40.0, 100.0, -100.0, 709.0, -709.0, 710.0,
                 -710.0, -744.0, -745.0, -746.0, 1000.0, -1000.0, 1e-300,
                 -1e-300, 1e300, -1e300, 3e-8, -3e-8]

LOGIT_CASES = [1e-300, 2.0**-1074, 1e-15, 0.1, 0.2, 0.2499999999999,
               0.25, 0.3, 0.4, 0.5, 0.5 + 2.0**-30, 0.5 - 2.0**-30, 0.6,
               0.75, 0.9, 0.99, 1 - 2.0**-40, 1 - 1e-15, 1 - 2.0**-53]

# The published examples, as (name, y, p).
EXAMPLES = [
    ("worked example (issue 2)", [1, 0, 1, 1], [0.4, 0.5, 0.8, 0.2]),
    ("Keras docs", [0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]),
    ("scikit-learn docs", [1, 0, 0, 1], [0.9, 0.1, 0.2, 0.65]),
]

# Sliding-window rows (i, y, p, w), eps = 0: a certain-and-wrong row, a huge
# term next to tiny ones, a zero weight on an infinite term.
WINDOW_ROWS = [(1, 1.0, 0.4, 1.0), (2, 0.0, 0.5, 2.0), (3, 1.0, 0.0, 1.0),
               (4, 0.0, 1e-300, 0.5), (5, 0.0, 1 - 2.0**-53, 1.0),
               (6, 0.0, 1e-300, 3.0), (7, 0.0, 1e-300, 1.0),
               (8, 1.0, 0.0, 0.0), (9, 0.3, 0.7, 1.5), (10, 1.0, 1.0, 1.0),
               (11, 0.0, 0.0, 1.0), (12, 0.0, 0.0, 2.0)]

WEIGHTED = ([1, 0, 0.5, 1, 0, 0.25], [0.9, 0.2, 0.5, 0.3, 0.05, 0.6],
            [1, 2, 0.5, 3, 0, 1.5])


# ------------------------------------------------------- logits (issue 3)
Z_EXTREME = [0.0, 2.0**-1074, -2.0**-1074, 1e-300, -1e-300, 1e-8, -1e-8,
             0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 20.0, -20.0, 36.7, -36.7, 37.5,
             -37.5, 50.0, -50.0, 100.0, -100.0, 709.0, -709.0, 710.0, -710.0,
             745.0, -745.0, 746.0, -746.0, 1000.0, -1000.0, 1e300, -1e300,
             1.7976931348623157e308, -1.7976931348623157e308]
LOGITS_LOSS_CASES = [(1.0, 0.0), (1.0, 50.0), (0.0, 1000.0), (1.0, -1000.0),
                     (0.3, 2.0)]                    # the issue's points first
for z in Z_EXTREME:
    for y in (0.0, 1.0, 0.3, 0.5, 0.999999, 1e-10):
        LOGITS_LOSS_CASES.append((y, z))
LOGITS_INF_CASES = [(y, z) for z in (float("inf"), float("-inf"))
                    for y in (0.0, 1.0, 0.5, 0.3)]

LOGITS_GRAD_CASES = []   # (y, z, n)
for z in Z_EXTREME:
    for y in (0.0, 1.0, 0.3, 0.999999):
        LOGITS_GRAD_CASES.append((y, z, 1.0))
for y, z, n in [(1.0, 0.4, 4.0), (0.0, -3.0, 4.0), (0.3, 2.0, 3.0),
                (1.0, 50.0, 7.0), (0.0, -1000.0, 1e6), (0.25, 0.5, 0.5),
                (1.0, 700.0, 2.0), (0.0, -700.0, 3.0)]:
    LOGITS_GRAD_CASES.append((y, z, n))
LOGITS_GRAD_INF_CASES = [(y, z, n) for z in (float("inf"), float("-inf"))
                         for y in (0.0, 1.0, 0.3) for n in (1.0, 4.0)]

KERAS_LOGITS = ([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8])
LOGITS_WEIGHTED = ([1, 0, 0.5, 1, 0, 0.25, 1],
                   [3.0, -2.0, 0.0, 50.0, -1e300, 710.0, -36.7],
                   [1, 2, 0.5, 3, 0, 1.5, 0.25])

# Sliding frames over logits (i, y, z, w): infinities of both kinds, a loss
# of 1e300 beside ones of 1e-22, a zero weight on an infinite loss.
WINDOW_LOGIT_ROWS = [(1, 1.0, 0.4, 1.0), (2, 0.0, float("inf"), 2.0),
                     (3, 1.0, 50.0, 1.0), (4, 1.0, -1e300, 0.5),
                     (5, 1.0, 50.0, 1.0), (6, 1.0, float("inf"), 3.0),
                     (7, 0.3, 2.0, 1.0), (8, 1.0, float("-inf"), 0.0),
                     (9, 0.0, float("-inf"), 1.5), (10, 0.0, -710.0, 1.0),
                     (11, 0.5, 0.0, 1.0), (12, 0.0, -36.7, 2.0)]


# --------------------------------------------------- JSON arrays (issue 3)
def json_text(texts):
    return "[" + ",".join(texts) + "]"


def lcg(seed):
    """A small deterministic generator, so the arrays are fixed."""
    state = seed
    while True:
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        yield state >> 11


def random_array(seed, k, kind):
    """k element texts: 'hard' labels, 'soft' labels, 'p' probabilities
    (with extremes), 'z' logits (with extremes)."""
    g = lcg(seed)
    out = []
    extremes = {"p": ["0", "1", "1e-300", "0.9999999999999999", "5e-324",
                      "1e-15", "0.5", "1.0", "0.999999999999999"],
                "z": ["0", "50", "-50", "710", "-710", "1e300", "-1e300",
                      "-1000", "1000", "36.7", "-0.0", "2.5e-3"]}
    for i in range(k):
        r = next(g)
        u = r / 2.0**53
        if kind == "hard":
            out.append("1" if r % 3 == 0 else "0")
        elif kind == "soft":
            out.append(repr(round(u, 3)) if r % 4 else "0.25")
        elif kind in extremes and r % 5 == 0:
            out.append(extremes[kind][r % len(extremes[kind])])
        elif kind == "p":
            out.append(repr(u) if r % 2 else "%.6f" % u)
        else:
            out.append(repr((u - 0.5) * 40) if r % 2 else "%.3e" % ((u - 0.5) * 8))
    return out


def floats(texts):
    return [float(t) for t in texts]


def row_loss(ys, ps, logits=False, eps=EPS):
    """The loss of one row: the mean of its element losses.  ys and ps are
    lists of texts."""
    pv = floats(ps)
    yv = floats(ys)
    terms = [logits_loss(y, p) if logits else loss(y, p, eps)
             for y, p in zip(yv, pv)]
    return mp.inf if mp.inf in terms else mp.fsum(terms) / len(terms)


def row_grads(ys, ps, n=None, logits=False):
    """The element gradients of one row, each divided by n*K."""
    pv = floats(ps)
    yv = floats(ys)
    k = len(pv) * (mpf(n) if n is not None else 1)
    return [(logits_grad(y, p) if logits else grad(y, p)) / k
            for y, p in zip(yv, pv)]


V46 = {  # name: (y texts or a number, p or z texts)
    "hard labels, p": (random_array(1, 46, "hard"), random_array(2, 46, "p")),
    "soft labels, p": (random_array(3, 46, "soft"), random_array(4, 46, "p")),
    "hard labels, z": (random_array(5, 46, "hard"), random_array(6, 46, "z")),
    "soft labels, z": (random_array(7, 46, "soft"), random_array(8, 46, "z")),
}
ARRAY_ROWS = [  # (y json or number, p json, w): K = 1, 4, 46, 3, and scalars
    ("[1]", "[0.4]", 1.0),
    ("[1,0,1,1]", "[0.4,0.5,0.8,0.2]", 2.0),
    (json_text(V46["hard labels, p"][0]), json_text(V46["hard labels, p"][1]),
     0.5),
    ("[0.3, 1, 0]", "[0.7, 1e-300, 0.999]", 3.0),
    ("[1, 1, 1]", "[0.9, 0.95, 0.6]", 1.5),
    (0.0, 0.25, 1.0),
]
ARRAY_LOGIT_ROWS = [
    ("[1]", "[0.4]", 1.0),
    ("[0,1,0,0]", "[-18.6,0.51,2.94,-12.8]", 2.0),
    (json_text(V46["soft labels, z"][0]), json_text(V46["soft labels, z"][1]),
     0.5),
    ("[1, 0, 0.5]", "[1e999, -1e999, 3]", 3.0),
    ("[0, 0, 0]", "[-50, 2, 1e300]", 1.5),
    (1.0, 50.0, 1.0),
]


# 10^5 rows of 46 labels, the text of each element made by integer
# arithmetic in SQL and here alike.  Few distinct values (47458), so
# that mpmath computes each loss once and the exact mean is a sum of
# counts times losses.
BIG46_ROWS = 100000
BIG46_K = 46


def big46_y(j):
    return "1" if (j * 7) % 10 < 3 else "0"


def big46_p(j):
    if j % 3 == 0:
        return "0.%06d" % (((j * 7919) % 9973) * 97)
    if j % 3 == 1:
        return "0.%017d" % (((j * 7919) % 9973) * 10000000000019)
    return "%d.%03de-%d" % (1 + j % 9, (j * 31) % 97, 1 + j % 13)


BIG46_SQL_Y = "CASE WHEN (j * 7) % 10 < 3 THEN '1' ELSE '0' END"
BIG46_SQL_P = ("CASE j % 3 WHEN 0 THEN printf('0.%06d', ((j * 7919) % 9973) * 97)"
               " WHEN 1 THEN printf('0.%017d', ((j * 7919) % 9973) * 10000000000019)"
               " ELSE printf('%d.%03de-%d', 1 + j % 9, (j * 31) % 97, 1 + j % 13)"
               " END")


# Large tables, made by the same arithmetic in SQL and here (each step is one
# IEEE operation, identical in both).
def big_p(k):
    p = (((k * 7919) % 1000003) + 0.5) / 1000003.0 / (1 << (k % 40))
    return 1.0 - p if k % 3 == 0 else p


def big_y_hard(k):
    return 1.0 if k % 7 < 3 else 0.0


def big_y_soft(k):
    return (k % 5) / 4.0


def big_w(k):
    return ((k * 13) % 17) / 8.0


BIG_SQL_P = ("CASE WHEN k % 3 = 0 THEN 1.0 - ((((k*7919) % 1000003) + 0.5)"
             " / 1000003.0 / (1 << (k % 40))) ELSE ((((k*7919) % 1000003)"
             " + 0.5) / 1000003.0 / (1 << (k % 40))) END")
BIG_SQL_Y_HARD = "CASE WHEN k % 7 < 3 THEN 1.0 ELSE 0.0 END"
BIG_SQL_Y_SOFT = "(k % 5) / 4.0"
BIG_SQL_W = "((k*13) % 17) / 8.0"

BIG = [  # name, rows, y(k), SQL y, weighted
    ("1e6 rows, hard labels", 1000000, big_y_hard, BIG_SQL_Y_HARD, False),
    ("2e5 rows, soft labels", 200000, big_y_soft, BIG_SQL_Y_SOFT, False),
    ("2e5 rows, hard labels, weights", 200000, big_y_hard, BIG_SQL_Y_HARD,
     True),
]


# ------------------------------------------------------------------- writers
def write_c(path):
    out = ["/* Generated by tests/gen_ref.py (mpmath, 40 digits); do not "
           "edit. */",
           "#ifndef BCE_CORE_REF_H", "#define BCE_CORE_REF_H",
           "#include <math.h>", ""]
    out.append("static const struct { double y, p, eps, want; } "
               "ref_loss[] = {")
    for y, p, eps in LOSS_CASES + INF_LOSS_CASES:
        out.append("  {%s, %s, %s, %s}," % (c_num(y), c_num(p), c_num(eps),
                                             c_num(to_double(loss(y, p, eps)))))
    out.append("};\n")
    out.append("static const struct { double y, p, n, want; } "
               "ref_grad[] = {")
    for y, p, n in GRAD_CASES:
        out.append("  {%s, %s, %s, %s}," % (c_num(y), c_num(p), c_num(n),
                                             c_num(to_double(grad(y, p, n)))))
    out.append("};\n")
    out.append("static const struct { double x, want; } ref_sigmoid[] = {")
    for x in SIGMOID_CASES:
        out.append("  {%s, %s}," % (c_num(x), c_num(to_double(sigmoid(x)))))
    out.append("};\n")
    out.append("static const struct { double p, want; } ref_logit[] = {")
    for p in LOGIT_CASES:
        out.append("  {%s, %s}," % (c_num(p), c_num(to_double(logit(p)))))
    out.append("};\n")
    write_c_issue3(out)
    out.append("#endif")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def logits_grad_tol(y, z):
    """ulp allowed for bce_logits_grad: 3 (sigmoid's 2, the division's
    rounding), more where the difference of two terms magnifies their
    errors (a soft label); huge near the root, where the result is tiny."""
    cond = logits_grad_condition(y, z)
    return 3 if cond <= 1 else min(int(mp.ceil(2 * cond + 1)), 2**30)


# Decimal texts whose nearest double is hard to find: halfway cases,
# subnormals, the ends of the range, long digit strings.
DECIMAL_CASES = [
    "0", "-0", "1", "0.1", "0.30000000000000004", "5e-324", "-5e-324",
    "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-324",
    "1.7976931348623157e308", "1.7976931348623158e308",
    "1.7976931348623159e308", "1e309", "-1e400", "1e-400",
    "9007199254740993", "9007199254740992.5", "9007199254740994.5",
    "123456789012345678901234567890", "2.2250738585072011e-308",
    "2.2250738585072012e-308", "2.2250738585072014e-308",
    "0.500000000000000166533453693773481063544750213623046875",
    "0.500000000000000166533453693773481063544750213623046876",
    "0.500000000000000166533453693773481063544750213623046874",
    "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124",
    "4.35679342e-8", "1e23", "8.98846567431158e307", "7.7e-13",
    "0.0000000000000000000000000001234567890123456789", "1e-5", "1E+2",
    "0.1e1", "100e-2", "3.141592653589793238462643383279502884197",
    "0.9999999999999999444888487687421729788184165954589843750",
    "0.99999999999999994448884876874217297881841659545898437",
    "1" + "0" * 400 + "e-400", "0." + "0" * 330 + "1e330",
    "7.2057594037927933e16", "1.8446744073709552e19",
    "18446744073709551615", "18446744073709551616.5",
    "9.999999999999999e22", "1.2345678901234567e-11",
]


def _past(digits, exp10, at):
    """digits * 10^exp10 plus one unit at significant digit `at` (past the
    reader's 800 kept digits): just above it, whatever it is."""
    k = at - len(digits) - 1
    return "%s%s1e%d" % (digits, "0" * k, exp10 - k - 1)


# Exact halfway cases, written out in full (2^-n = 5^n * 10^-n), and the
# same with a nonzero digit past the 800 the slow path keeps, which must
# break the tie upwards; a correct() tie whose first estimate is the odd
# neighbour below; a double whose 53-bit integer ends in zeros (fewer
# digits than its integer part); 810 digits above 10^9 (a right shift past
# 800 digits).  Python's float() rounds each correctly (any length).
DECIMAL_CASES += [
    str(5 ** 1075) + "e-1075",                   # 2^-1075: ties to 0
    _past(str(5 ** 1075), -1075, 850),           # just above: 2^-1074
    str(3 * 5 ** 1075) + "e-1075",               # 3*2^-1075: to 2^-1073
    str((2 ** 53 + 1) * 5 ** 54) + "e-54",       # 1/2 + 2^-54: to 1/2
    _past(str((2 ** 53 + 1) * 5 ** 54), -54, 900),   # to 1/2 + 2^-53
    "4503599627370499.5",                        # to 2^52 + 4
    str((2 ** 52 + 4) * 2 ** 48),
    "1234567890." + "1234567890" * 80,
    "1e" + "9" * 20, "1e-" + "9" * 20,          # exponents saturate
]


def write_c_issue3(out):
    """Logits cases, into core_ref.h (tests/unit_core.c)."""
    out.append("static const struct { double y, z, want; } "
               "ref_logits_loss[] = {")
    for y, z in LOGITS_LOSS_CASES:
        out.append("  {%s, %s, %s}," % (c_num(y), c_num(z),
                                         c_num(to_double(logits_loss(y, z)))))
    out.append("};\n")
    out.append("static const struct { double y, z, n, want; int tol; } "
               "ref_logits_grad[] = {")
    for y, z, n in LOGITS_GRAD_CASES:
        out.append("  {%s, %s, %s, %s, %d}," % (
            c_num(y), c_num(z), c_num(n),
            c_num(to_double(logits_grad(y, z, n))), logits_grad_tol(y, z)))
    out.append("};\n")


def write_c_arrays(path):
    """Decimal, JSON and row cases, into arrays_ref.h (tests/unit_arrays.c)."""
    out = ["/* Generated by tests/gen_ref.py (mpmath, 40 digits; Python's "
           "float() and repr()); do not edit. */",
           "#ifndef BCE_ARRAYS_REF_H", "#define BCE_ARRAYS_REF_H",
           "#include <math.h>", ""]
    out.append("/* Python's float() of each text: correctly rounded. */")
    out.append("static const struct { const char *text; double want; } "
               "ref_decimal[] = {")
    for t in DECIMAL_CASES:
        out.append("  {\"%s\", %s}," % (t, c_num_signed(float(t))))
    out.append("};\n")
    out.append("/* Doubles and the digits of their shortest round-trip "
               "decimal (Python's repr). */")
    out.append("static const struct { double x; int digits; } "
               "ref_shortest[] = {")
    for x in SHORTEST_CASES:
        out.append("  {%s, %d}," % (c_num_signed(x), shortest_digits(x)))
    out.append("};\n")
    out.append("/* Rows of JSON arrays: y, p or z, "
               "and the mean of the element losses. */")
    out.append("static const struct { const char *y; "
               "const char *p; int logits; double eps, want; } "
               "ref_rows[] = {")
    for name, (ys, ps) in V46.items():
        logits = name.endswith("z")
        out.append("  {\"%s\", \"%s\", %d, %s, %s}," % (
            json_text(ys), json_text(ps), logits, c_num(EPS),
            c_num(to_double(row_loss(ys, ps, logits)))))
    for logits, rows in ((0, ARRAY_ROWS), (1, ARRAY_LOGIT_ROWS)):
        for ys, ps, _ in rows:
            if not isinstance(ps, str):
                continue            # a row of two numbers
            out.append("  {\"%s\", \"%s\", %d, %s, %s}," % (
                ys, ps, logits, c_num(EPS),
                c_num(to_double(row_loss(json_list(ys), json_list(ps),
                                         logits)))))
    out.append("};\n")
    out.append("#endif")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def json_list(t):
    """The element texts of a JSON array text, or the number itself."""
    if not isinstance(t, str):
        return t
    return [e.strip() for e in t.strip()[1:-1].split(",")]


def c_num_signed(x):
    if x == float("inf"):
        return "INFINITY"
    if x == float("-inf"):
        return "-INFINITY"
    return x.hex()


def shortest_digits(x):
    m = repr(abs(x)).split("e")[0].replace(".", "").lstrip("0")
    return max(len(m.rstrip("0")), 1)


SHORTEST_CASES = [0.1, 0.5, 100.0, 1e16, 1e22, 1e23, 5e-324, 1e-320,
                  2.2250738585072014e-308, 2.225073858507201e-308,
                  1.7976931348623157e308, 0.30000000000000004,
                  123456789012345680.0, 9007199254740993.0, 1 / 3.0,
                  -2.0 / 3.0, 1e-5, 4.9406564584124654e-322, 0.8605048440456026,
                  6.103515625e-05, 299792458.0, 2.0**-1022 * 3]


def check(name, got_sql, want, kind="ulp", tol=1):
    want_sql = sql_num(to_double(want)) if not isinstance(want, str) else want
    tol_sql = "NULL" if tol is None else repr(tol)
    return ("INSERT INTO checks VALUES(%s, %s, %s, '%s', %s);"
            % (sql_quote(name), got_sql, want_sql, kind, tol_sql))


def sql_quote(s):
    return "'" + s.replace("'", "''") + "'"


def values_table(rows):
    return "(VALUES %s)" % ", ".join(
        "(" + ", ".join(sql_num(v) for v in r) + ")" for r in rows)


def write_sql(path):
    out = ["-- Generated by tests/gen_ref.py (mpmath, 40 digits); do not edit.",
           "-- Every expected value is the double nearest the exact one;",
           "-- inputs and values are spelled ieee754(M,E) so that no decimal",
           "-- parsing stands between the reference and the test.",
           ".read tests/sql/lib/checks.sql", ""]
    # Per-row terms: 1 ulp for a hard label (one correctly-rounded-ish log),
    # 2 ulp for a soft label (two logs, a product and a sum, no cancellation).
    for y, p, eps in LOSS_CASES:
        tol = 1 if y in (0.0, 1.0) else 2
        args = "%s, %s" % (sql_num(y), sql_num(p))
        name = "bce_term(%s, %s)" % (label(y), label(p))
        if eps != EPS:
            args += ", 1, " + sql_num(eps)
            name = "bce_term(%s, %s, 1, %s)" % (label(y), label(p), label(eps))
        out.append(check(name, "bce_term(%s)" % args, loss(y, p, eps),
                         "ulp", tol))
    for y, p, eps in INF_LOSS_CASES:
        out.append(check("bce_term(%s, %s, 1, 0) is +Inf" % (label(y), label(p)),
                         "bce_term(%s, %s, 1, 0.0)" % (sql_num(y), sql_num(p)),
                         "1e999", "is", None))
    out.append("")
    for y, p, n in GRAD_CASES:
        tol = 2 if (y in (0.0, 1.0) or n != 1.0) else 3
        out.append(check("bce_grad(%s, %s, %s)" % (label(y), label(p),
                                                   label(n)),
                         "bce_grad(%s, %s, %s)" % (sql_num(y), sql_num(p),
                                                   sql_num(n)),
                         grad(y, p, n), "ulp", tol))
    out.append("")
    for x in SIGMOID_CASES:
        out.append(check("sigmoid(%s)" % label(x), "sigmoid(%s)" % sql_num(x),
                         sigmoid(x), "ulp", 1))
    out.append("")
    for p in LOGIT_CASES:
        out.append(check("logit(%s)" % label(p), "logit(%s)" % sql_num(p),
                         logit(p), "ulp", 2))
    out.append("")
    # Aggregates over small tables: the mean rounds once more (1 ulp more).
    for name, ys, ps in EXAMPLES:
        rows = list(zip(ys, ps))
        want = mean([loss(y, p) for y, p in rows])
        out.append(check("bce() %s, exact mean" % name,
                         "(SELECT bce(column1, column2) FROM %s)"
                         % values_table(rows), want, "ulp", 2))
    ys, ps, ws = WEIGHTED
    rows = list(zip(ys, ps, ws))
    want = mean([loss(y, p) for y, p in zip(ys, ps)], ws)
    out.append(check("bce(y, p, w) soft labels and a zero weight",
                     "(SELECT bce(column1, column2, column3) FROM %s)"
                     % values_table(rows), want, "ulp", 3))
    for eps in (0.0, 0.05, 1e-7):
        want = mean([loss(y, p, eps) for y, p in zip(ys, ps)], ws)
        out.append(check("bce(y, p, w, %s)" % label(eps),
                         "(SELECT bce(column1, column2, column3, %s) FROM %s)"
                         % (sql_num(eps), values_table(rows)), want, "ulp", 3))
    out.append("")
    # Rule 8: a sliding frame, checked against each frame's exact mean, also
    # after it has slid past an infinite term (eps = 0) and a huge one.
    rows = WINDOW_ROWS
    table = values_table(rows)
    for weighted in (False, True):
        for i in range(len(rows)):
            frame = rows[max(0, i - 2):i + 1]
            terms = [loss(y, p, 0.0) for _, y, p, w in frame]
            ws = [w for _, y, p, w in frame]
            if weighted:
                ws_pos = [(w, t) for w, t in zip(ws, terms) if w > 0]
                want = (mp.inf if any(t == mp.inf for w, t in ws_pos)
                        else mean([t for w, t in ws_pos], [w for w, t in ws_pos]))
            else:
                want = mp.inf if mp.inf in terms else mean(terms)
            call = ("bce(column2, column3, column4, 0.0)" if weighted
                    else "bce(column2, column3, 1, 0.0)")
            got = ("(SELECT v FROM (SELECT column1 AS i, %s OVER (ORDER BY "
                   "column1 ROWS 2 PRECEDING) AS v FROM %s) WHERE i = %d)"
                   % (call, table, i + 1))
            name = "window %s, frame ending at row %d" % (
                "bce(y, p, w, 0)" if weighted else "bce(y, p, 1, 0)", i + 1)
            if want == mp.inf:
                out.append(check(name + " is +Inf", got, "1e999", "is", None))
            else:
                out.append(check(name, got, want, "ulp", 3))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write_sql_means(path):
    out = ["-- Generated by tests/gen_ref.py (mpmath, 40 digits); do not edit.",
           "-- The mean over many rows is within 2 ulp of the exact mean.",
           ".read tests/sql/lib/checks.sql", ""]
    # Rule 7: the mean over many rows is within 2 ulp of the exact mean.
    for name, n, yf, ysql, weighted in BIG:
        sys.stderr.write("  %s...\n" % name)
        ks = range(1, n + 1)
        terms = [loss(yf(k), big_p(k)) for k in ks]
        want = mean(terms, [big_w(k) for k in ks] if weighted else None)
        call = ("bce(%s, %s, %s)" % (ysql, BIG_SQL_P, BIG_SQL_W) if weighted
                else "bce(%s, %s)" % (ysql, BIG_SQL_P))
        got = ("(WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM r "
               "WHERE k < %d) SELECT %s FROM r)" % (n, call))
        out.append("-- exact mean: %s" % mp.nstr(want, 35))
        out.append(check("bce() %s within 2 ulp of the exact mean" % name,
                         got, want, "ulp", 2))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def sql_text(t):
    return sql_quote(t)


def arg(v):
    """A row's y or p as SQL: a JSON text, or an exact number."""
    return sql_text(v) if isinstance(v, str) else sql_num(v)


def frame_mean(frame, weighted, lossf):
    """The exact value of bce over a frame of (w, loss) pairs: NULL without
    a positive weight, +Inf if a loss of positive weight is."""
    pos = [(w, t) for w, t in frame if (w > 0 if weighted else True)]
    if not pos:
        return None
    if any(t == mp.inf for w, t in pos):
        return mp.inf
    if weighted:
        return mean([t for w, t in pos], [w for w, t in pos])
    return mean([t for w, t in pos])


def window_checks(out, rows, name, call_w, call_1, lossf):
    """ROWS 2 PRECEDING over rows (i, y, p, w), against each frame's exact
    value, unweighted and weighted."""
    table = "(VALUES %s)" % ", ".join(
        "(%d, %s, %s, %s)" % (r[0], arg(r[1]), arg(r[2]), sql_num(r[3]))
        for r in rows)
    for weighted in (False, True):
        call = call_w if weighted else call_1
        for i in range(len(rows)):
            frame = [(r[3], lossf(r[1], r[2]))
                     for r in rows[max(0, i - 2):i + 1]]
            want = frame_mean(frame, weighted, lossf)
            got = ("(SELECT v FROM (SELECT column1 AS i, %s OVER (ORDER BY "
                   "column1 ROWS 2 PRECEDING) AS v FROM %s) WHERE i = %d)"
                   % (call, table, i + 1))
            label_ = "window %s, frame ending at row %d" % (
                call, i + 1)
            if want == mp.inf:
                out.append(check(label_ + " is +Inf", got, "1e999", "is",
                                 None))
            else:
                out.append(check(label_, got, want, "ulp", 5))


def grad_checks(out, name, call, grads, tol):
    """Each element of a JSON gradient array against its exact value, read
    back by SQLite's json_each (whose reading may be 1 ulp off: tol + 1),
    and the array's length."""
    out.append(check(name + ": K elements",
                     "json_array_length(%s)" % call, "%d" % len(grads),
                     "is", None))
    for i, g in enumerate(grads):
        out.append(check("%s[%d]" % (name, i),
                         "(SELECT value FROM json_each(%s) WHERE key = %d)"
                         % (call, i), g, "ulp", tol + 1))


def write_sql_issue3(path):
    out = ["-- Generated by tests/gen_ref.py (mpmath, 40 digits); do not edit.",
           "-- Issue 3: bce_logits, bce_logits_term, bce_logits_grad, and",
           "-- every bce function on JSON arrays.  Expected values are the",
           "-- doubles nearest the exact ones; numbers in JSON texts are read",
           "-- by Python's float() (correctly rounded) for the reference.",
           ".read tests/sql/lib/checks.sql", ""]
    # Per-row logits loss: 2 ulp for a hard label (exp and log1p), 3 for a
    # soft one (also (1-y)*z and a sum of two non-negative terms).
    for y, z in LOGITS_LOSS_CASES:
        tol = 2 if y in (0.0, 1.0) else 3
        out.append(check("bce_logits_term(%s, %s)" % (label(y), label(z)),
                         "bce_logits_term(%s, %s)" % (sql_num(y), sql_num(z)),
                         logits_loss(y, z), "ulp", tol))
    for y, z in LOGITS_INF_CASES:
        want = logits_loss(y, z)
        out.append(check("bce_logits_term(%s, %s) is the limit %s"
                         % (label(y), label(z), mp.nstr(want, 3)),
                         "bce_logits_term(%s, %s)" % (sql_num(y), sql_num(z)),
                         "1e999" if want == mp.inf else "0.0", "is", None))
    out.append("")
    for y, z, n in LOGITS_GRAD_CASES:
        out.append(check("bce_logits_grad(%s, %s, %s)"
                         % (label(y), label(z), label(n)),
                         "bce_logits_grad(%s, %s, %s)"
                         % (sql_num(y), sql_num(z), sql_num(n)),
                         logits_grad(y, z, n), "ulp", logits_grad_tol(y, z)))
    for y, z, n in LOGITS_GRAD_INF_CASES:
        want = (1 - mpf(y) if z > 0 else -mpf(y)) / mpf(n)
        out.append(check("bce_logits_grad(%s, %s, %s) is the limit"
                         % (label(y), label(z), label(n)),
                         "bce_logits_grad(%s, %s, %s)"
                         % (sql_num(y), sql_num(z), sql_num(n)),
                         want, "ulp", 1))
    out.append("")
    # Aggregates of logits
    ys, zs = KERAS_LOGITS
    rows = list(zip(ys, zs))
    out.append(check("bce_logits() Keras docstring case, exact mean",
                     "(SELECT bce_logits(column1, column2) FROM %s)"
                     % values_table(rows),
                     mean([logits_loss(y, z) for y, z in rows]), "ulp", 3))
    ys, zs, ws = LOGITS_WEIGHTED
    rows = list(zip(ys, zs, ws))
    out.append(check("bce_logits(y, z, w) extremes, soft labels, a zero weight",
                     "(SELECT bce_logits(column1, column2, column3) FROM %s)"
                     % values_table(rows),
                     mean([logits_loss(y, z) for y, z in zip(ys, zs)], ws),
                     "ulp", 4))
    big = [(0.0, 1.5e308), (0.0, 1.7e308), (0.0, 1.6e308)]
    out.append(check("bce_logits() of losses near 1e308: the sum overflows, "
                     "the mean does not",
                     "(SELECT bce_logits(column1, column2) FROM %s)"
                     % values_table(big),
                     mean([logits_loss(y, z) for y, z in big]), "ulp", 2))
    big_w = [(0.0, 1.5e308, 1.0), (0.0, 1.7e308, 0.5), (1.0, -1.6e308, 1.0)]
    out.append(check("bce_logits(y, z, w) near 1e308: sum(w*l) overflows, "
                     "the mean does not",
                     "(SELECT bce_logits(column1, column2, column3) FROM %s)"
                     % values_table(big_w),
                     mean([logits_loss(y, z) for y, z, w in big_w],
                          [w for y, z, w in big_w]), "ulp", 3))
    out.append("")
    window_checks(out, WINDOW_LOGIT_ROWS, "bce_logits",
                  "bce_logits(column2, column3, column4)",
                  "bce_logits(column2, column3)", logits_loss)
    out.append("")

    # JSON arrays, one row at a time: the row's mean is within 3 ulp (hard
    # labels: 2 per element, the exact sum's rounding, the division), 4
    # for soft labels.
    examples = [("[1,0,1,1]", "[0.4,0.5,0.8,0.2]")]
    for ys, ps in examples:
        out.append(check("bce_term(%s, %s)" % (ys, ps),
                         "bce_term(%s, %s)" % (sql_text(ys), sql_text(ps)),
                         row_loss(json_list(ys), json_list(ps)), "ulp", 3))
    out.append(check("bce_term('[1]', '[0.4]'), K = 1",
                     "bce_term('[1]', '[0.4]')",
                     row_loss(["1"], ["0.4"]), "ulp", 1))
    out.append(check("bce_logits_term('[0]', '[-710]'), K = 1",
                     "bce_logits_term('[0]', '[-710]')",
                     row_loss(["0"], ["-710"], True), "ulp", 2))
    for name, (ys, ps) in V46.items():
        logits = name.endswith("z")
        fn = "bce_logits_term" if logits else "bce_term"
        tol = 3 if "hard" in name else 4
        out.append(check("%s of 46 elements, %s" % (fn, name),
                         "%s(%s, %s)" % (fn, sql_text(json_text(ys)),
                                         sql_text(json_text(ps))),
                         row_loss(ys, ps, logits), "ulp", tol))
        # one label for every element: y is an array of it (a number y
        # with an array p is an error since issue 24)
        for y0 in ("0", "1", "0.3"):
            same = [y0] * len(ps)
            out.append(check("%s(%s x 46, 46 elements): y constant, %s"
                             % (fn, label(y0), name),
                             "%s(%s, %s)" % (fn, sql_text(json_text(same)),
                                             sql_text(json_text(ps))),
                             row_loss(same, ps, logits), "ulp",
                             4 if y0 == "0.3" else 3))
    ys, ps = V46["hard labels, p"]
    for eps in (0.0, 0.05):
        out.append(check("bce_term(46 elements, eps %s)" % label(eps),
                         "bce_term(%s, %s, 1, %s)" % (
                             sql_text(json_text(ys)), sql_text(json_text(ps)),
                             sql_num(eps)),
                         row_loss(ys, ps, False, eps), "ulp", 3))
    out.append(check("bce_term(certain and wrong element, eps 0) is +Inf",
                     "bce_term('[1, 0, 1]', '[0.5, 0.5, 0]', 1, 0.0)",
                     "1e999", "is", None))
    out.append(check("bce_logits_term(one element of the wrong infinity) "
                     "is +Inf",
                     "bce_logits_term('[1, 0, 1]', '[1e999, -1e999, -1e999]')",
                     "1e999", "is", None))
    out.append(check("bce_logits_term(right infinities) is 0",
                     "bce_logits_term('[1, 0]', '[1e999, -1e999]')",
                     "0.0", "is", None))
    out.append("")

    # Aggregates over rows of mixed K (and plain numbers): each row weighs
    # as one row.  5 ulp: a row's 3 or 4, the mean's two roundings.
    for logits, rows in ((False, ARRAY_ROWS), (True, ARRAY_LOGIT_ROWS)):
        fn = "bce_logits" if logits else "bce"
        table = "(VALUES %s)" % ", ".join(
            "(%s, %s, %s)" % (arg(y), arg(p), sql_num(w)) for y, p, w in rows)
        terms = [row_loss(json_list(y) if isinstance(y, str) else [repr(y)],
                          json_list(p) if isinstance(p, str) else [repr(p)],
                          logits) for y, p, w in rows]
        ws = [w for y, p, w in rows]
        for weighted in (False, True):
            want = (mp.inf if mp.inf in terms
                    else mean(terms, ws if weighted else None))
            call = ("%s(column1, column2, column3)" % fn if weighted
                    else "%s(column1, column2)" % fn)
            name = "%s over rows of K = 1, 4, 46, 3 and numbers" % call
            if want == mp.inf:
                out.append(check(name + " is +Inf",
                                 "(SELECT %s FROM %s)" % (call, table),
                                 "1e999", "is", None))
            else:
                out.append(check(name, "(SELECT %s FROM %s)" % (call, table),
                                 want, "ulp", 5))
    # and the finite part of the logits rows, weighted, in a sliding frame
    window_checks(out, [(i + 1, y, p, w) for i, (y, p, w)
                        in enumerate(ARRAY_ROWS)], "bce",
                  "bce(column2, column3, column4)", "bce(column2, column3)",
                  lambda y, p: row_loss(json_list(y) if isinstance(y, str)
                                        else [repr(y)], json_list(p)
                                        if isinstance(p, str) else [repr(p)]))
    out.append("")

    # Gradients as JSON arrays, element by element
    ys, ps = "[1,0,1,1]", "[0.4,0.5,0.8,0.2]"
    grad_checks(out, "bce_grad(worked example, 4)",
                "bce_grad(%s, %s, 4)" % (sql_text(ys), sql_text(ps)),
                row_grads(json_list(ys), json_list(ps), 4), 3)
    for name, (ys, ps) in V46.items():
        logits = name.endswith("z")
        fn = "bce_logits_grad" if logits else "bce_grad"
        soft = "soft" in name
        for n in (None, 3.0):
            call = "%s(%s, %s%s)" % (fn, sql_text(json_text(ys)),
                                     sql_text(json_text(ps)),
                                     "" if n is None else ", " + sql_num(n))
            grads = row_grads(ys, ps, n, logits)
            if logits:
                tol = max(logits_grad_tol(y, z) for y, z
                          in zip(floats(ys), floats(ps))) + 1
            else:
                tol = 4 if soft else 3
            grad_checks(out, "%s(46 elements, %s, n = %s)" % (fn, name, n),
                        call, grads, tol)
    ps = ["1e999", "-1e999", "0", "50", "-50"]
    for y0 in ("0", "1", "0.3"):
        # sigmoid(+-Inf) is 1 or 0: the gradient's limits are 1-y and -y
        y = float(y0)
        grads = [((1 - mpf(y)) if p == "1e999" else -mpf(y) if p == "-1e999"
                  else logits_grad(y, float(p))) / (2 * len(ps)) for p in ps]
        grad_checks(out, "bce_logits_grad(%s x 5, infinities, 2): y constant"
                    % label(y0),
                    "bce_logits_grad('%s', '%s', 2)"
                    % (json_text([y0] * len(ps)), json_text(ps)),
                    grads, 4)
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write_sql_big_arrays(path):
    """10^5 rows of 46 labels: a file of its own, like the 10^6-row means,
    since make check's valgrind pass is too slow for it and skips it."""
    out = ["-- Generated by tests/gen_ref.py (mpmath, 40 digits); do not edit.",
           "-- bce() over 10^5 rows x 46 labels of JSON against the exact mean.",
           ".read tests/sql/lib/checks.sql", ""]
    # 10^5 rows of 46 labels
    sys.stderr.write("  10^5 rows x 46 labels...\n")
    counts = {}
    for k in range(1, BIG46_ROWS + 1):
        for i in range(BIG46_K):
            j = (k - 1) * BIG46_K + i
            key = (big46_y(j), big46_p(j))
            counts[key] = counts.get(key, 0) + 1
    total = mp.fsum(c * loss(float(y), float(p)) for (y, p), c
                    in counts.items())
    want = total / (BIG46_ROWS * BIG46_K)
    out.append("-- 10^5 rows x 46 labels, %d distinct elements; exact mean %s"
               % (len(counts), mp.nstr(want, 35)))
    out.append("CREATE TEMP TABLE big46 AS")
    out.append("  WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k + 1 "
               "FROM r WHERE k < %d)," % BIG46_ROWS)
    out.append("  e(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM e WHERE "
               "i < %d)," % (BIG46_K - 1))
    out.append("  el AS (SELECT k, (k - 1) * %d + i AS j FROM r, e)"
               % BIG46_K)
    out.append("  SELECT k, '[' || group_concat(%s, ',') || ']' AS y,"
               % BIG46_SQL_Y)
    out.append("         '[' || group_concat(%s, ',') || ']' AS p"
               % BIG46_SQL_P)
    out.append("  FROM el GROUP BY k;")
    out.append(check("big46: 10^5 rows", "(SELECT count(*) FROM big46)",
                     "%d" % BIG46_ROWS, "is", None))
    out.append(check("big46: 46 elements in every row",
                     "(SELECT min(json_array_length(p)) = %d AND "
                     "max(json_array_length(y)) = %d FROM big46)"
                     % (BIG46_K, BIG46_K), "1", "is", None))
    out.append(check("bce(y, p) over 10^5 rows x 46 labels of JSON, within "
                     "5 ulp of the exact mean",
                     "(SELECT bce(y, p) FROM big46)", want, "ulp", 5))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# sql/recipes.sql's table, (id, model, day, y, p, w); the recipes' inputs
# are formed by the same IEEE operations here as in SQL.
RECIPE_ROWS = [
    (1, 'a', '2026-11-01', 1, 0.90, 1.0), (1, 'b', '2026-11-01', 1, 0.70, 1.0),
    (2, 'a', '2026-11-01', 0, 0.20, 2.0), (2, 'b', '2026-11-01', 0, 0.10, 2.0),
    (3, 'a', '2026-11-01', 1, 0.60, 1.0), (3, 'b', '2026-11-01', 1, 0.80, 1.0),
    (4, 'a', '2026-11-01', 0, 0.40, 0.5), (4, 'b', '2026-11-01', 0, 0.30, 0.5),
    (5, 'a', '2026-11-02', 1, 0.30, 1.0), (5, 'b', '2026-11-02', 1, 0.55, 1.0),
    (6, 'a', '2026-11-02', 0, 0.05, 3.0), (6, 'b', '2026-11-02', 0, 0.15, 3.0),
    (7, 'a', '2026-11-02', 0, 0.70, 1.0), (7, 'b', '2026-11-02', 0, 0.45, 1.0),
    (8, 'a', '2026-11-02', 0, 0.10, 1.0), (8, 'b', '2026-11-02', 0, 0.05, 1.0),
]


def write_recipes(path):
    """Expected values of every view of sql/recipes.sql.  Values that come
    out of bce() alone are held to 3 ulp; values that also pass through
    SQLite's own sum()/avg() and arithmetic to 1e-14 relative (SQLite's
    rounding, not ours)."""
    out = ["-- Generated by tests/gen_ref.py (mpmath, 40 digits); do not edit.",
           "-- Runs sql/recipes.sql quietly, then checks each view's numbers.",
           ".read tests/sql/lib/checks.sql",
           ".output /dev/null",
           ".read sql/recipes.sql",
           ".output stdout",
           ".mode list",
           ".headers off", ""]

    def add(name, sql, want, kind, tol):
        out.append(check("recipe " + name, "(%s)" % sql, want, kind, tol))

    models = ("a", "b")
    rows = {m: [r for r in RECIPE_ROWS if r[1] == m] for m in models}
    for m in models:
        rs = rows[m]
        terms = [loss(y, p) for _, _, _, y, p, _ in rs]
        ws = [w for *_, w in rs]
        add("1 scikit-learn sum(w*l)/sum(w), model " + m,
            "SELECT sklearn_sum_w FROM recipe_weighted WHERE model = '%s'" % m,
            mean(terms, ws), "ulp", 3)
        add("1 PyTorch sum(w*l)/N, model " + m,
            "SELECT pytorch_mean FROM recipe_weighted WHERE model = '%s'" % m,
            mp.fsum(mpf(w) * t for w, t in zip(ws, terms)) / len(rs),
            "rel", 1e-14)
        smooth = [y * (1 - 0.1) + 0.1 / 2 for _, _, _, y, _, _ in rs]
        add("2 label smoothing 0.1, model " + m,
            "SELECT smoothed FROM recipe_label_smoothing WHERE model = '%s'" % m,
            mean([loss(ys, p) for ys, (_, _, _, _, p, _) in zip(smooth, rs)]),
            "ulp", 3)
        add("3 pos_weight 3, model " + m,
            "SELECT pos_weight_3 FROM recipe_pos_weight WHERE model = '%s'" % m,
            mp.fsum(3 * mpf(y) * loss(1, p) + (1 - mpf(y)) * loss(0, p)
                    for _, _, _, y, p, _ in rs) / len(rs), "rel", 1e-14)
        n = len(rs)
        count = {c: sum(1 for r in rs if r[3] == c) for c in (0, 1)}
        bw = [n * 1.0 / (2 * count[y]) for _, _, _, y, _, _ in rs]
        add("4 class-balanced weights, model " + m,
            "SELECT balanced FROM recipe_balanced WHERE model = '%s'" % m,
            mean(terms, bw), "ulp", 3)
        for day in sorted(set(r[2] for r in rs)):
            dr = [r for r in rs if r[2] == day]
            add("5 loss of model %s on %s" % (m, day),
                "SELECT log_loss FROM recipe_per_day WHERE model = '%s' AND "
                "day = '%s'" % (m, day),
                mean([loss(y, p) for _, _, _, y, p, _ in dr]), "ulp", 3)
        for dec in sorted(set(min(int(r[4] * 10), 9) for r in rs)):
            dr = [r for r in rs if min(int(r[4] * 10), 9) == dec]
            where = "WHERE model = '%s' AND decile = %d" % (m, dec)
            add("6 calibration %s decile %d: n" % (m, dec),
                "SELECT n FROM recipe_calibration " + where,
                "%d" % len(dr), "is", None)
            add("6 calibration %s decile %d: mean p" % (m, dec),
                "SELECT mean_p FROM recipe_calibration " + where,
                mp.fsum(mpf(r[4]) for r in dr) / len(dr), "rel", 1e-14)
            add("6 calibration %s decile %d: observed" % (m, dec),
                "SELECT observed FROM recipe_calibration " + where,
                mp.fsum(mpf(r[3]) for r in dr) / len(dr), "rel", 1e-14)
            add("6 calibration %s decile %d: loss" % (m, dec),
                "SELECT log_loss FROM recipe_calibration " + where,
                mean([loss(r[3], r[4]) for r in dr]), "ulp", 3)
    a = {r[0]: loss(r[3], r[4]) for r in rows["a"]}
    b = {r[0]: loss(r[3], r[4]) for r in rows["b"]}
    add("7 compare: loss of a", "SELECT loss_a FROM recipe_compare",
        mean(list(a.values())), "ulp", 3)
    add("7 compare: loss of b", "SELECT loss_b FROM recipe_compare",
        mean(list(b.values())), "ulp", 3)
    add("7 compare: mean difference b - a",
        "SELECT mean_diff FROM recipe_compare",
        mp.fsum(b[i] - a[i] for i in a) / len(a), "rel", 1e-13)
    add("7 compare: rows where b is better",
        "SELECT rows_b_better FROM recipe_compare",
        "%d" % sum(1 for i in a if b[i] < a[i]), "is", None)
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    write_c(os.path.join(HERE, "ref", "core_ref.h"))
    write_c_arrays(os.path.join(HERE, "ref", "arrays_ref.h"))
    write_recipes(os.path.join(HERE, "sql", "recipes_checked.sql"))
    write_sql(os.path.join(HERE, "sql", "mpmath_values.sql"))
    write_sql_means(os.path.join(HERE, "sql", "mpmath_means.sql"))
    write_sql_issue3(os.path.join(HERE, "sql", "mpmath_logits_arrays.sql"))
    write_sql_big_arrays(os.path.join(HERE, "sql", "mpmath_big_arrays.sql"))


if __name__ == "__main__":
    main()
