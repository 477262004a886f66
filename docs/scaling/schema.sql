-- A pared-down Encore schema on PostgreSQL: just what a sale and a redemption touch.
-- Twenty tables (hubs) share one festival event; each table has one station row here.
-- Loaded fresh before every run by run.sh (variables: units, codes).
DROP TABLE IF EXISTS allotments, audit_log, audit_heads, redemptions, claims, order_lines, orders,
    stations, offers CASCADE;

CREATE TABLE offers (
    id        bigint PRIMARY KEY,
    title     text NOT NULL,
    remaining integer CHECK (remaining IS NULL OR remaining >= 0)  -- NULL: no stock limit
);
-- A drop's stock split into per-table allotments: each table takes from its own row.
CREATE TABLE allotments (
    offer_id   bigint NOT NULL,
    station_id bigint NOT NULL,
    remaining  integer NOT NULL CHECK (remaining >= 0),
    PRIMARY KEY (offer_id, station_id)
);
CREATE TABLE stations (
    id           bigint PRIMARY KEY,   -- one per table in this prototype
    code         text NOT NULL UNIQUE, -- festival-unique: K1..K255 allotted across tables
    next_receipt integer NOT NULL DEFAULT 1
);
CREATE TABLE orders (
    id          uuid PRIMARY KEY,      -- client-made, so a retried sale is the same sale
    station_id  bigint NOT NULL REFERENCES stations(id),
    receipt_seq integer NOT NULL,
    total_minor bigint NOT NULL,
    UNIQUE (station_id, receipt_seq)
);
CREATE TABLE order_lines (
    order_id uuid NOT NULL REFERENCES orders(id),
    offer_id bigint NOT NULL REFERENCES offers(id),
    qty      integer NOT NULL CHECK (qty > 0)
);
CREATE TABLE claims (
    id        bigint PRIMARY KEY,
    quantity  integer NOT NULL,
    redeemed  integer NOT NULL DEFAULT 0   -- the counter the conditional UPDATE guards
);
CREATE TABLE redemptions (
    id         bigserial PRIMARY KEY,
    claim_id   bigint NOT NULL REFERENCES claims(id),
    units      integer NOT NULL,
    station_id bigint NOT NULL
);
-- One hash chain per table (chain = station here) or one for the whole festival (chain 0).
CREATE TABLE audit_heads (
    chain bigint PRIMARY KEY,
    seq   bigint NOT NULL,
    hash  bytea NOT NULL
);
CREATE TABLE audit_log (
    chain   bigint NOT NULL,
    seq     bigint NOT NULL,
    subject text NOT NULL,
    hash    bytea NOT NULL,
    PRIMARY KEY (chain, seq)
);

INSERT INTO offers VALUES (1, 'Signed vinyl drop', :units), (2, 'Tote bag', NULL);
INSERT INTO stations (id, code) SELECT g, 'K' || g FROM generate_series(1, 20) g;
INSERT INTO allotments SELECT 1, g, :units / 20 FROM generate_series(1, 20) g;
INSERT INTO claims (id, quantity) SELECT g, 1 FROM generate_series(1, :codes) g;
INSERT INTO audit_heads SELECT g, 0, '\x00'::bytea FROM generate_series(0, 20) g;
