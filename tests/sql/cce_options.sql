-- The multi-class options through SQL (issue 21, ext/multiclass.c): the
-- published numbers of PyTorch and Keras with the options object, the
-- class-weighted mean (sum(s l) / sum(s d), d the class weight of the
-- row's target), the reductions, ignore_index rows skipped as NULL rows
-- are, and states that carry the options.  The mpmath references of every
-- key are tests/sql/mpmath_cce_options.sql.
.read tests/sql/lib/checks.sql

-- pytorch/pytorch#8062: CrossEntropyLoss(weight=[20, 10]) of the logits
-- [-100, 100] twice, targets [0, 1]: reduce=False [4000, -0], the weighted
-- mean 133.3333 = 4000 / (20 + 10) (float32, printed to 4 decimals)
CREATE TEMP TABLE t8062 AS SELECT column1 AS y, '[-100, 100]' AS z FROM (VALUES (0), (1));
INSERT INTO checks SELECT 'pytorch#8062: cce_logits weighted mean 133.3333',
  cce_logits(y, z, '{"class_weight": [20, 10]}'), 133.3333, 'abs', 0.5e-4 FROM t8062;
INSERT INTO checks SELECT 'pytorch#8062: cce of softmax(z), weighted mean 133.3333',
  cce(y, softmax(z), '{"class_weight": [20, 10], "eps": 0}'), 133.3333, 'abs', 0.5e-4 FROM t8062;
INSERT INTO checks SELECT 'pytorch#8062: reduce=False row 1 is 4000',
  cce_logits_term(0, '[-100, 100]', '{"class_weight": [20, 10]}'), 4000.0, 'abs', 0.5e-4;
INSERT INTO checks SELECT 'pytorch#8062: reduce=False row 2 is -0',
  cce_logits_term(1, '[-100, 100]', '{"class_weight": [20, 10]}'), 0.0, 'abs', 0.5e-4;
INSERT INTO checks SELECT 'pytorch#8062: the sum of the rows is 4000 (reduction sum)',
  cce_logits(y, z, '{"class_weight": [20, 10], "reduction": "sum"}'), 4000.0, 'abs', 0.5e-4 FROM t8062;
-- the issue's second example: weight [1, 10, 1], logits [-100, 100, -100]
-- three times, targets [0, 0, 1]: reduce=False then .mean(): 133.3333
INSERT INTO checks SELECT 'pytorch#8062: mean of the weighted terms (mean_over_rows) 133.3333',
  cce_logits(column1, '[-100, 100, -100]', '{"class_weight": [1, 10, 1], "reduction": "mean_over_rows"}'),
  133.3333, 'abs', 0.5e-4 FROM (VALUES (0), (0), (1));
-- the weighted mean divides by the class weights of the rows' targets:
-- weights that are powers of 2 and p that are too, so sum(l) / sum(d) is
-- -(4 ln 0.5 + 0.5 ln 0.25) / (4 + 0.5) = 5 ln 2 / 4.5 = (10/9) ln 2
INSERT INTO checks SELECT 'class_weight mean: sum(w_k l) / sum(w_k) = (10/9) ln 2',
  cce(column1, column2, '{"class_weight": [4, 0.5]}'), ln(2) * 10 / 9, 'ulp', 2
  FROM (VALUES (0, '[0.5, 0.5]'), (1, '[0.75, 0.25]'));
-- with row weights s: sum(s w_k l) / sum(s w_k): s = [3, 2]:
-- (3*4 ln 2 + 2*0.5*2 ln 2) / (12 + 1) = 14 ln 2 / 13
INSERT INTO checks SELECT 'class_weight and row weights: sum(s w_k l) / sum(s w_k)',
  cce(column1, column2, column3, '{"class_weight": [4, 0.5]}'), 14.0 / 13.0 * ln(2), 'ulp', 2
  FROM (VALUES (0, '[0.5, 0.5]', 3), (1, '[0.75, 0.25]', 2));
-- soft targets: d = 1 (PyTorch's mean over N with probability targets)
INSERT INTO checks SELECT 'class_weight with soft targets: d = 1, the mean over rows',
  cce(column1, '[0.5, 0.5]', '{"class_weight": [4, 2]}'), 3 * ln(2), 'ulp', 2
  FROM (VALUES ('[1, 0]'), ('[0, 1]'));
-- class weight 0 for every target: sum(s d) = 0, no mean: NULL
INSERT INTO checks SELECT 'class_weight 0 on every target: NULL',
  cce(column1, '[0.5, 0.5]', '{"class_weight": [0, 1]}'), NULL, 'is', NULL
  FROM (VALUES (0), (0));
-- a window and a state give the aggregate's bits
INSERT INTO checks SELECT 'class_weight: a window frame of all rows is the aggregate',
  (SELECT v FROM (SELECT cce(column1, column2, '{"class_weight": [4, 0.5, 3]}') OVER (ORDER BY column1 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS v
                  FROM (VALUES (0, '[0.5, 0.25, 0.25]'), (1, '[0.1, 0.6, 0.3]'), (2, '[0.2, 0.2, 0.6]'))) LIMIT 1)
  = (SELECT cce(column1, column2, '{"class_weight": [4, 0.5, 3]}')
     FROM (VALUES (0, '[0.5, 0.25, 0.25]'), (1, '[0.1, 0.6, 0.3]'), (2, '[0.2, 0.2, 0.6]'))), 1, 'is', NULL;
INSERT INTO checks SELECT 'class_weight: a sliding window removes the rows'' w*d',
  (SELECT group_concat(v, ',') FROM (SELECT cce(column1, column2, '{"class_weight": [4, 0.5, 3]}') OVER (ORDER BY column3 ROWS 1 PRECEDING) AS v
                  FROM (VALUES (0, '[0.5, 0.25, 0.25]', 1), (1, '[0.1, 0.6, 0.3]', 2), (2, '[0.2, 0.2, 0.6]', 3)))),
  (SELECT group_concat(v, ',') FROM (
     SELECT cce(0, '[0.5, 0.25, 0.25]', '{"class_weight": [4, 0.5, 3]}') AS v
     UNION ALL SELECT cce(column1, column2, '{"class_weight": [4, 0.5, 3]}') FROM (VALUES (0, '[0.5, 0.25, 0.25]'), (1, '[0.1, 0.6, 0.3]'))
     UNION ALL SELECT cce(column1, column2, '{"class_weight": [4, 0.5, 3]}') FROM (VALUES (1, '[0.1, 0.6, 0.3]'), (2, '[0.2, 0.2, 0.6]')))),
  'is', NULL;
INSERT INTO checks SELECT 'class_weight: bce_merge of two cce_state shards is the aggregate',
  (SELECT bce_merge(s) FROM (
     SELECT cce_state(column1, column2, '{"class_weight": [4, 0.5, 3]}') AS s FROM (VALUES (0, '[0.5, 0.25, 0.25]'), (1, '[0.1, 0.6, 0.3]'))
     UNION ALL SELECT cce_state(2, '[0.2, 0.2, 0.6]', '{"class_weight": [4, 0.5, 3]}')))
  = (SELECT cce(column1, column2, '{"class_weight": [4, 0.5, 3]}')
     FROM (VALUES (0, '[0.5, 0.25, 0.25]'), (1, '[0.1, 0.6, 0.3]'), (2, '[0.2, 0.2, 0.6]'))), 1, 'is', NULL;
INSERT INTO checks SELECT 'cce_logits_state with reduction sum: bce_merge gives the sum',
  (SELECT bce_merge(s) FROM (
     SELECT cce_logits_state(0, '[0, 0]', '{"reduction": "sum", "class_weight": [2, 1]}') AS s
     UNION ALL SELECT cce_logits_state(1, '[0, 0]', 4, '{"reduction": "sum", "class_weight": [2, 1]}'))),
  6 * ln(2), 'ulp', 1;

-- Keras CategoricalFocalCrossentropy docstring (Keras 3, float32): y_true
-- [[0, 1, 0], [0, 0, 1]], y_pred [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], alpha
-- 0.25, gamma 2, Keras's clip 1e-7: sum_over_batch_size 0.23315276, sum
-- 0.46631, sample_weight [0.3, 0.7] 0.1632 (Σ s l / N)
CREATE TEMP TABLE kfocal AS SELECT column1 AS y, column2 AS p, column3 AS s
  FROM (VALUES (1, '[0.05, 0.95, 0]', 0.3), (2, '[0.1, 0.8, 0.1]', 0.7));
INSERT INTO checks SELECT 'Keras CategoricalFocalCrossentropy docstring: 0.23315276',
  cce(y, p, '{"alpha": 0.25, "gamma": 2, "eps": 1e-7}'), 0.23315276, 'rel', 9.5367431640625e-07 FROM kfocal;
INSERT INTO checks SELECT 'Keras CategoricalFocalCrossentropy docstring: sum 0.46631',
  cce(y, p, '{"alpha": 0.25, "gamma": 2, "eps": 1e-7, "reduction": "sum"}'), 0.46631, 'abs', 0.5e-5 FROM kfocal;
INSERT INTO checks SELECT 'Keras CategoricalFocalCrossentropy docstring: sample_weight 0.1632',
  cce(y, p, s, '{"alpha": 0.25, "gamma": 2, "eps": 1e-7, "reduction": "mean_over_rows"}'), 0.1632, 'abs', 0.5e-4 FROM kfocal;
INSERT INTO checks SELECT 'Keras CategoricalFocalCrossentropy docstring: row 2 4.6627346e-01',
  cce_term(2, '[0.1, 0.8, 0.1]', '{"alpha": 0.25, "gamma": 2, "eps": 1e-7}'), 4.6627346e-01, 'rel', 9.5367431640625e-07;
-- Keras losses_test.py CategoricalCrossentropyTest.test_label_smoothing:
-- logits [100, -100, -100], target 0, smoothing 0.1: 400 * 0.1 / 3
INSERT INTO checks SELECT 'Keras losses_test cce label smoothing: 400 * 0.1 / 3',
  cce_logits(0, '[100, -100, -100]', '{"smoothing": 0.1}'), 400 * 0.1 / 3, 'abs', 0.5e-3;

-- ignore_index: Keras losses_test.py SparseCategoricalCrossentropyTest
-- .test_unweighted_ignore_class, logits [[8, 1, 1], [0, 9, 1], [2, 3, 5],
-- [7.8, 2, 1]], y [0, 1, 2, -1], ignore_class -1: 0.0573 (3 places)
CREATE TEMP TABLE kign AS SELECT column1 AS y, column2 AS z
  FROM (VALUES (0, '[8, 1, 1]'), (1, '[0, 9, 1]'), (2, '[2, 3, 5]'), (-1, '[7.8, 2, 1]'));
INSERT INTO checks SELECT 'Keras losses_test ignore_class from logits: 0.0573',
  cce_logits(y, z, '{"ignore_index": -1}'), 0.0573, 'abs', 0.5e-3 FROM kign;
INSERT INTO checks SELECT 'ignore_index: the mean skips the row as a NULL row (same bits)',
  (SELECT cce_logits(y, z, '{"ignore_index": -1}') FROM kign)
  = (SELECT cce_logits(y, z) FROM kign WHERE y <> -1), 1, 'is', NULL;
INSERT INTO checks SELECT 'ignore_index: the weighted mean skips the row and its weight',
  (SELECT cce(y, p, w, '{"ignore_index": 7, "class_weight": [1, 2, 3]}')
   FROM (SELECT column1 AS y, column2 AS p, column3 AS w FROM (VALUES (0, '[0.5, 0.25, 0.25]', 2), (7, '[0.5, 0.25, 0.25]', 100), (2, '[0.1, 0.3, 0.6]', 1))))
  = (SELECT cce(y, p, w, '{"ignore_index": 7, "class_weight": [1, 2, 3]}')
   FROM (SELECT column1 AS y, column2 AS p, column3 AS w FROM (VALUES (0, '[0.5, 0.25, 0.25]', 2), (2, '[0.1, 0.3, 0.6]', 1)))), 1, 'is', NULL;
INSERT INTO checks SELECT 'ignore_index: mean_over_rows does not count the row',
  cce_logits(y, z, '{"ignore_index": -1, "reduction": "mean_over_rows"}'),
  (SELECT cce_logits(y, z) FROM kign WHERE y <> -1), 'is', NULL FROM kign;
INSERT INTO checks SELECT 'ignore_index: every row ignored is NULL',
  cce(column1, '[0.5, 0.5]', '{"ignore_index": -100}'), NULL, 'is', NULL FROM (VALUES (-100), (-100));
INSERT INTO checks SELECT 'ignore_index: cce_state of only ignored rows merges to NULL',
  (SELECT bce_merge(s) FROM (SELECT cce_state(-100, '[0.5, 0.5]', '{"ignore_index": -100}') AS s)), NULL, 'is', NULL;
INSERT INTO checks SELECT 'ignore_index: cce_term is 0.0', cce_term(-100, '[0.5, 0.5]', '{"ignore_index": -100}'), 0.0, 'is', NULL;
INSERT INTO checks SELECT 'ignore_index: cce_logits_term is 0.0', cce_logits_term(3, '[1, 2, 3, 4]', 5, '{"ignore_index": 3}'), 0.0, 'is', NULL;
INSERT INTO checks SELECT 'ignore_index: cce_grad is K zeros', cce_grad(-100, '[0.5, 0.25, 0.25]', '{"ignore_index": -100}'), '[0.0,0.0,0.0]', 'is', NULL;
INSERT INTO checks SELECT 'ignore_index: cce_logits_grad is K zeros', cce_logits_grad(2, '[1, 2, 3]', 4, '{"ignore_index": 2}'), '[0.0,0.0,0.0]', 'is', NULL;
INSERT INTO checks SELECT 'ignore_index: another class index is a row as before',
  cce_term(1, '[0.5, 0.5]', '{"ignore_index": -100}') = cce_term(1, '[0.5, 0.5]'), 1, 'is', NULL;

-- options are read once per statement for a scalar: a constant argument
-- over many rows, and a column of options that changes from row to row
INSERT INTO checks SELECT 'cce_term with options from a column: each row its own',
  (SELECT group_concat(cce_term(1, '[0.5, 0.5]', o), ',') FROM (SELECT column1 AS o FROM (VALUES ('{"class_weight": [1, 2]}'), ('{"class_weight": [1, 4]}')))),
  (SELECT group_concat(v, ',') FROM (SELECT 2 * ln(2) AS v UNION ALL SELECT 4 * ln(2))), 'is', NULL;

-- paths make coverage found untaken: a class-weighted loss past DBL_MAX
-- in a weighted mean (the loss of row 1 is 1.5 x 2 fl(1e308), carried
-- halved; the mean (3 fl(1e308) + ln 2)/2.5 by exact fractions; row 3
-- weighs 0), and a loss infinite without its class weight too (+Inf)
INSERT INTO checks SELECT 'cce_logits, class_weight 1.5 on a loss of 2e308: a weighted mean of 1.2e308',
  (SELECT cce_logits(column1, column2, column3, '{"class_weight": [1.5, 1]}') FROM (VALUES (0, '[-1e308, 1e308]', 1), (1, '[0, 0]', 1), (0, '[-1e308, 1e308]', 0))),
  ieee754(6012505080026918, 971), 'ulp', 1;
INSERT INTO checks SELECT 'cce_logits, class_weight on a target at -Inf: +Inf, not an overflow error',
  cce_logits(0, '[-1e999, 0]', '{"class_weight": [2, 1]}'), 1e999, 'is', NULL;
INSERT INTO checks SELECT 'cce, eps 0 and class_weight on a target of p 0: +Inf, not an overflow error',
  cce(0, '[0, 1]', '{"eps": 0, "class_weight": [2, 1]}'), 1e999, 'is', NULL;

.read tests/sql/lib/report.sql
