-- Encore schema version 2: claim keys with rotation and validity ends; partial, undoable
-- redemptions with a hand-over step; queue priority, serving, re-queue, undo and settings.

CREATE TABLE claim_keys (
    event_id    INTEGER NOT NULL REFERENCES events(id),
    key_id      INTEGER NOT NULL CHECK (key_id BETWEEN 0 AND 15),
    signing_key BLOB NOT NULL CHECK (length(signing_key) = 32),
    created_at  INTEGER NOT NULL,
    retired_at  INTEGER,                  -- codes it signed still verify; new codes use a newer key
    PRIMARY KEY (event_id, key_id)
);
INSERT INTO claim_keys (event_id, key_id, signing_key, created_at)
    SELECT id, 0, signing_key, created_at FROM events;

ALTER TABLE events ADD COLUMN claim_valid_hours INTEGER NOT NULL DEFAULT 48 CHECK (claim_valid_hours > 0);
ALTER TABLE events ADD COLUMN queue_fairness INTEGER NOT NULL DEFAULT 3 CHECK (queue_fairness > 0);
ALTER TABLE events ADD COLUMN queue_grace_secs INTEGER NOT NULL DEFAULT 120 CHECK (queue_grace_secs >= 0);
ALTER TABLE events ADD COLUMN queue_requeue_places INTEGER NOT NULL DEFAULT 3 CHECK (queue_requeue_places >= 0);

ALTER TABLE claims ADD COLUMN key_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN valid_until INTEGER;    -- unix seconds; NULL for format 1 codes
ALTER TABLE claims ADD COLUMN revoked_units INTEGER NOT NULL DEFAULT 0;  -- refunded units of a multi-unit code

-- An add-on that makes a gig ticket of the same order a priority ticket (one per unit).
ALTER TABLE offers ADD COLUMN grants_priority INTEGER NOT NULL DEFAULT 0;

-- The cash part of each refund (split payments go back cash first), for the drawer.
ALTER TABLE refunds ADD COLUMN cash_minor INTEGER NOT NULL DEFAULT 0 CHECK (cash_minor >= 0);
UPDATE refunds SET cash_minor = amount_minor
    WHERE EXISTS (SELECT 1 FROM tenders t WHERE t.order_id = refunds.order_id AND t.kind = 'cash');

-- A redemption takes some units of a claim (partial redemption); a drop unit is first held for
-- the fan, then handed over; undone rows stay for the log. Units left = quantity − live units,
-- checked inside one immediate transaction.
CREATE TABLE redemptions_v2 (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims(id),
    units       INTEGER NOT NULL CHECK (units > 0),
    state       TEXT NOT NULL CHECK (state IN ('held', 'handed')),
    redeemed_at INTEGER NOT NULL,
    station     TEXT NOT NULL,
    helper      TEXT NOT NULL DEFAULT '',
    handed_at   INTEGER,
    undone_at   INTEGER
);
INSERT INTO redemptions_v2 (claim_id, units, state, redeemed_at, station, handed_at)
    SELECT r.claim_id, c.quantity, 'handed', r.redeemed_at, r.station, r.redeemed_at
    FROM redemptions r JOIN claims c ON c.id = r.claim_id;
DROP TABLE redemptions;
ALTER TABLE redemptions_v2 RENAME TO redemptions;
CREATE INDEX redemptions_claim ON redemptions (claim_id);

-- Tickets gain the serving state, priority, one re-queue, a sort position and a one-step undo.
CREATE TABLE tickets_v2 (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events(id),
    lane        TEXT NOT NULL,
    number      INTEGER NOT NULL,
    offer_id    INTEGER NOT NULL REFERENCES offers(id),
    order_id    TEXT NOT NULL REFERENCES orders(id),
    claim_id    INTEGER REFERENCES claims(id),
    state       TEXT NOT NULL CHECK (state IN ('waiting', 'called', 'serving', 'done', 'no_show', 'cancelled')),
    paid_at     INTEGER NOT NULL,
    called_at   INTEGER,
    call_seq    INTEGER,                      -- order of calls in the event, for the fairness rule
    serving_at  INTEGER,
    finished_at INTEGER,
    priority    INTEGER NOT NULL DEFAULT 0,
    requeued    INTEGER NOT NULL DEFAULT 0,
    queue_pos   INTEGER NOT NULL,             -- service order within the lane
    prev_state  TEXT,                         -- for undo
    moved_at    INTEGER,
    moved_by    TEXT,
    UNIQUE (event_id, lane, number)
);
INSERT INTO tickets_v2 (id, event_id, lane, number, offer_id, order_id, claim_id, state, paid_at,
                        called_at, call_seq, finished_at, queue_pos)
    SELECT id, event_id, lane, number, offer_id, order_id, claim_id, state, paid_at,
           called_at, CASE WHEN called_at IS NOT NULL THEN id END, finished_at, number * 1024
    FROM tickets;
DROP TABLE tickets;
ALTER TABLE tickets_v2 RENAME TO tickets;
CREATE INDEX tickets_order ON tickets (order_id);
CREATE INDEX tickets_pos ON tickets (event_id, lane, queue_pos);
