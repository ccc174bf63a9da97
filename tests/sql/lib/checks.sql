-- One row per check; report.sql judges them.  Columns:
--   name  what is checked, printed on failure
--   got   the value the extension returned
--   want  the value from an independent source
--   kind  'ulp': |got - want| <= tol units in the last place of want
--         'abs': |got - want| <= tol
--         'rel': |got - want| <= tol * |want|
--         'is':  got IS want, and of the same type (NULL, +-Inf, text)
CREATE TEMP TABLE IF NOT EXISTS checks(name TEXT, got, want, kind TEXT, tol REAL);
