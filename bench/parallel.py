# SPDX-License-Identifier: MIT
"""make bench's parallel rows: bce(y, p) over the 10^7 rows of preds,
once as one query and once through sqlite_bce.parallel() (issue 25).

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/parallel.py DB MODE
  MODE  query: SELECT bce(y, p) FROM preds on one connection
        N:     sqlite_bce.parallel(DB, "bce", "preds", "y", "p", workers=N)
Prints "seconds loss-bits" (the bits, so that bench/run.sh can check that
every mode gave the same)."""
import sqlite3
import struct
import sys
import time

import sqlite_bce


def main(path, mode):
    if mode == "query":
        conn = sqlite3.connect(path)
        sqlite_bce.load(conn)
        start = time.perf_counter()
        loss = conn.execute("SELECT bce(y, p) FROM preds").fetchone()[0]
    else:
        start = time.perf_counter()
        loss = sqlite_bce.parallel(path, "bce", "preds", "y", "p",
                                   workers=int(mode))
    print("%.3f %s" % (time.perf_counter() - start,
                       struct.pack("<d", loss).hex()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
