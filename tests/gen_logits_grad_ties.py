#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference values for bce_logits_grad where the exact gradient lies a
hair off a midpoint of the result's grid, the hair the part of
sigmoid(z) - y that the double-double (h, l) cannot hold (issue 27: found
reading the make mutate survivors of src/logits.c).

Two defects, both fixed, gave the midpoint's even neighbour instead, half
an ulp and a hair off against the 0.50 ulp of docs/accuracy.md:

  - bce_ldexp_dd() (src/dd.h) rounded the part of a subnormal result that
    the grid cuts, plus the low double, to 53 bits before it rounded it
    onto the grid: where the low double was below that sum's last bit the
    sum landed on the midpoint it had broken.
    bce_logits_grad(1.5e-323, -1400, 2), a hair under 1.5*2^-1074 in
    magnitude, gave -2^-1073 for -2^-1074;
  - bce_logits_grad() dropped t = sigmoid(-|z|) where it fell below the
    last bit of l (1 - y inexact: bce_logits_grad(2^-54, 80) is
    1 - 2^-54 - e^-80, nearest 1 - 2^-53, and gave 1), or vanished at the
    scale beside a label 2^1074 times larger (|z| past about 1488), and
    near z = 0 the series' z/4 + T or T below the label's bits.

Each family puts the part that (h, l) holds exactly on a midpoint (built
so, not picked by the code's output), with the lost part the hair that
decides:

  - y an odd multiple of 2^-1074 (times 1, 2 or 4), n a power of two, y/n
    a subnormal midpoint: z in (-1480, -746), and z in (-3000, -1488);
  - y = 1 - m 2^-53, m odd, n a power of two near 2^1020, (1-y)/n a
    subnormal midpoint, z in (40, 780);
  - y = m 2^-54, m odd, n a power of two: 1 - y is a midpoint of the
    doubles below 1, z in (80, 3000);
  - y in [1/8, 1/4) with its last bit set: 0.5 - y a midpoint; z of either
    sign from 2^-1000 to 2^-120, so that z/4 + T is lost beside it;
  - y = 1/2 - m 2^-54, m odd in [2^52, 3*2^51): 0.5 - y exact with its
    last bit set, and z = +-2^-53 puts 0.5 - y + z/4 on a midpoint, T
    (about z^3/48) lost beside it.

Last, rows from the review of the fix: two where n is not a power of
two and the quotient's low part rounds onto a midpoint by itself (the
first form of the fix broke such a tie with the lost part's sign, which
the rounding's own error outweighs: now only an exact sum and quotient
take the lost part's sign), and three next to 2^-1022, where
bce_ldexp_dd() returned 2^-1022 from a tie to even that the low part
broke the other way (0.58 ulp); and two where 0.5 - y is not a double
and T, not z/4, is lost (the sign is then not taken: that sum may have
rounded).

Each row is checked to the bit.  sigmoid(-3000) is 2^-4328: mpmath at 1500
digits (4983 bits) holds it beside a y of 2^-1074 and beside 1; past that
(z near 1e308, say) the reference itself would need more digits than a
test can carry, and there are no rows.

The exact value is gen_ref.py's definition in mpmath at 1500 digits,
rounded once to the nearest double, subnormals included
(gen_props.to_double).

Writes tests/sql/mpmath_logits_grad_ties.sql (CI only reads it).
Run:  python3 tests/gen_logits_grad_ties.py      (needs mpmath; seconds)
"""
import os
import random
import sys
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_props  # noqa: E402,F401  (check() rounds with its to_double)
from gen_ref import check, logits_grad, mp, sql_num  # noqa: E402

mp.dps = 1500
SEED = 20261207
PER_FAMILY = 40


def on_grid_midpoint(a, n, step):
    """whether a/n is exactly halfway between two multiples of step"""
    q = Fraction(a) / Fraction(n) / Fraction(step)
    return q.denominator == 2


def families(r):
    sub = Fraction(1, 2**1074)

    def label_tiny(lo, hi):
        def draw():
            y = r.randrange(1, 64, 2) * r.choice([1, 2, 4]) * 2.0**-1074
            n = 2.0**r.randint(1, 3)
            return y, -r.uniform(lo, hi), n, on_grid_midpoint(y, n, sub)
        return draw

    def label_near_one():
        y = 1 - r.randrange(1, 64, 2) * 2.0**-53
        n = 2.0**r.randint(1015, 1022)
        return y, r.uniform(40, 780), n, on_grid_midpoint(1 - y, n, sub)

    def one_minus_y_midpoint():
        y = r.randrange(1, 2**20, 2) * 2.0**-54
        n = 2.0**r.randint(-20, 20)
        # 1 - y is halfway between doubles 2^-53 apart
        return y, r.uniform(80, 3000), n, on_grid_midpoint(1 - Fraction(y), 1, Fraction(1, 2**53))

    def half_minus_y_midpoint():
        y = (r.randrange(2**51, 2**52) * 2 + 1) * 2.0**-55
        z = r.choice([1, -1]) * 2.0**-r.randint(120, 1000)
        return y, z, r.choice([1.0, 2.0, 0.5]), on_grid_midpoint(Fraction(1, 2) - Fraction(y), 1, Fraction(1, 2**54))

    def linear_midpoint():
        m = r.randrange(2**52 + 1, 3 * 2**51, 2)
        y = 0.5 - m * 2.0**-54
        z = r.choice([1, -1]) * 2.0**-53
        v = Fraction(1, 2) - Fraction(y) + Fraction(z) / 4
        return y, z, r.choice([1.0, 2.0, 0.5]), on_grid_midpoint(v, 1, Fraction(1, 2**54))

    return [("y/n a subnormal midpoint, z in (-1480, -746)", label_tiny(746, 1480)),
            ("y/n a subnormal midpoint, z in (-3000, -1488)", label_tiny(1488, 3000)),
            ("(1-y)/n a subnormal midpoint, z in (40, 780)", label_near_one),
            ("1 - y a midpoint below 1, z in (80, 3000)", one_minus_y_midpoint),
            ("0.5 - y a midpoint, z/4 + T below it", half_minus_y_midpoint),
            ("0.5 - y + z/4 a midpoint, T below it", linear_midpoint)]


REVIEW_ROWS = [(2.1380798676565915e-17, 100.0, 1.331714596597887),
               (9.04634522703444e-18, 7.346839692639297e-40, 1.1237257913760073),
               (0.0, -708.1, 1.345032978742133),
               (0.0, -708.2, 1.345032978742133),
               (0.0, -708.05, 1.345032978742133),
               # 0.5 - y inexact, z/4 held beside it and T not: the path
               # that leaves T's sign out (that sum may have rounded)
               (0.1, 2.0**-60, 1.0),
               (0.1, -(2.0**-60), 1.0)]
REVIEW_ROWS = [(y.hex(), z.hex(), n.hex()) for y, z, n in REVIEW_ROWS]


def main():
    r = random.Random(SEED)
    out = ["-- Generated by tests/gen_logits_grad_ties.py (mpmath, 1500 digits); "
           "do not edit.",
           "-- bce_logits_grad a hair off a midpoint of its grid; each to the bit",
           "-- (docs/accuracy.md: 0.50 ulp).",
           ".read tests/sql/lib/checks.sql", "",
           "-- the row of the report: -(1.5*2^-1074 - sigmoid(-1400)/2) is nearest -2^-1074",
           check("tie bce_logits_grad(1.5e-323, -1400, 2)",
                 "bce_logits_grad(%s, -1400.0, 2.0)" % sql_num(3 * 2.0**-1074),
                 logits_grad(3 * 2.0**-1074, -1400.0, 2.0), "ulp", 0.5), ""]
    out.append("-- from the review: n not a power of two, and next to 2^-1022")
    for y, z, n in REVIEW_ROWS:
        y, z, n = float.fromhex(y), float.fromhex(z), float.fromhex(n)
        out.append(check("tie bce_logits_grad(%s, %s, %s)" % (y.hex(), z.hex(), n.hex()),
                         "bce_logits_grad(%s, %s, %s)"
                         % (sql_num(y), sql_num(z), sql_num(n)),
                         logits_grad(y, z, n), "ulp", 0.5))
    out.append("")
    for title, draw in families(r):
        out.append("-- " + title)
        made = 0
        while made < PER_FAMILY:
            y, z, n, midpoint = draw()
            if not midpoint:
                continue
            made += 1
            out.append(check("tie bce_logits_grad(%s, %s, %s)"
                             % (y.hex(), z.hex(), n.hex()),
                             "bce_logits_grad(%s, %s, %s)"
                             % (sql_num(y), sql_num(z), sql_num(n)),
                             logits_grad(y, z, n), "ulp", 0.5))
        out.append("")
    out.append(".read tests/sql/lib/report.sql")
    path = os.path.join(HERE, "sql", "mpmath_logits_grad_ties.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
