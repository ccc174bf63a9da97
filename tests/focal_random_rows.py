#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Random focal rows against mpmath, 0 ulp: bce_term(y, p, options) and
the aggregate over four equal rows (a full batch: the vector lanes' path)
for gamma 2.5, 7.3, 50, 300, 1000 and 10^4, smoothing 0 or 0.1, p uniform
and near 0 and 1; the reference is tests/gen_focal_rounding.py's exact
loss (mpmath, 60 digits past the loss) rounded to the nearest double.

    /usr/bin/python3 tests/focal_random_rows.py ./bce.so [ROWS [SEED]]

Prints the rows that differ and a count; exit 1 if any.  Not part of make
test (10^5 rows take about a minute).
"""
import os
import random
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_focal_rounding import exact_loss, nearest_double  # noqa: E402

FOUR = ("SELECT bce(a, b, ?) FROM (SELECT ? a, ? b UNION ALL SELECT ?, ? "
        "UNION ALL SELECT ?, ? UNION ALL SELECT ?, ?)")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    R = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    c = sqlite3.connect(":memory:")
    c.enable_load_extension(True)
    c.load_extension(os.path.splitext(sys.argv[1])[0])
    bad = 0
    for _ in range(rows):
        g = R.choice([300.0, 1000.0, 50.0, 7.3, 1e4, 2.5])
        s = R.choice([0.0, 0.0, 0.1])
        y = float(R.randrange(2))
        p = R.choice([R.random(), R.random() ** 8, 1 - R.random() ** 8])
        want, _ = nearest_double(exact_loss(y, p, g, 1.0, s, None, False))
        opts = '{"gamma": %r, "smoothing": %r}' % (g, s)
        got1 = c.execute("SELECT bce_term(?, ?, ?)", (y, p, opts)).fetchone()[0]
        got4 = c.execute(FOUR, (opts,) + (y, p) * 4).fetchone()[0]
        if got1 != want or got4 != want:
            bad += 1
            print("differs: y %r, p %s, %s: bce_term %r, four rows %r, mpmath %r"
                  % (y, p.hex(), opts, got1, got4, want))
    print("%d rows, %d differ" % (rows, bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
