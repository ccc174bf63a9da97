// SPDX-License-Identifier: MIT

/** Anything with loadExtension(path): better-sqlite3's Database, or
 *  node:sqlite's DatabaseSync opened with { allowExtension: true }. */
export interface ExtensionLoader {
  loadExtension(path: string): unknown;
}

/** The absolute path of the library for this platform and architecture.
 *  Throws an Error naming the platforms the package carries when there is
 *  none for this one (this release carries linux-x64 only). */
export function getLoadablePath(): string;

/** Loads the extension into db: db.loadExtension(getLoadablePath()). */
export function load(db: ExtensionLoader): void;

/** The functions that have a state, which parallel() can split. */
export type StatefulFunction = 'bce' | 'bce_logits' | 'cce' | 'cce_logits'
  | 'bce_d2' | 'cce_d2' | 'kl_div';

export interface ParallelOptions {
  /** An SQL condition on the table's rows, with ? placeholders. */
  where?: string;
  /** The values of where's placeholders. */
  params?: unknown[];
  /** Worker threads (default: the CPU count). */
  workers?: number;
}

/** fn(columns...) over the rows of table in the database file at path,
 *  computed by worker threads over rowid ranges and merged from exact
 *  states: resolves to the bits of SELECT fn(columns...) FROM table on one
 *  connection (null where that is NULL).  Needs better-sqlite3. */
export function parallel(path: string, fn: StatefulFunction, table: string,
                         columns: string[], options?: ParallelOptions): Promise<number | null>;
