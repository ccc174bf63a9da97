-- JSONB BLOBs written by hand from SQLite's JSONB format (jsonb.html):
-- element types and payload sizes that SQLite's own jsonb() does not write
-- for these texts (INT5 hexadecimal numbers, an INT of one digit, FLOAT5
-- with a trailing point, a 2-byte size header), each read as its JSON text
-- is read, to the bit.  Not generated: tests/sql/jsonb_golden.sql holds the
-- bytes jsonb() writes, and the version matrix checks that file against
-- each SQLite's jsonb().  Added by make mutate's survivors (docs/testing.md).
.read tests/sql/lib/checks.sql
-- INT5 hexadecimal numbers of one digit, 1 and 9 (make mutate: the digit
-- count 1 refused, '9' not taken for a digit)
INSERT INTO checks SELECT 'jsonb: INT5 0x1 and 0x9', (SELECT bce_logits_term('[1, 0]', x'8B3430783134307839')), (SELECT bce_logits_term('[1, 0]', '[1, 9]')), 'is', NULL;
-- an INT5 hex digit A, an INT payload 9, and INT5 hex numbers of 53 and 54
-- bits, the second rounded to 2^54 (make mutate: 'A' and '9' not taken
-- for digits, the rounding of hex_value() from 53 or 55 bits on)
INSERT INTO checks SELECT 'jsonb: INT5 0xA', (SELECT bce_logits_term('[1]', x'4B34307841')), (SELECT bce_logits_term('[1]', '[10]')), 'is', NULL;
INSERT INTO checks SELECT 'jsonb: INT 9', (SELECT bce_logits_term('[0]', x'2B1339')), (SELECT bce_logits_term('[0]', '[9]')), 'is', NULL;
INSERT INTO checks SELECT 'jsonb: FLOAT5 9.', (SELECT bce_logits_term('[0]', x'3B26392E')), (SELECT bce_logits_term('[0]', '[9]')), 'is', NULL;
INSERT INTO checks SELECT 'jsonb: INT5 of 53 bits', (SELECT bce_logits_term('[0]', x'CB12C41030783146464646464646464646464646')), (SELECT bce_logits_term('[0]', '[9007199254740991]')), 'is', NULL;
INSERT INTO checks SELECT 'jsonb: INT5 of 54 bits rounds to 2^54', (SELECT bce_logits_term('[0]', x'CB12C41030783346464646464646464646464646')), (SELECT bce_logits_term('[0]', '[18014398509481983]')), 'is', NULL;
.read tests/sql/lib/report.sql
