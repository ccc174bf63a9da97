#include <math.h>
#include <stdio.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"
#include "../src/decimal.h"

#define MAX_QUOTED_TEXT 40

void bce_format_double(char *buf, double x){
  if( isinf(x) ){
    strcpy(buf, x>0 ? "Inf" : "-Inf");
    return;
  }
  bce_decimal_format(buf, x);
}

void bce_format_value(char *buf, sqlite3_value *v){
  if( sqlite3_value_type(v)==SQLITE_INTEGER ){
    snprintf(buf, 32, "%lld", (long long)sqlite3_value_int64(v));
  }else{
    bce_format_double(buf, sqlite3_value_double(v));
  }
}

void bce_quote_text(char *buf, const char *z, int n){
  const char *more = "";
  if( n>MAX_QUOTED_TEXT ){
    /* cut on a character boundary so the message stays valid UTF-8 */
    n = MAX_QUOTED_TEXT;
    while( n>0 && (z[n]&0xc0)==0x80 ) n--;
    more = "...";
  }
  snprintf(buf, BCE_QUOTED_BUF, "'%.*s'%s", n, z, more);
}

void bce_error_not_number(sqlite3_context *ctx, const char *fn,
                          const char *arg, const char *z, int n){
  char quoted[BCE_QUOTED_BUF];
  char msg[160];
  if( z==0 ){
    snprintf(msg, sizeof msg, "%s(): %s must be a number, got a blob",
             fn, arg);
  }else{
    bce_quote_text(quoted, z, n);
    snprintf(msg, sizeof msg, "%s(): %s must be a number, got %s",
             fn, arg, quoted);
  }
  sqlite3_result_error(ctx, msg, -1);
}

void bce_error_domain(sqlite3_context *ctx, const char *fn, const char *arg,
                      bce_domain domain, const char *num){
  static const char *const rule[] = {
    [BCE_ANY]    = "must be a number",
    [BCE_UNIT]   = "must be in [0, 1]",
    [BCE_PROB]   = "must be in [0, 1]",
    [BCE_WEIGHT] = "must be a finite number >= 0",
    [BCE_EPS]    = "must be in [0, 0.5)",
    [BCE_COUNT]  = "must be a finite number > 0",
  };
  char msg[200];
  /* BCE_PROB is only used by bce, bce_term and bce_grad, so "bce_logits"
  ** followed by fn+3 ("", "_term", "_grad") names the logits form */
  snprintf(msg, sizeof msg, "%s(): %s %s, got %s%s%s%s",
           fn, arg, rule[domain], num,
           domain==BCE_PROB ? "; for logits use bce_logits" : "",
           domain==BCE_PROB ? fn+3 : "",
           domain==BCE_PROB ? "()" : "");
  sqlite3_result_error(ctx, msg, -1);
}

int bce_text_number(sqlite3_value *v, double *out){
  /* numeric_type() converts v in place when all of it is a number */
  if( sqlite3_value_type(v)==SQLITE_TEXT
   && sqlite3_value_numeric_type(v)!=SQLITE_TEXT ){
    *out = sqlite3_value_double(v);
    return 1;
  }
  return 0;
}

int bce_text_is_array(sqlite3_value *v){
  const unsigned char *z;
  if( sqlite3_value_type(v)!=SQLITE_TEXT ) return 0;
  z = sqlite3_value_text(v);
  if( z==0 ) return 0;
  while( *z==' ' || *z=='\t' || *z=='\n' || *z=='\r' ) z++;
  return *z=='[';
}

void bce_report_bad(sqlite3_context *ctx, const char *fn,
                    const bce_param *param, sqlite3_value *v){
  int t = sqlite3_value_type(v);
  if( t==SQLITE_BLOB ){
    bce_error_not_number(ctx, fn, param->name, 0, 0);
  }else if( t==SQLITE_TEXT ){
    const char *z = (const char*)sqlite3_value_text(v);
    if( z==0 ){
      sqlite3_result_error_nomem(ctx);
      return;
    }
    bce_error_not_number(ctx, fn, param->name, z, sqlite3_value_bytes(v));
  }else{
    char num[32];
    bce_format_value(num, v);
    bce_error_domain(ctx, fn, param->name, param->domain, num);
  }
}
