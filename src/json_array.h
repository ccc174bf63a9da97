/* SPDX-License-Identifier: MIT */
/*
** A cursor over a JSON array of numbers (RFC 8259), read in place, one
** element per call, without allocating: the text is read once, left to
** right, so an array of any length costs time linear in its bytes.
**
** Accepted: white space (space, tab, LF, CR) around every token, then
** '[', numbers separated by ',', ']'.  Nothing may follow but white space.
** Before '[' and after ']' the white space may also be VT and FF, as
** SQLite allows around a number in TEXT.
** Numbers are strict JSON: no '+', no leading zeros, no '.5', no NaN or
** Infinity; one beyond the double range reads as +-Inf (how SQLite writes
** an infinity in JSON: 9e999).
**
** An element that is JSON but no number (a string, true, false, null, an
** object or an array) is reported as such, with its extent, so that an
** error message can quote it; anything else is malformed at a byte.
*/
#ifndef BCE_JSON_ARRAY_H
#define BCE_JSON_ARRAY_H

#include "bits.h"

#include <stddef.h>
#include <stdint.h>

typedef struct bce_json_array {
  const char *z;    /* the text, z[0..n) */
  size_t n;
  size_t pos;       /* the next byte to read */
  int64_t count;    /* elements read so far: numbers, and the nulls
                    ** bce_json_skip_null() stepped over */
  int state;        /* where pos is: see json_array.c */
} bce_json_array;

typedef enum bce_json_token {
  BCE_JSON_NUMBER,      /* *x is element count-1 */
  BCE_JSON_END,         /* the array is closed and the text has ended */
  BCE_JSON_MALFORMED,   /* not JSON: *at is the offending byte (n: the
                        ** text ended too soon) */
  BCE_JSON_NOT_NUMBER   /* element count is JSON but not a number: it is
                        ** the bytes *at .. *at + *len */
} bce_json_token;

BCE_PRIVATE void bce_json_open(bce_json_array *a, const char *z, size_t n);

/* The same cursor over a BLOB of SQLite's JSONB (src/jsonb.c): the same
** tokens, MALFORMED at the byte where the BLOB stops being a JSONB array
** of numbers, NOT_NUMBER with the element's bytes (header included). */
BCE_PRIVATE void bce_json_open_jsonb(bce_json_array *a, const char *z,
                                     size_t n);

/* The cursor's states past those of the text (src/json_array.c). */
enum { BCE_JSONB_BEFORE = 8, BCE_JSONB_IN, BCE_JSONB_CLOSED };

/* bce_json_open() or bce_json_open_jsonb(), as the argument's type says. */
static inline void bce_json_open_as(bce_json_array *a, const char *z, size_t n,
                                    int jsonb){
  if( jsonb ){
    bce_json_open_jsonb(a, z, n);
  }else{
    bce_json_open(a, z, n);
  }
}

/* Whether z[0..n) is one JSONB array, by its first header alone (its size
** fills the BLOB exactly): what makes a BLOB argument an array rather
** than a number's bytes.  The elements are checked as they are read. */
BCE_PRIVATE int bce_jsonb_is_array(const char *z, size_t n);

/* Whether z[0..n) is one JSONB object (its header fills the BLOB, its
** first element, if any, a text key): what jsonb('{...}') gives, for the
** error of options passed as JSONB. */
BCE_PRIVATE int bce_jsonb_is_object(const char *z, size_t n);

/* What the JSONB element z[0..n) is, for an error message: "null",
** "true", "false", "a string", "an array", "an object"; *payload and
** *size are a string's text. */
BCE_PRIVATE const char *bce_jsonb_describe(const char *z, size_t n,
                                           size_t *payload, size_t *size);

/* Whether a cursor reads JSONB (an error message words its bytes so). */
static inline int bce_json_is_jsonb(const bce_json_array *a){
  return a->state>=BCE_JSONB_BEFORE;
}

/* The next element.  After BCE_JSON_END every call returns it again; after
** an error the cursor is not to be used. */
BCE_PRIVATE bce_json_token bce_json_next(bce_json_array *a, double *x,
                                         size_t *at, size_t *len);

/* After bce_json_next() returned BCE_JSON_NOT_NUMBER for the element at
** (at, len): 1 if that element is JSON null, and then the cursor has moved
** past it and counted it as an element (a missing label of a multi-label
** row, src/arrays.c); 0, the cursor not to be used, for any other value. */
BCE_PRIVATE int bce_json_skip_null(bce_json_array *a, size_t at, size_t len);

/* bce_json_next() of a JSONB cursor. */
BCE_PRIVATE bce_json_token bce_jsonb_next(bce_json_array *a, double *x,
                                          size_t *at, size_t *len);

#endif
