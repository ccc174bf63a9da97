#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The accuracy property test: seeded random cases over each function's
whole domain, run through the extension in Python's sqlite3 module and
measured against the definitions in mpmath (40 digits), in ulps of the
exact value's double.  The worst error of each class of results is held to
the bound of tests/accuracy_bounds.tsv, the bounds docs/accuracy.md states.

The exact values come from the definitions of tests/gen_ref.py and
tests/gen_cce_ref.py, imported, never from the C code's formulas.  Inputs
reach SQLite as bound doubles (scalars) or as JSON texts written with
repr(), the shortest decimal that reads back as the same double; JSON
results are read with Python's json (correctly rounded).

  /usr/bin/python3 tests/accuracy_props.py [./bce]

Environment:
  ACCURACY_CASES  cases per group (default 1000000; `make check` runs 2000);
                  the mean's groups are a hundredth of it (at least 20)
  ACCURACY_SEED   base seed (default 15); each chunk of 5000 cases has a
                  seed of its own made from it, so a run is the same on any
                  number of processes
  ACCURACY_JOBS   processes (default 2, at most 2)
  ACCURACY_WRITE  1: write the worst errors, counts and seed into
                  tests/accuracy_bounds.tsv (the bounds are left alone)
  ACCURACY_ONLY   comma-separated group names, for development

Needs Debian's python3 (it can load extensions) with python3-mpmath and
python3-gmpy2 (several times faster).  Prints ok|/FAIL|/skip| lines and
ends with "N passed, N failed".

An error measured for a result that cancels (sigmoid(z) - y for a soft
label, softmax_k - y_k for soft targets) is divided by the condition
kappa = (larger term) / |result|, >= 1: those classes are marked "per
kappa", and their bound B means within B*kappa ulp.
"""
import json
import math
import multiprocessing
import os
import random
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen_ref                                   # noqa: E402
from gen_props import Draw                       # noqa: E402
try:
    import gen_cce_ref                           # noqa: E402
except ImportError:                              # before the multi-class merge
    gen_cce_ref = None
from mpmath import mp, mpf                       # noqa: E402

mp.dps = 40          # after the imports: gen_cce_ref sets 50
EPS = 1e-15
INF = float("inf")
TINY = 2.0 ** -1074
DBL_MAX = 1.7976931348623157e308
BOUNDS = os.path.join(HERE, "accuracy_bounds.tsv")
CHUNK = 5000
BATCH = 400


# ------------------------------------------------------------- measurement
TWO_1074 = mpf(2) ** 1074
MIN_NORMAL = 2.0 ** -1022


def exact_double(x):
    """x rounded once to the nearest double, subnormals included (float()
    rounds to 53 bits first, which can round twice there)."""
    d = float(x)
    if abs(d) <= MIN_NORMAL:
        return float(int(mp.nint(x * TWO_1074))) * TINY
    return d


def err_ulp(got, x):
    """|got - x| in ulps of x's double; inf for a wrong infinity or NaN.
    A correctly rounded result counts as 0.5, its bound, without the cost
    of the exact difference: any other result is more than 0.5 off, so the
    worst error of a class is measured exactly unless it is 0.5.
    x - d is taken in mpmath once; got - d is exact near d (Sterbenz) and
    off by a relative 2^-53 of itself elsewhere, which an error measured
    in ulps cannot see."""
    if got is None or got != got:
        return INF
    d = exact_double(x)
    if got == d:                     # correctly rounded: within half an ulp
        return 0.5 if not math.isinf(d) else 0.0
    if x == mp.inf or x == -mp.inf:
        return INF
    if math.isinf(d) or math.isinf(got):
        # at the top of the range, ulps of 2^971 with 2^1024 for +-Inf: a
        # DBL_MAX for an x that rounds to Inf is less than an ulp off
        top = mpf(2) ** 1024
        g = top if got == INF else -top if got == -INF else mpf(got)
        if abs(x) < top / 2:
            return INF
        return float(abs(g - x) / mpf(2) ** 971)
    if abs(d) < MIN_NORMAL:
        # float(x - d) would round a fraction of 2^-1074 to 0 or 2^-1074
        return float(abs(mpf(got) - x) / TINY)
    return abs((got - d) - float(x - d)) / math.ulp(d)


# -------------------------------------------------------------- the draws
class Cases(Draw):
    """gen_props' draws (p over every binade and both clip boundaries, y,
    eps, w, n, x) and those this test adds."""

    def soft(self):
        while True:
            y = self.y()
            if y not in (0.0, 1.0):
                return y

    def hard(self):
        return float(self.r.randint(0, 1))

    def eps_opt(self):
        """None for the default clip half the time."""
        return None if self.r.random() < 0.5 else self.eps()

    def z(self):
        """A logit: moderate, every binade up to the largest double, +-Inf."""
        k = self.r.random()
        if k < 0.45:
            return self.r.uniform(-40, 40)
        if k < 0.6:
            return self.r.uniform(-800, 800)
        if k < 0.97:
            return self.r.choice([-1, 1]) * self.binade(-1074, 1023)
        return self.r.choice([INF, -INF, 0.0, -0.0, DBL_MAX, -DBL_MAX,
                              36.7, -36.7, 709.782712893384, -745.0])

    def k(self):
        return self.r.randint(2, 20)

    def dist(self, k):
        """K probabilities summing to 1 within a few ulp: spread, one
        dominant, or with zeros, subnormals and clip-boundary values."""
        r = self.r
        kind = r.random()
        if kind < 0.4:
            u = [r.random() + 1e-3 for _ in range(k)]
        elif kind < 0.7:
            u = [self.binade(-80, -1) for _ in range(k)]
            u[r.randrange(k)] = 1.0
        else:
            u = [r.random() for _ in range(k)]
            for _ in range(r.randint(1, k - 1)):
                u[r.randrange(k)] = r.choice(
                    [0.0, TINY, 1e-300, EPS, math.nextafter(EPS, 0),
                     self.binade(-1074, -20)])
            if sum(u) == 0:
                u[0] = 1.0
        s = math.fsum(u)
        return [v / s for v in u]

    def target(self, k, p):
        """A class index (often the least likely class) or soft targets."""
        r = self.r
        if r.random() < 0.5:
            if r.random() < 0.3:
                return min(range(k), key=lambda i: p[i])
            return r.randrange(k)
        return self.soft_targets(k)

    def soft_targets(self, k):
        r = self.r
        if r.random() < 0.3:                      # label smoothing
            a = r.choice([0.1, 0.2, 0.01, r.random()])
            c = r.randrange(k)
            t = [a / k + (1 - a if i == c else 0.0) for i in range(k)]
        else:
            t = [r.random() if r.random() < 0.7 else 0.0 for _ in range(k)]
            if sum(t) == 0:
                t[r.randrange(k)] = 1.0
            s = math.fsum(t)
            t = [v / s for v in t]
        return t

    def logits(self, k):
        """K logits: moderate, at one random scale from 2^-1074 to 2^1023,
        near a large common value (differences far below the values), and
        now and then -Inf or one +Inf."""
        r = self.r
        kind = r.random()
        if kind < 0.4:
            z = [r.gauss(0, r.choice([1, 3, 10, 30])) for _ in range(k)]
        elif kind < 0.7:
            s = self.binade(-1074, 1020)
            z = [max(-DBL_MAX, min(DBL_MAX, s * r.gauss(0, 2)))
                 for _ in range(k)]
        elif kind < 0.85:
            base = r.choice([-1, 1]) * self.binade(0, 60)
            z = [base + self.binade(-60, 5) * r.choice([-1, 1])
                 for _ in range(k)]
        else:
            z = [self.z() for _ in range(k)]
        if r.random() < 0.1:
            z[r.randrange(k)] = -INF
        if z.count(INF) > 1 or all(v == -INF for v in z):
            z = [0.0 if abs(v) == INF else v for v in z]
        return z


def jarr(xs):
    return "[" + ",".join("1e999" if v == INF else "-1e999" if v == -INF
                          else repr(float(v)) for v in xs) + "]"


# --------------------------------------------------------------- the groups
# A group draws cases; each case gives calls: (class, function, args,
# exact, kappa), exact an mpf or a list of them (a JSON array result),
# kappa None (1) or a list/number of conditions.

def api(funcs):
    """The signatures on this build: since the release, bce_term(y, p, w,
    eps) and bce_grad(y, p, n, eps); before it, bce_term(y, p, eps)."""
    return {"term_w": ("bce_term", 4) in funcs,
            "grad_eps": ("bce_grad", 4) in funcs,
            "logits_term_w": ("bce_logits_term", 3) in funcs}


def grad_exact(y, p, n, eps):
    """gen_ref.grad, and its limits where eps = 0 lets q be 0 or 1 (the
    definition divides by 0 there): -Inf where a target > 0 meets q = 0,
    +Inf where one < 1 meets q = 1, else the term that remains."""
    q = gen_ref.clip(p, eps)
    if q == 0.0:
        return mpf(1) / mpf(n) if y == 0 else -mp.inf
    if q == 1.0:
        return mpf(-1) / mpf(n) if y == 1 else mp.inf
    return gen_ref.grad(y, p, n, eps)


def g_bce(d, a, soft):
    y = d.soft() if soft else d.hard()
    p, e, w, n = d.p(), d.eps_opt(), d.w(), d.n()
    ev = EPS if e is None else e
    tag = "soft" if soft else "hard"
    l = gen_ref.loss(y, p, ev)
    calls = []
    if e is None:
        calls.append(("bce_term/" + tag, "bce_term", (y, p), l, None))
    elif a["term_w"]:
        calls.append(("bce_term/" + tag, "bce_term", (y, p, 1.0, e), l, None))
    else:
        calls.append(("bce_term/" + tag, "bce_term", (y, p, e), l, None))
    if a["term_w"] and w > 0:
        args = (y, p, w) if e is None else (y, p, w, e)
        calls.append(("bce_term/%s, weighted" % tag, "bce_term", args,
                      mpf(w) * l, None))
    if a["grad_eps"] and e is not None:
        calls.append(("bce_grad/" + tag, "bce_grad", (y, p, n, e),
                      grad_exact(y, p, n, e), None))
    else:
        calls.append(("bce_grad/" + tag, "bce_grad", (y, p, n),
                      grad_exact(y, p, n, EPS), None))
    return calls


def g_sigmoid(d, a):
    x = d.x()
    return [("sigmoid", "sigmoid", (x,),
             mpf(1 if x > 0 else 0) if abs(x) == INF else gen_ref.sigmoid(x),
             None)]


def g_logit(d, a):
    p = d.p()
    want = -mp.inf if p == 0 else mp.inf if p == 1 else gen_ref.logit(p)
    return [("logit", "logit", (p,), want, None)]


def g_logits(d, a, soft):
    y = d.soft() if soft else d.hard()
    z, w, n = d.z(), d.w(), d.n()
    tag = "soft" if soft else "hard"
    l = gen_ref.logits_loss(y, z)
    calls = [("bce_logits_term/" + tag, "bce_logits_term", (y, z), l, None)]
    if a["logits_term_w"] and w > 0:
        if l != mp.inf and mpf(w) * l > mpf(DBL_MAX) / 2:
            w = d.r.random() or 0.5     # w*l beyond the range is an error
        calls.append(("bce_logits_term/%s, weighted" % tag, "bce_logits_term",
                      (y, z, w), mpf(w) * l if l != mp.inf else l, None))
    if abs(z) == INF:
        g = ((1 - mpf(y)) if z > 0 else -mpf(y)) / mpf(n)
        kappa = None
    else:
        g = gen_ref.logits_grad(y, z, n)
        kappa = gen_ref.logits_grad_condition(y, z) if soft else None
        if kappa is not None and kappa > mpf(10) ** 15:
            # the reference itself cancels, near z = 0 by as much as z (y =
            # 1/2 leaves z/4 of 1/2, which 40 digits call 0): kappa too
            dps = 80 - (int(mp.log10(abs(z))) if 0 < abs(z) < 1 else 0)
            with mp.workdps(dps):
                g = +gen_ref.logits_grad(y, z, n)
                kappa = gen_ref.logits_grad_condition(y, z)
    calls.append(("bce_logits_grad/" + tag, "bce_logits_grad", (y, z, n), g,
                  kappa))
    return calls


def cce_row(d):
    k = d.k()
    p = d.dist(k)
    y = d.target(k, p)
    e = d.eps_opt()
    tag = "soft" if isinstance(y, list) else "hard"
    return k, p, y, e, EPS if e is None else e, tag, \
        (jarr(y) if tag == "soft" else y), jarr(p)


def g_cce(d, a, row=None):
    """cce_term of one row, with and without a weight."""
    k, p, y, e, ev, tag, ys, ps = row or cce_row(d)
    w = d.w()
    l = gen_cce_ref.cce(y, p, ev)
    calls = [("cce_term/" + tag, "cce_term",
              (ys, ps) if e is None else (ys, ps, 1.0, e), l, None)]
    if w > 0:
        calls.append(("cce_term/%s, weighted" % tag, "cce_term",
                      (ys, ps, w) if e is None else (ys, ps, w, e),
                      mpf(w) * l if l != mp.inf else l, None))
    return calls


def g_cce_grad(d, a):
    """cce_grad of one row: K elements; and the row's cce_term."""
    row = cce_row(d)
    k, p, y, e, ev, tag, ys, ps = row
    n = d.n()
    return [("cce_grad/" + tag, "cce_grad",
             (ys, ps, n) if e is None else (ys, ps, n, e),
             gen_cce_ref.cce_grad(y, p, n, ev), None)] + g_cce(d, a, row)


def cce_logits_row(d):
    k = d.k()
    z = d.logits(k)
    y = d.target(k, [0.0] * k) if d.r.random() < 0.7 else d.r.randrange(k)
    if not isinstance(y, list) and d.r.random() < 0.3:
        y = min(range(k), key=lambda i: z[i])     # the costliest class
    tag = "soft" if isinstance(y, list) else "hard"
    return z, y, tag, (jarr(y) if tag == "soft" else y), jarr(z)


def g_cce_logits(d, a, row=None):
    """cce_logits_term of one row, with and without a weight.  The weight
    only where l itself is a double: beyond, l is +Inf (its rounding) and
    so is w*l, whatever w (docs/accuracy.md)."""
    z, y, tag, ys, zs = row or cce_logits_row(d)
    w = d.w()
    l = gen_cce_ref.cce_logits(y, z)
    calls = [("cce_logits_term/" + tag, "cce_logits_term", (ys, zs), l, None)]
    if w > 0 and (l == mp.inf or l <= mpf(DBL_MAX)):
        if l != mp.inf and mpf(w) * l > mpf(DBL_MAX) / 2:
            w = d.r.random() or 0.5     # w*l beyond the range is an error
        calls.append(("cce_logits_term/%s, weighted" % tag, "cce_logits_term",
                      (ys, zs, w), mpf(w) * l if l != mp.inf else l, None))
    return calls


def g_cce_logits_arrays(d, a):
    """cce_logits_grad, softmax and log_softmax of one row: K elements
    each; and the row's cce_logits_term."""
    row = cce_logits_row(d)
    z, y, tag, ys, zs = row
    n = d.n()
    gk = gen_cce_ref.cce_logits_grad(y, z, n)
    return [("cce_logits_grad/" + tag, "cce_logits_grad", (ys, zs, n),
             [g for g, c in gk],
             [c for g, c in gk] if tag == "soft" else None),
            ("softmax", "softmax", (zs,), gen_cce_ref.softmax(z), None),
            ("log_softmax", "log_softmax", (zs,),
             gen_cce_ref.log_softmax(z), None)] + g_cce_logits(d, a, row)


class RowMemo:
    """mpmath for gen_cce_ref, with e^x remembered for the row at hand:
    its definitions take e^(z_k - m) once in shifted() and again in
    softmax() and cce_logits_grad() (the same mpf each time).  Everything
    else is mpmath's own."""

    def __init__(self, ctx):
        self._ctx, self._exp = ctx, {}

    def __getattr__(self, name):
        return getattr(self._ctx, name)

    def exp(self, x):
        v = self._exp.get(x)
        if v is None:
            v = self._exp[x] = self._ctx.exp(x)
        return v


class LastShift:
    """gen_cce_ref's shifted(z), remembered for the last z: the four
    logits functions of one row share it.  A new row forgets the old
    row's exponentials."""

    def __init__(self, f, memo):
        self.f, self.memo, self.key, self.val = f, memo, None, None

    def __call__(self, z):
        key = tuple(z)
        if key != self.key:
            self.memo._exp.clear()
            self.key, self.val = key, self.f(z)
        return self.val


if gen_cce_ref is not None:
    gen_cce_ref.mp = RowMemo(gen_cce_ref.mp)
    gen_cce_ref.shifted = LastShift(gen_cce_ref.shifted, gen_cce_ref.mp)

# name: (draw function, functions needed, share of ACCURACY_CASES).  The
# groups of array results draw a quarter as many rows: K is 11 on average,
# so each element function still sees more than 10^6 values, at a fifth
# of the time (docs/accuracy.md gives both counts).  Their rows also give
# the terms, whose own groups make up the other three quarters.
GROUPS = {
    "bce hard": (lambda d, a: g_bce(d, a, False), ["bce_term", "bce_grad"], 1),
    "bce soft": (lambda d, a: g_bce(d, a, True), ["bce_term", "bce_grad"], 1),
    "sigmoid": (g_sigmoid, ["sigmoid"], 1),
    "logit": (g_logit, ["logit"], 1),
    "logits hard": (lambda d, a: g_logits(d, a, False),
                    ["bce_logits_term", "bce_logits_grad"], 1),
    "logits soft": (lambda d, a: g_logits(d, a, True),
                    ["bce_logits_term", "bce_logits_grad"], 1),
    "cce": (g_cce, ["cce_term"], 0.75),
    "cce grad": (g_cce_grad, ["cce_grad", "cce_term"], 0.25),
    "cce logits": (g_cce_logits, ["cce_logits_term"], 0.75),
    "cce logits arrays": (g_cce_logits_arrays,
                          ["cce_logits_grad", "softmax", "log_softmax",
                           "cce_logits_term"], 0.25),
}
ORDER = ["cce logits arrays", "cce logits", "cce", "logits soft", "cce grad",
         "bce soft", "logits hard", "bce hard", "logit", "sigmoid"]
# the slowest first, so that the two processes end together


# ------------------------------------------------------------ the aggregate
def mean_groups(d, a, count):
    """count groups of 1..200 rows (y, p, w), each with its clip: the
    exact weighted mean (sum(w*l)/sum(w), rows of weight 0 left out)."""
    groups = []
    for _ in range(count):
        size = d.r.randint(1, 200)
        e = d.eps_opt()
        weighted = d.r.random() < 0.5
        rows = []
        for _ in range(size):
            y = d.hard() if d.r.random() < 0.5 else d.soft()
            w = d.w() if weighted else 1.0
            rows.append((y, d.p(), w))
        if weighted and all(w == 0 for _, _, w in rows):
            rows[0] = (rows[0][0], rows[0][1], 1.0)
        terms = [(w, gen_ref.loss(y, p, EPS if e is None else e)) for y, p, w in rows if w > 0]
        if any(t == mp.inf for w, t in terms):
            want = mp.inf
        else:
            want = gen_ref.mean([t for w, t in terms], [w for w, t in terms])
        groups.append((rows, e, weighted, want))
    return groups


# -------------------------------------------------------------- the worker
CONN = None
FUNCS = None


def connect(lib):
    conn = sqlite3.connect(":memory:")
    conn.enable_load_extension(True)
    conn.load_extension(lib)
    conn.enable_load_extension(False)
    funcs = set(conn.execute("SELECT name, narg FROM pragma_function_list"))
    return conn, funcs


def init(lib):
    global CONN, FUNCS
    CONN, FUNCS = connect(lib)


def run_calls(calls):
    """Run (fn, args) calls, many per SELECT, grouped by function and
    arity; the results in the calls' order."""
    out = [None] * len(calls)
    by = {}
    for i, (fn, args) in enumerate(calls):
        by.setdefault((fn, len(args)), []).append(i)
    for (fn, nargs), idx in by.items():
        for s in range(0, len(idx), BATCH):
            part = idx[s:s + BATCH]
            cols = ", ".join("column%d" % (j + 2) for j in range(nargs))
            row = "(" + ", ".join("?" * (nargs + 1)) + ")"
            sql = "SELECT column1, %s(%s) FROM (VALUES %s)" % (
                fn, cols, ", ".join([row] * len(part)))
            params = []
            for i in part:
                params.append(i)
                params.extend(calls[i][1])
            for i, v in CONN.execute(sql, params):
                out[i] = v
    return out


class Worst:
    """The worst error of one class, its case, and the counts."""

    def __init__(self):
        self.cases = self.values = 0
        self.worst, self.where = -1.0, ""

    def add(self, e, where, values=1):
        self.cases += 1
        self.values += values
        if e > self.worst:
            self.worst, self.where = e, where

    def merge(self, o):
        self.cases += o.cases
        self.values += o.values
        if o.worst > self.worst:
            self.worst, self.where = o.worst, o.where


def describe(fn, args):
    return "%s(%s)" % (fn, ", ".join(
        a if isinstance(a, str) else repr(a) for a in args))


def measure(got, want, kappa):
    """The worst error of one result (a number or a JSON array), divided
    by kappa where given, and the number of values in it."""
    if isinstance(want, list):
        if got is None:
            return INF, len(want)
        vals = json.loads(got)
        if len(vals) != len(want):
            return INF, len(want)
        worst = 0.0
        for i, (g, x) in enumerate(zip(vals, want)):
            e = err_ulp(float(g), x)
            if kappa is not None:
                e = scale(e, kappa[i], g)
            worst = max(worst, e)
        return worst, len(want)
    e = err_ulp(got if got is None else float(got), want)
    return (scale(e, kappa, got) if kappa is not None else e), 1


def scale(e, kappa, got):
    if kappa == mp.inf:             # the exact result is 0
        return 0.0 if got == 0 else INF
    return e / max(1.0, float(kappa))


def work(task):
    name, chunk, n, seed = task
    d = Cases("%d:%s:%d" % (seed, name, chunk))
    a = api(FUNCS)
    t0 = time.process_time()
    res = {}
    if name == "bce mean":
        groups = mean_groups(d, a, n)
        got = run_means(groups)
        for (rows, e, weighted, want), g in zip(groups, got):
            cls = "bce/mean, weighted" if weighted else "bce/mean"
            w = res.setdefault(cls, Worst())
            w.add(err_ulp(g, want), "bce over %d rows, eps %r, seed %d:%s:%d"
                  % (len(rows), e, seed, name, chunk), len(rows))
        return name, res, time.process_time() - t0
    draw = GROUPS[name][0]
    cases = [draw(d, a) for _ in range(n)]
    flat = [c for case in cases for c in case]
    got = run_calls([(fn, args) for cls, fn, args, want, kappa in flat])
    for (cls, fn, args, want, kappa), g in zip(flat, got):
        e, nv = measure(g, want, kappa)
        res.setdefault(cls, Worst()).add(e, describe(fn, args), nv)
    return name, res, time.process_time() - t0


def run_means(groups):
    """Each group's bce() in one SELECT over a VALUES table, the clip in
    ?1 (None: the default, bce(y, p) or bce(y, p, w))."""
    out = []
    for rows, e, weighted, want in groups:
        if e is None:
            call = "bce(column1, column2, column3)" if weighted \
                else "bce(column1, column2)"
        else:
            call = "bce(column1, column2, column3, ?1)"
        sql = "SELECT %s FROM (VALUES %s)" % (
            call, ", ".join(["(?, ?, ?)"] * len(rows)))
        params = ([] if e is None else [e]) + [v for r in rows for v in r]
        if e is None:
            sql = sql.replace("?1", "?")
        (g,) = CONN.execute(sql, params).fetchone()
        out.append(g)
    return out


# ------------------------------------------------------------------ bounds
def read_bounds():
    rows = {}
    with open(BOUNDS) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cls, bound, worst, cases, values, seed = line.rstrip("\n").split("\t")
            rows[cls] = [cls, bound, worst, cases, values, seed]
    return rows


def write_bounds(rows, results, seed):
    header = []
    with open(BOUNDS) as f:
        for line in f:
            if line.startswith("#"):
                header.append(line)
    for cls, w in results.items():
        if cls in rows:
            rows[cls][2:] = ["%.3f" % w.worst, str(w.cases), str(w.values),
                             str(seed)]
    with open(BOUNDS, "w") as f:
        f.writelines(header)
        for cls in sorted(rows, key=list(rows).index):
            f.write("\t".join(rows[cls]) + "\n")


def main():
    lib = sys.argv[1] if len(sys.argv) > 1 else "./bce"
    n = int(os.environ.get("ACCURACY_CASES", "1000000"))
    seed = int(os.environ.get("ACCURACY_SEED", "15"))
    jobs = max(1, min(2, int(os.environ.get("ACCURACY_JOBS", "2"))))
    only = os.environ.get("ACCURACY_ONLY")
    t_start = time.time()
    _, funcs = connect(lib)
    names = {f for f, narg in funcs}
    bounds = read_bounds()
    tasks, skipped = [], []
    for name in ORDER + ["bce mean"]:
        if only and name not in only.split(","):
            continue
        need = ["bce"] if name == "bce mean" else GROUPS[name][1]
        missing = [f for f in need if f not in names]
        if missing or (name.startswith("cce") and gen_cce_ref is None):
            skipped.append((name, ", ".join(missing) or "tests/gen_cce_ref.py"))
            continue
        total = max(20, n // 100) if name == "bce mean" \
            else max(1, int(n * GROUPS[name][2]))
        size = CHUNK // 100 if name == "bce mean" else CHUNK
        for c in range(0, (total + size - 1) // size):
            tasks.append((name, c, min(size, total - c * size), seed))
    results, cpu = {}, {}
    with multiprocessing.Pool(jobs, initializer=init, initargs=(lib,)) as pool:
        for name, res, t in pool.imap_unordered(work, tasks):
            cpu[name] = cpu.get(name, 0.0) + t
            for cls, w in res.items():
                results.setdefault(cls, Worst()).merge(w)
    passed = failed = 0
    for name, why in skipped:
        print("skip|accuracy: %s|not in this build: %s" % (name, why))
    for cls, w in sorted(results.items()):
        b = bounds.get(cls)
        what = "%s: worst %.3f ulp%s over %d cases (%d values), seed %d" % (
            cls, w.worst, " per kappa" if cls.endswith("soft") and "grad" in
            cls and "logits" in cls else "", w.cases, w.values, seed)
        if b is None:
            print("FAIL|accuracy: %s|no bound in %s" % (what, BOUNDS))
            failed += 1
        elif w.worst <= float(b[1]):
            print("ok|accuracy: %s within %s (at %s)" % (what, b[1], w.where))
            passed += 1
        else:
            print("FAIL|accuracy: %s|above the bound %s at %s"
                  % (what, b[1], w.where))
            failed += 1
    if os.environ.get("ACCURACY_WRITE") == "1":
        write_bounds(bounds, results, seed)
    for name in sorted(cpu, key=cpu.get, reverse=True):
        print("# %s: %.1f s of CPU" % (name, cpu[name]))
    print("# %d processes, %.0f s, %.0f s of CPU in the workers"
          % (jobs, time.time() - t_start, sum(cpu.values())))
    print("%d passed, %d failed%s" % (passed, failed,
                                      ", %d skipped" % len(skipped)
                                      if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
