/* SPDX-License-Identifier: MIT */
/*
** The multi-class functions (issue 13; src/cce.h has the formulas):
**
**   cce(y, p [, w [, eps | options]])  aggregate, window: sum(w l) / sum(w)
**   cce_term(y, p [, w [, eps | options]])  w l of one row
**   cce_grad(y, p [, n [, eps | options]])  JSON array -y_k / q_k / n
**   cce_logits(y, z [, w [, options]])  aggregate, window, from logits
**   cce_logits_term(y, z [, w [, options]])  w l of one row
**   cce_logits_grad(y, z [, n [, options]])  JSON array
**                                   (softmax(z)_k - y_k) / n
**   softmax(z), log_softmax(z)      JSON arrays
**
** y is a class index (INTEGER, or REAL or TEXT holding an integer: 2.0,
** '2') or a JSON array of K targets; p and z are JSON arrays.  The rules
** of docs/functions.md hold as for the bce family: NULL (rule 1), numbers
** (rule 3), domains (rule 4), errors naming function, argument, index and
** value (rule 5), one eps per aggregate (rule 6), the exact mean (rule 7,
** src/mean.h), windows (rule 8), arrays read in place (rule 9), no
** allocation but the text a gradient returns (rule 10).
**
** Options (issue 21, src/cce.h, ext/options.h): an options object in the
** last place, (y, p, options) or (y, p, w, options), parsed once per
** aggregate (the first row's; rule 6 for the rest) or once per statement
** (a constant argument of a scalar); a positional eps is the option eps.
** A row whose target is ignore_index (rc 2) is skipped by the aggregates
** as a NULL row is, costs 0.0 in cce_term, and has a gradient of K zeros.
** The aggregates' weight sum takes each row's w*d (d its class's weight
** with class_weight, src/mean.h), and their result the reduction.
*/
#include <math.h>
#include <stdio.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "array_args.h"
#include "options.h"
#include "registry.h"
#include "../src/cce.h"
#include "../src/loss.h"
#include "../src/mean.h"

/* ------------------------------------------------------------ reading */

/* 1 if v holds a JSON array (text or JSONB); else sets the error that p (or
** z) must be one: a number is never a row of K classes. */
static int json_array_arg(sqlite3_context *ctx, bce_param param,
                          sqlite3_value *v){
  if( bce_is_array_arg(v) ) return 1;
  bce_error_got(ctx, param.name, param.domain==BCE_PROB
                ? "a JSON array of probabilities" : "a JSON array of logits", v);
  return 0;
}

/* Reads y, p (or z) and the number arguments argv[2..argc) into *r and
** num[].  Returns 0 when the result is set: NULL (any NULL argument,
** rule 1) or an error.  Rule 5's order: the numbers (y as a class index,
** w, eps, n) are checked here, before any array element. */
static int mc_read_row(sqlite3_context *ctx, const BceFunc *f, int argc,
                    sqlite3_value **argv, bce_cce_row *r, double *num){
  int i;
  for(i=0; i<argc; i++){
    if( sqlite3_value_type(argv[i])==SQLITE_NULL ) return 0;   /* rule 1 */
  }
  if( argc==4 && f->eLoss==BCE_LOSS_CCE_LOGITS ){
    /* the options object (issue 21), after y, z, w; mc_options() had
    ** taken it from argc if it were one */
    return bce_options_arg_missing(ctx, 4, argv);
  }
  if( !bce_read_cce_target(ctx, argv[0], r) ) return 0;
  if( argc>2 && bce_read_args(ctx, argc-2, argv+2, f->aParam+2, num, 0)
                !=BCE_READ_OK ){
    return 0;                                       /* rules 3 and 4 */
  }
  if( !json_array_arg(ctx, f->aParam[1], argv[1]) ) return 0;
  r->pJsonb = bce_array_arg_bytes(argv[1], &r->p, &r->np);
  if( BCE_NEVER(r->p==0) ){                   /* read by json_array_arg() */
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  return 1;
}

/* Words e (rule 5).  argv[e->arg] is the text the cursor read. */
static void mc_report(sqlite3_context *ctx, const BceFunc *f,
                   sqlite3_value **argv, const bce_array_error *e){
  const bce_param *param = f->aParam;
  const char *name = param[e->arg].name;
  char num[32];
  switch( e->status ){
    case BCE_ARRAY_FEW:
      bce_error(ctx, "%s must have at least 2 classes, got %lld", name,
                (long long)e->np);
      return;
    case BCE_ARRAY_CLASS:
      /* an INTEGER as written: through a double, 2^53 + 1 read 2^53 */
      if( sqlite3_value_type(argv[0])==SQLITE_INTEGER ){
        bce_format_value(num, argv[0]);
      }else{
        bce_format_double(num, e->value);
      }
      if( e->np<0 ){
        bce_error(ctx, "y must be a class index (an integer >= 0) or a JSON "
                  "array of targets, got %s", num);
      }else{
        bce_error(ctx, "y must be a class index in [0, %lld) for the %lld "
                  "classes of %s, got %s", (long long)e->np,
                  (long long)e->np, param[1].name, num);
      }
      return;
    case BCE_ARRAY_SUM:
      bce_format_double(num, e->value);
      /* p's sum is checked only by the functions of probabilities; all
      ** but cce_d2 have a logits twin to point to */
      if( e->arg==1 && f->zLogitsName!=0 ){
        /* probabilities that do not sum to 1 are most often scores */
        bce_error(ctx, "%s must sum to 1 (within 1e-4), got a row summing "
                  "to %s; for logits use %s()", name, num, f->zLogitsName);
      }else if( e->arg==1 ){
        /* cce_d2: no logits twin, but softmax() makes probabilities */
        bce_error(ctx, "%s must sum to 1 (within 1e-4), got a row summing "
                  "to %s; for logits pass softmax(z)", name, num);
      }else{
        bce_error(ctx, "%s must sum to 1 (within 1e-4), got a row summing "
                  "to %s", name, num);
      }
      return;
    case BCE_ARRAY_TWO_INF:
      bce_error(ctx, "%s[%lld] and %s[%lld] are both +Inf: softmax has no "
                "limit", name, (long long)e->first, name,
                (long long)e->index);
      return;
    case BCE_ARRAY_ALL_NEG_INF:
      bce_error(ctx, "every element of %s is -Inf: softmax has no limit",
                name);
      return;
    case BCE_ARRAY_OPTION_LENGTH:   /* class_weight or alpha */
      bce_error(ctx, "options key \"%s\" must have one number per class, "
                "got %lld for the %lld classes of %s",
                bce_options_key_name((unsigned)e->first), (long long)e->ny,
                (long long)e->np, param[1].name);
      return;
    default:   /* the statuses every row of JSON arrays shares */
      bce_report_array_error(ctx, param, argv, e);
      return;
  }
}

/* The options object in the last place (issue 21): 1 and *argc the count
** of the arguments before it when argv[*argc-1] is one, else 0. */
static int mc_options(int *argc, sqlite3_value **argv){
  if( *argc>=3 && sqlite3_value_type(argv[*argc-1])==SQLITE_TEXT
   && bce_is_options_arg(argv[*argc-1]) ){
    (*argc)--;
    return 1;
  }
  return 0;
}

/* The options of a scalar call (ext/options.h): the options object in
** argv[argc] when hasOpt (parsed once per statement when constant), else
** the defaults with the positional eps of a four-argument call.  0 when
** an error is set. */
static int mc_scalar_options(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv, int hasOpt, double eps,
                             bce_options_room *room, const bce_options **o){
  if( hasOpt ){
    return bce_scalar_options_in(ctx, argc, argv[argc], room, o);
  }
  bce_options_init(&room->opt);
  if( argc==4 ) room->opt.eps = eps;
  *o = &room->opt;
  return 1;
}

/* 1 with the error set when the row's loss under o is +Inf only because
** class_weight or alpha carry a finite loss past DBL_MAX: the same row
** without them is finite.  Called only where a loss came out +Inf, so it
** may take the row again; 0 (nothing set) when the loss under o is finite
** (the caller's w is the cause, rule 7) or infinite of itself. */
static int mc_weights_overflow(sqlite3_context *ctx, const BceFunc *f,
                               const bce_cce_row *r, const bce_options *o){
  unsigned both = BCE_OPT_CLASS_WEIGHT|BCE_OPT_ALPHA;
  bce_options bare;
  bce_array_error e;
  double l, d;
  int scale = 0, logits = f->eLoss==BCE_LOSS_CCE_LOGITS;
  if( !(o->keys & both) ) return 0;
  if( (logits ? bce_cce_logits_loss_scaled(r, o, &l, &scale, &d, &e)
              : bce_cce_loss(r, o, &l, &d, &e))!=1 || isfinite(l) ){
    return 0;
  }
  bare = *o;
  bare.keys &= ~both;
  bare.class_weights = bare.alphas = 0;
  bare.n_class_weights = bare.n_alphas = 0;
  bare.alpha = 0.0;
  if( (logits ? bce_cce_logits_loss_scaled(r, &bare, &l, &scale, &d, &e)
              : bce_cce_loss(r, &bare, &l, &d, &e))!=1 || !isfinite(l) ){
    return 0;
  }
  bce_error(ctx, "options %s make%s the loss of this row overflow a double; "
            "scale %s down", (o->keys & both)==both
            ? "keys \"class_weight\" and \"alpha\""
            : (o->keys & BCE_OPT_ALPHA) ? "key \"alpha\""
                                        : "key \"class_weight\"",
            (o->keys & both)==both ? "" : "s",
            (o->keys & both)==both ? "them" : "it");
  return 1;
}

/* --------------------------------------------------------- aggregates */

/* One row in (sign = +1) or out (sign = -1) of cce or cce_logits, every
** arity: the descriptor says which.  The options are the first row's
** (ext/options.h's slot; rule 6 for the later rows'). */
static void mc_step(sqlite3_context *ctx, int argc, sqlite3_value **argv,
                 int sign){
  const BceFunc *f = bce_func(ctx);
  bce_cce_row r;
  bce_array_error err;
  double num[2] = {1.0, BCE_DEFAULT_EPS}, w, l, d = 1.0;
  int ok, scale = 0, hasOpt = mc_options(&argc, argv);
  BceAgg *agg;
  bce_mean *a;
  bce_options none;
  const bce_options *o = &none;
  if( !mc_read_row(ctx, f, argc, argv, &r, num) ) return;
  agg = (BceAgg*)sqlite3_aggregate_context(ctx, sizeof(*agg));
  if( agg==0 ){
    sqlite3_result_error_nomem(ctx);
    return;
  }
  a = &agg->m;
  w = argc>=3 ? num[0] : 1.0;
  if( hasOpt || argc>=3 ){
    /* rule 6 for the options and a positional eps alike */
    if( !bce_agg_options_row(ctx, &agg->o, hasOpt ? argv[argc] : 0,
                             argc==4, num[1]) ){
      return;
    }
    o = &agg->o.opt;
    if( o->keys & BCE_OPT_EPS ){
      if( !bce_agg_same_eps(ctx, a, o->eps) ) return;  /* the state's eps */
    }
  }else{
    bce_options_init(&none);
  }
  /* class weights make every row's denominator d its class's weight
  ** (PyTorch's weighted mean): the mean is weighted from the first row,
  ** in every frame and shard alike (src/mean.h); a row whose w*l is a
  ** tiny product made it weighted too (bce_mean_add_part_d(): only a
  ** weighted mean holds the tiny sum), and it stays so: set to 0 again,
  ** the next such row would add the rows so far to the weight sum twice */
  if( argc>=3 || o->n_class_weights>0 ) a->weighted = 1;
  ok = f->eLoss==BCE_LOSS_CCE_LOGITS
       ? bce_cce_logits_loss_scaled(&r, o, &l, &scale, &d, &err)
       : bce_cce_loss_scaled(&r, o, &l, &scale, &d, &err);
  if( !ok ){
    mc_report(ctx, f, argv, &err);
    return;
  }
  if( ok==2 ) return;        /* the target is ignore_index: a NULL row */
  if( isinf(l) && w!=0.0 && mc_weights_overflow(ctx, f, &r, o) ) return;
  /* a loss below 2^-1000 (scale < 0) rounded to the subnormal grid: the
  ** mean sum(w l) / sum(w) is a weighted average of the losses, so it is
  ** off by no more, and the state's bytes are those of before; not so
  ** where sum(w d) is as small (class weights near 2^-1074) or for the
  ** sums (reduction), which keep the loss's 53 bits (docs/accuracy.md) */
  if( scale<0 && o->n_class_weights==0
   && o->reduction==BCE_REDUCTION_MEAN ){
    l = ldexp(l, scale);
    scale = 0;
  }
  /* rule 7; a loss past DBL_MAX comes halved or quartered, and w*l up to
  ** 4 DBL_MAX is carried in the exact sums (src/mean.h); a loss below
  ** 2^-1000 comes times 2^1100 (scale < 0), and w*l cannot overflow */
  if( sign>0 && w>0.0 && scale>=0 && isfinite(l) && isinf(w*l) ){
    bce_error(ctx, "w*loss overflows a double; scale the weights down");
    return;
  }
  /* the weight sum takes w*d exactly: past DBL_MAX it cannot */
  if( sign>0 && w>0.0 && isinf(w*d) ){
    bce_error(ctx, "w times the class_weight of y overflows a double; scale "
              "the weights down");
    return;
  }
  if( scale>0 ){
    bce_mean_add_scaled_d(a, l, scale, w, d, sign);
  }else if( scale<0 ){
    /* not rounded to the subnormal grid first: under class weights near
    ** 2^-1074 the mean divides by sum(w d), as small (docs/accuracy.md) */
    bce_mean_add_part_d(a, l, scale, w, d, sign);
  }else{
    bce_mean_add_d(a, l, w, d, sign);
  }
}

BCE_PRIVATE void bce_cce_step(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv){
  mc_step(ctx, argc, argv, +1);
}

BCE_PRIVATE void bce_cce_inverse(sqlite3_context *ctx, int argc,
                                 sqlite3_value **argv){
  mc_step(ctx, argc, argv, -1);
}

/* ------------------------------------------------------------ scalars */

BCE_PRIVATE void bce_cce_term_func(sqlite3_context *ctx, int argc,
                                   sqlite3_value **argv){
  const BceFunc *f = bce_func(ctx);
  bce_cce_row r;
  bce_array_error err;
  double num[2] = {1.0, BCE_DEFAULT_EPS}, w, l, plain = 0.0, d;
  int ok, hasOpt = mc_options(&argc, argv);
  bce_options_room room;
  const bce_options *o;
  if( !mc_read_row(ctx, f, argc, argv, &r, num) ) return;
  if( !mc_scalar_options(ctx, argc, argv, hasOpt, num[1], &room, &o) ) return;
  w = argc>=3 ? num[0] : 1.0;
  /* w l, rounded once; a weight of 0 costs nothing, even on an infinite
  ** loss (rule 2's row of weight 0) */
  if( f->eLoss==BCE_LOSS_CCE_LOGITS ){
    ok = bce_cce_logits_wloss(&r, o, w, &l, &d, &err);
  }else{
    ok = bce_cce_wloss(&r, o, w, &plain, &l, &d, &err);
  }
  if( !ok ){
    mc_report(ctx, f, argv, &err);
    return;
  }
  if( ok==2 ){
    /* the target is ignore_index: the row costs nothing */
    sqlite3_result_double(ctx, 0.0);
    return;
  }
  if( isinf(l) && mc_weights_overflow(ctx, f, &r, o) ) return;
  if( f->eLoss!=BCE_LOSS_CCE_LOGITS ){
    if( isfinite(plain) && isinf(l) ){              /* rule 7 */
      bce_error(ctx, "w*loss overflows a double; scale the weights down");
      return;
    }
  }else if( isinf(l) && BCE_ALWAYS(w!=0.0) && w!=1.0 ){
    /* w*l rounded once: infinite here only where w*l is past the range
    ** (an infinite loss itself needs a -Inf logit of a class with a
    ** target, rule 6, which the weight cannot change); a weight of 0 gave
    ** 0.  The loss alone is taken again, from the row that just gave it. */
    double plain, d2;
    bce_array_error e2;
    int read = bce_cce_logits_loss(&r, o, &plain, &d2, &e2);
    if( BCE_ALWAYS(read) && isfinite(plain) ){
      bce_error(ctx, "w*loss overflows a double; scale the weights down");
      return;
    }
  }
  sqlite3_result_double(ctx, l);
}

static void mc_append(void *arg, double x){
  bce_append_json_number((sqlite3_str*)arg, x);
}

BCE_PRIVATE void bce_cce_grad_func(sqlite3_context *ctx, int argc,
                                   sqlite3_value **argv){
  const BceFunc *f = bce_func(ctx);
  bce_cce_row r;
  bce_array_error err;
  double num[2] = {1.0, BCE_DEFAULT_EPS};
  sqlite3_str *out;
  int ok, hasOpt = mc_options(&argc, argv);
  bce_options_room room;
  const bce_options *o;
  if( !mc_read_row(ctx, f, argc, argv, &r, num) ) return;
  if( !mc_scalar_options(ctx, argc, argv, hasOpt, num[1], &room, &o) ) return;
  out = sqlite3_str_new(sqlite3_context_db_handle(ctx));
  sqlite3_str_appendchar(out, 1, '[');
  ok = f->eLoss==BCE_LOSS_CCE_LOGITS
       ? bce_cce_logits_grad(&r, o, argc>=3 ? num[0] : 1.0, mc_append, out,
                             &err)
       : bce_cce_grad(&r, o, argc>=3 ? num[0] : 1.0, mc_append, out, &err);
  /* ok 2: the target is ignore_index, and the K elements written are 0 */
  if( !ok ){
    sqlite3_free(sqlite3_str_finish(out));
    mc_report(ctx, f, argv, &err);
    return;
  }
  sqlite3_str_appendchar(out, 1, ']');
  bce_result_str(ctx, out);
}

/* softmax(z) and log_softmax(z): argv[0] is z, named as arg 1 of cce. */
BCE_PRIVATE void bce_softmax_func(sqlite3_context *ctx, int argc,
                                  sqlite3_value **argv){
  const BceFunc *f = bce_func(ctx);
  bce_array_error err;
  sqlite3_str *out;
  sqlite3_value *pair[2] = {0, 0};
  const char *z;
  size_t nz;
  int t = sqlite3_value_type(argv[0]), jsonb;
  (void)argc;
  if( t==SQLITE_NULL ) return;                      /* rule 1 */
  if( !json_array_arg(ctx, f->aParam[1], argv[0]) ) return;
  jsonb = bce_array_arg_bytes(argv[0], &z, &nz);
  if( BCE_NEVER(z==0) ){                      /* read by json_array_arg() */
    sqlite3_result_error_nomem(ctx);
    return;
  }
  out = sqlite3_str_new(sqlite3_context_db_handle(ctx));
  sqlite3_str_appendchar(out, 1, '[');
  if( !bce_cce_softmax(z, nz, jsonb, f->eLoss==BCE_LOSS_LOG_SOFTMAX,
                       mc_append, out, &err) ){
    sqlite3_free(sqlite3_str_finish(out));
    /* mc_report() reads argv[err.arg] and param[err.arg]: z is arg 1 there */
    pair[1] = argv[0];
    mc_report(ctx, f, pair, &err);
    return;
  }
  sqlite3_str_appendchar(out, 1, ']');
  bce_result_str(ctx, out);
}
