#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Checks that tell src/mean.c from its make mutate survivors (issue 27):
the mean's paths for products below 2^-1022 (bce_mean_add_small(),
bce_mean_add_part_d()), its scaled readings (sum_ilogb(), weight_dd(),
tiny_weight_quotient()) and bce_mean_set_weighted() past 2^32 rows.
Every expected value comes from the definitions, never from the C code:

  - a loss from mpmath (bce's -ln(1 - p) and -ln p at eps 0, gen_ref's
    logits_loss(), accuracy_props' mc_ref() for a multi-class row), the
    mean sum(w l) / sum(w d) of the rows, rounded once;
  - rows_tiny of bce_state_info() by docs/state-format.md's rule: a row is
    tiny where its product w*l, rounded once to 53 bits without an
    exponent floor, is below 2^-1022 and not exact;
  - for a state written here (docs/state-format.md, by
    tests/gen_state_golden.py's encoder): bce_merge() is its exact sums'
    quotient rounded once, with Fractions (docs/functions.md states it
    for sums in range; these states' tiny weight sums take
    tiny_weight_quotient(), which rounds its double-double quotient once,
    and the checks sit where that double-double still decides: fragile
    against a coarser rewrite that would meet its 2^-100); sum_w the
    weight sum rounded once.

What each group catches (the mutant kept the old tests passing):

  TINY_FALLBACK  a tiny sum below 2^-894 (w*l below 2^-1968) is read at
                 2^1074 by sum_ilogb()'s second reading: its -1074 + k
                 made - k gave 0.0 for the mean
  EXACT_TINY     a subnormal product that is exact goes to the loss sum
                 and is not counted tiny (exact_product()'s 2^1074 made
                 2^1075 counted it)
  BIG_COUNT      a state of 2^32 + 3 unweighted rows (docs/state-format.md:
                 counts up to 2^63 - 1) merged before a weighted one:
                 bce_mean_set_weighted() adds the count's high 32 bits
                 (deleted, shifted or subtracted, the mean was off by a
                 factor up to 2^30, or negative)
  PART           bce_mean_add_part_d() (a cce loss below 2^-1000 under
                 class weights): a row weight of 2^-1074, a loss whose
                 scaled part is 2^-1074, a product that is exactly
                 2^-1074, one that rounds to exactly 2^-1022, a class
                 weight of 1 + 2^-52
  ZERO_TINY      a tiny row whose product is 0 even at 2^1074: cce with
                 a class weight 2^-1074 and an alpha of 2.5e-316 gave 0
                 for ln 2 (a defect, fixed: src/mean.c's has_tiny())
  BOUNDARIES     sum_quotient()'s correction at |c d| = 2^-969 and at
                 DBL_MAX exactly, and the weight sum's remainder at a
                 total of exactly 2^-969 (>= made >, < made <=)
  STATES         states whose mean is rounded once only where every scale
                 is right: sum_ilogb()'s constants one off or 256 off, the
                 weight's and the numerator's k, a double-double not
                 started at 0, the sign of q2 in tiny_weight_quotient(),
                 sum_rest()'s 2^e; means near a rounding midpoint (2^-48
                 ulp to 2^-1074 relative) that the code's reading decides
                 (the remainder to 2^-50 of an ulp, the double-doubles to
                 the subnormal grid), found by a differential search of
                 the mutants over such states; each passes the reader's
                 rules of meaning (docs/state-format.md)

Writes tests/sql/mpmath_mean_mutants.sql.
Run:  /usr/bin/python3 tests/gen_mean_mutants.py      (needs mpmath)
"""
import json
import os
import sys
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import accuracy_props as A  # noqa: E402
import gen_state_golden as G  # noqa: E402
from gen_ref import logits_loss  # noqa: E402
from sqlgen import num, q, write_checks  # noqa: E402
from mpmath import mp, mpf, log, log1p  # noqa: E402

mp.prec = 400
T = 2.0 ** -1074
OUT = []


def check(name, sql, want, kind="ulp", tol=0.5):
    w = want if isinstance(want, str) else num(want)
    OUT.append("INSERT INTO checks VALUES(%s, (%s), %s, '%s', %s);"
               % (q(name), sql, w, kind, tol))


def to_double(x):
    """x (an mpf or a Fraction) rounded once to the nearest double,
    subnormals included"""
    if isinstance(x, F):
        return x.numerator / x.denominator     # correctly rounded
    if abs(x) < mpf(2) ** -1022:
        return float(int(mp.nint(x * mpf(2) ** 1074))) * T
    return float(x)


def r53(x):
    """x > 0 rounded to 53 bits without an exponent floor, as a Fraction"""
    m, e = mp.frexp(x)
    return F(int(mp.nint(m * 2 ** 53))) * F(2) ** (e - 53)


def bce_loss0(y, p):
    """bce's loss at eps = 0, y in {0, 1}"""
    return -log(mpf(p)) if y == 1 else -log1p(-mpf(p))


# ------------------------------------------------------------ TINY_FALLBACK
def tiny_fallback():
    rows = [(0, 3e-301, 1e-300), (0, 5e-301, 3e-300)]
    for y, p, w in rows:
        # one row: the mean is its loss; w*l near 2^-1995
        check("tiny fallback bce(%d, %r, %r, 0)" % (y, p, w),
              "SELECT bce(%d, %s, %s, 0)" % (y, num(p), num(w)),
              to_double(bce_loss0(y, p)), "ulp", 1)
    sl = mp.fsum(mpf(w) * bce_loss0(y, p) for y, p, w in rows)
    sw = mp.fsum(mpf(w) for _, _, w in rows)
    vals = " UNION ALL ".join("SELECT %d AS y, %s AS p, %s AS w"
                              % (y, num(p), num(w)) for y, p, w in rows)
    check("tiny fallback bce over 2 rows of w*l near 2^-1995",
          "SELECT bce(y, p, w, 0) FROM (%s)" % vals, to_double(sl / sw),
          "ulp", 3)


# --------------------------------------------------------------- EXACT_TINY
def exact_tiny():
    p, w = 2.0 ** -500, 3 * 2.0 ** -530
    l = bce_loss0(0, p)
    assert to_double(l) == p                   # -ln(1 - 2^-500) is 2^-500
    prod = F(w) * F(p)
    assert prod < F(2) ** -1022 and (prod / F(T)).denominator == 1
    check("exact subnormal product: rows_tiny of bce_state(0, 2^-500, "
          "3*2^-530, 0)",
          "SELECT json_extract(bce_state_info(bce_state(0, %s, %s, 0)), "
          "'$.rows_tiny')" % (num(p), num(w)), "0", "is", "NULL")
    # the same row with a weight whose product is not exact is tiny
    w2 = 1e-160
    prod = F(w2) * F(p)
    assert prod < F(2) ** -1022 and (prod / F(T)).denominator != 1
    check("inexact subnormal product: rows_tiny of bce_state(0, 2^-500, "
          "1e-160, 0)",
          "SELECT json_extract(bce_state_info(bce_state(0, %s, %s, 0)), "
          "'$.rows_tiny')" % (num(p), num(w2)), "1", "is", "NULL")
    check("exact subnormal product: bce(0, 2^-500, 3*2^-530, 0)",
          "SELECT bce(0, %s, %s, 0)" % (num(p), num(w)), to_double(l),
          "ulp", 1)


# ---------------------------------------------------------------- BIG_COUNT
def big_count():
    n = 2 ** 32 + 3
    eps = G.DEFAULT_EPS
    l = to_double(-log(mpf(0.5)))              # bce(1, 0.5): ln 2
    head = bytearray(b"BCE\x02\x00\x00\x00\x00") + bytes([1, 0])
    head += G.options_bytes({"eps": eps})
    # n rows of bce(1, 0.5), unweighted: the loss sum n*l, exactly
    big = G.finish(head, 2, False, n, n, 0, 0, n * G.units(l), 0, 0)
    one = "bce_state(1, 0.5, 1.0)"
    for order, (a, b) in (("unweighted first", ("x'%s'" % big, one)),
                          ("weighted first", (one, "x'%s'" % big))):
        sub = "SELECT %s AS s UNION ALL SELECT %s" % (a, b)
        # (n + 1) rows of loss l and weight 1: the mean is l itself
        check("2^32 + 4 rows merged, %s: bce_merge" % order,
              "SELECT bce_merge(s) FROM (%s)" % sub, l)
        check("2^32 + 4 rows merged, %s: sum_w" % order,
              "SELECT json_extract(bce_state_info(bce_merge_state(s)), "
              "'$.sum_w') + 0.0 FROM (%s)" % sub, float(n + 1))


# --------------------------------------------------------------------- PART
def mc_loss(y, p, o):
    v, _ = A.mc_ref(y, p, False, o, False)
    return v


def part():
    # a row weight of 2^-1074: its w*l is tiny (the mean divides by
    # sum(w d) = 2^-2084: not the open item's 2^-2096)
    p = [0.6, 0.4]
    o = {"class_weight": [2.0 ** -1010, 1]}
    js = json.dumps(o)
    l = mc_loss(0, p, o)
    assert l < mpf(2) ** -1000
    check("w = 2^-1074: cce(0, [0.6, 0.4], 2^-1074, %s)" % js,
          "SELECT cce(0, %s, %s, %s)" % (q(json.dumps(p)), num(T), q(js)),
          to_double(l / mpf(o["class_weight"][0])), "ulp", 2)
    check("w = 2^-1074: rows_tiny of its cce_state",
          "SELECT json_extract(bce_state_info(cce_state(0, %s, %s, %s)), "
          "'$.rows_tiny')" % (q(json.dumps(p)), num(T), q(js)),
          "1", "is", "NULL")

    # a loss near 2^-2174: its part l 2^1100 is the subnormal 2^-1074, and
    # w l 2^1074 is still above 2^-1074 (the tiny sum holds it): tiny
    p = [0.99999999999999911182, 8.881784197001252e-16]
    o = {"class_weight": [T, 1], "alpha": [1e-316, 1]}
    js = json.dumps(o)
    w = 1e10
    l = mc_loss(0, p, o)
    assert mpf(0.5) < l * mpf(2) ** 2174 < mpf(1.5)
    assert mpf(2) ** -2148 < mpf(w) * l < mpf(2) ** -1022
    check("part 2^-1074: rows_tiny of cce_state(0, %s, 1e10, %s)"
          % (json.dumps(p), js),
          "SELECT json_extract(bce_state_info(cce_state(0, %s, %s, %s)), "
          "'$.rows_tiny')" % (q(json.dumps(p)), num(w), q(js)),
          "1", "is", "NULL")

    # -ln q within 0.31 2^-53 of 1: the loss under class weight 2^-1074 is
    # exactly 2^-1074 once rounded to 53 bits, and so is w*l at w = 1
    qq = 0.36787944117144233
    p = [qq, 0.6321205588285577]
    ln = -log(mpf(qq))
    assert abs(ln - 1) < mpf(0.31) * mpf(2) ** -53
    o = {"class_weight": [T, 1]}
    js = json.dumps(o)
    check("w*l exactly 2^-1074: cce(0, %s, 1.0, %s)" % (json.dumps(p), js),
          "SELECT cce(0, %s, 1.0, %s)" % (q(json.dumps(p)), q(js)),
          to_double(ln), "ulp", 2)

    # class weight 3*2^-1012: the loss rounds to 3*2^-1012, and w*l at
    # this w is above 2^-1022 and rounds to it: not tiny
    cw = 3 * 2.0 ** -1012
    o = {"class_weight": [cw, 1]}
    js = json.dumps(o)
    assert r53(mpf(cw) * ln) == F(cw)
    w = 6004799503160662 * 2.0 ** -64
    prod = F(w) * F(cw)
    assert prod > F(2) ** -1022 and to_double(prod) == 2.0 ** -1022
    check("w*l rounding to 2^-1022: rows_tiny of cce_state(0, %s, %r, %s)"
          % (json.dumps(p), w, js),
          "SELECT json_extract(bce_state_info(cce_state(0, %s, %s, %s)), "
          "'$.rows_tiny')" % (q(json.dumps(p)), num(w), q(js)),
          "0", "is", "NULL")

    # a class weight of 1 + 2^-52: the weight sum takes w d, not w.  Each
    # mean here is one row's: (w l)/(w d), l = d a (-ln q) rounded to 53
    # bits and w l too (docs/state-format.md), rounded once: the same
    # double as a (-ln q) itself, and at least 0.1 ulp from a midpoint
    d = 1.0000000000000002
    for a, p in ((1e-303, [0.3, 0.7]), (1.23e-304, [0.6, 0.4]),
                 (1e-303, [0.9, 0.1])):
        o = {"class_weight": [d, 1], "alpha": [a, 1]}
        js = json.dumps(o)
        ln = -log(mpf(p[0]))
        lr = r53(mpf(d) * mpf(a) * ln)
        mean = lr / F(d)                      # w = 1: w l = l exactly
        want = to_double(mean)
        assert want == to_double(mpf(a) * ln)
        u = F(2) ** (mp.frexp(want)[1] - 53)
        assert abs((mean - F(want)) / u) < F(2, 5)
        check("class weight 1 + 2^-52: cce(0, %s, 1.0, %s)"
              % (json.dumps(p), js),
              "SELECT cce(0, %s, 1.0, %s)" % (q(json.dumps(p)), q(js)),
              want, "ulp", 0.5)


# ---------------------------------------------------------------- ZERO_TINY
def zero_tiny():
    # a row whose w*l is below 2^-2149 still counts as tiny, but its
    # product rounds to 0 even at 2^1074: the mean then read the exponent
    # of a zero tiny sum (ilogb(0)) and came out 0 (found reading the
    # survivors; fixed in src/mean.c, has_tiny()).  The two rows' sum is
    # ln 2 and a product near 1e-654
    rows = [(0, [0.99999999999999911182, 8.881784197001252e-16], 1.3),
            (1, [0.5, 0.5], 1.0)]
    o = {"class_weight": [T, 1], "alpha": [2.5e-316, 1]}
    total = mpf(0)
    for y, pr, w in rows:
        total += mpf(w) * mc_loss(y, pr, o)
    assert mpf(rows[0][2]) * mc_loss(*rows[0][:2], o) < mpf(2) ** -2149
    table = " UNION ALL ".join("SELECT %d AS y, %s AS p, %s AS w"
                               % (y, q(json.dumps(pr)), num(w))
                               for y, pr, w in rows)
    for red, want in (("sum", total), ("mean_over_rows", total / 2)):
        oo = dict(o, reduction=red)
        check("zero tiny sum: cce(y, p, w, %s)" % json.dumps(oo),
              "SELECT cce(y, p, w, %s) FROM (%s)" % (q(json.dumps(oo)), table),
              to_double(want), "ulp", 0.5)


# --------------------------------------------------------------- BOUNDARIES
def ulp_distance_from_midpoint(x, want):
    """how far the exact x is from a rounding midpoint, in ulps of want"""
    u = F(2) ** max(mp.frexp(want)[1] - 53, -1074)
    return abs(F(1, 2) - abs((x - F(want)) / u))


def boundaries():
    # sum_quotient()'s correction at |c d| = 2^-969 exactly: three rows
    # whose loss sum 2^-969 + 2^-1023 is not a double, over 3: fl(s)/3 is
    # c = 0x1.5555555555555p-971, 3c rounds to 2^-969, and the exact mean is
    # 1/6 ulp above the midpoint of c and the next double
    ps = [2.0 ** -969, 2.0 ** -1023, 0.0]
    ls = [to_double(bce_loss0(0, p)) for p in ps]
    assert ls == ps
    mean = (F(ls[0]) + F(ls[1]) + F(ls[2])) / 3
    want = to_double(mean)
    assert ulp_distance_from_midpoint(mean, want) > F(1, 8)
    vals = " UNION ALL ".join("SELECT 0 AS y, %s AS p" % num(p) for p in ps)
    check("c*d = 2^-969: bce(0, p, eps 0) over p = 2^-969, 2^-1023, 0",
          "SELECT bce(y, p, '{\"eps\": 0}') FROM (%s)" % vals, want)

    # the weight sum's remainder at a total of exactly 2^-969: weights
    # 2^-970, 2^-970, 2^-1060 (sum(w) = 2^-969 + 2^-1060), losses a, 2^-52
    # and 0; sum(w l)/2^-969 is the midpoint (a + 2^-52)/2, which the
    # 2^-1060 puts 2^-39 ulp below: a/2, where the tie's even neighbour is
    # above (a's last bit is 1)
    p1 = 0.91
    a = to_double(bce_loss0(0, p1))
    assert 2 <= a < 4 and int(a * 2 ** 51) % 2 == 1
    p2 = float.fromhex("0x1.fffffffffffffp-53")
    assert to_double(bce_loss0(0, p2)) == 2.0 ** -52
    rows = [(p1, 2.0 ** -970), (p2, 2.0 ** -970), (0.0, 2.0 ** -1060)]
    sl = F(2) ** -970 * (F(a) + F(2) ** -52)
    sw = F(2) ** -969 + F(2) ** -1060
    want = to_double(sl / sw)
    assert want == a / 2
    assert ulp_distance_from_midpoint(sl / sw, want) > F(2) ** -45
    vals = " UNION ALL ".join("SELECT 0 AS y, %s AS p, %s AS w"
                              % (num(p), num(w)) for p, w in rows)
    check("sum(w) = 2^-969 + 2^-1060: bce(0, p, w, 0) of losses a, 2^-52, 0",
          "SELECT bce(y, p, w, 0) FROM (%s)" % vals, want)

    # the correction at |c d| = DBL_MAX exactly: twenty bce_logits rows of
    # loss z (softplus(z) is z there), sum(z) = DBL_MAX - 7/16 ulp, not a
    # double: fl(s)/20 is c with 20c = DBL_MAX, and s/20 rounds (0.05 ulp
    # from the midpoint) to c's neighbour
    zs = [8.988465674311579e+306] * 19 + [8.988465674311565e+306]
    ls = [to_double(logits_loss(0, z)) for z in zs]
    assert ls == zs
    mean = sum(F(z) for z in zs) / 20
    want = to_double(mean)
    assert ulp_distance_from_midpoint(mean, want) >= F(1, 20)
    vals = " UNION ALL ".join("SELECT %s AS z" % num(z) for z in zs)
    check("c*d = DBL_MAX: bce_logits(0, z) over 20 rows near 9e306",
          "SELECT bce_logits(0, z) FROM (%s)" % vals, want)


# ------------------------------------------------------------------- STATES
# (rows, positive, infinite, tiny, loss, weight, tiny sum, tiny weight sum):
# the sums as docs/state-format.md's integers (units of 2^-1074; the tiny
# sums' of 2^-2148)
STATES = [
    # q2's sign (tiny_weight_quotient())
    ("q2", (2, 2, 0, 1, 0x0, 0x100, 0x10000000000000000000,
            0x73ec8a8f59e << 1024)),
    ("q2", (3, 3, 0, 2, 0x1c3, 0x65ff1, 0x32ff88 << 860,
            0x1ff47990e046d0d44dfa << 976)),
    ("q2", (1, 1, 0, 1, 0, 0, 0x505dafbe904324 << 1068,
            0x2d5982022624308 << 1020)),
    # sum_ilogb()'s +128 made -128: the weight 1 + 2^-1019 read 2^256 off
    ("scale", (3, 3, 0, 1, 0x1, 2 ** 1074 + 2 ** 55, 2 ** 1073,
               0x15 << 1044)),
    ("scale", (4, 4, 0, 2, 0x204e5, 2 ** 1075,
               0x1c000000001137515c000000000, 0x1847c05587360000000000)),
    # near midpoints of the subnormal grid, broken by a part 2^-1040 to
    # 2^-1074 of the weight sum: a scale one off (sum_ilogb()'s -128, +128,
    # 1074, the weight's and the loss's k) reads that part rounded away
    ("scale", (2, 2, 0, 1, 0, 0, 0x9 << 34,
               ((0x6 << 1072) + 1) << 36)),
    ("scale", (2, 2, 0, 1, 0, 1 << 1073, 0x3 << 1072, 1 << 1073)),
    ("scale", (2, 2, 0, 1, 0, 0x1ffffffffffffd << 127,
               0x3ffffffffffff80000000000003 << 126,
               0x1ffffffffffffd << 126)),
    ("scale", (2, 2, 0, 1, 0x5, 1 << 1075, 0x4, 0x3 << 1069)),
    # sum_quotient(): exact values 2^-48 and 2^-49 of an ulp from a
    # midpoint, which its remainder (read to 2^-50 of an ulp) decides: the
    # 2^e of sum_rest() made 2^(e+2) negative or 2^(e+1) does not
    ("rest", (2, 2, 0, 0,
              0x211f894038de434c87d168cc670ef644fb3e2b27965dd0e994c211ce07a6ed
              << 1144, 0x300dc78d6c925400003ca3b << 1293, 0, 0)),
    ("rest", (2, 2, 0, 0,
              0x254c9108f1796216d5157a684af7cb6635a8d84c88fe80de71bc9 << 856,
              0x140cb8db73b803 << 1034, 0, 0)),
    # exact midpoints of the subnormal grid: ties to even (the numerator's
    # and the weight's double-double started at 2^-1074 broke them)
    ("tie", (2, 2, 0, 1, 0, 0, 1, 2 ** 1075)),
    ("tie", (2, 2, 0, 1, 0, 0, 5, 2 ** 1075)),
    ("tie", (2, 2, 0, 1, 0, 0, 3, 2 ** 1075)),
    ("tie", (2, 2, 0, 1, 0, 0, 7, 2 ** 1075)),
    # a weight sum of exactly 2^-1075: sum_w ties to 0
    ("tie", (1, 1, 0, 0, 0, 0, 0, 2 ** 1073)),
]


def state_blob(st):
    n_row, n_pos, n_inf, n_tiny, loss, weight, tiny, tw = st
    flags = 1 | (2 if tw else 0)
    head = bytearray(b"BCE\x02\x00\x00\x00\x00") + bytes([3, flags])
    head += G.options_bytes({"eps": G.DEFAULT_EPS, "class_weight": [1.0, 1.0]})
    return G.finish(head, 2, True, n_row, n_pos, n_inf, n_tiny, loss, weight,
                    tiny, tw if tw else None)


def states():
    for i, (why, st) in enumerate(STATES):
        n_row, n_pos, n_inf, n_tiny, loss, weight, tiny, tw = st
        b = state_blob(st)
        num_ = F(loss, 2 ** 1074) + F(tiny, 2 ** 2148)
        den = F(weight, 2 ** 1074) + F(tw, 2 ** 2148)
        if num_ != 0:
            check("state %d (%s): bce_merge" % (i, why),
                  "SELECT bce_merge(x'%s')" % b, to_double(num_ / den))
        # sum_w as JSON text: only where its decimal is exact (an integer)
        if to_double(den) == int(to_double(den)):
            # 'is': an integer want may be a power of two, where the
            # checker's 0.5 ulp lets the double below through
            check("state %d (%s): sum_w" % (i, why),
                  "SELECT json_extract(bce_state_info(x'%s'), '$.sum_w') "
                  "+ 0.0" % b, to_double(den), "is", "NULL")


def main():
    tiny_fallback()
    exact_tiny()
    big_count()
    part()
    boundaries()
    zero_tiny()
    states()
    write_checks("mpmath_mean_mutants.sql", [
        "-- Generated by tests/gen_mean_mutants.py (mpmath, 400 bits; "
        "Fractions); do not edit.",
        "-- src/mean.c's paths below 2^-1022, its scaled readings and "
        "2^32 rows: rows and",
        "-- states that make mutate survivors got wrong."], OUT)


if __name__ == "__main__":
    main()
