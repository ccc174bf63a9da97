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
