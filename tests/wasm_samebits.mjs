// SPDX-License-Identifier: MIT
// The same-bits calls of make test-samebits (tests/samebits/calls.sql) in
// the WebAssembly module, printed as the sqlite3 shell prints them in list
// mode ("function|row|value", doubles already as the hex of their bits by
// the SQL itself), for tests/wasm.sh to compare with the native library's.
//   node tests/wasm_samebits.mjs WASM_TEST_DIR CALLS_SQL > OUT
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, calls] = process.argv.slice(2);
const { default: open } = await import(pathToFileURL(path.resolve(dir, 'sqlite-bce.mjs')));
const sql = fs.readFileSync(calls, 'utf8').split('\n')
  .filter((line) => !line.startsWith('.')).join('\n');   // .mode, .headers
const db = await open();
const out = fs.createWriteStream(null, { fd: 1 });
for (const row of db.exec(sql)) {
  out.write(row.map((v) => (v === null ? '' : String(v))).join('|') + '\n');
}
out.end();
db.close();
