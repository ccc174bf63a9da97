-- SPDX-License-Identifier: MIT
-- sqlite-bce demo: `make demo` runs this on an in-memory database with the
-- extension loaded (.load ./bce).  Every number below is computed in SQL.
.mode box
.headers on

-- A predictions table as a model-serving log keeps it: two models scoring
-- the same 240 examples hourly, a label y (a few soft labels from annotator
-- agreement), the predicted probability, and a sample weight.
CREATE TABLE predictions(
  id     INTEGER PRIMARY KEY,
  model  TEXT NOT NULL,
  ts     TEXT NOT NULL,       -- when the prediction was made
  label  REAL NOT NULL,       -- 1 = positive, 0 = negative, else soft
  prob   REAL,                -- predicted P(label = 1); NULL = not scored
  weight REAL NOT NULL        -- 2 for the examples that matter twice
);

-- Deterministic pseudo-random data: a hidden true probability per example,
-- a label drawn from it, and two models that see it with more or less noise.
WITH RECURSIVE ex(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM ex WHERE i < 240),
truth AS (
  SELECT i,
         sigmoid(2.5 * sin(i * 0.37) + 0.8 * cos(i * 1.91)) AS q,
         abs(sin(i * 12.9898) * 43758.5453) AS ur,
         abs(sin(i * 78.233) * 12345.678) AS nr
  FROM ex),
draws AS (   -- fractional parts: uniform-looking numbers in [0, 1)
  SELECT i, q, ur - floor(ur) AS u, nr - floor(nr) AS noise FROM truth)
INSERT INTO predictions(model, ts, label, prob, weight)
SELECT model,
       datetime('2026-11-01', '+' || i || ' hours'),
       CASE WHEN i % 40 = 0 THEN 0.7 WHEN u < q THEN 1.0 ELSE 0.0 END,
       CASE WHEN model = 'baseline' AND i = 17 THEN NULL
            WHEN model = 'baseline' THEN 0.5 + 0.6 * (q - 0.5)
            ELSE sigmoid(1.1 * logit(q) + 0.8 * (noise - 0.5)) END,
       CASE WHEN i % 4 = 0 THEN 2.0 ELSE 1.0 END
FROM draws, (SELECT 'baseline' AS model UNION ALL SELECT 'boosted')
ORDER BY i, model;

.print
.print 'Log loss per model (the NULL prediction is skipped, as avg() skips it),'
.print 'and D^2: the share of the loss of predicting the base rate it removes'
SELECT model, count(prob) AS scored, round(bce(label, prob), 6) AS log_loss,
       round(bce_d2(label, prob), 6) AS d2
FROM predictions GROUP BY model;

.print
.print "Weighted log loss: sum(w * loss) / sum(w), scikit-learn's sample_weight"
SELECT model, round(bce(label, prob, weight), 6) AS weighted_log_loss
FROM predictions GROUP BY model;

.print
.print 'Rolling log loss over the last 24 hours, read at the end of each day'
SELECT substr(ts, 1, 10) AS day,
       round(max(CASE model WHEN 'baseline' THEN rolling END), 4) AS baseline,
       round(max(CASE model WHEN 'boosted' THEN rolling END), 4) AS boosted
FROM (SELECT ts, model,
             bce(label, prob) OVER (PARTITION BY model ORDER BY ts
                                    ROWS 23 PRECEDING) AS rolling
      FROM predictions)
WHERE time(ts) = '23:00:00'
GROUP BY day ORDER BY day;

.print
.print "The ten predictions that cost the most (bce_term is one row's loss)"
-- printf('%g'): labels as written (1, 0, 0.7), not the REAL column's 1.0
SELECT id, model, ts, printf('%g', label) AS label, round(prob, 4) AS prob,
       round(bce_term(label, prob), 4) AS loss
FROM predictions WHERE prob IS NOT NULL
ORDER BY bce_term(label, prob) DESC LIMIT 10;

.print
.print 'Calibration by probability decile: predicted vs observed rate, and loss'
SELECT model, min(CAST(prob * 10 AS INTEGER), 9) / 10.0 AS decile,
       count(*) AS n, round(avg(prob), 3) AS mean_prob,
       round(avg(label), 3) AS observed, round(bce(label, prob), 4) AS log_loss
FROM predictions WHERE prob IS NOT NULL
GROUP BY model, decile ORDER BY model, decile;

.print
.print 'Gradient of the mean loss for one batch (the first 8 boosted rows):'
.print 'bce_grad(y, p, n) = dl/dp / n, with n = count(*) OVER () the batch size'
SELECT id, printf('%g', label) AS label, round(prob, 4) AS prob,
       round(bce_grad(label, prob, count(*) OVER ()), 6) AS grad
FROM (SELECT * FROM predictions WHERE model = 'boosted' ORDER BY id LIMIT 8);

.print
.print 'From logits: sigmoid() turns a score into a probability, logit() back'
SELECT printf('%g', z) AS z, sigmoid(z) AS p, printf('%.15g', logit(sigmoid(z))) AS back
FROM (SELECT -710 AS z UNION ALL SELECT -40 UNION ALL SELECT 0 UNION ALL SELECT 3.5);

.print
.print 'Why a logits form: through sigmoid() the clip and the rounding of p decide;'
.print 'bce_logits_term(y, z) is exact at every z, infinities included'
SELECT printf('%g', z) AS z, bce_term(1, sigmoid(z)) AS via_sigmoid,
       bce_logits_term(1, z) AS from_logit
FROM (SELECT 50 AS z UNION ALL SELECT -40 UNION ALL SELECT -1000 UNION ALL SELECT 1e999);

.print
.print 'The same models scored from logits: bce_logits(y, logit(p)) = bce(y, p)'
SELECT model, round(bce(label, prob), 6) AS from_prob,
       round(bce_logits(label, logit(prob)), 6) AS from_logit,
       round(bce_logits(label, logit(prob), weight), 6) AS weighted
FROM predictions GROUP BY model;

-- A multi-label model: four yes/no tags per photo (outdoor, person,
-- animal, night), labels and logits kept as JSON arrays, and the
-- probabilities a serving layer would store beside them.
CREATE TABLE photos(id INTEGER PRIMARY KEY, labels TEXT, logits TEXT, probs TEXT);
INSERT INTO photos(labels, logits) VALUES
  ('[1, 1, 0, 0]', '[2.3, 0.8, -3.1, -1.2]'),
  ('[0, 1, 1, 0]', '[-0.4, 1.9, 0.3, -2.5]'),
  ('[1, 0, 0, 1]', '[1.1, -0.7, -4.0, -0.2]'),
  ('[0, 0, 1, 1]', '[-2.2, 0.6, 2.8, 1.5]'),
  ('[1, 1, 1, 0]', '[3.0, -0.3, 0.9, 12.0]');
UPDATE photos SET probs = (SELECT json_group_array(round(sigmoid(value), 4))
                           FROM json_each(photos.logits));

.print
.print "Multi-label, per example: a row's loss is the mean over its 4 tags."
.print "Photo 5's night tag has logit 12; its stored p rounds to 1.0, and the"
.print 'clip makes that tag cost 36.0 where the logit says 12.0'
SELECT id, labels, probs, round(bce_term(labels, probs), 4) AS loss,
       round(bce_logits_term(labels, logits), 4) AS from_logits
FROM photos;

.print
.print 'Multi-label, the batch: the mean of the rows (Keras: mean over the tags, then the batch)'
SELECT round(bce(labels, probs), 6) AS log_loss,
       round(bce_logits(labels, logits), 6) AS from_logits
FROM photos;

.print
.print 'Multi-label, per tag: json_each takes the arrays apart, bce() groups by tag'
SELECT l.key AS tag, json_extract('["outdoor", "person", "animal", "night"]',
                                  '$[' || l.key || ']') AS name,
       round(bce(l.value, p.value), 4) AS log_loss
FROM photos, json_each(photos.labels) AS l, json_each(photos.probs) AS p
WHERE l.key = p.key
GROUP BY l.key ORDER BY l.key;

.print
.print 'Multi-label gradients: d(batch loss)/d(logit) per tag, divided by n*K'
.print '(a JSON array; rounded here through json_each for the table)'
SELECT id, (SELECT json_group_array(round(value, 6)) FROM json_each(g)) AS grad
FROM (SELECT id, bce_logits_grad(labels, logits, count(*) OVER ()) AS g
      FROM photos)
LIMIT 3;

.print
.print 'Beyond one database (docs/scale-out.md): a partial state per day, kept'
.print 'instead of the rows; a 7-day rolling loss from the daily states alone'
CREATE TEMP TABLE daily AS
SELECT date(ts) AS day, bce_state(label, prob, weight) AS state
FROM predictions WHERE model = 'boosted' GROUP BY day;
SELECT day, length(state) AS bytes,
       round(bce_merge(state) OVER (ORDER BY day ROWS 6 PRECEDING), 6) AS loss_7d
FROM daily;

.print
.print 'The total from the 11 daily states is the loss over all 240 rows, to the bit'
SELECT printf('%.17g', bce_merge(state)) AS from_states,
       printf('%.17g', (SELECT bce(label, prob, weight) FROM predictions
                        WHERE model = 'boosted')) AS from_rows,
       bce_merge(state) = (SELECT bce(label, prob, weight) FROM predictions
                           WHERE model = 'boosted') AS equal
FROM daily;

.print
.print '--- Multi-class: one distribution over K classes (categorical cross-entropy)'
.print 'Two 3-class models (iris: 0 setosa, 1 versicolor, 2 virginica) kept their logits;'
.print 'probs is softmax(logits), stored as a JSON array as a prediction table would'
.print '(the arrays are shown rounded to 4 digits, through json_each)'
CREATE TABLE iris(model TEXT, id INTEGER, y INTEGER, logits TEXT, probs TEXT);
INSERT INTO iris(model, id, y, logits) VALUES
  ('linear', 1, 0, '[4.1, 1.2, -2.3]'), ('linear', 2, 1, '[0.4, 2.2, 1.9]'),
  ('linear', 3, 2, '[-1.8, 1.1, 2.6]'), ('linear', 4, 1, '[0.2, 1.0, 1.6]'),
  ('linear', 5, 2, '[-2.5, 0.3, 3.9]'), ('linear', 6, 0, '[3.2, 2.9, -1.0]'),
  ('forest', 1, 0, '[6.0, 0.5, -3.0]'), ('forest', 2, 1, '[-0.5, 3.1, 0.8]'),
  ('forest', 3, 2, '[-2.2, 0.9, 3.3]'), ('forest', 4, 1, '[-0.1, 2.4, 1.1]'),
  ('forest', 5, 2, '[-3.0, -0.2, 5.2]'), ('forest', 6, 0, '[4.0, 1.0, -2.0]');
UPDATE iris SET probs = softmax(logits);
SELECT model, id, y,
       (SELECT json_group_array(round(value, 4)) FROM json_each(probs)) AS probs
FROM iris WHERE model = 'linear' LIMIT 3;

.print
.print 'Loss per model: scikit-learn log_loss from probabilities, PyTorch CrossEntropyLoss from logits,'
.print 'and D^2 against predicting the class shares (here 1/3 each: L0 = ln 3)'
SELECT model, round(cce(y, probs), 6) AS log_loss,
       round(cce_logits(y, logits), 6) AS from_logits,
       round(cce_d2(y, probs), 6) AS d2,
       round(avg((SELECT key FROM json_each(probs) ORDER BY value DESC, key LIMIT 1) = y), 3)
         AS top1_accuracy
FROM iris GROUP BY model;

.print
.print 'Loss by true class (GROUP BY y): where each model loses'
SELECT model, y, count(*) AS n, round(cce(y, probs), 4) AS log_loss
FROM iris GROUP BY model, y ORDER BY model, y;

.print
.print 'The worst rows: the largest per-row losses'
SELECT model, id, y,
       (SELECT json_group_array(round(value, 4)) FROM json_each(probs)) AS probs,
       round(cce_term(y, probs), 4) AS loss
FROM iris ORDER BY cce_term(y, probs) DESC LIMIT 3;

.print
.print 'cce_logits next to cce(y, softmax(z)): equal but for the rounding of softmax and the clip'
SELECT z, cce_term(0, softmax(z)) AS via_softmax,
       cce_term(0, softmax(z), 1, 0) AS via_softmax_no_clip,
       cce_logits_term(0, z) AS from_logits
FROM (SELECT '[2, 1, 0.1]' AS z UNION ALL SELECT '[40, 0, 0]' UNION ALL SELECT '[0, 800, 0]');

.print
.print 'Gradient of the mean loss with respect to each logit: (softmax - one_hot) / n'
SELECT id, (SELECT json_group_array(round(value, 6)) FROM json_each(g)) AS grad
FROM (SELECT id, cce_logits_grad(y, logits, count(*) OVER ()) AS g
      FROM iris WHERE model = 'forest' LIMIT 2);

SELECT 'sqlite-bce ' || bce_version() AS version;
