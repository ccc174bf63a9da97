/* SPDX-License-Identifier: MIT */
/*
** A host program with a function of its own named bce_grad, linked with
** the libbce.a of the amalgamation: both must live side by side.  Before
** 0.2.0 the archive's bce_grad was global, the linker took the host's one,
** and SQL bce_grad(1, 0.5) returned the host's 42 (issue 14).
** Prints ok/FAIL lines.
*/
#include <stdio.h>
#include "sqlite3_bce.h"

/* The host's own function, with the signature of the internal one. */
double bce_grad(double y, double p, double n, double eps);
double bce_grad(double y, double p, double n, double eps){
  (void)y; (void)p; (void)n; (void)eps;
  return 42;
}

int main(void){
  sqlite3 *db = 0;
  sqlite3_stmt *stmt = 0;
  double got = 0;
  int rc;
  if( sqlite3_auto_extension((void (*)(void))sqlite3_bce_init)!=SQLITE_OK
   || sqlite3_open(":memory:", &db)!=SQLITE_OK ){
    printf("FAIL|host with its own bce_grad|cannot open a database\n");
    return 1;
  }
  rc = sqlite3_prepare_v2(db, "SELECT bce_grad(1, 0.5)", -1, &stmt, 0);
  if( rc==SQLITE_OK && sqlite3_step(stmt)==SQLITE_ROW ){
    got = sqlite3_column_double(stmt, 0);
  }
  /* d/dp of -ln p at p = 0.5 is -1/0.5 = -2, exactly. */
  if( got==-2.0 ){
    printf("ok|host with its own bce_grad: SQL bce_grad(1, 0.5) = -2\n");
  }else{
    printf("FAIL|host with its own bce_grad: SQL bce_grad(1, 0.5)|got %.17g "
           "(%s)\n", got, sqlite3_errmsg(db));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if( bce_grad(1, 0.5, 1, 0)==42 ){
    printf("ok|host with its own bce_grad: the host's bce_grad is its own\n");
  }else{
    printf("FAIL|host with its own bce_grad: the host's bce_grad|not 42\n");
  }
  return 0;
}
