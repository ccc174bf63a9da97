# SPDX-License-Identifier: MIT
"""The worked examples of the docs, checked to the digits they show.

Usage: /usr/bin/python3 tests/doc_values.py ./bce     (make test runs it)

Every example the docs write as a call and its value is found here by its
form, not listed by hand:

  `CALL` is `VALUE`      `CALL = VALUE`      `CALL` = `VALUE`
  a table whose header holds `v` and calls of v (`bce_logits_term(1, z)`),
      one example a row and call column
  a sqlite3 transcript (```sql) line `sqlite> SELECT CALL, CALL;` with no
      FROM, and the output line after it, one example a column

where CALL is a call of one of the extension's functions and VALUE a
number or a JSON array of numbers.  For each:

1. the doc's VALUE against the exact value (tests/ref/doc_values.tsv, made
   by tests/gen_doc_values.py with mpmath at 60 digits): a VALUE of 16 or
   more significant digits must be the shortest decimal of the double
   nearest the exact value (what repr() and the extension write); one of
   fewer digits, the exact value correctly rounded to the digits it shows
   (SQLite's shell writes 15); one ending in an ellipsis, cut there;
2. the extension's result against the doc's VALUE: bit for bit where the
   VALUE has 16 or more digits, else rounded to its digits; and its error
   from the exact value, in ulp, is printed with each check.

A call with no reference fails (run tests/gen_doc_values.py and commit its
output).  docs/accuracy.md, performance.md and testing.md are measurements,
not examples, and are not read.
"""
import json
import math
import re
import sqlite3
import sys
from decimal import Decimal, ROUND_HALF_EVEN, ROUND_DOWN, getcontext

getcontext().prec = 80

DOCS = ["README.md", "docs/functions.md", "docs/hosts.md", "docs/scale-out.md",
        "docs/csv.md", "docs/state-format.md", "docs/conventions.md"]
REF = "tests/ref/doc_values.tsv"
FUNCS = ("bce_logits_term|bce_logits_grad|bce_logits|bce_term|bce_grad|bce|"
         "cce_logits_term|cce_logits_grad|cce_logits|cce_term|cce_grad|cce|"
         "log_softmax|softmax|sigmoid|logit")
CALL = r"(?:%s)\([^`]*\)" % FUNCS
NUM = r"[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|Inf)…?"
VALUE = r"(?:%s|\[[^`\]]*\])" % NUM
# an example may go on "(the extension returns `V`": what the extension
# gives where it is not the nearest double (within its bound)
RETURNS = r"(?:,? \(the extension (?:returns|writes) `(%s)`)?" % VALUE
PATTERNS = [
    re.compile(r"`(%s)` is `(%s)`%s" % (CALL, VALUE, RETURNS)),
    re.compile(r"`(%s) = (%s)`%s" % (CALL, VALUE, RETURNS)),
    re.compile(r"`(%s)` = `(%s)`%s" % (CALL, VALUE, RETURNS)),
]
BOUND_ULP = 4    # issue 20's standard: every result within 4 ulp of exact


def split_top(s, sep=","):
    """s split at sep outside brackets, parentheses and quotes."""
    out, depth, quote, cur = [], 0, False, ""
    for ch in s:
        if ch == "'":
            quote = not quote
        elif not quote and ch in "([":
            depth += 1
        elif not quote and ch in ")]":
            depth -= 1
        if ch == sep and depth == 0 and not quote:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return out


def sql_literal(v):
    """A doc's spelling of an infinity, as SQL reads it."""
    return {"+Inf": "1e999", "Inf": "1e999", "-Inf": "-1e999"}.get(v, v)


def sql_call(call):
    """The call as SQL reads it: the docs' +Inf is 1e999."""
    return re.sub(r"([-+]?)Inf\b",
                  lambda m: "-1e999" if m.group(1) == "-" else "1e999", call)


def examples():
    """(file, line, call, value, the extension's value if the doc gives
    it) of every example the docs show."""
    found = []
    for path in DOCS:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        text = "\n".join(lines)
        # inline: joined across line breaks, as markdown reads them
        flat = re.sub(r"\s*\n\s*", " ", text)
        for pat in PATTERNS:
            for m in pat.finditer(flat):
                line = text[:text.find(m.group(1))].count("\n") + 1
                found.append((path, line, m.group(1), m.group(2),
                              m.group(3)))
        # tables: a header `v` | `f(.. v ..)` ...
        for i, row in enumerate(lines):
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            if not (row.startswith("| `") and i + 1 < len(lines)
                    and lines[i + 1].startswith("|---")):
                continue
            var = re.fullmatch(r"`(\w+)`", cells[0])
            calls = [re.fullmatch(r"`(%s)`" % CALL, c) for c in cells[1:]]
            if not var or not any(calls):
                continue
            for j in range(i + 2, len(lines)):
                if not lines[j].startswith("|"):
                    break
                vals = [c.strip() for c in lines[j].strip().strip("|").split("|")]
                arg = re.match(r"`([^`]*)`", vals[0]).group(1)
                for c, v in zip(calls, vals[1:]):
                    mv = re.match(r"`(%s)`" % VALUE, v)
                    if c and mv:
                        call = re.sub(r"\b%s\b" % var.group(1),
                                      sql_literal(arg), c.group(1))
                        found.append((path, j + 1, call, mv.group(1), None))
        # sqlite3 transcripts: SELECT of calls, no FROM, then its output
        for i, row in enumerate(lines):
            m = re.fullmatch(r"sqlite> SELECT (.*);", row)
            if not m or " FROM " in m.group(1).upper() or i + 1 >= len(lines):
                continue
            cols = split_top(m.group(1))
            outs = lines[i + 1].split("|")
            if len(cols) != len(outs) or lines[i + 1].startswith("Runtime"):
                continue
            for c, v in zip(cols, outs):
                if re.fullmatch(CALL, c) and re.fullmatch(VALUE, v):
                    found.append((path, i + 2, c, v, None))
    return found


def read_ref():
    ref = {}
    try:
        with open(REF, encoding="utf-8") as f:
            for row in f:
                if row.startswith("#") or not row.strip():
                    continue
                call, exact = row.rstrip("\n").split("\t")
                ref[call] = json.loads(exact) if exact.startswith("[") else exact
    except FileNotFoundError:
        pass
    return ref


def nearest(exact):
    """The double nearest the exact decimal string ('inf' included)."""
    return float(exact)


def digits_shown(value):
    """Significant digits of a decimal string."""
    mant = value.lstrip("+-").split("e")[0].replace(".", "").lstrip("0")
    return len(mant) if mant else 1


def doc_matches(value, exact):
    """Whether the doc's value is right for the exact value: '' or why not."""
    if value in ("+Inf", "Inf", "-Inf"):
        ok = nearest(exact) == float(sql_literal(value))
        return "" if ok else "the nearest double is %r" % nearest(exact)
    cut = value.endswith("…")
    v = value.rstrip("…")
    x = nearest(exact)
    if not cut and Decimal(v) == Decimal(repr(x)):
        return ""              # the shortest decimal of the nearest double
    n = digits_shown(v)
    if n >= 16 and not cut:
        return "not %s, the shortest decimal of the nearest double" % repr(x)
    e = Decimal(exact)
    if e == 0:
        return "" if Decimal(v) == 0 else "the exact value is 0"
    q = Decimal(1).scaleb(e.adjusted() - n + 1)
    r = e.quantize(q, rounding=ROUND_DOWN if cut else ROUND_HALF_EVEN)
    # the exact value may round up to the next power of ten
    if r.adjusted() > e.adjusted():
        q = q.scaleb(1)
        r = e.quantize(q, rounding=ROUND_HALF_EVEN)
    if r == Decimal(v):
        return ""
    return "exact %s... %s to %d digits is %s" % (
        exact[:24], "cut" if cut else "rounded", n, r)


def ulp_error(got, exact):
    e = Decimal(exact)
    if math.isinf(got) or Decimal(exact).is_infinite():
        return 0.0 if float(exact) == got else float("inf")
    ulp = math.ulp(float(e)) if float(e) != 0 else math.ulp(0.0)
    return float(abs(Decimal(got) - e) / Decimal(ulp))


def ext_matches(value, got):
    """Whether the extension's result agrees with the doc's digits."""
    v = value.rstrip("…")
    if v in ("+Inf", "Inf", "-Inf"):
        return got == float(sql_literal(v))
    if value.endswith("…"):
        return ("%.*e" % (digits_shown(v) + 2, got)).startswith(
            ("%.*e" % (digits_shown(v) + 2, float(v)))[:digits_shown(v) + 1])
    if digits_shown(v) >= 16:
        return got == float(v)
    # fewer digits: within half a unit of the last one, and the bound
    n = digits_shown(v)
    half = Decimal(1).scaleb(Decimal(v).adjusted() - n + 1)/2 if float(v) else 0
    return abs(Decimal(got) - Decimal(v)) <= half + BOUND_ULP*Decimal(math.ulp(got))


def main(lib):
    conn = sqlite3.connect(":memory:")
    conn.enable_load_extension(True)
    conn.load_extension(lib)
    ref = read_ref()
    bad = 0
    seen = set()
    for path, line, call, value, returns in examples():
        name = "%s:%d: %s = %s" % (path, line, call, value)
        if (call, value) in seen:
            continue
        seen.add((call, value))
        call = sql_call(call)
        if call not in ref:
            print("FAIL|%s|no reference: run tests/gen_doc_values.py" % name)
            bad += 1
            continue
        (got,) = conn.execute("SELECT " + call).fetchone()
        def elements(v):
            return [x.strip() for x in v[1:-1].split(",")] \
                if v.startswith("[") else [v]
        want = elements(value)
        ext_want = elements(returns) if returns else want
        if value.startswith("["):
            exact, gotl = ref[call], json.loads(got.replace("9e999", "1e999"))
        else:
            exact, gotl = [ref[call]], [got]
        if len(want) != len(exact) or len(gotl) != len(exact):
            print("FAIL|%s|lengths differ" % name)
            bad += 1
            continue
        why = [doc_matches(w, e) for w, e in zip(want, exact)]
        why = "; ".join(w for w in why if w)
        if why:
            print("FAIL|doc value: %s|%s" % (name, why))
            bad += 1
        else:
            print("ok|doc value: %s (exact to its digits)" % name)
        ulps = max(ulp_error(float(g), e) for g, e in zip(gotl, exact))
        if returns and ulps > BOUND_ULP:
            print("FAIL|extension: %s|%.3g ulp from exact, past %d"
                  % (name, ulps, BOUND_ULP))
            bad += 1
        elif all(ext_matches(w, float(g)) for w, g in zip(ext_want, gotl)):
            print("ok|extension: %s%s (%.3g ulp from exact)"
                  % (name, " (it returns %s)" % returns if returns else "",
                     ulps))
        else:
            print("FAIL|extension: %s|got %s (%.3g ulp from exact)"
                  % (name, got, ulps))
            bad += 1
    if not seen:
        print("FAIL|doc values|no example found")
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
