-- The port: a counter on the claim row taken by a conditional UPDATE, the redemption row only
-- when it took. Exactly once however many tables scan the same code.
\set station (:client_id % 20) + 1
\set code random(1, :codes)
BEGIN;
WITH t AS (UPDATE claims SET redeemed = redeemed + 1
           WHERE id = :code AND redeemed + 1 <= quantity RETURNING 1)
SELECT count(*) AS took FROM t \gset
\if :took
INSERT INTO redemptions (claim_id, units, station_id) VALUES (:code, 1, :station);
\endif
COMMIT;
