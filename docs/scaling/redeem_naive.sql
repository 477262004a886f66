-- store/claims.rs today: read the units left, check in the client, insert a redemption. Safe
-- under SQLite's IMMEDIATE lock; under READ COMMITTED nothing stops two tables doing it at once.
\set station (:client_id % 20) + 1
\set code random(1, :codes)
BEGIN;
SELECT c.quantity - coalesce(sum(r.units), 0) AS left
    FROM claims c LEFT JOIN redemptions r ON r.claim_id = c.id
    WHERE c.id = :code GROUP BY c.quantity \gset
\if :left >= 1
INSERT INTO redemptions (claim_id, units, station_id) VALUES (:code, 1, :station);
\endif
COMMIT;
