// SPDX-License-Identifier: MIT
// Runs SQL test scripts, already expanded (no dot-commands), in the
// WebAssembly module and prints each script's rows of its checks table as
// one JSON line: [file, [[name, type, value], ...]] with a REAL as the hex
// of its 8 bytes, so tests/wasm_suite.py can hold them to the native
// extension's, bit for bit.
//   node tests/wasm_suite.mjs WASM_TEST_DIR FILE...
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, ...files] = process.argv.slice(2);
const { default: open } = await import(pathToFileURL(path.resolve(dir, 'sqlite-bce.mjs')));
const hex = (x) => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x, true);
  return Array.from(new Uint8Array(b.buffer), (v) => v.toString(16).padStart(2, '0')).join('');
};
for (const file of files) {
  const db = await open();
  let out;
  try {
    db.exec(fs.readFileSync(file, 'utf8'));
    out = db.exec('SELECT name, got FROM checks ORDER BY rowid').map(([name, got]) => {
      if (got === null) return [name, 'null', null];
      // an INTEGER below 2^53 is a number too: the Python side does the same
      if (typeof got === 'number') return [name, 'number', hex(got)];
      if (typeof got === 'bigint') return [name, 'integer', String(got)];
      if (got instanceof Uint8Array) return [name, 'blob', Buffer.from(got).toString('hex')];
      return [name, 'text', got];
    });
  } catch (e) {
    out = { error: e.message };
  }
  db.close();
  console.log(JSON.stringify([file, out]));
}
