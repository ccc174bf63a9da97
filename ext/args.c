#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include "args.h"

#define MAX_QUOTED_TEXT 40

void bce_format_double(char *buf, double x){
  int digits;
  if( isinf(x) ){
    strcpy(buf, x>0 ? "Inf" : "-Inf");
    return;
  }
  /* error path only: up to 17 tries is cheap */
  for(digits=1; digits<17; digits++){
    snprintf(buf, 32, "%.*g", digits, x);
    if( strtod(buf, 0)==x ) return;
  }
  snprintf(buf, 32, "%.17g", x);
}

/* The value as the user wrote it: an INTEGER as itself, a REAL by its
** shortest round-trip decimal. */
static void format_number(char *buf, sqlite3_value *v){
  if( sqlite3_value_type(v)==SQLITE_INTEGER ){
    snprintf(buf, 32, "%lld", (long long)sqlite3_value_int64(v));
  }else{
    bce_format_double(buf, sqlite3_value_double(v));
  }
}

static void error_not_number(sqlite3_context *ctx, const char *fn,
                             const char *arg, sqlite3_value *v){
  char msg[160];
  if( sqlite3_value_type(v)==SQLITE_BLOB ){
    snprintf(msg, sizeof msg, "%s(): %s must be a number, got a blob",
             fn, arg);
  }else{
    const char *z = (const char*)sqlite3_value_text(v);
    int n = sqlite3_value_bytes(v);
    const char *more = "";
    if( z==0 ){
      sqlite3_result_error_nomem(ctx);
      return;
    }
    if( n>MAX_QUOTED_TEXT ){
      /* cut on a character boundary so the message stays valid UTF-8 */
      n = MAX_QUOTED_TEXT;
      while( n>0 && (z[n]&0xc0)==0x80 ) n--;
      more = "...";
    }
    snprintf(msg, sizeof msg, "%s(): %s must be a number, got '%.*s'%s",
             fn, arg, n, z, more);
  }
  sqlite3_result_error(ctx, msg, -1);
}

static void error_domain(sqlite3_context *ctx, const char *fn,
                         const bce_param *param, sqlite3_value *v){
  static const char *const rule[] = {
    [BCE_ANY]    = "must be a number",
    [BCE_UNIT]   = "must be in [0, 1]",
    [BCE_WEIGHT] = "must be a finite number >= 0",
    [BCE_EPS]    = "must be in [0, 0.5)",
    [BCE_COUNT]  = "must be a finite number > 0",
  };
  char num[32];
  char msg[160];
  format_number(num, v);
  snprintf(msg, sizeof msg, "%s(): %s %s, got %s",
           fn, param->name, rule[param->domain], num);
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

void bce_report_bad(sqlite3_context *ctx, const char *fn,
                    const bce_param *param, sqlite3_value *v){
  int t = sqlite3_value_type(v);
  if( t==SQLITE_TEXT || t==SQLITE_BLOB ){
    error_not_number(ctx, fn, param->name, v);
  }else{
    error_domain(ctx, fn, param, v);
  }
}
