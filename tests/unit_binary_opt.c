/* SPDX-License-Identifier: MIT */
/*
** Unit tests of src/binary_opt.c (no SQLite): the binary loss with
** pos_weight, smoothing, gamma and alpha, from probabilities and logits,
** w*l and both gradients.
**  - against tests/ref/binary_opt_ref.h (mpmath at >= 450 digits from the
**    definitions, tests/gen_binary_opt.py): every key alone and in
**    combination, far tails (z = +-40, +-700, +-1400, subnormal q, q next
**    to 1), gradients by mpmath's diff; held to BOUND ulp, and the worst
**    error of each kind printed;
**  - published values (TF, PyTorch, Keras docstrings and tests), each
**    cited, held to the digits they show;
**  - the limits the table cannot hold (eps = 0 at q = 0 or 1, z = +-Inf);
**  - with every option at its default, the bits of bce_loss,
**    bce_logits_loss, bce_grad, bce_logits_grad, bce_wloss.
** Prints one "ok|name" or "FAIL|name|why" line per check.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "../src/binary_opt.h"
#include "../src/logits.h"
#include "../src/loss.h"
#include "ref/binary_opt_ref.h"
#include "xorshift.h"

#define COUNT(a) (sizeof(a)/sizeof((a)[0]))

/* the goal of the tails issue, for every row of the table */
#define BOUND 4.0

static int failures;

static void report(int ok, const char *name, const char *why){
  if( ok ){
    printf("ok|%s\n", name);
  }else{
    failures++;
    printf("FAIL|%s|%s\n", name, why);
  }
}

/* uniform in [0, 1): 53 random bits */
static double unit(uint64_t *s){
  return (double)(xorshift64(s) >> 11)*0x1p-53;
}

static int same_bits(double a, double b){
  return memcmp(&a, &b, sizeof a)==0;
}

static bce_binary_opt opt(double eps, double pw, double s, double gamma,
                          double alpha, int has_alpha){
  bce_binary_opt b;
  b.eps = eps;
  b.pos_weight = pw;
  b.smoothing = s;
  b.gamma = gamma;
  b.alpha = alpha;
  b.has_alpha = has_alpha;
  return b;
}

/* |got - (want + frac ulp)| in ulps of want; infinite where got is not
** finite or far off */
static double ulps(double got, double want, double frac){
  double u;
  int e;
  if( isinf(want) || isinf(got) || got!=got ) return got==want ? 0 : INFINITY;
  if( want==0.0 ){
    e = -1022;
  }else{
    frexp(want, &e);
    e = e - 1<-1022 ? -1022 : e - 1;
  }
  u = ldexp(1.0, e - 52);
  return fabs((got - want)/u - frac);
}

static void test_references(void){
  static const char *const names[6] = {"loss(p)", "loss(z)", "grad(p)",
                                       "grad(z)", "w*l(p)", "w*l(z)"};
  double worst[6] = {0};
  int worst_at[6] = {-1, -1, -1, -1, -1, -1}, rows[6] = {0}, bad = 0;
  size_t i;
  char why[400];
  for(i=0; i<COUNT(ref_binary_opt); i++){
    bce_binary_opt b = opt(ref_binary_opt[i].eps, ref_binary_opt[i].pw,
                           ref_binary_opt[i].s, ref_binary_opt[i].gamma,
                           ref_binary_opt[i].alpha,
                           ref_binary_opt[i].has_alpha);
    double y = ref_binary_opt[i].y, x = ref_binary_opt[i].x;
    double n = ref_binary_opt[i].n, got, d;
    int k = ref_binary_opt[i].kind;
    switch( k ){
      case 0: got = bce_opt_loss(y, x, &b); break;
      case 1: got = bce_opt_logits_loss(y, x, &b); break;
      case 2: got = bce_opt_grad(y, x, n, &b); break;
      case 3: got = bce_opt_logits_grad(y, x, n, &b); break;
      case 4: got = bce_opt_wloss(y, x, 0, n, bce_opt_loss(y, x, &b), &b);
              break;
      default: got = bce_opt_wloss(y, x, 1, n, bce_opt_logits_loss(y, x, &b),
                                   &b);
              break;
    }
    d = ulps(got, ref_binary_opt[i].want, ref_binary_opt[i].frac);
    rows[k]++;
    if( d>worst[k] || worst_at[k]<0 ){
      worst[k] = d;
      worst_at[k] = (int)i;
    }
    if( !(d<=BOUND) ){
      if( bad++<8 ){
        snprintf(why, sizeof why, "%s y=%a x=%a n=%a eps=%a pw=%a s=%a "
                 "gamma=%a alpha=%a(%d): got %.17g want %.17g (%.2f ulp)",
                 names[k], y, x, n, ref_binary_opt[i].eps, b.pos_weight,
                 b.smoothing, b.gamma, b.alpha, b.has_alpha, got,
                 ref_binary_opt[i].want, d);
        report(0, "binary_opt reference row", why);
      }
    }
  }
  snprintf(why, sizeof why, "%d of %d rows of tests/ref/binary_opt_ref.h "
           "beyond %.0f ulp", bad, (int)COUNT(ref_binary_opt), BOUND);
  report(bad==0, bad ? why : "every row of tests/ref/binary_opt_ref.h within "
         "4 ulp of mpmath", why);
  for(i=0; i<6; i++){
    int j = worst_at[i];
    if( j<0 ) continue;
    /* the worst row of each kind, for the report (always ok) */
    printf("ok|worst %s over %d rows: %.3f ulp (y=%a x=%a pw=%g s=%g "
           "gamma=%g alpha=%g/%d)\n", names[i], rows[i], worst[i],
           ref_binary_opt[j].y, ref_binary_opt[j].x, ref_binary_opt[j].pw,
           ref_binary_opt[j].s, ref_binary_opt[j].gamma,
           ref_binary_opt[j].alpha, ref_binary_opt[j].has_alpha);
  }
}

/* |got - want| within half a unit of the last digit shown */
static void held(const char *name, double got, double want, double half){
  char why[200];
  snprintf(why, sizeof why, "got %.10g, published %.10g (+- %g)", got, want,
           half);
  report(fabs(got - want)<=half, name, why);
}

/* a float32 result printed in full: within one float32 ulp of it */
static void held_f32(const char *name, double got, float want){
  int e;
  frexpf(want, &e);
  held(name, got, (double)want, ldexp(1.0, e - 24));
}

static double mean_logits(const double *y, const float *z, int n,
                          const bce_binary_opt *b){
  double s = 0.0;
  int i;
  for(i=0; i<n; i++) s += bce_opt_logits_loss(y[i], (double)z[i], b);
  return s/n;
}

static double mean_probs(const double *y, const float *p, int n,
                         const bce_binary_opt *b){
  double s = 0.0;
  int i;
  for(i=0; i<n; i++) s += bce_opt_loss(y[i], (double)p[i], b);
  return s/n;
}

static void test_published(void){
  bce_binary_opt b;
  /* TensorFlow, tf.nn.weighted_cross_entropy_with_logits docstring
  ** (tensorflow/python/ops/nn_impl.py): labels [1, 0.5, 0], logits [1.5,
  ** -0.1, -10] (float32), pos_weight 1.5 gives [3.0211994e-01,
  ** 8.8049585e-01, 4.5776367e-05] and 0.5 gives [1.00706644e-01,
  ** 5.08297503e-01, 4.57763672e-05].  Those are float32 results printed
  ** in full: the exact values (0.30211991697, 0.88049582532, 0.10070663899,
  ** 0.50829749490) are within one float32 ulp of them, not half a unit of
  ** their 8th digit, so they are held to one float32 ulp.  The third is
  ** float32's log(1 + e^-10), 1 + 4.54e-5 rounded to 1.0000458 before the
  ** log; the exact value is 4.5398899e-05 (mpmath), which the z = -10 rows
  ** of the table hold, so it is not checked here. */
  {
    static const double y[2] = {1.0, 0.5};
    static const float z[2] = {1.5f, -0.1f};
    b = opt(0, 1.5, 0, 0, 0, 0);
    held_f32("TF weighted_cross_entropy_with_logits pos_weight=1.5 [0]",
             bce_opt_logits_loss(y[0], z[0], &b), 3.0211994e-01f);
    held_f32("TF weighted_cross_entropy_with_logits pos_weight=1.5 [1]",
             bce_opt_logits_loss(y[1], z[1], &b), 8.8049585e-01f);
    b = opt(0, 0.5, 0, 0, 0, 0);
    held_f32("TF weighted_cross_entropy_with_logits pos_weight=0.5 [0]",
             bce_opt_logits_loss(y[0], z[0], &b), 1.00706644e-01f);
    held_f32("TF weighted_cross_entropy_with_logits pos_weight=0.5 [1]",
             bce_opt_logits_loss(y[1], z[1], &b), 5.08297503e-01f);
  }
  /* PyTorch, torch.nn.BCEWithLogitsLoss docstring (torch/nn/modules/
  ** loss.py): target 1, output 1.5, pos_weight 1: -log(sigmoid(1.5)),
  ** tensor(0.2014); pos_weight 1 is the default path. */
  b = opt(0, 1.0, 0, 0, 0, 0);
  held("PyTorch BCEWithLogitsLoss docstring", bce_opt_logits_loss(1, 1.5, &b),
       0.2014, 0.5e-4);
  /* Keras, keras.losses.BinaryFocalCrossentropy docstring (keras/src/
  ** losses/losses.py): y_true [0, 1, 0, 0], y_pred [-18.6, 0.51, 2.94,
  ** -12.8] (logits, float32): gamma 2 gives 0.691, with
  ** apply_class_balancing (alpha 0.25) 0.51; gamma 3 gives 0.647 and
  ** 0.482; reduction None, gamma 5: [0.0017, 1.1561], balanced [0.0004,
  ** 0.8670] (rows [0, 1] and [0, 0]).  Keras clips sigmoid(-18.6) at 1e-7
  ** before its log: 1e-7/4 in a mean, far below these digits.  The last,
  ** 0.8670, is the docstring's own 0.75 x 1.1561 = 0.86708 (alpha 0.25
  ** weighs a 0 label by 0.75): its fourth digit is off by one, so it is
  ** held to 1e-4 (exact: 0.86707691, mpmath). */
  {
    static const double y[4] = {0, 1, 0, 0};
    static const float z[4] = {-18.6f, 0.51f, 2.94f, -12.8f};
    b = opt(0, 1, 0, 2, 0, 0);
    held("Keras BinaryFocalCrossentropy gamma=2", mean_logits(y, z, 4, &b),
         0.691, 0.5e-3);
    b = opt(0, 1, 0, 2, 0.25, 1);
    held("Keras BinaryFocalCrossentropy gamma=2 balanced",
         mean_logits(y, z, 4, &b), 0.51, 0.5e-2);
    b = opt(0, 1, 0, 3, 0, 0);
    held("Keras BinaryFocalCrossentropy gamma=3", mean_logits(y, z, 4, &b),
         0.647, 0.5e-3);
    b = opt(0, 1, 0, 3, 0.25, 1);
    held("Keras BinaryFocalCrossentropy gamma=3 balanced",
         mean_logits(y, z, 4, &b), 0.482, 0.5e-3);
    b = opt(0, 1, 0, 5, 0, 0);
    held("Keras BinaryFocalCrossentropy gamma=5 row 0",
         mean_logits(y, z, 2, &b), 0.0017, 0.5e-4);
    held("Keras BinaryFocalCrossentropy gamma=5 row 1",
         mean_logits(y + 2, z + 2, 2, &b), 1.1561, 0.5e-4);
    b = opt(0, 1, 0, 5, 0.25, 1);
    held("Keras BinaryFocalCrossentropy gamma=5 balanced row 0",
         mean_logits(y, z, 2, &b), 0.0004, 0.5e-4);
    held("Keras BinaryFocalCrossentropy gamma=5 balanced row 1",
         mean_logits(y + 2, z + 2, 2, &b), 0.8670, 1e-4);
  }
  /* Keras, keras.losses.binary_focal_crossentropy docstring: y_true [[0,
  ** 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]], gamma 2: [0.330, 0.206] */
  {
    static const double y[4] = {0, 1, 0, 0};
    static const float p[4] = {0.6f, 0.4f, 0.4f, 0.6f};
    b = opt(BCE_DEFAULT_EPS, 1, 0, 2, 0, 0);
    held("Keras binary_focal_crossentropy docstring row 0",
         mean_probs(y, p, 2, &b), 0.330, 0.5e-3);
    held("Keras binary_focal_crossentropy docstring row 1",
         mean_probs(y + 2, p + 2, 2, &b), 0.206, 0.5e-3);
  }
  /* Keras, keras/src/losses/losses_test.py, BinaryFocalCrossentropyTest:
  ** test_unweighted y_true [1, 0, 1, 0], y_pred [0.9, 0.8, 0.7, 0.2]
  ** (float32), gamma 2: 0.268; test_no_reduction: rows (0.515547,
  ** 0.020513); with logits [[1.5, -2.7, 2.9], [-3.8, 1.2, -4.5]], y_true
  ** [[1, 1, 0], [0, 1, 0]], gamma 3: 0.799. */
  {
    static const double y[4] = {1, 0, 1, 0};
    static const float p[4] = {0.9f, 0.8f, 0.7f, 0.2f};
    static const double yz[6] = {1, 1, 0, 0, 1, 0};
    static const float z[6] = {1.5f, -2.7f, 2.9f, -3.8f, 1.2f, -4.5f};
    b = opt(BCE_DEFAULT_EPS, 1, 0, 2, 0, 0);
    held("Keras losses_test focal test_unweighted", mean_probs(y, p, 4, &b),
         0.268, 0.5e-3);
    held("Keras losses_test focal test_no_reduction row 0",
         mean_probs(y, p, 2, &b), 0.515547, 0.5e-6);
    held("Keras losses_test focal test_no_reduction row 1",
         mean_probs(y + 2, p + 2, 2, &b), 0.020513, 0.5e-6);
    b = opt(0, 1, 0, 3, 0, 0);
    held("Keras losses_test focal test_unweighted logits",
         mean_logits(yz, z, 6, &b), 0.799, 0.5e-3);
  }
  /* Keras, keras/src/losses/losses_test.py, BinaryCrossentropyTest.
  ** test_label_smoothing: logits [10, -10, -10], y_true [1, 0, 1], label
  ** smoothing 0.1: (10 + 5*0.1)/3, held by assertAlmostEqual to 3
  ** decimals (the exact value is 3.5000454: the e^-10 terms) */
  {
    static const double y[3] = {1, 0, 1};
    static const float z[3] = {10.0f, -10.0f, -10.0f};
    b = opt(0, 1, 0.1, 0, 0, 0);
    held("Keras losses_test BinaryCrossentropy test_label_smoothing",
         mean_logits(y, z, 3, &b), (10.0 + 5.0*0.1)/3.0, 0.5e-3);
  }
}

/* What the table cannot hold: infinities and the limits at q = 0, 1, from
** the definitions (see src/binary_opt.c's comments for the limits). */
static void test_limits(void){
  bce_binary_opt b = opt(0.0, 3.0, 0.0, 2.0, 0.25, 1);
  char why[200];
  int ok;
  /* a certain miss costs +Inf; a certain hit 0 */
  ok = isinf(bce_opt_loss(1, 0, &b)) && isinf(bce_opt_loss(0, 1, &b))
    && bce_opt_loss(1, 1, &b)==0.0 && bce_opt_loss(0, 0, &b)==0.0
    && isinf(bce_opt_logits_loss(1, -INFINITY, &b))
    && isinf(bce_opt_logits_loss(0, INFINITY, &b))
    && same_bits(bce_opt_logits_loss(1, INFINITY, &b), 0.0)
    && same_bits(bce_opt_logits_loss(0, -INFINITY, &b), 0.0);
  report(ok, "eps = 0 and z = +-Inf: +Inf for a certain miss, +0 for a hit",
         "");
  /* alpha = 1 weighs the negatives by 0: a certain miss of a 0 costs 0 */
  b = opt(0.0, 1.0, 0.0, 0.0, 1.0, 1);
  ok = same_bits(bce_opt_loss(0, 1, &b), 0.0)
    && same_bits(bce_opt_logits_loss(0, INFINITY, &b), 0.0)
    && isinf(bce_opt_loss(1, 0, &b));
  report(ok, "alpha = 1: y = 0 costs 0 even where its log is infinite", "");
  /* pos_weight = 0: the positives cost 0 */
  b = opt(0.0, 0.0, 0.0, 0.0, 0.0, 0);
  ok = same_bits(bce_opt_loss(1, 0, &b), 0.0)
    && same_bits(bce_opt_logits_loss(1, -INFINITY, &b), 0.0);
  report(ok, "pos_weight = 0: y = 1 costs 0 even at q = 0", "");
  /* smoothing: no label is certain, so both infinite ends cost */
  b = opt(0.0, 1.0, 0.1, 0.0, 0.0, 0);
  ok = isinf(bce_opt_loss(1, 1, &b)) && isinf(bce_opt_logits_loss(1, INFINITY, &b));
  report(ok, "smoothing 0.1: q = 1 for y = 1 costs +Inf (y' = 0.95)", "");
  /* gradients at the infinite ends: limits of dl/dz = A f^gamma N:
  ** +Inf: A (1-y')^(gamma+1); -Inf: -A pw y'^(gamma+1) */
  b = opt(0.0, 3.0, 0.0, 2.0, 0.25, 1);
  {
    double g1 = bce_opt_logits_grad(0.5, INFINITY, 2.0, &b);
    double g2 = bce_opt_logits_grad(0.5, -INFINITY, 2.0, &b);
    /* A = 0.25*0.5 + 0.75*0.5 = 0.5; (1/2)^3 = 1/8 */
    snprintf(why, sizeof why, "got %g and %g", g1, g2);
    report(g1==0.5*0.125/2.0 && g2== -0.5*3.0*0.125/2.0,
           "logits gradient at z = +-Inf: the limits A f^gamma N / n", why);
  }
  /* probability gradients at q = 0 and 1 (eps = 0): -Inf / +Inf where the
  ** label is on the other side; else A f^gamma dce/dq */
  b = opt(0.0, 3.0, 0.0, 2.0, 0.0, 0);
  ok = bce_opt_grad(1, 0, 1, &b)== -INFINITY && bce_opt_grad(0, 1, 1, &b)==INFINITY
    && bce_opt_grad(0.5, 0, 1, &b)== -INFINITY
    && same_bits(bce_opt_grad(0, 0, 1, &b), 0.0)     /* f = 0, gamma > 0 */
    && same_bits(bce_opt_grad(1, 1, 1, &b), 0.0);
  b = opt(0.0, 3.0, 0.0, 0.0, 0.0, 0);
  ok = ok && bce_opt_grad(0, 0, 1, &b)==1.0          /* dce/dq = 1/(1-q) */
    && bce_opt_grad(1, 1, 2, &b)== -1.5;             /* -pw/q / n */
  b = opt(0.0, 0.0, 0.0, 2.0, 0.0, 0);
  /* pw = 0, y = 0.5, q = 0: ce = 0 there, f = 1/2: (1/2)^2 (1/2) */
  ok = ok && bce_opt_grad(0.5, 0, 1, &b)==0.125;
  report(ok, "probability gradient at q = 0, 1 (eps = 0): the limits", "");
  /* alpha's factor 0 at q = 0 or 1 (eps = 0): the loss is 0 for every q,
  ** and so is its gradient, though a log is infinite there */
  ok = same_bits(bce_opt_grad(0, 0, 1, &(bce_binary_opt){0.0, 1.0, 0.0, 0.0, 1.0, 1}), 0.0)
    && same_bits(bce_opt_grad(1, 1, 1, &(bce_binary_opt){0.0, 1.0, 0.0, 0.0, 0.0, 1}), 0.0);
  report(ok, "probability gradient where alpha's factor is 0 (q = 0, 1): 0", "");
  /* g/n for an infinite n is 0 (SQL refuses such an n) */
  b = opt(0x1p-52, 3.0, 0.0, 0.0, 0.0, 0);
  ok = bce_opt_grad(0.3, 0.4, INFINITY, &b)==0.0
    && bce_opt_logits_grad(0.3, 0.5, INFINITY, &b)==0.0;
  report(ok, "gradient over n = +Inf: 0", "");
  /* a finite loss never overflowed, whatever pos_weight */
  ok = !bce_opt_loss_overflows(1, 0.5, 0, 0.6931471805599453, &b);
  report(ok, "a finite loss is no overflow of pos_weight", "");
  /* w = 0 gives 0 even where l is +Inf */
  b = opt(0.0, 3.0, 0.0, 2.0, 0.0, 0);
  ok = same_bits(bce_opt_wloss(1, 0, 0, 0.0, INFINITY, &b), 0.0)
    && isinf(bce_opt_wloss(1, 0, 0, 2.0, INFINITY, &b));
  report(ok, "w*l: 0 for w = 0 even where l = +Inf", "");
  /* 0^0 = 1: gamma = 0 with y' = q gives the plain cross-entropy */
  b = opt(0.0, 2.0, 0.0, 0.0, 0.5, 1);
  snprintf(why, sizeof why, "got %.17g", bce_opt_logits_loss(0.5, 0.0, &b));
  /* A = 1/2, ce = 2*(1/2)ln 2 + (1/2) ln 2 = 1.5 ln 2 */
  report(fabs(bce_opt_logits_loss(0.5, 0.0, &b) - 0.75*0.69314718055994531)
         <=2e-16, "gamma = 0 is no focusing, alpha 0.5 halves", why);
}

/* Every option at its default: the 0.2.0 functions' bits. */
static void test_defaults(void){
  bce_options o;
  bce_binary_opt b;
  uint64_t s = 0x9e3779b97f4a7c15u;
  int i, bad = 0;
  bce_options_init(&o);
  bce_binary_opt_of(&o, &b);
  report(bce_binary_opt_plain(&b) && b.eps==BCE_DEFAULT_EPS,
         "bce_binary_opt_of(defaults) is plain, eps the default", "");
  o.keys |= BCE_OPT_ALPHA;
  o.alpha = 0.25;
  bce_binary_opt_of(&o, &b);
  report(!bce_binary_opt_plain(&b) && b.has_alpha && b.alpha==0.25,
         "bce_binary_opt_of: alpha given is not plain", "");
  b = opt(BCE_DEFAULT_EPS, 1, 0, 0, 0, 0);
  for(i=0; i<20000; i++){
    double y = i%3==0 ? (double)(i%2) : unit(&s);
    double p = unit(&s);
    double z = (unit(&s) - 0.5)*80.0;
    double n = 1.0 + (double)(i%5);
    double l = bce_loss(y, p, b.eps), w = 0.5 + (double)(i%3);
    if( !same_bits(bce_opt_loss(y, p, &b), l)
     || !same_bits(bce_opt_logits_loss(y, z, &b), bce_logits_loss(y, z))
     || !same_bits(bce_opt_grad(y, p, n, &b), bce_grad(y, p, b.eps, n))
     || !same_bits(bce_opt_logits_grad(y, z, n, &b), bce_logits_grad(y, z, n))
     || !same_bits(bce_opt_wloss(y, p, 0, w, l, &b),
                   bce_wloss(y, p, b.eps, w, l))
     || !same_bits(bce_opt_wloss(y, z, 1, w, bce_logits_loss(y, z), &b),
                   bce_logits_wloss(y, z, w)) ){
      bad++;
    }
  }
  report(bad==0, "defaults: the bits of bce_loss, bce_logits_loss, bce_grad, "
         "bce_logits_grad, bce_wloss, bce_logits_wloss (20000 random rows)",
         "differ");
}

/* The options path with values that change nothing (pos_weight 1 written
** as alpha 0.5 times 2... no: has_alpha 1 with alpha 0.5 halves) agrees
** with the 0.2.0 functions to 1 ulp: a second implementation of the same
** number, at random points. */
static void test_against_plain(void){
  bce_binary_opt half = opt(BCE_DEFAULT_EPS, 1, 0, 0, 0.5, 1);
  uint64_t s = 0x2545f4914f6cdd1du;
  int i, bad = 0;
  double worst = 0;
  char why[200];
  for(i=0; i<20000; i++){
    double y = i%3==0 ? (double)(i%2) : unit(&s);
    double p = unit(&s);
    double z = (unit(&s) - 0.5)*80.0;
    double d1 = ulps(2.0*bce_opt_loss(y, p, &half), bce_loss(y, p, half.eps), 0);
    double d2 = ulps(2.0*bce_opt_logits_loss(y, z, &half),
                     bce_logits_loss(y, z), 0);
    double d = d1>d2 ? d1 : d2;
    if( d>worst ) worst = d;
    if( d>1.0 ) bad++;
  }
  snprintf(why, sizeof why, "%d rows beyond 1 ulp, worst %.2f", bad, worst);
  report(bad==0, "alpha 0.5 is half the 0.2.0 loss to 1 ulp (20000 random "
         "rows)", why);
}

int main(void){
  test_references();
  test_published();
  test_limits();
  test_defaults();
  test_against_plain();
  return failures!=0;
}
