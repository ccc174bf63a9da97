/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include "cce.h"
#include "fma.h"
#include "elementary.h"
#include "exact_sum.h"
#include "json_array.h"
#include "loss.h"
#include "dd.h"
#include "qd.h"

/* What y is: a class index, a JSON array of targets, or absent (softmax). */
enum { Y_CLASS, Y_ARRAY, Y_NONE };

/* What the first pass learns about a row, all that later passes need. */
typedef struct cce_scan {
  int mode;             /* Y_CLASS, Y_ARRAY, Y_NONE */
  int64_t k;            /* the number of classes */
  int64_t cls;          /* the class holding all target mass (a class index,
                        ** or a one-hot array), -1 for soft targets */
  double pc;            /* p or z of class cls */
  double ysum;          /* Y_ARRAY: the targets' exact sum, rounded once */
  double m;             /* logits: the largest finite z, or -Inf if none */
  int64_t j;            /* its first index, -1 if none */
  int64_t inf1, inf2;   /* the first two +Inf logits, -1 if none */
  int lossInf;          /* probabilities: a target > 0 on q = 0 */
  int lossTiny;         /* probabilities: a term -y_k ln q_k below 2^-1022,
                        ** rounded onto the subnormal grid */
  double ybuf[BCE_CCE_BUF], pbuf[BCE_CCE_BUF];
} cce_scan;

/* ------------------------------------------------------------- errors */

static int cce_fail(bce_array_error *err, bce_array_status status, int arg){
  err->status = status;
  err->arg = arg;
  return 0;
}

static int cce_domain(bce_array_error *err, int arg, int64_t index, double x){
  err->index = index;
  err->value = x;
  return cce_fail(err, BCE_ARRAY_DOMAIN, arg);
}

static int class_error(bce_array_error *err, double cls, int64_t k){
  err->value = cls;
  err->np = k;
  return cce_fail(err, BCE_ARRAY_CLASS, 0);
}

static int sum_error(bce_array_error *err, int arg, double sum){
  err->value = sum;
  return cce_fail(err, BCE_ARRAY_SUM, arg);
}

/* |sum - 1| <= BCE_CCE_SUM_TOL, written so that NaN could not pass */
static int sums_to_one(double sum){
  return fabs(sum - 1.0) <= BCE_CCE_SUM_TOL;
}

/* ---------------------------------------------------------- first pass */

static double p_exact_sum(const bce_cce_row *r, const cce_scan *s);

/* Whether the row's p sums to 1 within BCE_CCE_SUM_TOL, decided as the
** exact sum decides it.  The plain sum ps of K terms in [0, 1] is off the
** exact one by at most (K-1) 2^-53 times the sum of the terms (recursive
** summation's bound; the margin below is twice that, and more), so a row
** whose ps is farther than the margin from the edge of the tolerance is
** decided by ps alone: the exact sum would say the same.  Only the others
** (a row that fails, or one within K 4.4e-16 of the edge) take a second
** pass for the exact sum, which *sum then holds for the message. */
static int p_sums_to_one(const bce_cce_row *r, const cce_scan *s, double ps,
                         double *sum){
  double margin = (double)s->k*0x1p-52*(ps + 1.0);
  if( fabs(ps - 1.0)<=BCE_CCE_SUM_TOL - margin ) return 1;
  *sum = p_exact_sum(r, s);
  return sums_to_one(*sum);
}

/* Reads and checks the whole row: every element in order (y's before p's
** at one index), then the lengths, K >= min_k, the class index, the sums,
** the infinities.  Probabilities: with lsum, also sums the row's loss
** terms -y_k ln q_k of soft targets into it. */
static int cce_scan_row(const bce_cce_row *r, int mode, int logits,
                        int64_t min_k, double eps, bce_sum *lsum, cce_scan *s,
                        bce_array_error *err){
  bce_json_array ya, pa;
  bce_sum ysum;
  int64_t npos = 0, posAt = -1, i;
  double posY = 0.0, posP = 0.0, y = 0.0, p = 0.0, psum = 0.0;
  int ry = 1, rp;
  s->mode = mode;
  s->cls = -1;
  s->pc = 0.0;
  s->ysum = 1.0;
  s->m = -INFINITY;
  s->j = s->inf1 = s->inf2 = -1;
  s->lossInf = 0;
  s->lossTiny = 0;
  err->status = BCE_ARRAY_OK;
  if( mode==Y_CLASS ){
    /* rule 5: the number argument before the elements; its upper bound
    ** waits for K */
    if( !(r->cls>=0.0 && r->cls==floor(r->cls)) ){
      return class_error(err, r->cls, -1);
    }
    s->cls = r->cls<4e18 ? (int64_t)r->cls : INT64_MAX;
  }
  if( mode==Y_ARRAY ){
    bce_json_open_as(&ya, r->y, r->ny, r->yJsonb);
    bce_sum_clear(&ysum);
  }
  bce_json_open_as(&pa, r->p, r->np, r->pJsonb);
  for(;;){
    if( mode==Y_ARRAY ){
      ry = bce_array_element(&ya, 0, &y, err);
      if( ry<0 ) return 0;
      if( ry && !(y>=0.0 && y<=1.0) ){
        return cce_domain(err, 0, ya.count - 1, y);
      }
    }
    rp = bce_array_element(&pa, 1, &p, err);
    if( rp<0 ) return 0;
    if( rp && !logits && !(p>=0.0 && p<=1.0) ){
      return cce_domain(err, 1, pa.count - 1, p);
    }
    if( mode!=Y_ARRAY ) ry = rp;
    if( !ry || !rp ) break;
    i = pa.count - 1;
    if( i<BCE_CCE_BUF ){
      s->ybuf[i] = y;
      s->pbuf[i] = p;
    }
    if( mode==Y_ARRAY ){
      bce_sum_add(&ysum, y, +1);
      if( y>0.0 ){
        npos++;
        posAt = i;
        posY = y;
        posP = p;
      }
    }else if( i==s->cls ){
      s->pc = p;
    }
    if( logits ){
      if( p>DBL_MAX ){
        if( s->inf1<0 ){
          s->inf1 = i;
        }else if( s->inf2<0 ){
          s->inf2 = i;
        }
      }else if( p>s->m ){          /* -Inf never is */
        s->m = p;
        s->j = i;
      }
    }else{
      psum += p;
      if( lsum && y>0.0 ){
        double q = bce_clip(p, eps);
        if( q==0.0 ){
          s->lossInf = 1;
        }else{
          double t = 0.0 - y*bce_log(q);
          /* rounded to 2^-1075 rather than to a relative 2^-53: the row
          ** is taken again by prob_terms_scaled() */
          if( t<0x1p-1022 && q<1.0 ) s->lossTiny = 1;
          bce_sum_add(lsum, t, +1);
        }
      }
    }
  }
  if( mode==Y_ARRAY && !ry && ya.count==0 ){
    return cce_fail(err, BCE_ARRAY_EMPTY, 0);
  }
  if( !rp && pa.count==0 ) return cce_fail(err, BCE_ARRAY_EMPTY, 1);
  if( ry || rp ){
    /* one array has ended, the other not: count the rest of the longer */
    bce_json_array *rest = ry ? &ya : &pa;
    int r2;
    double x;
    while( (r2 = bce_array_element(rest, ry ? 0 : 1, &x, err))==1 ){}
    if( r2<0 ) return 0;
    err->ny = ya.count;
    err->np = pa.count;
    return cce_fail(err, BCE_ARRAY_LENGTH, 0);
  }
  s->k = pa.count;
  if( s->k<min_k ){
    err->np = s->k;
    return cce_fail(err, BCE_ARRAY_FEW, 1);
  }
  if( mode==Y_CLASS && s->cls>=s->k ) return class_error(err, r->cls, s->k);
  if( mode==Y_ARRAY ){
    s->ysum = bce_sum_value(&ysum);
    if( !sums_to_one(s->ysum) ) return sum_error(err, 0, s->ysum);
    if( npos==1 && posY==1.0 ){
      s->cls = posAt;
      s->pc = posP;
    }
  }
  if( !logits ){
    double sum;
    if( !p_sums_to_one(r, s, psum, &sum) ) return sum_error(err, 1, sum);
  }else if( s->inf2>=0 ){
    err->first = s->inf1;
    err->index = s->inf2;
    return cce_fail(err, BCE_ARRAY_TWO_INF, 1);
  }else if( s->inf1<0 && s->j<0 ){
    err->np = s->k;
    return cce_fail(err, BCE_ARRAY_ALL_NEG_INF, 1);
  }
  return 1;
}

/* --------------------------------------------------------- later passes */

/* The elements of a row that cce_scan_row() has checked, again, in order: from
** the buffers when they hold the whole row, else from the texts. */
typedef struct cce_pass {
  const cce_scan *s;
  bce_json_array y, p;
  int64_t i;
} cce_pass;

static void pass_open(cce_pass *it, const bce_cce_row *r, const cce_scan *s){
  it->s = s;
  it->i = 0;
  if( s->k>BCE_CCE_BUF ){
    if( s->mode==Y_ARRAY ) bce_json_open_as(&it->y, r->y, r->ny, r->yJsonb);
    bce_json_open_as(&it->p, r->p, r->np, r->pJsonb);
  }
}

/* The next number of a text cce_scan_row() has read whole. */
static double reread(bce_json_array *a){
  double x = 0.0;
  size_t at, len;
  bce_json_token t = bce_json_next(a, &x, &at, &len);
  /* the same text, read the same way, gave a number here the first time */
  if( BCE_NEVER(t!=BCE_JSON_NUMBER) ) return NAN;
  return x;
}

static void pass_next(cce_pass *it, double *y, double *p){
  const cce_scan *s = it->s;
  if( s->k<=BCE_CCE_BUF ){
    *y = s->ybuf[it->i];
    *p = s->pbuf[it->i];
  }else{
    *y = s->mode==Y_ARRAY ? reread(&it->y) : 0.0;
    *p = reread(&it->p);
  }
  if( s->mode==Y_CLASS ) *y = it->i==s->cls ? 1.0 : 0.0;
  it->i++;
}

/* The row's p, summed exactly and rounded once. */
static double p_exact_sum(const bce_cce_row *r, const cce_scan *s){
  cce_pass it;
  bce_sum t;
  double y, p;
  int64_t i;
  bce_sum_clear(&t);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    pass_next(&it, &y, &p);
    bce_sum_add(&t, p, +1);
  }
  return bce_sum_value(&t);
}

/* e^(z - m) for z <= m, m finite, z finite or -Inf.  z - m is rounded, and
** for a large difference its rounding error lo matters (z - m = -700.4 is
** off by up to 5.7e-14, e^ of it by as much relative: 256 ulp), so the
** result is e^hi * (1 + lo), e^lo to within lo^2 < 2^-88. */
static double shifted_exp(double z, double m){
  double d = z - m, lo, e;
  if( !(d>=-750.0) ) return 0.0;    /* e^-745.2 is already below 2^-1074 */
  lo = bce_two_sum_err(z, -m, d);
  e = bce_exp(d);
  return e + e*lo;
}

/* e^(z - m) * 2^k, for a z - m where e^(z - m) is subnormal or 0: the
** exponent (z - m) + k ln2 carried in two doubles (each sum's rounding
** error kept), the error put back to first order as in shifted_exp(). */
static double shifted_exp_scaled(double z, double m, int k){
  double d = z - m, lo = bce_two_sum_err(z, -m, d);
  double s1 = d + k*BCE_LN2_HI, s2, e;
  lo += bce_two_sum_err(d, k*BCE_LN2_HI, s1);
  s2 = s1 + k*BCE_LN2_LO;
  lo += bce_two_sum_err(s1, k*BCE_LN2_LO, s2);
  e = bce_exp(s2);
  return e + e*lo;
}

/* The k that puts e^d near 2^-100. */
static int cce_scale_for(double d){
  return (int)(-d/BCE_LN2_HI) - 100;
}

/* T*2^k, T the sum of e^(z_i - m) over i != j, for a row where T is
** subnormal or 0; k puts the largest term near 2^-100.  0 where every
** term is past 2^-2150 (or there is none): nothing to scale. */
static double cce_scaled_t(const bce_cce_row *r, const cce_scan *s, int *k){
  cce_pass it;
  bce_sum sum;
  double y, z, dmax = -INFINITY;
  int64_t i;
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    pass_next(&it, &y, &z);
    if( i!=s->j && z - s->m > dmax ) dmax = z - s->m;
  }
  if( !(dmax>=-1500.0) ) return 0.0;
  *k = cce_scale_for(dmax);
  bce_sum_clear(&sum);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    pass_next(&it, &y, &z);
    if( i!=s->j && z - s->m >= -1500.0 ){
      bce_sum_add(&sum, shifted_exp_scaled(z, s->m, *k), +1);
    }
  }
  return bce_sum_value(&sum);
}

/* Of finite logits: T = sum of e^(z_k - m) over k != j (the other terms
** of S = sum e^(z_k - m) = 1 + T), S, and L = ln S = log1p(T), exact in
** T so that ln softmax_j = -L keeps its digits where T is tiny. */
typedef struct cce_lse {
  double t, s, l;
} cce_lse;

static cce_lse lse_of(const bce_cce_row *r, const cce_scan *s, int want_s){
  cce_lse v;
  cce_pass it;
  bce_sum t;
  double y, z;
  int64_t i, nsub = 0;
  bce_sum_clear(&t);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    double e;
    pass_next(&it, &y, &z);
    if( i==s->j ) continue;
    e = shifted_exp(z, s->m);
    if( e<0x1p-1022 && z - s->m>=-1500.0 ) nsub++;
    bce_sum_add(&t, e, +1);
  }
  v.t = bce_sum_value(&t);
  if( nsub>0 && v.t<(double)nsub*0x1p-1018 ){
    /* each subnormal (or vanished) term is off by up to 2^-1075, so nsub
    ** of them by up to nsub ulp of a T this small (999 terms e^-718.439
    ** were 499 ulp off): T summed again scaled, rounded once (or twice
    ** where it is subnormal: within an ulp) */
    int k = 0;
    /* > 0: a term counted in nsub is at or above 2^-2164 */
    double tk = cce_scaled_t(r, s, &k);
    bce_sum_clear(&t);
    v.t = ldexp(tk, -k);
    bce_sum_add(&t, v.t, +1);
  }
  v.s = 1.0;
  if( want_s ){
    bce_sum_add(&t, 1.0, +1);
    v.s = bce_sum_value(&t);
  }
  v.l = bce_log1p(v.t);
  return v;
}

/* ------------------------------------------------------------- losses */

/* The soft targets' loss of a row where some term -y_k ln q_k fell below
** 2^-1022 (a subnormal target, or one whose q_k is within 2^-53 of 1),
** as an exact sum times 2^scale; returns scale.  Each product rounded
** onto the subnormal grid is off by up to 2^-1075, which a weight brings
** into view (cce_term('[1, 1e-315]', '[1, 1e-5]', 1e300, 0) was 8.4e5
** ulp off) and K of them add up (999 targets of 5e-324: 420 ulp).  Here
** y_k is scaled by 2^scale, exactly, so that the largest product is near
** 1 (scale >= 0: a larger product makes the subnormal ones negligible),
** and each product is taken whole, as hi + lo (fma), so that the sum is
** off the loss by the logarithms' rounding alone.  Only a product below
** 2^-969 (when the largest is near 1) has a lo that rounds, by at most
** 2^-1075: nothing at the sum's last bit. */
static int prob_terms_scaled(const bce_cce_row *r, const cce_scan *s,
                             double eps, bce_sum *l){
  cce_pass it;
  double y, p;
  int64_t i;
  int top = 0, any = 0, scale;
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    double q;
    pass_next(&it, &y, &p);
    q = bce_clip(p, eps);
    if( y>0.0 && q<1.0 ){
      int e = ilogb(y) + ilogb(bce_log(q));
      if( !any || e>top ) top = e;
      any = 1;
    }
  }
  scale = top<0 ? -top : 0;
  bce_sum_clear(l);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    double q, ys, lnq, hi;
    pass_next(&it, &y, &p);
    q = bce_clip(p, eps);
    if( !(y>0.0 && q<1.0) ) continue;
    /* y <= 2^(top - ilogb(ln q)) and |ln q| >= 2^-54: ys < 2^55 */
    ys = ldexp(y, scale);
    lnq = bce_log(q);
    hi = ys*lnq;
    bce_sum_add(l, hi, -1);
    bce_sum_add(l, bce_fma(ys, lnq, -hi), -1);
  }
  return scale;
}

static int plain_wloss(const bce_cce_row *r, double eps, double w,
                       double *loss, double *wl, bce_array_error *err){
  cce_scan s;
  bce_sum l;
  int mode = r->y ? Y_ARRAY : Y_CLASS, scale = 0;
  if( mode==Y_ARRAY ) bce_sum_clear(&l);
  if( !cce_scan_row(r, mode, 0, 2, eps, mode==Y_ARRAY ? &l : 0, &s, err) ){
    return 0;
  }
  if( mode==Y_CLASS ){
    /* q = 0 (eps = 0) gives 0 - (-Inf) = +Inf, the limit */
    *loss = 0.0 - bce_log(bce_clip(s.pc, eps));
  }else if( s.lossInf ){
    *loss = INFINITY;
  }else{
    if( s.lossTiny ) scale = prob_terms_scaled(r, &s, eps, &l);
    *loss = bce_sum_value_scaled(&l, -scale);
  }
  *wl = w==0.0 ? 0.0 : w==1.0 ? *loss : w * *loss;
  if( scale>0 && w!=0.0 && w!=1.0 ){
    /* the scaled sum times w = m*2^b, m in [1, 2), scaled back: rounded
    ** once more than w*l, but never onto the subnormal grid first */
    int b = ilogb(w);
    *wl = ldexp(bce_sum_value(&l)*ldexp(w, -b), b - scale);
  }
  return 1;
}

/* a*b*2^k, the product rounded once to 53 bits as if the exponent range
** had no floor: the mantissas' product, then the exponents (as mean.c's
** exact_product()) */
static double scaled_product(double a, double b, int k){
  int ea, eb;
  double ma = frexp(a, &ea), mb = frexp(b, &eb);
  return ldexp(ma*mb, ea + eb + k);
}

/* The scale of a loss below K 2^-1018: such a loss, times 2^1100, is
** below K 2^82, and its terms that matter are normal doubles. */
#define TINY_LOSS_SCALE 1100

/* The loss of a row whose loss is below K 2^-1018, times 2^1100, summed
** from scaled terms.  There the terms y_k (m - z_k) and e^(z_k - m) may
** be subnormal, each rounded to 2^-1074, which a weight (w up to 1e300)
** brings into view, and K of them add up (cce_logits_term('[1, 1e-320]',
** '[0, -720]', 1e300) was 2.35e4 ulp off); and L = log1p(T) is T to a
** relative 2^-1000. */
static double tiny_loss_scaled(const bce_cce_row *r, const cce_scan *s){
  cce_pass it;
  bce_sum l, t;
  double y, z;
  int64_t i;
  bce_sum_clear(&l);
  bce_sum_clear(&t);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    pass_next(&it, &y, &z);
    if( i!=s->j && z - s->m>=-1500.0 ){
      bce_sum_add(&t, shifted_exp_scaled(z, s->m, TINY_LOSS_SCALE), +1);
    }
    if( y>0.0 ){
      /* z finite here: a -Inf one with a target made the loss +Inf */
      double d = s->m - z;
      bce_sum_add(&l, scaled_product(y, d, TINY_LOSS_SCALE), +1);
      bce_sum_add(&l, scaled_product(y, bce_two_sum_err(s->m, -z, d),
                                     TINY_LOSS_SCALE), +1);
    }
  }
  bce_sum_add(&l, s->ysum*bce_sum_value(&t), +1);
  return bce_sum_value(&l);
}

/* A loss below K 2^-1018 is taken again, scaled (tiny_loss_scaled()):
** there the subnormal terms' roundings, K 2^-1075 in all, could reach a
** fifth of an ulp of the loss. */
static int tiny_check(const bce_cce_row *r, const cce_scan *s, double *loss,
                      int *scale){
  if( *loss<(double)s->k*0x1p-1018 ){
    *loss = tiny_loss_scaled(r, s);
    *scale = -TINY_LOSS_SCALE;
  }
  return 1;
}

static int plain_logits_loss_scaled(const bce_cce_row *r, double *loss,
                                   int *scale, bce_array_error *err){
  cce_scan s;
  cce_pass it;
  cce_lse v;
  bce_sum l;
  double y, z;
  int64_t i;
  *scale = 0;
  if( !cce_scan_row(r, r->y ? Y_ARRAY : Y_CLASS, 1, 2, 0.0, 0, &s, err) ){
    return 0;
  }
  if( s.inf1>=0 ){
    /* softmax is one-hot at inf1: 0 if every target but that one is 0 */
    *loss = 0.0;
    pass_open(&it, r, &s);
    for(i=0; i<s.k; i++){
      pass_next(&it, &y, &z);
      if( i!=s.inf1 && y>0.0 ) *loss = INFINITY;
    }
    return 1;
  }
  v = lse_of(r, &s, 0);
  if( s.cls>=0 ){
    double hi;
    if( s.cls==s.j ){
      *loss = v.l;
      return tiny_check(r, &s, loss, scale);
    }
    if( s.pc< -DBL_MAX ){
      *loss = INFINITY;
      return 1;
    }
    /* m - z_c + L, two terms >= 0: the difference exactly as hi + lo */
    hi = s.m - s.pc;
    if( hi>DBL_MAX ){
      /* m > 0 > z_c, both huge, so their halves are exact and the loss
      ** (below 2^1025) is carried halved */
      double mh = 0.5*s.m, zh = 0.5*s.pc;
      hi = mh - zh;
      *loss = hi + (bce_two_sum_err(mh, -zh, hi) + 0.5*v.l);
      *scale = 1;
      return 1;
    }
    *loss = hi + (bce_two_sum_err(s.m, -s.pc, hi) + v.l);
    return tiny_check(r, &s, loss, scale);
  }
  /* soft targets: sum_k y_k (m - z_k) + (sum_k y_k) L, each term >= 0 and
  ** rounded once (the product), so the exact sum of them is within about
  ** 1 ulp of the loss but for L's own rounding */
  bce_sum_clear(&l);
  pass_open(&it, r, &s);
  for(i=0; i<s.k; i++){
    double d;
    pass_next(&it, &y, &z);
    if( !(y>0.0) ) continue;
    if( z< -DBL_MAX ){
      *loss = INFINITY;
      return 1;
    }
    d = s.m - z;
    if( d<=DBL_MAX ){
      bce_sum_add(&l, y*d, +1);
      bce_sum_add(&l, y*bce_two_sum_err(s.m, -z, d), +1);
    }else{
      /* m > 0 > z, both huge: two terms >= 0 on their own */
      bce_sum_add(&l, y*s.m, +1);
      bce_sum_add(&l, 0.0 - y*z, +1);
    }
  }
  bce_sum_add(&l, s.ysum*v.l, +1);
  *loss = bce_sum_value(&l);
  if( *loss>DBL_MAX ){
    /* below 2 (1 + 1e-4) DBL_MAX, the targets summing to at most 1 +
    ** 1e-4 (BCE_CCE_SUM_TOL): halved, or where that still overflows,
    ** quartered */
    *scale = 1;
    *loss = bce_sum_value_scaled(&l, -1);
    if( *loss>DBL_MAX ){
      *scale = 2;
      *loss = bce_sum_value_scaled(&l, -2);
    }
    return 1;
  }
  return tiny_check(r, &s, loss, scale);
}


/* w*l of a row, from the loss carried scaled: rounded once also where l
** is below 2^-1022 or above DBL_MAX (cce_logits_term(0, '[0, -800]',
** 1e300) is 3.7e-48 and came out 0).  w = m*2^b, m in [1, 2), so the
** product of the scaled loss and m is normal, and the scaling back rounds
** only where w*l is subnormal or past the range. */
static int plain_logits_wloss(const bce_cce_row *r, double w, double *wl,
                              bce_array_error *err){
  double l;
  int scale, b;
  if( !plain_logits_loss_scaled(r, &l, &scale, err) ) return 0;
  if( w==0.0 ){
    *wl = 0.0;           /* even where l is +Inf */
  }else if( scale==0 ){
    *wl = w==1.0 ? l : w*l;
  }else if( scale>0 ){
    /* l/2^scale >= 2^1021 and w >= 2^-1074: the product is normal, and
    ** the scaling back rounds only on overflow (+Inf: past the range) */
    *wl = ldexp(w*l, scale);
  }else{
    b = ilogb(w);
    *wl = ldexp(l*ldexp(w, -b), scale + b);
  }
  return 1;
}

/* ---------------------------------------------------------- gradients */

static int plain_grad(const bce_cce_row *r, double eps, double n,
                      bce_cce_emit emit, void *arg, bce_array_error *err){
  cce_scan s;
  cce_pass it;
  double y, p;
  int64_t i;
  if( !cce_scan_row(r, r->y ? Y_ARRAY : Y_CLASS, 0, 2, eps, 0, &s, err) ){
    return 0;
  }
  pass_open(&it, r, &s);
  for(i=0; i<s.k; i++){
    double g = 0.0, q;
    pass_next(&it, &y, &p);
    q = bce_clip(p, eps);
    if( y>0.0 ) g = 0.0 - y/q;
    if( y>0.0 && q>0.0 && n!=1.0
        && !(fabs(g)>=0x1p-1022 && fabs(g)<=DBL_MAX) ){
      /* y/q overflowed (q below 2^-1024, eps = 0), or fell onto the
      ** subnormal grid (a subnormal y: cce_grad('[1, 5e-324]', '[0.4,
      ** 0.6]', 1e-300, 0)[1] was 20% off), where y/q/n need not: y, q
      ** and n scaled to [1, 2) exactly, so that the two quotients round
      ** as in the normal range, and the result scaled back, which rounds
      ** again only where it is subnormal */
      int c = ilogb(y), a = ilogb(q), b = ilogb(n);
      emit(arg, ldexp(0.0 - ldexp(y, -c)/ldexp(q, -a)/ldexp(n, -b),
                      c - a - b));
      continue;
    }
    emit(arg, n==1.0 ? g : g/n);
  }
  return 1;
}

enum { OUT_GRAD, OUT_SOFTMAX, OUT_LOG_SOFTMAX };

/* (softmax_i - y) / n for an n below 1 where softmax_i - y itself is below
** 2^-1022, on the plain path, where y is 1 at the maximum j and 0
** elsewhere: there e^(z - m) (or T, at the maximum) is subnormal or 0,
** and dividing by n brings the quotient back into range
** (cce_logits_grad(0, '[0, -767.35]', 2.5e-54) is 8.8e-280 and came out
** 0).  The small terms are taken scaled by 2^k (shifted_exp_scaled(), k
** from the largest of them), and the quotient by n = m*2^b scaled back.
** x is the unscaled value, kept where the scaled one cannot help (a -Inf
** logit, all of it past 2^-2150). */
static double cce_grad_tiny(const bce_cce_row *r, const cce_scan *s,
                        const cce_lse *v, int64_t i, double z, double n,
                        double x){
  int k, b = ilogb(n);
  double t;
  if( i==s->j ){
    /* -T/S */
    double tk = cce_scaled_t(r, s, &k);
    if( tk==0.0 ) return x/n;
    t = 0.0 - tk/v->s;
  }else{
    double d = z - s->m;
    if( !(d>=-1500.0) ) return x/n;
    k = cce_scale_for(d);
    t = shifted_exp_scaled(z, s->m, k)/v->s;
  }
  return ldexp(t/ldexp(n, -b), -(k + b));
}

/* ------------------------------------------- the gradient where it cancels */

/* softmax_k - y_k cancels where the two are close (y the softmax of a
** near-equal row: K = 1000 soft targets were 551-743 ulp off per unit of
** condition, and ten zero logits with y = 0.1055... 9.2 ulp).  There it is
** taken from e^(z_k - m) and S in double-double (src/elementary.h, 2^-100
** relative), so the difference is within 2^-100 of the larger term before
** its one rounding.  Where the condition (the larger term over the
** difference) is above 2^39, which the rounded softmax as y makes 2^53 or
** more (K = 1000 near-equal logits were 2673 ulp off), that 2^-100 is more
** than 4 ulp allows, and the element is taken again to about 2^-148
** (Ziv's test, as bce_logits_grad() does): e^(z_k - m) of every term from
** bce_exp_qd() (src/qd.c, four doubles), S from their exact sum, once per
** row and only for a row that needs it.  bce_exp_fx() gives a rounded
** double, not the bits past it, and an exp_dd() of a split argument is
** still 2^-100 in each factor: hence src/qd.c, slow (about 10^5
** operations an exponential) but right to 4 ulp up to a condition of
** 2^90. */

/* A fast result is within 2^-97 of its larger term q (bce_exp_dd()'s
** 2^-100 in e^(z - m) and in S, dd_div()'s 2^-104 and the sums' 2^-106);
** taken again where that could be above 2^-58 of the difference h, a
** sixteenth of an ulp.  h = 0 (cancelled in full) is taken again too. */
static int cancels(double q, double h){
  return fabs(q)*0x1p-97>fabs(h)*0x1p-58;
}

/* The sum read as a double-double: hi the sum rounded, lo the rest rounded
** (the sum is exact, so the rest is too); the sum is left as it was. */
static bce_dd dd_of_sum(bce_sum *t){
  bce_dd v;
  v.hi = bce_sum_value(t);
  bce_sum_add(t, v.hi, -1);
  v.lo = bce_sum_value(t);
  bce_sum_add(t, v.hi, +1);
  return v;
}

/* (a.hi + a.lo)/(b.hi + b.lo), b > 0, to about 2^-104 relative: the first
** quotient's remainder exact by bce_fma(), then a second quotient. */
static bce_dd dd_div(bce_dd a, bce_dd b){
  bce_dd q;
  double q1 = a.hi/b.hi;
  double rem = bce_fma(-q1, b.hi, a.hi) + (a.lo - q1*b.lo);
  double q2 = rem/b.hi;
  q.hi = q1 + q2;
  q.lo = bce_two_sum_err(q1, q2, q.hi);
  return q;
}

/* T = sum over k != j of e^(z_k - m), and S = 1 + T, in double-double:
** each term e^(z_k - m) to 2^-100, summed exactly.  Terms below 2^-1200
** (z_k - m < -832, or -Inf) are left out, as bce_exp_dd() does: S >= 1. */
typedef struct cce_lse_dd {
  bce_dd t, s;
} cce_lse_dd;

static cce_lse_dd lse_dd_of(const bce_cce_row *r, const cce_scan *s){
  cce_lse_dd v;
  cce_pass it;
  bce_sum t;
  double y, z;
  int64_t i;
  bce_sum_clear(&t);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    double d, lo;
    bce_dd e;
    int k;
    pass_next(&it, &y, &z);
    d = z - s->m;
    if( i==s->j || !(d>=-832.0) ) continue;
    lo = bce_two_sum_err(z, -s->m, d);
    e = bce_exp_dd(d, lo, &k);
    bce_sum_add(&t, ldexp(e.hi, k), +1);
    bce_sum_add(&t, ldexp(e.lo, k), +1);
  }
  v.t = dd_of_sum(&t);
  bce_sum_add(&t, 1.0, +1);
  v.s = dd_of_sum(&t);
  return v;
}

/* (s + l)*2^e / n, s + l a double-double: the quotient by n = m*2^b, m in
** [1, 2), taken in double-double and rounded once, then scaled back
** (exact but where the result is subnormal or past the range). */
static double dd_over_n(double s, double l, int e, double n){
  int b = ilogb(n);
  double m = ldexp(n, -b), q1, q2;
  q1 = s/m;
  q2 = (bce_fma(-q1, m, s) + l)/m;
  return ldexp(q1 + q2, e - b);
}

/* (a*2^ka - y)/n, a a double-double >= 0, y in [0, 1], n > 0: the two
** terms brought to a common scale 2^e near the larger (a subnormal y is
** exact there too), their difference in double-double, so that neither a
** difference that cancels nor a tiny n loses bits on the way. */
static double dd_minus_y(bce_dd a, int ka, double y, double n, int *slow){
  /* a or y is > 0 (a is, where y = 0: the caller has z - m >= -832);
  ** ilogb() of either is above -1100, ka above -1300 */
  int e = -10000;
  double ah, al, yh, h, hl, t;
  if( y>0.0 ) e = ilogb(y) + 1;
  if( a.hi!=0.0 && ilogb(a.hi) + ka + 1>e ) e = ilogb(a.hi) + ka + 1;
  ah = ldexp(a.hi, ka - e);
  al = ldexp(a.lo, ka - e);
  yh = ldexp(y, -e);
  h = ah - yh;
  hl = bce_two_sum_err(ah, -yh, h) + al;
  t = h + hl;
  *slow = cancels(ah, t);
  return dd_over_n(t, bce_two_sum_err(h, hl, t), e, n);
}

/* (softmax_i - y)/n at i != j: e^(z - m)/S - y, z - m >= -832 or y > 0. */
static double grad_dd(const cce_lse_dd *v, double z, double m, double y,
                      double n, int *slow){
  double d = z - m;
  bce_dd q = {0.0, 0.0};
  int k = 0;
  if( d>=-832.0 ){
    q = dd_div(bce_exp_dd(d, bce_two_sum_err(z, -m, d), &k), v->s);
  }
  return dd_minus_y(q, k, y, n, slow);
}

/* (softmax_j - y)/n at the maximum j, y in [0, 1): (1 - y) - T/S, 1 - y
** exact as a double-double; T's terms below 2^-1022, each off by up to
** 2^-1075, do not matter next to 1 - y >= 2^-53. */
static double grad_dd_max(const cce_lse_dd *v, double y, double n,
                          int *slow){
  bce_dd q = dd_div(v->t, v->s);
  double oh = 1.0 - y, ol = bce_two_sum_err(1.0, -y, oh);
  double h = oh - q.hi, hl = bce_two_sum_err(oh, -q.hi, h) + (ol - q.lo);
  double t = h + hl;
  *slow = cancels(q.hi, t);
  return dd_over_n(t, bce_two_sum_err(h, hl, t), 0, n);
}

/* ---- the slow path: T and S to about 2^-150, and the element again */

typedef struct cce_lse_qd {
  bce_qd t, s;
} cce_lse_qd;

/* The exact sum read as four doubles, each the rounded rest of the ones
** before; the sum is left with the four taken off. */
static bce_qd qd_of_sum(bce_sum *t){
  bce_qd v;
  int c;
  for(c=0; c<4; c++){
    v.v[c] = bce_sum_value(t);
    bce_sum_add(t, v.v[c], -1);
  }
  return v;
}

/* T and S as lse_dd_of() takes them, each e^(z_k - m) from bce_exp_qd():
** its four parts scaled back (a part below 2^-1022 is off by up to
** 2^-1075, against S >= 1) and summed exactly. */
static cce_lse_qd lse_qd_of(const bce_cce_row *r, const cce_scan *s){
  cce_lse_qd v;
  cce_pass it;
  bce_sum t, t1;
  double y, z;
  int64_t i;
  int c;
  bce_sum_clear(&t);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    double d;
    bce_qd e;
    int k;
    pass_next(&it, &y, &z);
    d = z - s->m;
    if( i==s->j || !(d>=-832.0) ) continue;
    e = bce_exp_qd(d, bce_two_sum_err(z, -s->m, d), &k);
    for(c=0; c<4; c++) bce_sum_add(&t, ldexp(e.v[c], k), +1);
  }
  t1 = t;
  bce_sum_add(&t1, 1.0, +1);
  v.t = qd_of_sum(&t);
  v.s = qd_of_sum(&t1);
  return v;
}

/* (h[0] + ... + h[nh-1])*2^e / n, the parts in any order: summed into
** four doubles, the sum rounded to a double-double, divided by n. */
static double qd_over_n(double *h, int nh, int e, double n){
  bce_qd g = bce_qd_sum(h, nh);
  double l = g.v[1] + (g.v[2] + g.v[3]);
  double t = g.v[0] + l;
  return dd_over_n(t, bce_two_sum_err(g.v[0], l, t), e, n);
}

/* grad_dd() again, from e^(z - m)/S to about 2^-148: y and the quotient
** at a common scale 2^e, their difference in four doubles.  grad_dd() had
** q > 0 (z - m >= -832) and y > 0 within 2^-39 of each other, so y's
** scale is the quotient's too, and y (subnormal or not) is exact there. */
static double grad_qd(const cce_lse_qd *v, double z, double m, double y,
                      double n){
  double d = z - m, h[5];
  bce_qd q;
  int k, e = ilogb(y) + 1, c;
  q = bce_qd_div(bce_exp_qd(d, bce_two_sum_err(z, -m, d), &k), v->s);
  for(c=0; c<4; c++) h[c] = ldexp(q.v[c], k - e);
  h[4] = -ldexp(y, -e);
  return qd_over_n(h, 5, e, n);
}

/* grad_dd_max() again: (1 - y) - T/S, T/S to about 2^-148. */
static double grad_qd_max(const cce_lse_qd *v, double y, double n){
  bce_qd q = bce_qd_div(v->t, v->s);
  double h[6] = {1.0, -y, -q.v[0], -q.v[1], -q.v[2], -q.v[3]};
  return qd_over_n(h, 6, 0, n);
}

/* The elements of softmax, log_softmax or the logits gradient of a row
** cce_scan_row() has checked. */
static void softmax_out(const bce_cce_row *r, const cce_scan *s, int out,
                        double n, bce_cce_emit emit, void *arg){
  cce_pass it;
  cce_lse v;
  cce_lse_dd vd = {{0.0, 0.0}, {1.0, 0.0}};
  cce_lse_qd vq;
  double y, z, x;
  int64_t i;
  int dd = 0, have_qd = 0;
  if( s->inf1>=0 ){
    /* the limit: one-hot at the +Inf */
    pass_open(&it, r, s);
    for(i=0; i<s->k; i++){
      double hot = i==s->inf1 ? 1.0 : 0.0;
      pass_next(&it, &y, &z);
      if( out==OUT_SOFTMAX ){
        x = hot;
      }else if( out==OUT_LOG_SOFTMAX ){
        x = i==s->inf1 ? 0.0 : -INFINITY;
      }else{
        x = hot - y;
        if( n!=1.0 ) x = x/n;
      }
      emit(arg, x);
    }
    return;
  }
  v = lse_of(r, s, 1);
  if( out==OUT_GRAD && !(s->cls>=0 && s->cls==s->j) ){
    /* a target > 0 off the maximum (soft targets, or a class index that is
    ** not the largest logit): its element may cancel */
    vd = lse_dd_of(r, s);
    dd = 1;
    v.s = vd.s.hi;
  }
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    double e;
    pass_next(&it, &y, &z);
    /* every element of such a row but where the old path is as good and
    ** reaches further: -T/S at the maximum for y = 1 (no cancelling; T
    ** scaled for n < 1), e^(z - m) below 2^-1200 for y = 0 */
    if( dd && (i==s->j ? y!=1.0 : y>0.0 || z - s->m>=-832.0) ){
      int slow;
      x = i==s->j ? grad_dd_max(&vd, y, n, &slow)
                  : grad_dd(&vd, z, s->m, y, n, &slow);
      if( slow ){
        if( !have_qd ){
          vq = lse_qd_of(r, s);
          have_qd = 1;
        }
        x = i==s->j ? grad_qd_max(&vq, y, n) : grad_qd(&vq, z, s->m, y, n);
      }
      emit(arg, x);
      continue;
    }
    e = i==s->j ? 1.0 : shifted_exp(z, s->m);
    if( out==OUT_SOFTMAX ){
      x = e/v.s;
    }else if( out==OUT_LOG_SOFTMAX ){
      /* (z - m) - L with z - m exact as hi + lo; both terms <= 0 */
      double hi = z - s->m;
      if( hi< -DBL_MAX ){
        x = -INFINITY;
      }else{
        double lo = bce_two_sum_err(z, -s->m, hi), t = hi - v.l;
        x = t + (bce_two_sum_err(hi, -v.l, t) + lo);
      }
    }else{
      /* what the double-double path leaves: y = 1 at the maximum, where
      ** 1/S - 1 is -T/S (T = 1e-300 keeps its digits), and y = 0 off it:
      ** nothing cancels */
      x = i==s->j ? 0.0 - v.t/v.s : e/v.s;
      if( n<1.0 && fabs(x)<0x1p-1022 ){
        x = cce_grad_tiny(r, s, &v, i, z, n, x);
      }else if( n!=1.0 ){
        x = x/n;
      }
    }
    emit(arg, x);
  }
}

static int plain_logits_grad(const bce_cce_row *r, double n,
                             bce_cce_emit emit, void *arg,
                             bce_array_error *err){
  cce_scan s;
  if( !cce_scan_row(r, r->y ? Y_ARRAY : Y_CLASS, 1, 2, 0.0, 0, &s, err) ){
    return 0;
  }
  softmax_out(r, &s, OUT_GRAD, n, emit, arg);
  return 1;
}

BCE_PRIVATE int bce_cce_softmax(const char *z, size_t nz, int zJsonb,
                                int take_log,
                                bce_cce_emit emit, void *arg,
                                bce_array_error *err){
  cce_scan s;
  bce_cce_row r;
  r.y = 0;
  r.ny = 0;
  r.cls = 0.0;
  r.p = z;
  r.np = nz;
  r.yJsonb = 0;
  r.pJsonb = zJsonb;
  if( !cce_scan_row(&r, Y_NONE, 1, 1, 0.0, 0, &s, err) ) return 0;
  softmax_out(&r, &s, take_log ? OUT_LOG_SOFTMAX : OUT_SOFTMAX, 1.0, emit,
              arg);
  return 1;
}

/* ============================================================ options */

/* The options' loss and gradients (issue 21, src/cce.h), on a path of
** their own: today's machinery above stays the defaults' (same bits).
** Every factor of a term w_c a_c (1-q_c)^gamma y'_c (-ln q_c) is >= 0, so
** the terms are products and a sum of nonnegative numbers: each taken in
** double-double (about 2^-100 relative) with an exponent of its own, so
** that a class weight of 1e300 or a focal factor of 2^-1100 neither
** overflows nor underflows on the way, and rounded once at the end. */

/* (hi + lo) * 2^e, hi in [1, 2) (or (-2, -1]), 0 or +Inf.  Scaled by
** src/dd.h's bce_scale() and bce_ilogb(), the same doubles as ldexp() and
** ilogb() (a product by a power of two is rounded once, as ldexp rounds;
** both fall back to the C library's outside the normal range) without a
** call into the C library for each (docs/performance.md "Options"). */
typedef struct xdd {
  double hi, lo;
  int e;
} xdd;

static xdd xdd_norm(double hi, double lo, int e){
  xdd x;
  x.hi = hi;
  x.lo = lo;
  x.e = e;
  if( hi!=0.0 && isfinite(hi) ){
    int b = bce_ilogb(hi);
    x.hi = bce_scale(hi, -b);
    x.lo = bce_scale(lo, -b);
    x.e = e + b;
  }else if( hi==0.0 ){
    x.lo = 0.0;
    x.e = 0;
  }
  return x;
}

static xdd xdd_d(double x){
  return xdd_norm(x, 0.0, 0);
}

static xdd xdd_mul(xdd a, xdd b){
  double hi = a.hi, lo = a.lo;
  if( hi==0.0 || b.hi==0.0 ) return xdd_d(0.0);
  if( isinf(hi) || isinf(b.hi) ) return xdd_d(INFINITY);
  bce_dd_mul(&hi, &lo, b.hi, b.lo);
  return xdd_norm(hi, lo, a.e + b.e);
}

static bce_dd dd_div(bce_dd a, bce_dd b);

/* a/b for b > 0 finite */
static xdd xdd_div(xdd a, xdd b){
  bce_dd q, x, y;
  if( a.hi==0.0 || isinf(a.hi) ) return a;
  x.hi = a.hi;
  x.lo = a.lo;
  y.hi = b.hi;
  y.lo = b.lo;
  q = dd_div(x, y);
  return xdd_norm(q.hi, q.lo, a.e - b.e);
}

/* a + b, both >= 0: nothing cancels */
static xdd xdd_add(xdd a, xdd b){
  double hi, lo;
  if( b.hi==0.0 ) return a;
  if( a.hi==0.0 ) return b;
  if( isinf(a.hi) || isinf(b.hi) ) return xdd_d(INFINITY);
  if( a.e<b.e ){
    xdd t = a;
    a = b;
    b = t;
  }
  if( a.e - b.e>200 ) return a;      /* below the double-double's digits */
  hi = a.hi;
  lo = a.lo;
  bce_dd_add(&hi, &lo, bce_scale(b.hi, b.e - a.e));
  bce_dd_add(&hi, &lo, bce_scale(b.lo, b.e - a.e));
  return xdd_norm(hi, lo, a.e);
}

/* x * 2^k to the nearest double: once, also where it is subnormal
** (bce_ldexp_dd()); +Inf past the range */
static double xdd_round(xdd x, int k){
  if( x.hi==0.0 || isinf(x.hi) ) return x.hi;
  if( x.e + k>1100 ) return x.hi>0.0 ? INFINITY : -INFINITY;
  if( x.e + k< -1200 ) return 0.0*x.hi;
  return bce_ldexp_dd(x.hi, x.lo, x.e + k);
}

/* x/n, n > 0 finite: the quotient by n = m*2^b, m in [1, 2), in
** double-double and rounded once */
static double xdd_over_n(xdd x, double n){
  int b;
  double m, q1, q2;
  if( x.hi==0.0 || isinf(x.hi) ) return x.hi;
  b = bce_ilogb(n);
  m = bce_scale(n, -b);
  q1 = x.hi/m;
  q2 = (bce_fma(-q1, m, x.hi) + x.lo)/m;
  return xdd_round(xdd_norm(q1, q2, x.e), -b);
}

/* e^(hi + lo), hi <= 0 (or a little above): bce_exp_dd() past its floor
** of -832 too, the exponent split as N ln2 + rest */
static xdd xdd_exp(double hi, double lo){
  bce_dd r;
  int k, nn = 0;
  if( !(hi>=-1e6) ) return xdd_d(0.0);     /* below 2^-1.4e6 */
  if( hi< -700.0 ){
    double t;
    nn = (int)(hi/BCE_LN2_HI);           /* |nn| < 2^21: nn ln2_hi exact */
    t = hi - nn*BCE_LN2_HI;
    lo += bce_two_sum_err(hi, -nn*BCE_LN2_HI, t) - nn*BCE_LN2_LO;
    hi = t + lo;
    lo = bce_two_sum_err(t, lo, hi);
  }
  r = bce_exp_dd(hi, lo, &k);
  return xdd_norm(r.hi, r.lo, k + nn);
}

/* ln of x > 0 finite as a double-double: ln(hi + lo) + e ln2 */
static bce_dd xdd_log(xdd x){
  bce_dd l = bce_log_dd(x.hi, x.lo);
  double hi = l.hi, lo = l.lo;
  bce_dd_add(&hi, &lo, x.e*BCE_LN2_HI);
  bce_dd_add(&hi, &lo, x.e*BCE_LN2_LO);
  l.hi = hi;
  l.lo = lo;
  return l;
}

/* What the options make of one row */
typedef struct opt_row {
  const bce_options *o;
  const cce_scan *s;
  int logits;
  bce_dd oms, sk;      /* 1 - s and s/K, exactly and to 2^-104 */
  xdd skx;             /* s/K with an exponent of its own */
  int sk_tiny;         /* s/K below 2^-968, where sk loses digits */
  xdd t;               /* logits: T = sum over k != j of e^(z_k - m) */
  bce_dd sd;           /* S = 1 + T */
  xdd l;               /* ln S = log1p(T) */
} opt_row;

/* ... and of one class c */
typedef struct opt_class {
  xdd a;               /* w_c alpha_c y'_c */
  xdd q, u;            /* q_c and 1 - q_c, each with its own digits */
  xdd nlq;             /* -ln q_c, +Inf for q_c = 0 */
} opt_class;

/* T, S and ln S of a row of finite logits (+Inf none, -Inf allowed): T's
** terms each from bce_exp_dd() with an exponent of its own, summed as
** xdd, so that a T below 2^-1022 (z = [0, -800]) keeps its digits for
** 1 - q_j = T/S and ln S, where the focal factor and a class weight of
** 1e300 bring them into view */
static void opt_lse(const bce_cce_row *r, const cce_scan *s, opt_row *w){
  cce_pass it;
  double y, z, hi, lo;
  int64_t i;
  w->t = xdd_d(0.0);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    double d;
    pass_next(&it, &y, &z);
    if( i==s->j || z< -DBL_MAX ) continue;
    d = z - s->m;
    w->t = xdd_add(w->t, xdd_exp(d, bce_two_sum_err(z, -s->m, d)));
  }
  hi = 1.0;
  lo = 0.0;
  if( w->t.hi!=0.0 && w->t.e>-1100 ){
    bce_dd_add(&hi, &lo, ldexp(w->t.hi, w->t.e));
    bce_dd_add(&hi, &lo, ldexp(w->t.lo, w->t.e));
  }
  w->sd.hi = hi;
  w->sd.lo = lo;
  if( w->t.hi==0.0 || w->t.e< -500 ){
    /* log1p(T) = T (1 - T/2 + ...): T to 2^-500 */
    w->l = w->t;
  }else{
    bce_dd l = bce_log1p_dd(ldexp(w->t.hi, w->t.e), ldexp(w->t.lo, w->t.e));
    w->l = xdd_norm(l.hi, l.lo, 0);
  }
}

static int option_length(bce_array_error *err, unsigned key, int64_t n,
                         int64_t k){
  err->first = key;
  err->ny = n;
  err->np = k;
  return cce_fail(err, BCE_ARRAY_OPTION_LENGTH, 1);
}

static int opt_scan(const bce_cce_row *r, const bce_options *o, int logits,
                    cce_scan *s, opt_row *w, bce_array_error *err){
  double sm = o->smoothing, q1;
  if( !cce_scan_row(r, r->y ? Y_ARRAY : Y_CLASS, logits, 2, o->eps, 0, s,
                    err) ){
    return 0;
  }
  if( o->n_class_weights!=0 && o->n_class_weights!=s->k ){
    return option_length(err, BCE_OPT_CLASS_WEIGHT, o->n_class_weights,
                         s->k);
  }
  if( o->n_alphas!=0 && o->n_alphas!=s->k ){
    return option_length(err, BCE_OPT_ALPHA, o->n_alphas, s->k);
  }
  w->o = o;
  w->s = s;
  w->logits = logits;
  w->oms.hi = 1.0 - sm;
  w->oms.lo = bce_two_sum_err(1.0, -sm, w->oms.hi);
  q1 = sm/(double)s->k;
  w->sk.hi = q1;
  w->sk.lo = bce_fma(-q1, (double)s->k, sm)/(double)s->k;
  /* s/K on the subnormal grid is off by up to 2^-1075, all of it where
  ** it underflows (s = 5e-324, K = 2), and a smoothed target of 0 would
  ** drop a term s/K (-ln q) that a q near 0 (or -ln q = 1e300 of a
  ** logit) brings into view: s scaled to [1, 2) first, exactly */
  w->sk_tiny = sm>0.0 && q1<0x1p-968;
  w->skx = xdd_d(0.0);
  if( w->sk_tiny ){
    int b = bce_ilogb(sm);
    double sn = bce_scale(sm, -b), h = sn/(double)s->k;
    w->skx = xdd_norm(h, bce_fma(-h, (double)s->k, sn)/(double)s->k, b);
  }
  if( logits && s->inf1<0 ){
    opt_lse(r, s, w);
  }
  return 1;
}

/* The row's d: w_k for a class index k with class weights, else 1 */
static double opt_denom(const bce_cce_row *r, const bce_options *o,
                        const cce_scan *s){
  if( r->y==0 && o->n_class_weights>0 ) return o->class_weights[s->cls];
  return 1.0;
}

static void opt_class_of(const opt_row *w, int64_t i, double y, double p,
                         opt_class *c){
  const bce_options *o = w->o;
  const cce_scan *s = w->s;
  double hi = y, lo = 0.0;
  double cw = o->n_class_weights>0 ? o->class_weights[i] : 1.0;
  double al = !(o->keys & BCE_OPT_ALPHA) ? 1.0
              : o->n_alphas>0 ? o->alphas[i] : o->alpha;
  xdd ys;
  if( w->sk_tiny ){
    /* y' = y (1 - s) + s/K, each part with its exponent: a subnormal y
    ** (1 - s) would round onto the grid at scale 0 as s/K does.  Where s/K
    ** is above 2^-968, so is y', and an error of 2^-1075 is below 2^-106
    ** of it */
    ys = xdd_add(xdd_mul(xdd_d(y), xdd_norm(w->oms.hi, w->oms.lo, 0)),
                 w->skx);
  }else{
    bce_dd_mul(&hi, &lo, w->oms.hi, w->oms.lo);
    bce_dd_add(&hi, &lo, w->sk.hi);
    bce_dd_add(&hi, &lo, w->sk.lo);
    ys = xdd_norm(hi, lo, 0);
  }
  c->a = xdd_mul(xdd_mul(xdd_d(cw), xdd_d(al)), ys);
  if( !w->logits ){
    double q = bce_clip(p, o->eps), uh = 1.0 - q;
    c->q = xdd_d(q);
    c->u = xdd_norm(uh, bce_two_sum_err(1.0, -q, uh), 0);
    if( q==0.0 ){
      c->nlq = xdd_d(INFINITY);
    }else{
      bce_dd l = bce_log_dd(q, 0.0);
      c->nlq = xdd_norm(0.0 - l.hi, 0.0 - l.lo, 0);
    }
    return;
  }
  if( s->inf1>=0 || p< -DBL_MAX ){
    /* softmax one-hot at the +Inf, or a -Inf logit: q is 0 or 1 */
    int hot = i==s->inf1;
    c->q = xdd_d(hot ? 1.0 : 0.0);
    c->u = xdd_d(hot ? 0.0 : 1.0);
    c->nlq = xdd_d(hot ? 0.0 : INFINITY);
    return;
  }
  if( i==s->j ){
    /* q = 1/S, 1 - q = T/S, -ln q = ln S: nothing cancels */
    bce_dd one = {1.0, 0.0}, q = dd_div(one, w->sd);
    xdd sx = xdd_norm(w->sd.hi, w->sd.lo, 0);
    c->q = xdd_norm(q.hi, q.lo, 0);
    c->u = xdd_div(w->t, sx);
    c->nlq = w->l;
    return;
  }else{
    /* q = e^(z - m)/S <= 1/2, so 1 - q keeps its digits; -ln q =
    ** (m - z) + ln S, two terms >= 0, m - z exact as hi + lo (halved
    ** where it is past DBL_MAX) */
    double d = p - s->m, dl = bce_two_sum_err(p, -s->m, d), qh, ql, nh, nl;
    xdd sx = xdd_norm(w->sd.hi, w->sd.lo, 0);
    /* ln S as a double-double: here m - z > 0 or T >= 1, so a part of
    ** ln S below 2^-1022 is nothing next to the other */
    double lh = xdd_round(xdd_norm(w->l.hi, 0.0, w->l.e), 0);
    double ll = xdd_round(xdd_norm(w->l.lo, 0.0, w->l.e), 0);
    int e = 0;
    c->q = xdd_div(xdd_exp(d, dl), sx);
    qh = xdd_round(xdd_norm(c->q.hi, 0.0, c->q.e), 0);
    ql = xdd_round(xdd_norm(c->q.lo, 0.0, c->q.e), 0);
    hi = 1.0;
    lo = 0.0;
    bce_dd_add(&hi, &lo, -qh);
    bce_dd_add(&hi, &lo, -ql);
    c->u = xdd_norm(hi, lo, 0);
    nh = s->m - p;
    if( nh>DBL_MAX ){
      double mh = 0.5*s->m, zh = 0.5*p;
      nh = mh - zh;
      nl = bce_two_sum_err(mh, -zh, nh);
      bce_dd_add(&nh, &nl, 0.5*lh);
      bce_dd_add(&nh, &nl, 0.5*ll);
      e = 1;
    }else{
      nl = bce_two_sum_err(s->m, -p, nh);
      bce_dd_add(&nh, &nl, lh);
      bce_dd_add(&nh, &nl, ll);
    }
    c->nlq = xdd_norm(nh, nl, e);
  }
}

/* (1 - q)^gamma, 0^0 = 1: an integer gamma up to 64 by products, any
** other as e^(gamma ln(1 - q)), ln(1 - q) from log1p(-q) where q is small
** and from 1 - q where it is not, each keeping its digits */
static xdd focal(const opt_class *c, double g){
  xdd r, b;
  bce_dd l;
  double hi, lo;
  if( g==0.0 ) return xdd_d(1.0);
  if( c->u.hi==0.0 ) return xdd_d(0.0);
  if( g<=64.0 && g==floor(g) ){
    unsigned n = (unsigned)g;
    r = xdd_d(1.0);
    b = c->u;
    for(;;){
      if( n & 1u ) r = xdd_mul(r, b);
      n >>= 1;
      if( n==0 ) break;
      b = xdd_mul(b, b);
    }
    return r;
  }
  if( c->q.e< -2 ){
    /* q < 1/4 */
    l = bce_log1p_dd(0.0 - xdd_round(xdd_norm(c->q.hi, 0.0, c->q.e), 0),
                     0.0 - xdd_round(xdd_norm(c->q.lo, 0.0, c->q.e), 0));
  }else{
    l = xdd_log(c->u);
  }
  hi = l.hi;
  lo = l.lo;
  bce_dd_mul(&hi, &lo, g, 0.0);
  return xdd_exp(hi, lo);
}

/* the class's term w a (1-q)^gamma y' (-ln q) */
static xdd opt_term(const opt_row *w, const opt_class *c){
  if( c->a.hi==0.0 || c->nlq.hi==0.0 ) return xdd_d(0.0);
  if( isinf(c->nlq.hi) ) return c->nlq;
  return xdd_mul(xdd_mul(c->a, focal(c, w->o->gamma)), c->nlq);
}

/* The loss of a row with options, as an xdd; 1 or 0 (*err) */
static int opt_loss(const bce_cce_row *r, const bce_options *o, int logits,
                    xdd *loss, double *denom, bce_array_error *err){
  cce_scan s;
  opt_row w;
  opt_class c;
  cce_pass it;
  double y, p;
  int64_t i;
  xdd l = xdd_d(0.0);
  if( !opt_scan(r, o, logits, &s, &w, err) ) return 0;
  *denom = opt_denom(r, o, &s);
  pass_open(&it, r, &s);
  for(i=0; i<s.k; i++){
    pass_next(&it, &y, &p);
    opt_class_of(&w, i, y, p, &c);
    l = xdd_add(l, opt_term(&w, &c));
  }
  *loss = l;
  return 1;
}

/* dl/dp_c of w a (1-q)^gamma (-ln q), a = w_c alpha_c y'_c:
** -a (1-q)^gamma (gamma (-ln q)/(1-q) + 1/q), two terms >= 0; at q = 1
** its limit, 0 for gamma > 0 and -a for gamma = 0 */
static double opt_grad_p(const opt_row *w, const opt_class *c, double n){
  double g = w->o->gamma;
  xdd b, t;
  if( c->a.hi==0.0 ) return 0.0;
  if( c->q.hi==0.0 ) return -INFINITY;
  if( c->u.hi==0.0 ) return g>0.0 ? 0.0 : 0.0 - xdd_over_n(c->a, n);
  b = xdd_div(xdd_d(1.0), c->q);
  if( g>0.0 ){
    b = xdd_add(b, xdd_mul(xdd_d(g), xdd_div(c->nlq, c->u)));
  }
  t = xdd_mul(xdd_mul(c->a, focal(c, g)), b);
  return 0.0 - xdd_over_n(t, n);
}

/* h_c = -q_c dl/dq_c = a (1-q)^gamma (gamma q (-ln q)/(1-q) + 1), >= 0:
** dl/dz_k = q_k sum_c h_c - h_k.  Limits: h = a at q = 0 (q ln q -> 0),
** h = 0 at q = 1 for gamma > 0 (h = a for gamma = 0). */
static xdd opt_h(const opt_row *w, const opt_class *c){
  double g = w->o->gamma;
  xdd b = xdd_d(1.0);
  if( c->a.hi==0.0 ) return xdd_d(0.0);
  if( c->q.hi==0.0 ) return c->a;
  if( c->u.hi==0.0 ) return g>0.0 ? xdd_d(0.0) : c->a;
  if( g>0.0 ){
    b = xdd_add(b, xdd_mul(xdd_d(g), xdd_div(xdd_mul(c->q, c->nlq), c->u)));
  }
  return xdd_mul(xdd_mul(c->a, focal(c, g)), b);
}

/* (a - b)/n, a and b >= 0, rounded once: at a common scale in
** double-double (2^-100 of the larger term).  *slow: the difference is
** within 2^37 of that error (a sixteenth of an ulp, with a margin for the
** terms' own 2^-97): Ziv's test, as the defaults' cancels(); then *depth
** is how many bits the difference lies below the larger term (2000 for
** a difference of 0) */
static double xdd_diff_over_n(xdd a, xdd b, double n, int *slow,
                              int *depth){
  int e;
  double ah, al, bh, bl, h, hl, t;
  *slow = 0;
  *depth = 0;
  if( b.hi==0.0 ) return xdd_over_n(a, n);
  if( a.hi==0.0 ) return 0.0 - xdd_over_n(b, n);
  e = a.e>b.e ? a.e : b.e;
  ah = ldexp(a.hi, a.e - e);
  al = ldexp(a.lo, a.e - e);
  bh = ldexp(b.hi, b.e - e);
  bl = ldexp(b.lo, b.e - e);
  h = ah - bh;
  hl = bce_two_sum_err(ah, -bh, h) + (al - bl);
  t = h + hl;
  *slow = fabs(ah>bh ? ah : bh)*0x1p-95>fabs(t)*0x1p-58;
  if( *slow ) *depth = t==0.0 ? 2000 : -ilogb(t);   /* the larger in [1, 2) */
  return xdd_over_n(xdd_norm(t, bce_two_sum_err(h, hl, t), e), n);
}

/* ---- the slow path of the logits gradient for gamma = 0 */

/* A_c = w_c alpha_c y'_c in four doubles: w alpha exact (two doubles),
** y' = y (1 - s) + s/K from the exact 1 - s and y, and s/K to 2^-200 */
static bce_qd opt_a_qd(const opt_row *w, int64_t i, double y){
  const bce_options *o = w->o;
  double cw = o->n_class_weights>0 ? o->class_weights[i] : 1.0;
  double al = !(o->keys & BCE_OPT_ALPHA) ? 1.0
              : o->n_alphas>0 ? o->alphas[i] : o->alpha;
  double sm = o->smoothing, oh = 1.0 - sm, ol = bce_two_sum_err(1.0, -sm, oh);
  double p = cw*al, h[8];
  bce_qd wa = {{p, bce_fma(cw, al, -p), 0.0, 0.0}};
  bce_qd sq = {{sm, 0.0, 0.0, 0.0}}, kq = {{(double)w->s->k, 0.0, 0.0, 0.0}};
  bce_qd sk = bce_qd_div(sq, kq);
  int c;
  h[0] = y*oh;
  h[1] = bce_fma(y, oh, -h[0]);
  h[2] = y*ol;
  h[3] = bce_fma(y, ol, -h[2]);
  for(c=0; c<4; c++) h[4 + c] = sk.v[c];
  return bce_qd_mul(wa, bce_qd_sum(h, 8));
}

/* (q_i H - A_i)/n to about 2^-148, H = sum of A_c: q_i = e^(z - m)/S with
** S as lse_qd_of() takes it */
static double opt_grad_qd(const opt_row *w, const cce_lse_qd *v, int64_t i,
                          double z, bce_qd hq, bce_qd a, double n){
  const cce_scan *s = w->s;
  bce_qd q = {{0.0, 0.0, 0.0, 0.0}}, one = {{1.0, 0.0, 0.0, 0.0}};
  double h[8], d = z - s->m;
  int k, c;
  if( i==s->j ){
    q = bce_qd_div(one, v->s);
  }else if( d>=-832.0 ){
    q = bce_qd_div(bce_exp_qd(d, bce_two_sum_err(z, -s->m, d), &k), v->s);
    q = bce_qd_scale(q, k);
  }
  q = bce_qd_mul(q, hq);
  for(c=0; c<4; c++){
    h[c] = q.v[c];
    h[4 + c] = 0.0 - a.v[c];
  }
  return qd_over_n(h, 8, 0, n);
}

/* ---- the slow path of the logits gradient with focusing

** gamma > 0: h_c = A_c u_c^g (g q_c (-ln q_c)/u_c + 1) and q_k H - h_k
** again in four doubles (about 2^-140 of the terms), for an element whose
** double-double (2^-97) failed Ziv's test and whose row is not taken as
** near-uniform.  Only rows whose every number stays far from the ends of
** the range (opt_fqd_of()): four doubles have no exponent of their own. */
typedef struct opt_fqd {
  cce_lse_qd v;        /* T and S */
  bce_qd ls;           /* ln S */
  bce_qd h;            /* H = sum of h_c */
} opt_fqd;

static bce_qd fqd_of(double x){
  bce_qd r = {{x, 0.0, 0.0, 0.0}};
  return r;
}

static bce_qd fqd_neg(bce_qd a){
  int c;
  for(c=0; c<4; c++) a.v[c] = 0.0 - a.v[c];
  return a;
}

/* (1 - q)^g = u^g: an integer g up to 64 by products, another as
** e^(g ln u), ln u = log1p(-q) for q <= 1/2 and ln u itself above (u =
** T/S of the maximum's class, which may be e^-600), the exponent's two
** lower parts as the factor 1 + x2 + x3 (their square is below 2^-180) */
static bce_qd qd_focal(bce_qd q, bce_qd u, double g){
  bce_qd r = fqd_of(1.0), b = u, x;
  int k;
  if( g<=64.0 && g==floor(g) ){
    unsigned n = (unsigned)g;
    for(;;){
      if( n & 1u ) r = bce_qd_mul(r, b);
      n >>= 1;
      if( n==0 ) break;
      b = bce_qd_mul(b, b);
    }
    return r;
  }
  x = q.v[0]<=0.5 ? bce_qd_log1p(fqd_neg(q)) : bce_qd_log(u);
  x = bce_qd_mul(fqd_of(g), x);
  r = bce_exp_qd(x.v[0], x.v[1], &k);
  r = bce_qd_scale(r, k);
  b.v[0] = 1.0;
  b.v[1] = x.v[2];
  b.v[2] = x.v[3];
  b.v[3] = 0.0;
  return bce_qd_mul(r, b);
}

/* h_c of class i (finite logit z) in four doubles, and its q_c */
static bce_qd opt_h_fqd(const opt_row *w, const opt_fqd *f, int64_t i,
                        double y, double z, bce_qd *qo){
  const cce_scan *s = w->s;
  double g = w->o->gamma;
  bce_qd q, u, nlq, one = fqd_of(1.0), b;
  if( i==s->j ){
    q = bce_qd_div(one, f->v.s);
    u = bce_qd_div(f->v.t, f->v.s);
    nlq = f->ls;
  }else{
    double d = z - s->m, dl = bce_two_sum_err(z, -s->m, d);
    bce_qd md = {{0.0 - d, 0.0 - dl, 0.0, 0.0}};
    int k;
    q = bce_qd_div(bce_exp_qd(d, dl, &k), f->v.s);
    q = bce_qd_scale(q, k);
    u = bce_qd_add(one, fqd_neg(q));
    nlq = bce_qd_add(f->ls, md);
  }
  *qo = q;
  b = bce_qd_div(bce_qd_mul(q, nlq), u);
  b = bce_qd_add(one, bce_qd_mul(fqd_of(g), b));
  return bce_qd_mul(bce_qd_mul(opt_a_qd(w, i, y), qd_focal(q, u, g)), b);
}

/* Whether the row keeps four doubles' digits (no infinite logit, every
** logit within 600 of m, every nonzero A_c within 2^+-500, its focal
** factor above 2^-600 and h_c within 2^+-600), and then f */
static int opt_fqd_of(const bce_cce_row *r, const opt_row *w, opt_fqd *f){
  const cce_scan *s = w->s;
  cce_pass it;
  opt_class c;
  double y, z;
  int64_t i;
  /* its caller runs it only for a slow element, and a row with a +Inf
  ** logit or of one class has none (one side of each difference is 0,
  ** as for opt_uniform()) */
  if( BCE_NEVER(s->inf1>=0) || BCE_NEVER(s->k<2) ) return 0;
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    xdd fc, hc;
    pass_next(&it, &y, &z);
    if( !(s->m - z<=600.0) ) return 0;
    opt_class_of(w, i, y, z, &c);
    if( c.a.hi==0.0 ) continue;
    if( c.a.e< -500 || c.a.e>500 ) return 0;
    fc = focal(&c, w->o->gamma);
    hc = opt_h(w, &c);
    if( fc.hi==0.0 || fc.e< -600 ) return 0;
    if( hc.hi==0.0 || hc.e< -600 || hc.e>600 ) return 0;
  }
  f->v = lse_qd_of(r, s);
  f->ls = bce_qd_log1p(f->v.t);
  f->h = fqd_of(0.0);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    bce_qd q;
    pass_next(&it, &y, &z);
    opt_class_of(w, i, y, z, &c);
    if( c.a.hi==0.0 ) continue;
    f->h = bce_qd_add(f->h, opt_h_fqd(w, f, i, y, z, &q));
  }
  return 1;
}

/* (q_k H - h_k)/n for class k of such a row */
static double opt_grad_fqd(const opt_row *w, const opt_fqd *f, int64_t k,
                           double y, double z, double n){
  bce_qd q, hk, t;
  double h[8];
  int c;
  /* k is a slow element, so A_k is not 0 (h_k would be 0, and one side of
  ** the difference q_k H - 0 with it: never slow); opt_h_fqd() gives q_k
  ** beside h_k, and would give h_k = 0 for an A_k of 0 all the same */
  hk = opt_h_fqd(w, f, k, y, z, &q);
  t = bce_qd_mul(q, f->h);
  for(c=0; c<4; c++){
    h[c] = t.v[c];
    h[4 + c] = 0.0 - hk.v[c];
  }
  /* rounded once also where the quotient is subnormal (xdd_over_n()) */
  t = bce_qd_sum(h, 8);
  {
    double l = t.v[1] + (t.v[2] + t.v[3]), s0 = t.v[0] + l;
    return xdd_over_n(xdd_norm(s0, bce_two_sum_err(t.v[0], l, s0), 0), n);
  }
}

/* ---- the near-uniform rows of the logits gradient

** Where the logits lie within a tiny spread of each other, q_k = 1/K + O(the
** spread), and where A_k = w_k alpha_k y'_k is the mean of the A_c
** (smoothing 1 and every A_c the same, or equal targets, or alphas whose
** mean is alpha_k) the gradient is 0 at equal logits and of the order of
** the spread about them: logits within 1e-272 of each other have q_k -
** 1/K of 1e-273, and q_k H - h_k in any fixed number of doubles is all
** rounding error (-1.3e-72 for elements of 1e-224).  With h_c = A_c q_c
** psi(q_c), psi(q) = u^g/q + g u^(g-1) (-ln q), u = 1 - q, and the sum of
** the q_c 1 (over the finite logits; a -Inf logit's A_c must be 0):
**
**   q_k H - h_k = q_k sum_c q_c (A_c psi_c - A_k psi_k)
**     = q_k [M - A_k D_k + psi_j q_j (B_k + R_k)],
**   D_c = psi_c - psi_j,  M = sum_c q_c A_c D_c,  B_k = sum_c (A_c - A_k),
**   R_k = sum_c r_c (A_c - A_k),  r_c = q_c/q_j - 1 = expm1(z_c - m),
**
** j the maximum's class.  B_k is taken exactly (products of doubles in an
** exact sum, y'_c = y_c (1-s) + s/K split at its two parts), and this form
** is used only where it is 0: the structure, not a coincidence of
** roundings.  Then every term is of the order of the spread.  Each D_c
** keeps its digits: where r_c is below 2^-33 (z_c - m exact as two
** doubles), D_c is the trapezoid -(psi'(q_c) + psi'(q_j))/2 (q_c - q_j),
** q_c - q_j = q_j r_c, whose error is r_c squared (2^-66); above, psi_c -
** psi_j in double-double loses fewer than 33 of its bits.  What is left
** cancels only where z_k is next to a weighted mean of the logits, which
** nothing in the row makes exact. */
typedef struct opt_uni {
  opt_class cj;        /* the maximum's class */
  xdd psij, dpsij;     /* psi(q_j), -psi'(q_j) */
  xdd msum;            /* M */
  xdd ra, rs;          /* sum of r_c A_c, sum of r_c */
  bce_sum x1, x2;      /* sum of P_c y_c and of P_c, P_c = w_c alpha_c */
  double nf;           /* the finite logits */
} opt_uni;

static xdd xdd_neg(xdd x){
  x.hi = 0.0 - x.hi;
  x.lo = 0.0 - x.lo;
  return x;
}

/* w_c alpha_c = *ph + *pl exactly */
static void opt_p(const bce_options *o, int64_t i, double *ph, double *pl){
  double cw = o->n_class_weights>0 ? o->class_weights[i] : 1.0;
  double al = !(o->keys & BCE_OPT_ALPHA) ? 1.0
              : o->n_alphas>0 ? o->alphas[i] : o->alpha;
  *ph = cw*al;
  *pl = bce_fma(cw, al, -*ph);
}

/* t += sign * a * b exactly (but where the product's rest is below
** 2^-1074) */
static void sum_product(bce_sum *t, double a, double b, int sign){
  double h = a*b;
  bce_sum_add(t, h, sign);
  bce_sum_add(t, bce_fma(a, b, -h), sign);
}

/* psi(q) and -psi'(q) = u^g/q^2 + 2g u^(g-1)/q + g (g-1) u^(g-2) (-ln q),
** for 0 < q < 1 (xdd_add() is exact to 2^-100 of the larger term also
** for terms of opposite signs) */
static void opt_psi(const opt_class *c, double g, xdd *psi, xdd *dpsi){
  xdd inv = xdd_div(xdd_d(1.0), c->q);
  xdd t = xdd_mul(focal(c, g), inv);
  *psi = t;
  *dpsi = xdd_mul(t, inv);
  if( g>0.0 ){
    double gm = g - 1.0;
    xdd p1 = xdd_div(focal(c, g), c->u);
    xdd b = xdd_mul(xdd_mul(xdd_d(g), p1), c->nlq);
    *psi = xdd_add(*psi, b);
    *dpsi = xdd_add(*dpsi, xdd_mul(xdd_mul(xdd_d(2.0*g), p1), inv));
    t = xdd_norm(gm, bce_two_sum_err(g, -1.0, gm), 0);
    *dpsi = xdd_add(*dpsi, xdd_div(xdd_mul(t, b), c->u));
  }
}

/* r = expm1(z - m) and D of a class of finite logit z, given its psi and
** -psi' */
static xdd opt_psi_diff(const opt_uni *v, xdd psi, xdd dpsi, double z,
                        double m, xdd *r){
  double d = z - m, lo = bce_two_sum_err(z, -m, d), hi = d;
  if( fabs(d)<0x1p-33 ){
    bce_dd_add(&hi, &lo, 0.5*d*d);
    bce_dd_add(&hi, &lo, d*d*d/6.0);
    *r = xdd_norm(hi, lo, 0);
    return xdd_mul(xdd_add(dpsi, v->dpsij),
                   xdd_mul(xdd_mul(v->cj.q, *r), xdd_d(-0.5)));
  }
  *r = xdd_add(xdd_exp(d, lo), xdd_d(-1.0));
  return xdd_add(psi, xdd_neg(v->psij));
}

/* Whether the row can be near-uniform (no +Inf; every -Inf logit's A_c 0;
** the finite logits within 1 of m, at least two of them, with finite
** P_c y_c below 2^900), and then v: two passes, taken once a row and only
** where an element cancelled past what the other paths keep */
static int opt_uniform(const bce_cce_row *r, const opt_row *w, opt_uni *v){
  const cce_scan *s = w->s;
  double g = w->o->gamma, y, z, ph, pl;
  cce_pass it;
  opt_class c;
  int64_t i, nf = 0;
  if( s->inf1>=0 ) return 0;
  bce_sum_clear(&v->x1);
  bce_sum_clear(&v->x2);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    pass_next(&it, &y, &z);
    opt_class_of(w, i, y, z, &c);
    if( z< -DBL_MAX ){
      if( c.a.hi!=0.0 ) return 0;
      continue;
    }
    if( !(s->m - z<=1.0) ) return 0;
    opt_p(w->o, i, &ph, &pl);
    if( !(fabs(ph)<=0x1p900) ) return 0;
    sum_product(&v->x1, ph, y, 1);
    sum_product(&v->x1, pl, y, 1);
    bce_sum_add(&v->x2, ph, 1);
    bce_sum_add(&v->x2, pl, 1);
    if( i==s->j ) v->cj = c;
    nf++;
  }
  if( nf<2 ) return 0;
  v->nf = (double)nf;
  opt_psi(&v->cj, g, &v->psij, &v->dpsij);
  v->msum = v->ra = v->rs = xdd_d(0.0);
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    xdd psi, dpsi, dc, rc;
    pass_next(&it, &y, &z);
    if( i==s->j || z< -DBL_MAX ) continue;
    opt_class_of(w, i, y, z, &c);
    opt_psi(&c, g, &psi, &dpsi);
    dc = opt_psi_diff(v, psi, dpsi, z, s->m, &rc);
    v->msum = xdd_add(v->msum, xdd_mul(xdd_mul(c.q, c.a), dc));
    v->ra = xdd_add(v->ra, xdd_mul(rc, c.a));
    v->rs = xdd_add(v->rs, rc);
  }
  return 1;
}

/* Whether B_k = sum_c (A_c - A_k) is 0 exactly: K B_k = K (1-s) X1 + s X2,
** X1 = sum P_c y_c - K P_k y_k and X2 = sum P_c - K P_k, K the finite
** logits, each an exact sum read as four doubles (or not taken: no zero
** then), and their products with K (1-s) = K (oh + ol) and s summed
** exactly again: [1, 0, 0] with class weights [1, 0, 2] and smoothing 1/2
** has A = [2/3, 0, 1/3], B_2 = 0, and neither X 0 */
static int opt_b_zero(const opt_row *w, opt_uni *v, int64_t k, double y){
  double sm = w->o->smoothing, ph, pl, kh, kl, f[4];
  double oh = 1.0 - sm, ol = bce_two_sum_err(1.0, -sm, oh);
  bce_sum t, u;
  bce_qd x1, x2;
  int a, b;
  opt_p(w->o, k, &ph, &pl);
  t = v->x1;
  u = v->x2;
  kh = v->nf*ph;
  kl = bce_fma(v->nf, ph, -kh);
  sum_product(&t, kh, y, -1);
  sum_product(&t, kl, y, -1);
  bce_sum_add(&u, kh, -1);
  bce_sum_add(&u, kl, -1);
  kh = v->nf*pl;
  kl = bce_fma(v->nf, pl, -kh);
  sum_product(&t, kh, y, -1);
  sum_product(&t, kl, y, -1);
  bce_sum_add(&u, kh, -1);
  bce_sum_add(&u, kl, -1);
  x1 = qd_of_sum(&t);
  x2 = qd_of_sum(&u);
  if( bce_sum_value(&t)!=0.0 || bce_sum_value(&u)!=0.0 ) return 0;
  f[0] = v->nf*oh;
  f[1] = bce_fma(v->nf, oh, -f[0]);
  f[2] = v->nf*ol;
  f[3] = bce_fma(v->nf, ol, -f[2]);
  bce_sum_clear(&t);
  for(a=0; a<4; a++){
    for(b=0; b<4; b++) sum_product(&t, f[b], x1.v[a], 1);
    sum_product(&t, sm, x2.v[a], 1);
  }
  return bce_sum_value(&t)==0.0;
}

/* q_k [M - A_k D_k + psi_j q_j R_k]/n for class k of a near-uniform row
** whose B_k is 0 */
static double opt_grad_uniform(const opt_row *w, const opt_uni *v,
                               const opt_class *c, int64_t k, double z,
                               double n){
  xdd psi, dpsi, rk = xdd_d(0.0), dk = xdd_d(0.0), t;
  if( k!=w->s->j ){
    opt_psi(c, w->o->gamma, &psi, &dpsi);
    dk = opt_psi_diff(v, psi, dpsi, z, w->s->m, &rk);
  }
  t = xdd_add(v->ra, xdd_neg(xdd_mul(c->a, v->rs)));
  t = xdd_mul(xdd_mul(v->psij, v->cj.q), t);
  t = xdd_add(xdd_add(v->msum, xdd_neg(xdd_mul(c->a, dk))), t);
  return xdd_over_n(xdd_mul(c->q, t), n);
}

/* ------------------------------------------------- the public functions */

/* A class-index target equal to ignore_index: the row counts as NULL */
static int cce_ignored(const bce_cce_row *r, const bce_options *o){
  return r->y==0 && (o->keys & BCE_OPT_IGNORE_INDEX)!=0
         && r->cls==(double)o->ignore_index;
}

/* An ignored row's p or z is still read and checked; 2, or 0 (*err) */
static int ignored_row(const bce_cce_row *r, int logits, cce_scan *s,
                       bce_array_error *err){
  if( !cce_scan_row(r, Y_NONE, logits, 2, 0.0, 0, s, err) ) return 0;
  return 2;
}

/* Whether the options change nothing but eps: today's path, its bits */
static int cce_plain(const bce_options *o){
  return o->n_class_weights==0 && (o->keys & BCE_OPT_ALPHA)==0
         && o->gamma==0.0 && o->smoothing==0.0;
}

BCE_PRIVATE int bce_cce_wloss(const bce_cce_row *r, const bce_options *o,
                              double w, double *loss, double *wl,
                              double *denom, bce_array_error *err){
  cce_scan s;
  xdd l;
  *denom = 1.0;
  if( cce_ignored(r, o) ){
    if( !ignored_row(r, 0, &s, err) ) return 0;
    *loss = *wl = 0.0;
    return 2;
  }
  if( cce_plain(o) ) return plain_wloss(r, o->eps, w, loss, wl, err);
  if( !opt_loss(r, o, 0, &l, denom, err) ) return 0;
  *loss = xdd_round(l, 0);
  *wl = w==0.0 ? 0.0 : xdd_round(xdd_mul(l, xdd_d(w)), 0);
  return 1;
}

BCE_PRIVATE int bce_cce_loss(const bce_cce_row *r, const bce_options *o,
                             double *loss, double *denom,
                             bce_array_error *err){
  double wl;
  return bce_cce_wloss(r, o, 1.0, loss, &wl, denom, err);
}

BCE_PRIVATE int bce_cce_loss_scaled(const bce_cce_row *r,
                                    const bce_options *o, double *loss,
                                    int *scale, double *denom,
                                    bce_array_error *err){
  cce_scan s;
  xdd l;
  *denom = 1.0;
  *scale = 0;
  if( cce_ignored(r, o) ){
    if( !ignored_row(r, 0, &s, err) ) return 0;
    *loss = 0.0;
    return 2;
  }
  if( cce_plain(o) ) return bce_cce_loss(r, o, loss, denom, err);
  if( !opt_loss(r, o, 0, &l, denom, err) ) return 0;
  if( l.hi!=0.0 && isfinite(l.hi) && l.e< -1000 ) *scale = -1100;
  *loss = xdd_round(l, -*scale);
  return 1;
}

BCE_PRIVATE int bce_cce_logits_loss_scaled(const bce_cce_row *r,
                                           const bce_options *o,
                                           double *loss, int *scale,
                                           double *denom,
                                           bce_array_error *err){
  cce_scan s;
  xdd l;
  *denom = 1.0;
  *scale = 0;
  if( cce_ignored(r, o) ){
    if( !ignored_row(r, 1, &s, err) ) return 0;
    *loss = 0.0;
    return 2;
  }
  if( cce_plain(o) ) return plain_logits_loss_scaled(r, loss, scale, err);
  if( !opt_loss(r, o, 1, &l, denom, err) ) return 0;
  if( l.hi!=0.0 && isfinite(l.hi) ){
    if( l.e>=1023 ){
      /* halved or quartered, as the defaults' path carries it */
      *scale = l.e - 1022;
      if( *scale>2 ){
        *scale = 0;
        *loss = INFINITY;
        return 1;
      }
    }else if( l.e< -1000 ){
      *scale = -1100;
    }
  }
  *loss = xdd_round(l, -*scale);
  return 1;
}

BCE_PRIVATE int bce_cce_logits_loss(const bce_cce_row *r,
                                    const bce_options *o, double *loss,
                                    double *denom, bce_array_error *err){
  int scale, rc = bce_cce_logits_loss_scaled(r, o, loss, &scale, denom, err);
  /* doubling a double above 2^1023 is exact but for overflow, and the
  ** scaling down rounds only where the loss is subnormal: the loss rounded
  ** once (or twice, to within an ulp, where subnormal), or +Inf past the
  ** range */
  if( rc!=0 && scale ) *loss = ldexp(*loss, scale);
  return rc;
}

BCE_PRIVATE int bce_cce_logits_wloss(const bce_cce_row *r,
                                     const bce_options *o, double w,
                                     double *wl, double *denom,
                                     bce_array_error *err){
  cce_scan s;
  xdd l;
  *denom = 1.0;
  if( cce_ignored(r, o) ){
    if( !ignored_row(r, 1, &s, err) ) return 0;
    *wl = 0.0;
    return 2;
  }
  if( cce_plain(o) ) return plain_logits_wloss(r, w, wl, err);
  if( !opt_loss(r, o, 1, &l, denom, err) ) return 0;
  *wl = w==0.0 ? 0.0 : xdd_round(xdd_mul(l, xdd_d(w)), 0);
  return 1;
}

/* K zeros: the gradient of an ignored row */
static int ignored_grad(const bce_cce_row *r, int logits, bce_cce_emit emit,
                        void *arg, bce_array_error *err){
  cce_scan s;
  int64_t i;
  if( !ignored_row(r, logits, &s, err) ) return 0;
  for(i=0; i<s.k; i++) emit(arg, 0.0);
  return 2;
}

BCE_PRIVATE int bce_cce_grad(const bce_cce_row *r, const bce_options *o,
                             double n, bce_cce_emit emit, void *arg,
                             bce_array_error *err){
  cce_scan s;
  opt_row w;
  opt_class c;
  cce_pass it;
  double y, p;
  int64_t i;
  if( cce_ignored(r, o) ) return ignored_grad(r, 0, emit, arg, err);
  if( cce_plain(o) ) return plain_grad(r, o->eps, n, emit, arg, err);
  if( !opt_scan(r, o, 0, &s, &w, err) ) return 0;
  pass_open(&it, r, &s);
  for(i=0; i<s.k; i++){
    pass_next(&it, &y, &p);
    opt_class_of(&w, i, y, p, &c);
    emit(arg, opt_grad_p(&w, &c, n));
  }
  return 1;
}

/* a > b: whether a is the larger, both >= 0 */
static int xdd_above(xdd a, xdd b){
  if( b.hi==0.0 ) return a.hi!=0.0;
  if( a.hi==0.0 ) return 0;
  if( a.e!=b.e ) return a.e>b.e;
  return a.hi>b.hi || (a.hi==b.hi && a.lo>b.lo);
}

/* a - b for a >= b >= 0, b <= a/2: nothing cancels */
static xdd xdd_sub_half(xdd a, xdd b){
  double hi = a.hi, lo = a.lo;
  if( b.hi==0.0 ) return a;
  if( a.e - b.e>200 ) return a;
  bce_dd_add(&hi, &lo, -ldexp(b.hi, b.e - a.e));
  bce_dd_add(&hi, &lo, -ldexp(b.lo, b.e - a.e));
  return xdd_norm(hi, lo, a.e);
}

/* Whether every element of the gradient is 0 exactly: all logits equal
** (q_k = 1/K, a rational the sums below cannot hold: 1/15 in four doubles
** left 2^-212 of the terms, 6e168 over n = 7.6e-236) and every A_c =
** w_c alpha_c y'_c the same, y'_c = y_c (1 - s) + s/K; then h_c is the same
** for every class and q_k H - h_k = h - h.  Equal factors are tested, a
** sufficient condition that needs no arithmetic. */
static int opt_grad_zero(const bce_cce_row *r, const bce_options *o,
                         const cce_scan *s){
  cce_pass it;
  double y, z, y0 = 0.0;
  int64_t i;
  if( s->inf1>=0 ) return 0;
  pass_open(&it, r, s);
  for(i=0; i<s->k; i++){
    pass_next(&it, &y, &z);
    if( i==0 ) y0 = y;
    if( z!=s->m ) return 0;
    if( o->smoothing!=1.0 && y!=y0 ) return 0;
    if( o->n_class_weights>0 && o->class_weights[i]!=o->class_weights[0] ){
      return 0;
    }
    if( o->n_alphas>0 && o->alphas[i]!=o->alphas[0] ) return 0;
  }
  return 1;
}

/* dl/dz_k = q_k H - h_k = q_k (H - h_k) - (1 - q_k) h_k, H = sum h_c: the
** second form, since q_k = 1 in double-double must not lose the 1 - q_k =
** T/S of z = [0, -800] (a gradient of -1.2e-51 with a class weight of
** 1e300 came out 0).  H - h_k is taken as H minus h_k where h_k is at most
** half of H, and for the one class where it may be more (the largest
** h), as the sum of the others, from a pass of its own. */
BCE_PRIVATE int bce_cce_logits_grad(const bce_cce_row *r,
                                    const bce_options *o, double n,
                                    bce_cce_emit emit, void *arg,
                                    bce_array_error *err){
  cce_scan s;
  opt_row w;
  opt_class c;
  cce_pass it;
  double y, z;
  int64_t i, top = -1;
  xdd h = xdd_d(0.0), htop = xdd_d(0.0), rest = xdd_d(0.0), hi_;
  cce_lse_qd vq;
  bce_qd hq = {{0.0, 0.0, 0.0, 0.0}};
  int have_qd = 0, uni = -1, fq = -1;
  opt_uni v;
  opt_fqd fv;
  if( cce_ignored(r, o) ) return ignored_grad(r, 1, emit, arg, err);
  if( cce_plain(o) ) return plain_logits_grad(r, n, emit, arg, err);
  if( !opt_scan(r, o, 1, &s, &w, err) ) return 0;
  if( opt_grad_zero(r, o, &s) ){
    for(i=0; i<s.k; i++) emit(arg, 0.0);
    return 1;
  }
  pass_open(&it, r, &s);
  for(i=0; i<s.k; i++){
    pass_next(&it, &y, &z);
    opt_class_of(&w, i, y, z, &c);
    hi_ = opt_h(&w, &c);
    h = xdd_add(h, hi_);
    if( top<0 || xdd_above(hi_, htop) ){
      top = i;
      htop = hi_;
    }
  }
  pass_open(&it, r, &s);
  for(i=0; i<s.k; i++){
    pass_next(&it, &y, &z);
    if( i==top ) continue;
    opt_class_of(&w, i, y, z, &c);
    rest = xdd_add(rest, opt_h(&w, &c));
  }
  pass_open(&it, r, &s);
  for(i=0; i<s.k; i++){
    xdd others;
    double x;
    int slow, depth;
    pass_next(&it, &y, &z);
    opt_class_of(&w, i, y, z, &c);
    hi_ = opt_h(&w, &c);
    others = i==top ? rest : xdd_sub_half(h, hi_);
    x = xdd_diff_over_n(xdd_mul(c.q, others), xdd_mul(c.u, hi_), n, &slow,
                        &depth);
    /* past 2^-88 of the terms the four doubles below keep fewer than 60
    ** bits; past 2^-46 with focusing, the double-double fewer than 51:
    ** a near-uniform row is taken as such (above).  A row with a +Inf
    ** logit is never slow: q is 0 or 1 there, so one side of each
    ** difference is 0 */
    if( slow && depth>(o->gamma==0.0 ? 88 : 46) ){
      if( uni<0 ) uni = opt_uniform(r, &w, &v);
      if( uni && opt_b_zero(&w, &v, i, y) ){
        emit(arg, opt_grad_uniform(&w, &v, &c, i, z, n));
        continue;
      }
    }
    if( slow && o->gamma>0.0 ){
      /* the rest of the slow ones with focusing: in four doubles, where
      ** the row's numbers allow (39 ulp at the double nearest the zero
      ** of a soft target's element with gamma 2, 10^7 with gamma 1.5) */
      if( fq<0 ) fq = opt_fqd_of(r, &w, &fv);
      if( fq ) x = opt_grad_fqd(&w, &fv, i, y, z, n);
    }
    if( slow && o->gamma==0.0 ){
      /* (softmax - y')-like, cancelling past the double-double: again
      ** in four doubles (h_c = A_c without focusing) */
      if( !have_qd ){
        cce_pass it2;
        double y2, z2;
        int64_t i2;
        vq = lse_qd_of(r, &s);
        pass_open(&it2, r, &s);
        for(i2=0; i2<s.k; i2++){
          pass_next(&it2, &y2, &z2);
          hq = i2==0 ? opt_a_qd(&w, i2, y2)
                     : bce_qd_add(hq, opt_a_qd(&w, i2, y2));
        }
        have_qd = 1;
      }
      x = opt_grad_qd(&w, &vq, i, z, hq, opt_a_qd(&w, i, y), n);
    }
    emit(arg, x);
  }
  return 1;
}
