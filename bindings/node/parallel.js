// SPDX-License-Identifier: MIT
// The loss of one table on every core, bit for bit the one query's: the
// rowid range split into ranges, each range's state (bce_state() and its
// kin, exact integer sums) computed by a worker thread on a read-only
// better-sqlite3 connection of its own, the states merged by bce_merge()
// (docs/scale-out.md).  The same as sqlite_bce.parallel() in Python.
'use strict';

const os = require('node:os');
const fs = require('node:fs');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const STATE = {
  bce: 'bce_state',
  bce_logits: 'bce_logits_state',
  cce: 'cce_state',
  cce_logits: 'cce_logits_state',
  // the scores of issue 23: their states merge into the score
  bce_d2: 'bce_d2_state',
  cce_d2: 'cce_d2_state',
  kl_div: 'kl_div_state',
};

// Ranges per worker: more ranges than workers keep every core busy when
// the rows are not spread evenly over the rowids.
const RANGES_PER_WORKER = 8;

function fail(message) {
  throw new Error(`sqlite-bce parallel(): ${message}`);
}

function quote(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

function openReadOnly(Database, path, loadablePath) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.loadExtension(loadablePath);
  return db;
}

// The table's rowid, by a name no column hides; refuses what has none.
function rowidName(db, table) {
  const row = db.prepare(
    'SELECT type, sql FROM sqlite_master WHERE name = ? COLLATE NOCASE').get(table);
  if (!row) fail(`no such table: ${table}`);
  if (row.type === 'view') {
    fail(`${table} is a view: parallel() splits a table by rowid; give the ` +
         `table behind the view (with where), or run SELECT ... FROM ${table} ` +
         'on one connection');
  }
  if (row.type !== 'table') fail(`${table} is an ${row.type}, not a table`);
  if (/^\s*CREATE\s+VIRTUAL/i.test(row.sql || '')) {
    fail(`${table} is a virtual table: parallel() needs an ordinary table ` +
         `(copy it into one, or run SELECT ... FROM ${table} on one connection)`);
  }
  const list = db.prepare(`PRAGMA table_list(${quote(table)})`).all();
  if (list.some((r) => r.schema === 'main' && r.name.toLowerCase() === table.toLowerCase() && r.wr)) {
    fail(`${table} is a WITHOUT ROWID table: parallel() splits by rowid; run ` +
         `SELECT ... FROM ${table} on one connection, or copy it into a table ` +
         'with a rowid');
  }
  const columns = new Set(db.prepare(`PRAGMA table_info(${quote(table)})`).all()
    .map((c) => c.name.toLowerCase()));
  const name = ['rowid', '_rowid_', 'oid'].find((n) => !columns.has(n));
  if (!name) fail(`${table} has columns named rowid, _rowid_ and oid, which hide its rowid`);
  return name;
}

// count ranges of about equal width covering [lo, hi], in BigInt.
function ranges(lo, hi, count) {
  const width = hi - lo + 1n;
  const n = BigInt(count) < width ? BigInt(count) : width;
  const out = [];
  for (let i = 0n; i < n; i++) {
    out.push([lo + (width * i) / n, lo + (width * (i + 1n)) / n - 1n]);
  }
  return out;
}

// In a worker: the states of the ranges it takes, the next one each time
// from a counter the workers share, so that a worker with cheap ranges
// takes more of them.
function work() {
  const { path, loadablePath, query, params, ranges: all, next } = workerData;
  const Database = require('better-sqlite3');
  const counter = new Int32Array(next);
  let db;
  try {
    db = openReadOnly(Database, path, loadablePath);
    const stmt = db.prepare(query).pluck().safeIntegers(true);
    const states = [];
    for (let i = Atomics.add(counter, 0, 1); i < all.length; i = Atomics.add(counter, 0, 1)) {
      const [lo, hi] = all[i];
      try {
        states.push(stmt.get(...params, lo, hi));
      } catch (e) {
        parentPort.postMessage({ error: `${e.message} (sqlite-bce parallel(): ` +
                                        `in the rows with rowid ${lo} to ${hi})` });
        return;
      }
    }
    parentPort.postMessage({ states });
  } catch (e) {
    parentPort.postMessage({ error: e.message });
  } finally {
    if (db) db.close();
  }
}

/* The options argument as the extension reads it: a JSON object's text.
 * An object is written by JSON.stringify, which has no NaN or Infinity
 * (it would write null: refused here, as JSON has none); a string is
 * passed as it is, and the extension words what is wrong in it. */
function optionsText(loss) {
  if (typeof loss === 'string' && /^[ \t\n\r]*\{/.test(loss)) return loss;
  if (loss !== null && typeof loss === 'object' && !Array.isArray(loss)) {
    const text = JSON.stringify(loss, (k, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) {
        fail(`options must be JSON, got ${v} in ${k}`);
      }
      return v;
    });
    return text;
  }
  fail(`options must be an object or the text of a JSON object, got ${JSON.stringify(loss)}`);
}

/**
 * fn(columns...) over the rows of table in the database file at path, on
 * `workers` threads (default: the CPU count), with the bits of
 *   SELECT fn(columns...) FROM table [WHERE where]
 * on one connection.  Resolves to a number, or null where the query
 * gives NULL; rejects with the extension's message if a row is bad.
 * options.options, an object or JSON text such as { pos_weight: 3 }, is
 * the function's options object (docs/functions.md, "Options"), passed to
 * every range's state as its last argument.
 */
async function parallel(path, fn, table, columns, options = {}) {
  const { getLoadablePath } = require('./index.js');
  const Database = require('better-sqlite3');
  const {
    where = null, params = [], workers = os.cpus().length || 1, options: loss = null,
  } = options;
  if (!Object.prototype.hasOwnProperty.call(STATE, fn)) {
    fail(`function must be one of ${Object.keys(STATE).sort().join(', ')} ` +
         `(the functions with a state), got '${fn}'`);
  }
  if (!Array.isArray(columns) || columns.length < 2 || columns.length > 4) {
    fail(`${fn} takes 2 to 4 columns (y, p or z, w, eps), got ` +
         `${Array.isArray(columns) ? columns.length : typeof columns}`);
  }
  let args = columns.join(', ');
  let lead = [];
  if (loss !== null) {
    // eps is an option then: a positional one does not combine
    if (columns.length > 3) {
      fail(`${fn} takes 2 or 3 columns (y, p or z, w) with options, got ${columns.length}`);
    }
    args += ', ?';
    lead = [optionsText(loss)];
  }
  if (path === '' || path === ':memory:' || /^file::memory:|mode=memory/.test(path)) {
    fail('an in-memory database lives in one connection, and parallel() opens ' +
         `one per worker: save it to a file (db.backup()), or run SELECT ${fn}(...) ` +
         'on its connection');
  }
  if (!fs.existsSync(path)) fail(`no database file at ${path}`);
  if (!Number.isInteger(workers) || workers < 1) {
    fail(`workers must be an integer >= 1, got ${workers}`);
  }
  const loadablePath = getLoadablePath();
  const control = openReadOnly(Database, path, loadablePath);
  try {
    // a commit by another connection during the call would give the
    // ranges different versions of the table: data_version says
    const version = control.pragma('data_version', { simple: true });
    const rowid = rowidName(control, table);
    // one subquery each: SQLite seeks a lone min() or max() of the rowid,
    // but scans the whole table for the two in one SELECT
    const span = control.prepare(`SELECT (SELECT min(${rowid}) FROM ${quote(table)}) AS lo, ` +
                                 `(SELECT max(${rowid}) FROM ${quote(table)}) AS hi`)
      .safeIntegers(true).get();
    if (span.lo === null) {
      return control.prepare(`SELECT ${fn}(${args}) FROM ` +
                             `${quote(table)} WHERE 0`).pluck().get(...lead);
    }
    const all = ranges(span.lo, span.hi, workers * RANGES_PER_WORKER);
    // the placeholders in the text's order: the options', where's, then
    // the range's two
    const query = `SELECT ${STATE[fn]}(${args}) FROM ${quote(table)} ` +
                  `WHERE (${where || '1'}) AND ${rowid} BETWEEN ? AND ?`;
    const threads = Math.min(workers, all.length);
    const next = new SharedArrayBuffer(4);
    const started = [];
    let results;
    try {
      results = await Promise.all(Array.from({ length: threads }, () =>
        new Promise((resolve, reject) => {
          const worker = new Worker(__filename, {
            workerData: {
              path, loadablePath, query, params: lead.concat(params), ranges: all, next,
            },
          });
          started.push(worker);
          worker.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m.states)));
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`sqlite-bce parallel(): a worker exited with ${code}`));
          });
        })));
    } finally {
      // a failed range fails the call; the other workers are stopped
      await Promise.all(started.map((w) => w.terminate()));
    }
    if (control.pragma('data_version', { simple: true }) !== version) {
      fail('the database changed during the call (another connection committed), ' +
           'so the ranges saw different rows; run it again when writes have stopped');
    }
    control.exec('CREATE TEMP TABLE parallel_states(s BLOB)');
    const insert = control.prepare('INSERT INTO parallel_states VALUES (?)');
    for (const states of results) {
      for (const s of states) if (s !== null) insert.run(s);
    }
    return control.prepare('SELECT bce_merge(s) FROM parallel_states').pluck().get();
  } finally {
    control.close();
  }
}

if (!isMainThread && workerData && workerData.query) work();

module.exports = { parallel };
