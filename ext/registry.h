/* SPDX-License-Identifier: MIT */
/*
** The function table: one descriptor per SQL function and arity.
**
** ext/entry.c holds the table (aBceFunc[]) and registers each row with the
** row itself as the function's user data, so every callback can ask
** sqlite3_user_data() which function it is serving: the error helper
** (bce_error() in ext/args.h) reads the name from there, and the scalar
** bodies shared by several functions read which formula to apply.
**
** Every callback is a plain named C function declared below.
*/
#ifndef BCE_REGISTRY_H
#define BCE_REGISTRY_H

#include "sqlite3ext.h"
#include "args.h"
#include "../src/bits.h"
#include "../src/vec4.h"        /* BCE_X86_V3 */
#include "../src/options.h"

typedef enum BceKind {
  BCE_SCALAR,       /* xFunc */
  BCE_WINDOW        /* xStep, xFinal, xValue, xInverse */
} BceKind;

/* Which formula a shared body applies. */
typedef enum BceLoss {
  BCE_LOSS_NONE,    /* sigmoid, logit, bce_version: xUnary or nothing */
  BCE_LOSS_PROB,    /* l(y, p) of src/loss.h */
  BCE_LOSS_LOGITS,  /* l(y, z) of src/logits.h */
  BCE_LOSS_CCE,         /* multi-class from probabilities, src/cce.h */
  BCE_LOSS_CCE_LOGITS,  /* multi-class from logits, src/cce.h */
  BCE_LOSS_SOFTMAX,     /* softmax(z) */
  BCE_LOSS_LOG_SOFTMAX  /* log_softmax(z) */
} BceLoss;

typedef struct BceFunc {
  const char *zName;          /* SQL name; every error message starts
                              ** "zName(): " */
  int nArg;
  BceKind eKind;
  BceLoss eLoss;
  const bce_param *aParam;    /* the arguments, in order: name, domain */
  const char *zLogitsName;    /* the function to point to when p is out
                              ** of [0, 1] (rule 4), or 0 */
  double (*xUnary)(double);   /* sigmoid and logit */
  void (*xFunc)(sqlite3_context*, int, sqlite3_value**);
  void (*xStep)(sqlite3_context*, int, sqlite3_value**);
  void (*xFinal)(sqlite3_context*);
  void (*xValue)(sqlite3_context*);
  void (*xInverse)(sqlite3_context*, int, sqlite3_value**);
  unsigned optKeys;           /* the keys of the options object the
                              ** function accepts (BCE_OPT_* of
                              ** src/options.h, BCE_OPT_MULTICLASS for the
                              ** cce family); 0: it takes no options */
} BceFunc;

/* The descriptor of the function being called. */
static inline const BceFunc *bce_func(sqlite3_context *ctx){
  return (const BceFunc*)sqlite3_user_data(ctx);
}

/* The argument lists (ext/args.c), shared by the descriptors and by the
** steps that read them on every row.
** One order for the whole family: terms and aggregates take (y, p or z,
** w, eps), gradients (y, p or z, n, eps). */
BCE_PRIVATE_DATA const bce_param bce_params_prob[4];      /* y, p, w, eps */
BCE_PRIVATE_DATA const bce_param bce_params_logits[3];    /* y, z, w */
BCE_PRIVATE_DATA const bce_param bce_params_grad[4];      /* y, p, n, eps */
BCE_PRIVATE_DATA const bce_param bce_params_logits_grad[3];  /* y, z, n */
BCE_PRIVATE_DATA const bce_param bce_params_x[1];         /* sigmoid's x */
BCE_PRIVATE_DATA const bce_param bce_params_p[1];         /* logit's p */
BCE_PRIVATE_DATA const bce_param bce_params_cce[4];       /* y, p, w, eps */
BCE_PRIVATE_DATA const bce_param bce_params_cce_grad[4];  /* y, p, n, eps */
BCE_PRIVATE_DATA const bce_param bce_params_cce_logits[3];       /* y, z, w */
BCE_PRIVATE_DATA const bce_param bce_params_cce_logits_grad[3];  /* y, z, n */
BCE_PRIVATE_DATA const bce_param bce_params_softmax[2];   /* -, z */

/* ext/aggregate.c: bce(y, p [, w [, eps | options]]), bce(y, p, options)
** and bce_logits(y, z [, w [, options]]), bce_logits(y, z, options).
** bce(y, p) has a step of its own, the short path most queries take. */
BCE_PRIVATE void bce_step_yp(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_inverse_yp(sqlite3_context*, int, sqlite3_value**);
/* bce_step_yp compiled again for x86-64 with AVX2 and BMI2, which the
** entry point registers in its place where the processor has them.  Not
** in the coverage build: it counts the portable step, whose source lines
** are the same, and the choice's outcomes depend on the processor. */
#ifdef BCE_X86_V3          /* src/vec4.h says where */
BCE_PRIVATE void bce_step_yp_x86_v3(sqlite3_context*, int, sqlite3_value**);
/* bce_step_w likewise, with FMA too (its options' products) */
BCE_PRIVATE void bce_step_w_x86_v3(sqlite3_context*, int, sqlite3_value**);
/* bce_d2's step likewise (ext/d2.c) */
BCE_PRIVATE void bce_d2_step_x86_v3(sqlite3_context*, int, sqlite3_value**);
#endif
BCE_PRIVATE void bce_step_w(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_inverse_w(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_step_w_eps(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_inverse_w_eps(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_logits_step(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_logits_inverse(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_logits_step_w(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_logits_inverse_w(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_logits_step_w_opt(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_logits_inverse_w_opt(sqlite3_context*, int,
                                          sqlite3_value**);
BCE_PRIVATE void bce_mean_value_func(sqlite3_context*);
/* Rule 6 for every aggregate with an eps: the first row's eps is the
** aggregate's; a later row with another is an error (returns 0). */
struct bce_mean;
BCE_PRIVATE int bce_agg_same_eps(sqlite3_context*, struct bce_mean*, double);
BCE_PRIVATE void bce_mean_final_func(sqlite3_context*);

/* ext/states.c: partial states (docs/state-format.md).  bce_state,
** bce_logits_state, cce_state and cce_logits_state step as bce,
** bce_logits, cce and cce_logits do, with these results. */
BCE_PRIVATE void bce_state_value_func(sqlite3_context*);
BCE_PRIVATE void bce_state_final_func(sqlite3_context*);
BCE_PRIVATE void bce_merge_step(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_merge_inverse(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_merge_value_func(sqlite3_context*);
BCE_PRIVATE void bce_merge_final_func(sqlite3_context*);
BCE_PRIVATE void bce_merge_state_final_func(sqlite3_context*);
BCE_PRIVATE void bce_state_info_func(sqlite3_context*, int, sqlite3_value**);

/* ext/scalars.c: one body per shape, the formula from the descriptor. */
BCE_PRIVATE void bce_term_func(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_grad_func(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_unary_func(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_version_func(sqlite3_context*, int, sqlite3_value**);

/* ext/multiclass.c: cce, cce_logits (every arity, the formula from the
** descriptor; xValue and xFinal are bce_mean_*_func above), their term
** and gradient scalars, softmax and log_softmax. */
BCE_PRIVATE void bce_cce_step(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_cce_inverse(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_cce_term_func(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_cce_grad_func(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_softmax_func(sqlite3_context*, int, sqlite3_value**);

/* ext/scores.c: logsumexp, entropy, kl_div and kl_div_term (issue 23),
** and their argument lists. */
BCE_PRIVATE_DATA const bce_param bce_params_lse[1];       /* z */
BCE_PRIVATE_DATA const bce_param bce_params_entropy[1];   /* p */
BCE_PRIVATE_DATA const bce_param bce_params_kl[3];        /* y, p, w */
BCE_PRIVATE void bce_lse_step(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_lse_inverse(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_lse_value_func(sqlite3_context*);
BCE_PRIVATE void bce_lse_final_func(sqlite3_context*);
BCE_PRIVATE void bce_entropy_func(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_kl_term_func(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_kl_step(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_kl_inverse(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_kl_value_func(sqlite3_context*);
BCE_PRIVATE void bce_kl_final_func(sqlite3_context*);
BCE_PRIVATE void bce_kl_state_value_func(sqlite3_context*);
BCE_PRIVATE void bce_kl_state_final_func(sqlite3_context*);

/* ext/d2.c: bce_d2 and cce_d2 (issue 23), around the steps of bce and cce. */
BCE_PRIVATE void bce_d2_step(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_d2_inverse(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_d2_value_func(sqlite3_context*);
BCE_PRIVATE void bce_d2_final_func(sqlite3_context*);
BCE_PRIVATE void bce_cce_d2_step(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_cce_d2_inverse(sqlite3_context*, int, sqlite3_value**);
BCE_PRIVATE void bce_cce_d2_value_func(sqlite3_context*);
BCE_PRIVATE void bce_cce_d2_final_func(sqlite3_context*);
/* their states (codes 05 and 06), merged by bce_merge */
BCE_PRIVATE void bce_d2_state_value_func(sqlite3_context*);
BCE_PRIVATE void bce_d2_state_final_func(sqlite3_context*);
BCE_PRIVATE void bce_cce_d2_state_value_func(sqlite3_context*);
BCE_PRIVATE void bce_cce_d2_state_final_func(sqlite3_context*);

#endif
