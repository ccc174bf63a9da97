-- The options argument (issue 21, docs/functions.md "Options"): where it is
-- read, that 0.2.0 calls keep their meaning, that eps given as an option is
-- the positional eps bit for bit, in every function, aggregate, window and
-- state, and that options are read once per aggregate (rule 6).  The values
-- of the other keys' formulas are tested with their formulas; this is the
-- plumbing.  Equal-bits checks count the rows where two forms differ and
-- want 0; values against SQLite's own ln() (libm, not ours) within 1 ulp.
.read tests/sql/lib/checks.sql
CREATE TEMP TABLE preds AS
  WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 500)
  SELECT i,
         CASE WHEN i % 4 = 0 THEN 0.3 ELSE (i * 7) % 2 END AS y,
         CASE WHEN i % 97 = 0 THEN 0.0
              WHEN i % 89 = 0 THEN 1.0
              WHEN i % 13 = 0 THEN 1e-300
              ELSE ((i * 7919) % 1000 + 0.5) / 1000.0 END AS p,
         ((i * 7919) % 2001 - 1000) / 37.0 AS z,
         CASE WHEN i % 11 = 0 THEN 0 ELSE (i % 5) + 0.5 END AS w,
         CASE WHEN i % 3 = 0 THEN 0.1 WHEN i % 3 = 1 THEN 1e-15 ELSE 0 END AS eps,
         json_object('eps', CASE WHEN i % 3 = 0 THEN 0.1
                                 WHEN i % 3 = 1 THEN 1e-15 ELSE 0 END) AS opt
  FROM r;

-- where the argument is: TEXT whose first non-blank byte is '{'
INSERT INTO checks SELECT 'a TEXT number in the eps place is still eps (0.2.0)',
  bce(1, 0.95, 1, '0.1'), -ln(0.9), 'ulp', 1;
INSERT INTO checks SELECT 'a TEXT number in the w place is still w (0.2.0)',
  bce(1, 0.5, '2') = bce(1, 0.5, 2), 1, 'is', NULL;
INSERT INTO checks SELECT 'a TEXT 1e-15 as eps equals the number 1e-15',
  bce_term(1, 1e-300, 1, '1e-15') = bce_term(1, 1e-300, 1, 1e-15), 1, 'is', NULL;
INSERT INTO checks SELECT 'options after blanks are options',
  bce_term(1, 0.95, char(32, 9, 10, 13, 11, 12) || '{"eps": 0.1}'), -ln(0.9), 'ulp', 1;
INSERT INTO checks SELECT 'options in the third place: bce(y, p, options)',
  bce(1, 0.95, '{"eps": 0.1}'), -ln(0.9), 'ulp', 1;
INSERT INTO checks SELECT 'options in the fourth place: bce(y, p, w, options)',
  bce(1, 0.95, 3, '{"eps": 0.1}'), -ln(0.9), 'ulp', 1;
INSERT INTO checks SELECT 'options built by json_object()',
  bce_term(1, 0.95, json_object('eps', 0.1)), -ln(0.9), 'ulp', 1;
INSERT INTO checks SELECT '{} is the defaults: bce', bce(1, 0.25, '{}') = bce(1, 0.25), 1, 'is', NULL;
INSERT INTO checks SELECT '{} is the defaults: bce_logits 4 arguments',
  bce_logits(1, -2.5, 2, '{}') = bce_logits(1, -2.5, 2), 1, 'is', NULL;
INSERT INTO checks SELECT '{} is the defaults: bce_logits_term 4 arguments',
  bce_logits_term(1, -2.5, 2, ' {}') = bce_logits_term(1, -2.5, 2), 1, 'is', NULL;
INSERT INTO checks SELECT '{} is the defaults: bce_logits_grad 4 arguments',
  bce_logits_grad(1, -2.5, 4, '{}') = bce_logits_grad(1, -2.5, 4), 1, 'is', NULL;
INSERT INTO checks SELECT '{} is the defaults: cce_logits 4 arguments',
  cce_logits(1, '[0.5, -1, 2]', 2, '{}') = cce_logits(1, '[0.5, -1, 2]', 2), 1, 'is', NULL;
INSERT INTO checks SELECT '{} is the defaults: cce_logits_term 4 arguments',
  cce_logits_term(1, '[0.5, -1, 2]', 2, '{}') = cce_logits_term(1, '[0.5, -1, 2]', 2), 1, 'is', NULL;
INSERT INTO checks SELECT '{} is the defaults: cce_logits_grad 4 arguments',
  cce_logits_grad(1, '[0.5, -1, 2]', 2, '{}'), cce_logits_grad(1, '[0.5, -1, 2]', 2), 'is', NULL;

-- rule 1: NULL in the options place is NULL in an argument
INSERT INTO checks SELECT 'bce_term(y, p, NULL) is NULL', bce_term(1, 0.5, NULL), NULL, 'is', NULL;
INSERT INTO checks SELECT 'bce_logits_term(y, z, w, NULL) is NULL',
  bce_logits_term(1, 0.5, 1, NULL), NULL, 'is', NULL;
INSERT INTO checks SELECT 'bce_logits_term(NULL, z, w, 2) is NULL before the options error',
  bce_logits_term(NULL, 0.5, 1, 2), NULL, 'is', NULL;
INSERT INTO checks SELECT 'bce(y, p, options) skips a NULL p row',
  (SELECT bce(y, p, '{"eps": 0.1}') FROM (SELECT 1 y, 0.95 p UNION ALL SELECT 1, NULL)),
  -ln(0.9), 'ulp', 1;

-- eps as an option is the positional eps, bit for bit, everywhere
INSERT INTO checks SELECT 'bce_term: eps option = positional eps, every row',
  (SELECT count(*) FROM preds
   WHERE bce_term(y, p, w, opt) IS NOT bce_term(y, p, w, eps)
      OR bce_term(y, p, opt) IS NOT bce_term(y, p, 1, eps)), 0, 'is', NULL;
INSERT INTO checks SELECT 'bce_grad: eps option = positional eps, every row',
  (SELECT count(*) FROM preds
   WHERE bce_grad(y, p, w + 1, opt) IS NOT bce_grad(y, p, w + 1, eps)
      OR bce_grad(y, p, opt) IS NOT bce_grad(y, p, 1, eps)), 0, 'is', NULL;
INSERT INTO checks SELECT 'bce: eps option = positional eps (' || e || ')',
  (SELECT bce(y, p, w, json_object('eps', e)) = bce(y, p, w, e) FROM preds), 1, 'is', NULL
  FROM (SELECT 0.1 AS e UNION ALL SELECT 1e-15 UNION ALL SELECT 0);
INSERT INTO checks SELECT 'bce(y, p, options) = bce(y, p, 1, eps) (' || e || ')',
  (SELECT bce(y, p, json_object('eps', e)) = bce(y, p, 1, e) FROM preds), 1, 'is', NULL
  FROM (SELECT 0.1 AS e UNION ALL SELECT 1e-15 UNION ALL SELECT 0);
INSERT INTO checks SELECT 'window: eps option = positional eps in every frame',
  (SELECT count(*) FROM (
     SELECT bce(y, p, w, '{"eps": 0.1}') OVER f AS a, bce(y, p, w, 0.1) OVER f AS b
     FROM preds WINDOW f AS (ORDER BY i ROWS BETWEEN 7 PRECEDING AND 3 FOLLOWING))
   WHERE a IS NOT b), 0, 'is', NULL;
INSERT INTO checks SELECT 'window bce(y, p, options) = a fresh aggregate per frame',
  (SELECT count(*) FROM (
     SELECT i, bce(y, p, '{"eps": 0.01}') OVER (ORDER BY i ROWS 4 PRECEDING) AS a FROM preds) s
   WHERE a IS NOT (SELECT bce(y, p, '{"eps": 0.01}') FROM preds q WHERE q.i BETWEEN s.i - 4 AND s.i)),
  0, 'is', NULL;
INSERT INTO checks SELECT 'bce_state with options: the same state as positional eps',
  (SELECT bce_state(y, p, w, '{"eps": 0.1}') = bce_state(y, p, w, 0.1) FROM preds), 1, 'is', NULL;
INSERT INTO checks SELECT 'bce_merge of bce_state(y, p, options) = bce(y, p, options)',
  (SELECT bce_merge(s) FROM (SELECT bce_state(y, p, '{"eps": 0.1}') s FROM preds GROUP BY i % 7))
  = (SELECT bce(y, p, '{"eps": 0.1}') FROM preds), 1, 'is', NULL;
INSERT INTO checks SELECT 'bce_logits(y, z, options) = bce_logits(y, z)',
  (SELECT bce_logits(y, z, '{}') = bce_logits(y, z) FROM preds), 1, 'is', NULL;
INSERT INTO checks SELECT 'bce_logits(y, z, w, options) = bce_logits(y, z, w)',
  (SELECT bce_logits(y, z, w, '{}') = bce_logits(y, z, w) FROM preds), 1, 'is', NULL;
INSERT INTO checks SELECT 'bce_logits_state(y, z, w, options) = bce_logits_state(y, z, w)',
  (SELECT bce_logits_state(y, z, w, '{}') = bce_logits_state(y, z, w) FROM preds), 1, 'is', NULL;
INSERT INTO checks SELECT 'cce: eps option = positional eps',
  (SELECT cce(i % 3, json_array(p / 2, p / 2, 1 - p), w, '{"eps": 0.1}')
        = cce(i % 3, json_array(p / 2, p / 2, 1 - p), w, 0.1) FROM preds), 1, 'is', NULL;
INSERT INTO checks SELECT 'cce(y, p, options) = cce(y, p, 1, eps)',
  (SELECT cce(i % 3, json_array(p / 2, p / 2, 1 - p), '{"eps": 0.1}')
        = cce(i % 3, json_array(p / 2, p / 2, 1 - p), 1, 0.1) FROM preds), 1, 'is', NULL;
INSERT INTO checks SELECT 'cce_term and cce_grad: eps option = positional eps, every row',
  (SELECT count(*) FROM preds
   WHERE cce_term(i % 3, json_array(p / 2, p / 2, 1 - p), w, opt)
         IS NOT cce_term(i % 3, json_array(p / 2, p / 2, 1 - p), w, eps)
      OR cce_grad(i % 3, json_array(p / 2, p / 2, 1 - p), 2, opt)
         IS NOT cce_grad(i % 3, json_array(p / 2, p / 2, 1 - p), 2, eps)), 0, 'is', NULL;
INSERT INTO checks SELECT 'cce_state with options: the same state as positional eps',
  (SELECT cce_state(i % 3, json_array(p / 2, p / 2, 1 - p), w, '{"eps": 0.1}')
        = cce_state(i % 3, json_array(p / 2, p / 2, 1 - p), w, 0.1) FROM preds), 1, 'is', NULL;
INSERT INTO checks SELECT 'cce_logits_state(y, z, w, options) = cce_logits_state(y, z, w)',
  (SELECT cce_logits_state(i % 3, json_array(z, -z, 1), w, '{}')
        = cce_logits_state(i % 3, json_array(z, -z, 1), w) FROM preds), 1, 'is', NULL;

-- rule 6: the same options text on every row is one aggregate's options
INSERT INTO checks SELECT 'the same options from a column on every row',
  (SELECT bce(y, p, o) = bce(y, p, 1, 0.1)
   FROM (SELECT y, p, '{"eps": ' || '0.1}' AS o FROM preds)), 1, 'is', NULL;
INSERT INTO checks SELECT 'options read once per group: each group its own',
  (SELECT group_concat(v = bce1, ',') FROM (
     SELECT bce(y, p, json_object('eps', g / 10.0)) AS v,
            (SELECT bce(y, p, 1, g / 10.0) FROM preds q WHERE q.i % 3 = g) AS bce1
     FROM (SELECT i % 3 AS g, y, p FROM preds) GROUP BY g)), '1,1,1', 'is', NULL;
.read tests/sql/lib/report.sql
