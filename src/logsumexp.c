/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include <string.h>
#include "dd.h"
#include "elementary.h"
#include "fma.h"
#include "logsumexp.h"

/* ln 2 as a double-double, for E ln 2 with E up to 2^11 */
#define LN2_HI 0x1.62e42fefa39efp-1
#define LN2_LO 0x1.abc9e3b39803fp-56

/* The bucket of z (finite): 512 round(z/512), every rounding of the
** halfway case as good as the other (d stays in [-256 - ulp, 256]).  From
** 2^61 on z is itself a multiple of 512 (and z + 256 would round). */
static double bucket_of(double z){
  double q = z*(1.0/512.0);
  if( fabs(q)>=0x1p52 ) return z;
  return floor(q + 0.5)*512.0;
}

static int find_bucket(const bce_lse *a, double c){
  int i;
  for(i=0; i<a->nb; i++){
    if( a->b[i].c==c ) return i;
  }
  return -1;
}

BCE_PRIVATE int bce_lse_add(bce_lse *a, double z, int sign){
  double c, d;
  bce_dd e;
  int k, i;
  bce_lse_bucket *bk;
  if( a->b==0 ){                 /* a zeroed aggregate context */
    a->b = a->inl;
    a->cap = BCE_LSE_INLINE;
  }
  if( z>DBL_MAX ){
    a->nPosInf += sign;
    return 1;
  }
  if( z< -DBL_MAX ){
    a->nNegInf += sign;
    return 1;
  }
  c = bucket_of(z);
  d = z - c;                     /* exact: see logsumexp.h */
  i = find_bucket(a, c);
  if( i<0 ){
    /* only an added row opens a bucket: a removed one was added */
    if( BCE_NEVER(sign<0) ) return 1;
    if( a->nb==a->cap ) return 0;
    i = a->nb++;
    bk = &a->b[i];
    bk->c = c;
    bk->n = 0;
    bce_sum_clear(&bk->t);
  }
  bk = &a->b[i];
  /* e^d = (e.hi + e.lo) 2^k, k in [-372, 371]: both parts land on normal
  ** doubles, or are below 2^-1000 of the bucket (a subnormal lo) */
  e = bce_exp_dd(d, 0.0, &k);
  bce_sum_add(&bk->t, bce_scale(e.hi, k), sign);
  bce_sum_add(&bk->t, bce_scale(e.lo, k), sign);
  bk->n += sign;
  if( bk->n==0 ){
    /* the bucket's sum is now exactly 0: every row subtracted what it
    ** added; the last bucket takes its place */
    a->nb--;
    if( i!=a->nb ) memcpy(bk, &a->b[a->nb], sizeof(*bk));
  }
  return 1;
}

BCE_PRIVATE void bce_lse_grow(bce_lse *a, bce_lse_bucket *room, int cap){
  /* called only when b[] is full: nb = cap > 0 */
  memcpy(room, a->b, (size_t)a->nb*sizeof(*room));
  a->b = room;
  a->cap = cap;
}

/* The bucket's sum minus sub, as hi + lo (to 2^-106 of it), the sum left
** as it was: the same integer. */
static bce_dd read_dd(bce_sum *t, double sub){
  bce_dd r;
  if( sub!=0.0 ) bce_sum_add(t, sub, -1);
  r.hi = bce_sum_value(t);
  bce_sum_add(t, r.hi, -1);
  r.lo = bce_sum_value(t);
  bce_sum_add(t, r.hi, +1);
  if( sub!=0.0 ) bce_sum_add(t, sub, +1);
  return r;
}

/* A positive double-double times 2^e, kept as m 2^e with m.hi in [1, 2). */
typedef struct scaled_dd {
  bce_dd m;
  int e;
} scaled_dd;

static scaled_dd scaled_of(bce_dd x){
  scaled_dd s;
  s.e = bce_ilogb(x.hi);
  s.m.hi = ldexp(x.hi, -s.e);
  s.m.lo = ldexp(x.lo, -s.e);
  return s;
}

BCE_PRIVATE bce_lse_status bce_lse_value(bce_lse *a, double *value){
  scaled_dd part[3];
  bce_dd r512, t, sum;
  double top;
  int i, j, k512, top_i, have[3], emax;
  if( a->nPosInf>0 ){
    *value = INFINITY;
    return BCE_LSE_VALUE;
  }
  if( a->nb==0 ){
    if( a->nNegInf>0 ){
      *value = -INFINITY;
      return BCE_LSE_VALUE;
    }
    return BCE_LSE_EMPTY;
  }
  top_i = 0;
  for(i=1; i<a->nb; i++){
    if( a->b[i].c>a->b[top_i].c ) top_i = i;
  }
  top = a->b[top_i].c;
  /* e^-512 = r512 2^k512; e^-1024 its square */
  r512 = bce_exp_dd(-512.0, 0.0, &k512);
  emax = INT32_MIN;
  for(j=0; j<3; j++){
    int at = j==0 ? top_i : find_bucket(a, top - 512.0*j);
    have[j] = at>=0 && top - 512.0*j!=top;     /* past 2^62, no neighbour */
    if( j==0 ) have[0] = 1;
    if( !have[j] ) continue;
    part[j] = scaled_of(read_dd(&a->b[at].t, 0.0));
    for(i=0; i<j; i++){
      bce_dd_mul(&part[j].m.hi, &part[j].m.lo, r512.hi, r512.lo);
      part[j].e += k512;
    }
    if( part[j].e>emax ) emax = part[j].e;
  }
  if( top==0.0 ){
    /* ln S = log1p((T_0 - 1) + the parts below), T_0 - 1 exact in the sum */
    sum = read_dd(&a->b[top_i].t, 1.0);
    for(j=1; j<3; j++){
      if( !have[j] ) continue;
      bce_dd_add(&sum.hi, &sum.lo, bce_scale(part[j].m.hi, part[j].e));
      bce_dd_add(&sum.hi, &sum.lo, bce_scale(part[j].m.lo, part[j].e));
    }
    /* below 1/2, ln S is below -ln 2 and keeps its digits without
    ** log1p, which is not asked for a sum within 2^-53 of -1 */
    if( sum.hi>=-0.5 ){
      t = bce_log1p_dd(sum.hi, sum.lo);
      *value = t.hi + t.lo;
      return BCE_LSE_VALUE;
    }
  }
  /* ln S = top + emax ln 2 + ln(sum of the parts / 2^emax) */
  sum.hi = sum.lo = 0.0;
  for(j=0; j<3; j++){
    if( !have[j] ) continue;
    bce_dd_add(&sum.hi, &sum.lo, bce_scale(part[j].m.hi, part[j].e - emax));
    bce_dd_add(&sum.hi, &sum.lo, bce_scale(part[j].m.lo, part[j].e - emax));
  }
  t = bce_log_dd(sum.hi, sum.lo);
  {
    double p = (double)emax*LN2_HI;
    double pe = bce_fma((double)emax, LN2_HI, -p) + (double)emax*LN2_LO;
    double hi = top, lo = 0.0;
    bce_dd_add(&hi, &lo, p);
    bce_dd_add(&hi, &lo, pe);
    bce_dd_add(&hi, &lo, t.hi);
    bce_dd_add(&hi, &lo, t.lo);
    *value = hi + lo;
  }
  return BCE_LSE_VALUE;
}
