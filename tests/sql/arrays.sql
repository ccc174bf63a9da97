-- Rule 9 (JSON arrays, docs/functions.md), the parts that need no mpmath:
-- how rows weigh, that one element is the scalar, what stays
-- a number (rule 3 first), bce_grad's JSON text.  References: SQLite's own ln() on the textbook formula, the
-- scalar functions (for identities), or exact values.
-- (tests/sql/mpmath_logits_arrays.sql checks values against mpmath.)
.read tests/sql/lib/checks.sql

-- Mixed K: each row weighs as one row, as Keras weighs each example: the
-- mean of a 1-label row and a 3-label row, not of their 4 labels.
INSERT INTO checks SELECT 'rule 9: mixed K: the mean of the row means, (-ln 0.4 + ln 2) / 2',
  bce(column1, column2), (-ln(0.4) + ln(2)) / 2, 'ulp', 2
  FROM (VALUES ('[1]', '[0.4]'), ('[0, 0, 0]', '[0.5, 0.5, 0.5]'));
INSERT INTO checks SELECT 'rule 9: mixed K: ... not the mean of the 4 labels, (-ln 0.4 + 3 ln 2) / 4',
  bce(column1, column2) <> (-ln(0.4) + 3 * ln(2)) / 4, 1, 'is', NULL
  FROM (VALUES ('[1]', '[0.4]'), ('[0, 0, 0]', '[0.5, 0.5, 0.5]'));
INSERT INTO checks SELECT 'rule 9: mixed K with weights: (1 * -ln 0.4 + 3 * ln 2) / 4',
  bce(column1, column2, column3), (-ln(0.4) + 3 * ln(2)) / 4, 'ulp', 2
  FROM (VALUES ('[1]', '[0.4]', 1), ('[0, 0, 0]', '[0.5, 0.5, 0.5]', 3));
INSERT INTO checks SELECT 'rule 9: rows of numbers and rows of arrays mix',
  bce(column1, column2), (-ln(0.4) - ln(0.8) + ln(2)) / 3, 'ulp', 2
  FROM (VALUES (1, 0.4), ('[1, 1]', '[0.8, 0.8]'), ('[0]', '[0.5]'));

-- One element is the scalar, to the bit
INSERT INTO checks VALUES ('rule 9: bce_term(''[1]'', ''[0.4]'') IS bce_term(1, 0.4)',
  bce_term('[1]', '[0.4]'), bce_term(1, 0.4), 'is', NULL);
INSERT INTO checks VALUES ('rule 9: bce_term(''[0.3]'', ''[1e-300]'', 1, 0) IS bce_term(0.3, 1e-300, 1, 0)',
  bce_term('[0.3]', '[1e-300]', 1, 0), bce_term(0.3, 1e-300, 1, 0), 'is', NULL);
INSERT INTO checks VALUES ('rule 9: bce_logits_term(''[0.3]'', ''[2]'') IS bce_logits_term(0.3, 2)',
  bce_logits_term('[0.3]', '[2]'), bce_logits_term(0.3, 2), 'is', NULL);
INSERT INTO checks SELECT 'rule 9: bce(y, p) of one-element arrays IS bce over the numbers',
  (SELECT bce(column1, column2, column3) FROM (VALUES ('[1]', '[0.4]', 2), ('[0]', '[0.1]', 1))),
  (SELECT bce(column1, column2, column3) FROM (VALUES (1, 0.4, 2), (0, 0.1, 1))), 'is', NULL;
INSERT INTO checks VALUES ('rule 9: bce_grad(''[1]'', ''[0.4]'', 3)[0] = bce_grad(1, 0.4, 3)',
  json_extract(bce_grad('[1]', '[0.4]', 3), '$[0]'), bce_grad(1, 0.4, 3), 'ulp', 1);
INSERT INTO checks VALUES ('rule 9: bce_logits_grad(''[0]'', ''[-2]'')[0] = bce_logits_grad(0, -2)',
  json_extract(bce_logits_grad('[0]', '[-2]'), '$[0]'), bce_logits_grad(0, -2), 'ulp', 1);

-- A number y with an array p is an error, not a label for every element
-- (issue 24: a predict_proba row [P(0), P(1)] passed for two elements);
-- its messages are in tests/errors.tsv.

-- Numeric TEXT is a number, not JSON; white space before '[' is JSON
INSERT INTO checks VALUES ('rules 3, 9: bce_term(''1'', ''0.4'') is the number 0.4', bce_term('1', '0.4'), -ln(0.4), 'ulp', 1);
INSERT INTO checks VALUES ('rule 9: bce_term(''[1]'', '' [0.4] '') is the array [0.4]', bce_term('[1]', ' [0.4] '), -ln(0.4), 'ulp', 1);
INSERT INTO checks VALUES ('rule 9: JSON white space everywhere', bce_term(char(10) || '[ 1 ,' || char(9) || '0 ]' || char(13, 10), '[0.5,0.5]'), ln(2), 'ulp', 1);
INSERT INTO checks VALUES ('rule 9: JSON number forms: 4e-1, 0.4E0, 40e-2',
  bce_term('[1, 1, 1]', '[4e-1, 0.4E0, 40e-2]'), -ln(0.4), 'ulp', 1);
INSERT INTO checks VALUES ('rule 9: JSON 1e999 (and SQLite''s 9e999) is +Inf, a logit''s limit',
  bce_logits_term('[1, 1]', '[1e999, 9e999]'), 0.0, 'is', NULL);

-- SQLite's own JSON works as input
CREATE TEMP TABLE worked(i, y, p);
INSERT INTO worked VALUES (1, 1, 0.4), (2, 0, 0.5), (3, 1, 0.8), (4, 1, 0.2);
INSERT INTO checks SELECT 'rule 9: json_group_array() rows: the worked example as one row of 4',
  bce(y, p), 0.860504844045603, 'abs', 5e-16 + 2.3e-16
  FROM (SELECT json_group_array(y) AS y, json_group_array(p) AS p FROM worked);

-- bce_grad's JSON text: valid, REAL elements, infinities as 9e999
INSERT INTO checks VALUES ('rule 9: bce_grad on arrays is TEXT', typeof(bce_grad('[1]', '[0.5]')), 'text', 'is', NULL);
INSERT INTO checks VALUES ('rule 9: bce_grad on arrays is valid JSON', json_valid(bce_grad('[1, 0]', '[0.5, 1e-300]', 7)), 1, 'is', NULL);
INSERT INTO checks VALUES ('rule 9: an integral gradient is written -2.0, and reads back as REAL',
  bce_grad('[1]', '[0.5]'), '[-2.0]', 'is', NULL);
INSERT INTO checks VALUES ('rule 9: bce_logits_grad: -0.5 / 1e-320 overflows to -Inf, written -9e999',
  bce_logits_grad('[1]', '[0]', 1e-320), '[-9e999]', 'is', NULL);
INSERT INTO checks VALUES ('rule 9: ... which SQLite reads back as -Inf',
  json_extract(bce_logits_grad('[1]', '[0]', 1e-320), '$[0]'), -1e999, 'is', NULL);
INSERT INTO checks VALUES ('rule 9: bce_logits_grad at the infinities: exact limits 1-y and -y, / K',
  bce_logits_grad('[0, 1, 0.25, 1]', '[1e999, 1e999, 1e999, -1e999]'), '[0.25,0.0,0.1875,-0.25]', 'is', NULL);

-- The per-tag query of sql/demo.sql: json_each explodes the arrays, and
-- bce() over one label's elements is that label's loss.
CREATE TEMP TABLE tagged(id, y, p);
INSERT INTO tagged VALUES (1, '[1, 0, 1]', '[0.9, 0.2, 0.4]'), (2, '[0, 0, 1]', '[0.3, 0.1, 0.8]');
INSERT INTO checks SELECT 'rule 9: per label via json_each: label ' || label, loss,
  CASE label WHEN 0 THEN (-ln(0.9) - ln(0.7)) / 2
             WHEN 1 THEN (-ln(0.8) - ln(0.9)) / 2
             ELSE (-ln(0.4) - ln(0.8)) / 2 END, 'ulp', 2
  FROM (SELECT ey.key AS label, bce(ey.value, ep.value) AS loss
        FROM tagged, json_each(tagged.y) AS ey, json_each(tagged.p) AS ep
        WHERE ey.key = ep.key GROUP BY ey.key);
-- rule 9: around the array, the white space SQLite allows around a number
-- in TEXT (VT and FF too); a value that is JSON but no number is named as
-- an element, whatever its brackets hold
INSERT INTO checks SELECT 'rule 9: FF before and after an array: ' || column1,
  bce_term('[1]', char(column1) || '[0.5]' || char(column1)), ln(2), 'ulp', 1
  FROM (VALUES (9), (10), (11), (12), (13), (32));
INSERT INTO checks SELECT 'rule 9: VT before an array y',
  bce_term(char(11) || '[1]', '[0.5]'), ln(2), 'ulp', 1;
-- rule 9: a one-element array's gradient is the scalar's bits, also where
-- dividing first would overflow (the scalar's own value is held against
-- mpmath in mpmath_tails.sql)
INSERT INTO checks SELECT 'rule 9: bce_grad([1], [5e-324], 1e300, 0) = bce_grad(1, 5e-324, 1e300, 0)',
  json_extract(bce_grad('[1]', '[5e-324]', 1e300, 0), '$[0]'),
  bce_grad(1, 5e-324, 1e300, 0), 'is', NULL;
INSERT INTO checks SELECT 'rule 9: a one-element gradient array = the scalar, n = ' || column1,
  json_extract(bce_grad('[0.3]', '[0.7]', column1), '$[0]'),
  bce_grad(0.3, 0.7, column1), 'is', NULL
  FROM (VALUES (0.001), (3.0), (7e-300), (1e300));

-- Missing labels (issue 21): a JSON null in y is an element nobody
-- labelled.  It is skipped; the row is the mean over its labelled
-- elements; a row with none counts as a NULL row does (rule 1, one level
-- down).  A null in p or z stays an error (tests/errors.tsv).
INSERT INTO checks VALUES ('missing label: bce_term(''[1, null, 0]'', ''[0.4, 0.9, 0.25]'') = (-ln 0.4 - ln 0.75) / 2',
  bce_term('[1, null, 0]', '[0.4, 0.9, 0.25]'), (-ln(0.4) - ln(0.75)) / 2, 'ulp', 2);
INSERT INTO checks VALUES ('missing label: one labelled element is the scalar, to the bit',
  bce_logits_term('[null, 0.3]', '[5, 2]'), bce_logits_term(0.3, 2), 'is', NULL);
INSERT INTO checks VALUES ('missing label: bce_term of a row with no label is NULL',
  bce_term('[null, null]', '[0.4, 0.9]') IS NULL, 1, 'is', NULL);
INSERT INTO checks VALUES ('missing label: bce_logits_term of [ null ] with a weight is NULL',
  bce_logits_term('[ null ]', '[1e300]', 2) IS NULL, 1, 'is', NULL);
INSERT INTO checks SELECT 'missing label: bce() skips a row with no label, as a NULL row',
  bce(column1, column2, column3), -ln(0.4), 'ulp', 1
  FROM (VALUES ('[1]', '[0.4]', 1), ('[null, null]', '[0.5, 0.5]', 5), (NULL, 0.5, 1));
INSERT INTO checks SELECT 'missing label: bce_logits() over rows with missing labels: the mean of the row means',
  bce_logits(column1, column2), (bce_logits_term(1, 2) + (bce_logits_term(0, -1) + bce_logits_term(1, 3)) / 2) / 2, 'ulp', 2
  FROM (VALUES ('[null, 1]', '[7, 2]'), ('[0, null, 1]', '[-1, 0, 3]'), ('[null]', '[0]'));
INSERT INTO checks SELECT 'missing label: a window drops a row with no label on the way out too',
  group_concat(v, ' '), '0.0 ' || (-ln(0.4)) || ' ' || (-ln(0.4)), 'is', NULL
  FROM (SELECT coalesce(bce(y, p) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), 0.0) AS v
          FROM (SELECT column1 AS i, column2 AS y, column3 AS p
                  FROM (VALUES (1, '[null]', '[0.3]'), (2, '[1]', '[0.4]'), (3, '[null, null]', '[0.1, 0.2]'))));
INSERT INTO checks VALUES ('missing label: bce_grad writes 0.0 for a missing element, and divides by the 2 labelled',
  bce_grad('[1, null, 0]', '[0.4, 0.9, 0.25]'), '[-1.25,0.0,0.6666666666666666]', 'is', NULL);
INSERT INTO checks VALUES ('missing label: bce_grad of a row with no label: 0.0 for each element',
  bce_grad('[null, null]', '[0.4, 0.9]', 3), '[0.0,0.0]', 'is', NULL);
INSERT INTO checks VALUES ('missing label: bce_logits_grad of one labelled element is the scalar''s bits',
  json_extract(bce_logits_grad('[null, 1]', '[3, 0.5]', 7), '$[1]'), bce_logits_grad(1, 0.5, 7), 'is', NULL);

-- n*K past DBL_MAX: the element's gradient is divided by K, then by n, one
-- by one; with y = 1 and p = 2^-1000 at eps 0 each step is exact (-2^1000,
-- then / 2, / 2^1023), so the element is -2^-24 itself, and the y = 0 one
-- 1/(1 - 1/2) / 2 / 2^1023 = 2^-1023
INSERT INTO checks VALUES ('bce_grad on arrays, n*K past DBL_MAX: an exact element, y = 1',
  json_extract(bce_grad('[1, 0]', '[9.332636185032189e-302, 0.5]', ieee754(1, 1023), 0), '$[0]'),
  ieee754(-1, -24), 'is', NULL);
INSERT INTO checks VALUES ('bce_grad on arrays, n*K past DBL_MAX: an exact element, y = 0',
  json_extract(bce_grad('[1, 0]', '[9.332636185032189e-302, 0.5]', ieee754(1, 1023), 0), '$[1]'),
  ieee754(1, -1023), 'is', NULL);
-- DBL_MAX itself is a finite element, written as Python's repr() writes it,
-- not as the 9e999 of an infinity: y = 2^-53, p = 1 - 2^-53 at eps 0 has the
-- gradient 2^53 - 1 - 2^-53(1 + ...), whose double is 2^53 - 1, and / 2^-971
-- that is DBL_MAX; log_softmax's first element here is -DBL_MAX - e^-DBL_MAX
INSERT INTO checks VALUES ('rule 9: a gradient element of DBL_MAX is written as a number',
  bce_grad('[1.1102230246251565e-16]', '[0.9999999999999999]', ieee754(1, -971), 0),
  '[1.7976931348623157e+308]', 'is', NULL);
INSERT INTO checks VALUES ('rule 9: a log_softmax element of -DBL_MAX is written as a number',
  log_softmax('[0, 1.7976931348623157e308]'), '[-1.7976931348623157e+308,0.0]', 'is', NULL);
.read tests/sql/lib/report.sql
