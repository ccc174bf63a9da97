/*
** An exact running sum of doubles: add, remove, merge, and read back the
** sum rounded once to the nearest double.
**
** Why not a compensated (Kahan-Babuska-Neumaier) sum: its compensation is
** itself a plain double sum, so in a sliding window it forgets terms that
** are small next to the rounding errors of terms already gone.  A frame of
** losses near 1e-300 (eps = 0, confident and right) that follows a loss of
** 36 came back 12% off, and a frame of zeros came back nonzero.  Exact
** integer arithmetic has no history: a frame's sum is the same bits whether
** it was built by sliding or from scratch.
**
** How: every finite double is an integer multiple of 2^-1074, below 2^1024.
** The sum is kept as that integer in base 2^32, one signed 64-bit limb per
** digit.  An addition touches three limbs and never carries; carries are
** resolved when the sum is read, or every 2^29 operations, well before a
** limb (at most 2^33 per operation) could overflow.  68 limbs cover
** 2^-1074 .. 2^1102, room for 2^64 terms near the largest double.
**
** Only finite values may enter; callers count infinite terms on the side.
*/
#ifndef BCE_EXACT_SUM_H
#define BCE_EXACT_SUM_H

#include <stdint.h>
#include <string.h>

#define BCE_SUM_LIMBS 68
#define BCE_SUM_FLUSH (1 << 29)

typedef struct bce_sum {
  int64_t limb[BCE_SUM_LIMBS];  /* value = sum of limb[i] * 2^(32i-1074) */
  int32_t pending;              /* operations since carries were resolved */
} bce_sum;

/* Resolves carries so that every limb but the last is in [0, 2^32). */
void bce_sum_normalize(bce_sum *s);

/* The sum, rounded to nearest (ties to even); +-Inf past the double range. */
double bce_sum_value(bce_sum *s);

/* The sum divided by n (> 0), as bce_sum_value(s)/n, also where only the
** sum is past the double range: a mean of terms near 1e308 is finite. */
double bce_sum_div(bce_sum *s, double n);
/* The sum times 2^k, rounded once to nearest when the result is a normal
** double (a subnormal result may round twice); for reading sums whose
** ratio matters but which are themselves near the ends of the range. */
double bce_sum_value_scaled(bce_sum *s, int k);

/* s += t */
void bce_sum_merge(bce_sum *s, const bce_sum *t);

static inline void bce_sum_clear(bce_sum *s){
  memset(s, 0, sizeof(*s));
}

/* s += x (sign = +1) or s -= x (sign = -1), x finite. */
static inline void bce_sum_add(bce_sum *s, double x, int sign){
  uint64_t bits, m, lo, hi;
  int biased, pos, sh;
  int64_t *d;
  memcpy(&bits, &x, sizeof bits);
  biased = (int)((bits >> 52) & 0x7ff);
  m = bits & ((UINT64_C(1) << 52) - 1);
  if( biased ) m |= UINT64_C(1) << 52;
  if( m==0 ) return;
  /* x = m * 2^(pos-1074) */
  pos = biased ? biased - 1 : 0;
  d = s->limb + (pos >> 5);
  sh = pos & 31;
  lo = (m & 0xffffffffu) << sh;     /* < 2^64 */
  hi = (m >> 32) << sh;             /* < 2^53 */
  if( (bits >> 63) ) sign = -sign;
  if( sign>0 ){
    d[0] += (int64_t)(lo & 0xffffffffu);
    d[1] += (int64_t)((lo >> 32) + (hi & 0xffffffffu));
    d[2] += (int64_t)(hi >> 32);
  }else{
    d[0] -= (int64_t)(lo & 0xffffffffu);
    d[1] -= (int64_t)((lo >> 32) + (hi & 0xffffffffu));
    d[2] -= (int64_t)(hi >> 32);
  }
  if( ++s->pending>=BCE_SUM_FLUSH ) bce_sum_normalize(s);
}

#endif
