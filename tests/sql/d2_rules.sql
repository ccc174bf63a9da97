-- bce_d2 and cce_d2 (issue 23): the rules of docs/functions.md that
-- tests/sql/mpmath_d2.sql does not reach: windows (a sliding frame's value
-- is the frame's from scratch, bit for bit: rule 8), NULL rows and rows of
-- weight 0 (rules 1, 2), ignore_index, and normalized entropy.
.read tests/sql/lib/checks.sql
CREATE TEMP TABLE r(i INTEGER PRIMARY KEY, y, p, w, k, pa, ya);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 240)
INSERT INTO r
SELECT i,
       CASE WHEN i % 17 = 0 THEN 0.25 ELSE ((i * 7) % 10) < 3 END,
       ((i * 37) % 101 + 0.5) / 102.0,
       CASE WHEN i % 11 = 0 THEN 0.0 ELSE ((i * 13) % 5) * 0.75 + 0.1 END,
       i % 3,
       json_array(((i * 17) % 50 + 1) / 200.0, ((i * 29) % 50 + 1) / 200.0,
                  1 - ((i * 17) % 50 + 1) / 200.0 - ((i * 29) % 50 + 1) / 200.0),
       CASE WHEN i % 5 = 0 THEN json_array(0.2, 0.5, 0.3) END
FROM s;
UPDATE r SET y = NULL WHERE i % 23 = 0;
UPDATE r SET pa = NULL WHERE i % 29 = 0;

-- rule 8: every sliding frame against the same rows aggregated afresh
INSERT INTO checks SELECT 'bce_d2(y, p) sliding frames = from scratch, bit for bit', count(*), 0, 'is', NULL
FROM (SELECT i, bce_d2(y, p) OVER (ORDER BY i ROWS BETWEEN 4 PRECEDING AND 3 FOLLOWING) AS v FROM r) a
WHERE v IS NOT (SELECT bce_d2(y, p) FROM r b WHERE b.i BETWEEN a.i - 4 AND a.i + 3);
INSERT INTO checks SELECT 'bce_d2(y, p, w) sliding frames = from scratch, bit for bit', count(*), 0, 'is', NULL
FROM (SELECT i, bce_d2(y, p, w) OVER (ORDER BY i ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS v FROM r) a
WHERE v IS NOT (SELECT bce_d2(y, p, w) FROM r b WHERE b.i BETWEEN a.i - 6 AND a.i);
INSERT INTO checks SELECT 'bce_d2(y, p, w, options) sliding frames = from scratch, bit for bit', count(*), 0, 'is', NULL
FROM (SELECT i, bce_d2(y, p, w, '{"pos_weight": 3, "smoothing": 0.1, "eps": 1e-7}')
        OVER (ORDER BY i ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS v FROM r) a
WHERE v IS NOT (SELECT bce_d2(y, p, w, '{"pos_weight": 3, "smoothing": 0.1, "eps": 1e-7}')
                FROM r b WHERE b.i BETWEEN a.i - 5 AND a.i + 5);
INSERT INTO checks SELECT 'cce_d2(k, p, w) sliding frames = from scratch, bit for bit', count(*), 0, 'is', NULL
FROM (SELECT i, cce_d2(coalesce(ya, k), pa, w) OVER (ORDER BY i ROWS BETWEEN 4 PRECEDING AND 4 FOLLOWING) AS v FROM r) a
WHERE v IS NOT (SELECT cce_d2(coalesce(ya, k), pa, w) FROM r b WHERE b.i BETWEEN a.i - 4 AND a.i + 4);
INSERT INTO checks SELECT 'cce_d2(k, p, options) sliding frames = from scratch, bit for bit', count(*), 0, 'is', NULL
FROM (SELECT i, cce_d2(k, pa, '{"class_weight": [1, 2.5, 0.5], "smoothing": 0.2, "ignore_index": 1}')
        OVER (ORDER BY i ROWS BETWEEN 7 PRECEDING AND 2 FOLLOWING) AS v FROM r) a
WHERE v IS NOT (SELECT cce_d2(k, pa, '{"class_weight": [1, 2.5, 0.5], "smoothing": 0.2, "ignore_index": 1}')
                FROM r b WHERE b.i BETWEEN a.i - 7 AND a.i + 2);
-- the frames above are not all NULL (the checks would pass vacuously)
INSERT INTO checks SELECT 'bce_d2 and cce_d2 frames have values', count(*) > 200, 1, 'is', NULL
FROM (SELECT bce_d2(y, p, w) OVER (ORDER BY i ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS v,
             cce_d2(k, pa, w) OVER (ORDER BY i ROWS BETWEEN 4 PRECEDING AND 4 FOLLOWING) AS c FROM r)
WHERE v IS NOT NULL AND c IS NOT NULL;

-- rules 1 and 2: NULL rows and rows of weight 0 are no rows
INSERT INTO checks SELECT 'bce_d2: NULL rows and w = 0 rows are no rows',
  (SELECT bce_d2(y, p, w) FROM r),
  (SELECT bce_d2(y, p, w) FROM r WHERE y IS NOT NULL AND w > 0), 'is', NULL;
INSERT INTO checks SELECT 'cce_d2: NULL rows and w = 0 rows are no rows',
  (SELECT cce_d2(k, pa, w) FROM r),
  (SELECT cce_d2(k, pa, w) FROM r WHERE pa IS NOT NULL AND w > 0), 'is', NULL;
INSERT INTO checks SELECT 'cce_d2: ignore_index rows are no rows',
  (SELECT cce_d2(k, pa, '{"ignore_index": 1}') FROM r),
  (SELECT cce_d2(k, pa) FROM r WHERE k <> 1), 'is', NULL;
INSERT INTO checks SELECT 'bce_d2 of no rows is NULL', (SELECT bce_d2(y, p) FROM r WHERE 0), NULL, 'is', NULL;
INSERT INTO checks SELECT 'cce_d2 of one row is NULL', (SELECT cce_d2(k, pa) FROM r WHERE i = 1), NULL, 'is', NULL;
INSERT INTO checks SELECT 'bce_d2 with every label 0 is NULL', (SELECT bce_d2(0, p) FROM r), NULL, 'is', NULL;
-- a class index and its one-hot array are the same row
INSERT INTO checks SELECT 'cce_d2: a class index counts as one-hot',
  (SELECT cce_d2(k, pa, w) FROM r),
  (SELECT cce_d2(CASE k WHEN 0 THEN '[1,0,0]' WHEN 1 THEN '[0,1,0]' ELSE '[0,0,1]' END, pa, w) FROM r), 'is', NULL;
-- binary rows through cce_d2 with K = 2 give bce_d2's value
INSERT INTO checks SELECT 'cce_d2 of two classes = bce_d2',
  (SELECT cce_d2(CAST(y AS INTEGER), json_array(1 - p, p)) FROM r WHERE y IN (0, 1)),
  (SELECT bce_d2(y, p) FROM r WHERE y IN (0, 1)), 'rel', 1e-14;
-- normalized entropy (He et al. 2014) = L / H(ybar) = 1 - D^2 where the
-- clip of ybar does nothing (docs/functions.md)
INSERT INTO checks SELECT 'normalized entropy = 1 - bce_d2',
  (SELECT bce(y, p) / entropy(avg(y)) FROM r), (SELECT 1 - bce_d2(y, p) FROM r), 'rel', 1e-14;
-- 65 classes: the class means past the 64 read on the stack
INSERT INTO checks SELECT 'cce_d2 of 65 classes, every prediction right and certain: 1',
  (WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 64)
   SELECT cce_d2(column1, (SELECT json_group_array(CASE WHEN i = column1 THEN 1 ELSE 0 END) FROM c),
                 '{"eps": 0}') FROM (VALUES (0), (64), (30))), 1.0, 'is', NULL;
INSERT INTO checks SELECT 'cce_d2 of no rows is NULL', (SELECT cce_d2(k, pa) FROM r WHERE 0), NULL, 'is', NULL;
-- class weights of 0 for every label seen: the mean's denominator is 0
INSERT INTO checks SELECT 'cce_d2: class weights of 0 for every label seen give NULL',
  (SELECT cce_d2(column1, column2, '{"class_weight": [0, 0, 1]}')
   FROM (VALUES (0, '[0.4,0.4,0.2]'), (1, '[0.4,0.4,0.2]'))), NULL, 'is', NULL;
-- the same with every class weight below 2^-968 (the denominator read at
-- the class weights' scale, ext/d2.c den_dd(), and no tiny weight sum)
INSERT INTO checks SELECT 'cce_d2: class weights of 0 for every label seen give NULL, the largest 1e-300',
  (SELECT cce_d2(column1, column2, '{"class_weight": [0, 0, 1e-300]}')
   FROM (VALUES (0, '[0.4,0.4,0.2]'), (1, '[0.4,0.4,0.2]'))), NULL, 'is', NULL;
-- infinite losses (eps = 0): a certain, wrong model is -Inf; a null model
-- certain and wrong (a class never seen, with a smoothed target for it)
-- makes D^2 1 where the model is finite, NULL where both are infinite
INSERT INTO checks SELECT 'bce_d2: L = +Inf gives -Inf',
  (SELECT bce_d2(column1, column2, '{"eps": 0}') FROM (VALUES (1, 0.0), (0, 0.5))), -1e999, 'is', NULL;
INSERT INTO checks SELECT 'cce_d2: only L0 = +Inf gives 1',
  (SELECT cce_d2(column1, column2, '{"eps": 0, "smoothing": 0.1}')
   FROM (VALUES (0, '[0.4,0.4,0.2]'), (1, '[0.4,0.4,0.2]'))), 1.0, 'is', NULL;
INSERT INTO checks SELECT 'cce_d2: only L0 = +Inf gives 1 with class weights too',
  (SELECT cce_d2(column1, column2, '{"eps": 0, "smoothing": 0.1, "class_weight": [1, 2, 1]}')
   FROM (VALUES (0, '[0.4,0.4,0.2]'), (1, '[0.4,0.4,0.2]'))), 1.0, 'is', NULL;
INSERT INTO checks SELECT 'cce_d2: L0 = +Inf and class weights of 0 for every label seen give NULL',
  (SELECT cce_d2(column1, column2, '{"eps": 0, "smoothing": 0.1, "class_weight": [0, 0, 1]}')
   FROM (VALUES (0, '[0.4,0.4,0.2]'), (1, '[0.4,0.4,0.2]'))), NULL, 'is', NULL;
INSERT INTO checks SELECT 'cce_d2: L and L0 both +Inf give NULL',
  (SELECT cce_d2(column1, column2, '{"eps": 0, "smoothing": 0.1}')
   FROM (VALUES (0, '[0.5,0.5,0]'), (1, '[0.4,0.4,0.2]'))), NULL, 'is', NULL;
-- a mean label exactly at the clip's upper bound 1 - eps (the double
-- 0.75, no low part): the null model's q is 0.75 itself; D^2 against
-- SQLite's ln() on 1 - ln 2 / H(0.75)
INSERT INTO checks SELECT 'bce_d2: a mean label equal to 1 - eps',
  (SELECT bce_d2(column1, column2, '{"eps": 0.25}') FROM (VALUES (0.75, 0.5), (0.75, 0.5))),
  1 - ln(2)/(-(0.75*ln(0.75) + 0.25*ln(0.25))), 'ulp', 4;
-- rule 1 before the scores' refused keys: a row with a NULL is skipped
-- before its options are read, as for every other key (fuzz seed 161:
-- refused at such a row, the aggregate failed in one row order only)
INSERT INTO checks SELECT 'rule 1: bce_d2_state skips a NULL row whose options hold gamma',
  bce_d2_state(0.3, NULL, 1, '{"gamma": 2}'), NULL, 'is', NULL;
INSERT INTO checks SELECT 'rule 1: cce_d2 skips a NULL row whose options hold gamma',
  cce_d2(NULL, '[0.5, 0.5]', 1, '{"gamma": 2}'), NULL, 'is', NULL;
INSERT INTO checks SELECT 'rule 1: bce_d2 skips a NULL row whose options hold reduction, malformed after it',
  bce_d2(NULL, 0.5, '{"reduction": "sum"'), NULL, 'is', NULL;
INSERT INTO checks SELECT 'rule 1: bce_d2 skips a NULL p beside options that hold gamma (the last argument before them)',
  bce_d2(0.5, NULL, '{"gamma": 2}'), NULL, 'is', NULL;
INSERT INTO checks SELECT 'rule 1: bce_d2_state skips a NULL w beside options that hold alpha',
  bce_d2_state(0.3, 0.5, NULL, '{"alpha": 0.25}'), NULL, 'is', NULL;
INSERT INTO checks SELECT 'rule 1: bce_d2 with a NULL row of refused keys first is bce_d2 with it last',
  (SELECT bce_d2(column1, column2, column3, column4) FROM (VALUES
    (0.5, NULL, NULL, '{"gamma": 2'), (1, 0.25, 1, 0.125), (0, 0.5, 2, 0.125))),
  (SELECT bce_d2(column1, column2, column3, column4) FROM (VALUES
    (1, 0.25, 1, 0.125), (0, 0.5, 2, 0.125), (0.5, NULL, NULL, '{"gamma": 2'))), 'is', NULL;
.read tests/sql/lib/report.sql
