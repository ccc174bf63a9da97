/* SPDX-License-Identifier: MIT */
/*
** The binary loss of one element with the options of issue 21 applied:
** PyTorch's pos_weight, Keras's label smoothing, torchvision's and Keras's
** focal gamma and alpha.  With y' = y(1-s) + s/2 (smoothing s):
**
**   ce = -[pw*y'*ln q + (1-y')*ln(1-q)]     (BCEWithLogitsLoss(pos_weight=),
**                                            weighted_cross_entropy_with_logits)
**   l  = A * (1-p_t)^gamma * ce,   1-p_t = y'(1-q) + (1-y')q
**   A  = alpha*y' + (1-alpha)(1-y') with alpha, else 1
**
** q is p clipped at eps, or sigmoid(z) for a logit.  Every part above is
** >= 0, so the loss is a product of sums of non-negative terms: it is
** carried in double-doubles (with a binary exponent of their own near the
** ends of the range, where a part would underflow) and rounded once.  The
** logarithms and exponentials are src/elementary.h's (their fast paths,
** 2^-65, for the sums; the double-double kernels where a gradient's parts
** cancel; four doubles where even those would show), and the focal power
** is exp(gamma ln x) from them, so no libm function reaches a result.
**
** With every option at its default the functions return what bce_loss,
** bce_logits_loss, bce_grad and bce_logits_grad return, bit for bit (they
** call them).  The caller validates the domains: y, p in [0, 1], eps in
** [0, 0.5), pw >= 0, s and alpha in [0, 1], gamma >= 0, all finite; z any
** double but NaN; n > 0.
*/
#ifndef BCE_BINARY_OPT_H
#define BCE_BINARY_OPT_H

#include "bits.h"
#include "options.h"

typedef struct bce_binary_opt {
  double eps;         /* the clip (probabilities only) */
  double pos_weight;  /* 1: none */
  double smoothing;   /* 0: none;  y' = y(1-s) + s/2 */
  double gamma;       /* 0: no focusing */
  double alpha;       /* read only when has_alpha */
  int has_alpha;
} bce_binary_opt;

/* From the options of a call; pos_weight is the scalar one (a multi-label
** row with an array of them sets b->pos_weight per element). */
BCE_PRIVATE void bce_binary_opt_of(const bce_options *o, bce_binary_opt *b);

/* 1 when b changes nothing (the caller keeps the 0.2.0 fast path). */
static inline int bce_binary_opt_plain(const bce_binary_opt *b){
  return b->pos_weight==1.0 && b->smoothing==0.0 && b->gamma==0.0
      && !b->has_alpha;
}

/* The loss of one element from a probability p (clipped at b->eps) or a
** logit z; +Inf where a certain prediction is wrong (eps = 0 or z = +-Inf),
** 0 where a factor is 0 (alpha = 1 and y' = 0, say). */
BCE_PRIVATE double bce_opt_loss(double y, double p, const bce_binary_opt *b);
BCE_PRIVATE double bce_opt_logits_loss(double y, double z,
                                       const bce_binary_opt *b);

/* bce_opt_loss(y, p, b) for b of the options o (bce_binary_opt_of) where
** y is a hard label and the loss takes the short way (no alpha, q and the
** other parts in range): the same double, finite and >= 0; -1 where
** bce_opt_loss() must be asked, and for options that change nothing.
** For the rows of an aggregate whose options are known, without the
** conversion to a bce_binary_opt and the paths around it. */
BCE_PRIVATE double bce_opt_hard_loss(double y, double p,
                                     const bce_options *o);

/* bce_opt_hard_loss() compiled again for x86-64 processors with FMA, AVX2
** and BMI2 (the products' errors by the fma instruction: the same
** doubles), which the aggregate's step for such processors calls
** (ext/aggregate.c, chosen at load by ext/entry.c).  Only where the
** caller has checked the processor.  The condition is ext/registry.h's
** BCE_X86_V3: not in the coverage build, nor with BCE_NO_X86_V3. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) \
    && !defined(BCE_NO_X86_V3) && !defined(BCE_COVERAGE)
# define BCE_OPT_X86_V3 1
BCE_PRIVATE double bce_opt_hard_loss_x86_v3(double y, double p,
                                            const bce_options *o);
#endif

/* Where the rows of bce(y, p, options) with a hard label may wait in the
** aggregate's batch (src/mean.h): BCE_OPT_BATCH_PLAIN, options that
** change nothing at the default clip ('{}', a reduction: bce(y, p)'s own
** batch); pos_weight, smoothing and gamma at the default clip where
** bce_opt_hard_loss() may answer (no alpha, pw and s 0 or in [2^-60,
** 2^60]), the batch of bce_opt_flush_batch(): BCE_OPT_BATCH_PRODUCTS
** without smoothing and with gamma 0, 2 or another integer up to 8 (the
** flush's own code), BCE_OPT_BATCH_OTHER for the rest; else
** BCE_OPT_BATCH_NONE, every row at once. */
#define BCE_OPT_BATCH_NONE 0
#define BCE_OPT_BATCH_PLAIN 1
#define BCE_OPT_BATCH_PRODUCTS 2
#define BCE_OPT_BATCH_OTHER 3
BCE_PRIVATE int bce_opt_batch_kind(const bce_options *o);

/* w*l for l = bce_opt_loss(y, x, b) (logits = 0) or bce_opt_logits_loss
** (logits = 1), which the caller has: w finite >= 0, 0 for w = 0 (even
** where l is +Inf), rounded once where l alone is below 2^-1018 (tiny
** products kept, as bce_wloss does). */
BCE_PRIVATE double bce_opt_wloss(double y, double x, int logits, double w,
                                 double l, const bce_binary_opt *b);

/* w times the loss of (y, x) under b (logits as for bce_opt_wloss) times
** 2^k, rounded once: for a row of JSON arrays whose mean is in range
** while an element's loss is past either end of it (src/arrays.c).  +Inf
** only where the loss is infinite of itself or the result past DBL_MAX. */
BCE_PRIVATE double bce_opt_loss_scaled(double y, double x, int logits,
                                       double w, int k,
                                       const bce_binary_opt *b);

/* 1 when l, the loss of (y, x) under b (logits as for bce_opt_wloss), is
** +Inf only because pos_weight > 1 carries a finite term past DBL_MAX:
** the same row at pos_weight 1 is finite.  The caller makes that an error
** (a row's loss is never +Inf for finite inputs and a clip that keeps it
** finite); a loss infinite of itself (eps = 0 or z = +-Inf) gives 0. */
BCE_PRIVATE int bce_opt_loss_overflows(double y, double x, int logits,
                                       double l, const bce_binary_opt *b);

/* dl/dp at the clipped q (or dl/dz), divided by n. */
BCE_PRIVATE double bce_opt_grad(double y, double p, double n,
                                const bce_binary_opt *b);
BCE_PRIVATE double bce_opt_logits_grad(double y, double z, double n,
                                       const bce_binary_opt *b);

#endif
