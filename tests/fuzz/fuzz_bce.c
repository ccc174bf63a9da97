/* SPDX-License-Identifier: MIT */
/*
** libFuzzer target: every SQL function of the extension, called through a
** real in-memory SQLite connection with arguments of every type and value
** taken from the fuzz input, as a scalar, an aggregate and a window.
**
** The functions are not named here: the target lists pragma_function_list
** on a connection without the extension and on one with it, and fuzzes the
** difference, so a function registered later is covered without a change.
**
** Besides the sanitizers (address, undefined), it checks properties every
** function of the extension promises (docs/functions.md, "Rules"); a
** broken one aborts with the statement and the values, which libFuzzer
** saves:
**
**  (a) a scalar with a NULL argument returns NULL, not an error; one with
**      no NULL argument returns a non-NULL value or an error (a NaN would
**      come back as NULL, so this also catches NaN results);
**  (b) an error raised while stepping names the function: "name(): ...",
**      and is valid UTF-8 when every text argument is;
**  (c) a scalar gives the same result twice (they are DETERMINISTIC);
**  (d) an aggregate gives the same bits whatever the order of its rows,
**      or fails both ways (the sums are exact);
**  (e) every window frame, of every shape (ROWS, RANGE, GROUPS, EXCLUDE,
**      PARTITION BY, empty), gives the same bits as a fresh aggregate over
**      the frame's rows (rule 8), and OVER () the same as the plain
**      aggregate;
**  (f) over valid rows (mode V below) no statement fails, and merged
**      states give the bits of their aggregate;
**  (g) a damaged state is an error naming the function (mode S below).
**
** Built two ways (Makefile):
**   make fuzz        clang -fsanitize=fuzzer,address,undefined: libFuzzer
**   -DFUZZ_MAIN      a plain main(): fuzz_bce_main LIB FILE... runs each
**                    file once (gcc, valgrind, reproducing a crash)
** The libFuzzer build compiles the extension's sources in (-DSQLITE_CORE)
** and registers them with sqlite3_auto_extension(sqlite3_bce_init); the
** plain one loads the built library with sqlite3_load_extension.
**
** Input layout (every read past the end gives 0):
**   byte 0       which function (index into the sorted list); from 0xc0
**                on, mode V (valid rows, bit 5 clear) or S (damaged
**                states, bit 5 set), read as their comments say
**   byte 1       the shape of the statement (see run_input)
**   byte 2, 3    frame bounds / group count / variadic arity
**   byte 4       number of rows (1..16)
**   then, row by row and argument by argument, one value (read_value;
**                a BLOB may be JSONB: one of interesting_jsonb, or up to
**                63 bytes that seeds make a JSONB array)
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#ifndef FUZZ_MAIN
int sqlite3_bce_init(sqlite3 *db, char **pzErrMsg,
                     const sqlite3_api_routines *pApi);
#endif

#define MAX_FN    64
#define MAX_ROWS  16
#define MAX_ARGS  6
#define MAX_SQL   8192

typedef struct Fn {
  char name[64];
  int nArg;       /* -1: any number */
  char type;      /* 's' scalar, 'a' aggregate, 'w' window */
} Fn;

static Fn fns[MAX_FN];
static int nFn;
static sqlite3 *db;

/* ------------------------------------------------------------- the input */
typedef struct In {
  const uint8_t *p;
  size_t n;
} In;

static unsigned get8(In *in){
  if( in->n==0 ) return 0;
  in->n--;
  return *in->p++;
}

static uint64_t get64(In *in){
  uint64_t v = 0;
  int i;
  for(i=0; i<8; i++) v = (v << 8) | get8(in);
  return v;
}

typedef struct Val {
  int type;             /* SQLITE_NULL, _INTEGER, _FLOAT, _TEXT, _BLOB */
  sqlite3_int64 i;
  double d;
  char buf[256];        /* text or blob bytes: a state's hex fits, and the
                        ** arrays of valid rows (more than the 63 raw bytes
                        ** an input gives) */
  int n;                /* their length */
  int utf16;            /* text bound with sqlite3_bind_text16 */
  int zero;             /* blob bound with sqlite3_bind_zeroblob */
} Val;

static const sqlite3_int64 interesting_int[] = {
  0, 1, -1, 2, 3, 1000, -1000, INT64_MAX, INT64_MIN,
  (sqlite3_int64)1 << 53, ((sqlite3_int64)1 << 53) + 1, 4294967296LL,
};

static const double interesting_real[] = {
  0.0, -0.0, 0.5, 1.0, 0.25, 0.75, 0.3, 0.1, 0.9, 2.7, -0.5, 1.5,
  1e-15, 1e-15 * (1 + 0x1p-52), 1.0 - 1e-15, 0x1p-52, 1.0 - 0x1p-52, 0x1p-53,
  1.0 - 0x1p-53, 0.49999999999999994, 0x1p-1074, -0x1p-1074, 0x1p-1022,
  0x1p-1022 - 0x1p-1074, 1e-300, 1e-7, 1.7976931348623157e308,
  -1.7976931348623157e308, 1e308, INFINITY, -INFINITY, 709.0, 710.0,
  -709.0, -710.0, -745.0, -746.0, 36.7, -36.7, 1e300, -1e300,
  1.0000000000000002, 4.0,
};

static const char *const interesting_text[] = {
  "0.5", " 1e-3 ", "1", "0", "-0", "0.0", "1e999", "-1e999", "0x10",
  "abc", "", " ", "0.5abc", "1e", ".5", "5.", "+0.5", "--1", "nan", "NaN",
  "inf", "Infinity", "1e-400", "4.9e-324", "\t0.25\n", "1.0000000000000002",
  "9223372036854775807", "9223372036854775808", "-9223372036854775809",
  "[0.1, 0.9]", "[]", "[1, 0, 1]", "[0.5, \"x\"]", "[1e999]", "[[0.5]]",
  "{\"y\": 1}", "null", "true", "[0.2,0.4,", "\"0.5\"",
  /* rows of the multi-class functions: distributions, logits at the
  ** infinities, a row that sums to 0.9, class indices as text */
  "[0.2, 0.3, 0.5]", "[0, 1, 0]", "[1e-300, 0.5, 0.5]", "[0.4, 0.5]",
  "[1e999, 0, -1e999]", "[-1e999, -1e999]", "[1e300, -1e300, 0]",
  "[0.25, 0.25, 0.25, 0.25]", "2", "2.0", "[1e999, 1e999]",
  "a very long text that is certainly not a probability at all",
  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
  "\xc3\xa9\xc3\xa9\xc3\xa9",
  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac",
  /* partial states as hex() writes them (tests/sql/state_golden.sql):
  ** bce_logits_state(0, 0), the worked example's bce_state(y, p) and
  ** bce_state(y, p, w), and the first with one bit changed */
  "424345011C0002000100031F000000E03D47DF5FC8C502001B5E10FA",
  "42434501240001001656E79EAF03D23C0400031F000000806A9B33BAA0C40D00B0694307",
  "424345012D0001011656E79EAF03D23C04030000031F000000A070D4CC570A861C00012100001800004BDC3E06",
  "424345011C0002000100031F000010E03D47DF5FC8C502001B5E10FA",
  /* version 2 (with options): bce_logits_state(0, 0), and states of
  ** reduction "sum" and of class_weight [0.1, 0.7, 1/3]
  ** (tests/ref/state_golden_v2.h, tests/errors.tsv) */
  "424345021F0000000200000100031F000000E03D47DF5FC8C50200B3E8B2C1",
  "424345022100000002008001010100031F000000E03D47DF5FC8C50200BC4EE003",
  "42434502550000000301211656E79EAF03D23C039A9999999999B93F666666666666E63F555555555555D53F05040000031F0000001636A7BB300A1D0800041E2058F28B25BF58BA58F28B25BF980A000057383692",
  /* the scores' states (codes 05-07, tests/sql/state_golden_scores.sql):
  ** bce_d2_state with pos_weight and smoothing, cce_d2_state(y, p, w),
  ** kl_div_state with smoothing and eps */
  "424345025100000005010748AFBC9AF2D77A3E0000000000000008409A9999999999B93F060500000220AA3A32D525815400012100001F0000012100001F00031F00000030333333333333130059839DA7",
  "4243450259000000060101000000000000B03C05040000031F00000070A11D5A3A14D20D000121000013000001210000130003031F000000686666666666660400012100000E00031F0000009899999999999900005989342D",
  "424345023C000000070105FCA9F1D24D62503F9A9999999999B93F040000041EA6FBC8AD74C18015796B88844A090A000000012100001B009F19131D",
  /* flag bit 1, a tiny weight sum: cce_logits_state of class weights
  ** [1e-310, 0.5, 5e-324] (tests/sql/state_golden.sql) */
  "42434502E8000000040320032BE6708B68120000000000000000E03F0100000000000000"
  "04040003031F000000101ECEBD2ADF300000220003000000000000000000000000000000"
  "000000000000000000000000000000000000000000000000000000000000000000000000"
  "000000000000000000000000000000000000000000000000000000000000000000000000"
  "000000000000000000000000000000000000000000000000000000000000000000000000"
  "000000989999999999990000041F000000F08E8F5419B2C97DAB5DA6822E041F000000F0"
  "6B454ECF30BD29B0ED968A6973BA3CE4",
};

/* JSONB BLOBs (SQLite >= 3.45's binary JSON, read by src/jsonb.c): arrays
** of numbers of every kind (INT, FLOAT, INT5, FLOAT5), headers of every
** size width, and what is not an array of numbers (a string, a nested
** array, an object, a byte over, a size past the end, a reserved type).
** Written by hand: Debian 12's SQLite has no jsonb() to make them. */
typedef struct Jsonb { const char *z; int n; } Jsonb;
static const Jsonb interesting_jsonb[] = {
  { "\x8b\x35\x30\x2e\x31\x35\x30\x2e\x39", 9 }, /* [0.1,0.9] */
  { "\x6b\x13\x31\x13\x30\x13\x31", 7 }, /* [1,0,1] */
  { "\xcb\x0c\x35\x30\x2e\x32\x35\x30\x2e\x33\x35\x30\x2e\x35", 14 }, /* [0.2,0.3,0.5] */
  { "\xcb\x14\x45\x30\x2e\x32\x35\x45\x30\x2e\x32\x35\x45\x30\x2e\x32\x35\x45\x30\x2e\x32\x35", 22 }, /* [0.25 x4] */
  { "\x0b", 1 }, /* [] */
  { "\x6b\x13\x30\x13\x31\x13\x30", 7 }, /* [0,1,0] */
  { "\xcb\x0f\x55\x31\x65\x39\x39\x39\x13\x30\x65\x2d\x31\x65\x39\x39\x39", 17 }, /* [1e999,0,-1e999] */
  { "\xcb\x0f\x55\x31\x65\x33\x30\x30\x65\x2d\x31\x65\x33\x30\x30\x13\x30", 17 }, /* [1e300,-1e300,0] */
  { "\xcb\x11\x45\x2d\x30\x2e\x35\x65\x31\x65\x2d\x33\x30\x30\x45\x30\x2e\x37\x35", 19 }, /* [-0.5,1e-300,0.75] */
  { "\x5b\x44\x30\x78\x31\x30", 6 }, /* [0x10] INT5 */
  { "\x6b\x26\x2e\x35\x24\x2b\x31", 7 }, /* [.5,+1] FLOAT5 INT5 */
  { "\xcb\x13\x86\x49\x6e\x66\x69\x6e\x69\x74\x79\x96\x2d\x49\x6e\x66\x69\x6e\x69\x74\x79", 21 }, /* [Infinity,-Infinity] FLOAT5 */
  { "\xcb\x04\x35\x30\x2e\x35", 6 }, /* [0.5] 1-byte size */
  { "\xfb\x00\x00\x00\x00\x00\x00\x00\x0c\xf5\x00\x00\x00\x00\x00\x00\x00\x03\x30\x2e\x35", 21 }, /* [0.5] 8-byte sizes */
  { "\x6b\x35\x30\x2e\x35\x17\x78", 7 }, /* [0.5,"x"] TEXT */
  { "\x3b\x00\x01\x02", 4 }, /* [null,true,false] */
  { "\x5b\x4b\x35\x30\x2e\x35", 6 }, /* [[0.5]] nested */
  { "\x4c\x17\x79\x13\x31", 5 }, /* {"y":1} object */
  { "\x35\x30\x2e\x35", 4 }, /* 0.5 not an array */
  { "\x4b\x35\x30\x2e\x35\x00", 6 }, /* [0.5] a byte over */
  { "\x5b\x35\x30\x2e", 4 }, /* [0.5] size past the end */
  { "\x8b\x35\x30\x2e\x34\x35\x30\x2e\x35", 9 }, /* [0.4,0.5] sums to 0.9 */
  { "\x4b\x3d\x30\x2e\x35", 5 }, /* [0.5] reserved type 13 */
  { "\x4b\x38\x30\x2e\x35", 5 }, /* ["0.5"] TEXTJ */
  { "\xcb\x14\xc5\x12\x31\x2e\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x30\x32", 22 }, /* [1.0000000000000002] */
  { "\xcb\x10\x85\x34\x2e\x39\x65\x2d\x33\x32\x34\x65\x31\x65\x2d\x34\x30\x30", 18 }, /* [4.9e-324,1e-400] */
};

#define COUNT(a) ((int)(sizeof(a)/sizeof((a)[0])))

/* A double in [0, 1] from 8 bytes, spread over every binade: most raw bit
** patterns are outside the functions' domains, and this reaches the
** arithmetic instead of the error path. */
static double unit_double(uint64_t v){
  double m = (double)(v >> 11) * 0x1p-53;          /* [0, 1) */
  int shift = (int)(v & 0x3ff) % 1080;
  double x = ldexp(m, -shift);
  return (v & 0x400) ? 1.0 - x : x;
}

static void read_value(In *in, Val *v){
  unsigned t = get8(in);
  int i, n;
  memset(v, 0, sizeof *v);
  switch( t % 10 ){
    case 0:
      v->type = SQLITE_NULL;
      break;
    case 1:
      v->type = SQLITE_INTEGER;
      v->i = interesting_int[get8(in) % COUNT(interesting_int)];
      break;
    case 2:
      v->type = SQLITE_INTEGER;
      v->i = (sqlite3_int64)get64(in);
      if( t & 0x80 ) v->i = (int8_t)v->i;   /* small ones are likelier */
      break;
    case 3:
      v->type = SQLITE_FLOAT;
      v->d = interesting_real[get8(in) % COUNT(interesting_real)];
      break;
    case 4: {
      uint64_t bits = get64(in);        /* any bit pattern: NaN, subnormal */
      v->type = SQLITE_FLOAT;
      memcpy(&v->d, &bits, sizeof bits);
      break;
    }
    case 5:
    case 6:
      v->type = SQLITE_FLOAT;
      v->d = unit_double(get64(in));
      break;
    case 7: {
      const char *s = interesting_text[get8(in) % COUNT(interesting_text)];
      v->type = SQLITE_TEXT;
      v->n = (int)strlen(s);
      if( v->n>=(int)sizeof v->buf ) v->n = (int)sizeof v->buf - 1;
      memcpy(v->buf, s, (size_t)v->n);
      v->utf16 = (t & 0x80)!=0;
      break;
    }
    case 8:
      /* text from the input, possibly not UTF-8, possibly with a NUL */
      v->type = SQLITE_TEXT;
      n = (int)(get8(in) % 64);
      for(i=0; i<n; i++) v->buf[i] = (char)get8(in);
      v->n = n;
      break;
    default:
      v->type = SQLITE_BLOB;
      if( (t/10)%4==1 ){                /* 19, 59, ...: a JSONB of the list */
        const Jsonb *j = &interesting_jsonb[get8(in) % COUNT(interesting_jsonb)];
        memcpy(v->buf, j->z, (size_t)j->n);
        v->n = j->n;
        break;
      }
      /* 29, 69, ...: up to 63 bytes, room for a JSONB array of a few
      ** numbers that libFuzzer can edit; else up to 16 */
      n = (int)(get8(in) % ((t/10)%4==2 ? 64 : 17));
      for(i=0; i<n; i++) v->buf[i] = (char)get8(in);
      v->n = n;
      v->zero = (t & 0x80)!=0;
      break;
  }
}

static int bind_value(sqlite3_stmt *st, int idx, const Val *v){
  switch( v->type ){
    case SQLITE_INTEGER: return sqlite3_bind_int64(st, idx, v->i);
    case SQLITE_FLOAT:   return sqlite3_bind_double(st, idx, v->d);
    case SQLITE_TEXT:
      if( v->utf16 ){
        /* the interesting texts are UTF-8; widen them for bind_text16 */
        uint16_t w[64];
        int i, n = 0;
        for(i=0; i<v->n && n<64; i++){
          unsigned c = (unsigned char)v->buf[i];
          if( c>=0xc0 && i+1<v->n ){
            c = ((c & 0x1f) << 6) | ((unsigned char)v->buf[i+1] & 0x3f);
            i++;
          }
          w[n++] = (uint16_t)c;
        }
        return sqlite3_bind_text16(st, idx, w, n*2, SQLITE_TRANSIENT);
      }
      return sqlite3_bind_text(st, idx, v->buf, v->n, SQLITE_TRANSIENT);
    case SQLITE_BLOB:
      if( v->zero ) return sqlite3_bind_zeroblob(st, idx, v->n);
      return sqlite3_bind_blob(st, idx, v->buf, v->n, SQLITE_TRANSIENT);
    default:             return sqlite3_bind_null(st, idx);
  }
}

/* ----------------------------------------------------------- statements */
typedef struct Case {
  const Fn *fn;
  int nArg;
  int nRow;
  int group[MAX_ROWS];          /* the column g of each row */
  Val arg[MAX_ROWS][MAX_ARGS];
  int anyBadUtf8;               /* some text argument is not valid UTF-8 */
  int valid;                    /* every row valid: no statement may fail */
} Case;

typedef struct Sql {
  char z[MAX_SQL];
  size_t n;
} Sql;

static void add(Sql *s, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

#include <stdarg.h>
static void add(Sql *s, const char *fmt, ...){
  va_list ap;
  int k;
  va_start(ap, fmt);
  k = vsnprintf(s->z + s->n, sizeof s->z - s->n, fmt, ap);
  va_end(ap);
  if( k<0 || (size_t)k>=sizeof s->z - s->n ) abort();  /* cannot happen */
  s->n += (size_t)k;
}

/* WITH r(k, g, a1, .., aN) AS (VALUES (1, g, ?, ..), ..), rows in order or
** reversed; argument j of row i is parameter i*nArg + j + 1 either way. */
static void add_rows(Sql *s, const Case *c, int reversed){
  int i, j;
  add(s, "WITH r(k, g");
  for(j=0; j<c->nArg; j++) add(s, ", a%d", j+1);
  add(s, ") AS (VALUES ");
  for(i=0; i<c->nRow; i++){
    int row = reversed ? c->nRow-1-i : i;
    add(s, "%s(%d, %d", i ? ", " : "", row+1, c->group[row]);
    for(j=0; j<c->nArg; j++) add(s, ", ?%d", row*c->nArg + j + 1);
    add(s, ")");
  }
  add(s, ") ");
}

static void add_call(Sql *s, const Case *c){
  int j;
  add(s, "\"%s\"(", c->fn->name);
  for(j=0; j<c->nArg; j++) add(s, "%sa%d", j ? ", " : "", j+1);
  add(s, ")");
}

/* One result value, kept for comparison. */
typedef struct Res {
  int type;
  sqlite3_int64 i;
  double d;
  char text[64];        /* the first bytes of a text or blob, to print */
  int n;                /* its length */
  uint64_t hash;        /* FNV-1a of all its bytes, to compare */
} Res;

static int same_res(const Res *a, const Res *b){
  if( a->type!=b->type ) return 0;
  switch( a->type ){
    case SQLITE_INTEGER: return a->i==b->i;
    case SQLITE_FLOAT:   return memcmp(&a->d, &b->d, sizeof a->d)==0;
    case SQLITE_NULL:    return 1;
    default:             return a->n==b->n && a->hash==b->hash;
  }
}

static void get_res(sqlite3_stmt *st, int col, Res *r){
  memset(r, 0, sizeof *r);
  r->type = sqlite3_column_type(st, col);
  if( r->type==SQLITE_INTEGER ) r->i = sqlite3_column_int64(st, col);
  if( r->type==SQLITE_FLOAT ) r->d = sqlite3_column_double(st, col);
  if( r->type==SQLITE_TEXT || r->type==SQLITE_BLOB ){
    const unsigned char *z = r->type==SQLITE_BLOB
        ? sqlite3_column_blob(st, col) : sqlite3_column_text(st, col);
    int k;
    r->n = sqlite3_column_bytes(st, col);
    r->hash = 0xcbf29ce484222325u;
    for(k=0; k<r->n; k++) r->hash = (r->hash ^ z[k]) * 0x100000001b3u;
    snprintf(r->text, sizeof r->text, "%.*s", r->n, z ? (const char*)z : "");
  }
}

static void print_val(const Val *v){
  int i;
  switch( v->type ){
    case SQLITE_NULL:    fprintf(stderr, "NULL"); break;
    case SQLITE_INTEGER: fprintf(stderr, "%lld", (long long)v->i); break;
    case SQLITE_FLOAT:   fprintf(stderr, "%a", v->d); break;
    default:
      fprintf(stderr, "%s%s'", v->type==SQLITE_BLOB ? "x" : "",
              v->utf16 ? "u16" : v->zero ? "zero" : "");
      for(i=0; i<v->n; i++) fprintf(stderr, "\\x%02x", (unsigned char)v->buf[i]);
      fprintf(stderr, "'");
  }
}

static void die(const Case *c, const char *sql, const char *why){
  int i, j;
  fprintf(stderr, "\nfuzz_bce: %s\n  statement: %s\n  rows:\n", why, sql);
  for(i=0; i<c->nRow; i++){
    fprintf(stderr, "    k=%d g=%d:", i+1, c->group[i]);
    for(j=0; j<c->nArg; j++){
      fprintf(stderr, " ");
      print_val(&c->arg[i][j]);
    }
    fprintf(stderr, "\n");
  }
  abort();
}

static int valid_utf8(const unsigned char *z){
  while( *z ){
    int n = *z<0x80 ? 0 : (*z & 0xe0)==0xc0 ? 1 : (*z & 0xf0)==0xe0 ? 2
          : (*z & 0xf8)==0xf0 ? 3 : -1;
    if( n<0 ) return 0;
    z++;
    while( n-- ){
      if( (*z & 0xc0)!=0x80 ) return 0;
      z++;
    }
  }
  return 1;
}

/* Runs sql with the case's parameters bound; the first column of each row
** goes to out[] (up to max).  Returns the number of rows, or -1 when the
** statement failed while stepping (then rule (b) has been checked). */
static int run_cols(const Case *c, const char *sql, Res *out, Res *second,
                    int max){
  sqlite3_stmt *st = 0;
  int i, j, rc, n = 0;
  if( sqlite3_prepare_v2(db, sql, -1, &st, 0)!=SQLITE_OK ){
    char why[300];
    snprintf(why, sizeof why, "cannot prepare: %s", sqlite3_errmsg(db));
    die(c, sql, why);
  }
  for(i=0; i<c->nRow; i++){
    for(j=0; j<c->nArg; j++){
      if( bind_value(st, i*c->nArg + j + 1, &c->arg[i][j])!=SQLITE_OK ){
        die(c, sql, "cannot bind");
      }
    }
  }
  while( (rc = sqlite3_step(st))==SQLITE_ROW ){
    if( n<max ) get_res(st, sqlite3_column_count(st)-1, &out[n]);
    if( n<max && second ) get_res(st, 1, &second[n]);
    n++;
  }
  if( rc!=SQLITE_DONE ){
    const char *msg = sqlite3_errmsg(db);
    size_t len = strlen(c->fn->name);
    if( rc==SQLITE_ERROR && !(strncmp(msg, c->fn->name, len)==0
                              && strncmp(msg+len, "(): ", 4)==0) ){
      char why[600];
      snprintf(why, sizeof why, "error does not name the function: %s", msg);
      die(c, sql, why);
    }
    if( !c->anyBadUtf8 && !valid_utf8((const unsigned char*)msg) ){
      die(c, sql, "error message is not valid UTF-8");
    }
    if( c->valid ) die(c, sql, "valid rows gave an error");
    n = -1;
  }
  sqlite3_finalize(st);
  return n;
}

static int run(const Case *c, const char *sql, Res *out, int max){
  return run_cols(c, sql, out, 0, max);
}

/* A NaN bound with sqlite3_bind_double is stored as NULL by SQLite. */
static int row_has_null(const Case *c, int row){
  int j;
  for(j=0; j<c->nArg; j++){
    const Val *v = &c->arg[row][j];
    if( v->type==SQLITE_NULL || (v->type==SQLITE_FLOAT && isnan(v->d)) ){
      return 1;
    }
  }
  return 0;
}

/* y as a JSON array with no labelled element: TEXT "[null, ...]", or a
** JSONB ARRAY whose every element has type 0 (jsonb.html 3.2: a null,
** whose payload is kept for later types and not looked into, as
** src/jsonb.c reads it).  Such a row counts as a NULL row
** (docs/functions.md, missing labels): bce_term gives NULL for it. */
static int jsonb_header(const unsigned char *b, int n, int at, int *type,
                        int *start, int *size){
  int code, k, len;
  sqlite3_uint64 sz = 0;
  if( at>=n ) return 0;
  *type = b[at] & 0x0f;
  code = b[at] >> 4;
  len = code<12 ? 0 : 1 << (code - 12);
  if( at + 1 + len > n ) return 0;
  if( code<12 ){
    sz = (sqlite3_uint64)code;
  }else{
    for(k=0; k<len; k++) sz = (sz << 8) | b[at + 1 + k];
  }
  *start = at + 1 + len;
  if( sz > (sqlite3_uint64)(n - *start) ) return 0;
  *size = (int)sz;
  return 1;
}

static int all_missing_labels(const Val *v){
  const unsigned char *b = (const unsigned char*)v->buf;
  int n = v->n, i = 0, count = 0;
  if( v->type==SQLITE_TEXT && !v->utf16 ){
#define FUZZ_BLANK(ch) ((ch)==' ' || (ch)=='\t' || (ch)=='\n' || (ch)=='\r')
    while( i<n && FUZZ_BLANK(b[i]) ) i++;
    if( i>=n || b[i]!='[' ) return 0;
    for(i++;;){
      while( i<n && FUZZ_BLANK(b[i]) ) i++;
      if( i + 4 > n || memcmp(b + i, "null", 4)!=0 ) return 0;
      count++;
      for(i+=4; i<n && FUZZ_BLANK(b[i]); i++){}
      if( i<n && b[i]==',' ){ i++; continue; }
      if( i<n && b[i]==']' ) break;
      return 0;
    }
    for(i++; i<n && FUZZ_BLANK(b[i]); i++){}
#undef FUZZ_BLANK
    return i==n && count>0;
  }
  if( v->type==SQLITE_BLOB && !v->zero ){
    int type, start, size, end;
    if( !jsonb_header(b, n, 0, &type, &start, &size) || type!=11
     || start + size!=n ){
      return 0;
    }
    for(i=start, end=start+size; i<end; i=start+size, count++){
      if( !jsonb_header(b, end, i, &type, &start, &size) || type!=0 ) return 0;
    }
    return count>0;
  }
  return 0;
}

/* (a), (c): a scalar over every row, twice. */
static void fuzz_scalar(const Case *c){
  Sql s = {{0}, 0};
  Res a[MAX_ROWS], b[MAX_ROWS];
  int n, m, i;
  add_rows(&s, c, 0);
  add(&s, "SELECT k, ");
  add_call(&s, c);
  add(&s, " FROM r ORDER BY k");
  n = run(c, s.z, a, MAX_ROWS);
  m = run(c, s.z, b, MAX_ROWS);
  if( n!=m ) die(c, s.z, "a scalar succeeded once and failed once");
  for(i=0; i<n; i++){
    if( !same_res(&a[i], &b[i]) ) die(c, s.z, "a scalar is not deterministic");
    if( row_has_null(c, i) && a[i].type!=SQLITE_NULL ){
      die(c, s.z, "a NULL argument did not give NULL");
    }
    if( !row_has_null(c, i) && a[i].type==SQLITE_NULL
     && !all_missing_labels(&c->arg[i][0]) ){
      die(c, s.z, "NULL (or NaN) from arguments that are not NULL");
    }
  }
  if( n<0 ){
    /* the error came from a row with no NULL: check row by row */
    for(i=0; i<c->nRow; i++){
      Sql one = {{0}, 0};
      Res r;
      add_rows(&one, c, 0);
      add(&one, "SELECT ");
      add_call(&one, c);
      add(&one, " FROM r WHERE k = %d", i+1);
      if( row_has_null(c, i) && run(c, one.z, &r, 1)!=1 ){
        die(c, one.z, "a row with a NULL argument failed");
      }
    }
  }
}

/* (d): the aggregate over the rows in order and reversed, plain, with
** GROUP BY g or with a FILTER. */
static void fuzz_aggregate(const Case *c, unsigned shape){
  static const char *const tail[] = {
    " FROM r", " FROM r GROUP BY g ORDER BY g",
    " FILTER (WHERE k % 2 = 1) FROM r", " FROM r WHERE k > 3",
  };
  const char *t = tail[shape % 4];
  Sql s1 = {{0}, 0}, s2 = {{0}, 0};
  Res a[MAX_ROWS], b[MAX_ROWS];
  int n, m, i;
  add_rows(&s1, c, 0);
  add(&s1, "SELECT ");
  add_call(&s1, c);
  add(&s1, "%s", t);
  add_rows(&s2, c, 1);
  add(&s2, "SELECT ");
  add_call(&s2, c);
  add(&s2, "%s", t);
  n = run(c, s1.z, a, MAX_ROWS);
  m = run(c, s2.z, b, MAX_ROWS);
  if( (n<0)!=(m<0) ) die(c, s1.z, "fails in one row order only");
  if( n!=m ) die(c, s1.z, "another number of groups in reversed order");
  for(i=0; i<n; i++){
    if( !same_res(&a[i], &b[i]) ) die(c, s1.z, "depends on the row order");
  }
}

/* (e): window frames, every shape SQL has: ROWS, RANGE and GROUPS, each
** bound from UNBOUNDED through N PRECEDING, CURRENT ROW and N FOLLOWING,
** EXCLUDE NO OTHERS / CURRENT ROW / GROUP / TIES, with and without
** PARTITION BY, ORDER BY the group column g (ties: peers) or by g, k; and
** OVER ().  Which rows are in each row's frame is read from SQLite itself:
** group_concat(k) over the same named window, computed in the same pass.
** Each frame must give the same bits as a fresh aggregate over exactly
** those rows (rule 8), and OVER () the same as the plain aggregate. */
/* A frame bound from b: 0-3 PRECEDING or FOLLOWING (bit 6 picks the side
** that is not the usual one: a start that FOLLOWS, an end that PRECEDES,
** so that frames may also be empty), CURRENT ROW, UNBOUNDED.  Returns
** where it lies: -1 before the current row, 0 at it, 1 after it. */
static int bound(char *z, size_t nz, unsigned b, int lower){
  int v = (int)(b % 6), other = (b & 0x40)!=0;
  int prec = lower ? !other : other;
  if( v==5 ){
    snprintf(z, nz, "UNBOUNDED %s", lower ? "PRECEDING" : "FOLLOWING");
    return lower ? -1 : 1;
  }
  if( v==4 ){
    snprintf(z, nz, "CURRENT ROW");
    return 0;
  }
  snprintf(z, nz, "%d %s", v, prec ? "PRECEDING" : "FOLLOWING");
  return prec ? -1 : 1;
}

static void fuzz_window(const Case *c, unsigned shape, unsigned b1,
                        unsigned b2){
  static const char *const unit[] = {"ROWS", "", "RANGE", "GROUPS"};
  static const char *const excl[] = {
    "", " EXCLUDE NO OTHERS", " EXCLUDE CURRENT ROW", " EXCLUDE GROUP",
    " EXCLUDE TIES"
  };
  Sql s = {{0}, 0};
  Res w[MAX_ROWS], frame[MAX_ROWS];
  int partition = (shape & 8)!=0;
  int kind = (int)(shape % 4);
  int n, i;
  char lo[32], hi[32];
  /* a start on a later side of the current row than the end is SQLite's
  ** "unsupported frame specification": keep to the frames it takes */
  if( bound(lo, sizeof lo, b1, 1) > bound(hi, sizeof hi, b2, 0) ) return;
  add_rows(&s, c, 0);
  add(&s, "SELECT k, group_concat(k) OVER w, ");
  add_call(&s, c);
  if( kind==1 ){
    add(&s, " OVER w FROM r WINDOW w AS () ORDER BY k");
  }else{
    add(&s, " OVER w FROM r WINDOW w AS (%sORDER BY g%s %s BETWEEN %s AND "
        "%s%s) ORDER BY k", partition ? "PARTITION BY k % 2 " : "",
        kind==0 && (shape & 16) ? ", k" : "", unit[kind], lo, hi,
        excl[((shape >> 5) & 3) + ((b2 >> 7) & 1)]);
  }
  n = run_cols(c, s.z, w, frame, MAX_ROWS);
  if( n<=0 ) return;
  {
    /* every frame's fresh aggregate in one statement: the pairs (row,
    ** member of its frame), joined to the rows, grouped by row; a frame
    ** with no row is compared with the aggregate over no rows */
    Sql f = {{0}, 0}, e = {{0}, 0};
    Res fresh[MAX_ROWS], empty;
    int at[MAX_ROWS], pairs = 0, m, j;
    add_rows(&f, c, 0);
    add(&f, ", m(i, k) AS (VALUES ");
    for(i=0; i<n; i++){
      const char *z = frame[i].type==SQLITE_TEXT ? frame[i].text : "";
      while( *z ){
        add(&f, "%s(%d, %d)", pairs++ ? ", " : "", i+1, atoi(z));
        while( *z && *z!=',' ) z++;
        if( *z ) z++;
      }
    }
    if( pairs==0 ) add(&f, "(0, 0)");
    add(&f, ") SELECT m.i, ");
    add_call(&f, c);
    add(&f, " FROM m JOIN r USING (k) GROUP BY m.i ORDER BY m.i");
    /* run_cols keeps the last column; the row numbers come in column 0 */
    m = run_cols(c, f.z, fresh, 0, MAX_ROWS);
    if( m<0 ) die(c, s.z, "a frame fails as a fresh aggregate but not as a "
                          "window");
    add_rows(&e, c, 0);
    add(&e, "SELECT ");
    add_call(&e, c);
    add(&e, " FROM r WHERE 0");
    if( run(c, e.z, &empty, 1)!=1 ) die(c, e.z, "no row over no rows");
    for(i=0; i<n; i++) at[i] = -1;
    for(i=0, j=0; i<n && j<m; i++){
      if( frame[i].type==SQLITE_TEXT ) at[i] = j++;
    }
    for(i=0; i<n; i++){
      const Res *r = at[i]>=0 ? &fresh[at[i]] : &empty;
      if( !same_res(&w[i], r) ){
        char why[300];
        snprintf(why, sizeof why, "the frame of row k=%d (rows %s) differs "
                 "from a fresh aggregate over its rows (%a vs %a, '%s' vs "
                 "'%s')", i+1, frame[i].type==SQLITE_TEXT ? frame[i].text
                 : "none", w[i].d, r->d, w[i].text, r->text);
        die(c, s.z, why);
      }
    }
  }
}

/* ----------------------------------------------------------- valid rows
** Mode V (byte 0 >= 0xc0, bit 5 clear; byte 4 picks the function): the
** rows are built valid from the input, for the functions whose arguments this target knows by name:
** labels in [0, 1] (hard or soft), probabilities in every binade of
** [0, 1], logits finite or infinite, weights from 0 to 2^40 (so no w*l
** can overflow), one eps per statement, n > 0; y and p (or z) as plain
** numbers, or JSON arrays of one length per row (1 to 8 elements,
** printed with 17 digits, so read back exactly), y's elements sometimes
** all one label (what a number y against an array p meant before it
** became an error, issue 24).  Every statement over them must succeed (Case.valid), and the
** properties above hold as for any rows: order independence, every window
** frame equal to a fresh aggregate.  Multi-class rows (cce*, softmax,
** log_softmax) have 2 to 8 classes: a class index in range or a targets
** array, and probabilities, both summing to 1 (class_row), or logits.
** For each state function, the states of the groups, merged, must give
** the bits of its aggregate over all the rows (the shard property). */
enum { K_Y = 1, K_P, K_Z, K_W, K_EPS, K_N, K_X,
       K_CY, K_CP, K_CZ };   /* multi-class: class or targets, p row, z row */

/* The argument kinds of fn, or 0 when this target does not know them. */
static int arg_kinds(const Fn *fn, int *kind){
  static const struct { const char *name; int kind[4]; } known[] = {
    {"bce", {K_Y, K_P, K_W, K_EPS}}, {"bce_state", {K_Y, K_P, K_W, K_EPS}},
    {"bce_logits", {K_Y, K_Z, K_W}}, {"bce_logits_state", {K_Y, K_Z, K_W}},
    {"bce_term", {K_Y, K_P, K_EPS}}, {"bce_grad", {K_Y, K_P, K_N}},
    {"bce_logits_term", {K_Y, K_Z}}, {"bce_logits_grad", {K_Y, K_Z, K_N}},
    {"sigmoid", {K_X}}, {"logit", {K_P}},
    {"cce", {K_CY, K_CP, K_W, K_EPS}}, {"cce_state", {K_CY, K_CP, K_W, K_EPS}},
    {"cce_term", {K_CY, K_CP, K_W, K_EPS}},
    {"cce_grad", {K_CY, K_CP, K_N, K_EPS}},
    {"cce_logits", {K_CY, K_CZ, K_W}}, {"cce_logits_state", {K_CY, K_CZ, K_W}},
    {"cce_logits_term", {K_CY, K_CZ, K_W}},
    {"cce_logits_grad", {K_CY, K_CZ, K_N}},
    {"softmax", {K_CZ}}, {"log_softmax", {K_CZ}},
    {"logsumexp", {K_Z}}, {"entropy", {K_CP}},
    {"kl_div", {K_CY, K_CP, K_W}}, {"kl_div_term", {K_CY, K_CP, K_W}},
  };
  int i, j;
  if( fn->nArg<1 || fn->nArg>4 ) return 0;
  for(i=0; i<COUNT(known); i++){
    if( strcmp(known[i].name, fn->name)==0 ){
      for(j=0; j<fn->nArg; j++) kind[j] = known[i].kind[j];
      return kind[fn->nArg-1]!=0;
    }
  }
  return 0;
}

static double valid_elem(In *in, int kind){
  unsigned t = get8(in);
  double u;
  switch( kind ){
    case K_Y:
      if( t & 1 ) return (double)((t >> 1) & 1);          /* hard label */
      return unit_double(get64(in));
    case K_P:
      if( (t & 7)==0 ) return (double)((t >> 3) & 1);     /* 0 or 1 */
      return unit_double(get64(in));
    case K_Z: case K_X:
      if( t>=0xfe ) return t==0xfe ? INFINITY : -INFINITY;
      u = unit_double(get64(in)) - 0.5;
      return ldexp(u, (int)(t % 24) - 4);                  /* |z| < 2^19 */
    case K_W:
      if( t % 5==0 ) return 0.0;
      if( t % 5==1 ) return (double)(1 + t / 5);
      u = unit_double(get64(in));
      return ldexp(u, (int)(t % 41));                      /* < 2^40 */
    case K_N:
      return (double)(1 + t) / 4.0;
    default:
      return 0.0;
  }
}

/* One eps for every row of the statement (rule 6). */
static double valid_eps(In *in){
  unsigned t = get8(in);
  if( t % 4==0 ) return 1e-15;
  if( t % 4==1 ) return 0.0;
  if( t % 4==2 ) return 1e-7;
  return unit_double(get64(in)) * 0.49;
}

static void json_val(Val *v, const double *x, int k){
  int i, n = 1;
  v->type = SQLITE_TEXT;
  v->buf[0] = '[';
  for(i=0; i<k; i++){
    if( isinf(x[i]) ){
      n += snprintf(v->buf + n, sizeof v->buf - (size_t)n, "%s%s",
                    i ? "," : "", x[i]>0 ? "1e999" : "-1e999");
    }else{
      n += snprintf(v->buf + n, sizeof v->buf - (size_t)n, "%s%.17g",
                    i ? "," : "", x[i]);
    }
  }
  v->buf[n++] = ']';
  v->n = n;
}

/* A multi-class row of k classes: a row of probabilities (K_CP) or of
** targets (K_CY as an array) is k weights from the input, some of them 0,
** divided by their sum, so it sums to 1 within a few ulp (the functions
** allow 1e-4); logits (K_CZ) are finite, |z| < 2^19. */
static void class_row(In *in, int kind, double *x, int k){
  double sum = 0;
  int e;
  if( kind==K_CZ ){
    for(e=0; e<k; e++) x[e] = valid_elem(in, K_Z);
    for(e=0; e<k; e++) if( isinf(x[e]) ) x[e] = 0.0;   /* +Inf twice: an error */
    return;
  }
  for(e=0; e<k; e++){
    unsigned t = get8(in);
    x[e] = (t & 3)==0 ? 0.0 : unit_double(get64(in));
    sum += x[e];
  }
  if( sum==0 ){
    x[0] = 1.0;
    sum = 1.0;
  }
  for(e=0; e<k; e++) x[e] /= sum;
}

/* Fills c's rows with valid values; 0 if fn's arguments are not known. */
static int valid_rows(In *in, Case *c, unsigned b1){
  int kind[4] = {0}, i, j;
  double eps;
  if( !arg_kinds(c->fn, kind) ) return 0;
  eps = valid_eps(in);
  c->valid = 1;
  c->nRow = 1 + (int)(get8(in) % MAX_ROWS);
  for(i=0; i<c->nRow; i++){
    unsigned shape = get8(in);
    int arrays = c->nArg>=2 && kind[0]==K_Y && (shape & 3)!=0;
    int k = 1 + (int)((shape >> 2) % 8);
    c->group[i] = (int)((b1 >> 4) ? get8(in) % (1 + (b1 >> 4)) : 0);
    int classes = 2 + (int)((shape >> 2) % 7);
    for(j=0; j<c->nArg; j++){
      Val *v = &c->arg[i][j];
      memset(v, 0, sizeof *v);
      if( kind[j]==K_CY && (shape & 1) ){            /* a class index */
        v->type = SQLITE_INTEGER;
        v->i = (sqlite3_int64)(get8(in) % (unsigned)classes);
      }else if( kind[j]==K_CY || kind[j]==K_CP || kind[j]==K_CZ ){
        double x[8];
        class_row(in, kind[j], x, classes);
        json_val(v, x, classes);
      }else if( kind[j]==K_EPS ){
        v->type = SQLITE_FLOAT;
        v->d = eps;
      }else if( arrays && j<2 ){
        double x[8];
        int e;
        for(e=0; e<k; e++){
          x[e] = (j==0 && (shape & 3)==1 && e>0) ? x[0]
                                                  : valid_elem(in, kind[j]);
        }
        json_val(v, x, k);
      }else{
        v->type = SQLITE_FLOAT;
        v->d = valid_elem(in, kind[j]);
      }
    }
  }
  return 1;
}

/* The shard property of the partial states. */
static void fuzz_shards(const Case *c){
  Sql a = {{0}, 0}, b = {{0}, 0};
  Res r1, r2;
  static const char *const pairs[][2] = {
    {"bce_state", "bce"}, {"bce_logits_state", "bce_logits"},
    {"cce_state", "cce"}, {"cce_logits_state", "cce_logits"},
  };
  const char *plain = 0;
  int j;
  for(j=0; j<(int)COUNT(pairs); j++){
    if( strcmp(c->fn->name, pairs[j][0])==0 ) plain = pairs[j][1];
  }
  if( !plain ) return;
  add_rows(&a, c, 0);
  add(&a, "SELECT bce_merge(s) FROM (SELECT ");
  add_call(&a, c);
  add(&a, " AS s FROM r GROUP BY g)");
  add_rows(&b, c, 1);
  add(&b, "SELECT %s(", plain);
  for(j=0; j<c->nArg; j++) add(&b, "%sa%d", j ? ", " : "", j+1);
  add(&b, ") FROM r");
  if( run(c, a.z, &r1, 1)!=1 || run(c, b.z, &r2, 1)!=1 ){
    die(c, a.z, "merging the groups' states, or the plain aggregate, "
                "gave no row");
  }
  if( !same_res(&r1, &r2) ){
    char why[200];
    snprintf(why, sizeof why, "merged states %a, %s() over all the rows %a",
             r1.d, plain, r2.d);
    die(c, a.z, why);
  }
}

/* --------------------------------------------------------- damaged states
** Mode S (byte 0 >= 0xc0, bit 5 set): a valid state from bce_state(),
** bce_logits_state(), cce_state() or cce_logits_state() over valid rows, then 1 to 4 edits from the input:
** flip a bit, set a byte, cut the end off, append bytes.  Fed to
** bce_merge(), bce_merge_state() and bce_state_info() as a BLOB or as its
** hex() text: the original must merge to what it merged to before and
** re-encode to itself; anything else must be an error naming the function
** (a single flipped bit always is: the CRC-32C sees it), unless the bytes
** are by chance another valid state, which must then re-encode to itself.
*/
#define MAX_STATE 1100

static int state_call(const Case *c, const char *fn, const unsigned char *b,
                      int n, int hex, Res *out){
  static const char hexdig[] = "0123456789ABCDEF";
  char sql[128], text[2*MAX_STATE + 1];
  sqlite3_stmt *st;
  int rc, i, len = (int)strlen(fn), got = 0;
  snprintf(sql, sizeof sql, "SELECT %s(?1)", fn);
  if( sqlite3_prepare_v2(db, sql, -1, &st, 0)!=SQLITE_OK ){
    die(c, sql, "cannot prepare");
  }
  if( hex ){
    for(i=0; i<n; i++){
      text[2*i] = hexdig[b[i] >> 4];
      text[2*i+1] = hexdig[b[i] & 15];
    }
    rc = sqlite3_bind_text(st, 1, text, 2*n, SQLITE_TRANSIENT);
  }else{
    rc = sqlite3_bind_blob(st, 1, n ? (const void*)b : "", n, SQLITE_TRANSIENT);
  }
  if( rc!=SQLITE_OK ) die(c, sql, "cannot bind");
  rc = sqlite3_step(st);
  if( rc==SQLITE_ROW ){
    get_res(st, 0, out);
    if( out->type==SQLITE_BLOB && out->n<=MAX_STATE ){
      memcpy(out->text, sqlite3_column_blob(st, 0),
             (size_t)(out->n<(int)sizeof out->text ? out->n : (int)sizeof out->text));
    }
    got = 1;
  }else{
    const char *msg = sqlite3_errmsg(db);
    if( rc!=SQLITE_ERROR || strncmp(msg, fn, (size_t)len)!=0
     || strncmp(msg + len, "(): ", 4)!=0 ){
      char why[400];
      snprintf(why, sizeof why, "a damaged state's error does not name "
               "%s(): rc %d, %s", fn, rc, msg);
      die(c, sql, why);
    }
  }
  sqlite3_finalize(st);
  return got;
}

static uint64_t fnv_bytes(const unsigned char *b, int n){
  uint64_t h = 0xcbf29ce484222325u;
  int i;
  for(i=0; i<n; i++) h = (h ^ b[i]) * 0x100000001b3u;
  return h;
}

static void fuzz_states(In *in, Case *c, unsigned b1){
  static unsigned char orig[MAX_STATE], b[MAX_STATE];
  Sql s = {{0}, 0};
  sqlite3_stmt *st;
  Res want, r;
  int i, j, n0, n, edits, flips = 0, other = 0, hex;
  unsigned k;
  /* the state function with the most arguments, by the next byte */
  static const char *const names[] = {
    "bce_state", "bce_logits_state", "cce_state", "cce_logits_state"
  };
  const char *name = names[get8(in) % 4];
  const Fn *best = 0;
  for(k=0; k<(unsigned)nFn; k++){
    if( strcmp(fns[k].name, name)==0 && (!best || fns[k].nArg>best->nArg) ){
      best = &fns[k];
    }
  }
  if( !best ) return;
  c->fn = best;
  c->nArg = c->fn->nArg;
  if( !valid_rows(in, c, b1) ) return;
  add_rows(&s, c, 0);
  add(&s, "SELECT ");
  add_call(&s, c);
  add(&s, " FROM r");
  if( sqlite3_prepare_v2(db, s.z, -1, &st, 0)!=SQLITE_OK ) die(c, s.z, "prepare");
  for(i=0; i<c->nRow; i++){
    for(j=0; j<c->nArg; j++) bind_value(st, i*c->nArg + j + 1, &c->arg[i][j]);
  }
  if( sqlite3_step(st)!=SQLITE_ROW ) die(c, s.z, "valid rows gave no state");
  n0 = sqlite3_column_bytes(st, 0);
  if( sqlite3_column_type(st, 0)!=SQLITE_BLOB || n0<=0 || n0>1024 ){
    sqlite3_finalize(st);
    /* no row of positive weight: NULL, no state to damage */
    return;
  }
  memcpy(orig, sqlite3_column_blob(st, 0), (size_t)n0);
  sqlite3_finalize(st);
  if( !state_call(c, "bce_merge", orig, n0, 0, &want) ){
    die(c, s.z, "bce_merge() refused a state bce_state() made");
  }
  memcpy(b, orig, (size_t)n0);
  n = n0;
  edits = 1 + (int)(get8(in) % 4);
  hex = (b1 & 0x08)!=0;
  for(i=0; i<edits; i++){
    unsigned op = get8(in), at = get8(in);
    at |= get8(in) << 8;
    switch( op % 4 ){
      case 0:
        if( n>0 ){
          b[at % (unsigned)n] ^= (unsigned char)(1u << ((op >> 2) % 8));
          flips++;
        }
        break;
      case 1:
        if( n>0 ){
          b[at % (unsigned)n] = (unsigned char)get8(in);
          other++;
        }
        break;
      case 2:
        n = (int)(at % (unsigned)(n + 1));
        other++;
        break;
      default: {
        int add_n = 1 + (int)(op >> 2) % 40;
        for(j=0; j<add_n && n<MAX_STATE; j++) b[n++] = (unsigned char)get8(in);
        other++;
        break;
      }
    }
  }
  {
    int same = n==n0 && memcmp(b, orig, (size_t)n)==0;
    int ok_merge = state_call(c, "bce_merge", b, n, hex, &r);
    Res m, info;
    int ok_ms = state_call(c, "bce_merge_state", b, n, hex, &m);
    int ok_info = state_call(c, "bce_state_info", b, n, hex, &info);
    if( ok_merge!=ok_ms || ok_merge!=ok_info ){
      die(c, s.z, "bce_merge, bce_merge_state and bce_state_info disagree "
                  "on whether the bytes are a state");
    }
    if( same ){
      if( !ok_merge || !same_res(&r, &want) ){
        die(c, s.z, "the state unchanged does not merge as before");
      }
    }else if( ok_merge && flips==1 && other==0 ){
      die(c, s.z, "a state with one bit flipped was accepted");
    }
    if( ok_ms && (m.type!=SQLITE_BLOB || m.n!=n || m.hash!=fnv_bytes(b, n)) ){
      die(c, s.z, "an accepted state does not re-encode to itself "
                  "(bce_merge_state)");
    }
  }
}

/* ------------------------------------------------------------- registry */
static int list_functions(sqlite3 *d, Fn *out, int max){
  sqlite3_stmt *st;
  int n = 0;
  if( sqlite3_prepare_v2(d, "SELECT name, narg, type FROM pragma_function_list"
                         " ORDER BY name, narg, type", -1, &st, 0)!=SQLITE_OK ){
    fprintf(stderr, "fuzz_bce: %s\n", sqlite3_errmsg(d));
    abort();
  }
  while( sqlite3_step(st)==SQLITE_ROW && n<max ){
    snprintf(out[n].name, sizeof out[n].name, "%s",
             (const char*)sqlite3_column_text(st, 0));
    out[n].nArg = sqlite3_column_int(st, 1);
    out[n].type = ((const char*)sqlite3_column_text(st, 2))[0];
    n++;
  }
  sqlite3_finalize(st);
  return n;
}

#ifdef FUZZ_MAIN
static const char *lib_path;    /* the built extension, loaded as a user would */
#endif

static void setup(void){
  static Fn before[1024], after[1024];
  sqlite3 *plain;
  int nb, na, i, j;
  if( db ) return;
  if( sqlite3_open(":memory:", &plain)!=SQLITE_OK ) abort();
  nb = list_functions(plain, before, 1024);
  sqlite3_close(plain);
#ifdef FUZZ_MAIN
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK ) abort();
  {
    char *err = 0;
    sqlite3_enable_load_extension(db, 1);
    if( sqlite3_load_extension(db, lib_path, 0, &err)!=SQLITE_OK ){
      fprintf(stderr, "fuzz_bce: cannot load %s: %s\n", lib_path, err);
      exit(2);
    }
    sqlite3_enable_load_extension(db, 0);
  }
#else
  sqlite3_auto_extension((void(*)(void))sqlite3_bce_init);
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK ) abort();
#endif
  /* lookaside off: a read past a value SQLite allocated is a read past a
  ** heap block of its own, which the sanitizers and valgrind see */
  if( sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, (void*)0, 0, 0)
      !=SQLITE_OK ) abort();
  na = list_functions(db, after, 1024);
  for(i=0; i<na; i++){
    int known = 0;
    for(j=0; j<nb && !known; j++){
      known = strcmp(before[j].name, after[i].name)==0
           && before[j].nArg==after[i].nArg;
    }
    if( !known && nFn<MAX_FN ) fns[nFn++] = after[i];
  }
  if( nFn==0 ){
    fprintf(stderr, "fuzz_bce: the extension registered no function\n");
    abort();
  }
  if( getenv("FUZZ_BCE_LIST") ){
    for(i=0; i<nFn; i++){
      fprintf(stderr, "fuzz_bce: %s/%d/%c\n", fns[i].name, fns[i].nArg,
              fns[i].type);
    }
  }
}

/* ---------------------------------------------------------------- driver */
static void run_input(const uint8_t *data, size_t size){
  In in = {data, size};
  Case c;
  unsigned f = get8(&in), shape = get8(&in), b1 = get8(&in), b2 = get8(&in);
  int i, j;
  memset(&c, 0, sizeof c);
  c.fn = &fns[f % (unsigned)nFn];
  if( f>=0xc0 ){
    if( f & 0x20 ){
      fuzz_states(&in, &c, b1);
      return;
    }
    int kind[4], k;
    /* the next byte picks the function: the first from there on whose
    ** arguments are known */
    unsigned pick = get8(&in);
    for(k=0; k<nFn && !arg_kinds(&fns[(pick + (unsigned)k) % (unsigned)nFn],
                                 kind); k++){}
    c.fn = &fns[(pick + (unsigned)k) % (unsigned)nFn];
    c.nArg = c.fn->nArg;
    if( !valid_rows(&in, &c, b1) ) return;
    if( c.fn->type=='w' && (shape & 0x80) ){
      fuzz_window(&c, shape, b1, b2);
    }else if( c.fn->type=='w' || c.fn->type=='a' ){
      fuzz_aggregate(&c, shape);
      fuzz_shards(&c);
    }else{
      fuzz_scalar(&c);
    }
    return;
  }
  c.nArg = c.fn->nArg>=0 ? c.fn->nArg : (int)(b2 % (MAX_ARGS+1));
  if( c.nArg>MAX_ARGS ) return;
  c.nRow = 1 + (int)(get8(&in) % MAX_ROWS);
  for(i=0; i<c.nRow; i++){
    c.group[i] = (int)((b1 >> 4) ? get8(&in) % (1 + (b1 >> 4)) : 0);
    for(j=0; j<c.nArg; j++){
      read_value(&in, &c.arg[i][j]);
      if( c.arg[i][j].type==SQLITE_TEXT && !c.arg[i][j].utf16 ){
        char z[sizeof c.arg[i][j].buf + 1];
        memcpy(z, c.arg[i][j].buf, (size_t)c.arg[i][j].n);
        z[c.arg[i][j].n] = 0;
        if( strlen(z)!=(size_t)c.arg[i][j].n
         || !valid_utf8((const unsigned char*)z) ){
          c.anyBadUtf8 = 1;
        }
      }
    }
  }
  switch( c.fn->type ){
    case 'w':
      if( shape & 0x80 ) fuzz_window(&c, shape, b1, b2);
      else fuzz_aggregate(&c, shape);
      break;
    case 'a':
      fuzz_aggregate(&c, shape);
      break;
    default:
      fuzz_scalar(&c);
      break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  setup();
  run_input(data, size);
  return 0;
}

#ifdef FUZZ_MAIN
/* fuzz_bce_main LIB FILE...: loads LIB with sqlite3_load_extension and runs
** each FILE once; prints one ok line with how many ran. */
int main(int argc, char **argv){
  static uint8_t buf[1 << 16];
  int i;
  if( argc<2 ){
    fprintf(stderr, "usage: %s LIBRARY [FILE]...\n", argv[0]);
    return 2;
  }
  lib_path = argv[1];
  setup();
  for(i=2; i<argc; i++){
    FILE *f = fopen(argv[i], "rb");
    size_t n;
    if( !f ){
      fprintf(stderr, "fuzz_bce: cannot open %s\n", argv[i]);
      return 2;
    }
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
  }
  sqlite3_close(db);
  printf("ok|fuzz_bce: %d inputs, %d functions of %s, no failed property\n",
         argc-2, nFn, lib_path);
  return 0;
}
#endif
