/* SPDX-License-Identifier: MIT */
/*
** bce_opt_hard_loss_x86_v3() against bce_opt_hard_loss() (src/binary_opt.h)
** bit for bit: the copy for x86-64 processors with FMA, AVX2 and BMI2,
** which the aggregate's step takes there (chosen at load, ext/entry.c),
** must give the portable build's doubles.  Both are asked of the same
** rows in the same program, so no global state decides which runs.  The
** rows: 10^6 random (y, p, options) (BCE_UNIT_RANDOM: fewer, make check's
** valgrind lane), hard and soft labels, p uniform and near either end,
** options drawn from pos_weight, smoothing, gamma (0, 2, small integers,
** 2.5, random, 300) and eps; and the hard cases: the clip's ends, the
** focal losses nearest a rounding boundary of tests/gen_focal_rounding.py,
** and the rows of tests/ref/binary_opt_ref.h from a probability.  Where
** the hard loss answers (not -1) it must also be bce_opt_loss()'s double.
** Skips where the processor lacks the instructions or the build has no
** such copy (another architecture or compiler, the coverage build).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "../src/binary_opt.h"
#include "../src/loss.h"
#include "../src/options.h"
#include "xorshift.h"
#include "ref/binary_opt_ref.h"

#ifdef BCE_OPT_X86_V3

static long bad, checked, answered;

static void check(double y, double p, const bce_options *o){
  double a = bce_opt_hard_loss(y, p, o);
  double b = bce_opt_hard_loss_x86_v3(y, p, o);
  checked++;
  if( bce_bits(a)!=bce_bits(b) ){
    if( bad++ < 5 ){
      printf("FAIL|x86-64 v3 hard loss (y %a, p %a, eps %a, pos_weight %a, "
             "smoothing %a, gamma %a)|got %a, portable %a\n", y, p, o->eps,
             o->pos_weight, o->smoothing, o->gamma, b, a);
    }
    return;
  }
  if( a>=0.0 ){
    bce_binary_opt bo;
    double l;
    answered++;
    bce_binary_opt_of(o, &bo);
    l = bce_opt_loss(y, p, &bo);
    if( bce_bits(l)!=bce_bits(a) && bad++ < 5 ){
      printf("FAIL|hard loss = bce_opt_loss (y %a, p %a, pos_weight %a, "
             "smoothing %a, gamma %a)|got %a, bce_opt_loss %a\n", y, p,
             o->pos_weight, o->smoothing, o->gamma, a, l);
    }
  }
}

static void opts(bce_options *o, double eps, double pw, double s, double g){
  bce_options_init(o);
  o->eps = eps;
  o->pos_weight = pw;
  o->smoothing = s;
  o->gamma = g;
  if( eps!=BCE_DEFAULT_EPS ) o->keys |= BCE_OPT_EPS;
  if( pw!=1.0 ) o->keys |= BCE_OPT_POS_WEIGHT;
  if( s!=0.0 ) o->keys |= BCE_OPT_SMOOTHING;
  if( g!=0.0 ) o->keys |= BCE_OPT_GAMMA;
}

static double unit_random(uint64_t r){
  return ((double)(r >> 11) + 0.5)*0x1p-53;
}

int main(void){
  const char *env = getenv("BCE_UNIT_RANDOM");
  long n = env ? atol(env) : 1000000, i;
  uint64_t s = 0x7633206861726421u;
  static const double gammas[] = {0.0, 2.0, 2.5, 1.0, 3.0, 8.0, 0.5, 300.0,
                                  37.7, 9.0};
  static const double pws[] = {1.0, 3.0, 0.0, 0.5, 1e-70, 0x1p-60, 0x1p60};
  static const double ss[] = {0.0, 0.1, 0.2, 1.0, 0x1p-60};
  static const double eps[] = {BCE_DEFAULT_EPS, 1e-7, 0.0, 0.25};
  static const double edge_p[] = {0.0, 1.0, 0x1p-60, 0x1.fffffffffffffp-61,
                                  0x1p-52, 0x1p-53, 0x1.fffffffffffffp-1,
                                  0x1.ffffffffffffep-1, 0.5, 1e-300,
                                  5e-324, 0x1.666e3e06c642ep-2,
                                  0x1.724cc28ae4998p-56,
                                  0x1.b52061736a40cp-2};
  static const double edge_y[] = {0.0, 1.0, -0.0, 0.5,
                                  0x1.cf9338779f267p-1};
  bce_options o;
  size_t a, b, c, d, k;
  __builtin_cpu_init();
  if( !__builtin_cpu_supports("fma") || !__builtin_cpu_supports("avx2")
   || !__builtin_cpu_supports("bmi2") ){
    printf("skip|x86-64 v3 hard loss|this processor has no FMA, AVX2 or "
           "BMI2\n");
    return 0;
  }
  /* the hard cases: every edge p and label under every option set */
  for(a=0; a<sizeof(gammas)/sizeof(gammas[0]); a++){
    for(b=0; b<sizeof(pws)/sizeof(pws[0]); b++){
      for(c=0; c<sizeof(ss)/sizeof(ss[0]); c++){
        for(d=0; d<sizeof(eps)/sizeof(eps[0]); d++){
          opts(&o, eps[d], pws[b], ss[c], gammas[a]);
          for(k=0; k<sizeof(edge_p)/sizeof(edge_p[0]); k++){
            size_t j;
            for(j=0; j<sizeof(edge_y)/sizeof(edge_y[0]); j++){
              check(edge_y[j], edge_p[k], &o);
            }
          }
        }
      }
    }
  }
  /* the reference rows from a probability (without alpha: the hard loss
  ** leaves those to bce_opt_loss(), and says so with -1 on both builds) */
  for(k=0; k<sizeof(ref_binary_opt)/sizeof(ref_binary_opt[0]); k++){
    if( ref_binary_opt[k].kind!=0 ) continue;
    opts(&o, ref_binary_opt[k].eps, ref_binary_opt[k].pw,
         ref_binary_opt[k].s, ref_binary_opt[k].gamma);
    if( ref_binary_opt[k].has_alpha ){
      o.alpha = ref_binary_opt[k].alpha;
      o.keys |= BCE_OPT_ALPHA;
    }
    check(ref_binary_opt[k].y, ref_binary_opt[k].x, &o);
  }
  /* random rows */
  for(i=0; i<n; i++){
    uint64_t r = xorshift64(&s), t = xorshift64(&s);
    double y = (r & 1) ? 1.0 : 0.0, p = unit_random(t), g, pw, sm;
    switch( (r >> 1) & 7 ){
      case 0: p = ldexp(p, -(int)((t >> 3) % 64)); break;     /* near 0 */
      case 1: p = 1.0 - ldexp(p, -(int)((t >> 3) % 54)); break; /* near 1 */
      default: break;
    }
    if( ((r >> 4) & 15)==0 ) y = (double)((r >> 8) & 1023)/1023.0;
    g = gammas[(r >> 20) % (sizeof(gammas)/sizeof(gammas[0]))];
    if( ((r >> 24) & 7)==0 ) g = unit_random(r)*12.0;
    pw = pws[(r >> 28) % 3];
    if( ((r >> 31) & 7)==0 ) pw = ldexp(unit_random(t), (int)((r >> 34) % 80) - 40);
    sm = ss[(r >> 40) % 3];
    if( ((r >> 42) & 7)==0 ) sm = unit_random(t ^ r);
    opts(&o, eps[(r >> 45) & 1], pw, sm, g);
    check(y, p, &o);
  }
  if( bad==0 ){
    printf("ok|x86-64 v3 hard loss: %ld rows bit for bit as the portable "
           "one (%ld answered, each bce_opt_loss()'s double)\n", checked,
           answered);
  }else{
    printf("FAIL|x86-64 v3 hard loss: %ld of %ld rows differ|see above\n",
           bad, checked);
  }
  return bad!=0;
}

#else

int main(void){
  printf("skip|x86-64 v3 hard loss|no such copy in this build (not x86-64 "
         "with gcc or clang, or the coverage build)\n");
  return 0;
}

#endif
