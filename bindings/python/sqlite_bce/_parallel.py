# SPDX-License-Identifier: MIT
"""The loss of one table on every core, bit for bit the one query's.

SQLite runs a query on one core.  A state (bce_state() and its kin) holds
exact integer sums, so the rows can be split by rowid range, each range
summed by its own read-only connection in its own thread, and the states
merged by bce_merge(): the result has the bits of one bce() over all the
rows, whatever the split (docs/scale-out.md).  Python's sqlite3 lets go of
the GIL while SQLite works, so the threads run at once.
"""
import json
import os
import sqlite3
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

# the functions that have a state, and its name
_STATE = {
    "bce": "bce_state",
    "bce_logits": "bce_logits_state",
    "cce": "cce_state",
    "cce_logits": "cce_logits_state",
    # the scores of issue 23: their states merge into the score
    "bce_d2": "bce_d2_state",
    "cce_d2": "cce_d2_state",
    "kl_div": "kl_div_state",
}

# Ranges a worker takes in turn: more ranges than workers keep both cores
# busy when the rows are not spread evenly over the rowids (a range that
# turns out empty costs one index seek).
RANGES_PER_WORKER = 8


def _fail(message):
    raise ValueError("sqlite_bce.parallel: " + message)


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _is_memory(path):
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    return (text in ("", ":memory:") or text.startswith("file::memory:")
            or "mode=memory" in text)


def _connect(path, load):
    uri = "file:%s?mode=ro" % urllib.parse.quote(os.path.abspath(path))
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    load(conn)
    return conn


def _rowid_name(conn, table):
    """The table's rowid, by a name no column of it hides; checks that the
    table is one that has a rowid to split by."""
    rows = conn.execute(
        "SELECT type, sql FROM sqlite_master WHERE name = ? COLLATE NOCASE",
        (table,)).fetchall()
    if not rows:
        _fail("no such table: %s" % table)
    kind, sql = rows[0]
    if kind == "view":
        _fail("%s is a view: parallel() splits a table by rowid; give the "
              "table behind the view (with where=), or run SELECT ... FROM "
              "%s on one connection" % (table, table))
    if kind != "table":
        _fail("%s is an %s, not a table" % (table, kind))
    if sql and sql.lstrip().upper().startswith("CREATE VIRTUAL"):
        _fail("%s is a virtual table: parallel() needs an ordinary table "
              "(copy it into one, or run SELECT ... FROM %s on one "
              "connection)" % (table, table))
    columns = {r[1].lower() for r in conn.execute(
        "PRAGMA table_info(%s)" % _quote(table))}
    try:
        without_rowid = any(
            r[0] == "main" and r[1].lower() == table.lower() and r[4]
            for r in conn.execute("PRAGMA table_list(%s)" % _quote(table)))
    except sqlite3.Error:
        # PRAGMA table_list is SQLite 3.37's; before it, the schema's text
        without_rowid = "WITHOUT ROWID" in " ".join((sql or "").upper().split())
    if without_rowid:
        _fail("%s is a WITHOUT ROWID table: parallel() splits by rowid; "
              "run SELECT ... FROM %s on one connection, or copy it into a "
              "table with a rowid" % (table, table))
    for name in ("rowid", "_rowid_", "oid"):
        if name not in columns:
            return name
    _fail("%s has columns named rowid, _rowid_ and oid, which hide its "
          "rowid" % table)


def _ranges(lo, hi, count):
    """count ranges of about equal width covering [lo, hi], exact in
    Python's integers."""
    count = max(1, min(count, hi - lo + 1))
    width = hi - lo + 1
    cuts = [lo + (width * i) // count for i in range(count + 1)]
    return [(cuts[i], cuts[i + 1] - 1) for i in range(count)]


def _options_text(options):
    """The options argument as the extension reads it: a JSON object's
    text.  A dict is written with json.dumps, NaN and Inf refused (JSON has
    none); a str is passed as it is, the extension words what is wrong in
    it."""
    if isinstance(options, dict):
        try:
            return json.dumps(options, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as e:
            _fail("options must be JSON: %s" % e)
    if isinstance(options, str) and options.lstrip(" \t\n\r").startswith("{"):
        return options
    _fail("options must be a dict or the text of a JSON object, got %r"
          % (options,))


def parallel(path, function, table, *columns, where=None, params=(),
             options=None, workers=None):
    """function(columns...) over the rows of table in the database file at
    path, computed on `workers` cores (default: all this process may use),
    with the bits of

        SELECT function(columns...) FROM table [WHERE where]

    on one connection.  function is bce, bce_logits, cce or cce_logits,
    or a score with a state: bce_d2, cce_d2, kl_div;
    columns are SQL expressions (column names, or "prob * 0.01"), two to
    four as the function takes; options, a dict or JSON text such as
    {"pos_weight": 3}, is the function's options object (docs/functions.md,
    "Options"), passed to every range's state as its last argument; where
    is an SQL condition, with params for its ? placeholders.  Returns a float, or None where the query gives NULL.
    The database is opened read-only, once per worker.  A failed range
    (a bad value in a row, say) fails the call with the extension's
    message; nothing is dropped."""
    from . import load      # here: the package imports this module

    if function not in _STATE:
        _fail("function must be one of %s (the functions with a state), "
              "got %r" % (", ".join(sorted(_STATE)), function))
    if options is None:
        if not 2 <= len(columns) <= 4:
            _fail("%s takes 2 to 4 columns (y, p or z, w, eps), got %d"
                  % (function, len(columns)))
        args, lead = ", ".join(columns), ()
    else:
        # eps is an option then: a positional one does not combine
        if not 2 <= len(columns) <= 3:
            _fail("%s takes 2 or 3 columns (y, p or z, w) with options, "
                  "got %d" % (function, len(columns)))
        args, lead = ", ".join(columns) + ", ?", (_options_text(options),)
    if _is_memory(path):
        _fail("an in-memory database lives in one connection, and "
              "parallel() opens one per worker: save it to a file "
              "(conn.backup()), or run SELECT %s(...) on its connection"
              % function)
    if not os.path.isfile(path):
        _fail("no database file at %s" % os.fspath(path))
    if workers is None:
        try:
            workers = len(os.sched_getaffinity(0))
        except AttributeError:
            workers = os.cpu_count() or 1
    if not isinstance(workers, int) or workers < 1:
        _fail("workers must be an integer >= 1, got %r" % (workers,))

    control = _connect(path, load)
    try:
        # a commit by another connection during the call would give the
        # ranges different versions of the table: PRAGMA data_version,
        # read before and after, says whether one came
        version = control.execute("PRAGMA data_version").fetchone()[0]
        rowid = _rowid_name(control, table)
        # one subquery each: SQLite seeks a lone min() or max() of the
        # rowid, but scans the whole table for the two in one SELECT
        lo, hi = control.execute(
            "SELECT (SELECT min(%s) FROM %s), (SELECT max(%s) FROM %s)"
            % (rowid, _quote(table), rowid, _quote(table))).fetchone()
        if lo is None:
            return control.execute(
                "SELECT %s(%s) FROM %s WHERE 0"
                % (function, args, _quote(table)), lead).fetchone()[0]
        ranges = _ranges(lo, hi, workers * RANGES_PER_WORKER)
        # the placeholders in the text's order: the options', where's,
        # then the range's two
        query = "SELECT %s(%s) FROM %s WHERE (%s) AND %s BETWEEN ? AND ?" % (
            _STATE[function], args, _quote(table), where or "1", rowid)
        states = _run(path, load, query, lead + tuple(params), ranges,
                      min(workers, len(ranges)))
        if control.execute("PRAGMA data_version").fetchone()[0] != version:
            raise sqlite3.OperationalError(
                "sqlite_bce.parallel: the database changed during the call "
                "(another connection committed), so the ranges saw different "
                "rows; run it again when writes have stopped")
        control.execute("CREATE TEMP TABLE parallel_states(s BLOB)")
        control.executemany("INSERT INTO parallel_states VALUES (?)",
                            ((s,) for s in states))
        return control.execute(
            "SELECT bce_merge(s) FROM parallel_states").fetchone()[0]
    finally:
        control.close()


def _run(path, load, query, params, ranges, workers):
    """The states of the ranges, each range's query on a connection of the
    worker thread that took it."""
    lock = threading.Lock()
    todo = iter(range(len(ranges)))
    states = [None] * len(ranges)
    failed = threading.Event()

    def work():
        conn = _connect(path, load)
        try:
            while not failed.is_set():
                with lock:
                    i = next(todo, None)
                if i is None:
                    return
                lo, hi = ranges[i]
                try:
                    states[i] = conn.execute(
                        query, params + (lo, hi)).fetchone()[0]
                except sqlite3.Error as e:
                    failed.set()
                    raise type(e)("%s (sqlite_bce.parallel: in the rows "
                                  "with rowid %d to %d)" % (e, lo, hi)) from e
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(work) for _ in range(workers)]
    for f in futures:
        f.result()          # the first failure, with its message
    return [s for s in states if s is not None]
