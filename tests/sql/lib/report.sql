-- Prints "ok|name" or "FAIL|name|got ...|want ..." for each row of checks,
-- in the order they were added.  The ulp of want is 2^(e-52), e the binary
-- exponent of |want| (at least -1022, for subnormals); e is found exactly:
-- log2() may round across a power of two, so it is corrected both ways.
WITH
  a AS (
    SELECT rowid AS id, name, got, want, kind, tol,
           CASE WHEN kind = 'ulp' AND typeof(want) = 'real' AND want <> 0
                     AND abs(want) < 1e999
                THEN CAST(floor(log2(abs(want))) AS INTEGER) END AS e0
    FROM checks),
  b AS (
    SELECT *, e0 - (pow(2, e0) > abs(want)) + (pow(2, e0 + 1) <= abs(want)) AS e
    FROM a),
  c AS (
    SELECT *, CASE kind
      WHEN 'is'  THEN got IS want AND typeof(got) = typeof(want)
      WHEN 'abs' THEN typeof(got) = 'real' AND abs(got - want) <= tol
      WHEN 'rel' THEN typeof(got) = 'real' AND abs(got - want) <= tol * abs(want)
      WHEN 'ulp' THEN typeof(got) = 'real' AND CASE
          WHEN want = 0 THEN got = 0
          WHEN e IS NULL THEN got = want
          ELSE abs(got - want) <= tol * pow(2, max(e, -1022) - 52) END
      END AS pass
    FROM b)
SELECT CASE WHEN pass THEN 'ok|' || name
       ELSE 'FAIL|' || name || '|got ' || quote(got) || ' (' || typeof(got)
            || ')|want ' || quote(want) || ' ' || kind || ' ' || ifnull(tol, '')
       END
FROM c ORDER BY id;
