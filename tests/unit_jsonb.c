/* SPDX-License-Identifier: MIT */
/*
** Unit tests of the JSONB cursor (src/jsonb.c).  The BLOBs come from
** SQLite's own jsonb() (tests/ref/jsonb_golden.h, made by
** tests/gen_jsonb_golden.sh), and each must give what the text cursor gives
** for the same JSON text, bit for bit; the JSON5 texts, which the text
** cursor refuses, are held to values written out below.  BLOBs jsonb() never
** writes (longer headers than needed, sizes past the end, reserved types)
** are built here from jsonb.html's rules.  Prints one "ok|name" or
** "FAIL|name|..." line per check, as the other unit tests do.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "../src/json_array.h"
#include "ref/jsonb_golden.h"

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

static int same_bits(double a, double b){
  return memcmp(&a, &b, sizeof a)==0;
}

/* What a cursor gives, to its end or its first error: the numbers, and a
** word for how it stopped ("E" end, "M@k" malformed at byte k, "S@k+n" no
** number at bytes k..k+n). */
typedef struct reading {
  double x[16000];
  int n;
  char stop[32];
} reading;

static void read_all(bce_json_array *a, reading *r){
  size_t at = 0, len = 0;
  r->n = 0;
  for(;;){
    double x = 0;
    switch( bce_json_next(a, &x, &at, &len) ){
      case BCE_JSON_NUMBER:
        if( r->n<(int)COUNT(r->x) ) r->x[r->n] = x;
        r->n++;
        continue;
      case BCE_JSON_END:
        snprintf(r->stop, sizeof r->stop, "E");
        return;
      case BCE_JSON_MALFORMED:
        snprintf(r->stop, sizeof r->stop, "M@%zu", at);
        return;
      default:
        snprintf(r->stop, sizeof r->stop, "S@%zu+%zu", at, len);
        return;
    }
  }
}

static size_t unhex(const char *hex, unsigned char *out){
  size_t n = 0;
  for(; hex[0] && hex[1]; hex+=2){
    unsigned v;
    sscanf(hex, "%2x", &v);
    out[n++] = (unsigned char)v;
  }
  return n;
}

static void read_blob(const unsigned char *b, size_t n, reading *r){
  bce_json_array a;
  bce_json_open_jsonb(&a, (const char*)b, n);
  read_all(&a, r);
}

static reading text_r, blob_r;
static unsigned char blob[80000];

/* Every golden BLOB whose text is RFC 8259 JSON reads as its text does. */
static void test_golden_as_text(void){
  size_t i;
  for(i=0; i<COUNT(jsonb_golden); i++){
    const char *t = jsonb_golden[i].text;
    bce_json_array a;
    size_t n = unhex(jsonb_golden[i].hex, blob);
    char name[120], why[160];
    int k, same;
    bce_json_open(&a, t, strlen(t));
    read_all(&a, &text_r);
    if( text_r.stop[0]=='M' ) continue;      /* JSON5: test_golden_json5 */
    read_blob(blob, n, &blob_r);
    same = text_r.n==blob_r.n && text_r.stop[0]==blob_r.stop[0];
    for(k=0; same && k<text_r.n && k<(int)COUNT(text_r.x); k++){
      same = same_bits(text_r.x[k], blob_r.x[k]);
    }
    snprintf(name, sizeof name, "jsonb: jsonb('%.60s') reads as the text",
             t);
    snprintf(why, sizeof why, "text %d numbers then %s, blob %d then %s",
             text_r.n, text_r.stop, blob_r.n, blob_r.stop);
    report(same, name, why);
  }
}

/* The JSON5 spellings jsonb() keeps (INT5, FLOAT5) or turns into others
** (Infinity into 9e999, NaN into null), by value. */
static void test_golden_json5(void){
  static const struct {
    const char *text;
    int n;
    double x[6];
    const char *stop;
  } want[] = {
    {"[Infinity, -Infinity]", 2, {INFINITY, -INFINITY}, "E"},
    /* 0xFFFFFFFFFFFFFFFFF = 2^68 - 1, nearest double 2^68 */
    {"[0x1F, -0x10, 0xFFFFFFFFFFFFFFFFF]", 3, {31, -16, 0x1p68}, "E"},
    {"[.5, 5., +1.5, +7, 1E2, 1.e3]", 6, {0.5, 5, 1.5, 7, 100, 1000}, "E"},
    {"[NaN]", 0, {0}, "S@1+1"},
  };
  size_t i, j;
  for(i=0; i<COUNT(want); i++){
    for(j=0; j<COUNT(jsonb_golden); j++){
      if( strcmp(jsonb_golden[j].text, want[i].text)==0 ) break;
    }
    {
      char name[120], why[160];
      int k, ok = j<COUNT(jsonb_golden);
      if( ok ){
        read_blob(blob, unhex(jsonb_golden[j].hex, blob), &blob_r);
        ok = blob_r.n==want[i].n && strcmp(blob_r.stop, want[i].stop)==0;
        for(k=0; ok && k<want[i].n; k++){
          ok = same_bits(blob_r.x[k], want[i].x[k]);
        }
      }
      snprintf(name, sizeof name, "jsonb: jsonb('%s') by value", want[i].text);
      snprintf(why, sizeof why, "%d numbers then %s", blob_r.n, blob_r.stop);
      report(ok, name, why);
    }
  }
}

/* BLOBs built from the spec: what SQLite would accept as JSONB but never
** writes, and what is not JSONB. */
static void test_built(void){
  static const struct {
    const char *name, *hex, *want;
  } cases[] = {
    {"a one-byte size for a payload of 6", "CB06133113321333", "E3"},
    {"a two-byte size", "DB000413311332", "E2"},
    {"a four-byte size", "EB0000000413311332", "E2"},
    {"an eight-byte size", "FB000000000000000413311332", "E2"},
    {"an element with an eight-byte size", "ABF3000000000000000131", "E1"},
    {"an element's longer header", "3BC30131", "E1"},
    {"nothing", "", "M@0"},
    {"a number, not an array", "1331", "M@0"},
    {"an object", "0C", "M@0"},
    {"a byte after the array", "0B00", "M@0"},
    {"a size past the end", "3B1331", "M@0"},
    {"a one-byte size cut off", "C3", "M@0"},
    {"an element's size past the array's end", "2B2331", "M@1"},
    {"a reserved element type", "1B0D", "M@1"},
    {"an INT with no digit", "1B03", "M@1"},
    {"an INT that is JSON5", "3B232B31", "M@1"},
    {"an INT with a byte after it", "3B233178", "M@1"},
    {"a FLOAT5 that is NaN", "4B364E614E", "M@1"},
    {"a FLOAT5 with a space", "4B36312032", "M@1"},
    {"a FLOAT5 with two signs", "4B362D2D31", "M@1"},
    {"a FLOAT5 with only a point", "2B162E", "M@1"},
    {"an INT5 0x with no digit", "3B243078", "M@1"},
    {"an INT5 with a bad hex digit", "4B34307847", "M@1"},
    {"a string element", "3B27612C", "S@1+3"},
    {"a nested array after a number", "4B13311B00", "S@3+2"},
    {"an empty array", "0B", "E0"},
  };
  size_t i;
  for(i=0; i<COUNT(cases); i++){
    char name[120], got[48];
    size_t n = unhex(cases[i].hex, blob);
    read_blob(blob, n, &blob_r);
    if( blob_r.stop[0]=='E' ){
      snprintf(got, sizeof got, "E%d", blob_r.n);
    }else{
      snprintf(got, sizeof got, "%s", blob_r.stop);
    }
    snprintf(name, sizeof name, "jsonb: %s -> %s", cases[i].name,
             cases[i].want);
    report(strcmp(got, cases[i].want)==0, name, got);
  }
  {
    /* after the end, the end again, as the text cursor does */
    bce_json_array a;
    size_t at, len;
    double x;
    bce_json_open_jsonb(&a, "\x0b", 1);
    report(bce_json_next(&a, &x, &at, &len)==BCE_JSON_END
           && bce_json_next(&a, &x, &at, &len)==BCE_JSON_END
           && bce_json_is_jsonb(&a),
           "jsonb: the end, read twice, is the end", "");
  }
  {
    /* hexadecimal past 53 bits: ties to even, and past 64 bits a digit
    ** that only the sticky bit remembers (values: Python's float(int(s,
    ** 16)), correctly rounded) */
    static const struct { const char *digits; double want; } h[] = {
      {"20000000000001", 0x1p53},
      {"20000000000003", 0x1.0000000000002p+53},
      {"100000000000008000", 0x1p68},
      {"100000000000008001", 0x1.0000000000001p+68},
    };
    size_t k;
    for(k=0; k<COUNT(h); k++){
      char name[96];
      size_t len = 2 + strlen(h[k].digits);
      /* an array of one INT5, both with a one-byte size */
      blob[0] = 0xcb;
      blob[1] = (unsigned char)(len + 2);
      blob[2] = 0xc4;
      blob[3] = (unsigned char)len;
      memcpy(blob + 4, "0x", 2);
      memcpy(blob + 6, h[k].digits, len - 2);
      read_blob(blob, len + 4, &blob_r);
      snprintf(name, sizeof name, "jsonb: INT5 0x%s rounds to %a",
               h[k].digits, h[k].want);
      report(blob_r.n==1 && same_bits(blob_r.x[0], h[k].want), name,
             blob_r.stop);
    }
  }
}

/* The JSON5 payloads SQLite's jsonb() normalizes away but jsonb.html lets
** a BLOB hold (3.2): INT5 and FLOAT5 elements written here byte by byte,
** each an array of one element.  The values are the numbers the texts name
** (JSON5's grammar; hex as Python's float(int(s, 16)), correctly rounded);
** a payload outside the grammar is malformed at its element, byte 1. */
static void test_json5_payloads(void){
  static const struct {
    const char *name;
    int type;              /* 4 INT5, 6 FLOAT5 */
    const char *payload;
    double want;           /* when ok */
    int ok;
  } c[] = {
    {"INT5 +1 (a plus sign)", 4, "+1", 1.0, 1},
    {"INT5 0X1F (upper-case X)", 4, "0X1F", 31.0, 1},
    {"INT5 0x1f (lower-case digits)", 4, "0x1f", 31.0, 1},
    {"INT5 -0xab", 4, "-0xab", -171.0, 1},
    {"INT5 123 (decimal, no 0x)", 4, "123", 123.0, 1},
    {"INT5 007 (a 0 not followed by x)", 4, "007", 7.0, 1},
    /* 2^54 + 1 keeps 53 bits: the bits shifted out are below half */
    {"INT5 0x40000000000001 rounds down", 4, "0x40000000000001", 0x1p54, 1},
    {"FLOAT5 Infinity (no sign)", 6, "Infinity", INFINITY, 1},
    {"FLOAT5 -Infinity", 6, "-Infinity", -INFINITY, 1},
    {"FLOAT5 +Infinity", 6, "+Infinity", INFINITY, 1},
    {"FLOAT5 1E2", 6, "1E2", 100.0, 1},
    {"FLOAT5 1e+2", 6, "1e+2", 100.0, 1},
    {"FLOAT5 1E+2", 6, "1E+2", 100.0, 1},
    {"FLOAT5 2.5E-1", 6, "2.5E-1", 0.25, 1},
    {"INT5 with no payload", 4, "", 0, 0},
    {"FLOAT5 Infinitx (8 bytes, not Infinity)", 6, "Infinitx", 0, 0},
    {"FLOAT5 + alone", 6, "+", 0, 0},
    {"FLOAT5 1.+2 (a sign after no exponent)", 6, "1.+2", 0, 0},
    {"INT5 0x-1 (a byte below '0')", 4, "0x-1", 0, 0},
    {"INT5 0x1g (a byte past 'f')", 4, "0x1g", 0, 0},
    {"INT5 0x1@ (a byte between '9' and 'A')", 4, "0x1@", 0, 0},
  };
  size_t i;
  for(i=0; i<COUNT(c); i++){
    char name[120], why[80];
    size_t len = strlen(c[i].payload);
    blob[0] = 0xcb;                        /* ARRAY, one-byte size */
    blob[1] = (unsigned char)(len + 2);
    blob[2] = (unsigned char)(0xc0 | c[i].type);
    blob[3] = (unsigned char)len;
    memcpy(blob + 4, c[i].payload, len);
    read_blob(blob, len + 4, &blob_r);
    snprintf(name, sizeof name, "jsonb: %s -> %s", c[i].name,
             c[i].ok ? "its value" : "malformed at its element, offset 2");
    snprintf(why, sizeof why, "%d numbers (%a) then %s", blob_r.n,
             blob_r.n ? blob_r.x[0] : 0.0, blob_r.stop);
    report(c[i].ok ? blob_r.n==1 && same_bits(blob_r.x[0], c[i].want)
                     && strcmp(blob_r.stop, "E")==0
                   : blob_r.n==0 && strcmp(blob_r.stop, "M@2")==0, name, why);
  }
  {
    /* an element whose one-byte size is cut off by the array's end, with
    ** bytes after the BLOB (inside this buffer) that would read as the
    ** size 1 and the INT 5: nothing past the end may be read */
    blob[0] = 0x1b;                        /* ARRAY of 1 byte */
    blob[1] = 0xc3;                        /* INT, size in the next byte */
    blob[2] = 0x01;
    blob[3] = '5';
    read_blob(blob, 2, &blob_r);
    report(blob_r.n==0 && strcmp(blob_r.stop, "M@1")==0,
           "jsonb: an element's size byte past the array's end -> M@1",
           blob_r.stop);
  }
  {
    /* INT5 "-0" then a string whose header byte is 'X' (0x58, TEXTJ of 5
    ** bytes): the '0' is the payload's last byte, so the 'X' after it is
    ** no "0x" prefix; -0, then the string */
    static const unsigned char b[] = {0x9b, 0x24, '-', '0', 0x58,
                                      'a', 'b', 'c', 'd', 'e', 'z'};
    memcpy(blob, b, sizeof b);
    read_blob(blob, sizeof b - 1, &blob_r);
    report(blob_r.n==1 && same_bits(blob_r.x[0], -0.0)
           && strcmp(blob_r.stop, "S@4+6")==0,
           "jsonb: INT5 -0 before a header byte 'X' is -0, not hex", blob_r.stop);
  }
  {
    /* 300 hex digits: past 2^1100 the count of places stops growing, and
    ** the value is +Inf (2^1196 and more) */
    size_t len = 302, k;
    blob[0] = 0xdb;                        /* ARRAY, two-byte size */
    blob[1] = (unsigned char)((len + 3) >> 8);
    blob[2] = (unsigned char)((len + 3) & 0xff);
    blob[3] = 0xd4;                        /* INT5, two-byte size */
    blob[4] = (unsigned char)(len >> 8);
    blob[5] = (unsigned char)(len & 0xff);
    memcpy(blob + 6, "0x", 2);
    for(k=0; k<len - 2; k++) blob[8 + k] = (unsigned char)(k ? '0' : '1');
    read_blob(blob, len + 6, &blob_r);
    report(blob_r.n==1 && same_bits(blob_r.x[0], INFINITY)
           && strcmp(blob_r.stop, "E")==0,
           "jsonb: INT5 0x1 and 299 zeros (16^299) is +Inf", blob_r.stop);
  }
}

int main(void){
  test_golden_as_text();
  test_golden_json5();
  test_built();
  test_json5_payloads();
  return failures!=0;
}
