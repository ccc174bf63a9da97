# SPDX-License-Identifier: MIT
"""Golden states: the bytes docs/state-format.md says a state of these rows
has, written by a second implementation of the format (this one, in
Python) from losses computed with mpmath at 100 bits and rounded once to a
double.  An accidental change of the format, or of a loss, fails
tests/sql/state_golden.sql or tests/unit_state.c; a deliberate one bumps
the version.

    python3 tests/gen_state_golden.py > tests/sql/state_golden.sql
    python3 tests/gen_state_golden.py header > tests/ref/state_golden_v2.h

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
           tiny):
    """The counts, sums, length and CRC after the head (and options)."""
    out += leb128(n_row)
    if weighted:
        out += leb128(n_pos) + leb128(n_inf) + leb128(n_tiny)
    else:
        out += leb128(n_inf)
    out += sum_bytes(loss)
    if weighted:
        out += sum_bytes(weight) + sum_bytes(tiny)
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


def option_state(fn, opts, rows, weighted):
    """rows: (l, w, d) with l a double.  The state's hex and the value of
    its reduction rounded once (None for NULL)."""
    n_row = n_pos = 0
    loss = weight = Fraction(0)
    for l, w, d in rows:
        n_row += 1
        if w <= 0:
            continue
        n_pos += 1
        wl = w * l                          # one rounding, as the C does
        assert wl == 0 or wl >= 2.0 ** -1022, "no tiny products here"
        loss += Fraction(wl)
        weight += Fraction(w) * Fraction(d)
    assert (weight * 2 ** 1074).denominator == 1, "w*d on the grid"
    out = bytearray(b"BCE\x02\x00\x00\x00\x00")
    out += bytes([fn, 1 if weighted else 0])
    out += options_bytes(opts)
    hexed = finish(out, 2, weighted, n_row, n_pos, 0, 0,
                   int(loss * 2 ** 1074),
                   int(weight * 2 ** 1074), 0)
    red = opts.get("reduction", "mean")
    if red == "sum":
        value = loss
    elif red == "mean_over_rows":
        value = loss / n_row
    else:
        value = loss / (weight if weighted else n_row)
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


def multiclass_rows(opts, data, logits):
    eps = opts.get("eps", DEFAULT_EPS)
    rows = []
    for k, x, w in data:
        q = softmax(x) if logits else [clip(p, eps) for p in x]
        l, d = multiclass(k, q, opts)
        rows.append((to_double(l), w, float(d)))
    return rows


BIN = [(1, 0.4, 1.5), (0, 0.5, 2), (1, 0.8, 0), (1, 0.2, 3), (0, 0.9, 0.25)]
LOG = [(0, -18.6, 1), (1, 0.51, 1), (0, 2.94, 1), (0, -12.8, 1)]
ML = [([1, 0, 1], [0.9, 0.2, 0.4], 1), ([0, 0, 1], [0.3, 0.6, 0.7], 2),
      ([1, 1, 0], [0.55, 0.8, 0.1], 0.5)]
MC = [(0, [0.7, 0.2, 0.1], 1), (1, [0.1, 0.3, 0.6], 2), (2, [0.2, 0.2, 0.6], 0),
      (1, [0.05, 0.9, 0.05], 1.25), (2, [0.3, 0.3, 0.4], 0.1)]
MCZ = [(0, [2.0, -1.0, 0.5], 1), (2, [0.1, 0.2, 3.0], 3), (1, [-4.0, 1.0, 0.0], 0.5)]

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
}

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


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["header"]:
        header()
    else:
        sql()
