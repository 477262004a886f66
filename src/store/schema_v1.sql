-- Encore schema version 1. Instants are UTC unix seconds; money is integer minor units.

CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    venue           TEXT NOT NULL,
    time_zone       TEXT NOT NULL,
    currency        TEXT NOT NULL,
    prices_include_vat INTEGER NOT NULL DEFAULT 1,
    hold_secs       INTEGER NOT NULL DEFAULT 300 CHECK (hold_secs > 0),
    payment_profile TEXT,                 -- JSON PaymentProfile
    signing_key     BLOB NOT NULL CHECK (length(signing_key) = 32),
    is_open         INTEGER NOT NULL DEFAULT 0,
    is_demo         INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);

CREATE TABLE stations (
    id                INTEGER PRIMARY KEY,   -- the station number inside claim codes
    event_id          INTEGER NOT NULL REFERENCES events(id),
    code              TEXT NOT NULL,         -- K1, K2 …
    next_receipt      INTEGER NOT NULL DEFAULT 1,
    next_claim_serial INTEGER NOT NULL DEFAULT 1,
    next_refund       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (event_id, code)
);

CREATE TABLE offers (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events(id),
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('gig', 'drop', 'item')),
    price_minor   INTEGER NOT NULL CHECK (price_minor >= 0),
    vat_bp        INTEGER NOT NULL CHECK (vat_bp >= 0),
    duration_mins INTEGER,
    capacity      INTEGER,
    stock         INTEGER,
    go_live_at    INTEGER,
    close_at      INTEGER,
    per_fan_limit INTEGER,
    remaining     INTEGER CHECK (remaining IS NULL OR remaining >= 0),
    lane          TEXT,
    sort          INTEGER NOT NULL DEFAULT 0
);

-- Units reserved for a payment in progress; already taken from offers.remaining, given back
-- when the payment is cancelled or the hold expires.
CREATE TABLE holds (
    checkout_id TEXT NOT NULL,            -- the order id the sale will use
    offer_id    INTEGER NOT NULL REFERENCES offers(id),
    qty         INTEGER NOT NULL CHECK (qty > 0),
    expires_at  INTEGER NOT NULL,
    station     TEXT NOT NULL,
    PRIMARY KEY (checkout_id, offer_id)
);
CREATE INDEX holds_expiry ON holds (expires_at);

CREATE TABLE orders (
    id          TEXT PRIMARY KEY,             -- UUIDv7 chosen by the station: retries are idempotent
    event_id    INTEGER NOT NULL REFERENCES events(id),
    station_id  INTEGER NOT NULL REFERENCES stations(id),
    receipt_seq INTEGER NOT NULL,
    payment_ref TEXT NOT NULL UNIQUE,
    total_minor INTEGER NOT NULL,
    tip_minor   INTEGER NOT NULL DEFAULT 0 CHECK (tip_minor >= 0),  -- kept apart from sales and VAT
    currency    TEXT NOT NULL,
    paid_at     INTEGER NOT NULL,
    UNIQUE (station_id, receipt_seq)
);

CREATE TABLE order_lines (
    order_id         TEXT NOT NULL REFERENCES orders(id),
    line_no          INTEGER NOT NULL,
    offer_id         INTEGER NOT NULL REFERENCES offers(id),
    title            TEXT NOT NULL,
    unit_price_minor INTEGER NOT NULL,
    vat_bp           INTEGER NOT NULL,
    qty              INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE tenders (
    order_id       TEXT NOT NULL REFERENCES orders(id),
    kind           TEXT NOT NULL CHECK (kind IN ('cash', 'qr', 'card')),
    tendered_minor INTEGER NOT NULL,
    change_minor   INTEGER NOT NULL CHECK (change_minor >= 0),
    reference      TEXT                   -- card terminal transaction reference
);
CREATE INDEX tenders_order ON tenders (order_id);

CREATE TABLE claims (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    order_id   TEXT NOT NULL REFERENCES orders(id),
    offer_id   INTEGER NOT NULL REFERENCES offers(id),
    station_id INTEGER NOT NULL REFERENCES stations(id),
    serial     INTEGER NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    revoked_at INTEGER,                   -- set by a refund: the code is refused from then on
    UNIQUE (station_id, serial)
);
CREATE INDEX claims_order ON claims (order_id);

-- One row per claim at most: the primary key is what makes redemption exactly-once.
CREATE TABLE redemptions (
    claim_id    INTEGER PRIMARY KEY REFERENCES claims(id),
    redeemed_at INTEGER NOT NULL,
    station     TEXT NOT NULL
);

CREATE TABLE tickets (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events(id),
    lane        TEXT NOT NULL,
    number      INTEGER NOT NULL,
    offer_id    INTEGER NOT NULL REFERENCES offers(id),
    order_id    TEXT NOT NULL REFERENCES orders(id),
    claim_id    INTEGER REFERENCES claims(id),
    state       TEXT NOT NULL CHECK (state IN ('waiting', 'called', 'done', 'no_show', 'cancelled')),
    paid_at     INTEGER NOT NULL,
    called_at   INTEGER,
    finished_at INTEGER,
    UNIQUE (event_id, lane, number)
);
CREATE INDEX tickets_order ON tickets (order_id);

CREATE TABLE refunds (
    id          INTEGER PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders(id),
    station_id  INTEGER NOT NULL REFERENCES stations(id),
    refund_seq  INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    reason      TEXT NOT NULL,
    refunded_at INTEGER NOT NULL,
    UNIQUE (station_id, refund_seq)
);
CREATE INDEX refunds_order ON refunds (order_id);

CREATE TABLE refund_lines (
    refund_id INTEGER NOT NULL REFERENCES refunds(id),
    line_no   INTEGER NOT NULL,           -- the order line refunded
    qty       INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (refund_id, line_no)
);

-- A cash drawer session per station: opening float, cash in/out, count at close.
CREATE TABLE drawer_sessions (
    id            INTEGER PRIMARY KEY,
    station_id    INTEGER NOT NULL REFERENCES stations(id),
    opened_at     INTEGER NOT NULL,
    float_minor   INTEGER NOT NULL CHECK (float_minor >= 0),
    closed_at     INTEGER,
    counted_minor INTEGER,
    expected_minor INTEGER
);
CREATE UNIQUE INDEX drawer_open ON drawer_sessions (station_id) WHERE closed_at IS NULL;

CREATE TABLE drawer_moves (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES drawer_sessions(id),
    at           INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor <> 0),   -- + cash in, - cash out
    reason       TEXT NOT NULL
);

-- One PIN per role (creator, helper), stored as an Argon2id PHC string.
CREATE TABLE pins (
    event_id INTEGER NOT NULL REFERENCES events(id),
    role     TEXT NOT NULL CHECK (role IN ('creator', 'helper')),
    hash     TEXT NOT NULL,
    PRIMARY KEY (event_id, role)
);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    station TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL                -- JSON
);
