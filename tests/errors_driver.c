/* SPDX-License-Identifier: MIT */
/*
** Runs every statement of an errors file (tests/errors.tsv, or the error
** table of docs/functions.md turned into the same form) and checks that it
** fails with exactly the message given, having returned no row.
**
**   errors_driver LIB FILE [SKIP]
**
** FILE: one statement, a TAB, the exact message, a line each; blank lines
** and lines starting with '#' are comments.  SKIP: a file of statements
** to list as skipped instead (make check's valgrind pass, see
** tests/check.sh).  All statements run on one connection, in order, with
** LIB loaded, as a user's session would.  Prints "ok|error: MESSAGE",
** "FAIL|error: SQL|why" or "skip|error: SQL|why" per statement; exits 1
** if any failed, 2 if it could not run at all.  A line ".limit length N"
** caps the length of every text or blob made after it (sqlite3_limit),
** and ".limit length default" lifts the cap again.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#define MAX_LINE 4096

static int listed(FILE *skip, const char *sql){
  char line[MAX_LINE];
  if( skip==0 ) return 0;
  rewind(skip);
  while( fgets(line, sizeof line, skip) ){
    line[strcspn(line, "\n")] = 0;
    if( strcmp(line, sql)==0 ) return 1;
  }
  return 0;
}

/* Runs sql; returns the number of rows it gave before it stopped, and
** copies the error message (empty if it did not fail) into msg. */
static int run(sqlite3 *db, const char *sql, char *msg, size_t n){
  sqlite3_stmt *stmt = 0;
  int rows = 0, rc;
  msg[0] = 0;
  rc = sqlite3_prepare_v2(db, sql, -1, &stmt, 0);
  if( rc==SQLITE_OK && stmt ){
    while( (rc = sqlite3_step(stmt))==SQLITE_ROW ) rows++;
  }
  if( rc!=SQLITE_OK && rc!=SQLITE_DONE ){
    snprintf(msg, n, "%s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(stmt);
  return rows;
}

int main(int argc, char **argv){
  sqlite3 *db = 0;
  FILE *in, *skip = 0;
  char line[MAX_LINE], got[MAX_LINE];
  char *err = 0;
  int failed = 0, lineno = 0, default_length;
  if( argc<3 ){
    fprintf(stderr, "usage: errors_driver LIB FILE [SKIP]\n");
    return 2;
  }
  in = fopen(argv[2], "r");
  if( in==0 ){
    fprintf(stderr, "errors_driver: cannot open %s\n", argv[2]);
    return 2;
  }
  if( argc>3 && (skip = fopen(argv[3], "r"))==0 ){
    fprintf(stderr, "errors_driver: cannot open %s\n", argv[3]);
    return 2;
  }
  /* lookaside off: every block SQLite allocates is one the sanitizer and
  ** valgrind see the end of (tests/check.sh) */
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK
   || sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, (void*)0, 0, 0)
      !=SQLITE_OK
   || sqlite3_enable_load_extension(db, 1)!=SQLITE_OK
   || sqlite3_load_extension(db, argv[1], 0, &err)!=SQLITE_OK ){
    fprintf(stderr, "errors_driver: cannot load %s: %s\n", argv[1],
            err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    sqlite3_close(db);
    return 2;
  }
  default_length = sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1);
  while( fgets(line, sizeof line, in) ){
    char *want;
    int rows;
    lineno++;
    if( strchr(line, '\n')==0 && !feof(in) ){
      fprintf(stderr, "errors_driver: %s:%d is too long\n", argv[2], lineno);
      return 2;
    }
    line[strcspn(line, "\n")] = 0;
    if( line[0]==0 || line[0]=='#' ) continue;
    if( strncmp(line, ".limit length ", 14)==0 ){
      /* the statements after it run with results capped at N bytes, or
      ** at SQLite's own cap again after ".limit length default" */
      const char *n = line + 14;
      sqlite3_limit(db, SQLITE_LIMIT_LENGTH,
                    strcmp(n, "default")==0 ? default_length : atoi(n));
      continue;
    }
    want = strchr(line, '\t');
    if( want==0 ){
      printf("FAIL|%s:%d|no TAB between statement and message\n", argv[2],
             lineno);
      failed++;
      continue;
    }
    *want++ = 0;
    if( listed(skip, line) ){
      printf("skip|error: %s|listed in %s\n", line, argv[3]);
      continue;
    }
    rows = run(db, line, got, sizeof got);
    if( rows==0 && strcmp(got, want)==0 ){
      printf("ok|error: %s\n", want);
    }else{
      printf("FAIL|error: %s|got '%s' after %d rows, want '%s'\n", line, got,
             rows, want);
      failed++;
    }
  }
  fclose(in);
  if( skip ) fclose(skip);
  sqlite3_close(db);
  return failed>0;
}
