-- The same sale with SQLite's read-check-write kept: SELECT … FOR UPDATE locks the offer row,
-- the check runs in the client, then the UPDATE. READ COMMITTED.
\set station (:client_id % 20) + 1
\set chain (1 - :global) * :station
BEGIN;
SELECT coalesce(remaining, 1000000) AS left FROM offers WHERE id = :offer FOR UPDATE \gset
\if :left >= 1
UPDATE offers SET remaining = remaining - 1 WHERE id = :offer;
UPDATE stations SET next_receipt = next_receipt + 1 WHERE id = :station
    RETURNING next_receipt - 1 AS seq, gen_random_uuid() AS oid \gset
INSERT INTO orders VALUES (':oid', :station, :seq, 2500);
INSERT INTO order_lines VALUES (':oid', :offer, 1);
UPDATE audit_heads SET seq = seq + 1, hash = sha256(hash || ':oid'::text::bytea)
    WHERE chain = :chain RETURNING seq AS aseq, hash AS ahash \gset
INSERT INTO audit_log VALUES (:chain, :aseq, ':oid', ':ahash');
\endif
COMMIT;
