/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>
#include "decimal.h"
#include "json_array.h"

enum { BEFORE_OPEN, AFTER_ELEMENT, CLOSED };

static size_t skip_space(const char *z, size_t n, size_t i){
  while( i<n && (z[i]==' ' || z[i]=='\t' || z[i]=='\n' || z[i]=='\r') ) i++;
  return i;
}

/* Around the array, the white space SQLite allows around a number in TEXT
** (JSON's, and also \v and \f), so that the two kinds of argument take
** the same padding. */
static size_t skip_outer_space(const char *z, size_t n, size_t i){
  while( i<n && (z[i]==' ' || (z[i]>='\t' && z[i]<='\r')) ) i++;
  return i;
}

/* The length of the JSON string, literal, object or array at z[i], or 0
** if none starts there.  Only called on the way to an error message, so
** an object or array is delimited by matching brackets outside strings
** (up to 64 deep) rather than parsed: '{]' is no value. */
static size_t value_length(const char *z, size_t n, size_t i){
  static const char *const literal[] = {"true", "false", "null"};
  size_t j = i, k;
  int depth = 0;
  uint64_t square = 0;      /* bit d: the bracket open at depth d is '[' */
  for(k=0; k<3; k++){
    size_t m = 0;
    while( literal[k][m] && j+m<n && z[j+m]==literal[k][m] ) m++;
    if( literal[k][m]==0 ) return m;
  }
  if( z[i]!='"' && z[i]!='[' && z[i]!='{' ) return 0;
  for(; j<n; j++){
    if( z[j]=='"' ){
      for(j++; j<n && z[j]!='"'; j++){
        if( z[j]=='\\' ) j++;
      }
      if( j>=n ) return 0;
      if( depth==0 ) return j + 1 - i;
    }else if( z[j]=='[' || z[j]=='{' ){
      if( depth==64 ) return 0;
      square = (square & ~(UINT64_C(1) << depth))
             | ((uint64_t)(z[j]=='[') << depth);
      depth++;
    }else if( z[j]==']' || z[j]=='}' ){
      /* depth > 0: the bracket at z[i] opened, and depth 0 returns */
      depth--;
      if( ((square >> depth) & 1)!=(uint64_t)(z[j]==']') ) return 0;
      if( depth==0 ) return j + 1 - i;
    }
  }
  return 0;
}

BCE_PRIVATE void bce_json_open(bce_json_array *a, const char *z, size_t n){
  a->z = z;
  a->n = n;
  a->pos = 0;
  a->count = 0;
  a->state = BEFORE_OPEN;
}

BCE_PRIVATE void bce_json_open_jsonb(bce_json_array *a, const char *z,
                                     size_t n){
  bce_json_open(a, z, n);
  a->state = BCE_JSONB_BEFORE;
}

BCE_PRIVATE bce_json_token bce_json_next(bce_json_array *a, double *x,
                                         size_t *at, size_t *len){
  const char *z = a->z;
  size_t n = a->n, i, used, bad;
  if( a->state>=BCE_JSONB_BEFORE ) return bce_jsonb_next(a, x, at, len);
  i = skip_space(z, n, a->pos);
  switch( a->state ){
    case CLOSED:
      return BCE_JSON_END;
    case BEFORE_OPEN:
      i = skip_outer_space(z, n, a->pos);
      if( i>=n || z[i]!='[' ){ *at = i; return BCE_JSON_MALFORMED; }
      i = skip_space(z, n, i+1);
      if( i<n && z[i]==']' ) goto close;
      break;
    default:   /* AFTER_ELEMENT */
      if( i<n && z[i]==']' ) goto close;
      if( i>=n || z[i]!=',' ){ *at = i; return BCE_JSON_MALFORMED; }
      i = skip_space(z, n, i+1);
      break;
  }
  if( i<n && (z[i]=='-' || (z[i]>='0' && z[i]<='9')) ){
    used = bce_decimal_parse(z + i, n - i, x, &bad);
    if( used==0 ){ *at = i + bad; return BCE_JSON_MALFORMED; }
    a->pos = i + used;
    a->count++;
    a->state = AFTER_ELEMENT;
    return BCE_JSON_NUMBER;
  }
  *at = i;
  if( i<n && (*len = value_length(z, n, i))>0 ){
    /* a value that is no number, if what follows it fits: '[truex]' is
    ** malformed at the x, not the element 'true' */
    size_t next = skip_space(z, n, i + *len);
    if( next<n && (z[next]==',' || z[next]==']') ) return BCE_JSON_NOT_NUMBER;
    *at = next;
  }
  return BCE_JSON_MALFORMED;

close:
  i = skip_outer_space(z, n, i+1);
  if( i<n ){ *at = i; return BCE_JSON_MALFORMED; }
  a->pos = i;
  a->state = CLOSED;
  return BCE_JSON_END;
}

BCE_PRIVATE int bce_json_skip_null(bce_json_array *a, size_t at, size_t len){
  if( bce_json_is_jsonb(a) ){
    size_t payload, size;
    /* the JSONB cursor has stepped over the element already; an element
    ** has at least its header byte */
    if( BCE_NEVER(len==0) || strcmp(bce_jsonb_describe(a->z + at, len, &payload, &size),
                         "null")!=0 ){
      return 0;
    }
  }else{
    if( len!=4 || memcmp(a->z + at, "null", 4)!=0 ) return 0;
    a->pos = at + 4;
    a->state = AFTER_ELEMENT;
  }
  a->count++;
  return 1;
}
