/* SPDX-License-Identifier: MIT */
/*
** The entry point of the loadable library, called the way SQLite calls it
** but with the arguments under the test's control (make test; make
** coverage runs it on the instrumented library):
**
**   entry_api LIB
**
**  - the API table SQLite passes, taken from an auto-extension of this
**    program (SQLite hands one the same pointer as sqlite3_load_extension);
**  - a second table, a copy of it whose result_double() counts its calls:
**    another library's pointer, as when two copies of SQLite in one
**    process load the extension.  Both connections' calls must then go
**    through it (the table that came last), and stop once SQLite's own is
**    back;
**  - the copy with libversion_number() answering 3.24.0: the library must
**    refuse it with its message, and with pzErrMsg NULL without one;
**  - registration during an active statement: SQLITE_BUSY with the
**    connection's words, and with pzErrMsg NULL too.
** Prints ok/FAIL lines; exit 1 on a failure, 2 if it cannot run.
*/
#define SQLITE_CORE 1          /* sqlite3ext.h for the struct, no macros */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include <sqlite3ext.h>

typedef int (*entry_fn)(sqlite3*, char**, const sqlite3_api_routines*);

static int failures;
static const sqlite3_api_routines *captured;

static void report(int ok, const char *name, const char *why){
  if( ok ){
    printf("ok|entry point: %s\n", name);
  }else{
    failures++;
    printf("FAIL|entry point: %s|%s\n", name, why);
  }
}

static int capture(sqlite3 *db, char **pzErrMsg,
                   const sqlite3_api_routines *pApi){
  (void)db;
  (void)pzErrMsg;
  captured = pApi;
  return SQLITE_OK;
}

static int version_3_24(void){ return 3024000; }

static void (*real_result_double)(sqlite3_context*, double);
static int copy_calls;
static void counted_result_double(sqlite3_context *ctx, double x){
  copy_calls++;
  real_result_double(ctx, x);
}

/* bce_term(1, 0.5) = ln 2 through db, or why not */
static int works(sqlite3 *db, char *why, size_t n){
  sqlite3_stmt *st = 0;
  int ok = 0;
  if( sqlite3_prepare_v2(db, "SELECT bce_term(1, 0.5) = ln(2)", -1, &st, 0)
        ==SQLITE_OK && sqlite3_step(st)==SQLITE_ROW ){
    ok = sqlite3_column_int(st, 0)==1;
    snprintf(why, n, "bce_term(1, 0.5) = ln(2) is %d", ok);
  }else{
    snprintf(why, n, "%s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  return ok;
}

int main(int argc, char **argv){
  static sqlite3_api_routines copy, old;
  sqlite3 *db = 0, *db2 = 0;
  sqlite3_stmt *busy = 0;
  void *lib;
  entry_fn init;
  char *msg = 0, why[256], why2[256];
  char want[160];
  int rc;
  if( argc!=2 ){
    fprintf(stderr, "usage: entry_api LIB\n");
    return 2;
  }
  lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  init = lib ? (entry_fn)(void(*)(void))dlsym(lib, "sqlite3_bce_init") : 0;
  if( init==0 ){
    fprintf(stderr, "entry_api: %s\n", dlerror());
    return 2;
  }
  if( sqlite3_auto_extension((void(*)(void))capture)!=SQLITE_OK
   || sqlite3_open(":memory:", &db)!=SQLITE_OK
   || sqlite3_open(":memory:", &db2)!=SQLITE_OK || captured==0 ){
    fprintf(stderr, "entry_api: no API table captured\n");
    return 2;
  }
  sqlite3_cancel_auto_extension((void(*)(void))capture);

  rc = init(db, &msg, captured);
  report(rc==SQLITE_OK && msg==0 && works(db, why, sizeof why),
         "first load: the table is stored", msg ? msg : why);
  sqlite3_free(msg);
  msg = 0;
  rc = init(db, &msg, captured);
  report(rc==SQLITE_OK && works(db, why, sizeof why),
         "the same table again: nothing to store", msg ? msg : why);

  copy = *captured;
  real_result_double = captured->result_double;
  copy.result_double = counted_result_double;
  rc = init(db2, &msg, &copy);
  {
    int ok2 = works(db2, why, sizeof why), ok1 = works(db, why2, sizeof why2);
    if( ok2 && ok1 ){
      snprintf(why, sizeof why, "%d of the 2 results went through the copy",
               copy_calls);
    }
    report(rc==SQLITE_OK && ok2 && ok1 && copy_calls==2,
           "another table: stored, and both connections' calls go through it",
           msg ? msg : !ok2 ? why : ok1 ? why : why2);
  }

  old = *captured;
  old.libversion_number = version_3_24;
  snprintf(want, sizeof want, "bce: needs SQLite 3.25.0 or later (window "
           "functions); this is %s", sqlite3_libversion());
  rc = init(db2, &msg, &old);
  report(rc==SQLITE_ERROR && msg && strcmp(msg, want)==0,
         "an SQLite that reports 3.24.0 is refused, with the message",
         msg ? msg : "no message");
  sqlite3_free(msg);
  msg = 0;
  rc = init(db2, 0, &old);
  report(rc==SQLITE_ERROR, "refused with pzErrMsg NULL too", "not refused");

  copy_calls = 0;
  rc = init(db, &msg, captured);
  report(rc==SQLITE_OK && works(db, why, sizeof why) && copy_calls==0,
         "SQLite's own table again, and the copy no longer used",
         msg ? msg : why);

  if( sqlite3_prepare_v2(db, "SELECT 1 UNION ALL SELECT 2", -1, &busy, 0)
        !=SQLITE_OK || sqlite3_step(busy)!=SQLITE_ROW ){
    return 2;
  }
  rc = init(db, &msg, captured);
  report(rc==SQLITE_BUSY && msg && strcmp(msg, "bce: cannot register bce() "
         "with 2 arguments: unable to delete/modify user-function due to "
         "active statements")==0,
         "registering during an active statement names the cause",
         msg ? msg : "no message");
  sqlite3_free(msg);
  rc = init(db, 0, captured);
  report(rc==SQLITE_BUSY, "and fails with pzErrMsg NULL too", "did not fail");
  sqlite3_finalize(busy);

  sqlite3_close(db2);
  sqlite3_close(db);
  return failures!=0;
}
