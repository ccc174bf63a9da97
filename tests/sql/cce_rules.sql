-- The rules of docs/functions.md for the multi-class functions (issue 13):
-- NULL (rule 1), empty (rule 2), numbers (rule 3), windows against
-- recomputation (rule 8), the results' JSON, and identities that need no
-- reference value: one-hot arrays are class indices, K = 2 is bce.
.read tests/sql/lib/checks.sql

-- rule 1: NULL anywhere, even next to a bad value, gives NULL / skips the row
INSERT INTO checks VALUES ('rule 1: cce_term(NULL, p) is NULL', cce_term(NULL, '[0.5, 0.5]'), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: cce_term(y, NULL) is NULL', cce_term(1, NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: NULL w wins over a bad p', cce_term(1, '[7, 7]', NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: NULL eps wins over a bad y', cce_term('cat', '[0.5, 0.5]', 1, NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: cce_grad(1, p, NULL) is NULL', cce_grad(1, '[0.5, 0.5]', NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: cce_logits_grad(NULL, z) is NULL', cce_logits_grad(NULL, '[1, 2]'), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: softmax(NULL) is NULL', softmax(NULL), NULL, 'is', NULL);
INSERT INTO checks VALUES ('rule 1: log_softmax(NULL) is NULL', log_softmax(NULL), NULL, 'is', NULL);
INSERT INTO checks SELECT 'rule 1: cce skips rows with a NULL', cce(column1, column2), -ln(0.8), 'ulp', 1
  FROM (VALUES (NULL, '[0.5, 0.5]'), (1, '[0.2, 0.8]'), (0, NULL));
INSERT INTO checks SELECT 'rule 1: cce_logits skips rows with a NULL', cce_logits(column1, column2), ln(2), 'ulp', 1
  FROM (VALUES (NULL, '[9, 9, 9]'), (1, '[3, 3]'));
-- rule 2: no rows, or none of positive weight, is NULL; weight 0 counts for nothing
INSERT INTO checks SELECT 'rule 2: cce over no rows is NULL', cce(column1, column2), NULL, 'is', NULL
  FROM (VALUES (1, '[0.5, 0.5]')) WHERE 0;
INSERT INTO checks SELECT 'rule 2: cce_logits over rows of weight 0 is NULL', cce_logits(column1, column2, 0), NULL, 'is', NULL
  FROM (VALUES (1, '[0.5, 0.5]'));
INSERT INTO checks SELECT 'rule 2: a row of weight 0 with an infinite loss counts for nothing',
  cce(column1, column2, column3, 0), -ln(0.5), 'ulp', 1
  FROM (VALUES (0, '[0, 1]', 0.0), (1, '[0.5, 0.5]', 2.0));
-- a class_weight that takes a row's loss past DBL_MAX is an error, but not
-- on a row of weight 0, which counts for nothing whatever its loss
INSERT INTO checks SELECT 'rule 2: weight 0 on a loss class_weight takes past DBL_MAX (logits)',
  cce_logits(column1, column2, column3, '{"class_weight": [1e308, 1e308]}'), ln(2), 'ulp', 1
  FROM (VALUES (1, '[0, -800]', 0), (0, '[0, 0]', 1));
INSERT INTO checks SELECT 'rule 2: weight 0 on a loss class_weight takes past DBL_MAX (probabilities)',
  cce(column1, column2, column3, '{"class_weight": [1e308, 1e308]}'), ln(2), 'ulp', 1
  FROM (VALUES (1, '[1, 0]', 0), (0, '[0.5, 0.5]', 1));
INSERT INTO checks VALUES ('rule 2: cce_term of weight 0 on an infinite loss is 0',
  cce_term(0, '[0, 1]', 0, 0), 0.0, 'is', NULL);
INSERT INTO checks VALUES ('rule 6: eps = 0, certain and wrong: +Inf', cce_term(0, '[0, 1]', 1, 0), 1e999, 'is', NULL);
INSERT INTO checks VALUES ('rule 6: default eps clips 0 to 2^-52', cce_term(0, '[0, 1]'), -ln(2.220446049250313e-16), 'ulp', 1);
INSERT INTO checks VALUES ('rule 6: eps 1e-15 (0.2.0''s default) clips 0 to 1e-15', cce_term(0, '[0, 1]', 1, 1e-15), -ln(1e-15), 'ulp', 1);

-- rule 3: the class index as INTEGER, integral REAL, or TEXT
INSERT INTO checks VALUES ('rule 3: class index 2 (INTEGER)', cce_term(2, '[0.25, 0.25, 0.5]'), ln(2), 'ulp', 1);
INSERT INTO checks VALUES ('rule 3: class index 2.0 (REAL) is 2', cce_term(2.0, '[0.25, 0.25, 0.5]'), ln(2), 'ulp', 1);
INSERT INTO checks VALUES ('rule 3: class index ''2'' (TEXT) is 2', cce_term('2', '[0.25, 0.25, 0.5]'), ln(2), 'ulp', 1);
INSERT INTO checks VALUES ('rule 3: class index ''2.0'' (TEXT) is 2', cce_logits_term('2.0', '[0, 0, 0, 0]'), ln(4), 'ulp', 1);
INSERT INTO checks VALUES ('rule 3: w as TEXT', cce_term(1, '[0.5, 0.5]', '2'), 2 * ln(2), 'ulp', 1);
INSERT INTO checks VALUES ('rule 9: white space around the array and its elements',
  cce_term(1, char(10) || ' [ 0.5 ,' || char(9) || '0.5 ] ' || char(13)), ln(2), 'ulp', 1);

-- one-hot arrays are the class index, to the bit
CREATE TEMP TABLE oh(c, hot, p, z);
INSERT INTO oh VALUES (0, '[1, 0, 0]', '[0.7, 0.2, 0.1]', '[2, -1e300, 3]'),
                      (1, '[0, 1, 0]', '[1e-300, 0.5, 0.5]', '[0, 1e-300, -0.5]'),
                      (2, '[0, 0, 1.0]', '[0.25, 0.25, 0.5]', '[1e999, 0, -1e999]'),
                      (1, '[0, 1, 0]', '[0, 1, 0]', '[-700.4, 0.25, 1]');
INSERT INTO checks SELECT 'one-hot ' || hot || ' = class ' || c || ': cce_term',
  cce_term(hot, p), cce_term(c, p), 'is', NULL FROM oh;
INSERT INTO checks SELECT 'one-hot ' || hot || ' = class ' || c || ': cce_logits_term',
  cce_logits_term(hot, z), cce_logits_term(c, z), 'is', NULL FROM oh;
INSERT INTO checks SELECT 'one-hot ' || hot || ' = class ' || c || ': cce_grad',
  cce_grad(hot, p, 3), cce_grad(c, p, 3), 'is', NULL FROM oh;
INSERT INTO checks SELECT 'one-hot ' || hot || ' = class ' || c || ': cce_logits_grad',
  cce_logits_grad(hot, z), cce_logits_grad(c, z), 'is', NULL FROM oh;
INSERT INTO checks SELECT 'one-hot = class: the aggregates', cce(hot, p), cce(c, p), 'is', NULL FROM oh;
INSERT INTO checks SELECT 'one-hot = class: the logits aggregates', cce_logits(hot, z), cce_logits(c, z), 'is', NULL FROM oh;

-- K = 2 against bce: with p >= 1/2, 1 - p is exact and the rows are one
-- distribution; 2000 values of p, both classes.  Each function is within
-- 1 ulp of the exact loss (docs/accuracy.md), so they are within 2 ulp of
-- each other.  p is k / 2^17, so that printf('%!.20g') writes it exactly
-- (json_array() of SQLite 3.40 writes 15 digits, not always enough).
CREATE TEMP TABLE k2 AS
  WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 2000)
  SELECT i % 2 AS c, 0.5 + (i * 7919 % 65535) / 131072.0 AS p FROM r;
INSERT INTO checks SELECT 'K = 2: cce_term(c, [1-p, p]) and bce_term(c, p) agree within 2 ulp over 2000 rows',
  max(abs(cce_term(c, printf('[%!.20g,%!.20g]', 1 - p, p)) - bce_term(c, p)) / (bce_term(c, p) * 2.220446049250313e-16)) <= 2, 1, 'is', NULL
  FROM k2;
-- both take one ln of the same exact double (bce's ln(1-q) correction is 0
-- when 1 - q is exact), so they agree to the bit
INSERT INTO checks SELECT 'K = 2: ... and agree to the bit in all 2000 rows',
  sum(cce_term(c, printf('[%!.20g,%!.20g]', 1 - p, p)) = bce_term(c, p)), 2000, 'is', NULL FROM k2;
INSERT INTO checks SELECT 'K = 2: cce(c, [1-p, p]) = bce(c, p) within 2 ulp, the means',
  cce(c, printf('[%!.20g,%!.20g]', 1 - p, p)), (SELECT bce(c, p) FROM k2), 'ulp', 2 FROM k2;
INSERT INTO checks SELECT 'K = 2: cce_logits(c, [0, z]) = bce_logits(c, z) within 4 ulp, the means',
  cce_logits(c, printf('[0,%!.20g]', (p - 0.5) * 80)), (SELECT bce_logits(c, (p - 0.5) * 80) FROM k2), 'ulp', 4 FROM k2;

-- rule 8: a sliding frame is the same bits as the same rows aggregated afresh
CREATE TEMP TABLE win(i, y, p, z, w);
INSERT INTO win VALUES
  (1, 0, '[0.7, 0.2, 0.1]', '[2, 1, 0.1]', 1.0),
  (2, 2, '[0, 1, 0]', '[1e999, 0, 0]', 2.0),
  (3, '[0.2, 0.3, 0.5]', '[0.1, 0.2, 0.7]', '[0, 0, 50]', 0.5),
  (4, 1, '[1e-300, 0.5, 0.5]', '[-1e300, 1, 0]', 0.0),
  (5, 0, '[1e-300, 0.5, 0.5]', '[0, -1e999, 3]', 3.0),
  (6, 1, '[0.1, 0.8, 0.1]', '[-700, 0, 0]', 1.0),
  (7, '[0.5, 0.5, 0]', '[0.3, 0.3, 0.4]', '[1e300, -1e300, 0]', 1.5),
  (8, 2, '[0.25, 0.25, 0.5]', '[0.1, 0.2, 0.3]', 1.0);
INSERT INTO checks SELECT 'rule 8: cce(y, p, w, 0) over ROWS 2 PRECEDING = fresh, frame ending at ' || i,
  v, (SELECT cce(b.y, b.p, b.w, 0) FROM win b WHERE b.i BETWEEN a.i - 2 AND a.i), 'is', NULL
  FROM (SELECT i, cce(y, p, w, 0) OVER (ORDER BY i ROWS 2 PRECEDING) AS v FROM win) a;
INSERT INTO checks SELECT 'rule 8: cce(y, p) over ROWS 3 PRECEDING = fresh, frame ending at ' || i,
  v, (SELECT cce(b.y, b.p) FROM win b WHERE b.i BETWEEN a.i - 3 AND a.i), 'is', NULL
  FROM (SELECT i, cce(y, p) OVER (ORDER BY i ROWS 3 PRECEDING) AS v FROM win) a;
INSERT INTO checks SELECT 'rule 8: cce_logits(y, z, w) over ROWS 2 PRECEDING = fresh, frame ending at ' || i,
  v, (SELECT cce_logits(b.y, b.z, b.w) FROM win b WHERE b.i BETWEEN a.i - 2 AND a.i), 'is', NULL
  FROM (SELECT i, cce_logits(y, z, w) OVER (ORDER BY i ROWS 2 PRECEDING) AS v FROM win) a;
INSERT INTO checks SELECT 'rule 8: cce_logits(y, z) over ROWS 1 PRECEDING = fresh, frame ending at ' || i,
  v, (SELECT cce_logits(b.y, b.z) FROM win b WHERE b.i BETWEEN a.i - 1 AND a.i), 'is', NULL
  FROM (SELECT i, cce_logits(y, z) OVER (ORDER BY i ROWS 1 PRECEDING) AS v FROM win) a;

-- the JSON the array functions return: REALs, 9e999 for infinity
INSERT INTO checks VALUES ('cce_grad(1, [0.5, 0.5]) text', cce_grad(1, '[0.5, 0.5]'), '[0.0,-2.0]', 'is', NULL);
INSERT INTO checks VALUES ('cce_grad(1, [0.5, 0.5], 4) text', cce_grad(1, '[0.5, 0.5]', 4), '[0.0,-0.5]', 'is', NULL);
INSERT INTO checks VALUES ('cce_grad eps = 0 on p = 0: -9e999', cce_grad(0, '[0, 1]', 1, 0), '[-9e999,0.0]', 'is', NULL);
INSERT INTO checks VALUES ('cce_logits_grad text', cce_logits_grad(0, '[0, 0]'), '[-0.5,0.5]', 'is', NULL);
INSERT INTO checks VALUES ('cce_logits_grad at +Inf: one-hot minus y', cce_logits_grad(1, '[1e999, 0]', 2), '[0.5,-0.5]', 'is', NULL);
INSERT INTO checks VALUES ('softmax text', softmax('[0, 0, 0, 0]'), '[0.25,0.25,0.25,0.25]', 'is', NULL);
INSERT INTO checks VALUES ('softmax at +Inf: one-hot', softmax('[1, 1e999, -1e999]'), '[0.0,1.0,0.0]', 'is', NULL);
INSERT INTO checks VALUES ('softmax of one logit', softmax('[-3]'), '[1.0]', 'is', NULL);
INSERT INTO checks VALUES ('log_softmax at -Inf and +Inf', log_softmax('[1, 1e999, -1e999]'), '[-9e999,0.0,-9e999]', 'is', NULL);
INSERT INTO checks VALUES ('log_softmax of equal logits is -ln 2', json_extract(log_softmax('[7, 7]'), '$[1]'), -ln(2), 'ulp', 1);
INSERT INTO checks VALUES ('softmax reads back as REALs', (SELECT group_concat(type) FROM json_each(softmax('[0, 0]'))), 'real,real', 'is', NULL);

-- infinities are limits, never NaN (a NaN would come back as NULL)
INSERT INTO checks VALUES ('cce_logits_term(0, [1e999, 0]) = 0', cce_logits_term(0, '[1e999, 0]'), 0.0, 'is', NULL);
INSERT INTO checks VALUES ('cce_logits_term(1, [1e999, 0]) = +Inf', cce_logits_term(1, '[1e999, 0]'), 1e999, 'is', NULL);
INSERT INTO checks VALUES ('cce_logits_term(0, [-1e999, 0]) = +Inf', cce_logits_term(0, '[-1e999, 0]'), 1e999, 'is', NULL);
INSERT INTO checks VALUES ('cce_logits_term(1, [-1e999, 0]) = 0', cce_logits_term(1, '[-1e999, 0]'), 0.0, 'is', NULL);
INSERT INTO checks VALUES ('cce_logits_term soft with all mass on the +Inf = 0',
  cce_logits_term('[0, 1, 0]', '[-1e999, 1e999, 7]'), 0.0, 'is', NULL);
INSERT INTO checks VALUES ('cce_logits_term(0, [1e300, -1e300]) = 0', cce_logits_term(0, '[1e300, -1e300]'), 0.0, 'is', NULL);
INSERT INTO checks VALUES ('cce_logits_term(1, [1e300, -1e300]) = 2e300', cce_logits_term(1, '[1e300, -1e300]'), ieee754(1681218273811815,947), 'ulp', 1);

-- GROUP BY: the issue's query
CREATE TEMP TABLE preds(model, label, probs);
INSERT INTO preds VALUES ('a', 0, '[0.8, 0.1, 0.1]'), ('a', 2, '[0.2, 0.2, 0.6]'),
                         ('b', 0, '[0.5, 0.25, 0.25]'), ('b', 1, '[0.5, 0.25, 0.25]');
INSERT INTO checks SELECT 'GROUP BY model: ' || model, loss,
  CASE model WHEN 'a' THEN (-ln(0.8) - ln(0.6)) / 2 ELSE (ln(2) + ln(4)) / 2 END, 'ulp', 2
  FROM (SELECT model, cce(label, probs) AS loss FROM preds GROUP BY model);

-- partial states (docs/functions.md, States): cce_state and
-- cce_logits_state per group, merged by bce_merge, give the bits of cce and
-- cce_logits over every row, however the rows are split
CREATE TEMP TABLE shard(s, y, p, z, w);
INSERT INTO shard SELECT i % 3, y, p, z, w FROM win;
INSERT INTO shard SELECT 3 + rowid % 2, c, printf('[%!.20g,%!.20g]', 1 - p, p),
  printf('[0,%!.20g]', (p - 0.5) * 80), 1 + (rowid % 4) / 2.0 FROM k2 WHERE rowid <= 300;
INSERT INTO checks SELECT 'states: bce_merge(cce_state(y, p)) by shard = cce(y, p) over every row',
  (SELECT bce_merge(st) FROM (SELECT cce_state(y, p) AS st FROM shard GROUP BY s)),
  (SELECT cce(y, p) FROM shard), 'is', NULL;
INSERT INTO checks SELECT 'states: bce_merge(cce_state(y, p, w, 0)) by shard = cce(y, p, w, 0)',
  (SELECT bce_merge(st) FROM (SELECT cce_state(y, p, w, 0) AS st FROM shard GROUP BY s)),
  (SELECT cce(y, p, w, 0) FROM shard), 'is', NULL;
INSERT INTO checks SELECT 'states: bce_merge(cce_logits_state(y, z, w)) by shard = cce_logits(y, z, w)',
  (SELECT bce_merge(st) FROM (SELECT cce_logits_state(y, z, w) AS st FROM shard GROUP BY s)),
  (SELECT cce_logits(y, z, w) FROM shard), 'is', NULL;
INSERT INTO checks SELECT 'states: bce_merge(cce_logits_state(y, z)) by row = cce_logits(y, z)',
  (SELECT bce_merge(st) FROM (SELECT cce_logits_state(y, z) AS st FROM shard GROUP BY rowid)),
  (SELECT cce_logits(y, z) FROM shard), 'is', NULL;
INSERT INTO checks SELECT 'states: an unweighted cce state merges with a weighted one as w = 1',
  (SELECT bce_merge(st) FROM (SELECT cce_state(y, p) AS st FROM shard WHERE s = 0
                              UNION ALL SELECT cce_state(y, p, w) FROM shard WHERE s = 1)),
  (SELECT cce(y, p, CASE s WHEN 0 THEN 1 ELSE w END) FROM shard WHERE s < 2), 'is', NULL;
INSERT INTO checks SELECT 'states: bce_state_info names cce',
  json_extract(bce_state_info(st), '$.function'), 'cce', 'is', NULL
  FROM (SELECT cce_state(1, '[0.5, 0.5]') AS st);
INSERT INTO checks SELECT 'states: bce_state_info names cce_logits and no eps',
  json_extract(bce_state_info(st), '$.function') || '/'
  || ifnull(json_extract(bce_state_info(st), '$.eps'), 'null'), 'cce_logits/null', 'is', NULL
  FROM (SELECT cce_logits_state(1, '[0, 0]') AS st);
INSERT INTO checks SELECT 'states: cce_state of one row reads back as its loss',
  json_extract(bce_state_info(st), '$.loss'), ln(2), 'ulp', 1
  FROM (SELECT cce_state(2, '[0.25, 0.25, 0.5]') AS st);
INSERT INTO checks SELECT 'states: a window over per-row cce_states = cce over the frame, frame ending at ' || i,
  v, (SELECT cce(b.y, b.p) FROM win b WHERE b.i BETWEEN a.i - 2 AND a.i), 'is', NULL
  FROM (SELECT i, bce_merge(st) OVER (ORDER BY i ROWS 2 PRECEDING) AS v
        FROM (SELECT i, cce_state(y, p) AS st FROM win GROUP BY i)) a;

.read tests/sql/lib/report.sql
