# SPDX-License-Identifier: MIT
"""Golden states: the bytes docs/state-format.md says a state of these rows
has, written by a second implementation of the format (this one, in
Python) from losses computed with mpmath at 100 bits and rounded once to a
double.  An accidental change of the format, or of a loss, fails
tests/sql/state_golden.sql or tests/unit_state.c; a deliberate one bumps
the version.

    python3 tests/gen_state_golden.py > tests/sql/state_golden.sql
    python3 tests/gen_state_golden.py header > tests/ref/state_golden_v2.h
    python3 tests/gen_state_golden.py scores > tests/sql/state_golden_scores.sql

The scores' file (issue 23): the states of bce_d2_state(), cce_d2_state()
and kl_div_state() (codes 05 to 07) of rows with and without options,
written here from the rows (losses and divergences with mpmath), their
values by bce_merge() (D^2 from tests/gen_d2_ref.py's definitions, the
divergence mean from the state's sums), the aggregates over the same rows
and every two-shard cut merged back.

The SQL file: the states bce_state() and bce_logits_state() make (version
2, their options the eps alone), and the version-1 states of 0.2.0 of the
same rows, read and merged again into those version-2 bytes.  The header:
version-2 states with options (issue 21: pos_weight, smoothing, gamma,
alpha, class_weight, ignore_index, reduction), each with its rows' losses
l (mpmath, from the issue's formulas), weights w and denominators d, the
state's bytes and the value of its reduction, rounded once from the exact
sums (Fractions): tests/unit_state.c adds the rows into a bce_mean and
must get both, bit for bit.

Needs mpmath (the first python3 on PATH here has it); the output is
committed, so the tests only read it.
"""
import json
import struct
from fractions import Fraction

import mpmath

mpmath.mp.prec = 100
DEFAULT_EPS = 2.0**-52    # 2^-52, numpy's float64 eps (scikit-learn >= 1.5)


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283   # the published check value


def to_double(x):
    return float(mpmath.mpf(x))   # mpf -> float rounds to nearest


def loss_prob(y, p, eps):
    q = min(max(p, eps), 1 - eps)       # in doubles, as the clip is
    q = mpmath.mpf(q)
    y = mpmath.mpf(y)
    terms = mpmath.mpf(0)
    if y != 0:
        if q == 0:
            return float("inf")
        terms += y * mpmath.log(q)
    if y != 1:
        if q == 1:
            return float("inf")
        # log1p: 1 - q at 100 bits would keep only ~50 of them for q near eps
        terms += (1 - y) * mpmath.log1p(-q)
    return to_double(-terms)


def loss_logits(y, z):
    z = mpmath.mpf(z)
    return to_double(mpmath.log(1 + mpmath.exp(z)) - mpmath.mpf(y) * z)


def units(x):
    """A finite double >= 0 as an integer number of 2^-1074."""
    f = Fraction(x) * 2 ** 1074
    assert f.denominator == 1
    return f.numerator


def leb128(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sum_bytes(n):
    limbs = []
    while n:
        limbs.append(n & 0xFFFFFFFF)
        n >>= 32
    if not limbs:
        return b"\x00"
    lo = 0
    while limbs[lo] == 0:
        lo += 1
    used = limbs[lo:]
    return bytes([len(used), lo]) + b"".join(struct.pack("<I", v) for v in used)


def state(fn, rows, weighted, eps=None, version=2):
    """rows: (y, x, w); fn 1 = bce, 2 = bce_logits."""
    n_row = n_pos = n_inf = 0
    loss = weight = 0
    for y, x, w in rows:
        n_row += 1
        if w <= 0:
            continue
        n_pos += 1
        l = loss_prob(y, x, DEFAULT_EPS if eps is None else eps) if fn == 1 else loss_logits(y, x)
        if l == float("inf"):
            n_inf += 1
        else:
            wl = w * l                      # one rounding, as the C does
            assert wl == 0 or wl >= 2.0 ** -1022, "no tiny products here"
            loss += units(wl)
        weight += units(w)
    if version == 1:
        out = bytearray(b"BCE\x01\x00\x00")
        out += bytes([fn, 1 if weighted else 0])
        if fn == 1:
            out += struct.pack("<d", DEFAULT_EPS if eps is None else eps)
    else:
        out = bytearray(b"BCE\x02\x00\x00\x00\x00")
        out += bytes([fn, 1 if weighted else 0])
        out += options_bytes({"eps": DEFAULT_EPS if eps is None else eps}
                             if fn == 1 else {})
    return finish(out, version, weighted, n_row, n_pos, n_inf, 0, loss,
                  weight, 0)


def finish(out, version, weighted, n_row, n_pos, n_inf, n_tiny, loss, weight,
           tiny, tiny_weight=None):
    """The counts, sums, length and CRC after the head (and options); the
    tiny weight sum after the others where flag bit 1 is set."""
    out += leb128(n_row)
    if weighted:
        out += leb128(n_pos) + leb128(n_inf) + leb128(n_tiny)
    else:
        out += leb128(n_inf)
    out += sum_bytes(loss)
    if weighted:
        out += sum_bytes(weight) + sum_bytes(tiny)
        if tiny_weight is not None:
            out += sum_bytes(tiny_weight)
    length = len(out) + 4
    if version == 1:
        out[4:6] = struct.pack("<H", length)
    else:
        out[4:8] = struct.pack("<I", length)
    out += struct.pack("<I", crc32c(bytes(out)))
    return bytes(out).hex().upper()


# The options as docs/state-format.md writes them: a LEB128 mask of the
# keys given, then each key's value in bit order.
KEYS = ["eps", "pos_weight", "smoothing", "gamma", "alpha", "class_weight",
        "ignore_index", "reduction"]
REDUCTIONS = {"mean": 0, "sum": 1, "mean_over_rows": 2}


def f64(x):
    return struct.pack("<d", float(x) + 0.0)


def options_bytes(opts):
    mask = 0
    for k in opts:
        mask |= 1 << KEYS.index(k)
    out = bytearray(leb128(mask))
    for bit, k in enumerate(KEYS):
        if not mask >> bit & 1:
            continue
        v = opts[k]
        if k in ("pos_weight", "alpha"):
            if isinstance(v, list):
                out += leb128(len(v)) + b"".join(f64(x) for x in v)
            else:
                out += leb128(0) + f64(v)
        elif k == "class_weight":
            out += leb128(len(v)) + b"".join(f64(x) for x in v)
        elif k == "ignore_index":
            out += struct.pack("<q", v)
        elif k == "reduction":
            out += bytes([REDUCTIONS[v]])
        else:
            out += f64(v)
    return bytes(out)


def values(rows):
    return ", ".join("(%r, %r, %r)" % r for r in rows)


# The worked example of the README (scikit-learn's log_loss docs use the
# same shape), with weights, and Keras' from_logits example.
WORKED = [(1, 0.4, 1), (0, 0.5, 1), (1, 0.8, 1), (1, 0.2, 1)]
WEIGHTED = [(1, 0.4, 1), (0, 0.5, 2), (1, 0.8, 0), (1, 0.2, 3)]
CERTAIN = [(1, 0.4, 1), (1, 0.0, 2), (0, 0.0, 1)]
KERAS = [(0, -18.6, 1), (1, 0.51, 1), (0, 2.94, 1), (0, -12.8, 1)]
KERAS_W = [(0, -18.6, 0.8), (1, 0.51, 0.2), (0, 2.94, 1.5), (0, -12.8, 0)]

CASES = [
    ("bce_state(y, p) of the worked example", "bce_state(column1, column2)", WORKED, (1, WORKED, False)),
    ("bce_state(y, p, w) with a weight of 0", "bce_state(column1, column2, column3)", WEIGHTED, (1, WEIGHTED, True)),
    ("bce_state(y, p, w, 1e-7)", "bce_state(column1, column2, column3, 1e-7)", WEIGHTED, (1, WEIGHTED, True, 1e-7)),
    # 0.2.0's default clip, passed: a state 0.2.0 wrote for bce_state(y, p, w)
    ("bce_state(y, p, w, 1e-15), a certain miss", "bce_state(column1, column2, column3, 1e-15)", CERTAIN, (1, CERTAIN, True, 1e-15)),
    ("bce_state(y, p, w, 0) with an infinite row", "bce_state(column1, column2, column3, 0)", CERTAIN, (1, CERTAIN, True, 0.0)),
    ("bce_logits_state(y, z) of the Keras example", "bce_logits_state(column1, column2)", KERAS, (2, KERAS, False)),
    ("bce_logits_state(y, z, w)", "bce_logits_state(column1, column2, column3)", KERAS_W, (2, KERAS_W, True)),
]


# ------------------------------------------------- states with options

def sigmoid(z):
    return 1 / (1 + mpmath.exp(-mpmath.mpf(z)))


def clip(p, eps):
    return mpmath.mpf(min(max(p, eps), 1 - eps))   # in doubles, as the clip is


def binary(y, q, o):
    """The binary row loss of issue 21 at the probability q (an mpf)."""
    s = o.get("smoothing", 0)
    y = mpmath.mpf(y) * (1 - mpmath.mpf(s)) + mpmath.mpf(s) / 2
    pw = o.get("pos_weight", 1)
    ce = -(pw * y * mpmath.log(q) + (1 - y) * mpmath.log1p(-q))
    pt = y * q + (1 - y) * (1 - q)
    l = (1 - pt) ** o.get("gamma", 0) * ce
    if "alpha" in o:
        a = mpmath.mpf(o["alpha"])
        l *= a * y + (1 - a) * (1 - y)
    return l


def multiclass(k, q, o):
    """The multi-class row loss l and denominator d of issue 21, for the
    class index k and the probabilities q (mpf)."""
    K = len(q)
    s = mpmath.mpf(o.get("smoothing", 0))
    cw = o.get("class_weight", [1] * K)
    al = o.get("alpha", 1)
    al = al if isinstance(al, list) else [al] * K
    g = o.get("gamma", 0)
    l = mpmath.mpf(0)
    for c in range(K):
        yc = (1 if c == k else 0) * (1 - s) + s / K
        l += cw[c] * al[c] * (1 - q[c]) ** g * (-yc * mpmath.log(q[c]))
    return l, (cw[k] if "class_weight" in o else 1)


def softmax(z):
    e = [mpmath.exp(mpmath.mpf(x)) for x in z]
    t = sum(e)
    return [x / t for x in e]


def round53(x):
    """A Fraction > 0 rounded to 53 bits, to nearest, ties to even, with no
    exponent floor (the product of two mantissas, then the exponents)."""
    if x == 0:
        return x
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    q = x / Fraction(2) ** (e - 52)          # in [2^52, 2^53)
    n, r = divmod(q.numerator, q.denominator)
    if 2 * r > q.denominator or (2 * r == q.denominator and n % 2):
        n += 1
    return Fraction(n) * Fraction(2) ** (e - 52)


def on_grid(x):
    return (x * 2 ** 1074).denominator == 1


class Sums:
    """The counts and exact sums of docs/state-format.md, each row added
    by the rules written there: w*l rounded once (to 53 bits, no exponent
    floor); below 2^-1022 and off the grid of 2^-1074 it is a tiny
    product (the tiny count, and times 2^1074 in the tiny sum), else in
    the loss sum.  w*d exactly, and below 2^-968 (the product rounded to
    a double) off the grid it goes times 2^1074 to the tiny weight sum
    (flag bit 1), else to the weight sum.  l is a double, or a Fraction:
    a loss below 2^-1000 kept to 53 bits (mc_loss())."""

    def __init__(self):
        self.n_row = self.n_pos = self.n_tiny = 0
        self.loss = self.tiny = self.weight = self.tiny_weight = Fraction(0)

    def add(self, l, w, d):
        self.n_row += 1
        if w <= 0:
            return
        self.n_pos += 1
        x = Fraction(w) * Fraction(l)
        p = round53(x)
        if float(p) >= 2.0 ** -1022:        # the double w*l, normal
            self.loss += Fraction(float(p))
        elif on_grid(x):                     # exact where subnormal
            self.loss += x
        else:
            self.n_tiny += 1
            self.tiny += p * 2 ** 1074       # its 53 bits, times 2^1074
        wd = Fraction(w) * Fraction(d)
        if d != 0 and float(w) * float(d) < 2.0 ** -968 and not on_grid(wd):
            self.tiny_weight += wd * 2 ** 1074
        else:
            self.weight += wd

    def total(self):
        """sum(w l), exact: the loss and the tiny sums."""
        return self.loss + self.tiny / 2 ** 1074

    def den(self):
        """sum(w d), exact: the weight and the tiny weight sums."""
        return self.weight + self.tiny_weight / 2 ** 1074


def option_state(fn, opts, rows, weighted):
    """rows: (l, w, d) with l a double (or a Fraction, mc_loss()).  The
    state's hex and the value of its reduction rounded once (None for
    NULL)."""
    s = Sums()
    for l, w, d in rows:
        s.add(l, w, d)
    # a tiny product is held only by a weighted state: the state of
    # unweighted rows with one is weighted (docs/state-format.md, Sums)
    weighted = weighted or s.n_tiny > 0
    flag_tw = weighted and s.tiny_weight != 0
    assert not flag_tw or "class_weight" in opts, "flag bit 1: class weights"
    out = bytearray(b"BCE\x02\x00\x00\x00\x00")
    out += bytes([fn, (1 if weighted else 0) | (2 if flag_tw else 0)])
    out += options_bytes(opts)
    hexed = finish(out, 2, weighted, s.n_row, s.n_pos, 0, s.n_tiny,
                   grid(s.loss), grid(s.weight), grid(s.tiny),
                   grid(s.tiny_weight) if flag_tw else None)
    red = opts.get("reduction", "mean")
    if red == "sum":
        value = s.total()
    elif red == "mean_over_rows":
        value = s.total() / s.n_row
    else:
        value = s.total() / (s.den() if weighted else s.n_row)
    return hexed, float(value)              # Fraction -> float: rounded once


def binary_rows(opts, data, logits):
    eps = opts.get("eps", DEFAULT_EPS)
    rows = []
    for y, x, w in data:
        q = sigmoid(x) if logits else clip(x, eps)
        rows.append((to_double(binary(y, q, opts)), w, 1.0))
    return rows


def multilabel_rows(opts, data):
    """bce over rows of arrays, a pos_weight per element: the row's loss is
    the mean over its elements."""
    eps = opts.get("eps", DEFAULT_EPS)
    pws = opts["pos_weight"]
    rows = []
    for ys, ps, w in data:
        tot = mpmath.mpf(0)
        for j, (y, p) in enumerate(zip(ys, ps)):
            o = dict(opts, pos_weight=pws[j])
            tot += binary(y, clip(p, eps), o)
        rows.append((to_double(tot / len(ys)), w, 1.0))
    return rows


def exact(x):
    """An mpf as the Fraction it is."""
    m, e = mpmath.mpf(x).man_exp
    return Fraction(m) * Fraction(2) ** e


def mc_loss(l, opts, reduction, logits, K):
    """A multi-class row's loss as it reaches the sums (docs/state-format.md,
    Counts): the double nearest it; but near the bottom of the doubles,
    under class weights or a sum reduction, its 53 bits without the
    subnormal floor (a Fraction): there the mean divides by a sum(w d) as
    small, or the sum is the value.  Near: below 2^-1000 under options
    that act, and for cce_logits below K 2^-1018 without.  Under the mean
    without class weights the mean is a weighted average of the losses,
    and the subnormal double is as close."""
    plain = not any(k in opts for k in ("class_weight", "alpha")) and \
        not opts.get("gamma", 0) and not opts.get("smoothing", 0)
    x = exact(l)
    near = (Fraction(2) ** -1000 if not plain
            else K * Fraction(2) ** -1018 if logits else 0)
    if (0 < x < near
            and ("class_weight" in opts or reduction != "mean")):
        return round53(x)
    return float(x)                 # Fraction -> float: rounded once


def multiclass_rows(opts, data, logits, reduction="mean"):
    eps = opts.get("eps", DEFAULT_EPS)
    rows = []
    for k, x, w in data:
        # 3000 bits: a softmax of 1 - e^-800 keeps its e^-800, and the
        # loss below 2^-1000 its digits
        with mpmath.workprec(3000):
            q = softmax(x) if logits else [clip(p, eps) for p in x]
            l, d = multiclass(k, q, opts)
        rows.append((mc_loss(l, opts, reduction, logits, len(x)), w,
                     float(d)))
    return rows


BIN = [(1, 0.4, 1.5), (0, 0.5, 2), (1, 0.8, 0), (1, 0.2, 3), (0, 0.9, 0.25)]
LOG = [(0, -18.6, 1), (1, 0.51, 1), (0, 2.94, 1), (0, -12.8, 1)]
ML1 = [([1], [0.2], 1), ([0], [0.7], 2), ([1], [0.9], 0.5)]
ML = [([1, 0, 1], [0.9, 0.2, 0.4], 1), ([0, 0, 1], [0.3, 0.6, 0.7], 2),
      ([1, 1, 0], [0.55, 0.8, 0.1], 0.5)]
MC = [(0, [0.7, 0.2, 0.1], 1), (1, [0.1, 0.3, 0.6], 2), (2, [0.2, 0.2, 0.6], 0),
      (1, [0.05, 0.9, 0.05], 1.25), (2, [0.3, 0.3, 0.4], 0.1)]
MCZ = [(0, [2.0, -1.0, 0.5], 1), (2, [0.1, 0.2, 3.0], 3), (1, [-4.0, 1.0, 0.0], 0.5)]
MZTINY = [(0, [800.0, 0.0]), (1, [0.0, 0.5]), (0, [750.0, 1.0]), (1, [-3.0, 745.0])]
TINY_CW = [5e-324, 1e-310, 0.75]
TINY_CWZ = [1e-310, 0.5, 5e-324]
# weights of 53 bits (1.1, 0.3, 1/3): their products with the tiny class
# weights are off the grid of 2^-1074; 1 and 2 keep them on it
MCT = [(0, [0.7, 0.2, 0.1], 1.1), (1, [0.1, 0.3, 0.6], 2), (0, [0.2, 0.2, 0.6], 0),
       (1, [0.05, 0.9, 0.05], 0.3), (2, [0.3, 0.3, 0.4], 1 / 3), (0, [0.5, 0.25, 0.25], 1)]
MCZT = [(0, [2.0, -1.0, 0.5], 1.1), (2, [0.1, 0.2, 3.0], 3), (1, [-4.0, 1.0, 0.0], 0.3),
        (0, [0.0, 0.0, 0.0], 1 / 3)]

# (name, fn, options, rows (l, w, d), weighted)
OPTION_CASES = [
    ("bce, pos_weight 3, sum", 1, {"eps": DEFAULT_EPS, "pos_weight": 3, "reduction": "sum"},
     binary_rows({"pos_weight": 3}, BIN, False), True),
    ("bce, eps 1e-7, smoothing 0.1, mean_over_rows", 1,
     {"eps": 1e-7, "smoothing": 0.1, "reduction": "mean_over_rows"},
     binary_rows({"eps": 1e-7, "smoothing": 0.1}, BIN, False), True),
    ("bce_logits, gamma 2, alpha 0.25", 2, {"gamma": 2, "alpha": 0.25},
     binary_rows({"gamma": 2, "alpha": 0.25}, [(y, z, 1) for y, z, w in LOG], True), False),
    ("bce on arrays, pos_weight [1, 2, 3]", 1, {"eps": DEFAULT_EPS, "pos_weight": [1, 2, 3]},
     multilabel_rows({"pos_weight": [1, 2, 3]}, ML), True),
    # an array of one element is an array (count 1), not the number form
    ("bce on arrays of one element, pos_weight [3]", 1,
     {"eps": DEFAULT_EPS, "pos_weight": [3]},
     multilabel_rows({"pos_weight": [3]}, ML1), True),
    ("cce, class_weight [1, 5, 2], ignore_index -100", 3,
     {"eps": DEFAULT_EPS, "class_weight": [1, 5, 2], "ignore_index": -100},
     multiclass_rows({"class_weight": [1, 5, 2]}, MC, False), True),
    ("cce, class_weight [1, 5, 2], smoothing 0.2, mean_over_rows", 3,
     {"eps": DEFAULT_EPS, "smoothing": 0.2, "class_weight": [1, 5, 2], "reduction": "mean_over_rows"},
     multiclass_rows({"class_weight": [1, 5, 2], "smoothing": 0.2}, MC, False), True),
    ("cce_logits, alpha [0.5, 1, 2], gamma 1.5, sum", 4,
     {"gamma": 1.5, "alpha": [0.5, 1, 2], "reduction": "sum"},
     multiclass_rows({"gamma": 1.5, "alpha": [0.5, 1, 2]}, MCZ, True), True),
    ("cce_logits, class_weight [0.5, 3, 1.25]", 4, {"class_weight": [0.5, 3, 1.25]},
     multiclass_rows({"class_weight": [0.5, 3, 1.25]}, MCZ, True), True),
    # w*d of up to 106 bits: the weight sum holds each product exactly
    ("cce, class_weight [0.1, 0.7, 1/3], weights of 53 bits", 3,
     {"eps": DEFAULT_EPS, "class_weight": [0.1, 0.7, 1 / 3]},
     multiclass_rows({"class_weight": [0.1, 0.7, 1 / 3]},
                     [(k, x, w * 1.1) for k, x, w in MC], False), True),
    # class weights near the bottom of the doubles: losses below 2^-1000
    # (their 53 bits), tiny products w*l, and products w*d off the grid of
    # 2^-1074 in the tiny weight sum (flag bit 1)
    ("cce, class_weight [5e-324, 1e-310, 0.75]", 3,
     {"eps": DEFAULT_EPS, "class_weight": TINY_CW},
     multiclass_rows({"class_weight": TINY_CW}, MCT, False), True),
    ("cce, class_weight [5e-324, 1e-310, 0.75], sum", 3,
     {"eps": DEFAULT_EPS, "class_weight": TINY_CW, "reduction": "sum"},
     multiclass_rows({"class_weight": TINY_CW}, MCT, False, "sum"), True),
    ("cce, class_weight [5e-324, 1e-310, 0.75], mean_over_rows", 3,
     {"eps": DEFAULT_EPS, "class_weight": TINY_CW, "reduction": "mean_over_rows"},
     multiclass_rows({"class_weight": TINY_CW}, MCT, False, "mean_over_rows"), True),
    # every row's w*d tiny: the mean is the tiny sums' quotient alone
    ("cce, class_weight [5e-324, 1e-310, 0.75], no class 2", 3,
     {"eps": DEFAULT_EPS, "class_weight": TINY_CW},
     multiclass_rows({"class_weight": TINY_CW}, MCT[:4], False), True),
    ("cce_logits, class_weight [1e-310, 0.5, 5e-324]", 4,
     {"class_weight": TINY_CWZ},
     multiclass_rows({"class_weight": TINY_CWZ}, MCZT, True), True),
    # alphas near 2^-1074, unweighted rows, the sum: the tiny products make
    # the state weighted (only a weighted state holds the tiny sum)
    ("cce, alpha [5e-324, 1e-310, 1], sum, unweighted", 3,
     {"eps": DEFAULT_EPS, "alpha": [5e-324, 1e-310, 1], "reduction": "sum"},
     multiclass_rows({"alpha": [5e-324, 1e-310, 1]},
                     [(k, x, 1) for k, x, w in MCT], False, "sum"), False),
    # no options that act: cce_logits' own path keeps a loss below
    # K 2^-1018 to 53 bits for the sum (e^-800 here), unweighted rows
    ("cce_logits, sum, losses below 2^-1018, unweighted", 4,
     {"reduction": "sum"},
     multiclass_rows({}, [(k, z, 1) for k, z in MZTINY], True, "sum"), False),
    # the same rows under the mean: each loss below 2^-1000 rounded to its
    # subnormal double (the mean is a weighted average of them), no tiny
    # sum, the state unweighted as the rows are; and with weights
    ("cce_logits, losses below 2^-1018, unweighted", 4, {},
     multiclass_rows({}, [(k, z, 1) for k, z in MZTINY], True), False),
    ("cce_logits, losses below 2^-1018, weighted", 4, {},
     multiclass_rows({}, [(k, z, w) for (k, z), w in zip(MZTINY, (3, 0.5, 2, 1.25))],
                     True), True),
]

# The calls that make each state of OPTION_CASES through SQL, and their
# input rows: bce_state() and its kin over these rows with these options
# must give the golden bytes (state rule 3 with options).
def _js(rows):
    return [tuple(json.dumps(c) if isinstance(c, list) else c for c in r)
            for r in rows]


OPTION_SQL = {
    "bce, pos_weight 3, sum": ("bce_state(column1, column2, column3, %s)", BIN),
    "bce, eps 1e-7, smoothing 0.1, mean_over_rows":
        ("bce_state(column1, column2, column3, %s)", BIN),
    "bce_logits, gamma 2, alpha 0.25":
        ("bce_logits_state(column1, column2, %s)", [(y, z) for y, z, w in LOG]),
    "bce on arrays, pos_weight [1, 2, 3]":
        ("bce_state(column1, column2, column3, %s)", _js(ML)),
    "bce on arrays of one element, pos_weight [3]":
        ("bce_state(column1, column2, column3, %s)", _js(ML1)),
    "cce, class_weight [1, 5, 2], ignore_index -100":
        ("cce_state(column1, column2, column3, %s)", _js(MC)),
    "cce, class_weight [1, 5, 2], smoothing 0.2, mean_over_rows":
        ("cce_state(column1, column2, column3, %s)", _js(MC)),
    "cce_logits, alpha [0.5, 1, 2], gamma 1.5, sum":
        ("cce_logits_state(column1, column2, column3, %s)", _js(MCZ)),
    "cce_logits, class_weight [0.5, 3, 1.25]":
        ("cce_logits_state(column1, column2, column3, %s)", _js(MCZ)),
    "cce, class_weight [0.1, 0.7, 1/3], weights of 53 bits":
        ("cce_state(column1, column2, column3, %s)",
         _js([(k, x, w * 1.1) for k, x, w in MC])),
    "cce, class_weight [5e-324, 1e-310, 0.75]":
        ("cce_state(column1, column2, column3, %s)", _js(MCT)),
    "cce, class_weight [5e-324, 1e-310, 0.75], sum":
        ("cce_state(column1, column2, column3, %s)", _js(MCT)),
    "cce, class_weight [5e-324, 1e-310, 0.75], mean_over_rows":
        ("cce_state(column1, column2, column3, %s)", _js(MCT)),
    "cce, class_weight [5e-324, 1e-310, 0.75], no class 2":
        ("cce_state(column1, column2, column3, %s)", _js(MCT[:4])),
    "cce_logits, class_weight [1e-310, 0.5, 5e-324]":
        ("cce_logits_state(column1, column2, column3, %s)", _js(MCZT)),
    "cce, alpha [5e-324, 1e-310, 1], sum, unweighted":
        ("cce_state(column1, column2, %s)", _js([(k, x) for k, x, w in MCT])),
    "cce_logits, sum, losses below 2^-1018, unweighted":
        ("cce_logits_state(column1, column2, %s)", _js(MZTINY)),
    "cce_logits, losses below 2^-1018, unweighted":
        ("cce_logits_state(column1, column2, %s)", _js(MZTINY)),
    "cce_logits, losses below 2^-1018, weighted":
        ("cce_logits_state(column1, column2, column3, %s)",
         _js([(k, z, w) for (k, z), w in zip(MZTINY, (3, 0.5, 2, 1.25))])),
}

# Cases whose losses below 2^-1000 keep 53 bits no double holds: the
# header's rows are doubles (tests/unit_state.c adds them with
# bce_mean_add_d()), so these are checked through SQL alone.
SQL_ONLY = {name for name, fn, opts, rows, weighted in OPTION_CASES
            if any(isinstance(r[0], Fraction) for r in rows)}

# A row of a multi-label case has a loss within the accuracy bound of the
# mean over its elements, not always the double nearest it (one row here
# is a unit of the last place off the mpmath value): the state's bytes may
# differ in the loss sum, so through SQL its merged value is checked.
ROW_MEAN_ROUNDED = {"bce on arrays, pos_weight [1, 2, 3]"}


def c_array(xs):
    return "{" + ", ".join(float(x).hex() for x in xs) + "}"


def header():
    print("/* Golden version-2 states with options (generated by")
    print("** tests/gen_state_golden.py header; do not edit): the rows' losses")
    print("** l (mpmath, 100 bits, rounded once), weights w, denominators d;")
    print("** the state's bytes and its reduction's value, from Fractions. */")
    print("typedef struct golden_v2 {")
    print("  const char *name;")
    print("  int fn, weighted, nRow;")
    print("  double rows[8][3];")
    print("  unsigned keys;")
    print("  double eps, pos_weight, pw[4], smoothing, gamma, alpha, al[4], cw[4];")
    print("  int npw, nal, ncw;")
    print("  long long ignore_index;")
    print("  int reduction;")
    print("  const char *hex;")
    print("  double value;")
    print("} golden_v2;")
    print("static const golden_v2 state_golden_v2[] = {")
    for name, fn, opts, rows, weighted in OPTION_CASES:
        if name in SQL_ONLY:
            continue
        hexed, value = option_state(fn, opts, rows, weighted)
        keys = sum(1 << KEYS.index(k) for k in opts)
        pw = opts.get("pos_weight", 1)
        al = opts.get("alpha", 0)
        cw = opts.get("class_weight", [])
        print("  {\"%s\", %d, %d, %d," % (name, fn, 1 if weighted else 0, len(rows)))
        print("   {%s}," % ", ".join(c_array(r) for r in rows))
        print("   0x%x, %s, %s, %s, %s, %s, %s, %s, %s," % (
            keys, float(opts.get("eps", 0)).hex(),
            float(pw if not isinstance(pw, list) else 1).hex(),
            c_array(pw if isinstance(pw, list) else [0]),
            float(opts.get("smoothing", 0)).hex(), float(opts.get("gamma", 0)).hex(),
            float(al if not isinstance(al, list) else 0).hex(),
            c_array(al if isinstance(al, list) else [0]), c_array(cw or [0])))
        print("   %d, %d, %d, %dLL, %d," % (
            len(pw) if isinstance(pw, list) else 0, len(al) if isinstance(al, list) else 0,
            len(cw), opts.get("ignore_index", 0), REDUCTIONS[opts.get("reduction", "mean")]))
        print("   \"%s\"," % hexed)
        print("   %s}," % value.hex())
    print("};")


def sql():
    print("-- Golden states (generated by tests/gen_state_golden.py; do not edit).")
    print("-- State rule 3 and docs/state-format.md: these rows give these bytes;")
    print("-- the version-1 state of 0.2.0 of the same rows merges into them.")
    print(".read tests/sql/lib/checks.sql")
    for name, call, rows, args in CASES:
        want = state(*args)
        v1 = state(*args, version=1)
        print("INSERT INTO checks SELECT 'golden: %s', hex(%s), '%s', 'is', NULL\n  FROM (VALUES %s);"
              % (name, call, want, values(rows)))
        print("INSERT INTO checks SELECT 'golden: %s, read back and merged again', hex(bce_merge_state(x'%s')), '%s', 'is', NULL;"
              % (name, want, want))
        print("INSERT INTO checks SELECT 'golden: %s, its 0.2.0 version-1 state merged', hex(bce_merge_state(x'%s')), '%s', 'is', NULL;"
              % (name, v1, want))
    # States with options (the cases of the header), merged through SQL:
    # bce_merge() applies their reduction, bce_merge_state() keeps their
    # bytes, and two shards cut at every row merge into the whole's bytes
    # and value; the *_state() aggregate over the case's rows with its
    # options gives the same bytes (tests/state_shards_options.py has the
    # shard property on random tables).
    for name, fn, opts, rows, weighted in OPTION_CASES:
        whole, value = option_state(fn, opts, rows, weighted)
        print("INSERT INTO checks SELECT 'golden v2: %s: bce_merge() applies its reduction', bce_merge(x'%s'), %r, 'ulp', 0;"
              % (name, whole, value))
        print("INSERT INTO checks SELECT 'golden v2: %s: bce_merge_state() keeps its bytes', hex(bce_merge_state(x'%s')), '%s', 'is', NULL;"
              % (name, whole, whole))
        print("INSERT INTO checks SELECT 'golden v2: %s: its options in bce_state_info()', json(json_extract(bce_state_info(x'%s'), '$.options')), json('%s'), 'is', NULL;"
              % (name, whole, json.dumps(opts)))
        # sum_w: sum(w d), with the tiny weight sum (rounded once)
        sums = Sums()
        for r in rows:
            sums.add(*r)
        sum_w = float(sums.den() if (weighted or sums.n_tiny) else sums.n_row)
        print("INSERT INTO checks SELECT 'golden v2: %s: its sum_w in bce_state_info()', json_extract(bce_state_info(x'%s'), '$.sum_w') + 0.0, %r, 'ulp', 0;"
              % (name, whole, sum_w))
        call, data = OPTION_SQL[name]
        fname = call.split("(")[0] + "()"
        call = call % ("'" + json.dumps(opts) + "'")
        data = ", ".join("(" + ", ".join(repr(c) for c in r) + ")" for r in data)
        # the aggregate itself reduces as its state does, as a window too
        agg = call.split("(")[0].replace("_state", "")
        print("INSERT INTO checks SELECT 'golden v2: %s: %s() over its rows gives its value', %s, %r, 'ulp', 0\n  FROM (VALUES %s);"
              % (name, agg, call.replace(fname[:-2], agg, 1), value, data))
        print("INSERT INTO checks SELECT 'golden v2: %s: %s() over a window of all its rows gives its value', v, %r, 'ulp', 0\n  FROM (SELECT %s OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS v FROM (VALUES %s)) LIMIT 1;"
              % (name, agg, value, call.replace(fname[:-2], agg, 1), data))
        if name in ROW_MEAN_ROUNDED:
            print("INSERT INTO checks SELECT 'golden v2: %s: %s over its rows, merged, gives its value', bce_merge(s), %r, 'ulp', 0\n  FROM (SELECT %s AS s FROM (VALUES %s));"
                  % (name, fname, value, call, data))
        else:
            print("INSERT INTO checks SELECT 'golden v2: %s: %s over its rows gives these bytes', hex(%s), '%s', 'is', NULL\n  FROM (VALUES %s);"
                  % (name, fname, call, whole, data))
        for cut in range(1, len(rows)):
            a_hex = option_state(fn, opts, rows[:cut], weighted)[0]
            b_hex = option_state(fn, opts, rows[cut:], weighted)[0]
            print("INSERT INTO checks SELECT 'golden v2: %s: shards cut at row %d, merged', hex(bce_merge_state(column1)), '%s', 'is', NULL FROM (VALUES (x'%s'), (x'%s'));"
                  % (name, cut, whole, b_hex, a_hex))
            print("INSERT INTO checks SELECT 'golden v2: %s: shards cut at row %d, their value', bce_merge(column1), %r, 'ulp', 0 FROM (VALUES (x'%s'), (x'%s'));"
                  % (name, cut, value, a_hex, b_hex))
    print(".read tests/sql/lib/report.sql")


# ------------------------------------------------------ the scores' states

def seal(out):
    """The length and the CRC of a version-2 state's bytes so far."""
    out[4:8] = struct.pack("<I", len(out) + 4)
    out += struct.pack("<I", crc32c(bytes(out)))
    return bytes(out).hex().upper()


def head(fn, weighted, opts):
    out = bytearray(b"BCE\x02\x00\x00\x00\x00")
    out += bytes([fn, 1 if weighted else 0])
    return out + options_bytes(opts)


def grid(x):
    """An exact Fraction >= 0 as its integer number of 2^-1074."""
    f = Fraction(x) * 2 ** 1074
    assert f.denominator == 1, "on the grid of the sums"
    return f.numerator


def mean_fields(weighted, n_row, n_pos, loss, weight):
    """Counts and sums of a state's mean (no infinite or tiny rows here)."""
    out = leb128(n_row)
    out += (leb128(n_pos) + b"\x00\x00") if weighted else b"\x00"
    out += sum_bytes(grid(loss))
    if weighted:
        out += sum_bytes(grid(weight)) + b"\x00"
    return out


def signed_sum_bytes(f):
    return (b"\x01" if f < 0 else b"\x00") + sum_bytes(grid(abs(f)))


def bce_d2_state(opts, rows, weighted):
    """rows: (y, p, w).  bce's mean fields, then sum(w), sum(w y); and
    the state's D^2 (None: NULL)."""
    eps = opts["eps"]
    n_row = n_pos = 0
    loss = weight = wy = Fraction(0)
    for y, p, w in rows:
        n_row += 1
        if w <= 0:
            continue
        n_pos += 1
        l = to_double(binary(y, clip(p, eps), opts))
        wl = w * l                          # one rounding, as the C does
        assert wl == 0 or wl >= 2.0 ** -1022, "no tiny products here"
        loss += Fraction(wl)
        weight += Fraction(w)
        wy += Fraction(w) * Fraction(y)
    out = head(5, weighted, opts) + mean_fields(weighted, n_row, n_pos, loss,
                                                weight)
    out += sum_bytes(grid(weight)) + sum_bytes(grid(wy))
    # D^2 of the state's sums: L their mean (of the rows' rounded losses),
    # L0 the null model's mean loss over the rows, from the definitions
    if n_pos < 2 or wy == 0 or wy == weight:
        return seal(out), None
    with mpmath.workdps(100):
        ybar = mpmath.mpf(wy.numerator) / wy.denominator / (
            mpmath.mpf(weight.numerator) / weight.denominator)
        q0 = min(max(ybar, mpmath.mpf(eps)), mpmath.mpf(1 - eps))
        L0 = mpmath.fsum(w * binary(y, q0, opts) for y, _, w in rows if w > 0)
        L0 /= mpmath.fsum(w for _, _, w in rows if w > 0)
        L = mpmath.mpf(loss.numerator) / loss.denominator / (
            mpmath.mpf(weight.numerator) / weight.denominator)
        return seal(out), to_double(1 - L / L0)


def cce_d2_state(opts, rows, weighted):
    """rows: (k or targets, p, w).  cce's mean fields (weighted under class
    weights, whose weight sum is sum(w d)), then sum(w), K, the K class
    sums sum(w y_c)."""
    eps = opts["eps"]
    K = len(rows[0][1])
    cw = opts.get("class_weight")
    s = mpmath.mpf(opts.get("smoothing", 0))
    weighted = weighted or cw is not None
    n_row = n_pos = 0
    loss = weight = wsum = Fraction(0)
    cls = [Fraction(0)] * K
    for y, p, w in rows:
        n_row += 1
        if w <= 0:
            continue
        n_pos += 1
        t = y if isinstance(y, list) else [1 if c == y else 0 for c in range(K)]
        q = [clip(v, eps) for v in p]
        l = -sum((cw[c] if cw else 1) * (mpmath.mpf(t[c]) * (1 - s) + s / K)
                 * mpmath.log(q[c]) for c in range(K))
        d = cw[y] if (cw and not isinstance(y, list)) else 1
        wl = w * to_double(l)
        assert wl == 0 or wl >= 2.0 ** -1022, "no tiny products here"
        loss += Fraction(wl)
        weight += Fraction(w) * Fraction(d)
        wsum += Fraction(w)
        for c in range(K):
            cls[c] += Fraction(w) * Fraction(t[c])
    out = head(6, weighted, opts) + mean_fields(weighted, n_row, n_pos, loss,
                                                weight)
    out += sum_bytes(grid(wsum)) + leb128(K)
    out += b"".join(sum_bytes(grid(v)) for v in cls)
    if n_pos < 2 or wsum in cls:
        return seal(out), None
    with mpmath.workdps(100):
        fr = lambda f: mpmath.mpf(f.numerator) / f.denominator
        q0 = [min(max(fr(v) / fr(wsum), mpmath.mpf(eps)), mpmath.mpf(1 - eps))
              for v in cls]
        L0 = mpmath.mpf(0)
        for y, _, w in rows:
            if w <= 0:
                continue
            t = y if isinstance(y, list) else [1 if c == y else 0 for c in range(K)]
            L0 += w * -mpmath.fsum((cw[c] if cw else 1)
                                   * (mpmath.mpf(t[c]) * (1 - s) + s / K)
                                   * mpmath.log(q0[c]) for c in range(K))
        L0 /= fr(weight)
        return seal(out), to_double(1 - fr(loss) / fr(weight) / L0)


def kl_row(y, p, opts):
    """KL(t || clip(p)) at 100 digits, t smoothed as cce smooths it."""
    K = len(p)
    eps = opts["eps"]
    with mpmath.workdps(100):
        s = mpmath.mpf(opts.get("smoothing", 0))
        t = y if isinstance(y, list) else [1 if c == y else 0 for c in range(K)]
        tot = mpmath.mpf(0)
        for c in range(K):
            tc = mpmath.mpf(t[c]) * (1 - s) + s / K
            if tc > 0:
                tot += tc * (mpmath.log(tc) - mpmath.log(clip(p[c], eps)))
        return tot


def kl_div_state(opts, rows, weighted):
    """rows: (y, p, w).  Each row adds w KL as the C adds it from the
    double-double nearest KL (hi, lo): w = 1 both, else the product w hi
    rounded and its error plus w lo rounded (docs/state-format.md: the sum
    of w KL is of these); the value is sum(w KL) / sum(w), each rounded
    once, then divided, as kl_div() reads them."""
    n = n_inf = 0
    num = den = Fraction(0)
    for y, p, w in rows:
        if w <= 0:
            continue
        n += 1
        x = kl_row(y, p, opts)
        with mpmath.workdps(100):
            hi = to_double(x)
            lo = to_double(x - hi)
        if w == 1:
            num += Fraction(hi) + Fraction(lo)
        else:
            ph = w * hi
            err = float(Fraction(w) * Fraction(hi) - Fraction(ph))  # exact
            pl = err + w * lo
            assert abs(ph) >= 2.0 ** -969, "no tiny products here"
            num += Fraction(ph) + Fraction(pl)
        den += Fraction(w)
    out = head(7, weighted, opts) + leb128(n) + leb128(n_inf)
    out += signed_sum_bytes(num) + signed_sum_bytes(Fraction(0))
    if weighted:
        out += sum_bytes(grid(den))
    return seal(out), float(num) / float(den)


def kl_mean_mp(opts, rows):
    with mpmath.workdps(100):
        num = mpmath.fsum(mpmath.mpf(w) * kl_row(y, p, opts)
                          for y, p, w in rows if w > 0)
        return to_double(num / mpmath.fsum(mpmath.mpf(w) for _, _, w in rows
                                           if w > 0))


def score_cases():
    """(name, fn, call, opts, rows (SQL), state(rows) -> hex, value(rows))"""
    E = DEFAULT_EPS
    BIN = [(1, 0.4, 1.5), (0, 0.5, 2), (1, 0.8, 0), (1, 0.2, 3),
           (0, 0.9, 0.25), (0.3, 0.35, 1)]
    MC = [(0, [0.7, 0.2, 0.1], 1), (1, [0.1, 0.3, 0.6], 2),
          (2, [0.2, 0.2, 0.6], 0), (1, [0.05, 0.9, 0.05], 1.25),
          ([0.2, 0.5, 0.3], [0.3, 0.3, 0.4], 0.5)]
    KL = [([0.36, 0.48, 0.16], [1 / 3, 1 / 3, 1 - 2 / 3], 1),
          (1, [0.1, 0.3, 0.6], 2), ([0.5, 0.5, 0.0], [0.2, 0.2, 0.6], 0.75),
          (0, [0.25, 0.5, 0.25], 0), (2, [0.05, 0.05, 0.9], 3)]

    one = lambda rows: [(a, b, 1) for a, b, _ in rows]
    cases = []
    for name, o, weighted in [
            ("bce_d2_state(y, p)", {"eps": E}, False),
            ("bce_d2_state(y, p, w)", {"eps": E}, True),
            ("bce_d2_state(y, p, w) with pos_weight 3, smoothing 0.1, eps 1e-7",
             {"eps": 1e-7, "pos_weight": 3, "smoothing": 0.1}, True)]:
        rows = BIN if weighted else one(BIN)
        cases.append((name, "bce_d2", o, weighted, BIN, rows,
                      lambda r, o=o, w=weighted: bce_d2_state(o, r, w)[0],
                      lambda r, o=o, w=weighted: bce_d2_state(o, r, w)[1]))
    # weights 1 + 2^-52, where w y is not y: the states' sums hold the
    # exact products (make mutate: a shortcut taken for this w as for
    # w = 1 added y, off by 2^-52 y, within the score's error bound)
    W1 = 1 + 2.0 ** -52
    BIN_W1 = [(1, 0.4, W1), (0, 0.5, 2), (0.3, 0.35, W1), (1, 0.2, 3)]
    cases.append(("bce_d2_state(y, p, w) with weights 1 + 2^-52", "bce_d2",
                  {"eps": E}, True, BIN_W1, BIN_W1,
                  lambda r: bce_d2_state({"eps": E}, r, True)[0],
                  lambda r: bce_d2_state({"eps": E}, r, True)[1]))
    MC_W1 = [([0.2, 0.5, 0.3], [0.3, 0.3, 0.4], W1), (1, [0.1, 0.3, 0.6], 2),
             (0, [0.7, 0.2, 0.1], W1)]
    cases.append(("cce_d2_state(y, p, w) with weights 1 + 2^-52", "cce_d2",
                  {"eps": E}, True, MC_W1, MC_W1,
                  lambda r: cce_d2_state({"eps": E}, r, True)[0],
                  lambda r: cce_d2_state({"eps": E}, r, True)[1]))
    for name, o, weighted in [
            ("cce_d2_state(y, p)", {"eps": E}, False),
            ("cce_d2_state(y, p, w)", {"eps": E}, True),
            ("cce_d2_state(y, p, w) with class_weight [1, 5, 2], smoothing 0.2",
             {"eps": E, "smoothing": 0.2, "class_weight": [1, 5, 2]}, True)]:
        rows = MC if weighted else one(MC)
        cases.append((name, "cce_d2", o, weighted, MC, rows,
                      lambda r, o=o, w=weighted: cce_d2_state(o, r, w)[0],
                      lambda r, o=o, w=weighted: cce_d2_state(o, r, w)[1]))
    for name, o, weighted in [
            ("kl_div_state(y, p)", {"eps": E}, False),
            ("kl_div_state(y, p, w)", {"eps": E}, True),
            ("kl_div_state(y, p, w) with smoothing 0.1, eps 1e-3",
             {"eps": 1e-3, "smoothing": 0.1}, True)]:
        rows = KL if weighted else one(KL)
        cases.append((name, "kl_div", o, weighted, KL, rows,
                      lambda r, o=o, w=weighted: kl_div_state(o, r, w)[0],
                      lambda r, o=o, w=weighted: kl_div_state(o, r, w)[1]))
    return cases


def scores_sql():
    print("-- Golden states of the scores (generated by tests/gen_state_golden.py")
    print("-- scores; do not edit): bce_d2_state, cce_d2_state, kl_div_state")
    print("-- (codes 05-07 of docs/state-format.md), written by the second")
    print("-- implementation of the format from the rows, merged by bce_merge().")
    print(".read tests/sql/lib/checks.sql")
    for name, fn, opts, weighted, data, rows, make, value in score_cases():
        whole = make(rows)
        want = value(rows)
        given = {k: v for k, v in opts.items() if not (k == "eps" and v == DEFAULT_EPS)}
        args = "column1, column2" + (", column3" if weighted else "")
        if given:
            args += ", '%s'" % json.dumps(given)
        vals = ", ".join("(%s, '%s', %r)" % (
            ("'%s'" % json.dumps(y)) if isinstance(y, list) else repr(y),
            json.dumps(p) if isinstance(p, list) else p, w) for y, p, w in data)
        vals = vals.replace("'0.", "0.") if fn == "bce_d2" else vals
        if fn == "bce_d2":
            vals = ", ".join("(%r, %r, %r)" % r for r in data)
        wsql = "NULL" if want is None else repr(want)
        kind = "'is'" if want is None else "'ulp'"
        if fn != "kl_div":
            print("INSERT INTO checks SELECT 'golden score: %s: its rows give these bytes', hex(%s_state(%s)), '%s', 'is', NULL\n  FROM (VALUES %s);"
                  % (name, fn, args, whole, vals))
        else:
            # the C's double-double of a row's KL is within 2^-100 of it,
            # not always the nearest one (the bytes' last bits differ): its
            # state from the rows is checked by its value
            print("INSERT INTO checks SELECT 'golden score: %s: its rows state, merged, within an ulp of mpmath', bce_merge(s), %r, 'ulp', 1\n  FROM (SELECT %s_state(%s) AS s FROM (VALUES %s));"
                  % (name, kl_mean_mp(opts, rows), fn, args, vals))
            print("INSERT INTO checks SELECT 'golden score: %s: its rows state, merged, is kl_div() over them', (SELECT bce_merge(s) FROM (SELECT %s_state(%s) AS s FROM (VALUES %s))), (SELECT %s(%s) FROM (VALUES %s)), 'ulp', 0;"
                  % (name, fn, args, vals, fn, args, vals))
            # but its header is whole: weighted by the call's form, not by
            # a row (issue 27: a mutant that set the flag for kl_div(y, p)
            # changed no value)
            print("INSERT INTO checks SELECT 'golden score: %s: its rows state is weighted only where the call has a w', json_extract(bce_state_info(s), '$.weighted'), %d, 'is', NULL\n  FROM (SELECT %s_state(%s) AS s FROM (VALUES %s));"
                  % (name, 1 if weighted else 0, fn, args, vals))
        print("INSERT INTO checks SELECT 'golden score: %s: bce_merge_state() keeps its bytes', hex(bce_merge_state(x'%s')), '%s', 'is', NULL;"
              % (name, whole, whole))
        print("INSERT INTO checks SELECT 'golden score: %s: bce_merge() gives its score', bce_merge(x'%s'), %s, %s, 0;"
              % (name, whole, wsql, kind))
        print("INSERT INTO checks SELECT 'golden score: %s: %s() over its rows gives the score', %s(%s), %s, %s, 0\n  FROM (VALUES %s);"
              % (name, fn, fn, args, wsql, kind, vals))
        print("INSERT INTO checks SELECT 'golden score: %s: bce_state_info() names its function', json_extract(bce_state_info(x'%s'), '$.function'), '%s', 'is', NULL;"
              % (name, whole, fn))
        if fn == "kl_div":
            print("INSERT INTO checks SELECT 'golden score: %s: bce_merge() within an ulp of mpmath', bce_merge(x'%s'), %r, 'ulp', 1;"
                  % (name, whole, kl_mean_mp(opts, rows)))
        for cut in range(1, len(rows)):
            a_hex, b_hex = make(rows[:cut]), make(rows[cut:])
            print("INSERT INTO checks SELECT 'golden score: %s: shards cut at row %d, merged', hex(bce_merge_state(column1)), '%s', 'is', NULL FROM (VALUES (x'%s'), (x'%s'));"
                  % (name, cut, whole, b_hex, a_hex))
            print("INSERT INTO checks SELECT 'golden score: %s: shards cut at row %d, their score', bce_merge(column1), %s, %s, 0 FROM (VALUES (x'%s'), (x'%s'));"
                  % (name, cut, wsql, kind, a_hex, b_hex))
    print(".read tests/sql/lib/report.sql")


def score_bad_states():
    """Well-formed (CRC and all) states of the codes 05-07 that break a
    rule, or a field's form, for tests/errors.tsv: (what, hex)."""
    E = {"eps": DEFAULT_EPS}
    one = lambda w: sum_bytes(grid(Fraction(w)))
    out = []
    # bce_d2, unweighted, 2 rows: loss ln 2 a row; sum(w) 2; sum(w y)
    base = head(5, False, E) + b"\x02\x00" + sum_bytes(grid(Fraction(to_double(2 * mpmath.log(2)))))
    out.append(("bce_d2 sum(w y) above sum(w)", seal(base + one(2) + one(3))))
    out.append(("bce_d2 sum(w) not the rows", seal(base + one(3) + one(1))))
    out.append(("bce_d2 truncated: no sum(w y)", seal(base + one(2))))
    # cce_d2: K = 1, and a class sum above sum(w)
    cbase = head(6, False, E) + b"\x02\x00" + sum_bytes(grid(Fraction(to_double(2 * mpmath.log(2)))))
    out.append(("cce_d2 of one class", seal(cbase + one(2) + leb128(1) + one(2))))
    out.append(("cce_d2 class sum above sum(w)", seal(cbase + one(2) + leb128(2) + one(3) + one(0))))
    out.append(("cce_d2 fewer class sums than K", seal(cbase + one(2) + leb128(3) + one(1) + one(1))))
    # kl_div: a negative zero, a sign byte of 2, an infinite row at eps > 0
    kbase = head(7, False, E) + b"\x01\x00"
    out.append(("kl_div negative zero", seal(kbase + b"\x01\x00" + b"\x00\x00")))
    out.append(("kl_div sign byte 02", seal(kbase + b"\x02" + one(1) + b"\x00\x00")))
    out.append(("kl_div infinite at eps > 0", seal(head(7, False, E) + b"\x01\x01" + b"\x00\x00" + b"\x00\x00")))
    out.append(("kl_div reduction in its options", seal(head(7, False, dict(E, reduction="sum")) + b"\x01\x00" + b"\x00" + one(1) + b"\x00\x00")))
    # kl_div: a weight sum below its rows' least, a loss sum past what its
    # rows can add, a tiny sum past 2^105 a row
    out.append(("kl_div weight sum below 2^-1074 a row", seal(
        head(7, True, E) + b"\x02\x00" + b"\x00" + one(1) + b"\x00\x00"
        + sum_bytes(1))))
    out.append(("kl_div loss past 2^1024 a row", seal(
        kbase + b"\x01" + sum_bytes(grid(Fraction(2) ** 1025)) + b"\x00\x00")))
    out.append(("kl_div tiny past 2^105 a row", seal(
        kbase + b"\x00\x00" + b"\x00" + sum_bytes(grid(Fraction(2) ** 107)))))
    # cce_d2 under class weights: a sum(w) of 0 over rows of w > 0
    cw = dict(E, class_weight=[1.0, 1.0])
    out.append(("cce_d2 with class_weight, sum(w) 0", seal(
        head(6, True, cw) + mean_fields(True, 2, 2,
                                        Fraction(to_double(2 * mpmath.log(2))),
                                        Fraction(2))
        + b"\x00" + leb128(2) + one(1) + b"\x00")))
    # a version-1 state of code 05 (version 1 has codes 01-04 only)
    v1 = bytearray(b"BCE\x01\x00\x00\x05\x00") + struct.pack("<d", DEFAULT_EPS) + b"\x01\x00" + one(1)
    v1[4:6] = struct.pack("<H", len(v1) + 4)
    v1 += struct.pack("<I", crc32c(bytes(v1)))
    out.append(("version 1 of code 05", bytes(v1).hex().upper()))
    return out


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["header"]:
        header()
    elif sys.argv[1:] == ["bad"]:
        for what, hexed in score_bad_states():
            print("%s\t%s" % (what, hexed))
    elif sys.argv[1:] == ["scores"]:
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        scores_sql()
    else:
        sql()
