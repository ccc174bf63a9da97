/* SPDX-License-Identifier: MIT */
/*
** Unit tests of the state codec (src/state.h), without SQLite: round
** trips, one set of bytes for one multiset of rows however it was ordered,
** split and merged, and every damaged state refused.  Prints one
** "ok|name" or "FAIL|name|why" line a check.
**
** References independent of the codec: the CRC-32C check value of
** "123456789" (0xE3069283, RFC 3720 appendix B.4 and the CRC catalogue),
** and, for the merged means, bce_mean_value() of one aggregate over every
** row, which src/mean.c computes without the codec.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/state.h"
#include "../src/loss.h"
#include "../src/logits.h"
#include "xorshift.h"

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
} row;

#define MAXROWS 600
typedef struct dataset {
  bce_state_fn fn;
  int weighted;
  double eps;      /* PROB only; < 0: the default (no eps argument) */
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

static double loss_of(const dataset *d, const row *r){
  if( d->fn==BCE_STATE_LOGITS ) return bce_logits_loss(r->y, r->x);
  return bce_loss(r->y, r->x, d->eps<0 ? BCE_DEFAULT_EPS : d->eps);
}

static void mean_start(const dataset *d, bce_mean *m){
  memset(m, 0, sizeof *m);
  m->weighted = d->weighted;
  if( d->fn==BCE_STATE_PROB && d->eps>=0 ){
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
    bce_mean_add(m, loss_of(d, r), r->w, +1);
  }
}

static size_t encode(const dataset *d, const int *order, int from, int to,
                     unsigned char *out){
  bce_mean m;
  mean_of(d, order, from, to, &m);
  return bce_state_encode(&m, d->fn, out);
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
  unsigned char a[BCE_STATE_MAX], b[BCE_STATE_MAX];
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
  na = bce_state_encode(&whole, d->fn, a);
  ok = na>0 && bce_state_decode(a, na, &st, &w)==BCE_STATE_OK;
  if( !ok ) snprintf(why, sizeof why, "decode: %s", w ? w : "encode gave 0");
  if( ok ){
    mean_start(d, &back);
    ok = bce_state_merge(&back, &st, +1)==BCE_STATE_OK;
    nb = bce_state_encode(&back, st.fn, b);
    ok = ok && nb==na && memcmp(a, b, na)==0;
    if( !ok ) snprintf(why, sizeof why, "re-encoded bytes differ");
  }
  if( ok ){
    bce_mean_status s1 = bce_mean_value(&whole, &v1);
    bce_mean_status s2 = bce_mean_value(&back, &v2);
    ok = s1==s2 && bce_bits(v1)==bce_bits(v2);
    if( !ok ) snprintf(why, sizeof why, "mean %a, after the trip %a", v1, v2);
  }
  snprintf(name, sizeof name, "round trip, %s (%zu bytes)", label, na);
  check(ok, name, why);
}

/* k random shards, in random orders, merged in a random order: the
** bytes of the whole.  Also merged two levels deep. */
static void split_merge(const dataset *d, uint64_t *s, const char *label){
  unsigned char whole[BCE_STATE_MAX], part[BCE_STATE_MAX], got[BCE_STATE_MAX];
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
    ng = bce_state_encode(&m, d->fn, got);
    if( !bad && (ng!=nw || memcmp(got, whole, nw)!=0) ){
      bad = 1;
      snprintf(why, sizeof why, "k=%d: merged %zu bytes, whole %zu", k, ng, nw);
    }
    /* two levels: the even and the odd shards, then the two */
    if( !bad ){
      bce_mean top;
      unsigned char h[BCE_STATE_MAX];
      memset(&top, 0, sizeof top);
      for(i=0; i<2; i++){
        size_t nh = bce_state_encode(&half[i], d->fn, h);
        bce_state st;
        if( nh==0 ) continue;
        if( bce_state_decode(h, nh, &st, 0)!=BCE_STATE_OK
         || bce_state_merge(&top, &st, +1)!=BCE_STATE_OK ) bad = 1;
      }
      top.hasEps = half[0].hasEps;
      top.eps = half[0].eps;
      ng = bce_state_encode(&top, d->fn, got);
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
  unsigned char a[BCE_STATE_MAX], b[BCE_STATE_MAX], x[BCE_STATE_MAX];
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
  nb = bce_state_encode(&m, d->fn, b);
  snprintf(name, sizeof name, "a state merged in and out again, %s", label);
  check(ok && na==nb && memcmp(a, b, na)==0, name, "bytes differ");
}

/* Every single-bit change and every truncation is refused; so are longer
** states. */
static void damage(const dataset *d, const char *label){
  unsigned char a[BCE_STATE_MAX + 8], t[BCE_STATE_MAX + 8];
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
    ** docs/state-format.md's example, whose CRC a Python CRC-32C gave */
    static const unsigned char golden[] = {0x42,0x43,0x45,0x01,0x1C,0x00,
      0x02,0x00,0x01,0x00,0x03,0x1F,0x00,0x00,0x00,0xE0,0x3D,0x47,0xDF,0x5F,
      0xC8,0xC5,0x02,0x00,0x1B,0x5E,0x10,0xFA};
    unsigned char out[BCE_STATE_MAX];
    memset(&mean, 0, sizeof mean);
    bce_mean_add(&mean, bce_logits_loss(0.0, 0.0), 1.0, +1);
    len = bce_state_encode(&mean, BCE_STATE_LOGITS, out);
    check(len==sizeof golden && memcmp(out, golden, len)==0,
          "bce_logits(0, 0) encodes as the documented example",
          "other bytes");
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
    /* a length field past 1 KB that matches the bytes, with a valid CRC */
    static unsigned char big[BCE_STATE_MAX + 8];
    bce_state st2;
    const char *why = 0;
    size_t len;
    memset(big, 0, sizeof big);
    memcpy(big, (const unsigned char[]){'B','C','E',1,0,0,2,0,1,0,0}, 11);
    len = seal(big, BCE_STATE_MAX + 1);
    check(bce_state_decode(big, len, &st2, &why)==BCE_STATE_NONCANONICAL,
          "a state of more than 1 KB (its length field agreeing) refused",
          why ? why : "accepted");
  }
  {
    static const unsigned char other[] = {'S','Q','L','i','t','e'};
    static const unsigned char v2[] = {'B','C','E',2,20,0,2,0};
    bce_state st2;
    const char *why = 0;
    check(bce_state_decode(other, sizeof other, &st2, &why)==BCE_STATE_MAGIC
          && why, "another BLOB is refused as not a state", "accepted");
    check(bce_state_decode(other, 1, &st2, &why)==BCE_STATE_MAGIC,
          "a one-byte BLOB that is not 'B' is not a state", "accepted");
    check(bce_state_decode(v2, sizeof v2, &st2, &why)==BCE_STATE_BAD_VERSION
          && st2.version==2, "version 2 is refused by name", "accepted");
    check(bce_state_decode(other, 0, &st2, &why)==BCE_STATE_TRUNCATED,
          "an empty BLOB is a truncated state", "accepted");
  }
}

/* ------------------------------------------------------------ meaning */

/* m encoded as a state of fn, then read: the status wanted. */
static void mean_case(bce_mean *m, bce_state_fn fn, bce_state_status want,
                      const char *name){
  unsigned char out[BCE_STATE_MAX];
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
  /* eps > 0 keeps every loss finite */
  for(i=0; i<2; i++){
    mean_set(&m, i, 2, 1, 1.0, 0.0);
    if( i ) bce_sum_add(&m.weight, 2.0, +1);
    m.hasEps = 1;
    m.eps = 0.0;
    mean_case(&m, BCE_STATE_PROB, BCE_STATE_OK, i ? "weighted bce: an infinite loss with eps = 0 read" : "bce: an infinite loss with eps = 0 read");
    mean_case(&m, BCE_STATE_CCE, BCE_STATE_OK, i ? "weighted cce: an infinite loss with eps = 0 read" : "cce: an infinite loss with eps = 0 read");
    m.eps = 1e-300;
    mean_case(&m, BCE_STATE_PROB, BCE_STATE_IMPOSSIBLE, i ? "weighted bce: an infinite loss with eps = 1e-300 refused" : "bce: an infinite loss with eps = 1e-300 refused");
    mean_case(&m, BCE_STATE_CCE, BCE_STATE_IMPOSSIBLE, i ? "weighted cce: an infinite loss with eps = 1e-300 refused" : "cce: an infinite loss with eps = 1e-300 refused");
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
    unsigned char out[BCE_STATE_MAX];
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
  unsigned char a[BCE_STATE_MAX], b[BCE_STATE_MAX], whole[BCE_STATE_MAX];
  unsigned char got[BCE_STATE_MAX];  /* sa and sb point into a and b */
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
  unsigned char one[BCE_STATE_MAX], a[BCE_STATE_MAX], b[BCE_STATE_MAX];
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
  unsigned char out[BCE_STATE_MAX];
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
  char name[64];
  snprintf(why, sizeof why, "%zu bytes", n);
  snprintf(name, sizeof name, "the longest state fits in 1 KB (%zu bytes)", n);
  check(n>0 && n<=BCE_STATE_MAX, name, why);
}

int main(void){
  static const char *kinds[] = {
    "bce(y, p)", "bce(y, p, w, 1e-7)", "bce(y, p, w, 0) with infinities",
    "bce_logits(y, z)", "bce_logits(y, z, w) near 1e308",
    "bce(y, p, w, 0) with tiny products", "bce(y, p, w)"
  };
  uint64_t s = 0x9e3779b97f4a7c15u;
  dataset *d = calloc(1, sizeof *d);
  int kind, rep;
  if( d==0 ) return 2;
  test_crc();
  for(kind=0; kind<7; kind++){
    for(rep=0; rep<3; rep++){
      make(d, &s, kind);
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
  free(d);
  return failures ? 1 : 0;
}
