/* SPDX-License-Identifier: MIT */
/*
** Unit tests of the multi-class options of issue 21 in src/cce.c (no
** SQLite): class_weight, alpha, gamma, smoothing, ignore_index and the
** row's denominator, for cce, cce_logits and both gradients, against
** tests/ref/cce_opt_ref.h (mpmath at 60 digits, tests/gen_cce_opt.py)
** within 4 ulp; the published numbers of PyTorch and Keras, each cited;
** ignored rows; the errors of an array option of the wrong length.
** Prints one "ok|name" or "FAIL|name|why" line per check, and the worst
** error per function.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "../src/cce.h"
#include "../src/loss.h"
#include "ref/cce_opt_ref.h"

#define COUNT(a) (sizeof(a)/sizeof((a)[0]))
#define MAX_K 1000
#define TOL 4.0

static int failures;

static void report(int ok, const char *name, const char *why){
  if( ok ){
    printf("ok|%s\n", name);
  }else{
    failures++;
    printf("FAIL|%s|%s\n", name, why);
  }
}

/* |got - want| in units of the last place of want (the subnormal grid's
** below 2^-1022); infinities and zeros must match exactly */
static double ulps(double got, double want){
  int e;
  if( got==want ) return 0.0;
  if( isinf(got) || isinf(want) || isnan(got) || want==0.0 ) return INFINITY;
  frexp(want, &e);
  e = e-1 < -1022 ? -1022 : e-1;
  return fabs(got - want)/ldexp(1.0, e - 52);
}

/* +0, not -0 */
static int same_zero(double x){
  return x==0.0 && !signbit(x);
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

typedef struct collect {
  int n;
  double x[MAX_K];
} collect;

static void gather(void *arg, double x){
  collect *c = (collect*)arg;
  if( c->n<MAX_K ) c->x[c->n] = x;
  c->n++;
}

static double worst[4];
static const char *const worst_name[4] = {
  "cce", "cce_logits", "cce_grad", "cce_logits_grad"
};

static void note(int fn, double u){
  if( u>worst[fn] ) worst[fn] = u;
}

/* ------------------------------------------------- against mpmath */

static void test_reference(void){
  static collect c;
  size_t i;
  char why[300];
  for(i=0; i<COUNT(ref_cce_opt); i++){
    const cce_opt_ref *t = &ref_cce_opt[i];
    bce_cce_row r = row_of(t->y, t->cls, t->p);
    bce_options o;
    bce_array_error err;
    const double *want = ref_cce_opt_want + t->off;
    double l = 0, wl = 0, d = -1, u1 = 0, u2 = 0, worst_u = 0;
    int rc, j, worst_j = 0;
    bce_options_init(&o);
    o.eps = t->eps;
    o.smoothing = t->smoothing;
    o.gamma = t->gamma;
    if( t->smoothing!=0.0 ) o.keys |= BCE_OPT_SMOOTHING;
    if( t->gamma!=0.0 ) o.keys |= BCE_OPT_GAMMA;
    if( t->has_alpha ){
      o.keys |= BCE_OPT_ALPHA;
      o.alpha = t->alpha;
      o.alphas = t->alphas;
      o.n_alphas = t->n_alphas;
    }
    if( t->n_cw ){
      o.keys |= BCE_OPT_CLASS_WEIGHT;
      o.class_weights = t->cw;
      o.n_class_weights = t->n_cw;
    }
    switch( t->fn ){
      case 0:
        rc = bce_cce_wloss(&r, &o, t->w, &l, &wl, &d, &err);
        u1 = ulps(l, want[0]);
        u2 = ulps(wl, want[1]);
        note(0, u1);
        note(0, u2);
        snprintf(why, sizeof why, "rc %d l %.17g want %.17g (%.2f ulp) w*l "
                 "%.17g want %.17g (%.2f ulp) d %.17g want %.17g", rc, l,
                 want[0], u1, wl, want[1], u2, d, t->denom);
        report(rc==1 && u1<=TOL && u2<=TOL && d==t->denom, t->name, why);
        break;
      case 1: {
        double l2 = 0, d2 = -1, d3 = -1;
        int scale = 0, rc2;
        rc = bce_cce_logits_loss(&r, &o, &l, &d, &err);
        rc2 = bce_cce_logits_wloss(&r, &o, t->w, &wl, &d2, &err);
        u1 = ulps(l, want[0]);
        u2 = ulps(wl, want[1]);
        note(1, u1);
        note(1, u2);
        /* the scaled form carries the same loss */
        if( bce_cce_logits_loss_scaled(&r, &o, &l2, &scale, &d3, &err)==1 ){
          l2 = ldexp(l2, scale);
        }
        snprintf(why, sizeof why, "rc %d %d l %.17g want %.17g (%.2f ulp) "
                 "w*l %.17g want %.17g (%.2f ulp) d %.17g %.17g want %.17g "
                 "scaled %.17g", rc, rc2, l, want[0], u1, wl, want[1], u2, d,
                 d2, t->denom, l2);
        report(rc==1 && rc2==1 && u1<=TOL && u2<=TOL && d==t->denom
               && d2==t->denom && d3==t->denom && ulps(l2, want[0])<=TOL,
               t->name, why);
        break;
      }
      default:
        c.n = 0;
        rc = t->fn==2 ? bce_cce_grad(&r, &o, t->n, gather, &c, &err)
                      : bce_cce_logits_grad(&r, &o, t->n, gather, &c, &err);
        for(j=0; j<c.n && j<t->nwant; j++){
          double u = ulps(c.x[j], want[j]);
          if( u>worst_u || isnan(u) ){
            worst_u = u;
            worst_j = j;
          }
        }
        note(t->fn, worst_u);
        snprintf(why, sizeof why, "rc %d n %d of %d; worst [%d] %.17g want "
                 "%.17g (%.2f ulp)", rc, c.n, t->nwant, worst_j,
                 c.x[worst_j], want[worst_j], worst_u);
        report(rc==1 && c.n==t->nwant && worst_u<=TOL, t->name, why);
        break;
    }
  }
}

/* ------------------------------------------------ published numbers */

/* |got - pub| within rel of pub (or abs, for a published 0) */
static void near(const char *name, double got, double pub, double rel,
                 double abs_tol){
  char why[160];
  snprintf(why, sizeof why, "got %.17g, published %.10g", got, pub);
  report(fabs(got - pub)<=rel*fabs(pub) + abs_tol, name, why);
}

static double logits_loss(const char *y, double cls, const char *z,
                          const bce_options *o, double *d){
  bce_cce_row r = row_of(y, cls, z);
  bce_array_error err;
  double l = NAN;
  if( bce_cce_logits_loss(&r, o, &l, d, &err)!=1 ) return NAN;
  return l;
}

static double prob_loss(const char *y, double cls, const char *p,
                        const bce_options *o, double *d){
  bce_cce_row r = row_of(y, cls, p);
  bce_array_error err;
  double l = NAN;
  if( bce_cce_loss(&r, o, &l, d, &err)!=1 ) return NAN;
  return l;
}

static void test_published(void){
  bce_options o;
  double d1, d2, d3, d4, l1, l2, l3;
  static const double w8062[2] = {20, 10}, w8062b[3] = {1, 10, 1};

  /* pytorch/pytorch#8062: CrossEntropyLoss(weight=[20, 10]) of the logits
  ** [-100, 100] (twice) and targets [0, 1]: reduce=False gives [4000, -0],
  ** the weighted mean 133.3333 = 4000 / (20 + 10), PyTorch's
  ** sum(l) / sum(w_{y_n}), the rows' d (float32, printed to 4
  ** decimals) */
  bce_options_init(&o);
  o.keys = BCE_OPT_CLASS_WEIGHT;
  o.class_weights = w8062;
  o.n_class_weights = 2;
  l1 = logits_loss(0, 0, "[-100, 100]", &o, &d1);
  l2 = logits_loss(0, 1, "[-100, 100]", &o, &d2);
  near("pytorch#8062: row 1 is 4000", l1, 4000.0, 0.0, 0.5e-4);
  near("pytorch#8062: row 2 is -0", l2, 0.0, 0.0, 0.5e-4);
  report(d1==20.0 && d2==10.0, "pytorch#8062: d = w_{y_n} (20, 10)", "");
  near("pytorch#8062: weighted mean 133.3333", (l1 + l2)/(d1 + d2),
       133.3333, 0.0, 0.5e-4);
  /* the second example: weight [1, 10, 1], logits [-100, 100,
  ** -100] three times, targets [0, 0, 1]: reduce=False, then .mean(),
  ** 133.3333 (the unweighted mean of 200, 200 and 0) */
  o.class_weights = w8062b;
  o.n_class_weights = 3;
  l1 = logits_loss(0, 0, "[-100, 100, -100]", &o, &d1);
  l2 = logits_loss(0, 0, "[-100, 100, -100]", &o, &d2);
  l3 = logits_loss(0, 1, "[-100, 100, -100]", &o, &d3);
  near("pytorch#8062: weights ignored? mean of w l is 133.3333",
       (l1 + l2 + l3)/3.0, 133.3333, 0.0, 0.5e-4);

  /* Keras CategoricalFocalCrossentropy docstring (Keras 3, float32):
  ** y_true [[0, 1, 0], [0, 0, 1]], y_pred [[0.05, 0.95, 0], [0.1, 0.8,
  ** 0.1]], alpha 0.25, gamma 2, Keras's clip epsilon 1e-7: reduction None
  ** [3.2058331e-05, 4.6627346e-01]; sum_over_batch_size 0.23315276; sum
  ** 0.46631; sample_weight [0.3, 0.7] 0.1632.  float32 holds about 7
  ** digits: held to 2^-20 relative. */
  bce_options_init(&o);
  o.keys = BCE_OPT_ALPHA | BCE_OPT_GAMMA | BCE_OPT_EPS;
  o.alpha = 0.25;
  o.gamma = 2.0;
  o.eps = 1e-7;
  l1 = prob_loss(0, 1, "[0.05, 0.95, 0]", &o, &d1);
  l2 = prob_loss(0, 2, "[0.1, 0.8, 0.1]", &o, &d2);
  near("Keras CategoricalFocalCrossentropy docstring: row 1 3.2058331e-05",
       l1, 3.2058331e-05, 0x1p-20, 0.0);
  near("Keras CategoricalFocalCrossentropy docstring: row 2 4.6627346e-01",
       l2, 4.6627346e-01, 0x1p-20, 0.0);
  near("Keras CategoricalFocalCrossentropy docstring: mean 0.23315276",
       (l1 + l2)/2.0, 0.23315276, 0x1p-20, 0.0);
  near("Keras CategoricalFocalCrossentropy docstring: sum 0.46631",
       l1 + l2, 0.46631, 0.0, 0.5e-5);
  near("Keras CategoricalFocalCrossentropy docstring: weighted 0.1632",
       (0.3*l1 + 0.7*l2)/2.0, 0.1632, 0.0, 0.5e-4);
  /* Keras 2.15 categorical_focal_crossentropy docstring: y_pred [[0.05,
  ** 0.9, 0.05], [0.1, 0.85, 0.05]]: [2.63401289e-04, 6.75912094e-01] */
  l1 = prob_loss(0, 1, "[0.05, 0.9, 0.05]", &o, &d1);
  l2 = prob_loss(0, 2, "[0.1, 0.85, 0.05]", &o, &d2);
  near("Keras 2.15 categorical_focal_crossentropy docstring: 2.63401289e-04",
       l1, 2.63401289e-04, 0x1p-20, 0.0);
  near("Keras 2.15 categorical_focal_crossentropy docstring: 6.75912094e-01",
       l2, 6.75912094e-01, 0x1p-20, 0.0);

  /* Keras 2 losses_test.py, CategoricalFocalCrossentropyTest:
  ** test_no_reduction, from logits [[8, 1, 1], [0, 9, 1], [2, 3, 5]] with
  ** one-hot targets on the diagonal: (1.5096224e-09, 2.4136547e-11,
  ** 1.0360638e-03); test_unweighted, their mean 0.000345 (3 places).
  ** float32's 1 - q cancels on the first two (the exact values are
  ** 1.50961948e-09 and 2.41278045e-11: 3.6e-4 off): those held to 1e-3
  ** relative, the third to 2^-20. */
  bce_options_init(&o);
  o.keys = BCE_OPT_ALPHA | BCE_OPT_GAMMA;
  o.alpha = 0.25;
  o.gamma = 2.0;
  l1 = logits_loss(0, 0, "[8, 1, 1]", &o, &d1);
  l2 = logits_loss(0, 1, "[0, 9, 1]", &o, &d2);
  l3 = logits_loss(0, 2, "[2, 3, 5]", &o, &d3);
  near("Keras losses_test focal no_reduction: 1.5096224e-09", l1,
       1.5096224e-09, 1e-3, 0.0);
  near("Keras losses_test focal no_reduction: 2.4136547e-11", l2,
       2.4136547e-11, 1e-3, 0.0);
  near("Keras losses_test focal no_reduction: 1.0360638e-03", l3,
       1.0360638e-03, 0x1p-20, 0.0);
  near("Keras losses_test focal unweighted from logits: 0.000345",
       (l1 + l2 + l3)/3.0, 0.000345, 0.0, 0.5e-3);
  /* test_label_smoothing: logits [4.9, -0.5, 2.05], target 0, smoothing
  ** 0.1, alpha 0.25, gamma 2: 0.06685 (3 places) */
  o.keys |= BCE_OPT_SMOOTHING;
  o.smoothing = 0.1;
  l1 = logits_loss("[1, 0, 0]", 0, "[4.9, -0.5, 2.05]", &o, &d1);
  near("Keras losses_test focal label smoothing: 0.06685", l1, 0.06685, 0.0,
       0.5e-3);

  /* Keras losses_test.py CategoricalCrossentropyTest.test_label_smoothing
  ** (and PyTorch's label_smoothing, the same y'): logits [100, -100,
  ** -100], target 0, smoothing 0.1: 400 * 0.1 / 3 (3 places) */
  bce_options_init(&o);
  o.keys = BCE_OPT_SMOOTHING;
  o.smoothing = 0.1;
  l1 = logits_loss(0, 0, "[100, -100, -100]", &o, &d1);
  near("Keras losses_test cce label smoothing: 400 * 0.1 / 3", l1,
       400.0*0.1/3.0, 0.0, 0.5e-3);

  /* Keras losses_test.py SparseCategoricalCrossentropyTest
  ** .test_unweighted_ignore_class, from logits [[8, 1, 1], [0, 9, 1], [2,
  ** 3, 5], [7.8, 2, 1]], y [0, 1, 2, -1], ignore_class -1: 0.0573 (3
  ** places): the ignored row is skipped, the mean over the other three */
  bce_options_init(&o);
  o.keys = BCE_OPT_IGNORE_INDEX;
  o.ignore_index = -1;
  {
    bce_cce_row r = row_of(0, -1, "[7.8, 2, 1]");
    bce_array_error err;
    double l = 12345;
    int rc = bce_cce_logits_loss(&r, &o, &l, &d4, &err);
    l1 = logits_loss(0, 0, "[8, 1, 1]", &o, &d1);
    l2 = logits_loss(0, 1, "[0, 9, 1]", &o, &d2);
    l3 = logits_loss(0, 2, "[2, 3, 5]", &o, &d3);
    report(rc==2, "Keras ignore_class: the row of y = -1 is skipped (rc 2)",
           "");
    near("Keras losses_test ignore_class from logits: 0.0573",
         (l1 + l2 + l3)/3.0, 0.0573, 0.0, 0.5e-3);
  }
  /* test_unweighted_ignore_class_for_segmentation: probabilities, Keras's
  ** clip 1e-7, y [[[0, 2], [-1, -1]], [[0, 2], [-1, -1]], [[0, 0], [0,
  ** 0]]]: 0.575646375 (3 places), the mean over the 8 pixels kept */
  o.keys |= BCE_OPT_EPS;
  o.eps = 1e-7;
  {
    static const struct { double y; const char *p; } px[12] = {
      {0, "[1.0, 0.0, 0.0]"}, {2, "[0.0, 0.0, 1.0]"},
      {-1, "[0.2, 0.5, 0.3]"}, {-1, "[0.0, 1.0, 0.0]"},
      {0, "[1.0, 0.0, 0.0]"}, {2, "[0.0, 0.5, 0.5]"},
      {-1, "[0.2, 0.5, 0.3]"}, {-1, "[0.0, 1.0, 0.0]"},
      {0, "[1.0, 0.0, 0.0]"}, {0, "[1.0, 0.0, 0.0]"},
      {0, "[0.1, 0.9, 0.0]"}, {0, "[0.2, 0.8, 0.0]"},
    };
    double sum = 0.0;
    int i, kept = 0, bad = 0;
    for(i=0; i<12; i++){
      bce_cce_row r = row_of(0, px[i].y, px[i].p);
      bce_array_error err;
      double l, d;
      int rc = bce_cce_loss(&r, &o, &l, &d, &err);
      if( rc==1 ){
        sum += l;
        kept++;
      }else if( rc!=2 || px[i].y!=-1 ){
        bad++;
      }
    }
    report(kept==8 && bad==0, "Keras ignore_class segmentation: 8 kept", "");
    near("Keras losses_test ignore_class segmentation: 0.575646375",
         sum/kept, 0.575646375, 0.0, 0.5e-3);
  }
}

/* --------------------------------------------------- ignored rows */

static void test_ignored(void){
  static collect c;
  bce_options o;
  bce_array_error err;
  double l = 12345, wl = 12345, d = -1;
  int rc, i, zeros = 1, scale = 7;
  bce_cce_row r = row_of(0, -100, "[0.25, 0.75]");
  bce_cce_row rz = row_of(0, -100, "[3, -1e999, 2]");
  bce_cce_row ra = row_of("[0, 1]", 0, "[0.25, 0.75]");
  bce_cce_row rbad = row_of(0, -100, "[0.25, 0.5]");
  bce_cce_row r0 = row_of(0, 0, "[0.25, 0.75]");
  bce_options_init(&o);
  o.keys = BCE_OPT_IGNORE_INDEX;
  o.ignore_index = -100;
  rc = bce_cce_wloss(&r, &o, 3.0, &l, &wl, &d, &err);
  report(rc==2 && l==0.0 && wl==0.0 && d==1.0,
         "ignore_index -100: cce row skipped (rc 2, term 0)", "");
  rc = bce_cce_logits_loss_scaled(&rz, &o, &l, &scale, &d, &err);
  report(rc==2 && l==0.0 && scale==0, "ignore_index: cce_logits row skipped",
         "");
  rc = bce_cce_logits_wloss(&rz, &o, 2.0, &wl, &d, &err);
  report(rc==2 && wl==0.0, "ignore_index: cce_logits_term 0", "");
  c.n = 0;
  rc = bce_cce_grad(&r, &o, 1.0, gather, &c, &err);
  for(i=0; i<c.n; i++) if( c.x[i]!=0.0 ) zeros = 0;
  report(rc==2 && c.n==2 && zeros, "ignore_index: cce_grad all zeros", "");
  c.n = 0;
  zeros = 1;
  rc = bce_cce_logits_grad(&rz, &o, 1.0, gather, &c, &err);
  for(i=0; i<c.n; i++) if( c.x[i]!=0.0 ) zeros = 0;
  report(rc==2 && c.n==3 && zeros,
         "ignore_index: cce_logits_grad all zeros (K = 3)", "");
  /* an array target is never ignored; nor is another class */
  rc = bce_cce_loss(&ra, &o, &l, &d, &err);
  report(rc==1 && l>0.28 && l<0.29, "ignore_index: array targets not ignored",
         "");
  rc = bce_cce_loss(&r0, &o, &l, &d, &err);
  report(rc==1, "ignore_index: class 0 not ignored", "");
  /* ignore_index may be a class: then that class's rows are skipped */
  o.ignore_index = 0;
  rc = bce_cce_loss(&r0, &o, &l, &d, &err);
  report(rc==2, "ignore_index 0: class 0 skipped", "");
  /* the ignored row's p is still read and checked */
  o.ignore_index = -100;
  l = 12345;
  rc = bce_cce_loss(&rbad, &o, &l, &d, &err);
  report(rc==0 && err.status==BCE_ARRAY_SUM && l==12345,
         "ignore_index: an ignored row's bad p is still an error", "");
  /* with other options too (the options' path) */
  o.keys |= BCE_OPT_GAMMA;
  o.gamma = 2.0;
  rc = bce_cce_loss(&r, &o, &l, &d, &err);
  report(rc==2 && l==0.0, "ignore_index with gamma: skipped", "");
}

/* ------------------------------------------------------------ errors */

static void test_lengths(void){
  static const double cw2[2] = {1, 2}, al4[4] = {1, 1, 1, 1};
  static collect c;
  bce_options o;
  bce_array_error err;
  double l = 12345, d;
  int rc;
  bce_cce_row r = row_of(0, 1, "[0.2, 0.3, 0.5]");
  bce_options_init(&o);
  o.keys = BCE_OPT_CLASS_WEIGHT;
  o.class_weights = cw2;
  o.n_class_weights = 2;
  memset(&err, 0x55, sizeof err);
  rc = bce_cce_loss(&r, &o, &l, &d, &err);
  report(rc==0 && err.status==BCE_ARRAY_OPTION_LENGTH
         && err.first==BCE_OPT_CLASS_WEIGHT && err.ny==2 && err.np==3
         && err.arg==1 && l==12345,
         "class_weight of 2 for 3 classes: OPTION_LENGTH, both lengths", "");
  bce_options_init(&o);
  o.keys = BCE_OPT_ALPHA;
  o.alphas = al4;
  o.n_alphas = 4;
  memset(&err, 0x55, sizeof err);
  c.n = 0;
  rc = bce_cce_logits_grad(&r, &o, 1.0, gather, &c, &err);
  report(rc==0 && err.status==BCE_ARRAY_OPTION_LENGTH
         && err.first==BCE_OPT_ALPHA && err.ny==4 && err.np==3 && c.n==0,
         "alpha of 4 for 3 classes: OPTION_LENGTH, nothing emitted", "");
}

/* The defaults' path is the same with options given at their defaults'
** values (ignore_index of a class not used, eps given) */
static void test_defaults(void){
  static collect c1, c2;
  bce_options o1, o2;
  bce_array_error err;
  double l1, l2, d;
  int i, same = 1;
  bce_cce_row r = row_of(0, 1, "[0.3, -2, 7.5]");
  bce_options_init(&o1);
  bce_options_init(&o2);
  o2.keys = BCE_OPT_IGNORE_INDEX | BCE_OPT_EPS | BCE_OPT_SMOOTHING
            | BCE_OPT_GAMMA;
  o2.ignore_index = 5;
  (void)bce_cce_logits_loss(&r, &o1, &l1, &d, &err);
  (void)bce_cce_logits_loss(&r, &o2, &l2, &d, &err);
  c1.n = c2.n = 0;
  (void)bce_cce_logits_grad(&r, &o1, 3.0, gather, &c1, &err);
  (void)bce_cce_logits_grad(&r, &o2, 3.0, gather, &c2, &err);
  for(i=0; i<c1.n; i++) if( memcmp(&c1.x[i], &c2.x[i], sizeof(double)) ){
    same = 0;
  }
  report(memcmp(&l1, &l2, sizeof l1)==0 && c1.n==3 && c2.n==3 && same,
         "keys given at their defaults' values: the defaults' bits", "");
}

/* A bad row is an error on every path with options, an ignored row's
** too; a row weight of 0 gives w*l = 0 */
static void test_option_paths(void){
  static collect c;
  bce_options o, oi;
  bce_array_error err;
  double l = 12345, wl = 12345, d;
  int rc, scale;
  bce_cce_row one = row_of(0, 0, "[3]");          /* fewer than 2 classes */
  bce_cce_row ignored = row_of(0, -100, "[3]");
  bce_cce_row sum = row_of(0, 0, "[0.5, 0.7]");   /* sums to 1.2 */
  bce_cce_row r = row_of(0, 1, "[0.2, 0.3, 0.5]");
  bce_options_init(&o);
  o.keys = BCE_OPT_GAMMA;
  o.gamma = 2.0;
  oi = o;
  oi.keys |= BCE_OPT_IGNORE_INDEX;
  oi.ignore_index = -100;
  rc = bce_cce_loss(&sum, &o, &l, &d, &err);
  report(rc==0 && err.status==BCE_ARRAY_SUM && l==12345,
         "gamma 2: a p summing to 1.2 is an error", "");
  memset(&err, 0, sizeof err);
  c.n = 0;
  rc = bce_cce_grad(&sum, &o, 1.0, gather, &c, &err);
  report(rc==0 && err.status==BCE_ARRAY_SUM && c.n==0,
         "gamma 2: cce_grad of a p summing to 1.2 is an error, nothing "
         "emitted", "");
  memset(&err, 0, sizeof err);
  rc = bce_cce_logits_wloss(&one, &o, 2.0, &wl, &d, &err);
  report(rc==0 && err.status==BCE_ARRAY_FEW && wl==12345,
         "gamma 2: cce_logits w*l of one logit is an error", "");
  memset(&err, 0, sizeof err);
  rc = bce_cce_logits_loss_scaled(&ignored, &oi, &l, &scale, &d, &err);
  report(rc==0 && err.status==BCE_ARRAY_FEW,
         "ignore_index: an ignored row of one logit is still an error "
         "(cce_logits)", "");
  memset(&err, 0, sizeof err);
  rc = bce_cce_logits_wloss(&ignored, &oi, 2.0, &wl, &d, &err);
  report(rc==0 && err.status==BCE_ARRAY_FEW,
         "ignore_index: an ignored row of one logit is still an error "
         "(cce_logits w*l)", "");
  memset(&err, 0, sizeof err);
  c.n = 0;
  rc = bce_cce_logits_grad(&ignored, &oi, 1.0, gather, &c, &err);
  report(rc==0 && err.status==BCE_ARRAY_FEW && c.n==0,
         "ignore_index: an ignored row of one logit is still an error "
         "(cce_logits_grad), nothing emitted", "");
  rc = bce_cce_wloss(&r, &o, 0.0, &l, &wl, &d, &err);
  report(rc==1 && l>0.0 && same_zero(wl), "gamma 2: w = 0 gives w*l = +0, "
         "the loss itself", "");
  rc = bce_cce_logits_wloss(&r, &o, 0.0, &wl, &d, &err);
  report(rc==1 && same_zero(wl), "gamma 2: cce_logits w = 0 gives w*l = +0",
         "");
}

/* The limits at q = 0 and q = 1 (eps = 0, or a logit that leaves the rest
** below 2^-1.4e6 of the maximum), where the closed form is 0/0 or 1/0:
**   dl/dq of -a (1-q)^g ln q: -Inf at q = 0; at q = 1, 0 for g > 0 and -a
**   for g = 0;  h = -q dl/dq: a at q = 0; at q = 1, 0 for g > 0, a for
**   g = 0, and dl/dz_k = q_k H - h_k */
static void test_limits(void){
  static collect c;
  bce_options o;
  bce_array_error err;
  int rc;
  bce_cce_row p0 = row_of(0, 1, "[0.5, 0, 0.5]");
  bce_cce_row p1 = row_of(0, 0, "[1, 0, 0]");
  bce_cce_row zfar = row_of(0, 0, "[0, -2e6]");
  char why[200];
  bce_options_init(&o);
  o.keys = BCE_OPT_GAMMA | BCE_OPT_EPS;
  o.eps = 0.0;
  o.gamma = 2.0;
  c.n = 0;
  rc = bce_cce_grad(&p0, &o, 1.0, gather, &c, &err);
  snprintf(why, sizeof why, "rc %d: %g %g %g", rc, c.x[0], c.x[1], c.x[2]);
  report(rc==1 && c.n==3 && c.x[1]==-INFINITY && same_zero(c.x[0]),
         "eps 0, gamma 2: dl/dp at q = 0 of the target is -Inf", why);
  c.n = 0;
  rc = bce_cce_grad(&p1, &o, 1.0, gather, &c, &err);
  snprintf(why, sizeof why, "rc %d: %g %g %g", rc, c.x[0], c.x[1], c.x[2]);
  report(rc==1 && c.n==3 && same_zero(c.x[0]),
         "eps 0, gamma 2: dl/dp at q = 1 of the target is 0", why);
  o.keys = BCE_OPT_ALPHA | BCE_OPT_EPS;
  o.alpha = 0.25;
  o.gamma = 0.0;
  c.n = 0;
  rc = bce_cce_grad(&p1, &o, 2.0, gather, &c, &err);
  snprintf(why, sizeof why, "rc %d: %g %g %g", rc, c.x[0], c.x[1], c.x[2]);
  report(rc==1 && c.n==3 && c.x[0]==-0.125,
         "eps 0, alpha 0.25: dl/dp at q = 1 of the target is -alpha/n", why);
  /* e^-2e6 is 0 in every precision here: q = [1, 0] exactly, the
  ** gradient 0 (a one-hot target on the certain class) */
  o.keys = BCE_OPT_GAMMA;
  o.gamma = 2.0;
  c.n = 0;
  rc = bce_cce_logits_grad(&zfar, &o, 1.0, gather, &c, &err);
  snprintf(why, sizeof why, "rc %d: %g %g", rc, c.x[0], c.x[1]);
  report(rc==1 && c.n==2 && c.x[0]==0.0 && c.x[1]==0.0,
         "gamma 2: z = [0, -2e6]: dl/dz = [0, 0]", why);
  o.keys = BCE_OPT_ALPHA;
  o.alpha = 0.25;
  o.gamma = 0.0;
  c.n = 0;
  rc = bce_cce_logits_grad(&zfar, &o, 1.0, gather, &c, &err);
  snprintf(why, sizeof why, "rc %d: %g %g", rc, c.x[0], c.x[1]);
  report(rc==1 && c.n==2 && c.x[0]==0.0 && c.x[1]==0.0,
         "alpha 0.25: z = [0, -2e6]: dl/dz = [0, 0]", why);
}

int main(void){
  int i;
  test_reference();
  test_published();
  test_ignored();
  test_lengths();
  test_defaults();
  test_option_paths();
  test_limits();
  for(i=0; i<4; i++){
    printf("ok|worst error of %s with options: %.2f ulp\n", worst_name[i],
           worst[i]);
  }
  return failures ? 1 : 0;
}
