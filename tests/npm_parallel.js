// SPDX-License-Identifier: MIT
// parallel() of the npm package against the one query, bit for bit, and
// its refusals (issue 25; tests/parallel.py does the same for Python).
// Run by tests/npm_package.sh inside a project where the packed
// sqlite-bce and better-sqlite3 are installed.  Prints ok/FAIL lines.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Database = require('better-sqlite3');
const bce = require('sqlite-bce');

const say = (ok, name, why) =>
  console.log(ok ? `ok|npm parallel: ${name}` : `FAIL|npm parallel: ${name}|${why}`);
const bits = (x) => {
  if (x === null) return 'null';
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return b.toString('hex');
};

// a seeded generator, so a failure can be reproduced
let seed = 25n;
const random = () => {
  seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
  return Number(seed >> 11n) / 2 ** 53;
};

function makeDb(file, shape) {
  const db = new Database(file);
  db.exec('CREATE TABLE preds(y, p, w)');
  const insert = db.prepare('INSERT INTO preds(rowid, y, p, w) VALUES (?, ?, ?, ?)');
  let rowid = -50;
  db.transaction(() => {
    for (let i = 0; i < 1500; i++) {
      rowid += random() < 0.7 ? 1 : 1 + Math.floor(random() * 1e6);
      let y; let p;
      if (shape === 'bce') {
        y = random() < 0.5 ? 1 : random();
        p = random();
      } else if (shape === 'bce_logits') {
        y = random() < 0.5 ? 0 : 1;
        p = (random() - 0.5) * (random() < 0.1 ? 3e307 : 40);
      } else {
        y = Math.floor(random() * 3);
        const a = [random(), random(), random()];
        const s = a[0] + a[1] + a[2];
        p = JSON.stringify([a[0] / s, a[1] / s, 1 - a[0] / s - a[1] / s]);
      }
      insert.run(rowid, random() < 0.05 ? null : y, p, random() * 2);
    }
  })();
  db.exec('DELETE FROM preds WHERE rowid % 5 = 2');
  db.close();
}

function oneQuery(file, sql, ...params) {
  const db = new Database(file, { readonly: true });
  bce.load(db);
  const v = db.prepare(sql).pluck().get(...params);
  db.close();
  return v;
}

async function expectError(name, pattern, call) {
  try {
    const v = await call();
    say(false, name, `resolved to ${v}`);
  } catch (e) {
    say(pattern.test(e.message), name, `message '${e.message}' does not match ${pattern}`);
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bce-parallel-'));
  try {
    for (const [fn, shape] of [['bce', 'bce'], ['bce_logits', 'bce_logits'], ['cce', 'cce'],
                               ['bce_d2', 'bce'], ['cce_d2', 'cce'], ['kl_div', 'cce']]) {
      const file = path.join(tmp, `${fn}.db`);
      makeDb(file, shape);
      for (const cols of [['y', 'p'], ['y', 'p', 'w']]) {
        const want = bits(oneQuery(file, `SELECT ${fn}(${cols.join(', ')}) FROM preds`));
        for (const workers of [1, 2, 3, 4]) {
          const got = bits(await bce.parallel(file, fn, 'preds', cols, { workers }));
          say(got === want, `${fn}(${cols.join(', ')}), ${workers} workers: the bits of the one query`,
              `got ${got}, want ${want}`);
        }
      }
      // an options object (issue 21): as a JS object to parallel(), as its
      // JSON text to the one query
      // the scores (issue 23) take the keys that apply to them
      const loss = {
        cce: { smoothing: 0.1, gamma: 2, reduction: 'sum' },
        bce_d2: { pos_weight: 3, smoothing: 0.1 },
        cce_d2: { smoothing: 0.1, class_weight: [1, 2, 0.5] },
        kl_div: { smoothing: 0.1, eps: 1e-7 },
      }[fn] || { pos_weight: 3, gamma: 1.5, reduction: 'mean_over_rows' };
      const wantOpt = bits(oneQuery(file, `SELECT ${fn}(y, p, w, ?) FROM preds`,
                                    JSON.stringify(loss)));
      for (const workers of [1, 2, 3]) {
        const got = bits(await bce.parallel(file, fn, 'preds', ['y', 'p', 'w'],
                                            { workers, options: loss }));
        say(got === wantOpt, `${fn}(y, p, w, ${JSON.stringify(loss)}), ${workers} workers: ` +
            'the bits of the one query', `got ${got}, want ${wantOpt}`);
      }
      const want = bits(oneQuery(file, `SELECT ${fn}(y, p) FROM preds WHERE rowid % 3 <> ?`, 1));
      const got = bits(await bce.parallel(file, fn, 'preds', ['y', 'p'],
                                          { where: 'rowid % 3 <> ?', params: [1], workers: 2 }));
      say(got === want, `${fn}(y, p) WHERE with a parameter, 2 workers`, `got ${got}, want ${want}`);
    }
    const file = path.join(tmp, 'errors.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE preds(y, p); INSERT INTO preds VALUES (1, 0.9), (0, 0.2);
             CREATE VIEW v AS SELECT * FROM preds;
             CREATE TABLE nr(id INTEGER PRIMARY KEY, y, p) WITHOUT ROWID;
             CREATE TABLE bad(y, p); CREATE TABLE empty(y, p);`);
    const ins = db.prepare('INSERT INTO bad VALUES (?, ?)');
    for (let i = 0; i < 300; i++) ins.run(1, i === 150 ? -0.5 : 0.5);
    db.close();
    await expectError('an in-memory database', /in-memory database lives in one connection/,
                      () => bce.parallel(':memory:', 'bce', 'preds', ['y', 'p']));
    await expectError('a view', /v is a view: parallel\(\) splits a table by rowid/,
                      () => bce.parallel(file, 'bce', 'v', ['y', 'p']));
    await expectError('a WITHOUT ROWID table', /nr is a WITHOUT ROWID table/,
                      () => bce.parallel(file, 'bce', 'nr', ['y', 'p']));
    await expectError('a function without a state', /function must be one of bce, bce_d2, bce_logits, cce, cce_d2, cce_logits, kl_div/,
                      () => bce.parallel(file, 'bce_term', 'preds', ['y', 'p']));
    await expectError('a bad row fails the call with its message',
                      /^bce_state\(\): p must be in \[0, 1\], got -0.5; for logits use bce_logits_state\(\) \(sqlite-bce parallel\(\): in the rows with rowid \d+ to \d+\)$/,
                      () => bce.parallel(file, 'bce', 'bad', ['y', 'p'], { workers: 2 }));
    await expectError('options with a positional eps', /takes 2 or 3 columns \(y, p or z, w\) with options, got 4/,
                      () => bce.parallel(file, 'bce', 'preds', ['y', 'p', '1', '1e-15'],
                                         { options: { pos_weight: 3 } }));
    await expectError('options not an object', /options must be an object or the text of a JSON object, got 3/,
                      () => bce.parallel(file, 'bce', 'preds', ['y', 'p'], { options: 3 }));
    await expectError('options with a NaN', /options must be JSON, got NaN in gamma/,
                      () => bce.parallel(file, 'bce', 'preds', ['y', 'p'], { options: { gamma: NaN } }));
    const empty = await bce.parallel(file, 'bce', 'empty', ['y', 'p']);
    say(empty === null, 'an empty table gives null, as bce() gives NULL', `got ${empty}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  say(false, 'the run', e.stack);
  process.exitCode = 1;
});
