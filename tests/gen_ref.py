#!/usr/bin/env python3
"""Reference values for sqlite-bce, computed with mpmath at 40 digits.

Independent of the code under test: every value here comes from the
mathematical definitions in the README (and issue 2), evaluated in
arbitrary precision on the exact binary inputs, then rounded once to the
nearest double.  The only double-precision step taken on purpose is the
clip bound 1 - eps, which the definition itself forms in double precision
(as scikit-learn's np.clip(p, eps, 1 - eps) does).

Writes, for CI to read (CI never runs this script):
  tests/ref/core_ref.h         cases for the C unit tests of src/
  tests/sql/mpmath_values.sql  cases for the SQL tests of the extension
  tests/sql/mpmath_means.sql   the means over 10^6 and 2*10^5 rows (a file
                               of their own: too slow for make check's
                               valgrind pass, which skips it)

Run:  python3 tests/gen_ref.py      (needs mpmath; about a minute)
"""
import os
import sys

from mpmath import mp, mpf

mp.dps = 40
HERE = os.path.dirname(os.path.abspath(__file__))
EPS = 1e-15


# ---------------------------------------------------------------- definitions
def clip(p, eps):
    hi = 1.0 - eps                  # formed in double, as the definition says
    return eps if p < eps else (hi if p > hi else p)


def loss(y, p, eps=EPS):
    """l(y, p) = -[y ln q + (1-y) ln(1-q)], q = clip(p); exact in mpmath."""
    q = mpf(clip(p, eps))
    y = mpf(y)
    total = mpf(0)
    if y != 0:
        if q == 0:
            return mp.inf
        total += y * mp.log(q)
    if y != 1:
        if q == 1:
            return mp.inf
        total += (1 - y) * mp.log1p(-q)   # 1-q would round at 40 digits
    return -total


def grad(y, p, n=1.0, eps=EPS):
    q = mpf(clip(p, eps))
    y = mpf(y)
    return -(y / q - (1 - y) / (1 - q)) / mpf(n)


def sigmoid(x):
    return 1 / (1 + mp.exp(-mpf(x)))


def logit(p):
    p = mpf(p)
    return mp.log(p) - mp.log1p(-p)


def mean(terms, weights=None):
    if weights is None:
        return mp.fsum(terms) / len(terms)
    return (mp.fsum(mpf(w) * t for w, t in zip(weights, terms))
            / mp.fsum(mpf(w) for w in weights))


def to_double(x):
    if x == mp.inf:
        return float("inf")
    return float(x)                 # mpmath rounds to nearest


# ------------------------------------------------------------------- emitters
def sql_num(x):
    """An exact SQL spelling of the double x (no decimal parsing involved)."""
    x = float(x)
    if x == float("inf"):
        return "1e999"
    if x == float("-inf"):
        return "-1e999"
    if x == int(x) and abs(x) < 2**53:
        return "%d.0" % int(x)
    n, d = x.as_integer_ratio()
    e = -(d.bit_length() - 1)
    while n % 2 == 0:               # ieee754() wants M below 2^53
        n //= 2
        e += 1
    return "ieee754(%d,%d)" % (n, e)


def c_num(x):
    x = float(x)
    if x == float("inf"):
        return "INFINITY"
    return x.hex()


def label(x):
    return repr(float(x))


# ---------------------------------------------------------------------- cases
P_EXTREME = [1e-300, 2.0**-1074, 1e-16, 1e-15, 1e-15 * (1 + 2**-52),
             0.5, 1 - 2.0**-40, 1 - 1e-15, 1 - 2.0**-53, 1.0, 0.0]

LOSS_CASES = []       # (y, p, eps)
for y, p in [(1, 0.4), (0, 0.5), (1, 0.8), (1, 0.2), (0, 0.1), (1, 0.9),
             (0, 0.2), (1, 0.65), (0, 0.999999), (1, 1e-7)]:
    LOSS_CASES.append((float(y), p, EPS))
for p in P_EXTREME:
    for y in (0.0, 1.0, 0.3):
        LOSS_CASES.append((y, p, EPS))
for y, p in [(0.3, 0.7), (0.25, 0.1), (0.9, 0.999), (0.5, 0.5), (1e-10, 0.5),
             (0.999999, 1e-12), (0.7, 0.3), (0.1, 0.9)]:
    LOSS_CASES.append((y, p, EPS))
for y, p, eps in [(0.0, 1e-300, 0.0), (1.0, 1e-300, 0.0), (0.0, 0.0, 0.0),
                  (1.0, 1.0, 0.0), (1.0, 2.0**-1074, 0.0),
                  (0.0, 1 - 2.0**-53, 0.0), (0.3, 0.25, 0.0),
                  (1.0, 0.01, 0.1), (0.0, 0.95, 0.1), (0.5, 0.0, 0.25),
                  (1.0, 1e-8, 1e-7), (0.0, 1e-8, 1e-7)]:
    LOSS_CASES.append((y, p, eps))
INF_LOSS_CASES = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.3, 0.0, 0.0),
                  (0.3, 1.0, 0.0)]

GRAD_CASES = []       # (y, p, n)
for y, p in [(1, 0.4), (0, 0.5), (1, 0.8), (1, 0.2)]:
    GRAD_CASES.append((float(y), p, 4.0))
for p in P_EXTREME:
    for y in (0.0, 1.0, 0.3):
        GRAD_CASES.append((y, p, 1.0))
for y, p, n in [(0.3, 0.7, 1.0), (0.25, 0.1, 3.0), (0.5, 0.5, 1.0),
                (0.9, 0.3, 1e6), (1.0, 0.5, 0.5), (0.0, 0.25, 7.0)]:
    GRAD_CASES.append((y, p, n))

SIGMOID_CASES = [0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 20.0, -20.0, 36.7,
                 -36.7, 40.0, -40.0, 100.0, -100.0, 709.0, -709.0, 710.0,
                 -710.0, -744.0, -745.0, -746.0, 1000.0, -1000.0, 1e-300,
                 -1e-300, 1e300, -1e300, 3e-8, -3e-8]

LOGIT_CASES = [1e-300, 2.0**-1074, 1e-15, 0.1, 0.2, 0.2499999999999,
               0.25, 0.3, 0.4, 0.5, 0.5 + 2.0**-30, 0.5 - 2.0**-30, 0.6,
               0.75, 0.9, 0.99, 1 - 2.0**-40, 1 - 1e-15, 1 - 2.0**-53]

# The published examples, as (name, y, p).
EXAMPLES = [
    ("worked example (issue 2)", [1, 0, 1, 1], [0.4, 0.5, 0.8, 0.2]),
    ("Keras docs", [0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]),
    ("scikit-learn docs", [1, 0, 0, 1], [0.9, 0.1, 0.2, 0.65]),
]

# Sliding-window rows (i, y, p, w), eps = 0: a certain-and-wrong row, a huge
# term next to tiny ones, a zero weight on an infinite term.
WINDOW_ROWS = [(1, 1.0, 0.4, 1.0), (2, 0.0, 0.5, 2.0), (3, 1.0, 0.0, 1.0),
               (4, 0.0, 1e-300, 0.5), (5, 0.0, 1 - 2.0**-53, 1.0),
               (6, 0.0, 1e-300, 3.0), (7, 0.0, 1e-300, 1.0),
               (8, 1.0, 0.0, 0.0), (9, 0.3, 0.7, 1.5), (10, 1.0, 1.0, 1.0),
               (11, 0.0, 0.0, 1.0), (12, 0.0, 0.0, 2.0)]

WEIGHTED = ([1, 0, 0.5, 1, 0, 0.25], [0.9, 0.2, 0.5, 0.3, 0.05, 0.6],
            [1, 2, 0.5, 3, 0, 1.5])


# Large tables, made by the same arithmetic in SQL and here (each step is one
# IEEE operation, identical in both).
def big_p(k):
    p = (((k * 7919) % 1000003) + 0.5) / 1000003.0 / (1 << (k % 40))
    return 1.0 - p if k % 3 == 0 else p


def big_y_hard(k):
    return 1.0 if k % 7 < 3 else 0.0


def big_y_soft(k):
    return (k % 5) / 4.0


def big_w(k):
    return ((k * 13) % 17) / 8.0


BIG_SQL_P = ("CASE WHEN k % 3 = 0 THEN 1.0 - ((((k*7919) % 1000003) + 0.5)"
             " / 1000003.0 / (1 << (k % 40))) ELSE ((((k*7919) % 1000003)"
             " + 0.5) / 1000003.0 / (1 << (k % 40))) END")
BIG_SQL_Y_HARD = "CASE WHEN k % 7 < 3 THEN 1.0 ELSE 0.0 END"
BIG_SQL_Y_SOFT = "(k % 5) / 4.0"
BIG_SQL_W = "((k*13) % 17) / 8.0"

BIG = [  # name, rows, y(k), SQL y, weighted
    ("1e6 rows, hard labels", 1000000, big_y_hard, BIG_SQL_Y_HARD, False),
    ("2e5 rows, soft labels", 200000, big_y_soft, BIG_SQL_Y_SOFT, False),
    ("2e5 rows, hard labels, weights", 200000, big_y_hard, BIG_SQL_Y_HARD,
     True),
]


# ------------------------------------------------------------------- writers
def write_c(path):
    out = ["/* Generated by tests/gen_ref.py (mpmath, 40 digits); do not "
           "edit. */",
           "#ifndef BCE_CORE_REF_H", "#define BCE_CORE_REF_H",
           "#include <math.h>", ""]
    out.append("static const struct { double y, p, eps, want; } "
               "ref_loss[] = {")
    for y, p, eps in LOSS_CASES + INF_LOSS_CASES:
        out.append("  {%s, %s, %s, %s}," % (c_num(y), c_num(p), c_num(eps),
                                             c_num(to_double(loss(y, p, eps)))))
    out.append("};\n")
    out.append("static const struct { double y, p, n, want; } "
               "ref_grad[] = {")
    for y, p, n in GRAD_CASES:
        out.append("  {%s, %s, %s, %s}," % (c_num(y), c_num(p), c_num(n),
                                             c_num(to_double(grad(y, p, n)))))
    out.append("};\n")
    out.append("static const struct { double x, want; } ref_sigmoid[] = {")
    for x in SIGMOID_CASES:
        out.append("  {%s, %s}," % (c_num(x), c_num(to_double(sigmoid(x)))))
    out.append("};\n")
    out.append("static const struct { double p, want; } ref_logit[] = {")
    for p in LOGIT_CASES:
        out.append("  {%s, %s}," % (c_num(p), c_num(to_double(logit(p)))))
    out.append("};\n")
    out.append("#endif")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def check(name, got_sql, want, kind="ulp", tol=1):
    want_sql = sql_num(to_double(want)) if not isinstance(want, str) else want
    tol_sql = "NULL" if tol is None else repr(tol)
    return ("INSERT INTO checks VALUES(%s, %s, %s, '%s', %s);"
            % (sql_quote(name), got_sql, want_sql, kind, tol_sql))


def sql_quote(s):
    return "'" + s.replace("'", "''") + "'"


def values_table(rows):
    return "(VALUES %s)" % ", ".join(
        "(" + ", ".join(sql_num(v) for v in r) + ")" for r in rows)


def write_sql(path):
    out = ["-- Generated by tests/gen_ref.py (mpmath, 40 digits); do not edit.",
           "-- Every expected value is the double nearest the exact one;",
           "-- inputs and values are spelled ieee754(M,E) so that no decimal",
           "-- parsing stands between the reference and the test.",
           ".read tests/sql/lib/checks.sql", ""]
    # Per-row terms: 1 ulp for a hard label (one correctly-rounded-ish log),
    # 2 ulp for a soft label (two logs, a product and a sum, no cancellation).
    for y, p, eps in LOSS_CASES:
        tol = 1 if y in (0.0, 1.0) else 2
        args = "%s, %s" % (sql_num(y), sql_num(p))
        name = "bce_term(%s, %s)" % (label(y), label(p))
        if eps != EPS:
            args += ", " + sql_num(eps)
            name = "bce_term(%s, %s, %s)" % (label(y), label(p), label(eps))
        out.append(check(name, "bce_term(%s)" % args, loss(y, p, eps),
                         "ulp", tol))
    for y, p, eps in INF_LOSS_CASES:
        out.append(check("bce_term(%s, %s, 0) is +Inf" % (label(y), label(p)),
                         "bce_term(%s, %s, 0.0)" % (sql_num(y), sql_num(p)),
                         "1e999", "is", None))
    out.append("")
    for y, p, n in GRAD_CASES:
        tol = 2 if (y in (0.0, 1.0) or n != 1.0) else 3
        out.append(check("bce_grad(%s, %s, %s)" % (label(y), label(p),
                                                   label(n)),
                         "bce_grad(%s, %s, %s)" % (sql_num(y), sql_num(p),
                                                   sql_num(n)),
                         grad(y, p, n), "ulp", tol))
    out.append("")
    for x in SIGMOID_CASES:
        out.append(check("sigmoid(%s)" % label(x), "sigmoid(%s)" % sql_num(x),
                         sigmoid(x), "ulp", 2))
    out.append("")
    for p in LOGIT_CASES:
        out.append(check("logit(%s)" % label(p), "logit(%s)" % sql_num(p),
                         logit(p), "ulp", 2))
    out.append("")
    # Aggregates over small tables: the mean rounds once more (1 ulp more).
    for name, ys, ps in EXAMPLES:
        rows = list(zip(ys, ps))
        want = mean([loss(y, p) for y, p in rows])
        out.append(check("bce() %s, exact mean" % name,
                         "(SELECT bce(column1, column2) FROM %s)"
                         % values_table(rows), want, "ulp", 2))
    ys, ps, ws = WEIGHTED
    rows = list(zip(ys, ps, ws))
    want = mean([loss(y, p) for y, p in zip(ys, ps)], ws)
    out.append(check("bce(y, p, w) soft labels and a zero weight",
                     "(SELECT bce(column1, column2, column3) FROM %s)"
                     % values_table(rows), want, "ulp", 3))
    for eps in (0.0, 0.05, 1e-7):
        want = mean([loss(y, p, eps) for y, p in zip(ys, ps)], ws)
        out.append(check("bce(y, p, w, %s)" % label(eps),
                         "(SELECT bce(column1, column2, column3, %s) FROM %s)"
                         % (sql_num(eps), values_table(rows)), want, "ulp", 3))
    out.append("")
    # Rule 6: a sliding frame, checked against each frame's exact mean, also
    # after it has slid past an infinite term (eps = 0) and a huge one.
    rows = WINDOW_ROWS
    table = values_table(rows)
    for weighted in (False, True):
        for i in range(len(rows)):
            frame = rows[max(0, i - 2):i + 1]
            terms = [loss(y, p, 0.0) for _, y, p, w in frame]
            ws = [w for _, y, p, w in frame]
            if weighted:
                ws_pos = [(w, t) for w, t in zip(ws, terms) if w > 0]
                want = (mp.inf if any(t == mp.inf for w, t in ws_pos)
                        else mean([t for w, t in ws_pos], [w for w, t in ws_pos]))
            else:
                want = mp.inf if mp.inf in terms else mean(terms)
            call = ("bce(column2, column3, column4, 0.0)" if weighted
                    else "bce(column2, column3, 1, 0.0)")
            got = ("(SELECT v FROM (SELECT column1 AS i, %s OVER (ORDER BY "
                   "column1 ROWS 2 PRECEDING) AS v FROM %s) WHERE i = %d)"
                   % (call, table, i + 1))
            name = "window %s, frame ending at row %d" % (
                "bce(y, p, w, 0)" if weighted else "bce(y, p, 1, 0)", i + 1)
            if want == mp.inf:
                out.append(check(name + " is +Inf", got, "1e999", "is", None))
            else:
                out.append(check(name, got, want, "ulp", 3))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write_sql_means(path):
    out = ["-- Generated by tests/gen_ref.py (mpmath, 40 digits); do not edit.",
           "-- The mean over many rows is within 2 ulp of the exact mean.",
           ".read tests/sql/lib/checks.sql", ""]
    # Rule 7: the mean over many rows is within 2 ulp of the exact mean.
    for name, n, yf, ysql, weighted in BIG:
        sys.stderr.write("  %s...\n" % name)
        ks = range(1, n + 1)
        terms = [loss(yf(k), big_p(k)) for k in ks]
        want = mean(terms, [big_w(k) for k in ks] if weighted else None)
        call = ("bce(%s, %s, %s)" % (ysql, BIG_SQL_P, BIG_SQL_W) if weighted
                else "bce(%s, %s)" % (ysql, BIG_SQL_P))
        got = ("(WITH RECURSIVE r(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM r "
               "WHERE k < %d) SELECT %s FROM r)" % (n, call))
        out.append("-- exact mean: %s" % mp.nstr(want, 35))
        out.append(check("bce() %s within 2 ulp of the exact mean" % name,
                         got, want, "ulp", 2))
    out.append("")
    out.append(".read tests/sql/lib/report.sql")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    write_c(os.path.join(HERE, "ref", "core_ref.h"))
    write_sql(os.path.join(HERE, "sql", "mpmath_values.sql"))
    write_sql_means(os.path.join(HERE, "sql", "mpmath_means.sql"))


if __name__ == "__main__":
    main()
