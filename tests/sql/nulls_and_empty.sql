-- Rules 1 and 2 (docs/functions.md): NULL skips a row (aggregates) or gives NULL (scalars),
-- whatever else the row holds; no rows, or no positive weight, give NULL.
.read tests/sql/lib/checks.sql
CREATE TEMP TABLE worked(y, p, w, eps);
INSERT INTO worked VALUES (1, 0.4, 1, 1e-15), (0, 0.5, 1, 1e-15), (1, 0.8, 1, 1e-15), (1, 0.2, 1, 1e-15);
CREATE TEMP TABLE with_nulls AS SELECT * FROM worked;
INSERT INTO with_nulls VALUES (NULL, 0.9, 1, 1e-15), (1, NULL, 1, 1e-15),
  (1, 0.9, NULL, 1e-15), (0, 0.9, 1, NULL), (NULL, NULL, NULL, NULL),
  (NULL, 2.7, 1, 1e-15), ('abc', NULL, 1, 1e-15), (1, 0.9, NULL, 'bad'),
  (1, 5, NULL, 1e-15);

INSERT INTO checks SELECT 'rule 2: no rows: bce(y, p) is NULL', bce(y, p), NULL, 'is', NULL FROM worked WHERE 0;
INSERT INTO checks SELECT 'rule 2: no rows: bce(y, p, w) is NULL', bce(y, p, w), NULL, 'is', NULL FROM worked WHERE 0;
INSERT INTO checks SELECT 'rule 2: no rows: bce(y, p, w, eps) is NULL', bce(y, p, w, eps), NULL, 'is', NULL FROM worked WHERE 0;
INSERT INTO checks SELECT 'rules 1, 2: only NULL rows: bce is NULL', bce(y, p), NULL, 'is', NULL FROM with_nulls WHERE y IS NULL OR p IS NULL;
INSERT INTO checks SELECT 'rule 1: NULL y or p skips the row, even beside a bad value: bce(y, p)',
  bce(y, p), 0.860504844045603, 'abs', 7.3e-16 FROM with_nulls
  WHERE y IS NULL OR p IS NULL OR rowid <= 4;
INSERT INTO checks SELECT 'rule 1: NULL anywhere skips the row, even beside a bad value: bce(y, p, w, eps)',
  bce(y, p, w, eps), 0.860504844045603, 'abs', 7.3e-16 FROM with_nulls;
INSERT INTO checks SELECT 'rule 2: all weights 0: bce(y, p, w) is NULL', bce(y, p, 0), NULL, 'is', NULL FROM worked;
INSERT INTO checks SELECT 'rule 2: all weights 0 or NULL, eps 0, certain and wrong: NULL',
  bce(1, 0, w, 0), NULL, 'is', NULL FROM (SELECT 0 AS w UNION ALL SELECT NULL);
INSERT INTO checks SELECT 'rule 7: result is REAL', typeof(bce(y, p)), 'real', 'is', NULL FROM worked;
INSERT INTO checks SELECT 'rules 1, 2: group of NULLs in GROUP BY is NULL', v, NULL, 'is', NULL
  FROM (SELECT g, bce(y, p) AS v FROM (SELECT 1 AS g, 1 AS y, NULL AS p UNION ALL SELECT 2, 1, 0.5) GROUP BY g) WHERE g = 1;
INSERT INTO checks SELECT 'rules 1, 2: window frame of NULL rows is NULL', v, NULL, 'is', NULL
  FROM (SELECT column1 AS i, bce(column2, column3) OVER (ORDER BY column1 ROWS 1 PRECEDING) AS v
        FROM (VALUES (1, 1, 0.5), (2, NULL, 0.5), (3, 1, NULL))) WHERE i = 3;

INSERT INTO checks VALUES ('rule 1: bce_term(NULL, 0.5)', bce_term(NULL, 0.5), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_term(1, NULL)', bce_term(1, NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_term(1, 0.5, NULL)', bce_term(1, 0.5, NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_term(NULL, ''abc''): NULL first, no error', bce_term(NULL, 'abc'), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_grad(NULL, 0.5)', bce_grad(NULL, 0.5), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_grad(1, NULL)', bce_grad(1, NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_grad(1, 0.5, NULL)', bce_grad(1, 0.5, NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_grad(1, 7, NULL): NULL first, no error', bce_grad(1, 7, NULL), NULL, 'is', NULL);
-- the logits functions keep the same rules
INSERT INTO checks SELECT 'rule 2: no rows: bce_logits(y, z) is NULL', bce_logits(y, p), NULL, 'is', NULL FROM worked WHERE 0;
INSERT INTO checks SELECT 'rule 2: no rows: bce_logits(y, z, w) is NULL', bce_logits(y, p, w), NULL, 'is', NULL FROM worked WHERE 0;
INSERT INTO checks SELECT 'rule 2: all weights 0: bce_logits(y, z, w) is NULL, even at the wrong infinity',
  bce_logits(1, -1e999, 0), NULL, 'is', NULL FROM worked;
INSERT INTO checks SELECT 'rule 1: NULL anywhere skips the row, even beside a bad value: bce_logits(y, z, w)',
  bce_logits(column1, column2, column3), ln(2), 'ulp', 1
  FROM (VALUES (1, 0, 1), (NULL, 'bad', 1), (3, NULL, 1), (1, 'bad', NULL), (NULL, NULL, NULL));
INSERT INTO checks VALUES ('rule 1: bce_logits_term(NULL, 0)', bce_logits_term(NULL, 0), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_logits_term(1, NULL)', bce_logits_term(1, NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_logits_term(7, NULL): NULL first, no error', bce_logits_term(7, NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_logits_grad(NULL, 0)', bce_logits_grad(NULL, 0), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: bce_logits_grad(1, 0, NULL)', bce_logits_grad(1, 0, NULL), NULL, 'is', NULL);
-- JSON arrays: a NULL argument still wins, over a bad array too
INSERT INTO checks VALUES ('rules 1, 9: bce_term(NULL, ''[bad''): NULL, no error', bce_term(NULL, '[bad'), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rules 1, 9: bce_term(''[1,0]'', NULL)', bce_term('[1,0]', NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rules 1, 9: bce_term(''[1]'', ''[0.5, 0.5]'', NULL): NULL before the length error', bce_term('[1]', '[0.5, 0.5]', NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rules 1, 9: bce_grad(''[1]'', ''[]'', NULL): NULL before the empty array', bce_grad('[1]', '[]', NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rules 1, 9: bce_logits_term(NULL, ''[1e999]'')', bce_logits_term(NULL, '[1e999]'), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rules 1, 9: bce_logits_grad(''[1]'', NULL, 2)', bce_logits_grad('[1]', NULL, 2), NULL, 'is', NULL);
INSERT INTO checks SELECT 'rules 1, 9: bce(y, p, w) skips an array row with a NULL weight, even a bad one',
  bce(column1, column2, column3), ln(2), 'ulp', 1
  FROM (VALUES ('[1, 0]', '[0.5, 0.5]', 1), ('[1, 0', '[x]', NULL), (NULL, '[0.5]', 1));
INSERT INTO checks SELECT 'rules 1, 2, 9: only NULL rows beside arrays: bce_logits is NULL', bce_logits(column1, column2), NULL, 'is', NULL
  FROM (VALUES (NULL, '[0.5]'), ('[1]', NULL));
INSERT INTO checks VALUES ('rule 1: sigmoid(NULL)', sigmoid(NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: logit(NULL)', logit(NULL), NULL, 'is', NULL);
-- reduction "sum" and "mean_over_rows" over no counted row are NULL as
-- SQL's sum() is (PyTorch's sum of an empty tensor is 0): docs/functions.md
INSERT INTO checks SELECT 'rule 2: no rows: reduction "sum" is NULL', bce(y, p, '{"reduction": "sum"}'), NULL, 'is', NULL FROM worked WHERE 0;
INSERT INTO checks SELECT 'rule 2: no rows: reduction "mean_over_rows" is NULL', bce(y, p, '{"reduction": "mean_over_rows"}'), NULL, 'is', NULL FROM worked WHERE 0;
INSERT INTO checks SELECT 'rule 2: every row ignored: cce reduction "sum" is NULL', cce(column1, column2, '{"reduction": "sum", "ignore_index": 0}'), NULL, 'is', NULL
  FROM (VALUES (0, '[0.5, 0.5]'), (0, '[0.9, 0.1]'));
INSERT INTO checks SELECT 'rows of weight 0 are counted: reduction "sum" is 0.0', quote(bce(1, 0.5, 0, '{"reduction": "sum"}')), '0.0', 'is', NULL;
INSERT INTO checks SELECT 'rows of weight 0 are counted: reduction "mean_over_rows" is 0.0', quote(bce(1, 0.5, 0, '{"reduction": "mean_over_rows"}')), '0.0', 'is', NULL;
-- the score states of no rows are NULL, as every aggregate of no rows (rule 2)
INSERT INTO checks SELECT 'no rows: bce_d2_state is NULL', (SELECT bce_d2_state(y, p) FROM (SELECT 1 AS y, 0.5 AS p) WHERE 0), NULL, 'is', NULL;
INSERT INTO checks SELECT 'no rows: cce_d2_state is NULL', (SELECT cce_d2_state(y, p) FROM (SELECT 1 AS y, '[0.5, 0.5]' AS p) WHERE 0), NULL, 'is', NULL;
INSERT INTO checks SELECT 'no rows: kl_div_state is NULL', (SELECT kl_div_state(y, p) FROM (SELECT 1 AS y, '[0.5, 0.5]' AS p) WHERE 0), NULL, 'is', NULL;
.read tests/sql/lib/report.sql
