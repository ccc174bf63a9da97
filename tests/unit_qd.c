/* SPDX-License-Identifier: MIT */
/*
** src/qd.c's quad-doubles at their own precision, against mpmath at 600
** bits (tests/gen_qd_ref.py -> tests/ref/qd_ref.h): the suite's other
** tests see only the doubles that come out of them.  Each result's error
** is its exact difference from the reference (a fixed-point sum of the
** parts, below), checked against the bound src/qd.h states:
**   bce_qd_sum, _add, _mul, _div   2^-200 of the result ("about 2^-200");
**   bce_exp_qd                     2^-150 of the result, v[0] in [0.7, 1.5];
**   bce_qd_log, bce_qd_log1p       2^-150 of 1.
**   bce_qd_log(2^e)                |e| 2^-211 (qd.c's ln 2 is to 2^-212).
** Results that are exact (e^0 = 1, ln(1 + 0) = 0, sums whose value fits
** four doubles) must come out exact.  Prints ok/FAIL lines, with the worst
** error of each group as -log2.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../src/qd.h"
#include "ref/qd_ref.h"

#define COUNT(a) (sizeof(a)/sizeof((a)[0]))

static int failures;

/* The exact sum of up to 10 doubles, as a number in limbs of 32 bits
** from 2^base up (base = e0 - 320: anything below is dropped, 2^-310 of
** a result near 2^e0); returns it as a double (to 2^-50 or so, all the
** test needs), 0 only where the sum is 0 down to 2^base. */
#define NLIMB 12
static double exact_sum(const double *d, int n, int e0){
  long long L[NLIMB + 3];
  int base = e0 - 320, k, i;
  double r = 0.0;
  memset(L, 0, sizeof L);
  for(i=0; i<n; i++){
    int e;
    double m = frexp(d[i], &e);          /* d = m 2^e, |m| in [0.5, 1) */
    long long im = (long long)ldexp(m, 53);  /* exact: d = im 2^(e-53) */
    uint64_t lo, hi;
    long long piece[3];
    int p = e - 53 - base, neg = im<0;
    if( im==0 ) continue;
    if( neg ) im = -im;
    if( p<0 ){
      if( p<=-64 ) continue;
      im >>= -p;                         /* below 2^base: dropped */
      p = 0;
    }
    if( p/32 + 2 >= NLIMB + 3 ) { printf("FAIL|unit_qd: exact_sum range\n");
                                  failures++; return NAN; }
    /* im's low 32 and high 21 bits, each shifted within 64 bits */
    lo = ((uint64_t)im & 0xffffffffu) << (p % 32);
    hi = ((uint64_t)im >> 32) << (p % 32);
    piece[0] = (long long)(lo & 0xffffffffu);
    piece[1] = (long long)((lo >> 32) + (hi & 0xffffffffu));
    piece[2] = (long long)(hi >> 32);
    for(k=0; k<3; k++) L[p/32 + k] += neg ? -piece[k] : piece[k];
  }
  for(k=0; k<NLIMB + 2; k++){            /* carries: L[k] in [0, 2^32) */
    long long c = L[k] >> 32;            /* floor */
    L[k] -= c * 4294967296LL;
    L[k+1] += c;
  }
  if( L[NLIMB + 2]<0 ){                  /* negative: negate, again */
    for(k=0; k<NLIMB + 3; k++) L[k] = -L[k];
    for(k=0; k<NLIMB + 2; k++){
      long long c = L[k] >> 32;
      L[k] -= c * 4294967296LL;
      L[k+1] += c;
    }
    for(k=NLIMB + 2; k>=0; k--) r -= ldexp((double)L[k], base + 32*k);
    return r;
  }
  for(k=NLIMB + 2; k>=0; k--) r += ldexp((double)L[k], base + 32*k);
  return r;
}

/* q - ref exactly (to 2^(e0-320)), ref's six parts with e0 its exponent */
static double qd_error(bce_qd q, const double *ref){
  double d[10];
  int i, e0;
  if( ref[0]==0.0 ) e0 = -700;           /* an exact 0: any part shows */
  else frexp(ref[0], &e0);
  for(i=0; i<4; i++) d[i] = q.v[i];
  for(i=0; i<6; i++) d[4+i] = -ref[i];
  return exact_sum(d, 10, e0);
}

/* -log2 of err/scale, 9999 for none */
static double bits(double err, double scale){
  if( err==0.0 ) return 9999.0;
  return -log2(fabs(err)/scale);
}

struct worst { const char *name; double bound, least; long n, bad; int first; };

static void note(struct worst *w, int i, double b){
  w->n++;
  if( b<w->least ) w->least = b;
  if( !(b>=w->bound) ){
    if( w->bad++==0 ) w->first = i;
  }
}

static void report(struct worst *w){
  if( w->bad==0 ){
    printf("ok|unit_qd: %s within 2^-%.0f (%ld cases, worst 2^-%.1f)\n",
           w->name, w->bound, w->n, w->least);
  }else{
    failures++;
    printf("FAIL|unit_qd: %s within 2^-%.0f|%ld of %ld past it, first case "
           "%d, worst 2^-%.1f\n", w->name, w->bound, w->bad, w->n, w->first,
           w->least);
  }
}

static void exact_case(const char *name, bce_qd q, double v){
  if( q.v[0]==v && q.v[1]==0.0 && q.v[2]==0.0 && q.v[3]==0.0 ){
    printf("ok|unit_qd: %s exact\n", name);
  }else{
    failures++;
    printf("FAIL|unit_qd: %s exact|got {%a, %a, %a, %a}\n", name, q.v[0],
           q.v[1], q.v[2], q.v[3]);
  }
}

int main(void){
  struct worst wsum = {"bce_qd_sum", 200, 9999, 0, 0, 0};
  struct worst wop[3] = {{"bce_qd_add", 200, 9999, 0, 0, 0},
                         {"bce_qd_mul", 200, 9999, 0, 0, 0},
                         {"bce_qd_div", 200, 9999, 0, 0, 0}};
  struct worst wexp = {"bce_exp_qd", 150, 9999, 0, 0, 0};
  struct worst wlog[2] = {{"bce_qd_log", 150, 9999, 0, 0, 0},
                          {"bce_qd_log1p", 150, 9999, 0, 0, 0}};
  /* ln 2^e = e (ln 2's four parts), which qd.c states to 2^-212: within
  ** |e| 2^-211 with the rounding of the product to four parts */
  struct worst wln2 = {"bce_qd_log(2^e) = e ln 2, of |e|", 211, 9999, 0, 0, 0};
  long bad_range = 0;
  size_t i;

  for(i=0; i<COUNT(ref_qd_sum); i++){
    double x[12];
    bce_qd q;
    memcpy(x, ref_qd_sum[i].x, sizeof x);
    q = bce_qd_sum(x, ref_qd_sum[i].n);
    note(&wsum, (int)i, bits(qd_error(q, ref_qd_sum[i].r),
                             fabs(ref_qd_sum[i].r[0])));
  }
  report(&wsum);

  for(i=0; i<COUNT(ref_qd_ops); i++){
    bce_qd a, b, q;
    int op = ref_qd_ops[i].op;
    memcpy(a.v, ref_qd_ops[i].a, sizeof a.v);
    memcpy(b.v, ref_qd_ops[i].b, sizeof b.v);
    q = op==0 ? bce_qd_add(a, b) : op==1 ? bce_qd_mul(a, b) : bce_qd_div(a, b);
    note(&wop[op], (int)i, bits(qd_error(q, ref_qd_ops[i].r),
                                fabs(ref_qd_ops[i].r[0])));
  }
  report(&wop[0]); report(&wop[1]); report(&wop[2]);

  for(i=0; i<COUNT(ref_qd_exp); i++){
    int k;
    bce_qd q = bce_exp_qd(ref_qd_exp[i].hi, ref_qd_exp[i].lo, &k);
    double r[6];
    int j;
    if( !(q.v[0]>=0.7 && q.v[0]<=1.5) ) bad_range++;
    /* q 2^k = ref 2^K: q against ref 2^(K-k), exact (K - k is -1 to 1) */
    for(j=0; j<6; j++) r[j] = ldexp(ref_qd_exp[i].r[j], ref_qd_exp[i].K - k);
    note(&wexp, (int)i, bits(qd_error(q, r), fabs(r[0])));
  }
  report(&wexp);
  if( bad_range==0 ){
    printf("ok|unit_qd: bce_exp_qd v[0] in [0.7, 1.5]\n");
  }else{
    failures++;
    printf("FAIL|unit_qd: bce_exp_qd v[0] in [0.7, 1.5]|%ld cases out\n",
           bad_range);
  }

  for(i=0; i<COUNT(ref_qd_log); i++){
    bce_qd x, q;
    int f = ref_qd_log[i].f, e;
    memcpy(x.v, ref_qd_log[i].x, sizeof x.v);
    q = f ? bce_qd_log1p(x) : bce_qd_log(x);
    note(&wlog[f], (int)i, bits(qd_error(q, ref_qd_log[i].r), 1.0));
    if( f==0 && x.v[1]==0.0 && frexp(x.v[0], &e)==0.5 && e!=1 ){
      note(&wln2, (int)i, bits(qd_error(q, ref_qd_log[i].r), fabs(e - 1.0)));
    }
  }
  report(&wlog[0]); report(&wlog[1]); report(&wln2);

  {
    int k;
    bce_qd z = {{0.0, 0.0, 0.0, 0.0}}, one = {{1.0, 0.0, 0.0, 0.0}};
    double x[5] = {0x1p-300, 1.0, -0x1p-300, 0x1p-100, 0.0};
    exact_case("e^0 = 1", bce_exp_qd(0.0, 0.0, &k), 1.0);
    exact_case("ln(1 + 0) = 0", bce_qd_log1p(z), 0.0);
    exact_case("1/1 = 1", bce_qd_div(one, one), 1.0);
    exact_case("1 + 0 = 1", bce_qd_add(one, z), 1.0);
    exact_case("1*1 = 1", bce_qd_mul(one, one), 1.0);
    {
      bce_qd q = bce_qd_sum(x, 5);
      if( q.v[0]==1.0 && q.v[1]==0x1p-100 && q.v[2]==0.0 && q.v[3]==0.0 ){
        printf("ok|unit_qd: sum of 2^-300, 1, -2^-300, 2^-100, 0 exact\n");
      }else{
        failures++;
        printf("FAIL|unit_qd: sum of 2^-300, 1, -2^-300, 2^-100, 0 exact|"
               "got {%a, %a, %a, %a}\n", q.v[0], q.v[1], q.v[2], q.v[3]);
      }
    }
  }
  return failures ? 1 : 0;
}
