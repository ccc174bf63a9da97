/* SPDX-License-Identifier: MIT */
/*
** The reader of the options object (src/options.h): strict JSON (RFC 8259)
** in one pass, left to right, stopping at the first thing wrong so that
** the error is the one a reader of the text meets first.  Numbers are read
** by src/decimal.c (correctly rounded, no locale), as the array reader
** reads them.  Nothing is allocated: array values go into the caller's
** storage, and when it is too small the whole text is still read, so that
** the one answer BCE_OPTIONS_STORAGE carries the full need.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "decimal.h"
#include "options.h"

/* A bracket deeper than this inside a value is refused as malformed: only
** a value of the wrong kind is walked through (to quote it whole), and no
** key takes a nested value. */
#define OPTS_MAX_DEPTH 64

typedef struct opts_reader {
  const char *z;
  size_t n;
  size_t i;                   /* the next byte */
  bce_options_error *err;
} opts_reader;

static const struct {
  const char *name;
  unsigned bit;
} opts_aKey[] = {
  {"eps", BCE_OPT_EPS},
  {"pos_weight", BCE_OPT_POS_WEIGHT},
  {"smoothing", BCE_OPT_SMOOTHING},
  {"gamma", BCE_OPT_GAMMA},
  {"alpha", BCE_OPT_ALPHA},
  {"class_weight", BCE_OPT_CLASS_WEIGHT},
  {"ignore_index", BCE_OPT_IGNORE_INDEX},
  {"reduction", BCE_OPT_REDUCTION},
};
#define OPTS_N_KEY (sizeof(opts_aKey)/sizeof(opts_aKey[0]))

BCE_PRIVATE const char *bce_options_key_name(unsigned key){
  size_t k;
  for(k=0; k<OPTS_N_KEY; k++){
    if( opts_aKey[k].bit==key ) return opts_aKey[k].name;
  }
  return 0;
}

/* JSON's white space inside the text; around the object also \v and \f,
** as SQLite allows around a number in TEXT and the array reader around
** an array. */
static void opts_skip_space(opts_reader *r){
  while( r->i<r->n && (r->z[r->i]==' ' || r->z[r->i]=='\t'
                       || r->z[r->i]=='\n' || r->z[r->i]=='\r') ){
    r->i++;
  }
}

static void opts_skip_outer_space(opts_reader *r){
  while( r->i<r->n && (r->z[r->i]==' '
                       || (r->z[r->i]>='\t' && r->z[r->i]<='\r')) ){
    r->i++;
  }
}

static bce_options_status opts_malformed(opts_reader *r, size_t at){
  r->err->status = BCE_OPTIONS_MALFORMED;
  r->err->at = at;
  return BCE_OPTIONS_MALFORMED;
}

static int opts_hex_digit(char c){
  if( c>='0' && c<='9' ) return c - '0';
  if( c>='a' && c<='f' ) return c - 'a' + 10;
  if( c>='A' && c<='F' ) return c - 'A' + 10;
  return -1;
}

/* The JSON string at z[i] ('"'): its end (one past the closing quote), or
** 0 with *bad at the byte that breaks it.  Its characters, decoded, go to
** out[0..cap) as far as they are ASCII; *len is their count, or cap + 1
** when the string is longer or holds anything else (then it equals no key
** or reduction name). */
static size_t opts_read_string(const char *z, size_t n, size_t i, char *out,
                          size_t cap, size_t *len, size_t *bad){
  size_t k = 0;
  for(i++; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    int ch = c;
    if( c=='"' ){
      *len = k;
      return i + 1;
    }
    if( c<0x20 ){ *bad = i; return 0; }
    if( c=='\\' ){
      if( ++i>=n ){ *bad = n; return 0; }
      switch( z[i] ){
        case '"': case '\\': case '/': ch = z[i]; break;
        case 'b': ch = '\b'; break;
        case 'f': ch = '\f'; break;
        case 'n': ch = '\n'; break;
        case 'r': ch = '\r'; break;
        case 't': ch = '\t'; break;
        case 'u': {
          int d, j;
          ch = 0;
          for(j=1; j<=4; j++){
            if( i+j>=n ){ *bad = n; return 0; }
            d = opts_hex_digit(z[i+j]);
            if( d<0 ){ *bad = i + j; return 0; }
            ch = ch*16 + d;
          }
          i += 4;
          break;
        }
        default:
          *bad = i;
          return 0;
      }
    }
    if( ch>=0x80 || k>=cap ){
      k = cap + 1;
    }else{
      out[k++] = (char)ch;
    }
  }
  *bad = n;
  return 0;
}

static size_t opts_skip_ws(const char *z, size_t n, size_t i){
  while( i<n && (z[i]==' ' || z[i]=='\t' || z[i]=='\n' || z[i]=='\r') ) i++;
  return i;
}

/* The end of the JSON value at z[i] (white space after it included), or 0
** with *bad where it breaks: how far a value of the wrong kind goes, to
** quote it in the error. */
static size_t opts_skip_value(const char *z, size_t n, size_t i, size_t *bad){
  static const char *const literal[] = {"true", "false", "null"};
  uint64_t square = 0;      /* bit d: the bracket open at depth d is '[' */
  uint64_t key = 0;         /* bit d: the string just read at depth d+1 is
                            ** an object's key, so ':' comes next */
  int depth = 0;
  size_t k, len, used;
  char scratch[1];
  double x;
  for(;;){
    /* a value at i */
    i = opts_skip_ws(z, n, i);
    if( i>=n ){ *bad = n; return 0; }
    if( z[i]=='"' ){
      i = opts_read_string(z, n, i, scratch, 0, &len, bad);
      if( i==0 ) return 0;
    }else if( z[i]=='-' || (z[i]>='0' && z[i]<='9') ){
      used = bce_decimal_parse(z + i, n - i, &x, bad);
      if( used==0 ){ *bad += i; return 0; }
      i += used;
    }else if( z[i]=='[' || z[i]=='{' ){
      int obj = z[i]=='{';
      if( depth==OPTS_MAX_DEPTH ){ *bad = i; return 0; }
      square = (square & ~(UINT64_C(1) << depth))
             | ((uint64_t)!obj << depth);
      depth++;
      i = opts_skip_ws(z, n, i + 1);
      if( i<n && z[i]==(obj ? '}' : ']') ){
        depth--;
        i++;
      }else if( obj ){
        if( i>=n || z[i]!='"' ){ *bad = i; return 0; }
        key |= UINT64_C(1) << (depth-1);
        continue;
      }else{
        continue;
      }
    }else{
      for(k=0; k<3; k++){
        len = strlen(literal[k]);
        if( n-i>=len && memcmp(z+i, literal[k], len)==0 ) break;
      }
      if( k==3 ){ *bad = i; return 0; }
      i += len;
    }
    /* after a value: close brackets, or go on to the next one */
    for(;;){
      uint64_t bit;
      i = opts_skip_ws(z, n, i);
      if( depth==0 ) return i;
      if( i>=n ){ *bad = n; return 0; }
      bit = UINT64_C(1) << (depth-1);
      if( square & bit ){                       /* in an array */
        if( z[i]==']' ){ depth--; i++; continue; }
        if( z[i]==',' ){ i++; break; }
        *bad = i;
        return 0;
      }
      if( key & bit ){                          /* after a key */
        if( z[i]!=':' ){ *bad = i; return 0; }
        key &= ~bit;
        i++;
        break;
      }
      if( z[i]=='}' ){ depth--; i++; continue; }
      if( z[i]!=',' ){ *bad = i; return 0; }
      i = opts_skip_ws(z, n, i + 1);
      if( i>=n || z[i]!='"' ){ *bad = i; return 0; }
      key |= bit;
      break;
    }
  }
}

/* The value at r->i is of the wrong kind or outside its domain: DOMAIN with
** its extent, or MALFORMED where it stops being JSON. */
static bce_options_status opts_domain(opts_reader *r, unsigned key, size_t at,
                                 int64_t index){
  size_t bad = 0, end = opts_skip_value(r->z, r->n, at, &bad);
  if( end==0 ) return opts_malformed(r, bad);
  /* the extent without the white space skip_value() read past */
  while( end>at && (r->z[end-1]==' ' || r->z[end-1]=='\t'
                    || r->z[end-1]=='\n' || r->z[end-1]=='\r') ){
    end--;
  }
  r->err->status = BCE_OPTIONS_DOMAIN;
  r->err->key = key;
  r->err->at = at;
  r->err->len = end - at;
  r->err->index = index;
  return BCE_OPTIONS_DOMAIN;
}

/* The domains of the numbers. */
enum { opts_NUM_EPS, opts_NUM_UNIT, opts_NUM_NONNEG };

static int opts_in_domain(int d, double x){
  switch( d ){
    case opts_NUM_EPS:  return x>=0.0 && x<0.5;
    case opts_NUM_UNIT: return x>=0.0 && x<=1.0;
    default:       return x>=0.0 && x<=1.7976931348623157e308;
  }
}

/* A number at r->i in domain d into *x; else DOMAIN (or MALFORMED). */
static bce_options_status opts_read_number(opts_reader *r, unsigned key, int d,
                                      int64_t index, double *x){
  size_t at = r->i, bad;
  size_t used;
  if( at<r->n && (r->z[at]=='-' || (r->z[at]>='0' && r->z[at]<='9')) ){
    used = bce_decimal_parse(r->z + at, r->n - at, x, &bad);
    if( used==0 ) return opts_malformed(r, at + bad);
    if( !opts_in_domain(d, *x) ){
      r->err->status = BCE_OPTIONS_DOMAIN;
      r->err->key = key;
      r->err->at = at;
      r->err->len = used;
      r->err->index = index;
      return BCE_OPTIONS_DOMAIN;
    }
    r->i = at + used;
    return BCE_OPTIONS_OK;
  }
  return opts_domain(r, key, at, index);
}

/* The array of numbers >= 0 at r->i: its elements go to store[*used..)
** while they fit (*used counts them all); *first is where they start.  An
** empty array is outside every array key's domain. */
static bce_options_status opts_read_array(opts_reader *r, unsigned key,
                                          double *store,
                                     size_t nstore, size_t *used,
                                     size_t *first, int64_t *count){
  size_t at = r->i;
  int64_t k = 0;
  bce_options_status rc;
  *first = *used;
  r->i++;                                   /* '[' */
  opts_skip_space(r);
  if( r->i<r->n && r->z[r->i]==']' ){
    return opts_domain(r, key, at, -1);
  }
  for(;;){
    double x;
    rc = opts_read_number(r, key, opts_NUM_NONNEG, k, &x);
    if( rc!=BCE_OPTIONS_OK ) return rc;
    if( *used<nstore ) store[*used] = x;
    (*used)++;
    k++;
    opts_skip_space(r);
    if( r->i<r->n && r->z[r->i]==']' ){
      r->i++;
      *count = k;
      return BCE_OPTIONS_OK;
    }
    if( r->i>=r->n || r->z[r->i]!=',' ) return opts_malformed(r, r->i);
    r->i++;
    opts_skip_space(r);
  }
}

/* ignore_index: an integer, as JSON writes one (-100) or as a number
** whose value is one within 2^53 (-100.0, 1e2: json_object() of a REAL). */
static bce_options_status opts_read_integer(opts_reader *r, int64_t *out){
  size_t at = r->i, bad, used, k;
  double x;
  if( at>=r->n || !(r->z[at]=='-' || (r->z[at]>='0' && r->z[at]<='9')) ){
    return opts_domain(r, BCE_OPT_IGNORE_INDEX, at, -1);
  }
  used = bce_decimal_parse(r->z + at, r->n - at, &x, &bad);
  if( used==0 ) return opts_malformed(r, at + bad);
  r->i = at + used;
  k = at + (r->z[at]=='-');
  while( k<at+used && r->z[k]>='0' && r->z[k]<='9' ) k++;
  if( k==at+used ){
    /* digits only: exact, whatever their count, when within int64 */
    uint64_t v = 0, lim = r->z[at]=='-' ? UINT64_C(9223372036854775808)
                                         : UINT64_C(9223372036854775807);
    for(k=at+(r->z[at]=='-'); k<at+used; k++){
      unsigned d = (unsigned)(r->z[k]-'0');
      if( v>(lim-d)/10 ) goto out_of_range;
      v = v*10 + d;
    }
    *out = r->z[at]=='-' ? (int64_t)(0 - v) : (int64_t)v;
    return BCE_OPTIONS_OK;
  }
  if( x==floor(x) && fabs(x)<=9007199254740992.0 ){
    *out = (int64_t)x;
    return BCE_OPTIONS_OK;
  }
out_of_range:
  r->err->status = BCE_OPTIONS_DOMAIN;
  r->err->key = BCE_OPT_IGNORE_INDEX;
  r->err->at = at;
  r->err->len = used;
  r->err->index = -1;
  return BCE_OPTIONS_DOMAIN;
}

/* Whether the key applies where the mask says: the binary-only and the
** multi-class-only keys by the family bit, the rest by their own. */
static int opts_applies(unsigned key, unsigned allowed){
  int multiclass = (allowed & BCE_OPT_MULTICLASS)!=0;
  if( key==BCE_OPT_POS_WEIGHT && multiclass ) return 0;
  if( (key==BCE_OPT_CLASS_WEIGHT || key==BCE_OPT_IGNORE_INDEX)
   && !multiclass ){
    return 0;
  }
  return (allowed & key)!=0;
}

/* The value of key at r->i into *o. */
static bce_options_status opts_read_value(opts_reader *r, unsigned key,
                                     unsigned allowed, bce_options *o,
                                     double *store, size_t nstore,
                                     size_t *used){
  int multiclass = (allowed & BCE_OPT_MULTICLASS)!=0;
  int isArray = r->i<r->n && r->z[r->i]=='[';
  size_t first = 0;
  int64_t count = 0;
  bce_options_status rc;
  switch( key ){
    case BCE_OPT_EPS:
      return opts_read_number(r, key, opts_NUM_EPS, -1, &o->eps);
    case BCE_OPT_SMOOTHING:
      return opts_read_number(r, key, opts_NUM_UNIT, -1, &o->smoothing);
    case BCE_OPT_GAMMA:
      return opts_read_number(r, key, opts_NUM_NONNEG, -1, &o->gamma);
    case BCE_OPT_IGNORE_INDEX:
      return opts_read_integer(r, &o->ignore_index);
    case BCE_OPT_REDUCTION: {
      static const char *const aName[] = {"mean", "sum", "mean_over_rows"};
      char name[16];
      size_t at = r->i, len, bad, end, k;
      if( at<r->n && r->z[at]=='"' ){
        end = opts_read_string(r->z, r->n, at, name, sizeof(name), &len, &bad);
        if( end==0 ) return opts_malformed(r, bad);
        for(k=0; k<3; k++){
          if( len==strlen(aName[k]) && memcmp(name, aName[k], len)==0 ){
            o->reduction = (bce_reduction)k;
            r->i = end;
            return BCE_OPTIONS_OK;
          }
        }
      }
      return opts_domain(r, key, at, -1);
    }
    case BCE_OPT_POS_WEIGHT:
    case BCE_OPT_ALPHA:
      if( !isArray ){
        return opts_read_number(r, key,
                           key==BCE_OPT_ALPHA && !multiclass ? opts_NUM_UNIT
                                                             : opts_NUM_NONNEG,
                           -1, key==BCE_OPT_ALPHA ? &o->alpha
                                                  : &o->pos_weight);
      }
      if( key==BCE_OPT_ALPHA && !multiclass ){
        return opts_domain(r, key, r->i, -1);
      }
      break;
    default:   /* BCE_OPT_CLASS_WEIGHT */
      if( !isArray ) return opts_domain(r, key, r->i, -1);
      break;
  }
  rc = opts_read_array(r, key, store, nstore, used, &first, &count);
  if( rc!=BCE_OPTIONS_OK ) return rc;
  /* the pointer only once every element fits; STORAGE otherwise */
  if( *used<=nstore ){
    const double *a = store + first;
    if( key==BCE_OPT_POS_WEIGHT ){
      o->pos_weights = a;
      o->n_pos_weights = count;
    }else if( key==BCE_OPT_ALPHA ){
      o->alphas = a;
      o->n_alphas = count;
    }else{
      o->class_weights = a;
      o->n_class_weights = count;
    }
  }
  return BCE_OPTIONS_OK;
}

BCE_PRIVATE bce_options_status bce_options_parse(const char *z, size_t n,
                                                 unsigned allowed,
                                                 bce_options *o,
                                                 double *store, size_t nstore,
                                                 bce_options_error *err){
  opts_reader r;
  size_t used = 0;
  bce_options_status rc;
  r.z = z;
  r.n = n;
  r.i = 0;
  r.err = err;
  memset(err, 0, sizeof(*err));
  err->index = -1;
  bce_options_init(o);
  opts_skip_outer_space(&r);
  if( r.i>=n || z[r.i]!='{' ){
    /* JSON of another kind, or no JSON at all */
    size_t bad = 0, end;
    if( r.i>=n ) return opts_malformed(&r, n);
    end = opts_skip_value(z, n, r.i, &bad);
    if( end==0 ) return opts_malformed(&r, bad);
    r.i = end;
    opts_skip_outer_space(&r);
    if( r.i<n ) return opts_malformed(&r, r.i);
    err->status = BCE_OPTIONS_NOT_OBJECT;
    return BCE_OPTIONS_NOT_OBJECT;
  }
  r.i++;
  opts_skip_space(&r);
  if( r.i<n && z[r.i]=='}' ){
    r.i++;
  }else{
    for(;;){
      char name[16];
      size_t at = r.i, len, bad, k;
      unsigned key = 0;
      if( at>=n || z[at]!='"' ) return opts_malformed(&r, at);
      r.i = opts_read_string(z, n, at, name, sizeof(name), &len, &bad);
      if( r.i==0 ) return opts_malformed(&r, bad);
      for(k=0; k<OPTS_N_KEY; k++){
        if( len==strlen(opts_aKey[k].name)
         && memcmp(name, opts_aKey[k].name, len)==0 ){
          key = opts_aKey[k].bit;
          break;
        }
      }
      err->at = at;
      err->len = r.i - at;
      err->key = key;
      if( key==0 ){
        err->status = BCE_OPTIONS_UNKNOWN_KEY;
        return BCE_OPTIONS_UNKNOWN_KEY;
      }
      if( o->keys & key ){
        err->status = BCE_OPTIONS_DUPLICATE;
        return BCE_OPTIONS_DUPLICATE;
      }
      if( !opts_applies(key, allowed) ){
        err->status = BCE_OPTIONS_NOT_APPLICABLE;
        return BCE_OPTIONS_NOT_APPLICABLE;
      }
      opts_skip_space(&r);
      if( r.i>=n || z[r.i]!=':' ) return opts_malformed(&r, r.i);
      r.i++;
      opts_skip_space(&r);
      rc = opts_read_value(&r, key, allowed, o, store, nstore, &used);
      if( rc!=BCE_OPTIONS_OK ) return rc;
      o->keys |= key;
      opts_skip_space(&r);
      if( r.i<n && z[r.i]=='}' ){
        r.i++;
        break;
      }
      if( r.i>=n || z[r.i]!=',' ) return opts_malformed(&r, r.i);
      r.i++;
      opts_skip_space(&r);
    }
  }
  opts_skip_outer_space(&r);
  if( r.i<n ) return opts_malformed(&r, r.i);
  memset(err, 0, sizeof(*err));
  err->index = -1;
  if( used>nstore ){
    err->status = BCE_OPTIONS_STORAGE;
    err->need = used;
    return BCE_OPTIONS_STORAGE;
  }
  return BCE_OPTIONS_OK;
}
