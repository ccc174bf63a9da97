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
                       "for logits use bce_logits()",
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
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
