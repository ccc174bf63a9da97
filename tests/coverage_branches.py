#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The branch outcomes make coverage found untaken, each with its reason.

  llvm-cov export -format=text ... | python3 tests/coverage_branches.py ROOT

Reads llvm-cov's JSON export and adds up each branch's two counts over
every object and every instantiation of an inline function (a header's
function has a copy per file that includes it), so that a branch counts
as taken when any copy took it, as gcc and SQLite count a source branch.
A branch inside a macro is its own branch at each place the macro is
used.  Every outcome still at 0 is printed as
"uncovered|FILE:LINE:COL|true or false|REASON", the reason from
tests/coverage_unreachable.tsv; an outcome the file gives no reason for is
printed with "no reason given" and makes the exit status 1.

tests/coverage_unreachable.tsv: FILE, the branch's condition as written,
the outcome (true or false), the reason, TAB-separated; '#' comments.  A
line matches by that text, not by a line number, so that an edit
elsewhere does not move it; it must match exactly one untaken outcome,
so a reason can neither cover two branches nor outlive the one it was
written for.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def reasons():
    out = {}
    with open(os.path.join(HERE, "coverage_unreachable.tsv")) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            path, text, outcome, why = line.split("\t")
            out[(path, text.strip(), outcome)] = why
    return out


def main():
    root = os.path.realpath(sys.argv[1])
    data = json.load(sys.stdin)
    counts = {}     # (site, condition) -> [true, false]
    sources = {}

    def rel(path):
        return os.path.relpath(os.path.realpath(path), root)

    def condition(path, b):
        """The text of branch region b of path (its first line)."""
        if path not in sources:
            with open(os.path.join(root, path)) as src:
                sources[path] = src.read().split("\n")
        line = sources[path][b[0] - 1]
        end = b[3] - 1 if b[2] == b[0] else len(line)
        return line[b[1] - 1:end].strip()

    def add(site, path, b):
        key = (site, path, condition(path, b))
        c = counts.setdefault(key, [0, 0])
        c[0] += b[4]
        c[1] += b[5]

    for f in data["data"][0]["files"]:
        path = rel(f["filename"])
        for b in f["branches"]:
            add("%s:%d:%d" % (path, b[0], b[1]), path, b)
        for e in f.get("expansions", []):
            at = e["source_region"]
            for b in e["branches"]:
                inner = rel(e["filenames"][b[6]])
                add("%s:%d:%d (in %s:%d:%d)" % (path, at[0], at[1], inner,
                                                 b[0], b[1]), inner, b)
    known = reasons()
    matched = {}
    missing = 0
    for (site, path, text), (t, fa) in sorted(counts.items()):
        for outcome, n in (("true", t), ("false", fa)):
            if n:
                continue
            key = (path, text, outcome)
            why = known.get(key)
            if why is None:
                why = "no reason given"
                missing += 1
            else:
                matched[key] = matched.get(key, 0) + 1
            print("uncovered|%s|%s|%s: %s" % (site, outcome, text, why))
    for key in sorted(known):
        if matched.get(key, 0) != 1:
            print("stale|%s: '%s' (%s) matches %d untaken outcomes, not 1; "
                  "fix tests/coverage_unreachable.tsv"
                  % (key + (matched.get(key, 0),)))
            missing += 1
    taken = sum((t > 0) + (fa > 0) for t, fa in counts.values())
    print("branch outcomes: %d of %d taken (each branch once, over every "
          "copy); of the %d untaken, %d with a reason"
          % (taken, 2 * len(counts), 2 * len(counts) - taken,
             sum(matched.values())))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
