-- SPDX-License-Identifier: MIT
-- sqlite-bce recipes: the conventions of the frameworks, written in SQL.
--
--   sqlite3 :memory: -cmd ".load ./bce" ".read sql/recipes.sql"
--
-- Each recipe is a view over recipe_preds, so it can be reused on your own
-- table by changing one FROM; tests/sql/recipes_checked.sql checks every
-- number each view returns against mpmath (tests/gen_ref.py).
.mode box
.headers on

-- Two models scoring the same eight examples on two days.  w is a sample
-- weight (say, how much each example matters).
CREATE TABLE recipe_preds(id INTEGER, model TEXT, day TEXT, y REAL, p REAL, w REAL);
INSERT INTO recipe_preds VALUES
  (1, 'a', '2026-11-01', 1, 0.90, 1.0), (1, 'b', '2026-11-01', 1, 0.70, 1.0),
  (2, 'a', '2026-11-01', 0, 0.20, 2.0), (2, 'b', '2026-11-01', 0, 0.10, 2.0),
  (3, 'a', '2026-11-01', 1, 0.60, 1.0), (3, 'b', '2026-11-01', 1, 0.80, 1.0),
  (4, 'a', '2026-11-01', 0, 0.40, 0.5), (4, 'b', '2026-11-01', 0, 0.30, 0.5),
  (5, 'a', '2026-11-02', 1, 0.30, 1.0), (5, 'b', '2026-11-02', 1, 0.55, 1.0),
  (6, 'a', '2026-11-02', 0, 0.05, 3.0), (6, 'b', '2026-11-02', 0, 0.15, 3.0),
  (7, 'a', '2026-11-02', 0, 0.70, 1.0), (7, 'b', '2026-11-02', 0, 0.45, 1.0),
  (8, 'a', '2026-11-02', 0, 0.10, 1.0), (8, 'b', '2026-11-02', 0, 0.05, 1.0);

-- 1. Weighted mean, two conventions.  scikit-learn's log_loss(...,
--    sample_weight=w) divides by the sum of the weights; PyTorch's
--    BCELoss(weight=w, reduction='mean') divides by the number of rows.
CREATE VIEW recipe_weighted AS
SELECT model,
       bce(y, p, w)                          AS sklearn_sum_w,
       sum(w * bce_term(y, p)) / count(*)    AS pytorch_mean
FROM recipe_preds GROUP BY model;

-- 2. Label smoothing (Keras label_smoothing = 0.1): every label moves
--    towards 1/2 by the factor, y' = y(1 - 0.1) + 0.1/2.
CREATE VIEW recipe_label_smoothing AS
SELECT model, bce(y * (1 - 0.1) + 0.1 / 2, p) AS smoothed
FROM recipe_preds GROUP BY model;

-- 3. pos_weight (PyTorch BCEWithLogitsLoss(pos_weight=3)): the positive
--    term of each row counts three times, the negative term once; the mean
--    is over rows.  Written so that it also holds for soft labels.
CREATE VIEW recipe_pos_weight AS
SELECT model, avg(3.0 * y * bce_term(1, p) + (1 - y) * bce_term(0, p)) AS pos_weight_3
FROM recipe_preds GROUP BY model;

-- 4. Class-balanced weights (scikit-learn's class_weight='balanced'):
--    w = n / (2 n_class), so both classes weigh the same in total.
CREATE VIEW recipe_balanced AS
SELECT model, bce(y, p, n * 1.0 / (2 * n_class)) AS balanced
FROM (SELECT model, y, p,
             count(*) OVER (PARTITION BY model) AS n,
             count(*) OVER (PARTITION BY model, y) AS n_class
      FROM recipe_preds)
GROUP BY model;

-- 5. Loss per model and per day.
CREATE VIEW recipe_per_day AS
SELECT model, day, count(*) AS n, bce(y, p) AS log_loss
FROM recipe_preds GROUP BY model, day;

-- 6. Calibration: predictions grouped by decile of p; a calibrated model's
--    mean p matches the observed rate in every decile.
CREATE VIEW recipe_calibration AS
SELECT model, min(CAST(p * 10 AS INTEGER), 9) AS decile, count(*) AS n,
       avg(p) AS mean_p, avg(y) AS observed, bce(y, p) AS log_loss
FROM recipe_preds GROUP BY model, decile;

-- 7. Two models on the same rows: each one's loss, the mean per-row
--    difference (negative: b is better), and on how many rows b wins.
CREATE VIEW recipe_compare AS
SELECT bce(a.y, a.p) AS loss_a, bce(b.y, b.p) AS loss_b,
       avg(bce_term(b.y, b.p) - bce_term(a.y, a.p)) AS mean_diff,
       sum(bce_term(b.y, b.p) < bce_term(a.y, a.p)) AS rows_b_better
FROM recipe_preds a JOIN recipe_preds b ON a.id = b.id
WHERE a.model = 'a' AND b.model = 'b';

.print '1. Weighted mean: scikit-learn divides by sum(w), PyTorch by the row count'
SELECT * FROM recipe_weighted;
.print '2. Label smoothing 0.1'
SELECT * FROM recipe_label_smoothing;
.print '3. pos_weight = 3'
SELECT * FROM recipe_pos_weight;
.print '4. Class-balanced weights'
SELECT * FROM recipe_balanced;
.print '5. Per model and day'
SELECT * FROM recipe_per_day;
.print '6. Calibration by decile'
SELECT * FROM recipe_calibration;
.print '7. Model a against model b on the same rows'
SELECT * FROM recipe_compare;
