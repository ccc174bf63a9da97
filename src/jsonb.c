/* SPDX-License-Identifier: MIT */
/*
** The elements of a JSONB array (SQLite >= 3.45, jsonb.html), read in
** place for the cursor of src/json_array.h.
**
** The numbers of jsonb.html's section 3, as they bind here:
**  (3.1) an element is a header then a payload; the header's first byte
**        holds the type in its low nibble and the payload size, or where
**        the size is, in its high nibble: 0..11 are the size itself, 12,
**        13, 14 and 15 say that it follows in 1, 2, 4 or 8 bytes, big
**        endian.  The spec does not require the shortest header, so
**        none is refused for its length.
**  (3.2) types: 0 null, 1 true, 2 false, 3 INT, 4 INT5, 5 FLOAT, 6 FLOAT5,
**        7..10 the four kinds of string, 11 ARRAY, 12 OBJECT, 13..15
**        reserved.  The payload of a number is its text: RFC 8259's for
**        INT and FLOAT, JSON5's for INT5 (hexadecimal, a '+') and FLOAT5
**        (a '+', a '.' with no digit on one side, Infinity).
**  (3.3) an ARRAY's payload is its elements one after another: nothing
**        between them, each inside the payload.
** A BLOB is an array of numbers when all of it is one ARRAY element: a
** byte left over, or a size that runs past the end, is not JSONB.  An
** element that is JSONB but no number is reported with its extent, as the
** text cursor reports a string or a literal; it is not looked into.
** Numbers are read with the correctly rounded reader of src/decimal.c, so
** a JSONB array gives the bits of the same array as text.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "decimal.h"
#include "json_array.h"

enum {
  JB_NULL, JB_TRUE, JB_FALSE, JB_INT, JB_INT5, JB_FLOAT, JB_FLOAT5,
  JB_TEXT, JB_TEXTJ, JB_TEXT5, JB_TEXTRAW, JB_ARRAY, JB_OBJECT
};

/* The header at z[i], inside z[0..end): 1 and its type, the payload's
** offset and size; 0 if it does not fit (3.1, 3.3). */
static int jsonb_header(const unsigned char *z, size_t end, size_t i,
                        int *type, size_t *payload, size_t *size){
  static const unsigned char extra[4] = {1, 2, 4, 8};
  unsigned code;
  uint64_t sz;
  size_t k, m;
  /* a type no caller takes for an empty BLOB, the one header that does
  ** not fit its first byte: if this test were wrong, what follows would
  ** still read no unset field (make mutate) */
  *type = JB_NULL;
  if( i>=end ) return 0;
  *type = z[i] & 0x0f;
  code = z[i] >> 4;
  if( code<12 ){
    sz = code;
    m = 0;
  }else{
    m = extra[code - 12];
    if( end - (i + 1)<m ) return 0;
    for(sz=0, k=0; k<m; k++) sz = (sz << 8) | z[i + 1 + k];
  }
  *payload = i + 1 + m;
  if( sz>end - *payload ) return 0;
  *size = (size_t)sz;
  return 1;
}

/* An INT5's hexadecimal digits z[0..n) (after the "0x") as the nearest
** double, ties to even: the first 64 bits exactly, the rest as a sticky
** bit and a count of places; 0 if a byte is no hex digit or none is. */
static int hex_value(const char *z, size_t n, double *x){
  uint64_t m = 0;
  int sticky = 0, places = 0, len;
  size_t i;
  if( n==0 ) return 0;
  for(i=0; i<n; i++){
    char c = z[i];
    unsigned d;
    if( c>='0' && c<='9' ) d = (unsigned)(c - '0');
    else if( c>='a' && c<='f' ) d = (unsigned)(c - 'a' + 10);
    else if( c>='A' && c<='F' ) d = (unsigned)(c - 'A' + 10);
    else return 0;
    if( m>>60 ){
      sticky |= d!=0;
      /* past 2^1100 the value is +Inf however many digits follow: the
      ** count stops there rather than overflow an int */
      if( places<1100 ) places += 4;
    }else{
      m = (m << 4) | d;
    }
  }
  len = bce_bit_length(m);
  if( len>53 ){
    /* keep 53 bits, round on the ones shifted out and the sticky bit */
    int s = len - 53;
    uint64_t rest = m & ((UINT64_C(1) << s) - 1), half = UINT64_C(1) << (s - 1);
    m >>= s;
    places += s;
    if( rest>half || (rest==half && (sticky || (m & 1))) ) m++;
  }
  /* m < 2^54 is exact, and so is the scaling but past DBL_MAX */
  *x = ldexp((double)m, places);
  return 1;
}

/* A number's payload z[0..n) of the given type as a double; 0 if it is no
** number of that type (3.2). */
static int number_value(int type, const char *z, size_t n, double *x){
  size_t bad, i = 0;
  int negative = 0;
  if( type==JB_INT || type==JB_FLOAT ){
    return n>0 && bce_decimal_parse(z, n, x, &bad)==n;
  }
  if( n>0 && (z[0]=='+' || z[0]=='-') ){
    negative = z[0]=='-';
    i = 1;
  }
  if( type==JB_INT5 && n - i>2 && z[i]=='0' && (z[i+1]=='x' || z[i+1]=='X') ){
    if( !hex_value(z + i + 2, n - i - 2, x) ) return 0;
  }else if( type==JB_FLOAT5 && n - i==8 && memcmp(z + i, "Infinity", 8)==0 ){
    *x = INFINITY;
  }else{
    /* SQLite's numeric grammar is JSON5's decimal one: '+', ".5", "5." */
    const char *d = z + i;
    size_t k;
    for(k=0; k<n - i; k++){
      char c = d[k];
      if( !((c>='0' && c<='9') || c=='.' || c=='e' || c=='E'
            || ((c=='+' || c=='-') && k>0 && (d[k-1]=='e' || d[k-1]=='E'))) ){
        return 0;      /* the SQL reader would also take spaces and a sign */
      }
    }
    if( n==i || !bce_decimal_parse_sql(d, n - i, x) ) return 0;
  }
  if( negative ) *x = -*x;
  return 1;
}

BCE_PRIVATE int bce_jsonb_is_array(const char *z, size_t n){
  size_t payload, size;
  int type;
  return jsonb_header((const unsigned char*)z, n, 0, &type, &payload, &size)
         && type==JB_ARRAY && payload + size==n;
}

BCE_PRIVATE int bce_jsonb_is_object(const char *z, size_t n){
  const unsigned char *b = (const unsigned char*)z;
  size_t payload, size, kp, ks;
  int type, key;
  if( !jsonb_header(b, n, 0, &type, &payload, &size) || type!=JB_OBJECT
   || payload + size!=n ){
    return 0;
  }
  /* a number's bytes may pass the one header by chance: an object's first
  ** element is a text key that fits in it */
  return size==0
         || (jsonb_header(b, n, payload, &key, &kp, &ks)
             && key>=JB_TEXT && key<=JB_TEXTRAW);
}

BCE_PRIVATE const char *bce_jsonb_describe(const char *z, size_t n,
                                           size_t *payload, size_t *size){
  static const char *const what[] = {
    "null", "true", "false", "a number", "a number", "a number", "a number",
    "a string", "a string", "a string", "a string", "an array", "an object"
  };
  int type = JB_NULL;
  /* the cursor reported this element, so its header fits (the call stays
  ** outside BCE_NEVER, whose argument the coverage build does not run) */
  int fits = jsonb_header((const unsigned char*)z, n, 0, &type, payload,
                          size);
  if( BCE_NEVER(!fits) || BCE_NEVER(type>JB_OBJECT) ){
    *payload = *size = 0;
    return "an element";
  }
  return what[type];
}

BCE_PRIVATE bce_json_token bce_jsonb_next(bce_json_array *a, double *x,
                                          size_t *at, size_t *len){
  const unsigned char *z = (const unsigned char*)a->z;
  size_t payload, size;
  int type;
  if( a->state==BCE_JSONB_BEFORE ){
    if( !jsonb_header(z, a->n, 0, &type, &payload, &size)
     || type!=JB_ARRAY || payload + size!=a->n ){
      *at = 0;
      return BCE_JSON_MALFORMED;
    }
    a->pos = payload;
    a->state = BCE_JSONB_IN;
  }
  if( a->state==BCE_JSONB_CLOSED ) return BCE_JSON_END;
  if( a->pos==a->n ){
    a->state = BCE_JSONB_CLOSED;
    return BCE_JSON_END;
  }
  if( !jsonb_header(z, a->n, a->pos, &type, &payload, &size) || type>JB_OBJECT ){
    *at = a->pos;
    return BCE_JSON_MALFORMED;
  }
  *at = a->pos;
  *len = payload + size - a->pos;
  if( type<JB_INT || type>JB_FLOAT5 ){
    a->pos = payload + size;
    return BCE_JSON_NOT_NUMBER;
  }
  if( !number_value(type, a->z + payload, size, x) ){
    return BCE_JSON_MALFORMED;
  }
  a->pos = payload + size;
  a->count++;
  return BCE_JSON_NUMBER;
}
