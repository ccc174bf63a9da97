/* SPDX-License-Identifier: MIT */
/*
** Unit tests of the options reader (src/options.c): every key and its
** domain's edges, every status with where it points, the storage protocol
** of the arrays, and the JSON grammar around them.  The expected numbers
** are the doubles C's own literals give for the same decimals (the
** compiler's correctly rounded reading, not ours).  Prints one "ok|name"
** or "FAIL|name|..." line per check, as the other unit tests do.
*/
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "../src/options.h"

static int failures;

static void report(int ok, const char *name, const char *why){
  if( ok ){
    printf("ok|options: %s\n", name);
  }else{
    failures++;
    printf("FAIL|options: %s|%s\n", name, why);
  }
}

static int same_bits(double a, double b){
  return memcmp(&a, &b, sizeof a)==0;
}

/* Binary probabilities, binary logits, multi-class, a scalar (no
** reduction): the masks ext/entry.c gives. */
#define PROB (BCE_OPT_EPS|BCE_OPT_POS_WEIGHT|BCE_OPT_SMOOTHING|BCE_OPT_GAMMA \
              |BCE_OPT_ALPHA|BCE_OPT_REDUCTION)
#define LOGITS (PROB & ~BCE_OPT_EPS)
#define MULTI (BCE_OPT_EPS|BCE_OPT_SMOOTHING|BCE_OPT_GAMMA|BCE_OPT_ALPHA \
               |BCE_OPT_CLASS_WEIGHT|BCE_OPT_IGNORE_INDEX|BCE_OPT_REDUCTION \
               |BCE_OPT_MULTICLASS)

static double store[16];

static bce_options_status parse(const char *z, unsigned allowed,
                                bce_options *o, bce_options_error *e){
  return bce_options_parse(z, strlen(z), allowed, o, store, 16, e);
}

/* A text that must give status st, pointing at (at, len) and the key. */
static void expect_error(const char *name, const char *z, unsigned allowed,
                         bce_options_status st, unsigned key, size_t at,
                         size_t len, int64_t index){
  bce_options o;
  bce_options_error e;
  char why[256];
  bce_options_status got = parse(z, allowed, &o, &e);
  int ok = got==st && e.status==st && e.at==at;
  if( st!=BCE_OPTIONS_MALFORMED && st!=BCE_OPTIONS_NOT_OBJECT ){
    ok = ok && e.key==key && e.len==len;
  }
  if( st==BCE_OPTIONS_DOMAIN ) ok = ok && e.index==index;
  snprintf(why, sizeof why, "%s: status %d key %u at %zu len %zu index %lld",
           z, (int)got, e.key, e.at, e.len, (long long)e.index);
  report(ok, name, why);
}

static void expect_number(const char *name, const char *z, unsigned allowed,
                          const double *field_of_o, double want,
                          bce_options *o){
  bce_options_error e;
  bce_options_status got = parse(z, allowed, o, &e);
  char why[256];
  snprintf(why, sizeof why, "%s: status %d, %.17g want %.17g", z, (int)got,
           *field_of_o, want);
  report(got==BCE_OPTIONS_OK && same_bits(*field_of_o, want), name, why);
}

static void test_keys(void){
  bce_options o;
  bce_options_error e;
  bce_options_status st;

  st = parse("{}", PROB, &o, &e);
  report(st==BCE_OPTIONS_OK && o.keys==0 && same_bits(o.eps, BCE_DEFAULT_EPS)
         && o.pos_weight==1.0 && o.smoothing==0.0 && o.gamma==0.0
         && o.reduction==BCE_REDUCTION_MEAN && o.n_pos_weights==0,
         "{} gives the defaults", "");
  st = parse(" \t\v\f\r\n{ \n\t\r} \v\f", PROB, &o, &e);
  report(st==BCE_OPTIONS_OK, "white space around and inside", "");

  expect_number("eps 1e-15 as C reads it", "{\"eps\": 1e-15}", PROB,
                &o.eps, 1e-15, &o);
  report(o.keys==BCE_OPT_EPS, "keys has eps", "");
  expect_number("eps 0", "{\"eps\":0}", PROB, &o.eps, 0.0, &o);
  expect_number("eps just below 0.5", "{\"eps\":0.49999999999999994}", PROB,
                &o.eps, 0.49999999999999994, &o);
  expect_number("eps 2^-52", "{\"eps\":2.220446049250313e-16}", PROB,
                &o.eps, 0x1p-52, &o);
  expect_number("eps correctly rounded (a halfway case)",
                "{\"eps\":0.30000000000000001665}", PROB, &o.eps,
                0.30000000000000001665, &o);
  expect_number("pos_weight", "{\"pos_weight\": 3}", PROB, &o.pos_weight,
                3.0, &o);
  expect_number("smoothing 1", "{\"smoothing\": 1}", PROB, &o.smoothing,
                1.0, &o);
  expect_number("gamma 2.5", "{\"gamma\": 2.5}", LOGITS, &o.gamma, 2.5, &o);
  expect_number("alpha binary 0.25", "{\"alpha\": 0.25}", PROB, &o.alpha,
                0.25, &o);
  expect_number("alpha multi-class 7", "{\"alpha\": 7}", MULTI, &o.alpha,
                7.0, &o);
  report(o.n_alphas==0 && o.keys==BCE_OPT_ALPHA, "alpha number: no array", "");

  st = parse("{\"reduction\": \"sum\"}", PROB, &o, &e);
  report(st==BCE_OPTIONS_OK && o.reduction==BCE_REDUCTION_SUM,
         "reduction sum", "");
  st = parse("{\"reduction\":\"mean_over_rows\"}", PROB, &o, &e);
  report(st==BCE_OPTIONS_OK && o.reduction==BCE_REDUCTION_MEAN_OVER_ROWS,
         "reduction mean_over_rows", "");
  st = parse("{\"reduction\":\"\\u006dean\"}", PROB, &o, &e);
  report(st==BCE_OPTIONS_OK && o.reduction==BCE_REDUCTION_MEAN
         && o.keys==BCE_OPT_REDUCTION, "reduction spelt with an escape", "");
  st = parse("{\"\\u0065ps\": 0.25}", PROB, &o, &e);
  report(st==BCE_OPTIONS_OK && o.eps==0.25, "a key spelt with an escape", "");

  st = parse("{\"ignore_index\": -100}", MULTI, &o, &e);
  report(st==BCE_OPTIONS_OK && o.ignore_index==-100
         && o.keys==BCE_OPT_IGNORE_INDEX, "ignore_index -100", "");
  st = parse("{\"ignore_index\": -100.0}", MULTI, &o, &e);
  report(st==BCE_OPTIONS_OK && o.ignore_index==-100,
         "ignore_index -100.0 (json_object of a REAL)", "");
  st = parse("{\"ignore_index\": 9223372036854775807}", MULTI, &o, &e);
  report(st==BCE_OPTIONS_OK && o.ignore_index==INT64_MAX,
         "ignore_index int64 max, exact", "");
  st = parse("{\"ignore_index\": -9223372036854775808}", MULTI, &o, &e);
  report(st==BCE_OPTIONS_OK && o.ignore_index==INT64_MIN,
         "ignore_index int64 min, exact", "");

  st = parse("{\"eps\":0.1,\"smoothing\":0.2,\"gamma\":2,\"alpha\":0.75,"
             "\"pos_weight\":4,\"reduction\":\"sum\"}", PROB, &o, &e);
  report(st==BCE_OPTIONS_OK && o.eps==0.1 && o.smoothing==0.2
         && o.gamma==2.0 && o.alpha==0.75 && o.pos_weight==4.0
         && o.reduction==BCE_REDUCTION_SUM
         && o.keys==(PROB & BCE_OPT_ALL), "every binary key at once", "");
}

static void test_arrays(void){
  bce_options o;
  bce_options_error e;
  bce_options_status st;
  double small[2];

  st = parse("{\"class_weight\": [1, 5, 2], \"alpha\": [0.5, 0]}", MULTI, &o,
             &e);
  report(st==BCE_OPTIONS_OK && o.n_class_weights==3
         && o.class_weights==store && o.class_weights[1]==5.0
         && o.n_alphas==2 && o.alphas==store+3 && o.alphas[0]==0.5,
         "class_weight and alpha arrays into the storage", "");
  st = parse("{\"pos_weight\": [1, 2.5, 0]}", PROB, &o, &e);
  report(st==BCE_OPTIONS_OK && o.n_pos_weights==3
         && o.pos_weights[1]==2.5 && o.pos_weight==1.0,
         "pos_weight array", "");

  /* the storage protocol: too small, the whole need; then again */
  st = bce_options_parse("{\"class_weight\":[1,2,3],\"alpha\":[4,5]}", 38,
                         MULTI, &o, small, 2, &e);
  report(st==BCE_OPTIONS_STORAGE && e.status==BCE_OPTIONS_STORAGE
         && e.need==5, "STORAGE with the need of every array", "");
  st = bce_options_parse("{\"class_weight\":[1,2,3],\"alpha\":[4,5]}", 38,
                         MULTI, &o, 0, 0, &e);
  report(st==BCE_OPTIONS_STORAGE && e.need==5, "STORAGE with no storage", "");
  st = bce_options_parse("{\"eps\":0.1}", 11, PROB, &o, 0, 0, &e);
  report(st==BCE_OPTIONS_OK && o.eps==0.1, "no array, no storage needed", "");
  /* an error after a too-long array is the answer, not STORAGE */
  st = bce_options_parse("{\"class_weight\":[1,2,3],\"bogus\":1}", 34, MULTI,
                         &o, small, 2, &e);
  report(st==BCE_OPTIONS_UNKNOWN_KEY, "an error wins over STORAGE", "");
}

static void test_errors(void){
  /* MALFORMED, at the byte that breaks the grammar (n: ended too soon) */
  expect_error("malformed: ended", "{\"eps\": 0.1", PROB,
               BCE_OPTIONS_MALFORMED, 0, 11, 0, -1);
  expect_error("malformed: no colon", "{\"eps\" 0.1}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 7, 0, -1);
  expect_error("malformed: trailing comma", "{\"eps\": 0.1,}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 12, 0, -1);
  expect_error("malformed: single quotes", "{'eps': 0.1}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 1, 0, -1);
  expect_error("malformed: text after the object", "{} x", PROB,
               BCE_OPTIONS_MALFORMED, 0, 3, 0, -1);
  expect_error("malformed: a second object", "{}{}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 2, 0, -1);
  expect_error("malformed: .5 is no JSON number", "{\"eps\": .5}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 8, 0, -1);
  expect_error("malformed: 1e is no JSON number", "{\"eps\": 1e}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 10, 0, -1);
  expect_error("malformed: bad escape in a key", "{\"e\\xps\": 1}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 4, 0, -1);
  expect_error("malformed: control byte in a string", "{\"e\nps\": 1}",
               PROB, BCE_OPTIONS_MALFORMED, 0, 3, 0, -1);
  expect_error("malformed: array element missing",
               "{\"class_weight\": [1,,2]}", MULTI, BCE_OPTIONS_MALFORMED,
               0, 20, 0, -1);
  expect_error("malformed: wrong value broken", "{\"eps\": [1, }", PROB,
               BCE_OPTIONS_MALFORMED, 0, 12, 0, -1);
  expect_error("malformed: nothing", "", PROB, BCE_OPTIONS_MALFORMED, 0, 0,
               0, -1);
  expect_error("malformed: blank", "  ", PROB, BCE_OPTIONS_MALFORMED, 0, 2,
               0, -1);
  {
    /* 70 nested arrays: the 65th bracket, byte 8 + 64, is refused */
    char deep[200];
    int k, m = sprintf(deep, "{\"eps\": ");
    for(k=0; k<70; k++) deep[m++] = '[';
    deep[m++] = '1';
    for(k=0; k<70; k++) deep[m++] = ']';
    deep[m++] = '}';
    deep[m] = 0;
    expect_error("malformed: nested past 64", deep, PROB,
                 BCE_OPTIONS_MALFORMED, 0, 72, 0, -1);
  }

  /* NOT_OBJECT: JSON, but another kind (only a direct caller sends it) */
  expect_error("not an object: an array", " [1, 2] ", PROB,
               BCE_OPTIONS_NOT_OBJECT, 0, 0, 0, -1);
  expect_error("not an object: a number", "0.5", PROB,
               BCE_OPTIONS_NOT_OBJECT, 0, 0, 0, -1);

  /* UNKNOWN_KEY, DUPLICATE, NOT_APPLICABLE: the key as written */
  expect_error("unknown key", "{\"eps\": 0.1, \"weight\": 2}", PROB,
               BCE_OPTIONS_UNKNOWN_KEY, 0, 13, 8, -1);
  expect_error("unknown key: case matters", "{\"EPS\": 0.1}", PROB,
               BCE_OPTIONS_UNKNOWN_KEY, 0, 1, 5, -1);
  expect_error("unknown key: long", "{\"a_very_long_unknown_key\": 1}", PROB,
               BCE_OPTIONS_UNKNOWN_KEY, 0, 1, 25, -1);
  expect_error("unknown key: not ASCII", "{\"\xc3\xa9ps\": 1}", PROB,
               BCE_OPTIONS_UNKNOWN_KEY, 0, 1, 6, -1);
  expect_error("unknown key before a malformed tail", "{\"x\": ", PROB,
               BCE_OPTIONS_UNKNOWN_KEY, 0, 1, 3, -1);
  expect_error("duplicate key", "{\"gamma\": 1, \"gamma\": 2}", PROB,
               BCE_OPTIONS_DUPLICATE, BCE_OPT_GAMMA, 13, 7, -1);
  expect_error("duplicate key, once escaped",
               "{\"eps\":0.1,\"\\u0065ps\":0.2}", PROB,
               BCE_OPTIONS_DUPLICATE, BCE_OPT_EPS, 11, 10, -1);
  expect_error("eps does not apply to logits", "{\"eps\": 0.1}", LOGITS,
               BCE_OPTIONS_NOT_APPLICABLE, BCE_OPT_EPS, 1, 5, -1);
  expect_error("reduction does not apply to a scalar",
               "{\"reduction\": \"sum\"}", PROB & ~BCE_OPT_REDUCTION,
               BCE_OPTIONS_NOT_APPLICABLE, BCE_OPT_REDUCTION, 1, 11, -1);
  expect_error("pos_weight does not apply to multi-class",
               "{\"pos_weight\": 2}", MULTI | BCE_OPT_POS_WEIGHT,
               BCE_OPTIONS_NOT_APPLICABLE, BCE_OPT_POS_WEIGHT, 1, 12, -1);
  expect_error("class_weight does not apply to binary",
               "{\"class_weight\": [1, 2]}", PROB | BCE_OPT_CLASS_WEIGHT,
               BCE_OPTIONS_NOT_APPLICABLE, BCE_OPT_CLASS_WEIGHT, 1, 14, -1);
  expect_error("ignore_index does not apply to binary",
               "{\"ignore_index\": 1}", PROB | BCE_OPT_IGNORE_INDEX,
               BCE_OPTIONS_NOT_APPLICABLE, BCE_OPT_IGNORE_INDEX, 1, 14, -1);

  /* DOMAIN: the value as written, and the element */
  expect_error("eps 0.5", "{\"eps\": 0.5}", PROB, BCE_OPTIONS_DOMAIN,
               BCE_OPT_EPS, 8, 3, -1);
  expect_error("eps negative", "{\"eps\":-1e-15}", PROB, BCE_OPTIONS_DOMAIN,
               BCE_OPT_EPS, 7, 6, -1);
  expect_error("eps past the double range", "{\"eps\":1e999}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_EPS, 7, 5, -1);
  expect_error("eps a string", "{\"eps\": \"1e-15\" }", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_EPS, 8, 7, -1);
  expect_error("eps null", "{\"eps\": null}", PROB, BCE_OPTIONS_DOMAIN,
               BCE_OPT_EPS, 8, 4, -1);
  expect_error("eps an object", "{\"eps\": {\"a\": [1, {}]}}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_EPS, 8, 14, -1);
  expect_error("smoothing above 1", "{\"smoothing\": 1.5}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_SMOOTHING, 14, 3, -1);
  expect_error("gamma negative", "{\"gamma\": -2}", PROB, BCE_OPTIONS_DOMAIN,
               BCE_OPT_GAMMA, 10, 2, -1);
  expect_error("gamma infinite", "{\"gamma\": 1e400}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_GAMMA, 10, 5, -1);
  expect_error("binary alpha above 1", "{\"alpha\": 1.25}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_ALPHA, 10, 4, -1);
  expect_error("binary alpha array", "{\"alpha\": [0.5]}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_ALPHA, 10, 5, -1);
  expect_error("multi-class alpha negative", "{\"alpha\": -1}", MULTI,
               BCE_OPTIONS_DOMAIN, BCE_OPT_ALPHA, 10, 2, -1);
  expect_error("pos_weight negative", "{\"pos_weight\": -3}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_POS_WEIGHT, 15, 2, -1);
  expect_error("pos_weight element negative", "{\"pos_weight\": [1, -3]}",
               PROB, BCE_OPTIONS_DOMAIN, BCE_OPT_POS_WEIGHT, 19, 2, 1);
  expect_error("pos_weight element true", "{\"pos_weight\": [1, 2, true]}",
               PROB, BCE_OPTIONS_DOMAIN, BCE_OPT_POS_WEIGHT, 22, 4, 2);
  expect_error("pos_weight empty array", "{\"pos_weight\": []}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_POS_WEIGHT, 15, 2, -1);
  expect_error("class_weight a number", "{\"class_weight\": 2}", MULTI,
               BCE_OPTIONS_DOMAIN, BCE_OPT_CLASS_WEIGHT, 17, 1, -1);
  expect_error("class_weight element infinite",
               "{\"class_weight\": [1e999]}", MULTI, BCE_OPTIONS_DOMAIN,
               BCE_OPT_CLASS_WEIGHT, 18, 5, 0);
  expect_error("ignore_index a fraction", "{\"ignore_index\": 1.5}", MULTI,
               BCE_OPTIONS_DOMAIN, BCE_OPT_IGNORE_INDEX, 17, 3, -1);
  expect_error("ignore_index past int64", "{\"ignore_index\": "
               "9223372036854775808}", MULTI, BCE_OPTIONS_DOMAIN,
               BCE_OPT_IGNORE_INDEX, 17, 19, -1);
  expect_error("ignore_index a string", "{\"ignore_index\": \"-100\"}", MULTI,
               BCE_OPTIONS_DOMAIN, BCE_OPT_IGNORE_INDEX, 17, 6, -1);
  expect_error("reduction unknown", "{\"reduction\": \"none\"}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_REDUCTION, 14, 6, -1);
  expect_error("reduction not a string", "{\"reduction\": 1}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_REDUCTION, 14, 1, -1);
}

/* The grammar's every turn (RFC 8259): each string escape, each way a
** \u escape, a string, an array, an object or a value can end too soon
** or break, white space of each kind inside a value of the wrong kind,
** and the outer white space SQLite allows.  "at" is the byte a reader of
** the text meets first that breaks it (n: the text ended), counted by
** hand from the literal. */
static void test_grammar(void){
  bce_options o;
  bce_options_error e;
  /* escapes: every one of JSON's, in a key that is then unknown */
  expect_error("every escape in a key", "{\"\\\"\\\\\\/\\b\\f\\n\\r\\t\": 1}",
               PROB, BCE_OPTIONS_UNKNOWN_KEY, 0, 1, 18, -1);
  expect_error("\\u escape: upper-case hex digits", "{\"\\u00AB\": 1}", PROB,
               BCE_OPTIONS_UNKNOWN_KEY, 0, 1, 8, -1);
  expect_error("\\u escape: a byte below '0'", "{\"\\u00!0\": 1}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 6, 0, -1);
  expect_error("\\u escape: 'g'", "{\"\\u00g0\": 1}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 6, 0, -1);
  expect_error("\\u escape: ':' between digits and letters",
               "{\"\\u00:0\": 1}", PROB, BCE_OPTIONS_MALFORMED, 0, 6, 0, -1);
  expect_error("\\u escape: ended", "{\"\\u00", PROB,
               BCE_OPTIONS_MALFORMED, 0, 6, 0, -1);
  expect_error("escape: ended", "{\"eps\\", PROB, BCE_OPTIONS_MALFORMED, 0,
               6, 0, -1);
  expect_error("string: ended", "{\"eps", PROB, BCE_OPTIONS_MALFORMED, 0, 5,
               0, -1);
  /* the object around the keys */
  expect_error("object: '{' alone", "{", PROB, BCE_OPTIONS_MALFORMED, 0, 1,
               0, -1);
  expect_error("object: ended after a value", "{\"eps\": 0.1", PROB,
               BCE_OPTIONS_MALFORMED, 0, 11, 0, -1);
  expect_error("object: no comma", "{\"eps\": 0.1 \"gamma\": 1}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 12, 0, -1);
  expect_error("object: no value", "{\"eps\":", PROB, BCE_OPTIONS_MALFORMED,
               0, 7, 0, -1);
  expect_error("object: a byte below the tab before it", "\x01{}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 0, 0, -1);
  report(bce_options_parse("\v\f{}\r\n", 6, PROB, &o, store, 16, &e)
         ==BCE_OPTIONS_OK && o.keys==0,
         "object: \\v and \\f around it", "");
  /* JSON of another kind, broken */
  expect_error("not an object: an array ended", "[1,", PROB,
               BCE_OPTIONS_MALFORMED, 0, 3, 0, -1);
  expect_error("not an object: text after it", "[1] x", PROB,
               BCE_OPTIONS_MALFORMED, 0, 4, 0, -1);
  /* a value of the wrong kind, walked through to quote it */
  expect_error("wrong value: white space of each kind",
               "{\"eps\": [-1,\t2,\n3,\r4]}", PROB, BCE_OPTIONS_DOMAIN,
               BCE_OPT_EPS, 8, 13, -1);
  expect_error("wrong value: white space of each kind after it",
               "{\"eps\": \"a\" \t\n\r}", PROB, BCE_OPTIONS_DOMAIN,
               BCE_OPT_EPS, 8, 3, -1);
  expect_error("wrong value: object of two members",
               "{\"eps\": {\"a\": 1, \"b\": 2}}", PROB, BCE_OPTIONS_DOMAIN,
               BCE_OPT_EPS, 8, 16, -1);
  expect_error("wrong value: ended after a comma", "{\"eps\": [1,", PROB,
               BCE_OPTIONS_MALFORMED, 0, 11, 0, -1);
  expect_error("wrong value: ended after '['", "{\"eps\": [", PROB,
               BCE_OPTIONS_MALFORMED, 0, 9, 0, -1);
  expect_error("wrong value: ended after '{'", "{\"eps\": {", PROB,
               BCE_OPTIONS_MALFORMED, 0, 9, 0, -1);
  expect_error("wrong value: ended after an element", "{\"eps\": [1", PROB,
               BCE_OPTIONS_MALFORMED, 0, 10, 0, -1);
  expect_error("wrong value: a string broken", "{\"eps\": [\"a\x01\"]}",
               PROB, BCE_OPTIONS_MALFORMED, 0, 11, 0, -1);
  expect_error("wrong value: a number broken", "{\"eps\": [-]}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 10, 0, -1);
  expect_error("wrong value: object without a key", "{\"eps\": {1}}", PROB,
               BCE_OPTIONS_MALFORMED, 0, 9, 0, -1);
  expect_error("wrong value: array without a comma", "{\"eps\": [1 2]}",
               PROB, BCE_OPTIONS_MALFORMED, 0, 11, 0, -1);
  expect_error("wrong value: member without a colon", "{\"eps\": {\"a\" 1}}",
               PROB, BCE_OPTIONS_MALFORMED, 0, 13, 0, -1);
  expect_error("wrong value: member without a comma",
               "{\"eps\": {\"a\": 1 x}}", PROB, BCE_OPTIONS_MALFORMED, 0, 16,
               0, -1);
  expect_error("wrong value: ended after a member's comma",
               "{\"eps\": {\"a\": 1,", PROB, BCE_OPTIONS_MALFORMED, 0, 16, 0,
               -1);
  expect_error("wrong value: a member's key not a string",
               "{\"eps\": {\"a\": 1, 2}}", PROB, BCE_OPTIONS_MALFORMED, 0, 17,
               0, -1);
  /* the numbers' and the arrays' own turns */
  expect_error("smoothing negative", "{\"smoothing\": -0.5}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_SMOOTHING, 14, 4, -1);
  expect_error("pos_weight: no value", "{\"pos_weight\":", PROB,
               BCE_OPTIONS_MALFORMED, 0, 14, 0, -1);
  expect_error("class_weight: ended after '['", "{\"class_weight\": [",
               MULTI, BCE_OPTIONS_MALFORMED, 0, 18, 0, -1);
  expect_error("class_weight: ended after an element",
               "{\"class_weight\": [1", MULTI, BCE_OPTIONS_MALFORMED, 0, 19, 0,
               -1);
  expect_error("class_weight: no comma", "{\"class_weight\": [1 2]}", MULTI,
               BCE_OPTIONS_MALFORMED, 0, 20, 0, -1);
  /* ignore_index */
  expect_error("ignore_index: no value", "{\"ignore_index\":", MULTI,
               BCE_OPTIONS_MALFORMED, 0, 16, 0, -1);
  expect_error("ignore_index true", "{\"ignore_index\": true}", MULTI,
               BCE_OPTIONS_DOMAIN, BCE_OPT_IGNORE_INDEX, 17, 4, -1);
  expect_error("ignore_index: '-' alone", "{\"ignore_index\": -}", MULTI,
               BCE_OPTIONS_MALFORMED, 0, 18, 0, -1);
  expect_error("ignore_index past 2^53 as a REAL",
               "{\"ignore_index\": 1e300}", MULTI, BCE_OPTIONS_DOMAIN,
               BCE_OPT_IGNORE_INDEX, 17, 5, -1);
  report(parse("{\"ignore_index\": 1e2}", MULTI, &o, &e)==BCE_OPTIONS_OK
         && o.ignore_index==100, "ignore_index 1e2 is 100", "");
  /* reduction */
  expect_error("reduction: no value", "{\"reduction\":", PROB,
               BCE_OPTIONS_MALFORMED, 0, 13, 0, -1);
  expect_error("reduction: string ended", "{\"reduction\": \"su", PROB,
               BCE_OPTIONS_MALFORMED, 0, 17, 0, -1);
  expect_error("object: ended after a key", "{\"eps\"", PROB,
               BCE_OPTIONS_MALFORMED, 0, 6, 0, -1);
  expect_error("object: ended after a string value", "{\"reduction\": \"sum\"",
               PROB, BCE_OPTIONS_MALFORMED, 0, 19, 0, -1);
}

static void test_names(void){
  report(strcmp(bce_options_key_name(BCE_OPT_EPS), "eps")==0
         && strcmp(bce_options_key_name(BCE_OPT_POS_WEIGHT), "pos_weight")==0
         && strcmp(bce_options_key_name(BCE_OPT_SMOOTHING), "smoothing")==0
         && strcmp(bce_options_key_name(BCE_OPT_GAMMA), "gamma")==0
         && strcmp(bce_options_key_name(BCE_OPT_ALPHA), "alpha")==0
         && strcmp(bce_options_key_name(BCE_OPT_CLASS_WEIGHT),
                   "class_weight")==0
         && strcmp(bce_options_key_name(BCE_OPT_IGNORE_INDEX),
                   "ignore_index")==0
         && strcmp(bce_options_key_name(BCE_OPT_REDUCTION), "reduction")==0
         && bce_options_key_name(BCE_OPT_MULTICLASS)==0,
         "key names", "");
}

/* Checks that kill mutants of src/options.c (make mutate, 2026-12-07),
** each named by what the mutant got wrong. */
static void test_mutant_edges(void){
  bce_options o;
  bce_options_error e;
  bce_options_status st;
  /* every hex digit class of a \u escape decodes: 'F', 'f', '9', 'a' */
  expect_number("\\u escape, digit F: p\\u006Fs_weight is pos_weight",
                "{\"p\\u006Fs_weight\": 3}", PROB, &o.pos_weight, 3.0, &o);
  expect_number("\\u escape, digit f: p\\u006fs_weight is pos_weight",
                "{\"p\\u006fs_weight\": 3}", PROB, &o.pos_weight, 3.0, &o);
  st = parse("{\"\\u0069gnore_index\": -100}", MULTI, &o, &e);
  report(st==BCE_OPTIONS_OK && o.ignore_index==-100,
         "\\u escape, digit 9: \\u0069gnore_index is ignore_index", "");
  expect_error("\\u escape, digit a: '*', an unknown key, not malformed",
               "{\"\\u002a\": 1}", PROB, BCE_OPTIONS_UNKNOWN_KEY, 0, 1, 8, -1);
  /* a space is a character of a string; below it, controls are not */
  expect_error("a space inside a key: unknown, not malformed",
               "{\"pos weight\": 1}", PROB, BCE_OPTIONS_UNKNOWN_KEY, 0, 1, 12,
               -1);
  /* a value of the wrong kind is quoted whole: a number starting with 9,
  ** nested brackets of both kinds at one depth, a literal at the text's
  ** very end */
  expect_error("reduction 9: a number starting with 9, quoted",
               "{\"reduction\": 9}", PROB, BCE_OPTIONS_DOMAIN,
               BCE_OPT_REDUCTION, 14, 1, -1);
  expect_error("reduction [[1], {\"a\": [2]}]: [ then { at one depth",
               "{\"reduction\": [[1], {\"a\": [2]}]}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_REDUCTION, 14, 17, -1);
  expect_error("reduction true at the end of a cut text",
               "{\"reduction\": true", PROB, BCE_OPTIONS_DOMAIN,
               BCE_OPT_REDUCTION, 14, 4, -1);
  /* texts cut inside a reduction's string and inside a literal: the
  ** same status whatever lies past the text's end (make check's valgrind
  ** and ASan lanes see a read of what the text does not hold) */
  expect_error("reduction's string cut off", "{\"reduction\": \"mea", PROB,
               BCE_OPTIONS_MALFORMED, 0, 18, 0, -1);
  expect_error("reduction's literal cut off", "{\"reduction\": t", PROB,
               BCE_OPTIONS_MALFORMED, 0, 14, 0, -1);
  /* the domains' closed ends, and one past them */
  expect_error("smoothing 1 + 2^-52 is past [0, 1]",
               "{\"smoothing\": 1.0000000000000002}", PROB,
               BCE_OPTIONS_DOMAIN, BCE_OPT_SMOOTHING, 14, 18, -1);
  expect_number("pos_weight DBL_MAX is in its domain",
                "{\"pos_weight\": 1.7976931348623157e308}", PROB,
                &o.pos_weight, 1.7976931348623157e308, &o);
  expect_error("an array without its comma", "{\"class_weight\": [1 2]}",
               MULTI, BCE_OPTIONS_MALFORMED, 0, 20, 0, -1);
  expect_error("an array without its ]: the } is not its end",
               "{\"class_weight\": [1 }", MULTI, BCE_OPTIONS_MALFORMED, 0, 20,
               0, -1);
  /* ignore_index: digits read exactly past 2^53; int64's ends; a number
  ** written otherwise only within 2^53 */
  st = parse("{\"ignore_index\": 9007199254740993}", MULTI, &o, &e);
  report(st==BCE_OPTIONS_OK && o.ignore_index==INT64_C(9007199254740993),
         "ignore_index 2^53 + 1 as digits, exact", "");
  expect_error("ignore_index one below int64 min",
               "{\"ignore_index\": -9223372036854775809}", MULTI,
               BCE_OPTIONS_DOMAIN, BCE_OPT_IGNORE_INDEX, 17, 20, -1);
  st = parse("{\"ignore_index\": 9.007199254740992e15}", MULTI, &o, &e);
  report(st==BCE_OPTIONS_OK && o.ignore_index==INT64_C(9007199254740992),
         "ignore_index 2^53 written with an exponent", "");
  expect_error("ignore_index 2^53 + 2 written with a fraction: past 2^53",
               "{\"ignore_index\": 9007199254740994.0}", MULTI,
               BCE_OPTIONS_DOMAIN, BCE_OPT_IGNORE_INDEX, 17, 18, -1);
}

int main(void){
  test_keys();
  test_arrays();
  test_errors();
  test_grammar();
  test_names();
  test_mutant_edges();
  return failures!=0;
}
