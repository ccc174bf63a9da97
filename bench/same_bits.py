#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The values of the binary functions, as the bits of each double, for
comparing two builds with cmp: a change made for speed must not move one.

    /usr/bin/python3 bench/same_bits.py OLD/bce.so old.txt
    /usr/bin/python3 bench/same_bits.py ./bce.so new.txt
    cmp old.txt new.txt

The table (10^5 rows, made once in bench/data/bits.db with a fixed seed, so
both runs read the same rows): hard labels y, soft labels ys in steps of
1/1023, p uniform in (0, 1) with the edges 0, 1, 1e-300, 1 - 1e-17,
2.2e-16, 1e-10 and 0.9999999999 every 50 rows, logits z in [-30, 30] with
+-800, +-40 and 0, weights 0.5 to 2.25 with 0, 1e-300, 1e300 and 3.  The
queries: bce, bce_term, bce_grad and the logits ones, with hard and soft
labels, with weights and eps, as aggregates, grouped, over windows of 100
rows, as states, and with '{}' and a reduction.  Debian's python3 (the one
that can load extensions).  docs/performance.md says where it was used.
"""
import os
import random
import sqlite3
import struct
import sys

DB = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'bits.db')


def make_table(path):
    rng = random.Random(20261206)
    rows = []
    for i in range(1, 100001):
        special_p = {0: 0.0, 1: 1.0, 2: 1e-300, 3: 1 - 1e-17, 4: 2.2e-16,
                     5: 1e-10, 6: 0.9999999999}
        p = special_p.get(i % 50, (rng.getrandbits(52) + 0.5) / 2.0**52)
        special_z = {0: 800.0, 1: -800.0, 2: 40.0, 3: -40.0, 4: 0.0}
        z = special_z.get(i % 40, rng.uniform(-30, 30))
        special_w = {0: 0.0, 1: 1e-300, 2: 1e300, 3: 3.0}
        w = special_w.get(i % 30, 0.5 + rng.randrange(8) / 4.0)
        rows.append((rng.getrandbits(1), rng.randrange(1024) / 1023.0, p, z, w))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    c = sqlite3.connect(path + '.tmp')
    c.execute('CREATE TABLE t(y INTEGER, ys REAL, p REAL, z REAL, w REAL)')
    c.executemany('INSERT INTO t VALUES (?, ?, ?, ?, ?)', rows)
    c.commit()
    c.close()
    os.replace(path + '.tmp', path)


def queries():
    q = []
    for y in ('y', 'ys'):
        for x, fam in (('p', ''), ('z', '_logits')):
            q += [f"SELECT bce{fam}_term({y}, {x}) FROM t",
                  f"SELECT bce{fam}_grad({y}, {x}) FROM t",
                  f"SELECT bce{fam}_grad({y}, {x}, 100000) FROM t",
                  f"SELECT bce{fam}_term({y}, {x}, w) FROM t",
                  f"SELECT bce{fam}({y}, {x}) FROM t",
                  f"SELECT bce{fam}({y}, {x}, w) FROM t",
                  f"SELECT bce{fam}({y}, {x}) FROM t GROUP BY rowid % 997",
                  f"SELECT bce{fam}({y}, {x}, w) FROM t GROUP BY rowid % 997",
                  f"SELECT bce{fam}({y}, {x}) OVER (ROWS 99 PRECEDING) FROM t",
                  f"SELECT bce{fam}({y}, {x}, w) OVER (ROWS 99 PRECEDING) FROM t",
                  f"SELECT hex(bce{fam}_state({y}, {x})) FROM t GROUP BY rowid % 101",
                  f"SELECT hex(bce{fam}_state({y}, {x}, w)) FROM t GROUP BY rowid % 101",
                  f"SELECT bce{fam}({y}, {x}, '{{}}') FROM t",
                  f"SELECT bce{fam}({y}, {x}, '{{\"reduction\": \"sum\"}}') FROM t"]
        for eps in ('0', '1e-7', '0.25'):
            q += [f"SELECT bce({y}, p, w, {eps}) FROM t",
                  f"SELECT bce({y}, p, 1.0, {eps}) FROM t GROUP BY rowid % 997",
                  f"SELECT bce_term({y}, p, w, {eps}) FROM t",
                  f"SELECT bce_grad({y}, p, 1000, {eps}) FROM t",
                  f"SELECT bce({y}, p, w, {eps}) OVER (ROWS 99 PRECEDING) FROM t"]
    return q


def text(v):
    if v is None:
        return 'NULL'
    if isinstance(v, float):
        return struct.pack('>d', v).hex()
    return repr(v)


def main(make_queries=None):
    """Writes every value of make_queries()'s queries (this file's by
    default) as bits into argv[2], through the library argv[1]."""
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lib, out = sys.argv[1], sys.argv[2]
    if not os.path.exists(DB):
        make_table(DB)
    c = sqlite3.connect(DB)
    c.enable_load_extension(True)
    c.load_extension(lib)
    n = 0
    qs = (make_queries or queries)()
    with open(out + '.tmp', 'w') as f:
        for q in qs:
            f.write('# ' + q + '\n')
            try:
                for row in c.execute(q):
                    f.write(' '.join(text(v) for v in row) + '\n')
                    n += 1
            except sqlite3.Error as e:
                f.write('ERROR ' + str(e) + '\n')
    os.replace(out + '.tmp', out)
    print(f'{len(qs)} queries, {n} values in {out}')

if __name__ == '__main__':
    main()
