#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The accuracy property test: seeded random cases over each function's
whole domain, and over the families of inputs where errors hide (K to
1000 with near-equal or near-DBL_MAX logits, subnormal labels and targets
with large weights, n < 1, weights near the overflow limit, labels next
to sigmoid(z), the mean of copies of one row, means of losses near
DBL_MAX), run through the extension in Python's sqlite3 module and
measured against the definitions in mpmath (60 digits; 1500 bits where
the result is a difference that cancels past a condition of 10^20, and
for logits near DBL_MAX), in ulps of the exact value's double.  The
worst error of each class of results is held to the bound of
tests/accuracy_bounds.tsv, the bounds docs/accuracy.md states: at most 4
ulp for every class, with no condition factor.

The exact values come from the definitions of tests/gen_ref.py and
tests/gen_cce_ref.py, imported, never from the C code's formulas.  Inputs
reach SQLite as bound doubles (scalars) or as JSON texts written with
repr(), the shortest decimal that reads back as the same double; JSON
results are read with Python's json (correctly rounded).  A NULL, an SQL
error, invalid JSON or a wrong infinity is an infinite error.

  /usr/bin/python3 tests/accuracy_props.py [./bce]
  /usr/bin/python3 tests/accuracy_props.py ./bce --show 'SEED:GROUP:CHUNK#I'

The second form prints the calls of one case in full (the key a FAIL or
ok line names), with the result, the exact value and the error.  Case -1
of a group's first chunk holds the inputs the reviewers of 0.2.0 reported
(reported()), so every run measures them.

Environment:
  ACCURACY_CASES  scales the run: cases per uniform group (default
                  1000000; `make check` runs 2000); the groups of array
                  results draw a quarter of it, the mean's a hundredth, and
                  each family its share of GROUPS (at least 10)
  ACCURACY_SEED   base seed (default 15); each chunk of cases has a seed
                  of its own made from it, so a run is the same on any
                  number of processes
  ACCURACY_JOBS   processes (default 2, at most 2)
  ACCURACY_WRITE  1: write the worst errors, counts and seed into
                  tests/accuracy_bounds.tsv (the bounds are left alone)
  ACCURACY_ONLY   comma-separated group names, for development

Needs Debian's python3 (it can load extensions) with python3-mpmath and
python3-gmpy2 (several times faster).  Prints ok|/FAIL|/skip| lines and
ends with "N passed, N failed"; exits 1 when a class is above its bound
or has none.  A bound "open:4.00" is a class above the standard whose
input is an open item of docs/accuracy.md: above 4 ulp it prints a
skip|... OPEN ITEM line, neither passed nor failed.
"""
import json
import math
import multiprocessing
import os
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen_cce_ref                               # noqa: E402
import gen_ref                                   # noqa: E402
from gen_props import Draw                       # noqa: E402
from mpmath import mp, mpf                       # noqa: E402

mp.dps = 60          # after the imports: gen_ref sets 40, gen_cce_ref 50
# Where a result is a difference of nearly equal terms (sigmoid(z) - y,
# softmax_k - y_k) 60 digits can be too few: past a condition of 10^20
# (the larger term over the result) the reference is taken at 1500 bits,
# which holds a cancellation down to the smallest subnormal.
HI_PREC = 1500
CANCEL = mpf(10) ** 20
EPS = gen_ref.EPS     # the default clip, 2^-52 (0.3.0)
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
# exact), args a tuple for a scalar function or an Agg for an aggregate,
# exact an mpf or a list of them (a JSON array result).

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
        calls.append(("bce_term/" + tag, "bce_term", (y, p), l))
    elif a["term_w"]:
        calls.append(("bce_term/" + tag, "bce_term", (y, p, 1.0, e), l))
    else:
        calls.append(("bce_term/" + tag, "bce_term", (y, p, e), l))
    if a["term_w"] and w > 0:
        args = (y, p, w) if e is None else (y, p, w, e)
        calls.append(("bce_term/%s, weighted" % tag, "bce_term", args,
                      mpf(w) * l))
    if a["grad_eps"] and e is not None:
        calls.append(("bce_grad/" + tag, "bce_grad", (y, p, n, e),
                      grad_exact(y, p, n, e)))
    else:
        calls.append(("bce_grad/" + tag, "bce_grad", (y, p, n),
                      grad_exact(y, p, n, EPS)))
    return calls


def g_sigmoid(d, a):
    x = d.x()
    return [("sigmoid", "sigmoid", (x,),
             mpf(1 if x > 0 else 0) if abs(x) == INF else gen_ref.sigmoid(x))]


def g_logit(d, a):
    p = d.p()
    want = -mp.inf if p == 0 else mp.inf if p == 1 else gen_ref.logit(p)
    return [("logit", "logit", (p,), want)]


def g_logits(d, a, soft):
    y = d.soft() if soft else d.hard()
    z, w, n = d.z(), d.w(), d.n()
    tag = "soft" if soft else "hard"
    l = gen_ref.logits_loss(y, z)
    calls = [("bce_logits_term/" + tag, "bce_logits_term", (y, z), l)]
    if a["logits_term_w"] and w > 0:
        if l != mp.inf and mpf(w) * l > mpf(DBL_MAX) / 2:
            w = d.r.random() or 0.5     # w*l beyond the range is an error
        calls.append(("bce_logits_term/%s, weighted" % tag, "bce_logits_term",
                      (y, z, w), mpf(w) * l if l != mp.inf else l))
    calls.append(("bce_logits_grad/" + tag, "bce_logits_grad", (y, z, n),
                  logits_grad_exact(y, z, n)))
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
              (ys, ps) if e is None else (ys, ps, 1.0, e), l)]
    if w > 0:
        calls.append(("cce_term/%s, weighted" % tag, "cce_term",
                      (ys, ps, w) if e is None else (ys, ps, w, e),
                      mpf(w) * l if l != mp.inf else l))
    return calls


def g_cce_grad(d, a):
    """cce_grad of one row: K elements; and the row's cce_term."""
    row = cce_row(d)
    k, p, y, e, ev, tag, ys, ps = row
    n = d.n()
    return [("cce_grad/" + tag, "cce_grad",
             (ys, ps, n) if e is None else (ys, ps, n, e),
             gen_cce_ref.cce_grad(y, p, n, ev))] + g_cce(d, a, row)


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
    calls = [("cce_logits_term/" + tag, "cce_logits_term", (ys, zs), l)]
    if w > 0 and (l == mp.inf or l <= mpf(DBL_MAX)):
        if l != mp.inf and mpf(w) * l > mpf(DBL_MAX) / 2:
            w = d.r.random() or 0.5     # w*l beyond the range is an error
        calls.append(("cce_logits_term/%s, weighted" % tag, "cce_logits_term",
                      (ys, zs, w), mpf(w) * l if l != mp.inf else l))
    return calls


def g_cce_logits_arrays(d, a):
    """cce_logits_grad, softmax and log_softmax of one row: K elements
    each; and the row's cce_logits_term."""
    row = cce_logits_row(d)
    z, y, tag, ys, zs = row
    n = d.n()
    return [("cce_logits_grad/" + tag, "cce_logits_grad", (ys, zs, n),
             cce_logits_grad_exact(y, z, n)),
            ("softmax", "softmax", (zs,), gen_cce_ref.softmax(z)),
            ("log_softmax", "log_softmax", (zs,),
             gen_cce_ref.log_softmax(z))] + g_cce_logits(d, a, row)


class RowMemo:
    """mpmath for gen_cce_ref, with e^x remembered for the row at hand:
    its definitions take e^(z_k - m) once in shifted() and again in
    softmax() and cce_logits_grad() (the same mpf each time).  An e^x of
    x below -4096 (below 2^-5900, far under any double or any difference
    of doubles) is taken at 256 bits: at 1500, mpmath spends milliseconds
    on the exponent of e^-1e308, and those digits decide nothing.
    Everything else is mpmath's own."""

    def __init__(self, ctx):
        self._ctx, self._exp = ctx, {}

    def __getattr__(self, name):
        return getattr(self._ctx, name)

    def exp(self, x):
        v = self._exp.get(x)
        if v is None:
            if x < -4096 and self._ctx.prec > 256:
                with self._ctx.workprec(256):
                    v = self._ctx.exp(x)
            else:
                v = self._ctx.exp(x)
            self._exp[x] = v
        return v


class LastShift:
    """gen_cce_ref's shifted(z), remembered for the last z and precision:
    the four logits functions of one row share it.  A new row forgets the
    old row's exponentials."""

    def __init__(self, f, memo):
        self.f, self.memo, self.key, self.val = f, memo, None, None

    def __call__(self, z):
        key = (tuple(z), mp.prec)
        if key != self.key:
            self.memo._exp.clear()
            self.key, self.val = key, self.f(z)
        return self.val


gen_cce_ref.mp = RowMemo(gen_cce_ref.mp)
gen_cce_ref.shifted = LastShift(gen_cce_ref.shifted, gen_cce_ref.mp)


def hi(f, *args):
    """f(*args) at 1500 bits."""
    with mp.workprec(HI_PREC):
        return f(*args)


def logits_grad_exact(y, z, n):
    """(sigmoid(z) - y)/n: its limits at +-Inf, gen_ref.logits_grad at 60
    digits, at 1500 bits where its two terms cancel past 10^20."""
    if abs(z) == INF:
        return ((1 - mpf(y)) if z > 0 else -mpf(y)) / mpf(n)
    if gen_ref.logits_grad_condition(y, z) > CANCEL:
        return hi(gen_ref.logits_grad, y, z, n)
    return gen_ref.logits_grad(y, z, n)


def cce_logits_grad_exact(y, z, n, precise=False):
    """gen_cce_ref.cce_logits_grad's values, at 1500 bits where any
    element cancels past 10^20 (or always, precise)."""
    gk = None if precise else gen_cce_ref.cce_logits_grad(y, z, n)
    if gk is None or any(c > CANCEL for g, c in gk):
        gk = hi(gen_cce_ref.cce_logits_grad, y, z, n)
    return [g for g, c in gk]


class Agg:
    """An aggregate call: fn over rows, each row `copies` times."""

    def __init__(self, fn, rows, copies=1):
        self.fn, self.rows, self.copies = fn, rows, copies

    def __len__(self):
        return len(self.rows[0])


# ------------------------------------------------------------- the families
# Inputs that uniform draws almost never reach, each a group of its own
# (docs/accuracy.md, "The families"); their classes are named after the
# function and the family.
class FamilyCases(Cases):
    def big_k(self):
        """K to 1000, a third of the rows exactly 1000."""
        r = self.r.random()
        return 1000 if r < 0.3 else self.r.randint(2, 1000) if r < 0.8 \
            else self.r.randint(2, 30)

    def tiny(self):
        """A label or target that is subnormal or just above."""
        r = self.r.random()
        if r < 0.15:
            return self.r.choice([TINY, 2 * TINY, 1e-322, 1e-320, 1e-315])
        return self.binade(-1074, -1000 if r < 0.85 else -900)

    def n_small(self):
        """n < 1: every binade down to 2^-1074."""
        if self.r.random() < 0.1:
            return self.r.choice([TINY, 1e-300, math.nextafter(1.0, 0)])
        return self.binade(-1074, -1)

    def big_w(self, l):
        """A weight near the overflow limit whose w*l is still a double
        (beyond, w*l is an error): DBL_MAX, or in [2^1015, 2^1024), made
        smaller where l is above 1."""
        w = DBL_MAX if self.r.random() < 0.1 else self.binade(1015, 1023)
        return self.fit_w(w, l)

    def large_w(self, l):
        """1 now and then, else a weight from 2^800 to the largest double,
        made to fit as big_w()."""
        if self.r.random() < 0.1:
            return 1.0
        return self.fit_w(self.binade(800, 1023), l)

    def fit_w(self, w, l):
        if l != mp.inf and l > 0 and mpf(w) * l > mpf(DBL_MAX) * 0.999:
            w = float(mpf(DBL_MAX) * 0.999 / l) * self.r.uniform(0.5, 1)
        return w

    def near_equal_logits(self, k):
        """K logits at one common value (0, moderate, up to 2^60 or tiny)
        apart by 2^-60 to 4 of a gauss, or all equal."""
        r = self.r
        base = r.choice([0.0, r.uniform(-40, 40),
                         r.choice([-1, 1]) * self.binade(0, 60),
                         r.choice([-1, 1]) * self.binade(-1074, -1)])
        if r.random() < 0.15:
            z = [base] * k
        else:
            s = self.binade(-60, 2)
            z = [base + s * r.gauss(0, 1) for _ in range(k)]
        if r.random() < 0.1:
            for _ in range(r.randint(1, k - 1)):
                z[r.randrange(k)] = -INF
            if all(v == -INF for v in z):
                z[0] = base
        return z

    def subnormal_logits(self, k):
        """One logit m and the others 700 to 760 below it, where each
        e^(z_k - m) is subnormal or nearly (all at one value, as
        cce_logits_term(0, '[0, -718.439 x999]'), or each its own)."""
        r = self.r
        m = 0.0 if r.random() < 0.5 else r.uniform(-5, 5)
        if r.random() < 0.5:
            u = r.choice([718.439, r.uniform(700, 760)])
            z = [m - u] * k
        else:
            z = [m - r.uniform(700, 760) for _ in range(k)]
        z[0 if r.random() < 0.5 else r.randrange(k)] = m
        return z

    def huge_logits(self, k):
        """Logits near +-DBL_MAX: -DBL_MAX with the others in [-1.8e307,
        -1e306] (the reviewers' rows), every binade from 2^1015 of either
        sign, or a few ulps below DBL_MAX beside -DBL_MAX and large
        negatives."""
        r = self.r
        kind = r.random()
        if kind < 0.35:
            z = [-DBL_MAX] + [-r.uniform(1e306, 1.8e307) for _ in range(k - 1)]
        elif kind < 0.7:
            z = [r.choice([-1, 1]) * min(self.binade(1015, 1023), DBL_MAX)
                 for _ in range(k)]
        else:
            top = [DBL_MAX - j * 2.0 ** 971 for j in range(6)]
            z = [r.choice(top) if r.random() < 0.4 else
                 r.choice([-DBL_MAX, -self.binade(1015, 1023),
                           r.uniform(-40, 40)]) for _ in range(k)]
        if r.random() < 0.2:
            r.shuffle(z)
        return z

    def targets_for(self, z, k):
        """A class index (a third of them the costliest), or soft targets:
        near softmax(z) (the gradient cancels), one class apart from K - 1
        equal ones (cce_logits_grad('[0.05, 0.10555555555555556 x9]',
        ...)), label smoothing, or random."""
        r = self.r
        if r.random() < 0.35:
            if r.random() < 0.3:
                return min(range(k), key=lambda i: z[i])
            return r.randrange(k)
        kind = r.random()
        if kind < 0.4:
            jig = r.choice([0.0, 2.0 ** -52, -2.0 ** -52,
                            r.uniform(-1e-6, 1e-6)])
            return [min(1.0, exact_double(v) * (1 + jig))
                    for v in gen_cce_ref.softmax(z)]
        if kind < 0.7:
            a = r.random() * 2 / k
            t = [(1 - a) / (k - 1)] * k
            t[r.randrange(k)] = a
            return t
        if kind < 0.85:
            a = r.choice([0.1, 0.2, 0.01, 0.5, r.random()])
            c = r.randrange(k)
            return [a / k + (1 - a if i == c else 0.0) for i in range(k)]
        return self.soft_targets(k)

    def tiny_targets(self, k, many):
        """One target 1 (or 1 - a tiny) and the others subnormal or just
        above (many: all of them, often one value; else one to three,
        the rest 0)."""
        r = self.r
        c = r.randrange(k)
        if many:
            kind = r.random()
            if kind < 0.3:
                t = [TINY] * k
            elif kind < 0.5:
                t = [self.tiny()] * k
            elif kind < 0.8:
                t = [self.tiny() for _ in range(k)]
            else:
                t = [self.tiny() if r.random() < 0.5 else 0.0
                     for _ in range(k)]
        else:
            t = [0.0] * k
            for _ in range(r.randint(1, min(3, k - 1))):
                t[r.randrange(k)] = self.tiny()
        t[c] = 1.0
        return t, c

    def probs_for(self, k, c):
        """p with p_c = 1 (eps = 0 makes ln p_c 0, so the tiny targets'
        terms are the whole loss) or next to 1, the others small enough
        that the row sums to 1 within 1e-4."""
        r = self.r
        cap = 1e-4 / k
        if r.random() < 0.6:
            p = [min(self.binade(-1074, -14), cap) for _ in range(k)]
            p[c] = 1.0
        else:
            rest = self.binade(-53, -14)
            p = [rest * v for v in self.dist(k - 1)] if k > 2 else [rest]
            p.insert(c, 1.0 - rest)
        return p


def fam_k1000(d, a, kind):
    """K to 1000: near-equal logits, or logits whose other terms are
    subnormal: cce_logits_term (with a weight), cce_logits_grad, softmax,
    log_softmax and the cce_logits aggregate over copies of the row."""
    k = d.big_k()
    z = d.near_equal_logits(k) if kind == "near-equal" \
        else d.subnormal_logits(k)
    y = d.targets_for(z, k)
    return logits_row_calls(d, z, y, "K to 1000, " + kind, precise=False)


def logits_row_calls(d, z, y, fam, precise):
    ys, zs = (jarr(y) if isinstance(y, list) else y), jarr(z)
    n = 1.0 if d.r.random() < 0.6 else d.n()
    ref = hi if precise else (lambda f, *args: f(*args))
    l = ref(gen_cce_ref.cce_logits, y, z)
    calls = [("cce_logits_term/" + fam, "cce_logits_term", (ys, zs), l)]
    if l != mp.inf and l <= mpf(DBL_MAX) / 2:
        w = d.w() or 1.0
        if mpf(w) * l > mpf(DBL_MAX) / 2:
            w = d.r.random() or 0.5
        calls.append(("cce_logits_term/%s, weighted" % fam, "cce_logits_term",
                      (ys, zs, w), mpf(w) * l))
    calls += [
        ("cce_logits_grad/" + fam, "cce_logits_grad", (ys, zs, n),
         cce_logits_grad_exact(y, z, n, precise)),
        ("softmax/" + fam, "softmax", (zs,), ref(gen_cce_ref.softmax, z)),
        ("log_softmax/" + fam, "log_softmax", (zs,),
         ref(gen_cce_ref.log_softmax, z)),
        ("cce_logits/mean, " + fam, "cce_logits",
         Agg("cce_logits", [(ys, zs)], d.r.randint(1, 4)), l)]
    return calls


def fam_huge(d, a):
    """K to 1000 logits near +-DBL_MAX, at 1500 bits: the same calls.  A
    quarter of the rows are the reviewers' pairs, where the shifted
    logits' rounding errors overflowed: [s*DBL_MAX, s*u], u in [1e306,
    1.8e307], s = +-1 (NULL or invalid JSON for 4% of them on 0.2.0),
    with the class of s*DBL_MAX or targets [a, 1 - a], a from 0.9."""
    r = d.r
    if r.random() < 0.25:
        sign = r.choice([-1, 1])
        z = [sign * DBL_MAX, sign * r.uniform(1e306, 1.8e307)]
        a = r.uniform(0.9, 1)
        y = 0 if r.random() < 0.5 else [a, 1.0 - a]
        return logits_row_calls(d, z, y, "near DBL_MAX", precise=True)
    u = r.random()
    k = r.randint(2, 4) if u < 0.4 else d.big_k() if u < 0.8 \
        else r.randint(2, 10)
    z = d.huge_logits(k)
    if r.random() < 0.5:        # half of them the costliest class
        y = min(range(k), key=lambda i: z[i]) if r.random() < 0.5 \
            else r.randrange(k)
    else:
        y = d.targets_for(z, k)
    return logits_row_calls(d, z, y, "near DBL_MAX", precise=True)


def fam_tiny_labels(d, a):
    """Subnormal (or nearly) soft labels and targets with weights to the
    largest double: bce_term, bce_logits_term, cce_term, cce_logits_term.
    The hard part of the loss is made small too (p next to 1, z far
    below 0, eps = 0 mostly), so the tiny label's term counts."""
    r = d.r
    calls = []
    y = d.tiny()
    e = 0.0 if r.random() < 0.6 else d.eps_opt()
    kind = r.random()
    p = d.binade(-1074, -1000) if kind < 0.4 else \
        1.0 - d.binade(-53, -2) if kind < 0.6 else d.p()
    ev = EPS if e is None else e
    if gen_ref.clip(p, ev) < 1.0:
        l = gen_ref.loss(y, p, ev)
        w = d.large_w(l)
        calls.append(("bce_term/subnormal label, large w", "bce_term",
                      (y, p, w) if e is None else (y, p, w, e), mpf(w) * l))
    z = r.uniform(-1100, -600) if r.random() < 0.5 else d.z() \
        if r.random() < 0.6 else r.uniform(-40, 40)
    l = gen_ref.logits_loss(y, z)
    if l != mp.inf:
        w = d.large_w(l)
        calls.append(("bce_logits_term/subnormal label, large w",
                      "bce_logits_term", (y, z, w), mpf(w) * l))
    k = r.randint(2, 10)
    t, c = d.tiny_targets(k, False)
    p = d.probs_for(k, c)
    e = 0.0 if r.random() < 0.7 else None
    l = gen_cce_ref.cce(t, p, EPS if e is None else e)
    if l != mp.inf:
        w = d.large_w(l)
        calls.append(("cce_term/subnormal targets, large w", "cce_term",
                      (jarr(t), jarr(p), w) if e is None else
                      (jarr(t), jarr(p), w, e), mpf(w) * l))
    zz = [r.uniform(-760, -600) if r.random() < 0.7 else r.uniform(-40, 40)
          for _ in range(k)]
    zz[c] = 0.0
    l = gen_cce_ref.cce_logits(t, zz)
    w = d.large_w(l)
    calls.append(("cce_logits_term/subnormal targets, large w",
                  "cce_logits_term", (jarr(t), jarr(zz), w), mpf(w) * l))
    return calls


def fam_many_tiny(d, a):
    """K to 1000 targets, all but one subnormal or nearly: cce_term
    (cce_term with 999 targets of 5e-324), with a weight to the largest
    double, and cce_grad with n = 1 or below."""
    r = d.r
    k = d.big_k()
    t, c = d.tiny_targets(k, True)
    p = d.probs_for(k, c)
    e = 0.0 if r.random() < 0.7 else None
    ev = EPS if e is None else e
    ts, ps = jarr(t), jarr(p)
    l = gen_cce_ref.cce(t, p, ev)
    calls = [("cce_term/K to 1000 subnormal targets", "cce_term",
              (ts, ps) if e is None else (ts, ps, 1.0, e), l)]
    w = d.big_w(l) if r.random() < 0.5 else d.large_w(l)
    calls.append(("cce_term/K to 1000 subnormal targets, weighted",
                  "cce_term", (ts, ps, w) if e is None else (ts, ps, w, e),
                  mpf(w) * l))
    n = 1.0 if r.random() < 0.5 else d.n_small()
    calls.append(("cce_grad/K to 1000 subnormal targets", "cce_grad",
                  (ts, ps, n) if e is None else (ts, ps, n, e),
                  gen_cce_ref.cce_grad(t, p, n, ev)))
    return calls


def fam_small_n(d, a):
    """n < 1 down to 2^-1074 for every gradient: bce_grad,
    bce_logits_grad, cce_grad (a third of its rows with subnormal
    targets) and cce_logits_grad."""
    r = d.r
    y, p, e, n = d.y(), d.p(), d.eps_opt(), d.n_small()
    ev = EPS if e is None else e
    calls = [("bce_grad/n < 1", "bce_grad",
              (y, p, n) if e is None else (y, p, n, e),
              grad_exact(y, p, n, ev))]
    y, z, n = d.y(), d.z(), d.n_small()
    calls.append(("bce_logits_grad/n < 1", "bce_logits_grad", (y, z, n),
                  logits_grad_exact(y, z, n)))
    if r.random() < 0.3:
        k = r.randint(2, 10)
        t, c = d.tiny_targets(k, False)
        p = d.probs_for(k, c) if r.random() < 0.5 else d.dist(k)
        e = 0.0 if r.random() < 0.5 else None
        ys, ps = jarr(t), jarr(p)
    else:
        k, p, t, e, ev, tag, ys, ps = cce_row(d)
    n = d.n_small()
    calls.append(("cce_grad/n < 1", "cce_grad",
                  (ys, ps, n) if e is None else (ys, ps, n, e),
                  gen_cce_ref.cce_grad(t, p, n, EPS if e is None else e)))
    z, y, tag, ys, zs = cce_logits_row(d)
    n = d.n_small()
    calls.append(("cce_logits_grad/n < 1", "cce_logits_grad", (ys, zs, n),
                  cce_logits_grad_exact(y, z, n)))
    return calls


def fam_big_w(d, a):
    """Weights near the overflow limit, w*l still a double: the four
    weighted terms, and the weighted means of bce and bce_logits over 2
    to 8 rows whose weights sum to nearly DBL_MAX."""
    r = d.r
    calls = []
    y, p, e = d.y(), d.p(), d.eps_opt()
    ev = EPS if e is None else e
    l = gen_ref.loss(y, p, ev)
    if l != mp.inf and l > 0:
        w = d.big_w(l)
        calls.append(("bce_term/w near DBL_MAX", "bce_term",
                      (y, p, w) if e is None else (y, p, w, e), mpf(w) * l))
    y, z = d.y(), d.z()
    l = gen_ref.logits_loss(y, z)
    if l != mp.inf and l > 0:
        w = d.big_w(l)
        calls.append(("bce_logits_term/w near DBL_MAX", "bce_logits_term",
                      (y, z, w), mpf(w) * l))
    k, p, t, e, ev, tag, ys, ps = cce_row(d)
    l = gen_cce_ref.cce(t, p, ev)
    if l != mp.inf and l > 0:
        w = d.big_w(l)
        calls.append(("cce_term/w near DBL_MAX", "cce_term",
                      (ys, ps, w) if e is None else (ys, ps, w, e),
                      mpf(w) * l))
    z, t, tag, ys, zs = cce_logits_row(d)
    l = gen_cce_ref.cce_logits(t, z)
    if l != mp.inf and l > 0:
        w = d.big_w(l)
        calls.append(("cce_logits_term/w near DBL_MAX", "cce_logits_term",
                      (ys, zs, w), mpf(w) * l))
    for fn in ("bce", "bce_logits"):
        m = r.randint(2, 8)
        rows, terms = [], []
        for _ in range(m):
            y = d.y()
            if fn == "bce":
                x = d.p()
                l = gen_ref.loss(y, x)
            else:
                x = r.uniform(-40, 40) if r.random() < 0.7 else d.z()
                l = gen_ref.logits_loss(y, x)
            if l == mp.inf:             # z = +-Inf, the wrong label
                y, l = float(x > 0), mpf(0)
            w = d.fit_w(DBL_MAX / m * r.uniform(0.5, 1), l)
            rows.append((y, x, w))
            terms.append((w, l))
        want = gen_ref.mean([l for w, l in terms], [w for w, l in terms])
        calls.append(("%s/mean, w near DBL_MAX" % fn, fn, Agg(fn, rows),
                      want))
    return calls


def fam_sigmoid_near(d, a):
    """Where the gradient from logits cancels: y near 0.5 with tiny z
    (bce_logits_grad(0.4998779329409259, 9.621747813467737e-12)), y within
    a few ulps of sigmoid(z), and bce_grad with y within a few ulps of p.
    References at 1500 bits."""
    r = d.r
    n = 1.0 if r.random() < 0.7 else d.n()
    calls = []
    if r.random() < 0.5:
        if r.random() < 0.6:
            y = 0.5 + r.choice([-1, 1]) * d.binade(-60, -2)
        else:
            y = stepped(0.5, r.randint(-8, 8))
        z = r.choice([-1, 1]) * d.binade(-1074, -2)
        calls.append(("bce_logits_grad/y near 0.5, tiny z", "bce_logits_grad",
                      (y, z, n), hi(gen_ref.logits_grad, y, z, n)))
    k = r.random()
    z = r.uniform(-40, 40) if k < 0.5 else \
        r.choice([-1, 1]) * d.binade(-30, 5) if k < 0.8 else \
        r.uniform(-745, 709)
    y = stepped(exact_double(gen_ref.sigmoid(z)), r.randint(-4, 4))
    calls.append(("bce_logits_grad/y near sigmoid(z)", "bce_logits_grad",
                  (y, z, n), hi(gen_ref.logits_grad, y, z, n)))
    p, e = d.p(), d.eps_opt()
    ev = EPS if e is None else e
    y = stepped(gen_ref.clip(p, ev), r.randint(-4, 4))
    calls.append(("bce_grad/y near p", "bce_grad",
                  (y, p, n) if e is None else (y, p, n, e),
                  grad_exact(y, p, n, ev)))
    return calls


def stepped(x, j):
    """x moved j doubles up or down, kept in [0, 1]."""
    for _ in range(abs(j)):
        x = math.nextafter(x, 1.0 if j > 0 else 0.0)
    return x


def fam_copies(d, a):
    """The mean of 2 to 64 copies of one row: its exact value is the
    row's exact loss (bce() over 11 copies of (0.49976199501548485,
    0.9782619969510888)).  bce, bce weighted, bce_logits, cce,
    cce_logits."""
    r = d.r
    c = 11 if r.random() < 0.1 else r.randint(2, 64)
    y, p = d.y(), d.p()
    l = gen_ref.loss(y, p)
    calls = [("bce/mean of copies", "bce", Agg("bce", [(y, p)], c), l)]
    y, p, w = d.y(), d.p(), d.w() or 1.0
    l = gen_ref.loss(y, p)
    calls.append(("bce/mean of copies, weighted", "bce",
                  Agg("bce", [(y, p, w)], c), l))
    y, z = d.y(), d.z()
    calls.append(("bce_logits/mean of copies", "bce_logits",
                  Agg("bce_logits", [(y, z)], c),
                  gen_ref.logits_loss(y, z)))
    k, p, t, e, ev, tag, ys, ps = cce_row(d)
    calls.append(("cce/mean of copies", "cce", Agg("cce", [(ys, ps)], c),
                  gen_cce_ref.cce(t, p)))
    z, t, tag, ys, zs = cce_logits_row(d)
    calls.append(("cce_logits/mean of copies", "cce_logits",
                  Agg("cce_logits", [(ys, zs)], c),
                  gen_cce_ref.cce_logits(t, z)))
    return calls


def fam_huge_means(d, a):
    """Finite means of rows whose losses are near DBL_MAX or beyond:
    cce_logits over 1 to 3 rows of loss up to 2*DBL_MAX ((1,
    '[DBL_MAX, -DBL_MAX]') among them) and enough rows of loss 0 or small
    that the mean is a double; bce_logits over 2 to 6 rows of loss near
    DBL_MAX and a few small ones.  Half of them weighted (w in (0, 1]
    for the large rows, w*l a double)."""
    r = d.r
    weighted = r.random() < 0.5
    tag = ", weighted" if weighted else ""
    wmin = 0.5 if weighted else 1.0
    rows, terms = [], []
    for _ in range(r.randint(1, 3)):
        if r.random() < 0.2:
            z = [DBL_MAX, -DBL_MAX]
        else:
            z = [min(d.binade(1020, 1023), DBL_MAX),
                 -min(d.binade(1020, 1023), DBL_MAX)]
        z += [r.uniform(-40, 40) for _ in range(r.randint(0, 2))]
        kind = r.random()
        if kind < 0.6:
            y = 1
        elif kind < 0.8:
            y = [0.0, 1.0] + [0.0] * (len(z) - 2)
        else:
            a = r.random() * 0.1
            y = [a, 1.0 - a] + [0.0] * (len(z) - 2)
        l = gen_cce_ref.cce_logits(y, z)
        w = min(1.0, float(mpf(DBL_MAX) / l) * r.random()) if weighted \
            else 1.0
        rows.append((jarr(y) if isinstance(y, list) else y, jarr(z), w))
        terms.append((w, l))
    more = mp.fsum(w * l for w, l in terms) / DBL_MAX \
        - math.fsum(w for w, l in terms)
    for _ in range(max(0, int(mp.ceil(more / wmin))) + r.randint(0, 2)):
        if r.random() < 0.6:
            y, z = 0, [0.0, -INF]              # loss exactly 0
        else:
            y, z = r.randint(0, 1), [r.uniform(-10, 10) for _ in range(2)]
        w = r.uniform(wmin, 4) if weighted else 1.0
        rows.append((y, jarr(z), w))
        terms.append((w, gen_cce_ref.cce_logits(y, z)))
    r.shuffle(rows)
    calls = [("cce_logits/mean, losses near DBL_MAX" + tag, "cce_logits",
              Agg("cce_logits", [row if weighted else row[:2]
                                 for row in rows]),
              gen_cce_ref.mean([l for w, l in terms], [w for w, l in terms]))]
    rows, terms = [], []
    for _ in range(r.randint(2, 6)):
        big = min(d.binade(1020, 1023), DBL_MAX)
        y, z = r.choice([(1.0, -big), (0.0, big), (r.random(), big)])
        l = gen_ref.logits_loss(y, z)
        w = min(1.0, float(mpf(DBL_MAX) / l) * r.random()) if weighted \
            else 1.0
        rows.append((y, z, w))
        terms.append((w, l))
    for _ in range(r.randint(0, 3)):
        y, z = d.y(), r.uniform(-40, 40)
        w = r.uniform(wmin, 4) if weighted else 1.0
        rows.append((y, z, w))
        terms.append((w, gen_ref.logits_loss(y, z)))
    r.shuffle(rows)
    calls.append(("bce_logits/mean, losses near DBL_MAX" + tag, "bce_logits",
                  Agg("bce_logits", [row if weighted else row[:2]
                                     for row in rows]),
                  gen_ref.mean([l for w, l in terms], [w for w, l in terms])))
    return calls


def reported(name):
    """The inputs the reviewers of 0.2.0 reported (issue 20), each in the
    class its family holds: the calls of case -1 of a group's first
    chunk, so that every run, the quick lane included, measures them."""
    c_ = gen_cce_ref
    near = [0.05] + [0.10555555555555556] * 9
    pair1 = [-DBL_MAX, -7.860733990253956e306]
    pair2 = [-DBL_MAX, -1.7541557254711447e307]
    pair3 = [DBL_MAX, 1.530198157401944e307]
    tail = [0.0] + [-718.439] * 999
    big = [DBL_MAX, -DBL_MAX]
    calls = {
        "K to 1000 near-equal": [
            ("cce_logits_grad/K to 1000, near-equal", "cce_logits_grad",
             (jarr(near), jarr([0.0] * 10), 1.0),
             cce_logits_grad_exact(near, [0.0] * 10, 1.0, True))],
        "K to 1000 subnormal": [
            ("cce_logits_term/K to 1000, subnormal terms", "cce_logits_term",
             (0, jarr(tail)), c_.cce_logits(0, tail))],
        "near DBL_MAX": [
            ("cce_logits_term/near DBL_MAX", "cce_logits_term",
             (0, jarr(pair1)), hi(c_.cce_logits, 0, pair1)),
            ("cce_logits/mean, near DBL_MAX", "cce_logits",
             Agg("cce_logits", [(0, jarr(pair1))]),
             hi(c_.cce_logits, 0, pair1)),
            ("cce_logits_term/near DBL_MAX", "cce_logits_term",
             (jarr([0.975, 0.025]), jarr(pair2)),
             hi(c_.cce_logits, [0.975, 0.025], pair2)),
            ("log_softmax/near DBL_MAX", "log_softmax", (jarr(pair3),),
             hi(c_.log_softmax, pair3))],
        "subnormal labels": [
            ("bce_logits_term/subnormal label, large w", "bce_logits_term",
             (1e-322, -740.0, 1e300),
             mpf(1e300) * gen_ref.logits_loss(1e-322, -740.0)),
            ("bce_term/subnormal label, large w", "bce_term",
             (4.4e-322, 9.96273449055e-313, 2.3557010642083196e288, 0.0),
             mpf(2.3557010642083196e288)
             * gen_ref.loss(4.4e-322, 9.96273449055e-313, 0.0)),
            ("cce_term/subnormal targets, large w", "cce_term",
             ("[1,1e-315]", "[1,1e-5]", 1e300, 0.0),
             mpf(1e300) * c_.cce([1.0, 1e-315], [1.0, 1e-5], 0.0)),
            ("cce_logits_term/subnormal targets, large w", "cce_logits_term",
             ("[1,1e-320]", "[0,-720]", 1e300),
             mpf(1e300) * c_.cce_logits([1.0, 1e-320], [0.0, -720.0]))],
        "n below 1": [
            ("cce_grad/n < 1", "cce_grad",
             ("[1,5e-324]", "[0.4,0.6]", 1e-300, 0.0),
             c_.cce_grad([1.0, 5e-324], [0.4, 0.6], 1e-300, 0.0))],
        "near sigmoid": [
            ("bce_logits_grad/y near 0.5, tiny z", "bce_logits_grad",
             (0.4998779329409259, 9.621747813467737e-12, 1.0),
             hi(gen_ref.logits_grad, 0.4998779329409259,
                9.621747813467737e-12, 1.0))],
        "copies": [
            ("bce/mean of copies", "bce",
             Agg("bce", [(0.49976199501548485, 0.9782619969510888)], 11),
             gen_ref.loss(0.49976199501548485, 0.9782619969510888))],
        "huge means": [
            ("cce_logits/mean, losses near DBL_MAX", "cce_logits",
             Agg("cce_logits", [(1, jarr(big)), (0, "[0,-1e999]"),
                                (0, "[0,-1e999]")]),
             c_.mean([c_.cce_logits(1, big), mpf(0), mpf(0)]))],
        "sigmoid": [
            ("sigmoid", "sigmoid", (-707.3687095027948,),
             gen_ref.sigmoid(-707.3687095027948))],
        "bce soft": [
            ("bce_term/soft", "bce_term",
             (0.4999756667685094, 0.8282876747474253),
             gen_ref.loss(0.4999756667685094, 0.8282876747474253))],
    }
    return calls.get(name, [])


# name: (draw function, functions needed, share of ACCURACY_CASES, cases a
# chunk).  The groups of array results draw a quarter as many rows: K is
# 11 on average, so each element function still sees more than 10^6
# values, at a fifth of the time (docs/accuracy.md gives both counts).
# Their rows also give the terms, whose own groups make up the other three
# quarters.  The families' shares keep each within a few minutes of CPU at
# 10^6, all of them about twice the uniform groups' CPU (docs/accuracy.md
# gives the cases of each, docs/testing.md the CPU).
LOGITS_FNS = ["cce_logits_term", "cce_logits_grad", "softmax", "log_softmax",
              "cce_logits"]
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
    "K to 1000 near-equal": (lambda d, a: fam_k1000(d, a, "near-equal"),
                             LOGITS_FNS, 0.012, 10),
    "K to 1000 subnormal": (lambda d, a: fam_k1000(d, a, "subnormal terms"),
                            LOGITS_FNS, 0.004, 10),
    "near DBL_MAX": (fam_huge, LOGITS_FNS, 0.006, 10),
    "subnormal labels": (fam_tiny_labels, ["bce_term", "bce_logits_term",
                                           "cce_term", "cce_logits_term"],
                         0.3, 500),
    "many subnormal targets": (fam_many_tiny, ["cce_term", "cce_grad"],
                               0.008, 20),
    "n below 1": (fam_small_n, ["bce_grad", "bce_logits_grad", "cce_grad",
                                "cce_logits_grad"], 0.3, 500),
    "w near DBL_MAX": (fam_big_w, ["bce_term", "bce_logits_term", "cce_term",
                                   "cce_logits_term", "bce", "bce_logits"],
                       0.15, 500),
    "near sigmoid": (fam_sigmoid_near, ["bce_logits_grad", "bce_grad"],
                     0.5, 1000),
    "copies": (fam_copies, ["bce", "bce_logits", "cce", "cce_logits"],
               0.1, 500),
    "huge means": (fam_huge_means, ["cce_logits", "bce_logits"], 0.05, 500),
}
ORDER = ["cce logits arrays", "cce logits", "cce", "logits soft", "cce grad",
         "bce soft", "logits hard", "bce hard", "logit", "sigmoid"]
# the slowest first, so that the two processes end together
FAMILIES = ["K to 1000 near-equal", "K to 1000 subnormal", "near DBL_MAX",
            "many subnormal targets", "near sigmoid", "n below 1",
            "subnormal labels", "w near DBL_MAX", "copies", "huge means"]


# ------------------------------------------------------------- the options
# Issue 21's options and issue 23's scores, measured against their
# definitions written here from the issues' formulas in mpmath (60
# digits, 1500 bits where a sum of terms of both signs cancels past
# 10^20), independent of src/binary_opt.c, src/cce.c and the generators
# of the fixed tests.  The gradients are the closed-form derivatives of
# those definitions; opt_diff_check() holds them to mpmath's diff() on
# every 50th case (a wrong derivative stops the run).
def softplus(x):
    """ln(1 + e^x) without cancellation, any magnitude."""
    return x + mp.log1p(mp.exp(-x)) if x > 0 else mp.log1p(mp.exp(x))


def opt_bin_parts(y, x, logits, eps):
    """q, 1 - q, ln q, ln(1 - q) of one element: q the clipped p, or
    sigmoid(z)."""
    if logits:
        z = mpf(x)
        return (1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z)),
                -softplus(-z), -softplus(z))
    q = mpf(gen_ref.clip(x, eps))
    return q, 1 - q, mp.log(q), mp.log1p(-q)


def opt_bin(y, x, logits, o, want_grad):
    """One binary element: (loss, its magnitude) or (dl/dq, or dl/dz for
    logits, and the sum of its terms' magnitudes).  Issue 21:
    y' = y(1-s) + s/2, ce = -[pw y' ln q + (1-y') ln(1-q)],
    1 - p_t = y'(1-q) + (1-y')q, l = a_t (1-p_t)^g ce, a_t = a y' + (1-a)(1-y')."""
    s = mpf(o.get("smoothing", 0))
    pw = mpf(o.get("pos_weight", 1))
    g = mpf(o.get("gamma", 0))
    ys = mpf(y) * (1 - s) + s / 2
    yc = 1 - ys
    a = mpf(1) if "alpha" not in o else \
        mpf(o["alpha"]) * ys + (1 - mpf(o["alpha"])) * yc
    q, u, lq, lu = opt_bin_parts(y, x, logits, o.get("eps", EPS))
    ce = -(pw * ys * lq + yc * lu)
    omp = ys * u + yc * q                      # 1 - p_t
    f = mpf(1) if g == 0 else omp ** g
    if not want_grad:
        return a * f * ce, a * f * ce
    # d/dq: the focal factor's derivative, then ce's
    t1 = mpf(0) if g == 0 else a * g * omp ** (g - 1) * (yc - ys) * ce
    if logits:           # d/dz = d/dq * q(1-q), written without 1/q
        t1 = t1 * q * u
        t2, t3 = -a * f * pw * ys * u, a * f * yc * q
    else:
        t2, t3 = -a * f * pw * ys / q, a * f * yc / u
    return t1 + t2 + t3, abs(t1) + abs(t2) + abs(t3)


def opt_precise(f, *args):
    """f's value, at 1500 bits where its terms cancel past 10^20."""
    v, m = f(*args)
    if m != 0 and (v == 0 or m / abs(v) > CANCEL):
        with mp.workprec(HI_PREC):
            v, m = f(*args)
    return v


def opt_bin_diff(y, x, logits, o):
    """mpmath's diff() of the loss at q (or z)."""
    s = mpf(o.get("smoothing", 0))
    pw = mpf(o.get("pos_weight", 1))
    g = mpf(o.get("gamma", 0))
    ys = mpf(y) * (1 - s) + s / 2
    yc = 1 - ys
    a = mpf(1) if "alpha" not in o else \
        mpf(o["alpha"]) * ys + (1 - mpf(o["alpha"])) * yc

    def loss(t):
        q = 1 / (1 + mp.exp(-t)) if logits else t
        pt = ys * q + yc * (1 - q)
        return a * (1 - pt) ** g * -(pw * ys * mp.log(q)
                                     + yc * mp.log(1 - q))
    x0 = mpf(x) if logits else mpf(gen_ref.clip(x, o.get("eps", EPS)))
    return mp.diff(loss, x0)


def opt_diff_check(d, y, x, logits, o):
    """Every 50th moderate case: the closed form against diff()."""
    if d.r.random() >= 0.02:
        return
    if logits and abs(x) > 30:
        return
    if not logits and not 1e-6 < gen_ref.clip(x, o.get("eps", EPS)) < 1 - 1e-6:
        return
    with mp.workdps(60):
        c = opt_precise(opt_bin, y, x, logits, o, True)
        n = opt_bin_diff(y, x, logits, o)
        assert abs(c - n) <= mpf(10) ** -30 * (abs(c) + 1e-30), \
            ("closed-form gradient != diff()", y, x, logits, o, c, n)


d_sum = sum


class OptCases(FamilyCases):
    def pos_weight(self):
        return self.r.choice([0.0, 0.25, 3.0, 1000.0, 1e-3, 2,
                              self.r.uniform(0, 10)])

    def smoothing(self):
        return self.r.choice([0.1, 0.2, 1.0, 1e-10, 0.5, self.r.random()])

    def gamma(self, integer):
        if integer:
            return self.r.choice([1, 2, 2, 3, 5])
        return self.r.choice([0.5, 2.5, 1e-3, 10.7, 0.25,
                              self.r.uniform(0, 5)])

    def alpha01(self):
        return self.r.choice([0.0, 0.25, 0.5, 1.0, self.r.random()])

    def zf(self):
        """A finite logit: moderate, every binade to 2^1023."""
        while True:
            z = self.z()
            if abs(z) != INF:
                return z

    def exact_targets(self, k):
        """Soft targets that sum to 1 exactly (multiples of 2^-20): the
        derivative of the loss then agrees with the documented
        softmax(z)_k - y_k, which assumes the sum is 1 (a sum off by an
        ulp would be measured as an error of the convention)."""
        r = self.r
        m = [r.randint(0, 1 << 20) if r.random() < 0.7 else 0
             for _ in range(k)]
        if d_sum(m) == 0:
            m[r.randrange(k)] = 1
        tot = d_sum(m)
        m = [v * (1 << 20) // tot for v in m]
        m[max(range(k), key=lambda i: m[i])] += (1 << 20) - d_sum(m)
        return [v / float(1 << 20) for v in m]

    def weights(self, k):
        return [self.r.choice([0.0, 1.0, 2.0, 0.5, self.r.uniform(0, 5)])
                for _ in range(k)]


BIN_KEYS = ["pos_weight", "smoothing", "gamma", "gamma non-integer", "alpha"]


def bin_opts(d, which):
    """The options of one case: one key (which), or 2 to 5 of them
    ("combined"); the clip half the time for probabilities."""
    keys = [which] if which != "combined" else \
        d.r.sample(BIN_KEYS, d.r.randint(2, 4))
    o = {}
    for k in keys:
        if k == "pos_weight":
            o["pos_weight"] = d.pos_weight()
        elif k == "smoothing":
            o["smoothing"] = d.smoothing()
        elif k == "gamma":
            o["gamma"] = d.gamma(True)
        elif k == "gamma non-integer":
            o["gamma"] = d.gamma(False)
        else:
            o["alpha"] = d.alpha01()
    return o


def with_eps(d, o):
    e = d.eps_opt()
    if e is not None and e > 0:
        o = dict(o, eps=e)
    return o


def g_bin_opt(d, a, which):
    """bce_term, bce_grad, bce_logits_term, bce_logits_grad with options:
    one key alone or several, weighted and not, any n."""
    calls = []
    for logits in (False, True):
        y = d.y()
        o = bin_opts(d, which)
        if logits:
            x = d.zf()
            fn = "bce_logits"
        else:
            o = with_eps(d, o)
            x = d.p()
            fn = "bce"
            q = gen_ref.clip(x, o.get("eps", EPS))
            if q == 0 or q == 1:
                continue
        js = json.dumps(o)
        opt_diff_check(d, y, x, logits, o)
        l = opt_precise(opt_bin, y, x, logits, o, False)
        w = 1.0 if d.r.random() < 0.5 else d.w()
        # w*l only where l is a double (beyond, l rounds to +Inf and so
        # does w*l, docs/accuracy.md)
        if l <= mpf(DBL_MAX) and w > 0 and mpf(w) * l <= mpf(DBL_MAX) / 2:
            calls.append(("%s_term/options %s" % (fn, which), fn + "_term",
                          (y, x, w, js), mpf(w) * l))
        n = d.n()
        gq = opt_precise(opt_bin, y, x, logits, o, True)
        calls.append(("%s_grad/options %s" % (fn, which), fn + "_grad",
                      (y, x, n, js), gq / mpf(n)))
    return calls


def g_multilabel_opt(d, a):
    """Rows of 1 to 8 elements with missing labels (JSON null) and
    options (a per-element pos_weight array among them): bce_term,
    bce_grad, bce_logits_term, bce_logits_grad.  The row's loss is the
    mean over its labelled elements, each gradient divided by n and
    their count; a missing element's gradient is 0."""
    calls = []
    for logits in (False, True):
        k = d.r.randint(1, 8)
        ys = [None if d.r.random() < 0.25 else d.y() for _ in range(k)]
        if all(v is None for v in ys):
            ys[d.r.randrange(k)] = d.y()
        xs = [d.zf() if logits else d.p() for _ in range(k)]
        o = bin_opts(d, "combined") if d.r.random() < 0.5 else {}
        if d.r.random() < 0.5:
            o["pos_weight"] = [d.pos_weight() for _ in range(k)]
        if not logits:
            o = with_eps(d, o)
            if any(gen_ref.clip(x, o.get("eps", EPS)) in (0.0, 1.0)
                   for x in xs):
                o["eps"] = EPS
        fn = "bce_logits" if logits else "bce"
        lab = [i for i in range(k) if ys[i] is not None]
        kk = mpf(len(lab))

        def el(i):
            oi = dict(o)
            if isinstance(o.get("pos_weight"), list):
                oi["pos_weight"] = o["pos_weight"][i]
            return oi
        l = mp.fsum(opt_precise(opt_bin, ys[i], xs[i], logits, el(i), False)
                    for i in lab) / kk
        yj = "[" + ",".join("null" if v is None else repr(v)
                            for v in ys) + "]"
        js = json.dumps(o)
        w = 1.0 if d.r.random() < 0.5 else d.w()
        if l <= mpf(DBL_MAX) and w > 0 and mpf(w) * l <= mpf(DBL_MAX) / 2:
            calls.append(("%s_term/multi-label, missing labels, options"
                          % fn, fn + "_term", (yj, jarr(xs), w, js),
                          mpf(w) * l))
        n = d.n()
        g = [mpf(0) if ys[i] is None else
             opt_precise(opt_bin, ys[i], xs[i], logits, el(i), True)
             / (mpf(n) * kk) for i in range(k)]
        calls.append(("%s_grad/multi-label, missing labels, options" % fn,
                      fn + "_grad", (yj, jarr(xs), n, js), g))
    return calls


# ------------------------------------------------------- multi-class options
MC_KEYS = ["class_weight", "alpha", "gamma", "gamma non-integer",
           "smoothing", "ignore_index"]


def mc_opts(d, k, which):
    keys = [which] if which != "combined" else \
        d.r.sample(MC_KEYS, d.r.randint(2, 5))
    o = {}
    for key in keys:
        if key == "class_weight":
            o["class_weight"] = d.weights(k)
        elif key == "alpha":
            o["alpha"] = d.weights(k) if d.r.random() < 0.5 else \
                d.r.choice([0.25, 0.5, 2.0, d.r.uniform(0, 3)])
        elif key == "gamma":
            o["gamma"] = d.gamma(True)
        elif key == "gamma non-integer":
            o["gamma"] = d.gamma(False)
        elif key == "smoothing":
            o["smoothing"] = d.smoothing()
        else:
            o["ignore_index"] = d.r.choice([-100, -1, d.r.randrange(k)])
    return o


def mc_parts(xs, logits, eps, terms=False):
    """q_c, 1 - q_c and -ln q_c of every class: the clipped p, or
    softmax(z) with ln S = log1p(the other terms); terms: also e^(z_c - m)
    and S."""
    k = len(xs)
    if logits:
        z = [mpf(v) for v in xs]
        m = max(z)
        j = z.index(m)
        e = [mp.exp(v - m) for v in z]
        s = mp.fsum(e)
        ls = mp.log1p(mp.fsum(e[i] for i in range(k) if i != j))
        q = [v / s for v in e]
        u = [mp.fsum(e[i] for i in range(k) if i != c) / s for c in range(k)]
        nlq = [(m - z[c]) + ls for c in range(k)]
        return (q, u, nlq, e, s) if terms else (q, u, nlq)
    q = [mpf(gen_ref.clip(v, eps)) for v in xs]
    return q, [1 - v for v in q], [-mp.log(v) for v in q]


def mc_ref(y, xs, logits, o, want_grad):
    """Issue 21: l = sum_c w_c a_c (1-q_c)^g (-y'_c ln q_c),
    y' = y(1-s) + s/K; its gradient in q (probabilities) or z (logits):
    (value list or value, magnitude)."""
    k = len(xs)
    s = mpf(o.get("smoothing", 0))
    t = [mpf(v) for v in y] if isinstance(y, list) else \
        [mpf(1 if i == y else 0) for i in range(k)]
    ys = [v * (1 - s) + s / k for v in t]
    cw = [mpf(v) for v in o.get("class_weight", [1] * k)]
    al = o.get("alpha", 1)
    al = [mpf(v) for v in al] if isinstance(al, list) else [mpf(al)] * k
    g = mpf(o.get("gamma", 0))
    q, u, nlq, e, se = mc_parts(xs, logits, o.get("eps", EPS), True) \
        if logits else mc_parts(xs, logits, o.get("eps", EPS)) + (0, 0)
    amp = [cw[c] * al[c] * ys[c] for c in range(k)]
    f = [mpf(1) if g == 0 else u[c] ** g for c in range(k)]
    if not want_grad:
        v = mp.fsum(amp[c] * f[c] * nlq[c] for c in range(k))
        return v, v
    if logits:
        # h_c = -q_c dl_c/dq_c; dl/dz_k = q_k sum_{c != k} h_c - (1-q_k) h_k,
        # taken as (e_k sum_{c != k} h_c - sum_{c != k} e_c h_k)/S: where
        # the logits are equal and every h_c the same, the exact 0 is 0 and
        # not the rounding of q_k = 1/K (6.5e-187 over n = 1e-266 at 1500
        # bits, where the extension's 0 is right)
        h = [mpf(0) if amp[c] == 0 else amp[c] * f[c] *
             ((g * q[c] * nlq[c] / u[c] if g != 0 else 0) + 1)
             for c in range(k)]
        out = [(e[c] * mp.fsum(h[i] for i in range(k) if i != c)
                - mp.fsum(e[i] for i in range(k) if i != c) * h[c]) / se
               for c in range(k)]
        mag = [q[c] * mp.fsum(h[i] for i in range(k) if i != c) + u[c] * h[c]
               for c in range(k)]
        return out, mag
    # q_c = 1 (an eps below 2^-53 clips to 1): (1-q)^g ln q / (1-q) -> 0
    out = [mpf(0) if amp[c] == 0 or (u[c] == 0 and g != 0) else
           -amp[c] * f[c] * ((g * nlq[c] / u[c] if g != 0 else 0) + 1 / q[c])
           for c in range(k)]
    return out, [abs(v) for v in out]


def mc_precise(y, xs, logits, o):
    """The gradient list, at 1500 bits where an element cancels."""
    v, m = mc_ref(y, xs, logits, o, True)
    if any(mi != 0 and (vi == 0 or mi / abs(vi) > CANCEL)
           for vi, mi in zip(v, m)):
        with mp.workprec(HI_PREC):
            v, m = mc_ref(y, xs, logits, o, True)
    return v


def mc_ignored(y, o):
    return not isinstance(y, list) and o.get("ignore_index") == y


def g_mc_opt(d, a, which):
    """cce_term, cce_grad, cce_logits_term, cce_logits_grad with options:
    one key alone or several."""
    calls = []
    for logits in (False, True):
        k = d.k()
        if logits:
            xs = [max(-DBL_MAX, min(DBL_MAX, v)) for v in d.logits(k)]
            u = d.r.random()
            y = d.exact_targets(k) if u < 0.35 else d.r.randrange(k) \
                if u < 0.7 else min(range(k), key=lambda i: xs[i])
            fn = "cce_logits"
        else:
            xs = d.dist(k)
            y = d.target(k, xs)
            fn = "cce"
        o = mc_opts(d, k, which)
        if o.get("ignore_index") is not None and not isinstance(y, list) \
                and d.r.random() < 0.3:
            y = o["ignore_index"] if 0 <= o["ignore_index"] < k else y
        if not logits:
            o = with_eps(d, o)
            if any(gen_ref.clip(x, o.get("eps", EPS)) == 0.0 for x in xs):
                o["eps"] = EPS
        js, yj, xj = json.dumps(o), (jarr(y) if isinstance(y, list) else y), \
            jarr(xs)
        if mc_ignored(y, o):
            l, g = mpf(0), [mpf(0)] * k
        else:
            l = mc_ref(y, xs, logits, o, False)[0]
            g = mc_precise(y, xs, logits, o)
        w = 1.0 if d.r.random() < 0.5 else d.w()
        if l <= mpf(DBL_MAX) and w > 0 and mpf(w) * l <= mpf(DBL_MAX) / 2:
            calls.append(("%s_term/options %s" % (fn, which), fn + "_term",
                          (yj, xj, w, js), mpf(w) * l))
        n = d.n()
        calls.append(("%s_grad/options %s" % (fn, which), fn + "_grad",
                      (yj, xj, n, js), [v / mpf(n) for v in g]))
    return calls


# ------------------------------------------------------------- reductions
def g_reduction(d, a):
    """bce, bce_logits, cce, cce_logits over 1 to 40 rows (weighted half
    the time) with a reduction and other keys: "sum" is sum(s l),
    "mean_over_rows" sum(s l)/N, "mean" sum(s l)/sum(s d), d the class
    weight of an index target."""
    calls = []
    for fn in ("bce", "bce_logits", "cce", "cce_logits"):
        red = d.r.choice(["sum", "mean_over_rows", "mean"])
        weighted = d.r.random() < 0.5
        m = d.r.randint(1, 40)
        multi = fn.startswith("cce")
        logits = fn.endswith("logits")
        k = d.k()
        if multi:
            o = mc_opts(d, k, "combined") if d.r.random() < 0.7 else {}
        else:
            o = bin_opts(d, "combined") if d.r.random() < 0.7 else {}
        if not logits and d.r.random() < 0.5:
            o["eps"] = d.r.choice([1e-15, 1e-7, EPS])
        o["reduction"] = red
        js = json.dumps(o)
        rows, terms = [], []
        for _ in range(m):
            s = d.r.uniform(0.1, 10) if weighted else 1.0
            if multi:
                if logits:
                    xs = [max(-1e300, min(1e300, v)) for v in d.logits(k)]
                    y = d.target(k, [0.0] * k)
                else:
                    xs = d.dist(k)
                    y = d.target(k, xs)
                    if any(gen_ref.clip(x, o.get("eps", EPS)) == 0.0
                           for x in xs):
                        xs = [max(x, 1e-300) for x in xs]
                if mc_ignored(y, o):
                    continue_row = (jarr(y) if isinstance(y, list) else y,
                                    jarr(xs), s, js)
                    rows.append(continue_row)
                    continue
                l = mc_ref(y, xs, logits, o, False)[0]
                dd = mpf(o["class_weight"][y]) if "class_weight" in o \
                    and not isinstance(y, list) else mpf(1)
                rows.append((jarr(y) if isinstance(y, list) else y,
                             jarr(xs), s, js))
            else:
                y = d.y()
                x = d.r.uniform(-40, 40) if logits else d.p()
                l = opt_precise(opt_bin, y, x, logits, o, False)
                dd = mpf(1)
                rows.append((y, x, s, js))
            terms.append((mpf(s), l, dd))
        if not terms:
            continue
        tot = mp.fsum(s * l for s, l, dd in terms)
        if red == "sum":
            want = tot
        elif red == "mean_over_rows":
            want = tot / len(terms)
        else:
            den = mp.fsum(s * dd for s, l, dd in terms)
            if den == 0:
                continue
            want = tot / den
        if want == mp.inf or want > mpf(DBL_MAX) / 2:
            continue
        calls.append(("%s/reduction %s%s" % (fn, red,
                                             ", weighted" if weighted else ""),
                      fn, Agg(fn, rows), want))
    return calls


# ----------------------------------------------------------------- scores
def lse_exact(zs):
    """ln sum e^z: m + log1p(the others' e^(z - m)), at 1500 bits where
    m and the log1p cancel (log-probabilities: the result near 0)."""
    def f():
        z = [mpf(v) for v in zs]
        m = max(z)
        j = z.index(m)
        t = mp.log1p(mp.fsum(mp.exp(v - m) for i, v in enumerate(z)
                             if i != j))
        return m + t, abs(m) + abs(t)
    return opt_precise(lambda: f())


def g_scores(d, a):
    """logsumexp over 1 to 30 rows at scales 1 to 1e300; entropy of a
    number and of an array; kl_div_term (with a weight) and kl_div over
    rows, y next to p a third of the time."""
    r = d.r
    calls = []
    m = r.randint(1, 30)
    kind = r.random()
    if kind < 0.5:
        sc = r.choice([1, 3, 30, 1000])
        zs = [r.gauss(0, sc) for _ in range(m)]
    elif kind < 0.8:
        sc = d.binade(-1074, 996)
        zs = [sc * r.gauss(0, 1) for _ in range(m)]
    else:
        base = r.choice([-1, 1]) * d.binade(-10, 60)
        zs = [base + r.gauss(0, 1) * d.binade(-50, 2) for _ in range(m)]
    calls.append(("logsumexp", "logsumexp", Agg("logsumexp",
                                                [(z,) for z in zs]),
                  lse_exact(zs)))
    p = d.p()
    calls.append(("entropy/number", "entropy", (p,),
                  -(mpf(p) * mp.log(p) if p > 0 else 0)
                  - ((1 - mpf(p)) * mp.log1p(-mpf(p)) if p < 1 else 0)))
    k = d.k()
    pd = d.dist(k)
    calls.append(("entropy/array", "entropy", (jarr(pd),),
                  -mp.fsum(mpf(v) * mp.log(v) for v in pd if v > 0)))
    rows, terms = [], []
    for _ in range(r.randint(1, 10)):
        p = d.dist(k)
        if r.random() < 0.33:
            jig = r.choice([1e-3, 1e-8, 2.0 ** -50, r.uniform(1e-6, 1e-2)])
            y = [v * (1 + jig * r.uniform(-1, 1)) for v in p]
            sy = math.fsum(y)
            y = [v / sy for v in y]
        else:
            y = d.target(k, p)
        w = 1.0 if r.random() < 0.5 else r.uniform(0.1, 10)
        kl = kl_exact(y, p)
        yj = jarr(y) if isinstance(y, list) else y
        calls.append(("kl_div_term", "kl_div_term", (yj, jarr(p), w),
                      mpf(w) * kl))
        rows.append((yj, jarr(p), w))
        terms.append((mpf(w), kl))
    calls.append(("kl_div/mean", "kl_div", Agg("kl_div", rows),
                  mp.fsum(w * v for w, v in terms)
                  / mp.fsum(w for w, v in terms)))
    return calls


def g_lse_logprob(d, a):
    """logsumexp of a row of log-probabilities (tests/gen_lse_logprob.py's
    families): ln p_c rounded, for p of 2 to 40 classes drawn uniform, as
    powers, log-normal, with one class 1 - delta (delta down to 2^-50) or
    as a softmax; the exact result is 0 up to the rounding of the inputs,
    near 1e-17 and below."""
    r = d.r
    k = r.choice([2, 3, 5, 10, 40])
    fam = r.random()
    if fam < 0.25:
        w = [r.random() for _ in range(k)]
    elif fam < 0.45:
        e = r.choice([2, 4, 8])
        w = [r.random() ** e for _ in range(k)]
    elif fam < 0.65:
        sc = r.choice([1, 3, 6])
        w = [math.exp(r.gauss(0, sc)) for _ in range(k)]
    elif fam < 0.85:
        delta = 2.0 ** -r.uniform(5, 50)
        rest = [r.random() for _ in range(k - 1)]
        sr = math.fsum(rest)
        w = [1 - delta] + [delta * v / sr for v in rest]
    else:
        zs = [r.gauss(0, r.choice([1, 4, 10])) for _ in range(k)]
        m = max(zs)
        w = [math.exp(v - m) for v in zs]
    sw = math.fsum(w)
    zs = [math.log(v / sw) for v in w if v > 0]
    return [("logsumexp/log-probabilities", "logsumexp",
             Agg("logsumexp", [(z,) for z in zs]), lse_exact(zs))]


def kl_exact(y, p):
    """sum_c y_c ln(y_c / q_c), q clipped at the default eps, 0 ln 0 = 0;
    a class index c: -ln q_c."""
    q = [mpf(gen_ref.clip(v, EPS)) for v in p]
    if not isinstance(y, list):
        return -mp.log(q[y])

    def f():
        ts = [mpf(yc) * (mp.log(yc) - mp.log(qc))
              for yc, qc in zip(y, q) if yc > 0]
        return mp.fsum(ts), mp.fsum(abs(t) for t in ts)
    return opt_precise(f)


OPT_GROUPS = {}
for _w in BIN_KEYS + ["combined"]:
    OPT_GROUPS["options binary " + _w] = (
        (lambda w: lambda d, a: g_bin_opt(d, a, w))(_w),
        ["bce_term", "bce_grad", "bce_logits_term", "bce_logits_grad"],
        0.04, 500)
for _w in MC_KEYS + ["combined"]:
    OPT_GROUPS["options multi-class " + _w] = (
        (lambda w: lambda d, a: g_mc_opt(d, a, w))(_w),
        ["cce_term", "cce_grad", "cce_logits_term", "cce_logits_grad"],
        0.04, 250)
OPT_GROUPS["options multi-label"] = (
    lambda d, a: g_multilabel_opt(d, a),
    ["bce_term", "bce_grad", "bce_logits_term", "bce_logits_grad"],
    0.04, 250)
OPT_GROUPS["options reduction"] = (
    lambda d, a: g_reduction(d, a),
    ["bce", "bce_logits", "cce", "cce_logits"], 0.008, 25)
OPT_GROUPS["scores"] = (g_scores, ["logsumexp", "entropy", "kl_div_term",
                                   "kl_div"], 0.04, 250)
OPT_GROUPS["scores log-probabilities"] = (g_lse_logprob, ["logsumexp"],
                                          0.02, 250)
GROUPS.update(OPT_GROUPS)
FAMILIES += list(OPT_GROUPS)


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


class Failed:
    """A call that SQLite refused: its error message."""

    def __init__(self, msg):
        self.msg = msg


def run_one(sql, params):
    try:
        return CONN.execute(sql, params).fetchall()
    except sqlite3.Error as e:
        return Failed(str(e))


def run_agg(agg):
    """One aggregate call: over a VALUES table of its rows, or over a
    recursive count repeating its one row."""
    nargs = len(agg)
    if agg.copies > 1:
        sql = ("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
               "FROM c WHERE i < ?) SELECT %s(%s) FROM c"
               % (agg.fn, ", ".join("?" * nargs)))
        params = [agg.copies] + list(agg.rows[0])
    else:
        cols = ", ".join("column%d" % (j + 1) for j in range(nargs))
        row = "(" + ", ".join("?" * nargs) + ")"
        sql = "SELECT %s(%s) FROM (VALUES %s)" % (
            agg.fn, cols, ", ".join([row] * len(agg.rows)))
        params = [v for r in agg.rows for v in r]
    out = run_one(sql, params)
    return out if isinstance(out, Failed) else out[0][0]


def run_calls(calls):
    """Run (fn, args) calls, many per SELECT, grouped by function and
    arity; the results in the calls' order.  A SELECT that fails is run
    again a call at a time, so that the call SQLite refuses gets its
    message (Failed) and the others their results."""
    out = [None] * len(calls)
    by = {}
    for i, (fn, args) in enumerate(calls):
        if isinstance(args, Agg):
            out[i] = run_agg(args)
        else:
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
            res = run_one(sql, params)
            if isinstance(res, Failed):
                one = "SELECT %s(%s)" % (fn, ", ".join("?" * nargs))
                for i in part:
                    r1 = run_one(one, calls[i][1])
                    out[i] = r1 if isinstance(r1, Failed) else r1[0][0]
                continue
            for i, v in res:
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


def spell(a):
    """An argument as SQL: a JSON text in quotes, long runs of one value
    written once with their count (x999) to keep a K = 1000 row short;
    a number as repr()."""
    if not isinstance(a, str):
        return repr(a)
    if not a.startswith("["):
        return "'%s'" % a
    items = a[1:-1].split(",")
    if len(items) <= 20:
        return "'%s'" % a
    runs = []
    for v in items:
        if runs and runs[-1][0] == v:
            runs[-1][1] += 1
        else:
            runs.append([v, 1])
    return "'[%s]'" % ",".join(v if c < 4 else "%s x%d" % (v, c)
                               for v, c in runs)


def describe(fn, args):
    if isinstance(args, Agg):
        rows = ", ".join("(%s)" % ", ".join(spell(v) for v in r)
                         for r in args.rows)
        if args.copies > 1:
            return "%s over %d copies of %s" % (fn, args.copies, rows)
        return "%s over the rows %s" % (fn, rows)
    return "%s(%s)" % (fn, ", ".join(spell(a) for a in args))


def measure(got, want):
    """The worst error of one result (a number or a JSON array), in ulp,
    the number of values in it, and what was wrong beyond the number (an
    error message, invalid JSON, an array of the wrong length)."""
    if isinstance(got, Failed):
        return INF, len(want) if isinstance(want, list) else 1, \
            "error: " + got.msg
    if isinstance(want, list):
        if got is None:
            return INF, len(want), "NULL"
        try:
            vals = json.loads(got)
        except ValueError:
            return INF, len(want), "invalid JSON %r" % got[:200]
        if len(vals) != len(want):
            return INF, len(want), "%d values" % len(vals)
        worst, at = 0.0, 0
        for i, (g, x) in enumerate(zip(vals, want)):
            e = err_ulp(float(g), x)
            if e > worst:
                worst, at = e, i
        return worst, len(want), "element %d" % at
    if got is None:
        return INF, 1, "NULL"
    return err_ulp(float(got), want), 1, ""


def case_calls(name, key, count):
    """The calls of the first count cases of a chunk (its seed key)."""
    d = OptCases(key)
    a = api(FUNCS)
    return [c for _ in range(count) for c in GROUPS[name][0](d, a)]


def work(task):
    name, chunk, n, seed = task
    key = "%d:%s:%d" % (seed, name, chunk)
    t0 = time.process_time()
    res = {}
    if name == "bce mean":
        d = Cases(key)
        groups = mean_groups(d, api(FUNCS), n)
        got = run_means(groups)
        for (rows, e, weighted, want), g in zip(groups, got):
            cls = "bce/mean, weighted" if weighted else "bce/mean"
            w = res.setdefault(cls, Worst())
            w.add(err_ulp(g, want), "bce over %d rows, eps %r, seed %s"
                  % (len(rows), e, key), len(rows))
        return name, res, time.process_time() - t0
    d = OptCases(key)
    a = api(FUNCS)
    flat = [(c, -1) for c in reported(name)] if chunk == 0 else []
    for i in range(n):
        flat += [(c, i) for c in GROUPS[name][0](d, a)]
    got = run_calls([(fn, args) for (cls, fn, args, want), i in flat])
    for ((cls, fn, args, want), i), g in zip(flat, got):
        e, nv, note = measure(g, want)
        where = "%s%s [case %s #%d]" % (
            describe(fn, args), ": " + note if note else "", key, i)
        res.setdefault(cls, Worst()).add(e, where, nv)
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


def group_size(name, n):
    """The cases and the cases a chunk of a group, for ACCURACY_CASES n:
    its share of n, at least 20 for the mean, 10 for a family."""
    if name == "bce mean":
        return max(20, n // 100), CHUNK // 100
    g = GROUPS[name]
    if len(g) == 4:
        return max(10, int(n * g[2])), g[3]
    return max(1, int(n * g[2])), CHUNK


def show(lib, what):
    """--show 'SEED:GROUP:CHUNK#I': the calls of that one case in full,
    each with its result, the exact value and the error."""
    key, i = what.rsplit("#", 1)
    name = key.split(":")[1]
    if name not in GROUPS:
        print("--show: no group %r (the mean's groups cannot be replayed)"
              % name)
        return 2
    init(lib)
    d = OptCases(key)
    a = api(FUNCS)
    calls = reported(name)          # case -1: the reported inputs
    for _ in range(int(i) + 1):
        calls = GROUPS[name][0](d, a)
    got = run_calls([(fn, args) for cls, fn, args, want in calls])
    for (cls, fn, args, want), g in zip(calls, got):
        e, nv, note = measure(g, want)
        spelled = lambda vs: ", ".join(
            "'%s'" % v if isinstance(v, str) else repr(v) for v in vs)
        full = "%s over %d copies of the rows %s" % (fn, args.copies, ", ".join(
            "(%s)" % spelled(r) for r in args.rows)) \
            if isinstance(args, Agg) else "%s(%s)" % (fn, spelled(args))
        if isinstance(g, Failed):
            g = g.msg
        elif isinstance(want, list) and note.startswith("element "):
            i = int(note.split()[1])
            g, want = json.loads(g)[i], want[i]
        print("%s\n  %s\n  %s: got %r, exact %s, %.3f ulp\n" % (
            cls, full, note or "result", g,
            mp.nstr(want, 20) if not isinstance(want, list) else "...", e))
    return 0


def main():
    lib = sys.argv[1] if len(sys.argv) > 1 else "./bce"
    if len(sys.argv) > 3 and sys.argv[2] == "--show":
        return show(lib, sys.argv[3])
    n = int(os.environ.get("ACCURACY_CASES", "1000000"))
    seed = int(os.environ.get("ACCURACY_SEED", "15"))
    jobs = max(1, min(2, int(os.environ.get("ACCURACY_JOBS", "2"))))
    only = os.environ.get("ACCURACY_ONLY")
    t_start = time.time()
    _, funcs = connect(lib)
    names = {f for f, narg in funcs}
    bounds = read_bounds()
    tasks, skipped = [], []
    unknown = [g for g in (only or "").split(",")
               if only and g not in GROUPS and g != "bce mean"]
    if unknown:
        print("FAIL|accuracy: ACCURACY_ONLY names no group %s; the groups: %s"
              % (", ".join(map(repr, unknown)),
                 ", ".join(FAMILIES + ORDER + ["bce mean"])))
        return 2
    for name in FAMILIES + ORDER + ["bce mean"]:
        if only and name not in only.split(","):
            continue
        need = ["bce"] if name == "bce mean" else GROUPS[name][1]
        missing = [f for f in need if f not in names]
        if missing:
            skipped.append((name, ", ".join(missing)))
            continue
        total, size = group_size(name, n)
        for c in range(0, (total + size - 1) // size):
            tasks.append((name, c, min(size, total - c * size), seed))
    results, cpu = {}, {}
    with multiprocessing.Pool(jobs, initializer=init, initargs=(lib,)) as pool:
        for name, res, t in pool.imap_unordered(work, tasks):
            cpu[name] = cpu.get(name, 0.0) + t
            for cls, w in res.items():
                results.setdefault(cls, Worst()).merge(w)
    passed = failed = opened = 0
    for name, why in skipped:
        print("skip|accuracy: %s|not in this build: %s" % (name, why))
    for cls, w in sorted(results.items()):
        b = bounds.get(cls)
        what = "%s: worst %.3f ulp over %d cases (%d values), seed %d" % (
            cls, w.worst, w.cases, w.values, seed)
        where = w.where if len(w.where) <= 1500 else \
            w.where[:700] + " ... " + w.where[-700:]
        if b is None:
            print("FAIL|accuracy: %s|no bound in %s (at %s)"
                  % (what, BOUNDS, where))
            failed += 1
        elif b[1].startswith("open:") and w.worst > float(b[1][5:]):
            # a known defect of the code, above the 4-ulp goal: its input
            # is an open item of docs/accuracy.md; the bound stays the goal
            print("skip|accuracy: %s|OPEN ITEM (docs/accuracy.md): above "
                  "the goal %s at %s" % (what, b[1][5:], where))
            opened += 1
        elif w.worst <= float(b[1].replace("open:", "")):
            print("ok|accuracy: %s within %s (at %s)" % (what, b[1], where))
            passed += 1
        else:
            print("FAIL|accuracy: %s|above the bound %s at %s"
                  % (what, b[1], where))
            failed += 1
    if os.environ.get("ACCURACY_WRITE") == "1":
        write_bounds(bounds, results, seed)
    for name in sorted(cpu, key=cpu.get, reverse=True):
        print("# %s: %.1f s of CPU" % (name, cpu[name]))
    print("# %d processes, %.0f s, %.0f s of CPU in the workers"
          % (jobs, time.time() - t_start, sum(cpu.values())))
    print("%d passed, %d failed%s%s" % (
        passed, failed, ", %d skipped" % len(skipped) if skipped else "",
        ", %d open items above the goal" % opened if opened else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
