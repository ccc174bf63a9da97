-- Rule 8 (windows, docs/functions.md): every sliding-frame value is the
-- value a fresh aggregate gives over the same rows.  The sums are exact, so
-- "the same" means the same bits: each check counts the rows where they
-- differ and wants 0.
-- (tests/sql/mpmath_values.sql checks frames against exact values too.)
.read tests/sql/lib/checks.sql
CREATE TEMP TABLE preds AS
  WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 3000)
  SELECT i,
         CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END AS model,
         (i / 7) * 60 AS ts,                                  -- ties, for RANGE
         CASE WHEN i % 4 = 0 THEN 0.3 ELSE (i * 7) % 2 END AS y,
         CASE WHEN i % 101 = 0 THEN NULL                      -- skipped rows
              WHEN i % 97 = 0 THEN 0.0                        -- certain ...
              WHEN i % 89 = 0 THEN 1.0                        -- ... either way
              WHEN i % 13 = 0 THEN 1e-300                     -- confident
              ELSE ((i * 7919) % 1000 + 0.5) / 1000.0 END AS p,
         CASE WHEN i % 11 = 0 THEN 0 ELSE (i % 5) + 0.5 END AS w
  FROM r;

-- ROWS frame, unweighted, default clip
INSERT INTO checks SELECT 'rule 8: ROWS 99 PRECEDING: bce(y, p) sliding = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, bce(y, p) OVER (ORDER BY i ROWS 99 PRECEDING) AS v FROM preds) s
  WHERE v IS NOT (SELECT bce(y, p) FROM preds t WHERE t.i BETWEEN s.i - 99 AND s.i);

-- weighted, and eps = 0 so that frames slide onto and past infinite terms
INSERT INTO checks SELECT 'rule 8: ROWS 49 PRECEDING: bce(y, p, w, 0) sliding = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, bce(y, p, w, 0) OVER (ORDER BY i ROWS 49 PRECEDING) AS v FROM preds) s
  WHERE v IS NOT (SELECT bce(y, p, w, 0) FROM preds t WHERE t.i BETWEEN s.i - 49 AND s.i);
INSERT INTO checks SELECT 'rule 8: ROWS 49 PRECEDING, eps 0: some frames are +Inf and some after them finite',
  sum(v = 1e999) > 0 AND sum(v < 1e999 AND i > 97 + 49) > 0, 1, 'is', NULL FROM (
    SELECT i, bce(y, p, w, 0) OVER (ORDER BY i ROWS 49 PRECEDING) AS v FROM preds);

-- centred frame, per model
INSERT INTO checks SELECT 'rule 8: PARTITION BY model ROWS 5 PRECEDING AND 5 FOLLOWING = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, model, rn, bce(y, p, w) OVER (PARTITION BY model ORDER BY i
                           ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS v
    FROM (SELECT *, row_number() OVER (PARTITION BY model ORDER BY i) AS rn FROM preds)) s
  WHERE v IS NOT (SELECT bce(y, p, w) FROM
                    (SELECT *, row_number() OVER (PARTITION BY model ORDER BY i) AS rn FROM preds) t
                  WHERE t.model = s.model AND t.rn BETWEEN s.rn - 5 AND s.rn + 5);

-- RANGE frame over time, as a rolling loss over the last hour
INSERT INTO checks SELECT 'rule 8: RANGE 3600 PRECEDING on a timestamp = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, ts, bce(y, p) OVER (ORDER BY ts RANGE BETWEEN 3600 PRECEDING AND CURRENT ROW) AS v
    FROM preds) s
  WHERE v IS NOT (SELECT bce(y, p) FROM preds t WHERE t.ts BETWEEN s.ts - 3600 AND s.ts);

-- GROUPS frame: the current timestamp's peers and the two groups before
INSERT INTO checks SELECT 'rule 8: GROUPS 2 PRECEDING on a timestamp = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, ts, bce(y, p, w) OVER (ORDER BY ts GROUPS BETWEEN 2 PRECEDING AND CURRENT ROW) AS v
    FROM preds) s
  WHERE v IS NOT (SELECT bce(y, p, w) FROM preds t WHERE t.ts BETWEEN s.ts - 2 * 60 AND s.ts);

-- bce_logits: frames slide onto and past logits of both infinities (the
-- wrong one makes +Inf, the right one 0), 1e300 and tiny losses
CREATE TEMP TABLE logit_preds AS
  SELECT i, model, ts, y, w,
         CASE WHEN i % 101 = 0 THEN NULL
              WHEN i % 97 = 0 THEN 1e999
              WHEN i % 89 = 0 THEN -1e999
              WHEN i % 83 = 0 THEN 1e300 * (1 - 2 * (i % 2))
              WHEN i % 13 = 0 THEN 50.0 * (1 - 2 * (i % 2))
              ELSE ((i * 7919) % 1000 - 500) / 37.0 END AS z
  FROM preds;
INSERT INTO checks SELECT 'rule 8: ROWS 49 PRECEDING: bce_logits(y, z) sliding = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, bce_logits(y, z) OVER (ORDER BY i ROWS 49 PRECEDING) AS v FROM logit_preds) s
  WHERE v IS NOT (SELECT bce_logits(y, z) FROM logit_preds t WHERE t.i BETWEEN s.i - 49 AND s.i);
INSERT INTO checks SELECT 'rule 8: ROWS 49 PRECEDING: bce_logits(y, z, w) sliding = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, bce_logits(y, z, w) OVER (ORDER BY i ROWS 49 PRECEDING) AS v FROM logit_preds) s
  WHERE v IS NOT (SELECT bce_logits(y, z, w) FROM logit_preds t WHERE t.i BETWEEN s.i - 49 AND s.i);
INSERT INTO checks SELECT 'rule 8: ROWS 49 PRECEDING, logits: some frames are +Inf and some after them finite',
  sum(v = 1e999) > 0 AND sum(v < 1e999 AND i > 97 + 49) > 0, 1, 'is', NULL FROM (
    SELECT i, bce_logits(y, z) OVER (ORDER BY i ROWS 49 PRECEDING) AS v FROM logit_preds);
INSERT INTO checks SELECT 'rule 8: RANGE 3600 PRECEDING: bce_logits(y, z, w) = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, ts, bce_logits(y, z, w) OVER (ORDER BY ts RANGE BETWEEN 3600 PRECEDING AND CURRENT ROW) AS v
    FROM logit_preds) s
  WHERE v IS NOT (SELECT bce_logits(y, z, w) FROM logit_preds t WHERE t.ts BETWEEN s.ts - 3600 AND s.ts);

-- rows of JSON arrays of 1 to 5 labels, mixed with rows of numbers,
-- numbered again without gaps so that i - 29 .. i is a ROWS frame
CREATE TEMP TABLE array_preds AS
  SELECT row_number() OVER (ORDER BY i) AS i, w, y, p FROM (
  SELECT i, w,
         CASE WHEN i % 7 = 0 THEN y ELSE '[' || substr('1,0,1,1,0', 1, 2 * (i % 5) + 1) || ']' END AS y,
         CASE WHEN i % 7 = 0 THEN p ELSE '[' || CASE i % 5
              WHEN 0 THEN printf('%s', p)
              WHEN 1 THEN printf('%s,%s', p, 1 - p)
              WHEN 2 THEN printf('%s,%s,%s', p, 1 - p, p / 3)
              WHEN 3 THEN printf('%s,%s,%s,%s', p, 1 - p, p / 3, 0.5)
              ELSE printf('%s,%s,%s,%s,%s', p, 1 - p, p / 3, 0.5, p * p) END || ']' END AS p
  FROM preds WHERE p IS NOT NULL AND i % 4 <> 0);
INSERT INTO checks SELECT 'rules 8, 9: array rows: every y and p of one length',
  count(*), 0, 'is', NULL FROM array_preds WHERE y LIKE '[%' AND json_array_length(y) <> json_array_length(p);
INSERT INTO checks SELECT 'rules 8, 9: ROWS 29 PRECEDING over array rows: bce(y, p, w, 0) sliding = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, bce(y, p, w, 0) OVER (ORDER BY i ROWS 29 PRECEDING) AS v FROM array_preds) s
  WHERE v IS NOT (SELECT bce(y, p, w, 0) FROM array_preds t WHERE t.i BETWEEN s.i - 29 AND s.i);
INSERT INTO checks SELECT 'rules 8, 9: ROWS 29 PRECEDING over array rows, eps 0: some frames +Inf, some after them finite',
  sum(v = 1e999) > 0 AND sum(v < 1e999) > 0, 1, 'is', NULL FROM (
    SELECT i, bce(y, p, w, 0) OVER (ORDER BY i ROWS 29 PRECEDING) AS v FROM array_preds);

-- the whole partition (xValue) equals the aggregate (xFinal)
INSERT INTO checks SELECT 'rule 8: OVER () equals the aggregate', count(DISTINCT v), 1, 'is', NULL FROM (
  SELECT bce(y, p, w) OVER () AS v FROM preds
  UNION ALL SELECT bce(y, p, w) FROM preds);
INSERT INTO checks SELECT 'rule 8: OVER () equals the aggregate (not NULL)',
  typeof((SELECT bce(y, p, w) FROM preds)), 'real', 'is', NULL;
INSERT INTO checks SELECT 'rule 8: OVER () equals the aggregate: bce_logits over array rows', count(DISTINCT v), 1, 'is', NULL FROM (
  SELECT bce_logits(y, z, w) OVER () AS v FROM logit_preds
  UNION ALL SELECT bce_logits(y, z, w) FROM logit_preds);
.read tests/sql/lib/report.sql
