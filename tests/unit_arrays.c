/* SPDX-License-Identifier: MIT */
/*
** Unit tests of the JSON-array half of src/ (no SQLite): src/decimal.c,
** src/json_array.c, src/arrays.c, and bce_sum_div().  Expected values come
** from tests/ref/arrays_ref.h (Python's float() and repr(), mpmath; made by
** tests/gen_ref.py), from the C library's strtod() (correctly rounded in
** glibc, and an implementation independent of src/decimal.c), or are
** written out by hand below.  Prints one "ok|name" or "FAIL|name|..." line
** per check, as tests/unit_core.c does.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "../src/decimal.h"
#include "../src/exact_sum.h"
#include "../src/json_array.h"
#include "../src/logits.h"
#include "../src/loss.h"
#include "../src/arrays.h"
#include "ref/arrays_ref.h"
#include "xorshift.h"

#define COUNT(a) (sizeof(a)/sizeof((a)[0]))

static int failures;

static void report(int ok, const char *name, const char *why){
  if( ok ){
    printf("ok|%s\n", name);
  }else{
    failures++;
    printf("FAIL|%s|%s\n", name, why);
  }
}

/* How many random cases a random test runs: n, or fewer when
** BCE_UNIT_RANDOM says so (make check's valgrind lane: the same code at a
** tenth of the count, since valgrind runs these loops 40 times slower). */
static int random_cases(int n){
  const char *z = getenv("BCE_UNIT_RANDOM");
  int m = z ? atoi(z) : 0;
  return m>0 && m<n ? m : n;
}

static int same_bits(double a, double b){
  return memcmp(&a, &b, sizeof a)==0;
}

static double ulps(double got, double want){
  int e;
  if( got==want ) return 0.0;
  if( isinf(got) || isinf(want) || isnan(got) ) return INFINITY;
  frexp(want, &e);
  e = e-1 < -1022 ? -1022 : e-1;
  return fabs(got - want)/ldexp(1.0, e - 52);
}

static uint64_t rng_state = 0x2545f4914f6cdd1du;
static uint64_t rng(void){
  return xorshift64(&rng_state);
}

/* ------------------------------------------------------------ decimal */

static void test_decimal_reference(void){
  size_t i;
  for(i=0; i<COUNT(ref_decimal); i++){
    const char *t = ref_decimal[i].text;
    char name[600], why[120];
    double x = -1.0;
    size_t bad = 0, n = bce_decimal_parse(t, strlen(t), &x, &bad);
    snprintf(name, sizeof name, "decimal: '%.60s%s' reads as Python's float()",
             t, strlen(t)>60 ? "..." : "");
    snprintf(why, sizeof why, "read %zu of %zu bytes, got %a want %a",
             n, strlen(t), x, ref_decimal[i].want);
    report(n==strlen(t) && same_bits(x, ref_decimal[i].want), name, why);
  }
}

/* A random decimal text of one of several shapes into buf. */
static int random_decimal(char *buf){
  int kind = (int)(rng() % 6), len = 0, j;
  double d;
  uint64_t u;
  switch( kind ){
    case 0:                      /* any double, 17 digits */
    case 1:                      /* any double, 1 to 17 digits */
      do{ u = rng(); memcpy(&d, &u, sizeof d); }while( !isfinite(d) );
      return sprintf(buf, "%.*g", kind==0 ? 17 : (int)(1 + rng() % 17), d);
    case 2:                      /* a probability, 1 to 20 digits */
      d = (double)(rng() >> 11)/9007199254740992.0;
      return sprintf(buf, "%.*g", (int)(1 + rng() % 20), d);
    default:                     /* digit strings, long ones, many zeros */
      if( rng() & 1 ) buf[len++] = '-';
      if( rng() % 4==0 ){
        buf[len++] = '0';
      }else{
        buf[len++] = (char)('1' + rng() % 9);
        for(j=(int)(rng() % 5); j>0; j--) buf[len++] = (char)('0' + rng() % 10);
      }
      buf[len++] = '.';
      for(j=1+(int)(rng() % (kind==5 ? 60 : 25)); j>0; j--){
        buf[len++] = (kind==4 && rng() % 3) ? '0' : (char)('0' + rng() % 10);
      }
      if( rng() & 1 ) len += sprintf(buf + len, "e%d", (int)(rng() % 700) - 350);
      buf[len] = 0;
      return len;
  }
}

static void test_decimal_random(void){
  char buf[200];
  int i, bad = 0;
  char first[300] = "";
  char name[80];
  int n_cases = random_cases(100000);
  for(i=0; i<n_cases; i++){
    int len = random_decimal(buf);
    double x = 0, want = strtod(buf, 0);
    size_t b, n = bce_decimal_parse(buf, (size_t)len, &x, &b);
    if( n!=(size_t)len || !same_bits(x, want) ){
      if( !bad++ ) snprintf(first, sizeof first, "'%s': got %a want %a",
                            buf, x, want);
    }
  }
  snprintf(name, sizeof name, "decimal: %d random texts read as strtod() "
           "reads them", n_cases);
  report(bad==0, name, first);
}

static void test_decimal_grammar(void){
  static const struct { const char *text; size_t len, bad; } cases[] = {
    {"-", 0, 1}, {".5", 0, 0}, {"+1", 0, 0}, {"1.", 0, 2}, {"1.e5", 0, 2},
    {"1e", 0, 2}, {"1e+", 0, 3}, {"-a", 0, 1}, {"NaN", 0, 0},
    {"Infinity", 0, 0}, {"", 0, 0}, {"0x10", 1, 0}, {"01", 1, 0},
    {"1.5abc", 3, 0}, {"2e3,", 3, 0}, {"-0.0e-0]", 7, 0}, {"1E+2", 4, 0},
  };
  size_t i;
  for(i=0; i<COUNT(cases); i++){
    char name[96], why[96];
    double x;
    size_t bad = 99, n = bce_decimal_parse(cases[i].text,
                                           strlen(cases[i].text), &x, &bad);
    snprintf(name, sizeof name, "decimal grammar: '%s' is %zu bytes of "
             "number", cases[i].text, cases[i].len);
    snprintf(why, sizeof why, "got %zu (bad at %zu)", n, bad);
    report(n==cases[i].len && (n>0 || bad==cases[i].bad), name, why);
  }
}

/* Rule 3's grammar, SQLite's numeric affinity (sqlite3AtoF): white space
** around, '+', no digit before or after the point, leading zeros, 'E'. */
static void test_decimal_sql(void){
  static const struct { const char *text; size_t len; int ok; double x; } cases[] = {
    {"0.5", 3, 1, 0.5}, {" +.5 ", 5, 1, 0.5}, {"5.", 2, 1, 5.0},
    {"007", 3, 1, 7.0}, {"1E3", 3, 1, 1000.0}, {"\t-2.5e-1\n", 9, 1, -0.25},
    {"\v1\f", 3, 1, 1.0}, {"\r1.e2", 5, 1, 100.0}, {"-0", 2, 1, -0.0},
    {"000.000", 7, 1, 0.0}, {"1e999", 5, 1, INFINITY}, {"1e-999", 6, 1, 0.0},
    {".", 1, 0, 0}, {"+", 1, 0, 0}, {"", 0, 0, 0}, {" ", 1, 0, 0},
    {"1e", 2, 0, 0}, {"1e+", 3, 0, 0}, {".e1", 3, 0, 0}, {"+-1", 3, 0, 0},
    {"0x10", 4, 0, 0}, {"1 2", 3, 0, 0}, {"inf", 3, 0, 0}, {"NaN", 3, 0, 0},
    {"1\0", 2, 0, 0}, {"1_0", 3, 0, 0}, {"1,5", 3, 0, 0}, {"\x1c" "1", 2, 0, 0},
  };
  size_t i;
  for(i=0; i<COUNT(cases); i++){
    char name[96], why[96];
    double x = 12345;
    int ok = bce_decimal_parse_sql(cases[i].text, cases[i].len, &x);
    snprintf(name, sizeof name, "decimal, SQL grammar (rule 3): case %zu is %s",
             i, cases[i].ok ? "a number" : "not a number");
    snprintf(why, sizeof why, "got %d, %a", ok, x);
    report(ok==cases[i].ok && (!ok || same_bits(x, cases[i].x)), name, why);
  }
}

/* The infinities a TEXT may spell (rule 3): "inf" or "infinity" in any
** case, a sign, SQLite's white space around; anything else is not one. */
static void test_decimal_infinity(void){
  static const struct { const char *text; size_t len; int ok; double x; } cases[] = {
    {"inf", 3, 1, INFINITY}, {"-Infinity", 9, 1, -INFINITY},
    {" \t+INF\r\n", 8, 1, INFINITY}, {"\v-iNfInItY\f", 11, 1, -INFINITY},
    {"", 0, 0, 0}, {"   ", 3, 0, 0}, {"\x01inf", 4, 0, 0}, {"inf\x01", 4, 0, 0},
    {"1nf", 3, 0, 0}, {"in", 2, 0, 0}, {"-", 1, 0, 0}, {"+ inf", 5, 0, 0},
    {"infinit", 7, 0, 0}, {"nan", 3, 0, 0},
  };
  size_t i;
  for(i=0; i<COUNT(cases); i++){
    char name[96], why[96];
    double x = 12345;
    int ok = bce_decimal_parse_infinity(cases[i].text, cases[i].len, &x);
    snprintf(name, sizeof name, "decimal, infinities (rule 3): case %zu is %s",
             i, cases[i].ok ? "an infinity" : "not one");
    snprintf(why, sizeof why, "got %d, %a", ok, x);
    report(ok==cases[i].ok && (!ok || same_bits(x, cases[i].x)), name, why);
  }
}

/* The random texts of test_decimal_random() as SQLite lets them be
** written, against strtod() of the same text (glibc's reads these forms
** too, correctly rounded). */
static void test_decimal_sql_random(void){
  static const char *const pre[] = {"", " ", "\t", "\n "};
  static const char *const post[] = {"", " ", "\r\n", "\f"};
  char buf[200], text[240];
  int i, bad = 0;
  char first[300] = "";
  for(i=0; i<100000; i++){
    const char *core = buf;
    double x = 0, want;
    int len;
    random_decimal(buf);
    if( buf[0]=='-' ) core = buf + 1;
    /* "0.5" may be ".5"; a sign may be '+'; leading zeros may come */
    if( core[0]=='0' && core[1]=='.' && (rng() & 1) ) core++;
    len = snprintf(text, sizeof text, "%s%s%s%s%s", pre[rng() & 3],
                   buf[0]=='-' ? "-" : ((rng() & 1) ? "+" : ""),
                   (rng() & 3)==0 ? "00" : "", core, post[rng() & 3]);
    want = strtod(text, 0);
    if( !bce_decimal_parse_sql(text, (size_t)len, &x) || !same_bits(x, want) ){
      if( !bad++ ) snprintf(first, sizeof first, "'%s': got %a want %a",
                            text, x, want);
    }
  }
  report(bad==0, "decimal, SQL grammar (rule 3): 100000 random texts with "
         "white space, '+', '.5' and leading zeros read as strtod() reads "
         "them", first);
}

/* The digits of a decimal text, without sign, point, exponent or the
** zeros that lead or trail. */
static int significant_digits(const char *s){
  int first = -1, last = -1, i, n = 0;
  for(i=0; s[i] && s[i]!='e'; i++){
    if( s[i]>='1' && s[i]<='9' ){
      if( first<0 ) first = n;
      last = n;
    }
    if( s[i]>='0' && s[i]<='9' ) n++;
  }
  return first<0 ? 1 : last - first + 1;
}

static void test_format(void){
  size_t i;
  int k, bad = 0, badlen = 0, n_cases = random_cases(20000);
  char buf[BCE_DECIMAL_BUF], first[200] = "", title[96];
  for(i=0; i<COUNT(ref_shortest); i++){
    char name[96], why[128];
    double back;
    int n = bce_decimal_format(buf, ref_shortest[i].x);
    back = strtod(buf, 0);
    snprintf(name, sizeof name, "format: %a in %d digits, as Python's repr()",
             ref_shortest[i].x, ref_shortest[i].digits);
    snprintf(why, sizeof why, "wrote '%s' (%d digits), reads back as %a",
             buf, significant_digits(buf), back);
    report(n==(int)strlen(buf) && same_bits(back, ref_shortest[i].x)
           && significant_digits(buf)==ref_shortest[i].digits, name, why);
  }
  /* random doubles, subnormals included: the text reads back (strtod) and
  ** no shorter %g text does (the old try-every-length search) */
  for(k=0; k<n_cases; k++){
    uint64_t u = rng();
    double x, back;
    char shortest[40];
    int d;
    if( k % 4==0 ) u &= UINT64_C(0x800fffffffffffff);   /* subnormal */
    memcpy(&x, &u, sizeof x);
    if( !isfinite(x) ) continue;
    bce_decimal_format(buf, x);
    back = strtod(buf, 0);
    if( !same_bits(back, x) ){
      if( !bad++ ) snprintf(first, sizeof first, "%a wrote '%s'", x, buf);
    }
    for(d=1; d<=17; d++){
      snprintf(shortest, sizeof shortest, "%.*g", d, x);
      if( strtod(shortest, 0)==x ) break;
    }
    if( significant_digits(buf)!=significant_digits(shortest) ){
      if( !badlen++ ) snprintf(first, sizeof first, "%a wrote '%s', '%s' is "
                               "shorter", x, buf, shortest);
    }
  }
  snprintf(title, sizeof title, "format: %d random doubles read back the "
           "same", n_cases);
  report(bad==0, title, first);
  snprintf(title, sizeof title, "format: %d random doubles in the fewest "
           "digits", n_cases);
  report(badlen==0, title, first);
  bce_decimal_format(buf, -0.0);
  report(strcmp(buf, "-0")==0, "format: -0 is '-0'", buf);
}

/* --------------------------------------------------------- json cursor */

/* Reads text to its end; describes what came out as "N N E" (numbers,
** end), "M@3" (malformed at byte 3) or "S@1+4" (not a number, bytes 1..5). */
static void describe(const char *text, char *out, double *last){
  bce_json_array a;
  size_t at, len;
  double x;
  int n = 0;
  out[0] = 0;
  bce_json_open(&a, text, strlen(text));
  for(;;){
    switch( bce_json_next(&a, &x, &at, &len) ){
      case BCE_JSON_NUMBER:
        n += sprintf(out + n, "N ");
        *last = x;
        continue;
      case BCE_JSON_END:
        sprintf(out + n, "E%lld", (long long)a.count);
        return;
      case BCE_JSON_MALFORMED:
        sprintf(out + n, "M@%zu", at);
        return;
      default:
        sprintf(out + n, "S@%zu+%zu", at, len);
        return;
    }
  }
}

static void test_json(void){
  static const struct { const char *text, *want; } cases[] = {
    {"[1,2,3]", "N N N E3"},
    {" \t\n\r[ 1 ,\n2\t, 3 ] \n", "N N N E3"},
    {"[]", "E0"}, {"  [ ]  ", "E0"},
    {"", "M@0"}, {"   ", "M@3"}, {"1", "M@0"}, {"{}", "M@0"},
    {"[", "M@1"}, {"[1", "N M@2"}, {"[1,", "N M@3"}, {"[1,]", "N M@3"},
    {"[,1]", "M@1"}, {"[1 2]", "N M@3"}, {"[1]x", "N M@3"}, {"[1] ,", "N M@4"},
    {"[01]", "N M@2"}, {"[.5]", "M@1"}, {"[+1]", "M@1"}, {"[1.]", "M@3"},
    {"[0x10]", "N M@2"}, {"[NaN]", "M@1"}, {"[Infinity]", "M@1"},
    {"[-Infinity]", "M@2"}, {"[1e5e5]", "N M@4"}, {"[tru]", "M@1"},
    {"[1,true]", "N S@3+4"}, {"[null]", "S@1+4"}, {"[false, 1]", "S@1+5"},
    {"[\"0.5\"]", "S@1+5"}, {"[\"a,]\\\"\", 1]", "S@1+7"},
    {"[[1,2]]", "S@1+5"}, {"[{\"a\": [1, \"]\"]}]", "S@1+15"},
    {"[\"abc]", "M@1"},
    /* a value is named as an element only when a ',' or ']' follows it,
    ** and its brackets match */
    {"[[1,2]", "M@6"}, {"[truex]", "M@5"}, {"[{]", "M@1"}, {"[[1}]", "M@1"},
    {"[null 1]", "M@6"}, {"[true ,1]", "S@1+4"},
    /* VT and FF only around the array, as SQLite allows around a number */
    {"\v\f[1]\f\v", "N E1"}, {"[1,\f2]", "N M@3"}, {"[\v1]", "M@1"},
    {"[1]\x01", "N M@3"},
    /* a value cut by the end of the text is no value */
    {"[tru", "M@1"}, {"[[1,2", "M@1"}, {"[\"a", "M@1"},
    {"[1,2]\0", "N N E2"},
  };
  size_t i;
  double last = 0;
  for(i=0; i<COUNT(cases); i++){
    char got[64], name[96], shown[40];
    size_t j;
    describe(cases[i].text, got, &last);
    /* white space shown as '_': a name is one line */
    for(j=0; cases[i].text[j] && j<sizeof shown - 1; j++){
      shown[j] = strchr(" \t\n\r\v\f", cases[i].text[j]) ? '_' : cases[i].text[j];
    }
    shown[j] = 0;
    snprintf(name, sizeof name, "json: '%s' -> %s", shown, cases[i].want);
    report(strcmp(got, cases[i].want)==0, name, got);
  }
  {
    /* an element nested 64 deep is matched; 65 deep, only malformed */
    char deep[160], got[64], want[32];
    int depth, k, at;
    for(depth=64; depth<=65; depth++){
      at = 0;
      deep[at++] = '[';
      for(k=0; k<depth; k++) deep[at++] = '[';
      for(k=0; k<depth; k++) deep[at++] = ']';
      deep[at++] = ']';
      deep[at] = 0;
      describe(deep, got, &last);
      if( depth==64 ){
        snprintf(want, sizeof want, "S@1+%d", 2*depth);
      }else{
        snprintf(want, sizeof want, "M@1");
      }
      snprintf(deep, sizeof deep, "json: an element nested %d deep -> %s",
               depth, want);
      report(strcmp(got, want)==0, deep, got);
    }
  }
  {
    /* the text is its length, not up to a NUL: "[0.5" of "[0.5]" is cut
    ** off after its number, and the ']' past the end is not read */
    bce_json_array a;
    size_t at = 0, len;
    double x = 0;
    int first, second;
    bce_json_open(&a, "[0.5]", 4);
    first = bce_json_next(&a, &x, &at, &len);
    second = bce_json_next(&a, &x, &at, &len);
    report(first==BCE_JSON_NUMBER && x==0.5 && second==BCE_JSON_MALFORMED
           && at==4, "json: [0.5 of [0.5] (n = 4) is malformed at 4", "");
  }
  {
    /* a number cut by the end: "[0.2" of "[0.25]" is 0.2, and then the
    ** end (make mutate: the number was read with n + i bytes, 0.25) */
    bce_json_array a;
    size_t at = 0, len;
    double x = 0, first_x;
    int first, second;
    bce_json_open(&a, "[0.25]", 4);
    first = bce_json_next(&a, &x, &at, &len);
    first_x = x;
    second = bce_json_next(&a, &x, &at, &len);
    report(first==BCE_JSON_NUMBER && first_x==0.2 && second==BCE_JSON_MALFORMED
           && at==4, "json: [0.2 of [0.25] (n = 4) is 0.2, then malformed at 4", "");
  }
  {
    /* the same right after the '[': "[" of "[]" is no empty array */
    bce_json_array a;
    size_t at = 0, len;
    double x = 0;
    bce_json_open(&a, "[]", 1);
    report(bce_json_next(&a, &x, &at, &len)==BCE_JSON_MALFORMED && at==1,
           "json: [ of [] (n = 1) is malformed at 1", "");
  }
  {
    /* after the end, the end again */
    bce_json_array a;
    size_t at, len;
    double x;
    bce_json_open(&a, "[]", 2);
    report(bce_json_next(&a, &x, &at, &len)==BCE_JSON_END
           && bce_json_next(&a, &x, &at, &len)==BCE_JSON_END,
           "json: the end, read twice, is the end", "");
  }
  {
    char got[64];
    describe("[1e999]", got, &last);
    report(last==INFINITY, "json: 1e999 reads as +Inf", got);
    describe("[-9e999]", got, &last);
    report(last==-INFINITY, "json: -9e999 (SQLite's) reads as -Inf", got);
    describe("[-0]", got, &last);
    report(same_bits(last, -0.0), "json: -0 reads as -0.0", got);
  }
}

/* ------------------------------------------------------------- arrays */

static int row_opt(const char *y, const char *p, bce_array_kind kind,
                   const bce_options *o, double *loss, bce_array_error *err){
  bce_array_pairs it;
  memset(err, 0, sizeof *err);
  bce_array_pairs_open(&it, y, strlen(y), p, strlen(p), kind);
  return bce_array_row_loss(&it, o, loss, err);
}

static int row(const char *y, const char *p, bce_array_kind kind,
               double eps, double *loss, bce_array_error *err){
  bce_options o;
  bce_options_init(&o);
  o.eps = eps;
  return row_opt(y, p, kind, &o, loss, err);
}

static void test_rows_reference(void){
  size_t i;
  for(i=0; i<COUNT(ref_rows); i++){
    double l = -1;
    bce_array_error err;
    char name[96], why[96];
    int ok = row(ref_rows[i].y, ref_rows[i].p,
                 ref_rows[i].logits ? BCE_ARRAY_LOGITS : BCE_ARRAY_PROB,
                 ref_rows[i].eps, &l, &err);
    snprintf(name, sizeof name, "row loss %d: mean of the elements within "
             "4 ulp", (int)i);
    snprintf(why, sizeof why, "status %d, got %.17g want %.17g", err.status,
             l, ref_rows[i].want);
    report(ok && ulps(l, ref_rows[i].want)<=4, name, why);
  }
}

static void test_rows_exact(void){
  double l, want;
  bce_array_error e;
  char why[96];
  /* K = 1 is the scalar loss, to the bit */
  row("[1]", "[0.4]", BCE_ARRAY_PROB, BCE_DEFAULT_EPS, &l, &e);
  want = bce_loss(1, 0.4, BCE_DEFAULT_EPS);
  report(same_bits(l, want), "row: [1], [0.4] is bce_loss(1, 0.4)", "");
  row("[0.3]", "[-710]", BCE_ARRAY_LOGITS, 0, &l, &e);
  want = bce_logits_loss(0.3, -710);
  report(same_bits(l, want), "row: [0.3], [-710] is bce_logits_loss(0.3, -710)",
         "");
  /* two equal elements: the mean is the element */
  row("[0, 0]", "[0.25, 0.25]", BCE_ARRAY_PROB, BCE_DEFAULT_EPS, &l, &e);
  report(same_bits(l, bce_loss(0, 0.25, BCE_DEFAULT_EPS)),
         "row: the mean of two equal losses is the loss", "");
  /* infinities */
  row("[1, 0]", "[0.5, 1]", BCE_ARRAY_PROB, 0.0, &l, &e);
  report(l==INFINITY, "row: eps 0, certain and wrong: +Inf", "");
  row("[1, 0]", "[1e999, -1e999]", BCE_ARRAY_LOGITS, 0, &l, &e);
  report(same_bits(l, 0.0), "row: logits at the right infinities: +0", "");
  row("[1, 1]", "[1e999, -1e999]", BCE_ARRAY_LOGITS, 0, &l, &e);
  report(l==INFINITY, "row: a logit at the wrong infinity: +Inf", "");
  /* losses near 1e308: the sum is past the double range, the mean not */
  row("[0, 0]", "[8.98846567431158e307, 1.348269851146737e308]",
      BCE_ARRAY_LOGITS, 0, &l, &e);
  snprintf(why, sizeof why, "got %.17g", l);
  report(l==ldexp(1.25, 1023),
         "row: the mean of logits 2^1023 and 1.5*2^1023 is 1.25*2^1023", why);
}

static void test_rows_errors(void){
  static const struct {
    const char *y; const char *p; bce_array_kind kind;
    bce_array_status status; int arg; long long index; double value;
    size_t at, len; long long ny, np;
    const char *name;
  } cases[] = {
    {"[1,0]", "[0.5,0.5,0.5]", BCE_ARRAY_PROB, BCE_ARRAY_LENGTH, 0,0,0,0,0, 2, 3,
     "y shorter: lengths 2 and 3"},
    {"[1,0,1,1]", "[0.5]", BCE_ARRAY_PROB, BCE_ARRAY_LENGTH, 0,0,0,0,0, 4, 1,
     "p shorter: lengths 4 and 1"},
    {"[]", "[0.5]", BCE_ARRAY_PROB, BCE_ARRAY_EMPTY, 0,0,0,0,0,0,0, "y empty"},
    {"[1]", "[ ]", BCE_ARRAY_PROB, BCE_ARRAY_EMPTY, 1,0,0,0,0,0,0, "p empty"},
    {"[1]", "[]", BCE_ARRAY_LOGITS, BCE_ARRAY_EMPTY, 1,0,0,0,0,0,0,
     "z empty"},
    {"[1,0,2]", "[0.5,0.5,0.5]", BCE_ARRAY_PROB, BCE_ARRAY_DOMAIN, 0, 2, 2.0,
     0,0,0,0, "y[2] = 2 outside [0, 1]"},
    {"[1,0]", "[0.5,-1e-300]", BCE_ARRAY_PROB, BCE_ARRAY_DOMAIN, 1, 1, -1e-300,
     0,0,0,0, "p[1] = -1e-300 outside [0, 1]"},
    {"[1,0]", "[0.5,1e999]", BCE_ARRAY_PROB, BCE_ARRAY_DOMAIN, 1, 1, INFINITY,
     0,0,0,0, "p[1] = Inf outside [0, 1]"},
    {"[1,0]", "[0.5,\"x\"]", BCE_ARRAY_PROB, BCE_ARRAY_NOT_NUMBER, 1, 1, 0,
     5, 3, 0,0, "p[1] a string"},
    {"[1,0]", "[0.5,null]", BCE_ARRAY_LOGITS, BCE_ARRAY_NOT_NUMBER, 1, 1, 0,
     5, 4, 0,0, "z[1] null stays an error (a null y is a missing label)"},
    {"[null,0]", "[null,0.5]", BCE_ARRAY_PROB, BCE_ARRAY_NOT_NUMBER, 1, 0, 0,
     1, 4, 0,0, "p[0] null under a missing label is still an error"},
    {"[null,0]", "[0.5,2]", BCE_ARRAY_PROB, BCE_ARRAY_DOMAIN, 1, 1, 2.0,
     0,0,0,0, "p[1] = 2 is checked also in a row with a missing label"},
    {"[1,null,0]", "[0.5,0.5]", BCE_ARRAY_PROB, BCE_ARRAY_LENGTH, 0,0,0,0,0,
     3, 2, "a null counts as an element: lengths 3 and 2"},
    {"[1,0]", "[0.5,0.5,0.5]", BCE_ARRAY_PROB, BCE_ARRAY_LENGTH, 0,0,0,0,0,
     2, 3, "lengths 2 and 3 with y's nulls counted"},
    {"[1,nul]", "[0.5,0.5]", BCE_ARRAY_PROB, BCE_ARRAY_MALFORMED, 0,0,0, 3,
     0,0,0, "nul is no null"},
    {"[1,0", "[0.5,0.5]", BCE_ARRAY_PROB, BCE_ARRAY_MALFORMED, 0,0,0, 4, 0,0,0,
     "y unterminated"},
    {"[1]", "[0.5 0.5]", BCE_ARRAY_PROB, BCE_ARRAY_MALFORMED, 1,0,0, 5, 0,0,0,
     "p missing a comma"},
    {"[1,0]", "[0.5,0.5,oops]", BCE_ARRAY_PROB, BCE_ARRAY_MALFORMED, 1,0,0, 9,
     0,0,0, "the longer p malformed while counting"},
    {"[1,0,1]", "[0.5,0.5,0.5]", BCE_ARRAY_LOGITS, BCE_ARRAY_OK, 0,0,0,0,0,0,0,
     "logits take any z"},
  };
  size_t i;
  for(i=0; i<COUNT(cases); i++){
    double l;
    bce_array_error e;
    char name[128], why[160];
    int ok = row(cases[i].y, cases[i].p, cases[i].kind,
                 BCE_DEFAULT_EPS, &l, &e);
    int good = cases[i].status==BCE_ARRAY_OK ? ok : !ok
      && e.status==cases[i].status && e.arg==cases[i].arg;
    if( good && !ok ){
      switch( e.status ){
        case BCE_ARRAY_LENGTH:
          good = e.ny==cases[i].ny && e.np==cases[i].np;
          break;
        case BCE_ARRAY_DOMAIN:
          good = e.index==cases[i].index && same_bits(e.value, cases[i].value);
          break;
        case BCE_ARRAY_NOT_NUMBER:
          good = e.index==cases[i].index && e.at==cases[i].at
                 && e.len==cases[i].len;
          break;
        case BCE_ARRAY_MALFORMED:
          good = e.at==cases[i].at;
          break;
        default:
          break;
      }
    }
    snprintf(name, sizeof name, "row error: %s", cases[i].name);
    snprintf(why, sizeof why, "ok %d status %d arg %d index %lld value %g "
             "at %zu len %zu ny %lld np %lld", ok, e.status, e.arg,
             (long long)e.index, e.value, e.at, e.len, (long long)e.ny,
             (long long)e.np);
    report(good, name, why);
  }
}

/* Missing labels (issue 21): a JSON null in y skips its element; the row
** is the mean over the labelled ones; none labelled returns 2.  Per-element
** pos_weight: one per element, else an error naming both lengths. */
static void test_rows_missing_labels(void){
  bce_options o;
  bce_array_error e;
  double l = -1, want;
  char why[160];
  int r;
  static const double pw[3] = {2.0, 1.0, 0.5};
  /* the mean of the two labelled elements: (-ln 0.4 - ln 0.75) / 2 */
  r = row("[1, null, 0]", "[0.4, 0.9, 0.25]", BCE_ARRAY_PROB, BCE_DEFAULT_EPS,
          &l, &e);
  want = (bce_loss(1, 0.4, BCE_DEFAULT_EPS) + bce_loss(0, 0.25, BCE_DEFAULT_EPS))
         /2.0;
  snprintf(why, sizeof why, "r %d got %.17g want %.17g", r, l, want);
  report(r==1 && ulps(l, want)<=1, "missing label: [1, null, 0] is the mean of "
         "elements 0 and 2", why);
  r = row("[null, 1]", "[0.5, 0.4]", BCE_ARRAY_LOGITS, 0, &l, &e);
  report(r==1 && same_bits(l, bce_logits_loss(1, 0.4)),
         "missing label: one labelled element is its loss, to the bit", "");
  r = row("[null, null]", "[0.5, 0.4]", BCE_ARRAY_PROB, BCE_DEFAULT_EPS, &l, &e);
  report(r==2, "missing label: no labelled element returns 2 (a NULL row)", "");
  r = row("[ null ]", "[0]", BCE_ARRAY_PROB, 0, &l, &e);
  report(r==2, "missing label: [ null ] over p = 0 with eps 0 (its +Inf is "
         "not in a row skipped)", "");
  /* JSONB [1, null]: 0x3B (an array of 3 bytes), 0x13 '1' (INT "1"), 0x00
  ** (NULL) */
  {
    static const char yb[] = {0x3B, 0x13, '1', 0x00};
    bce_array_pairs it;
    bce_options_init(&o);
    memset(&e, 0, sizeof e);
    bce_array_pairs_open(&it, yb, sizeof yb, "[0.4, 0.3]", 10, BCE_ARRAY_PROB);
    bce_json_open_jsonb(&it.y, yb, sizeof yb);
    r = bce_array_row_loss(&it, &o, &l, &e);
    snprintf(why, sizeof why, "r %d status %d got %.17g", r, e.status, l);
    report(r==1 && same_bits(l, bce_loss(1, 0.4, BCE_DEFAULT_EPS)),
           "missing label: a JSONB null in y is skipped", why);
  }
  /* per-element pos_weight: 2*(-ln 0.4), skipped, 0.5 * ... y = 0: no pw */
  bce_options_init(&o);
  o.keys = BCE_OPT_POS_WEIGHT;
  o.pos_weights = pw;
  o.n_pos_weights = 3;
  r = row_opt("[1, null, 1]", "[0.4, 0.9, 0.25]", BCE_ARRAY_PROB, &o, &l, &e);
  want = (2.0*-log(0.4) + 0.5*-log(0.25))/2.0;
  snprintf(why, sizeof why, "r %d got %.17g want %.17g", r, l, want);
  report(r==1 && ulps(l, want)<=2, "pos_weight [2, 1, 0.5]: each element its "
         "own weight", why);
  r = row_opt("[1, 0]", "[0.4, 0.9]", BCE_ARRAY_PROB, &o, &l, &e);
  snprintf(why, sizeof why, "r %d status %d ny %lld np %lld", r, e.status,
           (long long)e.ny, (long long)e.np);
  report(r==0 && e.status==BCE_ARRAY_OPTION_LENGTH
         && e.first==BCE_OPT_POS_WEIGHT && e.ny==3 && e.np==2,
         "pos_weight of 3 for a row of 2: the error names both lengths", why);
  r = row_opt("[1, 0, 1, 1]", "[0.4, 0.9, 0.5, 0.5]", BCE_ARRAY_LOGITS, &o, &l,
              &e);
  report(r==0 && e.status==BCE_ARRAY_OPTION_LENGTH
         && e.first==BCE_OPT_POS_WEIGHT && e.ny==3 && e.np==4,
         "pos_weight of 3 for a row of 4: the error names both lengths", why);
  /* a scalar option applies to every element: smoothing 0.2 */
  bce_options_init(&o);
  o.keys = BCE_OPT_SMOOTHING;
  o.smoothing = 0.2;
  r = row_opt("[1, null]", "[0.7, 0.1]", BCE_ARRAY_PROB, &o, &l, &e);
  want = -(0.9*log(0.7) + 0.1*log(0.3));
  snprintf(why, sizeof why, "r %d got %.17g want %.17g", r, l, want);
  report(r==1 && ulps(l, want)<=4, "smoothing 0.2 on the labelled element",
         why);
  /* the gradient of an element, with its own pos_weight: (pw y' (1-q) ...) */
  bce_options_init(&o);
  o.keys = BCE_OPT_POS_WEIGHT;
  o.pos_weights = pw;
  o.n_pos_weights = 3;
  want = -2.0/0.4/4.0;                  /* -pw/q / n for y = 1, element 0 */
  l = bce_array_element_grad(BCE_ARRAY_PROB, 1.0, 0.4, 4.0, 0, &o);
  snprintf(why, sizeof why, "got %.17g want %.17g", l, want);
  report(ulps(l, want)<=1, "element gradient takes its own pos_weight", why);
}

/* A long row: the cursor is linear, and the mean of n equal losses is the
** loss (the exact sum of n copies, divided by n, rounds to it). */
static void test_long_row(void){
  int n = 200000, i;
  size_t len = 0;
  char *y = malloc((size_t)n*2 + 2), *p = malloc((size_t)n*9 + 2);
  double l = 0;
  bce_array_error e;
  y[len] = '[';
  for(i=0; i<n; i++){ y[++len] = '1'; y[++len] = i<n-1 ? ',' : ']'; }
  y[++len] = 0;
  len = 0;
  p[len++] = '[';
  for(i=0; i<n; i++) len += (size_t)sprintf(p + len, "0.%06d,", 123457);
  p[len-1] = ']';
  p[len] = 0;
  row(y, p, BCE_ARRAY_PROB, BCE_DEFAULT_EPS, &l, &e);
  report(same_bits(l, bce_loss(1, 0.123457, BCE_DEFAULT_EPS)),
         "row of 200000 equal elements: the mean is the element's loss", "");
  free(y);
  free(p);
}

/* An empty p is BCE_ARRAY_EMPTY whatever *p held before the call:
** bce_array_pairs_next() writes *p only for a pair (src/arrays.h), so a
** test of the previous *p there would read the caller's value (issue 27:
** make mutate's survivor rp >= 0 of src/arrays.c, which SQL reaches only
** through an uninitialised p); an empty y is reported before p. */
static void test_empty_p_whatever_p_held(void){
  bce_array_pairs it;
  bce_array_error e;
  double y = 0.25, p = 2.0;
  int r;
  memset(&e, 0, sizeof e);
  bce_array_pairs_open(&it, "[0.5]", 5, "[]", 2, BCE_ARRAY_PROB);
  r = bce_array_pairs_next(&it, &y, &p, &e);
  report(r==-1 && e.status==BCE_ARRAY_EMPTY && e.arg==1,
         "arrays: '[0.5]', '[]' is p empty, with *p = 2 before the call",
         "not BCE_ARRAY_EMPTY of arg 1");
  memset(&e, 0, sizeof e);
  p = -1.0;
  bce_array_pairs_open(&it, "[]", 2, "[]", 2, BCE_ARRAY_PROB);
  r = bce_array_pairs_next(&it, &y, &p, &e);
  report(r==-1 && e.status==BCE_ARRAY_EMPTY && e.arg==0,
         "arrays: '[]', '[]' is y empty, with *p = -1 before the call",
         "not BCE_ARRAY_EMPTY of arg 0");
}

static void test_sum_div(void){
  bce_sum s;
  bce_sum_clear(&s);
  bce_sum_add(&s, 0.1, +1);
  bce_sum_add(&s, 0.7, +1);
  report(same_bits(bce_sum_div(&s, 3.0), (0.1 + 0.7)/3.0),
         "sum_div: in range it is value/n", "");
  bce_sum_clear(&s);
  bce_sum_add(&s, ldexp(1.0, 1023), +1);
  bce_sum_add(&s, ldexp(1.5, 1023), +1);
  bce_sum_add(&s, ldexp(1.25, 1023), +1);
  report(bce_sum_div(&s, 3.0)==ldexp(1.25, 1023),
         "sum_div: (1 + 1.5 + 1.25) * 2^1023 / 3 = 1.25 * 2^1023", "");
  report(bce_sum_div(&s, 0.5)==INFINITY,
         "sum_div: a quotient past the range is +Inf", "");
}

int main(void){
  test_decimal_reference();
  test_decimal_random();
  test_decimal_grammar();
  test_decimal_sql();
  test_decimal_infinity();
  test_decimal_sql_random();
  test_format();
  test_json();
  test_rows_reference();
  test_rows_exact();
  test_rows_errors();
  test_rows_missing_labels();
  test_long_row();
  test_sum_div();
  test_empty_p_whatever_p_held();
  return failures!=0;
}
