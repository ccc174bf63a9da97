-- Published multi-class examples (issue 13), checked to the digits they
-- were published with: tol = half a unit of the last published digit, plus
-- the publisher's own rounding where it computed in float32 (2^-23
-- relative, 4 float32 roundings: 4.8e-7 relative, written out per check).
.read tests/sql/lib/checks.sql

-- scikit-learn, sklearn/metrics/tests/test_classification.py, test_log_loss:
-- "multiclass case; adapted from http://bit.ly/RJJHWA"
--   log_loss([1, 0, 2], [[0.2, 0.7, 0.1], [0.6, 0.2, 0.2], [0.6, 0.1, 0.3]])
--   assert_almost_equal(loss, 0.6904911)          (7 decimals: 1.5e-7)
--   and normalize=False on the rows doubled:  0.6904911 * 6, decimal=6
CREATE TEMP TABLE sk(i, y, p);
INSERT INTO sk VALUES (1, 1, '[0.2, 0.7, 0.1]'), (2, 0, '[0.6, 0.2, 0.2]'),
                      (3, 2, '[0.6, 0.1, 0.3]');
INSERT INTO checks SELECT 'scikit-learn test_log_loss multiclass: cce(y, p) = 0.6904911',
  cce(y, p), 0.6904911, 'abs', 1.5e-7 FROM sk;
INSERT INTO checks SELECT 'scikit-learn test_log_loss multiclass, normalize=False on the rows doubled: 0.6904911 * 6',
  sum(cce_term(y, p)), 0.6904911 * 6, 'abs', 1.5e-6 FROM (SELECT * FROM sk UNION ALL SELECT i + 3, y, p FROM sk);
-- the same test, boundary values with eps = 0
INSERT INTO checks SELECT 'scikit-learn test_log_loss: eps=0, every class certain and right: 0',
  cce(column1, column2, 1, 0), 0.0, 'is', NULL
  FROM (VALUES (0, '[1, 0, 0]'), (1, '[0, 1, 0]'), (2, '[0, 0, 1]'));
INSERT INTO checks SELECT 'scikit-learn test_log_loss: eps=0, one certain and wrong: inf',
  cce(column1, column2, 1, 0), 1e999, 'is', NULL
  FROM (VALUES (0, '[0, 0.5, 0.5]'), (1, '[0, 1, 0]'), (2, '[0, 0, 1]'));

-- scikit-learn's log_loss docstring: string labels, classes in sorted order
--   log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
--   0.21616...                                (5 decimals shown, truncated: 1e-5)
CREATE TEMP TABLE classes(k INTEGER PRIMARY KEY, label TEXT UNIQUE);
INSERT INTO classes VALUES (0, 'ham'), (1, 'spam');
CREATE TEMP TABLE mail(label, probs);
-- (strict JSON has no '.9': spelled 0.9)
INSERT INTO mail VALUES ('spam', '[0.1, 0.9]'), ('ham', '[0.9, 0.1]'),
                        ('ham', '[0.8, 0.2]'), ('spam', '[0.35, 0.65]');
INSERT INTO checks SELECT 'scikit-learn log_loss docstring through a classes table: 0.21616...',
  cce(c.k, m.probs), 0.21616, 'abs', 1e-5 FROM mail m JOIN classes c USING (label);

-- scikit-learn, same test: rows that do not sum to 1, renormalised by
-- scikit-learn < 1.5 (now a warning; an error here).  Renormalised by
-- hand, the number comes back:
--   log_loss(["ham", "spam", "spam", "ham"], [[0.2, 0.7], [0.6, 0.5], [0.4, 0.1], [0.7, 0.2]])
--   assert_almost_equal(loss, 1.0383217, decimal=6)           (1.5e-6)
CREATE TEMP TABLE unnormed(label, a, b);
INSERT INTO unnormed VALUES ('ham', 0.2, 0.7), ('spam', 0.6, 0.5),
                            ('spam', 0.4, 0.1), ('ham', 0.7, 0.2);
INSERT INTO checks SELECT 'scikit-learn test_log_loss string labels, rows renormalised by hand: 1.0383217',
  cce(c.k, json_array(a / (a + b), b / (a + b))), 1.0383217, 'abs', 1.5e-6
  FROM unnormed JOIN classes c USING (label);
-- labels=[1, 2, 3] with y_true [1, 2, 2] (class k - 1), rows renormalised:
--   assert_almost_equal(loss, 1.0630345, decimal=6)
INSERT INTO checks SELECT 'scikit-learn test_log_loss labels=[1, 2, 3], rows renormalised by hand: 1.0630345',
  cce(y - 1, json_array(a / (a + b + c), b / (a + b + c), c / (a + b + c))), 1.0630345, 'abs', 1.5e-6
  FROM (SELECT column1 AS y, column2 AS a, column3 AS b, column4 AS c
        FROM (VALUES (1, 0.2, 0.7, 0.3), (2, 0.6, 0.5, 0.3), (2, 0.3, 0.9, 0.1)));

-- Keras, CategoricalCrossentropy and SparseCategoricalCrossentropy
-- docstrings (keras.losses / keras.metrics; as rendered in
-- rstudio/keras3 man-src/loss_sparse_categorical_crossentropy and
-- man-src/metric_categorical_crossentropy):
--   y_true = [[0, 1, 0], [0, 0, 1]]  (sparse: [1, 2])
--   y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
--   loss 1.177 (1.1769392 float32); sample_weight [0.3, 0.7]: loss
--   0.8135988 (sum_over_batch_size: sum w l / N), metric 1.6271976
--   (sum w l / sum w); reduction sum 2.3538785; none [0.0513, 2.303]
--   (float32 0.05129344 2.3025851; float64 0.05129339 2.30258509)
CREATE TEMP TABLE keras(i, y, yhot, p, w);
INSERT INTO keras VALUES (1, 1, '[0, 1, 0]', '[0.05, 0.95, 0]', 0.3),
                         (2, 2, '[0, 0, 1]', '[0.1, 0.8, 0.1]', 0.7);
INSERT INTO checks SELECT 'Keras SparseCategoricalCrossentropy: 1.1769392 (float32)',
  cce(y, p), 1.1769392, 'abs', 5e-8 + 5.7e-7 FROM keras;
INSERT INTO checks SELECT 'Keras CategoricalCrossentropy, one-hot y: 1.1769392 (float32)',
  cce(yhot, p), 1.1769392, 'abs', 5e-8 + 5.7e-7 FROM keras;
INSERT INTO checks SELECT 'Keras CategoricalCrossentropy, Keras'' clip 1e-7: 1.177',
  cce(yhot, p, 1, 1e-7), 1.177, 'abs', 5e-4 FROM keras;
INSERT INTO checks SELECT 'Keras CategoricalCrossentropy metric, sample_weight [0.3, 0.7]: 1.6271976 (float32)',
  cce(y, p, w), 1.6271976, 'abs', 5e-8 + 7.8e-7 FROM keras;
INSERT INTO checks SELECT 'Keras SparseCategoricalCrossentropy loss, sample_weight, sum_over_batch_size: 0.8135988 (float32)',
  sum(cce_term(y, p, w)) / count(*), 0.8135988, 'abs', 5e-8 + 3.9e-7 FROM keras;
INSERT INTO checks SELECT 'Keras SparseCategoricalCrossentropy reduction=sum: 2.3538785 (float32)',
  sum(cce_term(y, p)), 2.3538785, 'abs', 5e-8 + 1.2e-6 FROM keras;
-- float64 row 1 is 0.05129339, not -ln 0.95 = 0.0512932944: Keras clips
-- the 0 to 1e-7 and then divides the row by its sum, 1 + 1e-7.  Done by
-- hand, the published digits come back; cce itself never renormalises.
INSERT INTO checks SELECT 'Keras reduction=none, float64 row 2: 2.30258509',
  cce_term(y, p), 2.30258509, 'abs', 5e-9 FROM keras WHERE i = 2;
INSERT INTO checks VALUES ('Keras reduction=none, float64 row 1: 0.05129339 (clipped to 1e-7 and renormalised by hand)',
  cce_term(1, json_array(0.05 / (1 + 1e-7), 0.95 / (1 + 1e-7), 1e-7 / (1 + 1e-7))), 0.05129339, 'abs', 5e-9);
INSERT INTO checks VALUES ('Keras reduction=none, row 1 without the renormalisation: -ln 0.95, 1e-7 below the published 0.05129339',
  abs(cce_term(1, '[0.05, 0.95, 0]') - 0.05129339 + 1e-7) < 5e-9, 1, 'is', NULL);
-- keras.ops.categorical_crossentropy docstring:
--   target identity, output [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.3, 0.5]]
--   array([0.10536054 0.22314355 0.6931472 ], dtype=float32)
INSERT INTO checks SELECT 'keras.ops.categorical_crossentropy row ' || column1 || ': ' || column3,
  cce_term(column1, column2), column3, 'abs', 5e-9 + 4.8e-7 * column3
  FROM (VALUES (0, '[0.9, 0.05, 0.05]', 0.10536054), (1, '[0.1, 0.8, 0.1]', 0.22314355),
               (2, '[0.2, 0.3, 0.5]', 0.6931472));

-- PyTorch CrossEntropyLoss semantics (docs: torch.nn.CrossEntropyLoss):
-- input logits, target a class index or class probabilities; loss
-- -w_c log softmax(x)_c, reduction 'mean' divides by sum of w_{y_i};
-- probabilities as target: -sum_c y_c log softmax(x)_c;
-- label_smoothing e: target (1 - e) one-hot + e / K.  The docs publish no
-- digits (their examples are random), so these use logits whose softmax
-- has a closed form, checked against SQLite's own ln() (relative
-- tolerances: ln of a rounded ratio such as 4.0/3 is itself off by ulps):
--   [0, 0, 0]        -> (1/3, 1/3, 1/3)
--   [0, ln 3]        -> (1/4, 3/4)
--   [ln 2, 0, ln 5]  -> (2/8, 1/8, 5/8)
INSERT INTO checks VALUES ('PyTorch semantics: equal logits cost ln K',
  cce_logits_term(0, '[0, 0, 0]'), ln(3), 'rel', 8e-16);
INSERT INTO checks VALUES ('PyTorch semantics: [0, ln 3], class 0 costs ln 4',
  cce_logits_term(0, json_array(0, ln(3))), ln(4), 'rel', 10e-16);
INSERT INTO checks VALUES ('PyTorch semantics: [0, ln 3], class 1 costs ln 4/3',
  cce_logits_term(1, json_array(0, ln(3))), ln(4.0 / 3), 'rel', 12e-16);
INSERT INTO checks VALUES ('PyTorch semantics: [ln 2, 0, ln 5], class 2 costs ln 8/5',
  cce_logits_term(2, json_array(ln(2), 0, ln(5))), ln(1.6), 'rel', 16e-16);
INSERT INTO checks VALUES ('PyTorch semantics: class-probability target -sum y log softmax',
  cce_logits_term('[0.5, 0.25, 0.25]', json_array(ln(2), 0, ln(5))),
  0.5 * ln(4) + 0.25 * ln(8) + 0.25 * ln(1.6), 'rel', 16e-16);
INSERT INTO checks VALUES ('PyTorch semantics: label_smoothing 0.1 on class 2 of K = 3',
  cce_logits_term(json_array(0.1 / 3, 0.1 / 3, 0.9 + 0.1 / 3), json_array(ln(2), 0, ln(5))),
  (0.1 / 3) * ln(4) + (0.1 / 3) * ln(8) + (0.9 + 0.1 / 3) * ln(1.6), 'rel', 20e-16);
-- weight=[1, 2, 0.5]: mean = sum w_{y_i} l_i / sum w_{y_i}, a per-row w
-- looked up from a JSON array of class weights
CREATE TEMP TABLE pt(y, z);
INSERT INTO pt VALUES (0, '[0, 0, 0]'), (1, json_array(0, ln(3), 0)), (2, json_array(ln(2), 0, ln(5)));
INSERT INTO checks SELECT 'PyTorch semantics: weight=[1, 2, 0.5], reduction mean divides by sum w_{y_i}',
  cce_logits(y, z, json_extract('[1, 2, 0.5]', '$[' || y || ']')),
  (1 * ln(3) + 2 * ln(2 + 3) - 2 * ln(3) + 0.5 * ln(1.6)) / 3.5, 'rel', 20e-16 FROM pt;
INSERT INTO checks SELECT 'PyTorch semantics: reduction sum = sum of cce_logits_term(y, z, w_y)',
  sum(cce_logits_term(y, z, json_extract('[1, 2, 0.5]', '$[' || y || ']'))),
  1 * ln(3) + 2 * ln(2 + 3) - 2 * ln(3) + 0.5 * ln(1.6), 'rel', 20e-16 FROM pt;
-- an ignore_index row is a row left out
INSERT INTO checks SELECT 'PyTorch semantics: ignore_index = a WHERE',
  cce_logits(y, z), (ln(3) + ln(1.6)) / 2, 'rel', 16e-16 FROM pt WHERE y <> 1;
-- the gradient is softmax - one-hot, here (2/8, 1/8, 5/8) - (0, 0, 1)
INSERT INTO checks SELECT 'PyTorch semantics: gradient of [ln 2, 0, ln 5] for class 2, element ' || key,
  value, column2, 'ulp', 4
  FROM json_each(cce_logits_grad(2, json_array(ln(2), 0, ln(5))))
  JOIN (VALUES (0, 0.25), (1, 0.125), (2, -0.375)) ON column1 = key;
INSERT INTO checks SELECT 'softmax([ln 2, 0, ln 5]) element ' || key,
  value, column2, 'ulp', 4
  FROM json_each(softmax(json_array(ln(2), 0, ln(5))))
  JOIN (VALUES (0, 0.25), (1, 0.125), (2, 0.625)) ON column1 = key;

.read tests/sql/lib/report.sql
