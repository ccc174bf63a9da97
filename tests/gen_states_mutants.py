#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Rows that tell ext/states.c from its make mutate survivors (issue 27):
states at the lengths where ext/states.c changes how it holds them, and
the scores bce_state_info() shows.

    /usr/bin/python3 tests/gen_states_mutants.py > tests/sql/states_mutants.sql

None of the expected values comes from the extension:

  LONG_STATES  cce_d2_state(y, p, '{"eps": 0}') of two rows, class 0 with
            p = [1, 0, ...] and class 1 with p = [0, 1, 0, ...], over K
            classes: its bytes are written here from docs/state-format.md
            (version 2, code 06, unweighted; options the eps alone; loss
            sum 0, as -ln 1 is; sum(w) = 2 and the class sums 1, 1, 0, ...,
            each in units of 2^-1074; CRC-32C), so its length is 44 + K
            for K of 128 to 2^14 - 1 and 45 + K up to 2^21 - 1.  K = 980
            is BCE_STATE_SMALL (1024 bytes, the last length kept in the
            caller's buffer), K = 1236 a length past it (1280, which its
            hex() text reads into a block of its own, a multiple of 8 so
            that a byte written past that block is seen), K = 131027
            BCE_STATE_MAX (131072, the longest state there is, which must
            be made, merged and read back from its hex() text: make
            mutate's n >= BCE_STATE_MAX and len/2 >= BCE_STATE_MAX refused
            it).  Their merge is D^2 = 1 exactly: every prediction right
            and certain, so L = 0 (docs/functions.md, bce_d2/cce_d2).  The
            1024-byte state is compared byte for byte.
  SCORE_ROWS bce_state_info()'s score of a cce_d2 and a bce_d2 state (what
            bce_merge() gives, docs/functions.md's table) against D^2 =
            1 - L/L0 with mpmath at 60 digits: scikit-learn's two cce_d2
            examples of docs/functions.md and its bce_d2 example; the
            tolerance is the bound docs/functions.md states,
            (L/L0) 2^-50 + 2^-99 (1 + L/L0) + ulp(D^2)/2, and an ulp for
            the JSON text read back (exact natively, not under valgrind:
            exact() and d2_tol() below).  make mutate's
            class sums set to bytes of 1 and merged with sign 0 changed
            them (every test had a score of 1, where L = 0 hides L0).
  KL_ROWS   bce_state_info()'s loss of a kl_div state, its divergence
            (docs/functions.md): sum y ln(y/q) with mpmath, within
            docs/accuracy.md's 2.15 ulp for kl_div/mean (which also holds
            the ulp of the JSON text read back under valgrind; the code's
            divergence is the double nearest).  make mutate's
            test of the score's status turned around wrote null there.
"""
import struct

import mpmath

mpmath.mp.dps = 60

STATE_MAX = 131072
STATE_SMALL = 1024


def leb(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def put_sum(n):
    """A sum of n units of 2^-1074: limbs of 32 bits, the span written."""
    if n == 0:
        return b"\x00"
    limbs = []
    while n:
        limbs.append(n & 0xFFFFFFFF)
        n >>= 32
    lo = 0
    while limbs[lo] == 0:
        lo += 1
    span = limbs[lo:]
    return bytes([len(span), lo]) + b"".join(struct.pack("<I", x) for x in span)


def crc32c(data):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    c = 0xFFFFFFFF
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def cce_d2_two_rows(k):
    """The state of (0, [1, 0, ...]) and (1, [0, 1, 0, ...]) at eps 0."""
    one = 1 << 1074
    body = bytearray(b"BCE\x02\x00\x00\x00\x00\x06\x00")
    body += leb(0x01) + struct.pack("<d", 0.0)      # options: eps 0
    body += leb(2) + leb(0)                           # rows, infinite
    body += put_sum(0)                                # loss: -ln 1 twice
    body += put_sum(2 * one)                          # sum(w): the rows
    body += leb(k)
    body += put_sum(one) + put_sum(one) + put_sum(0) * (k - 2)
    n = len(body) + 4
    body[4:8] = struct.pack("<I", n)
    return bytes(body) + struct.pack("<I", crc32c(bytes(body)))


def rows_sql(k):
    # the rows' p as JSON arrays of k numbers, built by SQLite (3.25 has
    # hex(), zeroblob() and replace())
    return ("(SELECT 0 AS y, '[1' || replace(hex(zeroblob(%d)), '00', ',0') "
            "|| ']' AS p UNION ALL SELECT 1, '[0,1' || replace(hex(zeroblob(%d)),"
            " '00', ',0') || ']')" % (k - 1, k - 2))


def d(x):
    return mpmath.mpf(x)


def exact(x):
    """x (a double of magnitude below 1) as SQL that every SQLite reads to
    that double: an integer below 2^53 over a power of two.  A decimal
    literal is not that under valgrind, where SQLite's sqlite3AtoF() scales
    in double precision (tests/check.sh, its valgrind lane)."""
    m, q = float(x).as_integer_ratio()
    assert abs(m) < 2**53 and q <= 2**62 and q & (q - 1) == 0
    return "(CAST(%d AS REAL) / %d)" % (m, q)


def d2_tol(L, L0, v):
    """docs/functions.md's bound, plus an ulp of D^2: the score comes back
    through bce_state_info()'s JSON text, which json_extract() reads with
    sqlite3AtoF(), an ulp off under valgrind (the text itself is the same
    there)."""
    r = L / L0
    ulp = mpmath.mpf(2) ** (mpmath.floor(mpmath.log(abs(v), 2)) - 52)
    return float(r * mpmath.mpf(2) ** -50 + mpmath.mpf(2) ** -99 * (1 + r) + ulp / 2 + ulp)


def main():
    out = []
    w = out.append
    w("-- Generated by tests/gen_states_mutants.py (docs/state-format.md's bytes; mpmath,")
    w("-- 60 digits); do not edit.  Issue 27: make mutate's survivors of ext/states.c.")
    w(".read tests/sql/lib/checks.sql")
    for k, want in ((980, STATE_SMALL), (1236, 1280), (131027, STATE_MAX)):
        st = cce_d2_two_rows(k)
        assert len(st) == want, (k, len(st))
        t = "long%d" % k
        w("-- %d classes: a state of %d bytes" % (k, want))
        w("CREATE TEMP TABLE %s AS SELECT cce_d2_state(y, p, '{\"eps\": 0}') AS s FROM %s;"
          % (t, rows_sql(k)))
        w("INSERT INTO checks SELECT 'a cce_d2 state of %d classes is %d bytes (docs/state-format.md)',"
          " length(s), %d, 'is', NULL FROM %s;" % (k, want, want, t))
        if want == STATE_SMALL:
            w("INSERT INTO checks SELECT 'the cce_d2 state of %d classes has the bytes of docs/state-format.md',"
              " hex(s), '%s', 'is', NULL FROM %s;" % (k, st.hex().upper(), t))
        w("INSERT INTO checks SELECT 'bce_merge of the %d-byte state: D^2 = 1 (L = 0)',"
          " bce_merge(s), 1.0, 'is', NULL FROM %s;" % (want, t))
        w("INSERT INTO checks SELECT 'bce_merge of the %d-byte state as hex() text: D^2 = 1',"
          " bce_merge(hex(s)), 1.0, 'is', NULL FROM %s;" % (want, t))
        w("INSERT INTO checks SELECT 'bce_merge_state of the %d-byte state is as long',"
          " length(bce_merge_state(s)), %d, 'is', NULL FROM %s;" % (want, want, t))
        w("INSERT INTO checks SELECT 'bce_state_info of the %d-byte state as hex() text: its bytes',"
          " json_extract(bce_state_info(hex(s)), '$.bytes'), %d, 'is', NULL FROM %s;"
          % (want, want, t))
    # scores: (function, rows, L, L0)
    third = mpmath.mpf(1) / 3
    l3 = 3 * third * -mpmath.log(third)
    cases = [
        ("cce_d2", "(0, '[0.98,0.01,0.01]'), (1, '[0.01,0.98,0.01]'), (2, '[0.01,0.01,0.98]')",
         -mpmath.log(d(0.98)), l3),
        ("cce_d2", "(0, '[0.1,0.6,0.3]'), (1, '[0.1,0.6,0.3]'), (2, '[0.4,0.5,0.1]')",
         -(mpmath.log(d(0.1)) + mpmath.log(d(0.6)) + mpmath.log(d(0.1))) / 3, l3),
        ("bce_d2", "(1, 0.9), (0, 0.2), (1, 0.6), (0, 0.4)",
         -(mpmath.log(d(0.9)) + mpmath.log(1 - d(0.2)) + mpmath.log(d(0.6))
           + mpmath.log(1 - d(0.4))) / 4, mpmath.log(2)),
    ]
    for fn, rows, L, L0 in cases:
        v = 1 - L / L0
        w("INSERT INTO checks SELECT 'bce_state_info score of %s_state over %s = 1 - L/L0',"
          " json_extract(bce_state_info(s), '$.score'), %s, 'abs', %r"
          " FROM (SELECT %s_state(column1, column2) AS s FROM (VALUES %s));"
          % (fn, rows.replace("'", "''"), exact(v), d2_tol(L, L0, v), fn, rows))
    y = [d(0.25), d(0.75)]
    q = [d(0.5), d(0.5)]
    kl = sum(a * mpmath.log(a / b) for a, b in zip(y, q))
    w("INSERT INTO checks SELECT 'bce_state_info loss of a kl_div state: its divergence',"
      " json_extract(bce_state_info(kl_div_state('[0.25, 0.75]', '[0.5, 0.5]')), '$.loss'),"
      " %s, 'ulp', 2.15;" % exact(kl))
    w(".read tests/sql/lib/report.sql")
    print("\n".join(out))


if __name__ == "__main__":
    main()
