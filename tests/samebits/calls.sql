-- SPDX-License-Identifier: MIT
-- The same-bits test's calls (tests/samebits/run.sh): every per-row
-- function 10^5 times, and aggregates, windows and states over the same
-- rows; one line a result, "function|row|value", a double as the 16 hex
-- digits of its bits (the shell's ieee754_to_blob), a JSON array as the
-- text the function wrote.  Run by the pinned SQLite shell of each build.
--
-- The arguments are made here, identically on every platform: integers
-- from a Lehmer generator (exact in 64 bits), turned into doubles by one
-- IEEE operation each (a division by 2^31 - 1, by a power of two, or
-- 1 - x), all correctly rounded everywhere; the JSON arrays are decimal
-- text written from integers, read by the extension's own reader.
.mode list
.headers off
CREATE TEMP TABLE g(i INTEGER PRIMARY KEY, a, b, c);
WITH RECURSIVE s(i, a) AS (
  SELECT 1, 20260101
  UNION ALL SELECT i + 1, (a * 48271) % 2147483647 FROM s WHERE i < 100000
)
INSERT INTO g SELECT i, a, (a * 69621) % 2147483647, (a * 16807) % 2147483647 FROM s;

-- u, v in (0, 1); p spread over [2^-60, 1 - 2^-53] with its tails;
-- z logits over +-2^-9 .. +-2^10; soft labels t; weights w; eps; n
CREATE TEMP TABLE r AS SELECT i,
  a * 1.0 / 2147483647 AS u,
  b * 1.0 / 2147483647 AS v,
  CASE c % 4
    WHEN 0 THEN a * 1.0 / 2147483647
    WHEN 1 THEN a * 1.0 / 2147483647 / (1 << (b % 61))
    WHEN 2 THEN 1.0 - a * 1.0 / 2147483647 / (1 << (b % 53))
    ELSE (a % 1024) * 1.0 / 1024 END AS p,
  (b - 1073741824) * 1.0 / (1 << (20 + c % 20)) AS z,
  CASE c % 3 WHEN 0 THEN 0 WHEN 1 THEN 1 ELSE b * 1.0 / 2147483647 END AS t,
  (c % 1000) * 1.0 / 64 AS w,
  (a % 1000) * 1.0 / (1 << (30 + b % 20)) AS eps,
  1 + c % 1000 AS n,
  -- three classes: probabilities summing to 1 exactly in decimal
  '[' || (1 + a % 499999) || 'e-6,' || (1 + b % 499999) || 'e-6,'
      || (1000000 - 2 - a % 499999 - b % 499999) || 'e-6]' AS pk,
  -- logits, soft targets and class indices
  '[' || (a % 2000001 - 1000000) || 'e-4,' || (b % 2000001 - 1000000) || 'e-3,'
      || (c % 2000001 - 1000000) || 'e-5,' || (c % 101 - 50) || ']' AS zk,
  '[' || (a % 1001) || 'e-3,' || (1000 - a % 1001) || 'e-3,0]' AS tk,
  '[' || (c % 2000001 - 1000000) || 'e-2,' || (a % 2001 - 1000) || 'e-1,'
      || (b % 2000001 - 1000000) || 'e-6]' AS z3,
  c % 3 AS k, a, b, c
FROM g;

SELECT 'bce_term2', i, hex(ieee754_to_blob(bce_term(t, p))) FROM r;
SELECT 'bce_term3', i, hex(ieee754_to_blob(bce_term(t, p, w))) FROM r;
SELECT 'bce_term4', i, hex(ieee754_to_blob(bce_term(t, p, w, eps))) FROM r;
SELECT 'bce_logits_term2', i, hex(ieee754_to_blob(bce_logits_term(t, z))) FROM r;
SELECT 'bce_logits_term3', i, hex(ieee754_to_blob(bce_logits_term(t, z, w))) FROM r;
SELECT 'bce_grad2', i, hex(ieee754_to_blob(bce_grad(t, v))) FROM r WHERE v > 0;
SELECT 'bce_grad4', i, hex(ieee754_to_blob(bce_grad(t, p, n, eps))) FROM r WHERE eps > 0;
SELECT 'bce_logits_grad3', i, hex(ieee754_to_blob(bce_logits_grad(t, z, n))) FROM r;
SELECT 'sigmoid', i, hex(ieee754_to_blob(sigmoid(z))) FROM r;
SELECT 'logit', i, hex(ieee754_to_blob(logit(p))) FROM r;
SELECT 'cce_term_index', i, hex(ieee754_to_blob(cce_term(k, pk))) FROM r;
SELECT 'cce_term4', i, hex(ieee754_to_blob(cce_term(tk, pk, w, eps))) FROM r;
SELECT 'cce_logits_term', i, hex(ieee754_to_blob(cce_logits_term(k, zk))) FROM r;
SELECT 'cce_logits_term3', i, hex(ieee754_to_blob(cce_logits_term(tk, z3, w))) FROM r;
SELECT 'cce_grad', i, cce_grad(tk, pk, n, eps) FROM r WHERE eps > 0;
SELECT 'cce_logits_grad', i, cce_logits_grad(k, zk, n) FROM r;
SELECT 'softmax', i, softmax(zk) FROM r;
SELECT 'log_softmax', i, log_softmax(zk) FROM r;
-- multi-label rows: JSON arrays in the binary functions
SELECT 'bce_term_array', i, hex(ieee754_to_blob(bce_term(
  '[' || (a % 2) || ',' || (b % 2) || ']', '[' || (1 + a % 999999) || 'e-6,' || (1 + b % 999999) || 'e-6]')))
  FROM r;
SELECT 'bce_logits_grad_array', i, bce_logits_grad(
  '[' || (a % 2) || ',' || (c % 2) || ']', '[' || (b % 2000001 - 1000000) || 'e-4,' || (c % 60001 - 30000) || 'e-3]', n)
  FROM r;

-- aggregates over groups of 100 rows, the whole table, and windows
SELECT 'bce_group', i / 100, hex(ieee754_to_blob(bce(t, p))) FROM r GROUP BY i / 100;
SELECT 'bce_w_eps_group', i / 100, hex(ieee754_to_blob(bce(t, p, w, 1.0 / 1048576))) FROM r GROUP BY i / 100;
SELECT 'bce_logits_group', i / 100, hex(ieee754_to_blob(bce_logits(t, z, w))) FROM r GROUP BY i / 100;
SELECT 'cce_group', i / 100, hex(ieee754_to_blob(cce(k, pk))) FROM r GROUP BY i / 100;
SELECT 'cce_logits_group', i / 100, hex(ieee754_to_blob(cce_logits(k, zk, w))) FROM r GROUP BY i / 100;
SELECT 'bce_all', 0, hex(ieee754_to_blob(bce(t, p, w))) FROM r;
SELECT 'bce_logits_all', 0, hex(ieee754_to_blob(bce_logits(t, z))) FROM r;
SELECT 'bce_state_group', i / 1000, hex(bce_state(t, p, w)) FROM r GROUP BY i / 1000;
SELECT 'bce_merge', 0, hex(ieee754_to_blob(bce_merge(s))) FROM (SELECT bce_logits_state(t, z) AS s FROM r GROUP BY i % 7);
SELECT 'bce_window', i, hex(ieee754_to_blob(bce(t, p) OVER (ORDER BY i ROWS 99 PRECEDING))) FROM r WHERE i % 10 = 0;
SELECT 'bce_logits_window', i, hex(ieee754_to_blob(bce_logits(t, z, w) OVER (ORDER BY i ROWS 999 PRECEDING))) FROM r WHERE i % 10 = 0;

-- options (issue 22): every key, on every per-row function of the family
-- and on the aggregates.  gamma non-integer and large (e^(gamma ln f): the
-- fast exponential), pos_weight as a number and an array, smoothing,
-- alpha, class_weight, ignore_index and eps.  A constant options text is
-- parsed once per statement.
SELECT 'bce_term_pw', i, hex(ieee754_to_blob(bce_term(t, p, '{"pos_weight": 3}'))) FROM r WHERE i <= 20000;
SELECT 'bce_term_smooth', i, hex(ieee754_to_blob(bce_term(t, p, w, '{"smoothing": 0.1, "eps": 1e-7}'))) FROM r WHERE i <= 20000;
SELECT 'bce_term_g2', i, hex(ieee754_to_blob(bce_term(t, p, '{"gamma": 2}'))) FROM r WHERE i <= 20000;
SELECT 'bce_term_g2.5', i, hex(ieee754_to_blob(bce_term(t, p, '{"gamma": 2.5}'))) FROM r;
SELECT 'bce_term_g300', i, hex(ieee754_to_blob(bce_term(t, p, '{"gamma": 300}'))) FROM r;
SELECT 'bce_term_g37.7', i, hex(ieee754_to_blob(bce_term(t, u, '{"gamma": 37.7}'))) FROM r WHERE i <= 50000;
SELECT 'bce_term_all', i, hex(ieee754_to_blob(bce_term(t, p, w,
  '{"pos_weight": 0.7, "smoothing": 0.05, "gamma": 0.5, "alpha": 0.6, "eps": 1e-9}'))) FROM r WHERE i <= 50000;
SELECT 'bce_term_alpha', i, hex(ieee754_to_blob(bce_term(t, p, '{"alpha": 0.25, "gamma": 1.5}'))) FROM r WHERE i <= 20000;
SELECT 'bce_grad_g2.5', i, hex(ieee754_to_blob(bce_grad(t, p, n, '{"gamma": 2.5, "eps": 1e-12}'))) FROM r WHERE i <= 50000;
SELECT 'bce_grad_all', i, hex(ieee754_to_blob(bce_grad(t, u, n,
  '{"pos_weight": 2, "smoothing": 0.1, "gamma": 300, "alpha": 0.3}'))) FROM r WHERE i <= 20000;
SELECT 'bce_logits_term_g', i, hex(ieee754_to_blob(bce_logits_term(t, z, w, '{"gamma": 2.5, "pos_weight": 3}'))) FROM r WHERE i <= 50000;
SELECT 'bce_logits_term_g300', i, hex(ieee754_to_blob(bce_logits_term(t, z, '{"gamma": 300, "alpha": 0.75}'))) FROM r WHERE i <= 50000;
SELECT 'bce_logits_grad_g', i, hex(ieee754_to_blob(bce_logits_grad(t, z, n, '{"gamma": 1.5, "smoothing": 0.2}'))) FROM r WHERE i <= 50000;
SELECT 'bce_term_array_pw', i, hex(ieee754_to_blob(bce_term(
  '[' || (a % 2) || ',' || (b % 2) || ']', '[' || (1 + a % 999999) || 'e-6,' || (1 + b % 999999) || 'e-6]',
  '{"pos_weight": [2, 0.5], "gamma": 2.5}'))) FROM r WHERE i <= 20000;
SELECT 'bce_logits_grad_array_pw', i, bce_logits_grad(
  '[' || (a % 2) || ',' || (c % 2) || ']', '[' || (b % 2000001 - 1000000) || 'e-4,' || (c % 60001 - 30000) || 'e-3]', n,
  '{"pos_weight": [0.25, 4], "smoothing": 0.1, "gamma": 3.5}') FROM r WHERE i <= 20000;
SELECT 'cce_term_opt', i, hex(ieee754_to_blob(cce_term(k, pk,
  '{"class_weight": [1, 2, 0.5], "gamma": 2.5, "alpha": [0.2, 0.3, 0.5], "smoothing": 0.1, "eps": 1e-7}'))) FROM r WHERE i <= 50000;
SELECT 'cce_term_soft_opt', i, hex(ieee754_to_blob(cce_term(tk, pk, w, '{"gamma": 300, "ignore_index": 2}'))) FROM r WHERE i <= 20000;
SELECT 'cce_grad_opt', i, cce_grad(tk, pk, n, '{"gamma": 1.5, "class_weight": [3, 1, 2], "eps": 1e-9}') FROM r WHERE i <= 20000;
SELECT 'cce_logits_term_opt', i, hex(ieee754_to_blob(cce_logits_term(k, zk,
  '{"gamma": 2.5, "alpha": 0.25, "class_weight": [1, 2, 3, 4], "ignore_index": 1}'))) FROM r WHERE i <= 50000;
SELECT 'cce_logits_grad_opt', i, cce_logits_grad(k, zk, n, '{"gamma": 0.5, "smoothing": 0.1}') FROM r WHERE i <= 20000;
SELECT 'kl_div_term_opt', i, hex(ieee754_to_blob(kl_div_term(tk, pk, w, '{"smoothing": 0.1, "eps": 1e-9}'))) FROM r WHERE i <= 20000;
-- focal losses e^(gamma ln f) nearest a rounding boundary (issue 22): a
-- build whose exponential differs in its last bits from another's rounds
-- these apart (tests/gen_focal_rounding.py has their mpmath values)
SELECT 'bce_term_focal_boundary', 1, hex(ieee754_to_blob(bce_term(1, ieee754(3152789198221847, -53), '{"gamma": 300}')));
SELECT 'bce_term_focal_boundary', 2, hex(ieee754_to_blob(bce_term(ieee754(8155299059462759, -53), ieee754(1922502620981507, -52), '{"gamma": 300}')));
SELECT 'bce_term_focal_boundary', 3, hex(ieee754_to_blob(bce_term(1, 1, '{"gamma": 2.5}')));
-- the aggregate's short path of known options (a hard label's loss,
-- ext/aggregate.c; its x86-64 copy with FMA/AVX2/BMI2, chosen at load where
-- the processor has them): each row's loss through a window of two rows
SELECT 'bce_opt_window_pw', i, hex(ieee754_to_blob(bce(t, p, '{"pos_weight": 3}') OVER (ORDER BY i ROWS 1 PRECEDING))) FROM r WHERE i <= 20000;
SELECT 'bce_opt_window_smooth', i, hex(ieee754_to_blob(bce(t, p, '{"smoothing": 0.1}') OVER (ORDER BY i ROWS 1 PRECEDING))) FROM r WHERE i <= 20000;
SELECT 'bce_opt_window_g2', i, hex(ieee754_to_blob(bce(t, p, '{"gamma": 2}') OVER (ORDER BY i ROWS 1 PRECEDING))) FROM r WHERE i <= 20000;
SELECT 'bce_opt_window_g2.5', i, hex(ieee754_to_blob(bce(t, p, '{"gamma": 2.5, "pos_weight": 0.5}') OVER (ORDER BY i ROWS 1 PRECEDING))) FROM r WHERE i <= 20000;
SELECT 'bce_opt_window_all', i, hex(ieee754_to_blob(bce(t, p, '{"gamma": 2.5, "pos_weight": 2, "smoothing": 0.05}') OVER (ORDER BY i ROWS 1 PRECEDING))) FROM r WHERE i <= 20000;
-- the options' batch of hard labels (src/binary_opt.c, bce_opt_flush_batch():
-- four rows' losses in vector lanes, on x86-64 v3 with the fma's product
-- errors): each group's state holds the exact sum of its rows' losses
SELECT 'bce_opt_batch_plain', i / 100, hex(bce_state(t, p, '{}')) FROM r GROUP BY i / 100;
SELECT 'bce_opt_batch_pw', i / 100, hex(bce_state(t, p, '{"pos_weight": 3}')) FROM r GROUP BY i / 100;
SELECT 'bce_opt_batch_smooth', i / 100, hex(bce_state(t, p, '{"smoothing": 0.1, "pos_weight": 0.5}')) FROM r GROUP BY i / 100;
SELECT 'bce_opt_batch_g2', i / 100, hex(bce_state(t, p, '{"gamma": 2}')) FROM r GROUP BY i / 100;
SELECT 'bce_opt_batch_g3s', i / 100, hex(bce_state(t, p, '{"gamma": 3, "smoothing": 0.05}')) FROM r GROUP BY i / 100;
SELECT 'bce_opt_batch_g2.5', i / 100, hex(bce_state(t, p, '{"gamma": 2.5, "pos_weight": 2}')) FROM r GROUP BY i / 100;
SELECT 'bce_opt_batch_g300', i / 100, hex(bce_state(t, p, '{"gamma": 300}')) FROM r GROUP BY i / 100;
SELECT 'bce_opt_batch_g1000s', i / 100, hex(bce_state(t, p, '{"gamma": 1000, "smoothing": 0.1}')) FROM r GROUP BY i / 100;
SELECT 'bce_term_g1e6', i, hex(ieee754_to_blob(bce_term(t, p, '{"gamma": 1e6}'))) FROM r WHERE i <= 50000;
SELECT 'entropy', i, hex(ieee754_to_blob(entropy(p))) FROM r WHERE i <= 20000;
SELECT 'entropy_array', i, hex(ieee754_to_blob(entropy(pk))) FROM r WHERE i <= 20000;
SELECT 'bce_opt_group', i / 100, hex(ieee754_to_blob(bce(t, p, w, '{"gamma": 2.5, "reduction": "sum"}'))) FROM r GROUP BY i / 100;
SELECT 'bce_g300_group', i / 100, hex(ieee754_to_blob(bce(t, p, '{"gamma": 300, "pos_weight": 2}'))) FROM r GROUP BY i / 100;
SELECT 'bce_logits_opt_group', i / 100, hex(ieee754_to_blob(bce_logits(t, z,
  '{"pos_weight": 3, "smoothing": 0.1, "alpha": 0.4, "reduction": "mean_over_rows"}'))) FROM r GROUP BY i / 100;
SELECT 'cce_opt_group', i / 100, hex(ieee754_to_blob(cce(k, pk, '{"class_weight": [1, 2, 0.5], "gamma": 1.5, "reduction": "sum"}'))) FROM r GROUP BY i / 100;
SELECT 'cce_logits_opt_group', i / 100, hex(ieee754_to_blob(cce_logits(k, zk, w,
  '{"ignore_index": 2, "alpha": [0.1, 0.2, 0.3, 0.4], "gamma": 2.5, "reduction": "mean"}'))) FROM r GROUP BY i / 100;
SELECT 'bce_d2_group', i / 100, hex(ieee754_to_blob(bce_d2(t, p, w, '{"pos_weight": 2, "smoothing": 0.1, "eps": 1e-9}'))) FROM r GROUP BY i / 100;
SELECT 'cce_d2_group', i / 100, hex(ieee754_to_blob(cce_d2(k, pk, '{"class_weight": [1, 2, 3], "smoothing": 0.05}'))) FROM r GROUP BY i / 100;
SELECT 'kl_div_group', i / 100, hex(ieee754_to_blob(kl_div(tk, pk, w, '{"smoothing": 0.1}'))) FROM r GROUP BY i / 100;
SELECT 'logsumexp_group', i / 100, hex(ieee754_to_blob(logsumexp(z))) FROM r GROUP BY i / 100;
SELECT 'logsumexp_window', i, hex(ieee754_to_blob(logsumexp(z) OVER (ORDER BY i ROWS 6 PRECEDING))) FROM r WHERE i <= 20000;
