#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/same_bits_options.py's comparison for the multi-class functions
under class weights and alphas: cce, cce_logits (each reduction, grouped,
over windows, with a weight), their states, cce_d2 and cce_d2_state, the
terms and gradients, as the bits of each double and the states' bytes,
for comparing two builds with cmp (branch cw-scale: weights in the
ordinary range must keep their bits).

    /usr/bin/python3 bench/same_bits_cce_options.py OLD/bce.so old.txt
    /usr/bin/python3 bench/same_bits_cce_options.py ./build/bce.so new.txt
    cmp old.txt new.txt

The rows are drawn with a fixed seed (3 classes, 2000 rows).  Debian's
python3.
"""
import json
import random
import sqlite3
import struct
import sys

OPTIONS = [
    '{"class_weight": [1, 5, 2]}', '{"class_weight": [0.3, 1e-3, 7]}',
    '{"class_weight": [1e-300, 3e-300, 1e-301]}',
    '{"class_weight": [1e300, 2e299, 5e299]}',
    '{"class_weight": [0, 2, 1], "smoothing": 0.1}',
    '{"class_weight": [1, 5, 2], "gamma": 2}',
    '{"alpha": [0.25, 0.5, 2]}', '{"alpha": [1e-200, 3e-200, 1]}',
    '{"alpha": [0.25, 0.5, 2], "class_weight": [3, 1, 0.5], "gamma": 1.5}',
]
REDUCTIONS = ['', ', "reduction": "sum"', ', "reduction": "mean_over_rows"']


def table(db):
    rnd = random.Random(20261207)
    db.execute("CREATE TABLE t(y, ys, p, z, w)")
    for _ in range(2000):
        p = [rnd.random() + 1e-3 for _ in range(3)]
        s = sum(p)
        p = [v / s for v in p]
        a = rnd.random()
        db.execute("INSERT INTO t VALUES(?, ?, ?, ?, ?)",
                   (rnd.randrange(3), json.dumps([a, (1 - a) / 2, (1 - a) / 2]),
                    json.dumps(p), json.dumps([rnd.uniform(-30, 30)
                                               for _ in range(3)]),
                    rnd.choice([1.0, 0.5, 3.0, 1e-5, 2.5e3])))


def queries():
    q = []
    for o in OPTIONS:
        for r in REDUCTIONS:
            oo = o[:-1] + r + '}'
            for fn, x in (("cce", "p"), ("cce_logits", "z")):
                q += [f"SELECT {fn}(y, {x}, '{oo}') FROM t",
                      f"SELECT {fn}(ys, {x}, w, '{oo}') FROM t GROUP BY rowid % 97",
                      f"SELECT {fn}(y, {x}, w, '{oo}') OVER (ROWS 2 PRECEDING) FROM t",
                      f"SELECT hex({fn}_state(y, {x}, w, '{oo}')) FROM t GROUP BY rowid % 97"]
        if '"alpha"' not in o:
            q += [f"SELECT cce_d2(y, p, w, '{o}') FROM t GROUP BY rowid % 7",
                  f"SELECT hex(cce_d2_state(y, p, w, '{o}')) FROM t GROUP BY rowid % 7"]
        for fn, x in (("cce", "p"), ("cce_logits", "z")):
            q += [f"SELECT {fn}_term(ys, {x}, w, '{o}') FROM t WHERE rowid % 4 = 0",
                  f"SELECT {fn}_grad(y, {x}, 1000, '{o}') FROM t WHERE rowid % 4 = 1"]
    return q


def bits(v):
    if isinstance(v, float):
        return struct.pack("<d", v).hex()
    return repr(v)


def main():
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(sys.argv[1])
    table(db)
    with open(sys.argv[2], "w") as f:
        for q in queries():
            f.write(q + "\n")
            try:
                for (v,) in db.execute(q):
                    f.write(bits(v) + "\n")
            except sqlite3.Error as e:
                f.write("error: %s\n" % e)


if __name__ == "__main__":
    main()
