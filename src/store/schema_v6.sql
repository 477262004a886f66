-- Encore schema version 6: day close, the night's telemetry, invoices and training.

-- A Z report closes a station's shift: numbered per station, stored once, never changed.
ALTER TABLE stations ADD COLUMN next_z INTEGER NOT NULL DEFAULT 1;
CREATE TABLE z_reports (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events(id),
    station_id      INTEGER NOT NULL REFERENCES stations(id),
    z_no            INTEGER NOT NULL CHECK (z_no > 0),
    from_at         INTEGER NOT NULL,       -- the period: after the previous Z …
    closed_at       INTEGER NOT NULL,       -- … up to this close
    upto_receipt    INTEGER NOT NULL,       -- the last receipt seq, refund seq and drawer move
    upto_refund     INTEGER NOT NULL,       -- it covers: the next Z starts after them
    upto_move       INTEGER NOT NULL,
    report          TEXT NOT NULL,          -- JSON: every figure as it was printed
    printed         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (station_id, z_no)
);
CREATE TRIGGER z_reports_no_update BEFORE UPDATE OF id, event_id, station_id, z_no, from_at,
    closed_at, upto_receipt, upto_refund, upto_move, report ON z_reports
    BEGIN SELECT RAISE(ABORT, 'a closed Z report never changes'); END;
CREATE TRIGGER z_reports_no_delete BEFORE DELETE ON z_reports
    BEGIN SELECT RAISE(ABORT, 'a closed Z report never changes'); END;

-- Who approved a refund (the audit stamp), for the day close.
ALTER TABLE refunds ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';

-- Bank statement credits as imported, so a report can say which QR payments arrived.
CREATE TABLE statement_credits (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events(id),
    amount_minor INTEGER NOT NULL,
    remittance   TEXT NOT NULL,
    booked       TEXT NOT NULL,             -- the statement's own date text
    debtor       TEXT NOT NULL,
    imported_at  INTEGER NOT NULL,
    UNIQUE (event_id, amount_minor, remittance, booked, debtor)
);

-- Every payment started at a till and how it ended: QR conversion on the dashboard.
CREATE TABLE checkouts (
    id           TEXT PRIMARY KEY,          -- the checkout id, which the sale's order id reuses
    event_id     INTEGER NOT NULL REFERENCES events(id),
    station_id   INTEGER NOT NULL REFERENCES stations(id),
    tender       TEXT NOT NULL CHECK (tender IN ('cash', 'qr', 'card', 'credit')),
    amount_minor INTEGER NOT NULL,
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER,
    outcome      TEXT CHECK (outcome IN ('paid', 'cancelled', 'expired'))
);
CREATE INDEX checkouts_event ON checkouts (event_id, started_at);

-- An A4 invoice for a buyer who asks; reprints say COPY.
CREATE TABLE invoices (
    order_id      TEXT PRIMARY KEY REFERENCES orders(id),
    buyer_name    TEXT NOT NULL,
    buyer_address TEXT NOT NULL,
    issued_at     INTEGER NOT NULL,
    printed       INTEGER NOT NULL DEFAULT 0
);

-- Training mode: a station sells for practice; its orders stay out of every figure.
ALTER TABLE stations ADD COLUMN training INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN training INTEGER NOT NULL DEFAULT 0;

-- Finding a receipt at once, and the night by time.
CREATE INDEX orders_paid ON orders (event_id, paid_at);
CREATE INDEX orders_total ON orders (event_id, total_minor);
CREATE INDEX order_lines_offer ON order_lines (offer_id);
CREATE INDEX tenders_reference ON tenders (reference) WHERE reference IS NOT NULL;
CREATE INDEX refunds_station ON refunds (station_id, refund_seq);
CREATE INDEX tickets_finished ON tickets (event_id, finished_at);
