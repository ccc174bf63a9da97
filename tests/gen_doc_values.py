# SPDX-License-Identifier: MIT
"""The exact values of the docs' worked examples, for tests/doc_values.py.

Usage: /usr/bin/python3 tests/gen_doc_values.py > tests/ref/doc_values.tsv

Finds the examples as tests/doc_values.py does and computes each call with
mpmath at 60 digits from the formulas of docs/functions.md, not from the
extension: every argument is the double SQLite reads (a nested call's
result rounded to a double first, as SQLite passes it), the clip's top
`1 - eps` rounded to a double as the docs say, and the rest exact.
Writes `call TAB value` (50 significant digits; a JSON array of them for
the functions that return arrays).
"""
import json
import sys

import mpmath
from mpmath import mp, mpf

sys.path.insert(0, "tests")
import doc_values  # noqa: E402

mp.dps = 60
INF = mpf("inf")
DEFAULT_EPS = 2.0**-52    # 2^-52, numpy's float64 eps (scikit-learn >= 1.5)


def dbl(x):
    """x rounded to a double, as an mpf."""
    return mpf(float(x))


def num(s):
    return mpf(float(s))            # 1e999 reads as +Inf, as in SQLite


def parse(expr):
    """A call, a number, or a quoted JSON array, into a value."""
    expr = expr.strip()
    if expr.startswith("'") and expr[1:-1].strip().lower().lstrip("+-") in (
            "inf", "infinity"):
        # a logit spelled as numpy and pandas write an infinity (rule 3)
        return -INF if expr[1:-1].strip().startswith("-") else INF
    if expr.startswith("'"):
        return [num(repr(x)) if not isinstance(x, str) else num(x)
                for x in json.loads(expr[1:-1])]
    if "(" in expr:
        name, rest = expr.split("(", 1)
        args = [parse(a) for a in doc_values.split_top(rest[:-1])]
        v = FUNCS[name.strip()](*args)
        if isinstance(v, list):
            return [dbl(x) for x in v]
        return dbl(v)               # SQLite passes the rounded double on
    return num(expr)


def clip(p, eps):
    top = dbl(1 - eps)              # 1 - eps, rounded as the docs say
    return min(max(p, eps), top)


def rows(y, p):
    """Element pairs: a number y broadcasts over an array p."""
    if isinstance(p, list):
        return list(zip(y if isinstance(y, list) else [y]*len(p), p))
    return [(y, p)]


def xlogq(y, q):
    """-y ln q, 0 where y = 0, +Inf where q = 0 < y."""
    if y == 0:
        return mpf(0)
    return INF if q == 0 else -y*mpmath.log(q)


def bce_loss(y, p, eps):
    q = clip(p, eps)
    # ln(1 - q) as log1p(-q): 1 - 1e-300 is 1 at 60 digits
    if y == 1:
        return xlogq(y, q)
    if q == 1:
        return INF
    return xlogq(y, q) - (1 - y)*mpmath.log1p(-q)


def bce_term(y, p, w=mpf(1), eps=DEFAULT_EPS):
    el = [bce_loss(a, b, mpf(eps)) for a, b in rows(y, p)]
    return w*sum(el)/len(el)


def bce(y, p, w=mpf(1), eps=DEFAULT_EPS):
    return bce_term(y, p, mpf(1), eps)      # one row: the weight cancels


def bce_grad(y, p, n=mpf(1), eps=DEFAULT_EPS):
    pairs = rows(y, p)
    g = []
    for a, b in pairs:
        q = clip(b, mpf(eps))
        g.append((-(a/q) + (1 - a)/(1 - q))/(n*len(pairs)))
    return g if isinstance(p, list) else g[0]


def softplus(z):
    return z if z == INF else mpmath.log1p(mpmath.exp(z))


def logits_loss(y, z):
    if z == INF:
        return mpf(0) if y == 1 else INF
    if z == -INF:
        return mpf(0) if y == 0 else INF
    return softplus(z) - y*z


def bce_logits_term(y, z, w=mpf(1)):
    el = [logits_loss(a, b) for a, b in rows(y, z)]
    return w*sum(el)/len(el)


def sigmoid(x):
    if x == INF:
        return mpf(1)
    if x == -INF:
        return mpf(0)
    return 1/(1 + mpmath.exp(-x))


def bce_logits_grad(y, z, n=mpf(1)):
    pairs = rows(y, z)
    g = [(sigmoid(b) - a)/(n*len(pairs)) for a, b in pairs]
    return g if isinstance(z, list) else g[0]


def logit(p):
    if p == 0:
        return -INF
    if p == 1:
        return INF
    return mpmath.log(p/(1 - p))


def targets(y, k):
    if isinstance(y, list):
        return y
    return [mpf(1) if i == int(y) else mpf(0) for i in range(k)]


def cce_term(y, p, w=mpf(1), eps=DEFAULT_EPS):
    t = targets(y, len(p))
    return w*sum(xlogq(a, clip(b, mpf(eps))) for a, b in zip(t, p))


def cce(y, p, w=mpf(1), eps=DEFAULT_EPS):
    return cce_term(y, p, mpf(1), eps)      # one row: the weight cancels


def logsumexp(z):
    """m + log1p(the other terms): at 60 digits a plain log(1 + e^-720)
    would be 0."""
    m = max(z)
    rest = list(z)
    rest.remove(m)
    return m + mpmath.log1p(sum(mpmath.exp(x - m) for x in rest if x != -INF))


def cce_logits_term(y, z, w=mpf(1)):
    t = targets(y, len(z))
    s = logsumexp(z)
    total = mpf(0)
    for a, b in zip(t, z):
        if a == 0:
            continue
        total += INF if b == -INF else a*(s - b)
    return w*total


def softmax(z):
    s = logsumexp(z)
    return [mpmath.exp(x - s) for x in z]


def log_softmax(z):
    s = logsumexp(z)
    return [x - s for x in z]


def cce_grad(y, p, n=mpf(1), eps=DEFAULT_EPS):
    t = targets(y, len(p))
    return [-a/clip(b, mpf(eps))/n for a, b in zip(t, p)]


def cce_logits_grad(y, z, n=mpf(1)):
    t = targets(y, len(z))
    return [(q - a)/n for q, a in zip(softmax(z), t)]


FUNCS = {
    "bce": bce, "bce_term": bce_term, "bce_grad": bce_grad,
    "bce_logits_term": bce_logits_term, "bce_logits_grad": bce_logits_grad,
    "sigmoid": sigmoid, "logit": logit, "cce_term": cce_term,
    "cce_logits_term": cce_logits_term, "softmax": softmax,
    "bce_logits": bce_logits_term,      # over one row: its term
    "log_softmax": log_softmax, "cce_grad": cce_grad, "cce": cce,
    "cce_logits_grad": cce_logits_grad,
}


def exact(call):
    """The call's value unrounded (its arguments rounded as SQLite does)."""
    name, rest = call.split("(", 1)
    args = [parse(a) for a in doc_values.split_top(rest[:-1])]
    return FUNCS[name](*args)


def show(v):
    if v == INF or v == -INF:
        return "inf" if v > 0 else "-inf"
    return mpmath.nstr(v, 50, min_fixed=1, max_fixed=0)


def main():
    print("# made by tests/gen_doc_values.py (mpmath %s, 60 digits): "
          "call TAB exact value" % mpmath.__version__)
    done = set()
    for _, _, call, _, _ in doc_values.examples():
        call = doc_values.sql_call(call)
        if call in done:
            continue
        done.add(call)
        v = exact(call)
        if isinstance(v, list):
            print("%s\t%s" % (call, json.dumps([show(x) for x in v])))
        else:
            print("%s\t%s" % (call, show(v)))


if __name__ == "__main__":
    main()
