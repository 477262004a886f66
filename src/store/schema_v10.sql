-- Encore schema version 10: each station's shift is added up as it is sold.
--
-- A day-close used to add up every sale of the shift again: at 100 000 sales that is every
-- order, line and tender read once more. Now each sale adds its part to its shift's tally in
-- the sale's own transaction, and each refund corrects it in its own, so an X or Z report reads
-- a few dozen rows. The parts are made by the same rules as ever (each receipt's tax as it was
-- printed, each leg of a split where it was paid, each line's margin); a test adds the raw rows
-- up again and finds the same tally. Practice sales have no tally.
--
-- A shift is keyed by the receipt number it starts after: the station's last Z (0 before one).
-- Each figure is a sum, so two tallies merge by adding (the event report adds every shift).
--   figure   key                    n          a            b        c          d
--   sales    ''                     receipts   gross        tips     discounts  fees
--   method   cash | card | qr | …   payments   taken
--   rate     VAT in basis points               gross        VAT      net
--   minute   Unix seconds / 60      receipts   gross
--   offer    offer id               units      net revenue  margin             (title as last sold)
--   share    collaborator                      share
CREATE TABLE tallies (
    station_id      INTEGER NOT NULL REFERENCES stations(id),
    after_receipt   INTEGER NOT NULL,
    figure          TEXT NOT NULL
                    CHECK (figure IN ('sales', 'method', 'rate', 'minute', 'offer', 'share', 'stale')),
    key             TEXT NOT NULL,
    n               INTEGER NOT NULL DEFAULT 0,
    a               INTEGER NOT NULL DEFAULT 0,
    b               INTEGER NOT NULL DEFAULT 0,
    c               INTEGER NOT NULL DEFAULT 0,
    d               INTEGER NOT NULL DEFAULT 0,
    title           TEXT,
    PRIMARY KEY (station_id, after_receipt, figure, key)
) WITHOUT ROWID;

-- Each print of a receipt is counted: the first is the original, every later one says COPY.
ALTER TABLE orders ADD COLUMN receipt_prints INTEGER NOT NULL DEFAULT 0;

-- A sale marked as practice (or unmarked) after it was written leaves its shift's tally, or
-- comes back into it: the tally is marked stale here and added up again from the raw rows, by
-- the reports until the station's next sale or refund writes it anew.
CREATE TRIGGER tallies_training AFTER UPDATE OF training ON orders
    WHEN OLD.training <> NEW.training
     AND NOT EXISTS (SELECT 1 FROM stations WHERE id = NEW.station_id AND code LIKE 'T%')
BEGIN
    INSERT INTO tallies (station_id, after_receipt, figure, key)
    VALUES (NEW.station_id,
            (SELECT COALESCE(max(upto_receipt), 0) FROM z_reports
              WHERE station_id = NEW.station_id AND upto_receipt < NEW.receipt_seq),
            'stale', '')
    ON CONFLICT DO NOTHING;
END;

-- The queue holds the tickets still waiting, called or at the table; each lane's no-shows are
-- read apart, the latest few with the count of the rest (a fan back minutes after the call is
-- re-queued with one tap, one back hours later by their number), so a night of no-shows does
-- not slow every queue read and start.
CREATE INDEX tickets_in_queue ON tickets (event_id, lane, queue_pos, number)
    WHERE state IN ('waiting', 'called', 'serving');
CREATE INDEX tickets_no_shows ON tickets (event_id, lane, finished_at)
    WHERE state = 'no_show' AND requeued = 0;
DROP INDEX tickets_open;

-- Each member's orders are counted as they are bought, so finding a member at the table (twice
-- in a sale) does not count a regular's thousands of orders every time.
ALTER TABLE members ADD COLUMN order_count INTEGER NOT NULL DEFAULT 0;
UPDATE members SET order_count = (SELECT count(*) FROM orders o WHERE o.member_id = members.id);
CREATE TRIGGER members_order_count_insert AFTER INSERT ON orders
    WHEN NEW.member_id IS NOT NULL
BEGIN
    UPDATE members SET order_count = order_count + 1 WHERE id = NEW.member_id;
END;
CREATE TRIGGER members_order_count_update AFTER UPDATE OF member_id ON orders
    WHEN OLD.member_id IS NOT NEW.member_id
BEGIN
    UPDATE members SET order_count = order_count - 1 WHERE id = OLD.member_id;
    UPDATE members SET order_count = order_count + 1 WHERE id = NEW.member_id;
END;
CREATE TRIGGER members_order_count_delete AFTER DELETE ON orders
    WHEN OLD.member_id IS NOT NULL
BEGIN
    UPDATE members SET order_count = order_count - 1 WHERE id = OLD.member_id;
END;
