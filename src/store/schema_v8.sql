-- Encore schema version 8: each drawer session keeps its cash figures as running totals.
--
-- The drawer's status is read every second and at start; summing every cash sale of the open
-- session made it grow with the night. The totals are kept by triggers, so the sale, the
-- refund, the practice-sale mark or the move that changes them writes them in its own
-- transaction, whatever path wrote the row. They mean exactly what the sums meant: cash
-- tenders of the station's real orders paid from the opening to the close (or on, while it
-- is open), cash given back by the station's refunds of real orders in the same span, and
-- the moves of the session.
ALTER TABLE drawer_sessions ADD COLUMN cash_sales_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE drawer_sessions ADD COLUMN cash_refunds_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE drawer_sessions ADD COLUMN moves_in_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE drawer_sessions ADD COLUMN moves_out_minor INTEGER NOT NULL DEFAULT 0;

-- A session's span is looked up by station and time: a sale paid after the opening by a clock
-- that jumped, or the tail cut off by a close, is found without reading the night.
CREATE INDEX orders_station_paid ON orders (station_id, paid_at);
CREATE INDEX refunds_station_at ON refunds (station_id, refunded_at);
CREATE INDEX drawer_sessions_station ON drawer_sessions (station_id, opened_at);

-- The sums of one session over its span, from the rows (the migration's fill, and any change
-- of a span other than the close).
CREATE VIEW drawer_recount AS
SELECT d.id AS session_id,
       (SELECT COALESCE(sum(t.tendered_minor - t.change_minor), 0)
          FROM orders o JOIN tenders t ON t.order_id = o.id
         WHERE o.station_id = d.station_id AND o.training = 0 AND t.kind = 'cash'
           AND o.paid_at >= d.opened_at AND o.paid_at <= COALESCE(d.closed_at, 9223372036854775807)
       ) AS cash_sales,
       (SELECT COALESCE(sum(r.cash_minor), 0)
          FROM refunds r JOIN orders o ON o.id = r.order_id
         WHERE r.station_id = d.station_id AND o.training = 0
           AND r.refunded_at >= d.opened_at AND r.refunded_at <= COALESCE(d.closed_at, 9223372036854775807)
       ) AS cash_refunds,
       (SELECT COALESCE(sum(max(m.amount_minor, 0)), 0) FROM drawer_moves m WHERE m.session_id = d.id)
           AS moves_in,
       (SELECT COALESCE(sum(max(-m.amount_minor, 0)), 0) FROM drawer_moves m WHERE m.session_id = d.id)
           AS moves_out
  FROM drawer_sessions d;

UPDATE drawer_sessions SET
    cash_sales_minor = (SELECT cash_sales FROM drawer_recount WHERE session_id = drawer_sessions.id),
    cash_refunds_minor = (SELECT cash_refunds FROM drawer_recount WHERE session_id = drawer_sessions.id),
    moves_in_minor = (SELECT moves_in FROM drawer_recount WHERE session_id = drawer_sessions.id),
    moves_out_minor = (SELECT moves_out FROM drawer_recount WHERE session_id = drawer_sessions.id);

-- A cash leg of a sale counts in every session of its station whose span holds the payment.
CREATE TRIGGER drawer_cash_sale AFTER INSERT ON tenders WHEN NEW.kind = 'cash'
BEGIN
    UPDATE drawer_sessions
       SET cash_sales_minor = cash_sales_minor + NEW.tendered_minor - NEW.change_minor
     WHERE id IN (SELECT d.id FROM orders o JOIN drawer_sessions d ON d.station_id = o.station_id
                   WHERE o.id = NEW.order_id AND o.training = 0 AND d.opened_at <= o.paid_at
                     AND (d.closed_at IS NULL OR d.closed_at >= o.paid_at));
END;

-- A practice sale is marked after its rows are written: its cash (and any refund of it) leaves.
CREATE TRIGGER drawer_training_mark AFTER UPDATE OF training ON orders
    WHEN OLD.training IS NOT NEW.training
BEGIN
    UPDATE drawer_sessions
       SET cash_sales_minor = cash_sales_minor
           + (CASE WHEN NEW.training = 0 THEN 1 ELSE -1 END)
           * (SELECT COALESCE(sum(t.tendered_minor - t.change_minor), 0) FROM tenders t
               WHERE t.order_id = NEW.id AND t.kind = 'cash')
     WHERE station_id = NEW.station_id AND opened_at <= NEW.paid_at
       AND (closed_at IS NULL OR closed_at >= NEW.paid_at);
    UPDATE drawer_sessions
       SET cash_refunds_minor = cash_refunds_minor
           + (CASE WHEN NEW.training = 0 THEN 1 ELSE -1 END)
           * (SELECT COALESCE(sum(r.cash_minor), 0) FROM refunds r
               WHERE r.order_id = NEW.id AND r.station_id = drawer_sessions.station_id
                 AND r.refunded_at >= drawer_sessions.opened_at
                 AND (drawer_sessions.closed_at IS NULL OR r.refunded_at <= drawer_sessions.closed_at))
     WHERE station_id IN (SELECT r.station_id FROM refunds r WHERE r.order_id = NEW.id);
END;

-- Cash given back by a refund leaves every session of the refunding station that holds it.
CREATE TRIGGER drawer_cash_refund AFTER INSERT ON refunds
BEGIN
    UPDATE drawer_sessions SET cash_refunds_minor = cash_refunds_minor + NEW.cash_minor
     WHERE station_id = NEW.station_id AND opened_at <= NEW.refunded_at
       AND (closed_at IS NULL OR closed_at >= NEW.refunded_at)
       AND (SELECT training FROM orders WHERE id = NEW.order_id) = 0;
END;

-- Cash put in or taken out by hand.
CREATE TRIGGER drawer_cash_move AFTER INSERT ON drawer_moves
BEGIN
    UPDATE drawer_sessions
       SET moves_in_minor = moves_in_minor + max(NEW.amount_minor, 0),
           moves_out_minor = moves_out_minor + max(-NEW.amount_minor, 0)
     WHERE id = NEW.session_id;
END;

-- A new session starts with what its span already holds (nothing, unless a clock jumped back).
CREATE TRIGGER drawer_session_open AFTER INSERT ON drawer_sessions
BEGIN
    UPDATE drawer_sessions SET
        cash_sales_minor = (SELECT cash_sales FROM drawer_recount WHERE session_id = NEW.id),
        cash_refunds_minor = (SELECT cash_refunds FROM drawer_recount WHERE session_id = NEW.id),
        moves_in_minor = (SELECT moves_in FROM drawer_recount WHERE session_id = NEW.id),
        moves_out_minor = (SELECT moves_out FROM drawer_recount WHERE session_id = NEW.id)
     WHERE id = NEW.id;
END;

-- The close ends the span: what was paid after it (a clock that jumped back) leaves.
CREATE TRIGGER drawer_session_close AFTER UPDATE OF closed_at ON drawer_sessions
    WHEN OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL
BEGIN
    UPDATE drawer_sessions SET
        cash_sales_minor = cash_sales_minor
            - (SELECT COALESCE(sum(t.tendered_minor - t.change_minor), 0)
                 FROM orders o JOIN tenders t ON t.order_id = o.id
                WHERE o.station_id = NEW.station_id AND o.training = 0 AND t.kind = 'cash'
                  AND o.paid_at > NEW.closed_at AND o.paid_at >= NEW.opened_at),
        cash_refunds_minor = cash_refunds_minor
            - (SELECT COALESCE(sum(r.cash_minor), 0) FROM refunds r JOIN orders o ON o.id = r.order_id
                WHERE r.station_id = NEW.station_id AND o.training = 0
                  AND r.refunded_at > NEW.closed_at AND r.refunded_at >= NEW.opened_at)
     WHERE id = NEW.id;
END;

-- Any other change of a span (none is made today) counts the session again from its rows.
CREATE TRIGGER drawer_session_span AFTER UPDATE OF opened_at, closed_at, station_id ON drawer_sessions
    WHEN NOT (OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL AND OLD.opened_at = NEW.opened_at
              AND OLD.station_id = NEW.station_id)
         AND (OLD.opened_at IS NOT NEW.opened_at OR OLD.closed_at IS NOT NEW.closed_at
              OR OLD.station_id IS NOT NEW.station_id)
BEGIN
    UPDATE drawer_sessions SET
        cash_sales_minor = (SELECT cash_sales FROM drawer_recount WHERE session_id = NEW.id),
        cash_refunds_minor = (SELECT cash_refunds FROM drawer_recount WHERE session_id = NEW.id)
     WHERE id = NEW.id;
END;

-- A station's shift is a range of its receipt numbers. The rows a report reads of each sale
-- carry the sale's station and receipt number (NULL for a practice sale, so it stays out),
-- and covering indexes over them let a report read a shift as one range of each index rather
-- than one look-up per order by its id. Triggers fill them on every path a row is written.
ALTER TABLE order_lines ADD COLUMN shift_station INTEGER;
ALTER TABLE order_lines ADD COLUMN shift_seq INTEGER;
ALTER TABLE tenders ADD COLUMN shift_station INTEGER;
ALTER TABLE tenders ADD COLUMN shift_seq INTEGER;
ALTER TABLE claims ADD COLUMN shift_station INTEGER;
ALTER TABLE claims ADD COLUMN shift_seq INTEGER;
ALTER TABLE tickets ADD COLUMN shift_station INTEGER;
ALTER TABLE tickets ADD COLUMN shift_seq INTEGER;
ALTER TABLE order_splits ADD COLUMN shift_station INTEGER;
ALTER TABLE order_splits ADD COLUMN shift_seq INTEGER;

UPDATE order_lines SET (shift_station, shift_seq) =
    (SELECT o.station_id, o.receipt_seq FROM orders o WHERE o.id = order_lines.order_id AND o.training = 0);
UPDATE tenders SET (shift_station, shift_seq) =
    (SELECT o.station_id, o.receipt_seq FROM orders o WHERE o.id = tenders.order_id AND o.training = 0);
UPDATE claims SET (shift_station, shift_seq) =
    (SELECT o.station_id, o.receipt_seq FROM orders o WHERE o.id = claims.order_id AND o.training = 0);
UPDATE tickets SET (shift_station, shift_seq) =
    (SELECT o.station_id, o.receipt_seq FROM orders o WHERE o.id = tickets.order_id AND o.training = 0);
UPDATE order_splits SET (shift_station, shift_seq) =
    (SELECT o.station_id, o.receipt_seq FROM orders o WHERE o.id = order_splits.order_id AND o.training = 0);

CREATE INDEX orders_shift ON orders
    (station_id, receipt_seq, training, event_id, paid_at, total_minor, tip_minor, fee_minor, vat_mode);
CREATE INDEX order_lines_shift ON order_lines
    (shift_station, shift_seq, vat_bp, unit_price_minor, qty, discount_minor, offer_id, line_no, cost_minor, title);
CREATE INDEX tenders_shift ON tenders (shift_station, shift_seq, kind, tendered_minor, change_minor);
CREATE INDEX claims_shift ON claims (shift_station, shift_seq, quantity, revoked_units);
CREATE INDEX redemptions_units ON redemptions (claim_id, undone_at, units);
CREATE INDEX tickets_shift ON tickets
    (shift_station, shift_seq, state, paid_at, called_at, serving_at, finished_at);
CREATE INDEX order_splits_shift ON order_splits (shift_station, shift_seq, collaborator, amount_minor);

CREATE TRIGGER order_lines_shift AFTER INSERT ON order_lines
BEGIN
    UPDATE order_lines SET (shift_station, shift_seq) =
        (SELECT o.station_id, o.receipt_seq FROM orders o WHERE o.id = NEW.order_id AND o.training = 0)
     WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER tenders_shift AFTER INSERT ON tenders
BEGIN
    UPDATE tenders SET (shift_station, shift_seq) =
        (SELECT o.station_id, o.receipt_seq FROM orders o WHERE o.id = NEW.order_id AND o.training = 0)
     WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER claims_shift AFTER INSERT ON claims
BEGIN
    UPDATE claims SET (shift_station, shift_seq) =
        (SELECT o.station_id, o.receipt_seq FROM orders o WHERE o.id = NEW.order_id AND o.training = 0)
     WHERE id = NEW.id;
END;
CREATE TRIGGER tickets_shift AFTER INSERT ON tickets
BEGIN
    UPDATE tickets SET (shift_station, shift_seq) =
        (SELECT o.station_id, o.receipt_seq FROM orders o WHERE o.id = NEW.order_id AND o.training = 0)
     WHERE id = NEW.id;
END;
CREATE TRIGGER order_splits_shift AFTER INSERT ON order_splits
BEGIN
    UPDATE order_splits SET (shift_station, shift_seq) =
        (SELECT o.station_id, o.receipt_seq FROM orders o WHERE o.id = NEW.order_id AND o.training = 0)
     WHERE rowid = NEW.rowid;
END;

-- A practice sale is marked after its rows are written: they leave the shift (or come back).
CREATE TRIGGER orders_shift_training AFTER UPDATE OF training ON orders
    WHEN OLD.training IS NOT NEW.training
BEGIN
    UPDATE order_lines SET shift_station = iif(NEW.training = 0, NEW.station_id, NULL),
                           shift_seq = iif(NEW.training = 0, NEW.receipt_seq, NULL)
     WHERE order_id = NEW.id;
    UPDATE tenders SET shift_station = iif(NEW.training = 0, NEW.station_id, NULL),
                       shift_seq = iif(NEW.training = 0, NEW.receipt_seq, NULL)
     WHERE order_id = NEW.id;
    UPDATE claims SET shift_station = iif(NEW.training = 0, NEW.station_id, NULL),
                      shift_seq = iif(NEW.training = 0, NEW.receipt_seq, NULL)
     WHERE order_id = NEW.id;
    UPDATE tickets SET shift_station = iif(NEW.training = 0, NEW.station_id, NULL),
                       shift_seq = iif(NEW.training = 0, NEW.receipt_seq, NULL)
     WHERE order_id = NEW.id;
    UPDATE order_splits SET shift_station = iif(NEW.training = 0, NEW.station_id, NULL),
                            shift_seq = iif(NEW.training = 0, NEW.receipt_seq, NULL)
     WHERE order_id = NEW.id;
END;
