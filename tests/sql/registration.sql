-- What the extension registers, as pragma_function_list reports it (the
-- four-argument logits forms take (y, z, w, options), issue 21):
-- names, arities, kinds (s scalar, w window, a aggregate) and flags.  2099200 is
-- SQLITE_DETERMINISTIC (0x800) | SQLITE_INNOCUOUS (0x200000), from sqlite3.h.
-- (No rule of docs/functions.md: this is the registration itself.)
.read tests/sql/lib/checks.sql
INSERT INTO checks SELECT 'registered functions, arities, kinds and flags',
  group_concat(name || '/' || narg || '/' || type || '/' || enc || '/' || flags, ' '),
  'bce/2/w/utf8/2099200 bce/3/w/utf8/2099200 bce/4/w/utf8/2099200 '
  || 'bce_d2/2/w/utf8/2099200 bce_d2/3/w/utf8/2099200 bce_d2/4/w/utf8/2099200 '
  || 'bce_d2_state/2/w/utf8/2099200 bce_d2_state/3/w/utf8/2099200 '
  || 'bce_d2_state/4/w/utf8/2099200 '
  || 'bce_grad/2/s/utf8/2099200 bce_grad/3/s/utf8/2099200 bce_grad/4/s/utf8/2099200 '
  || 'bce_logits/2/w/utf8/2099200 bce_logits/3/w/utf8/2099200 bce_logits/4/w/utf8/2099200 '
  || 'bce_logits_grad/2/s/utf8/2099200 bce_logits_grad/3/s/utf8/2099200 '
  || 'bce_logits_grad/4/s/utf8/2099200 '
  || 'bce_logits_state/2/w/utf8/2099200 bce_logits_state/3/w/utf8/2099200 '
  || 'bce_logits_state/4/w/utf8/2099200 '
  || 'bce_logits_term/2/s/utf8/2099200 bce_logits_term/3/s/utf8/2099200 '
  || 'bce_logits_term/4/s/utf8/2099200 '
  || 'bce_merge/1/w/utf8/2099200 bce_merge_state/1/a/utf8/2099200 '
  || 'bce_state/2/w/utf8/2099200 bce_state/3/w/utf8/2099200 bce_state/4/w/utf8/2099200 '
  || 'bce_state_info/1/s/utf8/2099200 '
  || 'bce_term/2/s/utf8/2099200 bce_term/3/s/utf8/2099200 bce_term/4/s/utf8/2099200 '
  || 'bce_version/0/s/utf8/2099200 logit/1/s/utf8/2099200 sigmoid/1/s/utf8/2099200',
  'is', NULL
  FROM (SELECT * FROM pragma_function_list
        WHERE name LIKE 'bce%' OR name IN ('sigmoid', 'logit')
        ORDER BY name, narg);
INSERT INTO checks SELECT 'registered multi-class functions (issue 13), arities, kinds and flags',
  group_concat(name || '/' || narg || '/' || type || '/' || enc || '/' || flags, ' '),
  'cce/2/w/utf8/2099200 cce/3/w/utf8/2099200 cce/4/w/utf8/2099200 '
  || 'cce_d2/2/w/utf8/2099200 cce_d2/3/w/utf8/2099200 cce_d2/4/w/utf8/2099200 '
  || 'cce_d2_state/2/w/utf8/2099200 cce_d2_state/3/w/utf8/2099200 '
  || 'cce_d2_state/4/w/utf8/2099200 '
  || 'cce_grad/2/s/utf8/2099200 cce_grad/3/s/utf8/2099200 cce_grad/4/s/utf8/2099200 '
  || 'cce_logits/2/w/utf8/2099200 cce_logits/3/w/utf8/2099200 cce_logits/4/w/utf8/2099200 '
  || 'cce_logits_grad/2/s/utf8/2099200 cce_logits_grad/3/s/utf8/2099200 '
  || 'cce_logits_grad/4/s/utf8/2099200 '
  || 'cce_logits_state/2/w/utf8/2099200 cce_logits_state/3/w/utf8/2099200 '
  || 'cce_logits_state/4/w/utf8/2099200 '
  || 'cce_logits_term/2/s/utf8/2099200 cce_logits_term/3/s/utf8/2099200 '
  || 'cce_logits_term/4/s/utf8/2099200 '
  || 'cce_state/2/w/utf8/2099200 cce_state/3/w/utf8/2099200 cce_state/4/w/utf8/2099200 '
  || 'cce_term/2/s/utf8/2099200 cce_term/3/s/utf8/2099200 cce_term/4/s/utf8/2099200 '
  || 'log_softmax/1/s/utf8/2099200 softmax/1/s/utf8/2099200',
  'is', NULL
  FROM (SELECT * FROM pragma_function_list
        WHERE name LIKE 'cce%' OR name IN ('softmax', 'log_softmax')
        ORDER BY name, narg);
-- deterministic functions may be used where SQLite demands it
CREATE TABLE scored(y, p, loss AS (bce_term(y, p)), CHECK (sigmoid(0) = 0.5));
CREATE INDEX scored_loss ON scored(bce_term(y, p));
INSERT INTO scored(y, p) VALUES (1, 0.5);
INSERT INTO checks SELECT 'generated column and index on bce_term', loss, ln(2), 'ulp', 1 FROM scored;
INSERT INTO checks SELECT 'bce_version() is text', typeof(bce_version()), 'text', 'is', NULL;
-- issue 23's scores (tests/sql/scores_rules.sql has their properties;
-- kl_div and kl_div_term take options in the 3rd or 4th place, and
-- kl_div_state is kl_div's state)
INSERT INTO checks SELECT 'registered scores (issue 23), arities, kinds and flags',
  group_concat(name || '/' || narg || '/' || type || '/' || enc || '/' || flags, ' '),
  'entropy/1/s/utf8/2099200 kl_div/2/w/utf8/2099200 kl_div/3/w/utf8/2099200 '
  || 'kl_div/4/w/utf8/2099200 kl_div_state/2/w/utf8/2099200 '
  || 'kl_div_state/3/w/utf8/2099200 kl_div_state/4/w/utf8/2099200 '
  || 'kl_div_term/2/s/utf8/2099200 kl_div_term/3/s/utf8/2099200 '
  || 'kl_div_term/4/s/utf8/2099200 '
  || 'logsumexp/1/w/utf8/2099200',
  'is', NULL
  FROM (SELECT * FROM pragma_function_list
        WHERE name IN ('logsumexp', 'entropy', 'kl_div', 'kl_div_term',
                       'kl_div_state')
        ORDER BY name, narg);
.read tests/sql/lib/report.sql
