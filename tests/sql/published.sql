-- Published examples, checked to the digits they were published with:
-- tol = half a unit of the last published digit + 2 ulp of our result.
-- These check values more than rules: the aggregates name rule 7 (the
-- mean) and the array rows rule 9 (docs/functions.md).
.read tests/sql/lib/checks.sql
CREATE TEMP TABLE worked(i, y, p);   -- issue 2 / neuralthreads' worked example
INSERT INTO worked VALUES (1, 1, 0.4), (2, 0, 0.5), (3, 1, 0.8), (4, 1, 0.2);
CREATE TEMP TABLE predictions(model, label, prob);
INSERT INTO predictions VALUES    -- Keras docs; scikit-learn's log_loss docstring
  ('keras', 0, 0.1), ('keras', 1, 0.9), ('keras', 0, 0.2), ('keras', 1, 0.8),
  ('sklearn', 1, 0.9), ('sklearn', 0, 0.1), ('sklearn', 0, 0.2), ('sklearn', 1, 0.65);

INSERT INTO checks SELECT 'rule 7: worked example: bce(y, p) = 0.860504844045603',
  bce(y, p), 0.860504844045603, 'abs', 5e-16 + 2.3e-16 FROM worked;
INSERT INTO checks SELECT 'rule 7: worked example: bce(y, p, 1) = 0.860504844045603',
  bce(y, p, 1), 0.860504844045603, 'abs', 5e-16 + 2.3e-16 FROM worked;
INSERT INTO checks SELECT 'rule 7: worked example: weights all 2 change nothing',
  bce(y, p, 2.0), 0.860504844045603, 'abs', 5e-16 + 2.3e-16 FROM worked;
INSERT INTO checks SELECT 'worked example: bce_term summed / 4',
  sum(bce_term(y, p)) / 4, 0.860504844045603, 'abs', 5e-16 + 4.5e-16 FROM worked;
INSERT INTO checks SELECT 'worked example: bce_grad(y, p, 4), row ' || i,
  bce_grad(y, p, 4), column2, 'is', NULL
  FROM worked JOIN (VALUES (1, -0.625), (2, 0.5), (3, -0.3125), (4, -1.25)) ON column1 = i;
INSERT INTO checks SELECT 'worked example: bce_grad(y, p, count(*) OVER ()), row ' || i,
  g, column2, 'is', NULL
  FROM (SELECT i, bce_grad(y, p, count(*) OVER ()) AS g FROM worked)
  JOIN (VALUES (1, -0.625), (2, 0.5), (3, -0.3125), (4, -1.25)) ON column1 = i;

-- The README's query: one log loss per model.
INSERT INTO checks SELECT 'rule 7: GROUP BY model: ' || model, log_loss,
  CASE model WHEN 'keras' THEN 0.164252033486018 ELSE 0.216161874680579 END,
  'abs', 5e-16 + 5.6e-17
  FROM (SELECT model, bce(label, prob) AS log_loss FROM predictions GROUP BY model);

-- Issue 3's reference points for the logits loss, to their digits
INSERT INTO checks VALUES ('bce_logits_term(1, 0) = ln 2', bce_logits_term(1, 0), ln(2), 'ulp', 1);
INSERT INTO checks VALUES ('bce_logits_term(1, 50) = 1.9287498479639178e-22',
  bce_logits_term(1, 50), 1.9287498479639178e-22, 'abs', 5e-39 + 4.7e-38);
INSERT INTO checks VALUES ('bce_logits_term(0, 1000) = 1000', bce_logits_term(0, 1000), 1000.0, 'is', NULL);
INSERT INTO checks VALUES ('bce_logits_term(1, -1000) = 1000', bce_logits_term(1, -1000), 1000.0, 'is', NULL);
INSERT INTO checks VALUES ('bce_logits_term(0.3, 2) = 1.5269280110429727',
  bce_logits_term(0.3, 2), 1.5269280110429727, 'abs', 5e-17 + 4.5e-16);
-- Keras, BinaryCrossentropy(from_logits=True) docstring: y = [0, 1, 0, 0],
-- logits [-18.6, 0.51, 2.94, -12.8], 0.865457949781097 (as the issue
-- quotes it), as rows and as one row of arrays
INSERT INTO checks SELECT 'rule 7: Keras from_logits: bce_logits(y, z) = 0.865457949781097',
  bce_logits(column1, column2), 0.865457949781097, 'abs', 5e-16 + 2.3e-16
  FROM (VALUES (0, -18.6), (1, 0.51), (0, 2.94), (0, -12.8));
INSERT INTO checks VALUES ('rule 9: Keras from_logits as arrays: bce_logits_term(''[0,1,0,0]'', ...) = 0.865457949781097',
  bce_logits_term('[0, 1, 0, 0]', '[-18.6, 0.51, 2.94, -12.8]'), 0.865457949781097, 'abs', 5e-16 + 2.3e-16);
-- The worked example as one multi-label row
INSERT INTO checks VALUES ('rule 9: worked example as arrays: bce_term(''[1,0,1,1]'', ''[0.4,0.5,0.8,0.2]'') = 0.860504844045603',
  bce_term('[1,0,1,1]', '[0.4,0.5,0.8,0.2]'), 0.860504844045603, 'abs', 5e-16 + 2.3e-16);
-- the gradient of a row's mean over K = 4 is the batch gradient with n = 4
INSERT INTO checks VALUES ('rule 9: worked example as arrays: bce_grad = [-0.625, 0.5, -0.3125, -1.25]',
  bce_grad('[1,0,1,1]', '[0.4,0.5,0.8,0.2]'), '[-0.625,0.5,-0.3125,-1.25]', 'is', NULL);
.read tests/sql/lib/report.sql
