-- Encore schema version 9: a long night costs what a short one does: the queue is read from
-- the tickets still in it, and a member's orders are counted by an index.
--
-- The kiosk reads its lanes at start and after every change: the open tickets, the lane's
-- last calls (for the fairness rule) and its last finished tickets (for the wait estimate).
-- Each had to step over every ticket of the night, and so did each call for its call number;
-- these indexes hold only the rows each read wants, in the order it wants them, so a long
-- night costs what a short one does.
CREATE INDEX tickets_open ON tickets (event_id, lane, queue_pos, number)
    WHERE state IN ('waiting', 'called', 'serving') OR (state = 'no_show' AND requeued = 0);
CREATE INDEX tickets_calls ON tickets (event_id, lane, call_seq, priority)
    WHERE call_seq IS NOT NULL;
CREATE INDEX tickets_done ON tickets (event_id, lane, finished_at)
    WHERE state = 'done' AND called_at IS NOT NULL;
CREATE INDEX tickets_waiting ON tickets (event_id, lane, queue_pos, number)
    WHERE state = 'waiting';
-- A call takes the event's next call number: the highest so far, read off this index's end.
CREATE INDEX tickets_call_seq ON tickets (call_seq);

-- A sale to a member counts the member's orders (for the perks of returning fans): by this
-- index, not by reading every order of the night.
CREATE INDEX orders_member ON orders (member_id) WHERE member_id IS NOT NULL;

-- A discount's uses so far (for its limit, read by every sale in its window) are added up from
-- this index alone, not from each discounted line's row.
CREATE INDEX order_lines_discount_qty ON order_lines (discount_id, qty) WHERE discount_id IS NOT NULL;
DROP INDEX order_lines_discount;

-- Each claim keeps the units redeemed from it and not undone, kept by triggers in the
-- transaction of the redemption, hand-over, undo or refund that changes them, so a report
-- counts a shift's redeemed units from the shift's index range alone.
ALTER TABLE claims ADD COLUMN redeemed_units INTEGER NOT NULL DEFAULT 0;
UPDATE claims SET redeemed_units =
    (SELECT COALESCE(sum(d.units), 0) FROM redemptions d
      WHERE d.claim_id = claims.id AND d.undone_at IS NULL);
CREATE TRIGGER claims_redeemed_insert AFTER INSERT ON redemptions
BEGIN
    UPDATE claims SET redeemed_units = redeemed_units + iif(NEW.undone_at IS NULL, NEW.units, 0)
     WHERE id = NEW.claim_id;
END;
CREATE TRIGGER claims_redeemed_update AFTER UPDATE OF claim_id, units, undone_at ON redemptions
BEGIN
    UPDATE claims SET redeemed_units = redeemed_units - iif(OLD.undone_at IS NULL, OLD.units, 0)
     WHERE id = OLD.claim_id;
    UPDATE claims SET redeemed_units = redeemed_units + iif(NEW.undone_at IS NULL, NEW.units, 0)
     WHERE id = NEW.claim_id;
END;
CREATE TRIGGER claims_redeemed_delete AFTER DELETE ON redemptions
BEGIN
    UPDATE claims SET redeemed_units = redeemed_units - iif(OLD.undone_at IS NULL, OLD.units, 0)
     WHERE id = OLD.claim_id;
END;
DROP INDEX claims_shift;
CREATE INDEX claims_shift ON claims (shift_station, shift_seq, quantity, revoked_units, redeemed_units);
