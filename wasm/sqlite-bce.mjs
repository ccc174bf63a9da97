// SPDX-License-Identifier: MIT
// sqlite-bce in WebAssembly: SQLite with the extension built in, for a
// page or for Node 20 (make wasm; docs/hosts.md, "In the browser").
//
//   import open from './sqlite-bce.mjs';
//   const db = await open();                 // a new in-memory database
//   db.exec('SELECT bce(1, 0.9)');           // [[0.10536051565782628]]
//   db.close();
//
// exec(sql, params) runs every statement of sql, binding params (an array)
// to each statement that has placeholders, and returns the rows of all of
// them in order, each an array: REAL and INTEGER as numbers (an INTEGER
// beyond 2^53 as a BigInt, so no digit is lost), TEXT as strings, BLOB as
// Uint8Array, NULL as null.  An error throws an Error with SQLite's (and
// so the extension's) message.
import createBceModule from './sqlite-bce-core.mjs';

const SQLITE_OK = 0;
const SQLITE_ROW = 100;
const SQLITE_DONE = 101;
const SQLITE_INTEGER = 1;
const SQLITE_FLOAT = 2;
const SQLITE_TEXT = 3;
const SQLITE_BLOB = 4;
const SQLITE_TRANSIENT = -1;

let modulePromise = null;

// One module for every database: the wasm is compiled once.
function loadModule() {
  if (!modulePromise) {
    modulePromise = (async () => {
      const options = {};
      if (typeof process !== 'undefined' && process.versions && process.versions.node) {
        // Node 20's fetch() takes no file path: hand the bytes over
        const { readFile } = await import('node:fs/promises');
        options.wasmBinary = await readFile(new URL('./sqlite-bce-core.wasm', import.meta.url));
      }
      const M = await createBceModule(options);
      if (M._bce_wasm_init() !== SQLITE_OK) throw new Error('sqlite-bce: registration failed');
      return M;
    })();
  }
  return modulePromise;
}

function cString(M, text) {
  const n = M.lengthBytesUTF8(text) + 1;
  const p = M._malloc(n);
  M.stringToUTF8(text, p, n);
  return [p, n - 1];
}

export default async function open() {
  const M = await loadModule();
  const pp = M._malloc(8);
  const [name] = cString(M, ':memory:');
  const rc = M._sqlite3_open(name, pp);
  M._free(name);
  const db = M.getValue(pp, 'i32');
  M._free(pp);
  if (rc !== SQLITE_OK) throw new Error(`sqlite-bce: cannot open a database (${rc})`);
  let closed = false;

  const error = () => new Error(M.UTF8ToString(M._sqlite3_errmsg(db)));

  function bind(stmt, params) {
    const count = M._sqlite3_bind_parameter_count(stmt);
    for (let i = 1; i <= count; i++) {
      const v = params[i - 1];
      let rc;
      if (v === null || v === undefined) {
        rc = M._sqlite3_bind_null(stmt, i);
      } else if (typeof v === 'number') {
        rc = M._sqlite3_bind_double(stmt, i, v);
      } else if (typeof v === 'bigint' || typeof v === 'boolean') {
        rc = M._sqlite3_bind_double(stmt, i, Number(v));
        if (typeof v === 'bigint' && BigInt(Number(v)) !== v) {
          throw new Error(`sqlite-bce: parameter ${i} (${v}) is not a double`);
        }
      } else if (v instanceof Uint8Array) {
        const p = M._malloc(v.length || 1);
        M.HEAPU8.set(v, p);
        rc = M._sqlite3_bind_blob(stmt, i, p, v.length, SQLITE_TRANSIENT);
        M._free(p);
      } else {
        const [p, n] = cString(M, String(v));
        rc = M._sqlite3_bind_text(stmt, i, p, n, SQLITE_TRANSIENT);
        M._free(p);
      }
      if (rc !== SQLITE_OK) throw error();
    }
  }

  function column(stmt, i) {
    switch (M._sqlite3_column_type(stmt, i)) {
      case SQLITE_FLOAT:
        return M._sqlite3_column_double(stmt, i);
      case SQLITE_INTEGER: {
        const x = M._sqlite3_column_double(stmt, i);
        // beyond 2^53 the double may have lost digits: the text has them
        return Number.isSafeInteger(x) ? x
          : BigInt(M.UTF8ToString(M._sqlite3_column_text(stmt, i)));
      }
      case SQLITE_TEXT: {
        const p = M._sqlite3_column_text(stmt, i);
        return M.UTF8ToString(p, M._sqlite3_column_bytes(stmt, i));
      }
      case SQLITE_BLOB: {
        const p = M._sqlite3_column_blob(stmt, i);
        const n = M._sqlite3_column_bytes(stmt, i);
        return M.HEAPU8.slice(p, p + n);
      }
      default:
        return null;
    }
  }

  function exec(sql, params = []) {
    if (closed) throw new Error('sqlite-bce: the database is closed');
    const rows = [];
    const [text, n] = cString(M, sql);
    const pStmt = M._malloc(8);
    const pTail = M._malloc(8);
    let at = text;
    try {
      while (at < text + n) {
        if (M._sqlite3_prepare_v2(db, at, text + n - at, pStmt, pTail) !== SQLITE_OK) throw error();
        const stmt = M.getValue(pStmt, 'i32');
        at = M.getValue(pTail, 'i32');
        if (stmt === 0) continue;        // white space or a comment
        try {
          bind(stmt, params);
          const ncol = M._sqlite3_column_count(stmt);
          for (;;) {
            const rc = M._sqlite3_step(stmt);
            if (rc === SQLITE_DONE) break;
            if (rc !== SQLITE_ROW) throw error();
            const row = new Array(ncol);
            for (let i = 0; i < ncol; i++) row[i] = column(stmt, i);
            rows.push(row);
          }
        } finally {
          M._sqlite3_finalize(stmt);
        }
      }
    } finally {
      M._free(text);
      M._free(pStmt);
      M._free(pTail);
    }
    return rows;
  }

  function close() {
    if (!closed) {
      closed = true;
      M._sqlite3_close_v2(db);
    }
  }

  return { exec, close };
}
