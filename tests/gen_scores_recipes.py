#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The score recipes of docs/functions.md ("Recipes": perplexity and
long-format losses) against mpmath (tests/sql/mpmath_scores_recipes.sql).

Each recipe runs as written in the docs over small tables, and its value
is held to the exact one (mpmath, 60 digits, from the doubles the SQL
passes) within what the docs say the recipe guarantees:

- perplexity from logits, exp(cce_logits(y, z)): cce_logits within 4 ulp
  of L (the accuracy standard), so exp(L) within 4 L 2^-52 relative, and
  SQLite's exp() (the C library's) within 1 ulp: 'rel' (4 L + 2) 2^-52;
- perplexity from token probabilities, exp(bce(1, p)): the same, bce's
  mean within 4 ulp;
- perplexity from token log-probabilities, exp(-avg(logprob)): avg() is a
  running double sum (not exact): n terms of one sign lose at most (n - 1)
  2^-53 of the sum, so 'rel' ((n - 1) L 2^-53 + 4 2^-52) for n tokens;
- long-format probabilities, bce(1, p) FILTER (WHERE k = label): the
  multi-class log loss with scikit-learn's clip, within bce's 4 ulp; and
  the same bits as cce(label, json_group_array(p)) over the same rows;
- long-format logits: tests/gen_scores_ref.py's recipe_cases() (per
  example, and the mean, which is avg(): 'rel' 1e-14 there).

Nothing here reads the extension's output.

    /usr/bin/python3 tests/gen_scores_recipes.py > tests/sql/mpmath_scores_recipes.sql
"""
import math
import random

import mpmath
from mpmath import mp, mpf

from gen_scores_ref import EPS, nearest, sql_num

mp.dps = 60
ULP = 2.0 ** -52
OUT = []
SETUP = []


def q(s):
    return "'" + s.replace("'", "''") + "'"


def check(name, got, want, kind, tol):
    OUT.append("INSERT INTO checks VALUES(%s, %s, %s, %s, %s);" % (
        q(name), got, want, q(kind), "NULL" if tol is None else repr(tol)))


def clip(p):
    e = mpf(EPS)
    return min(max(mpf(p), e), 1 - e)


def js(xs):
    return "[" + ",".join(repr(float(x)) for x in xs) + "]"


def perplexity_logits(r):
    """exp(cce_logits(y, z)) over tables of (y, z) rows."""
    for t in range(4):
        k = r.choice([3, 5, 10, 50])
        n = r.choice([1, 4, 20])
        rows = []
        for _ in range(n):
            zs = [r.gauss(0, r.choice([1, 3])) for _ in range(k)]
            rows.append((r.randrange(k), zs))
        ls = [mp.log(mp.fsum(mp.exp(mpf(z)) for z in zs)) - mpf(zs[y])
              for y, zs in rows]
        L = mp.fsum(ls) / n
        want = nearest(mp.exp(L))
        vals = ",".join("(%d,'%s')" % (y, js(zs)) for y, zs in rows)
        check("perplexity exp(cce_logits(y, z)), %d rows of K=%d" % (n, k),
              "(SELECT exp(cce_logits(column1, column2)) FROM (VALUES %s))"
              % vals, sql_num(want), "rel", (4 * float(L) + 2) * ULP)


def tokens(r, n):
    """n token probabilities of a language model: mostly confident, some
    not, one in a while below 1e-6."""
    out = []
    for _ in range(n):
        u = r.random()
        if u < 0.5:
            out.append(1 - r.random() * 0.2)
        elif u < 0.95:
            out.append(r.random())
        else:
            out.append(10 ** -r.uniform(6, 12))
    return out


def perplexity_tokens(r):
    """exp(-avg(logprob)) and exp(bce(1, p)) per sequence and overall."""
    seqs = [(s, tokens(r, r.choice([1, 5, 40, 300]))) for s in range(5)]
    lp = [(s, math.log(p)) for s, ps in seqs for p in ps]
    SETUP.append("CREATE TEMP TABLE tokens(seq INTEGER, p REAL, logprob REAL);")
    SETUP.append("INSERT INTO tokens VALUES %s;" % ",".join(
        "(%d,%s,%s)" % (s, sql_num(p), sql_num(math.log(p)))
        for s, ps in seqs for p in ps))
    table = "tokens"
    for s, ps in seqs:
        mine = [v for t, v in lp if t == s]
        n = len(mine)
        L = -mp.fsum(mpf(v) for v in mine) / n
        check("perplexity exp(-avg(logprob)), sequence %d (%d tokens)" % (s, n),
              "(SELECT exp(-avg(logprob)) FROM %s WHERE seq = %d)" % (table, s),
              sql_num(nearest(mp.exp(L))), "rel",
              (n - 1) * float(L) * ULP / 2 + 4 * ULP)
    n = len(lp)
    L = -mp.fsum(mpf(v) for _, v in lp) / n
    check("perplexity exp(-avg(logprob)) over every token (%d)" % n,
          "(SELECT exp(-avg(logprob)) FROM %s)" % table,
          sql_num(nearest(mp.exp(L))), "rel", (n - 1) * float(L) * ULP / 2 + 4 * ULP)
    # the probabilities themselves: bce(1, p), exact sums
    ptable = "tokens"
    for s, ps in seqs:
        L = mp.fsum(-mp.log(clip(p)) for p in ps) / len(ps)
        check("perplexity exp(bce(1, p)), sequence %d (%d tokens)" % (s, len(ps)),
              "(SELECT exp(bce(1, p)) FROM %s WHERE seq = %d)" % (ptable, s),
              sql_num(nearest(mp.exp(L))), "rel", (4 * float(L) + 2) * ULP)


def long_probs(r):
    """bce(1, p) FILTER (WHERE k = label) over one row per (example,
    class): scikit-learn's log_loss of the wide rows."""
    for t in range(4):
        k = r.choice([2, 3, 7, 20])
        n = r.choice([1, 5, 30])
        ex = []
        for e in range(n):
            w = [r.random() ** r.choice([1, 3]) for _ in range(k)]
            s = math.fsum(w)
            p = [v / s for v in w]
            lab = r.randrange(k)
            if t == 3 and e < 3:
                # the clip at work: the true class predicted 0, 1e-20, 1
                p = [0.0] * k
                p[(lab + 1) % k] = 1.0
                if e == 1:
                    p[lab], p[(lab + 1) % k] = 1e-20, 1 - 1e-20
                if e == 2:
                    p[lab], p[(lab + 1) % k] = 1.0, 0.0
            ex.append((e, lab, p))
        table = "long_probs_%d" % t
        SETUP.append("CREATE TEMP TABLE %s(ex INTEGER, k INTEGER, "
                     "label INTEGER, p REAL);" % table)
        SETUP.append("INSERT INTO %s VALUES %s;" % (table, ",".join(
            "(%d,%d,%d,%s)" % (e, c, lab, sql_num(v))
            for e, lab, p in ex for c, v in enumerate(p))))
        # the same rows wide, each array written exactly (repr), for cce
        SETUP.append("CREATE TEMP TABLE %s_wide(label INTEGER, p TEXT);" % table)
        SETUP.append("INSERT INTO %s_wide VALUES %s;" % (table, ",".join(
            "(%d,'%s')" % (lab, js(p)) for e, lab, p in ex)))
        L = mp.fsum(-mp.log(clip(p[lab])) for e, lab, p in ex) / n
        tag = "%d examples of K=%d%s" % (n, k, ", p = 0, 1e-20, 1 clipped"
                                           if t == 3 else "")
        check("long-format bce(1, p) FILTER (WHERE k = label), " + tag,
              "(SELECT bce(1, p) FILTER (WHERE k = label) FROM %s)" % table,
              sql_num(nearest(L)), "ulp", 4)
        # cce over the same rows as arrays: the same terms, the same sums
        # (arrays written exactly: SQLite 3.40's json_group_array() writes
        # 15 digits, which is not the same p)
        check("long-format bce(1, p) FILTER = cce(label, p) of the wide rows, "
              + tag,
              "(SELECT bce(1, p) FILTER (WHERE k = label) FROM %s)" % table,
              "(SELECT cce(label, p) FROM %s_wide)" % table, "is", None)


def main():
    r = random.Random(2023)
    perplexity_logits(r)
    perplexity_tokens(r)
    long_probs(r)
    print("-- Generated by tests/gen_scores_recipes.py (mpmath, 60 digits); "
          "do not edit.")
    print("-- The score recipes of docs/functions.md (perplexity, long-format "
          "probabilities)")
    print("-- against the exact values; clip: BCE_DEFAULT_EPS = %r." % EPS)
    print(".read tests/sql/lib/checks.sql")
    print()
    for line in SETUP + OUT:
        print(line)
    print()
    print(".read tests/sql/lib/report.sql")


if __name__ == "__main__":
    main()
