/* The SQL-callable C functions, for the registration table in entry.c. */
#ifndef BCE_FUNCTIONS_H
#define BCE_FUNCTIONS_H

#include "sqlite3ext.h"

/* bce(y, p [, w [, eps]]): aggregate and window function */
void bce_agg_step(sqlite3_context*, int, sqlite3_value**);
void bce_agg_inverse(sqlite3_context*, int, sqlite3_value**);
void bce_agg_value(sqlite3_context*);
void bce_agg_final(sqlite3_context*);

void bce_term_func(sqlite3_context*, int, sqlite3_value**);
void bce_grad_func(sqlite3_context*, int, sqlite3_value**);
void bce_sigmoid_func(sqlite3_context*, int, sqlite3_value**);
void bce_logit_func(sqlite3_context*, int, sqlite3_value**);
void bce_version_func(sqlite3_context*, int, sqlite3_value**);

#endif
