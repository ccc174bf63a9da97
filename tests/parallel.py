# SPDX-License-Identifier: MIT
"""sqlite_bce.parallel() against the one query, bit for bit (issue 25).

    /usr/bin/python3 tests/parallel.py LIB [TABLES [EXAMPLE]]

Random tables in database files (sparse rowids, deleted rows, weights,
NULL rows, logits near +-1e308, multi-label and multi-class JSON arrays, a
positional eps, a WHERE with parameters), each summed by parallel() with 1
to 8 workers: the result must have the bits of SELECT fn(...) FROM table
on one connection, which does not use the state code.  Then every error:
an in-memory database, a view, a WITHOUT ROWID or virtual table, a table
whose columns hide the rowid, a bad value in one range (the extension's
message, never a dropped range), bad arguments.  The package is run from
a scratch copy of bindings/python with LIB beside it, as the wheel lays
it out.  Prints ok|name or FAIL|name|why lines.
"""
import json
import os
import random
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = sys.argv[1] if len(sys.argv) > 1 else "./bce"
TABLES = int(sys.argv[2]) if len(sys.argv) > 2 else 10
EXAMPLE = sys.argv[3] if len(sys.argv) > 3 else None

failures = 0


def report(ok, name, why=""):
    global failures
    if ok:
        print("ok|parallel: %s" % name)
    else:
        failures += 1
        print("FAIL|parallel: %s|%s" % (name, str(why).replace("\n", " ")[:600]))


def bits(x):
    return None if x is None else struct.pack("<d", x).hex()


def staged_package(tmp):
    """bindings/python/sqlite_bce with the library and _version.py beside
    it, as make wheel stages it."""
    pkg = os.path.join(tmp, "sqlite_bce")
    shutil.copytree(os.path.join(HERE, "..", "bindings", "python", "sqlite_bce"),
                    pkg)
    shutil.copy(LIB + ".so", os.path.join(pkg, "bce.so"))
    with open(os.path.join(HERE, "..", "src", "version.h")) as f:
        version = re.search(r'BCE_VERSION "([^"]+)"', f.read()).group(1)
    with open(os.path.join(pkg, "_version.py"), "w") as f:
        f.write('__version__ = "%s"\n' % version)
    sys.path.insert(0, tmp)
    import sqlite_bce
    return sqlite_bce


def one_query(path, sqlite_bce, sql, params=()):
    conn = sqlite3.connect(path)
    sqlite_bce.load(conn)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def number(r, kind):
    if kind == "logit":
        return r.choice([r.uniform(-40, 40), r.uniform(-1, 1) * 1.7e308,
                         r.uniform(-1, 1) * 10 ** r.randint(-300, 3)])
    return r.choice([r.random(), 0.0, 1.0, r.random() * 1e-300,
                     1 - r.random() * 1e-15])


def array(r, k, kind):
    return "[" + ", ".join(repr(number(r, kind)) for _ in range(k)) + "]"


def distribution(r, k):
    x = [r.random() for _ in range(k)]
    s = sum(x)
    x = [v / s for v in x]
    x[-1] = 1.0 - sum(x[:-1])
    return "[" + ", ".join(repr(max(v, 0.0)) for v in x) + "]"


def make_table(path, r, shape):
    """A table of about 200..3000 rows of the shape's columns, rowids
    sparse or dense, some rows deleted, some NULL."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE preds(y, p, w, eps, g INTEGER)")
    n = r.randint(200, 3000)
    rowid = r.randint(-1000, 1000)
    rows = []
    for i in range(n):
        rowid += 1 if r.random() < 0.7 else r.randint(2, 10 ** r.randint(1, 9))
        k = r.randint(2, 6)
        if shape == "bce":
            y, p = r.choice([0.0, 1.0, r.random()]), number(r, "prob")
        elif shape == "bce_logits":
            y, p = r.choice([0.0, 1.0, r.random()]), number(r, "logit")
        elif shape == "multi-label":
            y, p = array(r, k, "prob"), array(r, k, "prob")
            # null: a missing label (issue 21), skipped in the row's mean
            y = "[" + ", ".join(r.choice(["0", "1", "0.25", "null"])
                                for _ in range(k)) + "]"
        elif shape == "cce":
            y = r.randrange(k) if r.random() < 0.5 else distribution(r, k)
            p = distribution(r, k)
            if isinstance(y, str):
                p = distribution(r, len(y.split(",")))
            else:
                p = distribution(r, k)
        else:   # cce_logits
            y = r.randrange(k)
            p = array(r, k, "logit")
        # a weight above 1 would overflow w*l of a logit near 1e308
        w = r.choice([1.0, 0.0, r.random() * (3 if shape in ("bce", "cce", "multi-label") else 1),
                      r.random() * 1e-200])
        if r.random() < 0.05:
            y = None                  # a NULL row: skipped
        rows.append((rowid, y, p, w, 1e-15, r.randrange(3)))
    conn.executemany("INSERT INTO preds(rowid, y, p, w, eps, g) "
                     "VALUES (?, ?, ?, ?, ?, ?)", rows)
    conn.execute("DELETE FROM preds WHERE rowid %% 7 = %d" % r.randrange(7))
    conn.commit()
    conn.close()


# (function, columns[, options]): the options object is passed as a dict
# to parallel() and as its JSON text to the one query
SHAPES = {
    "bce": [("bce", ("y", "p")), ("bce", ("y", "p", "w")),
            ("bce", ("y", "p", "w", "eps")),
            ("bce", ("y", "p"), {"pos_weight": 3}),
            ("bce", ("y", "p", "w"), {"gamma": 2, "alpha": 0.25,
                                      "reduction": "sum"}),
            ("bce", ("y", "p", "w"), {"smoothing": 0.1, "eps": 1e-15,
                                      "reduction": "mean_over_rows"}),
            # the scores' states (issue 23)
            ("bce_d2", ("y", "p")),
            ("bce_d2", ("y", "p", "w"), {"pos_weight": 2, "smoothing": 0.1})],
    "bce_logits": [("bce_logits", ("y", "p")), ("bce_logits", ("y", "p", "w")),
                   ("bce_logits", ("y", "p", "w"), {"pos_weight": 0.5,
                                                    "gamma": 1.5})],
    "multi-label": [("bce", ("y", "p")), ("bce", ("y", "p", "w")),
                    ("bce", ("y", "p", "w"), {"pos_weight": 2,
                                              "smoothing": 0.2})],
    "cce": [("cce", ("y", "p")), ("cce", ("y", "p", "w")),
            ("cce", ("y", "p", "w"), {"smoothing": 0.1, "gamma": 2}),
            ("kl_div", ("y", "p")),
            ("kl_div", ("y", "p", "w"), {"smoothing": 0.1, "eps": 1e-7})],
    "cce_logits": [("cce_logits", ("y", "p")), ("cce_logits", ("y", "p", "w")),
                   ("cce_logits", ("y", "p", "w"), {"ignore_index": 0,
                                                    "alpha": 0.5,
                                                    "reduction":
                                                    "mean_over_rows"})],
}


def test_random(sqlite_bce, tmp):
    r = random.Random(25)
    for t in range(TABLES):
        shape = list(SHAPES)[t % len(SHAPES)]
        path = os.path.join(tmp, "t%d.db" % t)
        make_table(path, r, shape)
        for entry in SHAPES[shape]:
            fn, cols = entry[:2]
            options = entry[2] if len(entry) > 2 else None
            where, params = (None, ())
            if r.random() < 0.3:
                where, params = ("g <> ?", (r.randrange(3),))
            sql = "SELECT %s(%s%s) FROM preds%s" % (
                fn, ", ".join(cols), ", ?" if options else "",
                " WHERE (%s)" % where if where else "")
            lead = (json.dumps(options),) if options else ()
            try:
                want = bits(one_query(path, sqlite_bce, sql, lead + params))
            except sqlite3.Error as e:
                report(False, "table %d (%s): the one query" % (t, shape), e)
                continue
            if EXAMPLE and fn == "bce" and not where and not options:
                test_example(path, cols, want, t, shape)
            for workers in range(1, 9):
                name = "table %d (%s): %s(%s)%s, %d worker%s" % (
                    t, shape, fn, ", ".join(cols) + (
                        ", " + json.dumps(options) if options else ""),
                    " WHERE " + where if where else "", workers,
                    "" if workers == 1 else "s")
                try:
                    got = bits(sqlite_bce.parallel(
                        path, fn, "preds", *cols, where=where, params=params,
                        options=options, workers=workers))
                    report(got == want, name, "got %s, want %s" % (got, want))
                except sqlite3.Error as e:
                    report(False, name, e)


def test_example(path, cols, want, t, shape):
    """examples/parallel.c takes y and p only: the two-column calls."""
    if len(cols) != 2:
        return
    for threads in range(1, 5):
        name = "examples/parallel.c: table %d (%s), %d thread%s" % (
            t, shape, threads, "" if threads == 1 else "s")
        run = subprocess.run([EXAMPLE, path, "preds", cols[0], cols[1],
                              str(threads)], capture_output=True, text=True)
        out = run.stdout.strip()
        got = None if out == "NULL" else (bits(float(out)) if out else "")
        report(run.returncode == 0 and not run.stderr and got == want, name,
               "exit %d, got %s, want %s; %s" % (run.returncode, got, want,
                                                 run.stderr))


def expect_error(name, exc, pattern, call):
    try:
        got = call()
    except exc as e:
        report(re.search(pattern, str(e)) is not None, name,
               "message %r does not match %r" % (str(e), pattern))
        return
    except Exception as e:          # noqa: BLE001: the wrong kind is a failure
        report(False, name, "raised %s: %s" % (type(e).__name__, e))
        return
    report(False, name, "returned %r" % (got,))


def test_errors(sqlite_bce, tmp):
    path = os.path.join(tmp, "errors.db")
    conn = sqlite3.connect(path)
    conn.executescript("""
      CREATE TABLE preds(y, p);
      INSERT INTO preds VALUES (1, 0.9), (0, 0.2), (1, 0.6);
      INSERT INTO preds(rowid, y, p) VALUES (5000, 0, 0.3), (9000, 1, 0.7);
      CREATE VIEW v AS SELECT * FROM preds;
      CREATE TABLE nr(id INTEGER PRIMARY KEY, y, p) WITHOUT ROWID;
      CREATE TABLE hidden(rowid, _rowid_, oid, y, p);
      INSERT INTO hidden VALUES (1, 2, 3, 1, 0.5);
      CREATE TABLE shadow(rowid, y, p);
      INSERT INTO shadow VALUES (42, 1, 0.5), (43, 0, 0.25);
      CREATE TABLE empty(y, p);
      CREATE TABLE bad(y, p);
    """)
    conn.executemany("INSERT INTO bad VALUES (?, ?)",
                     [(1, 0.5)] * 500 + [(1, -0.5)] + [(0, 0.5)] * 500)
    conn.commit()
    conn.close()
    p = sqlite_bce.parallel
    expect_error("an in-memory database", ValueError,
                 r"in-memory database lives in one connection.*save it to a file",
                 lambda: p(":memory:", "bce", "preds", "y", "p"))
    expect_error("a file: URI in memory", ValueError, r"in-memory",
                 lambda: p("file::memory:?cache=shared", "bce", "preds", "y", "p"))
    expect_error("a view", ValueError,
                 r"v is a view: parallel\(\) splits a table by rowid",
                 lambda: p(path, "bce", "v", "y", "p"))
    expect_error("a WITHOUT ROWID table", ValueError,
                 r"nr is a WITHOUT ROWID table",
                 lambda: p(path, "bce", "nr", "y", "p"))
    expect_error("columns that hide the rowid", ValueError,
                 r"columns named rowid, _rowid_ and oid",
                 lambda: p(path, "bce", "hidden", "y", "p"))
    expect_error("no such table", ValueError, r"no such table: nope",
                 lambda: p(path, "bce", "nope", "y", "p"))
    expect_error("no such file", ValueError, r"no database file at",
                 lambda: p(os.path.join(tmp, "missing.db"), "bce", "preds",
                           "y", "p"))
    expect_error("a function without a state", ValueError,
                 r"function must be one of bce, bce_d2, bce_logits, cce, cce_d2, "
                 r"cce_logits, kl_div.*'bce_term'",
                 lambda: p(path, "bce_term", "preds", "y", "p"))
    expect_error("one column", ValueError, r"takes 2 to 4 columns.*got 1",
                 lambda: p(path, "bce", "preds", "y"))
    expect_error("workers = 0", ValueError, r"workers must be an integer >= 1, got 0",
                 lambda: p(path, "bce", "preds", "y", "p", workers=0))
    # options (issue 21): a positional eps does not combine with them;
    # what is not a JSON object is refused before any query, NaN too (JSON
    # has none); a bad key is the extension's message, from every range
    expect_error("options with a positional eps", ValueError,
                 r"takes 2 or 3 columns \(y, p or z, w\) with options, got 4",
                 lambda: p(path, "bce", "preds", "y", "p", "w", "eps",
                           options={"pos_weight": 3}))
    expect_error("options not an object", ValueError,
                 r"options must be a dict or the text of a JSON object, got '3'",
                 lambda: p(path, "bce", "preds", "y", "p", options="3"))
    expect_error("options with a NaN", ValueError, r"options must be JSON",
                 lambda: p(path, "bce", "preds", "y", "p",
                           options={"gamma": float("nan")}))
    expect_error("an unknown key", sqlite3.OperationalError,
                 r"^bce_state\(\): .*gama",
                 lambda: p(path, "bce", "preds", "y", "p",
                           options={"gama": 2}, workers=2))
    # a bad row fails the call with the extension's message and its range
    for workers in (1, 2, 4):
        expect_error("a bad row in one range, %d workers" % workers,
                     sqlite3.OperationalError,
                     r"^bce_state\(\): p must be in \[0, 1\], got -0.5; for logits "
                     r"use bce_logits_state\(\) \(sqlite_bce.parallel: in the rows "
                     r"with rowid \d+ to \d+\)$",
                     lambda: p(path, "bce", "bad", "y", "p", workers=workers))
    # a table with a column named rowid: the rowid is still found
    for table, cols in (("shadow", ("y", "p")), ("preds", ("y", "p"))):
        want = bits(one_query(path, sqlite_bce,
                              "SELECT bce(%s) FROM %s" % (", ".join(cols), table)))
        got = bits(p(path, "bce", table, *cols, workers=3))
        report(got == want, "%s: the bits of the one query" % table,
               "got %s, want %s" % (got, want))
    report(p(path, "bce", "empty", "y", "p") is None,
           "an empty table gives None, as bce() gives NULL")
    report(p(path, "bce", "preds", "y", "p", where="y > 5") is None,
           "a WHERE no row meets gives None")


def test_concurrent_write(sqlite_bce, tmp):
    """A commit by another connection while parallel() runs: an error, never
    a number that mixes two versions of the table (WAL, so that the
    readers are not blocked by the writer)."""
    import threading
    path = os.path.join(tmp, "busy.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE preds(y, p)")
    conn.executemany("INSERT INTO preds VALUES (?, ?)",
                     ((i % 2, (i % 997 + 1) / 999) for i in range(300000)))
    conn.commit()
    stop = threading.Event()

    def writer():
        w = sqlite3.connect(path, timeout=10)
        while not stop.is_set():
            w.execute("INSERT INTO preds VALUES (1, 0.5)")
            w.commit()
        w.close()

    t = threading.Thread(target=writer)
    t.start()
    try:
        expect_error("a commit during the call", sqlite3.OperationalError,
                     r"the database changed during the call",
                     lambda: sqlite_bce.parallel(path, "bce", "preds", "y", "p",
                                                 workers=2))
    finally:
        stop.set()
        t.join()
        conn.close()


def main():
    tmp = tempfile.mkdtemp()
    try:
        sqlite_bce = staged_package(tmp)
        test_random(sqlite_bce, tmp)
        test_errors(sqlite_bce, tmp)
        test_concurrent_write(sqlite_bce, tmp)
    finally:
        shutil.rmtree(tmp)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
