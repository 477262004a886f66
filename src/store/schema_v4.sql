-- Encore schema version 4: trust. Wrong PINs are counted per role across stations; the helper
-- PIN (stored, never checked) is gone; audit entries are chained by hash and the database
-- refuses to change or delete them; claim keys keep only their public half here (the secret
-- half moves to the key file beside the database, see store/keyfile.rs); ticket numbers get a
-- counter per lane so a restored file never hands out again a number issued after its backup.

CREATE TABLE pin_attempts (
    event_id     INTEGER NOT NULL REFERENCES events(id),
    role         TEXT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until INTEGER,
    PRIMARY KEY (event_id, role)
);
DELETE FROM pins WHERE role = 'helper';

ALTER TABLE audit_log ADD COLUMN hash BLOB;   -- sha256(previous entry's hash ‖ this entry)

ALTER TABLE claim_keys ADD COLUMN public_key BLOB
    CHECK (public_key IS NULL OR length(public_key) = 32);

-- Facts about the file itself: its random id (the high-water mark is kept per database).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Ticket numbers come from a counter per lane, as receipt numbers come from the station's: the
-- high-water mark then knows each lane's last number exactly.
CREATE TABLE lane_counters (
    event_id    INTEGER NOT NULL REFERENCES events(id),
    lane        TEXT NOT NULL,
    next_number INTEGER NOT NULL,
    PRIMARY KEY (event_id, lane)
);
INSERT INTO lane_counters (event_id, lane, next_number)
    SELECT event_id, lane, MAX(number) + 1 FROM tickets GROUP BY event_id, lane;
