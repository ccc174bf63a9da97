/* SPDX-License-Identifier: MIT */
/*
** sqlite-bce, for programs that link it in instead of loading it:
**
**     #include "sqlite3_bce.h"
**     sqlite3_auto_extension((void (*)(void))sqlite3_bce_init);
**
** after which every connection the program opens has bce() and the other
** functions.  Link with libbce.a (make static), -lsqlite3 and -lm, or
** compile the amalgamation sqlite-bce.c into the program with
** -DSQLITE_CORE; either way sqlite3_bce_init is the only global symbol.
*/
#ifndef SQLITE3_BCE_H
#define SQLITE3_BCE_H

#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Registers the functions on db.  Returns SQLITE_OK, or an error code with
** *pzErrMsg (when pzErrMsg is not NULL) set to a message from
** sqlite3_mprintf() that the caller frees with sqlite3_free(). */
int sqlite3_bce_init(sqlite3 *db, char **pzErrMsg,
                     const sqlite3_api_routines *pApi);

#ifdef __cplusplus
}
#endif

#endif
