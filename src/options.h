/* SPDX-License-Identifier: MIT */
/*
** The options object of the loss family (issue 21): the conventions of
** PyTorch, Keras, torchvision and scikit-learn by name, as one JSON object
** in the last argument:
**
**   bce(y, p, '{"pos_weight": 3}')
**   cce_logits(y, z, '{"class_weight": [1, 5, 2], "ignore_index": -100}')
**
** This header is the one struct every formula takes and the reader that
** fills it (src/options.c).  The reader knows JSON and the keys' domains;
** which keys a function accepts is the caller's (the descriptor table of
** ext/, passed in as a mask).  Nothing here allocates: the arrays of an
** options object (class_weight, alpha, pos_weight) are written into
** storage the caller gives, once per statement, never per row.
**
** Defaults are the 0.3.0 conventions: eps = 2^-52 (scikit-learn >= 1.5),
** no weighting, no smoothing, no focusing, reduction "mean".
*/
#ifndef BCE_OPTIONS_H
#define BCE_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include "bits.h"
#include "loss.h"      /* BCE_DEFAULT_EPS */

/* The keys, as bits of a mask: which were given (bce_options.keys), and
** which a function accepts (the descriptor's). */
#define BCE_OPT_EPS           0x001u
#define BCE_OPT_POS_WEIGHT    0x002u
#define BCE_OPT_SMOOTHING     0x004u
#define BCE_OPT_GAMMA         0x008u
#define BCE_OPT_ALPHA         0x010u
#define BCE_OPT_CLASS_WEIGHT  0x020u
#define BCE_OPT_IGNORE_INDEX  0x040u
#define BCE_OPT_REDUCTION     0x080u
#define BCE_OPT_ALL           0x0ffu
/* Not a key: set in the allowed mask of a multi-class function, where
** alpha is >= 0 or an array of K (binary: a number in [0, 1]) and
** pos_weight does not apply. */
#define BCE_OPT_MULTICLASS    0x100u

typedef enum bce_reduction {
  BCE_REDUCTION_MEAN = 0,        /* sum(s l) / sum(s d): the default */
  BCE_REDUCTION_SUM = 1,         /* sum(s l) */
  BCE_REDUCTION_MEAN_OVER_ROWS = 2  /* sum(s l) / N */
} bce_reduction;

/* Parsed options.  An array key's doubles live in the caller's storage
** (bce_options_parse); a scalar given for an array key (alpha: 0.25 for
** every class) has n = 0 and the number in the scalar field. */
typedef struct bce_options {
  unsigned keys;              /* BCE_OPT_* bits of the keys given */
  double eps;                 /* the clip; BCE_DEFAULT_EPS */
  double pos_weight;          /* 1 */
  const double *pos_weights;  /* one per element of a multi-label row */
  int64_t n_pos_weights;      /* 0: pos_weight applies to every element */
  double smoothing;           /* 0 */
  double gamma;               /* 0 */
  double alpha;               /* binary: in [0, 1]; multi-class: >= 0 */
  const double *alphas;       /* multi-class: one per class */
  int64_t n_alphas;           /* 0: alpha applies to every class */
  const double *class_weights;
  int64_t n_class_weights;    /* 0: no class weights */
  int64_t ignore_index;       /* meaningful when BCE_OPT_IGNORE_INDEX */
  bce_reduction reduction;
} bce_options;

static inline void bce_options_init(bce_options *o){
  memset(o, 0, sizeof(*o));
  o->eps = BCE_DEFAULT_EPS;
  o->pos_weight = 1.0;
  o->alpha = 0.0;           /* only read when BCE_OPT_ALPHA is set */
  o->reduction = BCE_REDUCTION_MEAN;
}

/* What is wrong with an options text, for the binding to word (rule 5):
** every message names the options argument; these fields say the rest. */
typedef enum bce_options_status {
  BCE_OPTIONS_OK = 0,
  BCE_OPTIONS_MALFORMED,    /* not JSON at byte at (0-based; = n: ended) */
  BCE_OPTIONS_NOT_OBJECT,   /* JSON, but not one object */
  BCE_OPTIONS_UNKNOWN_KEY,  /* key (at, len) is not one of the known */
  BCE_OPTIONS_DUPLICATE,    /* key (at, len) is given twice */
  BCE_OPTIONS_NOT_APPLICABLE, /* key (bit) does not apply to the function */
  BCE_OPTIONS_DOMAIN,       /* key (bit)'s value (at, len as written) is
                            ** outside its domain; index >= 0: element */
  BCE_OPTIONS_STORAGE       /* the arrays need need doubles of storage */
} bce_options_status;

typedef struct bce_options_error {
  bce_options_status status;
  unsigned key;               /* the BCE_OPT_* bit, where known */
  size_t at, len;             /* where in the text */
  int64_t index;              /* DOMAIN: the array element, or -1 */
  size_t need;                /* STORAGE: doubles the arrays need */
} bce_options_error;

/* Parses z[0..n) (text: JSON; the caller has seen that its first non-blank
** byte is '{') into *o, accepting the keys of the mask allowed.  Array
** values are written to store[0..nstore); when they need more, returns
** BCE_OPTIONS_STORAGE with err->need set, and the caller calls again with
** enough.  Returns BCE_OPTIONS_OK or the first thing wrong, in the text's
** order. */
BCE_PRIVATE bce_options_status bce_options_parse(const char *z, size_t n,
                                                 unsigned allowed,
                                                 bce_options *o,
                                                 double *store, size_t nstore,
                                                 bce_options_error *err);

/* The key's name as JSON spells it ("pos_weight"), for a BCE_OPT_* bit. */
BCE_PRIVATE const char *bce_options_key_name(unsigned key);

#endif
