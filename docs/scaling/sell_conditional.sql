-- One sale of one drop unit, READ COMMITTED, stock taken by a conditional UPDATE … RETURNING
-- (what store/offers.rs::take_units already says), then the receipt number, the order, its line
-- and an audit entry on the table's own chain. A refused take writes nothing.
\set station (:client_id % 20) + 1
\set chain (1 - :global) * :station
BEGIN;
WITH t AS (UPDATE offers SET remaining = remaining - 1
           WHERE id = :offer AND (remaining IS NULL OR remaining >= 1) RETURNING 1)
SELECT count(*) AS took FROM t \gset
\if :took
UPDATE stations SET next_receipt = next_receipt + 1 WHERE id = :station
    RETURNING next_receipt - 1 AS seq, gen_random_uuid() AS oid \gset
INSERT INTO orders VALUES (':oid', :station, :seq, 2500);
INSERT INTO order_lines VALUES (':oid', :offer, 1);
UPDATE audit_heads SET seq = seq + 1, hash = sha256(hash || ':oid'::text::bytea)
    WHERE chain = :chain RETURNING seq AS aseq, hash AS ahash \gset
INSERT INTO audit_log VALUES (:chain, :aseq, ':oid', ':ahash');
\endif
COMMIT;
