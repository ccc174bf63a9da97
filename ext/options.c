/* SPDX-License-Identifier: MIT */
/*
** The options argument (ext/options.h): telling it from a 0.2.0 argument,
** reading it once per aggregate or once per statement, and the words of
** its errors.  The grammar and the domains are src/options.c's; the keys
** a function accepts are its descriptor's (BceFunc.optKeys).
*/
#include <math.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "options.h"
#include "../src/decimal.h"
#include "registry.h"

/* The blanks SQLite allows around a number in TEXT, and src/options.c
** around the object. */
static int optarg_is_blank(unsigned char c){
  return c==' ' || (c>='\t' && c<='\r');
}

BCE_PRIVATE int bce_is_options_arg(sqlite3_value *v){
  const unsigned char *z;
  int n, i;
  if( sqlite3_value_type(v)!=SQLITE_TEXT ) return 0;
  z = sqlite3_value_text(v);
  if( z==0 ) return 0;      /* out of memory: read as 0.2.0 would, which
                            ** reports it */
  n = sqlite3_value_bytes(v);
  for(i=0; i<n && optarg_is_blank(z[i]); i++){}
  return i<n && z[i]=='{';
}

BCE_PRIVATE int bce_options_number_row(sqlite3_context *ctx,
                                       const bce_options *o){
  if( o->n_pos_weights==0 ) return 1;
  bce_error(ctx, "options key \"pos_weight\" is an array of %lld (one per "
            "element of a JSON-array row), but y and %s are numbers; a "
            "number pos_weight applies to every row",
            (long long)o->n_pos_weights, bce_func(ctx)->aParam[1].name);
  return 0;
}

BCE_PRIVATE int bce_options_loss_overflow(sqlite3_context *ctx, double y,
                                          double x, int logits, double l,
                                          const bce_binary_opt *b){
  char buf[BCE_DECIMAL_BUF];
  /* every caller tests isinf(l) first, inline, so a finite row pays one
  ** test */
  if( BCE_NEVER(!isinf(l)) || !bce_opt_loss_overflows(y, x, logits, l, b) ){
    return 0;
  }
  bce_decimal_format(buf, b->pos_weight);     /* as the state errors write it */
  bce_error(ctx, "options key \"pos_weight\" %s makes the loss of this row "
            "overflow a double; a smaller pos_weight keeps it finite", buf);
  return 1;
}

BCE_PRIVATE int bce_options_arg_missing(sqlite3_context *ctx, int argc,
                                        sqlite3_value **argv){
  double x;
  int i;
  for(i=0; i<argc; i++){
    if( sqlite3_value_type(argv[i])==SQLITE_NULL ) return 0;  /* rule 1 */
  }
  if( sqlite3_value_type(argv[argc-1])==SQLITE_INTEGER
   || sqlite3_value_type(argv[argc-1])==SQLITE_FLOAT
   || bce_text_number(argv[argc-1], &x) ){
    /* the eps of bce(y, p, w, eps), most likely: logits have none */
    char num[BCE_QUOTED_BUF];
    if( sqlite3_value_type(argv[argc-1])==SQLITE_TEXT ){
      bce_quote_text(num, (const char*)sqlite3_value_text(argv[argc-1]),
                     sqlite3_value_bytes(argv[argc-1]));
    }else{
      bce_format_value(num, argv[argc-1]);
    }
    bce_error(ctx, "options must be a JSON object (TEXT starting with '{'), "
              "got %s; logits are not clipped, so there is no eps", num);
    return 0;
  }
  bce_error_got(ctx, "options", "a JSON object (TEXT starting with '{')",
                argv[argc-1]);
  return 0;
}

/* ------------------------------------------------------------ wording */

/* The keys the function takes, for the message of an unknown key:
** "eps, pos_weight, smoothing, gamma, alpha, reduction". */
static void optarg_key_list(char *buf, size_t cap, unsigned keys){
  unsigned bit;
  size_t k = 0;
  buf[0] = 0;
  for(bit=1; bit<=BCE_OPT_ALL; bit<<=1){
    const char *name;
    int multiclass = (keys & BCE_OPT_MULTICLASS)!=0;
    if( !(keys & bit) ) continue;
    /* no descriptor of ext/entry.c gives a key of the other family (the
    ** masks OPT_* there): only src/options.c's direct callers can */
    if( multiclass && BCE_NEVER(bit==BCE_OPT_POS_WEIGHT) ) continue;
    if( !multiclass && (BCE_NEVER(bit==BCE_OPT_CLASS_WEIGHT)
                        || BCE_NEVER(bit==BCE_OPT_IGNORE_INDEX)) ){
      continue;
    }
    name = bce_options_key_name(bit);
    /* every key's name with ", " between them is 79 bytes: the caller's
    ** 160 hold them all */
    if( BCE_NEVER(k+strlen(name)+3>=cap) ) break;
    if( k ){ memcpy(buf+k, ", ", 2); k += 2; }
    memcpy(buf+k, name, strlen(name));
    k += strlen(name);
    buf[k] = 0;
  }
}

/* What a key's value must be, in the words of rule 4. */
static const char *optarg_domain_words(unsigned key, unsigned allowed,
                                       int element){
  int multiclass = (allowed & BCE_OPT_MULTICLASS)!=0;
  if( element ) return "a finite number >= 0";
  switch( key ){
    case BCE_OPT_EPS:        return "a number in [0, 0.5)";
    case BCE_OPT_SMOOTHING:  return "a number in [0, 1]";
    case BCE_OPT_GAMMA:      return "a finite number >= 0";
    case BCE_OPT_POS_WEIGHT:
      return "a finite number >= 0, or an array of them (one per element)";
    case BCE_OPT_ALPHA:
      return multiclass
          ? "a finite number >= 0, or an array of them (one per class)"
          : "a number in [0, 1]";
    case BCE_OPT_CLASS_WEIGHT:
      return "an array of finite numbers >= 0, one per class";
    case BCE_OPT_IGNORE_INDEX: return "an integer";
    default: return "\"mean\", \"sum\" or \"mean_over_rows\"";
  }
}

/* Why a key does not apply, after "does not apply to fn()". */
static const char *optarg_not_applicable_why(unsigned key, unsigned allowed){
  if( key==BCE_OPT_EPS ){
    return ": logits are not clipped";
  }
  if( key==BCE_OPT_REDUCTION ){
    return ": only aggregates and states reduce rows";
  }
  /* every binary descriptor takes pos_weight (OPT_BINARY, OPT_BCE_D2 in
  ** ext/entry.c) */
  if( key==BCE_OPT_POS_WEIGHT && BCE_ALWAYS(allowed & BCE_OPT_MULTICLASS) ){
    return ": it is binary; for multi-class use class_weight";
  }
  if( key==BCE_OPT_CLASS_WEIGHT ){
    return ": it is multi-class (cce, cce_logits); for binary use pos_weight";
  }
  /* the last key that can fail to apply here: gamma and alpha apply to
  ** every function but the scores, which word their own (ext/scores.c,
  ** ext/d2.c), and smoothing to all */
  if( BCE_ALWAYS(key==BCE_OPT_IGNORE_INDEX) ){
    return ": it is multi-class (cce, cce_logits); a NULL y skips a row "
           "here (rule 1)";
  }
  return "";
}

/* A JSON value or key as written ("epss", 0.7, [1, 2]) when it is short
** printable ASCII, else quoted and cut by bce_quote_text(). */
static void optarg_value_words(char *buf, const char *z, size_t n){
  size_t i;
  for(i=0; i<n && i<=40 && z[i]>=' ' && z[i]<='~'; i++){}
  if( BCE_ALWAYS(n>0) && i==n ){     /* a key or a value: a byte at least */
    memcpy(buf, z, n);
    buf[n] = 0;
  }else{
    bce_quote_text(buf, z, (int)n);
  }
}

static void optarg_report(sqlite3_context *ctx, const char *z, size_t n,
                   unsigned allowed, const bce_options_error *e){
  char quoted[BCE_QUOTED_BUF], value[BCE_QUOTED_BUF], keys[160];
  const char *name = bce_options_key_name(e->key);
  switch( e->status ){
    case BCE_OPTIONS_MALFORMED:
      /* as the arrays' (ext/array_args.c): the byte from 1, and what
      ** stands there */
      if( e->at>=n ){
        bce_error(ctx, "options is malformed JSON at byte %lld: end of text",
                  (long long)n + 1);
      }else{
        bce_quote_text(value, z + e->at, (int)(n - e->at));
        bce_error(ctx, "options is malformed JSON at byte %lld: %s",
                  (long long)e->at + 1, value);
      }
      return;
    case BCE_OPTIONS_UNKNOWN_KEY:
      optarg_value_words(value, z + e->at, e->len);
      optarg_key_list(keys, sizeof keys, allowed);
      bce_error(ctx, "options has an unknown key %s; the keys of %s() are "
                "%s", value, bce_func(ctx)->zName, keys);
      return;
    case BCE_OPTIONS_DUPLICATE:
      bce_error(ctx, "options gives the key \"%s\" twice", name);
      return;
    case BCE_OPTIONS_NOT_APPLICABLE:
      bce_error(ctx, "options key \"%s\" does not apply to %s()%s", name,
                bce_func(ctx)->zName,
                optarg_not_applicable_why(e->key, allowed));
      return;
    case BCE_OPTIONS_DOMAIN:
      optarg_value_words(value, z + e->at, e->len);
      if( e->index>=0 ){
        bce_error(ctx, "options key \"%s\" element [%lld] must be %s, got %s",
                  name, (long long)e->index,
                  optarg_domain_words(e->key, allowed, 1), value);
      }else{
        bce_error(ctx, "options key \"%s\" must be %s, got %s", name,
                  optarg_domain_words(e->key, allowed, 0), value);
      }
      return;
    default:  /* NOT_OBJECT: bce_is_options_arg() has seen the '{';
              ** STORAGE: the callers give what the first parse asked */
      bce_quote_text(quoted, z, (int)n);
      bce_error(ctx, "options must be a JSON object, got %s", quoted);
      return;
  }
}

/* Parses z[0..n) with the arrays in store[0..nstore); on STORAGE *need is
** set and 0 returned with no error; on any other error it is reported. */
static int optarg_parse(sqlite3_context *ctx, const char *z, size_t n,
                 bce_options *o, double *store, size_t nstore,
                 size_t *need){
  unsigned allowed = bce_func(ctx)->optKeys;
  bce_options_error e;
  bce_options_status rc = bce_options_parse(z, n, allowed, o, store, nstore,
                                            &e);
  *need = 0;
  if( rc==BCE_OPTIONS_OK ) return 1;
  if( rc==BCE_OPTIONS_STORAGE ){
    *need = e.need;
    return 0;
  }
  optarg_report(ctx, z, n, allowed, &e);
  return 0;
}

/* --------------------------------------------------------- aggregates */

/* How a row gave its options, for the rule-6 message: the text quoted,
** "eps 0.1", or "no options". */
static void optarg_describe(char *buf, const char *z, size_t n, int hasEps,
                     double eps){
  if( z ){
    bce_quote_text(buf, z, (int)n);
  }else if( hasEps ){
    memcpy(buf, "eps ", 4);
    bce_format_double(buf + 4, eps);
  }else{
    strcpy(buf, "no options");
  }
}

static int optarg_agg_first(sqlite3_context *ctx, bce_agg_options *slot,
                            const char *z, size_t n, int hasEps, double eps){
  size_t need, again;
  char *block, *text;
  bce_options_init(&slot->opt);
  if( z==0 ){
    if( hasEps ){
      slot->opt.eps = eps;
      slot->opt.keys = BCE_OPT_EPS;     /* a positional eps is {eps} */
    }
    slot->given = 1;
    return 1;
  }
  if( !optarg_parse(ctx, z, n, &slot->opt, 0, 0, &need) && need==0 ) return 0;
  /* the arrays first (aligned for doubles), then the text */
  block = (char*)sqlite3_malloc64(need*sizeof(double) + n + 1);
  if( block==0 ){
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  text = block + need*sizeof(double);
  memcpy(text, z, n);
  text[n] = 0;
  if( need>0 && !optarg_parse(ctx, z, n, &slot->opt, (double*)block, need,
                              &again) ){
    sqlite3_free(block);
    return 0;
  }
  slot->block = block;
  slot->text = text;
  slot->nText = n;
  slot->given = 1;
  return 1;
}

BCE_PRIVATE int bce_agg_options_row(sqlite3_context *ctx,
                                    bce_agg_options *slot,
                                    sqlite3_value *v, int hasEps,
                                    double eps){
  const char *z = 0;
  size_t n = 0;
  char got[BCE_QUOTED_BUF], first[BCE_QUOTED_BUF];
  if( v ){
    z = (const char*)sqlite3_value_text(v);
    /* every caller has recognised v by bce_is_options_arg(), which read it
    ** as UTF-8 text: SQLite keeps that text in v, so this read allocates
    ** nothing (tests/oom.c's UTF-16 options fail only there) */
    if( BCE_NEVER(z==0) ){
      sqlite3_result_error_nomem(ctx);
      return 0;
    }
    n = (size_t)sqlite3_value_bytes(v);
  }
  if( !slot->given ) return optarg_agg_first(ctx, slot, z, n, hasEps, eps);
  if( z ){
    /* The same bytes: a constant argument's or an equal column value's.
    ** (A pointer equal to an earlier row's proves nothing: SQLite reuses
    ** a column's buffer from row to row.) */
    if( slot->text && n==slot->nText && memcmp(z, slot->text, n)==0 ){
      return 1;
    }
  }else if( slot->text==0
          /* no options text in this row nor in the first: a positional eps
          ** in both or in neither, as the function's arity says (the
          ** callers' hasEps is argc==4 once the options are taken off) */
          && BCE_ALWAYS(hasEps==((slot->opt.keys & BCE_OPT_EPS)!=0)) ){
    if( !hasEps || eps==slot->opt.eps ) return 1;
    /* rule 6, worded as in 0.2.0 */
    bce_format_double(got, eps);
    bce_format_double(first, slot->opt.eps);
    bce_error(ctx, "eps must be the same in every row, got %s after %s",
              got, first);
    return 0;
  }
  optarg_describe(got, z, n, hasEps, eps);
  optarg_describe(first, slot->text, slot->nText,
           (slot->opt.keys & BCE_OPT_EPS)!=0, slot->opt.eps);
  bce_error(ctx, "options must be the same in every row, got %s after %s",
            got, first);
  return 0;
}

BCE_PRIVATE void bce_agg_options_free(bce_agg_options *slot){
  sqlite3_free(slot->block);
  slot->block = 0;
  slot->text = 0;
  slot->nText = 0;
}

/* ------------------------------------------------------------ scalars */

/* What sqlite3_set_auxdata() keeps: the parsed options and their arrays. */
typedef struct optarg_cached_options {
  bce_options opt;
  double store[1];          /* need of them, at least one */
} optarg_cached_options;

/* The options o parsed with their arrays in from[], moved into *to and
** its arrays into store[]. */
static void optarg_move_to(bce_options *to, double *store,
                           const bce_options *o, const double *from){
  int64_t k = o->n_pos_weights + o->n_alphas + o->n_class_weights;
  *to = *o;
  if( k>0 ) memcpy(store, from, (size_t)k*sizeof(double));
  if( o->pos_weights ) to->pos_weights = store + (o->pos_weights-from);
  if( o->alphas ) to->alphas = store + (o->alphas-from);
  if( o->class_weights ){
    to->class_weights = store + (o->class_weights-from);
  }
}

/* The last options text of a scalar whose options argument is not
** constant (a column of them): SQLite frees the auxiliary data of such an
** argument after every call, so without this each row parsed its text
** and allocated a block.  Kept for the statement with
** sqlite3_set_auxdata() under a negative key, which SQLite keeps until
** the statement is reset (undocumented in sqlite3.html, "the N parameter
** should be non-negative", but in vdbeapi.c since long before 3.25.0 and
** what SQLite's own JSON functions cache their parses with since 3.45.0;
** where it is not kept, every row parses, as before).  Such a key is
** shared by every function of the statement: it names the allowed keys
** (the parse depends on nothing else), and a hit needs the same bytes,
** so a call site never takes another's options by mistake.  A row whose
** text differs parses again into the same block when it fits: no
** allocation while the texts stay as long as the longest so far. */
typedef struct optarg_last_options {
  size_t nText;             /* the text's bytes; OPTARG_NO_TEXT: none */
  size_t textCap;           /* room for the text, after store[] */
  size_t storeCap;          /* room in store[], at least one */
  bce_options opt;
  double store[1];          /* storeCap of them, then the text */
} optarg_last_options;

#define OPTARG_NO_TEXT ((size_t)-1)
/* -0x62636531 ("bce1"), less the allowed keys (at most 0x1ff) */
#define OPTARG_LAST_KEY(allowed) (-0x62636531 - (int)(allowed))

static char *optarg_last_text(optarg_last_options *k){
  return (char*)(k->store + k->storeCap);
}

/* A new block for a text of n bytes and need doubles of arrays, with
** room to spare so that the next texts of a column fit it; 0 when out of
** memory (then no cache: the call goes on without one). */
static optarg_last_options *optarg_last_new(size_t n, size_t need){
  optarg_last_options *k;
  size_t store = need>BCE_OPTIONS_ROOM ? need : BCE_OPTIONS_ROOM;
  size_t text = n>64 ? n : 64;
  k = (optarg_last_options*)sqlite3_malloc64(sizeof(*k)
                                + (store-1)*sizeof(double) + text);
  if( k==0 ) return 0;
  k->nText = OPTARG_NO_TEXT;
  k->textCap = text;
  k->storeCap = store;
  return k;
}

/* The options of text z (n bytes) into k, parsed already into the room
** when ok (else only its storage was short: parsed again into k's);
** keeps the text for the next rows.  0 where it does not fit. */
static int optarg_last_set(sqlite3_context *ctx, optarg_last_options *k,
                           const char *z, size_t n, int ok,
                           const bce_options_room *room, size_t need){
  size_t again;
  k->nText = OPTARG_NO_TEXT;
  if( need>k->storeCap || n>k->textCap ) return 0;
  if( ok ){
    optarg_move_to(&k->opt, k->store, &room->opt, room->store);
  }else if( !optarg_parse(ctx, z, n, &k->opt, k->store, k->storeCap,
                          &again) ){
    return 0;
  }
  memcpy(optarg_last_text(k), z, n);
  k->nText = n;
  return 1;
}

static int optarg_scalar_options(sqlite3_context *ctx, int iArg,
                                 sqlite3_value *v, bce_options_room *room,
                                 const bce_options **o){
  const char *z;
  size_t n, need;
  optarg_cached_options *c;
  optarg_last_options *k, *kept;
  bce_options *dst = &room->opt;
  int ok, key;
  c = (optarg_cached_options*)sqlite3_get_auxdata(ctx, iArg);
  if( c ){
    *o = &c->opt;
    return 1;
  }
  key = OPTARG_LAST_KEY(bce_func(ctx)->optKeys);
  z = (const char*)sqlite3_value_text(v);
  /* read as text by bce_is_options_arg() already, as above */
  if( BCE_NEVER(z==0) ){
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  n = (size_t)sqlite3_value_bytes(v);
  k = (optarg_last_options*)sqlite3_get_auxdata(ctx, key);
  if( k && k->nText==n && memcmp(optarg_last_text(k), z, n)==0 ){
    *o = &k->opt;                   /* a column's text as the last row's */
    return 1;
  }
  ok = optarg_parse(ctx, z, n, dst, room->store, BCE_OPTIONS_ROOM, &need);
  if( !ok && need==0 ) return 0;
  if( ok ){
    need = (size_t)(dst->n_pos_weights + dst->n_alphas
                    + dst->n_class_weights);
  }
  if( k ){
    /* a text after another at this key: a column's (a constant's is
    ** found above from its second row on), so no block for the argument;
    ** the last text's block takes it, or a larger one */
    if( !optarg_last_set(ctx, k, z, n, ok, room, need) ){
      k = optarg_last_new(n, need);
      if( k==0 || !optarg_last_set(ctx, k, z, n, ok, room, need) ){
        sqlite3_free(k);
        sqlite3_result_error_nomem(ctx);
        return 0;
      }
      sqlite3_set_auxdata(ctx, key, k, sqlite3_free);
      /* the key holds a block already (the one found above), and a
      ** negative key is one slot for every call site: SQLite frees the
      ** old block and keeps k in that slot, with no allocation */
      kept = (optarg_last_options*)sqlite3_get_auxdata(ctx, key);
      if( BCE_NEVER(kept!=k) ){
        sqlite3_result_error_nomem(ctx);
        return 0;
      }
    }
    *o = &k->opt;
    return 1;
  }
  /* the first text at this key: kept there too, for a column's next rows
  ** (out of memory: no cache, the call goes on) */
  k = optarg_last_new(n, need);
  if( k ){
    if( optarg_last_set(ctx, k, z, n, ok, room, need) ){
      sqlite3_set_auxdata(ctx, key, k, sqlite3_free);
    }else{
      sqlite3_free(k);
    }
  }
  /* Kept with the argument: SQLite hands it back at the statement's next
  ** call while the argument is constant, and frees it after this call
  ** when it is not.  (SQLite does not say whether an argument is
  ** constant: a column's first row makes this block for nothing, and its
  ** next rows take the last text's block above.) */
  c = (optarg_cached_options*)sqlite3_malloc64(sizeof(*c)
                                        + (need>1 ? need-1 : 0)
                                          * sizeof(double));
  if( c==0 ){
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  if( ok ){
    optarg_move_to(&c->opt, c->store, dst, room->store);
  }else if( !optarg_parse(ctx, z, n, &c->opt, c->store, need, &need) ){
    sqlite3_free(c);
    return 0;
  }
  sqlite3_set_auxdata(ctx, iArg, c, sqlite3_free);
  if( ok ){
    /* this call reads the room: set_auxdata() may have freed c already
    ** (out of memory, or a call from the query planner, which keeps no
    ** auxiliary data) */
    *o = &room->opt;
    return 1;
  }
  c = (optarg_cached_options*)sqlite3_get_auxdata(ctx, iArg);
  if( c==0 ){
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  *o = &c->opt;
  return 1;
}

BCE_PRIVATE int bce_scalar_options_in(sqlite3_context *ctx, int iArg,
                                      sqlite3_value *v,
                                      bce_options_room *room,
                                      const bce_options **o){
  return optarg_scalar_options(ctx, iArg, v, room, o);
}
