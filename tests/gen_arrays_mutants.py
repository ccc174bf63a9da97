#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference values for rows that tell src/arrays.c's bce_array_row_wloss()
(bce_term and bce_logits_term of a JSON-array row, w*l) from its make
mutate survivors (issue 27), computed with mpmath at 60 digits from
gen_ref.py's definitions (w times the mean of the element losses) and
rounded once to the nearest double, onto the subnormals too
(gen_props.to_double).  The extension's output is never read here.

W_TINY: w = 2^-1074, the smallest weight above 0.  Below 1 the product is
w*l as it is, one rounding onto the subnormal grid; the mutant whose test
for w = 0 had moved to the next double up returned 0 for it.  The losses
(1.956 and 2.127) are far from a half-integer, so l's own rounding cannot
carry the product across a midpoint: checked to the bit.

W_ONE: w = 1, given or by default, and a row loss l in [2^-1023, 2^-1022).
w*l is l, the exact sum of the element losses divided by K and rounded
once (docs/accuracy.md, JSON arrays).  The scaled path of w > 1 rounds the
quotient to 53 bits at 2^600 before ldexp() brings it down, and at that
magnitude 53 bits are half-ulps of the subnormal grid: a mean of k + 1/3
ulp becomes k + 1/2, then the even neighbour.  The mutant w >= 1 sent
w = 1 there.  Rows with y = 0, eps = 0 and p = (k, k, k+1) 2^-1074 (the
element loss -log1p(-p) is p plus p^2/2, below 2^-970 of an ulp, so the
rounded element losses are the p's and the exact mean is (3k+1)/3 ulp plus
that): k odd, where the mutant's tie goes up; and (k, k+1, k+1), k even,
where it goes down.  LOGITS_ONE: bce_logits_term rows with w by default,
found by comparing the built mutant with mpmath over random rows of z in
(-709.08, -708.41) (element losses in [2^-1023, 2^-1022)); kept where the
code is correctly rounded and the mutant is not.  Checked to the bit.

AT_2M1018: y = 0, eps = 0 and p near 2^-1018 whose row loss l is exactly
2^-1018 as the code rounds it (the exact mean is within an ulp of it), the
bound of the scaled path (l < 2^-1018 with w > 1), and w > 1.  The code
takes w*l there; the mutants l <= 2^-1018 and l < 2^-1018 + ulp (the same
test) took the scaled path, whose roundings (each w*l_i, then the
quotient) differ.  Found as LOGITS_ONE was (random
rows and weights, the mutant built by hand); kept where the code is
correctly rounded and the mutant an ulp off.  Checked to the bit.

ONE_ELEMENT: one-element rows with w > 1 and a loss below 2^-1018, where
the scaled path rounded w*l to 53 bits at 2^600 and again in ldexp(): a
tie the first rounding made went to even, and the row was not the
scalar's bits (docs/accuracy.md says it is).  A review of the survivor
w > 1 + 2^-52 found it: 138 of 3000 random p and 68 of 3000 random z
differed.  Probabilities: against mpmath to the bit (the scalar's tiny
path is rounded once).  Both kinds, and seeded random rows: the array's
result IS the scalar's, the documented property itself (the weighted
logits scalar is within its 2.30 ulp, not always correctly rounded, so
mpmath cannot stand for it there).

MULTI: rows of several elements on that path, which the one-element rows
no longer reach: the scaled quotient, within the 3 ulp of docs/accuracy.md.

Writes tests/sql/mpmath_arrays_mutants.sql (CI only reads it).
Run:  python3 tests/gen_arrays_mutants.py      (needs mpmath; a second)
"""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_props  # noqa: E402,F401  (check() rounds with its to_double)
from gen_ref import check, logits_loss, loss, mp, mpf, sql_num  # noqa: E402

mp.dps = 60
TINY = 2.0 ** -1074

# (y texts, p or z texts, logits?)
W_TINY = [
    (["1", "1"], ["0.1", "0.2"], False),
    (["1"], ["-2"], True),
]

# k, the first element in units of 2^-1074, and the three elements' offsets
W_ONE = [
    (2 ** 51 + 1, (0, 0, 1)),
    (0xb504f333f9de7, (0, 0, 1)),
    (2 ** 52 - 1, (0, 0, 1)),
    (0xc90fdaa22168c, (0, 1, 1)),
]

LOGITS_ONE = [
    ["-708.8304936463737", "-708.7130112079745", "-709.0379313867679"],
    ["-708.4146257205573", "-708.5293103929715", "-708.889320993497",
     "-708.8215197335608", "-708.6320026803576", "-709.0648828382028",
     "-708.7706641581792"],
    ["-709.0063480356497", "-708.677512735462", "-709.0114056695242"],
]


# (p texts, w in hex)
AT_2M1018 = [
    (["3.5601181736115175e-307", "3.5601181736115222e-307",
      "3.5601181736115147e-307", "3.560118173611537e-307",
      "3.56011817361152e-307"], "0x1.5c374745800c9p+0"),
    (["3.560118173611517e-307", "3.560118173611527e-307"],
     "0x1.0e6e7db7d9e41p+16"),
    (["3.560118173611515e-307", "3.5601181736115246e-307",
      "3.560118173611534e-307", "3.560118173611525e-307",
      "3.5601181736115108e-307"], "0x1.7b6a73880992fp+18"),
]


# (p or z text, w in hex, logits?): the review's rows
ONE_ELEMENT = [
    ("1.2529552554598824e-308", "0x1.0000000000001p+0", False),
    ("1.7271082162864857e-308", (1.203036597985303).hex(), False),
    ("-710.9511933384814", (7.01786023431306).hex(), True),
    ("-709.566045529622", (3.908442006541037).hex(), True),
    # w = 1 + 2^-52, the smallest w > 1: w*l (l rounded first) is not the
    # scalar's w l rounded once here (the survivor w > 1 + 2^-52 took w*l)
    ("-705.7208070877434", "0x1.0000000000001p+0", True),
    ("-708.4849979581026", "0x1.0000000000001p+0", True),
    ("-708.9604346366818", "0x1.0000000000001p+0", True),
]
ONE_ELEMENT_RANDOM = 150       # of each kind
# rows of several elements on the same path (w > 1, a row loss below
# 2^-1018): the scaled quotient, within the 3 ulp docs/accuracy.md gives
# a JSON-array row
MULTI = [
    (["0", "0"], ["1e-310", "2.5e-310"], 3.5),
    (["0", "0", "0"], ["4.9e-324", "1.1e-309", "7e-311"], 1.75),
    (["0", "0", "0", "0"], ["2e-311", "2e-311", "3e-311", "1e-315"], 6.0),
]
MISSING_TOO = ("1.2529552554598824e-308", "1.7271082162864857e-308")
SEED = 20261207


def text(xs):
    return "[" + ", ".join(xs) + "]"


def row_mean(ys, ps, logits, eps):
    terms = [logits_loss(float(y), float(p)) if logits
             else loss(float(y), float(p), eps)
             for y, p in zip(ys, ps)]
    return mp.fsum(terms) / len(terms)


def main():
    out = ["-- Generated by tests/gen_arrays_mutants.py (mpmath, 60 digits); "
           "do not edit.",
           "-- bce_term and bce_logits_term of JSON-array rows at w = 2^-1074, at w = 1 with a",
           "-- subnormal row loss, and with a row loss of exactly 2^-1018: rows that make mutate",
           "-- survivors of src/arrays.c got wrong; to the bit.",
           ".read tests/sql/lib/checks.sql", ""]
    for ys, ps, logits in W_TINY:
        f = "bce_logits_term" if logits else "bce_term"
        call = "%s('%s', '%s', %s)" % (f, text(ys), text(ps), sql_num(TINY))
        out.append(check("arrays mutants %s" % call, call,
                         mpf(TINY) * row_mean(ys, ps, logits, 0.0), "ulp", 0.5))
    for k, offsets in W_ONE:
        ps = [repr((k + d) * TINY) for d in offsets]
        ys = ["0"] * len(ps)
        want = row_mean(ys, ps, False, 0.0)
        for tail in (", 1.0, 0.0", ", '{\"eps\": 0}'"):
            call = "bce_term('%s', '%s'%s)" % (text(ys), text(ps), tail)
            out.append(check("arrays mutants %s" % call, call, want, "ulp", 0.5))
    for zs in LOGITS_ONE:
        ys = ["0"] * len(zs)
        call = "bce_logits_term('%s', '%s')" % (text(ys), text(zs))
        out.append(check("arrays mutants %s" % call, call,
                         row_mean(ys, zs, True, None), "ulp", 0.5))
    for ps, w in AT_2M1018:
        ys = ["0"] * len(ps)
        w = float.fromhex(w)
        call = "bce_term('%s', '%s', %s, 0.0)" % (text(ys), text(ps), sql_num(w))
        out.append(check("arrays mutants %s" % call, call,
                         mpf(w) * row_mean(ys, ps, False, 0.0), "ulp", 0.5))
    r = random.Random(SEED)
    rows = list(ONE_ELEMENT)
    for _ in range(ONE_ELEMENT_RANDOM):
        rows.append((repr(r.randrange(2 ** 40, 2 ** 52) * TINY),
                     r.uniform(1, 8).hex(), False))
        rows.append((repr(r.uniform(-745, -709)), r.uniform(1, 8).hex(), True))
    for x, w, logits in rows:
        w = float.fromhex(w)
        if logits:
            array = "bce_logits_term('[0]', '[%s]', %s)" % (x, sql_num(w))
            scalar = "bce_logits_term(0.0, %s, %s)" % (sql_num(float(x)), sql_num(w))
        else:
            array = "bce_term('[0]', '[%s]', %s, 0.0)" % (x, sql_num(w))
            scalar = "bce_term(0.0, %s, %s, 0.0)" % (sql_num(float(x)), sql_num(w))
        out.append(check("arrays one element is the scalar: %s" % array,
                         array, scalar, "is"))
        if not logits and x in MISSING_TOO:
            # the one labelled element after a missing label (null y)
            array = "bce_term('[null, 0]', '[0.5, %s]', %s, 0.0)" % (x, sql_num(w))
            out.append(check("arrays one element is the scalar: %s" % array,
                             array, scalar, "is"))
        if not logits and (x, w) in [(a, float.fromhex(b)) for a, b, _ in ONE_ELEMENT]:
            out.append(check("arrays mutants %s" % array, array,
                             mpf(w) * loss(0.0, float(x), 0.0), "ulp", 0.5))
    for ys, ps, w in MULTI:
        call = "bce_term('%s', '%s', %s, 0.0)" % (text(ys), text(ps), sql_num(w))
        out.append(check("arrays several elements, w > 1: %s" % call, call,
                         mpf(w) * row_mean(ys, ps, False, 0.0), "ulp", 3))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    path = os.path.join(HERE, "sql", "mpmath_arrays_mutants.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
