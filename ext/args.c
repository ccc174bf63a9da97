/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "registry.h"
#include "../src/decimal.h"
#include "../src/json_array.h"

#define MAX_QUOTED_TEXT 40

BCE_PRIVATE const bce_param bce_params_prob[4] = {
  {"y", BCE_UNIT}, {"p", BCE_PROB}, {"w", BCE_WEIGHT}, {"eps", BCE_EPS}
};
BCE_PRIVATE const bce_param bce_params_logits[3] = {
  {"y", BCE_UNIT}, {"z", BCE_LOGIT}, {"w", BCE_WEIGHT}
};
BCE_PRIVATE const bce_param bce_params_grad[4] = {
  {"y", BCE_UNIT}, {"p", BCE_PROB}, {"n", BCE_COUNT}, {"eps", BCE_EPS}
};
BCE_PRIVATE const bce_param bce_params_logits_grad[3] = {
  {"y", BCE_UNIT}, {"z", BCE_LOGIT}, {"n", BCE_COUNT}
};
BCE_PRIVATE const bce_param bce_params_x[1] = {{"x", BCE_ANY}};
BCE_PRIVATE const bce_param bce_params_p[1] = {{"p", BCE_UNIT}};
/* y of the multi-class functions is a class index or a JSON array,
** read by ext/multiclass.c itself; its domain here is unused */
BCE_PRIVATE const bce_param bce_params_cce[4] = {
  {"y", BCE_ANY}, {"p", BCE_PROB}, {"w", BCE_WEIGHT}, {"eps", BCE_EPS}
};
BCE_PRIVATE const bce_param bce_params_cce_grad[4] = {
  {"y", BCE_ANY}, {"p", BCE_PROB}, {"n", BCE_COUNT}, {"eps", BCE_EPS}
};
BCE_PRIVATE const bce_param bce_params_cce_logits[3] = {
  {"y", BCE_ANY}, {"z", BCE_ANY}, {"w", BCE_WEIGHT}
};
BCE_PRIVATE const bce_param bce_params_cce_logits_grad[3] = {
  {"y", BCE_ANY}, {"z", BCE_ANY}, {"n", BCE_COUNT}
};
BCE_PRIVATE const bce_param bce_params_softmax[2] = {
  {"y", BCE_ANY}, {"z", BCE_ANY}
};

/* 512 bytes: the longest format with its hint (about 260), a quoted text
** (BCE_QUOTED_BUF) and two numbers fit, so no message is cut, and none in
** the middle of a UTF-8 character. */
BCE_PRIVATE void bce_error(sqlite3_context *ctx, const char *zFormat, ...){
  char msg[512];
  int n;
  va_list ap;
  n = (int)strlen(sqlite3_snprintf(sizeof msg, msg, "%s(): ",
                                   bce_func(ctx)->zName));
  va_start(ap, zFormat);
  sqlite3_vsnprintf((int)sizeof msg - n, msg + n, zFormat, ap);
  va_end(ap);
  sqlite3_result_error(ctx, msg, -1);
}

BCE_PRIVATE void bce_format_double(char *buf, double x){
  if( isinf(x) ){
    strcpy(buf, x>0 ? "Inf" : "-Inf");
    return;
  }
  bce_decimal_format(buf, x);
}

BCE_PRIVATE void bce_format_value(char *buf, sqlite3_value *v){
  if( sqlite3_value_type(v)==SQLITE_INTEGER ){
    snprintf(buf, 32, "%lld", (long long)sqlite3_value_int64(v));
  }else{
    bce_format_double(buf, sqlite3_value_double(v));
  }
}

/* The length of the well-formed UTF-8 character at z[0..n), n >= 1, or 0
** when z[0] does not start one (a stray continuation byte, an overlong
** form, a surrogate, past U+10FFFF, or cut short): the ranges of the
** Unicode standard's table 3-7. */
static int utf8_char_len(const unsigned char *z, int n){
  unsigned c = z[0], lo = 0x80, hi = 0xbf;
  int len, i;
  if( c<0x80 ) return 1;
  if( c>=0xc2 && c<=0xdf ){
    len = 2;
  }else if( c>=0xe0 && c<=0xef ){
    len = 3;
    if( c==0xe0 ) lo = 0xa0;
    if( c==0xed ) hi = 0x9f;
  }else if( c>=0xf0 && c<=0xf4 ){
    len = 4;
    if( c==0xf0 ) lo = 0x90;
    if( c==0xf4 ) hi = 0x8f;
  }else{
    return 0;
  }
  if( n<len || z[1]<lo || z[1]>hi ) return 0;
  for(i=2; i<len; i++){
    if( z[i]<0x80 || z[i]>0xbf ) return 0;
  }
  return len;
}

BCE_PRIVATE void bce_quote_text(char *buf, const char *z, int n){
  static const char hex[] = "0123456789abcdef";
  const unsigned char *u = (const unsigned char*)z;
  int i = 0, k = 0;
  buf[k++] = '\'';
  while( i<n ){
    int len = utf8_char_len(u + i, n - i);
    /* cut on a character boundary so the message stays valid UTF-8 */
    if( i + (len ? len : 1)>MAX_QUOTED_TEXT ) break;
    if( len==0 ){
      /* not UTF-8: shown as \xHH, so the message is (Python's sqlite3
      ** decodes it, and raised UnicodeDecodeError for a byte 0xff) */
      buf[k++] = '\\';
      buf[k++] = 'x';
      buf[k++] = hex[u[i] >> 4];
      buf[k++] = hex[u[i] & 15];
      i++;
    }else if( u[i]==0 ){
      /* a NUL would end the message there: '0.5\0abc', not '0.5' */
      buf[k++] = '\\';
      buf[k++] = '0';
      i++;
    }else if( u[i]<0x20 || u[i]==0x7f ){
      /* a control byte (a newline, an escape sequence) would break the
      ** line the message is printed on, or act on a terminal: \xHH */
      buf[k++] = '\\';
      buf[k++] = 'x';
      buf[k++] = hex[u[i] >> 4];
      buf[k++] = hex[u[i] & 15];
      i++;
    }else if( u[i]=='\\' ){
      /* doubled, so that '\xff' typed as four characters is not read as
      ** the byte 0xff */
      buf[k++] = '\\';
      buf[k++] = '\\';
      i++;
    }else{
      memcpy(buf + k, z + i, (size_t)len);
      k += len;
      i += len;
    }
  }
  buf[k++] = '\'';
  if( i<n ){
    memcpy(buf + k, "...", 3);
    k += 3;
  }
  buf[k] = 0;
}

BCE_PRIVATE void bce_error_not_number(sqlite3_context *ctx, const char *arg,
                                      const char *z, int n){
  char quoted[BCE_QUOTED_BUF];
  bce_quote_text(quoted, z, n);
  bce_error(ctx, "%s must be a number, got %s", arg, quoted);
}

BCE_PRIVATE void bce_error_domain(sqlite3_context *ctx, const char *arg,
                                  bce_domain domain, const char *num){
  static const char *const rule[] = {
    [BCE_ANY]    = "must be a number",
    [BCE_LOGIT]  = "must be a number",
    [BCE_UNIT]   = "must be in [0, 1]",
    [BCE_PROB]   = "must be in [0, 1]",
    [BCE_WEIGHT] = "must be a finite number >= 0",
    [BCE_EPS]    = "must be in [0, 0.5)",
    [BCE_COUNT]  = "must be a finite number > 0",
  };
  /* a p out of [0, 1] is most often a logit: name the function for it */
  const char *alt = domain==BCE_PROB ? bce_func(ctx)->zLogitsName : 0;
  if( alt ){
    bce_error(ctx, "%s %s, got %s; for logits use %s()", arg, rule[domain],
              num, alt);
  }else{
    bce_error(ctx, "%s %s, got %s", arg, rule[domain], num);
  }
}

/* Rule 3: the TEXTs that SQLite's numeric affinity takes for numbers,
** read by src/decimal.c to the nearest double.  SQLite's own conversion
** (sqlite3_value_numeric_type) is not correctly rounded in 3.40: 0.6% of
** random doubles' shortest strings came back one double off, and long
** strings near the subnormal range became 0 (issue 14). */
BCE_PRIVATE int bce_text_number(sqlite3_value *v, double *out){
  const char *z;
  if( sqlite3_value_type(v)!=SQLITE_TEXT ) return 0;
  z = (const char*)sqlite3_value_text(v);
  /* out of memory: not a number here; bce_report_bad() asks again and
  ** reports the nomem */
  if( z==0 ) return 0;
  return bce_decimal_parse_sql(z, (size_t)sqlite3_value_bytes(v), out);
}

BCE_PRIVATE int bce_is_array_arg(sqlite3_value *v){
  const unsigned char *z;
  int t = sqlite3_value_type(v);
  if( t==SQLITE_BLOB ){
    /* the bytes before their count, in two statements: out of memory
    ** expanding a zeroblob, value_blob() gives NULL and leaves a value of
    ** 0 bytes; as two arguments of one call, gcc took the count (4) first
    ** and the reader read NULL (tests/oom.c); the caller's message for a
    ** BLOB then reports the out of memory */
    const char *b = (const char*)sqlite3_value_blob(v);
    if( b==0 ) return 0;
    return bce_jsonb_is_array(b, (size_t)sqlite3_value_bytes(v));
  }
  if( t!=SQLITE_TEXT ) return 0;
  z = sqlite3_value_text(v);
  if( z==0 ) return 0;
  /* the white space SQLite's numeric affinity skips (src/json_array.h) */
  while( *z==' ' || (*z>='\t' && *z<='\r') ) z++;
  return *z=='[';
}

BCE_PRIVATE int bce_array_arg_bytes(sqlite3_value *v, const char **z,
                                    size_t *n){
  int jsonb = sqlite3_value_type(v)==SQLITE_BLOB;
  /* never the text of a BLOB: SQLite would hand over its bytes as text */
  *z = jsonb ? (const char*)sqlite3_value_blob(v)
             : (const char*)sqlite3_value_text(v);
  *n = (size_t)sqlite3_value_bytes(v);
  return jsonb;
}

/* The spellings of a missing value that CSV exports and data frames
** write (R's NA, pandas' NaN, JSON's null, Python's None), compared without
** case; each gets the same fix as an empty field. */
static int is_missing_spelling(const char *z, int n){
  static const char *const spelling[] = {"NA", "N/A", "NaN", "null", "None"};
  size_t i;
  for(i=0; i<sizeof(spelling)/sizeof(spelling[0]); i++){
    if( (int)strlen(spelling[i])==n && sqlite3_strnicmp(z, spelling[i], n)==0 ){
      return 1;
    }
  }
  return 0;
}

/* ---- The hints of a new user's first mistakes (issue 24) ----------------
** Each recognises one plausible mistake from the value alone and adds its
** own fix after the message of rules 3 and 4; a value that fits none gets
** the message alone. */

/* A label written as a word, as pandas writes booleans and surveys write
** answers: the positive word, spelt in the case of z (SQLite's = compares
** case), goes to *pos. */
static int is_label_word(const char *z, int n, char *pos){
  static const char *const word[][2] = {
    {"yes", "yes"}, {"no", "yes"}, {"true", "true"}, {"false", "true"}
  };
  size_t i;
  for(i=0; i<sizeof(word)/sizeof(word[0]); i++){
    const char *w = word[i][0], *p = word[i][1];
    if( (int)strlen(w)==n && sqlite3_strnicmp(z, w, n)==0 ){
      /* z is the word up to case: letters, two or more */
      int upper = BCE_ALWAYS(z[0]>='A') && z[0]<='Z';
      int all = upper && BCE_ALWAYS(n>1) && BCE_ALWAYS(z[1]>='A')
             && z[1]<='Z';
      int k;
      for(k=0; p[k]; k++){
        pos[k] = (char)((all || (upper && k==0)) ? p[k] - 'a' + 'A' : p[k]);
      }
      pos[k] = 0;
      return 1;
    }
  }
  return 0;
}

/* A column name: what a CSV header row, imported as data, puts in every
** column (a word of letters, digits and _, starting with a letter), but
** not an infinity ('inf'), which is a value. */
static int is_header_word(const char *z, int n){
  int i;
  double x;
  /* error_text() reports an empty text before it asks */
  if( BCE_NEVER(n==0) || !((z[0]|0x20)>='a' && (z[0]|0x20)<='z') ) return 0;
  if( bce_decimal_parse_infinity(z, (size_t)n, &x) ) return 0;
  for(i=1; i<n; i++){
    char c = z[i];
    if( !((c|0x20)>='a' && (c|0x20)<='z') && !(c>='0' && c<='9') && c!='_' ){
      return 0;
    }
  }
  return 1;
}

/* Rule 3 keeps '' and 'NA' errors: the extension does not guess what a
** missing value means.  The message says how to say it: nullif() turns
** the text into NULL, which rule 1 skips.  param is the argument of a
** bce function (0 for the class index and arrays of ext/multiclass.c),
** for the hints that only a number argument can take. */
/* TEXT whose first non-blank byte is '{', as bce_is_options_arg() sees
** an options object. */
static int is_object_text(const char *z, int n){
  int i;
  for(i=0; i<n && (z[i]==' ' || (z[i]>='\t' && z[i]<='\r')); i++){}
  return i<n && z[i]=='{';
}

static void error_text(sqlite3_context *ctx, const char *arg,
                       const char *what, const char *z, int n,
                       const bce_param *param){
  int blank = n>0;
  int i;
  char pos[8];
  for(i=0; i<n && blank; i++){
    blank = z[i]==' ' || z[i]=='\t' || z[i]=='\r' || z[i]=='\n';
  }
  char quoted[BCE_QUOTED_BUF];
  if( n==0 ){
    bce_error(ctx, "%s must be %s, got ''; an empty CSV field? "
                   "nullif(%s, '') reads it as NULL", arg, what, arg);
  }else if( blank ){
    bce_quote_text(quoted, z, n);
    bce_error(ctx, "%s must be %s, got %s; a blank CSV field? "
                   "nullif(trim(%s), '') reads it as NULL", arg, what, quoted,
                   arg);
  }else if( is_missing_spelling(z, n) ){
    bce_error(ctx, "%s must be %s, got '%.*s'; a missing value? "
                   "nullif(%s, '%.*s') reads it as NULL", arg, what, n, z,
                   arg, n, z);
  }else if( param && param->domain==BCE_UNIT && strcmp(arg, "y")==0
         && is_label_word(z, n, pos) ){
    bce_error(ctx, "%s must be %s, got '%.*s'; labels as words? "
                   "(%s = '%s') reads them as 1 and 0 (or a CASE)", arg, what,
                   n, z, arg, pos);
  }else if( param && (param->domain==BCE_UNIT || param->domain==BCE_ANY)
         && n<=MAX_QUOTED_TEXT && is_header_word(z, n) ){
    /* only the first argument (y; sigmoid's x, logit's p): in a header
    ** row every column is a word, and the first is the one reported */
    bce_error(ctx, "%s must be %s, got '%.*s'; a CSV header row read as "
                   "data? .import --csv --skip 1 skips it", arg, what, n, z);
  }else if( param && (param->domain==BCE_WEIGHT || param->domain==BCE_COUNT
                       || param->domain==BCE_EPS)
         && is_object_text(z, n) ){
    /* an options object (issue 21) before another argument: every
    ** function with a w, n or eps takes options (ext/entry.c).  Not
    ** BCE_NEVER for eps: the fuzzer reached it with an eps-place text
    ** (tests/fuzz/seeds/found_eps_object_text) */
    bce_quote_text(quoted, z, n);
    bce_error(ctx, "%s must be %s, got %s; options go in the last place, "
                   "and not with a positional eps (eps is a key)", arg,
                   what, quoted);
  }else{
    bce_quote_text(quoted, z, n);
    bce_error(ctx, "%s must be %s, got %s", arg, what, quoted);
  }
}

/* The bytes of a number or a JSON array as text: what a Node Buffer (or
** any bytes read from a file) holds when it was meant as a string. */
static int is_text_bytes(const unsigned char *b, int n){
  int i;
  if( n==0 ) return 0;
  for(i=0; i<n; i++){
    if( b[i]<0x20 || b[i]>0x7e ) return 0;
  }
  return b[0]=='[' || b[0]=='-' || b[0]=='+' || b[0]=='.'
      || (b[0]>='0' && b[0]<='9');
}

/* What binds as a BLOB by mistake: Python's sqlite3 binds numpy scalars
** (np.float16/32, np.int64, np.bool_) and arrays by their buffer, as their
** raw bytes; Node's drivers bind a Buffer as its bytes; a state of
** bce_state() is a BLOB that starts "BCE" (docs/state-format.md). */
static void error_blob(sqlite3_context *ctx, const char *arg,
                       const char *what, sqlite3_value *v){
  int n = sqlite3_value_bytes(v);
  const unsigned char *b = n>0 ? sqlite3_value_blob(v) : 0;
  if( n>0 && b==0 ){
    sqlite3_result_error_nomem(ctx);
  }else if( n>=4 && memcmp(b, "BCE", 3)==0 ){
    bce_error(ctx, "%s must be %s, got a blob of %d bytes; a state of "
                   "bce_state()? bce_merge(state) gives its loss", arg, what,
                   n);
  }else if( (strcmp(arg, "w")==0 || strcmp(arg, "n")==0
             || strcmp(arg, "eps")==0)
         && bce_jsonb_is_object((const char*)b, (size_t)n) ){
    /* options are TEXT (issue 21): a JSONB object in their place reaches
    ** the reader of the argument before it (w, n or eps: every function
    ** with one takes options, ext/entry.c) */
    bce_error(ctx, "%s must be %s, got a blob of %d byte%s; a JSONB "
                   "object (jsonb())? options are TEXT: json(x) gives it",
              arg, what, n, n==1 ? "" : "s");
  }else if( is_text_bytes(b, n) ){
    bce_error(ctx, "%s must be %s, got a blob of %d byte%s; text sent as "
                   "bytes (a Node Buffer?): pass buf.toString(), or "
                   "CAST(%s AS TEXT)", arg, what, n, n==1 ? "" : "s", arg);
  }else if( n==1 && b[0]<=1 ){
    bce_error(ctx, "%s must be %s, got a blob of 1 byte; numpy booleans "
                   "bind as blobs: int(x) fixes it", arg, what);
  }else if( n==2 || n==4 || n==8 ){
    bce_error(ctx, "%s must be %s, got a blob of %d bytes; numpy "
                   "scalars bind as blobs: float(x) fixes it", arg, what, n);
  }else if( n>8 && n%4==0 ){
    bce_error(ctx, "%s must be %s, got a blob of %d bytes; a numpy array "
                   "binds as a blob: json.dumps(a.tolist()) gives JSON", arg,
                   what, n);
  }else{
    bce_error(ctx, "%s must be %s, got a blob of %d byte%s", arg, what, n,
              n==1 ? "" : "s");
  }
}

/* A p above 1 is a percentage when it is at most 100, and a logit (or
** not a probability at all) beyond; labels of -1 and 1 (SVMs, some
** boosting libraries) map to 0 and 1.  Returns 1 if it set the error. */
static int error_domain_hint(sqlite3_context *ctx, const bce_param *param,
                             double x, const char *num){
  const char *alt = bce_func(ctx)->zLogitsName;
  if( param->domain==BCE_PROB && x>1.0 && x<=100.0 && alt ){
    bce_error(ctx, "%s must be in [0, 1], got %s; percentages? %s / 100.0 "
                   "reads them as probabilities; logits? use %s()",
                   param->name, num, param->name, alt);
    return 1;
  }
  if( param->domain==BCE_UNIT && strcmp(param->name, "y")==0 && x==-1.0 ){
    bce_error(ctx, "%s must be in [0, 1], got %s; labels -1 and 1? "
                   "(%s + 1) / 2 maps them to 0 and 1", param->name, num,
                   param->name);
    return 1;
  }
  return 0;
}
/* ---- end of the first mistakes' hints --------------------------------- */

BCE_PRIVATE void bce_error_got(sqlite3_context *ctx, const char *arg,
                               const char *what, sqlite3_value *v){
  int t = sqlite3_value_type(v);
  if( t==SQLITE_BLOB ){
    error_blob(ctx, arg, what, v);
  }else if( t==SQLITE_TEXT ){
    const char *z = (const char*)sqlite3_value_text(v);
    if( z==0 ){
      sqlite3_result_error_nomem(ctx);
      return;
    }
    error_text(ctx, arg, what, z, sqlite3_value_bytes(v), 0);
  }else{
    char num[32];
    bce_format_value(num, v);
    bce_error(ctx, "%s must be %s, got %s", arg, what, num);
  }
}

BCE_PRIVATE void bce_report_bad(sqlite3_context *ctx, const bce_param *param,
                                sqlite3_value *v){
  int t = sqlite3_value_type(v);
  if( t==SQLITE_BLOB ){
    error_blob(ctx, param->name, "a number", v);
  }else if( t==SQLITE_TEXT ){
    const char *z = (const char*)sqlite3_value_text(v);
    double x;
    if( z==0 ){
      sqlite3_result_error_nomem(ctx);
      return;
    }
    if( bce_text_number(v, &x) ){             /* a number out of its domain */
      char num[32];
      bce_format_double(num, x);
      if( !error_domain_hint(ctx, param, x, num) ){
        bce_error_domain(ctx, param->name, param->domain, num);
      }
      return;
    }
    error_text(ctx, param->name, "a number", z, sqlite3_value_bytes(v),
               param);
  }else{
    char num[32];
    bce_format_value(num, v);
    if( !error_domain_hint(ctx, param, sqlite3_value_double(v), num) ){
      bce_error_domain(ctx, param->name, param->domain, num);
    }
  }
}
