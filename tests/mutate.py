#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make mutate: source-level mutation testing of src/ and ext/ (issue 27).

Coverage says a branch ran; a mutant says whether a test would notice if
it were wrong.  For every file of FILES this script makes one mutant per
site and operator, each a one-place change of the source:

  ror       a comparison flipped or made strict/non-strict: < <=, > >=,
            == !=
  neg       the condition of an if or while negated: if( c ) -> if( !(c) )
  aor       binary + and - swapped, += and -= too
  int       an integer constant nudged: 0 -> 1, 1 -> 0, n -> n+1
  float     the last bit of a floating constant (the next double away
            from zero)
  del       a statement deleted: a call of fma, bce_fma, bce_sum_add*,
            or of an error report (bce_error*, sqlite3_result_error*,
            *_fail, *_error, report_*), alone or assigned
  ret       a returned value replaced: return e -> return 0 (return 0 ->
            return 1)

Comments, strings and preprocessor lines are not mutated.  Each mutant is
built in a scratch copy of the tree (build/mutate/wN/, one per worker,
built whole once; warnings not errors: a mutant that does not compile is
not counted) and run against the programs of `make test` that execute its
line, and only those:

  - the map: once per state of the tree (kept in
    build/mutate/w1/build/mutate-cov/reach.json), the library, the unit
    programs, the amalgamation's two hosts and the minimum-version build
    are built with clang's coverage counters, and each program of make
    test (programs() below: every step of tests/run.sh, one entry per
    program it runs) runs once against them with a profile of its own:
    the lines of src/ and ext/ each one executes;
  - a mutant of line L runs, one by one to the first failure, the
    programs that execute L (all of its lines, for a mutant over several),
    the likeliest killer first: the one that killed most mutants of the
    file so far, then the cheapest.  A program that never executes L runs
    the mutant exactly as the original, so it cannot kill it
    (docs/testing.md).  A line without a counter (data, code the coverage
    build leaves out) gets every program; a program that fails in the
    coverage build runs for every mutant.  Only the mutated file is
    compiled again, with make's own commands for it (`make -n -W FILE`),
    and what contains it (the library, the unit programs, the
    amalgamation and its hosts, the minimum-version library) is linked
    again from the copy's other objects, each when a selected program
    needs it, into wN/build/mutant/; the file is then put back with its
    time, so that the copy stays as make built it.

A program fails as tests/run.sh fails it (a FAIL line, a line that is no
result, a crash, output on stderr; the checker's, load's and the
minimum-version check's own tests) or by a time-out (MUTATE_TIMEOUT seconds
per program, default 120): then the mutant is killed.  A survivor must be
listed in tests/mutants_equivalent.tsv (file, line, operator, original
line, mutant line, reason; matched by the file, the operator and the two
lines' texts with the spaces squeezed, so that the line number may shift;
where the file has the original line more than once, a row is the one of
the occurrence nearest its line number) or the run fails.  The score per file is killed / (mutants - equivalent).

  MUTATE_FILES  the files (default: every .c of src/ and ext/)
  MUTATE_JOBS   workers in parallel (default 2)
  MUTATE_OPS    operators to use (default all, e.g. "ror neg")
  MUTATE_LIST=1 only list the mutants
  MUTATE_DIR    the scratch directory (default build/mutate)
  MUTATE_SAMPLE=N  every Nth mutant only (a run that must end in time)
  MUTATE_UNTIL=HH:MM  no mutant starts after this time (UTC, the next one:
                tomorrow's when today's has passed); the rest are
                counted as not run
  MUTATE_FULL=1 the check of the selection: for each survivor, make test
                itself, whole, with the mutant in the copy's tree (then
                built again as it was); MUTATE_FULL=all for every mutant.
                A mutant where the two disagree fails the run
  MUTATE_RESUME=<a copy of progress.tsv>  only the mutants that file does
                not list: the rest of a run that was stopped, on the same
                tree (a copy: this run writes build/mutate/progress.tsv anew)
  MUTATE_RERUN=build/mutate/results.tsv  only the mutants that file lists
                as surviving and tests/mutants_equivalent.tsv does not
                excuse, against the tree as it is now (the new tests)

Results: build/mutate/results.tsv (one row a mutant: status, seconds) and
the table printed at the end.
"""
import concurrent.futures
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.abspath(os.environ.get("MUTATE_DIR") or os.path.join(ROOT, "build", "mutate"))
EQUIV = os.path.join(ROOT, "tests", "mutants_equivalent.tsv")
TIMEOUT = int(os.environ.get("MUTATE_TIMEOUT", "120"))
FULL_TIMEOUT = 900
SLOW_SQL = {"tests/sql/mpmath_big_arrays.sql"}
# warnings are not errors here: a mutant that leaves a variable unused
# still says something about the tests
STRICT = "STRICT=-std=c11 -ffp-contract=off -w"

DEL_CALL = re.compile(
    r"(?:bce_)?fma|bce_sum_add\w*|bce_error\w*|sqlite3_result_error\w*"
    r"|\w+_fail|\w*_error|report_\w+|error_\w+")


# ------------------------------------------------------------ the mutants
def mask(text):
    """text with comments, string and character literals and preprocessor
    lines blanked (newlines kept), so that offsets stay the same"""
    out = list(text)
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == "#":
            # a preprocessor line, with its continuations
            j = i
            while j < n and not (text[j] == "\n" and text[j - 1] != "\\"):
                j += 1
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        if c == "\n":
            line_start = True
            i += 1
            continue
        if c in " \t":
            i += 1
            continue
        line_start = False
        if text.startswith("/*", i):
            j = text.index("*/", i + 2) + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j += 1
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


TOKEN = re.compile(r"""
    (?P<num>\.?\d(?:[eEpP][+-]|[\w.])*)
  | (?P<id>[A-Za-z_]\w*)
  | (?P<op>->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=|[^\s\w])
  | (?P<ws>\s+)
""", re.X)


def tokens(masked):
    return [(m.lastgroup, m.group(), m.start()) for m in TOKEN.finditer(masked)
            if m.lastgroup != "ws"]


def match_paren(masked, i, open_="(", close=")"):
    depth = 0
    for j in range(i, len(masked)):
        if masked[j] == open_:
            depth += 1
        elif masked[j] == close:
            depth -= 1
            if depth == 0:
                return j
    return -1


def int_mutant(tok):
    m = re.fullmatch(r"(0[xX][0-9a-fA-F]+|\d+)([uUlL]*)", tok)
    if not m:
        return None
    body, suf = m.groups()
    if body.lower().startswith("0x"):
        v = int(body, 16)
        return "0x%X%s" % (v + 1, suf)
    if len(body) > 1 and body.startswith("0"):
        v = int(body, 8)
        return "0%o%s" % (v + 1, suf)
    v = int(body)
    return "%d%s" % ({0: 1, 1: 0}.get(v, v + 1), suf)


def float_mutant(tok):
    m = re.fullmatch(r"(.*?)([fF]?)", tok)
    body, suf = m.groups()
    try:
        v = float.fromhex(body) if body.lower().startswith("0x") else float(body)
    except ValueError:
        return None
    w = math.nextafter(v, math.inf)
    if suf:  # a float constant: its own last bit
        import struct
        f = struct.unpack("<f", struct.pack("<f", v))[0]
        bits = struct.unpack("<I", struct.pack("<f", f))[0] + 1
        w = struct.unpack("<f", struct.pack("<I", bits))[0]
    return w.hex() + suf


def mutants_of(path):
    text = open(os.path.join(ROOT, path)).read()
    masked = mask(text)
    toks = tokens(masked)
    found = []

    def add(op, start, end, new):
        found.append((op, start, end, new))

    for k, (kind, tok, pos) in enumerate(toks):
        prev = toks[k - 1] if k else ("op", ";", 0)
        nxt = toks[k + 1] if k + 1 < len(toks) else ("op", ";", len(text))
        end = pos + len(tok)
        if kind == "op":
            flip = {"<": "<=", "<=": "<", ">": ">=", ">=": ">",
                    "==": "!=", "!=": "=="}
            if tok in flip:
                add("ror", pos, end, flip[tok])
            elif tok in ("+", "-") and (prev[0] in ("id", "num")
                                         or prev[1] in (")", "]")):
                add("aor", pos, end, "-" if tok == "+" else "+")
            elif tok in ("+=", "-="):
                add("aor", pos, end, "-=" if tok == "+=" else "+=")
        elif kind == "num":
            is_float = (("." in tok or re.search(r"[eE]", tok))
                        and not tok.lower().startswith("0x")) or \
                (tok.lower().startswith("0x") and "p" in tok.lower())
            new = float_mutant(tok) if is_float else int_mutant(tok)
            if new is not None:
                add("float" if is_float else "int", pos, end, new)
        elif kind == "id" and tok in ("if", "while") and nxt[1] == "(":
            o = nxt[2]
            c = match_paren(masked, o)
            if c > 0:
                add("neg", o, c + 1, "(!" + text[o:c + 1] + ")")
        elif kind == "id" and tok == "return" and nxt[1] != ";":
            e = masked.index(";", pos)
            expr = text[nxt[2]:e].strip()
            if "(" in masked[nxt[2]:e] and masked[nxt[2]:e].count("(") != \
                    masked[nxt[2]:e].count(")"):
                continue
            zero = re.fullmatch(r"\(?(0|0\.0*|0?\.0+)[fFlLuU]*\)?", expr)
            add("ret", nxt[2], e, "1" if zero else "0")
        elif kind == "id" and DEL_CALL.fullmatch(tok) and nxt[1] == "(":
            # the statement this call is: at a statement's start, or the
            # right side of `x = call(...)` / `x += call(...)`
            j = k - 1
            if toks[j][1] in ("=", "+=", "-="):
                # walk back over the assigned lvalue (a name, *p, a->b, a[i])
                j -= 1
                while j >= 0 and toks[j][1] not in (";", "{", "}", ")", "else"):
                    if toks[j][1] in (",", "(", "?", ":", "=", "return"):
                        break
                    j -= 1
                if j >= 0 and toks[j][1] in (",", "(", "?", ":", "=", "return"):
                    continue
            start_tok = j + 1
            if j >= 0 and toks[j][1] not in (";", "{", "}", ")", "else"):
                continue
            if j >= 0 and toks[j][1] == ")":
                # `if( c ) call(...);` is a statement too, but `(type)call`
                # is not: the paren must close an if, while or for
                o = match_paren_back(masked, toks[j][2])
                if not re.search(r"\b(if|while|for)$", masked[:o].rstrip()):
                    continue
            if start_tok < len(toks) and toks[start_tok][0] == "id" and \
                    start_tok + 1 < len(toks) and toks[start_tok + 1][0] == "id":
                continue  # a declaration: `double x = fma(...)`
            c = match_paren(masked, nxt[2])
            if c < 0:
                continue
            rest = masked[c + 1:].lstrip()
            if not rest.startswith(";"):
                continue
            semi = masked.index(";", c + 1)
            add("del", toks[start_tok][2], semi + 1, ";")
    return text, found


def match_paren_back(masked, i):
    depth = 0
    for j in range(i, -1, -1):
        if masked[j] == ")":
            depth += 1
        elif masked[j] == "(":
            depth -= 1
            if depth == 0:
                return j
    return 0


def squeeze(s):
    return " ".join(s.split())


def describe(text, start, end, new):
    """(line number, the original line, the mutant line) of a mutant:
    its first line before and after, spaces squeezed"""
    line_no = text.count("\n", 0, start) + 1
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", start)
    le = len(text) if le < 0 else le
    mutated = text[:start] + new + text[end:]
    me = mutated.find("\n", ls)
    me = len(mutated) if me < 0 else me
    return line_no, squeeze(text[ls:le]), squeeze(mutated[ls:me])


def load_equivalent():
    eq = {}
    if not os.path.exists(EQUIV):
        return eq
    for n, line in enumerate(open(EQUIV), 1):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        if len(f) != 6 or not f[5].strip():
            sys.exit("%s:%d: want 6 fields, the last a reason" % (EQUIV, n))
        if not f[1].isdigit():
            sys.exit("%s:%d: the line is no number" % (EQUIV, n))
        eq.setdefault((f[0], f[2], squeeze(f[3]), squeeze(f[4])), []).append((int(f[1]), f[5]))
    return eq


def excuse(m, eq):
    """the reason of the row of tests/mutants_equivalent.tsv that excuses
    mutant m, or None.  A row names its line by the texts; where the file
    has that original line more than once, the row is the one of the
    occurrence nearest its line number (a row is one line's proof, not
    every twin's)"""
    rows = eq.get((m["file"], m["site"][0], m["orig"], m["mut"]))
    if not rows:
        return None
    occ = [k for k, line in enumerate(m["text"].split("\n"), 1) if squeeze(line) == m["orig"]]
    for line, reason in rows:
        if not occ or min(occ, key=lambda k: (abs(k - line), k)) == m["line"]:
            return reason
    return None



# ------------------------------------------------------------- the runs
# Each program of make test, as tests/run.sh runs it and judges it: its
# argv (with {LIB}, {LIBX} (the library without its suffix), {UNIT_name},
# {HOST_STATIC}, {EXAMPLE_PARALLEL}, {MINVER} put in for the build at
# hand: the mutant's, the coverage build's, the copy's own), what it needs
# built, and how its output is judged.  Two checks of run.sh's host step
# are not here, because no mutant can change them: the list of exported
# symbols (set by the declarations and -fvisibility=hidden, which no
# operator touches) and make install (it copies the files, then runs
# bce_version() from the installed library: the load check's path).
DOCS_TSV = "build/mutant-docs.tsv"
PYTHON = "/usr/bin/python3"


def programs(units):
    progs = []

    def add(name, argv, needs="lib", judge="report"):
        progs.append({"name": name, "argv": argv, "needs": needs, "judge": judge})

    # 1, 2: the unit programs and the SQL scripts
    for u in units:
        add("unit_" + u, ["{UNIT_%s}" % u], needs="unit_" + u)
    for f in sorted(os.listdir(os.path.join(ROOT, "tests/sql"))):
        if f.endswith(".sql") and "tests/sql/" + f not in SLOW_SQL:
            add("tests/sql/" + f, ["sqlite3", "-batch", "-bail", ":memory:",
                                   "-cmd", ".load {LIB}", ".read tests/sql/" + f])
    # 2b. the same scripts under an x86-64 without AVX2, for the portable
    #     code the processor test replaces here (run.sh's portable step,
    #     which names the scripts it leaves out)
    if os.uname().machine == "x86_64" and shutil.which("qemu-x86_64"):
        leave = re.search(r'PORTABLE_SKIP="([^"]*)"',
                          open(os.path.join(ROOT, "tests/run.sh")).read()).group(1).split()
        for f in sorted(os.listdir(os.path.join(ROOT, "tests/sql"))):
            g = "tests/sql/" + f
            if f.endswith(".sql") and g not in SLOW_SQL and g not in leave:
                add("portable: " + g, ["qemu-x86_64", "-cpu", "Nehalem", shutil.which("sqlite3"),
                                       "-batch", "-bail", ":memory:", "-cmd", ".load {LIB}",
                                       ".read " + g])
    # 3. the checker: every line must be a FAIL| line
    add("checker", ["sqlite3", "-batch", "-bail", ":memory:", "-cmd", ".load {LIB}",
                    ".read tests/checker/must_fail.sql"], judge="checker")
    # 4. every error message
    add("errors.tsv", ["build/errors_driver", "{LIB}", "tests/errors.tsv"])
    add("errors_options_text.tsv", ["build/errors_driver", "{LIB}",
                                    "tests/errors_options_text.tsv"])
    # 5. the docs: the error tables (DOCS_TSV, made by run.sh's own sed
    #    lines), the worked examples; the seeds' check loads no library
    add("docs/functions.md errors", ["build/errors_driver", "{LIB}", DOCS_TSV])
    for page in ("docs/scale-out.md", "docs/common-mistakes.md"):
        add(page, ["env", "SQLITE3=sqlite3", "LIB={LIB}", "sh", "tests/doc_examples.sh", page])
    add("tests/fuzz/make_seeds.py", ["python3", "tests/fuzz/make_seeds.py", "--check"],
        needs=None)
    # 6. .load without a suffix
    add("load", ["sqlite3", "-batch", ":memory:", "-cmd", ".load {LIBX}",
                 "SELECT bce_version();"], judge="load")
    # 7. Python
    for py in ("python_load", "state_shards", "state_shards_options", "text_numbers"):
        add("tests/%s.py" % py, [PYTHON, "tests/%s.py" % py, "{LIBX}"])
    add("tests/parallel.py", [PYTHON, "tests/parallel.py", "{LIBX}", "10",
                              "{EXAMPLE_PARALLEL}"], needs="amalg")
    for py in ("doc_values", "sklearn_conventions"):
        add("tests/%s.py" % py, [PYTHON, "tests/%s.py" % py, "{LIBX}"])
    # 8. the hosts: linked in (the amalgamation), the entry point's own
    #    test, the build that refuses every SQLite
    add("host_static", ["{HOST_STATIC}"], needs="amalg")
    add("tests/entry_api.c", ["build/entry_api", "{LIB}"])
    add("tests/alloc_rows.c", ["build/alloc_rows", "{LIB}"])
    add("minver", ["sqlite3", "-batch", ":memory:", "-cmd", ".load {MINVER}", "SELECT 1;"],
        needs="minver", judge="minver")
    return progs


def argv_for(prog, where):
    """prog's argv for a build: "mutant", "cov" or "orig" """
    if where == "mutant":
        sub = {"LIB": MUT_LIB, "LIBX": MUT_LIB[:-3], "HOST_STATIC": MUT + "/host_static",
               "EXAMPLE_PARALLEL": MUT + "/example_parallel", "MINVER": MUT + "/minver/bce"}
        unit = MUT + "/unit_%s"
    elif where == "cov":
        sub = {"LIB": "build/cov/bce.so", "LIBX": "build/cov/bce",
               "HOST_STATIC": COVX + "/host_static",
               "EXAMPLE_PARALLEL": COVX + "/example_parallel", "MINVER": COVX + "/minver/bce"}
        unit = "build/cov/unit_%s"
    else:
        sub = {"LIB": "./bce.so", "LIBX": "./bce", "HOST_STATIC": "build/host_static",
               "EXAMPLE_PARALLEL": "build/example_parallel", "MINVER": "build/minver/bce"}
        unit = "build/unit_%s"
    out = []
    for a in prog["argv"]:
        for k, v in sub.items():
            a = a.replace("{%s}" % k, v)
        m = re.fullmatch(r"\{UNIT_(\w+)\}", a)
        out.append(unit % m.group(1) if m else a)
    return out


def want_version(wdir):
    m = re.search(r'#define BCE_VERSION "(.*)"', open(os.path.join(wdir, "src/version.h")).read())
    return m.group(1) if m else None


SQLITE_VERSION = []


def judge(prog, p, wdir):
    """why tests/run.sh would fail prog on that output, or "" """
    out, err = p.stdout, p.stderr
    if prog["judge"] == "report":
        # program(): only ok|, FAIL| and skip| lines; exit 1 means failed
        # checks, already listed; anything else is a crash
        # lines as the shell's read takes them: a form feed in a message
        # is not a line break
        for l in out.split("\n")[:-1]:
            if l.startswith("FAIL|"):
                return l[:200]
            if not l.startswith(("ok|", "skip|")):
                return "unexpected output: " + l[:200]
        if p.returncode > 1 or p.returncode < 0 or err:
            return "exit %d %s" % (p.returncode, err[:200])
        return ""
    if prog["judge"] == "checker":
        for l in out.split("\n")[:-1]:
            if not l.startswith("FAIL|"):
                return "checker accepted a wrong value: " + l[:200]
        return "stderr " + err[:200] if err else ""
    if prog["judge"] == "load":
        got = (out + err).rstrip("\n")
        want = want_version(wdir)
        return "" if want and got == want else "got %r, want %r" % (got[:200], want)
    if prog["judge"] == "minver":
        if not SQLITE_VERSION:
            SQLITE_VERSION.append(subprocess.run(["sqlite3", "--version"], capture_output=True,
                                                 text=True).stdout.split(" ")[0])
        want = ("error during initialization: bce: needs SQLite 99.0.0 or later "
                "(window functions); this is " + SQLITE_VERSION[0])
        got = err.split("\n")[0]
        got = got[len("Error: "):] if got.startswith("Error: ") else got
        return "" if got == want else "got %r" % got[:200]
    raise ValueError(prog["judge"])


def run(prog, argv, cwd, timeout, env=None):
    """(killed?, why) for one program of the suite"""
    try:
        p = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=timeout,
                           env=env, text=True, errors="replace")
    except subprocess.TimeoutExpired:
        return True, "timeout %ds" % timeout
    why = judge(prog, p, cwd)
    return bool(why), why


# ------------------------------------------------- which program reaches what
# The library, the unit programs, the amalgamation's hosts and the build
# that refuses every SQLite, all with clang's coverage counters (the
# Makefile's cov kind: -O0, BCE_COVERAGE), each program of make test run
# once against them with a profile of its own: the lines of src/ and ext/
# each executes.  A program that never executes a mutant's line runs the
# mutant exactly as it runs the original (docs/testing.md, "make mutate"),
# so it cannot kill it and is not run.
COVX = "build/mutate-cov"
LLVM_COV = shutil.which("llvm-cov-14") or shutil.which("llvm-cov") or "llvm-cov"
LLVM_PROFDATA = shutil.which("llvm-profdata-14") or shutil.which("llvm-profdata") or "llvm-profdata"


def make_var(cwd, name):
    p = subprocess.run(["make", "-s", "--no-print-directory", STRICT, "--eval",
                        "mutate-var: ; @echo $(%s)" % name, "mutate-var"],
                       cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("make mutate: cannot read %s from the Makefile: %s" % (name, p.stderr))
    return p.stdout.split()


def amalgamation_origins(wdir):
    """for each line of the copy's amalgamation, (file, line) of the source
    it was copied from, or None: scripts/amalgamate.py run again with each
    line it copies remembered, and its output checked to be the file's"""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "amalgamate", os.path.join(wdir, "scripts/amalgamate.py"))
    am = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(am)
    made = []

    class Traced(am.Amalgamation):
        def __init__(self, root):
            super().__init__(root)
            self.origin = []
            self.where = None
            made.append(self)
            outer = self

            class Out(list):
                def append(self, line):
                    super().append(line)
                    for _ in range(line.count("\n")):
                        outer.origin.append(outer.where)
                    outer.where = None
            self.out = Out()

        def copy(self, path):
            # as the original, each copied line tagged with its place
            path = os.path.realpath(path)
            if path in self.seen:
                return
            self.seen.add(path)
            self.banner("Begin file", path)
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            for n, line in enumerate(lines, 1):
                m = am.INCLUDE.match(line)
                if m:
                    target = os.path.realpath(os.path.join(os.path.dirname(path), m.group(1)))
                    if os.path.isfile(target) and target.startswith(self.root):
                        if target not in self.seen:
                            self.copy(target)
                            self.banner("Continuing", path)
                        continue
                if am.DEFINE_PRIVATE.match(line):
                    self.out.append("/* (BCE_PRIVATE%s is static here) */\n"
                                    % (am.DEFINE_PRIVATE.match(line).group(1) or ""))
                    continue
                if am.INIT3.match(line):
                    continue
                if am.INIT1.match(line):
                    self.init1_found = True
                    continue
                self.where = (self.rel(path), n)
                self.out.append(line)
                if am.SQLITE3EXT.match(line) and not self.api_placed:
                    self.out.append(am.STATIC_API)
                    self.api_placed = True
            self.banner("End file", path)

    am.Amalgamation = Traced
    src = make_var(wdir, "CORE_SRC") + make_var(wdir, "EXT_SRC")
    tmp = os.path.join(wdir, COVX, "amalg-check")
    cwd = os.getcwd()
    os.chdir(wdir)
    try:
        am.main(["amalgamate.py", tmp + ".c", tmp + ".h", "ext/sqlite3_bce.h",
                 "src/version.h"] + src)
    finally:
        os.chdir(cwd)
    if not same_file(tmp + ".c", os.path.join(wdir, AMALG_C)):
        sys.exit("make mutate: scripts/amalgamate.py run again does not give %s" % AMALG_C)
    return made[0].origin


def tree_key(wdir):
    """a digest of the copy's sources: the map is made again when it changes"""
    import hashlib
    h = hashlib.sha1()
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\n")
    for f in sorted(files):
        p = os.path.join(wdir, f)
        if f and not f.startswith("build/") and os.path.isfile(p):
            h.update(f.encode() + b"\0" + open(p, "rb").read() + b"\0")
    h.update(open(__file__, "rb").read())
    return h.hexdigest()


def reach_map(wdir, progs, jobs):
    """{"reached": {program: {file: [lines]}}, "counted": {file: [lines]},
    "everything": [programs whose coverage could not be read]} for the
    copy as it is; kept in COVX/reach.json while the copy does not change"""
    import json
    key = tree_key(wdir)
    cache = os.path.join(wdir, COVX, "reach.json")
    if os.path.exists(cache):
        old = json.load(open(cache))
        if old.get("key") == key:
            return old
    t0 = time.time()
    cx = os.path.join(wdir, COVX)
    if os.path.isdir(cx):
        shutil.rmtree(cx)
    os.makedirs(os.path.join(cx, "minver"))
    units = ["build/cov/unit_" + u for u in UNITS]
    ok, log = make(wdir, ["build/cov/bce.so", AMALG_C] + units, timeout=3600)
    if not ok:
        sys.exit("make mutate: the coverage build fails:\n" + log)
    flags = ["-std=c11", "-ffp-contract=off", "-w", "-O0", "-g"] + make_var(wdir, "COV") + \
        ["-DBCE_COVERAGE"]
    clang = make_var(wdir, "CLANG")[0]
    src = make_var(wdir, "SRC")
    cmds = [
        [clang] + flags + ["-DSQLITE_CORE", "-c", "-o", COVX + "/amalg.o", AMALG_C],
        [clang] + flags + ["-Iext", "-o", COVX + "/host_static", "tests/host_static.c",
                           COVX + "/amalg.o", "-lsqlite3", "-lm"],
        [clang] + flags + ["-Iext", "-o", COVX + "/example_parallel", "examples/parallel.c",
                           COVX + "/amalg.o", "-lsqlite3", "-lpthread", "-lm"],
        [clang] + flags + ["-fPIC", "-DBCE_MIN_SQLITE=99000000", "-c", "-o",
                           COVX + "/minver/entry.o", "ext/entry.c"],
        [clang] + flags + ["-shared", "-o", COVX + "/minver/bce.so", COVX + "/minver/entry.o"] +
        ["build/obj/cov/%s.o" % s[:-2] for s in src if s != "ext/entry.c"] + ["-lm"],
    ]
    for c in cmds:
        p = subprocess.run(c, cwd=wdir, capture_output=True, text=True, errors="replace")
        if p.returncode != 0:
            sys.exit("make mutate: %s failed: %s" % (" ".join(c), p.stderr[-2000:]))
    origin = amalgamation_origins(wdir)
    objects = {"lib": ["build/cov/bce.so"], "amalg": ["build/cov/bce.so"],
               "minver": [COVX + "/minver/bce.so"]}

    def measure(i_prog):
        i, prog = i_prog
        pdir = os.path.join(cx, "prof", str(i))
        os.makedirs(pdir)
        env = dict(os.environ, LLVM_PROFILE_FILE=os.path.join(pdir, "%p-%m.profraw"))
        argv = argv_for(prog, "cov")
        t = time.time()
        killed, why = run(prog, argv, wdir, 1800, env=env)
        secs = time.time() - t
        raws = [os.path.join(pdir, f) for f in os.listdir(pdir)]
        res = {"secs": secs, "failed": why if killed else "", "reached": {}, "counted": {}}
        if not raws:
            return prog["name"], res
        prof = os.path.join(pdir, "merged.profdata")
        subprocess.run([LLVM_PROFDATA, "merge", "-sparse", "-o", prof] + raws, check=True)
        objs = list(objects.get(prog["needs"], []))
        if prog["needs"] and prog["needs"].startswith("unit_"):
            objs = ["build/cov/" + prog["needs"]]
        if prog["needs"] == "amalg":
            objs.append(argv[0] if "host_static" in argv[0] else COVX + "/example_parallel")
        args = [LLVM_COV, "export", "-format=lcov", "-instr-profile=" + prof, objs[0]]
        for o in objs[1:]:
            args += ["-object", o]
        p = subprocess.run(args, cwd=wdir, capture_output=True, text=True, errors="replace")
        if p.returncode != 0:
            res["failed"] = "llvm-cov: " + p.stderr[:300]
            return prog["name"], res
        f = None
        for line in p.stdout.splitlines():
            if line.startswith("SF:"):
                f = os.path.relpath(line[3:], wdir) if os.path.isabs(line[3:]) else line[3:]
            elif line.startswith("DA:"):
                n, c = line[3:].split(",")[:2]
                n, c = int(n), int(c)
                if f == AMALG_C:
                    o = origin[n - 1] if n - 1 < len(origin) else None
                    if o is None:
                        continue
                    ff, n = o
                else:
                    ff = f
                if not re.fullmatch(r"(src|ext)/\w+\.c", ff or ""):
                    continue
                res["counted"].setdefault(ff, set()).add(n)
                if c > 0:
                    res["reached"].setdefault(ff, set()).add(n)
        return prog["name"], res

    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        got = dict(ex.map(measure, enumerate(p for p in progs if p["needs"])))
    out = {"key": key, "reached": {}, "counted": {}, "everything": [], "secs": {}}
    for name, res in got.items():
        out["secs"][name] = round(res["secs"], 2)
        if res["failed"]:
            # its run may have stopped short of lines the shipped build
            # reaches: it is run for every mutant
            out["everything"].append(name)
            print("make mutate: %s fails in the coverage build (%s): it runs for every mutant"
                  % (name, res["failed"][:200]), flush=True)
        out["reached"][name] = {f: sorted(v) for f, v in res["reached"].items()}
        for f, v in res["counted"].items():
            out["counted"].setdefault(f, set()).update(v)
    out["counted"] = {f: sorted(v) for f, v in out["counted"].items()}
    out["map_s"] = round(time.time() - t0, 1)
    tmp = cache + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(out, fh)
    os.replace(tmp, cache)
    print("the coverage map: %d programs in %.0f s" % (len(got), out["map_s"]), flush=True)
    return out


def span_lines(m):
    text, (op, start, end, new) = m["text"], m["site"]
    first = text.count("\n", 0, start) + 1
    return list(range(first, first + text.count("\n", start, max(start, end - 1)) + 1))


def selected(m, progs, reach, plan):
    """the programs of make test that can kill mutant m: those that execute
    one of its lines in the coverage build; every program that loads the
    file when no line of it has a counter (data, code the coverage build
    leaves out)"""
    path = m["file"]
    lines = span_lines(m)
    counted = set(reach["counted"].get(path, ())).intersection(lines)
    out = []
    for p in progs:
        if not p["needs"]:
            continue    # loads no library
        if p["needs"].startswith("unit_") and p["needs"][5:] not in plan["units"]:
            continue    # does not contain the file
        if not counted or p["name"] in reach["everything"] or \
                counted.intersection(reach["reached"].get(p["name"], {}).get(path, ())):
            out.append(p)
    return out, bool(counted)


# The mutant's programs are built outside make's view of the tree: the copy
# is built whole once, and for a mutant only its file is compiled again
# (one object per kind of build it is in: the library's, the unit
# programs', the amalgamation's, the minimum-version entry point's), then
# what contains it is linked again, each only when a selected program
# needs it, from the unchanged objects of the copy, into MUT.  The
# commands are make's own (`make -n -W FILE`: what make would run if FILE
# changed), so the mutant is compiled with the flags of the shipped
# library; only the outputs are moved to MUT, and each unit program's own
# source is compiled once per copy (MUT/pre) and then linked, as make's
# one-command compile and link would do.
MUT = os.path.join("build", "mutant")
MUT_LIB = "./" + MUT + "/bce.so"
AMALG_C = "build/dist/sqlite-bce.c"
AMALG_O = "build/amalg/sqlite-bce.o"
SAME_CODE = ("the same object code as the original in every build of make "
             "test that contains the file (the library's, the unit programs', "
             "the amalgamation's): no test can tell them apart")


def makefile_units(cwd):
    """the unit programs of make test, as the Makefile lists them"""
    p = subprocess.run(["make", "-s", "--no-print-directory", "--eval",
                        "mutate-units: ; @echo $(UNITS)", "mutate-units"],
                       cwd=cwd, capture_output=True, text=True)
    units = p.stdout.split()
    if p.returncode != 0 or not units:
        sys.exit("make mutate: cannot read UNITS from the Makefile: " + p.stderr)
    return units


UNITS = []


def make_lines(out):
    """make -n's commands, continuation lines joined"""
    lines, cur = [], ""
    for l in out.splitlines():
        if l.endswith("\\"):
            cur += l[:-1] + " "
            continue
        lines.append(cur + l)
        cur = ""
    return lines


def build_plan(wdir, path):
    """make's commands for what contains path, rewritten to build the
    mutant into MUT: {"compile": {kind: argv}, "lib": argv,
    "units": {unit: argv}, "pre": {unit: argv}, "amalg": [argv],
    "hosts": [argv], "minver": argv}"""
    stem = path[:-2]
    p = subprocess.run(["make", "-n", "-W", path, STRICT, "bce.so"] +
                       ["build/unit_" + u for u in UNITS], cwd=wdir,
                       capture_output=True, text=True, errors="replace")
    if p.returncode != 0:
        sys.exit("make mutate: make -n -W %s failed: %s" % (path, p.stderr))
    plan = {"compile": {}, "lib": None, "units": {}, "pre": {}, "amalg": [],
            "stem": stem, "hosts": [], "minver": None}
    objs = {}
    # the other builds of make test that contain path; a dry run does not
    # see that the amalgamation it would write is new, hence the second
    extra = []
    for targets in (["build/minver/bce.so", AMALG_O], ["-W", AMALG_C, AMALG_O]):
        q = subprocess.run(["make", "-n", "-W", path, STRICT] + targets, cwd=wdir,
                           capture_output=True, text=True, errors="replace")
        if q.returncode != 0:
            sys.exit("make mutate: make -n -W %s failed: %s" % (path, q.stderr))
        extra += make_lines(q.stdout)
    minver_link = None
    for line in extra:
        t = shlex.split(line)
        if not t or t[0] == "mkdir" or t[0].startswith("make"):
            continue
        if "scripts/amalgamate.py" in t:
            i = t.index("scripts/amalgamate.py")
            t[i + 1:i + 3] = [os.path.join(MUT, "amalg", os.path.basename(f))
                              for f in t[i + 1:i + 3]]
            plan["amalg"].insert(0, t)
        elif "-c" in t and AMALG_O in t:
            t = [os.path.join(MUT, "amalg", os.path.basename(a))
                 if a in (AMALG_O, AMALG_C) else a for a in t]
            plan["amalg"].append(t)
        elif "-c" in t and "build/obj/minver/%s.o" % stem in t:
            out = "build/obj/minver/%s.o" % stem
            objs[out] = os.path.join(MUT, "minver", os.path.basename(stem) + ".o")
            plan["compile"]["minver"] = [objs[out] if a == out else a for a in t]
        elif "-o" in t and t[t.index("-o") + 1] == "build/minver/bce.so":
            minver_link = t
    if len(plan["amalg"]) != 2:
        sys.exit("make mutate: make -n -W %s does not build the amalgamation again" % path)
    for line in make_lines(p.stdout):
        t = shlex.split(line)
        if not t or t[0] == "mkdir" or t[0].startswith("make"):
            continue
        if "-o" not in t:
            sys.exit("make mutate: a command of make -n -W %s not understood: %s" % (path, line))
        i = t.index("-o")
        out = t[i + 1]
        obj = re.fullmatch(r"build/obj/(\w+)/" + re.escape(stem) + r"\.o", out)
        if obj and "-c" in t:
            kind = obj.group(1)
            objs[out] = os.path.join(MUT, kind, os.path.basename(stem) + ".o")
            t[i + 1] = objs[out]
            plan["compile"][kind] = t
        elif out == "bce.so":
            t[i + 1] = MUT_LIB
            plan["lib"] = [objs.get(a, a) for a in t]
        elif out.startswith("build/unit_"):
            unit = out[len("build/unit_"):]
            pre = os.path.join(MUT, "pre", "unit_%s.o" % unit)
            src = "tests/unit_%s.c" % unit
            # the unit's own source alone, compiled with the same flags
            c = [a for a in t if not a.endswith(".o") and not a.startswith("-l")]
            c[c.index("-o") + 1] = pre
            plan["pre"][unit] = c[:1] + ["-c"] + c[1:]
            t[i + 1] = os.path.join(MUT, "unit_" + unit)
            plan["units"][unit] = [pre if a == src else objs.get(a, a) for a in t]
        else:
            sys.exit("make mutate: a command of make -n -W %s not understood: %s" % (path, line))
    if plan["lib"] is None or "so" not in plan["compile"]:
        sys.exit("make mutate: make -n -W %s does not build bce.so again" % path)
    for unit in plan["units"]:
        if "static" not in plan["compile"]:
            sys.exit("make mutate: make -n -W %s links unit_%s but compiles no object for it"
                     % (path, unit))
    if minver_link is None:
        sys.exit("make mutate: make -n -W %s does not link build/minver/bce.so again" % path)
    i = minver_link.index("-o")
    minver_link[i + 1] = os.path.join(MUT, "minver", "bce.so")
    plan["minver"] = [objs.get(a, a) for a in minver_link]
    # the hosts linked with the amalgamation's archive (libbce.a)
    q = subprocess.run(["make", "-n", "-W", AMALG_O, STRICT, "build/libbce.a",
                        "build/host_static", "build/example_parallel"], cwd=wdir,
                       capture_output=True, text=True, errors="replace")
    if q.returncode != 0:
        sys.exit("make mutate: make -n the hosts failed: %s" % q.stderr)
    ren = {"build/libbce.a": os.path.join(MUT, "libbce.a"),
           AMALG_O: os.path.join(MUT, "amalg", os.path.basename(AMALG_O)),
           "build/host_static": os.path.join(MUT, "host_static"),
           "build/example_parallel": os.path.join(MUT, "example_parallel")}
    for line in make_lines(q.stdout):
        t = shlex.split(line)
        # under make mutate, make -n is a sub-make and says where it is
        if not t or t[0] == "mkdir" or t[0].startswith("make"):
            continue
        plan["hosts"].append([ren.get(a, a) for a in t])
    if len(plan["hosts"]) != 4:
        sys.exit("make mutate: make -n does not build libbce.a and the hosts: %s" % q.stdout)
    return plan


def make(cwd, targets, timeout=600):
    p = subprocess.run(["make", "-s", STRICT] + targets, cwd=cwd,
                       capture_output=True, text=True, timeout=timeout,
                       errors="replace")
    return p.returncode == 0, p.stdout + p.stderr


# what make test builds (TEST_BINS), and the unit programs
ALL_TARGETS = ["bce.so", "build/errors_driver", "build/host_static", "build/minver/bce.so",
               "build/entry_api", "build/alloc_rows", "build/example_parallel"]


def copy_tree(dst):
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split("\n")
    for f in files:
        if not f or f.startswith("build/"):
            continue
        s = os.path.join(ROOT, f)
        if not os.path.isfile(s):
            continue
        d = os.path.join(dst, f)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        # a copy kept from an earlier run keeps its objects: only what
        # differs is copied, and rebuilt: with the time of the copy, not
        # the original's, which may be older than the objects of a mutant
        # a stopped run left in the copy
        if os.path.isfile(d) and open(s, "rb").read() == open(d, "rb").read():
            continue
        shutil.copy(s, d)


def docs_tsv(wdir):
    """the error rows of docs/functions.md, as tests/run.sh's docs step
    takes them (its own sed lines, read from it)"""
    run_sh = open(os.path.join(wdir, "tests/run.sh")).read()
    m = re.search(r"\n(  sed -n -e '/\^### Errors/.*?)>\"\$tmp/docs.tsv\"", run_sh, re.S)
    if not m:
        sys.exit("make mutate: tests/run.sh's docs step not understood")
    p = subprocess.run(["sh", "-c", m.group(1) + " > " + DOCS_TSV], cwd=wdir,
                       capture_output=True, text=True)
    if p.returncode != 0 or os.path.getsize(os.path.join(wdir, DOCS_TSV)) == 0:
        sys.exit("make mutate: no row read from docs/functions.md: " + p.stderr)


def same_file(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def write(path, text):
    with open(path, "w") as fh:
        fh.write(text)


AMALG_CHECKED = (None, "the amalgamation's compile was checked")


class Builder:
    """builds one mutant's programs in a worker's copy, each at most once
    and only when asked for"""

    def __init__(self, wdir, plan, precompiled):
        self.wdir, self.plan, self.pre = wdir, plan, precompiled
        self.done = set()
        for kind in list(plan["compile"]) + ["amalg", "minver"]:
            os.makedirs(os.path.join(wdir, MUT, kind), exist_ok=True)
        os.makedirs(os.path.join(wdir, MUT, "pre"), exist_ok=True)
        # no program of an earlier mutant can be run by mistake
        for f in [MUT_LIB, os.path.join(MUT, "amalg", os.path.basename(AMALG_O)),
                  os.path.join(MUT, "amalg", os.path.basename(AMALG_C)),
                  os.path.join(MUT, "libbce.a"), os.path.join(MUT, "host_static"),
                  os.path.join(MUT, "example_parallel"), os.path.join(MUT, "minver", "bce.so")] + \
                [os.path.join(MUT, "unit_" + u) for u in UNITS] + \
                [c[c.index("-o") + 1] for c in plan["compile"].values()]:
            try:
                os.remove(os.path.join(wdir, f))
            except FileNotFoundError:
                pass

    def compile(self, kind):
        """the mutant's object of that kind: None, or why it failed"""
        if kind in self.done:
            return None
        err = self.cmd(self.plan["compile"][kind])
        if err is None:
            self.done.add(kind)
        return err

    def amalgamation(self):
        if "amalg" in self.done:
            return None
        make_c, compile_o = self.plan["amalg"]
        err = self.cmd(make_c)
        if err is not None:
            return err
        out_c = os.path.join(self.wdir, MUT, "amalg", os.path.basename(AMALG_C))
        out_o = os.path.join(self.wdir, compile_o[compile_o.index("-o") + 1])
        if AMALG_CHECKED in self.pre and same_file(out_c, os.path.join(self.wdir, AMALG_C)):
            # the original's amalgamation (an unmutated file at the start),
            # which this command was checked to compile to make's object:
            # that object, without the minute the compile takes
            shutil.copyfile(os.path.join(self.wdir, AMALG_O), out_o)
        else:
            err = self.cmd(compile_o)
            if err is not None:
                return err
        self.done.add("amalg")
        return None

    def same_code(self):
        """whether every object of make test that contains the mutant is
        the bytes of the copy's own (compiled from the original): then
        every program of make test is the original's and no test can kill
        it.  None, True, or why a build failed (a string)"""
        c = self.plan["compile"]
        kinds = sorted(c, key=lambda k: k not in self.done)
        for kind in kinds:
            err = self.compile(kind)
            if err is not None:
                return err
            out = c[kind][c[kind].index("-o") + 1]
            orig = os.path.join("build", "obj", kind, self.plan["stem"] + ".o")
            if not same_file(os.path.join(self.wdir, out), os.path.join(self.wdir, orig)):
                return None
        err = self.amalgamation()
        if err is not None:
            return err
        out = os.path.join(MUT, "amalg", os.path.basename(AMALG_O))
        if not same_file(os.path.join(self.wdir, out), os.path.join(self.wdir, AMALG_O)):
            return None
        return True

    def cmd(self, argv):
        p = subprocess.run(argv, cwd=self.wdir, capture_output=True, text=True,
                           timeout=600, errors="replace")
        if p.returncode != 0:
            log = (p.stdout + p.stderr).strip()
            return log.splitlines()[-1][:200] if log else "exit %d" % p.returncode
        return None

    def need(self, what):
        """build what ("lib", "unit_NAME", "amalg", "minver"): None, or
        why it failed"""
        if what in self.done or what is None:
            return None
        if what == "lib":
            steps = [("so", self.plan["compile"]["so"]), ("link lib", self.plan["lib"])]
        elif what == "amalg":
            err = self.amalgamation()
            if err is not None:
                return err
            steps = [("host %d" % i, c) for i, c in enumerate(self.plan["hosts"])]
        elif what == "minver":
            kind = "minver" if "minver" in self.plan["compile"] else "so"
            steps = [(kind, self.plan["compile"][kind]), ("link minver", self.plan["minver"])]
        else:
            unit = what[len("unit_"):]
            steps = [("static", self.plan["compile"]["static"])]
            if (self.wdir, unit) not in self.pre:
                steps.append(("pre " + unit, self.plan["pre"][unit]))
            steps.append(("link " + unit, self.plan["units"][unit]))
        for key, argv in steps:
            if key in self.done:
                continue
            err = self.cmd(argv)
            if err is not None:
                return err
            self.done.add(key)
            if key.startswith("pre "):
                self.pre.add((self.wdir, key[4:]))
        self.done.add(what)
        return None


class Selective:
    """one mutant against the programs of make test that reach its lines,
    with what the run learns as it goes: which program killed most mutants
    of each file so far is run first for the next"""

    def __init__(self, progs, reach):
        self.lock = threading.Lock()
        self.plans = {}
        self.kills = {}
        self.precompiled = set()
        self.progs, self.reach = progs, reach
        self.secs = dict(reach.get("secs", {}))

    def plan(self, wdir, path):
        with self.lock:
            if path not in self.plans:
                self.plans[path] = build_plan(wdir, path)
            return self.plans[path]

    def order(self, path, progs):
        """the likeliest killers first, the cheapest first among equals:
        time over one more than the kills so far"""
        with self.lock:
            k = dict(self.kills.get(path, {}))
            secs = dict(self.secs)
        return sorted(progs, key=lambda p: secs.get(p["name"], 1.0) / (1 + k.get(p["name"], 0)))

    def killed_by(self, path, name):
        with self.lock:
            d = self.kills.setdefault(path, {})
            d[name] = d.get(name, 0) + 1

    def __call__(self, wdir, m, check=False):
        """one mutant in the worker's copy: uncompilable, equivalent (the
        same object code), killed (and by what) or survived.  check=True:
        every program built from the unmutated file and run, and a failure
        is an error (at the start; their times are kept); check=None: every
        program built, none run; both then check that each object is the
        bytes of make's own"""
        path, text, (op, start, end, new) = m["file"], m["text"], m["site"]
        target = os.path.join(wdir, path)
        st = os.stat(target)
        plan = self.plan(wdir, path)
        if check is False:
            progs, counted = selected(m, self.progs, self.reach, plan)
            m["selected"] = len(progs)
            m["counted"] = counted
        else:
            progs = [p for p in self.progs if p["needs"] and not (
                p["needs"].startswith("unit_") and p["needs"][5:] not in plan["units"])]
        progs = self.order(path, progs)
        write(target, text[:start] + new + text[end:])
        try:
            builder = Builder(wdir, plan, self.precompiled)
            m["build_s"] = 0.0
            t1 = time.time()
            if check is False:
                # the object the first program needs; if it is the
                # original's bytes, so may the others be
                tb = time.time()
                first = "static" if progs and progs[0]["needs"].startswith("unit_") else "so"
                err = builder.compile(first)
                if err is None:
                    out = plan["compile"][first]
                    out = out[out.index("-o") + 1]
                    if same_file(os.path.join(wdir, out), os.path.join(
                            wdir, "build", "obj", first, path[:-2] + ".o")):
                        err = builder.same_code()
                m["build_s"] += time.time() - tb
                if err is True:
                    m["quick_s"] = 0.0
                    return "equivalent", SAME_CODE
                if err is not None:
                    return "uncompilable", err
            for prog in progs:
                tb = time.time()
                err = builder.need(prog["needs"])
                m["build_s"] += time.time() - tb
                if err is not None:
                    return "uncompilable", err
                if check is None:
                    continue
                tr = time.time()
                killed, why = run(prog, argv_for(prog, "mutant"), wdir, TIMEOUT)
                if check is True:
                    with self.lock:
                        self.secs[prog["name"]] = time.time() - tr
                if killed:
                    m["quick_s"] = time.time() - t1 - m["build_s"]
                    if check is False:
                        self.killed_by(path, prog["name"])
                    return "killed", "%s: %s" % (prog["name"], why)
            m["quick_s"] = time.time() - t1 - m["build_s"]
            if check is not False:
                # built from the original, every object must be the bytes
                # make built: the same commands, so the same flags
                same = builder.same_code()
                if same is not True:
                    return "different", same or "an object differs from make's"
                if check is True:
                    self.precompiled.add(AMALG_CHECKED)
                return "alive", ""
            if not progs:
                return "survived", "no program of make test executes the line"
            return "survived", ""
        finally:
            # the original back with its time: for make the copy is as
            # it was built, and MUT is not make's
            write(target, text)
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


DIRTY = "build/mutant-in-tree"


def full_make_test(wdir, m):
    """MUTATE_FULL: make test itself, whole, with the mutant in the copy's
    tree: (killed?, why).  Then the original back, and the copy built
    again as it was"""
    path, text, (op, start, end, new) = m["file"], m["text"], m["site"]
    target = os.path.join(wdir, path)
    # until the copy is built again: a run stopped in between leaves the
    # mutant's objects, which the next run must not take for the original's
    write(os.path.join(wdir, DIRTY), path)
    write(target, text[:start] + new + text[end:])
    t2 = time.time()
    try:
        p = subprocess.run(["make", "-s", STRICT, "test"], cwd=wdir, capture_output=True,
                           text=True, timeout=FULL_TIMEOUT, errors="replace")
        out = p.stdout.strip().splitlines()
        last = out[-1] if out else ""
        fails = [l for l in out if l.startswith("FAIL|")]
        if p.returncode != 0 or fails or not re.match(r"\d+ passed, 0 failed$", last):
            why = fails[0] if fails else (last or p.stderr.strip()[-200:])
            return True, "make test: " + why[:200]
        return False, "make test: " + last
    except subprocess.TimeoutExpired:
        return True, "make test: timeout"
    finally:
        m["full_s"] = time.time() - t2
        # the original back, newer than the mutant's objects: make builds
        # them again
        write(target, text)
        ok, log = make(wdir, ALL_TARGETS + ["build/unit_" + u for u in UNITS], timeout=3600)
        if not ok:
            sys.exit("make mutate: the copy does not build again after a mutant:\n" + log)
        os.remove(os.path.join(wdir, DIRTY))


def main():
    files = os.environ.get("MUTATE_FILES", "").split() or \
        sorted("src/" + f for f in os.listdir(os.path.join(ROOT, "src")) if f.endswith(".c")) + \
        sorted("ext/" + f for f in os.listdir(os.path.join(ROOT, "ext")) if f.endswith(".c"))
    ops = set(os.environ.get("MUTATE_OPS", "ror neg aor int float del ret").split())
    jobs = int(os.environ.get("MUTATE_JOBS", "2"))
    full = os.environ.get("MUTATE_FULL", "")
    until = 0
    if os.environ.get("MUTATE_UNTIL"):
        # HH:MM, UTC, the next such time (tomorrow's when today's has
        # passed: a run started at 22:40 to stop at 00:30 must not stop
        # before it begins): no mutant starts after it
        hh, mm = os.environ["MUTATE_UNTIL"].split(":")
        now = time.gmtime()
        until = time.mktime((now.tm_year, now.tm_mon, now.tm_mday, int(hh), int(mm), 0,
                             0, 0, 0)) - time.timezone
        if until <= time.time():
            until += 86400
    equivalent = load_equivalent()

    mutants = []
    for path in files:
        text, sites = mutants_of(path)
        for site in sites:
            if site[0] not in ops:
                continue
            line, orig, mut = describe(text, *site[1:])
            mutants.append({"file": path, "text": text, "site": site,
                            "line": line, "orig": orig, "mut": mut})
    sample = int(os.environ.get("MUTATE_SAMPLE", "1"))
    if sample > 1 and not os.environ.get("MUTATE_RERUN"):
        # every Nth mutant, for a run that must end within a time
        mutants = mutants[::sample]
    rerun = os.environ.get("MUTATE_RERUN")
    if rerun:
        # the survivors of an earlier run only, against the tree as it is
        # now: after a test was added to kill them or a row to excuse them
        alive = set()
        for line in open(rerun):
            f = line.rstrip("\n").split("\t")
            # results.tsv (11 columns or more) or progress.tsv (8)
            o = 8 if len(f) >= 11 else 5
            if len(f) >= 8 and f[3] in ("survived", "alive"):
                alive.add((f[0], f[2], f[o], f[o + 1]))
        # those with a row in tests/mutants_equivalent.tsv are excused
        mutants = [m for m in mutants
                   if (m["file"], m["site"][0], m["orig"], m["mut"]) in alive
                   and excuse(m, equivalent) is None]
    resume = os.environ.get("MUTATE_RESUME")
    if resume and os.path.abspath(resume) == os.path.join(OUT, "progress.tsv"):
        # this run writes that file afresh: the stopped run's record would go
        sys.exit("make mutate: MUTATE_RESUME names the progress.tsv this run "
                 "writes; copy it elsewhere first")
    if resume:
        # a run stopped part way (for the machine): the mutants its
        # progress.tsv lists are done; the rest, from the same tree
        done = set()
        for line in open(resume):
            f = line.rstrip("\n").split("\t")
            if len(f) >= 7:
                done.add((f[0], f[1], f[2], f[6]))
        mutants = [m for m in mutants
                   if (m["file"], str(m["line"]), m["site"][0], m["mut"]) not in done]
    if os.environ.get("MUTATE_LIST") == "1":
        for m in mutants:
            print("%s:%d\t%s\t%s\t%s" % (m["file"], m["line"], m["site"][0],
                                         m["orig"], m["mut"]))
        print("%d mutants" % len(mutants))
        return 0

    os.makedirs(OUT, exist_ok=True)
    print("make mutate: %d mutants of %s, %d workers%s" % (
        len(mutants), " ".join(files), jobs,
        {"1": ", make test for every survivor", "all": ", make test for every mutant"}.get(full, "")),
        flush=True)
    t_start = time.time()
    UNITS[:] = makefile_units(ROOT)
    progs = programs(UNITS)
    workers = []
    w1 = os.path.join(OUT, "w1")
    # the tree as it is now (committed or not), built once
    copy_tree(w1)
    if os.path.exists(os.path.join(w1, DIRTY)):
        # a run stopped during MUTATE_FULL's make test: that file's objects
        # are the mutant's, and the file is older than they are
        f = open(os.path.join(w1, DIRTY)).read().strip()
        os.utime(os.path.join(w1, f))
        os.remove(os.path.join(w1, DIRTY))
    # (slow at nice 19 on a busy machine: an hour's limit)
    ok, log = make(w1, ALL_TARGETS + ["build/unit_" + u for u in UNITS], timeout=3600)
    if not ok:
        sys.exit("make mutate: the unmutated copy does not build:\n" + log)
    docs_tsv(w1)
    reach = reach_map(w1, progs, jobs)
    sel = Selective(progs, reach)
    # each file's programs built and run the way a mutant's are, its
    # source unchanged: every program must pass (run for the first file of
    # src/ and of ext/, their times kept for the order; for the others
    # built only: the programs are the same)
    ran = set()
    for path in files:
        text = open(os.path.join(w1, path)).read()
        m = {"file": path, "text": text, "site": ("none", 0, 0, "")}
        status, why = sel(w1, m, check=True if path[:4] not in ran else None)
        ran.add(path[:4])
        if status != "alive":
            sys.exit("make mutate: the unmutated copy of %s is %s: %s" % (path, status, why))
    workers.append(w1)
    for w in range(2, jobs + 1):
        wdir = os.path.join(OUT, "w%d" % w)
        if os.path.isdir(wdir):
            shutil.rmtree(wdir)
        subprocess.run(["cp", "-a", w1, wdir], check=True)
        # the unit programs' own objects came along
        sel.precompiled |= set((wdir, u) for (d, u) in list(sel.precompiled) if d)
        workers.append(wdir)
    print("copies built and checked in %.0f s" % (time.time() - t_start), flush=True)

    free = list(workers)
    lock = threading.Lock()
    done = [0]
    partial = open(os.path.join(OUT, "progress.tsv"), "w")

    def one(m):
        if until and time.time() > until:
            # past MUTATE_UNTIL: not run, and counted apart
            m["status"], m["why"], m["secs"] = "not run", "past MUTATE_UNTIL", 0.0
            return m
        with lock:
            wdir = free.pop()
        t0 = time.time()
        try:
            status, why = sel(wdir, m)
            m["status"], m["why"] = status, why
            if full and status != "uncompilable" and (full == "all" or status == "survived"):
                killed, fwhy = full_make_test(wdir, m)
                m["full"] = "killed" if killed else "survived"
                m["full_why"] = fwhy
        finally:
            with lock:
                free.append(wdir)
        m["secs"] = time.time() - t0
        if m["status"] == "survived" and excuse(m, equivalent):
            m["status"], m["why"] = "equivalent", excuse(m, equivalent)
        with lock:
            done[0] += 1
            partial.write("%s\t%d\t%s\t%s\t%.1f\t%s\t%s\t%s\n" % (
                m["file"], m["line"], m["site"][0], m["status"], m["secs"],
                m["orig"], m["mut"], m["why"].replace("\t", " ").replace("\n", " ")))
            partial.flush()
            if m["status"] == "survived" or done[0] % 25 == 0 or m.get("full"):
                print("[%d/%d] %s%s %s:%d %s: %s -> %s (%.1f s, %d programs)" % (
                    done[0], len(mutants), m["status"],
                    " (make test: %s)" % m["full"] if m.get("full") else "",
                    m["file"], m["line"], m["site"][0], m["orig"], m["mut"], m["secs"],
                    m.get("selected", 0)), flush=True)
        return m

    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        results = list(ex.map(one, mutants))
    elapsed = time.time() - t_start
    # read again: rows may have been added while the run went on
    equivalent = load_equivalent()
    for m in results:
        if m["status"] == "survived" and excuse(m, equivalent):
            m["status"], m["why"] = "equivalent", excuse(m, equivalent)

    with open(os.path.join(OUT, "results.tsv"), "w") as fh:
        fh.write("file\tline\toperator\tstatus\tseconds\tbuild_s\tquick_s\tfull_s\toriginal"
                 "\tmutant\twhy\tprograms\tmake_test\n")
        for m in results:
            fh.write("%s\t%d\t%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%s\t%s\t%d\t%s\n" % (
                m["file"], m["line"], m["site"][0], m["status"], m["secs"],
                m.get("build_s", 0), m.get("quick_s", 0), m.get("full_s", 0),
                m["orig"], m["mut"], m["why"].replace("\t", " ").replace("\n", " "),
                m.get("selected", 0), m.get("full", "")))

    print("\n%-22s %7s %7s %7s %7s %7s %7s %8s" % ("file", "mutants", "not run", "no-cc",
                                                  "killed", "equiv", "alive", "score"))
    tot = {"m": 0, "n": 0, "u": 0, "k": 0, "e": 0, "s": 0}
    survivors = []
    for path in files:
        ms = [m for m in results if m["file"] == path]
        c = {"m": len(ms),
             "n": sum(m["status"] == "not run" for m in ms),
             "u": sum(m["status"] == "uncompilable" for m in ms),
             "k": sum(m["status"] == "killed" for m in ms),
             "e": sum(m["status"] == "equivalent" for m in ms),
             "s": sum(m["status"] == "survived" for m in ms)}
        survivors += [m for m in ms if m["status"] == "survived"]
        for k in tot:
            tot[k] += c[k]
        den = c["k"] + c["s"]
        print("%-22s %7d %7d %7d %7d %7d %7d %7.1f%%" % (
            path, c["m"], c["n"], c["u"], c["k"], c["e"], c["s"],
            100.0 * c["k"] / den if den else 100.0))
    den = tot["k"] + tot["s"]
    print("%-22s %7d %7d %7d %7d %7d %7d %7.1f%%" % (
        "total", tot["m"], tot["n"], tot["u"], tot["k"], tot["e"], tot["s"],
        100.0 * tot["k"] / den if den else 100.0))
    counted = [m for m in results if m["status"] not in ("uncompilable", "not run")]
    alive = [m for m in counted if m["status"] != "killed"]
    print("%.0f s in all (%d workers); a compiled mutant %.1f s on average "
          "(build %.1f s, tests %.1f s), %.1f programs of %d selected; a mutant not "
          "killed %.1f s" % (
              elapsed, jobs,
              sum(m["secs"] for m in counted) / max(1, len(counted)),
              sum(m.get("build_s", 0) for m in counted) / max(1, len(counted)),
              sum(m.get("quick_s", 0) for m in counted) / max(1, len(counted)),
              sum(m.get("selected", 0) for m in counted) / max(1, len(counted)),
              sum(1 for p in progs if p["needs"]),
              sum(m["secs"] - m.get("full_s", 0) for m in alive) / max(1, len(alive))))
    status = 0
    checked = [m for m in results if m.get("full")]
    if checked:
        differ = [m for m in checked
                  if (m["full"] == "killed") != (m["status"] == "killed")]
        print("\nMUTATE_FULL: make test run whole for %d mutants, %.0f s each: %d agree "
              "with the selection, %d differ" % (
                  len(checked), sum(m["full_s"] for m in checked) / len(checked),
                  len(checked) - len(differ), len(differ)))
        for m in differ:
            print("DIFFER %s:%d %s: %s -> %s: selection %s (%s), make test %s (%s)" % (
                m["file"], m["line"], m["site"][0], m["orig"], m["mut"], m["status"],
                m["why"][:100], m["full"], m["full_why"][:100]))
        if differ:
            status = 1
    if survivors:
        print("\n%d survivors without a reason in tests/mutants_equivalent.tsv "
              "(kill each with a test, or add a row: file, line, operator, "
              "original, mutant, reason):" % len(survivors))
        for m in survivors:
            print("%s\t%d\t%s\t%s\t%s\t" % (m["file"], m["line"], m["site"][0],
                                          m["orig"], m["mut"]))
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
