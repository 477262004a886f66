-- A sale of an item without a stock limit, touching no offer row at all: the receipt number,
-- the order, its line and the audit entry. With global=1 every table appends to one festival
-- chain, whose head row then serialises every sale of the festival.
\set station (:client_id % 20) + 1
\set chain (1 - :global) * :station
BEGIN;
UPDATE stations SET next_receipt = next_receipt + 1 WHERE id = :station
    RETURNING next_receipt - 1 AS seq, gen_random_uuid() AS oid \gset
INSERT INTO orders VALUES (':oid', :station, :seq, 2500);
INSERT INTO order_lines VALUES (':oid', :offer, 1);
UPDATE audit_heads SET seq = seq + 1, hash = sha256(hash || ':oid'::text::bytea)
    WHERE chain = :chain RETURNING seq AS aseq, hash AS ahash \gset
INSERT INTO audit_log VALUES (:chain, :aseq, ':oid', ':ahash');
COMMIT;
