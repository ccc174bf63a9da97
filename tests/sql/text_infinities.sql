-- Issue 24: a logit z given as TEXT may spell an infinity as numpy, pandas
-- and JavaScript write one to CSV ('inf', '-inf', 'Infinity', any case,
-- signed or not).  No other argument takes them (tests/errors.tsv).
-- References are the exact limits of docs/functions.md: sigmoid(+Inf) = 1
-- and sigmoid(-Inf) = 0, so the loss is 0 at the right infinity and +Inf
-- at the wrong one, and the gradient sigmoid(z) - y is 1 - y or -y.  Each
-- spelling is also held to the number 1e999 (+Inf), bit for bit.
.read tests/sql/lib/checks.sql

INSERT INTO checks SELECT 'issue 24: bce_logits_grad(0.25, ''' || replace(column1, char(10), '\n') || ''') = 1 - 0.25, z = +Inf',
  bce_logits_grad(0.25, column1), 0.75, 'is', NULL
  FROM (VALUES ('inf'), ('Inf'), ('INF'), ('+inf'), ('infinity'), ('Infinity'),
               ('+Infinity'), ('INFINITY'), (' inf'), ('inf' || char(10)));
INSERT INTO checks SELECT 'issue 24: bce_logits_grad(0.25, ''' || replace(column1, char(9), '\t') || ''') = -0.25, z = -Inf',
  bce_logits_grad(0.25, column1), -0.25, 'is', NULL
  FROM (VALUES ('-inf'), ('-Inf'), ('-INF'), ('-infinity'), ('-Infinity'),
               ('-INFINITY'), (char(9) || '-inf '));
INSERT INTO checks SELECT 'issue 24: bce_logits_term(0.3, ''' || column1 || ''') IS bce_logits_term(0.3, ' || column2 || ')',
  bce_logits_term(0.3, column1), bce_logits_term(0.3, column2), 'is', NULL
  FROM (VALUES ('inf', 1e999), ('-Infinity', -1e999));

-- the loss at the limits
INSERT INTO checks SELECT 'issue 24: bce_logits(1, ''inf'') = 0: certain and right',
  bce_logits(1, 'inf'), 0.0, 'is', NULL;
INSERT INTO checks SELECT 'issue 24: bce_logits(0, ''inf'') = +Inf: certain and wrong',
  bce_logits(0, 'inf'), 1e999, 'is', NULL;
INSERT INTO checks VALUES ('issue 24: bce_logits_term(1, ''-Infinity'') = +Inf',
  bce_logits_term(1, '-Infinity'), 1e999, 'is', NULL);
INSERT INTO checks VALUES ('issue 24: bce_logits_term(0, ''-inf'', 2) = 0',
  bce_logits_term(0, '-inf', 2), 0.0, 'is', NULL);
INSERT INTO checks VALUES ('issue 24: bce_logits_grad(1, ''-inf'', 4) = -1/4',
  bce_logits_grad(1, '-inf', 4), -0.25, 'is', NULL);

-- aggregates, windows (the inverse reads the same text) and states
INSERT INTO checks SELECT 'issue 24: bce_logits over (1, ''inf''), (0, ''-INF''), (1, 0) = ln 2 / 3',
  bce_logits(column1, column2), ln(2) / 3, 'ulp', 2
  FROM (VALUES (1, 'inf'), (0, '-INF'), (1, 0));
INSERT INTO checks SELECT 'issue 24: bce_logits with weights over (1, ''Infinity'', 3), (1, 0, 1) = ln 2 / 4',
  bce_logits(column1, column2, column3), ln(2) / 4, 'ulp', 2
  FROM (VALUES (1, 'Infinity', 3), (1, 0, 1));
INSERT INTO checks SELECT 'issue 24: a sliding frame over text infinities, row ' || i,
  loss, CASE i WHEN 1 THEN 0.0 WHEN 2 THEN ln(2) / 2 WHEN 3 THEN ln(2) / 2
                WHEN 4 THEN 0.0 END, 'ulp', 2
  FROM (SELECT column1 AS i,
               bce_logits(column2, column3) OVER (ORDER BY column1 ROWS 1 PRECEDING) AS loss
        FROM (VALUES (1, 1, 'inf'), (2, 0, 0), (3, 0, '-inf'), (4, 1, 'INF')));
INSERT INTO checks SELECT 'issue 24: bce_merge(bce_logits_state()) over text infinities = the aggregate',
  bce_merge(s), (SELECT bce_logits(column1, column2) FROM (VALUES (1, 'inf'), (0, '-inf'), (1, 0))), 'is', NULL
  FROM (SELECT bce_logits_state(column1, column2) AS s FROM (VALUES (1, 'inf'), (0, '-inf'), (1, 0)));

-- issue 24: one label per element is an array of it, not a number (a number
-- y with an array p is an error now; tests/errors.tsv)
INSERT INTO checks VALUES ('issue 24: bce_term(''[1, 1]'', ''[0.4, 0.8]'') = (-ln 0.4 - ln 0.8) / 2',
  bce_term('[1, 1]', '[0.4, 0.8]'), (-ln(0.4) - ln(0.8)) / 2, 'ulp', 2);
.read tests/sql/lib/report.sql
