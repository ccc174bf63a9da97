-- Partial states (docs/functions.md, "States"): each check names the state
-- rule it covers.  References: the published worked example
-- (0.860504844045603, the README's), and bce() over the same rows, which
-- does not use the state code.  tests/state_shards.py has the random
-- shards, tests/sql/state_golden.sql the bytes, tests/errors.tsv the errors.
.read tests/sql/lib/checks.sql
CREATE TEMP TABLE t(i INTEGER PRIMARY KEY, day, y, p, w, z);
INSERT INTO t VALUES
  (1, 1, 1, 0.4, 1, -18.6), (2, 1, 0, 0.5, 2, 0.51), (3, 2, 1, 0.8, 0, 2.94),
  (4, 2, 1, 0.2, 3, -12.8), (5, 3, 0, 0.9, 0.5, 3.5), (6, 3, 1, 0.7, 1.5, -1),
  (7, 4, 0, 0.1, 1, 0), (8, 5, 1, 0.6, 2.5, 7), (9, 6, 0, 0.3, 0.25, -2),
  (10, 7, 1, 0.95, 1, 1.5), (11, 8, 0, 0.05, 4, -0.5), (12, 9, 1, 0.5, 1, 2);

-- a published value through a state
INSERT INTO checks SELECT 'bce_merge of the worked example''s state = the published mean 0.860504844045603',
  bce_merge(s), 0.860504844045603, 'abs', 7.3e-16
  FROM (SELECT bce_state(column1, column2) AS s FROM (VALUES (1, 0.4), (0, 0.5), (1, 0.8), (1, 0.2)));

-- state rule 1: rows are read as bce() reads them; NULL rows are skipped
INSERT INTO checks SELECT 'state rule 1: a row with a NULL adds nothing to bce_state(y, p, w)',
  (SELECT bce_state(y, p, w) FROM (SELECT y, p, w FROM t UNION ALL SELECT NULL, 0.5, 1
                                   UNION ALL SELECT 1, NULL, 1 UNION ALL SELECT 1, 0.5, NULL)),
  (SELECT bce_state(y, p, w) FROM t), 'is', NULL;
INSERT INTO checks SELECT 'state rule 1: bce_state(y, p) on TEXT numbers = on REAL',
  (SELECT bce_state(CAST(y AS TEXT), CAST(p AS TEXT)) FROM t), (SELECT bce_state(y, p) FROM t), 'is', NULL;
INSERT INTO checks SELECT 'state rule 1: JSON arrays: bce_merge(bce_state) = bce',
  bce_merge(s), (SELECT bce('[1,0,1]', '[0.4,0.5,0.8]', 2)), 'is', NULL
  FROM (SELECT bce_state('[1,0,1]', '[0.4,0.5,0.8]', 2) AS s);

-- state rule 2: no rows, NULL states, no states
INSERT INTO checks SELECT 'state rule 2: no rows give a NULL state', bce_state(y, p), NULL, 'is', NULL FROM t WHERE 0;
INSERT INTO checks SELECT 'state rule 2: no rows give a NULL bce_logits_state', bce_logits_state(y, z, w), NULL, 'is', NULL FROM t WHERE 0;
INSERT INTO checks SELECT 'state rule 2: no states: bce_merge is NULL', bce_merge(s), NULL, 'is', NULL
  FROM (SELECT bce_state(y, p) AS s FROM t) WHERE 0;
INSERT INTO checks SELECT 'state rule 2: only NULL states: bce_merge is NULL', bce_merge(NULL), NULL, 'is', NULL;
INSERT INTO checks SELECT 'state rule 2: only NULL states: bce_merge_state is NULL', bce_merge_state(NULL), NULL, 'is', NULL;
INSERT INTO checks SELECT 'state rule 2: bce_merge skips NULL states',
  bce_merge(s), (SELECT bce(y, p, w) FROM t), 'is', NULL
  FROM (SELECT bce_state(y, p, w) AS s FROM t UNION ALL SELECT NULL UNION ALL SELECT bce_state(y, p, w) FROM t WHERE 0);
INSERT INTO checks SELECT 'state rule 2: rows of weight 0 only give a state (their rows count), whose merge is NULL',
  (SELECT bce_merge(s) IS NULL AND max(s) IS NOT NULL FROM (SELECT bce_state(y, p, 0) AS s FROM t)), 1, 'is', NULL;
INSERT INTO checks SELECT 'state rule 2: an empty window frame gives a NULL state',
  s, NULL, 'is', NULL FROM (SELECT i, bce_state(y, p) OVER (ORDER BY i ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) AS s FROM t) WHERE i = 1;

-- state rule 3: canonical bytes
INSERT INTO checks SELECT 'state rule 3: the same rows in another order give the same bytes',
  (SELECT bce_state(y, p, w) FROM (SELECT * FROM t ORDER BY i DESC)),
  (SELECT bce_state(y, p, w) FROM (SELECT * FROM t ORDER BY p)), 'is', NULL;
INSERT INTO checks SELECT 'state rule 3: per-day states merged = the state of all rows',
  (SELECT bce_merge_state(s) FROM (SELECT bce_state(y, p, w) AS s FROM t GROUP BY day)),
  (SELECT bce_state(y, p, w) FROM t), 'is', NULL;
INSERT INTO checks SELECT 'state rule 3: bce_merge of per-day states = bce over all rows, bit for bit',
  (SELECT bce_merge(s) FROM (SELECT bce_state(y, p, w) AS s FROM t GROUP BY day)),
  (SELECT bce(y, p, w) FROM t), 'is', NULL;
INSERT INTO checks SELECT 'state rule 3: bce_logits: per-day merge = bce_logits over all rows',
  (SELECT bce_merge(s) FROM (SELECT bce_logits_state(y, z) AS s FROM t GROUP BY day)),
  (SELECT bce_logits(y, z) FROM t), 'is', NULL;
INSERT INTO checks SELECT 'state rule 3: a merged state merged again is unchanged',
  (SELECT bce_merge_state(m) FROM (SELECT bce_merge_state(s) AS m FROM (SELECT bce_state(y, p) AS s FROM t))),
  (SELECT bce_state(y, p) FROM t), 'is', NULL;

-- state rule 4: mixing
INSERT INTO checks SELECT 'state rule 4: bce_state(y, p) merges with bce_state(y, p, w) as w = 1',
  (SELECT bce_merge(s) FROM (SELECT bce_state(y, p) AS s FROM t WHERE day <= 3
                             UNION ALL SELECT bce_state(y, p, w) FROM t WHERE day > 3)),
  (SELECT bce(y, p, CASE WHEN day <= 3 THEN 1 ELSE w END) FROM t), 'is', NULL;
INSERT INTO checks SELECT 'state rule 4: ... and its merged state is that of bce_state(y, p, w) with w = 1 there',
  (SELECT bce_merge_state(s) FROM (SELECT bce_state(y, p) AS s FROM t WHERE day <= 3
                                   UNION ALL SELECT bce_state(y, p, w) FROM t WHERE day > 3)),
  (SELECT bce_state(y, p, CASE WHEN day <= 3 THEN 1 ELSE w END) FROM t), 'is', NULL;
INSERT INTO checks SELECT 'state rule 4: bce(y, p) = bce(y, p, 1) through states',
  (SELECT bce_merge(s) FROM (SELECT bce_state(y, p) AS s FROM t)),
  (SELECT bce_merge(s) FROM (SELECT bce_state(y, p, 1) AS s FROM t)), 'is', NULL;
INSERT INTO checks SELECT 'state rule 4: an explicit eps of 2^-52 is the default clip',
  (SELECT bce_merge(s) FROM (SELECT bce_state(y, p) AS s FROM t UNION ALL SELECT bce_state(1, 0.5, 1, 2.220446049250313e-16))),
  (SELECT bce(y, p, w) FROM (SELECT y, p, 1 AS w FROM t UNION ALL SELECT 1, 0.5, 1)), 'is', NULL;

-- state rule 5: hex TEXT is a state too
INSERT INTO checks SELECT 'state rule 5: bce_merge(hex(state)) = bce_merge(state)',
  (SELECT bce_merge(hex(s)) FROM (SELECT bce_state(y, p, w) AS s FROM t GROUP BY day)),
  (SELECT bce(y, p, w) FROM t), 'is', NULL;
INSERT INTO checks SELECT 'state rule 5: BLOB and hex TEXT states mix',
  (SELECT bce_merge_state(CASE WHEN day % 2 THEN s ELSE hex(s) END)
   FROM (SELECT day, bce_state(y, p, w) AS s FROM t GROUP BY day)),
  (SELECT bce_state(y, p, w) FROM t), 'is', NULL;
INSERT INTO checks SELECT 'state rule 5: a state is a BLOB', typeof(bce_state(y, p)), 'blob', 'is', NULL FROM t;

-- state rule 6: windows
CREATE TEMP TABLE daily AS SELECT day, bce_state(y, p, w) AS s FROM t GROUP BY day;
INSERT INTO checks SELECT 'state rule 6: day ' || d.day || ': bce_merge OVER (ROWS 6 PRECEDING) of daily states = bce of those days',
  d.v, (SELECT bce(y, p, w) FROM t WHERE t.day BETWEEN d.day - 6 AND d.day), 'is', NULL
  FROM (SELECT day, bce_merge(s) OVER (ORDER BY day ROWS 6 PRECEDING) AS v FROM daily) AS d;
INSERT INTO checks SELECT 'state rule 6: row ' || f.i || ': bce_state OVER (ROWS 2 PRECEDING) = the state of those rows',
  f.s, (SELECT bce_state(y, p, w) FROM t WHERE t.i BETWEEN f.i - 2 AND f.i), 'is', NULL
  FROM (SELECT i, bce_state(y, p, w) OVER (ORDER BY i ROWS 2 PRECEDING) AS s FROM t) AS f;
INSERT INTO checks SELECT 'state rule 6: a window slides past an infinite state and back to finite bits',
  v, want, 'is', NULL FROM (
    SELECT k, bce_merge(s) OVER (ORDER BY k ROWS 1 PRECEDING) AS v,
           CASE k WHEN 2 THEN 1e999 WHEN 3 THEN 1e999 ELSE NULL END AS want
    FROM (SELECT 1 AS k, bce_state(1, 0.4, 1, 0) AS s UNION ALL SELECT 2, bce_state(1, 0, 1, 0)
          UNION ALL SELECT 3, bce_state(0, 0.2, 1, 0) UNION ALL SELECT 4, bce_state(1, 0.9, 1, 0)))
  WHERE k IN (2, 3);
INSERT INTO checks SELECT 'state rule 6: ... and the frame after it has the bits of bce() over its rows',
  (SELECT v FROM (SELECT k, bce_merge(s) OVER (ORDER BY k ROWS 1 PRECEDING) AS v
    FROM (SELECT 1 AS k, bce_state(1, 0.4, 1, 0) AS s UNION ALL SELECT 2, bce_state(1, 0, 1, 0)
          UNION ALL SELECT 3, bce_state(0, 0.2, 1, 0) UNION ALL SELECT 4, bce_state(1, 0.9, 1, 0))) WHERE k = 4),
  (SELECT bce(column1, column2, 1, 0) FROM (VALUES (0, 0.2), (1, 0.9))), 'is', NULL;

-- bce_state_info
CREATE TEMP TABLE info AS SELECT bce_state_info(bce_state(y, p, w, 0.001)) AS j,
  bce_state_info(hex(bce_logits_state(y, z))) AS k, bce(y, p, w, 0.001) AS want FROM t;
INSERT INTO checks SELECT 'bce_state_info: function', json_extract(j, '$.function'), 'bce', 'is', NULL FROM info;
INSERT INTO checks SELECT 'bce_state_info: rows', json_extract(j, '$.rows'), 12, 'is', NULL FROM info;
INSERT INTO checks SELECT 'bce_state_info: rows of positive weight (one has w = 0)', json_extract(j, '$.rows_weighted'), 11, 'is', NULL FROM info;
INSERT INTO checks SELECT 'bce_state_info: weighted', json_extract(j, '$.weighted'), 1, 'is', NULL FROM info;
INSERT INTO checks SELECT 'bce_state_info: eps', json_extract(j, '$.eps'), 0.001, 'is', NULL FROM info;
INSERT INTO checks SELECT 'bce_state_info: sum of w', json_extract(j, '$.sum_w'), 17.75, 'is', NULL FROM info;
INSERT INTO checks SELECT 'bce_state_info: loss = bce over the rows (shortest decimal, read back)', json_extract(j, '$.loss'), want, 'is', NULL FROM info;
INSERT INTO checks SELECT 'bce_state_info: the logits state from hex TEXT', json_extract(k, '$.function') || ' ' || json_extract(k, '$.weighted') || ' ' || quote(json_extract(k, '$.eps')), 'bce_logits 0 NULL', 'is', NULL FROM info;
INSERT INTO checks SELECT 'bce_state_info: valid JSON', json_valid(j) AND json_valid(k), 1, 'is', NULL FROM info;
INSERT INTO checks SELECT 'bce_state_info: an infinite loss is 9e999, as json() writes it',
  json_extract(bce_state_info(bce_state(1, 0, 1, 0)), '$.loss'), 1e999, 'is', NULL;
INSERT INTO checks SELECT 'bce_state_info: rows of weight 0 only: loss null',
  json_type(bce_state_info(bce_state(1, 0.5, 0)), '$.loss'), 'null', 'is', NULL;
INSERT INTO checks SELECT 'bce_state_info(NULL) is NULL (rule 1)', bce_state_info(NULL), NULL, 'is', NULL;
-- a state past the 1024 bytes kept on the stack (ext/states.c's block of
-- its own): cce_d2_state of 2000 classes, two rows of uniform p, whose
-- D^2 is 1 - ln 2000 / ln 2 (the null model's loss is ln 2: the labels'
-- mean puts 1/2 on each of the two classes seen)
CREATE TEMP TABLE big_k AS
  WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < 1999)
  SELECT column1 AS y, (SELECT json_group_array(1.0/2000) FROM r) AS p
  FROM (VALUES (0), (1));
INSERT INTO checks SELECT 'a state past 1024 bytes: cce_d2_state of 2000 classes',
  (SELECT length(cce_d2_state(y, p)) > 1024 FROM big_k), 1, 'is', NULL;
INSERT INTO checks SELECT 'bce_merge of the 2000-class cce_d2_state is 1 - ln 2000 / ln 2',
  (SELECT bce_merge(s) FROM (SELECT cce_d2_state(y, p) AS s FROM big_k)),
  1 - ln(2000)/ln(2), 'ulp', 4;
INSERT INTO checks SELECT 'the hex() of a state past 1024 bytes reads as the state',
  (SELECT bce_merge(hex(s)) FROM (SELECT cce_d2_state(y, p) AS s FROM big_k)),
  1 - ln(2000)/ln(2), 'ulp', 4;
-- bce_state_info of a score state: a D^2 with no value (every label the
-- same: the null model's loss is 0) is null, and a D^2 of -Inf (a certain
-- miss at eps 0) is -9e999, as JSON has no infinity
INSERT INTO checks SELECT 'bce_state_info: the score of a D^2 state of one label value is null',
  json_type(bce_state_info(bce_d2_state(1, 0.5)), '$.score'), 'null', 'is', NULL;
INSERT INTO checks SELECT 'bce_state_info: a D^2 of -Inf is -9e999',
  (SELECT json_extract(bce_state_info(s), '$.score') FROM
     (SELECT bce_d2_state(column1, column2, '{"eps": 0}') AS s
        FROM (VALUES (1, 0.0), (0, 0.5)))), -9e999, 'is', NULL;
-- a state's options at their domain's closed ends: smoothing 1 is kept,
-- smoothing 0 is no key at all (the value that changes nothing; the
-- codec's own test of an encoded 0 is an errors.tsv row): -ln 0.5 = ln 2;
-- the references as ieee754(m, e), which valgrind's lane reads exactly
INSERT INTO checks SELECT 'a state of smoothing 0 merges: ln 2',
  bce_merge(s), ieee754(6243314768165359, -53), 'ulp', 0
  FROM (SELECT bce_state(1, 0.5, '{"smoothing": 0}') AS s);
INSERT INTO checks SELECT 'a state of smoothing 1 merges: ln 2 (y'' = 1/2)',
  bce_merge(s), ieee754(6243314768165359, -53), 'ulp', 0
  FROM (SELECT bce_state(1, 0.5, '{"smoothing": 1}') AS s);

INSERT INTO checks SELECT 'a state of pos_weight DBL_MAX merges: DBL_MAX ln 2 (mpmath, 200 bits, rounded)',
  bce_merge(s), ieee754(6243314768165359, 971), 'ulp', 0
  FROM (SELECT bce_state(1, 0.5, '{"pos_weight": 1.7976931348623157e308}') AS s);

.read tests/sql/lib/report.sql
