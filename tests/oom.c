/* SPDX-License-Identifier: MIT */
/*
** Out of memory: every allocation SQLite makes while a statement of the
** extension runs is made to fail in turn, and the statement must then
** either give the right answer (SQLite recovered) or fail with
** SQLITE_NOMEM (or, for a statement that must fail, with its own error) --
** never a wrong value, another error, or a crash -- and closing the
** connection must give back every block.
**
**   oom LIB
**
** How: sqlite3_config(SQLITE_CONFIG_MALLOC) installs an allocator that
** wraps SQLite's own and fails the Nth allocation (once, or from the Nth
** on) while armed.  It is armed only around sqlite3_step(), so what fails
** is what runs then: the aggregate context, the result, the error
** message, a UTF-16 text converted to UTF-8.  Lookaside is turned off, so
** every allocation of the connection reaches the allocator.  For each
** statement, a run without failures counts its allocations, M; then N goes
** from 1 to M+1 (the last fails nothing), both ways.  The allocator also
** counts the blocks outstanding; after sqlite3_close() it must be back to
** where it was before sqlite3_open().  (make check runs this under
** AddressSanitizer, whose leak checker also looks at exit, and valgrind.)
**
** Which allocation is the aggregate context: the statement is run once
** more with bce() (or bce_logits()) replaced by twn(), an aggregate and window function of
** this test whose context is 8 bytes (the "twin": same arguments, same
** statement); the blocks of a size the twin never asks for are the
** extension's.  When one of them is refused, the statement must fail with
** SQLITE_NOMEM.
**
** Expected values come from SQLite's own ln() on the textbook formula (run
** with nothing armed), or are the exact error message.  Prints "ok|..." /
** "FAIL|..." lines; exit 1 on a failure.
*/
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#define MAX_ALLOC 4096

static sqlite3_mem_methods base;   /* SQLite's own allocator */
static int armed;                  /* counting (and failing) */
static int count;                  /* allocations since armed */
static int sizes[MAX_ALLOC];       /* the size of each */
static int fail_at;                /* fail allocation number fail_at ... */
static int persistent;             /* ... and every one after it */
static int n_failed;               /* allocations refused since armed */
static long outstanding;           /* blocks allocated, not yet freed */

static int should_fail(int n){
  if( !armed ) return 0;
  if( count<MAX_ALLOC ) sizes[count] = n;
  count++;
  if( fail_at>0 && (count==fail_at || (persistent && count>fail_at)) ){
    n_failed++;
    return 1;
  }
  return 0;
}

static void *oom_malloc(int n){
  void *p;
  if( should_fail(n) ) return 0;
  p = base.xMalloc(n);
  if( p ) outstanding++;
  return p;
}

static void oom_free(void *p){
  if( p ) outstanding--;
  base.xFree(p);
}

static void *oom_realloc(void *p, int n){
  void *q;
  if( should_fail(n) ) return 0;
  q = base.xRealloc(p, n);
  if( q && !p ) outstanding++;
  return q;
}

static int oom_size(void *p){ return base.xSize(p); }
static int oom_roundup(int n){ return base.xRoundup(n); }
static int oom_init(void *x){ return base.xInit(x); }
static void oom_shutdown(void *x){ base.xShutdown(x); }

typedef struct Case {
  const char *name;
  const char *setup;     /* run first, nothing armed */
  const char *sql;       /* the value is the sum over its rows */
  const char *ref;       /* SQL for the expected value (SQLite's ln()) */
  const char *error;     /* or the exact error it must fail with */
  int twin;              /* an aggregate: find its context (see above) */
  int none;              /* must allocate nothing while stepping */
} Case;

#define WORKED "(VALUES (1, 0.4), (0, 0.5), (1, 0.8), (1, 0.2))"
#define WORKED_REF "-(ln(0.4) + ln(0.5) + ln(0.8) + ln(0.2)) / 4"
#define GROUPED "(VALUES ('a', 1, 0.4), ('b', 0, 0.5), ('a', 1, 0.8), " \
                "('c', 1, 0.2))"

#define UTF16_OPT "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t(y, p, o);" \
  " INSERT INTO t VALUES (1, 0.4, '{\"eps\": 1e-7}'), (0, 0.5, '{\"eps\": 1e-7}')," \
  " (1, 0.8, '{\"eps\": 1e-7}'), (1, 0.2, '{\"eps\": 1e-7}');"
/* one row of 130 classes, 0.5 on the first two: its cce_state (class
** weights 1 but the fifth's, 2) is past 1024 bytes; its loss ln 2 */
#define BIG_STATE "CREATE TABLE big(p, o); INSERT INTO big WITH RECURSIVE" \
  " c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 129)" \
  " SELECT (SELECT json_group_array(CASE WHEN i < 2 THEN 0.5 ELSE 0 END)" \
  " FROM c), (SELECT json_object('class_weight', json_group_array(1 + (i = 5)))" \
  " FROM c); CREATE TABLE big2 AS SELECT hex(cce_state(0, p, o)) AS h FROM big;"

/* 40 classes: p 0.5 on the first two, class weights 1 */
#define P40 "[0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0," \
  " 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]"
#define CW40 "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1," \
  " 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"

static const Case cases[] = {
  {.name = "bce(y, p) aggregate",
   .sql = "SELECT bce(column1, column2) FROM " WORKED,
   .twin = 1,
   .ref = "SELECT " WORKED_REF},
  {.name = "bce(y, p, w, eps) aggregate",
   .sql = "SELECT bce(column1, column2, column3, 1e-7) FROM "
          "(VALUES (1, 0.4, 2), (0, 0.5, 1), (1, 0.8, 0.5))",
   .twin = 1,
   .ref = "SELECT -(2 * ln(0.4) + ln(0.5) + 0.5 * ln(0.8)) / 3.5"},
  {.name = "bce(y, p) GROUP BY, a context per group",
   .sql = "SELECT bce(column2, column3) FROM " GROUPED " GROUP BY column1",
   .twin = 1,
   .ref = "SELECT -(ln(0.4) + ln(0.8)) / 2 - ln(0.5) - ln(0.2)"},
  {.name = "bce(y, p) window: step, inverse, value",
   .sql = "SELECT bce(column1, column2) OVER (ROWS 1 PRECEDING) FROM "
          WORKED,
   .twin = 1,
   .ref = "SELECT -ln(0.4) - (ln(0.4) + ln(0.5)) / 2"
          " - (ln(0.5) + ln(0.8)) / 2 - (ln(0.8) + ln(0.2)) / 2"},
  {.name = "bce(y, p) over TEXT that is a number",
   .sql = "SELECT bce(column1, column2) FROM "
          "(VALUES ('1', '0.4'), ('0', ' 0.5 '), ('1', '0.8'), ('1', '0.2'))",
   .twin = 1,
   .ref = "SELECT " WORKED_REF},
  {.name = "bce(y, p) in a UTF-16 database, TEXT that is a number",
   .setup = "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t(y, p);"
            " INSERT INTO t VALUES ('1', '0.4'), ('0', '0.5'), ('1', '0.8'),"
            " ('1', '0.2');",
   .sql = "SELECT bce(y, p) FROM t",
   .twin = 1,
   .ref = "SELECT " WORKED_REF},
  /* issue 21: the options block of an aggregate (its text and arrays),
  ** and the parsed options a scalar keeps with sqlite3_set_auxdata() */
  {.name = "bce(y, p, options) aggregate: the options block",
   .sql = "SELECT bce(column1, column2, '{\"eps\": 1e-7}') FROM " WORKED,
   .twin = 1,
   .ref = "SELECT " WORKED_REF},
  {.name = "bce(y, p, options) aggregate over JSON arrays, a pos_weight array",
   .sql = "SELECT bce(column1, column2, '{\"pos_weight\": [1, 1]}') FROM"
          " (VALUES ('[1,0]', '[0.4,0.5]'), ('[1,1]', '[0.8,0.2]'))",
   .twin = 1,
   .ref = "SELECT " WORKED_REF},
  {.name = "bce(y, p, options) window: the options block and the short path",
   .sql = "SELECT bce(column1, column2, '{}') OVER (ROWS 1 PRECEDING) FROM "
          WORKED,
   .twin = 1,
   .ref = "SELECT -ln(0.4) - (ln(0.4) + ln(0.5)) / 2"
          " - (ln(0.5) + ln(0.8)) / 2 - (ln(0.8) + ln(0.2)) / 2"},
  {.name = "scalars with constant options: parsed once, kept as auxdata",
   .sql = "SELECT bce_term(column1, column2, '{\"gamma\": 2}')"
          " + bce_grad(column1, column2, 4, '{\"eps\": 1e-7}') FROM " WORKED,
   .ref = "SELECT -(0.36 * ln(0.4) + 0.25 * ln(0.5) + 0.04 * ln(0.8)"
          " + 0.64 * ln(0.2)) - (1 / 0.4 - 1 / 0.5 + 1 / 0.8 + 1 / 0.2) / 4"},
  {.name = "scalars with options from a column: the last text's block",
   .sql = "SELECT sum(bce_term(column1, column2, column3)) FROM (VALUES"
          " (1, 0.4, '{\"gamma\": 2}'), (0, 0.5, '{\"gamma\": 2}'),"
          " (1, 0.8, '{\"pos_weight\": 2}'), (1, 0.2, '{\"gamma\": 2}'))",
   .ref = "SELECT -(0.36 * ln(0.4) + 0.25 * ln(0.5) + 2 * ln(0.8)"
          " + 0.64 * ln(0.2))"},
  /* a text past the last text's block (64 bytes of text): a new block
  ** for the key, whose refusal fails the call */
  {.name = "scalars with options from a column: a longer text, a new block",
   .sql = "SELECT sum(bce_term(column1, column2, column3)) FROM (VALUES"
          " (1, 0.4, '{\"gamma\": 2}'), (0, 0.5, '{\"gamma\": 2,"
          "                                                        "
          "          \"eps\": 1e-7}'), (1, 0.8, '{\"gamma\": 2}'))",
   .ref = "SELECT -(0.36 * ln(0.4) + 0.25 * ln(0.5) + 0.04 * ln(0.8))"},
  /* the same for kl_div_term, whose options pointer has no default: a
  ** refused block must end the call, not leave it to read the pointer */
  {.name = "kl_div_term with options from a column: a longer text, a new block",
   .sql = "SELECT sum(kl_div_term(column1, column2, column3)) FROM (VALUES"
          " ('[1, 0]', '[0.4, 0.6]', '{\"eps\": 0.1}'), ('[0.5, 0.5]',"
          " '[0.5, 0.5]', '{\"eps\": 0.1,"
          "                                                        "
          "          \"smoothing\": 0}'), ('[0.2, 0.8]', '[0.5, 0.5]',"
          " '{\"eps\": 0.1}'))",
   .ref = "SELECT ln(2.5) + 0.2 * ln(0.4) + 0.8 * ln(1.6)"},
  {.name = "bce() over no rows: NULL, and no context",
   .sql = "SELECT bce(column1, column2) FROM " WORKED " WHERE column1 > 1",
   .ref = "SELECT NULL", .none = 1},
  {.name = "scalars over rows",
   .sql = "SELECT bce_term(column1, column2) + bce_grad(column1, column2, 4)"
          " + sigmoid(column2) + logit(column2) FROM " WORKED,
   .ref = "SELECT 4 * " WORKED_REF " - (1 / 0.4 - 1 / 0.5 + 1 / 0.8"
          " + 1 / 0.2) / 4 + 1 / (1 + exp(-0.4)) + 1 / (1 + exp(-0.5))"
          " + 1 / (1 + exp(-0.8)) + 1 / (1 + exp(-0.2)) + ln(0.4 / 0.6)"
          " + ln(0.8 / 0.2) + ln(0.2 / 0.8)", .none = 1},
  /* rule 9: the worked example as two rows of JSON arrays; each row is
  ** the mean of its elements, and the rows weigh the same, so the mean is
  ** that of the four elements (the same ln() reference) */
  {.name = "bce(y, p) over JSON arrays",
   .sql = "SELECT bce(column1, column2) FROM (VALUES ('[1,0]', '[0.4,0.5]'),"
          " ('[1,1]', '[0.8,0.2]'))",
   .twin = 1,
   .ref = "SELECT " WORKED_REF},
  {.name = "bce(y, p) window over JSON arrays",
   .sql = "SELECT bce(column1, column2) OVER (ROWS 1 PRECEDING) FROM"
          " (VALUES ('[1,0]', '[0.4,0.5]'), ('[1,1]', '[0.8,0.2]'))",
   .twin = 1,
   .ref = "SELECT -(ln(0.4) + ln(0.5)) / 2 + " WORKED_REF},
  /* docs/functions.md's worked example as one array row, 0.860504844045603;
  ** read in place, so nothing is allocated */
  {.name = "bce_term over JSON arrays",
   .sql = "SELECT bce_term('[1,0,1,1]', '[0.4,0.5,0.8,0.2]')",
   .ref = "SELECT " WORKED_REF, .none = 1},
  /* the gradient array allocates its text; the published gradients of the
  ** worked example with n = 4 are -0.625, 0.5, -0.3125, -1.25
  ** (docs/testing.md, tests/sql/published.sql) */
  {.name = "bce_grad over JSON arrays: the text it allocates",
   .sql = "SELECT sum(value) FROM json_each(bce_grad('[1,0,1,1]',"
          " '[0.4,0.5,0.8,0.2]', 1))",
   .ref = "SELECT -0.625 + 0.5 - 0.3125 - 1.25"},
  {.name = "bce_logits_grad over JSON arrays: the text it allocates",
   .sql = "SELECT sum(value) FROM json_each(bce_logits_grad('[1,0]',"
          " '[0.5,-2]'))",
   .ref = "SELECT ((1 / (1 + exp(-0.5)) - 1) + 1 / (1 + exp(2))) / 2"},
  /* Keras' BinaryCrossentropy(from_logits=True) example (y = [0,1,0,0],
  ** z = [-18.6, 0.51, 2.94, -12.8]), against softplus(z) - y*z written
  ** with SQLite's ln() and exp() */
  {.name = "bce_logits(y, z) aggregate",
   .sql = "SELECT bce_logits(column1, column2) FROM (VALUES (0, -18.6),"
          " (1, 0.51), (0, 2.94), (0, -12.8))",
   .twin = 1,
   .ref = "SELECT (ln(1 + exp(-18.6)) + ln(1 + exp(0.51)) - 0.51"
          " + ln(1 + exp(2.94)) + ln(1 + exp(-12.8))) / 4"},
  {.name = "bce_logits(y, z, w) window",
   .sql = "SELECT bce_logits(column1, column2, column3) OVER (ROWS 1"
          " PRECEDING) FROM (VALUES (0, -18.6, 1), (1, 0.51, 3))",
   .twin = 1,
   .ref = "SELECT ln(1 + exp(-18.6)) + (ln(1 + exp(-18.6))"
          " + 3 * (ln(1 + exp(0.51)) - 0.51)) / 4"},
  {.name = "bce_logits over JSON arrays",
   .sql = "SELECT bce_logits(column1, column2) FROM"
          " (VALUES ('[0,1]', '[-18.6,0.51]'), ('[0,0]', '[2.94,-12.8]'))",
   .twin = 1,
   .ref = "SELECT (ln(1 + exp(-18.6)) + ln(1 + exp(0.51)) - 0.51"
          " + ln(1 + exp(2.94)) + ln(1 + exp(-12.8))) / 4"},
  /* partial states: one state per group, merged, is the mean of all the
  ** rows (the same ln() reference) */
  {.name = "bce_state per group, bce_merge of them",
   .sql = "SELECT bce_merge(s) FROM (SELECT bce_state(column2, column3) AS s"
          " FROM " GROUPED " GROUP BY column1)",
   .ref = "SELECT " WORKED_REF},
  {.name = "bce_state(y, p, w, eps), bce_merge_state, bce_merge",
   .sql = "SELECT bce_merge(m) FROM (SELECT bce_merge_state(s) AS m FROM"
          " (SELECT bce_state(column2, column3, 2, 1e-7) AS s FROM " GROUPED
          " GROUP BY column1))",
   .ref = "SELECT " WORKED_REF},
  {.name = "bce_logits_state per group, bce_merge of them",
   .sql = "SELECT bce_merge(s) FROM (SELECT bce_logits_state(column2,"
          " column3) AS s FROM (VALUES (1, 0, -18.6), (2, 1, 0.51),"
          " (1, 0, 2.94), (3, 0, -12.8)) GROUP BY column1)",
   .ref = "SELECT (ln(1 + exp(-18.6)) + ln(1 + exp(0.51)) - 0.51"
          " + ln(1 + exp(2.94)) + ln(1 + exp(-12.8))) / 4"},
  {.name = "bce_merge window over hex() states",
   .sql = "SELECT bce_merge(s) OVER (ROWS 1 PRECEDING) FROM (SELECT"
          " hex(bce_state(column2, column3)) AS s FROM " GROUPED
          " GROUP BY column1 ORDER BY column1)",
   .ref = "SELECT -(ln(0.4) + ln(0.8)) / 2"
          " - (ln(0.4) + ln(0.8) + ln(0.5)) / 3 - (ln(0.5) + ln(0.2)) / 2"},
  {.name = "bce_state_info: its JSON text",
   .sql = "SELECT json_extract(bce_state_info(s), '$.loss')"
          " + json_extract(bce_state_info(s), '$.rows') FROM (SELECT"
          " bce_state(column1, column2) AS s FROM " WORKED ")",
   .ref = "SELECT 4 + " WORKED_REF},
  {.name = "error message for a damaged state",
   .sql = "SELECT bce_merge(x'00112233')",
   .error = "bce_merge(): bad state: not a state (its first bytes are not "
            "\"BCE\")"},
  {.name = "error message for arrays of different lengths",
   .sql = "SELECT bce(column1, column2) FROM (VALUES ('[1,0]',"
          " '[0.5, 0.5, 0.1]'))",
   .error = "bce(): y and p must have the same length, got 2 and 3"},
  {.name = "error message quoting a long text",
   .sql = "SELECT bce(1, 'a very long text that is certainly not a "
          "probability')",
   .error = "bce(): p must be a number, got 'a very long text that is "
            "certainly not a'..."},
  {.name = "error message for a blob",
   .sql = "SELECT bce_term(1, x'3f')",
   .error = "bce_term(): p must be a number, got a blob of 1 byte"},
  {.name = "error message for an empty CSV field",
   .sql = "SELECT bce(1, '')",
   .error = "bce(): p must be a number, got ''; an empty CSV field? "
            "nullif(p, '') reads it as NULL"},
  {.name = "error message for a TEXT number out of its domain",
   .sql = "SELECT bce(1, ' +2.5e0 ')",
   .error = "bce(): p must be in [0, 1], got 2.5; percentages? p / 100.0 "
            "reads them as probabilities; logits? use bce_logits()"},
  {.name = "error message for a value out of domain",
   .sql = "SELECT bce_grad(1, 0.5, -4)",
   .error = "bce_grad(): n must be a finite number > 0, got -4"},
  {.name = "error message when eps changes",
   .sql = "SELECT bce(1, column1, 1, column2) FROM "
          "(VALUES (0.5, 0.001), (0.5, 0.01))",
   .error = "bce(): eps must be the same in every row, got 0.01 after "
            "0.001"},
  {.name = "bce_merge of a bce_state",
   .sql = "SELECT bce_merge(s) FROM (SELECT bce_state(column1, column2) AS s"
          " FROM " WORKED ")",
   .ref = "SELECT " WORKED_REF},
  {.name = "bce_merge of a merged state, from hex text",
   .sql = "SELECT bce_merge(hex(m)) FROM (SELECT bce_merge_state(s) AS m FROM"
          " (SELECT bce_state(column1, column2) AS s FROM " WORKED "))",
   .ref = "SELECT " WORKED_REF},
  {.name = "bce_state_info's loss",
   .sql = "SELECT json_extract(bce_state_info(s), '$.loss') FROM"
          " (SELECT bce_state(column1, column2) AS s FROM " WORKED ")",
   .ref = "SELECT " WORKED_REF},
  {.name = "error message for a BLOB that is not a state",
   .sql = "SELECT bce_merge(x'00112233')",
   .error = "bce_merge(): bad state: not a state (its first bytes are not "
            "\"BCE\")"},
  {.name = "cce(y, p) aggregate, a class index and a targets array",
   .sql = "SELECT cce(column1, column2) FROM (VALUES (0, '[0.5, 0.25, 0.25]'),"
          " ('[0, 0, 1]', '[0.25, 0.25, 0.5]'))",
   .ref = "SELECT ln(2)"},
  {.name = "cce_logits(y, z) window",
   .sql = "SELECT cce_logits(column1, column2) OVER (ROWS 1 PRECEDING) FROM "
          "(VALUES (0, '[0, 0]'), (1, '[0, 0]'))",
   .ref = "SELECT 2 * ln(2)"},
  /* the two rows of the case above, one state each, merged: ln 2 */
  {.name = "cce_state per row, bce_merge of them",
   .sql = "SELECT bce_merge(s) FROM (SELECT cce_state(column1, column2) AS s"
          " FROM (VALUES (0, '[0.5, 0.25, 0.25]'), ('[0, 0, 1]',"
          " '[0.25, 0.25, 0.5]')) GROUP BY column1)",
   .ref = "SELECT ln(2)"},
  {.name = "logsumexp past its 4 inline buckets (allocates room)",
   .sql = "SELECT logsumexp(column1) FROM (VALUES (0), (1000), (2000),"
          " (3000), (4000), (5000), (6000))",
   .ref = "SELECT 6000.0"},
  {.name = "logsumexp window growing past its inline buckets",
   .sql = "SELECT logsumexp(column1) OVER (ORDER BY column1) FROM (VALUES"
          " (0), (1000), (2000), (3000), (4000), (5000), (6000))",
   .ref = "SELECT 21000.0"},
  /* issue 27: the largest row opens the fifth bucket, so that losing it
  ** to a refused allocation changes the answer (the case above loses a
  ** row that does not count once its "once" pass refuses the room) */
  {.name = "logsumexp whose largest row opens the fifth bucket (allocates room)",
   .sql = "SELECT logsumexp(column1) FROM (VALUES (0), (1000), (2000),"
          " (3000), (4000))",
   .ref = "SELECT 4000.0"},
  {.name = "kl_div aggregate",
   .sql = "SELECT kl_div(column1, column2) FROM (VALUES (0, '[0.5, 0.5]'),"
          " (1, '[0.5, 0.5]'))",
   .ref = "SELECT ln(2)"},
  /* issue 21: the multi-class options (a class_weight array in the
  ** aggregate's options block, in a state's bytes, in a scalar's auxdata);
  ** (4 ln 2 + 0.5 * 2 ln 2) / (4 + 0.5) */
  {.name = "cce(y, p, options) aggregate with class_weight",
   .sql = "SELECT cce(column1, column2, '{\"class_weight\": [4, 0.5]}') FROM"
          " (VALUES (0, '[0.5, 0.5]'), (1, '[0.75, 0.25]'))",
   .ref = "SELECT ln(2) * 10 / 9"},
  {.name = "cce_state with class_weight per row, bce_merge of them",
   .sql = "SELECT bce_merge(s) FROM (SELECT cce_state(column1, column2,"
          " '{\"class_weight\": [4, 0.5]}') AS s FROM (VALUES (0, '[0.5, 0.5]'),"
          " (1, '[0.75, 0.25]')) GROUP BY column1)",
   .ref = "SELECT ln(2) * 10 / 9"},
  {.name = "cce_term and cce_grad with constant options (auxdata)",
   .sql = "SELECT cce_term(1, '[0.5, 0.5]', '{\"class_weight\": [1, 2]}')"
          " + length(cce_grad(-1, '[0.5, 0.5]', '{\"ignore_index\": -1}'))",
   .ref = "SELECT 2 * ln(2) + length('[0.0,0.0]')"},
  /* D^2 = 1 exactly: every prediction right and certain (eps = 0) */
  {.name = "bce_d2 aggregate with options",
   .sql = "SELECT bce_d2(column1, column2, '{\"eps\": 0}') FROM (VALUES"
          " (1, 1.0), (0, 0.0), (1, 1.0))",
   .ref = "SELECT 1.0"},
  {.name = "cce_d2 window (its class sums allocated at the first row)",
   .sql = "SELECT sum(d) FROM (SELECT cce_d2(column1, column2, '{\"eps\": 0}')"
          " OVER (ROWS 1 PRECEDING) AS d FROM (VALUES (0, '[1, 0]'),"
          " (1, '[0, 1]'), (0, '[1, 0]')))",
   .ref = "SELECT 2.0"},
  {.name = "cce_d2 of 65 classes (its class means past the inline 64)",
   .sql = "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c"
          " WHERE i < 64) SELECT cce_d2(column1, (SELECT json_group_array("
          "CASE WHEN i = column1 THEN 1 ELSE 0 END) FROM c), '{\"eps\": 0}')"
          " FROM (VALUES (0), (64))",
   .ref = "SELECT 1.0"},
  /* issue 23: the scores' states (bce_merge's class sums and options
  ** store, bce_state_info's class sums) and kl_div's options block */
  {.name = "cce_d2_state per row, bce_merge of them",
   .sql = "SELECT bce_merge(s) FROM (SELECT cce_d2_state(column1, column2,"
          " '{\"eps\": 0}') AS s FROM (VALUES (0, '[1, 0]'), (1, '[0, 1]'),"
          " (0, '[1, 0]')) GROUP BY column1)",
   .ref = "SELECT 1.0"},
  {.name = "cce_d2_state with class_weight, bce_merge_state then bce_merge",
   .sql = "SELECT bce_merge(m) FROM (SELECT bce_merge_state(s) AS m FROM"
          " (SELECT cce_d2_state(column1, column2, '{\"eps\": 0,"
          " \"class_weight\": [2, 1]}') AS s FROM (VALUES (0, '[1, 0]'),"
          " (1, '[0, 1]'), (0, '[1, 0]')) GROUP BY column1))",
   .ref = "SELECT 1.0"},
  {.name = "bce_state_info of a cce_d2 state",
   .sql = "SELECT json_extract(bce_state_info(cce_d2_state(column1, column2,"
          " '{\"eps\": 0}')), '$.score') FROM (VALUES (0, '[1, 0]'),"
          " (1, '[0, 1]'))",
   .ref = "SELECT 1.0"},
  {.name = "kl_div with options, and kl_div_state per row merged",
   .sql = "SELECT kl_div(column1, column2, '{\"smoothing\": 1}') + (SELECT"
          " bce_merge(s) FROM (SELECT kl_div_state(column1, column2,"
          " '{\"eps\": 1e-7}') AS s FROM (VALUES (0, '[0.5, 0.5]'),"
          " (1, '[0.5, 0.5]')) GROUP BY column1)) FROM (VALUES (0, '[0.5, 0.5]'),"
          " (1, '[0.5, 0.5]'))",
   .ref = "SELECT ln(2)"},
  {.name = "softmax and cce_grad texts",
   .sql = "SELECT json_extract(softmax('[0, 0, 0, 0]'), '$[1]')"
          " + length(cce_grad(1, '[0.5, 0.5]'))"
          " + length(log_softmax('[0, 0]'))",
   .ref = "SELECT 0.25 + 10 + length('[-0.6931471805599453,-0.6931471805599453]')"},
  {.name = "error message for a row that does not sum to 1",
   .sql = "SELECT cce(0, '[0.3, 0.9, 0.5]')",
   .error = "cce(): p must sum to 1 (within 1e-4), got a row summing to 1.7;"
            " for logits use cce_logits()"},
  {.name = "error message in a UTF-16 database (text converted to UTF-8)",
   .setup = "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t(y, p);"
            " INSERT INTO t VALUES (1, 'not a number at all');",
   .sql = "SELECT bce(y, p) FROM t",
   .error = "bce(): p must be a number, got 'not a number at all'"},
  /* the paths make coverage found untaken: an options TEXT converted
  ** from UTF-16 (aggregate, scalar, score), a zeroblob's bytes for a
  ** message, a logit TEXT 'inf' converted, the blocks of a state longer
  ** than BCE_STATE_SMALL (its encoding, its hex text), options past a
  ** merge's inline 64 bytes and the class sums after them, and
  ** bce_state_info()'s class block of a cce_d2 state of 65 classes */
  {.name = "bce(y, p, options) in a UTF-16 database: the options TEXT",
   .setup = UTF16_OPT,
   .sql = "SELECT bce(y, p, o) FROM t",
   .twin = 1,
   .ref = "SELECT " WORKED_REF},
  {.name = "bce_term(y, p, options) in a UTF-16 database: the options TEXT",
   .setup = UTF16_OPT,
   .sql = "SELECT bce_term(y, p, o) FROM t",
   .ref = "SELECT 4 * " WORKED_REF},
  {.name = "bce_d2(y, p, options) in a UTF-16 database: the options TEXT",
   .setup = UTF16_OPT,
   .sql = "SELECT bce_d2(y, p, o) FROM t",
   .ref = "SELECT 1 - (" WORKED_REF ") / (-(3 * ln(0.75) + ln(0.25)) / 4)"},
  {.name = "error message for a zeroblob (its bytes allocated)",
   .sql = "SELECT bce_term(1, zeroblob(4))",
   .error = "bce_term(): p must be a number, got a blob of 4 bytes; numpy "
            "scalars bind as blobs: float(x) fixes it"},
  {.name = "error message for cce(0, zeroblob(4)) (a zeroblob's bytes allocated)",
   .sql = "SELECT cce(0, zeroblob(4))",
   .error = "cce(): p must be a JSON array of probabilities, got a blob of 4 bytes; numpy scalars bind as blobs: float(x) fixes it"},
  {.name = "error message for cce_term(0, zeroblob(4)) (a zeroblob's bytes allocated)",
   .sql = "SELECT cce_term(0, zeroblob(4))",
   .error = "cce_term(): p must be a JSON array of probabilities, got a blob of 4 bytes; numpy scalars bind as blobs: float(x) fixes it"},
  {.name = "error message for cce(zeroblob(4), '[0.5,0.5]') (a zeroblob's bytes allocated)",
   .sql = "SELECT cce(zeroblob(4), '[0.5,0.5]')",
   .error = "cce(): y must be a class index or a JSON array of targets, got a blob of 4 bytes; numpy scalars bind as blobs: float(x) fixes it"},
  {.name = "error message for cce_d2(0, zeroblob(4)) (a zeroblob's bytes allocated)",
   .sql = "SELECT cce_d2(0, zeroblob(4))",
   .error = "cce_d2(): p must be a JSON array of probabilities, got a blob of 4 bytes; numpy scalars bind as blobs: float(x) fixes it"},
  {.name = "error message for kl_div(0, zeroblob(4)) (a zeroblob's bytes allocated)",
   .sql = "SELECT kl_div(0, zeroblob(4))",
   .error = "kl_div(): p must be a JSON array of probabilities, got a blob of 4 bytes; numpy scalars bind as blobs: float(x) fixes it"},
  {.name = "error message for softmax(zeroblob(4)) (a zeroblob's bytes allocated)",
   .sql = "SELECT softmax(zeroblob(4))",
   .error = "softmax(): z must be a JSON array of logits, got a blob of 4 bytes; numpy scalars bind as blobs: float(x) fixes it"},
  {.name = "error message for bce_term(zeroblob(4), '[0.5]') (a zeroblob's bytes allocated)",
   .sql = "SELECT bce_term(zeroblob(4), '[0.5]')",
   .error = "bce_term(): y must be a number, got a blob of 4 bytes; numpy scalars bind as blobs: float(x) fixes it"},
  {.name = "error message for bce_merge(zeroblob(30)) (a zeroblob's bytes allocated)",
   .sql = "SELECT bce_merge(zeroblob(30))",
   .error = "bce_merge(): bad state: not a state (its first bytes are not \"BCE\")"},
  {.name = "error message for bce_state_info(zeroblob(30)) (a zeroblob's bytes allocated)",
   .sql = "SELECT bce_state_info(zeroblob(30))",
   .error = "bce_state_info(): bad state: not a state (its first bytes are not \"BCE\")"},
  {.name = "error message for a zeroblob w (its bytes allocated)",
   .sql = "SELECT bce_term(1, 0.5, zeroblob(4))",
   .error = "bce_term(): w must be a number, got a blob of 4 bytes; numpy "
            "scalars bind as blobs: float(x) fixes it"},
  /* one byte, where no test before the message expands it: the failed
  ** expansion is out of memory, not the byte a numpy boolean binds
  ** (error_blob()'s n>0; make mutate's n>1 reads the NULL) */
  {.name = "error message for a 1-byte zeroblob w (its byte allocated)",
   .sql = "SELECT bce_term(1, 0.5, zeroblob(1))",
   .error = "bce_term(): w must be a number, got a blob of 1 byte; numpy "
            "booleans bind as blobs: int(x) fixes it"},
  {.name = "bce_d2(y, p): the aggregate context of its short path",
   .sql = "SELECT bce_d2(column1, column2) FROM " WORKED,
   .ref = "SELECT 1 - (" WORKED_REF ") / (-(3 * ln(0.75) + ln(0.25)) / 4)"},
  /* 40 class weights: past the 32 numbers of the call's room, so the
  ** cached block is parsed into and read back from the auxdata */
  {.name = "cce_term with 40 class weights (options past the room, kept "
           "as auxdata)",
   .sql = "SELECT cce_term(0, '" P40 "', '{\"class_weight\": " CW40 "}')",
   .ref = "SELECT ln(2)"},
  {.name = "bce_logits_term of a TEXT 'inf' in a UTF-16 database",
   .setup = "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t(y, z);"
            " INSERT INTO t VALUES (1, 'inf'), (0, '-inf');",
   .sql = "SELECT bce_logits_term(y, z) FROM t",
   .ref = "SELECT 0.0"},
  {.name = "cce_state of 130 classes (a state past 1024 bytes), merged",
   .setup = BIG_STATE,
   .sql = "SELECT bce_merge(s) FROM (SELECT cce_state(0, p, o) AS s FROM big)",
   .ref = "SELECT ln(2)"},
  {.name = "bce_merge of a 130-class state as hex text",
   .setup = BIG_STATE,
   .sql = "SELECT bce_merge(h) FROM big2",
   .ref = "SELECT ln(2)"},
  {.name = "cce_d2_state with options past 64 bytes, merged by class",
   .sql = "SELECT bce_merge(s) FROM (SELECT cce_d2_state(column1, column2,"
          " '{\"eps\": 0, \"class_weight\": [1, 1, 1, 1, 1, 1, 1, 1, 1, 2]}')"
          " AS s FROM (VALUES (0, '[1,0,0,0,0,0,0,0,0,0]'),"
          " (1, '[0,1,0,0,0,0,0,0,0,0]'), (0, '[1,0,0,0,0,0,0,0,0,0]'))"
          " GROUP BY column1)",
   .ref = "SELECT 1.0"},
  {.name = "bce_state_info of a cce_d2 state of 65 classes",
   .sql = "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c"
          " WHERE i < 64) SELECT json_extract(bce_state_info(cce_d2_state("
          "column1, (SELECT json_group_array(CASE WHEN i = column1 THEN 1"
          " ELSE 0 END) FROM c), '{\"eps\": 0}')), '$.score')"
          " FROM (VALUES (0), (64))",
   .ref = "SELECT 1.0"},
  {.name = "cce() error message in a UTF-16 database (text converted to UTF-8)",
   .setup = "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t(y, p);"
            " INSERT INTO t VALUES (0, 'scores');",
   .sql = "SELECT cce(y, p) FROM t",
   .error = "cce(): p must be a JSON array of probabilities, got 'scores'"},
  /* a hex() state read as TEXT from a UTF-16 database: its conversion to
  ** UTF-8 allocates, and a refused one is read_state()'s z==0 (make
  ** mutate's survivors of ext/states.c read it) */
  {.name = "bce_merge of hex() states in a UTF-16 database (text converted to UTF-8)",
   .setup = "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t(g, h);"
            " INSERT INTO t SELECT column1, hex(bce_state(column2, column3))"
            " FROM " GROUPED " GROUP BY column1;",
   .sql = "SELECT bce_merge(h) FROM t",
   .ref = "SELECT " WORKED_REF},
  {.name = "bce_state_info of a hex() state in a UTF-16 database",
   .setup = "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t(h);"
            " INSERT INTO t SELECT hex(bce_state(column1, column2)) FROM " WORKED ";",
   .sql = "SELECT json_extract(bce_state_info(h), '$.loss') FROM t",
   .ref = "SELECT " WORKED_REF},
  /* a column of options in a UTF-16 database: each row's text converted
  ** to UTF-8 for the compare with the first row's, and a refused
  ** conversion is the fast path's z == 0 (make mutate of ext/aggregate.c) */
  {.name = "bce(y, p, options) over a column in a UTF-16 database",
   .setup = "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t(y, p, o);"
            " INSERT INTO t SELECT column1, column2, '{\"eps\": 0.1}' FROM "
            WORKED ";",
   .sql = "SELECT bce(y, p, o) FROM t",
   .ref = "SELECT " WORKED_REF},
  /* the block of a long hex() text refused at a second state, where the
  ** merge's context exists already (no allocation after the refusal
  ** fails first) */
  {.name = "bce_merge of two 130-class states as hex text",
   .setup = BIG_STATE,
   .sql = "SELECT bce_merge(h) FROM (SELECT h FROM big2 UNION ALL"
          " SELECT h FROM big2)",
   .ref = "SELECT ln(2)"},
};
#define N_CASES (int)(sizeof cases / sizeof cases[0])

static const char *lib;

/* twn(...): the twin of bce(), an aggregate with an 8-byte context. */
static void twn_step(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  (void)argc;
  (void)argv;
  if( !sqlite3_aggregate_context(ctx, 8) ) sqlite3_result_error_nomem(ctx);
}

static void twn_value(sqlite3_context *ctx){
  (void)sqlite3_aggregate_context(ctx, 0);
}

typedef struct Outcome {
  int rc;                /* SQLITE_DONE, or the error */
  int type;              /* SQLITE_FLOAT, or SQLITE_NULL if every row was */
  double value;          /* the sum of the first column over the rows */
  char msg[256];         /* the error message */
} Outcome;

/* Opens a connection with the extension loaded and lookaside off, runs
** the case's setup, then steps sql with the allocator armed (counting
** always; failing as fail_at and persistent say). */
static int run(const Case *c, const char *sql, Outcome *o, char *why,
               size_t nwhy){
  sqlite3 *db = 0;
  sqlite3_stmt *st = 0;
  char *err = 0;
  int rc;
  memset(o, 0, sizeof *o);
  o->type = SQLITE_NULL;
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK ){
    snprintf(why, nwhy, "open: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return 0;
  }
  sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, (void*)0, 0, 0);
  sqlite3_create_window_function(db, "twn", -1, SQLITE_UTF8, 0, twn_step,
                                 twn_value, twn_value, twn_step, 0);
  sqlite3_enable_load_extension(db, 1);
  if( sqlite3_load_extension(db, lib, 0, &err)!=SQLITE_OK
   || (c->setup && sqlite3_exec(db, c->setup, 0, 0, &err)!=SQLITE_OK)
   || sqlite3_prepare_v2(db, sql, -1, &st, 0)!=SQLITE_OK ){
    snprintf(why, nwhy, "setup: %s", err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    sqlite3_close(db);
    return 0;
  }
  count = 0;
  n_failed = 0;
  armed = 1;
  while( (rc = sqlite3_step(st))==SQLITE_ROW ){
    if( sqlite3_column_type(st, 0)!=SQLITE_NULL ){
      o->type = SQLITE_FLOAT;
      o->value += sqlite3_column_double(st, 0);
    }
  }
  armed = 0;
  o->rc = rc;
  if( rc!=SQLITE_DONE ){
    snprintf(o->msg, sizeof o->msg, "%s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  if( sqlite3_close(db)!=SQLITE_OK ){
    snprintf(why, nwhy, "close: %s", sqlite3_errmsg(db));
    return 0;
  }
  return 1;
}

/* refused: an allocation was refused in this run.  SQLite copies an error
** message into the connection with an allocation it allows to fail
** (sqlite3VdbeTransferError, a "benign" one): then the error stays
** SQLITE_ERROR and sqlite3_errmsg() is SQLite's generic text for it. */
static int same(const Outcome *o, const Outcome *want, int refused){
  if( o->rc!=want->rc ) return 0;
  if( o->rc!=SQLITE_DONE ){
    return strcmp(o->msg, want->msg)==0
        || (refused && strcmp(o->msg, sqlite3_errstr(o->rc))==0);
  }
  if( o->type!=want->type ) return 0;
  if( o->type==SQLITE_NULL ) return 1;
  /* the textbook formula with SQLite's ln() is a few ulp off the exact
  ** value; the extension is within 2 ulp of that (tests/sql/) */
  return fabs(o->value - want->value) <= 1e-14 * fabs(want->value);
}

static int contexts_refused;   /* runs where an aggregate context was */

static int check_case(const Case *c){
  Outcome want, o;
  char why[512] = "";
  int mine[MAX_ALLOC] = {0};   /* 1: allocation k+1 is the extension's */
  int m, n, k, mode, nomem = 0, right = 0, lost = 0, n_mine = 0;
  int n_ctx = 0, ctx_size = 0;
  long before;
  fail_at = 0;
  persistent = 0;
  if( c->ref ){
    if( !run(c, c->ref, &want, why, sizeof why) || want.rc!=SQLITE_DONE ){
      printf("FAIL|oom: %s|reference: %s %s\n", c->name, why, want.msg);
      return 0;
    }
  }else{
    want.rc = SQLITE_ERROR;
    snprintf(want.msg, sizeof want.msg, "%s", c->error);
  }
  /* the twin, for the sizes SQLite asks for on its own */
  if( c->twin ){
    static int twin[MAX_ALLOC];
    static const char *const aggs[] = {"bce(", "bce_logits("};
    char sql[1024];
    const char *z = c->sql;
    size_t n = 0;
    int t;
    /* the sql with each call of bce() or bce_logits() made one of twn() */
    while( *z && n<sizeof sql - 8 ){
      size_t a, len = 0;
      for(a=0; a<sizeof aggs/sizeof aggs[0] && !len; a++){
        if( strncmp(z, aggs[a], strlen(aggs[a]))==0 ) len = strlen(aggs[a]);
      }
      if( len ){
        memcpy(sql + n, "twn(", 4);
        n += 4;
        z += len;
      }else{
        sql[n++] = *z++;
      }
    }
    sql[n] = 0;
    if( !run(c, sql, &o, why, sizeof why) ){
      printf("FAIL|oom: %s|twin: %s\n", c->name, why);
      return 0;
    }
    t = count<MAX_ALLOC ? count : MAX_ALLOC;
    memcpy(twin, sizes, sizeof(int)*(size_t)t);
    if( !run(c, c->sql, &o, why, sizeof why) ){
      printf("FAIL|oom: %s|%s\n", c->name, why);
      return 0;
    }
    for(k=0; k<count && k<MAX_ALLOC; k++){
      int j, found = 0;
      for(j=0; j<t && !found; j++){
        if( twin[j]==sizes[k] ){
          twin[j] = -1;
          found = 1;
        }
      }
      if( !found ){
        mine[k] = 1;
        n_mine++;
      }
    }
    if( n_mine==0 ){
      printf("FAIL|oom: %s|no allocation the twin does not make: no "
             "aggregate context found\n", c->name);
      return 0;
    }
  }
  /* the statement with nothing failing, counting its allocations */
  before = outstanding;
  if( !run(c, c->sql, &o, why, sizeof why) || !same(&o, &want, 0) ){
    printf("FAIL|oom: %s|without failures: %s rc %d value %.17g '%s'\n",
           c->name, why, o.rc, o.value, o.msg);
    return 0;
  }
  m = count;
  if( c->none ){
    if( m==0 ){
      printf("ok|oom: %s: allocates nothing while stepping\n", c->name);
      return 1;
    }
    printf("FAIL|oom: %s|%d allocations while stepping, want none\n",
           c->name, m);
    return 0;
  }
  for(mode=0; mode<2; mode++){
    persistent = mode;
    for(n=1; n<=m+1; n++){
      fail_at = n;
      if( !run(c, c->sql, &o, why, sizeof why) ){
        printf("FAIL|oom: %s|allocation %d%s refused: %s\n", c->name, n,
               mode ? " on" : "", why);
        return 0;
      }
      if( n<=m && n<=MAX_ALLOC && mine[n-1] ){
        contexts_refused++;
        n_ctx++;
        ctx_size = sizes[n-1];
        if( o.rc!=SQLITE_NOMEM ){
          printf("FAIL|oom: %s|the extension's block of %d bytes (the "
                 "aggregate context) refused at allocation %d: rc %d "
                 "'%s', want SQLITE_NOMEM\n", c->name, sizes[n-1], n, o.rc,
                 o.msg);
          return 0;
        }
      }
      if( o.rc==SQLITE_NOMEM ){
        nomem++;
      }else if( same(&o, &want, n_failed>0) ){
        right++;
        lost += o.rc!=SQLITE_DONE && strcmp(o.msg, want.msg)!=0;
      }else{
        printf("FAIL|oom: %s|allocation %d%s refused: rc %d value %.17g "
               "'%s', want rc %d '%s' or SQLITE_NOMEM\n", c->name, n,
               mode ? " on" : "", o.rc, o.value, o.msg, want.rc, want.msg);
        return 0;
      }
      if( outstanding!=before ){
        printf("FAIL|oom: %s|allocation %d%s refused: %ld blocks not "
               "freed after sqlite3_close()\n", c->name, n,
               mode ? " on" : "", outstanding - before);
        return 0;
      }
    }
  }
  fail_at = 0;
  persistent = 0;
  if( nomem==0 ){
    printf("FAIL|oom: %s|no refused allocation made it fail (%d "
           "allocations)\n", c->name, m);
    return 0;
  }
  if( c->twin ){
    printf("ok|oom: %s: each of %d allocations refused, once and from "
           "there on: %d SQLITE_NOMEM (%d of them at the %d-byte aggregate "
           "context), %d right answers, none leaked\n", c->name, m, nomem,
           n_ctx, ctx_size, right);
  }else{
    printf("ok|oom: %s: each of %d allocations refused, once and from "
           "there on: %d SQLITE_NOMEM, %d right answers%s, none leaked\n",
           c->name, m, nomem, right,
           lost ? " (some with the message lost by SQLite)" : "");
  }
  return 1;
}

int main(int argc, char **argv){
  sqlite3_mem_methods mine;
  void *keep;
  int i, ok = 1;
  if( argc!=2 ){
    fprintf(stderr, "usage: %s LIB\n", argv[0]);
    return 2;
  }
  lib = argv[1];
  if( sqlite3_config(SQLITE_CONFIG_GETMALLOC, &base)!=SQLITE_OK ){
    fprintf(stderr, "oom: SQLITE_CONFIG_GETMALLOC failed\n");
    return 2;
  }
  mine = base;
  mine.xMalloc = oom_malloc;
  mine.xFree = oom_free;
  mine.xRealloc = oom_realloc;
  mine.xSize = oom_size;
  mine.xRoundup = oom_roundup;
  mine.xInit = oom_init;
  mine.xShutdown = oom_shutdown;
  if( sqlite3_config(SQLITE_CONFIG_MALLOC, &mine)!=SQLITE_OK ){
    fprintf(stderr, "oom: SQLITE_CONFIG_MALLOC failed\n");
    return 2;
  }
  /* keep the library mapped: each connection would otherwise load and
  ** unload it again */
  keep = dlopen(lib, RTLD_NOW);
  for(i=0; i<N_CASES; i++) ok &= check_case(&cases[i]);
  if( contexts_refused==0 ){
    printf("FAIL|oom: the aggregate context was never refused|\n");
    ok = 0;
  }
  if( keep ) dlclose(keep);
  sqlite3_shutdown();
  return ok ? 0 : 1;
}
