#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference values for rows that tell src/logits.c from its make mutate
survivors (issue 27): bce_logits_wloss() (bce_logits_term with a weight
w > 1 where the loss is below 2^-1018) and bce_logits_grad(), computed
with mpmath at 120 digits from gen_ref.py's definitions (the loss times
w, and the gradient), rounded once to the nearest double
(gen_props.to_double).

Each row was found by building the mutant by hand next to the code and
comparing both with mpmath over seeded random rows of the path (y a
subnormal label with z in (-1490, -705), or y = 1 with z in (705, 1490),
w from 2 to 2^1023); the rows kept are ones where the code is correctly
rounded and the mutant is not, the two where it is furthest off.  A row
whose mutant is further off than docs/accuracy.md's bound for the path
(2.21 ulp with a subnormal label, 2.30 with y = 1) is checked at that
bound; the others to the bit (the path rounds w*l once, from y|z| and
e^-|z| carried with their errors; the mutant moves a last bit).  The last
column is how far off the mutant was, in ulps.

GRAD_ROWS: bce_logits_grad with z > 0 and a label y below 1/2 whose 1 - y
is not a double, so that its remainder al = (1 - (1-y)) - y counts; the
mutant that subtracted al was off by an ulp in 8,713 of 20,000 such rows
and no test had one.  Checked to the bit: docs/accuracy.md states 0.50
ulp for bce_logits_grad.  Three more where the code itself was an ulp off
(0.500146 ulp): the fast path's t, within 2^-97, decided the rounding.

Writes tests/sql/mpmath_logits_mutants.sql (CI only reads it).
Run:  python3 tests/gen_logits_mutants.py      (needs mpmath; a second)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_props  # noqa: E402,F401  (check() rounds with its to_double)
from gen_ref import check, logits_grad, logits_loss, mp, mpf, sql_num  # noqa: E402

mp.dps = 120
H = float.fromhex
BOUND_SUBNORMAL_LABEL = 2.21
BOUND_HARD = 2.30

ROWS = [
    # the product's error pe = fma(as, |z|, -p) left out (line 183)
    ('0x0.0000000098394p-1022', '-0x1.c74b8c149e6e6p+9', '0x1.ab05d3fc62c72p+191', 1.20),
    ('0x0.000000009eb72p-1022', '-0x1.bca95db5dcc9ep+9', '0x1.7f1b845503a22p+341', 1.11),
    # s = p + e made p - e (line 184): its TwoSum error carries back 2e, not the bits
    ('0x0.00000000a555ep-1022', '-0x1.643d84c491225p+9', '0x1.cabcffe784dbcp+235', 3.55),
    ('0x0.000000005c76bp-1022', '-0x1.61d8776096079p+9', '0x1.97031cba26e8cp+922', 3.24),
    # the product's error pe subtracted (line 185)
    ('0x0.00000000450f0p-1022', '-0x1.e3f6342215248p+9', '0x1.f4fa869e02826p+798', 2.04),
    ('0x0.00000000b0377p-1022', '-0x1.8feabf81a0939p+9', '0x1.c3cf97a615634p+597', 1.95),
    # the low part se*m subtracted (line 188)
    ('0x0.000000005710dp-1022', '-0x1.791ff4f39effcp+9', '0x1.7364efbe23bb3p+575', 2.89),
    ('0x0.000000001d707p-1022', '-0x1.7a9f14c64cdc5p+9', '0x1.765483f4ff7bcp+411', 2.49),
    # k = |z|/ln2 - 100 made + 100 with y = 1 (line 173)
    ('0x1.0000000000000p+0', '0x1.89aae551e3ef8p+9', '0x1.bb1bda52a1aeep+126', 1.64),
    ('0x1.0000000000000p+0', '0x1.2c7959607c982p+10', '0x1.c7b8138fd99b9p+843', 1.62),
    # k = |z|/ln2 - 100 made - 101 with y = 1 (line 173)
    ('0x1.0000000000000p+0', '0x1.e1bc6f9ffd128p+9', '0x1.c584d97ae9ae0p+593', 1.75),
    ('0x1.0000000000000p+0', '0x1.9e70a32b661c8p+9', '0x1.9130914379070p+640', 1.70),
    # the test of k from |z| against k from y made + 100 < k (line 176)
    ('0x0.00000000a555ep-1022', '-0x1.643d84c491225p+9', '0x1.cabcffe784dbcp+235', 1.55),
    ('0x0.000000001e716p-1022', '-0x1.653967c31b2d9p+9', '0x1.9990f157b8618p+675', 1.21),
    # k from |z| made |z|/ln2 + 100 (line 177)
    ('0x0.00000000b1165p-1022', '-0x1.6717ac6449d5fp+9', '0x1.d0367360ebd26p+105', 1.25),
    ('0x0.00000000f0f59p-1022', '-0x1.65a3e87a100b2p+9', '0x1.7dd31dc60be46p+72', 1.09),
    # k from |z| made |z|/ln2 - 101 (line 177)
    ('0x0.000000001c6ebp-1022', '-0x1.685e56c51801cp+9', '0x1.6c61b1d980c0ep+638', 1.65),
    ('0x0.000000005edcbp-1022', '-0x1.64c8e7b882555p+9', '0x1.e214ea65ffbadp+466', 1.17),
    # a label of exactly 2^-1074 past |z| = 1490: the mutant that took it
    # for 0 scaled as for y = 0, which is for |z| <= 1490 only, and gave
    # NULL (a differential battery of 30,000 weighted rows, 2026-12-07);
    # the last column 99: the mutant had no number
    ('0x0.0000000000001p-1022', '-0x1.8ffe2d4c0db68p+10', '0x1.20fab2c458f4fp+7', 99),
    ('0x0.0000000000001p-1022', '-0x1.847ada657a6b4p+10', '0x1.64d8b11cd4ac8p+96', 99),
    ('0x0.0000000000001p-1022', '-0x1.85abcf200eb4ep+10', '0x1.ecee21dd65043p+33', 99),
]

GRAD_ROWS = [
    # (1 - y)'s remainder al subtracted, not added (line 148)
    ('0x1.fadcbe495c284p-9', '0x1.2224379011dd8p+4', 1.0),
    ('0x1.9c59220b76e2ep-18', '0x1.1f2950c871374p+5', 1.0),
    ('0x1.47899d9bfab80p-15', '0x1.2c2318c4657dap+3', 1.0),
    # the fast t's 2^-97 decided the rounding (kappa near 2^39): the code
    # itself was the neighbour, 0.500146 and 0.500023 ulp off, before it
    # tested its rounding and took t again (found reading the survivors
    # of src/logistic.c)
    ('0x1.662ba9a4ac3f2p-52', '-0x1.1da99e576975cp+5', 1.0),
    ('0x1.cbd46ac038ecep-1', '0x1.16927092dd45ap+1', 1.0),
    ('0x1.be0afc9758bdap-1', '0x1.e9523978e00e8p+0', 1.0),
]


def main():
    out = ["-- Generated by tests/gen_logits_mutants.py (mpmath, 120 digits); "
           "do not edit.",
           "-- bce_logits_term(y, z, w) on bce_logits_wloss()'s path and bce_logits_grad, rows",
           "-- that make mutate survivors got wrong; at docs/accuracy.md's bound or to the bit.",
           ".read tests/sql/lib/checks.sql", ""]
    for y, z, w, mutant_off in ROWS:
        y, z, w = H(y), H(z), H(w)
        bound = BOUND_HARD if y == 1.0 else BOUND_SUBNORMAL_LABEL
        tol = bound if mutant_off > bound else 0.5
        out.append(check("wloss mutants bce_logits_term(%s, %s, %s)"
                         % (y.hex(), z.hex(), w.hex()),
                         "bce_logits_term(%s, %s, %s)"
                         % (sql_num(y), sql_num(z), sql_num(w)),
                         logits_loss(y, z) * mpf(w), "ulp", tol))
    for y, z, mutant_off in GRAD_ROWS:
        y, z = H(y), H(z)
        out.append(check("logits mutants bce_logits_grad(%s, %s)" % (y.hex(), z.hex()),
                         "bce_logits_grad(%s, %s)" % (sql_num(y), sql_num(z)),
                         logits_grad(y, z), "ulp", 0.5))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    path = os.path.join(HERE, "sql", "mpmath_logits_mutants.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
