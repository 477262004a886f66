-- Encore schema version 3: the creator's back office. Event set-up (tax mode, rates, receipt
-- texts), the catalogue editor (tile look, variants, archive, cost per unit), bundles, discount
-- windows, cross-sells, tender fees and collaborator splits. Order lines keep what they were sold
-- with (title, price, VAT, discount, cost), so editing the catalogue never rewrites history.

ALTER TABLE events ADD COLUMN receipt_header TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN receipt_footer TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN terms TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN vat_rates TEXT NOT NULL DEFAULT '';   -- basis points, comma-separated
ALTER TABLE events ADD COLUMN closed_at INTEGER;                     -- set when another event opened

ALTER TABLE offers ADD COLUMN emoji TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN colour INTEGER;                        -- 0xRRGGBB, NULL = theme colour
ALTER TABLE offers ADD COLUMN variant_of INTEGER REFERENCES offers(id);
ALTER TABLE offers ADD COLUMN cost_minor INTEGER NOT NULL DEFAULT 0 CHECK (cost_minor >= 0);
ALTER TABLE offers ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;

-- A fixed set of offers sold together at one price; stock, claims and tickets follow the parts.
CREATE TABLE bundles (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events(id),
    title       TEXT NOT NULL,
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    emoji       TEXT NOT NULL DEFAULT '',
    sort        INTEGER NOT NULL DEFAULT 0,
    archived    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE bundle_parts (
    bundle_id INTEGER NOT NULL REFERENCES bundles(id),
    offer_id  INTEGER NOT NULL REFERENCES offers(id),
    qty       INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (bundle_id, offer_id)
);

-- Percent or amount off chosen offers between two instants, with an optional cap on uses.
CREATE TABLE discounts (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events(id),
    name         TEXT NOT NULL,
    percent_bp   INTEGER CHECK (percent_bp BETWEEN 1 AND 10000),
    amount_minor INTEGER CHECK (amount_minor > 0),
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    max_uses     INTEGER CHECK (max_uses > 0),
    archived     INTEGER NOT NULL DEFAULT 0,
    CHECK ((percent_bp IS NULL) <> (amount_minor IS NULL)),
    CHECK (ends_at > starts_at)
);
CREATE TABLE discount_offers (
    discount_id INTEGER NOT NULL REFERENCES discounts(id),
    offer_id    INTEGER NOT NULL REFERENCES offers(id),
    PRIMARY KEY (discount_id, offer_id)
);

-- Suggestions shown in the basket as one-tap additions when the offer is in it.
CREATE TABLE cross_sells (
    offer_id   INTEGER NOT NULL REFERENCES offers(id),
    suggest_id INTEGER NOT NULL REFERENCES offers(id),
    PRIMARY KEY (offer_id, suggest_id)
);

-- What each tender method costs the creator: percent (basis points) plus a fixed amount.
CREATE TABLE tender_fees (
    event_id    INTEGER NOT NULL REFERENCES events(id),
    kind        TEXT NOT NULL CHECK (kind IN ('cash', 'qr', 'card')),
    percent_bp  INTEGER NOT NULL DEFAULT 0 CHECK (percent_bp BETWEEN 0 AND 1000),
    fixed_minor INTEGER NOT NULL DEFAULT 0 CHECK (fixed_minor >= 0),
    PRIMARY KEY (event_id, kind)
);

-- An offer's revenue shared with collaborators; the creator keeps the rest.
CREATE TABLE offer_splits (
    offer_id     INTEGER NOT NULL REFERENCES offers(id),
    collaborator TEXT NOT NULL,
    percent_bp   INTEGER CHECK (percent_bp BETWEEN 1 AND 10000),
    fixed_minor  INTEGER CHECK (fixed_minor >= 0),
    PRIMARY KEY (offer_id, collaborator),
    CHECK ((percent_bp IS NULL) <> (fixed_minor IS NULL))
);

-- Each order's money as shared out when it was sold (net of VAT, tips shared like the lines).
CREATE TABLE order_splits (
    order_id     TEXT NOT NULL REFERENCES orders(id),
    collaborator TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    PRIMARY KEY (order_id, collaborator)
);

ALTER TABLE orders ADD COLUMN vat_mode TEXT NOT NULL DEFAULT 'inclusive'
    CHECK (vat_mode IN ('inclusive', 'exclusive'));
ALTER TABLE orders ADD COLUMN fee_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0 CHECK (discount_minor >= 0);
ALTER TABLE order_lines ADD COLUMN discount_id INTEGER REFERENCES discounts(id);
ALTER TABLE order_lines ADD COLUMN bundle_id INTEGER REFERENCES bundles(id);
ALTER TABLE order_lines ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN cost_minor INTEGER NOT NULL DEFAULT 0;

-- Fans are known by a salted hash of a phone number, e-mail or handle; the contact itself is
-- never stored. The salt is made once per database and never leaves it.
CREATE TABLE house (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    fan_salt BLOB NOT NULL CHECK (length(fan_salt) = 16)
);
INSERT INTO house (id, fan_salt) VALUES (1, randomblob(16));

-- Loyal fans across events: a member code for the QR card, credit to spend, priority tickets.
CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    code_number  INTEGER NOT NULL UNIQUE,   -- the M-XXXX-XXXX code as a number
    name         TEXT NOT NULL,
    fan_id       TEXT UNIQUE,               -- hashed contact, when one was given
    credit_minor INTEGER NOT NULL DEFAULT 0 CHECK (credit_minor >= 0),
    currency     TEXT NOT NULL,
    joined_at    INTEGER NOT NULL
);

ALTER TABLE orders ADD COLUMN fan_id TEXT;
ALTER TABLE orders ADD COLUMN member_id INTEGER REFERENCES members(id);
CREATE INDEX orders_fan ON orders (fan_id);

-- A membership pass: selling it makes the fan a member and adds this much credit.
ALTER TABLE offers ADD COLUMN pass_credit_minor INTEGER NOT NULL DEFAULT 0 CHECK (pass_credit_minor >= 0);

-- Member credit is a tender: the table is rebuilt to allow it.
CREATE TABLE tenders_v3 (
    order_id       TEXT NOT NULL REFERENCES orders(id),
    kind           TEXT NOT NULL CHECK (kind IN ('cash', 'qr', 'card', 'credit')),
    tendered_minor INTEGER NOT NULL,
    change_minor   INTEGER NOT NULL CHECK (change_minor >= 0),
    reference      TEXT
);
INSERT INTO tenders_v3 (rowid, order_id, kind, tendered_minor, change_minor, reference)
    SELECT rowid, order_id, kind, tendered_minor, change_minor, reference FROM tenders;
DROP TABLE tenders;
ALTER TABLE tenders_v3 RENAME TO tenders;
CREATE INDEX tenders_order ON tenders (order_id);

-- Lottery drops: fans enter until a set time, the draw records its seed (anyone can re-run it),
-- drawn fans get a buy code valid for a window; lapsed units roll to the next drawn fans.
CREATE TABLE lotteries (
    offer_id    INTEGER PRIMARY KEY REFERENCES offers(id),
    enter_until INTEGER NOT NULL,
    window_mins INTEGER NOT NULL CHECK (window_mins BETWEEN 1 AND 240),
    seed        TEXT CHECK (seed IS NULL OR length(seed) = 64),   -- 64 hex characters
    drawn_at    INTEGER,
    ended_at    INTEGER,          -- ended by the creator: what is left sells to anyone
    CHECK ((seed IS NULL) = (drawn_at IS NULL))
);
-- One entry per fan and drop; the buy code is given at entry, its place in the draw order later.
CREATE TABLE lottery_entries (
    offer_id    INTEGER NOT NULL REFERENCES lotteries(offer_id),
    fan_id      TEXT NOT NULL,
    code_number INTEGER NOT NULL UNIQUE,   -- the W-XXXXXX buy code as a number
    entered_at  INTEGER NOT NULL,
    draw_rank   INTEGER,                   -- 0 = drawn first; NULL until the draw
    PRIMARY KEY (offer_id, fan_id),
    UNIQUE (offer_id, draw_rank)
);
-- A drawn fan offered a unit: the window runs from offered_at; order_id once they bought it.
CREATE TABLE lottery_offers (
    offer_id   INTEGER NOT NULL,
    fan_id     TEXT NOT NULL,
    offered_at INTEGER NOT NULL,
    order_id   TEXT REFERENCES orders(id),
    PRIMARY KEY (offer_id, fan_id),
    FOREIGN KEY (offer_id, fan_id) REFERENCES lottery_entries(offer_id, fan_id)
);

-- What the receipt said when it was printed (event name, venue, header, footer, terms), so a
-- reprint after the creator edits the event says the same.
ALTER TABLE orders ADD COLUMN printed TEXT;

-- A discount's cap counts the units sold under it at every sale: find them without a scan.
CREATE INDEX order_lines_discount ON order_lines (discount_id) WHERE discount_id IS NOT NULL;
