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
not counted) and run against the fast tier in two stages:

  1. the quick kill stage: the unit programs (for a file of src/), the SQL
     scripts of tests/sql/ and tests/errors.tsv, one by one, stopping at
     the first failure: the parts of tests/run.sh that can kill a mutant
     of that file in seconds.  Only the mutated file is compiled again,
     with make's own commands for it (`make -n -W FILE`), and the library
     and the unit programs that contain it are linked again from the
     copy's other objects, each when it is reached, into wN/build/mutant/;
     the file is then put back with its time, so that the copy stays as
     make built it.  The program that killed most mutants of the file so
     far runs first;
  2. the rest of `make test` (its checker, docs, load, python and host
     steps, their programs rebuilt by make with the mutant in them), only
     for a mutant the first stage left alive: the two stages together are
     `make test` whole.

A failure, a crash, output on stderr or a time-out (MUTATE_TIMEOUT seconds
per program, default 120; 900 for stage 2) kills the mutant.  A survivor
must be listed in tests/mutants_equivalent.tsv (file, line, operator,
original line, mutant line, reason; matched by the file, the operator and
the two lines' texts with the spaces squeezed, so that the line number may
shift) or the run fails.  The score per file is killed / (mutants -
equivalent).

  MUTATE_FILES  the files (default: every .c of src/ and ext/)
  MUTATE_JOBS   workers in parallel (default 2)
  MUTATE_OPS    operators to use (default all, e.g. "ror neg")
  MUTATE_LIST=1 only list the mutants
  MUTATE_DIR    the scratch directory (default build/mutate)
  MUTATE_SAMPLE=N  every Nth mutant only (a run that must end in time)
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
OUT = os.environ.get("MUTATE_DIR") or os.path.join(ROOT, "build", "mutate")
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
        eq[(f[0], f[2], squeeze(f[3]), squeeze(f[4]))] = f[5]
    return eq


# ------------------------------------------------------------- the runs
def run(cmd, cwd, timeout, env=None):
    """(killed?, why) for one program of the suite"""
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout,
                           env=env, text=True, errors="replace")
    except subprocess.TimeoutExpired:
        return True, "timeout %ds" % timeout
    bad = [l for l in p.stdout.splitlines() if l.startswith("FAIL|")]
    if bad:
        return True, bad[0][:200]
    if p.returncode != 0:
        return True, "exit %d %s" % (p.returncode, p.stderr[:200])
    if p.stderr.strip():
        return True, "stderr " + p.stderr[:200]
    return False, ""


# The programs of make test that a mutant is linked into.  Stage 1 builds
# them itself, outside make's view of the tree: the copy is built whole
# once, and for a mutant only its file is compiled again (one object per
# kind of build it is in: the library's, the unit programs'), then the
# library and the unit programs that contain it are linked again, each
# only when the kill stage reaches it, from the unchanged objects of the
# copy, into MUT.  The commands are make's own (`make -n -W FILE`: what
# make would run if FILE changed), so the mutant is compiled with the
# flags of the shipped library; only the outputs are moved to MUT, and
# each unit program's own source is compiled once per copy (MUT/pre) and
# then linked, as make's one-command compile and link would do.
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


def build_plan(wdir, path):
    """make's commands for what contains path, rewritten to build the
    mutant into MUT: {"compile": {kind: argv}, "lib": argv,
    "units": {unit: argv}, "pre": {unit: argv}}"""
    stem = path[:-2]
    p = subprocess.run(["make", "-n", "-W", path, STRICT, "bce.so"] +
                       ["build/unit_" + u for u in UNITS], cwd=wdir,
                       capture_output=True, text=True, errors="replace")
    if p.returncode != 0:
        sys.exit("make mutate: make -n -W %s failed: %s" % (path, p.stderr))
    plan = {"compile": {}, "lib": None, "units": {}, "pre": {}, "amalg": [],
            "stem": stem}
    objs = {}
    # the other builds of make test that contain path: only compared, for
    # the same-code test (Stage1.same_code); a dry run does not see that
    # the amalgamation it would write is new, hence the second
    extra = []
    for targets in (["build/minver/bce.so", AMALG_O], ["-W", AMALG_C, AMALG_O]):
        q = subprocess.run(["make", "-n", "-W", path, STRICT] + targets, cwd=wdir,
                           capture_output=True, text=True, errors="replace")
        if q.returncode != 0:
            sys.exit("make mutate: make -n -W %s failed: %s" % (path, q.stderr))
        extra += q.stdout.splitlines()
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
    if len(plan["amalg"]) != 2:
        sys.exit("make mutate: make -n -W %s does not build the amalgamation again" % path)
    for line in p.stdout.splitlines():
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
    return plan


def quick_jobs(path, plan):
    """the quick stage's programs for a mutant of path, in their default
    order (the likeliest killers first): (name, argv, what it needs built)"""
    jobs = []
    stem = os.path.basename(path)[:-2]
    first = {"exact_sum": "core", "decimal": "arrays", "json_array": "arrays",
             "jsonb": "jsonb", "state": "state", "cce": "cce",
             "elementary": "elementary", "arrays": "arrays", "options": "options",
             "binary_opt": "binary_opt"}.get(stem)
    # every unit program that contains the file (make -n -W): for a file
    # of src/ all of them, for one of ext/ none
    units = [u for u in UNITS if u in plan["units"]]
    order = ([first] if first in units else []) + [u for u in units if u != first]
    jobs += [("unit_" + u, [os.path.join(MUT, "unit_" + u)], "unit_" + u) for u in order]
    sqls = sorted(f for f in os.listdir(os.path.join(ROOT, "tests/sql"))
                  if f.endswith(".sql") and "tests/sql/" + f not in SLOW_SQL)
    # the short scripts first: most mutants die in the first few
    sqls.sort(key=lambda f: os.path.getsize(os.path.join(ROOT, "tests/sql", f)))
    jobs.append(("errors.tsv", ["build/errors_driver", MUT_LIB, "tests/errors.tsv"], "lib"))
    for f in sqls:
        jobs.append(("tests/sql/" + f, ["sqlite3", "-batch", "-bail", ":memory:",
                                        "-cmd", ".load " + MUT_LIB,
                                        ".read tests/sql/" + f], "lib"))
    return jobs


QUICK_TARGETS = ["bce.so", "build/errors_driver"]
REST_TARGETS = ["build/host_static", "build/minver/bce.so", "build/entry_api",
                "build/example_parallel"]
# make test's steps after the unit, sql and errors steps of stage 1, the
# quickest first (python's are most of the time)
REST_STEPS = "load checker host docs python".split()


def make(cwd, targets, timeout=600):
    p = subprocess.run(["make", "-s", STRICT] + targets, cwd=cwd,
                       capture_output=True, text=True, timeout=timeout,
                       errors="replace")
    return p.returncode == 0, p.stdout + p.stderr


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
        # differs is copied, and rebuilt
        if os.path.isfile(d) and open(s, "rb").read() == open(d, "rb").read():
            continue
        shutil.copy2(s, d)


def same_file(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def write(path, text):
    with open(path, "w") as fh:
        fh.write(text)


class Builder:
    """builds one mutant's programs in a worker's copy, each at most once
    and only when asked for"""

    def __init__(self, wdir, plan, precompiled):
        self.wdir, self.plan, self.pre = wdir, plan, precompiled
        self.done = set()
        for kind in plan["compile"]:
            os.makedirs(os.path.join(wdir, MUT, kind), exist_ok=True)
        os.makedirs(os.path.join(wdir, MUT, "pre"), exist_ok=True)
        # no program of an earlier mutant can be run by mistake
        for f in [MUT_LIB, os.path.join(MUT, "amalg", os.path.basename(AMALG_O))] + \
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
        os.makedirs(os.path.join(self.wdir, MUT, "amalg"), exist_ok=True)
        for argv in self.plan["amalg"]:
            err = self.cmd(argv)
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
        """build what ("lib" or "unit_NAME"): None, or why it failed"""
        if what in self.done:
            return None
        if what == "lib":
            steps = [("so", self.plan["compile"]["so"]), ("link lib", self.plan["lib"])]
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


class Stage1:
    """the quick kill stage, with what it learns as it goes: which program
    killed most mutants of each file so far is run first for the next"""

    def __init__(self):
        self.lock = threading.Lock()
        self.plans = {}
        self.kills = {}
        self.precompiled = set()

    def plan(self, wdir, path):
        with self.lock:
            if path not in self.plans:
                self.plans[path] = build_plan(wdir, path)
            return self.plans[path]

    def jobs(self, path, plan):
        jobs = quick_jobs(path, plan)
        with self.lock:
            k = dict(self.kills.get(path, {}))
        # sorted() is stable: without kills the default order stays
        return sorted(jobs, key=lambda j: -k.get(j[0], 0))

    def killed_by(self, path, name):
        with self.lock:
            d = self.kills.setdefault(path, {})
            d[name] = d.get(name, 0) + 1

    def __call__(self, wdir, m, check=False):
        """stage 1 for one mutant in the worker's copy: uncompilable,
        killed (and by what) or alive.  check=True: every program run,
        and a failure is an error (the unmutated file, at the start);
        check=None: every program built, none run; both then check that
        each object is the bytes of make's own"""
        path, text, (op, start, end, new) = m["file"], m["text"], m["site"]
        target = os.path.join(wdir, path)
        st = os.stat(target)
        plan = self.plan(wdir, path)
        write(target, text[:start] + new + text[end:])
        try:
            builder = Builder(wdir, plan, self.precompiled)
            m["build_s"] = 0.0
            t1 = time.time()
            jobs = self.jobs(path, plan)
            if check is False:
                # the object the first program needs; if it is the
                # original's bytes, so may the others be
                tb = time.time()
                first = "static" if jobs[0][2].startswith("unit_") else "so"
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
            for name, cmd, needs in jobs:
                tb = time.time()
                err = builder.need(needs)
                m["build_s"] += time.time() - tb
                if err is not None:
                    return "uncompilable", err
                if check is None:
                    continue
                killed, why = run(cmd, wdir, TIMEOUT)
                if killed:
                    m["quick_s"] = time.time() - t1 - m["build_s"]
                    if check is False:
                        self.killed_by(path, name)
                    return "killed", "%s: %s" % (name, why)
            m["quick_s"] = time.time() - t1 - m["build_s"]
            if check is not False:
                # built from the original, every object must be the bytes
                # make built: the same commands, so the same flags
                same = builder.same_code()
                if same is not True:
                    return "different", same or "an object differs from make's"
            return "alive", ""
        finally:
            # the original back with its time: for make the copy is as
            # it was built, and MUT is not make's
            write(target, text)
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def full_stage(wdir, m):
    """stage 2, for a mutant stage 1 left alive: the rest of make test.
    make builds what those steps run (the library, the amalgamation and
    libbce.a, the host programs, with the mutant in them), then
    tests/run.sh runs the steps stage 1 did not (load, checker, host,
    docs, python), one by one, to the first failure: with stage 1's unit,
    sql and errors steps that is make test whole"""
    path, text, (op, start, end, new) = m["file"], m["text"], m["site"]
    target = os.path.join(wdir, path)
    write(target, text[:start] + new + text[end:])
    t2 = time.time()
    try:
        ok, log = make(wdir, QUICK_TARGETS + REST_TARGETS, timeout=FULL_TIMEOUT)
        if not ok:
            m["full_s"] = time.time() - t2
            return "killed", "make test: the build fails: " + log.strip()[-200:]
        for step in REST_STEPS:
            env = dict(os.environ, SQLITE3="sqlite3", LIB="./bce.so", BUILD="build",
                       UNITS=" ".join(UNITS), STEPS=step)
            p = subprocess.run(["sh", "tests/run.sh"], cwd=wdir, env=env,
                               capture_output=True, text=True,
                               timeout=FULL_TIMEOUT, errors="replace")
            out = p.stdout.strip().splitlines()
            last = out[-1] if out else ""
            fails = [l for l in out if l.startswith("FAIL|")]
            if p.returncode != 0 or fails or not re.match(r"\d+ passed, 0 failed", last):
                m["full_s"] = time.time() - t2
                return "killed", "make test: " + (fails[0] if fails else last)[:200]
        m["full_s"] = time.time() - t2
        return "survived", ""
    except subprocess.TimeoutExpired:
        m["full_s"] = time.time() - t2
        return "killed", "make test: timeout"
    finally:
        # the original back, newer than the mutant's objects: the next
        # make builds them again
        write(target, text)


def main():
    files = os.environ.get("MUTATE_FILES", "").split() or \
        sorted("src/" + f for f in os.listdir(os.path.join(ROOT, "src")) if f.endswith(".c")) + \
        sorted("ext/" + f for f in os.listdir(os.path.join(ROOT, "ext")) if f.endswith(".c"))
    ops = set(os.environ.get("MUTATE_OPS", "ror neg aor int float del ret").split())
    jobs = int(os.environ.get("MUTATE_JOBS", "2"))
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
            # results.tsv (11 columns) or progress.tsv (8)
            o = 8 if len(f) >= 11 else 5
            if len(f) >= 8 and f[3] in ("survived", "alive"):
                alive.add((f[0], f[2], f[o], f[o + 1]))
        # those with a row in tests/mutants_equivalent.tsv are excused
        alive -= set((k[0], k[1], k[2], k[3]) for k in equivalent)
        mutants = [m for m in mutants
                   if (m["file"], m["site"][0], m["orig"], m["mut"]) in alive]
    if os.environ.get("MUTATE_LIST") == "1":
        for m in mutants:
            print("%s:%d\t%s\t%s\t%s" % (m["file"], m["line"], m["site"][0],
                                         m["orig"], m["mut"]))
        print("%d mutants" % len(mutants))
        return 0

    os.makedirs(OUT, exist_ok=True)
    print("make mutate: %d mutants of %s, %d workers" % (len(mutants), " ".join(files), jobs),
          flush=True)
    t_start = time.time()
    UNITS[:] = makefile_units(ROOT)
    stage1 = Stage1()
    workers = []
    for w in range(1, jobs + 1):
        wdir = os.path.join(OUT, "w%d" % w)
        if w == 1:
            # the tree as it is now (committed or not), built once
            copy_tree(wdir)
            # (slow at nice 19 on a busy machine: an hour's limit)
            ok, log = make(wdir, QUICK_TARGETS + REST_TARGETS +
                           ["build/unit_" + u for u in UNITS], timeout=3600)
            if not ok:
                sys.exit("make mutate: the unmutated copy does not build:\n" + log)
            # each file's programs built and run the way stage 1 does, its
            # source unchanged: every program must pass
            # (run for the first file of src/ and of ext/; for the others
            # built only: the programs are the same)
            ran = set()
            for path in files:
                text = open(os.path.join(wdir, path)).read()
                m = {"file": path, "text": text, "site": ("none", 0, 0, "")}
                status, why = stage1(wdir, m, check=True if path[:4] not in ran else None)
                ran.add(path[:4])
                if status != "alive":
                    sys.exit("make mutate: the unmutated copy of %s is %s: %s"
                             % (path, status, why))
        else:
            if os.path.isdir(wdir):
                shutil.rmtree(wdir)
            subprocess.run(["cp", "-a", os.path.join(OUT, "w1"), wdir], check=True)
            # the unit programs' own objects came along
            stage1.precompiled |= set((wdir, u) for (d, u) in list(stage1.precompiled))
        workers.append(wdir)
    print("copies built and checked in %.0f s" % (time.time() - t_start), flush=True)

    free = list(workers)
    lock = threading.Lock()
    done = [0]
    partial = open(os.path.join(OUT, "progress.tsv"), "w")

    def one(stage, total):
        def go(m):
            with lock:
                wdir = free.pop()
            t0 = time.time()
            try:
                status, why = stage(wdir, m)
            finally:
                with lock:
                    free.append(wdir)
            m["status"], m["why"] = status, why
            m["secs"] = m.get("secs", 0) + time.time() - t0
            if status == "survived":
                key = (m["file"], m["site"][0], m["orig"], m["mut"])
                if key in equivalent:
                    m["status"] = "equivalent"
                    m["why"] = equivalent[key]
            with lock:
                done[0] += 1
                partial.write("%s\t%d\t%s\t%s\t%.1f\t%s\t%s\t%s\n" % (
                    m["file"], m["line"], m["site"][0], m["status"], m["secs"],
                    m["orig"], m["mut"], m["why"].replace("\t", " ").replace("\n", " ")))
                partial.flush()
                if m["status"] == "survived" or done[0] % 25 == 0:
                    print("[%d/%d] %s %s:%d %s: %s -> %s (%.1f s)" % (
                        done[0], total, m["status"], m["file"], m["line"],
                        m["site"][0], m["orig"], m["mut"], m["secs"]), flush=True)
            return m
        return go

    # stage 1 over every mutant, then stage 2 over those alive: the list of
    # what stage 1 cannot kill comes early
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        results = list(ex.map(one(stage1, len(mutants)), mutants))
    alive = [m for m in results if m["status"] == "alive"]
    print("stage 1 (unit, SQL, errors): %d killed, %d alive, %d uncompilable, %.0f s"
          % (sum(m["status"] == "killed" for m in results), len(alive),
             sum(m["status"] == "uncompilable" for m in results),
             time.time() - t_start), flush=True)
    done[0] = 0
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        list(ex.map(one(full_stage, len(alive)), alive))
    elapsed = time.time() - t_start
    # read again: rows may have been added while the run went on
    equivalent = load_equivalent()
    for m in results:
        key = (m["file"], m["site"][0], m["orig"], m["mut"])
        if m["status"] == "survived" and key in equivalent:
            m["status"], m["why"] = "equivalent", equivalent[key]

    with open(os.path.join(OUT, "results.tsv"), "w") as fh:
        fh.write("file\tline\toperator\tstatus\tseconds\tbuild_s\tquick_s\tfull_s\toriginal\tmutant\twhy\n")
        for m in results:
            fh.write("%s\t%d\t%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%s\t%s\n" % (
                m["file"], m["line"], m["site"][0], m["status"], m["secs"],
                m.get("build_s", 0), m.get("quick_s", 0), m.get("full_s", 0),
                m["orig"], m["mut"], m["why"].replace("\t", " ").replace("\n", " ")))

    print("\n%-22s %7s %7s %7s %7s %7s %8s" % ("file", "mutants", "no-cc", "killed",
                                              "equiv", "alive", "score"))
    tot = {"m": 0, "u": 0, "k": 0, "e": 0, "s": 0}
    survivors = []
    for path in files:
        ms = [m for m in results if m["file"] == path]
        c = {"m": len(ms),
             "u": sum(m["status"] == "uncompilable" for m in ms),
             "k": sum(m["status"] == "killed" for m in ms),
             "e": sum(m["status"] == "equivalent" for m in ms),
             "s": sum(m["status"] == "survived" for m in ms)}
        survivors += [m for m in ms if m["status"] == "survived"]
        for k in tot:
            tot[k] += c[k]
        den = c["k"] + c["s"]
        print("%-22s %7d %7d %7d %7d %7d %7.1f%%" % (
            path, c["m"], c["u"], c["k"], c["e"], c["s"], 100.0 * c["k"] / den if den else 100.0))
    den = tot["k"] + tot["s"]
    print("%-22s %7d %7d %7d %7d %7d %7.1f%%" % (
        "total", tot["m"], tot["u"], tot["k"], tot["e"], tot["s"],
        100.0 * tot["k"] / den if den else 100.0))
    counted = [m for m in results if m["status"] != "uncompilable"]
    full = [m for m in counted if m.get("full_s")]
    print("%.0f s in all (%d workers); a compiled mutant %.1f s on average "
          "(build %.1f s, quick stage %.1f s); %d reached make test, %.0f s each"
          % (elapsed, jobs,
             sum(m["secs"] for m in counted) / max(1, len(counted)),
             sum(m.get("build_s", 0) for m in counted) / max(1, len(counted)),
             sum(m.get("quick_s", 0) for m in counted) / max(1, len(counted)),
             len(full), sum(m["full_s"] for m in full) / max(1, len(full))))
    if survivors:
        print("\n%d survivors without a reason in tests/mutants_equivalent.tsv "
              "(kill each with a test, or add a row: file, line, operator, "
              "original, mutant, reason):" % len(survivors))
        for m in survivors:
            print("%s\t%d\t%s\t%s\t%s\t" % (m["file"], m["line"], m["site"][0],
                                          m["orig"], m["mut"]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
