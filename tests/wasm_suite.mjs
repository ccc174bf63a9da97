// SPDX-License-Identifier: MIT
// Runs SQL test scripts, already expanded by tests/wasm_suite.py (no
// dot-commands, its final query appended), in the WebAssembly module and
// prints, for each, a JSON line [file, [row, ...]] of the rows after the
// marker row '--checks--', each row's columns joined by '|' as the sqlite3
// shell joins them in list mode (or {error} where the script failed).
//   node tests/wasm_suite.mjs WASM_TEST_DIR FILE...
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, ...files] = process.argv.slice(2);
const { default: open } = await import(pathToFileURL(path.resolve(dir, 'sqlite-bce.mjs')));
for (const file of files) {
  const db = await open();
  let out;
  try {
    const rows = db.exec(fs.readFileSync(file, 'utf8'))
      .map((r) => r.map((v) => (v === null ? '' : String(v))).join('|'));
    out = rows.slice(rows.lastIndexOf('--checks--') + 1);
  } catch (e) {
    out = { error: e.message };
  }
  db.close();
  console.log(JSON.stringify([file, out]));
}
