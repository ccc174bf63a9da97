/* SPDX-License-Identifier: MIT */
/*
** The entry point, and the table of every SQL function.
**
** `.load ./bce` in the sqlite3 shell, or sqlite3_load_extension(db,
** "./bce", 0, &err), finds sqlite3_bce_init by the file's name; it
** registers each row of aBceFunc[] with the row as the function's user
** data (ext/registry.h).  Adding a function is adding a row here
** (ARCHITECTURE.md, "How to add a function").
**
** Every function is deterministic and innocuous: same arguments, same
** result, and nothing outside its arguments is read or written, so it may
** be used in indexes, CHECK constraints, generated columns and views.
*/
#include <stddef.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include "registry.h"
#include "../src/logistic.h"

#define BCE_FLAGS (SQLITE_UTF8|SQLITE_DETERMINISTIC|SQLITE_INNOCUOUS)

/* Window functions (sqlite3_create_window_function) came in 3.25.0, and
** so did sqlite3_str (the JSON arrays of the gradients).  Older SQLite
** ignores SQLITE_INNOCUOUS (3.31.0), so it does not raise the floor.  A
** build may raise the number, which is how the test reaches this error. */
#ifndef BCE_MIN_SQLITE
# define BCE_MIN_SQLITE 3025000
#endif

/* The entry point is the library's only exported symbol (the build hides
** the rest), so nothing of ours can clash with the host program's names. */
#if defined(_WIN32)
# define BCE_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
# define BCE_EXPORT __attribute__((visibility("default")))
#else
# define BCE_EXPORT
#endif

/* The keys of the options object (issue 21, src/options.h) each family
** accepts: eps only where there is a clip (probabilities), reduction only
** where rows are reduced (aggregates and states), pos_weight binary,
** class_weight and ignore_index multi-class (src/options.c reads the
** family from BCE_OPT_MULTICLASS). */
#define OPT_BINARY (BCE_OPT_POS_WEIGHT|BCE_OPT_SMOOTHING|BCE_OPT_GAMMA \
                    |BCE_OPT_ALPHA)
#define OPT_PROB        (OPT_BINARY|BCE_OPT_EPS)
#define OPT_PROB_AGG    (OPT_PROB|BCE_OPT_REDUCTION)
#define OPT_LOGITS      OPT_BINARY
#define OPT_LOGITS_AGG  (OPT_LOGITS|BCE_OPT_REDUCTION)
#define OPT_CCE_LOGITS  (BCE_OPT_MULTICLASS|BCE_OPT_SMOOTHING|BCE_OPT_GAMMA \
                         |BCE_OPT_ALPHA|BCE_OPT_CLASS_WEIGHT \
                         |BCE_OPT_IGNORE_INDEX)
#define OPT_CCE_LOGITS_AGG (OPT_CCE_LOGITS|BCE_OPT_REDUCTION)
#define OPT_CCE         (OPT_CCE_LOGITS|BCE_OPT_EPS)
#define OPT_CCE_AGG     (OPT_CCE|BCE_OPT_REDUCTION)
/* D^2 (src/d2.h): the keys under which the loss stays affine in y, so
** that the null model's loss is the loss at the mean label; no
** reduction (a score is not reduced) */
#define OPT_BCE_D2      (BCE_OPT_EPS|BCE_OPT_POS_WEIGHT|BCE_OPT_SMOOTHING)
#define OPT_CCE_D2      (BCE_OPT_MULTICLASS|BCE_OPT_EPS|BCE_OPT_SMOOTHING \
                         |BCE_OPT_CLASS_WEIGHT|BCE_OPT_IGNORE_INDEX)
/* KL divergence: the clip of p and the target's smoothing (cce's) */
#define OPT_KL          (BCE_OPT_MULTICLASS|BCE_OPT_EPS|BCE_OPT_SMOOTHING)

/* Columns: name, arity, kind, formula, arguments, the logits function a
** bad p points to, xUnary, then the callbacks: xFunc for a scalar; xStep,
** xFinal, xValue, xInverse for a window function; then the options keys.
** The options object goes in the last place: (y, p, options) in the
** third-argument rows, (y, p, w, options) in the fourth (where a number
** there is the weight or the eps of 0.2.0); the logits functions' fourth
** place holds only options. */
static const BceFunc aBceFunc[] = {
  {"bce", 2, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob, "bce_logits", 0,
   0, bce_step_yp, bce_mean_final_func, bce_mean_value_func, bce_inverse_yp,
   OPT_PROB_AGG},
  {"bce", 3, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob, "bce_logits", 0,
   0, bce_step_w, bce_mean_final_func, bce_mean_value_func, bce_inverse_w,
   OPT_PROB_AGG},
  {"bce", 4, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob, "bce_logits", 0,
   0, bce_step_w_eps, bce_mean_final_func, bce_mean_value_func,
   bce_inverse_w_eps, OPT_PROB_AGG},
  {"bce_term", 2, BCE_SCALAR, BCE_LOSS_PROB, bce_params_prob,
   "bce_logits_term", 0, bce_term_func, 0, 0, 0, 0, OPT_PROB},
  {"bce_term", 3, BCE_SCALAR, BCE_LOSS_PROB, bce_params_prob,
   "bce_logits_term", 0, bce_term_func, 0, 0, 0, 0, OPT_PROB},
  {"bce_term", 4, BCE_SCALAR, BCE_LOSS_PROB, bce_params_prob,
   "bce_logits_term", 0, bce_term_func, 0, 0, 0, 0, OPT_PROB},
  {"bce_grad", 2, BCE_SCALAR, BCE_LOSS_PROB, bce_params_grad,
   "bce_logits_grad", 0, bce_grad_func, 0, 0, 0, 0, OPT_PROB},
  {"bce_grad", 3, BCE_SCALAR, BCE_LOSS_PROB, bce_params_grad,
   "bce_logits_grad", 0, bce_grad_func, 0, 0, 0, 0, OPT_PROB},
  {"bce_grad", 4, BCE_SCALAR, BCE_LOSS_PROB, bce_params_grad,
   "bce_logits_grad", 0, bce_grad_func, 0, 0, 0, 0, OPT_PROB},
  {"bce_logits", 2, BCE_WINDOW, BCE_LOSS_LOGITS, bce_params_logits, 0, 0,
   0, bce_logits_step, bce_mean_final_func, bce_mean_value_func,
   bce_logits_inverse, OPT_LOGITS_AGG},
  {"bce_logits", 3, BCE_WINDOW, BCE_LOSS_LOGITS, bce_params_logits, 0, 0,
   0, bce_logits_step_w, bce_mean_final_func, bce_mean_value_func,
   bce_logits_inverse_w, OPT_LOGITS_AGG},
  {"bce_logits", 4, BCE_WINDOW, BCE_LOSS_LOGITS, bce_params_logits, 0, 0,
   0, bce_logits_step_w_opt, bce_mean_final_func, bce_mean_value_func,
   bce_logits_inverse_w_opt, OPT_LOGITS_AGG},
  {"bce_logits_term", 2, BCE_SCALAR, BCE_LOSS_LOGITS, bce_params_logits, 0,
   0, bce_term_func, 0, 0, 0, 0, OPT_LOGITS},
  {"bce_logits_term", 3, BCE_SCALAR, BCE_LOSS_LOGITS, bce_params_logits, 0,
   0, bce_term_func, 0, 0, 0, 0, OPT_LOGITS},
  {"bce_logits_term", 4, BCE_SCALAR, BCE_LOSS_LOGITS, bce_params_logits, 0,
   0, bce_term_func, 0, 0, 0, 0, OPT_LOGITS},
  {"bce_logits_grad", 2, BCE_SCALAR, BCE_LOSS_LOGITS,
   bce_params_logits_grad, 0, 0, bce_grad_func, 0, 0, 0, 0, OPT_LOGITS},
  {"bce_logits_grad", 3, BCE_SCALAR, BCE_LOSS_LOGITS,
   bce_params_logits_grad, 0, 0, bce_grad_func, 0, 0, 0, 0, OPT_LOGITS},
  {"bce_logits_grad", 4, BCE_SCALAR, BCE_LOSS_LOGITS,
   bce_params_logits_grad, 0, 0, bce_grad_func, 0, 0, 0, 0, OPT_LOGITS},
  {"sigmoid", 1, BCE_SCALAR, BCE_LOSS_NONE, bce_params_x, 0, bce_sigmoid,
   bce_unary_func, 0, 0, 0, 0, 0},
  {"logit", 1, BCE_SCALAR, BCE_LOSS_NONE, bce_params_p, 0, bce_logit,
   bce_unary_func, 0, 0, 0, 0, 0},
  {"bce_version", 0, BCE_SCALAR, BCE_LOSS_NONE, 0, 0, 0, bce_version_func,
   0, 0, 0, 0, 0},
  /* partial states (ext/states.c): the steps of bce and bce_logits */
  {"bce_state", 2, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob,
   "bce_logits_state", 0, 0, bce_step_yp, bce_state_final_func,
   bce_state_value_func, bce_inverse_yp, OPT_PROB_AGG},
  {"bce_state", 3, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob,
   "bce_logits_state", 0, 0, bce_step_w, bce_state_final_func,
   bce_state_value_func, bce_inverse_w, OPT_PROB_AGG},
  {"bce_state", 4, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob,
   "bce_logits_state", 0, 0, bce_step_w_eps, bce_state_final_func,
   bce_state_value_func, bce_inverse_w_eps, OPT_PROB_AGG},
  {"bce_logits_state", 2, BCE_WINDOW, BCE_LOSS_LOGITS, bce_params_logits, 0,
   0, 0, bce_logits_step, bce_state_final_func, bce_state_value_func,
   bce_logits_inverse, OPT_LOGITS_AGG},
  {"bce_logits_state", 3, BCE_WINDOW, BCE_LOSS_LOGITS, bce_params_logits, 0,
   0, 0, bce_logits_step_w, bce_state_final_func, bce_state_value_func,
   bce_logits_inverse_w, OPT_LOGITS_AGG},
  {"bce_logits_state", 4, BCE_WINDOW, BCE_LOSS_LOGITS, bce_params_logits, 0,
   0, 0, bce_logits_step_w_opt, bce_state_final_func, bce_state_value_func,
   bce_logits_inverse_w_opt, OPT_LOGITS_AGG},
  {"bce_merge", 1, BCE_WINDOW, BCE_LOSS_NONE, 0, 0, 0, 0, bce_merge_step,
   bce_merge_final_func, bce_merge_value_func, bce_merge_inverse, 0},
  /* no xValue, no xInverse: a plain aggregate */
  {"bce_merge_state", 1, BCE_WINDOW, BCE_LOSS_NONE, 0, 0, 0, 0,
   bce_merge_step, bce_merge_state_final_func, 0, 0, 0},
  {"bce_state_info", 1, BCE_SCALAR, BCE_LOSS_NONE, 0, 0, 0,
   bce_state_info_func, 0, 0, 0, 0, 0},
  /* the multi-class functions (issue 13), ext/multiclass.c */
  {"cce", 2, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce, "cce_logits", 0,
   0, bce_cce_step, bce_mean_final_func, bce_mean_value_func, bce_cce_inverse,
   OPT_CCE_AGG},
  {"cce", 3, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce, "cce_logits", 0,
   0, bce_cce_step, bce_mean_final_func, bce_mean_value_func, bce_cce_inverse,
   OPT_CCE_AGG},
  {"cce", 4, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce, "cce_logits", 0,
   0, bce_cce_step, bce_mean_final_func, bce_mean_value_func, bce_cce_inverse,
   OPT_CCE_AGG},
  {"cce_term", 2, BCE_SCALAR, BCE_LOSS_CCE, bce_params_cce,
   "cce_logits_term", 0, bce_cce_term_func, 0, 0, 0, 0, OPT_CCE},
  {"cce_term", 3, BCE_SCALAR, BCE_LOSS_CCE, bce_params_cce,
   "cce_logits_term", 0, bce_cce_term_func, 0, 0, 0, 0, OPT_CCE},
  {"cce_term", 4, BCE_SCALAR, BCE_LOSS_CCE, bce_params_cce,
   "cce_logits_term", 0, bce_cce_term_func, 0, 0, 0, 0, OPT_CCE},
  {"cce_grad", 2, BCE_SCALAR, BCE_LOSS_CCE, bce_params_cce_grad,
   "cce_logits_grad", 0, bce_cce_grad_func, 0, 0, 0, 0, OPT_CCE},
  {"cce_grad", 3, BCE_SCALAR, BCE_LOSS_CCE, bce_params_cce_grad,
   "cce_logits_grad", 0, bce_cce_grad_func, 0, 0, 0, 0, OPT_CCE},
  {"cce_grad", 4, BCE_SCALAR, BCE_LOSS_CCE, bce_params_cce_grad,
   "cce_logits_grad", 0, bce_cce_grad_func, 0, 0, 0, 0, OPT_CCE},
  {"cce_logits", 2, BCE_WINDOW, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits, 0, 0, 0, bce_cce_step, bce_mean_final_func,
   bce_mean_value_func, bce_cce_inverse, OPT_CCE_LOGITS_AGG},
  {"cce_logits", 3, BCE_WINDOW, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits, 0, 0, 0, bce_cce_step, bce_mean_final_func,
   bce_mean_value_func, bce_cce_inverse, OPT_CCE_LOGITS_AGG},
  {"cce_logits", 4, BCE_WINDOW, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits, 0, 0, 0, bce_cce_step, bce_mean_final_func,
   bce_mean_value_func, bce_cce_inverse, OPT_CCE_LOGITS_AGG},
  {"cce_logits_term", 2, BCE_SCALAR, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits, 0, 0, bce_cce_term_func, 0, 0, 0, 0, OPT_CCE_LOGITS},
  {"cce_logits_term", 3, BCE_SCALAR, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits, 0, 0, bce_cce_term_func, 0, 0, 0, 0,
   OPT_CCE_LOGITS},
  {"cce_logits_term", 4, BCE_SCALAR, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits, 0, 0, bce_cce_term_func, 0, 0, 0, 0,
   OPT_CCE_LOGITS},
  {"cce_logits_grad", 2, BCE_SCALAR, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits_grad, 0, 0, bce_cce_grad_func, 0, 0, 0, 0,
   OPT_CCE_LOGITS},
  {"cce_logits_grad", 3, BCE_SCALAR, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits_grad, 0, 0, bce_cce_grad_func, 0, 0, 0, 0,
   OPT_CCE_LOGITS},
  {"cce_logits_grad", 4, BCE_SCALAR, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits_grad, 0, 0, bce_cce_grad_func, 0, 0, 0, 0,
   OPT_CCE_LOGITS},
  {"softmax", 1, BCE_SCALAR, BCE_LOSS_SOFTMAX, bce_params_softmax, 0, 0,
   bce_softmax_func, 0, 0, 0, 0, 0},
  {"log_softmax", 1, BCE_SCALAR, BCE_LOSS_LOG_SOFTMAX, bce_params_softmax,
   0, 0, bce_softmax_func, 0, 0, 0, 0, 0},
  /* their partial states, merged by bce_merge (ext/states.c) */
  {"cce_state", 2, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce,
   "cce_logits_state", 0, 0, bce_cce_step, bce_state_final_func,
   bce_state_value_func, bce_cce_inverse, OPT_CCE_AGG},
  {"cce_state", 3, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce,
   "cce_logits_state", 0, 0, bce_cce_step, bce_state_final_func,
   bce_state_value_func, bce_cce_inverse, OPT_CCE_AGG},
  {"cce_state", 4, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce,
   "cce_logits_state", 0, 0, bce_cce_step, bce_state_final_func,
   bce_state_value_func, bce_cce_inverse, OPT_CCE_AGG},
  {"cce_logits_state", 2, BCE_WINDOW, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits, 0, 0, 0, bce_cce_step, bce_state_final_func,
   bce_state_value_func, bce_cce_inverse, OPT_CCE_LOGITS_AGG},
  {"cce_logits_state", 3, BCE_WINDOW, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits, 0, 0, 0, bce_cce_step, bce_state_final_func,
   bce_state_value_func, bce_cce_inverse, OPT_CCE_LOGITS_AGG},
  {"cce_logits_state", 4, BCE_WINDOW, BCE_LOSS_CCE_LOGITS,
   bce_params_cce_logits, 0, 0, 0, bce_cce_step, bce_state_final_func,
   bce_state_value_func, bce_cce_inverse, OPT_CCE_LOGITS_AGG},
  /* the scores of issue 23, ext/scores.c (kl_div: eps, smoothing) */
  {"logsumexp", 1, BCE_WINDOW, BCE_LOSS_NONE, bce_params_lse, 0, 0, 0,
   bce_lse_step, bce_lse_final_func, bce_lse_value_func, bce_lse_inverse, 0},
  {"entropy", 1, BCE_SCALAR, BCE_LOSS_NONE, bce_params_entropy, 0, 0,
   bce_entropy_func, 0, 0, 0, 0, 0},
  {"kl_div_term", 2, BCE_SCALAR, BCE_LOSS_NONE, bce_params_kl, 0, 0,
   bce_kl_term_func, 0, 0, 0, 0, OPT_KL},
  {"kl_div_term", 3, BCE_SCALAR, BCE_LOSS_NONE, bce_params_kl, 0, 0,
   bce_kl_term_func, 0, 0, 0, 0, OPT_KL},
  {"kl_div_term", 4, BCE_SCALAR, BCE_LOSS_NONE, bce_params_kl, 0, 0,
   bce_kl_term_func, 0, 0, 0, 0, OPT_KL},
  {"kl_div", 2, BCE_WINDOW, BCE_LOSS_NONE, bce_params_kl, 0, 0, 0,
   bce_kl_step, bce_kl_final_func, bce_kl_value_func, bce_kl_inverse,
   OPT_KL},
  {"kl_div", 3, BCE_WINDOW, BCE_LOSS_NONE, bce_params_kl, 0, 0, 0,
   bce_kl_step, bce_kl_final_func, bce_kl_value_func, bce_kl_inverse,
   OPT_KL},
  {"kl_div", 4, BCE_WINDOW, BCE_LOSS_NONE, bce_params_kl, 0, 0, 0,
   bce_kl_step, bce_kl_final_func, bce_kl_value_func, bce_kl_inverse,
   OPT_KL},
  /* the scores' states (issue 23), merged by bce_merge (ext/states.c) */
  {"kl_div_state", 2, BCE_WINDOW, BCE_LOSS_NONE, bce_params_kl, 0, 0, 0,
   bce_kl_step, bce_kl_state_final_func, bce_kl_state_value_func,
   bce_kl_inverse, OPT_KL},
  {"kl_div_state", 3, BCE_WINDOW, BCE_LOSS_NONE, bce_params_kl, 0, 0, 0,
   bce_kl_step, bce_kl_state_final_func, bce_kl_state_value_func,
   bce_kl_inverse, OPT_KL},
  {"kl_div_state", 4, BCE_WINDOW, BCE_LOSS_NONE, bce_params_kl, 0, 0, 0,
   bce_kl_step, bce_kl_state_final_func, bce_kl_state_value_func,
   bce_kl_inverse, OPT_KL},
  {"bce_d2_state", 2, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob, 0, 0, 0,
   bce_d2_step, bce_d2_state_final_func, bce_d2_state_value_func,
   bce_d2_inverse, OPT_BCE_D2},
  {"bce_d2_state", 3, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob, 0, 0, 0,
   bce_d2_step, bce_d2_state_final_func, bce_d2_state_value_func,
   bce_d2_inverse, OPT_BCE_D2},
  {"bce_d2_state", 4, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob, 0, 0, 0,
   bce_d2_step, bce_d2_state_final_func, bce_d2_state_value_func,
   bce_d2_inverse, OPT_BCE_D2},
  {"cce_d2_state", 2, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce, 0, 0, 0,
   bce_cce_d2_step, bce_cce_d2_state_final_func,
   bce_cce_d2_state_value_func, bce_cce_d2_inverse, OPT_CCE_D2},
  {"cce_d2_state", 3, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce, 0, 0, 0,
   bce_cce_d2_step, bce_cce_d2_state_final_func,
   bce_cce_d2_state_value_func, bce_cce_d2_inverse, OPT_CCE_D2},
  {"cce_d2_state", 4, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce, 0, 0, 0,
   bce_cce_d2_step, bce_cce_d2_state_final_func,
   bce_cce_d2_state_value_func, bce_cce_d2_inverse, OPT_CCE_D2},
  /* D^2 of the log loss (issue 23), ext/d2.c */
  {"bce_d2", 2, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob, 0, 0, 0,
   bce_d2_step, bce_d2_final_func, bce_d2_value_func, bce_d2_inverse,
   OPT_BCE_D2},
  {"bce_d2", 3, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob, 0, 0, 0,
   bce_d2_step, bce_d2_final_func, bce_d2_value_func, bce_d2_inverse,
   OPT_BCE_D2},
  {"bce_d2", 4, BCE_WINDOW, BCE_LOSS_PROB, bce_params_prob, 0, 0, 0,
   bce_d2_step, bce_d2_final_func, bce_d2_value_func, bce_d2_inverse,
   OPT_BCE_D2},
  {"cce_d2", 2, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce, 0, 0, 0,
   bce_cce_d2_step, bce_cce_d2_final_func, bce_cce_d2_value_func,
   bce_cce_d2_inverse, OPT_CCE_D2},
  {"cce_d2", 3, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce, 0, 0, 0,
   bce_cce_d2_step, bce_cce_d2_final_func, bce_cce_d2_value_func,
   bce_cce_d2_inverse, OPT_CCE_D2},
  {"cce_d2", 4, BCE_WINDOW, BCE_LOSS_CCE, bce_params_cce, 0, 0, 0,
   bce_cce_d2_step, bce_cce_d2_final_func, bce_cce_d2_value_func,
   bce_cce_d2_inverse, OPT_CCE_D2},
};

#ifdef BCE_X86_V3
/* The processor runs bce_step_yp_x86_v3 (ext/aggregate.c) */
static int x86_v3(void){
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2");
}

/* and bce_step_w_x86_v3, which takes the fma instruction as well */
static int x86_v3_fma(void){
  return x86_v3() && __builtin_cpu_supports("fma");
}
#endif

#ifndef SQLITE_CORE
/* SQLITE_EXTENSION_INIT2 stores the API pointer at every load.  But a
** connection on another thread may be running our functions, which read
** sqlite3_api, while this one loads the library: storing the pointer
** again, even the same value, is a data race (ThreadSanitizer reports it;
** tests/concurrency.c).  So it is stored only when it is not already the
** same, and published atomically: a load that finds it set reads it with
** acquire, which orders the store of the thread that set it before every
** later plain read on this one, and writes nothing. */
static void set_api(const sqlite3_api_routines *pApi){
#if defined(__GNUC__) || defined(__clang__)
  const sqlite3_api_routines *seen =
      __atomic_load_n(&sqlite3_api, __ATOMIC_ACQUIRE);
  if( seen==pApi ) return;
  if( seen==0 && __atomic_compare_exchange_n(&sqlite3_api, &seen, pApi, 0,
                                  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) ){
    return;
  }
  if( seen!=pApi ) __atomic_store_n(&sqlite3_api, pApi, __ATOMIC_RELEASE);
#else
  if( sqlite3_api!=pApi ) sqlite3_api = pApi;
#endif
}
#endif

BCE_EXPORT int sqlite3_bce_init(sqlite3 *db, char **pzErrMsg,
                                const sqlite3_api_routines *pApi){
  size_t i;
#ifdef SQLITE_CORE
  SQLITE_EXTENSION_INIT2(pApi);     /* linked in: nothing to store */
#else
  set_api(pApi);
#endif
  if( sqlite3_libversion_number()<BCE_MIN_SQLITE ){
    if( pzErrMsg ){
      *pzErrMsg = sqlite3_mprintf("bce: needs SQLite %d.%d.%d or later "
                                  "(window functions); this is %s",
                                  BCE_MIN_SQLITE/1000000,
                                  BCE_MIN_SQLITE/1000%1000,
                                  BCE_MIN_SQLITE%1000, sqlite3_libversion());
    }
    return SQLITE_ERROR;
  }
  for(i=0; i<sizeof(aBceFunc)/sizeof(aBceFunc[0]); i++){
    const BceFunc *f = &aBceFunc[i];
    void *self = (void*)f;
    void (*xStep)(sqlite3_context*, int, sqlite3_value**) = f->xStep;
    int rc;
#ifdef BCE_X86_V3
    if( xStep==bce_step_yp && x86_v3() ) xStep = bce_step_yp_x86_v3;
    if( xStep==bce_step_w && x86_v3_fma() ) xStep = bce_step_w_x86_v3;
    if( xStep==bce_d2_step && x86_v3() ) xStep = bce_d2_step_x86_v3;
#endif
    if( f->eKind==BCE_WINDOW ){
      rc = sqlite3_create_window_function(db, f->zName, f->nArg, BCE_FLAGS,
               self, xStep, f->xFinal, f->xValue, f->xInverse, 0);
    }else{
      rc = sqlite3_create_function_v2(db, f->zName, f->nArg, BCE_FLAGS,
               self, f->xFunc, 0, 0, 0);
    }
    if( rc!=SQLITE_OK ){
      if( pzErrMsg ){
        /* the connection's message names the cause ("... due to active
        ** statements"), where sqlite3_errstr(SQLITE_BUSY) would only say
        ** "database is locked" */
        *pzErrMsg = sqlite3_mprintf("bce: cannot register %s() with %d "
                                    "arguments: %s", f->zName, f->nArg,
                                    sqlite3_errmsg(db));
      }
      return rc;
    }
  }
  return SQLITE_OK;
}
