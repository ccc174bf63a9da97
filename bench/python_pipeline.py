# SPDX-License-Identifier: MIT
"""What the extension replaces: fetch every row into Python, then numpy.

Usage: /usr/bin/python3 bench/python_pipeline.py DB
Prints "seconds loss" for fetch + the clipped numpy log loss (the same
formula as bce(y, p): eps = 2^-52, np.finfo(np.float64).eps).  Needs Debian's python3-numpy;
bench/run.sh runs it only where that is installed.
"""
import sqlite3
import sys
import time

import numpy as np


def main(path):
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    rows = conn.execute("SELECT y, p FROM preds").fetchall()
    data = np.array(rows, dtype=np.float64)
    y, p = data[:, 0], data[:, 1]
    eps = np.finfo(np.float64).eps
    q = np.clip(p, eps, 1 - eps)
    loss = -np.mean(y * np.log(q) + (1 - y) * np.log1p(-q))
    print("%.3f %.15g" % (time.perf_counter() - start, loss))


if __name__ == "__main__":
    main(sys.argv[1])
