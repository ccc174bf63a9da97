/* SPDX-License-Identifier: MIT */
/*
** The WebAssembly build's one C entry point of its own: the SQLite
** amalgamation and sqlite-bce's are compiled into one module with
** -DSQLITE_CORE, and this registers the extension on every connection
** the module opens (no loadable extensions in WebAssembly).  Everything
** else the JavaScript side calls is SQLite's own C API.
*/
#include "sqlite3.h"
#include "sqlite3_bce.h"

#ifdef BCE_WASM_TEST
/* the test build: the functions the SQL suite builds its inputs with
** (tests/versions/compat.c), as the sqlite3 shell has them natively */
int sqlite3_compat_init(sqlite3*, char**, const sqlite3_api_routines*);
#endif

int bce_wasm_init(void){
  int rc = sqlite3_auto_extension((void (*)(void))sqlite3_bce_init);
#ifdef BCE_WASM_TEST
  if( rc==SQLITE_OK ){
    rc = sqlite3_auto_extension((void (*)(void))sqlite3_compat_init);
  }
#endif
  return rc;
}
