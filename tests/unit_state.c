/* SPDX-License-Identifier: MIT */
/*
** Unit tests of the state codec (src/state.h), without SQLite: round
** trips, one set of bytes for one multiset of rows however it was ordered,
** split and merged, and every damaged state refused.  Prints one
** "ok|name" or "FAIL|name|why" line a check.
**
** References independent of the codec: the CRC-32C check value of
** "123456789" (0xE3069283, RFC 3720 appendix B.4 and the CRC catalogue),
** for the merged means, bce_mean_value() of one aggregate over every
** row, which src/mean.c computes without the codec, and the golden
** version-2 states with options of tests/ref/state_golden_v2.h, written
** by the second (Python) implementation of the format with their values
** from exact fractions (tests/gen_state_golden.py).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/state.h"
#include "../src/loss.h"
#include "../src/logits.h"
#include "../src/options_codec.h"
#include "xorshift.h"
#include "ref/state_golden_v2.h"

static int failures;

static void check(int ok, const char *name, const char *why){
  if( ok ){
    printf("ok|state: %s\n", name);
  }else{
    failures++;
    printf("FAIL|state: %s|%s\n", name, why);
  }
}

/* A row as the aggregate sees it. */
typedef struct row {
  double y, x, w;  /* x: p, or z for logits */
  double d;        /* the row's denominator (class weights), 1 else */
} row;

#define MAXROWS 600
typedef struct dataset {
  bce_state_fn fn;
  int weighted;
  double eps;      /* PROB only; < 0: the default (no eps argument) */
  const bce_options *o;  /* the options of the state, or NULL */
  int n;
  row r[MAXROWS];
} dataset;

static double uniform(uint64_t *s){
  return (double)(xorshift64(s) >> 11) * 0x1p-53;
}

/* The kinds of data the issue names: weights (some 0), eps = 0 with
** certain-and-wrong rows, products below 2^-1022, logits near +-1e308. */
static void make(dataset *d, uint64_t *s, int kind){
  int i;
  memset(d, 0, sizeof *d);
  d->n = 50 + (int)(xorshift64(s) % 500);
  d->fn = (kind==3 || kind==4) ? BCE_STATE_LOGITS : BCE_STATE_PROB;
  d->weighted = kind!=0 && kind!=3;
  d->eps = kind==2 || kind==5 ? 0.0 : kind==1 ? 1e-7 : -1.0;
  for(i=0; i<d->n; i++){
    row *r = &d->r[i];
    unsigned pick = (unsigned)(xorshift64(s) % 16);
    r->d = 1.0;
    r->y = pick<6 ? 1.0 : pick<12 ? 0.0 : uniform(s);
    r->w = d->weighted ? (pick==3 ? 0.0 : uniform(s)*4) : 1.0;
    if( d->fn==BCE_STATE_PROB ){
      r->x = uniform(s);
      if( kind==2 && pick==5 ) r->x = 0.0;          /* y = 1: +Inf */
      if( kind==5 && pick<2 ){                        /* tiny products */
        r->y = 0.0;
        r->x = 0x1p-700 * (1 + uniform(s));
        r->w = 0x1p-500 * (1 + uniform(s));
      }
    }else{
      r->x = (uniform(s) - 0.5) * 40;
      if( kind==4 && pick==7 ){
        /* w*l must stay a double, as rule 7 has it for the aggregate
        ** (the exact sum refuses an Inf, BCE_NEVER): w below 1 here */
        r->x = (uniform(s) - 0.5) * 2 * 1.7e308;
        r->w /= 4;
      }
    }
  }
}

/* Options (issue 21) over the kinds' rows: class weights give each row a
** denominator d, of 53 bits so that w*d is two doubles; reductions. */
static const double class_w[3] = {0.3, 5.0000000000000009, 0x1.fffffffffffffp-1};
static bce_options opt_pw, opt_cw;

static void make_options(dataset *d, uint64_t *s, int kind){
  int i;
  if( kind==7 ){
    /* bce(y, p, w, '{"pos_weight": 3, "reduction": "mean_over_rows"}') */
    make(d, s, 6);
    d->eps = -1.0;
    bce_options_init(&opt_pw);
    opt_pw.keys = BCE_OPT_POS_WEIGHT | BCE_OPT_REDUCTION;
    opt_pw.pos_weight = 3.0;
    opt_pw.reduction = BCE_REDUCTION_MEAN_OVER_ROWS;
    d->o = &opt_pw;
  }else{
    /* cce(y, p, w, '{"class_weight": [...], "eps": 1e-7}'), the rows'
    ** losses any within a class-weighted row's bound */
    make(d, s, 1);
    d->fn = BCE_STATE_CCE;
    bce_options_init(&opt_cw);
    opt_cw.keys = BCE_OPT_CLASS_WEIGHT | BCE_OPT_EPS;
    opt_cw.eps = 1e-7;
    opt_cw.class_weights = class_w;
    opt_cw.n_class_weights = 3;
    d->o = &opt_cw;
    for(i=0; i<d->n; i++) d->r[i].d = class_w[xorshift64(s) % 3];
  }
}

static double loss_of(const dataset *d, const row *r){
  if( d->fn==BCE_STATE_LOGITS ) return bce_logits_loss(r->y, r->x);
  return bce_loss(r->y, r->x, d->eps<0 ? BCE_DEFAULT_EPS : d->eps);
}

static void mean_start(const dataset *d, bce_mean *m){
  memset(m, 0, sizeof *m);
  m->weighted = d->weighted;
  if( BCE_STATE_HAS_EPS(d->fn) && d->eps>=0 ){
    m->eps = d->eps;
    m->hasEps = 1;
  }
}

/* The aggregate over rows [from, to) of order[] (a permutation). */
static void mean_of(const dataset *d, const int *order, int from, int to,
                    bce_mean *m){
  int i;
  mean_start(d, m);
  for(i=from; i<to; i++){
    const row *r = &d->r[order[i]];
    double l = loss_of(d, r);
    if( d->o==&opt_pw ) l *= r->y==1.0 ? 3.0 : 1.0;
    bce_mean_add_d(m, l, r->w, r->d, +1);
  }
}

/* The state of m with the dataset's options. */
static size_t enc(const dataset *d, bce_mean *m, unsigned char *out){
  return bce_state_encode_opt(m, d->fn, d->o, out, BCE_STATE_SMALL);
}

static size_t encode(const dataset *d, const int *order, int from, int to,
                     unsigned char *out){
  bce_mean m;
  mean_of(d, order, from, to, &m);
  return enc(d, &m, out);
}

static void shuffle(int *order, int n, uint64_t *s){
  int i;
  for(i=0; i<n; i++) order[i] = i;
  for(i=n-1; i>0; i--){
    int j = (int)(xorshift64(s) % (uint64_t)(i + 1)), t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

/* ------------------------------------------------------------ tests */

static void test_crc(void){
  char why[64];
  uint32_t c = bce_crc32c((const unsigned char*)"123456789", 9);
  snprintf(why, sizeof why, "got %08X", (unsigned)c);
  check(c==0xE3069283u, "CRC-32C of \"123456789\" is E3069283", why);
}

/* Decoding and merging into an empty mean, then encoding, gives the
** same bytes, and the same mean as the aggregate. */
static void round_trip(const dataset *d, const char *label){
  unsigned char a[BCE_STATE_SMALL], b[BCE_STATE_SMALL];
  int order[MAXROWS];
  size_t na, nb;
  bce_mean whole, back;
  bce_state st;
  double v1 = 0, v2 = 0;
  char name[96], why[128] = "";
  const char *w = 0;
  int ok;
  shuffle(order, d->n, &(uint64_t){1});
  mean_of(d, order, 0, d->n, &whole);
  na = enc(d, &whole, a);
  ok = na>0 && bce_state_decode(a, na, &st, &w)==BCE_STATE_OK;
  if( !ok ) snprintf(why, sizeof why, "decode: %s", w ? w : "encode gave 0");
  if( ok ){
    mean_start(d, &back);
    ok = bce_state_merge(&back, &st, +1)==BCE_STATE_OK;
    nb = bce_state_encode_raw(&back, st.fn, st.opt, st.nOpt, b, sizeof b);
    ok = ok && nb==na && memcmp(a, b, na)==0;
    if( !ok ) snprintf(why, sizeof why, "re-encoded bytes differ");
  }
  if( ok ){
    bce_reduction red = d->o ? d->o->reduction : BCE_REDUCTION_MEAN;
    bce_mean_status s1 = bce_mean_value_r(&whole, red, &v1);
    bce_mean_status s2 = bce_mean_value_r(&back, st.o.reduction, &v2);
    ok = s1==s2 && bce_bits(v1)==bce_bits(v2);
    if( !ok ) snprintf(why, sizeof why, "mean %a, after the trip %a", v1, v2);
  }
  snprintf(name, sizeof name, "round trip, %s (%zu bytes)", label, na);
  check(ok, name, why);
}

/* k random shards, in random orders, merged in a random order: the
** bytes of the whole.  Also merged two levels deep. */
static void split_merge(const dataset *d, uint64_t *s, const char *label){
  unsigned char whole[BCE_STATE_SMALL], part[BCE_STATE_SMALL], got[BCE_STATE_SMALL];
  int order[MAXROWS], cut[14];
  int k, trial, bad = 0;
  size_t nw, ng;
  char name[96], why[160] = "";
  shuffle(order, d->n, s);
  nw = encode(d, order, 0, d->n, whole);
  for(trial=0; trial<12 && !bad; trial++){
    bce_mean m, half[2];
    int i, j;
    k = 1 + trial;
    shuffle(order, d->n, s);
    cut[0] = 0;
    cut[k] = d->n;
    for(i=1; i<k; i++) cut[i] = (int)(xorshift64(s) % (uint64_t)(d->n + 1));
    /* sorted cuts; empty shards give no state, as bce_state() gives NULL */
    for(i=1; i<k; i++) for(j=i; j>1 && cut[j-1]>cut[j]; j--){
      int t = cut[j]; cut[j] = cut[j-1]; cut[j-1] = t;
    }
    memset(&m, 0, sizeof m);
    mean_start(d, &half[0]);
    mean_start(d, &half[1]);
    m.weighted = 0;   /* as bce_merge starts: weighted once a state is */
    for(i=0; i<k; i++){
      size_t np = encode(d, order, cut[i], cut[i+1], part);
      bce_state st;
      if( np==0 ) continue;
      if( bce_state_decode(part, np, &st, 0)!=BCE_STATE_OK
       || bce_state_merge(&m, &st, +1)!=BCE_STATE_OK
       || bce_state_merge(&half[i % 2], &st, +1)!=BCE_STATE_OK ){
        bad = 1;
        snprintf(why, sizeof why, "k=%d: a shard's state was refused", k);
      }
    }
    m.hasEps = half[0].hasEps;
    m.eps = half[0].eps;
    ng = enc(d, &m, got);
    if( !bad && (ng!=nw || memcmp(got, whole, nw)!=0) ){
      bad = 1;
      snprintf(why, sizeof why, "k=%d: merged %zu bytes, whole %zu", k, ng, nw);
    }
    /* two levels: the even and the odd shards, then the two */
    if( !bad ){
      bce_mean top;
      unsigned char h[BCE_STATE_SMALL];
      memset(&top, 0, sizeof top);
      for(i=0; i<2; i++){
        size_t nh = enc(d, &half[i], h);
        bce_state st;
        if( nh==0 ) continue;
        if( bce_state_decode(h, nh, &st, 0)!=BCE_STATE_OK
         || bce_state_merge(&top, &st, +1)!=BCE_STATE_OK ) bad = 1;
      }
      top.hasEps = half[0].hasEps;
      top.eps = half[0].eps;
      ng = enc(d, &top, got);
      if( bad || ng!=nw || memcmp(got, whole, nw)!=0 ){
        bad = 1;
        snprintf(why, sizeof why, "k=%d: two-level merge differs", k);
      }
    }
  }
  snprintf(name, sizeof name, "k = 1..12 shards merge to the whole's bytes, %s", label);
  check(!bad, name, why);
}

/* Merging a state in and out again leaves the bytes it started with: the
** inverse of a window of states. */
static void merge_inverse(const dataset *d, uint64_t *s, const char *label){
  unsigned char a[BCE_STATE_SMALL], b[BCE_STATE_SMALL], x[BCE_STATE_SMALL];
  int order[MAXROWS], half = d->n / 2;
  size_t na, nb, nx;
  bce_mean m;
  bce_state sa, sx;
  char name[96];
  int ok;
  shuffle(order, d->n, s);
  na = encode(d, order, 0, half, a);
  nx = encode(d, order, half, d->n, x);
  ok = bce_state_decode(a, na, &sa, 0)==BCE_STATE_OK
    && bce_state_decode(x, nx, &sx, 0)==BCE_STATE_OK;
  mean_start(d, &m);
  ok = ok && bce_state_merge(&m, &sa, +1)==BCE_STATE_OK
          && bce_state_merge(&m, &sx, +1)==BCE_STATE_OK
          && bce_state_merge(&m, &sx, -1)==BCE_STATE_OK;
  nb = enc(d, &m, b);
  snprintf(name, sizeof name, "a state merged in and out again, %s", label);
  check(ok && na==nb && memcmp(a, b, na)==0, name, "bytes differ");
}

/* Every single-bit change and every truncation is refused; so are longer
** states. */
static void damage(const dataset *d, const char *label){
  unsigned char a[BCE_STATE_SMALL + 8], t[BCE_STATE_SMALL + 8];
  int order[MAXROWS];
  size_t n, i, bits = 0, cuts = 0;
  int bit;
  bce_state st;
  char name[128], why[160] = "";
  shuffle(order, d->n, &(uint64_t){7});
  n = encode(d, order, 0, d->n, a);
  for(i=0; i<n && !why[0]; i++){
    for(bit=0; bit<8; bit++){
      memcpy(t, a, n);
      t[i] ^= (unsigned char)(1u << bit);
      if( bce_state_decode(t, n, &st, 0)==BCE_STATE_OK ){
        snprintf(why, sizeof why, "bit %d of byte %zu flipped: accepted", bit, i);
        break;
      }
      bits++;
    }
  }
  snprintf(name, sizeof name, "all %zu single-bit flips refused, %s", bits, label);
  check(!why[0] && bits==8*n, name, why);
  why[0] = 0;
  for(i=0; i<n; i++){
    if( bce_state_decode(a, i, &st, 0)!=BCE_STATE_TRUNCATED
     && (i>=3 || bce_state_decode(a, i, &st, 0)==BCE_STATE_OK) ){
      snprintf(why, sizeof why, "cut to %zu bytes: not refused as truncated", i);
      break;
    }
    cuts++;
  }
  snprintf(name, sizeof name, "all %zu truncations refused, %s", cuts, label);
  check(!why[0], name, why);
  memcpy(t, a, n);
  t[n] = 0;
  t[n+1] = 0x55;
  check(bce_state_decode(t, n + 1, &st, 0)==BCE_STATE_OVERLONG
        && bce_state_decode(t, n + 2, &st, 0)==BCE_STATE_OVERLONG,
        "a byte or two more is refused as over-long", "accepted");
}

/* ------------------------------------------------------ hand-made states */

/* Writes the length and the CRC of a state whose fields are in p[0, n),
** so that only the field under test is wrong. */
static size_t seal(unsigned char *p, size_t n){
  uint32_t c;
  p[4] = (unsigned char)((n + 4) & 0xff);
  p[5] = (unsigned char)((n + 4) >> 8);
  c = bce_crc32c(p, n);
  p[n] = (unsigned char)c;
  p[n+1] = (unsigned char)(c >> 8);
  p[n+2] = (unsigned char)(c >> 16);
  p[n+3] = (unsigned char)(c >> 24);
  return n + 4;
}

static void expect(const unsigned char *fields, size_t n,
                   bce_state_status want, const char *name){
  unsigned char p[64];
  bce_state st;
  const char *why = 0;
  char msg[160];
  bce_state_status got;
  size_t len;
  memcpy(p, fields, n);
  len = seal(p, n);
  got = bce_state_decode(p, len, &st, &why);
  snprintf(msg, sizeof msg, "status %d, want %d (%s)", (int)got, (int)want,
           why ? why : "no message");
  check(got==want && (got==BCE_STATE_OK || (why && why[0])), name, msg);
}

/* bce_logits over one row: y = 0, z = 0, loss ln 2 (0x1.62e42fefa39efp-1),
** whose 53 bits span limbs 32 and 33 (units 2^-1074). */
#define H 'B','C','E',1,0,0
static void test_hand_made(void){
  /* ln 2 = 0x162E42FEFA39EF * 2^-53: the integer times 2^1021, so bit 1021
  ** upwards: limb 31 holds bits 992..1023 */
  static const unsigned char ok_logits[] = {H, 2, 0, 1, 0,
    3, 31, 0x00,0x00,0x00,0xE0, 0x3D,0x47,0xDF,0x5F, 0xC8,0xC5,0x02,0x00};
  unsigned char p[40];
  uint64_t m = UINT64_C(0x162E42FEFA39EF);
  bce_state st;
  bce_mean mean;
  double v;
  size_t len;
  int ok;
  /* check the hand-made digits against the double itself */
  ok = bce_bits(ldexp((double)m, -53))==bce_bits(log(2.0))
    && ((m << 29) & 0xffffffffu)==0xE0000000u
    && (uint32_t)(m >> 3)==0x5FDF473Du && (uint32_t)(m >> 35)==0x2C5C8u;
  check(ok, "the hand-made ln 2 digits are ln 2", "arithmetic slip");
  expect(ok_logits, sizeof ok_logits, BCE_STATE_OK, "a hand-made state is read");
  memcpy(p, ok_logits, sizeof ok_logits);
  len = seal(p, sizeof ok_logits);
  memset(&mean, 0, sizeof mean);
  ok = bce_state_decode(p, len, &st, 0)==BCE_STATE_OK
    && bce_state_merge(&mean, &st, +1)==BCE_STATE_OK
    && bce_mean_value(&mean, &v)==BCE_MEAN_VALUE && v==log(2.0);
  check(ok, "and its mean is ln 2", "wrong value");
  {
    /* bce_logits(0, 0) as one row, encoded: the bytes of
    ** docs/state-format.md's example (version 2), whose CRC a Python
    ** CRC-32C gave; its version-1 bytes (0.2.0's example) are read as
    ** the same state, and merged give the version-2 bytes */
    static const unsigned char golden[] = {0x42,0x43,0x45,0x02,0x1F,0x00,
      0x00,0x00,0x02,0x00,0x00,0x01,0x00,0x03,0x1F,0x00,0x00,0x00,0xE0,0x3D,
      0x47,0xDF,0x5F,0xC8,0xC5,0x02,0x00,0xB3,0xE8,0xB2,0xC1};
    static const unsigned char golden_v1[] = {0x42,0x43,0x45,0x01,0x1C,0x00,
      0x02,0x00,0x01,0x00,0x03,0x1F,0x00,0x00,0x00,0xE0,0x3D,0x47,0xDF,0x5F,
      0xC8,0xC5,0x02,0x00,0x1B,0x5E,0x10,0xFA};
    unsigned char out[BCE_STATE_SMALL];
    bce_state s1;
    memset(&mean, 0, sizeof mean);
    bce_mean_add(&mean, bce_logits_loss(0.0, 0.0), 1.0, +1);
    len = bce_state_encode(&mean, BCE_STATE_LOGITS, out);
    check(len==sizeof golden && memcmp(out, golden, len)==0,
          "bce_logits(0, 0) encodes as the documented example",
          "other bytes");
    memset(&mean, 0, sizeof mean);
    ok = bce_state_decode(golden_v1, sizeof golden_v1, &s1, 0)==BCE_STATE_OK
      && s1.version==1 && s1.nOpt==1 && s1.opt[0]==0
      && bce_state_merge(&mean, &s1, +1)==BCE_STATE_OK;
    len = ok ? bce_state_encode_raw(&mean, s1.fn, s1.opt, s1.nOpt, out,
                                    sizeof out) : 0;
    check(len==sizeof golden && memcmp(out, golden, len)==0,
          "0.2.0's version-1 example is read, its options {}, and merged "
          "gives the version-2 bytes", "other bytes");
  }
  {
    unsigned char e[sizeof ok_logits];
    memcpy(e, ok_logits, sizeof e);
    e[6] = 5;
    expect(e, sizeof e, BCE_STATE_NONCANONICAL, "unknown function code refused");
    memcpy(e, ok_logits, sizeof e);
    e[6] = 0;
    expect(e, sizeof e, BCE_STATE_NONCANONICAL, "function code 0 refused");
    memcpy(e, ok_logits, sizeof e);
    e[7] = 2;
    expect(e, sizeof e, BCE_STATE_NONCANONICAL, "unknown flag refused");
    memcpy(e, ok_logits, sizeof e);
    e[8] = 0;
    expect(e, sizeof e, BCE_STATE_IMPOSSIBLE, "zero rows refused");
    memcpy(e, ok_logits, sizeof e);
    e[9] = 2;
    expect(e, sizeof e, BCE_STATE_IMPOSSIBLE, "more infinite rows than rows refused");
    memcpy(e, ok_logits, sizeof e);
    e[11] = 66;
    expect(e, sizeof e, BCE_STATE_NONCANONICAL, "limbs past the 68th refused");
  }
  {
    /* a count of 1 as two bytes: 0x81 0x00 */
    static const unsigned char longer[] = {H, 2, 0, 0x81, 0x00, 0,
      3, 31, 0x00,0x00,0x00,0xE0, 0x3D,0x47,0xDF,0x5F, 0xC8,0xC5,0x02,0x00};
    static const unsigned char zero_end[] = {H, 2, 0, 1, 0,
      4, 31, 0x00,0x00,0x00,0xE0, 0x3D,0x47,0xDF,0x5F, 0xC8,0xC5,0x02,0x00,
      0,0,0,0};
    static const unsigned char zero_start[] = {H, 2, 0, 1, 0,
      4, 30, 0,0,0,0, 0x00,0x00,0x00,0xE0, 0x9E,0xA3,0xEF,0x2F,
      0xE4,0x62,0x01,0x00};
    static const unsigned char left_over[] = {H, 2, 0, 1, 0,
      3, 31, 0x00,0x00,0x00,0xE0, 0x3D,0x47,0xDF,0x5F, 0xC8,0xC5,0x02,0x00, 0};
    static const unsigned char cut_sum[] = {H, 2, 0, 1, 0,
      3, 31, 0x00,0x00,0x00,0xE0, 0x3D,0x47,0xDF,0x5F};
    static const unsigned char zero_sum[] = {H, 2, 0, 1, 0, 0};
    /* bce with eps = -0 (bits 8000000000000000), and eps = 0.5 */
    static const unsigned char neg_eps[] = {H, 1, 0, 0,0,0,0,0,0,0,0x80,
      1, 0, 0};
    static const unsigned char half_eps[] = {H, 1, 0, 0,0,0,0,0,0,0xE0,0x3F,
      1, 0, 0};
    static const unsigned char zero_eps[] = {H, 1, 0, 0,0,0,0,0,0,0,0,
      1, 0, 0};
    /* weighted: 1 row of weight 0 (so no loss, no weight) */
    static const unsigned char w_zero[] = {H, 2, 1, 1, 0, 0, 0, 0, 0, 0};
    static const unsigned char w_zero_with_loss[] = {H, 2, 1, 1, 0, 0, 0,
      1, 40, 1,0,0,0, 0, 0};
    static const unsigned char w_tiny_without_count[] = {H, 2, 1, 1, 1, 0, 0,
      0, 1, 40, 1,0,0,0, 1, 3, 1,0,0,0};
    static const unsigned char w_no_weight[] = {H, 2, 1, 1, 1, 0, 0, 0, 0, 0};
    expect(longer, sizeof longer, BCE_STATE_NONCANONICAL, "a count not in its shortest form refused");
    expect(zero_end, sizeof zero_end, BCE_STATE_NONCANONICAL, "a zero top limb refused");
    expect(zero_start, sizeof zero_start, BCE_STATE_NONCANONICAL, "a zero bottom limb refused");
    expect(left_over, sizeof left_over, BCE_STATE_NONCANONICAL, "a byte between the fields and the CRC refused");
    expect(cut_sum, sizeof cut_sum, BCE_STATE_NONCANONICAL, "a sum cut short (length and CRC fixed up) refused");
    expect(zero_sum, sizeof zero_sum, BCE_STATE_OK, "a zero loss sum is one byte");
    expect(neg_eps, sizeof neg_eps, BCE_STATE_NONCANONICAL, "eps = -0 refused (written as +0)");
    expect(half_eps, sizeof half_eps, BCE_STATE_NONCANONICAL, "eps = 0.5 refused");
    expect(zero_eps, sizeof zero_eps, BCE_STATE_OK, "eps = 0 read");
    expect(w_zero, sizeof w_zero, BCE_STATE_OK, "a weighted state of one row of weight 0 read");
    expect(w_zero_with_loss, sizeof w_zero_with_loss, BCE_STATE_IMPOSSIBLE, "a loss without a row of weight > 0 refused");
    expect(w_tiny_without_count, sizeof w_tiny_without_count, BCE_STATE_IMPOSSIBLE, "a tiny sum without tiny rows refused");
    expect(w_no_weight, sizeof w_no_weight, BCE_STATE_IMPOSSIBLE, "rows of weight > 0 with no sum of weights refused");
  }
  {
    /* each field cut short, with the length and CRC fixed up: the
    ** structure itself is checked, not only the length field */
    static const unsigned char no_counts[] = {H, 1, 0, 0,0,0,0,0,0,0,0};
    static const unsigned char short_eps[] = {H, 1, 0, 0,0,0,0,0,0,0};
    static const unsigned char no_lo[] = {H, 2, 0, 1, 0, 3};
    static const unsigned char w_no_inf[] = {H, 2, 1, 1, 1, 0};
    static const unsigned char w_no_tiny[] = {H, 2, 1, 1, 1, 0, 0, 0};
    static const unsigned char w_no_tiny_sum[] = {H, 2, 1, 1, 1, 0, 0, 0,
      1, 40, 1,0,0,0};
    static const unsigned char u_no_inf[] = {H, 2, 0, 1, 0x80, 0, 0};
    static const unsigned char count_9[] = {H, 2, 0,
      0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff, 0, 0};
    static const unsigned char many_limbs[] = {H, 2, 0, 1, 0, 69, 0};
    static const unsigned char neg_eps[] = {H, 1, 0, 0,0,0,0,0,0,0xD0,0xBF,
      1, 0, 0};
    /* weighted counts that contradict each other */
    static const unsigned char w_pos_gt_rows[] = {H, 2, 1, 1, 2, 0, 0, 0,
      1, 40, 1,0,0,0, 0};
    static const unsigned char w_inf_gt_pos[] = {H, 2, 1, 2, 1, 2, 0, 0,
      1, 40, 1,0,0,0, 0};
    static const unsigned char w_tiny_gt[] = {H, 2, 1, 2, 2, 1, 2, 1, 40,
      1,0,0,0, 1, 40, 1,0,0,0, 1, 3, 1,0,0,0};
    static const unsigned char short_len[] = {H, 2, 0, 1, 0};
    static const unsigned char pw_no_pos[] = {H, 1, 1, 0,0,0,0,0,0,0,0, 1};
    static const unsigned char pw_no_inf[] = {H, 1, 1, 0,0,0,0,0,0,0,0, 1, 1};
    expect(no_counts, sizeof no_counts, BCE_STATE_NONCANONICAL, "a bce state without counts refused");
    expect(short_eps, sizeof short_eps, BCE_STATE_NONCANONICAL, "a bce state whose eps is cut short refused");
    expect(no_lo, sizeof no_lo, BCE_STATE_NONCANONICAL, "a sum without its first limb's index refused");
    expect(w_no_inf, sizeof w_no_inf, BCE_STATE_NONCANONICAL, "a weighted state cut in its counts refused");
    expect(w_no_tiny, sizeof w_no_tiny, BCE_STATE_NONCANONICAL, "a weighted state without its weight sum refused");
    expect(w_no_tiny_sum, sizeof w_no_tiny_sum, BCE_STATE_NONCANONICAL, "a weighted state without its tiny sum refused");
    expect(u_no_inf, sizeof u_no_inf, BCE_STATE_NONCANONICAL, "a count whose last byte is missing refused");
    expect(count_9, sizeof count_9, BCE_STATE_NONCANONICAL, "a count of 9 continued bytes (2^63 and more) refused");
    expect(many_limbs, sizeof many_limbs, BCE_STATE_NONCANONICAL, "69 limbs refused");
    expect(neg_eps, sizeof neg_eps, BCE_STATE_NONCANONICAL, "eps = -0.25 refused");
    expect(w_pos_gt_rows, sizeof w_pos_gt_rows, BCE_STATE_IMPOSSIBLE, "more rows of weight > 0 than rows refused");
    expect(w_inf_gt_pos, sizeof w_inf_gt_pos, BCE_STATE_IMPOSSIBLE, "more infinite rows than rows of weight > 0 refused");
    expect(w_tiny_gt, sizeof w_tiny_gt, BCE_STATE_IMPOSSIBLE, "more tiny and infinite rows than rows of weight > 0 refused");
    expect(pw_no_pos, sizeof pw_no_pos, BCE_STATE_NONCANONICAL, "a weighted bce state cut after its rows refused");
    expect(pw_no_inf, sizeof pw_no_inf, BCE_STATE_NONCANONICAL, "a weighted bce state cut after its rows of weight > 0 refused");
    expect(short_len, sizeof short_len, BCE_STATE_NONCANONICAL, "a 14-byte state (length field 14) refused");
  }
  {
    /* a length field past 1 KB that matches the bytes, with a valid CRC:
    ** no version-1 state is longer */
    static unsigned char big[1024 + 8];
    bce_state st2;
    const char *why = 0;
    size_t len;
    memset(big, 0, sizeof big);
    memcpy(big, (const unsigned char[]){'B','C','E',1,0,0,2,0,1,0,0}, 11);
    len = seal(big, 1024 + 1);
    check(bce_state_decode(big, len, &st2, &why)==BCE_STATE_NONCANONICAL,
          "a version-1 state of more than 1 KB (its length field agreeing) "
          "refused", why ? why : "accepted");
  }
  {
    static const unsigned char other[] = {'S','Q','L','i','t','e'};
    static const unsigned char v2[] = {'B','C','E',3,20,0,2,0};
    bce_state st2;
    const char *why = 0;
    check(bce_state_decode(other, sizeof other, &st2, &why)==BCE_STATE_MAGIC
          && why, "another BLOB is refused as not a state", "accepted");
    check(bce_state_decode(other, 1, &st2, &why)==BCE_STATE_MAGIC,
          "a one-byte BLOB that is not 'B' is not a state", "accepted");
    check(bce_state_decode(v2, sizeof v2, &st2, &why)==BCE_STATE_BAD_VERSION
          && st2.version==3, "version 3 is refused by name", "accepted");
    check(bce_state_decode(other, 0, &st2, &why)==BCE_STATE_TRUNCATED,
          "an empty BLOB is a truncated state", "accepted");
  }
}

/* ------------------------------------------------------------ meaning */

/* m encoded as a state of fn, then read: the status wanted. */
static void mean_case(bce_mean *m, bce_state_fn fn, bce_state_status want,
                      const char *name){
  unsigned char out[BCE_STATE_SMALL];
  bce_state st;
  const char *why = 0;
  char msg[300];
  size_t n = bce_state_encode(m, fn, out);
  bce_state_status got = n ? bce_state_decode(out, n, &st, &why)
                           : BCE_STATE_TRUNCATED;
  snprintf(msg, sizeof msg, "status %d, want %d (%s)", (int)got, (int)want,
           why ? why : "no message");
  check(got==want && (got==BCE_STATE_OK || (why && why[0])), name, msg);
}

/* A mean of rows rows (weighted: all of w > 0), inf of them infinite,
** whose loss sum is a + b exactly. */
static void mean_set(bce_mean *m, int weighted, int64_t rows, int64_t inf,
                     double a, double b){
  memset(m, 0, sizeof *m);
  m->weighted = weighted;
  m->nRow = m->nWeight = rows;
  m->nInf = inf;
  m->hasEps = 1;                 /* eps = 0: infinite losses can be */
  bce_sum_add(&m->loss, a, +1);
  bce_sum_add(&m->loss, b, +1);
}

/* The rules of docs/state-format.md's "Meaning", each at its bound: a
** state there is read, one unit of 2^-1074 past it refused.  The bounds
** are of the loss a row can have (-ln 2^-1074 = 744.44 for bce and cce,
** DBL_MAX for bce_logits, 2 DBL_MAX for cce_logits), not of the code. */
static void test_meaning(void){
  static const unsigned char forged[] = {0x42,0x43,0x45,0x01,0x14,0x00,0x02,
    0x00,0x01,0x00,0x01,0x43,0x00,0x00,0x00,0xc0,0x96,0x82,0x5e,0xed};
  const double u = 0x1p-1074, dmax = 1.7976931348623157e308;
  bce_mean m;
  bce_state st;
  const char *why = 0;
  int i;
  /* issue 20: one bce_logits row with a loss sum of 3 2^1100; two copies
  ** made bce_merge() +Inf and bce_merge_state() NULL */
  check(bce_state_decode(forged, sizeof forged, &st, &why)==BCE_STATE_IMPOSSIBLE
        && why && strstr(why, "loss sum of 2^1101.58 over 1 finite row"),
        "the forged 1-row state of loss 3 2^1100 refused, its sum named",
        why ? why : "accepted");
  /* unweighted: 745 a row for bce and cce */
  mean_set(&m, 0, 1, 0, 745.0, 0.0);
  mean_case(&m, BCE_STATE_PROB, BCE_STATE_OK, "bce: a loss of 745 over 1 row read");
  mean_case(&m, BCE_STATE_CCE, BCE_STATE_OK, "cce: a loss of 745 over 1 row read");
  mean_set(&m, 0, 1, 0, 745.0, u);
  mean_case(&m, BCE_STATE_PROB, BCE_STATE_IMPOSSIBLE, "bce: a loss past 745 over 1 row refused");
  mean_case(&m, BCE_STATE_CCE, BCE_STATE_IMPOSSIBLE, "cce: a loss past 745 over 1 row refused");
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_OK, "bce_logits: the same loss read");
  mean_set(&m, 0, 3, 1, 1490.0, 0.0);
  mean_case(&m, BCE_STATE_PROB, BCE_STATE_OK, "bce: 1490 over 2 finite rows of 3 read");
  mean_set(&m, 0, 3, 1, 1490.0, u);
  mean_case(&m, BCE_STATE_PROB, BCE_STATE_IMPOSSIBLE, "bce: past 1490 over 2 finite rows of 3 refused");
  mean_set(&m, 0, 2, 2, u, 0.0);
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_IMPOSSIBLE, "a loss sum with every row infinite refused");
  /* bce_logits: 2^1024 a row */
  mean_set(&m, 0, 1, 0, dmax, 0x1p971);
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_OK, "bce_logits: 2^1024 over 1 row read");
  m.nRow = 2;
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_OK, "bce_logits: 2^1024 over 2 rows read");
  mean_set(&m, 0, 1, 0, dmax, 0x1p971);
  bce_sum_add(&m.loss, u, +1);
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_IMPOSSIBLE, "bce_logits: past 2^1024 over 1 row refused");
  /* cce_logits: a row of 2 DBL_MAX (m - z_c, carried halved) is read, and
  ** the bound is 2^1026 */
  mean_set(&m, 0, 1, 0, dmax, dmax);
  mean_case(&m, BCE_STATE_CCE_LOGITS, BCE_STATE_OK, "cce_logits: 2 DBL_MAX over 1 row read");
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_IMPOSSIBLE, "bce_logits: 2 DBL_MAX over 1 row refused");
  bce_sum_add(&m.loss, dmax, +1);
  bce_sum_add(&m.loss, dmax, +1);
  bce_sum_add(&m.loss, 0x1p973, +1);
  mean_case(&m, BCE_STATE_CCE_LOGITS, BCE_STATE_OK, "cce_logits: 2^1026 over 1 row read");
  bce_sum_add(&m.loss, u, +1);
  mean_case(&m, BCE_STATE_CCE_LOGITS, BCE_STATE_IMPOSSIBLE, "cce_logits: past 2^1026 over 1 row refused");
  /* weighted: 745 a unit of weight for bce, and DBL_MAX a row */
  mean_set(&m, 1, 1, 0, 745.0, 0.0);
  bce_sum_add(&m.weight, 1.0, +1);
  mean_case(&m, BCE_STATE_PROB, BCE_STATE_OK, "weighted bce: 745 over w = 1 read");
  bce_sum_add(&m.loss, u, +1);
  mean_case(&m, BCE_STATE_PROB, BCE_STATE_IMPOSSIBLE, "weighted bce: past 745 over w = 1 refused");
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_OK, "weighted bce_logits: the same read");
  mean_set(&m, 1, 1, 0, dmax, 0x1p971);
  bce_sum_add(&m.weight, dmax, +1);
  mean_case(&m, BCE_STATE_PROB, BCE_STATE_OK, "weighted bce: 2^1024 over w = DBL_MAX read");
  bce_sum_add(&m.loss, u, +1);
  mean_case(&m, BCE_STATE_PROB, BCE_STATE_IMPOSSIBLE, "weighted bce: past 2^1024 in 1 row refused");
  mean_case(&m, BCE_STATE_CCE_LOGITS, BCE_STATE_OK, "weighted cce_logits: the same read");
  mean_set(&m, 1, 2, 0, dmax, dmax);
  bce_sum_add(&m.weight, 1.0, +1);
  mean_case(&m, BCE_STATE_CCE_LOGITS, BCE_STATE_OK, "weighted cce_logits: 2 DBL_MAX over w = 1 read");
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_IMPOSSIBLE, "weighted bce_logits: 2 DBL_MAX over w = 1 refused");
  /* the weight sum: each w > 0 is in [2^-1074, DBL_MAX] */
  mean_set(&m, 1, 3, 0, 0.0, 0.0);
  bce_sum_add(&m.weight, 3*u, +1);
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_OK, "3 rows of weight 2^-1074 read");
  bce_sum_add(&m.weight, u, -1);
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_IMPOSSIBLE, "3 rows of w > 0 weighing 2^-1073 refused");
  mean_set(&m, 1, 1, 0, 0.0, 0.0);
  bce_sum_add(&m.weight, dmax, +1);
  bce_sum_add(&m.weight, 0x1p971, +1);
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_OK, "1 row weighing 2^1024 read (a bound, not DBL_MAX)");
  bce_sum_add(&m.weight, u, +1);
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_IMPOSSIBLE, "1 row weighing past 2^1024 refused");
  m.nRow = 2;
  m.nWeight = 0;
  mean_case(&m, BCE_STATE_LOGITS, BCE_STATE_IMPOSSIBLE, "a weight sum without a row of w > 0 refused");
  /* the tiny sum: each product below 2^-1022, 2^52 once scaled */
  mean_set(&m, 1, 2, 0, 0.0, 0.0);
  bce_sum_add(&m.weight, 1.0, +1);
  m.nTiny = 2;
  bce_sum_add(&m.tiny, 0x1p53, +1);
  mean_case(&m, BCE_STATE_PROB, BCE_STATE_OK, "tiny products of 2^-1021 over 2 tiny rows read");
  bce_sum_add(&m.tiny, u, +1);
  mean_case(&m, BCE_STATE_PROB, BCE_STATE_IMPOSSIBLE, "tiny products past 2^-1021 over 2 tiny rows refused");
  /* eps > 0 keeps every loss finite, but for bce only where 1 - eps
  ** rounds below 1: at eps <= 2^-54 the top of the clip is 1 and
  ** bce(0, 1, 1, eps) is +Inf (the fuzzer's state of eps 2^-584 was
  ** refused) */
  for(i=0; i<2; i++){
    mean_set(&m, i, 2, 1, 1.0, 0.0);
    if( i ) bce_sum_add(&m.weight, 2.0, +1);
    m.hasEps = 1;
    m.eps = 0.0;
    mean_case(&m, BCE_STATE_PROB, BCE_STATE_OK, i ? "weighted bce: an infinite loss with eps = 0 read" : "bce: an infinite loss with eps = 0 read");
    mean_case(&m, BCE_STATE_CCE, BCE_STATE_OK, i ? "weighted cce: an infinite loss with eps = 0 read" : "cce: an infinite loss with eps = 0 read");
    m.eps = 1e-300;
    mean_case(&m, BCE_STATE_PROB, BCE_STATE_OK, i ? "weighted bce: an infinite loss with eps = 1e-300 read (1 - eps is 1)" : "bce: an infinite loss with eps = 1e-300 read (1 - eps is 1)");
    mean_case(&m, BCE_STATE_CCE, BCE_STATE_IMPOSSIBLE, i ? "weighted cce: an infinite loss with eps = 1e-300 refused" : "cce: an infinite loss with eps = 1e-300 refused");
    m.eps = 0x1p-54;
    mean_case(&m, BCE_STATE_PROB, BCE_STATE_OK, i ? "weighted bce: an infinite loss with eps = 2^-54 read (1 - eps is 1)" : "bce: an infinite loss with eps = 2^-54 read (1 - eps is 1)");
    m.eps = nextafter(0x1p-54, 1.0);
    mean_case(&m, BCE_STATE_PROB, BCE_STATE_IMPOSSIBLE, i ? "weighted bce: an infinite loss with eps just above 2^-54 refused" : "bce: an infinite loss with eps just above 2^-54 refused");
    m.eps = 0x1p-53;
    mean_case(&m, BCE_STATE_PROB, BCE_STATE_IMPOSSIBLE, i ? "weighted bce: an infinite loss with eps = 2^-53 refused" : "bce: an infinite loss with eps = 2^-53 refused");
    m.hasEps = 0;
    mean_case(&m, BCE_STATE_PROB, BCE_STATE_IMPOSSIBLE, i ? "weighted bce: an infinite loss with the default eps refused" : "bce: an infinite loss with the default eps refused");
  }
}

/* The largest states aggregates make, doubled by merging until 2^62 rows:
** each is read (no bound refuses a state that rows can make), and its
** sums stay within the 68 limbs.  One row each at its largest loss:
** bce(1, 5e-324, 1, 0), bce_logits(1, -DBL_MAX), 2 DBL_MAX for
** cce_logits (carried halved), and weighted w*l = DBL_MAX. */
static void test_largest(void){
  const double dmax = 1.7976931348623157e308;
  static const char *names[] = {
    "bce(1, 5e-324, 1, 0)", "bce(1, 5e-324, 1e300, 0)",
    "bce_logits(1, -DBL_MAX)", "bce_logits(1, -DBL_MAX, 1)",
    "cce_logits at 2 DBL_MAX", "cce_logits at 2 DBL_MAX, w = 1",
    "bce(1, 0.5, DBL_MAX/2) and a tiny product"
  };
  int k;
  for(k=0; k<7; k++){
    unsigned char out[BCE_STATE_SMALL];
    bce_mean m;
    bce_state st;
    const char *why = "";
    bce_state_fn fn = k<2 || k==6 ? BCE_STATE_PROB
                    : k<4 ? BCE_STATE_LOGITS : BCE_STATE_CCE_LOGITS;
    char name[160];
    int d = 0, ok = 1;
    size_t n;
    memset(&m, 0, sizeof m);
    m.hasEps = 1;
    switch( k ){
      case 0: bce_mean_add(&m, bce_loss(1.0, 5e-324, 0.0), 1.0, +1); break;
      case 1:
        m.weighted = 1;
        bce_mean_add(&m, bce_loss(1.0, 5e-324, 0.0), 1e300, +1);
        break;
      case 2: case 3:
        m.weighted = k==3;
        bce_mean_add(&m, bce_logits_loss(1.0, -dmax), 1.0, +1);
        break;
      case 4: case 5:
        m.weighted = k==5;
        m.nRow = m.nWeight = 1;
        bce_sum_add(&m.loss, dmax, +1);
        bce_sum_add(&m.loss, dmax, +1);
        if( k==5 ) bce_sum_add(&m.weight, 1.0, +1);
        break;
      default:
        m.weighted = 1;
        bce_mean_add(&m, bce_loss(1.0, 0.5, 0.0), dmax/2, +1);
        bce_mean_add(&m, bce_loss(0.0, 0x1p-700, 0.0), 0x1p-500, +1);
        break;
    }
    for(d=0; ok; d++){
      n = bce_state_encode(&m, fn, out);
      ok = n>0 && bce_state_decode(out, n, &st, &why)==BCE_STATE_OK
        && st.nRow==m.nRow;
      if( m.nRow>=INT64_C(1) << 62 ) break;
      ok = ok && bce_state_merge(&m, &st, +1)==BCE_STATE_OK;
    }
    snprintf(name, sizeof name, "%s: read at each doubling up to 2^62 rows (%d)",
             names[k], d);
    if( ok && k==6 && m.nTiny!=INT64_C(1) << 61 ){
      ok = 0;
      why = "no tiny product";
    }
    check(ok, name, why ? why : "refused");
  }
}

/* Mixing: an unweighted state merged with a weighted one gives the bytes
** of the weighted state of all rows, the unweighted rows with w = 1. */
static void test_mixing(uint64_t *s){
  dataset *u = calloc(1, sizeof *u), *w = calloc(1, sizeof *w);
  unsigned char a[BCE_STATE_SMALL], b[BCE_STATE_SMALL], whole[BCE_STATE_SMALL];
  unsigned char got[BCE_STATE_SMALL];  /* sa and sb point into a and b */
  int order[MAXROWS], i, ok;
  size_t na, nb, nw, ng;
  bce_mean m, all;
  bce_state sa, sb;
  make(u, s, 0);
  make(w, s, 6);
  w->eps = -1.0;
  for(i=0; i<MAXROWS; i++) order[i] = i;
  na = encode(u, order, 0, u->n, a);
  nb = encode(w, order, 0, w->n, b);
  memset(&all, 0, sizeof all);
  all.weighted = 1;
  for(i=0; i<u->n; i++) bce_mean_add(&all, loss_of(u, &u->r[i]), 1.0, +1);
  for(i=0; i<w->n; i++) bce_mean_add(&all, loss_of(w, &w->r[i]), w->r[i].w, +1);
  nw = bce_state_encode(&all, BCE_STATE_PROB, whole);
  memset(&m, 0, sizeof m);
  ok = bce_state_decode(a, na, &sa, 0)==BCE_STATE_OK
    && bce_state_decode(b, nb, &sb, 0)==BCE_STATE_OK
    && !sa.weighted && sb.weighted
    && bce_state_merge(&m, &sa, +1)==BCE_STATE_OK
    && bce_state_merge(&m, &sb, +1)==BCE_STATE_OK;
  ng = bce_state_encode(&m, BCE_STATE_PROB, got);
  check(ok && ng==nw && memcmp(got, whole, nw)==0,
        "unweighted then weighted merge as w = 1", "bytes differ");
  memset(&m, 0, sizeof m);
  ok = bce_state_merge(&m, &sb, +1)==BCE_STATE_OK
    && bce_state_merge(&m, &sa, +1)==BCE_STATE_OK;
  ng = bce_state_encode(&m, BCE_STATE_PROB, got);
  check(ok && ng==nw && memcmp(got, whole, nw)==0,
        "weighted then unweighted merge as w = 1", "bytes differ");
  free(u);
  free(w);
}

/* 2^62 rows twice is past 2^63 - 1: refused, not wrapped around. */
static void test_overflow(void){
  static const unsigned char big[] = {0x42,0x43,0x45,0x01,0x17,0x00,0x02,
    0x00,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x40,0x00,0x00,0x3A,0xD7,
    0x3F,0x85};
  bce_state st;
  bce_mean m;
  int ok;
  memset(&m, 0, sizeof m);
  ok = bce_state_decode(big, sizeof big, &st, 0)==BCE_STATE_OK
    && st.nRow==INT64_C(1) << 62
    && bce_state_merge(&m, &st, +1)==BCE_STATE_OK
    && bce_state_merge(&m, &st, +1)==BCE_STATE_OVERFLOW
    && m.nRow==INT64_C(1) << 62;
  check(ok, "merging past 2^63 - 1 rows is refused and leaves the mean as it was",
        "wrapped or accepted");
}

/* More merges than BCE_SUM_FLUSH operations: the limbs are normalized on
** the way, and the bytes are those of the rows added one by one. */
static void test_many_merges(void){
  unsigned char one[BCE_STATE_SMALL], a[BCE_STATE_SMALL], b[BCE_STATE_SMALL];
  bce_mean m, rows;
  bce_state st;
  size_t n1, na, nb;
  int i, ok, count = BCE_SUM_FLUSH + 1000;
  double l = bce_loss(1.0, 0.3, BCE_DEFAULT_EPS);
  memset(&m, 0, sizeof m);
  memset(&rows, 0, sizeof rows);
  bce_mean_add(&m, l, 1.0, +1);
  n1 = bce_state_encode(&m, BCE_STATE_PROB, one);
  ok = bce_state_decode(one, n1, &st, 0)==BCE_STATE_OK;
  memset(&m, 0, sizeof m);
  for(i=0; i<count && ok; i++){
    ok = bce_state_merge(&m, &st, +1)==BCE_STATE_OK;
    bce_mean_add(&rows, l, 1.0, +1);
  }
  na = bce_state_encode(&m, BCE_STATE_PROB, a);
  nb = bce_state_encode(&rows, BCE_STATE_PROB, b);
  check(ok && na==nb && memcmp(a, b, na)==0,
        "2^17 + 1000 merges of one state = the state of those rows", "bytes differ");
}

/* The longest state: all 68 limbs of all three sums in use. */
static void test_longest(void){
  bce_mean m;
  unsigned char out[BCE_STATE_SMALL];
  size_t n;
  int i;
  char why[64];
  memset(&m, 0, sizeof m);
  m.weighted = 1;
  m.nRow = m.nWeight = INT64_MAX;
  m.nTiny = INT64_MAX / 2;
  m.nInf = INT64_MAX / 2;
  for(i=0; i<BCE_SUM_LIMBS; i++){
    m.loss.limb[i] = m.weight.limb[i] = m.tiny.limb[i] = 0xffffffff;
  }
  n = bce_state_encode(&m, BCE_STATE_PROB, out);
  char name[128];
  snprintf(why, sizeof why, "%zu bytes", n);
  snprintf(name, sizeof name, "the longest state without arrays in its "
           "options fits in 1 KB (%zu bytes)", n);
  check(n>0 && n<=BCE_STATE_SMALL, name, why);
}


/* ------------------------------------------------- version 2: options */

static void golden_options(const golden_v2 *g, bce_options *o){
  bce_options_init(o);
  o->keys = g->keys;
  o->eps = g->eps;
  o->pos_weight = g->pos_weight;
  o->pos_weights = g->npw ? g->pw : 0;
  o->n_pos_weights = g->npw;
  o->smoothing = g->smoothing;
  o->gamma = g->gamma;
  o->alpha = g->alpha;
  o->alphas = g->nal ? g->al : 0;
  o->n_alphas = g->nal;
  o->class_weights = g->ncw ? g->cw : 0;
  o->n_class_weights = g->ncw;
  o->ignore_index = g->ignore_index;
  o->reduction = (bce_reduction)g->reduction;
}

static void hex_of(const unsigned char *p, size_t n, char *out){
  size_t i;
  for(i=0; i<n; i++) sprintf(out + 2*i, "%02X", p[i]);
  out[2*n] = 0;
}

/* The rows [from, to) of a golden case, backwards when back. */
static void golden_mean(const golden_v2 *g, int from, int to, int back,
                        bce_mean *m){
  int i;
  memset(m, 0, sizeof *m);
  m->weighted = g->weighted;
  for(i=from; i<to; i++){
    const double *r = g->rows[back ? to - 1 - (i - from) : i];
    bce_mean_add_d(m, r[0], r[1], r[2], +1);
  }
}

/* Every single-bit flip and truncation of a state refused: of every byte,
** or (stride > 1, a long state, whose every decode runs the CRC over it
** all) of the first 128 and last 64 and every stride-th between. */
static size_t next_byte(size_t i, size_t n, size_t stride){
  if( i + 1<128 || i + 1 + 64>=n ) return i + 1;
  return i + stride<n - 64 ? i + stride : n - 64;
}

static void damage_bytes(const unsigned char *a, size_t n, size_t stride,
                         const char *label){
  unsigned char *t = malloc(n + 2);
  size_t i, bits = 0, bytes = 0, cuts = 0;
  int bit;
  bce_state st;
  char name[200], why[160] = "";
  if( t==0 ) return;
  for(i=0; i<n && !why[0]; i=next_byte(i, n, stride)){
    bytes++;
    for(bit=0; bit<8; bit++){
      memcpy(t, a, n);
      t[i] ^= (unsigned char)(1u << bit);
      if( bce_state_decode(t, n, &st, 0)==BCE_STATE_OK ){
        snprintf(why, sizeof why, "bit %d of byte %zu flipped: accepted", bit, i);
        break;
      }
      bits++;
    }
  }
  for(i=0; i<n && !why[0]; i=next_byte(i, n, stride)){
    cuts++;
    if( bce_state_decode(a, i, &st, 0)==BCE_STATE_OK ){
      snprintf(why, sizeof why, "cut to %zu bytes: accepted", i);
    }
  }
  memcpy(t, a, n);
  t[n] = 0;
  if( !why[0] && bce_state_decode(t, n + 1, &st, 0)!=BCE_STATE_OVERLONG ){
    snprintf(why, sizeof why, "a byte more: not refused as over-long");
  }
  snprintf(name, sizeof name, "%zu bit flips (of %zu bytes), %zu "
           "truncations and a byte more refused, %s", bits, n, cuts, label);
  check(!why[0] && bits==8*bytes, name, why);
  free(t);
}

/* The golden version-2 states of the Python implementation: the same
** rows give the same bytes and the same value of the reduction; read,
** merged and written again they are the same bytes; split into shards
** at every row and merged, too. */
static void test_golden_v2(void){
  size_t k;
  for(k=0; k<sizeof state_golden_v2/sizeof state_golden_v2[0]; k++){
    const golden_v2 *g = &state_golden_v2[k];
    unsigned char out[BCE_STATE_SMALL], again[BCE_STATE_SMALL];
    unsigned char part[2][BCE_STATE_SMALL];
    char hex[2*BCE_STATE_SMALL + 1], name[200], why[2*BCE_STATE_SMALL + 64];
    bce_options o;
    bce_mean m, back;
    bce_state st;
    double v = 0;
    size_t n, n2;
    int ok, cut, bad = 0;
    golden_options(g, &o);
    golden_mean(g, 0, g->nRow, 0, &m);
    n = bce_state_encode_opt(&m, (bce_state_fn)g->fn, &o, out, sizeof out);
    hex_of(out, n, hex);
    snprintf(why, sizeof why, "got %s", hex);
    snprintf(name, sizeof name, "golden v2: %s: the Python bytes", g->name);
    check(n<=sizeof out && strcmp(hex, g->hex)==0, name, why);
    ok = bce_mean_value_r(&m, o.reduction, &v)==BCE_MEAN_VALUE
      && bce_bits(v)==bce_bits(g->value);
    snprintf(why, sizeof why, "got %a, want %a", v, g->value);
    snprintf(name, sizeof name, "golden v2: %s: the value of its reduction "
             "(exact fractions, rounded once)", g->name);
    check(ok, name, why);
    memset(&back, 0, sizeof back);
    ok = bce_state_decode(out, n, &st, 0)==BCE_STATE_OK
      && st.version==2 && st.o.keys==g->keys
      && (int)st.o.reduction==g->reduction
      && bce_state_merge(&back, &st, +1)==BCE_STATE_OK;
    n2 = ok ? bce_state_encode_raw(&back, st.fn, st.opt, st.nOpt, again,
                                   sizeof again) : 0;
    snprintf(name, sizeof name, "golden v2: %s: read, merged, written: the "
             "same bytes", g->name);
    check(ok && n2==n && memcmp(out, again, n)==0, name, "differ");
    for(cut=1; cut<g->nRow && !bad; cut++){
      bce_mean top;
      bce_state sp[2];
      size_t np[2];
      int i;
      memset(&top, 0, sizeof top);
      for(i=0; i<2; i++){
        bce_mean sh;
        golden_mean(g, i ? cut : 0, i ? g->nRow : cut, i, &sh);
        np[i] = bce_state_encode_opt(&sh, (bce_state_fn)g->fn, &o, part[i],
                                     sizeof part[i]);
        if( bce_state_decode(part[i], np[i], &sp[i], 0)!=BCE_STATE_OK
         || sp[i].nOpt!=sp[0].nOpt
         || memcmp(sp[i].opt, sp[0].opt, sp[0].nOpt)!=0 ){
          bad = 1;
        }
      }
      /* merged the other way round: the second shard first */
      bad = bad || bce_state_merge(&top, &sp[1], +1)!=BCE_STATE_OK
                || bce_state_merge(&top, &sp[0], +1)!=BCE_STATE_OK;
      n2 = bce_state_encode_raw(&top, sp[0].fn, sp[0].opt, sp[0].nOpt,
                                again, sizeof again);
      bad = bad || n2!=n || memcmp(out, again, n)!=0
                || bce_mean_value_r(&top, sp[0].o.reduction, &v)!=BCE_MEAN_VALUE
                || bce_bits(v)!=bce_bits(g->value);
    }
    snprintf(name, sizeof name, "golden v2: %s: two shards cut at every row, "
             "merged: its bytes and value", g->name);
    check(!bad, name, "differ");
    damage_bytes(out, n, 1, g->name);
  }
}

/* d = 1 is bce_mean_add, to the bit of every field; a row of d != 1
** into an unweighted mean makes it weighted with the rows before at 1. */
static void test_mean_d(void){
  bce_mean a, b;
  double v;
  int i, ok;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  a.weighted = b.weighted = 1;
  for(i=0; i<40; i++){
    double l = 0.1*i, w = i%7==0 ? 0.0 : 0.3*i;
    bce_mean_add(&a, l, w, +1);
    bce_mean_add_d(&b, l, w, 1.0, +1);
  }
  bce_sum_normalize(&a.loss);
  bce_sum_normalize(&b.loss);
  bce_sum_normalize(&a.weight);
  bce_sum_normalize(&b.weight);
  check(memcmp(&a, &b, sizeof a)==0, "mean: add_d with d = 1 is add",
        "fields differ");
  /* (1 + 2^-52)^2 = 1 + 2^-51 + 2^-104: the weight sum holds all of it,
  ** so that with the product removed again it is exactly 1 */
  memset(&a, 0, sizeof a);
  bce_mean_add_d(&a, 2.0, 1.0, 1.0, +1);
  bce_mean_add_d(&a, 1.0, 1 + 0x1p-52, 1 + 0x1p-52, +1);
  bce_mean_add_d(&a, 1.0, 1 + 0x1p-52, 1 + 0x1p-52, -1);
  ok = a.weighted && bce_sum_value(&a.weight)==1.0
    && bce_mean_value_r(&a, BCE_REDUCTION_MEAN, &v)==BCE_MEAN_VALUE && v==2.0;
  check(ok, "mean: w*d in and out again leaves the weight sum exact", "not 1");
  /* every d = 0: a weight sum of 0, NULL for the mean; sum and mean over
  ** rows are values */
  memset(&a, 0, sizeof a);
  a.weighted = 1;
  bce_mean_add_d(&a, 3.0, 2.0, 0.0, +1);
  bce_mean_add_d(&a, 1.0, 1.0, 0.0, +1);
  ok = bce_mean_value_r(&a, BCE_REDUCTION_MEAN, &v)==BCE_MEAN_EMPTY
    && bce_mean_value_r(&a, BCE_REDUCTION_SUM, &v)==BCE_MEAN_VALUE && v==7.0
    && bce_mean_value_r(&a, BCE_REDUCTION_MEAN_OVER_ROWS, &v)==BCE_MEAN_VALUE
    && v==3.5;
  check(ok, "mean: d = 0 everywhere: mean NULL, sum 7, mean over rows 3.5",
        "other outcomes");
  /* a sum past DBL_MAX is an overflow, not +Inf; its mean over rows not */
  memset(&a, 0, sizeof a);
  bce_mean_add(&a, 1.5e308, 1.0, +1);
  bce_mean_add(&a, 1.5e308, 1.0, +1);
  ok = bce_mean_value_r(&a, BCE_REDUCTION_SUM, &v)==BCE_MEAN_SUM_OVERFLOW
    && bce_mean_value_r(&a, BCE_REDUCTION_MEAN_OVER_ROWS, &v)==BCE_MEAN_VALUE
    && v==1.5e308;
  check(ok, "mean: a sum past DBL_MAX is SUM_OVERFLOW, its mean 1.5e308",
        "other outcomes");
  /* rows of weight 0 count in the mean over rows (PyTorch counts them),
  ** not in the mean; no row at all is NULL */
  memset(&a, 0, sizeof a);
  a.weighted = 1;
  bce_mean_add(&a, 3.0, 1.0, +1);
  bce_mean_add(&a, 5.0, 0.0, +1);
  ok = bce_mean_value_r(&a, BCE_REDUCTION_MEAN_OVER_ROWS, &v)==BCE_MEAN_VALUE
    && v==1.5 && bce_mean_value_r(&a, BCE_REDUCTION_MEAN, &v)==BCE_MEAN_VALUE
    && v==3.0;
  memset(&b, 0, sizeof b);
  ok = ok && bce_mean_value_r(&b, BCE_REDUCTION_SUM, &v)==BCE_MEAN_EMPTY
          && bce_mean_value_r(&b, BCE_REDUCTION_MEAN_OVER_ROWS, &v)==BCE_MEAN_EMPTY;
  check(ok, "mean: a row of w = 0 counts in mean_over_rows; no rows: NULL",
        "other outcomes");
  /* an infinite loss: +Inf under every reduction */
  memset(&a, 0, sizeof a);
  bce_mean_add(&a, INFINITY, 1.0, +1);
  ok = bce_mean_value_r(&a, BCE_REDUCTION_SUM, &v)==BCE_MEAN_VALUE && isinf(v)
    && bce_mean_value_r(&a, BCE_REDUCTION_MEAN_OVER_ROWS, &v)==BCE_MEAN_VALUE
    && isinf(v);
  check(ok, "mean: an infinite loss is +Inf summed and over rows", "other");
  /* a tiny product (below 2^-1022) and the sum: its value, not 0 */
  memset(&a, 0, sizeof a);
  a.weighted = 1;
  bce_mean_add(&a, 0x1.0000000000001p-530, 0x1.8p-500, +1);
  ok = bce_mean_value_r(&a, BCE_REDUCTION_SUM, &v)==BCE_MEAN_VALUE
    && v==0x1.0000000000001p-530*0x1.8p-500 && v!=0.0 && a.nTiny==1;
  check(ok, "mean: the sum of a tiny product is the product rounded once",
        "lost");
}

/* The codec of the options: round trips, the differences named, JSON. */
static void test_codec(void){
  static const double cw3[] = {1, 5, 2}, cw3b[] = {1, 4, 2}, cw2[] = {1, 5};
  static const double al2[] = {1, 2};
  bce_options a, b, c;
  unsigned char ea[256], eb[256];
  double store[8];
  size_t na, nb, len;
  char msg[400], json[300];
  const char *why = 0;
  int ok;
  bce_options_init(&a);
  a.keys = BCE_OPT_EPS | BCE_OPT_POS_WEIGHT | BCE_OPT_REDUCTION
         | BCE_OPT_CLASS_WEIGHT | BCE_OPT_IGNORE_INDEX | BCE_OPT_ALPHA;
  a.eps = 1e-7;
  a.pos_weight = 3;
  a.class_weights = cw3;
  a.n_class_weights = 3;
  a.ignore_index = -100;
  a.alpha = 0.25;
  a.reduction = BCE_REDUCTION_SUM;
  na = bce_options_encode(&a, ea, sizeof ea);
  ok = bce_options_decode(ea, na, &len, &c, store, 8, &why) && len==na
    && c.keys==a.keys && c.eps==1e-7 && c.pos_weight==3
    && c.n_class_weights==3 && c.class_weights && c.class_weights[1]==5
    && c.ignore_index==-100 && c.alpha==0.25 && c.reduction==BCE_REDUCTION_SUM;
  nb = ok ? bce_options_encode(&c, eb, sizeof eb) : 0;
  check(ok && nb==na && memcmp(ea, eb, na)==0, "codec: a round trip",
        why ? why : "differs");
  check(bce_options_doubles(ea, na)==3, "codec: the doubles its arrays hold",
        "not 3");
  check(bce_options_encode(&a, 0, 0)==na, "codec: the length without a buffer",
        "differs");
  bce_options_json(ea, na, json, sizeof json);
  snprintf(msg, sizeof msg, "got %s", json);
  check(strcmp(json, "{\"eps\":1e-07,\"pos_weight\":3,\"alpha\":0.25,"
        "\"class_weight\":[1, 5, 2],\"ignore_index\":-100,"
        "\"reduction\":\"sum\"}")==0, "codec: as JSON", msg);
  {
    /* a buffer too short: the text cut, NUL-terminated inside it, and
    ** not a byte past (a canary after it); the whole length returned */
    char cut[16];
    size_t whole;
    memset(cut, 'X', sizeof cut);
    whole = bce_options_json(ea, na, cut, 8);
    snprintf(msg, sizeof msg, "got %.15s, length %zu", cut, whole);
    check(memcmp(cut, "{\"eps\":\0XXXXXXXX", 16)==0
          && whole==strlen(json), "codec: as JSON into 8 bytes", msg);
  }
  /* the differences */
  b = a;
  b.pos_weight = 2;
  nb = bce_options_encode(&b, eb, sizeof eb);
  ok = bce_options_diff(ea, na, eb, nb, msg, sizeof msg)==1
    && strcmp(msg, "pos_weight 3 vs 2")==0;
  check(ok, "codec: pos_weight 3 vs 2", msg);
  b = a;
  b.class_weights = cw3b;
  nb = bce_options_encode(&b, eb, sizeof eb);
  ok = bce_options_diff(ea, na, eb, nb, msg, sizeof msg)==1
    && strcmp(msg, "class_weight[1] 5 vs 4")==0;
  check(ok, "codec: class_weight[1] 5 vs 4", msg);
  b = a;
  b.class_weights = cw2;
  b.n_class_weights = 2;
  nb = bce_options_encode(&b, eb, sizeof eb);
  ok = bce_options_diff(ea, na, eb, nb, msg, sizeof msg)==1
    && strcmp(msg, "class_weight of 3 vs 2 elements")==0;
  check(ok, "codec: class_weight of 3 vs 2 elements", msg);
  b = a;
  b.alphas = al2;
  b.n_alphas = 2;
  nb = bce_options_encode(&b, eb, sizeof eb);
  ok = bce_options_diff(ea, na, eb, nb, msg, sizeof msg)==1
    && strcmp(msg, "alpha 0.25 vs [1, 2]")==0;
  check(ok, "codec: alpha 0.25 vs [1, 2]", msg);
  b = a;
  b.keys |= BCE_OPT_GAMMA;
  b.gamma = 2;
  nb = bce_options_encode(&b, eb, sizeof eb);
  ok = bce_options_diff(ea, na, eb, nb, msg, sizeof msg)==1
    && strcmp(msg, "gamma not given vs 2")==0;
  check(ok, "codec: gamma not given vs 2", msg);
  b = a;
  b.eps = -0.0;
  c = a;
  c.eps = 0.0;
  na = bce_options_encode(&b, ea, sizeof ea);
  nb = bce_options_encode(&c, eb, sizeof eb);
  ok = na==nb && memcmp(ea, eb, na)==0
    && bce_options_diff(ea, na, eb, nb, msg, sizeof msg)==0;
  check(ok, "codec: -0 and 0 are one encoding, no difference", msg);
  {
    /* each wrong in one way, the rest valid */
    static const struct { unsigned char b[12]; size_t n; const char *name; } bad[] = {
      {{0x04, 0,0,0,0,0,0,0,0x80}, 9, "smoothing = -0 refused"},
      {{0x04, 0,0,0,0,0,0,0xF8,0x3F}, 9, "smoothing = 1.5 refused"},
      {{0x01, 0,0,0,0,0,0,0xE0,0x3F}, 9, "eps = 0.5 refused"},
      {{0x08, 0,0,0,0,0,0,0xF8,0x7F}, 9, "gamma = NaN refused"},
      {{0x02, 0x00, 0,0,0,0,0,0,0xF0,0x7F}, 10, "pos_weight = Inf refused"},
      {{0x80, 0x01, 3}, 3, "reduction 3 refused"},
      {{0x80, 0x02}, 2, "an unknown key bit refused"},
      {{0x81, 0x00}, 2, "a mask not in its shortest form refused"},
      {{0x20, 0x80, 0x00}, 3, "a count not in its shortest form refused"},
      {{0x20, 0x00}, 2, "an empty class_weight refused"},
      {{0x20, 0x02, 0,0,0,0,0,0,0xF0,0x3F}, 10, "an array cut short refused"},
      {{0x40, 0,0,0}, 4, "an ignore_index cut short refused"},
      {{0x80}, 1, "a mask cut short refused"},
      {{0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80}, 9,
       "a mask of nine bytes, each saying more follow, refused"},
      {{0x01, 0,0,0,0,0,0,0xF0,0xBF}, 9, "eps = -1 refused"},
      {{0x04, 0,0,0,0,0,0,0xF0,0xBF}, 9, "smoothing = -1 refused"},
      {{0x80, 0x01}, 2, "a reduction cut short refused"},
      /* (bad[6] and bad[14] are read again below: new rows go last) */
      {{0x20, 0x01, 0,0,0,0,0,0,0xF0,0x3F}, 10,
       "a class_weight of one class refused (p has at least 2)"},
      {{0x40, 0,0,0,0,0,0,0}, 8, "an ignore_index cut short by one byte refused"},
    };
    size_t i;
    for(i=0; i<sizeof bad/sizeof bad[0]; i++){
      why = 0;
      ok = !bce_options_decode(bad[i].b, bad[i].n, &len, &c, 0, 0, &why)
        && why && why[0];
      snprintf(msg, sizeof msg, "codec: %s", bad[i].name);
      check(ok, msg, "accepted");
    }
    why = 0;
    (void)bce_options_decode(bad[14].b, bad[14].n, &len, &c, 0, 0, &why);
    check(why && strcmp(why, "an option's value is outside its domain")==0,
          "codec: eps = -1: the message says the value is outside its domain",
          why ? why : "no message");
    check(bce_options_doubles(bad[6].b, bad[6].n)==0,
          "codec: the doubles of a bad encoding: 0", "not 0");
  }
  {
    /* the length alone (o NULL); a store too short for the arrays: their
    ** counts without their pointers */
    static const double cw5[] = {1, 2, 3, 4, 5};
    double two[2];
    b = a;
    b.class_weights = cw3;
    b.n_class_weights = 3;
    nb = bce_options_encode(&b, eb, sizeof eb);
    len = 0;
    check(bce_options_decode(eb, nb, &len, 0, 0, 0, &why)==1 && len==nb,
          "codec: decode without options: the length", "no length");
    ok = bce_options_decode(eb, nb, &len, &c, two, 2, &why)
      && c.n_class_weights==3 && c.class_weights==0;
    check(ok, "codec: a store of 2 for a class_weight of 3: the count, no "
          "pointer", "otherwise");
    /* an array past 4 elements is named by its length; a buffer of 0
    ** bytes is left alone */
    b.class_weights = cw5;
    b.n_class_weights = 5;
    c = a;
    c.keys &= ~BCE_OPT_CLASS_WEIGHT;
    na = bce_options_encode(&b, ea, sizeof ea);
    nb = bce_options_encode(&c, eb, sizeof eb);
    ok = bce_options_diff(ea, na, eb, nb, msg, sizeof msg)==1
      && strcmp(msg, "class_weight an array of 5 vs not given")==0;
    check(ok, "codec: class_weight an array of 5 vs not given", msg);
    msg[0] = 'x';
    ok = bce_options_diff(ea, na, eb, nb, msg, 0)==1 && msg[0]=='x';
    check(ok, "codec: a difference into a buffer of 0 bytes: 1, nothing "
          "written", "written");
  }
}

/* Writes the 4-byte length and the CRC of a version-2 state whose fields
** are in p[0, n). */
static size_t seal2(unsigned char *p, size_t n){
  uint32_t c;
  int i;
  for(i=0; i<4; i++) p[4 + i] = (unsigned char)((n + 4) >> (8*i));
  c = bce_crc32c(p, n);
  for(i=0; i<4; i++) p[n + i] = (unsigned char)(c >> (8*i));
  return n + 4;
}

static void expect2(const unsigned char *fields, size_t n,
                    bce_state_status want, const char *name){
  unsigned char p[96];
  bce_state st;
  const char *why = 0;
  char msg[160];
  bce_state_status got;
  size_t len;
  memcpy(p, fields, n);
  len = seal2(p, n);
  got = bce_state_decode(p, len, &st, &why);
  snprintf(msg, sizeof msg, "status %d, want %d (%s)", (int)got, (int)want,
           why ? why : "no message");
  check(got==want && (got==BCE_STATE_OK || (why && why[0])), name, msg);
}

/* A version-2 state's options are in the one form its function's state
** has: anything else is refused. */
#define H2 'B','C','E',2,0,0,0,0
#define EPS15 0x16,0x56,0xE7,0x9E,0xAF,0x03,0xD2,0x3C
#define ONE_ROW 1, 0, 0
static void test_v2_canonical(void){
  static const unsigned char ok_bce[] = {H2, 1, 0, 0x01, EPS15, ONE_ROW};
  static const unsigned char ok_logits[] = {H2, 2, 0, 0x00, ONE_ROW};
  static const unsigned char no_eps[] = {H2, 1, 0, 0x00, ONE_ROW};
  static const unsigned char logits_eps[] = {H2, 2, 0, 0x01, EPS15, ONE_ROW};
  static const unsigned char smooth0[] = {H2, 2, 0, 0x04, 0,0,0,0,0,0,0,0, ONE_ROW};
  static const unsigned char gamma0[] = {H2, 2, 0, 0x08, 0,0,0,0,0,0,0,0, ONE_ROW};
  static const unsigned char pw1[] = {H2, 2, 0, 0x02, 0, 0,0,0,0,0,0,0xF0,0x3F, ONE_ROW};
  static const unsigned char mean[] = {H2, 2, 0, 0x80, 0x01, 0, ONE_ROW};
  static const unsigned char sum[] = {H2, 2, 0, 0x80, 0x01, 1, ONE_ROW};
  static const unsigned char cw_bce[] = {H2, 1, 1, 0x21, EPS15, 1, 0,0,0,0,0,0,0xF0,0x3F, 1, 1, 0, 0, 0, 0};
  static const unsigned char ii_bce[] = {H2, 1, 0, 0x41, EPS15, 0,0,0,0,0,0,0,0, ONE_ROW};
  static const unsigned char pw_cce[] = {H2, 3, 0, 0x03, EPS15, 0, 0,0,0,0,0,0,0,0x40, ONE_ROW};
  static const unsigned char alpha2_bce[] = {H2, 2, 0, 0x10, 0, 0,0,0,0,0,0,0,0x40, ONE_ROW};
  static const unsigned char alpha2_cce[] = {H2, 4, 0, 0x10, 0, 0,0,0,0,0,0,0,0x40, ONE_ROW};
  static const unsigned char alphas_bce[] = {H2, 2, 0, 0x10, 1, 0,0,0,0,0,0,0xE0,0x3F, ONE_ROW};
  static const unsigned char v1len[] = {'B','C','E',2,0x14,0};
  bce_state st;
  expect2(ok_bce, sizeof ok_bce, BCE_STATE_OK, "v2: a bce state of eps 1e-15 read");
  expect2(ok_logits, sizeof ok_logits, BCE_STATE_OK, "v2: a bce_logits state of {} read");
  expect2(sum, sizeof sum, BCE_STATE_OK, "v2: reduction sum read");
  expect2(alpha2_cce, sizeof alpha2_cce, BCE_STATE_OK, "v2: a cce_logits alpha of 2 read");
  expect2(no_eps, sizeof no_eps, BCE_STATE_NONCANONICAL, "v2: a bce state without its eps refused");
  expect2(logits_eps, sizeof logits_eps, BCE_STATE_NONCANONICAL, "v2: a bce_logits state with an eps refused");
  expect2(smooth0, sizeof smooth0, BCE_STATE_NONCANONICAL, "v2: smoothing 0 written refused");
  expect2(gamma0, sizeof gamma0, BCE_STATE_NONCANONICAL, "v2: gamma 0 written refused");
  expect2(pw1, sizeof pw1, BCE_STATE_NONCANONICAL, "v2: pos_weight 1 written refused");
  expect2(mean, sizeof mean, BCE_STATE_NONCANONICAL, "v2: reduction mean written refused");
  expect2(cw_bce, sizeof cw_bce, BCE_STATE_NONCANONICAL, "v2: class_weight in a bce state refused");
  expect2(ii_bce, sizeof ii_bce, BCE_STATE_NONCANONICAL, "v2: ignore_index in a bce state refused");
  expect2(pw_cce, sizeof pw_cce, BCE_STATE_NONCANONICAL, "v2: pos_weight in a cce state refused");
  expect2(alpha2_bce, sizeof alpha2_bce, BCE_STATE_NONCANONICAL, "v2: a binary alpha of 2 refused");
  expect2(alphas_bce, sizeof alphas_bce, BCE_STATE_NONCANONICAL, "v2: a binary alpha array refused");
  check(bce_state_decode(v1len, sizeof v1len, &st, 0)==BCE_STATE_TRUNCATED,
        "v2: six bytes are too short for its 4-byte length", "not truncated");
  {
    /* past BCE_STATE_MAX, its length field agreeing */
    unsigned char *big = calloc(1, BCE_STATE_MAX + 8);
    const char *why = 0;
    size_t len;
    if( big ){
      memcpy(big, ok_logits, sizeof ok_logits);
      len = seal2(big, BCE_STATE_MAX + 1);
      check(bce_state_decode(big, len, &st, &why)==BCE_STATE_NONCANONICAL,
            "v2: a state past BCE_STATE_MAX (its length agreeing) refused",
            why ? why : "accepted");
      free(big);
    }
  }
}

/* Options with K = 4096 in each array fit, and are read; three arrays of
** 6000 do not: the length is said, nothing is cut. */
static void test_v2_large(void){
  static double w[20000];
  static unsigned char out[BCE_STATE_MAX];
  bce_options o;
  bce_mean m;
  bce_state st;
  const char *why = 0;
  size_t n, i;
  char name[120];
  int ok;
  for(i=0; i<20000; i++) w[i] = 1.0 + (double)i/8;
  memset(&m, 0, sizeof m);
  m.weighted = 1;
  bce_mean_add_d(&m, 0.5, 1.0, 3.0, +1);
  bce_options_init(&o);
  o.keys = BCE_OPT_CLASS_WEIGHT | BCE_OPT_ALPHA;
  o.class_weights = w;
  o.n_class_weights = 4096;
  o.alphas = w;
  o.n_alphas = 4096;
  n = bce_state_encode_opt(&m, BCE_STATE_CCE_LOGITS, &o, out, sizeof out);
  ok = n<=BCE_STATE_MAX && bce_state_decode(out, n, &st, &why)==BCE_STATE_OK
    && st.o.n_class_weights==4096 && st.o.n_alphas==4096;
  snprintf(name, sizeof name, "v2: class_weight and alpha of 4096 each: a "
           "state of %zu bytes, read", n);
  check(ok, name, why ? why : "refused");
  if( ok ) damage_bytes(out, n, 997, "class_weight and alpha of 4096");
  o.n_class_weights = o.n_alphas = 6000;
  o.keys |= BCE_OPT_POS_WEIGHT;
  o.pos_weights = w;
  o.n_pos_weights = 6000;
  memset(out, 0xAA, 16);
  n = bce_state_encode_opt(&m, BCE_STATE_CCE_LOGITS, &o, out, sizeof out);
  snprintf(name, sizeof name, "v2: three arrays of 6000: options past "
           "BCE_STATE_OPTIONS_MAX said (%s), none written",
           n==BCE_STATE_OPTIONS_TOO_LONG ? "BCE_STATE_OPTIONS_TOO_LONG"
                                         : "a length");
  check(n==BCE_STATE_OPTIONS_TOO_LONG && out[0]==0xAA, name,
        "fits, cut, or a length a cce_d2 state's class sums can have");
  /* options a little past their limit in a state still short of
  ** BCE_STATE_MAX: refused too, so that no merge passes the limit */
  o.keys = BCE_OPT_CLASS_WEIGHT;
  o.n_class_weights = (BCE_STATE_OPTIONS_MAX - 3)/8 + 1;
  n = bce_state_encode_opt(&m, BCE_STATE_CCE_LOGITS, &o, out, sizeof out);
  snprintf(name, sizeof name, "v2: class_weight of %lld: options past "
           "BCE_STATE_OPTIONS_MAX, refused", (long long)o.n_class_weights);
  check(n==BCE_STATE_OPTIONS_TOO_LONG, name, "accepted, or a length");
  o.n_class_weights--;
  n = bce_state_encode_opt(&m, BCE_STATE_CCE_LOGITS, &o, out, sizeof out);
  snprintf(name, sizeof name, "v2: class_weight of %lld: a state of %zu "
           "bytes, read", (long long)o.n_class_weights, n);
  check(n<=BCE_STATE_MAX && bce_state_decode(out, n, &st, &why)==BCE_STATE_OK,
        name, why ? why : "refused");
}

/* The meaning rules under options that scale a row's loss: a bce row of
** pos_weight 3 reaches 3 x 744.44, past the 745 of a plain bce row; a
** class weight of 0 on a row's target leaves a weight sum of 0 beside a
** loss.  Read with those options, refused without. */
static void test_v2_meaning(void){
  static const double cw[3] = {0.0, 1.0, 2.0};
  bce_options pw, cwo;
  bce_mean m;
  unsigned char out[BCE_STATE_SMALL];
  bce_state st;
  const char *why = 0;
  size_t n;
  bce_options_init(&pw);
  pw.keys = BCE_OPT_POS_WEIGHT;
  pw.pos_weight = 3.0;
  memset(&m, 0, sizeof m);
  m.weighted = 1;
  bce_mean_add(&m, 3*744.44, 1.0, +1);
  n = bce_state_encode_opt(&m, BCE_STATE_PROB, &pw, out, sizeof out);
  check(bce_state_decode(out, n, &st, &why)==BCE_STATE_OK,
        "v2: a bce row's loss of 3 x 744.44 with pos_weight 3 read",
        why ? why : "refused");
  n = bce_state_encode_opt(&m, BCE_STATE_PROB, 0, out, sizeof out);
  check(bce_state_decode(out, n, &st, &why)==BCE_STATE_IMPOSSIBLE,
        "v2: the same state without pos_weight refused", "read");
  bce_options_init(&cwo);
  cwo.keys = BCE_OPT_CLASS_WEIGHT;
  cwo.class_weights = cw;
  cwo.n_class_weights = 3;
  memset(&m, 0, sizeof m);
  m.weighted = 1;
  bce_mean_add_d(&m, 0.5, 2.0, cw[0], +1);   /* smoothing: l > 0, d = 0 */
  n = bce_state_encode_opt(&m, BCE_STATE_CCE, &cwo, out, sizeof out);
  why = 0;
  check(bce_state_decode(out, n, &st, &why)==BCE_STATE_OK,
        "v2: a class-weighted row of d = 0 and a loss read (weight sum 0)",
        why ? why : "refused");
  n = bce_state_encode_opt(&m, BCE_STATE_CCE, 0, out, sizeof out);
  check(bce_state_decode(out, n, &st, &why)==BCE_STATE_IMPOSSIBLE,
        "v2: the same state without class_weight refused", "read");
}

/* Forged version-2 states, each wrong in one field and sealed (length and
** CRC right), so that the decoder's own rule refuses it; the message says
** which.  Sums are in units of 2^-1074: limb 33 bit 18 is 1, limb 65 bit 18
** is 2^1024. */
#define ONE_D 1, 33, 0x00,0x00,0x04,0x00      /* a sum of 1 */
#define TWO_D 1, 33, 0x00,0x00,0x08,0x00      /* 2 */
#define HUGE_D 1, 65, 0x00,0x00,0x08,0x00     /* 2^1025 */
#define DBL_ONE 0,0,0,0,0,0,0xF0,0x3F         /* the binary64 1.0 */
#define DBL_TWO 0,0,0,0,0,0,0x00,0x40         /* 2.0 */
static void expect_why(const unsigned char *fields, size_t n,
                       bce_state_status want, const char *part,
                       const char *name){
  unsigned char p[96];
  bce_state st;
  const char *why = 0;
  char msg[300];
  bce_state_status got;
  size_t len;
  memcpy(p, fields, n);
  len = seal2(p, n);
  got = bce_state_decode(p, len, &st, &why);
  snprintf(msg, sizeof msg, "status %d, want %d (%s), want \"%s\" in it",
           (int)got, (int)want, why ? why : "no message", part);
  check(got==want && why && strstr(why, part), name, msg);
}

static void test_v2_forged(void){
  /* kl_div (07): options {eps}, rows, infinite, signed loss, signed tiny,
  ** weighted: weight */
  static const unsigned char kl_no_rows[] = {H2, 7, 0, 0x01, EPS15, 0, 0, 0, 0, 0, 0};
  static const unsigned char kl_inf[] = {H2, 7, 0, 0x01, EPS15, 1, 2, 0, 0, 0, 0};
  static const unsigned char kl_weight[] = {H2, 7, 1, 0x01, EPS15, 1, 0, 0, 0, 0, 0, HUGE_D};
  static const unsigned char kl_cut_inf[] = {H2, 7, 0, 0x01, EPS15, 1};
  static const unsigned char kl_cut_sign[] = {H2, 7, 0, 0x01, EPS15, 1, 0, 0, 0};
  static const unsigned char kl_cut_tiny[] = {H2, 7, 0, 0x01, EPS15, 1, 0, 0, 0, 0};
  static const unsigned char kl_cut_weight[] = {H2, 7, 1, 0x01, EPS15, 1, 0, 0, 0, 0, 0};
  static const unsigned char kl_extra[] = {H2, 7, 0, 0x01, EPS15, 1, 0, 0, 0, 0, 0, 0};
  static const unsigned char kl_tiny_neg[] = {H2, 7, 0, 0x01, EPS15, 1, 0, 0, 0,
                                              1, 1, 0, 1, 0, 0, 0};
  /* cce_d2 (06): options, rows, infinite, loss, sum(w), K, K sums */
  static const unsigned char cce_d2_inf[] = {H2, 6, 0, 0x01, EPS15, 1, 1, 0,
                                             ONE_D, 2, 0, 0};
  static const unsigned char cce_d2_cw_wsum[] = {H2, 6, 0, 0x21, EPS15, 2,
    DBL_ONE, DBL_ONE, 1, 0, 0, HUGE_D, 2, 0, 0};
  /* weighted, no row of w > 0, and a sum(w) of 2^-1074 */
  static const unsigned char cce_d2_cw_none[] = {H2, 6, 1, 0x21, EPS15, 2,
    DBL_ONE, DBL_ONE, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 2, 0, 0};
  static const unsigned char cce_d2_cut_k[] = {H2, 6, 0, 0x01, EPS15, 1, 0, 0, ONE_D};
  static const unsigned char cce_d2_cw_k[] = {H2, 6, 0, 0x21, EPS15, 2,
    DBL_ONE, DBL_ONE, 1, 0, 0, ONE_D, 3, 0, 0, 0};
  /* bce_d2 (05) weighted: rows, rows of w > 0, infinite, tiny; loss,
  ** weight, tiny; sum(w), sum(w y) */
  static const unsigned char bce_d2_wsum[] = {H2, 5, 1, 0x01, EPS15, 1, 1, 0, 0,
    ONE_D, ONE_D, 0, TWO_D, 0};
  static const unsigned char bce_d2_cut_wsum[] = {H2, 5, 0, 0x01, EPS15, 1, 0, 0};
  static const unsigned char bce_d2_pws[] = {H2, 5, 0, 0x03, EPS15, 1, DBL_TWO,
    1, 0, 0, ONE_D, 0};
  /* cce (03) weighted under class_weight: a weight sum past 2^1024 a row */
  static const unsigned char cce_cw_weight[] = {H2, 3, 1, 0x21, EPS15, 2,
    DBL_ONE, DBL_ONE, 1, 1, 0, 0, 0, HUGE_D, 0};
  /* the options */
  static const unsigned char bad_reduction[] = {H2, 2, 0, 0x80, 0x01, 7, ONE_ROW};
  static const unsigned char cce_logits_eps[] = {H2, 4, 0, 0x01, EPS15, ONE_ROW};
  static const unsigned char fn8[] = {H2, 8, 0, 0x00, ONE_ROW};
  static const unsigned char short17[17] = {'B','C','E',2,17,0,0,0, 2,0,0, 1,0,0};
  bce_state st;
  bce_mean m;
  const char *why = 0;
  expect_why(kl_no_rows, sizeof kl_no_rows, BCE_STATE_IMPOSSIBLE, "no rows",
             "v2 forged: a kl_div state of no rows refused");
  expect_why(kl_inf, sizeof kl_inf, BCE_STATE_IMPOSSIBLE,
             "2 infinite divergences among 1 row",
             "v2 forged: a kl_div state of more infinities than rows refused");
  expect_why(kl_weight, sizeof kl_weight, BCE_STATE_IMPOSSIBLE,
             "a weight sum of 2^1025.00 over 1 row of w > 0",
             "v2 forged: a kl_div weight sum past 2^1024 a row refused");
  expect_why(kl_cut_inf, sizeof kl_cut_inf, BCE_STATE_NONCANONICAL,
             "runs past the end", "v2 forged: a kl_div state cut after its rows");
  expect_why(kl_cut_sign, sizeof kl_cut_sign, BCE_STATE_NONCANONICAL,
             "runs past the end",
             "v2 forged: a kl_div state cut before its tiny sum's sign");
  expect_why(kl_cut_tiny, sizeof kl_cut_tiny, BCE_STATE_NONCANONICAL,
             "runs past the end",
             "v2 forged: a kl_div state cut after its tiny sum's sign");
  expect_why(kl_cut_weight, sizeof kl_cut_weight, BCE_STATE_NONCANONICAL,
             "runs past the end",
             "v2 forged: a weighted kl_div state without its weight sum");
  expect_why(kl_extra, sizeof kl_extra, BCE_STATE_NONCANONICAL, "left over",
             "v2 forged: a kl_div state with a byte left over");
  expect_why(cce_d2_inf, sizeof cce_d2_inf, BCE_STATE_IMPOSSIBLE,
             "1 infinite loss, which eps = 1e-15 rules out",
             "v2 forged: a cce_d2 state of eps 1e-15 with an infinite loss");
  expect_why(cce_d2_cw_wsum, sizeof cce_d2_cw_wsum, BCE_STATE_IMPOSSIBLE,
             "a sum(w) of 2^1025.00 over 1 row of w > 0",
             "v2 forged: a class-weighted cce_d2 sum(w) past 2^1024 a row");
  expect_why(cce_d2_cw_none, sizeof cce_d2_cw_none, BCE_STATE_IMPOSSIBLE,
             "a sum(w) of 5e-324 over 0 rows of w > 0",
             "v2 forged: a class-weighted cce_d2 sum(w) > 0 over no row of w > 0");
  expect_why(cce_d2_cut_k, sizeof cce_d2_cut_k, BCE_STATE_NONCANONICAL,
             "runs past the end", "v2 forged: a cce_d2 state without its K");
  expect_why(cce_d2_cw_k, sizeof cce_d2_cw_k, BCE_STATE_NONCANONICAL,
             "class_weight and its class sums differ in length",
             "v2 forged: a cce_d2 state of 3 classes, class_weight of 2");
  expect_why(bce_d2_wsum, sizeof bce_d2_wsum, BCE_STATE_IMPOSSIBLE,
             "a sum(w) of 2, not its mean's weight sum 1",
             "v2 forged: a weighted bce_d2 sum(w) other than its weight sum");
  expect_why(bce_d2_cut_wsum, sizeof bce_d2_cut_wsum, BCE_STATE_NONCANONICAL,
             "runs past the end", "v2 forged: a bce_d2 state without its sum(w)");
  expect_why(bce_d2_pws, sizeof bce_d2_pws, BCE_STATE_NONCANONICAL,
             "one that its function does not take",
             "v2 forged: a bce_d2 state with a pos_weight array");
  expect_why(cce_cw_weight, sizeof cce_cw_weight, BCE_STATE_IMPOSSIBLE,
             "each in [0, 2^1024)",
             "v2 forged: a class-weighted cce weight sum past 2^1024 a row");
  expect_why(bad_reduction, sizeof bad_reduction, BCE_STATE_NONCANONICAL,
             "an unknown reduction", "v2 forged: options of reduction 7");
  expect_why(cce_logits_eps, sizeof cce_logits_eps, BCE_STATE_NONCANONICAL,
             "its options hold an eps", "v2 forged: a cce_logits state with an eps");
  expect_why(fn8, sizeof fn8, BCE_STATE_NONCANONICAL, "an unknown function code",
             "v2 forged: function code 8");
  check(bce_state_decode(short17, sizeof short17, &st, &why)==BCE_STATE_NONCANONICAL
        && why && strstr(why, "length field is outside"),
        "v2 forged: a length of 17, below the shortest state (18)",
        why ? why : "accepted");
  {
    /* options one double past BCE_STATE_OPTIONS_MAX in a state shorter
    ** than BCE_STATE_MAX: the encoder refuses them (test_v2_large), and so
    ** does the decoder */
    size_t k = (BCE_STATE_OPTIONS_MAX - 3)/8 + 1, i, at = 0, len;
    unsigned char *p = malloc(BCE_STATE_MAX);
    if( p ){
      static const unsigned char head[] = {H2, 4, 0, 0x20};
      memcpy(p, head, sizeof head);
      at = sizeof head;
      p[at++] = (unsigned char)(0x80 | (k & 0x7f));
      p[at++] = (unsigned char)(k >> 7);
      for(i=0; i<k; i++){
        static const unsigned char one[] = {DBL_ONE};
        memcpy(p + at, one, 8);
        at += 8;
      }
      p[at++] = 1;                                /* ONE_ROW */
      p[at++] = 0;
      p[at++] = 0;
      len = seal2(p, at);
      why = 0;
      check(len<=BCE_STATE_MAX
            && bce_state_decode(p, len, &st, &why)==BCE_STATE_NONCANONICAL
            && why && strstr(why, "options are longer"),
            "v2 forged: options one double past BCE_STATE_OPTIONS_MAX refused",
            why ? why : "accepted");
      free(p);
    }
  }
  {
    /* a kl_div tiny sum below 0 is read and merged with its sign: -2^-1074 */
    unsigned char p[96];
    size_t len;
    memcpy(p, kl_tiny_neg, sizeof kl_tiny_neg);
    len = seal2(p, sizeof kl_tiny_neg);
    memset(&m, 0, sizeof m);
    why = 0;
    check(bce_state_decode(p, len, &st, &why)==BCE_STATE_OK && st.tinyNeg==1
          && bce_state_merge(&m, &st, +1)==BCE_STATE_OK
          && bce_sum_value(&m.tiny)==-0x1p-1074 && m.nRow==1,
          "v2: a kl_div state of a tiny sum of -1 read and merged as -1",
          why ? why : "merged otherwise");
  }
  {
    /* version 1's cce_logits state, whose options are {} */
    static const unsigned char v1_cce_logits[] = {'B','C','E',1,0,0, 4, 0, 1, 0, 0};
    unsigned char p[64];
    size_t len;
    memcpy(p, v1_cce_logits, sizeof v1_cce_logits);
    len = seal(p, sizeof v1_cce_logits);
    why = 0;
    check(bce_state_decode(p, len, &st, &why)==BCE_STATE_OK
          && st.fn==BCE_STATE_CCE_LOGITS && st.nOpt==1 && st.opt[0]==0,
          "v1: a cce_logits state of one row of loss 0 read, options {}",
          why ? why : "refused");
  }
}

/* The encoder: options at the value that changes nothing are left out of
** the state, and a buffer that is too short (or none) gets the length. */
static void test_v2_encode_edges(void){
  bce_options pw1, cw0;
  bce_mean m;
  unsigned char plain[BCE_STATE_SMALL], got[BCE_STATE_SMALL];
  size_t n, k;
  memset(&m, 0, sizeof m);
  bce_mean_add(&m, 0.5, 1.0, +1);
  n = bce_state_encode_opt(&m, BCE_STATE_CCE, 0, plain, sizeof plain);
  bce_options_init(&pw1);
  pw1.keys = BCE_OPT_POS_WEIGHT;
  pw1.pos_weight = 1.0;
  k = bce_state_encode_opt(&m, BCE_STATE_PROB, &pw1, got, sizeof got);
  check(k==bce_state_encode_opt(&m, BCE_STATE_PROB, 0, plain, sizeof plain)
        && memcmp(got, plain, k)==0,
        "v2 encode: pos_weight 1 is left out of a bce state", "kept");
  n = bce_state_encode_opt(&m, BCE_STATE_CCE, 0, plain, sizeof plain);
  bce_options_init(&cw0);
  cw0.keys = BCE_OPT_CLASS_WEIGHT;
  cw0.n_class_weights = 0;
  k = bce_state_encode_opt(&m, BCE_STATE_CCE, &cw0, got, sizeof got);
  check(k==n && memcmp(got, plain, n)==0,
        "v2 encode: a class_weight of no element is left out", "kept");
  check(bce_state_encode_opt(&m, BCE_STATE_CCE, &cw0, 0, 0)==n,
        "v2 encode: no buffer: the length", "another length");
  memset(got, 0xAA, sizeof got);
  k = bce_state_encode_opt(&m, BCE_STATE_CCE, &cw0, got, 5);
  check(k==n && got[3]==BCE_STATE_VERSION && got[4]==0 && got[5]==0xAA,
        "v2 encode: a buffer of 5 bytes: the length, nothing past it written",
        "another length, or written past");
}

/* The scores' states (codes 05-07, issue 23) from sums made here: the
** rows [from, to) of a fixed table into a bce_mean and the score's sums
** (kl_div: a divergence of either sign a row); returns the state's length
** into out. */
typedef struct score_sums {
  bce_mean m;
  bce_sum wsum, wy, cls[3];
} score_sums;

static void score_rows(bce_state_fn fn, int weighted, int from, int to,
                       score_sums *a){
  int i;
  memset(a, 0, sizeof *a);
  a->m.weighted = weighted;
  for(i=from; i<to; i++){
    double y = (i%3)/2.0, p = 0.1 + 0.8*(i%7)/7.0;
    double w = weighted ? 0.5 + (i%4) : 1.0;
    if( fn==BCE_STATE_KL ){
      double kl = ((i%5) - 1)*0.01;   /* below 0 too: clip, sums of 1 +- 1e-4 */
      a->m.nRow++;
      a->m.nWeight++;
      bce_sum_add(&a->m.weight, w, +1);
      bce_sum_add(&a->m.loss, w*kl, +1);
    }else if( fn==BCE_STATE_BCE_D2 ){
      bce_mean_add(&a->m, bce_loss(y, p, BCE_DEFAULT_EPS), w, +1);
      bce_sum_add(&a->wsum, w, +1);
      bce_sum_add(&a->wy, w*y, +1);              /* exact here */
    }else{
      bce_mean_add(&a->m, -log(p), w, +1);
      bce_sum_add(&a->wsum, w, +1);
      bce_sum_add(&a->cls[i%3], w, +1);
    }
  }
}

static size_t score_encode(bce_state_fn fn, score_sums *a,
                           const unsigned char *opt, size_t nopt,
                           unsigned char *out){
  bce_state_score sc;
  sc.wsum = &a->wsum;
  sc.wy = &a->wy;
  sc.cls = a->cls;
  sc.K = 3;
  return bce_state_encode_score(&a->m, fn, 0, opt, nopt,
                                fn==BCE_STATE_KL ? 0 : &sc, out,
                                BCE_STATE_SMALL);
}

static void test_scores(void){
  static const bce_state_fn fns[3] = {BCE_STATE_BCE_D2, BCE_STATE_CCE_D2,
                                      BCE_STATE_KL};
  static const char *names[3] = {"bce_d2", "cce_d2", "kl_div"};
  unsigned char whole[BCE_STATE_SMALL], part[2][BCE_STATE_SMALL],
                again[BCE_STATE_SMALL];
  char name[160];
  int f, weighted, cut;
  for(f=0; f<3; f++){
    for(weighted=0; weighted<2; weighted++){
      score_sums a, b;
      bce_state st, sp;
      bce_state_score sc;
      size_t n, n2;
      int ok = 1;
      const char *why = 0;
      score_rows(fns[f], weighted, 0, 17, &a);
      n = bce_state_encode_score(&a.m, fns[f], 0, 0, 0,
                                 fns[f]==BCE_STATE_KL ? 0 : &(bce_state_score){
                                   &a.wsum, &a.wy, a.cls, 3}, whole,
                                 sizeof whole);
      snprintf(name, sizeof name, "%s state (%s): read back, its function "
               "and classes", names[f], weighted ? "weighted" : "unweighted");
      check(n>0 && bce_state_decode(whole, n, &st, &why)==BCE_STATE_OK
            && st.fn==fns[f] && st.weighted==weighted
            && (fns[f]!=BCE_STATE_CCE_D2 || st.K==3)
            && (fns[f]!=BCE_STATE_KL || st.lossNeg==0), name,
            why ? why : "fields");
      /* shards cut at every row, merged: the whole's bytes */
      for(cut=0; cut<=17 && ok; cut++){
        score_sums *half = &b;
        int k;
        memset(&b, 0, sizeof b);
        for(k=0; k<2; k++){
          score_sums p;
          size_t np;
          score_rows(fns[f], weighted, k ? cut : 0, k ? 17 : cut, &p);
          np = score_encode(fns[f], &p, 0, 0, part[k]);
          if( np==0 ) continue;                   /* an empty shard: NULL */
          if( bce_state_decode(part[k], np, &sp, &why)!=BCE_STATE_OK ){
            ok = 0;
            break;
          }
          sc.wsum = &half->wsum;
          sc.wy = &half->wy;
          sc.cls = half->cls;
          sc.K = 3;
          ok &= bce_state_merge(&half->m, &sp, +1)==BCE_STATE_OK;
          bce_state_merge_score(&sc, &sp, +1);
        }
        n2 = score_encode(fns[f], &b, st.opt, st.nOpt, again);
        if( n2!=n || memcmp(again, whole, n)!=0 ){
          ok = 0;
          why = "merged shards are other bytes";
        }
      }
      snprintf(name, sizeof name, "%s state (%s): two shards cut at every "
               "row merge into the whole's bytes", names[f],
               weighted ? "weighted" : "unweighted");
      check(ok, name, why ? why : "");
      snprintf(name, sizeof name, "%s state (%s)", names[f],
               weighted ? "weighted" : "unweighted");
      damage_bytes(whole, n, 1, name);
    }
  }
  {
    /* a kl_div sum below 0 keeps its sign through the bytes */
    score_sums a;
    bce_state st;
    size_t n;
    memset(&a, 0, sizeof a);
    a.m.nRow = a.m.nWeight = 1;
    bce_sum_add(&a.m.weight, 1.0, +1);
    bce_sum_add(&a.m.loss, -3e-5, +1);
    n = score_encode(BCE_STATE_KL, &a, 0, 0, whole);
    check(n>0 && bce_state_decode(whole, n, &st, 0)==BCE_STATE_OK
          && st.lossNeg==1 && st.tinyNeg==0,
          "kl_div state of a negative divergence: its sign byte", "not 01");
  }
}

int main(void){
  static const char *kinds[] = {
    "bce(y, p)", "bce(y, p, w, 1e-7)", "bce(y, p, w, 0) with infinities",
    "bce_logits(y, z)", "bce_logits(y, z, w) near 1e308",
    "bce(y, p, w, 0) with tiny products", "bce(y, p, w)",
    "bce(y, p, w, '{\"pos_weight\": 3, \"reduction\": \"mean_over_rows\"}')",
    "cce(y, p, w, '{\"class_weight\": [0.3, 5 + 2^-50, 1 - 2^-53], \"eps\": 1e-7}')"
  };
  uint64_t s = 0x9e3779b97f4a7c15u;
  dataset *d = calloc(1, sizeof *d);
  int kind, rep;
  if( d==0 ) return 2;
  test_crc();
  for(kind=0; kind<9; kind++){
    for(rep=0; rep<3; rep++){
      if( kind>=7 ) make_options(d, &s, kind);
      else make(d, &s, kind);
      if( kind==6 ) d->eps = -1.0;
      round_trip(d, kinds[kind]);
      split_merge(d, &s, kinds[kind]);
      merge_inverse(d, &s, kinds[kind]);
      if( rep==0 ) damage(d, kinds[kind]);
    }
  }
  test_hand_made();
  test_meaning();
  test_largest();
  test_mixing(&s);
  test_overflow();
  test_many_merges();
  test_longest();
  test_golden_v2();
  test_mean_d();
  test_codec();
  test_v2_canonical();
  test_v2_large();
  test_v2_meaning();
  test_scores();
  test_v2_forged();
  test_v2_encode_edges();
  free(d);
  return failures ? 1 : 0;
}
