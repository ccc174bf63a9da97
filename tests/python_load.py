# SPDX-License-Identifier: MIT
"""The Python example of docs/hosts.md, run as a test: load the extension into
Python's sqlite3 module, compute the worked example, and check that a bad
argument arrives as sqlite3.OperationalError with the extension's message.

Usage: /usr/bin/python3 tests/python_load.py ./bce
(Debian's python3 is built with extension loading; see docs/hosts.md.)
"""
import sqlite3
import sys


def report(ok, name, why=""):
    print(("ok|%s" % name) if ok else ("FAIL|%s|%s" % (name, why)))
    return ok


def main(path):
    conn = sqlite3.connect(":memory:")
    conn.enable_load_extension(True)
    conn.load_extension(path)
    conn.enable_load_extension(False)
    conn.execute("CREATE TABLE predictions(label, prob)")
    conn.executemany("INSERT INTO predictions VALUES (?, ?)",
                     [(1, 0.4), (0, 0.5), (1, 0.8), (1, 0.2)])
    (loss,) = conn.execute(
        "SELECT bce(label, prob) FROM predictions").fetchone()
    # published to 15 digits: half a unit of the last digit, plus 2 ulp
    good = report(abs(loss - 0.860504844045603) <= 5e-16 + 2.3e-16,
                  "python: bce() of the worked example = 0.860504844045603",
                  repr(loss))
    try:
        conn.execute("SELECT bce(1, 2.7)").fetchone()
        good &= report(False, "python: bad p raises OperationalError",
                       "no exception")
    except sqlite3.OperationalError as e:
        good &= report(str(e) == "bce(): p must be in [0, 1], got 2.7; "
                       "percentages? p / 100.0 reads them as probabilities; "
                       "logits? use bce_logits()",
                       "python: bad p raises OperationalError with the "
                       "message", str(e))
    # A TEXT that is not UTF-8 (Python's sqlite3 decodes every message as
    # UTF-8: a raw byte 0xff in one raised UnicodeDecodeError instead)
    try:
        conn.execute("SELECT bce_term(cast(x'ff' as text), 0.5)").fetchone()
        good &= report(False, "python: non-UTF-8 y raises OperationalError",
                       "no exception")
    except sqlite3.OperationalError as e:
        good &= report(str(e) == "bce_term(): y must be a number, got '\\xff'",
                       "python: non-UTF-8 y raises OperationalError, the byte "
                       "quoted as \\xff", str(e))
    except UnicodeDecodeError as e:
        good &= report(False, "python: non-UTF-8 y raises OperationalError",
                       "UnicodeDecodeError: %s" % e)
    good &= numpy_mistakes(conn)
    return 0 if good else 1


def numpy_mistakes(conn):
    """Issue 24: what numpy hands to sqlite3 by mistake, each with the
    message's own fix, and the fix run to show that it works."""
    try:
        import json
        import numpy as np
    except ImportError:
        print("skip|python: numpy values|numpy not installed "
              "(apt-get install python3-numpy)")
        return True
    cases = [
        # (name, y, p, the end of the message, the fixed y, the fixed p)
        ("np.float16 p", 1, np.float16(0.5),
         "got a blob of 2 bytes; numpy scalars bind as blobs: "
         "float(x) fixes it", 1, float(np.float16(0.5))),
        ("np.bool_ y", np.bool_(True), 0.5,
         "got a blob of 1 byte; numpy booleans bind as blobs: "
         "int(x) fixes it", int(np.bool_(True)), 0.5),
        ("an ndarray p", "[1, 0]", np.array([0.2, 0.8]),
         "got a blob of 16 bytes; a numpy array binds as a blob: "
         "json.dumps(a.tolist()) gives JSON",
         "[1, 0]", json.dumps(np.array([0.2, 0.8]).tolist())),
        ("str() of an ndarray p", "[1, 0]", str(np.array([0.2, 0.8])),
         "str() of a numpy array? json.dumps(a.tolist()) writes JSON",
         "[1, 0]", json.dumps(np.array([0.2, 0.8]).tolist())),
    ]
    good = True
    for name, y, p, hint, fixed_y, fixed_p in cases:
        try:
            conn.execute("SELECT bce_term(?, ?)", (y, p)).fetchone()
            good &= report(False, "python: %s is an error" % name,
                           "no exception")
            continue
        except sqlite3.OperationalError as e:
            msg = str(e)
        good &= report(msg.startswith("bce_term(): ") and msg.endswith(hint)
                       and msg.count("; ") == 1,
                       "python: %s: the message has its own fix" % name, msg)
        try:
            (got,) = conn.execute("SELECT bce_term(?, ?)",
                                  (fixed_y, fixed_p)).fetchone()
            good &= report(isinstance(got, float),
                           "python: %s: the fix works" % name, repr(got))
        except sqlite3.OperationalError as e:
            good &= report(False, "python: %s: the fix works" % name, str(e))
    return good


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
