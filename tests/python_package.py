# SPDX-License-Identifier: MIT
"""The wheel's package, installed by tests/python_package.sh into a folder
on sys.path: load it as its README shows.  Prints ok/FAIL lines.
    /usr/bin/python3 python_package.py TARGET VERSION"""
import os
import sqlite3
import sys

target, version = sys.argv[1], sys.argv[2]
sys.path.insert(0, target)


def check(cond, name, why=""):
    print("ok|wheel: %s" % name if cond else "FAIL|wheel: %s|%s" % (name, why))


import sqlite_bce  # noqa: E402  (after sys.path is set)

check(os.path.realpath(sqlite_bce.__file__).startswith(os.path.realpath(target)),
      "import sqlite_bce finds the installed package", sqlite_bce.__file__)
check(sqlite_bce.__version__ == version,
      "sqlite_bce.__version__ = src/version.h's %s" % version, sqlite_bce.__version__)
path = sqlite_bce.loadable_path()
check(os.path.isabs(path) and os.path.isfile(path)
      and os.path.dirname(path) == os.path.dirname(sqlite_bce.__file__),
      "loadable_path() is the library inside the package", path)

conn = sqlite3.connect(":memory:")
sqlite_bce.load(conn)
# scikit-learn's log_loss docstring example, published as 0.216161874680579
# (tests/sql/published.sql): half a unit of the 15th digit plus 2 ulp.
loss, = conn.execute("SELECT bce(column1, column2) FROM (VALUES (1, 0.9), "
                     "(0, 0.1), (0, 0.2), (1, 0.65))").fetchone()
check(abs(loss - 0.216161874680579) <= 5e-16 + 5.6e-17,
      "load(conn): bce() of scikit-learn's log_loss example = 0.216161874680579",
      repr(loss))
v, = conn.execute("SELECT bce_version()").fetchone()
check(v == version, "bce_version() = %s" % version, v)

want = "bce(): p must be in [0, 1], got 2.7; percentages? p / 100.0 reads them as probabilities; logits? use bce_logits()"
try:
    conn.execute("SELECT bce(1, 2.7)").fetchone()
    got = "no error"
except sqlite3.OperationalError as e:
    got = str(e)
check(got == want, "an error is sqlite3.OperationalError('%s')" % want, got)

# load() turned loading off again: SQL cannot load a library now.
try:
    conn.execute("SELECT load_extension(?)", (path,)).fetchone()
    got = "loaded"
except sqlite3.OperationalError as e:
    got = str(e)
check(got == "not authorized", "after load(), SQL load_extension() is refused",
      got)

# numpy scalars bind as BLOBs (np.float64 is a float and binds as REAL);
# the message says so, and float(x) is the fix it names.
try:
    import numpy as np
except ImportError:
    np = None
if np is None:
    # .ci/run installs it: in CI its absence is a failure
    print("%s|wheel: numpy scalars|no numpy for %s (apt-get install python3-numpy)"
          % ("FAIL" if os.environ.get("CI") == "true" else "skip", sys.executable))
else:
    # np.float32 as p, np.int64 as y: -ln 0.5 = ln 2 once fixed
    for x, size, arg, sql in ((np.float32(0.5), 4, "p", "SELECT bce_term(1, ?)"),
                              (np.int64(1), 8, "y", "SELECT bce_term(?, 0.5)")):
        want = ("bce_term(): %s must be a number, got a blob of %d bytes; numpy "
                "scalars bind as blobs: float(x) fixes it" % (arg, size))
        try:
            conn.execute(sql, (x,)).fetchone()
            got = "no error"
        except sqlite3.OperationalError as e:
            got = str(e)
        check(got == want, "np.%s: '%s'" % (type(x).__name__, want), got)
        v, = conn.execute(sql, (float(x),)).fetchone()
        check(abs(v - 0.6931471805599453) <= 1.2e-16,
              "np.%s: float(x) fixes it, ln 2" % type(x).__name__, repr(v))

# A Python whose sqlite3 cannot load extensions (pyenv's default build):
# its connections have no enable_load_extension.  load() says so, names
# this Python, and gives the fix (issue 24).


class NoLoading:
    """What such a Python's sqlite3.Connection looks like to load()."""


try:
    sqlite_bce.load(NoLoading())
    got = "no error"
except RuntimeError as e:
    got = str(e)
check(got.startswith("sqlite_bce.load: the sqlite3 module of %s cannot load "
                     "extensions" % sys.executable)
      and "--enable-loadable-sqlite-extensions" in got
      and "/usr/bin/python3" in got,
      "load() on a sqlite3 without extension loading names the Python and "
      "the fix", got)
