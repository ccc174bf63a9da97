/*
** The entry point.  `.load ./bce` in the sqlite3 shell, or
** sqlite3_load_extension(db, "./bce", 0, &err), finds sqlite3_bce_init by
** the file's name and registers every function of the table below.
**
** Every function is deterministic and innocuous: same arguments, same
** result, and nothing outside its arguments is read or written, so it may
** be used in indexes, CHECK constraints, generated columns and views.
*/
#include <stddef.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include "functions.h"

#define BCE_FLAGS (SQLITE_UTF8|SQLITE_DETERMINISTIC|SQLITE_INNOCUOUS)

/* Window functions (sqlite3_create_window_function) came in 3.25.0, and
** so did sqlite3_str (bce_grad's JSON arrays, ext/vector.c).  Older
** SQLite ignores SQLITE_INNOCUOUS (3.31.0), so it does not raise the floor.
** A build may raise the number, which is how the test reaches this error. */
#ifndef BCE_MIN_SQLITE
# define BCE_MIN_SQLITE 3025000
#endif

/* The entry point is the library's only exported symbol (the build hides
** the rest), so nothing of ours can clash with the host program's names. */
#if defined(_WIN32)
# define BCE_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
# define BCE_EXPORT __attribute__((visibility("default")))
#else
# define BCE_EXPORT
#endif

typedef struct bce_function {
  const char *name;
  int nArg;
  void (*xFunc)(sqlite3_context*, int, sqlite3_value**);   /* scalars */
  void (*xStep)(sqlite3_context*, int, sqlite3_value**);   /* aggregates */
  void (*xFinal)(sqlite3_context*);
  void (*xValue)(sqlite3_context*);
  void (*xInverse)(sqlite3_context*, int, sqlite3_value**);
} bce_function;

#define SCALAR(name, n, f)  {name, n, f, 0, 0, 0, 0}
#define WINDOW(name, n)     {name, n, 0, bce_agg_step##n, bce_agg_final, \
                             bce_agg_value, bce_agg_inverse##n}
#define LOGITS_WINDOW(name, n) {name, n, 0, bce_logits_agg_step##n, \
                             bce_agg_final, bce_agg_value, \
                             bce_logits_agg_inverse##n}

static const bce_function functions[] = {
  WINDOW("bce", 2),
  WINDOW("bce", 3),
  WINDOW("bce", 4),
  SCALAR("bce_term", 2, bce_term_func),
  SCALAR("bce_term", 3, bce_term_func),
  SCALAR("bce_grad", 2, bce_grad_func),
  SCALAR("bce_grad", 3, bce_grad_func),
  LOGITS_WINDOW("bce_logits", 2),
  LOGITS_WINDOW("bce_logits", 3),
  SCALAR("bce_logits_term", 2, bce_logits_term_func),
  SCALAR("bce_logits_grad", 2, bce_logits_grad_func),
  SCALAR("bce_logits_grad", 3, bce_logits_grad_func),
  SCALAR("sigmoid", 1, bce_sigmoid_func),
  SCALAR("logit", 1, bce_logit_func),
  SCALAR("bce_version", 0, bce_version_func),
};

#ifndef SQLITE_CORE
/* SQLITE_EXTENSION_INIT2 stores the API pointer at every load.  But a
** connection on another thread may be running our functions, which read
** sqlite3_api, while this one loads the library: storing the pointer
** again, even the same value, is a data race (ThreadSanitizer reports it;
** tests/concurrency.c).  So it is stored only when it is not already the
** same, and published atomically: a load that finds it set reads it with
** acquire, which orders the store of the thread that set it before every
** later plain read on this one, and writes nothing. */
static void set_api(const sqlite3_api_routines *pApi){
#if defined(__GNUC__) || defined(__clang__)
  const sqlite3_api_routines *seen =
      __atomic_load_n(&sqlite3_api, __ATOMIC_ACQUIRE);
  if( seen==pApi ) return;
  if( seen==0 && __atomic_compare_exchange_n(&sqlite3_api, &seen, pApi, 0,
                                  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) ){
    return;
  }
  if( seen!=pApi ) __atomic_store_n(&sqlite3_api, pApi, __ATOMIC_RELEASE);
#else
  if( sqlite3_api!=pApi ) sqlite3_api = pApi;
#endif
}
#endif

BCE_EXPORT int sqlite3_bce_init(sqlite3 *db, char **pzErrMsg,
                                const sqlite3_api_routines *pApi){
  size_t i;
#ifdef SQLITE_CORE
  SQLITE_EXTENSION_INIT2(pApi);     /* linked in: nothing to store */
#else
  set_api(pApi);
#endif
  if( sqlite3_libversion_number()<BCE_MIN_SQLITE ){
    if( pzErrMsg ){
      *pzErrMsg = sqlite3_mprintf("bce: needs SQLite %d.%d.%d or later "
                                  "(window functions); this is %s",
                                  BCE_MIN_SQLITE/1000000,
                                  BCE_MIN_SQLITE/1000%1000,
                                  BCE_MIN_SQLITE%1000, sqlite3_libversion());
    }
    return SQLITE_ERROR;
  }
  for(i=0; i<sizeof(functions)/sizeof(functions[0]); i++){
    const bce_function *f = &functions[i];
    int rc;
    if( f->xStep ){
      rc = sqlite3_create_window_function(db, f->name, f->nArg, BCE_FLAGS, 0,
               f->xStep, f->xFinal, f->xValue, f->xInverse, 0);
    }else{
      rc = sqlite3_create_function_v2(db, f->name, f->nArg, BCE_FLAGS, 0,
               f->xFunc, 0, 0, 0);
    }
    if( rc!=SQLITE_OK ){
      if( pzErrMsg ){
        *pzErrMsg = sqlite3_mprintf("bce: cannot register %s() with %d "
                                    "arguments: %s", f->name, f->nArg,
                                    sqlite3_errstr(rc));
      }
      return rc;
    }
  }
  return SQLITE_OK;
}
