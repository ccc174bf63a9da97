# SPDX-License-Identifier: MIT
"""The SQL suite of make test in the WebAssembly build, held to the native
extension bit for bit (issues 22 and 26).

    /usr/bin/python3 tests/wasm_suite.py SHELL LIB COMPAT WASM_TEST_DIR

Each tests/sql script (the slow ones aside) is expanded here (its .read
lines inlined, the other dot-commands and the report dropped, a query of
every check's got appended: its type, and a REAL as the hex of its bits),
run natively by SHELL (the sqlite3 shell of the SQLite version inside the
module: json_each's reading of a number and sum() differ between SQLite
versions, which is not what this test is about) with LIB and COMPAT
(tests/versions/compat.c: ieee754() and correctly rounded ln() and exp()
for the inputs the scripts build) loaded, and in the module of
WASM_TEST_DIR (the same with compat.c built in) by tests/wasm_suite.mjs.
Every got of every check must be the same value of the same type: a REAL
to the bit.  Prints ok/FAIL lines, one per script, naming the first checks
that differ.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

SHELL, LIB, COMPAT, WASM = sys.argv[1:5]
FINAL = ("SELECT '--checks--';\n"
         "SELECT name || '|' || typeof(got) || '|' || CASE typeof(got) "
         "WHEN 'real' THEN hex(ieee754_to_blob(got)) WHEN 'blob' THEN hex(got) "
         "ELSE ifnull(got, '') END FROM checks ORDER BY rowid;\n")
SLOW = {"tests/sql/mpmath_big_arrays.sql"}
failures = 0


def report(ok, name, why=""):
    global failures
    if ok:
        print("ok|wasm suite: %s" % name)
    else:
        failures += 1
        print("FAIL|wasm suite: %s|%s" % (name, str(why).replace("\n", " ")[:600]))


def expand(path, seen=()):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s.startswith(".read "):
                target = s.split(None, 1)[1]
                if target.endswith("lib/report.sql"):
                    continue
                out.append(expand(target, seen + (path,)))
            elif s.startswith("."):
                continue            # .output, .mode, .headers: the shell's
            else:
                out.append(line)
    return "".join(out)


def native(path):
    run = subprocess.run([SHELL, "-batch", "-bail", ":memory:", "-cmd",
                          ".load " + COMPAT, "-cmd", ".load " + LIB,
                          ".read " + path], capture_output=True, text=True)
    if run.returncode != 0 or run.stderr:
        return {"error": (run.stderr or "exit %d" % run.returncode).strip()}
    rows = run.stdout.splitlines()
    return rows[len(rows) - rows[::-1].index("--checks--"):]


def main():
    scripts = [f for f in sorted(glob.glob("tests/sql/*.sql")) if f not in SLOW]
    tmp = tempfile.mkdtemp()
    expanded, want = [], {}
    for f in scripts:
        sql = expand(f) + "\n" + FINAL
        path = os.path.join(tmp, os.path.basename(f))
        with open(path, "w", encoding="utf-8") as out:
            out.write(sql)
        expanded.append(path)
        want[path] = native(path)
    run = subprocess.run(["node", "tests/wasm_suite.mjs", WASM] + expanded,
                         capture_output=True, text=True)
    got = {}
    for line in run.stdout.splitlines():
        path, rows = json.loads(line)
        got[path] = rows
    if run.returncode != 0 or run.stderr:
        report(False, "node tests/wasm_suite.mjs", "exit %d: %s" % (run.returncode, run.stderr))
    total = 0
    for f, path in zip(scripts, expanded):
        w, g = want[path], got.get(path)
        if isinstance(w, dict):
            report(False, f, "native: %s" % w["error"])
            continue
        if g is None or isinstance(g, dict):
            report(False, f, "wasm: %s" % (g["error"] if g else "no output"))
            continue
        total += len(w)
        diff = [(a, b) for a, b in zip(w, g) if a != b]
        if len(w) != len(g):
            diff.append(("%d checks" % len(w), "%d checks" % len(g)))
        report(not diff, "%s: %d checks, the same values to the bit" % (f, len(w)),
               "; ".join("native %s, wasm %s" % (a, b) for a, b in diff[:3])
               + (" (%d differ)" % len(diff) if len(diff) > 3 else ""))
    for p in expanded:
        os.remove(p)
    os.rmdir(tmp)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
