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

-- the binary keys reach src/binary_opt.h's formulas (their values are
-- tested there, against mpmath): each alone at p = 1/2 or z = 0, where the
-- loss is a multiple of ln 2, against SQLite's ln()
INSERT INTO checks SELECT 'bce_term pos_weight 3, y = 1: 3 ln 2',
  bce_term(1, 0.5, '{"pos_weight": 3}'), 3 * ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'bce_term pos_weight 3, y = 0: ln 2 (no positive term)',
  bce_term(0, 0.5, '{"pos_weight": 3}'), ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'bce_term smoothing 1: y = 1/2 whatever y',
  bce_term(1, 0.25, '{"smoothing": 1}'), -(ln(0.25) + ln(0.75)) / 2, 'ulp', 1;
INSERT INTO checks SELECT 'bce_term gamma 2 at p = 1/2: ln 2 / 4',
  bce_term(1, 0.5, '{"gamma": 2}'), ln(2) / 4, 'ulp', 1;
INSERT INTO checks SELECT 'bce_term alpha 0.25, y = 1: 0.25 ln 2',
  bce_term(1, 0.5, '{"alpha": 0.25}'), ln(2) / 4, 'ulp', 1;
INSERT INTO checks SELECT 'bce_term alpha 0.25, y = 0: 0.75 ln 2',
  bce_term(0, 0.5, '{"alpha": 0.25}'), 0.75 * ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'bce_term(y, p, w, options): w times the loss',
  bce_term(1, 0.5, 4, '{"gamma": 2}'), ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'bce_logits_term pos_weight 3 at z = 0: 3 ln 2',
  bce_logits_term(1, 0, '{"pos_weight": 3}'), 3 * ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'bce_logits_term(y, z, w, options)',
  bce_logits_term(1, 0, 2, '{"alpha": 0.75}'), 1.5 * ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'bce_grad pos_weight 3 at p = 1/2: -3 / 0.5',
  bce_grad(1, 0.5, '{"pos_weight": 3}'), -6.0, 'is', NULL;
INSERT INTO checks SELECT 'bce_grad(y, p, n, options): divided by n',
  bce_grad(1, 0.5, 4, '{"pos_weight": 3}'), -1.5, 'is', NULL;
INSERT INTO checks SELECT 'bce_logits_grad pos_weight 3 at z = 0: -3 (1 - 1/2)',
  bce_logits_grad(1, 0, '{"pos_weight": 3}'), -1.5, 'is', NULL;
INSERT INTO checks SELECT 'bce_logits_grad(y, z, n, options): divided by n',
  bce_logits_grad(1, 0, 3, '{"pos_weight": 3}'), -0.5, 'is', NULL;
INSERT INTO checks SELECT 'bce aggregate pos_weight 3 over y = 1, 0 at 1/2: 2 ln 2',
  (SELECT bce(column1, 0.5, '{"pos_weight": 3}') FROM (VALUES (1), (0))), 2 * ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'bce_logits aggregate with w and options',
  (SELECT bce_logits(column1, 0, column2, '{"pos_weight": 3}') FROM (VALUES (1, 1), (0, 3))),
  1.5 * ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'keys at values that change nothing give the 0.2.0 bits',
  (SELECT count(*) FROM preds
   WHERE bce_term(y, p, w, '{"pos_weight": 1, "smoothing": 0, "gamma": 0}')
         IS NOT bce_term(y, p, w)
      OR bce_logits_grad(y, z, '{"pos_weight": 1}') IS NOT bce_logits_grad(y, z)),
  0, 'is', NULL;
INSERT INTO checks SELECT 'aggregate with options = the mean of its terms',
  (SELECT bce(y, p, w, '{"gamma": 2, "alpha": 0.25}') FROM preds),
  (SELECT sum(bce_term(y, p, w, '{"gamma": 2, "alpha": 0.25}')) / sum(w) FROM preds),
  'rel', 1e-14;
INSERT INTO checks SELECT 'window with options = a fresh aggregate per frame',
  (SELECT count(*) FROM (
     SELECT i, bce_logits(y, z, w, '{"gamma": 2}') OVER (ORDER BY i ROWS 5 PRECEDING) AS a
     FROM preds) s
   WHERE a IS NOT (SELECT bce_logits(y, z, w, '{"gamma": 2}') FROM preds q
                   WHERE q.i BETWEEN s.i - 5 AND s.i)), 0, 'is', NULL;
INSERT INTO checks SELECT 'eps with a binary key: the clip reaches the formula',
  bce_term(1, 0, '{"eps": 0.25, "gamma": 1}'), -0.75 * ln(0.25), 'ulp', 1;
-- rows of JSON arrays (multi-label) take the options whole (src/arrays.h)
INSERT INTO checks SELECT 'multi-label bce_term with gamma 2: the mean of the elements',
  bce_term('[1, 0]', '[0.5, 0.5]', '{"gamma": 2}'), ln(2) / 4, 'ulp', 1;
INSERT INTO checks SELECT 'multi-label bce_term with a pos_weight per element',
  bce_term('[1, 1]', '[0.5, 0.5]', '{"pos_weight": [1, 3]}'), 2 * ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'multi-label bce with w and options',
  (SELECT bce(column1, '[0.5, 0.5]', column2, '{"pos_weight": [1, 3]}')
   FROM (VALUES ('[1, 1]', 1), ('[0, 0]', 3))), 1.25 * ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'multi-label bce_logits_grad with a pos_weight per element',
  bce_logits_grad('[1, 1]', '[0, 0]', '{"pos_weight": [1, 3]}'), '[-0.25,-0.75]', 'is', NULL;
INSERT INTO checks SELECT 'multi-label bce_grad with eps in the options = positional',
  bce_grad('[1, 0]', '[0, 1]', '{"eps": 0.25}') = bce_grad('[1, 0]', '[0, 1]', 1, 0.25), 1, 'is', NULL;
INSERT INTO checks SELECT 'a pos_weight array longer than the scalars'' room (40 > 32)',
  (SELECT bce_term(json_group_array(1), json_group_array(0.5),
                   '{"pos_weight": ' || json_group_array(3) || '}')
   FROM (SELECT value FROM json_each('[' || substr(replace(hex(zeroblob(40)), '00', ',0'), 2) || ']'))),
  3 * ln(2), 'ulp', 1;
INSERT INTO checks SELECT 'a long pos_weight array from a column, every row',
  (SELECT count(*) FROM (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) AS t,
     (SELECT json_group_array(1) AS y, json_group_array(0.5) AS p,
             json_group_array(3) AS pw
      FROM (SELECT value FROM json_each('[' || substr(replace(hex(zeroblob(40)), '00', ',0'), 2) || ']'))) AS a
   WHERE abs(bce_term(y, p, '{"pos_weight": ' || replace(pw, '3', 2 + k) || '}')
             - (2 + k) * ln(2)) > 1e-15), 0, 'is', NULL;
-- the rows after the first with the same options take a short path of
-- their own (ext/aggregate.c): an infinite loss, a NULL, a window's removals
INSERT INTO checks SELECT 'a later row of infinite loss (eps 0): +Inf',
  (SELECT bce(column1, column2, '{"eps": 0}') FROM (VALUES (1, 0.5), (1, 0))), 1e999, 'is', NULL;
INSERT INTO checks SELECT 'the infinite row leaves the frame: finite again',
  (SELECT group_concat(v, ',') FROM (
     SELECT bce(column2, column3, '{"eps": 0}') OVER (ORDER BY column1 ROWS 1 PRECEDING) AS v
     FROM (VALUES (1, 1, 0), (2, 1, 0.5), (3, 1, 0.5)))),
  'Inf,Inf,' || ln(2), 'is', NULL;
INSERT INTO checks SELECT 'a later row with a NULL is skipped',
  (SELECT bce(column1, column2, '{"eps": 0.1}') FROM (VALUES (1, 0.95), (1, NULL), (NULL, 0.5))),
  -ln(0.9), 'ulp', 1;
INSERT INTO checks SELECT 'later rows of TEXT numbers go the general way, same options',
  (SELECT bce(column1, column2, '{"eps": 0.1}') FROM (VALUES (1, 0.95), ('1', '0.95'))),
  -ln(0.9), 'ulp', 1;
-- an infinite loss of the row's own (ln 0: eps 0 and p = 0 at y = 1, or a
-- logit of -Inf) is +Inf with any pos_weight above 1, not the pos_weight
-- overflow error: the test at pos_weight 1 must see this row's y and p
-- (make mutate: bce_term() passed it p for y, or y for p)
INSERT INTO checks SELECT 'bce_term: ln 0 of its own with pos_weight 2 is +Inf, not the overflow error',
  bce_term(1, 0, '{"eps": 0, "pos_weight": 2}'), 1e999, 'is', NULL;
INSERT INTO checks SELECT 'bce_logits_term: a logit of -Inf at y = 1 with pos_weight 2 is +Inf',
  bce_logits_term(1, '-inf', '{"pos_weight": 2}'), 1e999, 'is', NULL;
-- the same for rows of JSON arrays, which take the test at pos_weight 1
-- again through ext/array_args.c
INSERT INTO checks SELECT 'bce_term on arrays: ln 0 of its own with pos_weight 2 is +Inf, not the overflow error',
  bce_term('[1]', '[0]', '{"eps": 0, "pos_weight": 2}'), 1e999, 'is', NULL;
INSERT INTO checks SELECT 'bce_logits on arrays: a logit of -Inf at y = 1 with pos_weight 2 is +Inf',
  bce_logits('[1]', '[-1e999]', '{"pos_weight": 2}'), 1e999, 'is', NULL;
INSERT INTO checks SELECT 'a row of weight 0 whose pos_weight would overflow its loss: 0.0, no error (rule 2)',
  bce_logits_term(1, -800, 0, '{"pos_weight": 1e308}'), 0.0, 'is', 0;
INSERT INTO checks SELECT 'the same row of weight 0 in the aggregate counts for nothing',
  (SELECT bce(column1, column2, column3, '{"pos_weight": 1e308}') FROM (VALUES (1, 1e-300, 0), (0, 0.5, 1))),
  -ln(0.5), 'ulp', 1;
INSERT INTO checks SELECT 'pos_weight 1e300 on a loss of 800 stays finite',
  bce_logits(1, -800, '{"pos_weight": 1e300}'),
  ieee754(2626903552830961, 955), 'ulp', 1;   -- 8e302: no decimal literal,
                                               -- which SQLite reads in long
                                               -- double (valgrind: double)
INSERT INTO checks SELECT 'a multi-label row of weight 0 whose pos_weight would overflow its loss: 0.0 (rule 2)',
  bce_term('[1, 0]', '[1e-300, 0.5]', 0, '{"pos_weight": 1e308}'), 0.0, 'is', 0;
INSERT INTO checks SELECT 'bce_logits over rows of arrays: a row of weight 0 whose pos_weight overflows its loss counts for nothing (rule 2)',
  bce_logits(column1, column2, column3, '{"pos_weight": 2}'), ln(2), 'ulp', 1
  FROM (VALUES ('[1]', '[-1.7976931348623157e308]', 0), ('[0]', '[0]', 1));
-- a column of options, the same text in every row, of each length the
-- byte compare of ext/aggregate.c takes its own way: 2 and 3 bytes (two
-- 2-byte loads), 4 to 7 (two 4-byte loads), 8 (one 8-byte load) and 9
-- (the loop); values against SQLite's ln() on the textbook mean
INSERT INTO checks SELECT 'options column of ' || length(column1) || ' bytes, the same each row',
  (SELECT bce(y, p, column1) FROM (SELECT 1 AS y, 0.5 AS p UNION ALL SELECT 0, 0.25 UNION ALL SELECT 1, 0.8)),
  -(ln(0.5) + ln(0.75) + ln(0.8)) / 3, 'ulp', 1
  FROM (VALUES ('{}'), ('{ }'), ('{  }'), ('{     }'), ('{      }'), ('{       }'));
-- paths make coverage found untaken: an infinite loss with options that
-- is not pos_weight's overflow (eps 0, q = 0 for y = 1), and w = 0 over
-- JSON arrays with options
INSERT INTO checks SELECT 'bce_term(1, 0) with eps 0 and gamma 2: +Inf (no pos_weight to blame)',
  bce_term(1, 0, '{"eps": 0, "gamma": 2}'), 1e999, 'is', NULL;
INSERT INTO checks SELECT 'bce_term over JSON arrays, w = 0, gamma 2: 0.0',
  bce_term('[1, 0]', '[0.4, 0.5]', 0, '{"gamma": 2}'), 0.0, 'is', NULL;

-- two call sites of one function share the last text's block (its key is
-- the allowed keys'): texts from columns that change every row and grow
-- past the block (64 bytes of text), at one site and then the other; each
-- row must still take its own options (p = 0.5: loss pos_weight ln 2)
CREATE TEMP TABLE two_sites(i INTEGER PRIMARY KEY, o1, o2);
INSERT INTO two_sites VALUES (1, '{}', '{"pos_weight": 3,                                                            "eps": 1e-7}'),
  (2, '{"pos_weight": 5,                                                                                                                        "eps": 1e-7}', '{}'),
  (3, '{"pos_weight": 7}', '{"pos_weight": 11,                                                                                                                                                                                    "eps": 1e-7}');
INSERT INTO checks SELECT 'two call sites, options columns that change and grow: row ' || i || ', first',
  bce_term(1, 0.5, o1), CASE i WHEN 1 THEN 1 WHEN 2 THEN 5 ELSE 7 END * ln(2), 'ulp', 1 FROM two_sites;
INSERT INTO checks SELECT 'two call sites, options columns that change and grow: row ' || i || ', second',
  bce_term(1, 0.5, o2), CASE i WHEN 1 THEN 3 WHEN 2 THEN 1 ELSE 11 END * ln(2), 'ulp', 1 FROM two_sites;
INSERT INTO checks SELECT 'two call sites in one statement: row ' || i,
  bce_term(1, 0.5, o1) + bce_term(1, 0.5, o2),
  CASE i WHEN 1 THEN 4 WHEN 2 THEN 6 ELSE 18 END * ln(2), 'ulp', 2 FROM two_sites;

.read tests/sql/lib/report.sql
