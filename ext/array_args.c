/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "array_args.h"
#include "registry.h"
#include "../src/decimal.h"
#include "../src/json_array.h"
#include "../src/logits.h"
#include "../src/loss.h"

/* The errors of a JSONB argument: its bytes are no text to quote, so the
** element is named by what it is, and a string by its text.  A numpy
** scalar's 4 or 8 bytes can start like a JSONB array (one double in 256
** does): those BLOBs get the numpy fix too. */
static void report_jsonb_error(sqlite3_context *ctx, const char *name,
                               const bce_array_error *e, const char *z,
                               size_t n){
  char quoted[BCE_QUOTED_BUF];
  const char *numpy = n==4 || n==8 ? "; numpy scalars bind as blobs: "
                                     "float(x) fixes it" : "";
  if( e->status==BCE_ARRAY_NOT_NUMBER ){
    size_t payload, size;
    const char *what = bce_jsonb_describe(z + e->at, e->len, &payload, &size);
    if( strcmp(what, "a string")==0 ){        /* show its text */
      bce_quote_text(quoted, z + e->at + payload, (int)size);
      bce_error(ctx, "%s[%lld] must be a number, got the JSONB string %s%s",
                name, (long long)e->index, quoted, numpy);
    }else{
      bce_error(ctx, "%s[%lld] must be a number, got %s%s", name,
                (long long)e->index, what, numpy);
    }
  }else if( e->status==BCE_ARRAY_MALFORMED ){
    bce_error(ctx, "%s is not valid JSONB at byte %lld of %lld%s", name,
              (long long)e->at + 1, (long long)n, numpy);
  }else{
    bce_error(ctx, "%s must not be empty, got an empty JSONB array", name);
  }
}

/* What str() of a numpy array writes: numbers between brackets,
** separated by spaces, not commas ('[0.2 0.8]', '[1.e-05 2.e-01]'). */
static int is_numpy_str(const char *z, int n){
  int i = 0, numbers = 0, in_number = 0;
  while( i<n && (z[i]==' ' || (z[i]>='\t' && z[i]<='\r')) ) i++;
  if( i==n || z[i++]!='[' ) return 0;
  while( n>i && (z[n-1]==' ' || (z[n-1]>='\t' && z[n-1]<='\r')) ) n--;
  if( n==i || z[--n]!=']' ) return 0;
  for(; i<n; i++){
    char c = z[i];
    if( (c>='0' && c<='9') || c=='.' || c=='e' || c=='E' || c=='+' || c=='-' ){
      numbers += !in_number;
      in_number = 1;
    }else if( c==' ' || c=='\n' ){
      in_number = 0;
    }else{
      return 0;
    }
  }
  return numbers>=2;
}

BCE_PRIVATE void bce_report_array_error(sqlite3_context *ctx,
                                        const bce_param *param,
                                        sqlite3_value **argv,
                                        const bce_array_error *e){
  const char *name = param[e->arg].name;
  /* the text the cursor read (UTF-8 already, so this converts nothing) */
  const char *z = "";
  size_t nz = 0;
  int n = 0, jsonb = 0;
  char elem[48], num[32], quoted[BCE_QUOTED_BUF];
  if( e->status==BCE_ARRAY_NOT_NUMBER || e->status==BCE_ARRAY_MALFORMED
   || e->status==BCE_ARRAY_EMPTY ){
    jsonb = bce_array_arg_bytes(argv[e->arg], &z, &nz);
    n = (int)nz;
    if( BCE_NEVER(z==0) ){
      /* read before, in the same encoding: SQLite returns its cached text */
      sqlite3_result_error_nomem(ctx);
      return;
    }
  }
  if( jsonb ){
    report_jsonb_error(ctx, name, e, z, nz);
    return;
  }
  switch( e->status ){
    case BCE_ARRAY_NOT_NUMBER:
      snprintf(elem, sizeof elem, "%s[%lld]", name, (long long)e->index);
      bce_error_not_number(ctx, elem, z + e->at, (int)e->len);
      return;
    case BCE_ARRAY_DOMAIN:
      /* y's elements are labels or targets in [0, 1] in every function */
      snprintf(elem, sizeof elem, "%s[%lld]", name, (long long)e->index);
      bce_format_double(num, e->value);
      bce_error_domain(ctx, elem, e->arg==0 ? BCE_UNIT : param[1].domain,
                       num);
      return;
    case BCE_ARRAY_MALFORMED:
      if( e->at<(size_t)n ){
        bce_quote_text(quoted, z + e->at, n - (int)e->at);
      }else{
        snprintf(quoted, sizeof quoted, "end of text");
      }
      if( is_numpy_str(z, n) ){
        bce_error(ctx, "%s is malformed JSON at byte %lld: %s; str() of a "
                  "numpy array? json.dumps(a.tolist()) writes JSON", name,
                  (long long)e->at + 1, quoted);
      }else{
        bce_error(ctx, "%s is malformed JSON at byte %lld: %s", name,
                  (long long)e->at + 1, quoted);
      }
      return;
    case BCE_ARRAY_EMPTY:
      bce_quote_text(quoted, z, n);
      bce_error(ctx, "%s must not be empty, got %s", name, quoted);
      return;
    case BCE_ARRAY_OPTION_LENGTH:   /* pos_weight: the arrays of the
                                    ** multi-class keys are ext/multiclass.c's */
      bce_error(ctx, "%s must have one weight per element of %s, "
                "got %lld weight%s and %lld element%s",
                bce_options_key_name((unsigned)e->first), param[1].name,
                (long long)e->ny, e->ny==1 ? "" : "s",
                (long long)e->np, e->np==1 ? "" : "s");
      return;
    default:   /* BCE_ARRAY_LENGTH */
      bce_error(ctx, "%s and %s must have the same length, got %lld and %lld",
                param[0].name, param[1].name, (long long)e->ny,
                (long long)e->np);
      return;
  }
}

/* Sets *it on the row's arrays; 0 after setting an error on ctx. */
static int open_arrays(sqlite3_context *ctx, const bce_param *param,
                       bce_array_kind kind, sqlite3_value **argv, int arrays,
                       bce_array_pairs *it){
  const char *y = 0, *p;
  size_t ny = 0, np;
  int yJsonb, pJsonb;
  char num[32];
  if( !(arrays & BCE_ARRAY_P) ){
    bce_format_value(num, argv[1]);
    bce_error(ctx, "%s must be a JSON array when %s is one, got %s",
              param[1].name, param[0].name, num);
    return 0;
  }
  if( !(arrays & BCE_ARRAY_Y) ){
    /* No broadcast of a number y over p's elements: the usual source of
    ** it is a predict_proba row [P(0), P(1)], whose loss it got wrong
    ** without a word.  Every bce function has its multi-class twin. */
    const char *zName = bce_func(ctx)->zName;
    bce_format_value(num, argv[0]);
    if( kind==BCE_ARRAY_LOGITS ){
      bce_error(ctx, "%s must be a JSON array when %s is one, got %s; for a "
                "row of class logits use c%s(%s, %s); for one label per "
                "element, %s is an array as long as %s", param[0].name,
                param[1].name, num, zName + 1, param[0].name, param[1].name,
                param[0].name, param[1].name);
    }else{
      bce_error(ctx, "%s must be a JSON array when %s is one, got %s; for a "
                "row [P(0), P(1)] of class probabilities use c%s(%s, %s) or "
                "%s(%s, json_extract(%s, '$[1]')); for one label per "
                "element, %s is an array as long as %s", param[0].name,
                param[1].name, num, zName + 1, param[0].name, param[1].name,
                zName, param[0].name, param[1].name, param[0].name,
                param[1].name);
    }
    return 0;
  }
  yJsonb = bce_array_arg_bytes(argv[0], &y, &ny);
  pJsonb = bce_array_arg_bytes(argv[1], &p, &np);
  /* an array bit is set only once bce_is_array_arg() has read the value,
  ** and SQLite returns that text again (converted once, in place) */
  if( BCE_NEVER(p==0) || BCE_NEVER(y==0) ){
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  bce_array_pairs_open(it, y, ny, p, np, kind);
  if( yJsonb ) bce_json_open_jsonb(&it->y, y, ny);
  if( pJsonb ) bce_json_open_jsonb(&it->p, p, np);
  return 1;
}

BCE_PRIVATE int bce_row_array_loss(sqlite3_context *ctx,
                                   const bce_param *param, bce_array_kind kind,
                                   const bce_options *o, sqlite3_value **argv,
                                   int arrays, double *loss){
  bce_array_pairs it;
  bce_array_error err;
  int r;
  if( !open_arrays(ctx, param, kind, argv, arrays, &it) ) return 0;
  r = bce_array_row_loss(&it, o, loss, &err);
  if( r==0 ) bce_report_array_error(ctx, param, argv, &err);
  return r;
}

BCE_PRIVATE double bce_row_array_wloss(sqlite3_context *ctx,
                                      const bce_param *param,
                                      bce_array_kind kind,
                                      const bce_options *o,
                                      sqlite3_value **argv, int arrays,
                                      double w, double l){
  bce_array_pairs it;
  /* the call outside BCE_NEVER(): the coverage build does not evaluate
  ** it; the texts were opened and read once already */
  int opened = open_arrays(ctx, param, kind, argv, arrays, &it);
  if( BCE_NEVER(!opened) ) return w*l;
  return bce_array_row_wloss(&it, o, w, l);
}

BCE_PRIVATE int bce_row_array_pos_weight_overflow(sqlite3_context *ctx,
                                    const bce_param *param,
                                    bce_array_kind kind,
                                    const bce_options *o,
                                    sqlite3_value **argv, int arrays){
  bce_array_pairs it;
  bce_array_error err;
  bce_options bare;
  double l;
  int opened, status;
  if( !(o->keys & BCE_OPT_POS_WEIGHT) ) return 0;
  bare = *o;
  bare.keys &= ~BCE_OPT_POS_WEIGHT;
  bare.pos_weight = 1.0;
  bare.pos_weights = 0;
  bare.n_pos_weights = 0;
  /* the same texts as the call that gave the infinite loss, which opened
  ** and read them */
  /* the calls outside BCE_NEVER(): the coverage build does not evaluate
  ** it */
  opened = open_arrays(ctx, param, kind, argv, arrays, &it);
  if( BCE_NEVER(!opened) ) return 0;
  status = bce_array_row_loss(&it, &bare, &l, &err);
  if( BCE_NEVER(status!=1) || !isfinite(l) ){
    return 0;
  }
  bce_error(ctx, "options key \"pos_weight\" makes the loss of this row "
            "overflow a double; a smaller pos_weight keeps it finite");
  return 1;
}

BCE_PRIVATE int bce_read_cce_target(sqlite3_context *ctx,
                                    sqlite3_value *argv0, bce_cce_row *r){
  int t = sqlite3_value_type(argv0);
  r->y = 0;
  r->ny = 0;
  r->cls = 0.0;
  r->yJsonb = 0;
  if( t==SQLITE_INTEGER || t==SQLITE_FLOAT ){
    r->cls = sqlite3_value_double(argv0);
  }else if( t==SQLITE_TEXT && bce_text_number(argv0, &r->cls) ){
    /* '2', '2.0': a class index spelled as text (rule 3) */
  }else if( bce_is_array_arg(argv0) ){
    r->yJsonb = bce_array_arg_bytes(argv0, &r->y, &r->ny);
    /* bce_is_array_arg() has read it; SQLite returns the same text */
    if( BCE_NEVER(r->y==0) ){
      sqlite3_result_error_nomem(ctx);
      return 0;
    }
  }else{
    bce_error_got(ctx, "y", "a class index or a JSON array of targets",
                  argv0);
    return 0;
  }
  return 1;
}

/* Two passes: the first checks the arrays and counts the labelled
** elements, which every element's gradient is divided by; the second
** writes them. */
BCE_PRIVATE void bce_result_array_grad(sqlite3_context *ctx,
                                       const bce_param *param,
                                       bce_array_kind kind,
                                       sqlite3_value **argv, int arrays,
                                       double n, const bce_options *o){
  bce_array_pairs it;
  bce_array_error err;
  sqlite3_str *out;
  double y, p, k;
  int64_t labelled = 0;
  int r;
  if( !open_arrays(ctx, param, kind, argv, arrays, &it) ) return;
  while( (r = bce_array_pairs_next(&it, &y, &p, &err))>0 ){
    labelled += r==1;
  }
  if( r<0 || !bce_array_check_pos_weights(&it, o, &err) ){
    bce_report_array_error(ctx, param, argv, &err);
    return;
  }
  k = (double)labelled;
  /* the same texts as the first pass, which opened them */
  r = open_arrays(ctx, param, kind, argv, arrays, &it);
  if( BCE_NEVER(!r) ) return;
  out = sqlite3_str_new(sqlite3_context_db_handle(ctx));
  sqlite3_str_appendchar(out, 1, '[');
  while( (r = bce_array_pairs_next(&it, &y, &p, &err))>0 ){
    /* The divisor n*K (one rounding, none for K = 1) goes to the scalar
    ** gradient, whose division by it is careful at the ends of the range:
    ** so for K = 1 an element is the scalar's bits.  Past the double range
    ** the divisor cannot be formed; then the two divisions one by one.  A
    ** missing label's element is 0: it is not in the row's loss. */
    int64_t i = bce_array_pairs_count(&it) - 1;
    double nk = n*k, g;
    if( r==2 ){
      g = 0.0;
    }else if( isinf(nk) ){
      g = bce_array_element_grad(kind, y, p, 1.0, i, o)/k/n;
    }else{
      g = bce_array_element_grad(kind, y, p, nk, i, o);
    }
    bce_append_json_number(out, g);
  }
  sqlite3_str_appendchar(out, 1, ']');
  bce_result_str(ctx, out);
}

BCE_PRIVATE void bce_append_json_number(sqlite3_str *out, double x){
  char num[BCE_DECIMAL_BUF];
  /* after '[' no comma: the text so far is that one byte */
  if( sqlite3_str_length(out)>1 ) sqlite3_str_appendchar(out, 1, ',');
  if( BCE_NEVER(x!=x) ){
    /* no formula makes a NaN; if one did, JSON's null, not "-." (what the
    ** decimal writer made of the NaN of log_softmax near DBL_MAX) */
    sqlite3_str_appendall(out, "null");
  }else if( x> 1.7976931348623157e308 ){
    sqlite3_str_appendall(out, "9e999");     /* SQLite's JSON infinity */
  }else if( x< -1.7976931348623157e308 ){
    sqlite3_str_appendall(out, "-9e999");
  }else{
    /* "-2.0", not "-2": SQLite's JSON reads the element back as a REAL */
    int len = bce_decimal_format(num, x);
    sqlite3_str_appendall(out, num);
    if( strcspn(num, ".e")==(size_t)len ) sqlite3_str_appendall(out, ".0");
  }
}

BCE_PRIVATE void bce_result_str(sqlite3_context *ctx, sqlite3_str *out){
  int r = sqlite3_str_errcode(out);
  if( r==SQLITE_OK ){
    int len = sqlite3_str_length(out);
    sqlite3_result_text(ctx, sqlite3_str_finish(out), len, sqlite3_free);
  }else{
    sqlite3_free(sqlite3_str_finish(out));
    if( r==SQLITE_TOOBIG ){
      sqlite3_result_error_toobig(ctx);
    }else{
      sqlite3_result_error_nomem(ctx);
    }
  }
}
