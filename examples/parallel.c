/* SPDX-License-Identifier: MIT */
/*
** The loss of one table on every core, for a C host that links sqlite-bce
** in (libbce.a, docs/hosts.md): each thread opens the database read-only,
** sums its share of the rowid range into a state with bce_state(), and the
** states are merged with bce_merge().  The states hold exact integer sums,
** so the result has the bits of SELECT bce(y, p) FROM table on one
** connection (docs/scale-out.md).
**
**   cc -O2 -Iext examples/parallel.c build/libbce.a -lsqlite3 -lpthread -lm
**   ./a.out preds.db preds y p 2        (database, table, y, p, threads)
**
** Prints the loss with 17 digits.  A SQLite built with SQLITE_THREADSAFE=0
** cannot run this; Debian's is built with 1.  Rowids are split into equal
** ranges: for tables whose rowids bunch up, cut more ranges than threads
** (as sqlite_bce.parallel() does).
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlite3_bce.h"

#define MAX_THREADS 64

typedef struct part {
  const char *path, *sql;
  sqlite3_int64 lo, hi;          /* rowids lo..hi */
  unsigned char state[1024];     /* a state is at most 1 KB */
  int nState;                    /* -1: no rows, so no state */
  int started;                   /* a thread sums it */
  char error[256];
} part;

static void *sum_part(void *arg){
  part *t = arg;
  sqlite3 *db = 0;
  sqlite3_stmt *stmt = 0;
  int rc = sqlite3_open_v2(t->path, &db, SQLITE_OPEN_READONLY, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_prepare_v2(db, t->sql, -1, &stmt, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(stmt, 1, t->lo);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(stmt, 2, t->hi);
  if( rc==SQLITE_OK && (rc = sqlite3_step(stmt))==SQLITE_ROW ){
    int n = sqlite3_column_bytes(stmt, 0);
    rc = SQLITE_OK;
    if( sqlite3_column_type(stmt, 0)==SQLITE_BLOB ){
      if( n>(int)sizeof t->state ){
        snprintf(t->error, sizeof t->error, "a state of %d bytes", n);
      }else{
        memcpy(t->state, sqlite3_column_blob(stmt, 0), (size_t)n);
        t->nState = n;
      }
    }
  }
  if( rc!=SQLITE_OK ){
    snprintf(t->error, sizeof t->error, "%s", db ? sqlite3_errmsg(db)
                                                 : sqlite3_errstr(rc));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return 0;
}

/* Reports what failed, finalizes the statement, closes the connection. */
static int fail(sqlite3 *db, sqlite3_stmt *stmt, const char *what){
  fprintf(stderr, "parallel: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return 1;
}

int main(int argc, char **argv){
  part parts[MAX_THREADS];
  pthread_t tid[MAX_THREADS];
  sqlite3 *db = 0;
  sqlite3_stmt *stmt = 0;
  char *sql;
  sqlite3_int64 lo, hi;
  int n, i;
  if( argc!=6 || (n = atoi(argv[5]))<1 || n>MAX_THREADS ){
    fprintf(stderr, "usage: %s DATABASE TABLE Y P THREADS (1..%d)\n", argv[0],
            MAX_THREADS);
    return 2;
  }
  /* every connection from here on has the functions */
  if( sqlite3_auto_extension((void (*)(void))sqlite3_bce_init)!=SQLITE_OK ){
    return fail(0, 0, "sqlite3_auto_extension");
  }
  if( sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, 0)!=SQLITE_OK ){
    return fail(db, 0, "open");
  }
  /* the table's rowid by a name its columns may not hide: _rowid_ */
  /* a subquery each: SQLite seeks a lone min() or max() of the rowid, but
  ** scans the whole table for the two in one SELECT */
  sql = sqlite3_mprintf("SELECT (SELECT min(_rowid_) FROM \"%w\"), "
                        "(SELECT max(_rowid_) FROM \"%w\")", argv[2], argv[2]);
  if( sql==0 ) return fail(db, 0, "out of memory");
  if( sqlite3_prepare_v2(db, sql, -1, &stmt, 0)!=SQLITE_OK
   || sqlite3_step(stmt)!=SQLITE_ROW ){
    sqlite3_free(sql);
    return fail(db, stmt, "min/max rowid");
  }
  lo = sqlite3_column_int64(stmt, 0);
  hi = sqlite3_column_int64(stmt, 1);
  if( sqlite3_column_type(stmt, 0)==SQLITE_NULL ) hi = lo - 1;  /* no rows */
  sqlite3_finalize(stmt);
  stmt = 0;
  sqlite3_free(sql);

  sql = sqlite3_mprintf("SELECT bce_state(%s, %s) FROM \"%w\" "
                        "WHERE _rowid_ BETWEEN ?1 AND ?2", argv[3], argv[4],
                        argv[2]);
  if( sql==0 ) return fail(db, 0, "out of memory");
  if( hi<lo ) n = 0;                       /* an empty table: no state */
  for(i=0; i<n; i++){
    /* n ranges of [lo, hi] of about equal width, r = hi - lo in unsigned
    ** arithmetic so that no step overflows, the last one ending at hi */
    sqlite3_uint64 r = (sqlite3_uint64)hi - (sqlite3_uint64)lo;
    sqlite3_uint64 a = r/n*i + r%n*i/n, b = r/n*(i+1) + r%n*(i+1)/n;
    parts[i].path = argv[1];
    parts[i].sql = sql;
    parts[i].lo = (sqlite3_int64)((sqlite3_uint64)lo + a);
    parts[i].hi = i==n-1 ? hi : (sqlite3_int64)((sqlite3_uint64)lo + b - 1);
    parts[i].nState = -1;
    parts[i].error[0] = 0;
    parts[i].started = pthread_create(&tid[i], 0, sum_part, &parts[i])==0;
    if( !parts[i].started ){
      /* a range nobody sums would be a silently smaller table */
      snprintf(parts[i].error, sizeof parts[i].error, "pthread_create failed");
      n = i + 1;
      break;
    }
  }
  for(i=0; i<n; i++){
    if( parts[i].started ) pthread_join(tid[i], 0);
  }
  sqlite3_free(sql);

  /* the merge: every state that exists, in any order, the same bits */
  if( sqlite3_exec(db, "CREATE TEMP TABLE states(s BLOB)", 0, 0, 0)!=SQLITE_OK
   || sqlite3_prepare_v2(db, "INSERT INTO states VALUES (?1)", -1, &stmt,
                         0)!=SQLITE_OK ){
    return fail(db, stmt, "the states table");
  }
  for(i=0; i<n; i++){
    if( parts[i].error[0] ){
      fprintf(stderr, "parallel: rowids %lld..%lld: %s\n",
              (long long)parts[i].lo, (long long)parts[i].hi, parts[i].error);
      sqlite3_finalize(stmt);
      sqlite3_close(db);
      return 1;
    }
    if( parts[i].nState<0 ) continue;
    if( sqlite3_bind_blob(stmt, 1, parts[i].state, parts[i].nState,
                          SQLITE_STATIC)!=SQLITE_OK
     || sqlite3_step(stmt)!=SQLITE_DONE || sqlite3_reset(stmt)!=SQLITE_OK ){
      return fail(db, stmt, "insert a state");
    }
  }
  sqlite3_finalize(stmt);
  stmt = 0;
  if( sqlite3_prepare_v2(db, "SELECT bce_merge(s) FROM states", -1, &stmt,
                         0)!=SQLITE_OK || sqlite3_step(stmt)!=SQLITE_ROW ){
    return fail(db, stmt, "bce_merge");
  }
  if( sqlite3_column_type(stmt, 0)==SQLITE_NULL ){
    printf("NULL\n");
  }else{
    printf("%.17g\n", sqlite3_column_double(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return 0;
}
