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
.print 'Log loss per model (the NULL prediction is skipped, as avg() skips it)'
SELECT model, count(prob) AS scored, round(bce(label, prob), 6) AS log_loss
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
SELECT id, model, ts, label, round(prob, 4) AS prob,
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
SELECT id, label, round(prob, 4) AS prob,
       round(bce_grad(label, prob, count(*) OVER ()), 6) AS grad
FROM (SELECT * FROM predictions WHERE model = 'boosted' ORDER BY id LIMIT 8);

.print
.print 'From logits: sigmoid() turns a score into a probability, logit() back'
SELECT z, sigmoid(z) AS p, logit(sigmoid(z)) AS back
FROM (SELECT -710.0 AS z UNION ALL SELECT -40 UNION ALL SELECT 0 UNION ALL SELECT 3.5);

SELECT 'sqlite-bce ' || bce_version() AS version;
