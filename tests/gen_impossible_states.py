# SPDX-License-Identifier: MIT
"""The well-formed but impossible states of tests/errors.tsv: one a rule of
docs/state-format.md's "Meaning", each with a valid CRC-32C, written from
the format by this script alone (its CRC-32C is checked against the
published check value of "123456789", 0xE3069283), not by the encoder
under test.

Usage: python3 tests/gen_impossible_states.py   (prints name and hex)
"""
import struct

U = 1074    # a sum's integer is in units of 2^-1074


def crc32c(data):
    c = 0xffffffff
    for x in data:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ (0x82f63b78 if c & 1 else 0)
    return c ^ 0xffffffff


def varint(v):
    out = b''
    while v >= 0x80:
        out += bytes([(v & 0x7f) | 0x80])
        v >>= 7
    return out + bytes([v])


def field_sum(n):
    if n == 0:
        return b'\x00'
    limbs = []
    while n:
        limbs.append(n & 0xffffffff)
        n >>= 32
    lo = 0
    while limbs[lo] == 0:
        lo += 1
    limbs = limbs[lo:]
    return bytes([len(limbs), lo]) + b''.join(struct.pack('<I', x) for x in limbs)


def state(fn, weighted, counts, sums, eps=None):
    body = bytes([fn, 1 if weighted else 0])
    if eps is not None:
        body += struct.pack('<d', eps)
    body += b''.join(varint(c) for c in counts)
    body += b''.join(field_sum(s) for s in sums)
    head = b'BCE\x01' + struct.pack('<H', 6 + len(body) + 4) + body
    return head + struct.pack('<I', crc32c(head))


# (name, state): function 1 bce, 2 bce_logits, 3 cce, 4 cce_logits;
# counts unweighted [rows, infinite], weighted [rows, positive, infinite,
# tiny]; sums [loss] or [loss, weight, tiny]
CASES = [
    ("no rows", state(2, 0, [0, 0], [0])),
    ("more rows of w > 0 than rows", state(2, 1, [1, 2, 0, 0], [0, 2 << U, 0])),
    ("more infinite than rows of w > 0", state(2, 1, [2, 1, 2, 0], [0, 1 << U, 0])),
    ("more tiny than finite rows", state(1, 1, [2, 2, 1, 2], [0, 2 << U, 1 << U], eps=0.0)),
    ("infinite with eps > 0", state(1, 0, [1, 1], [0], eps=1e-15)),
    ("2 infinite with eps > 0 (cce)", state(3, 0, [2, 2], [0], eps=0.25)),
    ("weight below 2^-1074 a row", state(2, 1, [3, 3, 0, 0], [0, 2, 0])),
    ("weight without a row of w > 0", state(2, 1, [1, 0, 0, 0], [0, 1 << U, 0])),
    ("loss past 2^1024 a row (issue 20)", state(2, 0, [1, 0], [3 << (1100 + U)])),
    ("loss with every row infinite", state(2, 0, [2, 2], [1])),
    ("loss past 745 a unit of weight", state(1, 1, [1, 1, 0, 0], [746 << U, 1 << U, 0], eps=1e-15)),
    ("weight past 2^1024 a row", state(2, 1, [1, 1, 0, 0], [0, 1 << (1025 + U), 0])),
    ("tiny past 2^-1022 a row", state(1, 1, [1, 1, 0, 1], [0, 1 << U, 1 << (53 + U)], eps=0.0)),
    ("weighted loss past 2^1024 a row", state(3, 1, [1, 1, 0, 0], [1 << (1025 + U), 1 << (1023 + U), 0], eps=1e-15)),
]

if __name__ == "__main__":
    assert crc32c(b"123456789") == 0xE3069283
    for name, b in CASES:
        print("%s\t%s" % (name, b.hex().upper()))
