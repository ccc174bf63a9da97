/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "bits.h"
#include "decimal.h"

#define IS_DIGIT(c) ((c)>='0' && (c)<='9')

/* 10^k, exact as doubles up to 10^22 (Clinger's bound); 10^23..10^27 are
** rounded and only used for an estimate. */
static const double pow10_double[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
  1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25,
  1e26, 1e27
};

/* 5^k < 2^63 for k <= 27 */
static const uint64_t pow5[] = {
  UINT64_C(1), UINT64_C(5), UINT64_C(25), UINT64_C(125), UINT64_C(625),
  UINT64_C(3125), UINT64_C(15625), UINT64_C(78125), UINT64_C(390625),
  UINT64_C(1953125), UINT64_C(9765625), UINT64_C(48828125),
  UINT64_C(244140625), UINT64_C(1220703125), UINT64_C(6103515625),
  UINT64_C(30517578125), UINT64_C(152587890625), UINT64_C(762939453125),
  UINT64_C(3814697265625), UINT64_C(19073486328125),
  UINT64_C(95367431640625), UINT64_C(476837158203125),
  UINT64_C(2384185791015625), UINT64_C(11920928955078125),
  UINT64_C(59604644775390625), UINT64_C(298023223876953125),
  UINT64_C(1490116119384765625), UINT64_C(7450580596923828125)
};

/* ---------------------------------------------------- eight digits */

/* Whether z[0..8) are eight digits, and their value: one load and a few
** multiplications where the digit loop takes eight rounds (SWAR, in its
** well-known little-endian form, so only on little-endian targets).  The
** fraction of a probability ("0.144379605638824") is most of a JSON row's
** bytes (what it saves: docs/performance.md). */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) \
    && __BYTE_ORDER__==__ORDER_LITTLE_ENDIAN__
# define HAVE_EIGHT_DIGITS 1
static int eight_digits(const char *z, uint64_t *value){
  uint64_t v;
  memcpy(&v, z, sizeof v);
  /* every byte 0x30..0x39: high nibble 3, and adding 6 keeps it 3 */
  if( ((v & UINT64_C(0xF0F0F0F0F0F0F0F0))
       | (((v + UINT64_C(0x0606060606060606)) & UINT64_C(0xF0F0F0F0F0F0F0F0))
          >> 4))!=UINT64_C(0x3333333333333333) ){
    return 0;
  }
  v -= UINT64_C(0x3030303030303030);
  v = v*10 + (v >> 8);                      /* pairs: 10a + b in each */
  v = ((v & UINT64_C(0x000000FF000000FF))*(100 + (UINT64_C(1000000) << 32))
       + ((v >> 16) & UINT64_C(0x000000FF000000FF))
         *(1 + (UINT64_C(10000) << 32))) >> 32;
  *value = v;
  return 1;
}

/* The same for four */
static int four_digits(const char *z, uint64_t *value){
  uint32_t v;
  memcpy(&v, z, sizeof v);
  if( ((v & 0xF0F0F0F0u) | (((v + 0x06060606u) & 0xF0F0F0F0u) >> 4))
      !=0x33333333u ){
    return 0;
  }
  v -= 0x30303030u;
  v = v*10 + (v >> 8);
  *value = (v & 0xFFu)*100 + ((v >> 16) & 0xFFu);
  return 1;
}
#else
# define HAVE_EIGHT_DIGITS 0
static int eight_digits(const char *z, uint64_t *value){
  (void)z;
  (void)value;
  return 0;
}
static int four_digits(const char *z, uint64_t *value){
  (void)z;
  (void)value;
  return 0;
}
#endif

/* ------------------------------------------------ 128-bit comparisons */

typedef struct u128 { uint64_t hi, lo; } u128;

static u128 mul64(uint64_t a, uint64_t b){
  uint64_t a0 = a & 0xffffffffu, a1 = a >> 32;
  uint64_t b0 = b & 0xffffffffu, b1 = b >> 32;
  uint64_t p00 = a0*b0, p01 = a0*b1, p10 = a1*b0, p11 = a1*b1;
  uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
  u128 r;
  r.lo = (mid << 32) | (p00 & 0xffffffffu);
  r.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return r;
}

static int bitlen(u128 a){
  return a.hi ? 64 + bce_bit_length(a.hi) : bce_bit_length(a.lo);
}

static u128 shl(u128 a, int s){      /* 0 <= s < 128, no bit lost */
  u128 r;
  if( s==0 ) return a;
  if( s>=64 ){
    r.hi = a.lo << (s - 64);
    r.lo = 0;
  }else{
    r.hi = (a.hi << s) | (a.lo >> (64 - s));
    r.lo = a.lo << s;
  }
  return r;
}

/* sign of a*2^s - b, for a, b > 0 */
static int cmp_scaled(u128 a, int s, u128 b){
  int la = bitlen(a) + s, lb = bitlen(b);
  if( la!=lb ) return la<lb ? -1 : 1;
  if( s>=0 ) a = shl(a, s); else b = shl(b, -s);
  if( a.hi!=b.hi ) return a.hi<b.hi ? -1 : 1;
  if( a.lo!=b.lo ) return a.lo<b.lo ? -1 : 1;
  return 0;
}

/* sign of w*10^e - m*2^k, w < 2^64, |e| <= 27, m < 2^55 */
static int cmp_decimal(uint64_t w, int e, uint64_t m, int k){
  u128 one = {0, 0};
  if( e>=0 ){
    one.lo = m;
    return cmp_scaled(mul64(w, pow5[e]), e - k, one);
  }
  one.lo = w;
  return cmp_scaled(one, e - k, mul64(m, pow5[-e]));
}

/* The double nearest w*10^e, from an estimate x within a few ulp of it;
** all values here (1e-27 .. 2e46) are normal. */
static double correct(uint64_t w, int e, double est){
  uint64_t bits;
  bits = bce_bits(est);
  for(;;){
    /* x = m*2^k; the neighbours are bits -+ 1 */
    uint64_t m = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    int k = (int)(bits >> 52) - 1075;
    int c = cmp_decimal(w, e, 2*m + 1, k - 1);          /* upper midpoint */
    if( c>0 || (c==0 && (m & 1)) ){ bits++; if( c>0 ) continue; break; }
    if( c==0 ) break;
    c = m==(UINT64_C(1) << 52) ? cmp_decimal(w, e, 4*m - 1, k - 2)
                               : cmp_decimal(w, e, 2*m - 1, k - 1);
    if( c<0 || (c==0 && (m & 1)) ){ bits--; if( c<0 ) continue; }
    break;
  }
  return bce_from_bits(bits);
}

/* ------------------------------------------- exact decimal arithmetic */

#define DEC_DIGITS 800
#define MAX_SHIFT 60            /* 9 << 60 and the carry fit in 64 bits */

typedef struct decimal {
  unsigned char d[DEC_DIGITS];  /* digits 0-9, most significant first */
  int nd;                       /* digits used */
  int dp;                       /* value = 0.d[0]d[1]... * 10^dp */
  int trunc;                    /* nonzero digits were dropped past d[] */
} decimal;

/* Every decimal here has a nonzero digit: slow_path() reads none as 0
** before it makes one, and no shift loses the leading digits.  So trim()
** never empties it, and right_shift() never runs out of value. */
static void trim(decimal *a){
  while( BCE_ALWAYS(a->nd>0) && a->d[a->nd-1]==0 ) a->nd--;
  if( BCE_NEVER(a->nd==0) ) a->dp = 0;
}

static void right_shift(decimal *a, int k){
  int r = 0, w = 0;
  uint64_t n = 0, mask = (UINT64_C(1) << k) - 1;
  for(; (n >> k)==0; r++){
    if( r>=a->nd ){
      if( BCE_NEVER(n==0) ){ a->nd = 0; return; }     /* see trim() */
      while( (n >> k)==0 ){ n *= 10; r++; }
      break;
    }
    n = n*10 + a->d[r];
  }
  a->dp -= r - 1;
  for(; r<a->nd; r++){
    uint64_t c = a->d[r];
    a->d[w++] = (unsigned char)(n >> k);
    n = (n & mask)*10 + c;
  }
  while( n>0 ){
    uint64_t dig = n >> k;
    n &= mask;
    if( w<DEC_DIGITS ){
      a->d[w++] = (unsigned char)dig;
    }else if( dig>0 ){
      a->trunc = 1;
    }
    n *= 10;
  }
  a->nd = w;
  trim(a);
}

static void left_shift(decimal *a, int k){
  unsigned char t[DEC_DIGITS + 20];      /* 2^60 adds at most 19 digits */
  int w = (int)sizeof t, r, count, keep;
  uint64_t n = 0;
  for(r=a->nd-1; r>=0; r--){
    n += (uint64_t)a->d[r] << k;
    t[--w] = (unsigned char)(n % 10);
    n /= 10;
  }
  while( n>0 ){
    t[--w] = (unsigned char)(n % 10);
    n /= 10;
  }
  count = (int)sizeof t - w;
  keep = count<DEC_DIGITS ? count : DEC_DIGITS;
  for(r=keep; r<count; r++) if( t[w+r] ) a->trunc = 1;
  memcpy(a->d, t + w, (size_t)keep);
  a->dp += count - a->nd;
  a->nd = keep;
  trim(a);
}

/* k < 0 shifts right.  decimal_to_double() shifts left by 53 at most, and
** right by more than MAX_SHIFT only on the way into the subnormals. */
static void shift(decimal *a, int k){
  if( BCE_NEVER(a->nd==0) ) return;                  /* see trim() */
  for(; BCE_NEVER(k>MAX_SHIFT); k-=MAX_SHIFT) left_shift(a, MAX_SHIFT);
  for(; k< -MAX_SHIFT; k+=MAX_SHIFT) right_shift(a, MAX_SHIFT);
  if( k>0 ) left_shift(a, k);
  if( k<0 ) right_shift(a, -k);
}

/* the integer part, rounded half to even (the dropped digits break ties) */
static uint64_t rounded_integer(const decimal *a){
  uint64_t n = 0;
  int i, up;
  for(i=0; i<a->dp && i<a->nd; i++) n = n*10 + a->d[i];
  for(; i<a->dp; i++) n *= 10;
  if( a->dp<0 || a->dp>=a->nd ){
    up = 0;
  }else if( a->d[a->dp]==5 && a->dp+1==a->nd ){
    up = a->trunc || (a->dp>0 && (a->d[a->dp-1] & 1));
  }else{
    up = a->d[a->dp]>=5;
  }
  return n + (uint64_t)up;
}

/* Go's strconv (decimal.floatBits): halve or double the decimal until it
** is in [1/2, 1), then take 53 bits. */
static double decimal_to_double(decimal *a){
  static const int powtab[] = {1, 3, 6, 9, 13, 16, 19, 23, 26};
  int exp = 0;
  uint64_t mant;
  /* slow_path() has returned for these already */
  if( BCE_NEVER(a->nd==0) ) return 0.0;
  if( BCE_NEVER(a->dp>310) ) return INFINITY;
  if( BCE_NEVER(a->dp< -330) ) return 0.0;
  while( a->dp>0 ){
    int n = a->dp>=9 ? 27 : powtab[a->dp];
    shift(a, -n);
    exp += n;
  }
  /* the loop above leaves dp <= 0, and each shift here keeps the value
  ** below 1 (2^powtab[i] < 10^i), so dp is 0 whenever it is not < 0 */
  while( a->dp<0 || (BCE_ALWAYS(a->dp==0) && a->d[0]<5) ){
    int n = -a->dp>=9 ? 27 : powtab[-a->dp];
    shift(a, n);
    exp -= n;
  }
  exp--;                              /* [1/2, 1) -> [1, 2) */
  if( exp< -1022 ){                   /* subnormal: fewer bits */
    shift(a, -(-1022 - exp));
    exp = -1022;
  }
  if( exp>1023 ) return INFINITY;
  shift(a, 53);
  mant = rounded_integer(a);
  if( mant==(UINT64_C(1) << 53) ){
    mant >>= 1;
    exp++;
    if( exp>1023 ) return INFINITY;
  }
  return ldexp((double)mant, exp - 52);  /* exact, also when subnormal */
}

/* The token's digits into a decimal: value = 0.S * 10^dp, S the
** significant digits (leading zeros gone), dp = |S| - |fraction| + ex,
** ex the exponent after the 'e'. */
static double slow_path(const char *z, size_t intEnd, size_t fracEnd,
                        int64_t ex){
  decimal a;
  size_t i;
  int64_t len = 0, frac = 0, dp;
  a.nd = 0;
  a.trunc = 0;
  for(i=0; i<fracEnd; i++){
    int c = (unsigned char)z[i];
    if( !IS_DIGIT(c) ) continue;           /* '-' and '.' */
    if( i>intEnd ) frac++;
    if( len==0 && c=='0' ) continue;
    len++;
    if( a.nd<DEC_DIGITS ){
      a.d[a.nd++] = (unsigned char)(c - '0');
    }else if( c!='0' ){
      a.trunc = 1;
    }
  }
  /* parse() reads a text without a nonzero digit as 0 itself, and drops
  ** digits only after 19 significant ones */
  if( BCE_NEVER(len==0) ) return 0.0;
  dp = len - frac + ex;
  if( dp>310 ) return INFINITY;
  if( dp< -330 ) return 0.0;
  a.dp = (int)dp;
  trim(&a);
  return decimal_to_double(&a);
}

/* -------------------------------------------------------------- parse */

/* One reader, two grammars.  JSON (sql = 0): -?(0|[1-9][0-9]*)(\.[0-9]+)?
** ([eE][+-]?[0-9]+)?.  SQL (sql = 1), what SQLite's numeric affinity takes
** (its sqlite3AtoF): [+-]?[0-9]*(\.[0-9]*)?([eE][+-]?[0-9]+)? with at least
** one digit before the exponent, leading zeros allowed ("+.5", "5.",
** "007"). */
static size_t parse(const char *z, size_t n, double *x, size_t *bad,
                    int sql){
  size_t i = 0, intEnd, fracEnd;
  uint64_t w = 0;
  int nsig = 0, dropped = 0, neg = 0, digits = 0;
  int64_t e = 0, ex = 0;
  double v;
  if( i<n && z[i]=='-' ){
    neg = 1;
    i++;
  }else if( sql && i<n && z[i]=='+' ){
    i++;
  }
  if( sql ){
    if( i>=n || !(IS_DIGIT(z[i]) || z[i]=='.') ){ *bad = i; return 0; }
  }else if( i>=n || !IS_DIGIT(z[i]) ){
    *bad = i;
    return 0;
  }
  if( !sql && z[i]=='0' ){
    i++;
    digits = 1;
  }else{
    for(; i<n && IS_DIGIT(z[i]); i++){
      digits = 1;
      if( w==0 && z[i]=='0' ) continue;       /* a leading zero (SQL) */
      if( nsig<19 ){
        w = w*10 + (uint64_t)(z[i] - '0');
        nsig++;
      }else{
        dropped |= z[i]!='0';
        e++;
      }
    }
  }
  intEnd = i;
  if( i<n && z[i]=='.' ){
    size_t first;
    i++;
    if( !sql && (i>=n || !IS_DIGIT(z[i])) ){ *bad = i; return 0; }
    first = i;
    /* three loops, so that the digits of a probability (0.1443796056388)
    ** take one test each: leading zeros, the significant digits, the
    ** digits past 19 */
    if( w==0 ){
      for(; i<n && z[i]=='0'; i++) e--;
    }
    if( HAVE_EIGHT_DIGITS ){
      uint64_t eight;
      while( nsig<=11 && n - i>=8 && eight_digits(z + i, &eight) ){
        w = w*100000000 + eight;
        nsig += 8;
        e -= 8;
        i += 8;
      }
      if( nsig<=15 && n - i>=4 && four_digits(z + i, &eight) ){
        w = w*10000 + eight;
        nsig += 4;
        e -= 4;
        i += 4;
      }
    }
    for(; i<n && IS_DIGIT(z[i]) && nsig<19; i++){
      w = w*10 + (uint64_t)(z[i] - '0');
      nsig++;
      e--;
    }
    for(; i<n && IS_DIGIT(z[i]); i++) dropped |= z[i]!='0';
    if( i>first ) digits = 1;
  }
  if( !digits ){ *bad = i; return 0; }      /* "." or "+." (SQL) */
  fracEnd = i;
  if( i<n && (z[i]=='e' || z[i]=='E') ){
    int eneg = 0;
    i++;
    if( i<n && (z[i]=='+' || z[i]=='-') ){ eneg = z[i]=='-'; i++; }
    if( i>=n || !IS_DIGIT(z[i]) ){ *bad = i; return 0; }
    for(; i<n && IS_DIGIT(z[i]); i++){
      /* saturate far beyond any count of digits a text can hold */
      if( ex<INT64_C(10000000000) ) ex = ex*10 + (z[i] - '0');
    }
    if( eneg ) ex = -ex;
    e += ex;
  }
  /* digits are dropped only after 19 significant ones, so w > 0 then */
  if( w==0 && BCE_ALWAYS(!dropped) ){
    v = 0.0;
  }else if( !dropped && w<=(UINT64_C(1) << 53) && e>=-22 && e<=22 ){
    v = e<0 ? (double)w/pow10_double[-e] : (double)w*pow10_double[e];
  }else if( !dropped && e>=-27 && e<=27 ){
    double est = e<0 ? (double)w/pow10_double[-e]
                     : (double)w*pow10_double[e];
    v = correct(w, (int)e, est);
  }else{
    v = slow_path(z, intEnd, fracEnd, ex);
  }
  *x = neg ? -v : v;
  return i;
}

BCE_PRIVATE size_t bce_decimal_parse(const char *z, size_t n, double *x,
                                     size_t *bad){
  return parse(z, n, x, bad, 0);
}

/* SQLite's white space (sqlite3Isspace): space, \t, \n, \v, \f, \r */
#define IS_SQL_SPACE(c) ((c)==' ' || ((c)>='\t' && (c)<='\r'))

BCE_PRIVATE int bce_decimal_parse_sql(const char *z, size_t n, double *x){
  size_t i = 0, len, bad;
  while( i<n && IS_SQL_SPACE(z[i]) ) i++;
  len = parse(z + i, n - i, x, &bad, 1);
  if( len==0 ) return 0;
  for(i+=len; i<n && IS_SQL_SPACE(z[i]); i++){}
  return i==n;
}

/* Case-insensitive, on ASCII letters only: no locale. */
static int same_word(const char *z, size_t n, const char *w){
  size_t i;
  if( strlen(w)!=n ) return 0;
  for(i=0; i<n; i++){
    char c = z[i];
    if( c>='A' && c<='Z' ) c = (char)(c - 'A' + 'a');
    if( c!=w[i] ) return 0;
  }
  return 1;
}

BCE_PRIVATE int bce_decimal_parse_infinity(const char *z, size_t n,
                                           double *x){
  size_t i = 0;
  int negative = 0;
  while( i<n && IS_SQL_SPACE(z[i]) ) i++;
  while( n>i && IS_SQL_SPACE(z[n-1]) ) n--;
  if( i<n && (z[i]=='+' || z[i]=='-') ) negative = z[i++]=='-';
  if( !same_word(z + i, n - i, "inf") && !same_word(z + i, n - i, "infinity") ){
    return 0;
  }
  *x = negative ? -INFINITY : INFINITY;
  return 1;
}

/* ------------------------------------------------------------- format */

/* The shortest decimal that rounds to x has at most 17 digits.  For a
** normal x, if one of at most 15 digits does, it is the 15-digit rounding
** of x with its trailing zeros gone (the doubles near x are closer
** together than 15-digit decimals): %.15g finds it, and only longer ones
** need more tries.  A subnormal has fewer bits, so shorter decimals may
** do: those try every length. */
BCE_PRIVATE int bce_decimal_format(char *buf, double x){
  int prec = fabs(x)<0x1p-1022 ? 1 : 15;
  for(; BCE_ALWAYS(prec<=17); prec++){       /* it returns at 17 */
    char raw[40];
    double back;
    size_t bad, read;
    int i, n = 0, point = 0;
    snprintf(raw, sizeof raw, "%.*g", prec, x);
    /* printf writes the locale's decimal point, which may be "," or even
    ** several bytes: everything that is not a digit, sign or 'e' is it */
    for(i=0; raw[i]; i++){
      char c = raw[i];
      if( IS_DIGIT(c) || c=='-' || c=='+' || c=='e' ){
        buf[n++] = c;
        point = 0;
      }else if( !point ){
        buf[n++] = '.';
        point = 1;
      }
    }
    buf[n] = 0;
    if( prec==17 ) return n;
    /* printf's %g, its point made '.', is a number to its end */
    read = bce_decimal_parse(buf, (size_t)n, &back, &bad);
    if( BCE_ALWAYS(read==(size_t)n) && back==x ){
      return n;
    }
  }
  return 0;   /* not reached */
}
