/* SPDX-License-Identifier: MIT */
/*
** Threads: several connections on several threads, each loading the
** extension itself (sqlite3_load_extension) and running aggregates, window
** functions, scalars and an error, all at once, on data they share (a file
** database in a fresh temporary directory) and on data of their own (a
** TEMP table per connection).  Every result must be the same bits as a
** single-threaded run of the same statement, made after the threads end.
**
** The threads come first, so that their loads are the first loads of the
** library in the process and race with each other and with the functions
** running on the threads that loaded first (see set_api() in
** ext/entry.c).  main() holds the library open with dlopen() meanwhile: a
** connection that closes unloads the extension, and when every one had
** closed, the next load would map the library afresh at the same address,
** which ThreadSanitizer cannot tell from a race on the old copy.
**
**   concurrency LIB [THREADS [ROUNDS]]     (defaults 4 and 3)
**   concurrency --race     two threads race on a counter, on purpose:
**                          tests/check.sh shows ThreadSanitizer reports it
**
** Prints "ok|..." or "FAIL|..." lines like the other tests; exit 1 on a
** failure.  make check runs it built with -fsanitize=thread against a
** ThreadSanitizer build of the extension (tests/check.sh), and plain.
**
** A result is summarized as a 64-bit FNV-1a hash over every row: the type
** and the exact bits of each value, or the error message, so "the same"
** means bit for bit.
*/
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#define MAX_THREADS 32
#define MAX_ROUNDS 16
#define ROWS 4000

/* On the shared table preds(i, model, y, p, w), made once by main(). */
static const char *const shared_sql[] = {
  "SELECT bce(y, p) FROM preds",
  "SELECT model, bce(y, p, w) FROM preds GROUP BY model ORDER BY model",
  "SELECT bce(y, p, w, 0) OVER (ORDER BY i ROWS 99 PRECEDING) FROM preds",
  "SELECT bce(y, p) OVER (PARTITION BY model ORDER BY i"
  " ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) FROM preds ORDER BY i",
  "SELECT bce(y, p, w) OVER (ORDER BY i / 7 RANGE BETWEEN 2 PRECEDING"
  " AND CURRENT ROW) FROM preds ORDER BY i",
  "SELECT bce_term(y, p), bce_grad(y, p, 3), sigmoid(p * 80 - 40),"
  " logit(p) FROM preds",
  "SELECT bce(y, p + 2) FROM preds",                   /* an error */
  /* JSON arrays (rule 9): two labels a row, read in place */
  "SELECT bce(json_array(y, 1 - y), json_array(p, 1 - p), w) FROM preds"
  " WHERE p IS NOT NULL AND i % 4 = 0",
  "SELECT bce_term(json_array(y, y, 1 - y), json_array(p, 0.5, p)),"
  " bce_grad(json_array(y, 1 - y), json_array(p, 1 - p), 2),"
  " bce_logits_grad(json_array(y), json_array(p * 60 - 30)) FROM preds"
  " WHERE p IS NOT NULL AND i % 4 = 0",
  /* logits: aggregate, window, arrays */
  "SELECT bce_logits(y, p * 80 - 40, w) FROM preds",
  "SELECT bce_logits(y, p * 80 - 40) OVER (ORDER BY i ROWS 50 PRECEDING)"
  " FROM preds",
  "SELECT bce_logits(json_array(y, y), json_array(p * 20 - 10, 10 - p * 20))"
  " FROM preds WHERE p IS NOT NULL AND i % 4 = 0",
  /* partial states: per group, merged, merged again, described */
  "SELECT bce_merge(s) FROM (SELECT bce_state(y, p, w) AS s FROM preds"
  " GROUP BY i % 7)",
  "SELECT model, hex(bce_state(y, p)), bce_state_info(bce_logits_state(y,"
  " p * 80 - 40, w)) FROM preds GROUP BY model ORDER BY model",
  "SELECT hex(bce_merge_state(s)), bce_merge(s) FROM (SELECT hex(bce_state(y,"
  " p, w, 0)) AS s FROM preds GROUP BY i % 13)",
  "SELECT bce_merge(s) OVER (ORDER BY g ROWS 2 PRECEDING) FROM (SELECT"
  " i % 11 AS g, bce_state(y, p) AS s FROM preds GROUP BY g)",
  /* multi-class: class indices against probability rows summing to 1,
  ** logits, the softmax and gradient texts, states */
  "SELECT cce(i % 3, json_array(q, (1 - q) / 2, (1 - q) / 2), w) FROM"
  " (SELECT i, w, coalesce(p, 0.5) * 0.98 + 0.01 AS q FROM preds)",
  "SELECT cce_logits(i % 4, json_array(p * 10, 0, -p * 10, 1)) OVER"
  " (ORDER BY i ROWS 20 PRECEDING) FROM preds WHERE p IS NOT NULL",
  "SELECT softmax(json_array(p, 1, -p)), log_softmax(json_array(p, -1)),"
  " cce_logits_grad(i % 3, json_array(p, 1, -p), 2) FROM preds"
  " WHERE p IS NOT NULL AND i % 4 = 0",
  "SELECT bce_merge(s) FROM (SELECT cce_state(i % 2, json_array(q, 1 - q))"
  " AS s FROM (SELECT i, coalesce(p, 0.5) AS q FROM preds) GROUP BY i % 5)",
  "SELECT bce_merge(s), hex(bce_merge_state(s)) FROM (SELECT"
  " bce_state(y, p, w) AS s FROM preds GROUP BY model)",
  "SELECT bce_merge(s) OVER (ORDER BY g ROWS 3 PRECEDING) FROM (SELECT"
  " i / 100 AS g, bce_logits_state(y, p * 40 - 20) AS s FROM preds"
  " GROUP BY g)",
  /* the paths ext/entry.c picks by the processor at load (the hard-label
  ** batch of bce(y, p) above, these: a hard label's options, bce_d2's
  ** batch, logsumexp's four-row kernel), and the options through them */
  "SELECT model, bce(y, p, '{\"gamma\": 2, \"smoothing\": 0.1}'),"
  " bce(y, p, '{\"pos_weight\": 3, \"gamma\": 1.5}') FROM preds"
  " GROUP BY model ORDER BY model",
  "SELECT bce_d2(y, p), bce_d2(y, p, w), bce_d2(y, p, '{\"pos_weight\": 2}')"
  " FROM preds",
  "SELECT bce_d2(y, p) OVER (ORDER BY i ROWS 40 PRECEDING) FROM preds",
  "SELECT logsumexp(p * 80 - 40), logsumexp(i % 700 - 350) FROM preds",
  "SELECT logsumexp(p * 20) OVER (ORDER BY i ROWS 30 PRECEDING) FROM preds",
};
#define N_SHARED (int)(sizeof shared_sql / sizeof shared_sql[0])

/* On the connection's own TEMP table mine(i, y, p, w): made by each thread
** with its own numbers (the thread's index t is bound as ?1). */
static const char *const own_setup =
  "CREATE TEMP TABLE mine AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL"
  " SELECT i + 1 FROM r WHERE i < 1500) SELECT i, (i * (?1 + 3)) % 2 AS y,"
  " ((i * 7919 + ?1 * 104729) % 1000 + 0.5) / 1000.0 AS p,"
  " (i + ?1) % 4 AS w FROM r";
static const char *const own_sql[] = {
  "SELECT bce(y, p, w) FROM mine",
  "SELECT bce(y, p) OVER (ORDER BY i ROWS 30 PRECEDING) FROM mine",
  "SELECT sum(bce_term(y, p)), sum(bce_grad(y, p)) FROM mine",
  "SELECT bce_state_info(bce_state(y, p, w, 0.001)) FROM mine",
};
#define N_OWN (int)(sizeof own_sql / sizeof own_sql[0])
#define N_QUERIES (N_SHARED + N_OWN)

static const char *lib;
static char db_path[1100];
static int n_threads = 4, n_rounds = 3;
static pthread_barrier_t start;

typedef struct Worker {
  int t;
  pthread_t th;
  uint64_t got[MAX_ROUNDS][N_QUERIES];
  char error[512];              /* a failure outside the queries */
} Worker;

static long racy_counter;

static void *race(void *arg){
  int i;
  (void)arg;
  for(i=0; i<1000; i++) racy_counter++;
  return 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n){
  const unsigned char *c = p;
  while( n-- ){
    h ^= *c++;
    h *= 0x100000001b3u;
  }
  return h;
}

/* Runs sql on db (binding t to ?1 if it has a parameter) and hashes every
** row, or the error; *failed says which. */
static uint64_t run_hash(sqlite3 *db, const char *sql, int t, int *failed){
  sqlite3_stmt *st;
  uint64_t h = 0xcbf29ce484222325u;
  int rc, i;
  if( sqlite3_prepare_v2(db, sql, -1, &st, 0)!=SQLITE_OK ){
    const char *m = sqlite3_errmsg(db);
    *failed = 1;
    return fnv(fnv(h, "prepare:", 8), m, strlen(m));
  }
  if( sqlite3_bind_parameter_count(st)>0 ) sqlite3_bind_int(st, 1, t);
  while( (rc = sqlite3_step(st))==SQLITE_ROW ){
    for(i=0; i<sqlite3_column_count(st); i++){
      int type = sqlite3_column_type(st, i);
      h = fnv(h, &type, sizeof type);
      if( type==SQLITE_FLOAT ){
        double d = sqlite3_column_double(st, i);
        h = fnv(h, &d, sizeof d);
      }else if( type==SQLITE_INTEGER ){
        sqlite3_int64 v = sqlite3_column_int64(st, i);
        h = fnv(h, &v, sizeof v);
      }else if( type!=SQLITE_NULL ){
        h = fnv(h, sqlite3_column_text(st, i),
                (size_t)sqlite3_column_bytes(st, i));
      }
    }
  }
  if( rc!=SQLITE_DONE ){
    const char *m = sqlite3_errmsg(db);
    *failed = 1;
    h = fnv(fnv(h, "error:", 6), m, strlen(m));
  }
  sqlite3_finalize(st);
  return h;
}

/* A connection of its own to the shared file, with the extension loaded
** and thread t's TEMP table made. */
static sqlite3 *open_loaded(int t, char *err, size_t nerr){
  sqlite3 *db = 0;
  sqlite3_stmt *st;
  char *msg = 0;
  if( sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, 0)!=SQLITE_OK ){
    snprintf(err, nerr, "open: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return 0;
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_enable_load_extension(db, 1);
  if( sqlite3_load_extension(db, lib, 0, &msg)!=SQLITE_OK ){
    snprintf(err, nerr, "load %s: %s", lib, msg ? msg : "?");
    sqlite3_free(msg);
    sqlite3_close(db);
    return 0;
  }
  sqlite3_enable_load_extension(db, 0);
  if( sqlite3_prepare_v2(db, own_setup, -1, &st, 0)!=SQLITE_OK ){
    snprintf(err, nerr, "temp table: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return 0;
  }
  sqlite3_bind_int(st, 1, t);
  if( sqlite3_step(st)!=SQLITE_DONE ){
    snprintf(err, nerr, "temp table: %s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  return db;
}

static const char *query_sql(int q){
  return q<N_SHARED ? shared_sql[q] : own_sql[q-N_SHARED];
}

static uint64_t query(sqlite3 *db, int q, int t, int *failed){
  *failed = 0;
  return run_hash(db, query_sql(q), t, failed);
}

static void *worker(void *arg){
  Worker *w = arg;
  sqlite3 *db;
  int r, k;
  pthread_barrier_wait(&start);       /* all threads load at once */
  db = open_loaded(w->t, w->error, sizeof w->error);
  if( !db ) return 0;
  for(r=0; r<n_rounds; r++){
    /* each thread and round in another order, so different statements
    ** overlap */
    for(k=0; k<N_QUERIES; k++){
      int q = (k + w->t + r) % N_QUERIES, f;
      w->got[r][q] = query(db, q, w->t, &f);
    }
  }
  sqlite3_close(db);
  return 0;
}

static int make_shared(void){
  sqlite3 *db;
  char *msg = 0;
  char sql[1024];
  snprintf(sql, sizeof sql,
    "CREATE TABLE preds(i INTEGER PRIMARY KEY, model TEXT, y, p REAL, w);"
    "INSERT INTO preds WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL"
    " SELECT i + 1 FROM r WHERE i < %d) SELECT i,"
    " CASE WHEN i %% 3 = 0 THEN 'a' ELSE 'b' END,"
    " CASE WHEN i %% 4 = 0 THEN 0.3 ELSE (i * 7) %% 2 END,"
    " CASE WHEN i %% 101 = 0 THEN NULL WHEN i %% 97 = 0 THEN 0.0"
    " WHEN i %% 13 = 0 THEN 1e-300"
    " ELSE ((i * 7919) %% 1000 + 0.5) / 1000.0 END,"
    " CASE WHEN i %% 11 = 0 THEN 0 ELSE (i %% 5) + 0.5 END FROM r;", ROWS);
  if( sqlite3_open(db_path, &db)!=SQLITE_OK
   || sqlite3_exec(db, sql, 0, 0, &msg)!=SQLITE_OK ){
    printf("FAIL|threads: make %s|%s\n", db_path, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_close(db);
    return 0;
  }
  sqlite3_close(db);
  return 1;
}

int main(int argc, char **argv){
  static Worker w[MAX_THREADS];
  char dir[1024];
  const char *tmp = getenv("TMPDIR");
  int mismatch[N_QUERIES] = {0};
  void *keep = 0;
  int t, q, failed = 0;
  if( argc<2 ){
    fprintf(stderr, "usage: %s LIB [THREADS [ROUNDS]]\n", argv[0]);
    return 2;
  }
  if( strcmp(argv[1], "--race")==0 ){
    pthread_t a, b;
    pthread_create(&a, 0, race, 0);
    pthread_create(&b, 0, race, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    return racy_counter>0 ? 0 : 1;
  }
  lib = argv[1];
  if( argc>2 ) n_threads = atoi(argv[2]);
  if( argc>3 ) n_rounds = atoi(argv[3]);
  if( n_threads<1 || n_threads>MAX_THREADS || n_rounds<1
   || n_rounds>MAX_ROUNDS ){
    fprintf(stderr, "%s: 1 to %d threads, 1 to %d rounds\n", argv[0],
            MAX_THREADS, MAX_ROUNDS);
    return 2;
  }
  snprintf(dir, sizeof dir, "%s/bce-threads-XXXXXX", tmp ? tmp : "/tmp");
  if( !mkdtemp(dir) ){
    perror("mkdtemp");
    return 2;
  }
  snprintf(db_path, sizeof db_path, "%s/shared.db", dir);
  if( !make_shared() ) failed = 1;
  keep = dlopen(lib, RTLD_NOW);
  if( !keep ){
    printf("FAIL|threads: dlopen %s|%s\n", lib, dlerror());
    failed = 1;
  }

  /* the threads, all loading the library at once */
  if( !failed ){
    pthread_barrier_init(&start, 0, (unsigned)n_threads);
    for(t=0; t<n_threads; t++){
      w[t].t = t;
      if( pthread_create(&w[t].th, 0, worker, &w[t])!=0 ){
        fprintf(stderr, "pthread_create failed\n");
        return 2;
      }
    }
    for(t=0; t<n_threads; t++) pthread_join(w[t].th, 0);
    pthread_barrier_destroy(&start);
    for(t=0; t<n_threads; t++){
      if( w[t].error[0] ){
        printf("FAIL|threads: thread %d|%s\n", t, w[t].error);
        failed = 1;
      }
    }
  }

  /* the single-threaded run: the same statements, one thread, in order */
  for(t=0; t<n_threads && !failed; t++){
    char err[512] = "";
    sqlite3 *db = open_loaded(t, err, sizeof err);
    if( !db || err[0] ){
      printf("FAIL|threads: single-threaded run|%s\n", err);
      failed = 1;
      sqlite3_close(db);
      break;
    }
    for(q=0; q<N_QUERIES; q++){
      int f, r;
      uint64_t want = query(db, q, t, &f);
      /* only the statement written to fail may fail */
      if( f!=(strstr(query_sql(q), "p + 2")!=0) ){
        printf("FAIL|threads: single-threaded %s|%s\n", query_sql(q),
               f ? sqlite3_errmsg(db) : "did not fail");
        failed = 1;
      }
      for(r=0; r<n_rounds; r++) mismatch[q] += w[t].got[r][q]!=want;
    }
    sqlite3_close(db);
  }

  for(q=0; q<N_QUERIES && !failed; q++){
    if( mismatch[q] ){
      printf("FAIL|threads: %s|%d of %d runs differ from the "
             "single-threaded run\n", query_sql(q), mismatch[q],
             n_threads*n_rounds);
    }else{
      printf("ok|threads: %d threads x %d rounds, each its own connection "
             "and load, same bits as one thread: %s\n", n_threads,
             n_rounds, query_sql(q));
    }
  }
  for(q=0; q<N_QUERIES; q++) failed |= mismatch[q]!=0;
  if( keep ) dlclose(keep);
  unlink(db_path);
  rmdir(dir);
  return failed ? 1 : 0;
}
