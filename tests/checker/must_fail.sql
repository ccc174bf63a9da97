-- The checker's own test: every row here is wrong on purpose, and
-- tests/run.sh passes only if report.sql prints FAIL for each of them.
-- Without this, a checker that said "ok" to everything would pass.
.read tests/sql/lib/checks.sql
INSERT INTO checks VALUES('1 ulp off at tol 0', ieee754(4503599627370497,-52), 1.0, 'ulp', 0);
INSERT INTO checks VALUES('3 ulp off at tol 2', ieee754(4503599627370499,-52), 1.0, 'ulp', 2);
INSERT INTO checks VALUES('1.5 ulp (of want) below a power of two at tol 1', ieee754(9007199254740989,-53), 1.0, 'ulp', 1);
INSERT INTO checks VALUES('subnormal 1 ulp off at tol 0', ieee754(3,-1074), ieee754(2,-1074), 'ulp', 0);
INSERT INTO checks VALUES('nonzero where 0 is wanted', 1e-300, 0.0, 'ulp', 2);
INSERT INTO checks VALUES('+Inf where a number is wanted', 1e999, 1.0, 'ulp', 2);
INSERT INTO checks VALUES('NULL where a number is wanted', NULL, 1.0, 'ulp', 2);
INSERT INTO checks VALUES('text where a number is wanted', '1.0', 1.0, 'ulp', 2);
INSERT INTO checks VALUES('integer 1 is not real 1.0', 1, 1.0, 'is', NULL);
INSERT INTO checks VALUES('0 is not NULL', 0.0, NULL, 'is', NULL);
INSERT INTO checks VALUES('+Inf is not -Inf', 1e999, -1e999, 'is', NULL);
INSERT INTO checks VALUES('abs tolerance exceeded', 0.1 + 2e-16, 0.1, 'abs', 1e-16);
INSERT INTO checks VALUES('rel tolerance exceeded', 1.0000000000002, 1.0, 'rel', 1e-13);
.read tests/sql/lib/report.sql
