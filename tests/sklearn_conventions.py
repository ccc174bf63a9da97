# SPDX-License-Identifier: MIT
"""The numbers of docs/conventions.md, against the scikit-learn that is
installed (issue 21, "Default clip"): which clip convention gives which
number, and that the extension gives it with the option the table names.

Usage: /usr/bin/python3 tests/sklearn_conventions.py ./bce   (make test runs it)

Needs Debian's scikit-learn (apt-get install python3-sklearn: 1.2.1 on
Debian 12, which still takes eps=1e-15); without it every check is
skipped, and CI relies on tests/sql/mpmath_conventions.sql, which holds the
same figures against mpmath.  Prints ok/FAIL/skip lines.

  - a confident miss with eps=1e-15: log_loss of a 1-D p (clip p, then
    1 - q) is 34.53957599234088, of predict_proba's two columns (clip the
    true class's probability) 34.538776394910684; eps="auto" (2^-52, the
    only clip of scikit-learn >= 1.5) 36.04365338911715 both ways;
  - the numpy one-liner -mean(y log q + (1-y) log(1-q)), q = np.clip(p,
    1e-15, 1 - 1e-15), is the 1-D convention;
  - a decision tree on the breast-cancer data (train_test_split(
    test_size=0.5, random_state=25), DecisionTreeClassifier(random_state=2),
    285 test rows, every p 0 or 1): its (y, p) counts are those of
    tests/gen_conventions.py, scikit-learn gives the issue's figures, and
    the extension gives each within 2 ulp with bce(y, p, 1, 1e-15), cce(y,
    json_array(1 - p, p), 1, 1e-15) and bce(y, p).
"""
import os
import sqlite3
import sys
import warnings
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
NAME = "sklearn_conventions: "


def out(status, name, why=""):
    print("%s|%s%s%s" % (status, NAME, name, "|" + why if why else ""))


def ulps(a, b):
    import math
    if a == b:
        return 0.0
    return abs(a - b) / math.ulp(max(abs(a), abs(b)))


def close(name, got, want, tol=2):
    u = ulps(got, want)
    if u <= tol:
        out("ok", "%s (%g ulp)" % (name, u))
    else:
        out("FAIL", name, "got %r want %r (%g ulp > %d)" % (got, want, u, tol))


def same(name, got, want):
    if got == want:
        out("ok", name)
    else:
        out("FAIL", name, "got %r want %r" % (got, want))


def main():
    lib = sys.argv[1] if len(sys.argv) > 1 else "./bce"
    try:
        import numpy as np
        import sklearn
        from sklearn.datasets import load_breast_cancer
        from sklearn.metrics import log_loss
        from sklearn.model_selection import train_test_split
        from sklearn.tree import DecisionTreeClassifier
    except ImportError:
        out("skip", "scikit-learn", "not installed (apt-get install python3-sklearn)")
        return 0
    import gen_conventions as g
    global NAME
    NAME = "sklearn %s: " % sklearn.__version__
    warnings.filterwarnings("ignore")   # 1.3 deprecates eps; 1.2 warns on it

    def sk(y, p, eps, **kw):
        """log_loss with an explicit eps, or None where this scikit-learn
        no longer takes one (>= 1.5: always 2^-52)."""
        try:
            return float(log_loss(y, p, eps=eps, **kw))
        except TypeError:
            return None

    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(lib)
    q = lambda sql, *a: db.execute(sql, a).fetchone()[0]

    # one confident miss, y = 0 and p = 1, the two ways
    one_d = sk([0], [1.0], 1e-15, labels=[0, 1])
    two_col = sk([0], [[0.0, 1.0]], 1e-15, labels=[0, 1])
    if one_d is None:
        out("skip", "eps=1e-15", "this scikit-learn takes no eps")
    else:
        same("log_loss(y, 1-D p, eps=1e-15), a confident miss", one_d,
             34.53957599234088)
        same("log_loss(y, two columns, eps=1e-15), a confident miss",
             two_col, 34.538776394910684)
    auto = [sk([0], [1.0], "auto", labels=[0, 1]),
            sk([0], [[0.0, 1.0]], "auto", labels=[0, 1])]
    if auto[0] is None:     # >= 1.5: no eps, always 2^-52
        auto = [float(log_loss([0], [1.0], labels=[0, 1])),
                float(log_loss([0], [[0.0, 1.0]], labels=[0, 1]))]
    same("log_loss, eps=2^-52, 1-D p, a confident miss", auto[0],
         36.04365338911715)
    same("log_loss, eps=2^-52, two columns, a confident miss", auto[1],
         36.04365338911715)
    p = np.clip(np.array([1.0]), 1e-15, 1 - 1e-15)
    same("numpy one-liner, a confident miss", float(-np.log(1 - p)[0]),
         34.53957599234088)
    same("bce_term(0, 1, 1, 1e-15) is the 1-D number",
         q("SELECT bce_term(0, 1, 1, 1e-15)"), 34.53957599234088)
    same("cce_term(0, '[0, 1]', 1, 1e-15) is the two-column number",
         q("SELECT cce_term(0, '[0, 1]', 1, 1e-15)"), 34.538776394910684)
    same("bce_term(0, 1) is eps=2^-52's", q("SELECT bce_term(0, 1)"),
         36.04365338911715)

    # the decision tree
    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.5,
                                          random_state=25)
    P = DecisionTreeClassifier(random_state=2).fit(Xtr, ytr).predict_proba(Xte)
    p = P[:, 1]
    counts = Counter(zip(yte.tolist(), p.tolist()))
    same("tree: the (y, p) counts of tests/gen_conventions.py",
         sorted(counts.items()),
         sorted(((yy, pp), n) for yy, pp, n in g.TREE))
    if one_d is not None:
        same("tree: log_loss(y, p, eps=1e-15)", sk(yte, p, 1e-15),
             g.SK_TREE_1D_OLD)
        same("tree: log_loss(y, P, eps=1e-15)", sk(yte, P, 1e-15),
             g.SK_TREE_2COL_OLD)
        qq = np.clip(p, 1e-15, 1 - 1e-15)
        close("tree: numpy one-liner is log_loss(y, p, eps=1e-15)",
              float(-np.mean(yte * np.log(qq) + (1 - yte) * np.log(1 - qq))),
              g.SK_TREE_1D_OLD)
    two_auto = sk(yte, P, "auto")
    if two_auto is None:
        two_auto = float(log_loss(yte, P))
    same("tree: log_loss(y, P) at 2^-52", two_auto, g.SK_TREE_AUTO)

    db.execute("CREATE TABLE t(y, p)")
    db.executemany("INSERT INTO t VALUES (?, ?)",
                   [(int(a), float(b)) for a, b in zip(yte, p)])
    if one_d is not None:
        close("tree: bce(y, p, 1, 1e-15) is log_loss(y, p, eps=1e-15)",
              q("SELECT bce(y, p, 1, 1e-15) FROM t"), sk(yte, p, 1e-15))
        close("tree: cce(y, json_array(1 - p, p), 1, 1e-15) is "
              "log_loss(y, P, eps=1e-15)",
              q("SELECT cce(y, json_array(1 - p, p), 1, 1e-15) FROM t"),
              sk(yte, P, 1e-15))
    close("tree: bce(y, p) is log_loss at 2^-52",
          q("SELECT bce(y, p) FROM t"), two_auto)
    close("tree: cce(y, json_array(1 - p, p)) is log_loss at 2^-52",
          q("SELECT cce(y, json_array(1 - p, p)) FROM t"), two_auto)

    # issue 21's ten rows
    ten_y = np.array([r[0] for r in g.TEN])
    ten_p = np.array([r[1] for r in g.TEN])
    ten = sk(ten_y, ten_p, "auto")
    if ten is None:
        ten = float(log_loss(ten_y, ten_p))
    same("ten rows: log_loss at 2^-52 is the issue's figure", ten,
         g.SK_TEN_AUTO)
    db.execute("CREATE TABLE ten(y, p)")
    db.executemany("INSERT INTO ten VALUES (?, ?)", g.TEN)
    close("ten rows: bce(y, p) is log_loss at 2^-52",
          q("SELECT bce(y, p) FROM ten"), ten)
    if one_d is not None:
        close("ten rows: bce(y, p, 1, 1e-15) is log_loss(y, p, eps=1e-15)",
              q("SELECT bce(y, p, 1, 1e-15) FROM ten"),
              sk(ten_y, ten_p, 1e-15))
    return 0


if __name__ == "__main__":
    sys.exit(main())
