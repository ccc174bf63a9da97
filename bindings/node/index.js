// SPDX-License-Identifier: MIT
// sqlite-bce for Node: where the loadable library is, and a load(db) that
// works with better-sqlite3 and with node:sqlite's DatabaseSync (both have
// db.loadExtension(path)).  The package carries one library per platform
// under lib/<process.platform>-<process.arch>/: linux-x64, linux-arm64
// (glibc) and win32-x64.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const SUFFIX = { linux: 'so', darwin: 'dylib', win32: 'dll' };

function platformDir() {
  return `${process.platform}-${process.arch}`;
}

function getLoadablePath() {
  const suffix = SUFFIX[process.platform] || 'so';
  const file = path.join(__dirname, 'lib', platformDir(), `bce.${suffix}`);
  if (!fs.existsSync(file)) {
    let carried = [];
    try {
      carried = fs.readdirSync(path.join(__dirname, 'lib'));
    } catch (e) {
      // no lib/ at all: carried stays empty
    }
    throw new Error(
      `sqlite-bce: no library for ${platformDir()} in this package ` +
      `(it carries: ${carried.sort().join(', ') || 'none'}); build one from ` +
      `the sources with make (or compile the one-file sqlite-bce.c) and ` +
      `pass its path to db.loadExtension()`);
  }
  return file;
}

// The entry point, sqlite3_bce_init, is found from the file name bce.*.
function load(db) {
  db.loadExtension(getLoadablePath());
}

// fn over a table on every core (parallel.js); needs better-sqlite3.
function parallel(path, fn, table, columns, options) {
  return require('./parallel.js').parallel(path, fn, table, columns, options);
}

module.exports = { getLoadablePath, load, parallel };
