-- Rule 6: every sliding-frame value is the value a fresh aggregate gives
-- over the same rows.  The sums are exact, so "the same" means the same
-- bits: each check counts the rows where they differ and wants 0.
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
INSERT INTO checks SELECT 'ROWS 99 PRECEDING: bce(y, p) sliding = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, bce(y, p) OVER (ORDER BY i ROWS 99 PRECEDING) AS v FROM preds) s
  WHERE v IS NOT (SELECT bce(y, p) FROM preds t WHERE t.i BETWEEN s.i - 99 AND s.i);

-- weighted, and eps = 0 so that frames slide onto and past infinite terms
INSERT INTO checks SELECT 'ROWS 49 PRECEDING: bce(y, p, w, 0) sliding = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, bce(y, p, w, 0) OVER (ORDER BY i ROWS 49 PRECEDING) AS v FROM preds) s
  WHERE v IS NOT (SELECT bce(y, p, w, 0) FROM preds t WHERE t.i BETWEEN s.i - 49 AND s.i);
INSERT INTO checks SELECT 'ROWS 49 PRECEDING, eps 0: some frames are +Inf and some after them finite',
  sum(v = 1e999) > 0 AND sum(v < 1e999 AND i > 97 + 49) > 0, 1, 'is', NULL FROM (
    SELECT i, bce(y, p, w, 0) OVER (ORDER BY i ROWS 49 PRECEDING) AS v FROM preds);

-- centred frame, per model
INSERT INTO checks SELECT 'PARTITION BY model ROWS 5 PRECEDING AND 5 FOLLOWING = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, model, rn, bce(y, p, w) OVER (PARTITION BY model ORDER BY i
                           ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS v
    FROM (SELECT *, row_number() OVER (PARTITION BY model ORDER BY i) AS rn FROM preds)) s
  WHERE v IS NOT (SELECT bce(y, p, w) FROM
                    (SELECT *, row_number() OVER (PARTITION BY model ORDER BY i) AS rn FROM preds) t
                  WHERE t.model = s.model AND t.rn BETWEEN s.rn - 5 AND s.rn + 5);

-- RANGE frame over time, as a rolling loss over the last hour
INSERT INTO checks SELECT 'RANGE 3600 PRECEDING on a timestamp = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, ts, bce(y, p) OVER (ORDER BY ts RANGE BETWEEN 3600 PRECEDING AND CURRENT ROW) AS v
    FROM preds) s
  WHERE v IS NOT (SELECT bce(y, p) FROM preds t WHERE t.ts BETWEEN s.ts - 3600 AND s.ts);

-- GROUPS frame: the current timestamp's peers and the two groups before
INSERT INTO checks SELECT 'GROUPS 2 PRECEDING on a timestamp = fresh (rows differing)',
  count(*), 0, 'is', NULL FROM (
    SELECT i, ts, bce(y, p, w) OVER (ORDER BY ts GROUPS BETWEEN 2 PRECEDING AND CURRENT ROW) AS v
    FROM preds) s
  WHERE v IS NOT (SELECT bce(y, p, w) FROM preds t WHERE t.ts BETWEEN s.ts - 2 * 60 AND s.ts);

-- the whole partition (xValue) equals the aggregate (xFinal)
INSERT INTO checks SELECT 'OVER () equals the aggregate', count(DISTINCT v), 1, 'is', NULL FROM (
  SELECT bce(y, p, w) OVER () AS v FROM preds
  UNION ALL SELECT bce(y, p, w) FROM preds);
INSERT INTO checks SELECT 'OVER () equals the aggregate (not NULL)',
  typeof((SELECT bce(y, p, w) FROM preds)), 'real', 'is', NULL;
.read tests/sql/lib/report.sql
