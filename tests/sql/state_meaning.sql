-- The states aggregates make at the bounds of docs/state-format.md's
-- "Meaning" are read back, whole and merged with themselves up to 2^40
-- times their rows: the largest loss of each function (bce and cce at
-- p = 5e-324 with eps = 0, bce_logits at -DBL_MAX, cce_logits near
-- DBL_MAX and past it), infinite losses, w*l near DBL_MAX, weights of
-- 2^-1074 and DBL_MAX, products below 2^-1022.  Reference: the aggregate
-- over the same rows, which does not use the state code (the mean of 2^k
-- copies of rows is their mean: both exact sums scale by 2^k).  The
-- impossible states are in tests/errors.tsv, the bounds in unit_state.c.
.read tests/sql/lib/checks.sql
CREATE TEMP TABLE cases(name TEXT, state BLOB, mean);
INSERT INTO cases SELECT 'bce(1, 5e-324, 1, 0): 744.44 a row', bce_state(y, p, 1, 0), bce(y, p, 1, 0)
  FROM (SELECT 1 AS y, 5e-324 AS p);
INSERT INTO cases SELECT 'bce(y, p, 1, 0) with an infinite row', bce_state(column1, column2, 1, 0), bce(column1, column2, 1, 0)
  FROM (VALUES (1, 0), (0, 0.5));
INSERT INTO cases SELECT 'bce(1, 5e-324, 2.4e305, 0): w*l near DBL_MAX', bce_state(column1, column2, column3, 0), bce(column1, column2, column3, 0)
  FROM (VALUES (1, 5e-324, 2.4e305), (0, 0.5, 5e-324));
INSERT INTO cases SELECT 'bce(0, 0.7, w): tiny products, weight 2^-1074', bce_state(column1, column2, column3), bce(column1, column2, column3)
  FROM (VALUES (0, 0.7, 5e-324), (1, 0.3, 3e-320), (0, 0.5, 0));
INSERT INTO cases SELECT 'cce(0, [5e-324, 1], 1, 0): 744.44 a row', cce_state(column1, column2, 1, 0), cce(column1, column2, 1, 0)
  FROM (VALUES (0, '[5e-324, 1]'), (1, '[0, 1]'));
INSERT INTO cases SELECT 'cce with an infinite row, weighted', cce_state(column1, column2, column3, 0), cce(column1, column2, column3, 0)
  FROM (VALUES (0, '[0, 1]', 2), ('[0.5, 0.5]', '[5e-324, 1]', 1e305));
INSERT INTO cases SELECT 'bce_logits(1, -DBL_MAX): DBL_MAX a row', bce_logits_state(column1, column2), bce_logits(column1, column2)
  FROM (VALUES (1, -1.7976931348623157e308), (0, 1.7976931348623157e308));
INSERT INTO cases SELECT 'bce_logits(y, z, w): w*l = DBL_MAX, and an infinite row', bce_logits_state(column1, column2, column3), bce_logits(column1, column2, column3)
  FROM (VALUES (1, -1.7976931348623157e308, 1), (0, 1e999, 0.5), (0.5, 3, 1e-300));
INSERT INTO cases SELECT 'cce_logits near DBL_MAX a row', cce_logits_state(column1, column2), cce_logits(column1, column2)
  FROM (VALUES (1, '[1e308, -7e307]'), (0, '[0, -1e999]'));
INSERT INTO cases SELECT 'cce_logits past DBL_MAX a row (2 DBL_MAX)', cce_logits_state(column1, column2, column3), cce_logits(column1, column2, column3)
  FROM (VALUES (1, '[1.7976931348623157e308, -1.7976931348623157e308]', 1), (0, '[0, -1e999]', 2));
INSERT INTO cases SELECT 'cce_logits with a -Inf logit under the target', cce_logits_state(column1, column2), cce_logits(column1, column2)
  FROM (VALUES (1, '[0, -1e999]'), (0, '[0, -1e999]'));
-- An eps > 0 keeps a bce loss finite only where 1 - eps < 1: at eps <=
-- 2^-54 the top of the clip is 1 and ln(1 - q) is -Inf (the fuzzer's
-- bce_state() with eps = 2^-584 was refused as impossible by bce_merge()).
INSERT INTO cases SELECT 'bce(0, 1, 27, 1e-176): 1 - eps rounds to 1, an infinite row', bce_state(column1, column2, column3, 1e-176), bce(column1, column2, column3, 1e-176)
  FROM (VALUES (0, 1, 27), (1, 0, 1), (0.5, 0.5, 2));
INSERT INTO cases SELECT 'bce(0, 1, 1, 2^-54): the largest eps whose 1 - eps is 1', bce_state(column1, column2, 1, 5.551115123125783e-17), bce(column1, column2, 1, 5.551115123125783e-17)
  FROM (VALUES (0, 1), (1, 1));
INSERT INTO cases SELECT 'bce(y, p, 1, 2^-53): finite, 1 - eps < 1', bce_state(column1, column2, 1, 1.1102230246251565e-16), bce(column1, column2, 1, 1.1102230246251565e-16)
  FROM (VALUES (0, 1), (1, 0));
INSERT INTO cases SELECT 'bce(y, p, options eps 1e-176, pos_weight 2, smoothing 0.1): an infinite row', bce_state(column1, column2, '{"eps": 1e-176, "pos_weight": 2, "smoothing": 0.1}'), bce(column1, column2, '{"eps": 1e-176, "pos_weight": 2, "smoothing": 0.1}')
  FROM (VALUES (0, 1), (1, 0.25));
INSERT INTO cases SELECT 'cce(0, [0, 1], 1, 1e-176): finite, only ln q', cce_state(column1, column2, 1, 1e-176), cce(column1, column2, 1, 1e-176)
  FROM (VALUES (0, '[0, 1]'), (1, '[0, 1]'));
INSERT INTO checks SELECT 'state meaning: bce_state() at eps 1e-176 holds its infinite row',
  json_extract(bce_state_info(state), '$.rows_infinite'), 1, 'is', NULL
  FROM cases WHERE name LIKE 'bce(0, 1, 27, 1e-176)%';

CREATE TEMP TABLE doubled AS
  WITH RECURSIVE d(name, k, s) AS (
    SELECT name, 0, state FROM cases
    UNION ALL
    SELECT name, k + 1, (SELECT bce_merge_state(x) FROM (SELECT d.s AS x UNION ALL SELECT d.s))
      FROM d WHERE k < 40)
  SELECT * FROM d;
INSERT INTO checks SELECT 'state meaning: ' || name || ': every doubling read (41 states)',
  count(*), 41, 'is', NULL FROM doubled WHERE s IS NOT NULL GROUP BY name;
INSERT INTO checks SELECT 'state meaning: ' || name || ': the state of 2^40 copies holds their rows',
  json_extract(bce_state_info(d.s), '$.rows'), json_extract(bce_state_info(c.state), '$.rows') << 40, 'is', NULL
  FROM doubled d JOIN cases c USING (name) WHERE k = 40;
INSERT INTO checks SELECT 'state meaning: ' || name || ': bce_merge of 2^40 copies = the aggregate',
  bce_merge(d.s), c.mean, 'is', NULL
  FROM doubled d JOIN cases c USING (name) WHERE k = 40
   AND json_extract(bce_state_info(d.s), '$.loss') IS NOT NULL   -- sum(w) past DBL_MAX
  GROUP BY name;
INSERT INTO checks SELECT 'state meaning: ' || name || ': 2^40 copies, sum(w) past DBL_MAX, as bce() says',
  json_extract(bce_state_info(d.s), '$.sum_w'), 1e999, 'is', NULL
  FROM doubled d WHERE k = 40 AND json_extract(bce_state_info(d.s), '$.loss') IS NULL;
INSERT INTO checks SELECT 'state meaning: ' || name || ': bce_merge of the state = the aggregate',
  bce_merge(state), mean, 'is', NULL FROM cases GROUP BY name;
.read tests/sql/lib/report.sql
