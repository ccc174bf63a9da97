// SPDX-License-Identifier: MIT
// Compiled with tsc --noEmit by tests/npm_package.sh: the package's types
// accept what index.js accepts.  (tests/npm_package.sh also compiles a
// wrong call, load(42), which tsc must refuse.)
import { getLoadablePath, load, ExtensionLoader } from 'sqlite-bce';

const where: string = getLoadablePath();
const db: ExtensionLoader = { loadExtension: (p: string) => p };
load(db);
console.log(where);
