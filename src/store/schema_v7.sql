-- Encore schema version 7: the table's network. Helpers' phones pair with the hub and become
-- stations (P1, P2 …) with a revocable token; a pairing token is good once, for two minutes.
-- Only hashes of tokens are kept: a copied database cannot sign a phone in.
ALTER TABLE stations ADD COLUMN token_hash TEXT;
ALTER TABLE stations ADD COLUMN helper_name TEXT NOT NULL DEFAULT '';
ALTER TABLE stations ADD COLUMN paired_at INTEGER;
ALTER TABLE stations ADD COLUMN revoked_at INTEGER;
CREATE UNIQUE INDEX stations_token ON stations (token_hash) WHERE token_hash IS NOT NULL;

CREATE TABLE pairing_tokens (
    token_hash TEXT PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES events(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    station_id INTEGER REFERENCES stations(id)   -- set when a phone used it
);

-- The hub's secret signs fans' links (an order's page needs no stored token), and the address
-- it last served on is what receipts print.
CREATE TABLE hub (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    secret BLOB NOT NULL CHECK (length(secret) = 32),
    url    TEXT NOT NULL DEFAULT ''
);
INSERT INTO hub (id, secret) VALUES (1, randomblob(32));

-- A phone's write carries a client id: the first one is done, a retry is answered from here.
CREATE TABLE client_requests (
    station_id INTEGER NOT NULL REFERENCES stations(id),
    client_id  TEXT NOT NULL,
    at         INTEGER NOT NULL,
    reply      TEXT,
    PRIMARY KEY (station_id, client_id)
) WITHOUT ROWID;
