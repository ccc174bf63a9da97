/* SPDX-License-Identifier: MIT */
/*
** Partial states that merge across databases (docs/functions.md, "States";
** the bytes are docs/state-format.md's, made by src/state.c):
**
**   bce_state(y, p [, w [, eps]]), bce_logits_state(y, z [, w]),
**   cce_state(y, p [, w [, eps]]), cce_logits_state(y, z [, w])
**       the steps of bce(), bce_logits() (ext/aggregate.c), cce() and
**       cce_logits() (ext/multiclass.c), with a result that is the
**       aggregate's bce_mean as bytes, not its mean;
**   bce_merge(state)         aggregate and window: the mean over every
**                            row behind the states, bit for bit that of
**                            the matching function over those rows;
**   bce_merge_state(state)   aggregate: the merged state, the bytes of the
**                            state over every row at once;
**   bce_state_info(state)    scalar: the state as JSON, for people.
**
** The scores' states (bce_d2_state, cce_d2_state: ext/d2.c; kl_div_state:
** ext/scores.c) merge here too: their score from the merged sums by the
** routine their aggregate's result uses (ext/score_states.h).
**
** A state argument is a BLOB, or the TEXT that hex() writes of one (state
** rule 5); NULL states are skipped (state rule 2).
*/
#include <math.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "options.h"
#include "registry.h"
#include "score_states.h"
#include "../src/mean.h"
#include "../src/options_codec.h"
#include "../src/state.h"

static const char *fn_name(int fn){
  switch( fn ){
    case BCE_STATE_LOGITS:     return "bce_logits";
    case BCE_STATE_CCE:        return "cce";
    case BCE_STATE_CCE_LOGITS: return "cce_logits";
    case BCE_STATE_BCE_D2:     return "bce_d2";
    case BCE_STATE_CCE_D2:     return "cce_d2";
    case BCE_STATE_KL:         return "kl_div";
    default:                   return "bce";
  }
}

/* The state's function code for the descriptor's formula. */
static bce_state_fn state_fn(BceLoss loss){
  switch( loss ){
    case BCE_LOSS_LOGITS:     return BCE_STATE_LOGITS;
    case BCE_LOSS_CCE:        return BCE_STATE_CCE;
    case BCE_LOSS_CCE_LOGITS: return BCE_STATE_CCE_LOGITS;
    default:                  return BCE_STATE_PROB;
  }
}

/* ------------------------------------------------------- making states */

/* Sets the state as the result: into buf when it fits, else into a block
** of its own (options with arrays of many classes).  A state longer than
** BCE_STATE_MAX is an error, never cut. */
BCE_PRIVATE void bce_result_state(sqlite3_context *ctx, size_t n,
                                  unsigned char *buf,
                                  size_t (*again)(void*, unsigned char*,
                                                  size_t),
                                  void *arg){
  unsigned char *big;
  size_t written;
  if( n<=BCE_STATE_SMALL ){
    sqlite3_result_blob(ctx, buf, (int)n, SQLITE_TRANSIENT);
    return;
  }
  if( n==BCE_STATE_OPTIONS_TOO_LONG ){
    bce_error(ctx, "its options are too long for a state: a state holds "
                   "options of at most %d bytes, about 8 a number "
                   "(docs/state-format.md); use fewer classes",
              BCE_STATE_OPTIONS_MAX);
    return;
  }
  if( n>BCE_STATE_MAX ){
    /* cce_d2's class sums: the options fit, the state does not */
    bce_error(ctx, "the state is too long: %lld bytes, and a state has at "
                   "most %d (docs/state-format.md); use fewer classes",
              (long long)n, BCE_STATE_MAX);
    return;
  }
  big = (unsigned char*)sqlite3_malloc((int)n);
  if( big==0 ){
    sqlite3_result_error_nomem(ctx);
    return;
  }
  /* the call outside BCE_NEVER(): the coverage build does not evaluate
  ** it */
  written = again(arg, big, n);
  if( BCE_NEVER(written!=n) ){
    sqlite3_free(big);
    return;
  }
  sqlite3_result_blob(ctx, big, (int)n, sqlite3_free);
}

typedef struct agg_encoding {
  BceAgg *a;
  bce_state_fn fn;
} agg_encoding;

static size_t encode_agg(void *arg, unsigned char *out, size_t cap){
  agg_encoding *e = (agg_encoding*)arg;
  return bce_state_encode_opt(&e->a->m, e->fn,
                              e->a->o.given ? &e->a->o.opt : 0, out, cap);
}

/* xValue and xFinal of every *_state function: one routine, so a
** window frame's state has the bytes of a fresh one (rule 8).  The state
** carries the aggregate's options (the defaults, or its eps, when no row
** gave any). */
static void state_result(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, 0);
  unsigned char out[BCE_STATE_SMALL];
  agg_encoding e;
  size_t n;
  if( a==0 ) return;                        /* no rows: NULL, state rule 2 */
  e.a = a;
  e.fn = state_fn(bce_func(ctx)->eLoss);
  n = encode_agg(&e, out, sizeof out);
  if( n==0 ) return;                        /* a frame emptied: NULL */
  bce_result_state(ctx, n, out, encode_agg, &e);
}

BCE_PRIVATE void bce_state_value_func(sqlite3_context *ctx){
  state_result(ctx);
}

BCE_PRIVATE void bce_state_final_func(sqlite3_context *ctx){
  BceAgg *a = (BceAgg*)sqlite3_aggregate_context(ctx, 0);
  state_result(ctx);
  if( a ) bce_agg_options_free(&a->o);          /* issue 21's options */
}

/* ------------------------------------------------------ reading states */

/* Reads a state argument into *st (whose sums may point into buf, of
** BCE_STATE_SMALL bytes, or into *heap, a block for a longer hex text
** that the caller frees): 1 when read, 0 for NULL, -1 with the error set. */
static int read_state(sqlite3_context *ctx, sqlite3_value *v,
                      unsigned char *buf, unsigned char **heap,
                      bce_state *st){
  const unsigned char *p;
  const char *why = 0;
  size_t n;
  switch( sqlite3_value_type(v) ){
    case SQLITE_NULL:
      return 0;
    case SQLITE_BLOB:
      p = (const unsigned char*)sqlite3_value_blob(v);
      n = (size_t)sqlite3_value_bytes(v);
      break;
    case SQLITE_TEXT: {
      /* hex() writes uppercase: a lowercase digit is a changed bit, so it
      ** is refused like any other */
      const char *z = (const char*)sqlite3_value_text(v);
      int len = sqlite3_value_bytes(v), i;
      if( z==0 ){
        sqlite3_result_error_nomem(ctx);
        return -1;
      }
      for(i=0; i<len; i++){
        if( !((z[i]>='0' && z[i]<='9') || (z[i]>='A' && z[i]<='F')) ) break;
      }
      if( i<len || len%2 ){
        char quoted[BCE_QUOTED_BUF];
        bce_quote_text(quoted, z, len);
        bce_error(ctx, "state must be a BLOB or the uppercase hex() of one, "
                       "got %s", quoted);
        return -1;
      }
      if( len/2>BCE_STATE_MAX ){
        bce_error(ctx, "bad state: over-long (%d bytes; no state has more "
                       "than %d)", len/2, BCE_STATE_MAX);
        return -1;
      }
      if( len/2>BCE_STATE_SMALL ){
        *heap = (unsigned char*)sqlite3_malloc(len/2);
        if( *heap==0 ){
          sqlite3_result_error_nomem(ctx);
          return -1;
        }
        buf = *heap;
      }
      for(i=0; i<len; i+=2){
        int hi = z[i]<='9' ? z[i]-'0' : z[i]-'A'+10;
        int lo = z[i+1]<='9' ? z[i+1]-'0' : z[i+1]-'A'+10;
        buf[i/2] = (unsigned char)(hi*16 + lo);
      }
      p = buf;
      n = (size_t)len/2;
      break;
    }
    default: {
      char num[32];
      bce_format_value(num, v);
      bce_error(ctx, "state must be a BLOB or the uppercase hex() of one, "
                     "got %s", num);
      return -1;
    }
  }
  switch( bce_state_decode(p, n, st, &why) ){
    case BCE_STATE_OK:
      return 1;
    case BCE_STATE_BAD_VERSION:
      bce_error(ctx, "bad state: version %d; this build reads versions 1 "
                     "and %d", st->version, BCE_STATE_VERSION);
      return -1;
    case BCE_STATE_NONCANONICAL:
      bce_error(ctx, "bad state: non-canonical encoding: %s", why);
      return -1;
    case BCE_STATE_IMPOSSIBLE:
      /* well-formed bytes whose counts and sums no aggregate has */
      bce_error(ctx, "bad state: impossible for a %s() state: %s",
                fn_name(st->fn), why);
      return -1;
    default:
      bce_error(ctx, "bad state: %s", why);
      return -1;
  }
}

/* ----------------------------------------------------------- merging */

/* The aggregate context of bce_merge and bce_merge_state: a bce_mean and
** what every state must share with the first (state rule 4): the
** function and the options, as their canonical bytes (in optSmall, or a
** block of their own that xFinal frees). */
typedef struct BceMergeAgg {
  bce_mean m;
  int fn;            /* the first state's function; 0 before it */
  bce_reduction reduction;
  unsigned char *opt;
  size_t nOpt;
  unsigned char optSmall[64];
  bce_sum wsum, wy;  /* bce_d2, cce_d2: their sums past the mean's */
  bce_sum *cls;      /* cce_d2: K class sums, a block xFinal frees */
  int64_t K;
} BceMergeAgg;

static void merge_score(BceMergeAgg *a, bce_state_score *sc){
  sc->wsum = &a->wsum;
  sc->wy = &a->wy;
  sc->cls = a->cls;
  sc->K = a->K;
}

static void merge_step(sqlite3_context *ctx, sqlite3_value *v, int sign){
  unsigned char buf[BCE_STATE_SMALL], *heap = 0;
  bce_state st;
  BceMergeAgg *a;
  int rc = read_state(ctx, v, buf, &heap, &st);
  if( rc<=0 ) goto done;                    /* NULL skipped: state rule 2 */
  a = (BceMergeAgg*)sqlite3_aggregate_context(ctx, sizeof(*a));
  if( a==0 ){
    sqlite3_result_error_nomem(ctx);
    goto done;
  }
  if( a->fn==0 ){
    a->opt = st.nOpt<=sizeof a->optSmall ? a->optSmall
                                         : (unsigned char*)sqlite3_malloc64(st.nOpt);
    if( a->opt==0 ){
      sqlite3_result_error_nomem(ctx);
      goto done;
    }
    memcpy(a->opt, st.opt, st.nOpt);
    a->nOpt = st.nOpt;
    if( st.fn==BCE_STATE_CCE_D2 ){
      a->cls = (bce_sum*)sqlite3_malloc64((sqlite3_uint64)st.K*sizeof(bce_sum));
      if( a->cls==0 ){
        if( a->opt!=a->optSmall ) sqlite3_free(a->opt);
        a->opt = 0;
        sqlite3_result_error_nomem(ctx);
        goto done;
      }
      memset(a->cls, 0, (size_t)st.K*sizeof(bce_sum));
      a->K = st.K;
    }
    a->fn = (int)st.fn;
    a->reduction = st.o.reduction;
  }else if( (int)st.fn!=a->fn ){            /* state rule 4 */
    bce_error(ctx, "cannot merge a %s() state with a %s() state",
              fn_name(st.fn), fn_name(a->fn));
    goto done;
  }else if( st.nOpt!=a->nOpt || memcmp(st.opt, a->opt, a->nOpt)!=0 ){
    char diff[200];
    bce_options_diff(st.opt, st.nOpt, a->opt, a->nOpt, diff, sizeof diff);
    bce_error(ctx, "states of different options do not merge: %s (this "
                   "state's vs the first's)", diff);
    goto done;
  }else if( st.fn==BCE_STATE_CCE_D2 && st.K!=a->K ){
    bce_error(ctx, "cannot merge a cce_d2() state of %lld classes with one "
                   "of %lld", (long long)st.K, (long long)a->K);
    goto done;
  }
  if( bce_state_merge(&a->m, &st, sign)!=BCE_STATE_OK ){
    bce_error(ctx, "more than 2^63 - 1 rows behind the states");
    goto done;
  }
  if( st.fn==BCE_STATE_BCE_D2 || st.fn==BCE_STATE_CCE_D2 ){
    bce_state_score sc;
    merge_score(a, &sc);
    bce_state_merge_score(&sc, &st, sign);
  }
done:
  sqlite3_free(heap);
}

BCE_PRIVATE void bce_merge_step(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv){
  (void)argc;
  merge_step(ctx, argv[0], +1);
}

BCE_PRIVATE void bce_merge_inverse(sqlite3_context *ctx, int argc,
                                   sqlite3_value **argv){
  (void)argc;
  merge_step(ctx, argv[0], -1);
}

static void merge_free(BceMergeAgg *a){
  if( a->opt!=a->optSmall ) sqlite3_free(a->opt);
  a->opt = 0;
  sqlite3_free(a->cls);
  a->cls = 0;
}

/* A score's value from merged sums, as its aggregate computes it: the
** options decoded from the states' bytes (cce_d2's class weights into a
** block of their own). */
static bce_score_status score_value(int fn, bce_mean *m, bce_sum *wsum,
                                    bce_sum *wy, bce_sum *cls, int64_t K,
                                    const unsigned char *opt, size_t nOpt,
                                    double *v){
  bce_options o;
  size_t len, nd = bce_options_doubles(opt, nOpt);
  double *store = 0;
  const char *why;
  bce_score_status st;
  int decoded;
  if( fn==BCE_STATE_KL ) return bce_kl_value(m, v);
  if( nd>0 ){
    store = (double*)sqlite3_malloc64((sqlite3_uint64)nd*sizeof(double));
    if( store==0 ) return BCE_SCORE_NOMEM;
  }
  /* the bytes were read by bce_state_decode(): valid.  The call outside
  ** BCE_NEVER(): the coverage build does not evaluate its argument (with
  ** it inside, that build read o unset: the merges of bce_d2_state and
  ** cce_d2_state were wrong there, and tests/sql/state_golden_scores.sql
  ** crashed) */
  decoded = bce_options_decode(opt, nOpt, &len, &o, store, nd, &why);
  if( BCE_NEVER(!decoded) ){
    sqlite3_free(store);
    return BCE_SCORE_NULL;
  }
  if( fn==BCE_STATE_BCE_D2 ) st = bce_d2_binary_value(m, wsum, wy, &o, v);
  else st = bce_d2_cce_value(m, wsum, cls, K, &o, v);
  sqlite3_free(store);
  return st;
}

static int is_score(int fn){
  return fn==BCE_STATE_BCE_D2 || fn==BCE_STATE_CCE_D2 || fn==BCE_STATE_KL;
}

/* The value under the states' reduction, as bce() words its outcomes
** (rules 2 and 7). */
static void merge_result(sqlite3_context *ctx, BceMergeAgg *a){
  double mean = 0.0;
  if( is_score(a->fn) ){
    bce_score_status st = score_value(a->fn, &a->m, &a->wsum, &a->wy,
                                      a->cls, a->K, a->opt, a->nOpt, &mean);
    /* mean is set by the call: read after it */
    bce_score_result(ctx, st, mean);
    return;
  }
  switch( bce_mean_value_r(&a->m, a->reduction, &mean) ){
    case BCE_MEAN_VALUE:
      sqlite3_result_double(ctx, mean);
      return;
    case BCE_MEAN_WEIGHT_OVERFLOW:
      bce_error(ctx, "the sum of the weights overflows a double; scale "
                     "them down");
      return;
    case BCE_MEAN_SUM_OVERFLOW:
      bce_error(ctx, "the sum of w*loss overflows a double; scale the "
                     "weights down");
      return;
    case BCE_MEAN_QUOTIENT_OVERFLOW:
      bce_error(ctx, "the mean sum(w*loss) / sum(w*class_weight of y) "
                     "overflows a double; scale alpha or the other "
                     "classes' class_weight down");
      return;
    case BCE_MEAN_EMPTY:
      return;                               /* NULL */
  }
}

BCE_PRIVATE void bce_merge_value_func(sqlite3_context *ctx){
  BceMergeAgg *a = (BceMergeAgg*)sqlite3_aggregate_context(ctx, 0);
  if( a==0 ) return;                        /* no states: NULL */
  merge_result(ctx, a);
}

BCE_PRIVATE void bce_merge_final_func(sqlite3_context *ctx){
  BceMergeAgg *a = (BceMergeAgg*)sqlite3_aggregate_context(ctx, 0);
  if( a==0 ) return;                        /* no states: NULL */
  if( a->fn!=0 ) merge_result(ctx, a);
  merge_free(a);
}

static size_t encode_merged(void *arg, unsigned char *out, size_t cap){
  BceMergeAgg *a = (BceMergeAgg*)arg;
  bce_state_score sc;
  if( is_score(a->fn) ){
    merge_score(a, &sc);
    return bce_state_encode_score(&a->m, (bce_state_fn)a->fn, 0, a->opt,
                                  a->nOpt, &sc, out, cap);
  }
  return bce_state_encode_raw(&a->m, (bce_state_fn)a->fn, a->opt, a->nOpt,
                              out, cap);
}

BCE_PRIVATE void bce_merge_state_final_func(sqlite3_context *ctx){
  BceMergeAgg *a = (BceMergeAgg*)sqlite3_aggregate_context(ctx, 0);
  unsigned char out[BCE_STATE_SMALL];
  size_t n;
  if( a==0 ) return;                        /* no states: NULL */
  if( a->fn!=0 ){
    n = encode_merged(a, out, sizeof out);
    /* a state of >= 1 row was merged, and this aggregate has no inverse */
    if( BCE_ALWAYS(n>0) ) bce_result_state(ctx, n, out, encode_merged, a);
  }
  merge_free(a);
}

/* -------------------------------------------------------------- info */

static void json_double(sqlite3_str *s, double x){
  char num[32];
  if( isinf(x) ){                 /* +Inf: losses and weights are >= 0 */
    sqlite3_str_appendall(s, "9e999");      /* as json() writes it */
    return;
  }
  bce_format_double(num, x);
  sqlite3_str_appendall(s, num);
}

BCE_PRIVATE void bce_state_info_func(sqlite3_context *ctx, int argc,
                                     sqlite3_value **argv){
  unsigned char buf[BCE_STATE_SMALL], *heap = 0;
  bce_state st;
  bce_mean m;
  bce_sum wsum, wy, *cls = 0;
  bce_score_status scored = BCE_SCORE_NULL;
  double score = 0.0;
  sqlite3_str *s;
  double mean;
  int rc = read_state(ctx, argv[0], buf, &heap, &st), n;
  char *z, *json;
  size_t nJson;
  (void)argc;
  if( rc<=0 ){                              /* NULL: rule 1 */
    sqlite3_free(heap);
    return;
  }
  memset(&m, 0, sizeof m);
  /* into an empty mean: no count can overflow */
  rc = bce_state_merge(&m, &st, +1)==BCE_STATE_OK;
  if( BCE_NEVER(!rc) ){
    sqlite3_free(heap);
    return;
  }
  if( is_score(st.fn) ){
    bce_state_score sc;
    bce_sum_clear(&wsum);
    bce_sum_clear(&wy);
    if( st.fn==BCE_STATE_CCE_D2 ){
      cls = (bce_sum*)sqlite3_malloc64((sqlite3_uint64)st.K*sizeof(bce_sum));
      if( cls==0 ){
        sqlite3_free(heap);
        sqlite3_result_error_nomem(ctx);
        return;
      }
      memset(cls, 0, (size_t)st.K*sizeof(bce_sum));
    }
    sc.wsum = &wsum;
    sc.wy = &wy;
    sc.cls = cls;
    sc.K = st.K;
    bce_state_merge_score(&sc, &st, +1);
    scored = score_value((int)st.fn, &m, &wsum, &wy, cls, st.K, st.opt,
                         st.nOpt, &score);
    sqlite3_free(cls);
    if( scored==BCE_SCORE_NOMEM ){
      sqlite3_free(heap);
      sqlite3_result_error_nomem(ctx);
      return;
    }
  }
  nJson = bce_options_json(st.opt, st.nOpt, 0, 0);
  json = (char*)sqlite3_malloc64(nJson + 1);
  if( json==0 ){
    sqlite3_free(heap);
    sqlite3_result_error_nomem(ctx);
    return;
  }
  bce_options_json(st.opt, st.nOpt, json, nJson + 1);
  s = sqlite3_str_new(0);
  sqlite3_str_appendf(s, "{\"version\":%d,\"function\":\"%s\",\"weighted\":%s,"
                      "\"eps\":", st.version, fn_name(st.fn),
                      st.weighted ? "true" : "false");
  if( BCE_STATE_HAS_EPS(st.fn) ) json_double(s, st.eps);
  else sqlite3_str_appendall(s, "null");
  sqlite3_str_appendf(s, ",\"options\":%s", json);
  sqlite3_free(json);
  sqlite3_str_appendf(s, ",\"rows\":%lld,\"rows_weighted\":%lld,"
                      "\"rows_infinite\":%lld,\"rows_tiny\":%lld,"
                      "\"sum_w\":", (long long)st.nRow,
                      (long long)st.nWeight, (long long)st.nInf,
                      (long long)st.nTiny);
  json_double(s, st.weighted || st.fn==BCE_STATE_KL
                    ? bce_mean_weight_value(&m) : (double)st.nRow);
  sqlite3_str_appendall(s, ",\"loss\":");
  if( st.fn==BCE_STATE_KL ){
    /* kl_div's mean is its score: its loss is the divergence */
    if( scored==BCE_SCORE_VALUE ) json_double(s, score);
    else sqlite3_str_appendall(s, "null");
  }else if( bce_mean_value_r(&m, st.o.reduction, &mean)==BCE_MEAN_VALUE ){
    json_double(s, mean);
  }
  else sqlite3_str_appendall(s, "null");
  if( st.fn==BCE_STATE_CCE_D2 ){
    sqlite3_str_appendf(s, ",\"classes\":%lld", (long long)st.K);
  }
  if( is_score(st.fn) ){
    sqlite3_str_appendall(s, ",\"score\":");
    /* D^2 of -Inf (a certain miss at eps 0) has no JSON number */
    if( scored!=BCE_SCORE_VALUE ) sqlite3_str_appendall(s, "null");
    else if( isinf(score) && BCE_ALWAYS(score<0) ){   /* D^2 <= 1 */
      sqlite3_str_appendall(s, "-9e999");
    }
    else json_double(s, score);
  }
  n = sqlite3_value_bytes(argv[0]);
  if( sqlite3_value_type(argv[0])!=SQLITE_BLOB ) n /= 2;   /* hex text */
  sqlite3_str_appendf(s, ",\"bytes\":%d}", n);
  sqlite3_free(heap);
  n = sqlite3_str_errcode(s);
  z = sqlite3_str_finish(s);
  if( n!=SQLITE_OK || BCE_NEVER(z==0) ){   /* z is 0 only on an error */
    sqlite3_free(z);
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text(ctx, z, -1, sqlite3_free);
}
