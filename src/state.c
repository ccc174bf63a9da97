/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "decimal.h"
#include "loss.h"
#include "options_codec.h"
#include "state.h"

/* Version 2 (docs/state-format.md):
**   0  3  magic "BCE"          8  1  function
**   3  1  version              9  1  flags (bit 0: weighted, bit 1:
**                                             a tiny weight sum)
**   4  4  length, all bytes   10  .. options (src/options_codec.h)
**   counts (LEB128): rows, then weighted: rows of w > 0, infinite, tiny;
**                    unweighted: infinite
**   sums: loss, then weighted: weight, tiny, then flag bit 1: the tiny
**         weight sum (class weights: the w*d below 2^-968, times
**         2^1074; src/mean.h); each a count byte n, then
**         when n > 0 the first limb's index and n 4-byte digits
**   CRC-32C of everything before it, 4 bytes.
** The scores (05 bce_d2, 06 cce_d2): after the sums, sum(w), then bce_d2
** sum(w y), cce_d2 K (LEB128) and K class sums.  kl_div (07): counts
** rows of w > 0, infinite; sums loss and tiny, each a sign byte (01
** negative) before it, then weighted: weight.
** Version 1: a length of 2 bytes, the function and flags at 6 and 7, and
** in place of the options the eps (bce, cce: 8 bytes; else nothing). */
static const unsigned char state_magic[3] = {'B', 'C', 'E'};
#define STATE_V1_HEAD 8       /* magic, version, length, function, flags */
#define STATE_V2_HEAD 10
#define STATE_FLAG_WEIGHTED 1
/* Only where the sum is not 0, so that every other state keeps its bytes
** and a build that does not know the sum refuses the state ("unknown
** flags") rather than reading a wrong mean. */
#define STATE_FLAG_TINY_WEIGHT 2
/* the shortest: logits, unweighted: 2 counts, 1 sum (v2: and the options
** {}, one byte) */
#define STATE_V1_MIN_LEN (STATE_V1_HEAD + 2 + 1 + 4)
#define STATE_V2_MIN_LEN (STATE_V2_HEAD + 1 + 2 + 1 + 4)
#define STATE_V1_MAX 1024

BCE_PRIVATE uint32_t bce_crc32c(const unsigned char *p, size_t n){
  uint32_t crc = 0xffffffffu;
  size_t i;
  int k;
  /* Bit by bit: states are short, and no table means no data to trust. */
  for(i=0; i<n; i++){
    crc ^= p[i];
    for(k=0; k<8; k++) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
  }
  return crc ^ 0xffffffffu;
}

/* ------------------------------------------------------------ writing */

typedef struct state_writer {
  unsigned char *p;
  size_t n, cap;    /* bytes written (counted past cap, not stored) */
  int bad;          /* a sum that no aggregate has (see put_sum) */
} state_writer;

static void put_byte(state_writer *w, unsigned v){
  if( w->n<w->cap ) w->p[w->n] = (unsigned char)v;
  w->n++;
}

static void put_le(state_writer *w, uint64_t v, int bytes){
  int i;
  for(i=0; i<bytes; i++) put_byte(w, (unsigned)(v >> (8*i)) & 0xffu);
}

static void put_varint(state_writer *w, uint64_t v){
  while( v>=0x80 ){
    put_byte(w, (unsigned)(v & 0x7f) | 0x80u);
    v >>= 7;
  }
  put_byte(w, (unsigned)v);
}

/* The normalized sum's nonzero span.  A sum that is negative or past
** 2^1102 sets w->bad: no aggregate's sum is (its terms are >= 0, and
** 2^63 rows of them stay below 2^1087). */
static void put_sum(state_writer *w, bce_sum *s){
  int lo = 0, hi = BCE_SUM_LIMBS - 1, i;
  bce_sum_normalize(s);
  w->bad |= BCE_NEVER(s->limb[hi] < 0) | BCE_NEVER(s->limb[hi] > 0xffffffff);
  while( hi>=0 && s->limb[hi]==0 ) hi--;
  if( hi<0 ){
    put_byte(w, 0);
    return;
  }
  while( s->limb[lo]==0 ) lo++;
  put_byte(w, (unsigned)(hi - lo + 1));
  put_byte(w, (unsigned)lo);
  for(i=lo; i<=hi; i++) put_le(w, (uint64_t)s->limb[i], 4);
}

/* A sum of either sign (kl_div's): a sign byte, 01 for negative, then
** the magnitude as put_sum() writes it; zero is 00 00. */
static void put_signed_sum(state_writer *w, bce_sum *s){
  bce_sum_normalize(s);
  if( s->limb[BCE_SUM_LIMBS - 1]<0 ){
    bce_sum t = *s;
    int i;
    for(i=0; i<BCE_SUM_LIMBS; i++) t.limb[i] = -t.limb[i];
    bce_sum_normalize(&t);
    put_byte(w, 1);
    put_sum(w, &t);
    return;
  }
  put_byte(w, 0);
  put_sum(w, s);
}

/* The options a state of fn holds: as they act (see state.h). */
static void state_options(const bce_options *o, const bce_mean *m,
                          bce_state_fn fn, bce_options *s){
  if( o ) *s = *o;
  else bce_options_init(s);
  s->keys &= BCE_OPT_ALL;
  if( BCE_STATE_HAS_EPS(fn) ){
    if( !(s->keys & BCE_OPT_EPS) ){
      s->eps = m->hasEps ? m->eps : BCE_DEFAULT_EPS;
      s->keys |= BCE_OPT_EPS;
    }
  }else{
    s->keys &= ~BCE_OPT_EPS;
  }
  if( (s->keys & BCE_OPT_POS_WEIGHT) && s->n_pos_weights==0
   && s->pos_weight==1.0 ){
    s->keys &= ~BCE_OPT_POS_WEIGHT;
  }
  if( s->smoothing==0.0 ) s->keys &= ~BCE_OPT_SMOOTHING;
  if( s->gamma==0.0 ) s->keys &= ~BCE_OPT_GAMMA;
  if( (s->keys & BCE_OPT_CLASS_WEIGHT) && s->n_class_weights==0 ){
    s->keys &= ~BCE_OPT_CLASS_WEIGHT;
  }
  if( s->reduction==BCE_REDUCTION_MEAN ) s->keys &= ~BCE_OPT_REDUCTION;
}

/* s += n (sign +1) or -= n, exactly: two doubles of 32 bits each. */
static void add_count(bce_sum *s, int64_t n, int sign){
  uint64_t u = (uint64_t)n;
  bce_sum_add(s, (double)(u & 0xffffffffu), sign);
  bce_sum_add(s, ldexp((double)(u >> 32), 32), sign);
}

/* The state with the options so (opt NULL) or the canonical bytes
** opt[0..nopt). */
static size_t encode(bce_mean *m, bce_state_fn fn, const bce_options *so,
                     const unsigned char *opt, size_t nopt,
                     const bce_state_score *sc,
                     unsigned char *out, size_t cap){
  state_writer w;
  uint32_t crc;
  size_t i;
  int tinyWeight, weighted;
  bce_sum rows;
  bce_mean_flush(m);               /* bce(y, p)'s rows not counted yet */
  if( m->nRow<=0 ) return 0;
  if( opt==0 ){
    /* nothing written: the caller refuses, and no state is cut */
    size_t need = bce_options_encode(so, 0, 0);
    if( need>BCE_STATE_OPTIONS_MAX ) return BCE_STATE_OPTIONS_TOO_LONG;
  }
  w.p = out;
  w.n = 0;
  w.cap = out ? cap : 0;
  w.bad = 0;
  put_byte(&w, state_magic[0]);
  put_byte(&w, state_magic[1]);
  put_byte(&w, state_magic[2]);
  put_byte(&w, BCE_STATE_VERSION);
  put_le(&w, 0, 4);   /* the length, once known */
  put_byte(&w, (unsigned)fn);
  /* only a weighted state holds tiny products: an unweighted mean that
  ** has some (cce, cce_logits: losses below 2^-1000 under a sum
  ** reduction, src/mean.h) is written as the weighted one of its rows,
  ** each of weight 1, and so only while it has them: a window whose
  ** tiny rows have left writes the state a fresh aggregate over its rows
  ** does (rule 8) */
  weighted = m->weighted || (fn!=BCE_STATE_KL && m->nTiny>0);
  tinyWeight = fn!=BCE_STATE_KL && m->weighted
               && bce_sum_value(&m->tinyWeight)!=0.0;
  put_byte(&w, (weighted ? STATE_FLAG_WEIGHTED : 0)
               | (tinyWeight ? STATE_FLAG_TINY_WEIGHT : 0));
  if( opt ){
    for(i=0; i<nopt; i++) put_byte(&w, opt[i]);
  }else{
    w.n += bce_options_encode(so, w.n<w.cap ? w.p + w.n : 0,
                              w.n<w.cap ? w.cap - w.n : 0);
  }
  put_varint(&w, (uint64_t)m->nRow);
  if( fn==BCE_STATE_KL ){
    put_varint(&w, (uint64_t)m->nInf);
    put_signed_sum(&w, &m->loss);
    put_signed_sum(&w, &m->tiny);
    if( m->weighted ) put_sum(&w, &m->weight);
  }else{
    if( weighted ){
      put_varint(&w, (uint64_t)m->nWeight);
      put_varint(&w, (uint64_t)m->nInf);
      put_varint(&w, (uint64_t)m->nTiny);
    }else{
      put_varint(&w, (uint64_t)m->nInf);
    }
    put_sum(&w, &m->loss);
    if( weighted ){
      if( !m->weighted ){
        /* its rows weigh 1 each: the weight sum is their count */
        memset(&rows, 0, sizeof rows);
        add_count(&rows, m->nWeight, +1);
        put_sum(&w, &rows);
      }else{
        put_sum(&w, &m->weight);
      }
      put_sum(&w, &m->tiny);
      if( tinyWeight ) put_sum(&w, &m->tinyWeight);
    }
  }
  if( fn==BCE_STATE_BCE_D2 || fn==BCE_STATE_CCE_D2 ){
    if( BCE_NEVER(sc==0) ) return 0;
    put_sum(&w, sc->wsum);
    if( fn==BCE_STATE_BCE_D2 ){
      put_sum(&w, sc->wy);
    }else{
      int64_t c;
      put_varint(&w, (uint64_t)sc->K);
      for(c=0; c<sc->K; c++) put_sum(&w, &sc->cls[c]);
    }
  }
  if( BCE_NEVER(w.bad) ) return 0;
  if( w.n + 4 > w.cap ) return w.n + 4;
  for(i=0; i<4; i++) out[4 + i] = (unsigned char)(((w.n + 4) >> (8*i)) & 0xff);
  crc = bce_crc32c(out, w.n);
  put_le(&w, crc, 4);
  return w.n;
}

BCE_PRIVATE size_t bce_state_encode_opt(bce_mean *m, bce_state_fn fn,
                                        const bce_options *o,
                                        unsigned char *out, size_t cap){
  bce_options so;
  state_options(o, m, fn, &so);
  return encode(m, fn, &so, 0, 0, 0, out, cap);
}

BCE_PRIVATE size_t bce_state_encode_raw(bce_mean *m, bce_state_fn fn,
                                        const unsigned char *opt,
                                        size_t nopt, unsigned char *out,
                                        size_t cap){
  return encode(m, fn, 0, opt, nopt, 0, out, cap);
}

BCE_PRIVATE size_t bce_state_encode_score(bce_mean *m, bce_state_fn fn,
                                          const bce_options *o,
                                          const unsigned char *opt,
                                          size_t nopt,
                                          const bce_state_score *sc,
                                          unsigned char *out, size_t cap){
  bce_options so;
  if( opt ) return encode(m, fn, 0, opt, nopt, sc, out, cap);
  state_options(o, m, fn, &so);
  return encode(m, fn, &so, 0, 0, sc, out, cap);
}

BCE_PRIVATE size_t bce_state_encode(bce_mean *m, bce_state_fn fn,
                                    unsigned char *out){
  return bce_state_encode_opt(m, fn, 0, out, BCE_STATE_SMALL);
}

/* ------------------------------------------------------------ reading */

typedef struct state_reader {
  const unsigned char *p;
  size_t n, at;
  const char *why;   /* the first thing found wrong */
} state_reader;

/* Every reader stops at its first bad(), so there is one reason. */
static int bad(state_reader *r, const char *why){
  r->why = why;
  return 0;
}

static int get_byte(state_reader *r, unsigned *v){
  if( r->at>=r->n ) return bad(r, "a field runs past the end");
  *v = r->p[r->at++];
  return 1;
}

static uint64_t get_le(const unsigned char *p, int bytes){
  uint64_t v = 0;
  int i;
  for(i=0; i<bytes; i++) v |= (uint64_t)p[i] << (8*i);
  return v;
}

/* A count: LEB128 in at most 9 bytes (below 2^63), its last byte not 0
** unless it is the only one. */
static int get_count(state_reader *r, int64_t *v){
  uint64_t x = 0;
  unsigned b;
  int i;
  for(i=0; i<9; i++){
    if( !get_byte(r, &b) ) return 0;
    x |= (uint64_t)(b & 0x7f) << (7*i);
    if( !(b & 0x80) ){
      if( b==0 && i>0 ) return bad(r, "a count is not in its shortest form");
      *v = (int64_t)x;
      return 1;
    }
  }
  return bad(r, "a count is past 2^63 - 1");
}

static int get_sum(state_reader *r, bce_state_sum *s){
  unsigned n, lo;
  if( !get_byte(r, &n) ) return 0;
  s->n = (int)n;
  s->lo = 0;
  s->digits = 0;
  if( n==0 ) return 1;
  if( !get_byte(r, &lo) ) return 0;
  if( n>BCE_SUM_LIMBS || lo>BCE_SUM_LIMBS - n ){
    return bad(r, "a sum's limbs are past the 68 a sum has");
  }
  if( r->n - r->at < 4*(size_t)n ) return bad(r, "a field runs past the end");
  s->lo = (int)lo;
  s->digits = r->p + r->at;
  r->at += 4*(size_t)n;
  if( get_le(s->digits, 4)==0 || get_le(s->digits + 4*(n - 1), 4)==0 ){
    return bad(r, "a sum carries a zero limb at an end of its span");
  }
  return 1;
}

/* A sum of either sign (put_signed_sum()); a negative zero is not
** canonical. */
static int get_signed_sum(state_reader *r, bce_state_sum *s, int *neg){
  unsigned b;
  if( !get_byte(r, &b) ) return 0;
  if( b>1 ) return bad(r, "a sum's sign byte is not 00 or 01");
  if( !get_sum(r, s) ) return 0;
  if( b==1 && s->n==0 ) return bad(r, "a sum of zero is marked negative");
  *neg = (int)b;
  return 1;
}

/* ------------------------------------------------------------ meaning */

/* Unsigned integers of BIG_DIGITS base-2^32 digits, least significant
** first, for comparing a state's sums with what its counts allow: the
** largest is a sum (below 2^2176) times at most 745 times 2^1026. */
#define BIG_DIGITS 104
typedef struct big {
  uint32_t d[BIG_DIGITS];
} big;

/* x += v * 2^bit, v split in 32-bit halves so that each shifted half fits
** in 64 bits */
static void big_add(big *x, uint64_t v, int bit){
  int j = bit/32, k, half;
  for(half=0; half<2; half++){
    uint64_t t = ((v >> (32*half)) & 0xffffffffu) << (bit % 32);
    for(k=j + half; t!=0 && BCE_ALWAYS(k<BIG_DIGITS); k++){
      t += x->d[k];
      x->d[k] = (uint32_t)t;
      t >>= 32;
    }
  }
}

/* A bound c * 2^e (c < 2^32): 745, 2^1024, 2^1026. */
typedef struct bound {
  uint32_t c;
  int e;
} bound;

/* x = count * b * 2^shift */
static void big_count(big *x, int64_t count, bound b, int shift){
  memset(x, 0, sizeof *x);
  big_add(x, ((uint64_t)count & 0xffffffffu)*b.c, b.e + shift);
  big_add(x, ((uint64_t)count >> 32)*b.c, b.e + shift + 32);
}

/* x = the sum's integer * b */
static void big_sum(big *x, const bce_state_sum *s, bound b){
  int i;
  memset(x, 0, sizeof *x);
  for(i=0; i<s->n; i++){
    big_add(x, get_le(s->digits + 4*i, 4)*b.c, 32*(s->lo + i) + b.e);
  }
}

static int big_cmp(const big *a, const big *b){
  int i;
  for(i=BIG_DIGITS - 1; i>=0; i--){
    if( a->d[i]!=b->d[i] ) return a->d[i]<b->d[i] ? -1 : 1;
  }
  return 0;
}

static int bits_of(uint64_t v){
  int k = 0;
  while( v ){
    k++;
    v >>= 1;
  }
  return k;
}

/* The number of bits of the sum's integer: it is below 2^sum_bits(s). */
static int sum_bits(const bce_state_sum *s){
  if( s->n==0 ) return 0;
  return 32*(s->lo + s->n - 1) + bits_of(get_le(s->digits + 4*(s->n - 1), 4));
}

/* The sum's integer > count * b * 2^shift.  The product has between
** bits(count) + bits(c) - 1 and that + 1 bits (plus e + shift), so a sum
** of fewer bits is below it and one of more is above: that settles every
** state an aggregate makes but those near a bound, without the long
** comparison (bce_merge() decodes a state a row). */
static int sum_above(const bce_state_sum *s, int64_t count, bound b,
                     int shift){
  big x, y;
  static const bound one = {1, 0};
  int have = sum_bits(s), least;
  if( count==0 ) return have>0;
  least = bits_of((uint64_t)count) + bits_of(b.c) - 1 + b.e + shift;
  if( have<least ) return 0;
  if( have>least + 1 ) return 1;
  big_sum(&x, s, one);
  big_count(&y, count, b, shift);
  return big_cmp(&x, &y)>0;
}

/* The sum times 2^scale units of 2^-1074, for a message: the shortest
** decimal of its double, or 2^x where it is past the double range. */
static void format_sum(char *buf, size_t size, const bce_state_sum *d,
                       int scale){
  bce_sum s;
  double x, top = 0.0;
  int i;
  if( d->n==0 ){
    snprintf(buf, size, "0");
    return;
  }
  bce_sum_clear(&s);
  for(i=0; i<d->n; i++) s.limb[d->lo + i] = (int64_t)get_le(d->digits + 4*i, 4);
  x = bce_sum_value_scaled(&s, scale);
  if( x!=0.0 && isfinite(x) ){
    bce_decimal_format(buf, x);
    return;
  }
  /* the top three digits hold more bits than the two decimals show */
  for(i=d->n - 1; i>=0 && i>=d->n - 3; i--){
    top = top*0x1p32 + (double)get_le(d->digits + 4*i, 4);
  }
  snprintf(buf, size, "2^%.2f",
           log2(top) + 32.0*(d->lo + (d->n > 3 ? d->n - 3 : 0)) - 1074 + scale);
}

static void format_bound(char *buf, size_t size, bound b){
  if( b.e==0 ) snprintf(buf, size, "%u", (unsigned)b.c);
  else snprintf(buf, size, "2^%d", b.e);
}

/* row_bound: what one row of a weighted state can add to the loss sum,
** w*l, a double (rule 7 refuses its overflow) below 2^1024, or below
** 2^1026 for cce_logits, whose loss reaches 2 DBL_MAX and is carried
** halved.  weight_bound: a loss, so what a row adds per unit of its
** weight (and a row of an unweighted state in all), rounding included:
** bce and cce: -ln(2^-1074) = 744.44 (cce: times a target sum of at most
** 1 + 1e-4), below 745; bce_logits: |z| + ln 2 rounds to at most
** DBL_MAX; cce_logits: the logsumexp minus the targets' mean logit, up to
** 2 DBL_MAX (1 + 1e-4), below 2^1026.  Bounds on the rows, not on the
** code: they hold for any accurate computation of the loss. */
/* The loss whose mean a D^2 state holds: bce's, cce's. */
static bce_state_fn base_fn(bce_state_fn fn){
  if( fn==BCE_STATE_BCE_D2 ) return BCE_STATE_PROB;
  if( fn==BCE_STATE_CCE_D2 ) return BCE_STATE_CCE;
  return fn;
}

static bound row_bound(const bce_state *st){
  static const bound dbl = {1, 1024}, cce_logits = {1, 1026};
  if( st->fn==BCE_STATE_CCE_LOGITS ) return cce_logits;
  return dbl;
}

/* Options that multiply a row's loss by a factor that may pass 1
** (pos_weight, class_weight, a multi-class alpha): a row's loss is then
** bounded by the double range only (rule 7), and a mean by nothing (a
** class weight of 0 on the target leaves a row's d = 0 and its loss > 0). */
static int scales_loss(const bce_state *st){
  unsigned k = st->o.keys;
  return (k & (BCE_OPT_POS_WEIGHT | BCE_OPT_CLASS_WEIGHT))!=0
      || ((k & BCE_OPT_ALPHA)
          && (base_fn(st->fn)==BCE_STATE_CCE
              || st->fn==BCE_STATE_CCE_LOGITS));
}

static bound weight_bound(const bce_state *st){
  static const bound prob = {745, 0}, dbl = {1, 1024}, cce_logits = {1, 1026};
  if( scales_loss(st) ) return row_bound(st);
  switch( st->fn ){
    case BCE_STATE_LOGITS:     return dbl;
    case BCE_STATE_CCE_LOGITS: return cce_logits;
    default:                   return prob;
  }
}

/* 1 when the state's eps keeps every loss finite.  The clip floors q at
** eps > 0, so ln q is finite; bce also needs 1 - q > 0 at the top, and
** 1 - eps rounds to 1 for eps <= 2^-54: bce_state(0, 1, 1, 1e-176) holds
** an infinite loss (the fuzzer's state, refused before).  cce takes only
** ln of the clipped probabilities (and a focal (1-q)^gamma, 0 and never a
** log, at q = 1). */
static int clip_keeps_finite(const bce_state *st){
  if( !(st->eps>0.0) ) return 0;
  if( base_fn(st->fn)==BCE_STATE_PROB ) return 1.0 - st->eps<1.0;
  return 1;
}

static const char *plural(int64_t n){
  return n==1 ? "" : "s";
}

/* Every rule of docs/state-format.md's "Meaning": what the counts and sums
** of an aggregate's rows can be.  Each rule holds for every row added,
** so for every merge of states; a state that breaks one was made by hand
** (or damaged past what the CRC sees), and its mean would be wrong: two
** copies of a 1-row bce_logits state with a loss sum of 3 2^1100 made
** bce_merge() +Inf and bce_merge_state() NULL. */
static int meaning(state_reader *r, bce_state *st){
  char *w = st->detail, a[40], b[40];
  size_t size = sizeof st->detail;
  int64_t rows = st->weighted ? st->nWeight : st->nRow, finite;
  if( st->nRow<1 ){
    snprintf(w, size, "no rows (a state has at least one)");
  }else if( st->nWeight>st->nRow ){
    snprintf(w, size, "%lld rows of w > 0 among %lld row%s",
             (long long)st->nWeight, (long long)st->nRow, plural(st->nRow));
  }else if( st->nInf>rows ){
    snprintf(w, size, "%lld infinite losses among %lld row%s%s",
             (long long)st->nInf, (long long)rows, plural(rows),
             st->weighted ? " of w > 0" : "");
  }else if( st->nTiny>st->nWeight - st->nInf ){
    snprintf(w, size, "%lld tiny products among %lld finite row%s of w > 0",
             (long long)st->nTiny, (long long)(st->nWeight - st->nInf),
             plural(st->nWeight - st->nInf));
  }else if( st->nInf>0 && clip_keeps_finite(st) ){
    bce_decimal_format(a, st->eps);
    snprintf(w, size, "%lld infinite loss%s, which eps = %s rules out",
             (long long)st->nInf, st->nInf==1 ? "" : "es", a);
  }else{
    static const bound unit = {1, 0}, dbl = {1, 1024}, tiny = {1, 52},
                       tinyWeight = {1, 106};
    bound br = row_bound(st), bw = weight_bound(st);
    finite = rows - st->nInf - st->nTiny;
    /* with class weights a row adds w*d to the weight sum, d >= 0: as
    ** little as 0, and at most DBL_MAX (rule 7) */
    int perRow = !(st->o.keys & BCE_OPT_CLASS_WEIGHT);
    if( st->weighted && (sum_above(&st->weight, st->nWeight, dbl, 1074)
                         || (perRow && st->nWeight>0
                             && !sum_above(&st->weight, st->nWeight - 1,
                                           unit, 0))) ){
      /* each w > 0 is in [2^-1074, DBL_MAX]: the weight sum in
      ** [nWeight, nWeight 2^1024) units */
      format_sum(a, sizeof a, &st->weight, 0);
      snprintf(w, size, "a weight sum of %s over %lld row%s of w > 0, each "
               "in [%s, 2^1024)", a, (long long)st->nWeight,
               plural(st->nWeight), perRow ? "2^-1074" : "0");
    }else if( sum_above(&st->tiny, st->nTiny, tiny, 1074) ){
      /* a tiny product is below 2^-1022: below 2^52 once scaled */
      format_sum(a, sizeof a, &st->tiny, -1074);
      snprintf(w, size, "tiny products summing to %s over %lld tiny row%s, "
               "each below 2^-1022", a, (long long)st->nTiny,
               plural(st->nTiny));
    }else if( sum_above(&st->tinyWeight, st->nWeight, tinyWeight, 1074) ){
      /* a product w*d goes there only below 2^-968: below 2^106 once
      ** scaled; without this bound merged states could pass the 68 limbs */
      format_sum(a, sizeof a, &st->tinyWeight, -1074);
      snprintf(w, size, "tiny weight products summing to %s over %lld "
               "row%s of w > 0, each below 2^-968", a,
               (long long)st->nWeight, plural(st->nWeight));
    }else if( sum_above(&st->loss, finite,
                        st->weighted ? br : bw, 1074) ){
      format_sum(a, sizeof a, &st->loss, 0);
      format_bound(b, sizeof b, st->weighted ? br : bw);
      snprintf(w, size, "a loss sum of %s over %lld finite row%s%s, above "
               "%s a row", a, (long long)finite, plural(finite),
               st->weighted ? " of w > 0" : "", b);
    }else if( st->weighted && st->nWeight>0 && !scales_loss(st) ){
      big x, y;
      /* as in sum_above(): the weight sum is at least 2^(bits - 1) */
      if( sum_bits(&st->loss)<=sum_bits(&st->weight) + bits_of(bw.c) - 2
                                + bw.e ){
        return 1;
      }
      big_sum(&x, &st->loss, unit);
      big_sum(&y, &st->weight, bw);
      if( big_cmp(&x, &y)<=0 ) return 1;
      format_sum(a, sizeof a, &st->loss, 0);
      format_sum(b, sizeof b, &st->weight, 0);
      snprintf(w, size, "a loss sum of %s over a weight sum of %s, above ",
               a, b);
      format_bound(a, sizeof a, bw);
      snprintf(w + strlen(w), size - strlen(w), "%s a unit of weight", a);
    }else{
      return 1;
    }
  }
  return bad(r, w);
}

/* The sums' integers compared: -1, 0, 1. */
static int sum_cmp(const bce_state_sum *a, const bce_state_sum *b){
  static const bound one = {1, 0};
  big x, y;
  big_sum(&x, a, one);
  big_sum(&y, b, one);
  return big_cmp(&x, &y);
}

/* The rules of a kl_div state (docs/state-format.md, "Meaning"): its rows
** are those of w > 0; a row adds w KL, a finite double of either sign
** (rule 7), or below 2^-969 that times 2^1074 to the tiny sum; the clip
** keeps KL finite for eps > 0 (q >= eps). */
static int meaning_kl(state_reader *r, bce_state *st){
  static const bound unit = {1, 0}, dbl = {1, 1024}, tiny = {1, 105};
  char *w = st->detail, a[40];
  size_t size = sizeof st->detail;
  int64_t finite = st->nRow - st->nInf;
  if( st->nRow<1 ){
    snprintf(w, size, "no rows (a state has at least one)");
  }else if( st->nInf>st->nRow ){
    snprintf(w, size, "%lld infinite divergences among %lld row%s",
             (long long)st->nInf, (long long)st->nRow, plural(st->nRow));
  }else if( st->nInf>0 && st->eps>0.0 ){
    bce_decimal_format(a, st->eps);
    snprintf(w, size, "%lld infinite divergence%s, which eps = %s rules out",
             (long long)st->nInf, plural(st->nInf), a);
  }else if( st->weighted && (sum_above(&st->weight, st->nRow, dbl, 1074)
                             || !sum_above(&st->weight, st->nRow - 1, unit,
                                           0)) ){
    format_sum(a, sizeof a, &st->weight, 0);
    snprintf(w, size, "a weight sum of %s over %lld row%s of w > 0, each "
             "in [2^-1074, 2^1024)", a, (long long)st->nRow,
             plural(st->nRow));
  }else if( sum_above(&st->loss, finite, dbl, 1074) ){
    format_sum(a, sizeof a, &st->loss, 0);
    snprintf(w, size, "a sum of w*KL of magnitude %s over %lld finite "
             "row%s, above 2^1024 a row", a, (long long)finite,
             plural(finite));
  }else if( sum_above(&st->tiny, finite, tiny, 1074) ){
    format_sum(a, sizeof a, &st->tiny, -1074);
    snprintf(w, size, "tiny products summing to %s (in magnitude) over "
             "%lld finite row%s, each below 2^-969", a, (long long)finite,
             plural(finite));
  }else{
    return 1;
  }
  return bad(r, w);
}

/* The rules of a D^2 state's own sums, once its mean's hold: sum(w) is
** the mean's weight sum (its rows, unweighted) but under class weights,
** where it is a sum of positive rows' weights; no label sum is above it
** (every label is in [0, 1]). */
static int meaning_d2(state_reader *r, bce_state *st){
  static const bound unit = {1, 0}, dbl = {1, 1024};
  char *w = st->detail, a[40], b[40];
  size_t size = sizeof st->detail;
  if( !(st->o.keys & BCE_OPT_CLASS_WEIGHT) ){
    big x, y;
    big_sum(&x, &st->wsum, unit);
    if( st->weighted ) big_sum(&y, &st->weight, unit);
    else big_count(&y, st->nRow, unit, 1074);
    if( big_cmp(&x, &y)!=0 ){
      format_sum(a, sizeof a, &st->wsum, 0);
      if( st->weighted ) format_sum(b, sizeof b, &st->weight, 0);
      else snprintf(b, sizeof b, "%lld", (long long)st->nRow);
      snprintf(w, size, "a sum(w) of %s, not its mean's weight sum %s", a, b);
      return bad(r, w);
    }
  }else if( sum_above(&st->wsum, st->nWeight, dbl, 1074)
         || (st->nWeight>0 && !sum_above(&st->wsum, st->nWeight - 1, unit, 0)) ){
    /* no rows of w > 0 and a sum(w) > 0: the first test (a count of 0 is
    ** exceeded by any sum but 0) */
    format_sum(a, sizeof a, &st->wsum, 0);
    snprintf(w, size, "a sum(w) of %s over %lld row%s of w > 0, each in "
             "[2^-1074, 2^1024)", a, (long long)st->nWeight,
             plural(st->nWeight));
    return bad(r, w);
  }
  if( st->fn==BCE_STATE_BCE_D2 ){
    if( sum_cmp(&st->wy, &st->wsum)>0 ){
      format_sum(a, sizeof a, &st->wy, 0);
      format_sum(b, sizeof b, &st->wsum, 0);
      snprintf(w, size, "a sum(w*y) of %s above its sum(w) %s (labels are "
               "in [0, 1])", a, b);
      return bad(r, w);
    }
  }else{
    state_reader c;
    bce_state_sum s;
    int64_t k;
    c.p = st->cls;
    c.n = (size_t)-1;
    c.at = 0;
    for(k=0; k<st->K; k++){
      (void)get_sum(&c, &s);       /* read by the decoder just now */
      if( sum_cmp(&s, &st->wsum)>0 ){
        format_sum(a, sizeof a, &s, 0);
        format_sum(b, sizeof b, &st->wsum, 0);
        snprintf(w, size, "a sum(w*y) of class %lld of %s above its sum(w) "
                 "%s (targets are in [0, 1])", (long long)k, a, b);
        return bad(r, w);
      }
    }
  }
  return 1;
}

/* Version 1's eps, as the options {"eps": eps} (bce, cce) or {}: the
** bytes a version-2 state of those options holds. */
static int get_v1_options(state_reader *r, bce_state *st){
  bce_options o;
  bce_options_init(&o);
  o.keys = 0;
  if( BCE_STATE_HAS_EPS(st->fn) ){
    uint64_t bits;
    if( r->n - r->at < 8 ) return bad(r, "a field runs past the end");
    bits = get_le(r->p + r->at, 8);
    r->at += 8;
    o.eps = bce_from_bits(bits);
    o.keys = BCE_OPT_EPS;
    /* [0, 0.5), and +0 only: -0 is written as +0 */
    if( !(o.eps>=0.0 && o.eps<0.5) || bits==UINT64_C(1) << 63 ){
      return bad(r, "its eps is not a clip in [0, 0.5)");
    }
  }
  st->nOpt = bce_options_encode(&o, st->optV1, sizeof st->optV1);
  st->opt = st->optV1;
  st->o = o;
  return 1;
}

/* Version 2's options, in the one form a state of its function holds
** (state_options()). */
static int get_v2_options(state_reader *r, bce_state *st){
  const char *why = 0;
  /* the keys each function's state may hold */
  static const unsigned allowed[BCE_STATE_FN_LAST + 1] = {
    0,
    BCE_OPT_EPS|BCE_OPT_POS_WEIGHT|BCE_OPT_SMOOTHING|BCE_OPT_GAMMA
      |BCE_OPT_ALPHA|BCE_OPT_REDUCTION,
    BCE_OPT_POS_WEIGHT|BCE_OPT_SMOOTHING|BCE_OPT_GAMMA|BCE_OPT_ALPHA
      |BCE_OPT_REDUCTION,
    BCE_OPT_EPS|BCE_OPT_SMOOTHING|BCE_OPT_GAMMA|BCE_OPT_ALPHA
      |BCE_OPT_CLASS_WEIGHT|BCE_OPT_IGNORE_INDEX|BCE_OPT_REDUCTION,
    BCE_OPT_SMOOTHING|BCE_OPT_GAMMA|BCE_OPT_ALPHA|BCE_OPT_CLASS_WEIGHT
      |BCE_OPT_IGNORE_INDEX|BCE_OPT_REDUCTION,
    BCE_OPT_EPS|BCE_OPT_POS_WEIGHT|BCE_OPT_SMOOTHING,
    BCE_OPT_EPS|BCE_OPT_SMOOTHING|BCE_OPT_CLASS_WEIGHT|BCE_OPT_IGNORE_INDEX,
    BCE_OPT_EPS|BCE_OPT_SMOOTHING
  };
  unsigned binary = st->fn==BCE_STATE_PROB || st->fn==BCE_STATE_LOGITS
                    || st->fn==BCE_STATE_BCE_D2;
  bce_options *o = &st->o;
  size_t len;
  if( !bce_options_decode(r->p + r->at, r->n - r->at, &len, o, 0, 0, &why) ){
    return bad(r, why);
  }
  if( len>BCE_STATE_OPTIONS_MAX ){
    return bad(r, "its options are longer than a state's may be");
  }
  st->opt = r->p + r->at;
  st->nOpt = len;
  r->at += len;
  if( !(o->keys & BCE_OPT_EPS)!=!BCE_STATE_HAS_EPS(st->fn) ){
    return bad(r, BCE_STATE_HAS_EPS(st->fn) ? "its options lack the eps"
                                            : "its options hold an eps");
  }
  if( ((o->keys & BCE_OPT_POS_WEIGHT) && o->n_pos_weights==0
       && o->pos_weight==1.0)
   || ((o->keys & BCE_OPT_SMOOTHING) && o->smoothing==0.0)
   || ((o->keys & BCE_OPT_GAMMA) && o->gamma==0.0)
   || ((o->keys & BCE_OPT_REDUCTION) && o->reduction==BCE_REDUCTION_MEAN) ){
    return bad(r, "its options hold a key at the value that changes "
                  "nothing");
  }
  if( (o->keys & ~allowed[st->fn])!=0
   || (binary && (o->n_alphas>0
                  || ((o->keys & BCE_OPT_ALPHA) && o->alpha>1.0)))
   || (st->fn==BCE_STATE_BCE_D2 && o->n_pos_weights>0) ){
    return bad(r, "its options hold one that its function does not take");
  }
  return 1;
}

BCE_PRIVATE bce_state_status bce_state_decode(const unsigned char *p,
                                              size_t n, bce_state *st,
                                              const char **why){
  state_reader r;
  size_t len, k, head, lenBytes;
  unsigned fn, flags;
  bce_state_status rc = BCE_STATE_NONCANONICAL;
  const char *unused;
  if( why==0 ) why = &unused;
  r.p = p;
  r.n = n;
  r.why = 0;
  memset(st, 0, sizeof *st);
  /* What the bytes are comes first, so that another BLOB is named as
  ** such, however short. */
  for(k=0; k<3 && k<n; k++){
    if( p[k]!=state_magic[k] ){
      *why = "not a state (its first bytes are not \"BCE\")";
      return BCE_STATE_MAGIC;
    }
  }
  if( n>=4 ){
    st->version = p[3];
    if( p[3]!=1 && p[3]!=BCE_STATE_VERSION ){
      *why = "a state of a version this build does not read";
      return BCE_STATE_BAD_VERSION;
    }
  }
  lenBytes = st->version==1 ? 2 : 4;
  head = st->version==1 ? STATE_V1_HEAD : STATE_V2_HEAD;
  if( n<4 + lenBytes ){
    *why = "truncated (too short to hold a state's length)";
    return BCE_STATE_TRUNCATED;
  }
  len = (size_t)get_le(p + 4, (int)lenBytes);
  if( n<len ){
    *why = "truncated (fewer bytes than its length field says)";
    return BCE_STATE_TRUNCATED;
  }
  if( n>len ){
    *why = "over-long (more bytes than its length field says)";
    return BCE_STATE_OVERLONG;
  }
  if( st->version==1 ? len<STATE_V1_MIN_LEN || len>STATE_V1_MAX
                     : len<STATE_V2_MIN_LEN || len>BCE_STATE_MAX ){
    *why = "its length field is outside the lengths a state has";
    return BCE_STATE_NONCANONICAL;
  }
  if( bce_crc32c(p, len - 4)!=(uint32_t)get_le(p + len - 4, 4) ){
    *why = "checksum mismatch (the state was changed or damaged)";
    return BCE_STATE_CHECKSUM;
  }
  r.n = len - 4;
  r.at = head;
  fn = p[head - 2];
  flags = p[head - 1];
  if( fn<BCE_STATE_PROB || fn>BCE_STATE_FN_LAST
   || (st->version==1 && fn>BCE_STATE_CCE_LOGITS) ){
    bad(&r, "an unknown function code");
  }else if( (flags & ~(unsigned)(STATE_FLAG_WEIGHTED | STATE_FLAG_TINY_WEIGHT))
          || ((flags & STATE_FLAG_TINY_WEIGHT)
              && (!(flags & STATE_FLAG_WEIGHTED) || fn==BCE_STATE_KL)) ){
    /* the tiny weight sum is a weighted mean's (a flag the options may
    ** still refuse: no class weights, below) */
    bad(&r, "unknown flags");
  }else{
    st->fn = (bce_state_fn)fn;
    st->weighted = (flags & STATE_FLAG_WEIGHTED)!=0;
    if( !(st->version==1 ? get_v1_options(&r, st)
                         : get_v2_options(&r, st)) ){
      goto done;
    }
    st->eps = BCE_STATE_HAS_EPS(fn) ? st->o.eps : 0.0;
    if( !get_count(&r, &st->nRow) ) goto done;
    if( st->fn==BCE_STATE_KL ){
      if( !get_count(&r, &st->nInf)
       || !get_signed_sum(&r, &st->loss, &st->lossNeg)
       || !get_signed_sum(&r, &st->tiny, &st->tinyNeg)
       || (st->weighted && !get_sum(&r, &st->weight)) ){
        goto done;
      }
      st->nWeight = st->nRow;
      if( r.at!=r.n ){
        bad(&r, "bytes left over between its fields and its checksum");
        goto done;
      }
      rc = meaning_kl(&r, st) ? BCE_STATE_OK : BCE_STATE_IMPOSSIBLE;
      goto done;
    }
    if( st->weighted ){
      if( !get_count(&r, &st->nWeight) || !get_count(&r, &st->nInf)
       || !get_count(&r, &st->nTiny) ){
        goto done;
      }
    }else{
      if( !get_count(&r, &st->nInf) ) goto done;
      st->nWeight = st->nRow;
    }
    if( !get_sum(&r, &st->loss) ) goto done;
    if( st->weighted
     && (!get_sum(&r, &st->weight) || !get_sum(&r, &st->tiny)) ){
      goto done;
    }
    if( flags & STATE_FLAG_TINY_WEIGHT ){
      if( !(st->o.keys & BCE_OPT_CLASS_WEIGHT) ){
        bad(&r, "unknown flags");
        goto done;
      }
      if( !get_sum(&r, &st->tinyWeight) ) goto done;
      if( st->tinyWeight.n==0 ){
        /* the flag is written only for a sum that is not 0: one
        ** encoding */
        bad(&r, "a tiny weight sum of 0 under its flag");
        goto done;
      }
    }
    if( st->fn==BCE_STATE_BCE_D2 || st->fn==BCE_STATE_CCE_D2 ){
      if( !get_sum(&r, &st->wsum) ) goto done;
      if( st->fn==BCE_STATE_BCE_D2 ){
        if( !get_sum(&r, &st->wy) ) goto done;
      }else{
        bce_state_sum cs;
        int64_t k;
        if( !get_count(&r, &st->K) ) goto done;
        if( st->K<2 ){
          bad(&r, "fewer than 2 classes");
          goto done;
        }
        if( st->o.n_class_weights>0 && st->o.n_class_weights!=st->K ){
          bad(&r, "its class_weight and its class sums differ in length");
          goto done;
        }
        st->cls = r.p + r.at;
        /* each sum is at least a byte: the count is bounded by the state */
        for(k=0; k<st->K; k++){
          if( !get_sum(&r, &cs) ) goto done;
        }
      }
    }
    if( r.at!=r.n ){
      bad(&r, "bytes left over between its fields and its checksum");
      goto done;
    }
    rc = meaning(&r, st) ? BCE_STATE_OK : BCE_STATE_IMPOSSIBLE;
    if( rc==BCE_STATE_OK
     && (st->fn==BCE_STATE_BCE_D2 || st->fn==BCE_STATE_CCE_D2) ){
      rc = meaning_d2(&r, st) ? BCE_STATE_OK : BCE_STATE_IMPOSSIBLE;
    }
  }
done:
  if( rc!=BCE_STATE_OK ) *why = r.why;
  return rc;
}

/* ------------------------------------------------------------ merging */

/* Adds the digits into s's limbs.  One digit is below 2^32, within the
** 2^33 that one operation may add to a limb between normalizations
** (src/exact_sum.h), so a state counts as one operation. */
static void add_digits(bce_sum *s, const bce_state_sum *d, int sign){
  int i;
  for(i=0; i<d->n; i++){
    int64_t v = (int64_t)get_le(d->digits + 4*i, 4);
    s->limb[d->lo + i] += sign>0 ? v : -v;
  }
  if( d->n>0 && ++s->pending>=BCE_SUM_FLUSH ) bce_sum_normalize(s);
}

BCE_PRIVATE bce_state_status bce_state_merge(bce_mean *m,
                                             const bce_state *st, int sign){
  bce_mean_flush(m);                 /* none in bce_merge's, as a rule */
  /* the other counts are at most the rows: they cannot overflow first */
  if( sign>0 && st->nRow>INT64_MAX - m->nRow ) return BCE_STATE_OVERFLOW;
  if( st->fn==BCE_STATE_KL ){
    /* kl_div keeps sum(w) in every form: an unweighted state's rows
    ** weigh 1 */
    if( st->weighted ) m->weighted = 1;
    m->nRow += sign*st->nRow;
    m->nWeight += sign*st->nWeight;
    m->nInf += sign*st->nInf;
    add_digits(&m->loss, &st->loss, st->lossNeg ? -sign : sign);
    add_digits(&m->tiny, &st->tiny, st->tinyNeg ? -sign : sign);
    if( st->weighted ) add_digits(&m->weight, &st->weight, sign);
    else add_count(&m->weight, st->nRow, sign);
    return BCE_STATE_OK;
  }
  /* the rows merged so far weighed 1 each */
  if( st->weighted && !m->weighted ) bce_mean_set_weighted(m);
  m->nRow += sign*st->nRow;
  m->nWeight += sign*st->nWeight;
  m->nInf += sign*st->nInf;
  m->nTiny += sign*st->nTiny;
  add_digits(&m->loss, &st->loss, sign);
  if( st->weighted ){
    add_digits(&m->weight, &st->weight, sign);
    add_digits(&m->tiny, &st->tiny, sign);
    add_digits(&m->tinyWeight, &st->tinyWeight, sign);
  }else if( m->weighted ){
    add_count(&m->weight, st->nRow, sign);
  }
  return BCE_STATE_OK;
}

BCE_PRIVATE void bce_state_merge_score(const bce_state_score *sc,
                                       const bce_state *st, int sign){
  add_digits(sc->wsum, &st->wsum, sign);
  if( st->fn==BCE_STATE_BCE_D2 ){
    add_digits(sc->wy, &st->wy, sign);
  }else if( st->fn==BCE_STATE_CCE_D2 ){
    state_reader c;
    bce_state_sum s;
    int64_t k;
    c.p = st->cls;
    c.n = (size_t)-1;
    c.at = 0;
    for(k=0; k<st->K; k++){
      (void)get_sum(&c, &s);       /* read by the decoder */
      add_digits(&sc->cls[k], &s, sign);
    }
  }
}
