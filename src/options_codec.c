/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "decimal.h"
#include "options_codec.h"

/* the key bits of src/options.h, whose names bce_options_key_name() gives */
#define oc_NKEYS 8
_Static_assert(BCE_OPT_ALL==(1u << oc_NKEYS) - 1, "a key bit per key");

static const char *const oc_reduction_names[3] = {
  "mean", "sum", "mean_over_rows"
};

/* How a key's value is written. */
enum { oc_V_DOUBLE, oc_V_NUMBER_OR_ARRAY, oc_V_ARRAY, oc_V_INT64, oc_V_BYTE };

static int oc_value_kind(int bit){
  switch( 1u << bit ){
    case BCE_OPT_POS_WEIGHT:
    case BCE_OPT_ALPHA:        return oc_V_NUMBER_OR_ARRAY;
    case BCE_OPT_CLASS_WEIGHT: return oc_V_ARRAY;
    case BCE_OPT_IGNORE_INDEX: return oc_V_INT64;
    case BCE_OPT_REDUCTION:    return oc_V_BYTE;
    default:                   return oc_V_DOUBLE;
  }
}

/* ------------------------------------------------------------ writing */

typedef struct oc_writer {
  unsigned char *p;
  size_t n, cap;
} oc_writer;

static void oc_put(oc_writer *w, unsigned v){
  if( w->n<w->cap ) w->p[w->n] = (unsigned char)v;
  w->n++;
}

static void oc_put_u64(oc_writer *w, uint64_t v){
  int i;
  for(i=0; i<8; i++) oc_put(w, (unsigned)(v >> (8*i)) & 0xffu);
}

static void oc_put_varint(oc_writer *w, uint64_t v){
  while( v>=0x80 ){
    oc_put(w, (unsigned)(v & 0x7f) | 0x80u);
    v >>= 7;
  }
  oc_put(w, (unsigned)v);
}

/* + 0.0: -0 and 0 are one number, so one encoding */
static void oc_put_double(oc_writer *w, double x){
  oc_put_u64(w, bce_bits(x + 0.0));
}

static void oc_put_array(oc_writer *w, const double *x, int64_t n){
  int64_t i;
  oc_put_varint(w, (uint64_t)n);
  for(i=0; i<n; i++) oc_put_double(w, x[i]);
}

BCE_PRIVATE size_t bce_options_encode(const bce_options *o,
                                      unsigned char *out, size_t cap){
  oc_writer w;
  unsigned keys = o->keys & BCE_OPT_ALL;
  w.p = out;
  w.n = 0;
  w.cap = out ? cap : 0;
  oc_put_varint(&w, keys);
  if( keys & BCE_OPT_EPS ) oc_put_double(&w, o->eps);
  if( keys & BCE_OPT_POS_WEIGHT ){
    if( o->n_pos_weights>0 ){
      oc_put_array(&w, o->pos_weights, o->n_pos_weights);
    }else{
      oc_put_varint(&w, 0);
      oc_put_double(&w, o->pos_weight);
    }
  }
  if( keys & BCE_OPT_SMOOTHING ) oc_put_double(&w, o->smoothing);
  if( keys & BCE_OPT_GAMMA ) oc_put_double(&w, o->gamma);
  if( keys & BCE_OPT_ALPHA ){
    if( o->n_alphas>0 ){
      oc_put_array(&w, o->alphas, o->n_alphas);
    }else{
      oc_put_varint(&w, 0);
      oc_put_double(&w, o->alpha);
    }
  }
  if( keys & BCE_OPT_CLASS_WEIGHT ){
    oc_put_array(&w, o->class_weights, o->n_class_weights);
  }
  if( keys & BCE_OPT_IGNORE_INDEX ) oc_put_u64(&w, (uint64_t)o->ignore_index);
  if( keys & BCE_OPT_REDUCTION ) oc_put(&w, (unsigned)o->reduction);
  return w.n;
}

/* ------------------------------------------------------------ reading */

/* One key's value, pointing into the bytes. */
typedef struct oc_value {
  const unsigned char *at;   /* its bytes */
  size_t len;
  uint64_t count;            /* arrays: elements; else 0 */
  const unsigned char *elems;  /* the count's doubles, or the one number */
} oc_value;

typedef struct oc_reader {
  const unsigned char *p;
  size_t n, at;
  const char *why;
} oc_reader;

static int oc_fail(oc_reader *r, const char *why){
  r->why = why;
  return 0;
}

static uint64_t oc_get_u64(const unsigned char *p){
  uint64_t v = 0;
  int i;
  for(i=0; i<8; i++) v |= (uint64_t)p[i] << (8*i);
  return v;
}

/* LEB128 below 2^63 in its shortest form */
static int oc_get_varint(oc_reader *r, uint64_t *v){
  uint64_t x = 0;
  int i;
  for(i=0; i<9; i++){
    unsigned b;
    if( r->at>=r->n ) return oc_fail(r, "its options run past the end");
    b = r->p[r->at++];
    x |= (uint64_t)(b & 0x7f) << (7*i);
    if( !(b & 0x80) ){
      if( b==0 && i>0 ){
        return oc_fail(r, "a count of its options is not in its shortest form");
      }
      *v = x;
      return 1;
    }
  }
  return oc_fail(r, "a count of its options is past 2^63 - 1");
}

/* A double of the key's domain (bit), not -0. */
static int oc_in_domain(int bit, uint64_t bits){
  double x = bce_from_bits(bits);
  if( bits==UINT64_C(1) << 63 ) return 0;
  switch( 1u << bit ){
    case BCE_OPT_EPS:       return x>=0.0 && x<0.5;
    case BCE_OPT_SMOOTHING: return x>=0.0 && x<=1.0;
    default:                return x>=0.0 && x<=0x1.fffffffffffffp1023;
  }
}

static int oc_get_doubles(oc_reader *r, int bit, uint64_t count){
  uint64_t i;
  if( (r->n - r->at)/8 < count ) return oc_fail(r, "its options run past the end");
  for(i=0; i<count; i++){
    if( !oc_in_domain(bit, oc_get_u64(r->p + r->at)) ){
      return oc_fail(r, "an option's value is outside its domain");
    }
    r->at += 8;
  }
  return 1;
}

static int oc_get_value(oc_reader *r, int bit, oc_value *v){
  size_t start = r->at;
  memset(v, 0, sizeof *v);
  switch( oc_value_kind(bit) ){
    case oc_V_DOUBLE:
      v->elems = r->p + r->at;
      if( !oc_get_doubles(r, bit, 1) ) return 0;
      break;
    case oc_V_NUMBER_OR_ARRAY:
    case oc_V_ARRAY:
      if( !oc_get_varint(r, &v->count) ) return 0;
      if( v->count<2 && oc_value_kind(bit)==oc_V_ARRAY ){
        /* p has at least 2 classes, so a class_weight has too: no call
        ** makes a state of fewer */
        return oc_fail(r, v->count==0 ? "an empty class_weight in its options"
                          : "a class_weight of one class in its options");
      }
      v->elems = r->p + r->at;
      if( !oc_get_doubles(r, bit, v->count ? v->count : 1) ) return 0;
      break;
    case oc_V_INT64:
      if( r->n - r->at < 8 ) return oc_fail(r, "its options run past the end");
      r->at += 8;
      break;
    default:
      if( r->at>=r->n ) return oc_fail(r, "its options run past the end");
      if( r->p[r->at]>BCE_REDUCTION_MEAN_OVER_ROWS ){
        return oc_fail(r, "an unknown reduction in its options");
      }
      r->at++;
      break;
  }
  v->at = r->p + start;
  v->len = r->at - start;
  return 1;
}

/* Reads the keys and their values; *keys the mask. */
static int oc_get_all(oc_reader *r, unsigned *keys, oc_value vals[oc_NKEYS]){
  uint64_t mask;
  int bit;
  if( !oc_get_varint(r, &mask) ) return 0;
  if( mask & ~(uint64_t)BCE_OPT_ALL ) return oc_fail(r, "an unknown option key");
  *keys = (unsigned)mask;
  for(bit=0; bit<oc_NKEYS; bit++){
    if( (mask >> bit) & 1u ){
      if( !oc_get_value(r, bit, &vals[bit]) ) return 0;
    }
  }
  return 1;
}

static double oc_elem(const oc_value *v, uint64_t i){
  return bce_from_bits(oc_get_u64(v->elems + 8*i));
}

BCE_PRIVATE int bce_options_decode(const unsigned char *p, size_t n,
                                   size_t *len, bce_options *o,
                                   double *store, size_t nstore,
                                   const char **why){
  oc_reader r;
  oc_value vals[oc_NKEYS];
  unsigned keys;
  size_t need = 0, used = 0;
  int bit;
  r.p = p;
  r.n = n;
  r.at = 0;
  r.why = 0;
  if( !oc_get_all(&r, &keys, vals) ){
    *why = r.why;
    return 0;
  }
  *len = r.at;
  if( o==0 ) return 1;
  bce_options_init(o);
  o->keys = keys;
  for(bit=0; bit<oc_NKEYS; bit++){
    if( (keys >> bit) & 1u ) need += (size_t)vals[bit].count;
  }
  if( store==0 || nstore<need ) store = 0;
  for(bit=0; bit<oc_NKEYS; bit++){
    const oc_value *v = &vals[bit];
    double *arr = 0;
    uint64_t i;
    if( !((keys >> bit) & 1u) ) continue;
    if( v->count>0 && store ){
      arr = store + used;
      for(i=0; i<v->count; i++) arr[i] = oc_elem(v, i);
      used += (size_t)v->count;
    }
    switch( 1u << bit ){
      case BCE_OPT_EPS:       o->eps = oc_elem(v, 0); break;
      case BCE_OPT_SMOOTHING: o->smoothing = oc_elem(v, 0); break;
      case BCE_OPT_GAMMA:     o->gamma = oc_elem(v, 0); break;
      case BCE_OPT_POS_WEIGHT:
        o->n_pos_weights = (int64_t)v->count;
        o->pos_weights = arr;
        if( v->count==0 ) o->pos_weight = oc_elem(v, 0);
        break;
      case BCE_OPT_ALPHA:
        o->n_alphas = (int64_t)v->count;
        o->alphas = arr;
        if( v->count==0 ) o->alpha = oc_elem(v, 0);
        break;
      case BCE_OPT_CLASS_WEIGHT:
        o->n_class_weights = (int64_t)v->count;
        o->class_weights = arr;
        break;
      case BCE_OPT_IGNORE_INDEX:
        o->ignore_index = (int64_t)oc_get_u64(v->at);
        break;
      default:
        o->reduction = (bce_reduction)v->at[0];
        break;
    }
  }
  return 1;
}

BCE_PRIVATE size_t bce_options_doubles(const unsigned char *p, size_t n){
  oc_reader r;
  oc_value vals[oc_NKEYS];
  unsigned keys;
  size_t need = 0;
  int bit;
  r.p = p;
  r.n = n;
  r.at = 0;
  if( !oc_get_all(&r, &keys, vals) ) return 0;
  for(bit=0; bit<oc_NKEYS; bit++){
    if( (keys >> bit) & 1u ) need += (size_t)vals[bit].count;
  }
  return need;
}

/* ----------------------------------------------------------- showing */

/* A growing text that counts what did not fit, as snprintf() does. */
typedef struct oc_text {
  char *buf;
  size_t n, size;
} oc_text;

static void oc_add(oc_text *t, const char *s){
  size_t k = strlen(s);
  if( t->n<t->size ){
    size_t room = t->size - t->n - 1;
    memcpy(t->buf + t->n, s, k<room ? k : room);
    t->buf[t->n + (k<room ? k : room)] = 0;
  }
  t->n += k;
}

static void oc_add_double(oc_text *t, double x){
  char num[BCE_DECIMAL_BUF];
  bce_decimal_format(num, x);
  oc_add(t, num);
}

/* A value as JSON: a number, an array, an integer or a string. */
static void oc_add_value(oc_text *t, int bit, const oc_value *v){
  char num[32];
  uint64_t i;
  switch( oc_value_kind(bit) ){
    case oc_V_INT64:
      snprintf(num, sizeof num, "%lld", (long long)(int64_t)oc_get_u64(v->at));
      oc_add(t, num);
      return;
    case oc_V_BYTE:
      oc_add(t, "\"");
      oc_add(t, oc_reduction_names[v->at[0]]);
      oc_add(t, "\"");
      return;
    default:
      break;
  }
  if( v->count==0 ){
    oc_add_double(t, oc_elem(v, 0));
    return;
  }
  oc_add(t, "[");
  for(i=0; i<v->count; i++){
    if( i>0 ) oc_add(t, ", ");
    oc_add_double(t, oc_elem(v, i));
  }
  oc_add(t, "]");
}

static int oc_parse_valid(const unsigned char *p, size_t n, unsigned *keys,
                       oc_value vals[oc_NKEYS]){
  oc_reader r;
  r.p = p;
  r.n = n;
  r.at = 0;
  *keys = 0;
  return oc_get_all(&r, keys, vals);
}

BCE_PRIVATE size_t bce_options_json(const unsigned char *p, size_t n,
                                    char *buf, size_t size){
  oc_value vals[oc_NKEYS];
  unsigned keys;
  oc_text t;
  int bit, first = 1, valid;
  t.buf = buf;
  t.n = 0;
  t.size = buf ? size : 0;
  if( t.size>0 ) buf[0] = 0;
  /* the call outside BCE_NEVER(): the coverage build does not evaluate it */
  valid = oc_parse_valid(p, n, &keys, vals);
  if( BCE_NEVER(!valid) ) keys = 0;
  oc_add(&t, "{");
  for(bit=0; bit<oc_NKEYS; bit++){
    if( !((keys >> bit) & 1u) ) continue;
    if( !first ) oc_add(&t, ",");
    first = 0;
    oc_add(&t, "\"");
    oc_add(&t, bce_options_key_name(1u << bit));
    oc_add(&t, "\":");
    oc_add_value(&t, bit, &vals[bit]);
  }
  oc_add(&t, "}");
  return t.n;
}

/* One side of a difference: the value, or a short word for a long array. */
static void oc_add_side(oc_text *t, int bit, const oc_value *v, int given){
  char num[48];
  if( !given ){
    oc_add(t, "not given");
  }else if( v->count>4 ){
    snprintf(num, sizeof num, "an array of %llu", (unsigned long long)v->count);
    oc_add(t, num);
  }else{
    oc_add_value(t, bit, v);
  }
}

BCE_PRIVATE int bce_options_diff(const unsigned char *a, size_t na,
                                 const unsigned char *b, size_t nb,
                                 char *buf, size_t size){
  oc_value va[oc_NKEYS], vb[oc_NKEYS];
  unsigned ka, kb;
  oc_text t;
  int bit, valid_a, valid_b;
  t.buf = buf;
  t.n = 0;
  t.size = size;
  if( size>0 ) buf[0] = 0;
  /* the calls outside BCE_NEVER(): the coverage build does not evaluate
  ** it */
  valid_a = oc_parse_valid(a, na, &ka, va);
  valid_b = oc_parse_valid(b, nb, &kb, vb);
  if( BCE_NEVER(!valid_a) || BCE_NEVER(!valid_b) ){
    oc_add(&t, "options");
    return 1;
  }
  for(bit=0; bit<oc_NKEYS; bit++){
    int ga = (ka >> bit) & 1u, gb = (kb >> bit) & 1u;
    const oc_value *x = &va[bit], *y = &vb[bit];
    if( !ga && !gb ) continue;
    if( ga && gb && x->len==y->len && memcmp(x->at, y->at, x->len)==0 ){
      continue;
    }
    oc_add(&t, bce_options_key_name(1u << bit));
    if( ga && gb && x->count>0 && x->count==y->count ){
      /* arrays of one length: the first element that differs */
      uint64_t i = 0;
      char num[32];
      while( oc_get_u64(x->elems + 8*i)==oc_get_u64(y->elems + 8*i) ) i++;
      snprintf(num, sizeof num, "[%llu] ", (unsigned long long)i);
      oc_add(&t, num);
      oc_add_double(&t, oc_elem(x, i));
      oc_add(&t, " vs ");
      oc_add_double(&t, oc_elem(y, i));
      return 1;
    }
    if( ga && gb && x->count>0 && y->count>0 ){
      char num[64];
      snprintf(num, sizeof num, " of %llu vs %llu elements",
               (unsigned long long)x->count, (unsigned long long)y->count);
      oc_add(&t, num);
      return 1;
    }
    oc_add(&t, " ");
    oc_add_side(&t, bit, x, ga);
    oc_add(&t, " vs ");
    oc_add_side(&t, bit, y, gb);
    return 1;
  }
  return 0;
}
