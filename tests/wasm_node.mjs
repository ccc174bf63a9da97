// SPDX-License-Identifier: MIT
// The WebAssembly module's API in Node 20 (make wasm): what exec() returns
// for each SQLite type, parameters, errors with the extension's message,
// several databases at once, close().  Prints ok/FAIL lines.
//   node tests/wasm_node.mjs WASM_DIR
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = path.resolve(process.argv[2]);
const { default: open } = await import(pathToFileURL(path.join(dir, 'sqlite-bce.mjs')));
let failures = 0;
const report = (ok, name, why) => {
  if (!ok) failures++;
  console.log(ok ? `ok|wasm: ${name}` : `FAIL|wasm: ${name}|${String(why).slice(0, 600)}`);
};
const same = (a, b) => JSON.stringify(a, (k, v) => (typeof v === 'bigint' ? `${v}n` : v)) ===
                       JSON.stringify(b, (k, v) => (typeof v === 'bigint' ? `${v}n` : v));
const throws = (f) => { try { f(); return null; } catch (e) { return e.message; } };

const db = await open();
const version = process.env.BCE_VERSION;
const [[v, sv]] = db.exec('SELECT bce_version(), sqlite_version()');
report(v === version, `bce_version() is ${version}`, v);
report(sv === process.env.WASM_SQLITE, `SQLite ${process.env.WASM_SQLITE} inside`, sv);

// each type as its JavaScript value; the worked example of the README
report(same(db.exec("SELECT 1.5, 42, 'text', NULL, x'00ff', 9223372036854775807, -9007199254740991"),
            [[1.5, 42, 'text', null, new Uint8Array([0, 255]), 9223372036854775807n, -9007199254740991]]),
       'REAL, INTEGER, TEXT, NULL, BLOB; an INTEGER past 2^53 as a BigInt',
       'got ' + JSON.stringify(db.exec("SELECT 1.5, 42, 'text', NULL, x'00ff'")));
// -ln(0.5) = ln 2: a result of the extension, the double nearest ln 2
const [[l]] = db.exec('SELECT bce_term(1, 0.5)');
report(l === Math.LN2, 'bce_term(1, 0.5) is ln 2, the double', l);
report(same(db.exec('SELECT bce_term(?, ?), ? IS NULL, typeof(?)', [1, 0.5, null, 'x']),
            [[Math.LN2, 1, 'text']]), 'parameters: numbers, null, text', '');
report(same(db.exec("CREATE TABLE t(y, p); INSERT INTO t VALUES (1, 0.9), (0, 0.1), (0, 0.2), (1, 0.65); SELECT count(*) FROM t; SELECT bce(y, p) FROM t"),
            [[4], [db.exec('SELECT bce(y, p) FROM t')[0][0]]]),
       'several statements: the rows of each, in order', '');
// scikit-learn's log_loss docstring: 0.216161874680579 (15 digits)
const [[sk]] = db.exec('SELECT bce(y, p) FROM t');
report(Math.abs(sk - 0.216161874680579) <= 5e-16 + 5.6e-17, "bce() of scikit-learn's log_loss example", sk);
const e = throws(() => db.exec('SELECT bce(1, 2.7)'));
report(e === 'bce(): p must be in [0, 1], got 2.7; percentages? p / 100.0 reads them as probabilities; logits? use bce_logits()',
       "an error throws with the extension's message", e);
report(/no such table: nope/.test(throws(() => db.exec('SELECT * FROM nope')) || ''),
       "an error of SQLite's own throws with its message", '');
const other = await open();
report(same(other.exec("SELECT count(*) FROM sqlite_master WHERE name = 't'"), [[0]]) &&
       same(other.exec('SELECT bce(1, 0.9)'), db.exec('SELECT bce(1, 0.9)')),
       'a second database is its own, with the functions too', '');
other.close();
db.close();
report(/closed/.test(throws(() => db.exec('SELECT 1')) || ''), 'exec() after close() throws', '');
process.exit(failures ? 1 : 0);
