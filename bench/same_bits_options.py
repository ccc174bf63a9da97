#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/same_bits.py's comparison with the options of issue 21: the
values of the binary functions under 34 option sets, as the bits of each
double, for comparing two builds (or one build's two steps) with cmp.

    /usr/bin/python3 bench/same_bits_options.py OLD/bce.so old.txt
    /usr/bin/python3 bench/same_bits_options.py ./bce.so new.txt
    cmp old.txt new.txt

The table is same_bits.py's (bench/data/bits.db, made once with a fixed
seed).  Per option set: bce_term with hard and soft labels, bce_grad, the
aggregate bce(y, p, options) over windows of 2 rows (each row after a
frame's first goes through the step's short path of known options, the
one ext/entry.c may swap for its x86-64 v3 copy, and the window's value
is two losses summed exactly: a row's loss that moved would show),
grouped, whole, with a weight, bce_logits_term, and the states of the
aggregate grouped and whole (a state holds the exact sum of the losses:
one loss that moved by an ulp changes its bytes, where a mean of many
rows may round it away).  Debian's python3.
"""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import same_bits  # noqa: E402

OPTIONS = [
    '{}', '{"reduction": "sum"}', '{"reduction": "mean_over_rows"}',
    '{"pos_weight": 3}', '{"pos_weight": 0}', '{"pos_weight": 1}',
    '{"pos_weight": 1e-70}', '{"smoothing": 0.1}',
    '{"smoothing": 0.1, "pos_weight": 3}', '{"smoothing": 1}',
    '{"gamma": 1}', '{"gamma": 2}', '{"gamma": 2.5}', '{"gamma": 3}',
    '{"gamma": 40}', '{"gamma": 300}', '{"gamma": 0.5, "pos_weight": 0.5}',
    '{"gamma": 2.5, "pos_weight": 2, "smoothing": 0.05}',
    '{"smoothing": 0.2, "gamma": 2}', '{"smoothing": 0.2, "gamma": 2.5}',
    '{"gamma": 2, "alpha": 0.25}', '{"eps": 1e-7}',
    '{"eps": 1e-7, "pos_weight": 3}', '{"eps": 0, "gamma": 2.5}',
    '{"eps": 0, "pos_weight": 3, "smoothing": 0.1}', '{"gamma": 9}',
    '{"gamma": 7.3}', '{"gamma": 50}', '{"gamma": 1000}', '{"gamma": 1e6}',
    '{"gamma": 300, "smoothing": 0.1}', '{"gamma": 300, "pos_weight": 3}',
    '{"gamma": 300, "alpha": 0.25}', '{"gamma": 1000, "smoothing": 1e-9}',
]


def queries():
    q = []
    for o in OPTIONS:
        for y in ('y', 'ys'):
            q += [f"SELECT bce_term({y}, p, '{o}') FROM t",
                  f"SELECT bce({y}, p, '{o}') OVER (ROWS 1 PRECEDING) FROM t",
                  f"SELECT bce({y}, p, '{o}') FROM t GROUP BY rowid % 997",
                  f"SELECT bce({y}, p, '{o}') FROM t",
                  f"SELECT bce({y}, p, w, '{o}') FROM t GROUP BY rowid % 97",
                  f"SELECT hex(bce_state({y}, p, '{o}')) FROM t GROUP BY rowid % 97",
                  f"SELECT hex(bce_state({y}, p, '{o}')) FROM t"]
        if '"reduction"' not in o:
            q += [f"SELECT bce_grad(y, p, 1000, '{o}') FROM t WHERE rowid % 4 = 0",
                  f"SELECT bce_logits_term(ys, z, '{o}') FROM t WHERE rowid % 4 = 1"
                  if '"eps"' not in o else
                  f"SELECT bce_term(ys, p, w, '{o}') FROM t WHERE rowid % 4 = 1"]
    return q


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    same_bits.main(queries)

if __name__ == '__main__':
    main()
