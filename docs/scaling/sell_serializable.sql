-- The same sale as a plain read-check-write under SERIALIZABLE, no row lock: PostgreSQL aborts
-- the loser of each race (40001) and pgbench retries it (--max-tries).
\set station (:client_id % 20) + 1
\set chain (1 - :global) * :station
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT coalesce(remaining, 1000000) AS left FROM offers WHERE id = :offer \gset
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
