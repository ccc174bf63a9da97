# SPDX-License-Identifier: MIT
"""Rule 3, TEXT numbers (issue 14): the TEXTs the extension takes for
numbers are exactly those SQLite's numeric affinity takes, and each reads
as the nearest double.  Prints ok/FAIL lines.

  /usr/bin/python3 tests/text_numbers.py ./bce

1. Values: every string of tests/ref/text_numbers.tsv (shortest and
   17-digit strings of random doubles, exact halfway cases and their near
   neighbours, long subnormal strings) must read as the double Python's
   float() gives (committed there by tests/gen_text_numbers.py).  The
   double read is seen exactly in an error message: a negative weight is
   refused with its shortest round-trip digits ("got -0.1"), so '-' + s is
   passed as bce_term's w.
2. The set: random strings over digits, signs, '.', 'e', white space and a
   few other characters, and a list of edge cases, are numbers to the
   extension (sigmoid() accepts them) exactly when a NUMERIC column of
   this SQLite converts them; and those read as float() reads them.
"""
import os
import random
import sqlite3
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SQL_SPACE = " \t\n\v\f\r"          # sqlite3Isspace


def report(ok, name, why=""):
    print(("ok|%s" % name) if ok else ("FAIL|%s|%s" % (name, why)))


def bits(x):
    return struct.pack(">d", x).hex()


def read_back(conn, text):
    """The double the extension reads from the TEXT `text` (which must be
    a number <= 0 once read), seen in bce_term's message for a negative w;
    0.0 when there is no error (the number was a zero)."""
    try:
        (r,) = conn.execute("SELECT bce_term(1, 0.5, ?)", (text,)).fetchone()
        return 0.0 if r == 0.0 else None
    except sqlite3.OperationalError as e:
        msg = str(e)
        head = "bce_term(): w must be a finite number >= 0, got "
        if not msg.startswith(head):
            return msg
        return float(msg[len(head):].replace("Inf", "inf"))


def negated(s):
    """s with its sign made '-' (white space kept where it is)."""
    core = s.lstrip(SQL_SPACE)
    lead = s[:len(s) - len(core)]
    if core.startswith("-"):
        return s
    return lead + "-" + (core[1:] if core.startswith("+") else core)


def main(lib):
    conn = sqlite3.connect(":memory:")
    conn.enable_load_extension(True)
    conn.load_extension(lib)
    conn.enable_load_extension(False)

    # 1. values against the committed references
    cases = []
    with open(os.path.join(HERE, "ref", "text_numbers.tsv")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            s, h = line.rstrip("\n").split("\t")
            cases.append((s, h))
    bad = []
    for s, h in cases:
        want = struct.unpack(">d", bytes.fromhex(h))[0]
        got = read_back(conn, "-" + s)
        if not isinstance(got, float) or bits(-got if got else 0.0) != bits(abs(want)):
            bad.append("%s: got %r, want %r" % (s[:60], got, want))
    report(not bad, "rule 3: %d TEXT numbers read to the nearest double "
           "(tests/ref/text_numbers.tsv, Python's float())" % len(cases),
           "%d wrong, e.g. %s" % (len(bad), "; ".join(bad[:3])))

    # the same strings as SQLite lets them be written: white space, '+',
    # 'E', leading zeros
    rng = random.Random(3)
    bad = []
    for s, h in cases[:1500]:
        want = abs(struct.unpack(">d", bytes.fromhex(h))[0])
        t = s.replace("e", "E") if rng.random() < 0.5 else s
        if t[0] != "." and rng.random() < 0.3:
            t = "00" + t
        t = rng.choice(["", " ", "\t", "\n "]) + "-" + t + rng.choice(["", " ", "\r\n", "\f"])
        got = read_back(conn, t)
        if not isinstance(got, float) or bits(-got if got else 0.0) != bits(want):
            bad.append("%r: got %r, want %r" % (t[:60], got, want))
    report(not bad, "rule 3: 1500 of them with white space, 'E' and leading zeros",
           "%d wrong, e.g. %s" % (len(bad), "; ".join(bad[:3])))

    # 2. the set SQLite's numeric affinity takes
    conn.execute("CREATE TEMP TABLE affinity(x NUMERIC)")
    edge = ["", " ", ".", "+", "-", "+.", "-.", ".5", "5.", "+0.5", "-0.5",
            " 0.5", "0.5 ", "\t0.5\n", "\v1\f", "\r1", "1e", "1e+", "1e-",
            "1e5", "1E5", "1e+5", "1.e5", ".e5", "e5", "5.e-3", "0x10",
            "0X1A", "1_000", "1,5", "１", "inf", "Inf", "-inf", "nan", "NaN",
            "Infinity", "1e999", "-1e999", "1e-999", "007", "00.5", "--1",
            "+-1", "+ 1", "1 2", "1.2.3", "1e5.5", "0.5x", "\x1c1", "\xa01",
            "1d", "1f", "0b1", "9" * 400, "." + "0" * 400 + "1"]
    alphabet = "0129..+-eE \t\n\v\f\rx_,"
    strings = edge + ["".join(rng.choice(alphabet)
                              for _ in range(rng.randint(0, 7)))
                      for _ in range(20000)]
    differ, wrong = [], []
    for s in strings:
        conn.execute("DELETE FROM affinity")
        conn.execute("INSERT INTO affinity VALUES (?)", (s,))
        (t,) = conn.execute("SELECT typeof(x) FROM affinity").fetchone()
        sqlite_takes = t != "text"
        try:
            conn.execute("SELECT sigmoid(?)", (s,)).fetchone()
            ours = True
        except sqlite3.OperationalError as e:
            ours = False
            if not str(e).startswith("sigmoid(): x must be a number, got "):
                wrong.append("%r: %s" % (s, e))
        if ours != sqlite_takes:
            differ.append("%r: SQLite %s, extension %s" % (
                s, "takes" if sqlite_takes else "refuses",
                "takes" if ours else "refuses"))
            continue
        if ours:
            want = float(s.strip(SQL_SPACE))
            got = read_back(conn, negated(s))
            if not isinstance(got, float) or bits(-got if got else 0.0) != bits(abs(want)):
                wrong.append("%r: got %r, want %r" % (s, got, want))
    report(not differ, "rule 3: %d strings (edge cases, random ones) are "
           "numbers exactly when SQLite's NUMERIC affinity converts them"
           % len(strings), "%d differ, e.g. %s" % (len(differ), "; ".join(differ[:4])))
    report(not wrong, "rule 3: and each of those numbers reads as Python's float() reads it",
           "%d wrong, e.g. %s" % (len(wrong), "; ".join(wrong[:3])))


if __name__ == "__main__":
    main(sys.argv[1])
