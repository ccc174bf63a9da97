/* SPDX-License-Identifier: MIT */
/*
** Unit tests of src/cce.c (no SQLite): the loss from probabilities and
** from logits, softmax, log_softmax and both gradients against
** tests/ref/cce_ref.h (mpmath at 50 digits, tests/gen_cce_ref.py), with
** the ulp tolerances stated there (TOL); every error status with its
** fields; and identities that need no reference: a one-hot array gives
** the class index's bits, K = 2 gives bce's value, a row read twice (K >
** BCE_CCE_BUF) gives what one read once would.  Prints one "ok|name" or
** "FAIL|name|why" line per check.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "../src/cce.h"
#include "../src/loss.h"
#include "ref/cce_ref.h"
#include "xorshift.h"

#define COUNT(a) (sizeof(a)/sizeof((a)[0]))
#define MAX_K 1000

static int failures;

static void report(int ok, const char *name, const char *why){
  if( ok ){
    printf("ok|%s\n", name);
  }else{
    failures++;
    printf("FAIL|%s|%s\n", name, why);
  }
}

static int same_bits(double a, double b){
  return memcmp(&a, &b, sizeof a)==0;
}

/* |got - want| in units of the last place of want; infinities and zeros
** must match exactly.  A zero's sign is not checked: the reference is -0
** where a tiny negative value (-e^-1000) rounds to zero, and the results
** are +0 there, as every zero this code writes. */
static double ulps(double got, double want){
  int e;
  if( got==want ) return 0.0;
  if( isinf(got) || isinf(want) || isnan(got) || want==0.0 ) return INFINITY;
  frexp(want, &e);
  e = e-1 < -1022 ? -1022 : e-1;
  return fabs(got - want)/ldexp(1.0, e - 52);
}

static void label(char *buf, size_t n, const char *fn, const char *y,
                  double cls, const char *p){
  if( y ){
    snprintf(buf, n, "%s(%.40s%s, %.50s%s)", fn, y, strlen(y)>40 ? "..." : "",
             p, strlen(p)>50 ? "..." : "");
  }else{
    snprintf(buf, n, "%s(%.0f, %.50s%s)", fn, cls, p,
             strlen(p)>50 ? "..." : "");
  }
}

static bce_cce_row row_of(const char *y, double cls, const char *p){
  bce_cce_row r;
  r.y = y;
  r.ny = y ? strlen(y) : 0;
  r.cls = cls;
  r.p = p;
  r.np = strlen(p);
  r.yJsonb = r.pJsonb = 0;
  return r;
}

/* The calls of 0.2.0's signatures: every option at its default but eps */
static int cce_loss_eps(const bce_cce_row *r, double eps, double *l,
                        bce_array_error *err){
  bce_options o;
  double d;
  bce_options_init(&o);
  o.eps = eps;
  return bce_cce_loss(r, &o, l, &d, err);
}

static int cce_logits_loss_d(const bce_cce_row *r, double *l,
                             bce_array_error *err){
  bce_options o;
  double d;
  bce_options_init(&o);
  return bce_cce_logits_loss(r, &o, l, &d, err);
}

static int cce_grad_eps(const bce_cce_row *r, double eps, double n,
                        bce_cce_emit emit, void *arg, bce_array_error *err){
  bce_options o;
  bce_options_init(&o);
  o.eps = eps;
  return bce_cce_grad(r, &o, n, emit, arg, err);
}

static int cce_logits_grad_d(const bce_cce_row *r, double n,
                             bce_cce_emit emit, void *arg,
                             bce_array_error *err){
  bce_options o;
  bce_options_init(&o);
  return bce_cce_logits_grad(r, &o, n, emit, arg, err);
}

/* the largest error seen, per function, for the summary lines */
static double worst[6];
static const char *const worst_name[6] = {
  "cce_grad", "cce_logits_grad", "softmax", "log_softmax", "cce", "cce_logits"
};

/* ------------------------------------------------------------- losses */

static void test_losses(void){
  size_t i;
  char name[200], why[200];
  for(i=0; i<COUNT(ref_cce); i++){
    bce_cce_row r = row_of(ref_cce[i].y, ref_cce[i].cls, ref_cce[i].p);
    bce_array_error err;
    double l = NAN, d;
    int ok = cce_loss_eps(&r, ref_cce[i].eps, &l, &err);
    label(name, sizeof name, "cce", r.y, r.cls, r.p);
    snprintf(name + strlen(name), sizeof name - strlen(name), " eps %g",
             ref_cce[i].eps);
    d = ok ? ulps(l, ref_cce[i].want) : INFINITY;
    if( ok && d>worst[4] && !isinf(d) ) worst[4] = d;
    snprintf(why, sizeof why, "ok %d status %d: got %.17g want %.17g "
             "(%.1f ulp > %d)", ok, (int)err.status, l, ref_cce[i].want, d,
             ref_cce[i].tol);
    report(ok && d<=ref_cce[i].tol, name, why);
  }
  for(i=0; i<COUNT(ref_cce_logits); i++){
    bce_cce_row r = row_of(ref_cce_logits[i].y, ref_cce_logits[i].cls,
                           ref_cce_logits[i].z);
    bce_array_error err;
    double l = NAN, d;
    int ok = cce_logits_loss_d(&r, &l, &err);
    label(name, sizeof name, "cce_logits", r.y, r.cls, r.p);
    d = ok ? ulps(l, ref_cce_logits[i].want) : INFINITY;
    if( ok && d>worst[5] && !isinf(d) ) worst[5] = d;
    snprintf(why, sizeof why, "ok %d status %d: got %.17g want %.17g "
             "(%.1f ulp > %d)", ok, (int)err.status, l,
             ref_cce_logits[i].want, d, ref_cce_logits[i].tol);
    report(ok && d<=ref_cce_logits[i].tol, name, why);
  }
}

/* ----------------------------------------------------------- elements */

typedef struct collect {
  double x[MAX_K + 1];
  int n;
} collect;

static void gather(void *arg, double x){
  collect *c = arg;
  if( c->n<=MAX_K ) c->x[c->n] = x;
  c->n++;
}

static int run_elems(int kind, const bce_cce_row *r, double eps, double n,
                     collect *c, bce_array_error *err){
  c->n = 0;
  switch( kind ){
    case 0:  return cce_grad_eps(r, eps, n, gather, c, err);
    case 1:  return cce_logits_grad_d(r, n, gather, c, err);
    case 2:  return bce_cce_softmax(r->p, r->np, 0, 0, gather, c, err);
    default: return bce_cce_softmax(r->p, r->np, 0, 1, gather, c, err);
  }
}

static void test_elements(void){
  static collect c;
  size_t i;
  char name[200], why[300];
  for(i=0; i<COUNT(ref_cce_elems); i++){
    bce_cce_row r = row_of(ref_cce_elems[i].y, ref_cce_elems[i].cls,
                           ref_cce_elems[i].p);
    bce_array_error err;
    int kind = ref_cce_elems[i].kind, k = ref_cce_elems[i].k, j, bad = -1;
    int ok = run_elems(kind, &r, ref_cce_elems[i].eps, ref_cce_elems[i].n,
                       &c, &err);
    double d = 0.0;
    if( kind>=2 ){
      snprintf(name, sizeof name, "%s(%.50s%s)", worst_name[kind], r.p,
               strlen(r.p)>50 ? "..." : "");
    }else{
      label(name, sizeof name, worst_name[kind], r.y, r.cls, r.p);
      snprintf(name + strlen(name), sizeof name - strlen(name), " / %g",
               ref_cce_elems[i].n);
    }
    snprintf(why, sizeof why, "ok %d status %d, %d elements of %d", ok,
             (int)err.status, c.n, k);
    if( ok && c.n==k ){
      for(j=0; j<k; j++){
        const double want = ref_elem[ref_cce_elems[i].off + j].want;
        int tol = ref_elem[ref_cce_elems[i].off + j].tol;
        double e = ulps(c.x[j], want);
        if( !isinf(e) && e>worst[kind] && tol<=4 ) worst[kind] = e;
        if( e>tol && bad<0 ){
          bad = j;
          d = e;
          snprintf(why, sizeof why, "[%d]: got %.17g want %.17g (%.1f ulp > "
                   "%d)", j, c.x[j], want, d, tol);
        }
      }
    }
    report(ok && c.n==k && bad<0, name, why);
  }
}

/* The largest error seen where nothing cancels: the tolerances are bounds,
** these are the errors.  Fails only if one exceeds the bound it reports. */
static void test_worst(void){
  static const int bound[6] = {2, 4, 3, 3, 2, 3};
  char name[120];
  int i;
  for(i=0; i<6; i++){
    snprintf(name, sizeof name, "%s: largest error over the references "
             "%.2f ulp (bound %d)", worst_name[i], worst[i], bound[i]);
    report(worst[i]<=bound[i], name, "");
  }
}

/* ---------------------------------------------------------- identities */

/* A one-hot array is the class index: the same bits, every function. */
static void test_one_hot(void){
  static const char *const p[] = {"[0.1, 0.7, 0.2]", "[1e-300,0.5,0.5]",
                                  "[0, 0, 1]"};
  static const char *const z[] = {"[2, -1e300, 3]", "[0, 1e-300, -0.5]",
                                  "[1e999, 0, -1e999]", "[-700.4, 0.25, 1]"};
  static const char *const hot[] = {"[1,0,0]", "[0, 1.0, 0]", "[0,0,1e0]"};
  static collect a, b;
  size_t i;
  int c;
  char name[160];
  for(c=0; c<3; c++){
    for(i=0; i<COUNT(p); i++){
      bce_cce_row rc = row_of(0, c, p[i]), ra = row_of(hot[c], 0, p[i]);
      bce_array_error err;
      double l1 = 1, l2 = 2;
      int ok = cce_loss_eps(&rc, 0.0, &l1, &err)
               && cce_loss_eps(&ra, 0.0, &l2, &err);
      snprintf(name, sizeof name, "one-hot %s is class %d: cce(., %s, eps 0)",
               hot[c], c, p[i]);
      report(ok && same_bits(l1, l2), name, "");
      ok = run_elems(0, &rc, BCE_DEFAULT_EPS, 3.0, &a, &err)
           && run_elems(0, &ra, BCE_DEFAULT_EPS, 3.0, &b, &err);
      snprintf(name, sizeof name, "one-hot %s is class %d: cce_grad(., %s)",
               hot[c], c, p[i]);
      report(ok && a.n==3 && b.n==3 && memcmp(a.x, b.x, 3*sizeof(double))==0,
             name, "");
    }
    for(i=0; i<COUNT(z); i++){
      bce_cce_row rc = row_of(0, c, z[i]), ra = row_of(hot[c], 0, z[i]);
      bce_array_error err;
      double l1 = 1, l2 = 2;
      int ok = cce_logits_loss_d(&rc, &l1, &err)
               && cce_logits_loss_d(&ra, &l2, &err);
      snprintf(name, sizeof name, "one-hot %s is class %d: cce_logits(., %s)",
               hot[c], c, z[i]);
      report(ok && same_bits(l1, l2), name, "");
      ok = run_elems(1, &rc, 0, 2.0, &a, &err)
           && run_elems(1, &ra, 0, 2.0, &b, &err);
      snprintf(name, sizeof name, "one-hot %s is class %d: "
               "cce_logits_grad(., %s)", hot[c], c, z[i]);
      report(ok && a.n==3 && b.n==3 && memcmp(a.x, b.x, 3*sizeof(double))==0,
             name, "");
    }
  }
}

/* K = 2 with 1 - p exact (p >= 1/2): cce is bce to the ulp, for random p
** and both classes (bce's own accuracy is 1 ulp, src/loss.h's tests). */
static void test_k2_is_bce(void){
  uint64_t st = 0x9e3779b97f4a7c15u;
  int i, bad = 0;
  char first[200] = "", text[80];
  for(i=0; i<20000; i++){
    double p = 0.5 + (double)(xorshift64(&st) >> 12)/9007199254740992.0;
    int c = (int)(xorshift64(&st) & 1);
    bce_cce_row r;
    bce_array_error err;
    double l = NAN, want = bce_loss((double)c, p, BCE_DEFAULT_EPS);
    snprintf(text, sizeof text, "[%.17g,%.17g]", 1.0 - p, p);
    r = row_of(0, c, text);
    if( !cce_loss_eps(&r, BCE_DEFAULT_EPS, &l, &err) || ulps(l, want)>1.0 ){
      if( !bad++ ) snprintf(first, sizeof first, "%s class %d: %.17g, bce "
                            "%.17g", text, c, l, want);
    }
  }
  report(bad==0, "K = 2: cce(c, [1-p, p]) within 1 ulp of bce(c, p), 20000 "
         "random p in [1/2, 1)", first);
}

/* Rows longer than BCE_CCE_BUF are read twice (or three times); the same
** row with its elements spelled differently in white space must give the
** same bits, and the same as its first BCE_CCE_BUF-row cousin where the
** extra classes have probability 0 and logit -Inf. */
static void test_long_rows(void){
  static char p[20000], z[20000], zz[20000];
  static collect a, b;
  int k = 3*BCE_CCE_BUF, i, np = 0, nz = 0, nzz = 0, ok;
  bce_cce_row r1, r2;
  bce_array_error err;
  double l1 = 1, l2 = 2;
  np += sprintf(p + np, "[");
  nz += sprintf(z + nz, "[");
  nzz += sprintf(zz + nzz, "[");
  for(i=0; i<k; i++){
    const char *sep = i ? "," : "";
    int mine = i<BCE_CCE_BUF/2;
    np += sprintf(p + np, "%s%s", sep, mine ? "0.03125" : "0");
    nz += sprintf(z + nz, "%s%.3f", sep, mine ? (i % 7) - 3.5 : -INFINITY);
    nzz += sprintf(zz + nzz, "%s%.3f", sep, (i % 7) - 3.5);
  }
  sprintf(p + np, "]");
  sprintf(z + nz, "]");
  sprintf(zz + nzz, "]");
  /* -inf prints as "-inf": make it JSON */
  for(i=0; z[i]; i++){
    if( strncmp(z + i, "-inf", 4)==0 ) memcpy(z + i, "-9e9", 4);
  }
  r1 = row_of(0, 5, p);
  ok = cce_loss_eps(&r1, 0.0, &l1, &err);
  report(ok && l1==-log(0.03125), "long row (K = 192, read twice): cce is "
         "-ln p_c", "");
  r1 = row_of(0, 5, z);
  {
    char small[2000];
    int n = sprintf(small, "[");
    for(i=0; i<BCE_CCE_BUF/2; i++){
      n += sprintf(small + n, "%s%.3f", i ? "," : "", (i % 7) - 3.5);
    }
    sprintf(small + n, "]");
    r2 = row_of(0, 5, small);
    ok = cce_logits_loss_d(&r1, &l1, &err)
         && cce_logits_loss_d(&r2, &l2, &err);
    report(ok && same_bits(l1, l2), "long row: logits of -9e9 beyond the "
           "first 32 change no bit of cce_logits", "");
    ok = run_elems(2, &r1, 0, 1, &a, &err) && run_elems(2, &r2, 0, 1, &b, &err);
    report(ok && a.n==k && b.n==BCE_CCE_BUF/2
           && memcmp(a.x, b.x, sizeof(double)*BCE_CCE_BUF/2)==0
           && a.x[k-1]==0.0, "long row: softmax read three times, the same "
           "bits as the short row's", "");
  }
  r1 = row_of(0, 5, zz);
  ok = run_elems(1, &r1, 0, 1, &a, &err);
  {
    double s = 0;
    for(i=0; i<a.n; i++) s += a.x[i];
    report(ok && a.n==k && fabs(s)<1e-14, "long row: the logits gradient "
           "sums to 0", "");
  }
}

/* ------------------------------------------------------------- errors */

typedef struct err_case {
  const char *name;
  int fn;               /* 0 cce, 1 cce_logits, 2 cce_grad, 3 cce_logits_grad,
                        ** 4 softmax */
  const char *y;        /* 0: class index cls */
  double cls;
  const char *p;
  bce_array_status status;
  int arg;
  int64_t index;        /* -1: not checked */
  double value;         /* NAN: not checked */
  int64_t a, b;         /* at/len, ny/np, first/index, np; -1: not checked */
} err_case;

static const err_case err_cases[] = {
  {"malformed p", 0, 0, 1, "[0.5, 0.5", BCE_ARRAY_MALFORMED, 1, -1, NAN, 9, -1},
  {"malformed y", 0, "[1, 0", 0, "[0.5, 0.5]", BCE_ARRAY_MALFORMED, 0, -1, NAN,
   5, -1},
  {"malformed z", 1, 0, 0, "{\"a\": 1}", BCE_ARRAY_MALFORMED, 1, -1, NAN, 0, -1},
  {"trailing text", 4, 0, 0, "[1] x", BCE_ARRAY_MALFORMED, 1, -1, NAN, 4, -1},
  {"not a number", 0, 0, 1, "[0.5, \"a\"]", BCE_ARRAY_NOT_NUMBER, 1, 1, NAN, 6,
   3},
  {"null element of y", 1, "[0, null]", 0, "[1, 2]", BCE_ARRAY_NOT_NUMBER, 0, 1,
   NAN, 4, 4},
  {"p above 1", 0, 0, 1, "[0.5, 1.5]", BCE_ARRAY_DOMAIN, 1, 1, 1.5, -1, -1},
  {"p below 0", 2, 0, 1, "[-0.0, 1, -1e-300]", BCE_ARRAY_DOMAIN, 1, 2, -1e-300,
   -1, -1},
  {"y above 1", 3, "[0, 2]", 0, "[1, 2]", BCE_ARRAY_DOMAIN, 0, 1, 2.0, -1, -1},
  {"y before p at one index", 0, "[0.5, -1]", 0, "[0.5, 7]", BCE_ARRAY_DOMAIN,
   0, 1, -1.0, -1, -1},
  {"p at an earlier index first", 0, "[0.5, -1]", 0, "[7, 0.5]",
   BCE_ARRAY_DOMAIN, 1, 0, 7.0, -1, -1},
  {"empty p", 0, 0, 0, "[ ]", BCE_ARRAY_EMPTY, 1, -1, NAN, -1, -1},
  {"empty y", 1, "[]", 0, "[1, 2]", BCE_ARRAY_EMPTY, 0, -1, NAN, -1, -1},
  {"empty softmax", 4, 0, 0, "[]", BCE_ARRAY_EMPTY, 1, -1, NAN, -1, -1},
  {"length: y longer", 0, "[0, 0, 1]", 0, "[0.5, 0.5]", BCE_ARRAY_LENGTH, 0, -1,
   NAN, 3, 2},
  {"length: z longer", 3, "[0, 1]", 0, "[1, 2, 3, 4]", BCE_ARRAY_LENGTH, 0, -1,
   NAN, 2, 4},
  {"length counts past a bad tail? no: the tail's error", 0, "[0, 1]", 0,
   "[0.5, 0.5, x]", BCE_ARRAY_MALFORMED, 1, -1, NAN, 11, -1},
  {"K = 1", 0, 0, 0, "[1]", BCE_ARRAY_FEW, 1, -1, NAN, -1, 1},
  {"K = 1 logits", 1, "[1]", 0, "[3]", BCE_ARRAY_FEW, 1, -1, NAN, -1, 1},
  {"class index = K", 0, 0, 2, "[0.5, 0.5]", BCE_ARRAY_CLASS, 0, -1, 2.0, -1, 2},
  {"class index huge", 1, 0, 1e300, "[0, 0]", BCE_ARRAY_CLASS, 0, -1, 1e300,
   -1, 2},
  {"class index negative (before the array)", 0, 0, -1, "[x",
   BCE_ARRAY_CLASS, 0, -1, -1.0, -1, -1},
  {"class index not integral", 3, 0, 1.5, "[1, 2]", BCE_ARRAY_CLASS, 0, -1, 1.5,
   -1, -1},
  {"p sums to 0.99", 0, 0, 0, "[0.49, 0.5]", BCE_ARRAY_SUM, 1, -1, 0.99, -1, -1},
  {"p sums to 1.01", 2, 0, 0, "[0.51, 0.5]", BCE_ARRAY_SUM, 1, -1, 1.01, -1, -1},
  {"p sums to 1.0002", 0, "[0, 1]", 0, "[0.5, 0.5002]", BCE_ARRAY_SUM, 1, -1,
   1.0002, -1, -1},
  {"soft y sums to 0.9", 0, "[0.4, 0.5]", 0, "[0.5, 0.5]", BCE_ARRAY_SUM, 0, -1,
   0.9, -1, -1},
  {"y of zeros", 1, "[0, 0]", 0, "[1, 2]", BCE_ARRAY_SUM, 0, -1, 0.0, -1, -1},
  {"y sum before p sum", 0, "[0.4, 0.5]", 0, "[0.1, 0.1]", BCE_ARRAY_SUM, 0, -1,
   0.9, -1, -1},
  {"logits as probabilities", 0, 0, 0, "[0.3, 0.9, 0.5]", BCE_ARRAY_SUM, 1, -1,
   1.7, -1, -1},
  {"two +Inf", 1, 0, 0, "[1e999, 0, 1e999, 1e999]", BCE_ARRAY_TWO_INF, 1, -1,
   NAN, 0, 2},
  {"two +Inf, softmax", 4, 0, 0, "[1, 1e999, 1e999]", BCE_ARRAY_TWO_INF, 1, -1,
   NAN, 1, 2},
  {"all -Inf", 3, 0, 0, "[-1e999, -1e999]", BCE_ARRAY_ALL_NEG_INF, 1, -1, NAN,
   -1, 2},
  {"all -Inf, log_softmax", 4, 0, 0, "[-1e999]", BCE_ARRAY_ALL_NEG_INF, 1, -1,
   NAN, -1, 1},
};

static void test_errors(void){
  static collect c;
  size_t i;
  char name[160], why[200];
  for(i=0; i<COUNT(err_cases); i++){
    const err_case *e = &err_cases[i];
    bce_cce_row r = row_of(e->y, e->cls, e->p);
    bce_array_error err;
    double l = 12345;
    int ok, fields = 1;
    memset(&err, 0x55, sizeof err);
    c.n = 0;
    switch( e->fn ){
      case 0:  ok = cce_loss_eps(&r, BCE_DEFAULT_EPS, &l, &err); break;
      case 1:  ok = cce_logits_loss_d(&r, &l, &err); break;
      case 2:  ok = run_elems(0, &r, BCE_DEFAULT_EPS, 1, &c, &err); break;
      case 3:  ok = run_elems(1, &r, 0, 1, &c, &err); break;
      default: ok = run_elems(3, &r, 0, 1, &c, &err); break;
    }
    if( e->index>=0 && err.index!=e->index ) fields = 0;
    if( !isnan(e->value) && !same_bits(err.value, e->value)
        && !(e->status==BCE_ARRAY_SUM && fabs(err.value - e->value)<1e-15) ){
      fields = 0;
    }
    switch( e->status ){
      case BCE_ARRAY_MALFORMED:
        if( e->a>=0 && (int64_t)err.at!=e->a ) fields = 0;
        break;
      case BCE_ARRAY_NOT_NUMBER:
        if( (int64_t)err.at!=e->a || (int64_t)err.len!=e->b ) fields = 0;
        break;
      case BCE_ARRAY_LENGTH:
        if( err.ny!=e->a || err.np!=e->b ) fields = 0;
        break;
      case BCE_ARRAY_TWO_INF:
        if( err.first!=e->a || err.index!=e->b ) fields = 0;
        break;
      case BCE_ARRAY_FEW: case BCE_ARRAY_CLASS: case BCE_ARRAY_ALL_NEG_INF:
        if( err.np!=e->b ) fields = 0;
        break;
      default:
        break;
    }
    snprintf(name, sizeof name, "error: %s (status %d, arg %d)", e->name,
             (int)e->status, e->arg);
    snprintf(why, sizeof why, "ok %d status %d arg %d index %lld value %.17g "
             "at %zu len %zu ny %lld np %lld first %lld emitted %d", ok,
             (int)err.status, err.arg, (long long)err.index, err.value, err.at,
             err.len, (long long)err.ny, (long long)err.np,
             (long long)err.first, c.n);
    report(!ok && err.status==e->status && err.arg==e->arg && fields
           && c.n==0 && l==12345, name, why);
  }
}

/* The tolerance of the row sum: what must pass does. */
static void test_sum_tolerance(void){
  static char text[40000];
  uint64_t st = 0x1234567u;
  int k, rep, bad = 0, n, i;
  char first[200] = "";
  for(rep=0; rep<200; rep++){
    /* probabilities rounded to 6 decimals, K up to 100: the last one takes
    ** what is left, so the texts sum to exactly 1 only before rounding */
    double w[100], s = 0;
    bce_cce_row r;
    bce_array_error err;
    double l;
    k = 2 + (int)(xorshift64(&st) % 99);
    for(i=0; i<k; i++){ w[i] = (double)(xorshift64(&st) >> 11) + 1; s += w[i]; }
    n = sprintf(text, "[");
    for(i=0; i<k; i++) n += sprintf(text + n, "%s%.6f", i ? "," : "", w[i]/s);
    sprintf(text + n, "]");
    r = row_of(0, 0, text);
    if( !cce_loss_eps(&r, BCE_DEFAULT_EPS, &l, &err) ){
      if( !bad++ ) snprintf(first, sizeof first, "K %d status %d sum %.17g",
                            k, (int)err.status, err.value);
    }
  }
  report(bad==0, "sum tolerance: 200 rows of 6-decimal probabilities, K up "
         "to 100, pass", first);
  bad = 0;
  for(rep=0; rep<20; rep++){
    /* float32 softmax of K = 1000: each p_k rounded to float, the sum
    ** rounded the way a float32 accumulation does */
    float e[1000], s = 0.0f;
    bce_cce_row r;
    bce_array_error err;
    double l;
    k = 1000;
    for(i=0; i<k; i++){
      e[i] = (float)exp(((double)(xorshift64(&st) >> 11)/9007199254740992.0
                         - 0.5)*20.0);
      s += e[i];
    }
    n = sprintf(text, "[");
    for(i=0; i<k; i++) n += sprintf(text + n, "%s%.9g", i ? "," : "", e[i]/s);
    sprintf(text + n, "]");
    r = row_of(0, 3, text);
    if( !cce_loss_eps(&r, BCE_DEFAULT_EPS, &l, &err) ){
      if( !bad++ ) snprintf(first, sizeof first, "status %d sum %.17g",
                            (int)err.status, err.value);
    }
  }
  report(bad==0, "sum tolerance: 20 float32 softmax rows of K = 1000 pass",
         first);
  {
    static const char *const edge[] = {"[0.5, 0.5001]",
                                       "[0.49990000000000001, 0.5]"};
    static const char *const off[] = {"[0.5, 0.50011]", "[0.4998, 0.5]"};
    for(i=0; i<2; i++){
      bce_cce_row r = row_of(0, 0, edge[i]);
      bce_array_error err;
      double l;
      char name[100];
      snprintf(name, sizeof name, "sum tolerance: %s (off by 1e-4) passes",
               edge[i]);
      report(cce_loss_eps(&r, BCE_DEFAULT_EPS, &l, &err), name, "");
      r = row_of(0, 0, off[i]);
      snprintf(name, sizeof name, "sum tolerance: %s fails", off[i]);
      report(!cce_loss_eps(&r, BCE_DEFAULT_EPS, &l, &err)
             && err.status==BCE_ARRAY_SUM, name, "");
    }
  }
}

int main(void){
  test_losses();
  test_elements();
  test_worst();
  test_one_hot();
  test_k2_is_bce();
  test_long_rows();
  test_errors();
  test_sum_tolerance();
  return failures ? 1 : 0;
}
