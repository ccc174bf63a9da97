-- Issue 23's scores without options: the properties
-- that need no reference value: logsumexp's result does not depend on the
-- order of the rows or on how a window frame was reached (the same bits),
-- its buckets past the inline ones (more than 4 buckets of z, each 512
-- wide: src/logsumexp.h), and rule 1 (NULL) for each function.  The
-- values themselves are checked against mpmath in mpmath_scores.sql, their
-- registration in registration.sql (pragma_function_list: SQLite >= 3.30).
.read tests/sql/lib/checks.sql

-- 1000 rows in [-5, 5): one bucket, where a running sum in another order
-- rounds otherwise; 400 rows over every magnitude, -Inf among them
CREATE TEMP TABLE near(i INTEGER PRIMARY KEY, z REAL);
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 1000)
INSERT INTO near SELECT i, ((i*2654435761) % 1000003)/100000.3 - 5 FROM r;
CREATE TEMP TABLE far(i INTEGER PRIMARY KEY, z REAL);
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 400)
INSERT INTO far SELECT i, CASE i % 6
    WHEN 0 THEN ((i*7919) % 1000 - 500)*1.3e305
    WHEN 1 THEN ((i*7919) % 1601 - 800)*1.01
    WHEN 2 THEN ((i*104729) % 997)*1e-3 - 0.5
    WHEN 3 THEN ((i*7919) % 3001 - 1500)*0.773
    WHEN 4 THEN CASE WHEN i % 24 = 4 THEN -1e999 ELSE (i % 13)*1e-300 END
    ELSE ((i*31) % 211)*3.7 - 300 END FROM r;

INSERT INTO checks SELECT 'logsumexp: same bits in ' || o || ' order, ' || t || ' rows',
  got, want, 'is', NULL FROM (
  SELECT 'near' AS t, 'reverse' AS o,
    (SELECT logsumexp(z) FROM (SELECT z FROM near ORDER BY i DESC)) AS got,
    (SELECT logsumexp(z) FROM (SELECT z FROM near ORDER BY i)) AS want
  UNION ALL SELECT 'near', 'ascending z',
    (SELECT logsumexp(z) FROM (SELECT z FROM near ORDER BY z)),
    (SELECT logsumexp(z) FROM (SELECT z FROM near ORDER BY i))
  UNION ALL SELECT 'near', 'descending z',
    (SELECT logsumexp(z) FROM (SELECT z FROM near ORDER BY z DESC)),
    (SELECT logsumexp(z) FROM (SELECT z FROM near ORDER BY i))
  UNION ALL SELECT 'near', 'shuffled (i*37 mod 1009)',
    (SELECT logsumexp(z) FROM (SELECT z FROM near ORDER BY (i*37) % 1009)),
    (SELECT logsumexp(z) FROM (SELECT z FROM near ORDER BY i))
  UNION ALL SELECT 'far', 'reverse',
    (SELECT logsumexp(z) FROM (SELECT z FROM far ORDER BY i DESC)),
    (SELECT logsumexp(z) FROM (SELECT z FROM far ORDER BY i))
  UNION ALL SELECT 'far', 'ascending z',
    (SELECT logsumexp(z) FROM (SELECT z FROM far ORDER BY z)),
    (SELECT logsumexp(z) FROM (SELECT z FROM far ORDER BY i))
  UNION ALL SELECT 'far', 'descending z',
    (SELECT logsumexp(z) FROM (SELECT z FROM far ORDER BY z DESC)),
    (SELECT logsumexp(z) FROM (SELECT z FROM far ORDER BY i))
  UNION ALL SELECT 'far', 'shuffled (i*101 mod 401)',
    (SELECT logsumexp(z) FROM (SELECT z FROM far ORDER BY (i*101) % 401)),
    (SELECT logsumexp(z) FROM (SELECT z FROM far ORDER BY i))
  UNION ALL SELECT 'far without its 1e305 rows', 'descending z',
    (SELECT logsumexp(z) FROM (SELECT z FROM far WHERE i % 6 <> 0 ORDER BY z DESC)),
    (SELECT logsumexp(z) FROM (SELECT z FROM far WHERE i % 6 <> 0 ORDER BY (i*7) % 401)));

-- every frame of a sliding window against the same rows from scratch:
-- the maximum leaves frames, buckets open and close
INSERT INTO checks SELECT 'logsumexp: window frames of ' || n || ' over ' || t
  || ' rows, sliding = from scratch, frames that differ', got, 0, 'is', NULL FROM (
  SELECT 'near' AS t, 7 AS n, (SELECT count(*) FROM (
    SELECT a.i, logsumexp(a.z) OVER (ORDER BY a.i ROWS 6 PRECEDING) AS v FROM near a) w
    WHERE v IS NOT (SELECT logsumexp(z) FROM (SELECT z FROM near b
                    WHERE b.i BETWEEN w.i - 6 AND w.i ORDER BY b.z DESC))) AS got
  UNION ALL SELECT 'far', 5, (SELECT count(*) FROM (
    SELECT a.i, logsumexp(a.z) OVER (ORDER BY a.i ROWS 4 PRECEDING) AS v FROM far a) w
    WHERE v IS NOT (SELECT logsumexp(z) FROM (SELECT z FROM far b
                    WHERE b.i BETWEEN w.i - 4 AND w.i ORDER BY b.z)))
  UNION ALL SELECT 'far (frames of 2 PRECEDING to 2 FOLLOWING)', 5, (SELECT count(*) FROM (
    SELECT a.i, logsumexp(a.z) OVER (ORDER BY a.i ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS v
    FROM far a) w
    WHERE v IS NOT (SELECT logsumexp(z) FROM (SELECT z FROM far b
                    WHERE b.i BETWEEN w.i - 2 AND w.i + 2 ORDER BY b.z DESC)))
  UNION ALL SELECT 'far, descending', 40, (SELECT count(*) FROM (
    SELECT a.i, logsumexp(a.z) OVER (ORDER BY a.i DESC ROWS 39 PRECEDING) AS v FROM far a) w
    WHERE v IS NOT (SELECT logsumexp(z) FROM (SELECT z FROM far b
                    WHERE b.i BETWEEN w.i AND w.i + 39 ORDER BY (b.i*13) % 41))));

-- more buckets than the 4 inline ones: z = 0, 1000, ..., 11000 (12
-- buckets), added in two orders and slid through; the result is the
-- largest z plus ln(1 + e^-1000 + ...) = the largest z
CREATE TEMP TABLE spread(i INTEGER PRIMARY KEY, z REAL);
WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < 11)
INSERT INTO spread SELECT i, i*1000.0 FROM r;
INSERT INTO checks SELECT 'logsumexp: 12 buckets (grown past the inline 4), ascending',
  (SELECT logsumexp(z) FROM (SELECT z FROM spread ORDER BY z)), 11000.0, 'is', NULL;
INSERT INTO checks SELECT 'logsumexp: 12 buckets, descending',
  (SELECT logsumexp(z) FROM (SELECT z FROM spread ORDER BY z DESC)), 11000.0, 'is', NULL;
INSERT INTO checks SELECT 'logsumexp: 12 buckets, frames of 6 sliding down: the top of each frame',
  (SELECT group_concat(v, ' ') FROM (SELECT logsumexp(z) OVER (ORDER BY z DESC
     ROWS BETWEEN CURRENT ROW AND 5 FOLLOWING) AS v FROM spread)),
  '11000.0 10000.0 9000.0 8000.0 7000.0 6000.0 5000.0 4000.0 3000.0 2000.0 1000.0 0.0',
  'is', NULL;
INSERT INTO checks SELECT 'logsumexp: an unbounded frame after the buckets grew',
  (SELECT group_concat(v, ' ') FROM (SELECT logsumexp(z) OVER (ORDER BY z
     ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS v FROM spread)),
  '11000.0 11000.0 11000.0 11000.0 11000.0 11000.0 11000.0 11000.0 11000.0 11000.0 11000.0 11000.0',
  'is', NULL;
-- a GROUP BY of several groups, each its own buckets
INSERT INTO checks SELECT 'logsumexp: GROUP BY, spread groups',
  (SELECT group_concat(v, ' ') FROM (SELECT logsumexp(z) AS v FROM spread GROUP BY i % 3 ORDER BY i % 3)),
  '9000.0 10000.0 11000.0', 'is', NULL;

-- infinities leave a frame exactly
INSERT INTO checks SELECT 'logsumexp: +Inf and -Inf rows sliding out of a frame of 2',
  (SELECT group_concat(ifnull(v, 'NULL'), ' ') FROM (SELECT logsumexp(z) OVER (ORDER BY i ROWS 1 PRECEDING) AS v
     FROM (SELECT column1 AS i, column2 AS z FROM (VALUES (1, 1e999), (2, 0.0), (3, -1e999),
       (4, -1e999), (5, 0.0), (6, NULL), (7, NULL))))),
  'Inf Inf 0.0 -Inf 0.0 0.0 NULL', 'is', NULL;
INSERT INTO checks SELECT 'logsumexp: ''inf'' and ''-Infinity'' texts as logits read them',
  (SELECT logsumexp(z) FROM (SELECT '-Infinity' AS z UNION ALL SELECT ' 0.5 ')),
  0.5, 'is', NULL;
INSERT INTO checks SELECT 'logsumexp: TEXT ''inf'' gives +Inf',
  (SELECT logsumexp(z) FROM (SELECT 'inf' AS z UNION ALL SELECT 3)), 1e999, 'is', NULL;
INSERT INTO checks SELECT 'logsumexp: an INTEGER z', (SELECT logsumexp(7)), 7.0, 'is', NULL;
INSERT INTO checks SELECT 'logsumexp: no rows gives NULL',
  (SELECT logsumexp(z) FROM near WHERE i < 0), NULL, 'is', NULL;

-- rule 1
INSERT INTO checks SELECT 'rule 1: entropy(NULL)', entropy(NULL), NULL, 'is', NULL;
INSERT INTO checks SELECT 'rule 1: kl_div_term(NULL, p)', kl_div_term(NULL, '[0.5,0.5]'), NULL, 'is', NULL;
INSERT INTO checks SELECT 'rule 1: kl_div_term(y, NULL)', kl_div_term(0, NULL), NULL, 'is', NULL;
INSERT INTO checks SELECT 'rule 1: kl_div skips a NULL row; no rows gives NULL',
  (SELECT kl_div(y, p) FROM (SELECT NULL AS y, '[0.5,0.5]' AS p)), NULL, 'is', NULL;
INSERT INTO checks SELECT 'rule 2: kl_div, a row of weight 0 is no row',
  (SELECT kl_div(y, p, w) FROM (SELECT 0 AS y, '[0.5,0.5]' AS p, 0.0 AS w
     UNION ALL SELECT 1, '[0.5,0.5]', 2.0)), ln(2), 'ulp', 1;
-- a class index is cce's value
INSERT INTO checks SELECT 'kl_div_term(class, p) = cce_term(class, p)',
  kl_div_term(2, '[0.1,0.2,0.7]'), cce_term(2, '[0.1,0.2,0.7]'), 'is', NULL;
INSERT INTO checks SELECT 'kl_div_term(''2'' as TEXT class, p)',
  kl_div_term('2', '[0.1,0.2,0.7]'), cce_term(2, '[0.1,0.2,0.7]'), 'is', NULL;
INSERT INTO checks SELECT 'entropy of an INTEGER 0 and 1 is 0',
  entropy(0) + entropy(1), 0.0, 'is', NULL;
INSERT INTO checks SELECT 'kl_div_term(y, p, 0) is 0 (rule 2)',
  kl_div_term('[0.2,0.8]', '[0.6,0.4]', 0), 0.0, 'is', NULL;
INSERT INTO checks SELECT 'kl_div over rows of y = q is 0 (KL exactly 0, weighted)',
  (SELECT kl_div(y, p, w) FROM (SELECT '[0.25,0.75]' AS y, '[0.25,0.75]' AS p, 3.0 AS w
     UNION ALL SELECT '[0.5,0.5]', '[0.5,0.5]', 1e-300)), 0.0, 'is', NULL;
-- smoothing 5e-324 over 2 classes: s/K rounds to 0, so the smoothed
-- target of the 0 class is 0 (0 ln 0 = 0, src/kl.c) and the divergence is
-- that of [1, 0] alone, ln 2 (the 1 - 5e-324 of the other is below its ulp)
INSERT INTO checks SELECT 'kl_div_term: a smoothing whose s/K underflows to 0',
  kl_div_term('[1, 0]', '[0.5, 0.5]', '{"smoothing": 5e-324}'), ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'kl_div_term: the same constant options on a second row (read once)',
  (SELECT sum(kl_div_term(column1, column2, '{"smoothing": 5e-324}'))
     FROM (VALUES ('[1, 0]', '[0.5, 0.5]'), ('[1, 0]', '[0.5, 0.5]'))), 2*ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'kl_div_term: a NULL with a 4th argument that is no options object is NULL (rule 1)',
  kl_div_term(NULL, '[0.5, 0.5]', 1, 2), NULL, 'is', NULL;
.read tests/sql/lib/report.sql
