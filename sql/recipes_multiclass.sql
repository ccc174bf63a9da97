-- SPDX-License-Identifier: MIT
-- sqlite-bce recipes for multi-class models (issue 13): categorical
-- cross-entropy in SQL, with the conventions of the frameworks.
--
--   sqlite3 :memory: -cmd ".load ./bce" ".read sql/recipes_multiclass.sql"
--
-- Each recipe is a view over mc_preds; tests/sql/recipes_multiclass_checked.sql
-- checks every number each view returns against mpmath
-- (tests/gen_cce_ref.py).
.mode box
.headers on

-- Two 3-class models on the same six photos.  The labels are strings, as
-- they usually are in a prediction table; probs is each model's softmax
-- output (rows that sum to 1), logits its raw scores.
CREATE TABLE IF NOT EXISTS mc_preds(model TEXT, id INTEGER, label TEXT,
                                    probs TEXT, logits TEXT);
INSERT INTO mc_preds VALUES
  ('a', 1, 'cat',  '[0.7, 0.2, 0.1]',    '[2.0, 0.5, -0.5]'),
  ('a', 2, 'dog',  '[0.1, 0.8, 0.1]',    '[-1.0, 1.5, -1.0]'),
  ('a', 3, 'bird', '[0.2, 0.2, 0.6]',    '[0.0, 0.0, 1.2]'),
  ('a', 4, 'cat',  '[0.4, 0.4, 0.2]',    '[0.3, 0.3, -0.4]'),
  ('a', 5, 'dog',  '[0.5, 0.3, 0.2]',    '[0.9, 0.4, 0.0]'),
  ('a', 6, 'bird', '[0.05, 0.15, 0.8]',  '[-2.0, -0.8, 1.9]'),
  ('b', 1, 'cat',  '[0.9, 0.05, 0.05]',  '[3.0, 0.1, 0.1]'),
  ('b', 2, 'dog',  '[0.3, 0.6, 0.1]',    '[0.2, 0.9, -0.9]'),
  ('b', 3, 'bird', '[0.1, 0.1, 0.8]',    '[-0.7, -0.7, 1.4]'),
  ('b', 4, 'cat',  '[0.6, 0.3, 0.1]',    '[1.1, 0.4, -0.7]'),
  ('b', 5, 'dog',  '[0.2, 0.7, 0.1]',    '[-0.4, 0.85, -1.1]'),
  ('b', 6, 'bird', '[0.3, 0.3, 0.4]',    '[0.0, 0.0, 0.3]');

-- 1. String labels: a classes table gives each its index, in the order of
--    the columns of probs (scikit-learn sorts the labels; here it is
--    whatever order the model was trained with).
CREATE TABLE IF NOT EXISTS mc_classes(k INTEGER PRIMARY KEY, label TEXT UNIQUE);
INSERT OR IGNORE INTO mc_classes VALUES (0, 'cat'), (1, 'dog'), (2, 'bird');

-- 2. The loss per model, from probabilities and from logits, next to the
--    top-1 accuracy: the class of the largest probability (the first one
--    on a tie) against the label.
CREATE VIEW recipe_mc_loss AS
SELECT model, count(*) AS n, cce(c.k, p.probs) AS log_loss,
       cce_logits(c.k, p.logits) AS from_logits,
       avg((SELECT key FROM json_each(p.probs)
            ORDER BY value DESC, key LIMIT 1) = c.k) AS top1_accuracy
FROM mc_preds p JOIN mc_classes c USING (label)
GROUP BY model;

-- 3. Class weights as a per-row w looked up from a JSON array: PyTorch's
--    CrossEntropyLoss(weight=[1, 2, 0.5]) with reduction 'mean' divides by
--    the sum of the weights of the rows' classes, which is what cce's
--    weighted mean does.
CREATE VIEW recipe_mc_class_weights AS
SELECT model,
       cce_logits(c.k, p.logits, json_extract('[1, 2, 0.5]', '$[' || c.k || ']'))
         AS weighted_loss
FROM mc_preds p JOIN mc_classes c USING (label)
GROUP BY model;

-- 4. The loss by true class: which classes a model gets wrong.
CREATE VIEW recipe_mc_by_class AS
SELECT model, label, count(*) AS n, cce(c.k, p.probs) AS log_loss
FROM mc_preds p JOIN mc_classes c USING (label)
GROUP BY model, label;

-- 5. The worst rows of each model: the largest per-row losses.
CREATE VIEW recipe_mc_worst AS
SELECT model, id, label, loss FROM (
  SELECT model, id, label, cce_term(c.k, p.probs) AS loss,
         row_number() OVER (PARTITION BY model
                            ORDER BY cce_term(c.k, p.probs) DESC) AS r
  FROM mc_preds p JOIN mc_classes c USING (label))
WHERE r <= 2;

.print '1. String labels: the class index of each label'
SELECT k, label FROM mc_classes ORDER BY k;
.print '2. Loss and top-1 accuracy per model'
SELECT * FROM recipe_mc_loss;
.print '3. Class weights [1, 2, 0.5] (PyTorch CrossEntropyLoss(weight=))'
SELECT * FROM recipe_mc_class_weights;
.print '4. Loss by true class'
SELECT * FROM recipe_mc_by_class;
.print '5. The two worst rows of each model'
SELECT * FROM recipe_mc_worst;
