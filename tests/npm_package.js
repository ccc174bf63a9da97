// SPDX-License-Identifier: MIT
// Run by tests/npm_package.sh inside a project where the packed sqlite-bce
// and better-sqlite3 are installed.  Prints ok/FAIL/skip lines.
//   node npm_package.js VERSION
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const version = process.argv[2];
const say = (status, name, why) =>
  console.log(why === undefined ? `${status}|npm: ${name}` : `${status}|npm: ${name}|${why}`);
const check = (cond, name, why) => say(cond ? 'ok' : 'FAIL', name, cond ? undefined : why);

const bce = require('sqlite-bce');
const pkg = require('sqlite-bce/package.json');
check(pkg.version === version, `package.json version is src/version.h's ${version}`,
      `got ${pkg.version}`);

const lib = bce.getLoadablePath();
check(path.isAbsolute(lib) && fs.existsSync(lib) &&
      lib.endsWith(path.join('lib', 'linux-x64', 'bce.so')),
      'getLoadablePath() is lib/linux-x64/bce.so inside the package', lib);

const Database = require('better-sqlite3');
const db = new Database(':memory:');
bce.load(db);

// scikit-learn's log_loss docstring example, published as 0.216161874680579
// (tests/sql/published.sql): half a unit of the 15th digit plus 2 ulp.
const { loss } = db.prepare(`SELECT bce(column1, column2) AS loss FROM
  (VALUES (1, 0.9), (0, 0.1), (0, 0.2), (1, 0.65))`).get();
check(Math.abs(loss - 0.216161874680579) <= 5e-16 + 5.6e-17,
      'better-sqlite3: bce() of scikit-learn\'s log_loss example = 0.216161874680579',
      `got ${loss}`);

const { v } = db.prepare('SELECT bce_version() AS v').get();
check(v === version, `better-sqlite3: bce_version() = ${version}`, `got ${v}`);

const want = 'bce(): p must be in [0, 1], got 2.7; percentages? p / 100.0 reads them as probabilities; logits? use bce_logits()';
let err = null;
try {
  db.prepare('SELECT bce(1, 2.7)').get();
} catch (e) {
  err = e;
}
check(err instanceof Database.SqliteError && err.message === want,
      `better-sqlite3: an error is a SqliteError with the message '${want}'`,
      err ? `${err.constructor.name}: ${err.message}` : 'no error');

// A Buffer binds as a BLOB: a number's text in one gets the Buffer's fix,
// not numpy's, also at 4 and 8 bytes (issue 24); buf.toString() fixes it.
for (const text of ['0.5', '0.25', '0.500000']) {
  const buf = Buffer.from(text);
  const hint = `p must be a number, got a blob of ${buf.length} bytes; text sent as bytes ` +
    '(a Node Buffer?): pass buf.toString(), or CAST(p AS TEXT)';
  let e = null;
  try {
    db.prepare('SELECT bce_term(1, ?) AS l').get(buf);
  } catch (x) {
    e = x;
  }
  check(e instanceof Database.SqliteError && e.message === `bce_term(): ${hint}`,
        `better-sqlite3: Buffer.from('${text}') gets the Buffer's fix`,
        e ? e.message : 'no error');
  const { l } = db.prepare('SELECT bce_term(1, ?) AS l').get(buf.toString());
  check(Math.abs(l + Math.log(Number(text))) <= 2 * Number.EPSILON * l,
        `better-sqlite3: buf.toString() fixes it: -ln ${text}`, `got ${l}`);
}
db.close();

// node:sqlite can load extensions from Node 22.13 on.
let sqlite = null;
try {
  sqlite = require('node:sqlite');
} catch (e) {
  // Node without node:sqlite: skipped below
}
if (sqlite && typeof sqlite.DatabaseSync === 'function' &&
    typeof sqlite.DatabaseSync.prototype.loadExtension === 'function') {
  const d = new sqlite.DatabaseSync(':memory:', { allowExtension: true });
  bce.load(d);
  const r = d.prepare(`SELECT bce(column1, column2) AS loss FROM
    (VALUES (1, 0.9), (0, 0.1), (0, 0.2), (1, 0.65))`).get();
  check(Math.abs(r.loss - 0.216161874680579) <= 5e-16 + 5.6e-17,
        'node:sqlite: bce() of scikit-learn\'s log_loss example', `got ${r.loss}`);
  d.close();
} else {
  say('skip', 'node:sqlite DatabaseSync', `Node ${process.version} cannot load extensions there (needs >= 22.13)`);
}
