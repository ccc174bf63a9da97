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


def state(fn, weighted, counts, sums, eps=None, flags=None):
    body = bytes([fn, (1 if weighted else 0) if flags is None else flags])
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



# Version 2 (docs/state-format.md): a 4-byte length, then the options: a
# LEB128 mask of the keys given (bit 0 eps, bit 5 class_weight), each
# key's value in bit order.
def options(eps=None, class_weight=None):
    mask = (1 if eps is not None else 0) | (0x20 if class_weight else 0)
    out = varint(mask)
    if eps is not None:
        out += struct.pack('<d', eps)
    if class_weight:
        out += varint(len(class_weight))
        out += b''.join(struct.pack('<d', x) for x in class_weight)
    return out


def state_v2(fn, flags, opts, counts, sums, tail=b''):
    body = bytes([fn, flags]) + opts
    body += b''.join(varint(c) for c in counts)
    body += b''.join(field_sum(s) for s in sums) + tail
    head = b'BCE\x02' + struct.pack('<I', 8 + len(body) + 4) + body
    return head + struct.pack('<I', crc32c(head))


# Flag bit 1: a tiny weight sum (the products w*d below 2^-968 off the
# grid of 2^-1074, times 2^1074), after the weighted sums, only in a
# weighted state with class_weight (codes 03, 04, 06), and only where that
# sum is not 0.  OK is such a state, as cce_state(0, '[1, 0]', 1.1,
# '{"class_weight": [5e-324, 1]}') has it: one row of loss 0 (q = 1), its
# w*d = 1.1 * 2^-1074 in the tiny weight sum: 1.1 * 2^1074 * 2^1074.
EPS = 2.0 ** -52
CW = options(EPS, [5e-324, 1.0])
W11 = 0x1199999999999A          # 1.1 = W11 * 2^-52
TW = W11 << (2 * U - 52 - U)     # 1.1 * 2^-1074 * 2^1074, in units of 2^-1074
OK = state_v2(3, 3, CW, [1, 1, 0, 0], [0, 0, 0, TW])
FLAG_CASES = [
    ("flag bit 1 in an unweighted state", state_v2(3, 2, CW, [1, 0], [0, TW])),
    ("flag bit 1 in a kl_div state",
     # kl_div's sums: signed loss and tiny (a sign byte, then the sum), weight
     state_v2(7, 3, options(EPS), [1, 0], [0, 0, 0, 0, 1 << U, TW])),
    ("flag bit 1 without class_weight",
     state_v2(3, 3, options(EPS), [1, 1, 0, 0], [0, 1 << U, 0, TW])),
    ("flag bit 1 with a tiny weight sum of 0",
     state_v2(3, 3, CW, [1, 1, 0, 0], [0, 0, 0, 0])),
    # OK's tiny weight sum with its last limb cut off (the CRC-32C over the
    # bytes that are there): its field runs past the end
    ("flag bit 1 with the tiny weight sum cut",
     state_v2(3, 3, CW, [1, 1, 0, 0], [0, 0, 0], tail=field_sum(TW)[:-4])),
    ("flag bit 1 in a version-1 state (no class_weight)",
     state(3, 1, [1, 1, 0, 0], [0, 1 << U, 0, TW], eps=EPS, flags=3)),
] + [("flag bit %d" % b, state_v2(3, 3 | 1 << b, CW, [1, 1, 0, 0], [0, 0, 0, TW]))
     for b in range(2, 8)] + [
    ("tiny weight past 2^-968 a row",
     state_v2(3, 3, CW, [1, 1, 0, 0], [0, 0, 0, (1 << (106 + U)) + 1])),
]

# The options' own bytes (src/options_codec.c): a LEB128 mask past 9
# bytes, one not in its shortest form, a smoothing past 1.  bce (code 01)
# needs its eps; one unweighted row of loss 1.
def opts_raw(mask_bytes, *doubles):
    return mask_bytes + b''.join(struct.pack('<d', x) for x in doubles)


ONE = ([1, 0], [1 << U])
CODEC_CASES = [
    ("options mask of 10 bytes",
     state_v2(1, 0, opts_raw(b'\x80' * 9 + b'\x01', EPS), *ONE)),
    ("options mask not in its shortest form",
     state_v2(1, 0, opts_raw(b'\x81\x00', EPS), *ONE)),
    ("class_weight of one class",
     state_v2(3, 1, options(EPS, [2.0]), [1, 1, 0, 0], [0, 2 << U, 0])),
    ("class_weight count past the options' end (one double more than the bytes before the CRC)",
     state_v2(3, 1, opts_raw(b'\x21', EPS) + varint(4) + struct.pack('<dd', 0.5, 1.0),
              [1, 1, 0, 0], [0, 1 << U, 0])),
    ("options mask cut by the state's end (8 bytes, each saying more follow)",
     state_v2(1, 0, b'\x80' * 8, [], [])),
    ("smoothing 1 + 2^-52 in the options",
     state_v2(1, 0, opts_raw(b'\x05', EPS, 1.0 + 2.0 ** -52), *ONE)),
    # smoothing 0 is in the key's domain but changes nothing, so no state
    # holds it: refused as such, not as a value outside the domain
    ("smoothing 0 in the options",
     state_v2(1, 0, opts_raw(b'\x05', EPS, 0.0), *ONE)),
]

if __name__ == "__main__":
    assert crc32c(b"123456789") == 0xE3069283
    for name, b in CASES:
        print("%s\t%s" % (name, b.hex().upper()))
    print("flag bit 1, accepted\t%s" % OK.hex().upper())
    for name, b in FLAG_CASES:
        print("%s\t%s" % (name, b.hex().upper()))
    for name, b in CODEC_CASES:
        print("%s\t%s" % (name, b.hex().upper()))
