/* SPDX-License-Identifier: MIT */
#include <math.h>
#include "mean.h"
#include "fma.h"
#include "dd.h"

/* For wl = w*l rounded, below 2^-1022: *scaled is w*l times 2^1074
** rounded to 53 bits -- the product of the two mantissas (in [1/4, 1), so
** it rounds as w*l would without an exponent floor), then the exponents;
** below 2^-2096 that is itself subnormal, off by at most 2^-2148 of w*l.
** Returns whether wl is w*l exactly, as a subnormal product can be. */
static int exact_product(double w, double l, double wl, double *scaled){
  int ew, el;
  double mw = frexp(w, &ew);
  double ml = frexp(l, &el);
  double p = mw*ml;
  *scaled = ldexp(p, ew + el + 1074);
  return bce_fma(mw, ml, -p)==0.0 && ldexp(wl, 1074)==*scaled;
}

BCE_PRIVATE void bce_mean_add_small(bce_mean *m, double w, double l, double wl,
                                    int sign){
  double scaled;
  if( exact_product(w, l, wl, &scaled) ){
    bce_sum_add(&m->loss, wl, sign);
  }else{
    bce_sum_add(&m->tiny, scaled, sign);
    m->nTiny += sign;
  }
}

BCE_PRIVATE void bce_mean_add_part_d(bce_mean *m, double part, int scale,
                                     double w, double d, int sign){
  double wl = 0.0, scaled = 0.0;
  int tiny = 0;
  if( w>0.0 && part!=0.0 ){
    int ew, el;
    double mw = frexp(w, &ew), ml = frexp(part, &el), p = mw*ml;
    int e = ew + el + scale;
    wl = ldexp(p, e);
    if( !(wl>=0x1p-1022) ){
      /* as exact_product(): p in [1/4, 1) rounds as w*l would without an
      ** exponent floor */
      scaled = ldexp(p, e + 1074);
      tiny = !(bce_fma(mw, ml, -p)==0.0 && ldexp(wl, 1074)==scaled);
    }
  }
  /* an unweighted mean keeps its tiny products too (its state is then
  ** written weighted: src/state.c), and stays unweighted, so that a
  ** window whose tiny rows have left is the mean of a fresh aggregate */
  if( d!=1.0 && !m->weighted ) bce_mean_set_weighted(m);
  m->nRow += sign;
  if( w>0.0 ){
    m->nWeight += sign;
    if( tiny ){
      bce_sum_add(&m->tiny, scaled, sign);
      m->nTiny += sign;
    }else if( wl!=0.0 ){
      bce_sum_add(&m->loss, wl, sign);
    }
    if( m->weighted ){
      if( d==1.0 ){
        bce_sum_add_positive(&m->weight, w, sign);
      }else{
        /* bce_mean_weight_d() replaces the w it expects to find */
        bce_sum_add_positive(&m->weight, w, sign);
        bce_mean_weight_d(m, w, d, sign);
      }
    }
  }
}

/* Whether w*d (below 2^-968) is off the sums' grid, and then it taken
** times 2^1074 to the tiny weight sum. */
BCE_PRIVATE int bce_mean_weight_tiny(bce_mean *m, double w, double d,
                                    int sign){
  int ew, ed, e;
  double mw = frexp(w, &ew), md = frexp(d, &ed), p = mw*md;
  double pe = bce_fma(mw, md, -p);
  /* mw*md = p + pe exactly (mantissas in [1/2, 1)): on the grid when
  ** both parts are, times 2^e */
  e = ew + ed;
  if( ldexp(ldexp(p, e), -e)==p && ldexp(ldexp(pe, e), -e)==pe ) return 0;
  /* exact for w*d >= 2^-2042; below, off by less than 2^-2148 */
  bce_sum_add(&m->tinyWeight, ldexp(p, e + 1074), sign);
  bce_sum_add(&m->tinyWeight, ldexp(pe, e + 1074), sign);
  return 1;
}

/* The binary exponent of the sum times 2^k, as ilogb() gives it, for a
** sum that is not zero.  Read at 2^-128 first (the limbs reach 2^1102, so
** that is finite), and again at 2^1074 if that was subnormal. */
static int sum_ilogb(bce_sum *s, int k){
  double v = bce_sum_value_scaled(s, -128);
  if( fabs(v)>=0x1p-1022 ) return ilogb(v) + 128 + k;
  return ilogb(bce_sum_value_scaled(s, 1074)) - 1074 + k;
}

/* s - a - b rounded, for |s - a - b| below 2^(e-1) and 2^e a normal
** double: subtracting a and b from the exact sum is exact, and adding 2^e
** keeps the remainder positive, so that it is read without negating all
** the limbs (a negative sum is read from a negated copy of all 68: that
** had cost a window 1,600 instructions a row).  The sum is then put back
** as it was, the same integer.  The 2^e costs the remainder's reading
** 2^-50 of its size at most. */
static double sum_rest(bce_sum *s, double a, double b, int e){
  double u = bce_from_bits((uint64_t)(e + 1023) << 52), r;
  bce_sum_add(s, -a, +1);
  bce_sum_add(s, -b, +1);
  bce_sum_add(s, u, +1);
  r = bce_sum_value(s) - u;
  bce_sum_add(s, -u, +1);
  bce_sum_add(s, b, +1);
  bce_sum_add(s, a, +1);
  return r;
}

/* s/(d + dlo) rounded once but for 2^-50 of an ulp or so, where s is a
** finite double when rounded: reading s, then dividing, rounds twice (the
** mean of 11 equal rows of bce(0.49976199501548485, 0.9782619969510888)
** was 1 ulp further off than its rows).  c = fl(s)/d is corrected by the
** remainder s - c*d, which is exact: c*d is p + pe exactly (fma), within
** 2 ulp(p) of s.  Past the double range (s read scaled) or below 2^-969
** (pe no longer exact) c stands, as it did before. */
static double sum_quotient(bce_sum *s, double d, double dlo){
  double c = bce_sum_div(s, d), p, r;
  p = c*d;
  if( !(fabs(p)>=0x1p-969 && fabs(p)<=0x1.fffffffffffffp1023) ) return c;
  r = sum_rest(s, p, bce_fma(c, d, -p), ilogb(p) - 49);
  return c + (r - c*dlo)/d;
}

/* Whether the mean takes tiny_quotient(): tiny rows whose products kept
** something at 2^1074.  A product below about 2^-2149 rounds to 0 even
** there while its row still counts as tiny (bce_mean_add_part_d()), and a
** state may say the same; sum_ilogb() of that zero sum was ilogb(0), and
** the mean came out 0 (cce with a class weight 2^-1074 and an alpha of
** 2.5e-316: 0 for ln 2).  Products that small are far below the last
** bit of any mean, so the plain quotient, which leaves them out, is it. */
static int has_tiny(bce_mean *m){
  return m->nTiny>0 && bce_sum_value(&m->tiny)!=0.0;
}

/* (loss + tiny/2^1074) / (den 2^kd), den near 1: the numerator scaled by
** 2^-kn so that it is near 1 too, and nothing underflows or overflows on
** the way, whatever the two magnitudes (a loss near 1e308 beside a
** product below 2^-1022 once made the mean +Inf). */
static double tiny_quotient(bce_mean *m, double den, int kd){
  int kn = sum_ilogb(&m->tiny, -1074);
  double num;
  if( bce_sum_value(&m->loss)!=0.0 ){
    int kl = sum_ilogb(&m->loss, 0);
    if( kl>kn ) kn = kl;
  }
  num = bce_sum_value_scaled(&m->loss, -kn)
      + bce_sum_value_scaled(&m->tiny, -kn - 1074);
  return ldexp(num/den, kn - kd);
}

/* s times 2^k added to the double-double (*hi, *lo): the sum's two
** leading doubles, the second its remainder.  h 2^-k is the sum rounded
** to 53 bits at its own magnitude (or the sum itself, where that is below
** 2^-1022), so taking it out of the copy is exact. */
static void add_sum_dd(bce_sum *s, int k, double *hi, double *lo){
  bce_sum c = *s;
  double h = bce_sum_value_scaled(&c, k);
  bce_sum_add(&c, ldexp(h, -k), -1);
  bce_dd_add(hi, lo, h);
  bce_dd_add(hi, lo, bce_sum_value_scaled(&c, k));
}

/* (loss + tiny/2^1074) / (weight + tinyWeight/2^1074), tinyWeight != 0:
** each side read near 1 at its own scale (tiny_quotient()'s way), so that
** nothing underflows or overflows, as a double-double; their quotient to
** about 2^-100, rounded once (bce_ldexp_dd()). */
/* weight + tinyWeight/2^1074 (tinyWeight != 0) times 2^-*kd, near 1, as
** the double-double (*dh, *dl). */
static void weight_dd(bce_mean *m, int *kd, double *dh, double *dl){
  *kd = sum_ilogb(&m->tinyWeight, -1074);
  if( bce_sum_value(&m->weight)!=0.0 ){
    int kw = sum_ilogb(&m->weight, 0);
    if( kw>*kd ) *kd = kw;
  }
  *dh = *dl = 0.0;
  add_sum_dd(&m->weight, -*kd, dh, dl);
  add_sum_dd(&m->tinyWeight, -*kd - 1074, dh, dl);
}

BCE_PRIVATE double bce_mean_weight_value(bce_mean *m){
  int kd;
  double dh, dl;
  if( bce_sum_value(&m->tinyWeight)==0.0 ) return bce_sum_value(&m->weight);
  weight_dd(m, &kd, &dh, &dl);
  return bce_ldexp_dd(dh, dl, kd);
}

static double tiny_weight_quotient(bce_mean *m){
  int kd, kn = 0, has = 0;
  double nh = 0.0, nl = 0.0, dh, dl, q1, q2;
  weight_dd(m, &kd, &dh, &dl);
  if( bce_sum_value(&m->loss)!=0.0 ){
    kn = sum_ilogb(&m->loss, 0);
    has = 1;
  }
  if( bce_sum_value(&m->tiny)!=0.0 ){
    int kt = sum_ilogb(&m->tiny, -1074);
    if( !has || kt>kn ) kn = kt;
    has = 1;
  }
  if( !has ) return 0.0;
  add_sum_dd(&m->loss, -kn, &nh, &nl);
  add_sum_dd(&m->tiny, -kn - 1074, &nh, &nl);
  q1 = nh/dh;
  q2 = (bce_fma(-q1, dh, nh) + nl - q1*dl)/dh;
  return bce_ldexp_dd(q1, q2, kn - kd);
}

BCE_PRIVATE void bce_mean_set_weighted(bce_mean *m){
  uint64_t u;
  bce_mean_flush(m);                 /* none in a weighted form's, as a rule */
  u = (uint64_t)m->nWeight;
  /* two doubles of 32 bits each: exact for any count */
  bce_sum_add(&m->weight, (double)(u & 0xffffffffu), +1);
  bce_sum_add(&m->weight, ldexp((double)(u >> 32), 32), +1);
  m->weighted = 1;
}

/* Row by row, with the scalar code: a batch read before it is full (a
** window's frame is read after every row, and one or two rows cost less
** so), a full one with a lane that the vector path leaves (about one in
** 2^9 fails the logarithm's rounding test; the rows predicted exactly
** right have the hardest case, -ln(1 - 2^-52), src/elementary.c, and a
** loss below the sum's lane), or a compiler without vectors. */
BCE_NOINLINE void flush_rows(bce_mean *m, int n){
  int i;
  for(i=0; i<n; i++){
    bce_sum_add_positive(&m->loss, bce_loss(m->batchY[i], m->batchP[i],
                                            BCE_DEFAULT_EPS), +1);
  }
}

BCE_ALWAYS_INLINE void flush_batch(bce_mean *m){
  int n = m->nBatch;
  m->nBatch = 0;
  m->nRow += n;
  m->nWeight += n;
#ifdef BCE_VECTOR
  if( n==BCE_BATCH ){
    bce_v4d loss;
    bce_v4u ok;
    bce_hard_losses4(m->batchY, m->batchP, &loss, &ok);
    /* an undecided lane as +0, which is outside the sum's lane: one test
    ** covers both */
    loss = (bce_v4d)((bce_v4u)loss & ok);
    if( bce_sum_add4_positive(&m->loss, &loss) ) return;
  }
#endif
  flush_rows(m, n);
}

BCE_PRIVATE void bce_mean_flush_batch(bce_mean *m){
  if( m->batchOpt ){
    bce_opt_flush_batch(m);
    return;
  }
  flush_batch(m);
}

#ifdef BCE_X86_V3
BCE_TARGET_V3
BCE_PRIVATE void bce_mean_flush_batch_v3(bce_mean *m){
  flush_batch(m);
}
#endif

static bce_mean_status weighted_mean(bce_mean *m, double *value){
  double total, rest;
  total = bce_sum_value(&m->weight);
  if( !isfinite(total) ) return BCE_MEAN_WEIGHT_OVERFLOW;
  if( bce_sum_value(&m->tinyWeight)!=0.0 ){
    *value = tiny_weight_quotient(m);
    return BCE_MEAN_VALUE;
  }
  if( total==0.0 ) return BCE_MEAN_EMPTY;   /* every d = 0 (class weights) */
  if( has_tiny(m) ){
    int kd = ilogb(total);
    *value = tiny_quotient(m, bce_sum_value_scaled(&m->weight, -kd), kd);
    return BCE_MEAN_VALUE;
  }
  /* sum(w*l) may be past the double range where the mean is not (logits
  ** near 1e308): bce_sum_div() reads it scaled.  sum(w) is total + rest,
  ** read as the loss sum's remainder is (below 2^-969 total is exact) */
  rest = total>=0x1p-969 ? sum_rest(&m->weight, total, 0.0,
                                    ilogb(total) - 50) : 0.0;
  *value = sum_quotient(&m->loss, total, rest);
  return BCE_MEAN_VALUE;
}

BCE_PRIVATE bce_mean_status bce_mean_value(bce_mean *m, double *value){
  bce_mean_status st;
  bce_mean_flush(m);
  if( m->nWeight==0 ) return BCE_MEAN_EMPTY;
  if( m->nInf>0 ){
    *value = INFINITY;
    return BCE_MEAN_VALUE;
  }
  if( !m->weighted ){
    /* at most the largest finite loss: never past DBL_MAX */
    if( has_tiny(m) ){
      /* tiny products of rows of weight 1 (bce_mean_add_part_d()) */
      int kd = ilogb((double)m->nRow);
      *value = tiny_quotient(m, ldexp((double)m->nRow, -kd), kd);
      return BCE_MEAN_VALUE;
    }
    *value = sum_quotient(&m->loss, (double)m->nRow, 0.0);
    return BCE_MEAN_VALUE;
  }
  st = weighted_mean(m, value);
  /* finite sums whose quotient is not: a loss's class weights and alpha
  ** far above its denominator's (cce's d = w_k), an error, not +Inf */
  if( st==BCE_MEAN_VALUE && isinf(*value) ) return BCE_MEAN_QUOTIENT_OVERFLOW;
  return st;
}

BCE_PRIVATE bce_mean_status bce_mean_value_r(bce_mean *m, bce_reduction r,
                                             double *value){
  double n;
  if( r==BCE_REDUCTION_MEAN ) return bce_mean_value(m, value);
  bce_mean_flush(m);
  if( m->nRow<=0 ) return BCE_MEAN_EMPTY;
  if( m->nInf>0 ){
    *value = INFINITY;
    return BCE_MEAN_VALUE;
  }
  /* the divisor: 1, or the rows (rounded where past 2^53, as the
  ** unweighted mean's) */
  n = r==BCE_REDUCTION_SUM ? 1.0 : (double)m->nRow;
  if( has_tiny(m) ){
    int kd = ilogb(n);
    *value = tiny_quotient(m, ldexp(n, -kd), kd);
  }else if( r==BCE_REDUCTION_SUM ){
    *value = bce_sum_value(&m->loss);
  }else{
    *value = sum_quotient(&m->loss, n, 0.0);
  }
  if( isinf(*value) ) return BCE_MEAN_SUM_OVERFLOW;
  return BCE_MEAN_VALUE;
}
