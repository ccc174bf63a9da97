# SPDX-License-Identifier: MIT
"""Golden states: the bytes docs/state-format.md says a state of these rows
has, written by a second implementation of the format (this one, in
Python) from losses computed with mpmath at 100 bits and rounded once to a
double.  An accidental change of the format, or of a loss, fails
tests/sql/state_golden.sql; a deliberate one bumps the version.

    python3 tests/gen_state_golden.py > tests/sql/state_golden.sql

Needs mpmath (the first python3 on PATH here has it); the output is
committed, so the tests only read it.
"""
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


def state(fn, rows, weighted, eps=None):
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
    out = bytearray(b"BCE\x01\x00\x00")
    out += bytes([fn, 1 if weighted else 0])
    if fn == 1:
        out += struct.pack("<d", DEFAULT_EPS if eps is None else eps)
    out += leb128(n_row)
    if weighted:
        out += leb128(n_pos) + leb128(n_inf) + leb128(0)
    else:
        out += leb128(n_inf)
    out += sum_bytes(loss)
    if weighted:
        out += sum_bytes(weight) + sum_bytes(0)
    length = len(out) + 4
    out[4:6] = struct.pack("<H", length)
    out += struct.pack("<I", crc32c(bytes(out)))
    return bytes(out).hex().upper()


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
    ("bce_state(y, p) of the worked example", "bce_state(column1, column2)", WORKED, state(1, WORKED, False)),
    ("bce_state(y, p, w) with a weight of 0", "bce_state(column1, column2, column3)", WEIGHTED, state(1, WEIGHTED, True)),
    ("bce_state(y, p, w, 1e-7)", "bce_state(column1, column2, column3, 1e-7)", WEIGHTED, state(1, WEIGHTED, True, 1e-7)),
    # 0.2.0's default clip, passed: a state 0.2.0 wrote for bce_state(y, p, w)
    ("bce_state(y, p, w, 1e-15), a certain miss", "bce_state(column1, column2, column3, 1e-15)", CERTAIN, state(1, CERTAIN, True, 1e-15)),
    ("bce_state(y, p, w, 0) with an infinite row", "bce_state(column1, column2, column3, 0)", CERTAIN, state(1, CERTAIN, True, 0.0)),
    ("bce_logits_state(y, z) of the Keras example", "bce_logits_state(column1, column2)", KERAS, state(2, KERAS, False)),
    ("bce_logits_state(y, z, w)", "bce_logits_state(column1, column2, column3)", KERAS_W, state(2, KERAS_W, True)),
]

print("-- Golden states (generated by tests/gen_state_golden.py; do not edit).")
print("-- State rule 3 and docs/state-format.md: these rows give these bytes.")
print(".read tests/sql/lib/checks.sql")
for name, call, rows, want in CASES:
    print("INSERT INTO checks SELECT 'golden: %s', hex(%s), '%s', 'is', NULL\n  FROM (VALUES %s);"
          % (name, call, want, values(rows)))
    print("INSERT INTO checks SELECT 'golden: %s, read back and merged again', hex(bce_merge_state(x'%s')), '%s', 'is', NULL;"
          % (name, want, want))
print(".read tests/sql/lib/report.sql")
