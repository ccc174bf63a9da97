# SPDX-License-Identifier: MIT
"""What the mpmath generators of tests/sql/*.sql share: a double written
exactly for SQLite 3.25 and later, a quoted SQL string, the multi-class
rows as a VALUES table, and the file written whole (to /tmp, then moved, so that a failed run leaves the
committed file as it was)."""
import json
import math
import os
import shutil


def num(x):
    """x exactly: ieee754(M, E) = M * 2^E (the compat extension of SQLite
    3.25 has it), 9e999 for +-Inf"""
    x = float(x)
    if math.isinf(x):
        return "9e999" if x > 0 else "-9e999"
    if x == 0.0:
        return "0.0"
    m, e = math.frexp(x)
    mi, ei = int(m * 2 ** 53), e - 53
    while mi % 2 == 0:
        mi //= 2
        ei += 1
    return "ieee754(%d,%d)" % (mi, ei)


def q(s):
    return "'" + s.replace("'", "''") + "'"


def rows_sql(rows):
    """(VALUES ...) of multi-class rows (y, x, w): y a class index or a
    list of targets, x a list, w a double written exactly"""
    return "(VALUES " + ",".join(
        "(%s,%s,%s)" % (q(json.dumps(y)) if isinstance(y, list) else y,
                        q(json.dumps(x)), num(w))
        for y, x, w in rows) + ")"


def write_checks(name, head, out):
    """tests/sql/NAME: the comment lines head, the checks out between
    checks.sql and report.sql (which must come last: tests/run.sh)"""
    here = os.path.dirname(os.path.abspath(__file__))
    text = "\n".join(head + [".read tests/sql/lib/checks.sql", ""] + out
                     + ["", ".read tests/sql/lib/report.sql", ""])
    tmp = os.path.join("/tmp", name)
    with open(tmp, "w") as f:
        f.write(text)
    shutil.move(tmp, os.path.join(here, "sql", name))
    print("%d checks" % sum(1 for x in out if x.startswith("INSERT")))
