-- Rule 3 (docs/functions.md): INTEGER, REAL and TEXT that numeric affinity
-- turns into a number are numbers.  Limits: infinities in and out (rule 4),
-- both clip boundaries and eps = 0 (rule 6), w*l below the double range
-- (rule 7).
-- References are SQLite's own ln()/exp() on the textbook formula, or exact.
.read tests/sql/lib/checks.sql
INSERT INTO checks VALUES ('rule 3: TEXT ''0.4'' is 0.4: bce_term(''1'', ''0.4'') = -ln(0.4)', bce_term('1', '0.4'), -ln(0.4), 'ulp', 1);
INSERT INTO checks VALUES ('rule 3: TEXT with spaces: bce_term(1, '' 0.25 '') = 2 ln 2', bce_term(1, ' 0.25 '), 2 * ln(2), 'ulp', 1);
INSERT INTO checks VALUES ('rule 3: TEXT exponent: bce_term(0, ''2.5e-1'') = -ln(0.75)', bce_term(0, '2.5e-1'), -ln(0.75), 'ulp', 1);
INSERT INTO checks VALUES ('rules 3, 6: INTEGER p = 1 clips to 1 - eps: bce_term(1, 1) = -ln(1 - 2^-52)', bce_term(1, 1), -ln(1 - 2.220446049250313e-16), 'ulp', 1);
INSERT INTO checks VALUES ('rules 3, 6: INTEGER p = 0 clips to eps: bce_term(1, 0) = -ln(2^-52)', bce_term(1, 0), -ln(2.220446049250313e-16), 'ulp', 1);
INSERT INTO checks VALUES ('rule 3: sigmoid(''0'') = 0.5', sigmoid('0'), 0.5, 'is', NULL);
INSERT INTO checks VALUES ('rule 3: sigmoid(0) of an INTEGER = 0.5', sigmoid(0), 0.5, 'is', NULL);
INSERT INTO checks VALUES ('rule 3: logit(''0.5'') = 0', logit('0.5'), 0.0, 'is', NULL);
-- .import makes TEXT columns; they must work as they are
CREATE TEMP TABLE imported(y TEXT, p TEXT);
INSERT INTO imported VALUES ('1', '0.4'), ('0', '0.5'), ('1', '0.8'), ('1', '0.2');
INSERT INTO checks SELECT 'rule 3: TEXT columns as .import makes them: worked example', bce(y, p),
  0.860504844045603, 'abs', 7.3e-16 FROM imported;

-- infinities
INSERT INTO checks VALUES ('rule 4: sigmoid(+Inf) = 1', sigmoid(1e999), 1.0, 'is', NULL);
INSERT INTO checks VALUES ('rule 4: sigmoid(-Inf) = 0', sigmoid(-1e999), 0.0, 'is', NULL);
INSERT INTO checks VALUES ('rules 3, 4: sigmoid(''-1e999'') from TEXT = 0', sigmoid('-1e999'), 0.0, 'is', NULL);
INSERT INTO checks VALUES ('rule 4: logit(0) = -Inf', logit(0), -1e999, 'is', NULL);
INSERT INTO checks VALUES ('rule 4: logit(1) = +Inf', logit(1), 1e999, 'is', NULL);
INSERT INTO checks VALUES ('rule 6: bce_term(1, 0, 1, 0) = +Inf', bce_term(1, 0, 1, 0), 1e999, 'is', NULL);
INSERT INTO checks VALUES ('rule 6: bce_term(0, 0, 1, 0) = 0', bce_term(0, 0, 1, 0), 0.0, 'is', NULL);
INSERT INTO checks VALUES ('rule 6: bce_term(1, 1, 1, 0) = 0', bce_term(1, 1, 1, 0), 0.0, 'is', NULL);
INSERT INTO checks SELECT 'rule 6: bce(y, p, 1, 0): a certain-and-wrong row makes +Inf', bce(column1, column2, 1, 0), 1e999, 'is', NULL
  FROM (VALUES (1, 0.4), (1, 0.0), (0, 0.5));
INSERT INTO checks SELECT 'rules 2, 6: bce(y, p, w, 0): ... unless its weight is 0', bce(column1, column2, column3, 0), -ln(0.4), 'ulp', 1
  FROM (VALUES (1, 0.4, 1), (1, 0.0, 0));
INSERT INTO checks SELECT 'rule 6: bce(y, p, 1, 0): y = 0 with p = 0 contributes 0', bce(column1, column2, 1, 0), -ln(0.4) / 2, 'ulp', 1
  FROM (VALUES (1, 0.4), (0, 0.0));
INSERT INTO checks SELECT 'rule 6: bce(y, p): the default clip keeps a certain-and-wrong row finite', bce(column1, column2), -ln(2.220446049250313e-16), 'ulp', 1
  FROM (VALUES (1, 0.0));
-- the issue's point about log1p, with the clip off
INSERT INTO checks VALUES ('rule 6: bce(0, 1e-300, 1, 0) = 1e-300, not 0', (SELECT bce(0, 1e-300, 1, 0)), 1e-300, 'ulp', 1);
-- mpmath: -log1p(-2^-52) = 2^-52 + 2^-105 + 2^-157/3 + ... = 2.22044604925031332...e-16,
-- just above the midpoint 2^-52 + 2^-105: nearest double 4503599627370497 * 2^-104
INSERT INTO checks VALUES ('rule 6: bce_term(0, 1e-300) with the default clip = -log1p(-2^-52)', bce_term(0, 1e-300), ieee754(4503599627370497,-104), 'ulp', 0);
-- 0.2.0's default, 1e-15, passed: mpmath -log1p(-1e-15) = 1.00000000000000057...e-15, nearest double 5070602400912921 * 2^-102
INSERT INTO checks VALUES ('rule 6: bce_term(0, 1e-300, 1, 1e-15) = -log1p(-1e-15)', bce_term(0, 1e-300, 1, 1e-15), ieee754(5070602400912921,-102), 'ulp', 0);
-- the largest loss of a row with the default clip: 1 - 2^-52 is a double, so
-- y = 0, p = 1 and y = 1, p = 0 both give -ln(2^-52) = 52 ln 2 = 36.04
INSERT INTO checks VALUES ('rule 6: bce_term(0, 1) = -ln(1 - (1 - 2^-52)), the largest default-clip loss', bce_term(0, 1), -ln(1 - (1 - 2.220446049250313e-16)), 'ulp', 1);
INSERT INTO checks VALUES ('rule 6: bce_term(0, 1) = bce_term(1, 0) with the default clip', bce_term(0, 1), bce_term(1, 0), 'is', NULL);
-- with 1e-15 they differ: 1 - 1e-15 rounds, 1 - q = 9.992e-16 (docs/conventions.md)
INSERT INTO checks VALUES ('rule 6: bce_term(0, 1, 1, 1e-15) = -ln(1 - (1 - 1e-15)) = 34.5396', bce_term(0, 1, 1, 1e-15), -ln(1 - (1 - 1e-15)), 'ulp', 1);
INSERT INTO checks VALUES ('rule 6: bce_term(1, 0, 1, 1e-15) = -ln(1e-15) = 34.5388', bce_term(1, 0, 1, 1e-15), -ln(1e-15), 'ulp', 1);
-- gradients at the clip boundaries stay finite: -+2^52 exactly
INSERT INTO checks VALUES ('rule 6: bce_grad(1, 0) = -1/2^-52', bce_grad(1, 0), -4503599627370496.0, 'is', NULL);
INSERT INTO checks VALUES ('rule 6: bce_grad(0, 1) = 1/(1 - (1 - 2^-52))', bce_grad(0, 1), 4503599627370496.0, 'is', NULL);
INSERT INTO checks VALUES ('rule 6: bce_grad(1, 0, 1, 1e-15) = -1/1e-15', bce_grad(1, 0, 1, 1e-15), -1 / 1e-15, 'ulp', 1);
INSERT INTO checks VALUES ('rule 6: bce_grad(0, 1, 1, 1e-15) = 1/(1 - (1 - 1e-15))', bce_grad(0, 1, 1, 1e-15), 1 / (1 - (1 - 1e-15)), 'ulp', 1);
-- eps = 0: q = 0 or 1 against a certain label is the limit, an infinite
-- gradient, any n (no scaling of q = 0: ilogb(0) is FP_ILOGB0)
INSERT INTO checks VALUES ('rule 6: bce_grad(1, 0, 1, 0) = -Inf', bce_grad(1, 0, 1, 0), -1e999, 'is', NULL);
INSERT INTO checks VALUES ('rule 6: bce_grad(1, 0, 3, 0) = -Inf', bce_grad(1, 0, 3, 0), -1e999, 'is', NULL);
INSERT INTO checks VALUES ('rule 6: bce_grad(0, 1, 2, 0) = +Inf', bce_grad(0, 1, 2, 0), 1e999, 'is', NULL);
-- a weight times a tiny loss below the double range (1e-100 * 1e-300):
-- the product must not underflow to 0.  One row, or rows of one loss: the
-- weighted mean is that loss, -log1p(-1e-300), whose nearest double is 1e-300
INSERT INTO checks VALUES ('rule 7: bce(0, 1e-300, 1e-100, 0) = 1e-300, w*l not lost below the double range', (SELECT bce(0, 1e-300, 1e-100, 0)), 1e-300, 'ulp', 3);
INSERT INTO checks SELECT 'rule 7: bce(y, p, w, 0) of tiny weights and losses = 1e-300', bce(column1, column2, column3, 0), 1e-300, 'ulp', 3
  FROM (VALUES (0, 1e-300, 1e-100), (0, 1e-300, 3e-200), (0, 1e-300, 5e-324));
-- and sliding over them, a frame is the same bits as a fresh aggregate
INSERT INTO checks SELECT 'rules 7, 8: tiny w*l: ROWS 1 PRECEDING sliding = fresh (rows differing)', count(*), 0, 'is', NULL FROM (
  SELECT i, bce(y, p, w, 0) OVER (ORDER BY i ROWS 1 PRECEDING) AS v FROM
    (SELECT column1 AS i, column2 AS y, column3 AS p, column4 AS w FROM
      (VALUES (1, 0, 1e-300, 1e-100), (2, 0, 3e-250, 7e-90), (3, 1, 0.5, 1e-300), (4, 0, 1e-300, 1e-100))) s) o
  WHERE v IS NOT (SELECT bce(column2, column3, column4, 0) FROM
      (VALUES (1, 0, 1e-300, 1e-100), (2, 0, 3e-250, 7e-90), (3, 1, 0.5, 1e-300), (4, 0, 1e-300, 1e-100))
    WHERE column1 BETWEEN o.i - 1 AND o.i);
.read tests/sql/lib/report.sql
