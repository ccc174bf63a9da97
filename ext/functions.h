/* The SQL-callable C functions, for the registration table in entry.c. */
#ifndef BCE_FUNCTIONS_H
#define BCE_FUNCTIONS_H

#include "sqlite3ext.h"

/* bce(y, p [, w [, eps]]): aggregate and window function, one step and
** inverse per arity (the arity is the number after the name) */
void bce_agg_step2(sqlite3_context*, int, sqlite3_value**);
void bce_agg_step3(sqlite3_context*, int, sqlite3_value**);
void bce_agg_step4(sqlite3_context*, int, sqlite3_value**);
void bce_agg_inverse2(sqlite3_context*, int, sqlite3_value**);
void bce_agg_inverse3(sqlite3_context*, int, sqlite3_value**);
void bce_agg_inverse4(sqlite3_context*, int, sqlite3_value**);
void bce_agg_value(sqlite3_context*);
void bce_agg_final(sqlite3_context*);

/* bce_logits(y, z [, w]): the same aggregate with the loss of a logit; it
** shares bce_agg_value and bce_agg_final */
void bce_logits_agg_step2(sqlite3_context*, int, sqlite3_value**);
void bce_logits_agg_step3(sqlite3_context*, int, sqlite3_value**);
void bce_logits_agg_inverse2(sqlite3_context*, int, sqlite3_value**);
void bce_logits_agg_inverse3(sqlite3_context*, int, sqlite3_value**);

void bce_term_func(sqlite3_context*, int, sqlite3_value**);
void bce_grad_func(sqlite3_context*, int, sqlite3_value**);
void bce_logits_term_func(sqlite3_context*, int, sqlite3_value**);
void bce_logits_grad_func(sqlite3_context*, int, sqlite3_value**);
void bce_sigmoid_func(sqlite3_context*, int, sqlite3_value**);
void bce_logit_func(sqlite3_context*, int, sqlite3_value**);
void bce_version_func(sqlite3_context*, int, sqlite3_value**);

#endif
