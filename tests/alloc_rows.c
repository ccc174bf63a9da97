/* SPDX-License-Identifier: MIT */
/*
** No allocation per row (the brief's rule), counted: SQLite's allocator is
** wrapped so that every xMalloc and xRealloc is counted, and each query
** runs over the first 1000 rows of a table and then over all 3000.  What
** the extra 2000 rows allocate, less what the same query allocates with a
** built-in function in the extension's place (SQLite's own work per row),
** must stay below a handful: a statement-level block, never one a row.
**
**   alloc_rows LIB
**
** The queries are the ones whose rows could allocate: options from a
** column whose text changes between rows (ext/options.c parses again into
** the block it keeps for the statement; texts of 65 bytes, past its
** first block's 64), a constant options argument with
** arrays (kept with the argument from the first row on), JSON-array rows
** with and without options, aggregates, a window, states.
** Prints ok/FAIL lines; exit 1 on a failure, 2 if it cannot run.
*/
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#define ROWS_FEW  1000
#define ROWS_ALL  3000
/* allocations the extra rows may make beyond the built-in's: none a row;
** a few for blocks that grow once (a longer text than the last) */
#define ALLOWED   4

static sqlite3_mem_methods base;
static long long n_alloc;      /* the test's own counter; one thread */

static void *count_malloc(int n){
  n_alloc++;
  return base.xMalloc(n);
}

static void *count_realloc(void *p, int n){
  n_alloc++;
  return base.xRealloc(p, n);
}

static int failures;

/* Allocations of sql run to its end with ?1 = rows, or -1 on an error. */
static long long allocs_of(sqlite3 *db, const char *sql, int rows){
  sqlite3_stmt *st;
  long long before;
  int rc;
  if( sqlite3_prepare_v2(db, sql, -1, &st, 0)!=SQLITE_OK ) return -1;
  if( sqlite3_bind_int(st, 1, rows)!=SQLITE_OK ){
    sqlite3_finalize(st);
    return -1;
  }
  before = n_alloc;
  while( (rc = sqlite3_step(st))==SQLITE_ROW ){}
  if( rc!=SQLITE_DONE ){
    fprintf(stderr, "alloc_rows: %s: %s\n", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return -1;
  }
  before = n_alloc - before;
  if( sqlite3_finalize(st)!=SQLITE_OK ) return -1;
  return before;
}

/* The query with the extension's call and with the built-in's in its
** place (the same arguments read, the same rows). */
static void check(sqlite3 *db, const char *name, const char *sql,
                  const char *builtin){
  long long f = allocs_of(db, sql, ROWS_FEW), a = allocs_of(db, sql, ROWS_ALL);
  long long bf = allocs_of(db, builtin, ROWS_FEW);
  long long ba = allocs_of(db, builtin, ROWS_ALL);
  long long extra = (a - f) - (ba - bf);
  if( f<0 || a<0 || bf<0 || ba<0 ){
    failures++;
    printf("FAIL|no allocation per row: %s|the query failed\n", name);
  }else if( extra>ALLOWED ){
    failures++;
    printf("FAIL|no allocation per row: %s|%lld allocations for %d more "
           "rows beyond the built-in's %lld\n", name, a - f,
           ROWS_ALL - ROWS_FEW, ba - bf);
  }else{
    printf("ok|no allocation per row: %s (%lld beyond the built-in's)\n",
           name, extra);
  }
}

static const char *const SETUP =
  "CREATE TABLE t(i INTEGER PRIMARY KEY, y, p, o, ya, pa, oa, yc, pc, oc,"
  " o65);"
  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<3000)"
  " INSERT INTO t SELECT i, i % 2, (i % 97 + 1) / 99.0,"
  "  CASE i % 3 WHEN 0 THEN '{\"pos_weight\": 3}' WHEN 1 THEN '{\"gamma\": 2}'"
  "   ELSE '{\"smoothing\": 0.1, \"pos_weight\": 0.5}' END,"
  "  json_array(i % 2, (i / 2) % 2, (i / 4) % 2),"
  "  json_array((i % 89 + 1) / 91.0, (i % 83 + 1) / 85.0, (i % 7 + 1) / 9.0),"
  "  CASE i % 2 WHEN 0 THEN '{\"pos_weight\": [2, 3, 4]}'"
  "   ELSE '{\"pos_weight\": [1, 1, 5], \"gamma\": 1}' END,"
  "  i % 3, json_array(0.25, 0.25, 0.5),"
  "  CASE i % 2 WHEN 0 THEN '{\"class_weight\": [1, 2, 3]}'"
  "   ELSE '{\"alpha\": [0.5, 1, 2], \"class_weight\": [3, 1, 1]}' END,"
  /* 65 bytes: one past the 64 the cache's first block holds */
  "  CASE i % 2 WHEN 0"
  "   THEN '{\"pos_weight\": 3, \"gamma\": 2, \"smoothing\": 0.1, \"eps\": 1e-7     }'"
  "   ELSE '{\"pos_weight\": 4, \"gamma\": 2, \"smoothing\": 0.1, \"eps\": 1e-7     }'"
  "  END"
  " FROM n;";

int main(int argc, char **argv){
  sqlite3 *db;
  char *err = 0;
  static sqlite3_mem_methods mine;
  if( argc!=2 ){
    fprintf(stderr, "usage: alloc_rows LIB\n");
    return 2;
  }
  if( sqlite3_config(SQLITE_CONFIG_GETMALLOC, &base)!=SQLITE_OK ) return 2;
  mine = base;
  mine.xMalloc = count_malloc;
  mine.xRealloc = count_realloc;
  if( sqlite3_config(SQLITE_CONFIG_MALLOC, &mine)!=SQLITE_OK
   || sqlite3_open(":memory:", &db)!=SQLITE_OK ){
    fprintf(stderr, "alloc_rows: cannot set the allocator or open\n");
    return 2;
  }
  if( sqlite3_enable_load_extension(db, 1)!=SQLITE_OK
   || sqlite3_load_extension(db, argv[1], 0, &err)!=SQLITE_OK
   || sqlite3_exec(db, SETUP, 0, 0, &err)!=SQLITE_OK ){
    fprintf(stderr, "alloc_rows: %s\n", err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    sqlite3_close(db);
    return 2;
  }
  check(db, "bce_term, options from a column of three texts",
        "SELECT bce_term(y, p, o) FROM t WHERE i <= ?1",
        "SELECT coalesce(y, p, o) FROM t WHERE i <= ?1");
  check(db, "bce_term, options from a column of 65-byte texts",
        "SELECT bce_term(y, p, o65) FROM t WHERE i <= ?1",
        "SELECT coalesce(y, p, o65) FROM t WHERE i <= ?1");
  check(db, "bce_grad beside bce_term, options from a column",
        "SELECT bce_term(y, p, o), bce_grad(y, p, 1, o) FROM t WHERE i <= ?1",
        "SELECT coalesce(y, p, o), coalesce(y, p, 1, o) FROM t WHERE i <= ?1");
  check(db, "bce_term of JSON arrays, pos_weight arrays from a column",
        "SELECT bce_term(ya, pa, oa) FROM t WHERE i <= ?1",
        "SELECT coalesce(ya, pa, oa) FROM t WHERE i <= ?1");
  check(db, "bce_term of JSON arrays, a constant pos_weight array",
        "SELECT bce_term(ya, pa, '{\"pos_weight\": [2, 3, 4]}') FROM t"
        " WHERE i <= ?1",
        "SELECT coalesce(ya, pa, '{\"pos_weight\": [2, 3, 4]}') FROM t"
        " WHERE i <= ?1");
  check(db, "cce_term, class_weight and alpha arrays from a column",
        "SELECT cce_term(yc, pc, oc) FROM t WHERE i <= ?1",
        "SELECT coalesce(yc, pc, oc) FROM t WHERE i <= ?1");
  check(db, "cce_term, constant class_weight and alpha arrays",
        "SELECT cce_term(yc, pc, '{\"alpha\": [0.5, 1, 2], "
        "\"class_weight\": [3, 1, 1]}') FROM t WHERE i <= ?1",
        "SELECT coalesce(yc, pc, '{\"alpha\": [0.5, 1, 2], "
        "\"class_weight\": [3, 1, 1]}') FROM t WHERE i <= ?1");
  check(db, "bce aggregate with options",
        "SELECT bce(y, p, '{\"gamma\": 2}') FROM t WHERE i <= ?1",
        "SELECT max(coalesce(y, p, '{\"gamma\": 2}')) FROM t WHERE i <= ?1");
  check(db, "bce aggregate of JSON arrays with a pos_weight array",
        "SELECT bce(ya, pa, '{\"pos_weight\": [2, 3, 4]}') FROM t"
        " WHERE i <= ?1",
        "SELECT max(coalesce(ya, pa, '{\"pos_weight\": [2, 3, 4]}')) FROM t"
        " WHERE i <= ?1");
  check(db, "cce aggregate with class weights",
        "SELECT cce(yc, pc, '{\"class_weight\": [1, 2, 3]}') FROM t"
        " WHERE i <= ?1",
        "SELECT max(coalesce(yc, pc, '{\"class_weight\": [1, 2, 3]}')) FROM t"
        " WHERE i <= ?1");
  check(db, "bce over a window of 10 rows",
        "SELECT bce(y, p) OVER (ORDER BY i ROWS 9 PRECEDING) FROM t"
        " WHERE i <= ?1",
        "SELECT sum(coalesce(y, p)) OVER (ORDER BY i ROWS 9 PRECEDING) FROM t"
        " WHERE i <= ?1");
  check(db, "bce_d2 and cce_d2 aggregates",
        "SELECT bce_d2(y, p), cce_d2(yc, pc) FROM t WHERE i <= ?1",
        "SELECT max(coalesce(y, p)), max(coalesce(yc, pc)) FROM t"
        " WHERE i <= ?1");
  check(db, "kl_div aggregate",
        "SELECT kl_div(pc, pc) FROM t WHERE i <= ?1",
        "SELECT max(coalesce(pc, pc)) FROM t WHERE i <= ?1");
  check(db, "bce_state and cce_state aggregates",
        "SELECT bce_state(y, p), cce_state(yc, pc) FROM t WHERE i <= ?1",
        "SELECT max(coalesce(y, p)), max(coalesce(yc, pc)) FROM t"
        " WHERE i <= ?1");
  if( sqlite3_close(db)!=SQLITE_OK ) return 2;
  return failures ? 1 : 0;
}
