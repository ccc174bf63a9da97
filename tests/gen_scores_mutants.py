#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Rows that tell ext/scores.c from its make mutate survivors (issue 27):
kl_div_term's weighting of one row, kl_div's tiny products, the flag of a
kl_div state, and logsumexp's value in a window frame that starts empty.

Each row was found by building the mutant by hand next to the code and
running both on seeded calls (Debian's python3 sqlite3, the numbers bound
as parameters), mpmath judging every difference; the rows kept are ones
where the code is right and the mutant is not.  Their expected values do
not come from the extension:

  W_ROWS    kl_div_term(y, p, 1 + 2^-52): the test w == 1.0 moved to the
            next double returned KL for w KL, 1.0 to 2.1 ulp low.  Checked to
            the bit: docs/functions.md has kl_div_term "one row's w*KL
            rounded once", and these exact values are within 0.34 ulp of
            a double (far from a midpoint), so rounding once leaves one.
  POW2_ROWS kl_div_term of a class index whose -ln q lies just above a
            power of two (by a quarter to a half ulp): hi + lo made hi - lo
            (w = 1, or the product with w = 2 or 1/2) gives the double
            below the power, 0.79 to 0.93 ulp off; the checker measures
            that in ulps of the power's own binade, half an ulp, which
            'ulp' 0.5 would let pass, so these are 'is': a class index gives -ln q_c, cce's value, and a hard
            label's -ln q is correctly rounded (docs/accuracy.md), scaled
            by a power of two exactly.
  TINY_ROWS kl_div(y, p, {"eps": 0}) of a row whose KL is 2^-1073 ln 2
            (its hi is 2^-1074): the test hi == 0.0 moved to 2^-1074 left
            the row out and gave 0.  Rule 7 of docs/functions.md (sums
            exact, the quotient rounded once, a tiny product kept "not 0")
            makes the mean of one row its KL rounded once: 2^-1074.  With
            w a power of two, a scale one too high for sum(w) (k's + 128
            made + 129, or, for sum(w) below 2^-894, its 1074 made 1075)
            reads that KL as 2^-1075 and rounds it to 0 as well.
  MEAN_ROWS kl_div(y, p, w, {"eps": 0}) of a row of weight 2^95 whose KL is
            subnormal (m + f units of 2^-1074, m = 1 mod 4, f just below
            1/2) and a row of weight near 2^-977, whose product goes to the
            tiny sum: reading the sums at the scale 2^(ilogb(sum w) + 1)
            (the mutant of k's + 128 made + 129) puts sum(w) at 1/2 and the
            numerator on the subnormals halved, where both of its parts
            round down (a tie to even, and a fraction just below 1/2), and the
            quotient doubles that: 2.46 ulp off, beyond the 2.15 that
            docs/accuracy.md (tests/accuracy_bounds.tsv) gives kl_div/mean;
            the code is within 0.47.  The SQL checker counts whole ulps
            between the result and the exact value's double, which would
            call the mutant 2 off; so these rows compare the result times
            2^1074 (exact: a subnormal scaled by a power of two) with the
            exact value times 2^1074, 'abs' within 2.15.
  ZERO_ROWS kl_div of rows that all have w = 0, and a sliding frame whose
            rows all have: no row of w > 0, so NULL (rule 2).  The sums
            are then all 0; these rows are for make check's UBSan lane,
            where a mean read with no row (nRow <= 0 made < 0) overflows
            an int (ilogb(0) - 1074), which a plain build does not show
            (0/0 is NaN, and SQLite stores a NaN result as NULL).
  FLAG_ROWS kl_div_state's flags byte (docs/state-format.md: bit 0 set for
            the state of a call with w): the form with two arguments made
            weighted set it for every call.
  LSE_ROWS  logsumexp over ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING: the
            first row's frame is empty, so SQLite calls xValue before any
            step; an xValue that asked sqlite3_aggregate_context() for 1
            byte there made the steps after it write past that byte (a
            crash).  No row gives NULL, one row its z, two ln(e^a + e^b)
            within the 1 ulp docs/functions.md states.

Writes tests/sql/mpmath_scores_mutants.sql (CI only reads it).
Run:  /usr/bin/python3 tests/gen_scores_mutants.py   (needs mpmath; a second)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_props  # noqa: E402,F401  (check() rounds with its to_double)
from gen_ref import check, mp, mpf, sql_num, sql_quote  # noqa: E402

mp.prec = 400
W1 = 1 + 2.0 ** -52

# (y, p): y a class index or a JSON array of targets, p a JSON array
W_ROWS = [
    (0, '[0.15, 0.85]'),
    (0, '[0.04, 0.96]'),
    (0, '[0.9, 0.1]'),
    ('[0.3, 0.7]', '[0.6, 0.4]'),
    ('[0.1, 0.2, 0.7]', '[0.5, 0.25, 0.25]'),
]

# q_0 with -ln q_0 in 2^e (1 + (1/4 .. 1/2) 2^-52); w None: no w argument
POW2_ROWS = [
    (0.13533528323661267, None),
    (0.13533528323661267, 1.0),
    (0.0003354626279025116, None),
    (0.018315638888734175, 2.0),
    (0.13533528323661267, 0.5),
    (0.0003354626279025116, 2.0),
]

# (y, p, w or None): KL = y_0 ln(y_0/p_0), y_1 = p_1 = 1
TINY_ROWS = [
    ([2.0 ** -1073, 1.0], [2.0 ** -1074, 1.0], None),
    ([2.0 ** -1073, 1.0], [2.0 ** -1074, 1.0], 1e300),
    ([2.0 ** -1073, 1.0], [2.0 ** -1074, 1.0], 2.0 ** -900),
    ([2.0 ** -1073, 1.0], [2.0 ** -1074, 1.0], 2.0 ** -1074),
]

# (y_0 of row A, p_0 of row A, w_A, w_B); row B is y = [1, 0], p = [1/2, 1/2]
MEAN_ROWS = [
    (7.08516e-318, 5.04614e-319, 2.0 ** 95, 2.765669402422489e-295),
    (8.884175e-318, 5.46e-321, 2.0 ** 95, 2.819569207928877e-295),
]
BOUND_KL_MEAN = 2.15

LSE_Z = [1.0, 2.0, 3.0, 700.0]


def floats(text):
    return [mpf(float(s)) for s in text.strip('[]').split(',')]


def kl_exact(y, p):
    """KL(y || p) without a clip (every p here is inside the default one)."""
    pp = floats(p)
    if isinstance(y, int):
        return -mp.log(pp[y])
    return sum(a * mp.log(a / b) for a, b in zip(floats(y), pp) if a != 0)


def arr(xs):
    return '[%s]' % ', '.join(repr(x) for x in xs)


def main():
    out = ["-- Generated by tests/gen_scores_mutants.py (mpmath, 400 bits); do not edit.",
           "-- kl_div_term, kl_div, kl_div_state and logsumexp rows that make mutate",
           "-- survivors of ext/scores.c got wrong (see the generator's docstring).",
           ".read tests/sql/lib/checks.sql", ""]
    for y, p in W_ROWS:
        ys = str(y) if isinstance(y, int) else sql_quote(y)
        out.append(check("scores mutants kl_div_term(%s, %s, 1 + 2^-52)" % (y, p),
                         "kl_div_term(%s, %s, %s)" % (ys, sql_quote(p), sql_num(W1)),
                         kl_exact(y, p) * mpf(W1), "ulp", 0.5))
    for q, w in POW2_ROWS:
        p = arr([q, 1 - q])
        want = -mp.log(mpf(q)) * mpf(w if w is not None else 1)
        call = ("kl_div_term(0, %s)" % sql_quote(p) if w is None
                else "kl_div_term(0, %s, %s)" % (sql_quote(p), sql_num(w)))
        out.append(check("scores mutants %s, just above a power of two" % call,
                         call, sql_num(gen_props.to_double(want)), "is", None))
    for y, p, w in TINY_ROWS:
        kl = mpf(y[0]) * mp.log(mpf(y[0]) / mpf(p[0]))
        call = ("kl_div(%s, %s, '{\"eps\": 0}')" % (sql_quote(arr(y)), sql_quote(arr(p)))
                if w is None else
                "kl_div(%s, %s, %s, '{\"eps\": 0}')" % (sql_quote(arr(y)), sql_quote(arr(p)),
                                                       sql_num(w)))
        out.append(check("scores mutants %s, a KL of 2^-1073 ln 2" % call,
                         "(SELECT %s FROM (SELECT 1))" % call, kl, "ulp", 0.5))
    for a, b, wa, wb in MEAN_ROWS:
        ex = ((mpf(wa) * mpf(a) * mp.log(mpf(a) / mpf(b)) + mpf(wb) * mp.log(2))
              / (mpf(wa) + mpf(wb)))
        call = ("(SELECT kl_div(column1, column2, column3, '{\"eps\": 0}') FROM (VALUES "
                "(%s, %s, %s), ('[1.0, 0.0]', '[0.5, 0.5]', %s)))"
                % (sql_quote(arr([a, 1.0])), sql_quote(arr([b, 1.0])), sql_num(wa), sql_num(wb)))
        out.append(check("scores mutants kl_div mean %r = %s ulp of 2^-1074, within %s"
                         % (float(ex), mp.nstr(ex * mpf(2) ** 1074, 12), BOUND_KL_MEAN),
                         "%s * %s * %s" % (call, sql_num(2.0 ** 537), sql_num(2.0 ** 537)),
                         ex * mpf(2) ** 1074, "abs", BOUND_KL_MEAN))
    out.append(check("scores mutants kl_div of rows all of w = 0 is NULL",
                     "(SELECT kl_div(column1, column2, column3) FROM (VALUES "
                     "(0, '[0.25, 0.75]', 0.0), (1, '[0.5, 0.5]', 0.0)))", "NULL", "is", None))
    out.append(check("scores mutants kl_div over a frame of rows of w = 0 is NULL",
                     "(SELECT v FROM (SELECT column1 AS i, kl_div(column2, column3, column4) "
                     "OVER (ORDER BY column1 ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS v "
                     "FROM (VALUES (1, 0, '[0.25, 0.75]', 2.0), (2, 1, '[0.5, 0.5]', 0.0), "
                     "(3, 0, '[0.1, 0.9]', 0.0))) WHERE i = 2)", "NULL", "is", None))
    for call, flag in [("kl_div_state(0, '[0.25, 0.75]')", '00'),
                       ("kl_div_state(1, '[0.25, 0.75]', '{\"eps\": 0.1}')", '00'),
                       ("kl_div_state('[0.5, 0.5]', '[0.25, 0.75]')", '00'),
                       ("kl_div_state(0, '[0.25, 0.75]', 1.0)", '01'),
                       ("kl_div_state(0, '[0.25, 0.75]', 2.0, '{\"eps\": 0.1}')", '01')]:
        out.append(check("scores mutants flags byte of %s" % call,
                         "(SELECT substr(hex(%s), 19, 2) FROM (SELECT 1))" % call,
                         "'%s'" % flag, "is", None))
    # row i's frame: rows i-2 and i-1
    values = ", ".join("(%d, %s)" % (i + 1, sql_num(z)) for i, z in enumerate(LSE_Z))
    for i in range(1, len(LSE_Z) + 1):
        frame = LSE_Z[max(0, i - 3):i - 1]
        sel = ("(SELECT v FROM (SELECT column1 AS i, logsumexp(column2) OVER (ORDER BY "
               "column1 ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) AS v FROM (VALUES %s)) "
               "WHERE i = %d)" % (values, i))
        name = "scores mutants logsumexp over rows %d..%d of a frame that starts empty" % (
            max(1, i - 2), i - 1)
        if not frame:
            out.append(check(name, sel, "NULL", "is", None))
        elif len(frame) == 1:
            out.append(check(name, sel, sql_num(frame[0]), "is", None))
        else:
            out.append(check(name, sel, mp.log(sum(mp.exp(mpf(z)) for z in frame)),
                             "ulp", 1))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    path = os.path.join(HERE, "sql", "mpmath_scores_mutants.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
