#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference values for rows that tell src/loss.c from its make mutate
survivors (issue 27), computed with mpmath at 80 digits from the
definitions of tests/gen_ref.py, rounded once to the nearest double
(gen_props.to_double, subnormals included).

Each row was found by building the mutant by hand next to the code and
comparing both with mpmath over seeded random rows; the rows kept are ones
where the code is correctly rounded and the mutant is not.  Each family is
checked at the bound docs/accuracy.md states where that kills its mutant,
and to the bit where only a last bit of a subnormal moves:

  - bce_grad, soft label: p_lo's correction q*e of 1 - q added with the
    wrong sign moves the gradient an ulp or more: 0.93 ulp;
  - bce_grad, label 1, q below 2^-1024 (hard_grad_tiny_q()): the -1 made
    -(1 + 2^-52) moves it 2 ulp where 1/(qn) lies near the top of its
    binade: 1.91 ulp;
  - bce_grad with n = 1 + 2^-52: the test n == 1 made n == 1 + 2^-52
    skips the division there, 2 ulp off: 1.91 ulp;
  - bce_term, a soft label of weight w > 1 with y and q below 2^-1018
    (bce_wloss_tiny()): the sum qs + a made qs - a, which its TwoSum error
    term then carries back up to 2a, loses bits of it where a is near qs:
    3 ulp off and more, against 2.26;
  - the same rows where the product's error term a's own error ae is
    subtracted, or the low part se*m is: up to 2.5 and 3.4 ulp off; the
    first where the code is correctly rounded and the mutant 2 ulp away,
    inside 2.26, to the bit (the path rounds w*l once, from y ln q and q
    carried with their errors);
  - bce_term, a soft label with a subnormal loss: 0.0 - x made
    2^-1074 - x, one step of the subnormal grid: to the bit.

Writes tests/sql/mpmath_loss_mutants.sql (CI only reads it).
Run:  python3 tests/gen_loss_mutants.py      (needs mpmath; a second)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_props  # noqa: E402,F401  (check() rounds with its to_double)
from gen_ref import EPS, check, grad, loss, mp, mpf, sql_num  # noqa: E402

mp.dps = 80

H = float.fromhex
SOFT_GRAD = [("0x1.fe4544d7fbfa4p-1", "0x1.86cce78163dfep-3", "0x1.182d695758c10p+1"),
             ("0x1.787aa594c52cep-2", "0x1.f4c1b79c29db9p-2", "0x1.0p+0"),
             ("0x1.a33c644cc6cbep-1", "0x1.e1e38e4e0b310p-6", "0x1.85b3519307485p-1"),
             ("0x1.03b5f7743463ep-1", "0x1.1c3caa8af52bfp-2", "0x1.95d0f339b757fp-1")]
TINY_Q_GRAD = [("0x0.0000000000008p-1022", "0x1.39935c44892e0p+959"),
               ("0x0.14053bcfc5bb0p-1022", "0x1.cd9cb02b380b7p+355"),
               ("0x0.0000342d0a998p-1022", "0x1.b76d455504febp+220"),
               ("0x0.0000000000006p-1022", "0x1.01769a2a3adaep+625")]
N_ABOVE_1 = [("0x1.0p+0", "0x1.2a00195df7544p-2"),
             ("0x0.0p+0", "0x1.bec4d26902699p-1"),
             ("0x0.0p+0", "0x1.7e774677fba2bp-1"),
             ("0x1.0p+0", "0x1.070e5ceb0615ep-1")]
TINY_WEIGHTED = [("0x0.018f58c7e9096p-1022", "0x0.011b26a9eb1d4p-1022", "0x1.a025a402c97eap+988"),
                 ("0x0.008649a12f804p-1022", "0x0.0046ea54fe0c9p-1022", "0x1.f827b34df8f00p+163"),
                 ("0x0.026bef27c6bd7p-1022", "0x0.01898a8af6083p-1022", "0x1.0e58ad992103ap+372"),
                 ("0x0.00bf6e5d9777fp-1022", "0x0.00e931885c8dep-1022", "0x1.2338f9f2135fdp+131"),
                 ("0x0.017df0969eacfp-1022", "0x0.01edb7cc59d6ep-1022", "0x1.dc1e0e0ea7784p+578"),
                 ("0x0.0000000054da5p-1022", "0x0.0000001beba8bp-1022", "0x1.e1a9c879d1168p+45")]
TINY_WEIGHTED_BITS = [("0x0.0000000012fc8p-1022", "0x0.000000000c0a7p-1022", "0x1.039d74ebdf9d4p+956"),
                      ("0x0.000064d648897p-1022", "0x0.00007b152ce93p-1022", "0x1.5d7f17fe8b551p+463"),
                      ("0x0.00000001bfc6fp-1022", "0x0.00000001924f1p-1022", "0x1.9f6433e39b514p+186")]
SUBNORMAL_LOSS = [("0x0.0000000000ee7p-1022", "0x0.00000000e79e5p-1022"),
                  ("0x0.0000000000614p-1022", "0x0.00000000e756ap-1022"),
                  ("0x0.0000000000f3ap-1022", "0x0.000000005e8bdp-1022"),
                  ("0x0.0000000000304p-1022", "0x0.000000005f523p-1022")]


def args(*xs):
    return ", ".join(sql_num(x) for x in xs)


N_1 = 1.0 + 2.0**-52


def soft_grad(y, q, n):
    return ("soft bce_grad(%s, %s, %s, 0)" % (y.hex(), q.hex(), n.hex()),
            "bce_grad(%s)" % args(y, q, n, 0.0), grad(y, q, n, 0.0))


def tiny_q_grad(q, n):
    return ("tiny-q bce_grad(1, %s, %s, 0)" % (q.hex(), n.hex()),
            "bce_grad(%s)" % args(1.0, q, n, 0.0), grad(1.0, q, n, 0.0))


def n_above_1(y, p):
    return ("bce_grad(%g, %s, 1 + 2^-52)" % (y, p.hex()),
            "bce_grad(%s)" % args(y, p, N_1), grad(y, p, N_1, EPS))


def tiny_weighted(y, q, w, tag=""):
    return ("tiny weighted bce_term(%s, %s, %s, 0)%s" % (y.hex(), q.hex(), w.hex(), tag),
            "bce_term(%s)" % args(y, q, w, 0.0), loss(y, q, 0.0) * mpf(w))


def subnormal_loss(y, q):
    return ("subnormal soft bce_term(%s, %s, 1, 0)" % (y.hex(), q.hex()),
            "bce_term(%s)" % args(y, q, 1.0, 0.0), loss(y, q, 0.0))


# (the comment, the rows, what a row checks, the tolerance in ulp)
FAMILIES = [
    ("bce_grad, soft label: 0.93 ulp", SOFT_GRAD, soft_grad, 0.93),
    ("bce_grad, label 1, q below 2^-1024: 1.91 ulp", TINY_Q_GRAD, tiny_q_grad, 1.91),
    ("bce_grad, hard label, n = 1 + 2^-52: 1.91 ulp", N_ABOVE_1, n_above_1, 1.91),
    ("bce_term, soft label below 2^-1018, weight > 1: 2.26 ulp", TINY_WEIGHTED,
     tiny_weighted, 2.26),
    ("bce_term, soft label below 2^-1018, weight > 1: to the bit", TINY_WEIGHTED_BITS,
     lambda y, q, w: tiny_weighted(y, q, w, ", to the bit"), 0),
    ("bce_term, soft label, a subnormal loss: to the bit", SUBNORMAL_LOSS,
     subnormal_loss, 0),
]


def main():
    out = ["-- Generated by tests/gen_loss_mutants.py (mpmath, 80 digits); "
           "do not edit.",
           "-- Rows where src/loss.c is correctly rounded and a make mutate",
           "-- survivor is not, each at docs/accuracy.md's bound or to the bit.",
           ".read tests/sql/lib/checks.sql", ""]
    for comment, rows, row_check, tol in FAMILIES:
        out.append("-- " + comment)
        for row in rows:
            name, sql, want = row_check(*(H(x) for x in row))
            out.append(check(name, sql, want, "ulp", tol))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    path = os.path.join(HERE, "sql", "mpmath_loss_mutants.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
