/* SPDX-License-Identifier: MIT */
/*
** A host program that links sqlite-bce in (make static) instead of loading
** it: sqlite3_auto_extension() registers it on every connection.  Checks
** the worked example against its published mean, an error message, and
** that a second connection has the functions too.  Prints ok/FAIL lines.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "sqlite3_bce.h"

static int failures;

static void report(int ok, const char *name, const char *why){
  if( ok ){
    printf("ok|static host: %s\n", name);
  }else{
    failures++;
    printf("FAIL|static host: %s|%s\n", name, why);
  }
}

static void check_worked_example(sqlite3 *db, const char *name){
  sqlite3_stmt *stmt = 0;
  char why[128] = "no row";
  int ok = 0;
  if( sqlite3_prepare_v2(db,
        "SELECT bce(column1, column2) FROM "
        "(VALUES (1, 0.4), (0, 0.5), (1, 0.8), (1, 0.2))", -1, &stmt, 0)
      ==SQLITE_OK && sqlite3_step(stmt)==SQLITE_ROW ){
    double got = sqlite3_column_double(stmt, 0);
    /* published to 15 digits: half a unit of the last digit, plus 2 ulp */
    ok = fabs(got - 0.860504844045603) <= 5e-16 + 2.3e-16;
    snprintf(why, sizeof why, "got %.17g", got);
  }else{
    snprintf(why, sizeof why, "%s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(stmt);
  report(ok, name, why);
}

int main(void){
  sqlite3 *db = 0, *db2 = 0;
  char *err = 0;
  int rc;
  rc = sqlite3_auto_extension((void (*)(void))sqlite3_bce_init);
  report(rc==SQLITE_OK, "sqlite3_auto_extension", sqlite3_errstr(rc));
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK ) return 2;
  check_worked_example(db, "bce() of the worked example = 0.860504844045603");

  rc = sqlite3_exec(db, "SELECT bce(1, 2.7)", 0, 0, &err);
  report(rc==SQLITE_ERROR && err
         && strcmp(err, "bce(): p must be in [0, 1], got 2.7; "
                       "percentages? p / 100.0 reads them as probabilities; "
                       "logits? use bce_logits()")==0,
         "error message", err ? err : "no error");
  sqlite3_free(err);

  /* Registering again while a statement of the connection is running
  ** fails in SQLite; the message must say why, in SQLite's words. */
  {
    sqlite3_stmt *busy = 0;
    char *msg = 0;
    const char *want = "bce: cannot register bce() with 2 arguments: "
                       "unable to delete/modify user-function due to "
                       "active statements";
    if( sqlite3_prepare_v2(db, "SELECT 1 UNION ALL SELECT 2", -1, &busy, 0)
          !=SQLITE_OK || sqlite3_step(busy)!=SQLITE_ROW ){
      return 2;
    }
    rc = sqlite3_bce_init(db, &msg, 0);
    report(rc==SQLITE_BUSY && msg && strcmp(msg, want)==0,
           "registering during an active statement names the cause",
           msg ? msg : "no message");
    sqlite3_free(msg);
    sqlite3_finalize(busy);
  }

  if( sqlite3_open(":memory:", &db2)!=SQLITE_OK ) return 2;
  check_worked_example(db2, "a second connection has bce() too");
  sqlite3_close(db2);
  sqlite3_close(db);
  return failures!=0;
}
