/*
** Reading SQL arguments into doubles, with the rules every function shares:
**
**  (1) NULL in any argument: the row is skipped (aggregates) or the result
**      is NULL (scalars), whatever the other arguments hold.
**  (2) INTEGER and REAL are numbers.  TEXT is a number when SQLite's numeric
**      affinity converts all of it ('0.25', ' 1e-3 '); any other TEXT and
**      every BLOB is an error.
**  (3) Each argument has a domain; a value outside it is an error naming the
**      function, the argument and the value, never a clip.
*/
#ifndef BCE_ARGS_H
#define BCE_ARGS_H

#include "sqlite3ext.h"

typedef enum bce_domain {
  BCE_ANY,       /* any number, +-Inf included (sigmoid's x) */
  BCE_UNIT,      /* [0, 1]: labels and probabilities */
  BCE_WEIGHT,    /* finite and >= 0 */
  BCE_EPS,       /* [0, 0.5) */
  BCE_COUNT      /* finite and > 0 */
} bce_domain;

typedef struct bce_param {
  const char *name;     /* as the error message calls it: "p" */
  bce_domain domain;
} bce_param;

typedef enum bce_read {
  BCE_READ_OK,      /* out[] holds every argument */
  BCE_READ_NULL,    /* some argument is NULL */
  BCE_READ_ERROR    /* an error has been set on ctx */
} bce_read;

/* Reads argv[0..argc-1] into out[], param[i] describing argv[i]. */
bce_read bce_read_args(sqlite3_context *ctx, const char *fn, int argc,
                       sqlite3_value **argv, const bce_param *param,
                       double *out);

/* Formats x as the shortest decimal that reads back as x ("2.7", "Inf").
** buf must hold 32 bytes. */
void bce_format_double(char *buf, double x);

#endif
